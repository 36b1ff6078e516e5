-- 015_legal_cases.sql — what a legal case records (the authority, its reference, the legal basis,
-- whether the customer may be told, who opened and closed it), how the legal officer names the
-- customer without being able to read or list customers, and what the shop shows the customer.

-- `reason` was always the legal basis the authority cited: it gets that name.
ALTER TABLE legal_cases
	CHANGE COLUMN reason legal_basis VARCHAR(500) NOT NULL,
	ADD COLUMN authority    VARCHAR(200) NOT NULL AFTER customer_id,
	ADD COLUMN customer_ref VARCHAR(65)  NULL AFTER customer_id,
	ADD COLUMN may_tell     TINYINT(1)   NOT NULL DEFAULT 0 AFTER legal_basis,
	ADD COLUMN closed_by    INT UNSIGNED NULL AFTER closed_at,
	-- A second submit of the same request about the same customer opens nothing: the same
	-- authority's reference names one case per customer (a request about three people is
	-- three cases with one reference).
	ADD UNIQUE KEY uq_legal_cases_request (customer_id, authority, reference);

-- The officer types the customer as the authority's request names them: a username, or "#"
-- and the customer's id.  The legal role may not read customers at all (SELECT (id, username)
-- would let it list every username; a lookup function would let it probe names one by one
-- without a trace), so the name is resolved here, as the table's definer, only while a case is
-- being inserted: the one way for the officer to learn that a customer exists is to open a
-- case about them, which is audited.  customer_ref is an input only: it is blanked once
-- resolved, so the table keeps no username.  An unknown customer is one error (SQLSTATE
-- 45000, "no such customer") whichever way they were named.
CREATE OR REPLACE TRIGGER legal_cases_resolve_customer
BEFORE INSERT ON legal_cases FOR EACH ROW
BEGIN
	IF NEW.customer_ref IS NOT NULL THEN
		SET NEW.customer_id = IF(NEW.customer_ref LIKE '#%',
			(SELECT c.id FROM customers c
			 WHERE NEW.customer_ref REGEXP '^#[1-9][0-9]{0,9}$'
			   AND c.id = CAST(SUBSTRING(NEW.customer_ref, 2) AS UNSIGNED)),
			(SELECT c.id FROM customers c WHERE c.username = NEW.customer_ref));
		SET NEW.customer_ref = NULL;
		IF NEW.customer_id IS NULL THEN
			SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no such customer';
		END IF;
	END IF;
END;

-- Which customer is under a legal case, and why, is itself personal data of the most sensitive
-- kind: no longer readable by every staff role, only by the legal role (its grants come from
-- app/privacy/grants.c, with its other privileges).
REVOKE SELECT ON legal_cases FROM ditto_staff_role;

-- The third-party disclosures of customers with an open case: the legal officer's data export
-- reads a customer's disclosures here, never anyone else's.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW legal_open_case_disclosures AS
	SELECT d.id, d.customer_id, d.order_id, d.recipient, d.fields, d.purpose, d.created_at
	FROM disclosures d
	WHERE EXISTS (SELECT 1 FROM legal_cases lc
	              WHERE lc.customer_id = d.customer_id AND lc.closed_at IS NULL);

-- The cases a customer may be told of, for /account/disclosures.  A view rather than column
-- grants on legal_cases: the shop's account never reads a case the customer may not be told
-- of, even through a bug of ours.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW customer_legal_cases AS
	SELECT id, customer_id, authority, reference, legal_basis, opened_at, closed_at
	FROM legal_cases
	WHERE may_tell = 1;
GRANT SELECT ON customer_legal_cases TO ditto_web_role;
