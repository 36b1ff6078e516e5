-- 002_policy.sql — privacy-policy versions, the purposes each allows, and site notices.
CREATE TABLE IF NOT EXISTS policy_versions (
	version      INT UNSIGNED NOT NULL,
	published_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	title        VARCHAR(200) NOT NULL,
	body         MEDIUMTEXT   NOT NULL,
	PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A purpose (marketing, profiling, affiliate_sharing, ...) allowed by a version.
-- Jobs check data against the version it was collected under, never the newest.
CREATE TABLE IF NOT EXISTS policy_purposes (
	version INT UNSIGNED NOT NULL,
	purpose VARCHAR(64)  NOT NULL,
	PRIMARY KEY (version, purpose),
	CONSTRAINT fk_policy_purposes_version FOREIGN KEY (version) REFERENCES policy_versions (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS site_notices (
	id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
	body       VARCHAR(1000) NOT NULL,
	starts_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	ends_at    DATETIME(6)  NULL,
	PRIMARY KEY (id),
	KEY ix_site_notices_window (starts_at, ends_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
