-- 016_purge.sql — what `dittoctl purge` needs: a lease row per job (not GET_LOCK, which a Galera
-- cluster does not share between nodes), audit rows that name a customer by a keyed hash so
-- their id can be erased without breaking the hash chain, and the cron account's grants.

-- One row per job that must run once at a time on the whole cluster.  A run takes the row
-- when it is free or expired (a row lock and certification settle a race between nodes),
-- renews expires_at while it works, and frees it at the end; a run killed with -9 leaves a
-- lease that expires on its own (or is taken over at once on the same host, whose pid is gone).
CREATE TABLE IF NOT EXISTS job_leases (
	name       VARCHAR(40)  NOT NULL,
	holder     VARCHAR(120) NOT NULL DEFAULT '',
	expires_at DATETIME(6)  NOT NULL DEFAULT '1970-01-01 00:00:00',
	PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT IGNORE INTO job_leases (name) VALUES ('purge');

-- customer_ref: the customer as a keyed BLAKE2b-256 of their id (hex; the key is the
-- audit_key_file of the configuration).  Rows of chain_version 2 hash customer_ref instead of
-- customer_id, so the purge may set customer_id to NULL and the chain still verifies; while
-- customer_id is set, `dittoctl audit verify` checks that it is the id customer_ref names.
-- Rows written before this migration (version 1) are re-chained once by `dittoctl migrate`,
-- which records that in an audit row of its own ("audit_rechain").
ALTER TABLE audit_log
	ADD COLUMN IF NOT EXISTS customer_ref CHAR(64) CHARACTER SET ascii NULL AFTER customer_id,
	ADD COLUMN IF NOT EXISTS chain_version TINYINT UNSIGNED NOT NULL DEFAULT 1 AFTER detail,
	ADD KEY IF NOT EXISTS ix_audit_chain_version (chain_version, id);

-- The cron account's purge: it deletes and blanks exactly the rows and columns that hold a
-- person, reading only the ids, statuses and times that say what is due (it needs no name,
-- address or message body to erase them).  Deleting a customer row cascades to what hangs on
-- it (addresses, interests, sessions, verifications, cart, viewing profile, contacts, payment
-- attempts), which needs no privilege on those tables.
GRANT SELECT, INSERT, UPDATE ON job_leases TO ditto_cron_role;
GRANT SELECT (id, status, status_changed_at, registered_at, email_verified_at), DELETE
	ON customers TO ditto_cron_role;
GRANT SELECT (customer_id), DELETE ON customer_status_history TO ditto_cron_role;
GRANT SELECT (customer_id, locked_until), DELETE ON lockouts TO ditto_cron_role;
GRANT UPDATE (customer_id) ON disclosures TO ditto_cron_role;
GRANT SELECT (order_id), UPDATE (token, brand, last4, exp_month, exp_year) ON payments
	TO ditto_cron_role;
GRANT UPDATE (note) ON order_status_history TO ditto_cron_role;
GRANT DELETE ON outbox TO ditto_cron_role;
GRANT SELECT (token_hash, customer_id, expires_at, used_at), DELETE ON email_verifications
	TO ditto_cron_role;
GRANT SELECT (customer_id, closed_at) ON legal_cases TO ditto_cron_role;
-- Only the id column of the audit log may change, and only the purge changes it (to NULL):
-- the chain covers customer_ref, and verify checks any id left against it.
GRANT UPDATE (customer_id) ON audit_log TO ditto_cron_role;

-- The purge finds an erased account's order messages through their order: without this index,
-- each account would scan the whole outbox.
ALTER TABLE outbox ADD KEY IF NOT EXISTS ix_outbox_order (order_id);
