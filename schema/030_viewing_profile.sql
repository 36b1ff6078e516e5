-- 030_viewing_profile.sql — the viewing profile the customer reads and clears.  Idempotent.

-- A product view counts towards its category too: the category it was in when viewed, kept
-- on the row so "Recommended for you" sums a customer's views per category along an index
-- (customer_id, category_id) instead of joining every viewed product.
ALTER TABLE product_views ADD COLUMN IF NOT EXISTS category_id INT UNSIGNED NULL AFTER product_id;
UPDATE product_views v JOIN products p ON p.id = v.product_id
	SET v.category_id = p.category_id WHERE v.category_id IS NULL;
ALTER TABLE product_views ADD INDEX IF NOT EXISTS ix_views_customer_category
	(customer_id, category_id, last_viewed_at, views);

-- When the customer last cleared their profile: a view noted before it (batched by a worker
-- and written up to a second later, app/batch.c) is not written after it.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS profile_cleared_at DATETIME(6) NULL;

-- The shop clears a profile (My Account's button, and opting out deletes it at once).
GRANT DELETE ON product_views TO ditto_web_role;
GRANT UPDATE (profile_cleared_at) ON customers TO ditto_web_role;
