/* shop.h — data access for the cart, orders, payments, the viewing profile and disclosures. */
#ifndef DITTO_DB_SHOP_H
#define DITTO_DB_SHOP_H

#include <stdbool.h>
#include <stddef.h>

#include "../status.h"

struct arena;
struct db;

struct cart_line {
	long long product_id;
	const char *sku;
	const char *name;
	long long unit_price_cents;
	long long quantity;
	long long stock;        /* units left now */
	long long weight_grams; /* per unit */
	bool active;
};

/* Lists the customer's cart (product data as it is now). Returns 0 or -1. */
int db_cart_list(struct db *db, struct arena *a, long long customer_id, struct cart_line **out,
                 size_t *n);
/* Sets the quantity of product_id (0 removes it). Returns 0 or -1. */
int db_cart_set(struct db *db, long long customer_id, long long product_id, long long quantity);
/* Stores how many of product_id the customer's cart holds (0: none). Returns 0 or -1. */
int db_cart_quantity(struct db *db, struct arena *a, long long customer_id, long long product_id,
                     long long *quantity);
int db_cart_clear(struct db *db, long long customer_id);

/* Takes quantity units of product_id if that many are left. *taken tells whether it did. */
int db_stock_take(struct db *db, long long product_id, long long quantity, bool *taken);

/* The order as checkout writes it; strings are the validated form fields.  No status and no
 * policy version: the database starts every order placed under the customer's consented
 * version, and only its captured card payment (db_payment_insert) makes it paid. */
struct order_new {
	long long customer_id;
	const char *nonce;
	const char *contact_name, *contact_email;
	const char *billing[5]; /* line1, line2, city, postcode, country */
	const char *shipping[5];
	const char *payment_mode; /* "card" or "invoice" */
	long long total_cents;
	long long weight_grams;
	bool test_order; /* paid through a test processor (the sandbox): never shipped */
};

/* Inserts the order; returns 0 (id in *id), 1 when the nonce was used already, -1 on error. */
int db_order_insert(struct db *db, const struct order_new *o, long long *id);
int db_order_line_insert(struct db *db, long long order_id, int line_no, const struct cart_line *l);
/* Records that the order reached status (by changed_by, with an internal note or NULL). */
int db_order_history_insert(struct db *db, long long order_id, enum order_status status,
                            const char *changed_by, const char *note);
/* The same, with customer_note (or NULL): what the customer's order page shows beside the step
 * ("Refunded 12.34"); never a note typed by staff. */
int db_order_history_insert_told(struct db *db, long long order_id, enum order_status status,
                                 const char *changed_by, const char *note,
                                 const char *customer_note);

/* What is kept of a payment: never the card number or CVV. */
struct payment_new {
	long long order_id;
	const char *processor;
	const char *token; /* NULL for invoices */
	const char *brand, *last4;
	int exp_month, exp_year;
	long long amount_cents;
	const char *status; /* "captured" or "invoice_due" */
};
/* Records the order's one payment for its whole total (amount_cents is not sent: the database
 * takes the order's own); a captured card payment makes the order paid, an invoice
 * ("invoice_due") is due DB_INVOICE_DAYS after now (the 023 migration uses the same figure). */
int db_payment_insert(struct db *db, const struct payment_new *p);

/* Days a customer has to pay an invoice. */
#define DB_INVOICE_DAYS 14

/* A card payment that failed at checkout (no order was placed). */
struct payment_attempt {
	long long customer_id;
	const char *processor;
	const char *outcome; /* "declined", "timeout" or "error" */
	long long amount_cents;
	const char *brand, *last4; /* NULL when unknown */
};
/* Records a failed card payment. Returns 0 or -1. */
int db_payment_attempt_insert(struct db *db, const struct payment_attempt *at);

/* Records that recipient received fields of customer_id's data (0: no customer's) for
 * purpose, about order_id (0: none). */
int db_disclosure_insert(struct db *db, long long customer_id, long long order_id,
                         const char *recipient, const char *fields, const char *purpose);

struct disclosure {
	const char *recipient, *fields, *purpose, *created_at;
	long long order_id; /* 0 when none */
};
/* The customer's disclosures, newest first. */
int db_disclosure_list(struct db *db, struct arena *a, long long customer_id,
                       struct disclosure **out, size_t *n);

/* Returns the id of the customer's order placed with nonce (0 if none) in *id. */
int db_order_by_nonce(struct db *db, struct arena *a, long long customer_id, const char *nonce,
                      long long *id);

struct order_summary {
	long long id;
	const char *status;
	const char *created_at;
	long long total_cents;
	long long items;
};
/* The customer's orders, newest first. */
int db_order_list(struct db *db, struct arena *a, long long customer_id, struct order_summary **out,
                  size_t *n);

struct order_detail {
	long long id;
	const char *status, *created_at, *tracking_number, *payment_mode;
	const char *contact_name, *contact_email;
	const char *billing[5], *shipping[5];
	long long total_cents;
	const char *brand, *last4; /* NULL for invoices */
};
struct order_line {
	const char *sku, *name;
	long long unit_price_cents, quantity;
};
/* One step of an order's status history as the customer sees it: staff notes are internal
 * and never read for a customer. */
struct order_event {
	const char *status, *changed_at;
	const char *customer_note; /* what the customer is told of the step, or NULL */
};
/*
 * Reads order id only if it belongs to customer_id (another's order is "not found").
 * Returns 0 found, 1 none, -1 error.
 */
int db_order_get(struct db *db, struct arena *a, long long customer_id, long long id,
                 struct order_detail *out, struct order_line **lines, size_t *nlines,
                 struct order_event **events, size_t *nevents);

/* Adds views of a product, the last age_us and the first first_age_us microseconds ago, to the
 * customer's viewing profile, unless by now they opted out, are no longer approved, or the policy
 * version they accepted does not allow profiling, or they cleared the profile after the first of
 * these views. Returns 0 or -1. */
int db_product_viewed(struct db *db, long long customer_id, long long product_id, long long views,
                      long long age_us, long long first_age_us);

#endif
