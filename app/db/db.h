/* db.h — the worker's MariaDB connection: prepared statements only, reconnects, retried
 * transactions. */
#ifndef DITTO_DB_H
#define DITTO_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct arena;
struct db;

enum db_arg_type { DB_ARG_INT, DB_ARG_STR, DB_ARG_NULL };

/* One parameter of a prepared statement. */
struct db_arg {
	enum db_arg_type type;
	long long i;   /* DB_ARG_INT */
	const char *s; /* DB_ARG_STR: need not be NUL-terminated */
	size_t len;
};

#define DB_INT(v)     ((struct db_arg){.type = DB_ARG_INT, .i = (long long)(v)})
#define DB_STR(v)     ((struct db_arg){.type = DB_ARG_STR, .s = (v), .len = strlen(v)})
#define DB_STRN(v, n) ((struct db_arg){.type = DB_ARG_STR, .s = (v), .len = (n)})
#define DB_NULL       ((struct db_arg){.type = DB_ARG_NULL})

/* A result set copied into an arena; cell (r, c) is cells[r * ncols + c], NULL for SQL NULL. */
struct db_rows {
	size_t nrows;
	size_t ncols;
	const char **cells;
	size_t *lens;
};

/* Connection settings; strings are copied by db_new. */
struct db_params {
	const char *socket; /* unix socket path */
	const char *name;   /* database */
	const char *user;
	const char *password; /* wiped from our copy by db_free */
	const char *role;     /* MariaDB role to SET after connecting, or NULL */
};

/*
 * Returns a handle that connects lazily (at the first query), or NULL on
 * out-of-memory.  Never share one across fork(): call after forking.
 */
struct db *db_new(const struct db_params *p);
/* Closes the connection and frees the handle; NULL is a no-op. */
void db_free(struct db *db);

/*
 * Runs sql as a cached prepared statement with args.  When rows is not
 * NULL, the result set is copied into arena a.  Returns 0, or -1 with
 * db_errno()/db_error() describing the failure.  A lost server (2006, 2013,
 * 1243) outside a transaction is reconnected and the statement retried once.
 */
int db_query(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
             size_t nargs, struct db_rows *rows);
/* Like db_query for statements without a result; affected and insert_id may be NULL. */
int db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
            unsigned long long *affected, unsigned long long *insert_id);

/*
 * Runs fn(db, ctx) inside a transaction and commits.  If fn or the commit
 * fails with a deadlock (1213) or lock-wait timeout (1205), rolls back and
 * runs the whole transaction again, up to 5 times with jittered backoff.
 * fn returns 0 to commit, or -1 to roll back (db_tx then returns -1).
 */
int db_tx(struct db *db, int (*fn)(struct db *db, void *ctx), void *ctx);

/*
 * Makes MariaDB role (a plain identifier, e.g. "ditto_billing") the role of
 * every statement from now on, also across a reconnect; NULL goes back to
 * the account's own role (db_params.role, or NONE).  The staff pool sets the
 * signed-in member's role at the start of a request and the worker resets it
 * after every request, so a reused connection never keeps a role.  Resetting
 * when nothing was set costs no round trip.  Returns 0, or -1 (bad name, or
 * the server refused: db_errno).
 */
int db_set_role(struct db *db, const char *role);

/* Makes sure the connection is up: returns 0, or -1 if the server is unreachable. */
int db_ping(struct db *db);
/* The MariaDB error number of the last failure (0 if none). */
unsigned db_errno(const struct db *db);
const char *db_error(const struct db *db);
/* True when the last failure means the database cannot be reached (answer 503). */
bool db_unavailable(const struct db *db);

/* Returns cell (r, c) or NULL. */
static inline const char *db_cell(const struct db_rows *rows, size_t r, size_t c)
{
	return rows->cells[r * rows->ncols + c];
}
/* Returns cell (r, c) as an integer (0 for NULL or junk). */
long long db_cell_int(const struct db_rows *rows, size_t r, size_t c);

#endif
