-- 026_catalog_admin.sql — catalogue management: product images (re-encoded files named by
-- their hash), the first image's hash on the product row, and the stock adjustments' history.
--
-- An image row names files `<hash>-<width>.webp` in image_dir (320, 640 and 1280 px wide, never
-- upscaled); width and height are those of the largest.  products.image_hash is position 0's
-- hash, kept by the code that changes images in the same transaction, so the catalogue card
-- reads it from the product row it reads anyway.  The triggers below bump the catalogue
-- version (schema/024) in that transaction too, whichever position changed.

CREATE TABLE IF NOT EXISTS product_images (
	id          INT UNSIGNED      NOT NULL AUTO_INCREMENT,
	product_id  INT UNSIGNED      NOT NULL,
	position    SMALLINT UNSIGNED NOT NULL,
	hash        CHAR(64)          NOT NULL,
	width       SMALLINT UNSIGNED NOT NULL,
	height      SMALLINT UNSIGNED NOT NULL,
	alt         VARCHAR(200)      NOT NULL DEFAULT '',
	created_at  DATETIME(6)       NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY uq_product_images_position (product_id, position),
	KEY ix_product_images_hash (hash),
	CONSTRAINT fk_product_images_product FOREIGN KEY (product_id) REFERENCES products (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE products ADD COLUMN IF NOT EXISTS image_hash CHAR(64) NULL;

CREATE OR REPLACE TRIGGER product_images_versioned_insert AFTER INSERT ON product_images
	FOR EACH ROW UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER product_images_versioned_update AFTER UPDATE ON product_images
	FOR EACH ROW UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER product_images_versioned_delete AFTER DELETE ON product_images
	FOR EACH ROW UPDATE site_state SET catalog_version = catalog_version + 1 WHERE id = 1;

-- Every stock change made by hand (dittoctl product stock, the staff site), with its reason and
-- who made it; checkouts and cancellations keep their own records (orders, status history).
CREATE TABLE IF NOT EXISTS stock_adjustments (
	id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	product_id  INT UNSIGNED    NOT NULL,
	delta       INT             NOT NULL,
	stock_after INT UNSIGNED    NOT NULL,
	reason      VARCHAR(200)    NOT NULL,
	adjusted_by VARCHAR(100)    NOT NULL,
	created_at  DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY ix_stock_adjustments_product (product_id, id),
	CONSTRAINT fk_stock_adjustments_product FOREIGN KEY (product_id) REFERENCES products (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The shop shows images: their rows, and the first one's hash on the product.
GRANT SELECT (id, product_id, position, hash, width, height, alt) ON product_images
	TO ditto_web_role;
GRANT SELECT (image_hash) ON products TO ditto_web_role;
