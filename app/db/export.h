/* export.h — data access for a customer's data export: every row held about one person, part
 * by part, and the list of every table with a customer_id saying where the export covers it (or
 * why it leaves it out).  The shop's account and the administrative account read the same. */
#ifndef DITTO_DB_EXPORT_H
#define DITTO_DB_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

struct arena;

/* How a column is written in the JSON export. */
enum export_type {
	EXPORT_TEXT, /* a string (NULL: null) */
	EXPORT_INT,  /* an integer */
	EXPORT_BOOL, /* 0 false, anything else true */
};

struct export_column {
	const char *name; /* the JSON key */
	enum export_type type;
};

/* The parts of an export, in the order the JSON lists them. */
enum export_part_id {
	EXPORT_ACCOUNT,
	EXPORT_ACCOUNT_HISTORY,
	EXPORT_ADDRESSES,
	EXPORT_INTERESTS,
	EXPORT_PROFILE,
	EXPORT_EXCLUSIONS,
	EXPORT_CART,
	EXPORT_ORDERS,
	EXPORT_ORDER_LINES,
	EXPORT_ORDER_HISTORY,
	EXPORT_PAYMENTS,
	EXPORT_PAYMENT_ATTEMPTS,
	EXPORT_DISCLOSURES,
	EXPORT_MAIL,
	EXPORT_SESSIONS,
	EXPORT_LOCKOUTS,
	EXPORT_VERIFICATIONS,
	EXPORT_STAFF_VIEWS,
	EXPORT_CONTACTS,
	EXPORT_LEGAL_CASES,
	EXPORT_SUPPORT_MESSAGES,
	EXPORT_PASSWORD_RESETS,
	EXPORT__MAX
};

/* One part: its rows, each cell as read (NULL for SQL NULL). */
struct export_part {
	const char *name; /* the JSON key ("orders"; a nested part's key inside its parent) */
	const struct export_column *columns;
	size_t ncols;
	bool single;   /* one object (or null) rather than a list */
	int parent;    /* -1; or the part whose rows this one's nest in: the first column of each
	                * row here is the parent row's first column, and is not exported */
	bool one_each; /* nested: one object per parent row (or null), not a list */
	struct db_rows rows;
};

/*
 * Reads every part about customer_id into out[0..EXPORT__MAX), in arena a,
 * inside the caller's transaction if there is one (one snapshot when the
 * caller runs it in db_tx).  Returns 0, DB_NOT_FOUND when no customer has
 * that id, or -1 on a database error.
 */
int db_export_read(struct db *db, struct arena *a, long long customer_id,
                   struct export_part out[EXPORT__MAX]);

/* Stores the id of the customer named username in *id.  Returns 0, DB_NOT_FOUND, or -1. */
int db_export_customer_id(struct db *db, struct arena *a, const char *username, long long *id);

/* A table with a customer_id column and what the export does with it. */
struct export_table {
	const char *table;
	bool covered;      /* its rows about the customer are in the export */
	const char *where; /* covered: the part's JSON key; else why it is left out */
};

/* Every table of the schema with a customer_id column (their count in *n). */
const struct export_table *db_export_tables(size_t *n);

#endif
