-- 017_policy_lifecycle.sql — policy changes reaching people: which version a customer has seen
-- (the shop's banner), the site-notice mailing of each published version, and every staff
-- member's acknowledgement of each version.

-- customers.policy_version stays the version the account consented to (new orders, interests
-- and viewing records are collected under it); policy_seen_version is the newest version the
-- customer was shown and decided on (accepted or declined), so the banner stops without the
-- consent moving.  NULL: nothing seen beyond the consented version.
ALTER TABLE customers
	ADD COLUMN IF NOT EXISTS policy_seen_version INT UNSIGNED NULL AFTER policy_version;

-- One mailing per published version: the notice to every approved customer is queued in short
-- batches after the version commits, and next_customer_id is the cursor (the next batch starts
-- above it).  The row is written in the publishing transaction, so a publication whose mailing
-- was cut short (a killed request, a crash) is finished by `dittoctl policy notify` from cron.
-- Two runners, on one node or several, serialise on this row's lock (a row, not GET_LOCK,
-- which a Galera cluster does not share).
CREATE TABLE IF NOT EXISTS policy_mailings (
	version          INT UNSIGNED NOT NULL,
	next_customer_id INT UNSIGNED NOT NULL DEFAULT 0,
	queued           INT UNSIGNED NOT NULL DEFAULT 0,
	created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	done_at          DATETIME(6)  NULL,
	PRIMARY KEY (version),
	KEY ix_policy_mailings_open (done_at, version),
	CONSTRAINT fk_policy_mailings_version FOREIGN KEY (version) REFERENCES policy_versions (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A staff member read version `version` and acknowledged it (SPEC §6): until they have
-- acknowledged the newest, the staff site opens no page with personal data for them.
CREATE TABLE IF NOT EXISTS staff_policy_acks (
	staff_id INT UNSIGNED NOT NULL,
	version  INT UNSIGNED NOT NULL,
	acked_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (staff_id, version),
	CONSTRAINT fk_staff_policy_acks_staff FOREIGN KEY (staff_id) REFERENCES staff (id),
	CONSTRAINT fk_staff_policy_acks_version FOREIGN KEY (version) REFERENCES policy_versions (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The shop: the banner reads the seen version with the session; accepting moves the consent
-- and the seen version, declining only the seen version.
GRANT SELECT (policy_seen_version), UPDATE (policy_version, policy_seen_version)
	ON customers TO ditto_web_role;

-- Every staff member acknowledges for themself (the session reads whether they have; the
-- admin's staff page lists them).  Acknowledgements are about staff, not customers: they sit
-- with the sessions and the audit log on the staff pool's own role.
GRANT SELECT, INSERT ON staff_policy_acks TO ditto_staff_role;
GRANT SELECT ON policy_mailings TO ditto_staff_role;

-- The cron account: the affiliate export reads the registration data the policy lets an
-- affiliate have (name, email) with the version it is under, and records each transfer
-- (disclosures: INSERT granted already); `policy notify` finishes the mailings.
GRANT SELECT (id, name, email, status, policy_version) ON customers TO ditto_cron_role;
GRANT SELECT, UPDATE ON policy_mailings TO ditto_cron_role;
