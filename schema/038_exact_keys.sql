-- 038_exact_keys.sql — one-time keys compare exactly.
--
-- A form's one-time key (the checkout's and the contact forms' nonce, a refund's key, a staff
-- message's dedupe key) is base64url: 'a' and 'A' are different digits.  These columns took
-- the table's utf8mb4 collation, which ignores case, so two different keys could be one: a
-- refund form whose key differed from an earlier refund's only in case was answered "this
-- refund was made already" (test_staff_orders saw it once, with a key it changed on purpose).
-- Random keys almost never meet that way, but a key is exact or it is no key; ascii_bin as
-- checkout_claims (schema/035) has it.  The values are ASCII already (session_token_ok), so
-- the conversion loses nothing.
--
-- Each ALTER copies its table.  On a Galera cluster DDL runs in total order isolation: the
-- copy of `orders` and `outbox` holds writes on every node while it runs, so run this
-- migration at a quiet hour.
ALTER TABLE orders
	MODIFY nonce CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE customer_contacts
	MODIFY nonce CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE support_messages
	MODIFY nonce CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE payment_refunds
	MODIFY idempotency_key CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE outbox
	MODIFY dedupe_key CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL;
