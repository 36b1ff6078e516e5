-- 008_shopping.sql — carts, orders with their lines, status history and payment records,
-- checkout nonces, the viewing profile and the record of disclosures to third parties.

-- The cart lives server-side, so it survives logout and follows the customer.
CREATE TABLE IF NOT EXISTS cart_items (
	customer_id INT UNSIGNED NOT NULL,
	product_id  INT UNSIGNED NOT NULL,
	quantity    INT UNSIGNED NOT NULL,
	added_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (customer_id, product_id),
	CONSTRAINT fk_cart_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
	CONSTRAINT fk_cart_product FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Orders keep a copy of contact and addresses as given at checkout (the account may change
-- later); the purge anonymises them (customer_id NULL, personal columns blanked).
CREATE TABLE IF NOT EXISTS orders (
	id               INT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id      INT UNSIGNED NULL,
	nonce            CHAR(43)     NOT NULL,
	status           ENUM('placed','paid','shipped','delivered','cancelled','refunded') NOT NULL,
	policy_version   INT UNSIGNED NOT NULL,
	contact_name     VARCHAR(200) NOT NULL,
	contact_email    VARCHAR(254) NOT NULL,
	billing_line1    VARCHAR(200) NOT NULL,
	billing_line2    VARCHAR(200) NOT NULL DEFAULT '',
	billing_city     VARCHAR(100) NOT NULL,
	billing_postcode VARCHAR(20)  NOT NULL,
	billing_country  VARCHAR(60)  NOT NULL,
	shipping_line1    VARCHAR(200) NOT NULL,
	shipping_line2    VARCHAR(200) NOT NULL DEFAULT '',
	shipping_city     VARCHAR(100) NOT NULL,
	shipping_postcode VARCHAR(20)  NOT NULL,
	shipping_country  VARCHAR(60)  NOT NULL,
	payment_mode     ENUM('card','invoice') NOT NULL,
	total_cents      INT UNSIGNED NOT NULL,
	weight_grams     INT UNSIGNED NOT NULL DEFAULT 0,
	tracking_number  VARCHAR(64)  NULL,
	shipment_exported_at DATETIME(6) NULL,
	created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	anonymised_at    DATETIME(6)  NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_orders_nonce (nonce),
	KEY ix_orders_customer (customer_id, id),
	KEY ix_orders_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS order_lines (
	order_id         INT UNSIGNED NOT NULL,
	line_no          SMALLINT UNSIGNED NOT NULL,
	product_id       INT UNSIGNED NOT NULL,
	sku              VARCHAR(32)  NOT NULL,
	name             VARCHAR(200) NOT NULL,
	unit_price_cents INT UNSIGNED NOT NULL,
	quantity         INT UNSIGNED NOT NULL,
	PRIMARY KEY (order_id, line_no),
	CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS order_status_history (
	id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	order_id   INT UNSIGNED NOT NULL,
	status     VARCHAR(20)  NOT NULL,
	changed_by VARCHAR(80)  NOT NULL,
	note       VARCHAR(500) NULL,
	changed_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY ix_order_history_order (order_id, id),
	CONSTRAINT fk_history_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only what the policy lets us keep of a card: brand, last 4, expiry, the processor's token.
CREATE TABLE IF NOT EXISTS payments (
	order_id     INT UNSIGNED NOT NULL,
	processor    VARCHAR(32)  NOT NULL,
	token        VARCHAR(64)  NULL,
	brand        VARCHAR(16)  NULL,
	last4        CHAR(4)      NULL,
	exp_month    TINYINT UNSIGNED NULL,
	exp_year     SMALLINT UNSIGNED NULL,
	amount_cents INT UNSIGNED NOT NULL,
	status       ENUM('authorized','captured','refunded','invoice_due','invoice_paid') NOT NULL,
	created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (order_id),
	CONSTRAINT fk_payments_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Viewing profile: what a customer looked at, under the policy version in force then.
CREATE TABLE IF NOT EXISTS product_views (
	customer_id    INT UNSIGNED NOT NULL,
	product_id     INT UNSIGNED NOT NULL,
	views          INT UNSIGNED NOT NULL DEFAULT 1,
	last_viewed_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	policy_version INT UNSIGNED NOT NULL,
	PRIMARY KEY (customer_id, product_id),
	CONSTRAINT fk_views_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every transfer of a customer's data to a third party, shown under /account/disclosures.
CREATE TABLE IF NOT EXISTS disclosures (
	id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id INT UNSIGNED NULL,
	order_id    INT UNSIGNED NULL,
	recipient   VARCHAR(80)  NOT NULL,
	fields      VARCHAR(300) NOT NULL,
	purpose     VARCHAR(200) NOT NULL,
	created_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY ix_disclosures_customer (customer_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

GRANT SELECT, INSERT, UPDATE, DELETE ON cart_items TO ditto_web_role;
GRANT SELECT, INSERT ON orders TO ditto_web_role;
GRANT SELECT, INSERT ON order_lines TO ditto_web_role;
GRANT SELECT, INSERT ON order_status_history TO ditto_web_role;
GRANT SELECT (order_id, processor, brand, last4, exp_month, exp_year, amount_cents, status, created_at), INSERT ON payments TO ditto_web_role;
GRANT SELECT, INSERT, UPDATE ON product_views TO ditto_web_role;
GRANT SELECT, INSERT ON disclosures TO ditto_web_role;
GRANT UPDATE (stock) ON products TO ditto_web_role;

GRANT SELECT, UPDATE ON orders TO ditto_cron_role;
GRANT SELECT ON order_lines TO ditto_cron_role;
GRANT SELECT, INSERT ON order_status_history TO ditto_cron_role;
GRANT SELECT, INSERT ON disclosures TO ditto_cron_role;
GRANT INSERT ON outbox TO ditto_cron_role;
