-- 019_support_messages.sql — the support queue (what customers write through /contact), and what
-- the shop's account reads so that a customer's data export holds every row about them.

-- One message a signed-in customer sent through the contact form.  The nonce is the form's: a
-- second submit of the same form finds its row and stores nothing.  Deleted with the account
-- (ON DELETE CASCADE), so the purge that deletes the customer removes their messages.
-- answered_by is the support member who marked it answered (staff.id), never shown to the
-- customer.
CREATE TABLE IF NOT EXISTS support_messages (
	id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id INT UNSIGNED    NOT NULL,
	nonce       CHAR(43)        NOT NULL,
	subject     VARCHAR(200)    NOT NULL,
	message     TEXT            NOT NULL,
	created_at  DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	answered_at DATETIME(6)     NULL,
	answered_by INT UNSIGNED    NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_support_messages_nonce (customer_id, nonce),
	KEY ix_support_messages_customer (customer_id, created_at),
	KEY ix_support_messages_queue (answered_at, id),
	CONSTRAINT fk_support_messages_customer FOREIGN KEY (customer_id)
		REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The shop stores a customer's message, counts their recent ones (the rate limit) and shows
-- them in the customer's export; it never sees who answered.
GRANT SELECT (id, customer_id, nonce, subject, message, created_at, answered_at),
	INSERT (customer_id, nonce, subject, message) ON support_messages TO ditto_web_role;

-- The data export (/account/export) reads what it did not read before: the contact attempts
-- representatives noted (never which representative), failed card payments (brand and last 4
-- only), and what was refunded of a payment and when an invoice is due.
GRANT SELECT (id, customer_id, note, contacted_at) ON customer_contacts TO ditto_web_role;
GRANT SELECT (id, customer_id, outcome, amount_cents, brand, last4, created_at)
	ON payment_attempts TO ditto_web_role;
GRANT SELECT (refunded_cents, due_at) ON payments TO ditto_web_role;
