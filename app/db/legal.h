/* legal.h — data access for legal cases: opening and closing them with their audit rows, the
 * legal officer's list, a case, the export of a case's customer (through the legal role's
 * views, which hold a customer only while a case about them is open), and the cases the shop
 * shows a customer who may be told of them. */
#ifndef DITTO_DB_LEGAL_H
#define DITTO_DB_LEGAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../privacy/audit.h"
#include "db.h"

struct arena;

/* The column limits of legal_cases (schema/009 and 015), in characters. */
#define LEGAL_AUTHORITY_MAX    200
#define LEGAL_REFERENCE_MAX    80
#define LEGAL_BASIS_MAX        500
#define LEGAL_CUSTOMER_REF_MAX 65 /* a username (64), or '#' and an id */

/* One legal case.  The customer is named by id only: the case is no personal data of theirs
 * beyond that. */
struct legal_case {
	long long id;
	long long customer_id;
	const char *authority;
	const char *reference;
	const char *legal_basis;
	bool may_tell;         /* the customer may be told (listed on /account/disclosures) */
	const char *opened_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *opened_by; /* the staff member's username; NULL when unknown */
	const char *closed_at; /* NULL while the case is open */
	const char *closed_by;
};

/* What the officer typed to open a case (each already validated). */
struct legal_case_request {
	const char *authority;
	const char *reference;
	const char *legal_basis;
	const char *customer; /* a username, or '#' and the customer's id */
	bool may_tell;
};

/*
 * Opens a case for staff member staff_id in one transaction with its audit
 * row ev (this fills in its customer_id, and its detail "case N: authority,
 * reference" for the row only: NULL again on return): the customer is
 * resolved by the database while the case is inserted (schema/015), so the
 * legal role never reads customers.  Returns DB_CHANGED with the case's id
 * in *id, DB_NOT_FOUND when no customer is so named (nothing written),
 * DB_UNCHANGED when the same authority's reference about that customer is
 * recorded already (nothing written), or -1 on a database error.
 */
int db_legal_case_open(struct db *db, const struct legal_case_request *rq, long long staff_id,
                       struct audit_event *ev, long long *id);

/*
 * Closes open case id for staff member staff_id in one transaction with its
 * audit row ev (customer_id filled in, detail "case N" for the row only).
 * Returns DB_CHANGED, DB_NOT_FOUND (no such case), DB_UNCHANGED (closed
 * already: nothing written), or -1 on a database error.
 */
int db_legal_case_close(struct db *db, long long id, long long staff_id, struct audit_event *ev);

/*
 * Lists the cases, open ones first, then newest first, per_page a page (page
 * counts from 1), into arena a: *out, *n, and *more when another page
 * follows.  Returns 0, or -1 on a database error.
 */
int db_legal_case_list(struct db *db, struct arena *a, int page, int per_page,
                       struct legal_case **out, size_t *n, bool *more);

/* Reads case id into *out (strings in arena a).  Returns 0, 1 when there is no such case, or
 * -1 on a database error. */
int db_legal_case_get(struct db *db, struct arena *a, long long id, struct legal_case *out);

/* One part of a customer's export: a view's rows, each cell as stored (NULL for SQL NULL). */
struct legal_export_part {
	const char *name;           /* "orders" */
	const char *const *columns; /* the column names, ncols of them */
	const bool *is_int;         /* per column: an integer (else text) */
	size_t ncols;
	struct db_rows rows;
};

/* The parts of an export, in the order struct legal_export holds them. */
enum legal_export_part_id {
	LEGAL_PART_ACCOUNT,
	LEGAL_PART_ADDRESSES,
	LEGAL_PART_ORDERS,
	LEGAL_PART_ORDER_LINES,
	LEGAL_PART_ORDER_HISTORY,
	LEGAL_PART_PAYMENTS,
	LEGAL_PART_PROFILE,
	LEGAL_PART_INTERESTS,
	LEGAL_PART_DISCLOSURES,
	LEGAL_PART__MAX
};

/* Everything the legal role may read about one customer with an open case. */
struct legal_export {
	struct legal_export_part part[LEGAL_PART__MAX];
	unsigned fields; /* bit (1u << f) per personal field the export holds a value of */
};

/*
 * Reads every column of the legal role's views (and of the open cases'
 * third-party disclosures) about customer_id into out, in arena a; db must
 * run as the legal role.  Each personal value passes the privacy filter of
 * the legal role.  Returns 0, 1 when the views hold no such customer (no
 * open case about them), or -1 on a database error.
 */
int db_legal_export(struct db *db, struct arena *a, long long customer_id,
                    struct legal_export *out);

/*
 * The cases about customer_id that the customer may be told of, newest
 * first (at most 200), read through the shop's view of them, into arena a.
 * Returns 0, or -1 on a database error.
 */
int db_legal_cases_told(struct db *db, struct arena *a, long long customer_id,
                        struct legal_case **out, size_t *n);

#endif
