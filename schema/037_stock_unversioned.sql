-- 037_stock_unversioned.sql — a sale is no change of the catalogue.
--
-- schema/024 bumped site_state.catalog_version with every update of a product, so every
-- checkout wrote that one row: on one node every checkout queued behind it, and on a Galera
-- cluster two checkouts through two nodes conflicted at certification whatever they bought
-- (the fault test of scripts/cluster saw checkouts fail on that alone).  Now an update whose
-- only change is the stock, with the product still in stock or still sold out, leaves the
-- version alone: the cached pages show "In stock" / "Sold out", which did not change, and the
-- product page reads its count of units live (db_product_stock).  A product selling out, or
-- coming back, still bumps it.
CREATE OR REPLACE TRIGGER products_counted_update AFTER UPDATE ON products FOR EACH ROW
BEGIN
	IF OLD.active <> NEW.active OR OLD.category_id <> NEW.category_id THEN
		IF OLD.active = 1 THEN
			UPDATE category_counts SET active_products = active_products - 1
			WHERE category_id = OLD.category_id;
		END IF;
		IF NEW.active = 1 THEN
			INSERT INTO category_counts (category_id, active_products)
			VALUES (NEW.category_id, 1)
			ON DUPLICATE KEY UPDATE active_products = active_products + 1;
		END IF;
	END IF;
	IF NOT (OLD.id <=> NEW.id AND OLD.category_id <=> NEW.category_id AND OLD.sku <=> NEW.sku
		AND OLD.name <=> NEW.name AND OLD.description <=> NEW.description
		AND OLD.price_cents <=> NEW.price_cents AND OLD.weight_grams <=> NEW.weight_grams
		AND OLD.active <=> NEW.active AND OLD.created_at <=> NEW.created_at
		AND OLD.image_hash <=> NEW.image_hash AND (OLD.stock > 0) <=> (NEW.stock > 0)) THEN
		UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
	END IF;
END;
