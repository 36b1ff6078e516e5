-- 031_reports.sql — the analyst's and admin's reports read aggregates only.
--
-- Each view groups many rows into counts per day (or per day and category, per visit count):
-- no view has a column that names, or keys, a person, and SQL SECURITY DEFINER lets a role read
-- the view without any grant on the tables under it.  Which staff roles read them is written in
-- app/privacy/grants.c (privacy_writes), with every other staff privilege.  Test orders (paid
-- through the sandbox, schema/022) are no sales and are left out.

-- Registrations per day of registration, of every account that still has its row.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW report_registrations_daily AS
	SELECT DATE(registered_at) AS day, COUNT(*) AS registrations
	FROM customers
	GROUP BY DATE(registered_at);

-- Registrations waiting for a representative, per day of registration (their age).
CREATE OR REPLACE SQL SECURITY DEFINER VIEW report_pending_daily AS
	SELECT DATE(registered_at) AS day, COUNT(*) AS pending
	FROM customers
	WHERE status = 'pending'
	GROUP BY DATE(registered_at);

-- Approved accounts by visit count and day of last visit (NULL: never visited).
CREATE OR REPLACE SQL SECURITY DEFINER VIEW report_visits AS
	SELECT visit_count, DATE(last_visit_at) AS last_visit_day, COUNT(*) AS customers
	FROM customers
	WHERE status = 'approved'
	GROUP BY visit_count, DATE(last_visit_at);

-- Orders placed per day, and the revenue of those neither cancelled nor refunded.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW report_orders_daily AS
	SELECT DATE(created_at) AS day, COUNT(*) AS orders,
		SUM(IF(status IN ('cancelled', 'refunded'), 0, total_cents)) AS revenue_cents
	FROM orders
	WHERE test_order = 0
	GROUP BY DATE(created_at);

-- What sold, per day and category: orders (each order has one day, so summing days counts an
-- order once), units and revenue of the orders neither cancelled nor refunded.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW report_categories_daily AS
	SELECT DATE(o.created_at) AS day, c.id AS category_id, c.name AS category,
		COUNT(DISTINCT o.id) AS orders, SUM(l.quantity) AS units,
		SUM(l.quantity * l.unit_price_cents) AS revenue_cents
	FROM order_lines l
	JOIN orders o ON o.id = l.order_id
	JOIN products p ON p.id = l.product_id
	JOIN categories c ON c.id = p.category_id
	WHERE o.test_order = 0 AND o.status NOT IN ('cancelled', 'refunded')
	GROUP BY DATE(o.created_at), c.id, c.name;
