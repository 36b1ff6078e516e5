/* staff_orders.h — orders as one staff role sees them: read through the role's MariaDB views
 * (the database's wall) and every value passed through the privacy filter (the application's),
 * as people.h reads customers.  A field the role may not see is NULL (or -1) here. */
#ifndef DITTO_DB_STAFF_ORDERS_H
#define DITTO_DB_STAFF_ORDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "../privacy/privacy.h"

struct arena;
struct db;

/* Which payment problems an order list shows (billing's filter). */
enum order_problem {
	PROBLEM_NONE,    /* no problem filter */
	PROBLEM_ANY,     /* an overdue invoice or a refund wanted */
	PROBLEM_OVERDUE, /* an invoice unpaid past its due date */
	PROBLEM_REFUND,  /* cancelled or refunded, with card money not given back yet */
};

/* One order in a list, and the head of an order's page. */
struct staff_order_row {
	long long id;
	long long customer_id;  /* 0 when the order has none */
	const char *created_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *status;
	long long total_cents; /* -1 when absent */
	const char *contact_name, *contact_email;
	const char *payment_mode; /* "card" or "invoice" */
	const char *tracking_number;
	const char *payment_status;             /* payments.status */
	const char *due_at;                     /* an invoice's due date, "YYYY-MM-DD" */
	long long amount_cents, refunded_cents; /* -1 when absent */
	bool overdue;                           /* an invoice unpaid past its due date */
	bool refund_wanted;          /* cancelled or refunded, card money not all given back */
	bool shows_full[FIELD__MAX]; /* fields this record holds in full and non-empty */
};

/* What an order list asks for. */
struct staff_order_query {
	const char *status; /* only orders with this status; NULL: any */
	enum order_problem problem;
	int page;     /* from 1 */
	int per_page; /* at most 200 */
};

struct staff_order_page {
	struct staff_order_row *rows;
	size_t n;
	bool more; /* another page follows */
};

/*
 * Lists orders as role sees them, newest first, filtered by q.  A role
 * that does not see orders gets none.  Returns 0, or -1 on a database
 * error.
 */
int db_staff_orders_list(struct db *db, struct arena *a, enum staff_role role,
                         const struct staff_order_query *q, struct staff_order_page *out);

/* A card payment that failed at checkout, as role sees it. */
struct staff_attempt {
	long long id, customer_id;
	const char *created_at, *outcome, *brand, *last4;
	long long amount_cents; /* -1 when absent */
	bool shows_full[FIELD__MAX];
};

/*
 * The newest failed card payments (outcome "declined" or "timeout", or
 * NULL for both), at most limit, as role sees them: none for a role that
 * does not see payments.  Returns 0, or -1.
 */
int db_staff_attempts_list(struct db *db, struct arena *a, enum staff_role role,
                           const char *outcome, int limit, struct staff_attempt **out, size_t *n);

struct staff_order_line {
	const char *sku, *name;
	long long unit_price_cents, quantity; /* -1 when absent */
};

/* One step of the status history, as staff see it (with the internal note). */
struct staff_order_event {
	const char *changed_at, *status, *changed_by, *note, *customer_note;
};

/* One order as role sees it. */
struct staff_order {
	struct staff_order_row o;
	const char *billing[5], *shipping[5]; /* line1, line2, city, postcode, country */
	const char *brand, *last4, *expiry;   /* the card: expiry "MM/YYYY" */
	struct staff_order_line *lines;
	size_t nlines;
	struct staff_order_event *events;
	size_t nevents;
};

/*
 * Reads order id as role sees it: the order, its lines, payment and status
 * history.  Returns 0, 1 when there is no such order or role may not see
 * it, or -1 on a database error.
 */
int db_staff_order_get(struct db *db, struct arena *a, enum staff_role role, long long id,
                       struct staff_order *out);

#endif
