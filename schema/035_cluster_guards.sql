-- 035_cluster_guards.sql — guards that hold on a whole Galera cluster, not on one node
-- (GET_LOCK is per node): the claim of a checkout nonce, and the lease of the shipments jobs.

-- A checkout claims its form's nonce before it charges the card, in a transaction of its own,
-- and frees it when it has answered.  A second submit of the same form (another worker, another
-- app host, another database node) finds the claim and waits for the order instead of charging
-- again: on two nodes at once, certification fails one of two concurrent claims at COMMIT and
-- its retry finds the other's row.  A worker killed while holding a claim leaves a row whose
-- claimed_until passes (the pool's request timeout and a margin), so the nonce is free again.
CREATE TABLE IF NOT EXISTS checkout_claims (
	customer_id   INT UNSIGNED NOT NULL,
	nonce         CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- base64url: exact
	holder        CHAR(32) CHARACTER SET ascii NOT NULL,
	claimed_until DATETIME(6)  NOT NULL,
	PRIMARY KEY (customer_id, nonce),
	KEY ix_checkout_claims_until (claimed_until),
	CONSTRAINT fk_checkout_claims_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
GRANT SELECT, INSERT, UPDATE, DELETE ON checkout_claims TO ditto_web_role;

-- `dittoctl shipments export` and `import` run one at a time on the whole cluster.
INSERT IGNORE INTO job_leases (name) VALUES ('shipments');
