-- 010_audit.sql — the append-only, hash-chained audit log of staff access to personal data,
-- and its chain head.
-- Each row's hash is BLAKE2b-256 over the previous row's hash and the row's canonical encoding
-- (app/privacy/audit.c); `dittoctl audit verify` recomputes the chain and checks the head.

CREATE TABLE IF NOT EXISTS audit_log (
	id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	created_at     DATETIME(6)     NOT NULL,
	staff_id       INT UNSIGNED    NULL,
	staff_username VARCHAR(64)     NOT NULL,
	role           VARCHAR(20)     NULL,
	action         VARCHAR(40)     NOT NULL,
	customer_id    INT UNSIGNED    NULL,
	fields         VARCHAR(300)    NOT NULL DEFAULT '',
	route          VARCHAR(120)    NOT NULL,
	request_id     VARCHAR(64)     NOT NULL,
	detail         VARCHAR(300)    NULL,
	prev_hash      BINARY(32)      NOT NULL,
	hash           BINARY(32)      NOT NULL,
	PRIMARY KEY (id),
	KEY ix_audit_customer (customer_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The chain head: one row (id = 1) naming the last row and its hash.  Writers lock it with
-- SELECT ... FOR UPDATE, so appends are serialised by a row lock, which (unlike GET_LOCK) also
-- holds across the nodes of a Galera cluster: a conflicting commit there fails certification
-- with a deadlock error, which db_tx retries.
CREATE TABLE IF NOT EXISTS audit_head (
	id        TINYINT UNSIGNED NOT NULL,
	last_id   BIGINT UNSIGNED  NOT NULL,
	last_hash BINARY(32)       NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT ck_audit_head_one CHECK (id = 1)
) ENGINE=InnoDB;

-- The empty chain: no row yet, and the hash every chain starts from (32 zero bytes).
INSERT IGNORE INTO audit_head (id, last_id, last_hash) VALUES (1, 0, REPEAT(X'00', 32));

-- The staff pool appends and reads (the audit page); it never changes or removes a row.
GRANT SELECT, INSERT ON audit_log TO ditto_staff_role;
GRANT SELECT (id, last_id, last_hash), UPDATE (last_id, last_hash) ON audit_head
	TO ditto_staff_role;
-- My Account shows when and by which role a customer's data was viewed, never by whom.
GRANT SELECT (id, created_at, role, action, customer_id, fields) ON audit_log TO ditto_web_role;
-- `dittoctl audit verify` runs from cron as ditto_cron: it only reads.
GRANT SELECT ON audit_log TO ditto_cron_role;
GRANT SELECT ON audit_head TO ditto_cron_role;
