-- 011_staff_sessions.sql — staff sign-in: sessions of their own (never valid on the shop),
-- failed sign-ins and lockout, and the last TOTP time step used (a code works once).

ALTER TABLE staff
	ADD COLUMN IF NOT EXISTS failed_logins  INT UNSIGNED    NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS locked_until   DATETIME(6)     NULL,
	ADD COLUMN IF NOT EXISTS totp_last_step BIGINT UNSIGNED NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS last_login_at  DATETIME(6)     NULL;

-- Only a hash of the token is stored.  A session ends after 15 minutes idle or 8 hours in all
-- (expires_at), and at once when its staff member is disabled (the load joins staff).
CREATE TABLE IF NOT EXISTS staff_sessions (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	token_hash    BINARY(32)   NOT NULL,
	staff_id      INT UNSIGNED NOT NULL,
	csrf_token    CHAR(43)     NOT NULL,
	created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	last_seen_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at    DATETIME(6)  NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_staff_sessions_token (token_hash),
	KEY ix_staff_sessions_staff (staff_id),
	KEY ix_staff_sessions_expiry (expires_at),
	CONSTRAINT fk_staff_sessions_staff FOREIGN KEY (staff_id) REFERENCES staff (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The staff pool signs staff in and keeps their sessions; it never reads customer sessions.
GRANT SELECT (id, username, role, password_hash, totp_secret, disabled, failed_logins,
	locked_until, totp_last_step, last_login_at) ON staff TO ditto_staff_role;
GRANT UPDATE (password_hash, failed_logins, locked_until, totp_last_step, last_login_at)
	ON staff TO ditto_staff_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON staff_sessions TO ditto_staff_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO ditto_staff_role;

GRANT SELECT, DELETE ON staff_sessions TO ditto_cron_role;
