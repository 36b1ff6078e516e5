-- 023_least_privilege.sql — the shop's account writes only what an honest shop could write.
--
-- A column grant says which columns a role may write, never which values: so the values that
-- decide access and money (a customer's status and consented policy version, an order's status
-- and its payment) are written by SQL SECURITY DEFINER procedures that check them, and the shop's
-- role (ditto_web_role) holds no direct write on those columns or tables at all.  Staff roles
-- and the migrating account are untouched: their writes come from app/privacy/grants.c.

-- customers: the shop updates its own profile, visits and login counters; never status nor
-- policy_version (those go through shop_customer_close and shop_policy_accept below), and it
-- registers through shop_customer_register, so it has no INSERT either.
-- (A table-level REVOKE UPDATE takes the role's column-level UPDATE grants with it.)
REVOKE INSERT, UPDATE ON customers FROM ditto_web_role;
GRANT UPDATE (name, email, phone, email_verified_at, last_visit_at, visit_count,
	profile_opt_out, failed_logins, locked_until, password_hash, policy_seen_version)
	ON customers TO ditto_web_role;
-- The status history is written with the status, inside the procedures.
REVOKE INSERT ON customer_status_history FROM ditto_web_role;

-- orders and payments: placed through shop_order_place (always 'placed') and paid through
-- shop_payment_record (a captured payment of the order's whole total is what makes it 'paid').
REVOKE INSERT ON orders FROM ditto_web_role;
REVOKE INSERT ON payments FROM ditto_web_role;

-- Publishing a policy is the admin's (dittoctl policy publish runs as the administrative
-- account); the cron jobs only read the versions.
REVOKE INSERT ON policy_versions FROM ditto_cron_role;
REVOKE INSERT ON policy_purposes FROM ditto_cron_role;

-- Registration: the account starts pending, under the newest policy version (the form refuses
-- an older one already; a version published in between refuses the insert, never records it).
CREATE OR REPLACE PROCEDURE shop_customer_register(
	p_username VARCHAR(64), p_email VARCHAR(254), p_name VARCHAR(200), p_phone VARCHAR(40),
	p_hash VARCHAR(255), p_version INT UNSIGNED)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
	DECLARE v_id INT UNSIGNED;
	IF p_version IS NULL OR p_version <> (SELECT MAX(version) FROM policy_versions) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'not the newest policy version';
	END IF;
	INSERT INTO customers (username, email, name, phone, password_hash, policy_version,
		status_changed_at)
	VALUES (p_username, p_email, p_name, p_phone, p_hash, p_version, UTC_TIMESTAMP(6));
	SET v_id = LAST_INSERT_ID();
	INSERT INTO customer_status_history (customer_id, status, changed_by, note, reason)
	VALUES (v_id, 'pending', 'customer', 'registered', NULL);
	-- The caller reads LAST_INSERT_ID() for the new customer, not the history row.
	DO LAST_INSERT_ID(v_id);
END;

-- The customer's own status change: only deactivate or delete, only from approved (the
-- lifecycle of app/status.c; a representative's approval is a staff role's write).
CREATE OR REPLACE PROCEDURE shop_customer_close(
	p_customer INT UNSIGNED, p_status VARCHAR(20))
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
	DECLARE v_was VARCHAR(20);
	IF p_status IS NULL OR p_status NOT IN ('deactivated', 'deleted') THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the shop may only deactivate or delete';
	END IF;
	SELECT status INTO v_was FROM customers WHERE id = p_customer FOR UPDATE;
	IF v_was IS NULL OR v_was <> 'approved' THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'only an approved account can be closed';
	END IF;
	UPDATE customers SET status = p_status, status_changed_at = UTC_TIMESTAMP(6)
	WHERE id = p_customer;
	INSERT INTO customer_status_history (customer_id, status, changed_by, note, reason)
	VALUES (p_customer, p_status, 'customer', NULL, NULL);
END;

-- Consent moves only forward and only to the newest version.  The UPDATE is the last
-- statement: the CALL's affected rows are its, so a second accept reports 0.
CREATE OR REPLACE PROCEDURE shop_policy_accept(
	p_customer INT UNSIGNED, p_version INT UNSIGNED)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
	IF p_version IS NULL OR p_version <> (SELECT MAX(version) FROM policy_versions) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'not the newest policy version';
	END IF;
	UPDATE customers SET policy_version = p_version,
		policy_seen_version = GREATEST(COALESCE(policy_seen_version, 0), p_version)
	WHERE id = p_customer AND policy_version < p_version;
END;

-- An order starts 'placed', under the version its customer consented to (read here, not
-- taken from the caller).  A repeated nonce is the same duplicate-key error as before.
CREATE OR REPLACE PROCEDURE shop_order_place(
	p_customer INT UNSIGNED, p_nonce VARCHAR(64), p_contact_name VARCHAR(200),
	p_contact_email VARCHAR(254), p_b1 VARCHAR(200), p_b2 VARCHAR(200), p_b3 VARCHAR(100),
	p_b4 VARCHAR(20), p_b5 VARCHAR(60), p_s1 VARCHAR(200), p_s2 VARCHAR(200), p_s3 VARCHAR(100),
	p_s4 VARCHAR(20), p_s5 VARCHAR(60), p_mode VARCHAR(10), p_total BIGINT, p_weight BIGINT,
	p_test TINYINT)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
	-- p_test: paid through the sandbox processor, never to be shipped (schema/022).
	INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name,
		contact_email, billing_line1, billing_line2, billing_city, billing_postcode,
		billing_country, shipping_line1, shipping_line2, shipping_city, shipping_postcode,
		shipping_country, payment_mode, total_cents, weight_grams, test_order)
	SELECT c.id, p_nonce, 'placed', c.policy_version, p_contact_name, p_contact_email,
		p_b1, p_b2, p_b3, p_b4, p_b5, p_s1, p_s2, p_s3, p_s4, p_s5, p_mode, p_total, p_weight,
		IF(p_test <> 0, 1, 0)
	FROM customers c WHERE c.id = p_customer AND c.status = 'approved';
	IF ROW_COUNT() <> 1 THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no approved customer';
	END IF;
END;

-- The one payment of a placed order: a card order's captured payment of its whole total makes
-- it 'paid'; an invoice order gets its invoice, due in DB_INVOICE_DAYS (14) days, and stays
-- placed.  Any other combination is refused, so 'paid' always has a captured payment row.
CREATE OR REPLACE PROCEDURE shop_payment_record(
	p_order BIGINT UNSIGNED, p_processor VARCHAR(32), p_token VARCHAR(64),
	p_brand VARCHAR(16), p_last4 CHAR(4), p_exp_month TINYINT UNSIGNED,
	p_exp_year SMALLINT UNSIGNED, p_status VARCHAR(20))
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
	DECLARE v_mode VARCHAR(10);
	DECLARE v_status VARCHAR(20);
	DECLARE v_total BIGINT;
	SELECT payment_mode, status, total_cents INTO v_mode, v_status, v_total
	FROM orders WHERE id = p_order FOR UPDATE;
	IF v_status IS NULL OR v_status <> 'placed' OR NOT (
		(p_status = 'captured' AND v_mode = 'card' AND p_token IS NOT NULL) OR
		(p_status = 'invoice_due' AND v_mode = 'invoice' AND p_token IS NULL)) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'not a payment this order can take';
	END IF;
	INSERT INTO payments (order_id, processor, token, brand, last4, exp_month, exp_year,
		amount_cents, status, due_at)
	VALUES (p_order, p_processor, p_token, p_brand, p_last4, p_exp_month, p_exp_year, v_total,
		p_status, IF(p_status = 'invoice_due', UTC_TIMESTAMP(6) + INTERVAL 14 DAY, NULL));
	IF p_status = 'captured' THEN
		UPDATE orders SET status = 'paid' WHERE id = p_order;
	END IF;
END;

GRANT EXECUTE ON PROCEDURE shop_customer_register TO ditto_web_role;
GRANT EXECUTE ON PROCEDURE shop_customer_close TO ditto_web_role;
GRANT EXECUTE ON PROCEDURE shop_policy_accept TO ditto_web_role;
GRANT EXECUTE ON PROCEDURE shop_order_place TO ditto_web_role;
GRANT EXECUTE ON PROCEDURE shop_payment_record TO ditto_web_role;
