-- 009_legal_cases.sql — legal cases: while a case about a customer is open, the legal officer
-- sees that customer's data (the legal role's views read only those customers).
CREATE TABLE IF NOT EXISTS legal_cases (
	id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id INT UNSIGNED NOT NULL,
	reference   VARCHAR(80)  NOT NULL,
	reason      VARCHAR(500) NOT NULL,
	opened_by   INT UNSIGNED NULL,
	opened_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	closed_at   DATETIME(6)  NULL,
	PRIMARY KEY (id),
	KEY ix_legal_cases_customer (customer_id, closed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Staff pages may tell whether a case is open; opening and closing cases is not theirs yet.
GRANT SELECT ON legal_cases TO ditto_staff_role;
