/* orders.h — data access for an order's lifecycle: status changes checked against the one
 * table of allowed changes (app/status.h) with their history, and the shipping company's
 * manifest and tracking numbers. */
#ifndef DITTO_DB_ORDERS_H
#define DITTO_DB_ORDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "../status.h"

struct arena;
struct db;

/* What the customer of a changed order is told with: absent once the order is anonymised. */
struct order_contact {
	long long customer_id; /* 0 when the order has none */
	const char *name;      /* NULL when anonymised */
	const char *email;     /* NULL when anonymised */
};

/* One change of an order's status. */
struct order_change {
	long long order_id;
	enum order_status to;
	const char *changed_by; /* "customer", "dittoctl:<login>", a staff member... */
	const char *note;       /* internal, for the history only (never the customer's); or NULL */
	const char *customer_note; /* shown to the customer beside the step; or NULL */
	bool refund_issued;        /* the money was given back already (billing's refund) */
	/* Filled in by db_order_change_status: */
	enum order_status was;
	long long customer_id; /* 0 when the order has none */
};

/*
 * Inside the caller's transaction: locks the order's row, checks that its
 * status may become c->to (order_status_allowed), sets it and records it
 * in the status history by c->changed_by with c->note.  Where the change
 * gives back money already taken (order_status_needs_refund) and
 * c->refund_issued is false, the history note starts with "refund to be
 * issued by billing": the refund is billing's job.  A cancelled order's
 * units go back to the stock of their products.  Reads only the order's
 * status and customer id, so every role that may change an order can run
 * it.  Returns DB_CHANGED; DB_NOT_FOUND; DB_REFUSED when the lifecycle
 * does not allow it (c->was tells the status, nothing written); or -1 on a
 * database error.
 */
int db_order_change_status(struct db *db, struct arena *a, struct order_change *c);

/*
 * Inside the caller's transaction: locks the order's row and reads its
 * status and customer id (0 when none).  Returns 0, DB_NOT_FOUND,
 * DB_REFUSED for a status this build does not know, or -1.
 */
int db_order_lock(struct db *db, struct arena *a, long long id, enum order_status *status,
                  long long *customer_id);

/*
 * Reads the contact of order id, address included, into out (strings in
 * arena a; name and email NULL once the order is anonymised).  Only for an
 * account that may read the contact address (dittoctl's); a staff role
 * that sees it masked is refused by the database.  Returns 0, DB_NOT_FOUND,
 * or -1 on a database error.
 */
int db_order_contact_get(struct db *db, struct arena *a, long long id, struct order_contact *out);
/*
 * Reads what a message about order id needs besides the address, which
 * is never read here: out->customer_id and out->name (NULL when the order
 * has no customer any more), out->email always NULL.  Every role that sees
 * orders may run it.  Returns 0, DB_NOT_FOUND, or -1 on a database error.
 */
int db_order_contact_name(struct db *db, struct arena *a, long long id, struct order_contact *out);

/* One order shipped with a tracking number of the shipping company. */
struct order_shipping {
	long long order_id;
	const char *tracking;   /* 1-64 of [A-Za-z0-9-], checked by the caller */
	const char *changed_by; /* who reports it, e.g. "shipping company" */
	/* Filled in by db_order_ship: */
	enum order_status was;
	const char *tracking_was; /* the order's tracking number before, or NULL */
};

/*
 * Inside the caller's transaction: locks the order's row and, if it is
 * paid, marks it shipped with s->tracking and records "tracking <number>"
 * in its history.  Strings of s live in arena a.  Returns DB_CHANGED;
 * DB_UNCHANGED when the order already holds this tracking number and is no
 * longer paid (an earlier import of the same file); DB_NOT_FOUND;
 * DB_REFUSED when it is not paid (s->was, s->tracking_was tell); -1 on a
 * database error.
 */
int db_order_ship(struct db *db, struct arena *a, struct order_shipping *s);

/* One line of a parcel. */
struct shipment_item {
	const char *sku;
	long long quantity;
};

/* What the shipping company needs to deliver one order: nothing more. */
struct shipment {
	long long order_id;
	long long customer_id; /* 0 when none; not for the carrier, for the disclosure */
	const char *ship_to_name;
	const char *shipping[5]; /* line1, line2, city, postcode, country; never NULL */
	struct shipment_item *items;
	size_t nitems;
	long long weight_grams;
};

/*
 * Reads up to limit orders waiting for shipment (paid, not yet exported,
 * not anonymised) with an id above after, in id order, into arena a.
 * Returns 0 (*n of them in *out), or -1 on a database error.
 */
int db_shipment_list_pending(struct db *db, struct arena *a, long long after, int limit,
                             struct shipment **out, size_t *n);

/*
 * Inside the caller's transaction: marks the order exported, if it is still
 * waiting for shipment, and records that recipient received fields of its
 * customer's data for purpose (a disclosure).  Returns DB_CHANGED,
 * DB_REFUSED when the order changed since it was read (nothing written), or
 * -1 on a database error.
 */
int db_shipment_mark_exported(struct db *db, const struct shipment *s, const char *recipient,
                              const char *fields, const char *purpose);

/* One line of the operator's order list (dittoctl order list). */
struct order_row {
	long long id;
	const char *created_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *status;
	const char *payment_mode; /* "card" or "invoice" */
	long long total_cents;
	long long units;      /* items ordered, all lines together */
	const char *username; /* NULL once the account is erased */
	bool test_order;      /* paid through the sandbox */
};

/*
 * The orders in status (NULL: every status), newest first, at most limit.  Returns 0 (rows
 * in *out, *n of them, in a) or -1.
 */
int db_order_list_all(struct db *db, struct arena *a, const char *status, long long limit,
                      struct order_row **out, size_t *n);

#endif
