/* billing.h — data access for an order's payment as billing works on it: the payment row locked
 * for a change, an invoice marked paid, and card refunds (each recorded with its idempotency key
 * before the card processor is asked, and finished after). */
#ifndef DITTO_DB_BILLING_H
#define DITTO_DB_BILLING_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

/* The payment of one order, as locked for a change. */
struct payment_state {
	const char *processor;
	const char *token;  /* NULL for an invoice */
	const char *status; /* payments.status: "captured", "refunded", "invoice_due", ... */
	long long amount_cents;
	long long refunded_cents; /* given back so far */
	long long pending_cents;  /* refunds asked of the processor and not finished yet */
};

/*
 * Inside the caller's transaction: locks the payment row of order_id (so
 * concurrent clerks serialise on it) and reads it into out (strings in
 * arena a), with the sum of its pending refunds.  The role needs SELECT on
 * processor and token (billing's).  Returns 0, DB_NOT_FOUND, or -1.
 */
int db_payment_lock(struct db *db, struct arena *a, long long order_id, struct payment_state *out);

/* Sets the payment's status (after db_payment_lock). Returns 0 or -1. */
int db_payment_set_status(struct db *db, long long order_id, const char *status);

/* Sets what has been refunded of the payment and its status (after db_payment_lock).
 * Returns 0 or -1. */
int db_payment_set_refunded(struct db *db, long long order_id, long long refunded_cents,
                            const char *status);

/* A refund recorded under a key. */
struct refund {
	long long order_id;
	long long amount_cents;
	const char *status; /* "pending", "done" or "failed" */
};

/* Reads the refund recorded under key into out (strings in arena a). Returns 0, DB_NOT_FOUND,
 * or -1. */
int db_refund_get(struct db *db, struct arena *a, const char *key, struct refund *out);

/* Records a refund of amount_cents about to be asked of the processor: pending, under key, by
 * staff_username.  Returns 0, 1 when the key is used already (nothing written), or -1. */
int db_refund_insert(struct db *db, long long order_id, const char *key, long long amount_cents,
                     const char *staff_username);

/* Finishes the pending refund under key as done (ok) or failed. Returns 0, DB_NOT_FOUND when
 * no pending refund has that key, or -1. */
int db_refund_finish(struct db *db, const char *key, bool ok);

/* One refund in an order's list. */
struct refund_row {
	const char *created_at; /* "YYYY-MM-DD HH:MM" UTC */
	long long amount_cents;
	const char *status;
	const char *staff_username;
};

/* The refunds of order_id, oldest first, into arena a. Returns 0 or -1. */
int db_refund_list(struct db *db, struct arena *a, long long order_id, struct refund_row **out,
                   size_t *n);

#endif
