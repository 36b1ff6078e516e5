-- 027_search.sql — the storefront: search, sorted catalogue pages, the cart count.
-- Idempotent: IF NOT EXISTS everywhere, triggers CREATE OR REPLACE.

-- Product images, products.image_hash and the triggers that make an image change a catalogue
-- change come from schema/026 (the catalogue management).

-- Search: MATCH (name, description) AGAINST (... IN NATURAL LANGUAGE MODE).
ALTER TABLE products ADD FULLTEXT INDEX IF NOT EXISTS ft_products_search (name, description);

-- Sorted pages walk an index in the order they show, stopping after the page (no sort of every
-- active product): by price (cheapest first, or backwards for dearest first) and by name, over
-- the whole catalogue and within one category.  The id breaks ties, so a page is stable.
ALTER TABLE products ADD INDEX IF NOT EXISTS ix_products_active_price (active, price_cents, id);
ALTER TABLE products ADD INDEX IF NOT EXISTS ix_products_active_name (active, name, id);
ALTER TABLE products
	ADD INDEX IF NOT EXISTS ix_products_active_category_price (active, category_id, price_cents, id);
ALTER TABLE products
	ADD INDEX IF NOT EXISTS ix_products_active_category_name (active, category_id, name, id);

-- The header's cart count, read by the session statement of every signed-in page: kept by
-- triggers on cart_items (units in the cart), so that statement reads one more row by its key
-- instead of counting the cart on every page.  A customer's deletion removes it by the foreign
-- key (a cascade fires no trigger, and needs none: the row goes with the customer).
CREATE TABLE IF NOT EXISTS cart_counts (
	customer_id INT UNSIGNED NOT NULL,
	items       INT          NOT NULL DEFAULT 0,
	PRIMARY KEY (customer_id),
	CONSTRAINT fk_cart_counts_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE OR REPLACE TRIGGER cart_items_counted_insert AFTER INSERT ON cart_items FOR EACH ROW
	INSERT INTO cart_counts (customer_id, items) VALUES (NEW.customer_id, NEW.quantity)
	ON DUPLICATE KEY UPDATE items = items + NEW.quantity;
CREATE OR REPLACE TRIGGER cart_items_counted_update AFTER UPDATE ON cart_items FOR EACH ROW
BEGIN
	UPDATE cart_counts SET items = items - OLD.quantity WHERE customer_id = OLD.customer_id;
	INSERT INTO cart_counts (customer_id, items) VALUES (NEW.customer_id, NEW.quantity)
	ON DUPLICATE KEY UPDATE items = items + NEW.quantity;
END;
CREATE OR REPLACE TRIGGER cart_items_counted_delete AFTER DELETE ON cart_items FOR EACH ROW
	UPDATE cart_counts SET items = items - OLD.quantity WHERE customer_id = OLD.customer_id;

-- Counted once here (carts filled before the triggers existed).
INSERT INTO cart_counts (customer_id, items)
SELECT customer_id, SUM(quantity) FROM cart_items GROUP BY customer_id
ON DUPLICATE KEY UPDATE items = VALUES(items);

GRANT SELECT (product_id, position, hash, width, height, alt) ON product_images TO ditto_web_role;
GRANT SELECT (customer_id, items) ON cart_counts TO ditto_web_role;
