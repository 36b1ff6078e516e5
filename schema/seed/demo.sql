-- demo.sql — the demo catalogue (12 categories, 1,200 products) and a first policy version.
-- Idempotent: running it again changes nothing.
INSERT IGNORE INTO categories (slug, name) VALUES
	('tees', 'T-shirts'), ('hoodies', 'Hoodies'), ('caps', 'Caps'), ('mugs', 'Mugs'),
	('posters', 'Posters'), ('stickers', 'Stickers'), ('bags', 'Tote bags'),
	('pins', 'Enamel pins'), ('notebooks', 'Notebooks'), ('socks', 'Socks'),
	('scarves', 'Scarves'), ('keyrings', 'Keyrings');

-- MariaDB stops a recursive CTE after max_recursive_iterations (1,000 by default): raised for
-- this statement, or the catalogue would stop at product 1,000.
SET STATEMENT max_recursive_iterations = 10000 FOR
INSERT IGNORE INTO products (category_id, sku, name, description, price_cents, stock, weight_grams)
WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1200)
SELECT c.id,
       CONCAT('DIT-', LPAD(seq.n, 5, '0')),
       CONCAT(ELT(1 + seq.n % 8, 'Classic', 'Limited', 'Vintage', 'Studio', 'Signature',
                  'Archive', 'Night', 'Morning'), ' ', c.name, ' No. ', seq.n),
       CONCAT('A showroom piece from the idem ditto collection, number ', seq.n,
              '. Made in small runs; each one numbered by hand.'),
       900 + (seq.n * 137) % 9100,
       5 + (seq.n * 31) % 200,
       50 + (seq.n * 53) % 950
FROM seq JOIN (SELECT id, name, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM categories) c
  ON c.k = seq.n % 12;

INSERT IGNORE INTO policy_versions (version, title, body) VALUES (1, 'Privacy policy',
'idem ditto is a members-only showroom. We collect your name, email address, username and password (stored only as an argon2id hash), and optionally your phone number, to run your account; a representative approves every account before it can see merchandise.\n\nWhen you buy, we use your contact details, billing and shipping address and payment details to bill and fill your order. Your full card number and security code go to our card processor and are never stored by us; we keep only the card brand, last four digits and expiry.\n\nOnly staff who need a piece of information for their job can see it, and every time staff view your details in full it is recorded; you can see those records under My Account. We share your data only with the shipping company and the card processor, only what their task needs, and we list every such transfer under My Account.\n\nWe count your visits and keep the date of your last visit for aggregate statistics. Our web server logs contain no cookies or account identifiers and are never linked to you.\n\nYou can correct your data, download it, deactivate your account or delete it at any time under My Account. Deleted accounts are erased within 24 hours; orders are kept for accounting without your personal data.\n\nIf this policy changes, we show a notice on the home page and use your data only under the version you agreed to.');
INSERT IGNORE INTO policy_purposes (version, purpose) VALUES
	(1, 'account'), (1, 'orders'), (1, 'marketing'), (1, 'profiling');
