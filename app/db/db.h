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

/*
 * The arguments of db_query and db_exec as the pair (array, count), so the
 * two cannot drift apart:
 *   db_exec(db, SQL, DB_ARGS(DB_INT(id), DB_STR(name)), NULL, NULL);
 * DB_ARGS builds a compound-literal array (it lives until the end of the
 * enclosing block) and counts it with sizeof, which does not evaluate the
 * arguments a second time.  DB_ARRAY passes an array built beforehand
 * (sizeof of a pointer is refused by -Wsizeof-pointer-div); DB_NOARGS
 * passes none.
 */
#define DB_ARGS(...)                                                                               \
	((const struct db_arg[]){__VA_ARGS__}),                                                    \
	    (sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_ARRAY(arr) (arr), (sizeof(arr) / sizeof((arr)[0]))
#define DB_NOARGS     NULL, 0

/* The MariaDB error numbers the code tells apart (db_errno). */
enum db_error_number {
	DB_ER_DUP_ENTRY = 1062,            /* a unique key already holds the value */
	DB_ER_TABLEACCESS_DENIED = 1142,   /* the role may not use the table (e.g. SELECT *) */
	DB_ER_COLUMNACCESS_DENIED = 1143,  /* the role may not use a column */
	DB_ER_LOCK_WAIT_TIMEOUT = 1205,    /* retried by db_tx */
	DB_ER_LOCK_DEADLOCK = 1213,        /* retried by db_tx */
	DB_ER_UNKNOWN_STMT_HANDLER = 1243, /* a statement id of a lost connection */
	DB_ER_SERVER_SHUTDOWN = 1053,
	DB_ER_CONNECTION_KILLED = 1927,
	DB_ER_UNKNOWN_COM = 1047, /* Galera: the node is not part of the primary component */
	DB_ER_IDLE_KILLED = 4031, /* the server closed an idle connection */
	DB_CR_CONNECTION_ERROR = 2002,
	DB_CR_CONN_HOST_ERROR = 2003,
	DB_CR_SERVER_GONE = 2006,
	DB_CR_SERVER_LOST = 2013, /* lost during a statement: it may have been applied */
};

/* What a checked change of a row's state did (functions returning -1 on a database error). */
enum db_change {
	DB_CHANGED = 0,   /* done */
	DB_NOT_FOUND = 1, /* no such row */
	DB_REFUSED = 2,   /* the row's state does not allow it: nothing was written */
	DB_UNCHANGED = 3, /* it was done already: nothing to do */
};

/* A result set copied into an arena; cell (r, c) is cells[r * ncols + c], NULL for SQL NULL. */
struct db_rows {
	size_t nrows;
	size_t ncols;
	const char **cells;
	size_t *lens;
};

/*
 * Connection settings; strings are copied by db_new.  hosts lists the database nodes in order
 * of preference (db_nodes_parse: socket paths, host:port, [v6]:port); NULL or "" means the one
 * node socket.  A TCP node uses TLS, verifying the server's certificate, when tls_ca is set.
 */
struct db_params {
	const char *socket; /* unix socket path: the one node when hosts is NULL or "" */
	const char *hosts;  /* comma-separated nodes (config db_hosts) */
	const char *tls_ca, *tls_cert, *tls_key;
	int failback_seconds; /* a failed node is passed over this long (0: 30) */
	const char *name;     /* database */
	const char *user;
	const char *password; /* wiped from our copy by db_free */
	const char *role;     /* MariaDB role to SET after connecting, or NULL */
};

/*
 * Returns a handle that connects lazily (at the first query), or NULL on
 * out-of-memory or a bad node list.  Never share one across fork(): call after forking.
 *
 * Nodes: a connect tries the nodes in order of preference and keeps the first that answers
 * and is ready (on a Galera node, wsrep_ready ON).  A node that fails to connect or answers
 * DB_ER_UNKNOWN_COM (not in the primary component) is passed over for failback_seconds.  A
 * connection lost outside a transaction is reconnected (so to the next node when its own is
 * gone) and the statement retried once (db_query); inside a transaction the statement fails.
 */
struct db *db_new(const struct db_params *p);
/* Closes the connection and frees the handle; NULL is a no-op. */
void db_free(struct db *db);

/*
 * Runs sql as a cached prepared statement with args.  When rows is not
 * NULL, the result set is copied into arena a.  Returns 0, or -1 with
 * db_errno()/db_error() describing the failure.  A lost server
 * (DB_CR_SERVER_GONE, DB_CR_SERVER_LOST, DB_ER_UNKNOWN_STMT_HANDLER) outside a
 * transaction is reconnected and the statement retried once.  Pass the
 * arguments with DB_ARGS, DB_ARRAY or DB_NOARGS.
 */
int db_query(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
             size_t nargs, struct db_rows *rows);
/* Like db_query for statements without a result; affected and insert_id may be NULL. */
int db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
            unsigned long long *affected, unsigned long long *insert_id);

/* The session's LAST_INSERT_ID(): the id an INSERT inside a CALL made. Returns 0 or -1. */
int db_last_insert_id(struct db *db, long long *id);

/*
 * Runs fn(db, ctx) inside a transaction and commits.  If fn or the commit
 * fails with a deadlock (DB_ER_LOCK_DEADLOCK) or lock-wait timeout
 * (DB_ER_LOCK_WAIT_TIMEOUT), rolls back and
 * runs the whole transaction again with jittered backoff: up to 16 tries after a deadlock or a
 * Galera conflict, 2 after a lock-wait timeout.
 * fn returns 0 to commit, or -1 to roll back (db_tx then returns -1).
 */
int db_tx(struct db *db, int (*fn)(struct db *db, void *ctx), void *ctx);

/* Like db_tx at READ COMMITTED: no gap locks, so a transaction that looks for a row that is not
 * there yet (a claim) does not block inserts of other keys, nor Galera's applier. */
int db_tx_read_committed(struct db *db, int (*fn)(struct db *db, void *ctx), void *ctx);

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

/*
 * Between requests: when the connection is on a fallback node and a preferred node's
 * pass-over time has ended, closes it, so the next statement tries the preferred node again.
 */
void db_failback(struct db *db);
/* Times the connection moved to another node than the one before (the log says which). */
unsigned long db_node_switches(const struct db *db);
/* The index (0 = preferred) of the node of the connection, or of the last one. */
size_t db_node_current(const struct db *db);

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
