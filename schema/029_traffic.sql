-- 029_traffic.sql — what `dittoctl traffic ingest` keeps: where it is in the traffic log, the
-- open visits (raw state, deleted after traffic_retention_days) and the daily aggregates.
-- No table here holds an IP address, a customer id or anything from a session: a visit is
-- named by a hash of the anonymous visit cookie, which ditto never stores beside a customer.

-- Where each log stands: the file's inode and the offset just past the last line counted,
-- committed in the same transaction as that line's counts (so nothing counts twice).
CREATE TABLE IF NOT EXISTS traffic_sources (
	name       VARCHAR(40)     NOT NULL,
	inode      BIGINT UNSIGNED NOT NULL DEFAULT 0,
	log_offset BIGINT UNSIGNED NOT NULL DEFAULT 0,
	lines_read BIGINT UNSIGNED NOT NULL DEFAULT 0,
	malformed  BIGINT UNSIGNED NOT NULL DEFAULT 0,
	updated_at DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per visit (a visit cookie's requests with no gap over 30 minutes).  The visit's
-- attributes come from its first request; the address is looked up (ISP) and never kept.
CREATE TABLE IF NOT EXISTS traffic_visits (
	id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	visit_ref  CHAR(32) CHARACTER SET ascii NOT NULL,
	day        DATE            NOT NULL,
	started_at DATETIME        NOT NULL,
	last_at    DATETIME        NOT NULL,
	views      INT UNSIGNED    NOT NULL,
	entry_page VARCHAR(255)    NOT NULL,
	exit_page  VARCHAR(255)    NOT NULL,
	browser    VARCHAR(40)     NOT NULL,
	platform   VARCHAR(40)     NOT NULL,
	device     VARCHAR(16)     NOT NULL,
	isp        VARCHAR(255)    NOT NULL,
	referrer   VARCHAR(255)    NOT NULL,
	PRIMARY KEY (id),
	KEY ix_traffic_visits_ref (visit_ref, last_at),
	KEY ix_traffic_visits_day (day),
	KEY ix_traffic_visits_last (last_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Daily aggregates: metric is one of views, page, status (counted per request) and visits,
-- entry, exit, clicks, browser, platform, device, isp, referrer (per visit, by the day it
-- started).  Reports merge values counted fewer than 5 times into "other".
CREATE TABLE IF NOT EXISTS traffic_daily (
	day    DATE         NOT NULL,
	metric VARCHAR(16)  CHARACTER SET ascii NOT NULL,
	value  VARCHAR(255) NOT NULL,
	n      BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (day, metric, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT IGNORE INTO job_leases (name) VALUES ('traffic');
INSERT IGNORE INTO traffic_sources (name) VALUES ('shop');

GRANT SELECT, INSERT, UPDATE ON traffic_sources TO ditto_cron_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON traffic_visits TO ditto_cron_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON traffic_daily TO ditto_cron_role;
