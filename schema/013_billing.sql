-- 013_billing.sql — what billing clerks and support representatives work with: an invoice's due
-- date, the refunds of a card payment (each with its idempotency key), card payments that failed
-- at checkout, the line of a status history step the customer is shown, and mail addressed only
-- at delivery.

-- An invoice is due 14 days after the order (set by checkout); refunded_cents is what has been
-- given back of amount_cents, so a refund can never exceed what was captured.
ALTER TABLE payments
	ADD COLUMN IF NOT EXISTS refunded_cents INT UNSIGNED NOT NULL DEFAULT 0 AFTER amount_cents,
	ADD COLUMN IF NOT EXISTS due_at DATETIME(6) NULL AFTER status;
UPDATE payments SET due_at = created_at + INTERVAL 14 DAY
	WHERE status IN ('invoice_due', 'invoice_paid') AND due_at IS NULL;

-- note stays internal; customer_note is what the customer's own order page shows beside the
-- step ("Refunded 12.34"), written only by code, never typed by staff.
ALTER TABLE order_status_history
	ADD COLUMN IF NOT EXISTS customer_note VARCHAR(200) NULL AFTER note;

-- One row per refund asked of the card processor.  The row is written (pending) before the
-- processor is called and finished (done or failed) after, so a pending amount counts against
-- what is left to refund and a worker lost in between never lets a second refund through.  The
-- key is the refund form's one-time key: the same form submitted twice finds its row.
CREATE TABLE IF NOT EXISTS payment_refunds (
	id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	order_id        INT UNSIGNED NOT NULL,
	idempotency_key CHAR(43)     NOT NULL,
	amount_cents    INT UNSIGNED NOT NULL,
	status          ENUM('pending','done','failed') NOT NULL DEFAULT 'pending',
	staff_username  VARCHAR(80)  NOT NULL, -- "<role>:<username>", as the history says it
	created_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	finished_at     DATETIME(6)  NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_refunds_key (idempotency_key),
	KEY ix_refunds_order (order_id, id),
	CONSTRAINT fk_refunds_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A card payment the processor declined or did not answer: no order was placed, but billing
-- sees the problem.  Only what may be kept of a card (brand, last 4).
CREATE TABLE IF NOT EXISTS payment_attempts (
	id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id  INT UNSIGNED NOT NULL,
	processor    VARCHAR(32)  NOT NULL,
	outcome      ENUM('declined','timeout','error') NOT NULL,
	amount_cents INT UNSIGNED NOT NULL,
	brand        VARCHAR(16)  NULL,
	last4        CHAR(4)      NULL,
	created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY ix_attempts_customer (customer_id, id),
	KEY ix_attempts_outcome (outcome, id),
	CONSTRAINT fk_attempts_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A message about an order may be queued by a role that may not read the order's contact
-- address (billing sees it masked): it carries the order and no recipient, and `dittoctl mail
-- send` (the cron account) addresses it to the order's contact email at delivery.
-- dedupe_key is the staff form's one-time key: the same message submitted twice is queued once.
ALTER TABLE outbox
	ADD COLUMN IF NOT EXISTS order_id INT UNSIGNED NULL AFTER customer_id,
	ADD COLUMN IF NOT EXISTS dedupe_key CHAR(43) NULL AFTER order_id,
	MODIFY recipient VARCHAR(254) NULL,
	ADD UNIQUE KEY IF NOT EXISTS uq_outbox_dedupe (dedupe_key);

GRANT INSERT ON payment_attempts TO ditto_web_role;
