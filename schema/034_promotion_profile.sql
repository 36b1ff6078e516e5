-- 034_promotion_profile.sql — promotions from the viewing profile, and their unsubscribe.  Idempotent.

-- The categories a customer unsubscribed from: a profile-derived category stays in the profile
-- (it is what they viewed), so the unsubscribe link cannot remove it the way it removes a chosen
-- interest; this row keeps `mail promotions` from choosing it again.  category_id 0 is "every
-- profile category" (the unsubscribe-from-all link), hence no foreign key on it.  The rows go with
-- the customer.
CREATE TABLE IF NOT EXISTS promotion_exclusions (
	customer_id INT UNSIGNED NOT NULL,
	category_id INT UNSIGNED NOT NULL,
	created_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (customer_id, category_id),
	CONSTRAINT fk_promotion_exclusions_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The promotions job reads the profile (category, views, when: the decayed weight), whether the
-- customer opted out of it, and the exclusions; the shop's unsubscribe page adds exclusions.
GRANT SELECT (customer_id, category_id, views, last_viewed_at) ON product_views TO ditto_cron_role;
GRANT SELECT (profile_opt_out) ON customers TO ditto_cron_role;
GRANT SELECT ON promotion_exclusions TO ditto_cron_role;
GRANT INSERT ON promotion_exclusions TO ditto_web_role;
