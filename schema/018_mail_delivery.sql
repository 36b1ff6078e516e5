-- 018_mail_delivery.sql — delivery of the outbox through a sendmail-compatible command (retries
-- with backoff, a limit, per-row claims so no message goes out twice) and marketing mail.

-- A sender claims one row at a time: claimed_by is its random run id, claim_expires when the
-- claim lapses (a sender killed mid-run leaves its rows to the next one).  A claim is a row
-- update, not GET_LOCK: named locks are per node, and a Galera cluster certifies row updates
-- on every node, so two senders on two nodes cannot both claim one message.
-- next_attempt_at: a failed message waits until then (backoff); NULL means at once.
-- given_up_at: the message will never be sent (too many failures, no recipient any more,
-- or a message that cannot be formatted); last_error says why, without personal data.
-- list_unsubscribe: the one-click unsubscribe link of a marketing message (RFC 8058 headers).
ALTER TABLE outbox
	ADD COLUMN IF NOT EXISTS next_attempt_at  DATETIME(6)  NULL AFTER attempts,
	ADD COLUMN IF NOT EXISTS claimed_by       CHAR(32)     NULL AFTER next_attempt_at,
	ADD COLUMN IF NOT EXISTS claim_expires    DATETIME(6)  NULL AFTER claimed_by,
	ADD COLUMN IF NOT EXISTS given_up_at      DATETIME(6)  NULL AFTER claim_expires,
	ADD COLUMN IF NOT EXISTS list_unsubscribe VARCHAR(500) NULL AFTER body,
	ADD KEY IF NOT EXISTS ix_outbox_due (sent_at, given_up_at, id);

-- Marketing: the newest product each customer was told of, so `dittoctl mail promotions`
-- announces a product once, however often it runs (and on however many nodes: the row is
-- read FOR UPDATE in the transaction that queues the message).  Holds no personal data.
CREATE TABLE IF NOT EXISTS promotion_watermarks (
	customer_id     INT UNSIGNED NOT NULL,
	last_product_id INT UNSIGNED NOT NULL DEFAULT 0,
	updated_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (customer_id),
	CONSTRAINT fk_promotion_watermarks_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The cron account's promotions job: who chose which category under which version, the
-- customer's address, status and registration version (purpose binding), the products to
-- announce and the watermarks.  No name, phone or address is read: the mail does not need them.
GRANT SELECT (policy_version) ON customers TO ditto_cron_role;
GRANT SELECT (customer_id, category_id, policy_version, created_at) ON customer_interests TO ditto_cron_role;
GRANT SELECT (id, name) ON categories TO ditto_cron_role;
GRANT SELECT (id, category_id, name, price_cents, active, created_at) ON products TO ditto_cron_role;
GRANT SELECT, INSERT, UPDATE ON promotion_watermarks TO ditto_cron_role;

-- The shop's unsubscribe page removes interests (it already may: 005) and reads nothing else.
