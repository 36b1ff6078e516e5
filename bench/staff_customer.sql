-- staff_customer.sql — the customer scripts/bench opens on the staff site as a billing clerk:
-- an approved account with a phone, both addresses and five card orders of three lines each
-- (products from the demo catalogue), so the page runs every query a real one does.
-- Run as the database's root on a seeded stack; prints the customer's id. @tag, if set first,
-- makes the username, email and order nonces unique, so a running stack can take it again.
SET @tag = COALESCE(@tag, '');
INSERT INTO customers (username, email, name, phone, password_hash, policy_version, status,
                       registered_at, visit_count, last_visit_at)
VALUES (CONCAT('bench_page', @tag), CONCAT('bench.page', @tag, '@example.com'),
        'Bench Page Customer', '+44 20 7946 0000', 'x',
        (SELECT MAX(version) FROM policy_versions), 'approved',
        UTC_TIMESTAMP(6) - INTERVAL 400 DAY, 12, UTC_TIMESTAMP(6) - INTERVAL 2 DAY);
SET @c = LAST_INSERT_ID();

INSERT INTO customer_addresses (customer_id, kind, line1, city, postcode, country, policy_version)
VALUES (@c, 'billing', '1 Ledger Lane', 'Invoiceham', 'IN1 1AA', 'Netherlands', 1),
       (@c, 'shipping', '2 Parcel Place', 'Shipton', 'SH2 2BB', 'Netherlands', 1);

INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, contact_email,
                    billing_line1, billing_city, billing_postcode, billing_country,
                    shipping_line1, shipping_city, shipping_postcode, shipping_country,
                    payment_mode, total_cents, created_at)
WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5)
SELECT @c, CONCAT('bench-staff-page-order-', n, @tag),
       ELT(n, 'paid', 'shipped', 'delivered', 'paid', 'refunded'), 1, 'Bench Page Customer',
       'bench.page@example.com', '1 Ledger Lane',
       'Invoiceham', 'IN1 1AA', 'Netherlands', '2 Parcel Place', 'Shipton', 'SH2 2BB',
       'Netherlands', 'card', 0, UTC_TIMESTAMP(6) - INTERVAL (60 - n * 10) DAY
FROM seq;

INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
WITH RECURSIVE seq (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < 3)
SELECT o.id, seq.k, p.id, p.sku, p.name, p.price_cents, seq.k
FROM orders o JOIN seq
JOIN products p ON p.id = (SELECT MIN(id) FROM products) + (o.id * 7 + seq.k) % 100
WHERE o.customer_id = @c;

UPDATE orders o
SET total_cents = (SELECT SUM(unit_price_cents * quantity) FROM order_lines WHERE order_id = o.id)
WHERE o.customer_id = @c;

INSERT INTO payments (order_id, processor, token, brand, last4, exp_month, exp_year, amount_cents,
                      status)
SELECT id, 'sandbox', CONCAT('tok-bench-', id), 'visa', '4242', 11, 2031, total_cents,
       IF(status = 'refunded', 'refunded', 'captured')
FROM orders WHERE customer_id = @c;

SELECT @c;
