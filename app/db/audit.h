/* audit.h — data access for the hash-chained audit log: appending events under the chain head's
 * row lock, the audit page's list, a customer's own view history, and the chain check behind
 * `dittoctl audit verify`. */
#ifndef DITTO_DB_AUDIT_H
#define DITTO_DB_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "../privacy/audit.h"

struct arena;
struct db;

/*
 * Appends the n events ev[0..n-1], in order, to the audit log in one
 * transaction (db_tx: retried after a deadlock): locks the chain head row
 * (SELECT ... FOR UPDATE, so concurrent writers on any node serialise),
 * gives each row the next id, the database's UTC time and its hash chained
 * to the one before (audit_row_hash), then moves the head to the last row.
 * Either every event is written or none is.  n == 0 writes nothing.
 * Returns 0, or -1 on a database error (db_errno) or when an event is
 * malformed (audit_row_from_event; nothing written).  Runs on db's current
 * role, which needs INSERT on audit_log and SELECT, UPDATE on audit_head
 * (ditto_staff_role).  Must not be called inside another db_tx (use
 * audit_append_in_tx there).
 */
int audit_append(struct db *db, const struct audit_event *ev, size_t n);
/*
 * Like audit_append, but inside the transaction the caller's db_tx function
 * runs, so an action and its audit rows commit together or not at all (the
 * head stays locked until that transaction ends).  Returns 0, or -1: the
 * caller then returns -1 so that db_tx rolls back (and retries a deadlock).
 */
int audit_append_in_tx(struct db *db, const struct audit_event *ev, size_t n);

/* One row of the audit page. */
struct audit_entry {
	long long id;
	const char *created_at; /* "YYYY-MM-DD HH:MM:SS" UTC */
	long long staff_id;     /* 0: none */
	const char *staff_username;
	const char *role; /* NULL: none */
	const char *action;
	long long customer_id; /* 0: none */
	const char *fields;    /* "name,email"; "" when none */
	const char *route;
	const char *request_id;
	const char *detail; /* NULL: none */
};

/*
 * Lists the audit log newest first, per_page rows a page (page counts from
 * 1; values below 1 count as 1), only rows about customer_id unless it is 0,
 * into arena a: *rows, *n, and *more when another page follows.  Returns 0,
 * or -1 on a database error.
 */
int db_audit_list(struct db *db, struct arena *a, long long customer_id, int page, int per_page,
                  struct audit_entry **rows, size_t *n, bool *more);

/* The newest views of one customer's data that db_audit_views_of_customer returns. */
#define DB_AUDIT_VIEWS_MAX 1000

/* When and by which role a customer's data was viewed: never by whom. */
struct audit_view {
	const char *viewed_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *role;      /* NULL when the row names none */
	const char *fields;    /* "name,email" */
};

/*
 * The 'view' rows about customer_id, newest first, at most
 * DB_AUDIT_VIEWS_MAX, into arena a, but never the legal officer's: a
 * customer under a legal case they may not be told of must not learn of it
 * from a view (one they may be told of is listed as a case instead).
 * Reads only the columns ditto_web_role may read.  Returns 0, or -1 on a
 * database error.
 */
int db_audit_views_of_customer(struct db *db, struct arena *a, long long customer_id,
                               struct audit_view **rows, size_t *n);

/* What db_audit_verify found. */
struct audit_check {
	long long rows;   /* rows checked */
	long long bad_id; /* the first broken row (the head's row for a head mismatch) */
	char why[200];    /* why it is broken, for people */
};

/*
 * Walks the whole chain in id order, batch by batch (memory bounded), in
 * one read-only transaction (one consistent snapshot, so concurrent appends
 * do not disturb it), recomputing every row's hash: a row is broken when
 * its prev_hash is not the hash of the row before it (a row was deleted or
 * rows reordered), or its hash is not the hash of its contents (it was
 * changed); then the head must name the last row and its hash (the last row
 * was deleted).  Returns 0 when intact, 1 when broken (out says where and
 * why), -1 on a database error.  out->rows counts the rows checked.
 */
int db_audit_verify(struct db *db, struct audit_check *out);

/*
 * Re-chains the rows written under encoding V1 (before customer_ref) as V2,
 * once: in one transaction under the chain head's row lock, checks the
 * whole chain as db_audit_verify does, gives every row its customer_ref
 * and its V2 hash chained from the start, moves the head, and appends an
 * "audit_rechain" row (staff_username by) naming the number of rows and the
 * old head's hash.  Does nothing when no V1 row is left.  Needs the
 * pseudonym key (audit_key_load) and UPDATE on audit_log: the
 * administrative account, from `dittoctl migrate`.  Stores the rows
 * re-chained in *rows.  Returns 0; 1 when the old chain is broken (nothing
 * changed; out says where); -1 on a database error.
 */
int db_audit_rechain(struct db *db, const char *by, long long *rows, struct audit_check *out);

#endif
