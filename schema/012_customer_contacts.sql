-- 012_customer_contacts.sql — what representatives do with a registration: each contact
-- attempt (the message went to the outbox; the note stays here for the next representative),
-- and, in the status history, the reason the customer was told apart from the internal note.

-- One row per message a representative sent an applicant.  The nonce is the form's: a second
-- submit of the same form finds its row and sends nothing.  Deleted with the account.
CREATE TABLE IF NOT EXISTS customer_contacts (
	id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	customer_id  INT UNSIGNED    NOT NULL,
	staff_id     INT UNSIGNED    NOT NULL,
	nonce        CHAR(43)        NOT NULL,
	note         VARCHAR(500)    NOT NULL,
	contacted_at DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY uq_customer_contacts_nonce (customer_id, nonce),
	KEY ix_customer_contacts_customer (customer_id, contacted_at),
	CONSTRAINT fk_customer_contacts_customer FOREIGN KEY (customer_id)
		REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- note: internal, never sent; reason: what the customer was told (a denial's, a cancellation's).
ALTER TABLE customer_status_history
	ADD COLUMN IF NOT EXISTS reason VARCHAR(500) NULL AFTER note;
