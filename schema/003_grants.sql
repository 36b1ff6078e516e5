-- 003_grants.sql — least-privilege roles for the three MariaDB accounts.
-- The accounts themselves (ditto_web, ditto_staff, ditto_cron) are created by
-- the deployment with their own passwords and given these roles as default.
CREATE ROLE IF NOT EXISTS ditto_web_role;
CREATE ROLE IF NOT EXISTS ditto_staff_role;
CREATE ROLE IF NOT EXISTS ditto_cron_role;

GRANT SELECT (id, slug, name) ON categories TO ditto_web_role;
GRANT SELECT (id, category_id, sku, name, description, price_cents, stock, weight_grams, active)
	ON products TO ditto_web_role;
GRANT SELECT (version, published_at, title, body) ON policy_versions TO ditto_web_role;
GRANT SELECT (version, purpose) ON policy_purposes TO ditto_web_role;
GRANT SELECT (id, body, starts_at, ends_at) ON site_notices TO ditto_web_role;

GRANT SELECT (version, published_at, title, body) ON policy_versions TO ditto_staff_role;
GRANT SELECT (version, purpose) ON policy_purposes TO ditto_staff_role;

GRANT SELECT, INSERT ON policy_versions TO ditto_cron_role;
GRANT SELECT, INSERT ON policy_purposes TO ditto_cron_role;
