/* people.h — what staff read about customers: records already filtered by the privacy module
 * for the viewer's role, read through that role's MariaDB views.  A field the role may not see
 * is NULL here (never fetched); a masked field holds only its masked form. */
#ifndef DITTO_DB_PEOPLE_H
#define DITTO_DB_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../privacy/privacy.h"

struct arena;
struct db;

/* A customer as one role sees them.  NULL: the role does not see that field. */
struct person {
	long long id;
	const char *status; /* account status (not a personal field): always present */
	const char *name;
	const char *email;
	const char *username;
	const char *phone;
	const char *registered_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *last_visit_at; /* NULL also when never visited */
	const char *visit_count;
	bool shows_full[FIELD__MAX]; /* fields this record holds in full and non-empty */
};

/* An address as one role sees it: masked keeps only city and country. */
struct person_address {
	const char *line1, *line2, *city, *postcode, *country;
};

struct person_order_line {
	const char *sku, *name;
	long long unit_price_cents;
	long long quantity;
};

struct person_order {
	long long id;
	const char *created_at; /* "YYYY-MM-DD HH:MM" */
	const char *status;     /* NULL when orders are absent for the role */
	long long total_cents;  /* -1 when absent */
	const char *contact_name, *contact_email;
	struct person_address billing, shipping;                    /* all NULL when absent */
	const char *payment_brand, *payment_last4, *payment_expiry; /* expiry "MM/YYYY" */
	const char *tracking_number;
	struct person_order_line *lines;
	size_t nlines;
};

struct person_detail {
	struct person p;
	struct person_address billing, shipping; /* the customer's saved addresses */
	struct person_order *orders;
	size_t norders;
	const char **viewed_products; /* "Product name (3 views)"; NULL unless profile is full */
	size_t nviewed;
	const char **interests; /* category names */
	size_t ninterests;
};

/* A page of the customer list. */
struct person_page {
	struct person *rows;
	size_t n;
	bool more; /* another page follows */
};

/*
 * Lists customers as role sees them, newest first, per_page a page (page
 * counts from 1).  q (may be NULL or empty) matches, as a substring, only the
 * fields role sees in full (name, email, username, phone): a role cannot
 * search by a field it may not read.  For a role that needs an open case
 * (legal) only customers with an open case are listed; a role that sees no
 * person (analyst) gets no rows.  Returns 0, or -1 on a database error.
 */
int db_people_list(struct db *db, struct arena *a, enum staff_role role, const char *q, int page,
                   int per_page, struct person_page *out);

/*
 * The pending registrations as role sees them, oldest first, per_page a page
 * (page counts from 1): the representative's queue.  A role that sees no
 * person gets no rows.  Returns 0, or -1 on a database error.
 */
int db_people_pending(struct db *db, struct arena *a, enum staff_role role, int page, int per_page,
                      struct person_page *out);

/*
 * Reads only the account fields (struct person) of customer id as role sees
 * them, through the role's view: for a page that names the customer beside
 * something else (a support message).  Returns 0, 1 when there is no such
 * customer or role may not see them, or -1 on a database error.
 */
int db_person_get(struct db *db, struct arena *a, enum staff_role role, long long id,
                  struct person *out);

/*
 * Reads customer id as role sees them: fields, saved addresses, orders with
 * lines and payment, viewing profile and interests, each only as far as the
 * role's column of the table allows.  Returns 0, 1 when there is no such
 * customer or role may not see them (no open case for legal), or -1 on a
 * database error.
 */
int db_people_get(struct db *db, struct arena *a, enum staff_role role, long long id,
                  struct person_detail *out);

#endif
