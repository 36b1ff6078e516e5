-- 025_plan_indexes.sql — indexes that let hot statements read their rows in the order they show
-- them, so the plan needs no sort and does not hang on statistics.  Idempotent.
-- The cart, oldest item first: the customer's items along (customer_id, added_at, product_id).
ALTER TABLE cart_items ADD INDEX IF NOT EXISTS ix_cart_customer_added (customer_id, added_at, product_id);
