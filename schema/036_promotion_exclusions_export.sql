-- 036_promotion_exclusions_export.sql — a customer's data export lists the categories they
-- asked to hear no more about (promotion_exclusions, 034): the shop reads them for it.
GRANT SELECT (customer_id, category_id, created_at) ON promotion_exclusions TO ditto_web_role;
