-- 014_staff_totp_generation.sql — how many times each staff member's second factor was set up
-- again.  The admin's reset form carries the count it was shown, so a form posted twice resets
-- once (the second finds the count moved on) and the secret shown first stays the valid one.
ALTER TABLE staff
	ADD COLUMN IF NOT EXISTS totp_generation INT UNSIGNED NOT NULL DEFAULT 0;
