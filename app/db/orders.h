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
	/* Filled in by db_order_change_status: */
	enum order_status was;
	struct order_contact contact;
};

/*
 * Inside the caller's transaction: locks the order's row, checks that its
 * status may become c->to (order_status_allowed), sets it and records it
 * in the status history by c->changed_by with c->note.  Where the change
 * gives back money already taken (order_status_needs_refund) the history
 * note starts with "refund to be issued by billing": the refund is
 * billing's job.  Strings of c->contact live in arena a.  Returns
 * DB_CHANGED; DB_NOT_FOUND; DB_REFUSED when the lifecycle does not allow
 * it (c->was tells the status, nothing written); or -1 on a database error.
 */
int db_order_change_status(struct db *db, struct arena *a, struct order_change *c);

/* One order shipped with a tracking number of the shipping company. */
struct order_shipping {
	long long order_id;
	const char *tracking;   /* 1-64 of [A-Za-z0-9-], checked by the caller */
	const char *changed_by; /* who reports it, e.g. "shipping company" */
	/* Filled in by db_order_ship: */
	enum order_status was;
	const char *tracking_was; /* the order's tracking number before, or NULL */
	struct order_contact contact;
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

#endif
