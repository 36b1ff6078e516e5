-- 022_test_orders.sql — orders paid through a test processor (the sandbox, which approves any
-- Luhn-valid number and charges nobody) are marked, and the shipping manifest skips them: no
-- goods leave for an order nobody paid.  The shop sets the mark when it inserts the order (its
-- table-wide INSERT on orders covers the column); the cron account's SELECT on orders reads it.
ALTER TABLE orders
	ADD COLUMN IF NOT EXISTS test_order BOOLEAN NOT NULL DEFAULT FALSE AFTER payment_mode;
