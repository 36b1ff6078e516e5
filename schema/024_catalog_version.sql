-- 024_catalog_version.sql — a catalogue version the workers cache against, the newest policy
-- version beside it, and maintained category counts.
--
-- Every worker keeps the catalogue (categories, pages of products, product pages) in its own
-- memory, valid for one catalogue version; the statement that checks a customer's session
-- returns the version too, so a page whose catalogue did not change costs one round trip.
-- Triggers bump site_state.catalog_version inside the very transaction that changes a product or a category
-- (a price, a stock count at checkout or cancellation, a product switched off), whoever makes
-- the change: the next request of any worker sees the new version and reads the new rows, so no
-- customer is shown a stale price or stock.  One row, so every change serialises on it: a small
-- shop's few changes a second, each held for the rest of its transaction.
--
-- category_counts is kept by the same triggers, so the catalogue does not count every active
-- product on every request.  A table of its own, not a column of categories: MariaDB refuses a
-- trigger that writes a table its statement reads, and "INSERT INTO products ... SELECT ... FROM
-- categories" (the demo seed) reads categories.  Signed: a count is never negative, but a bug
-- must not make a product's UPDATE fail on an unsigned underflow.

CREATE TABLE IF NOT EXISTS site_state (
	id              TINYINT UNSIGNED NOT NULL,
	catalog_version BIGINT UNSIGNED  NOT NULL,
	policy_version  INT UNSIGNED     NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT ck_site_state_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO site_state (id, catalog_version, policy_version)
SELECT 1, 1, COALESCE(MAX(version), 0) FROM policy_versions;

-- The newest policy version, kept beside the catalogue's: the session statement reads both from
-- this one row instead of a subquery per request.  Versions are only ever added.
CREATE OR REPLACE TRIGGER policy_versions_newest AFTER INSERT ON policy_versions FOR EACH ROW
	UPDATE site_state SET policy_version = GREATEST(policy_version, NEW.version) WHERE id = 1;
-- A version removed by hand (never by ditto) must not leave a newer number behind.
CREATE OR REPLACE TRIGGER policy_versions_removed AFTER DELETE ON policy_versions FOR EACH ROW
	UPDATE site_state
	SET policy_version = (SELECT COALESCE(MAX(v.version), 0) FROM policy_versions v)
	WHERE id = 1;

CREATE TABLE IF NOT EXISTS category_counts (
	category_id     INT UNSIGNED NOT NULL,
	active_products INT          NOT NULL DEFAULT 0,
	PRIMARY KEY (category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The category list walks this index in name order and finds all it reads in it (id is the
-- primary key, in every index): no sort, whatever the statistics say.
ALTER TABLE categories ADD INDEX IF NOT EXISTS ix_categories_name (name, slug);

CREATE OR REPLACE TRIGGER products_counted_insert AFTER INSERT ON products FOR EACH ROW
BEGIN
	IF NEW.active = 1 THEN
		INSERT INTO category_counts (category_id, active_products) VALUES (NEW.category_id, 1)
		ON DUPLICATE KEY UPDATE active_products = active_products + 1;
	END IF;
	UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
END;

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
	UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
END;

CREATE OR REPLACE TRIGGER products_counted_delete AFTER DELETE ON products FOR EACH ROW
BEGIN
	IF OLD.active = 1 THEN
		UPDATE category_counts SET active_products = active_products - 1
		WHERE category_id = OLD.category_id;
	END IF;
	UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
END;

-- A category renamed, added or removed changes the catalogue too.
CREATE OR REPLACE TRIGGER categories_versioned_insert AFTER INSERT ON categories FOR EACH ROW
	UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER categories_versioned_update AFTER UPDATE ON categories FOR EACH ROW
	UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER categories_versioned_delete AFTER DELETE ON categories FOR EACH ROW
	UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;

-- Counted once here (rows added before the triggers existed); from now on the triggers keep it.
INSERT INTO category_counts (category_id, active_products)
SELECT category_id, COUNT(*) FROM products WHERE active = 1 GROUP BY category_id
ON DUPLICATE KEY UPDATE active_products = VALUES(active_products);
UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;

GRANT SELECT (id, catalog_version, policy_version) ON site_state TO ditto_web_role;
GRANT SELECT (category_id, active_products) ON category_counts TO ditto_web_role;
