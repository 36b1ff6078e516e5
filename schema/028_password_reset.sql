-- 028_password_reset.sql — one-time links that set a forgotten password.  Idempotent.

-- A reset link's token is stored only as its BLAKE2b-256 hash (as sessions are), so a leaked
-- table opens no account.  A link works once (used_at) and for 30 minutes (expires_at); a
-- successful reset marks every other open link of the account used too.  Deleted with the
-- account (ON DELETE CASCADE), so the purge that erases a customer erases their links; the
-- purge's sweep deletes used and expired ones.
CREATE TABLE IF NOT EXISTS password_resets (
	token_hash  BINARY(32)   NOT NULL,
	customer_id INT UNSIGNED NOT NULL,
	created_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at  DATETIME(6)  NOT NULL,
	used_at     DATETIME(6)  NULL,
	PRIMARY KEY (token_hash),
	KEY ix_password_resets_customer (customer_id, created_at),
	KEY ix_password_resets_expires (expires_at),
	CONSTRAINT fk_password_resets_customer FOREIGN KEY (customer_id)
		REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The shop makes links, reads one by its hash and marks links used; it never deletes them.
GRANT SELECT (token_hash, customer_id, created_at, expires_at, used_at),
	INSERT (token_hash, customer_id, expires_at),
	UPDATE (used_at) ON password_resets TO ditto_web_role;

-- The purge's sweep (used or expired links); an erased account's go with it by the cascade.
GRANT SELECT (token_hash, customer_id, expires_at, used_at), DELETE ON password_resets
	TO ditto_cron_role;
