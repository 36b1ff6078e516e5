-- 004_accounts.sql — customers, their addresses and interests, sessions, login throttling,
-- email verification, the mail outbox and staff accounts.
-- Every record of a person carries the policy version it was collected under.

CREATE TABLE IF NOT EXISTS customers (
	id                 INT UNSIGNED NOT NULL AUTO_INCREMENT,
	username           VARCHAR(64)  NOT NULL,
	email              VARCHAR(254) NOT NULL,
	name               VARCHAR(200) NOT NULL,
	phone              VARCHAR(40)  NULL,
	password_hash      VARCHAR(255) NOT NULL,
	status             ENUM('pending','approved','denied','cancelled','deactivated','deleted')
	                   NOT NULL DEFAULT 'pending',
	email_verified_at  DATETIME(6)  NULL,
	registered_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	policy_version     INT UNSIGNED NOT NULL,
	last_visit_at      DATETIME(6)  NULL,
	visit_count        INT UNSIGNED NOT NULL DEFAULT 0,
	profile_opt_out    TINYINT(1)   NOT NULL DEFAULT 0,
	failed_logins      INT UNSIGNED NOT NULL DEFAULT 0,
	locked_until       DATETIME(6)  NULL,
	status_changed_at  DATETIME(6)  NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_customers_username (username),
	UNIQUE KEY uq_customers_email (email),
	KEY ix_customers_status (status, status_changed_at),
	CONSTRAINT fk_customers_policy FOREIGN KEY (policy_version) REFERENCES policy_versions (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who changed an account's access, when, and to what (representatives, dittoctl, the customer).
CREATE TABLE IF NOT EXISTS customer_status_history (
	id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id INT UNSIGNED NOT NULL,
	status      VARCHAR(20)  NOT NULL,
	changed_by  VARCHAR(80)  NOT NULL,
	note        VARCHAR(500) NULL,
	changed_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY ix_status_history_customer (customer_id, changed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customer_addresses (
	customer_id    INT UNSIGNED NOT NULL,
	kind           ENUM('billing','shipping') NOT NULL,
	line1          VARCHAR(200) NOT NULL,
	line2          VARCHAR(200) NOT NULL DEFAULT '',
	city           VARCHAR(100) NOT NULL,
	postcode       VARCHAR(20)  NOT NULL,
	country        VARCHAR(60)  NOT NULL,
	policy_version INT UNSIGNED NOT NULL,
	updated_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (customer_id, kind),
	CONSTRAINT fk_addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Marketing interests: consent per category, under the policy version it was given.
CREATE TABLE IF NOT EXISTS customer_interests (
	customer_id    INT UNSIGNED NOT NULL,
	category_id    INT UNSIGNED NOT NULL,
	policy_version INT UNSIGNED NOT NULL,
	created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (customer_id, category_id),
	CONSTRAINT fk_interests_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
	CONSTRAINT fk_interests_category FOREIGN KEY (category_id) REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sessions: only a hash of the token is stored; the token itself lives in the cookie.
CREATE TABLE IF NOT EXISTS sessions (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	token_hash    BINARY(32)   NOT NULL,
	customer_id   INT UNSIGNED NOT NULL,
	csrf_token    CHAR(43)     NOT NULL,
	created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	last_seen_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at    DATETIME(6)  NOT NULL,
	browser       VARCHAR(60)  NOT NULL DEFAULT '',
	PRIMARY KEY (id),
	UNIQUE KEY uq_sessions_token (token_hash),
	KEY ix_sessions_customer (customer_id),
	KEY ix_sessions_expiry (expires_at),
	CONSTRAINT fk_sessions_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins per client address, keyed-hashed (never the address itself), for slowing
-- repeated failures down; rows older than the window are ignored and purged.
CREATE TABLE IF NOT EXISTS login_throttle (
	addr_hash     BINARY(16)   NOT NULL,
	failures      INT UNSIGNED NOT NULL DEFAULT 0,
	last_failure  DATETIME(6)  NOT NULL,
	PRIMARY KEY (addr_hash),
	KEY ix_login_throttle_last (last_failure)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Account lockouts (repeated failed logins), kept for the operators.
CREATE TABLE IF NOT EXISTS lockouts (
	id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id  INT UNSIGNED NOT NULL,
	locked_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	locked_until DATETIME(6)  NOT NULL,
	failures     INT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	KEY ix_lockouts_customer (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS email_verifications (
	token_hash   BINARY(32)   NOT NULL,
	customer_id  INT UNSIGNED NOT NULL,
	email        VARCHAR(254) NOT NULL,
	created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at   DATETIME(6)  NOT NULL,
	used_at      DATETIME(6)  NULL,
	PRIMARY KEY (token_hash),
	KEY ix_email_verifications_customer (customer_id),
	CONSTRAINT fk_verifications_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every message leaves through here; `dittoctl mail send` delivers and marks it sent.
CREATE TABLE IF NOT EXISTS outbox (
	id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id  INT UNSIGNED NULL,
	kind         VARCHAR(40)  NOT NULL,
	recipient    VARCHAR(254) NOT NULL,
	subject      VARCHAR(200) NOT NULL,
	body         TEXT         NOT NULL,
	created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	sent_at      DATETIME(6)  NULL,
	attempts     INT UNSIGNED NOT NULL DEFAULT 0,
	last_error   VARCHAR(200) NULL,
	PRIMARY KEY (id),
	KEY ix_outbox_unsent (sent_at, id),
	KEY ix_outbox_customer (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS staff (
	id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
	username      VARCHAR(64)  NOT NULL,
	role          ENUM('representative','billing','support','analyst','admin','legal') NOT NULL,
	password_hash VARCHAR(255) NOT NULL,
	totp_secret   VARCHAR(64)  NOT NULL,
	disabled      TINYINT(1)   NOT NULL DEFAULT 0,
	created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY uq_staff_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
