-- 001_catalog.sql — merchandise: categories and products.
CREATE TABLE IF NOT EXISTS categories (
	id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
	slug        VARCHAR(64)  NOT NULL,
	name        VARCHAR(100) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_categories_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS products (
	id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
	category_id  INT UNSIGNED NOT NULL,
	sku          VARCHAR(32)  NOT NULL,
	name         VARCHAR(200) NOT NULL,
	description  TEXT         NOT NULL,
	price_cents  INT UNSIGNED NOT NULL,
	stock        INT UNSIGNED NOT NULL DEFAULT 0,
	weight_grams INT UNSIGNED NOT NULL DEFAULT 0,
	active       TINYINT(1)   NOT NULL DEFAULT 1,
	created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY uq_products_sku (sku),
	KEY ix_products_active_category (active, category_id, id),
	CONSTRAINT fk_products_category FOREIGN KEY (category_id) REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
