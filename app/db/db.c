/* db.c — the worker's MariaDB connection: prepared statements only, reconnects, retried
 * transactions. */
#include "db.h"

#include <errno.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "../arena.h"
#include "../log.h"
#include "db_nodes.h"

#define DB_MAX_STMTS 192
#define DB_MAX_ARGS  512 /* multi-row statements (traffic ingest): 512 binds, 56 KiB of stack */
/* Tries of a transaction (or a statement outside one) that lost a conflict (1213): on a Galera
 * cluster every sale of a product on another node aborts the transactions holding or awaiting
 * that product's row here, so under a run on one product a checkout may lose several times
 * in a row (the cluster fault test saw 7); the backoff stops growing at 160 ms, so 16 tries
 * wait 1.8 s on average, 2.6 s at the most. A lock-wait timeout (1205) has waited long already:
 * tried twice. */
#define DB_TX_TRIES        16
#define DB_LOCK_WAIT_TRIES 2

/* Seconds a node that failed is passed over when db_params says nothing. */
#define DB_FAILBACK_DEFAULT 30

/* A prepared statement, keyed by its text: some statements are composed at run time (the
 * staff views' names come from the role), and an arena may hand the same address to a
 * different text in the next request, so an address is no key. */
struct stmt_slot {
	uint64_t hash; /* of sql: compared first */
	char *sql;     /* our copy */
	MYSQL_STMT *stmt;
};

struct db {
	MYSQL *conn; /* NULL while disconnected */
	char *name, *user, *password;

	struct db_node nodes[DB_MAX_NODES]; /* in order of preference */
	size_t nnodes;
	size_t cur;                        /* the node of conn (or of the last one) */
	time_t down_until[DB_MAX_NODES];   /* a node that failed is tried last until then */
	int failback;                      /* seconds a failed node is passed over */
	unsigned long switches;            /* times the connection moved to another node */
	char *tls_ca, *tls_cert, *tls_key; /* TCP nodes: TLS with the server's cert verified */

	char *role;        /* the account's own role, SET after connecting (NULL: none) */
	char req_role[65]; /* db_set_role's role for the current request ("" when none) */
	struct stmt_slot stmts[DB_MAX_STMTS];
	size_t nstmts;
	bool in_tx;    /* a transaction is open: never retry silently */
	int sync_wait; /* a Galera node's wsrep_sync_wait for this session (0: none, or no node) */
	bool sync_off; /* wsrep_sync_wait is 0 for a transaction's statements (sync_wait_set) */
	unsigned last_errno;
	char last_error[256];
};

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct db *db_new(const struct db_params *p)
{
	struct db *db = calloc(1, sizeof(*db));
	if (db == NULL)
		return NULL;
	const char *hosts = p->hosts != NULL && p->hosts[0] != '\0' ? p->hosts : p->socket;
	char err[160];
	if (hosts == NULL ||
	    db_nodes_parse(hosts, db->nodes, DB_MAX_NODES, &db->nnodes, err, sizeof(err)) < 0) {
		log_error("db: %s", hosts == NULL ? "no database node" : err);
		free(db);
		return NULL;
	}
	db->failback = p->failback_seconds > 0 ? p->failback_seconds : DB_FAILBACK_DEFAULT;
	db->name = dup_or_null(p->name);
	db->user = dup_or_null(p->user);
	db->password = dup_or_null(p->password ? p->password : "");
	db->role = dup_or_null(p->role);
	db->tls_ca = p->tls_ca != NULL && p->tls_ca[0] != '\0' ? strdup(p->tls_ca) : NULL;
	db->tls_cert = p->tls_cert != NULL && p->tls_cert[0] != '\0' ? strdup(p->tls_cert) : NULL;
	db->tls_key = p->tls_key != NULL && p->tls_key[0] != '\0' ? strdup(p->tls_key) : NULL;
	if (db->name == NULL || db->user == NULL || db->password == NULL) {
		db_free(db);
		return NULL;
	}
	return db;
}

static void set_error(struct db *db, unsigned no, const char *msg)
{
	db->last_errno = no;
	snprintf(db->last_error, sizeof(db->last_error), "%s", msg ? msg : "");
}

static void disconnect(struct db *db)
{
	for (size_t i = 0; i < db->nstmts; i++) {
		mysql_stmt_close(db->stmts[i].stmt);
		free(db->stmts[i].sql);
	}
	db->nstmts = 0;
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = false;
}

void db_free(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	if (db->password != NULL) {
		sodium_memzero(db->password, strlen(db->password));
		free(db->password);
	}
	free(db->tls_ca);
	free(db->tls_cert);
	free(db->tls_key);
	free(db->name);
	free(db->user);
	free(db->role);
	free(db);
}

/* Our names of the error numbers are MariaDB's own. */
_Static_assert(DB_ER_DUP_ENTRY == ER_DUP_ENTRY, "ER_DUP_ENTRY");
_Static_assert(DB_ER_TABLEACCESS_DENIED == ER_TABLEACCESS_DENIED_ERROR,
               "ER_TABLEACCESS_DENIED_ERROR");
_Static_assert(DB_ER_COLUMNACCESS_DENIED == ER_COLUMNACCESS_DENIED_ERROR,
               "ER_COLUMNACCESS_DENIED_ERROR");
_Static_assert(DB_ER_LOCK_WAIT_TIMEOUT == ER_LOCK_WAIT_TIMEOUT, "ER_LOCK_WAIT_TIMEOUT");
_Static_assert(DB_ER_LOCK_DEADLOCK == ER_LOCK_DEADLOCK, "ER_LOCK_DEADLOCK");
_Static_assert(DB_ER_UNKNOWN_STMT_HANDLER == ER_UNKNOWN_STMT_HANDLER, "ER_UNKNOWN_STMT_HANDLER");
_Static_assert(DB_ER_SERVER_SHUTDOWN == ER_SERVER_SHUTDOWN, "ER_SERVER_SHUTDOWN");
_Static_assert(DB_ER_CONNECTION_KILLED == ER_CONNECTION_KILLED, "ER_CONNECTION_KILLED");
_Static_assert(DB_ER_UNKNOWN_COM == ER_UNKNOWN_COM_ERROR, "ER_UNKNOWN_COM_ERROR");
_Static_assert(DB_CR_CONNECTION_ERROR == CR_CONNECTION_ERROR, "CR_CONNECTION_ERROR");
_Static_assert(DB_CR_CONN_HOST_ERROR == CR_CONN_HOST_ERROR, "CR_CONN_HOST_ERROR");
_Static_assert(DB_CR_SERVER_GONE == CR_SERVER_GONE_ERROR, "CR_SERVER_GONE_ERROR");
_Static_assert(DB_CR_SERVER_LOST == CR_SERVER_LOST, "CR_SERVER_LOST");

static bool is_lost(unsigned no)
{
	return no == DB_CR_SERVER_GONE || no == DB_CR_SERVER_LOST ||
	       no == DB_ER_UNKNOWN_STMT_HANDLER || no == DB_CR_CONNECTION_ERROR ||
	       no == DB_CR_CONN_HOST_ERROR || no == DB_ER_IDLE_KILLED ||
	       no == DB_ER_CONNECTION_KILLED || no == DB_ER_SERVER_SHUTDOWN ||
	       no == DB_ER_UNKNOWN_COM;
}

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The current node will not do (gone, or not part of the primary component): passed over by
 * the next connects until db->failback seconds from now. */
static void node_failed(struct db *db, size_t i)
{
	db->down_until[i] = now_s() + db->failback;
}

bool db_unavailable(const struct db *db)
{
	return db->conn == NULL || is_lost(db->last_errno);
}

/* Runs a fixed session statement (no data in it, so no parameters to bind). */
static int session_sql(struct db *db, const char *sql)
{
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0) {
		set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
		return -1;
	}
	return 0;
}

static bool identifier_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Runs SET ROLE role (NULL: NONE) on the open connection. Returns 0 or -1. */
static int apply_role(struct db *db, const char *role)
{
	char sql[96];
	if (role == NULL)
		return session_sql(db, "SET ROLE NONE");
	/* SET ROLE takes no parameter: the name is checked to be a plain identifier. */
	if (!identifier_ok(role)) {
		set_error(db, ER_UNKNOWN_ERROR, "bad role name");
		return -1;
	}
	snprintf(sql, sizeof(sql), "SET ROLE %s", role);
	return session_sql(db, sql);
}

/* Galera: a node outside the primary component answers 1047 to every query; ask it first.
 * Returns 1 when the node may serve (or is no Galera node), 0 when not, -1 on an error. */
static int node_ready(struct db *db)
{
	static const char wsrep_on[] = "SELECT @@wsrep_on, @@wsrep_sync_wait";
	static const char wsrep_ready[] = "SHOW STATUS LIKE 'wsrep_ready'";
	int ready = -1;
	if (mysql_real_query(db->conn, wsrep_on, strlen(wsrep_on)) != 0) {
		/* A server built without wsrep has no such variable: no Galera node. */
		if (mysql_errno(db->conn) == ER_UNKNOWN_SYSTEM_VARIABLE) {
			db->sync_wait = 0;
			return 1;
		}
		goto err;
	}
	MYSQL_RES *r = mysql_store_result(db->conn);
	if (r == NULL)
		goto err;
	MYSQL_ROW row = mysql_fetch_row(r);
	bool on = row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0;
	db->sync_wait = on && row[1] != NULL ? atoi(row[1]) : 0;
	db->sync_off = false;
	mysql_free_result(r);
	if (!on)
		return 1;
	if (mysql_real_query(db->conn, wsrep_ready, strlen(wsrep_ready)) != 0)
		goto err;
	r = mysql_store_result(db->conn);
	if (r == NULL)
		goto err;
	row = mysql_fetch_row(r);
	ready = row != NULL && row[1] != NULL && strcmp(row[1], "ON") == 0;
	mysql_free_result(r);
	if (!ready)
		set_error(db, DB_ER_UNKNOWN_COM, "node not ready (wsrep_ready OFF)");
	return ready;
err:
	set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
	return -1;
}

/*
 * Galera's causal reads (wsrep_sync_wait, deploy/galera.cnf) on for a statement outside a
 * transaction and for START TRANSACTION, off for the statements inside one. A read that
 * waits for this node to apply the cluster's earlier writes must hold no row lock: if the
 * applier needs one this transaction holds, neither moves until the wait times out (1205
 * after repl.causal_read_timeout, 30 s), and meanwhile every causal read on the node stalls
 * too. The wait at START TRANSACTION is enough for the transaction: its snapshot is taken
 * after it, and its locking reads see the newest rows anyway. Returns 0 or -1.
 */
static int sync_wait_set(struct db *db, bool on)
{
	if (db->conn == NULL || db->sync_wait == 0 || db->sync_off != on)
		return 0;
	char sql[48];
	snprintf(sql, sizeof(sql), "SET SESSION wsrep_sync_wait = %d", on ? db->sync_wait : 0);
	if (session_sql(db, sql) < 0)
		return -1;
	db->sync_off = !on;
	return 0;
}

/* Opens a connection to node i and sets the session up. Returns 0, or -1 with the error. */
static int connect_node(struct db *db, size_t i)
{
	const struct db_node *node = &db->nodes[i];
	MYSQL *m = mysql_init(NULL);
	if (m == NULL) {
		set_error(db, CR_OUT_OF_MEMORY, "out of memory");
		return -1;
	}
	/* Reconnect stays off: a silent reconnect loses the role and the statements. */
	my_bool off = 0;
	unsigned timeout = 5;
	/* Connector/C sends any client file the server asks for (LOAD DATA LOCAL): never. */
	unsigned no_local_infile = 0;
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	timeout = 30;
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	if (node->tcp && db->tls_ca != NULL) {
		my_bool verify = 1;
		mysql_optionsv(m, MYSQL_OPT_SSL_CA, db->tls_ca);
		if (db->tls_cert != NULL)
			mysql_optionsv(m, MYSQL_OPT_SSL_CERT, db->tls_cert);
		if (db->tls_key != NULL)
			mysql_optionsv(m, MYSQL_OPT_SSL_KEY, db->tls_key);
		mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
	}
	if (mysql_real_connect(m, node->tcp ? node->addr : NULL, db->user, db->password, db->name,
	                       node->tcp ? node->port : 0, node->tcp ? NULL : node->addr,
	                       0) == NULL) {
		set_error(db, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return -1;
	}
	db->conn = m;
	if (node_ready(db) != 1)
		goto fail;
	if (session_sql(db, "SET time_zone = '+00:00', sql_mode = "
	                    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
	                    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'") < 0)
		goto fail;
	/* A reconnect in the middle of a request keeps that request's role. */
	const char *role = db->req_role[0] != '\0' ? db->req_role : db->role;
	if (role != NULL && apply_role(db, role) < 0)
		goto fail;
	return 0;
fail:
	log_error("db: session setup failed: %s", db->last_error);
	disconnect(db);
	return -1;
}

/*
 * Connects to the first node, in order of preference, that answers and is ready.  A node
 * that failed within the last db->failback seconds is tried only after all the others, so a
 * connection on a fallback node goes back to the preferred one at most that often (see
 * db_failback).
 */
static int connect_db(struct db *db)
{
	if (db->conn != NULL)
		return 0;
	time_t now = now_s();
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < db->nnodes; i++) {
			if ((db->down_until[i] > now) != (pass == 1))
				continue;
			if (connect_node(db, i) == 0) {
				db->down_until[i] = 0;
				if (i != db->cur) {
					char where[DB_NODE_STR_MAX + 8];
					db_node_format(&db->nodes[i], where, sizeof(where));
					db->switches++;
					log_warn("db: now on node %zu (%s)", i + 1, where);
				}
				db->cur = i;
				return 0;
			}
			node_failed(db, i);
			if (db->nnodes > 1) {
				char where[DB_NODE_STR_MAX + 8];
				db_node_format(&db->nodes[i], where, sizeof(where));
				log_warn("db: node %zu (%s) unavailable (%u): %s", i + 1, where,
				         db->last_errno, db->last_error);
			}
		}
	}
	return -1;
}

void db_failback(struct db *db)
{
	if (db->conn == NULL || db->in_tx || db->cur == 0)
		return;
	time_t now = now_s();
	for (size_t i = 0; i < db->cur; i++) {
		if (db->down_until[i] <= now) {
			/* The next statement connects again, trying the preferred nodes first. */
			disconnect(db);
			return;
		}
	}
}

unsigned long db_node_switches(const struct db *db)
{
	return db->switches;
}

size_t db_node_current(const struct db *db)
{
	return db->cur;
}

int db_ping(struct db *db)
{
	if (connect_db(db) < 0)
		return -1;
	if (mysql_ping(db->conn) != 0) {
		set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
		disconnect(db);
		/* One fresh attempt: the server may have restarted since. */
		return connect_db(db);
	}
	return 0;
}

/* FNV-1a: a cheap first comparison before strcmp. */
static uint64_t sql_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static MYSQL_STMT *prepare(struct db *db, const char *sql)
{
	uint64_t h = sql_hash(sql);
	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i].hash == h && strcmp(db->stmts[i].sql, sql) == 0)
			return db->stmts[i].stmt;
	MYSQL_STMT *st = mysql_stmt_init(db->conn);
	if (st == NULL) {
		set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		log_error("db: prepare failed (%u): %s", db->last_errno, db->last_error);
		mysql_stmt_close(st);
		return NULL;
	}
	my_bool on = 1;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	char *copy = db->nstmts < DB_MAX_STMTS ? strdup(sql) : NULL;
	if (copy != NULL) {
		db->stmts[db->nstmts].hash = h;
		db->stmts[db->nstmts].sql = copy;
		db->stmts[db->nstmts].stmt = st;
		db->nstmts++;
	} else {
		/* Cache full: a bug (too many distinct statements); still works, slower. */
		log_warn("db: statement cache full");
	}
	return st;
}

static bool cached(const struct db *db, const MYSQL_STMT *st)
{
	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i].stmt == st)
			return true;
	return false;
}

static int bind_args(struct db *db, MYSQL_STMT *st, const struct db_arg *args, size_t nargs,
                     MYSQL_BIND *b)
{
	if (nargs != mysql_stmt_param_count(st) || nargs > DB_MAX_ARGS) {
		set_error(db, ER_WRONG_ARGUMENTS, "parameter count mismatch");
		log_error("db: parameter count mismatch");
		return -1;
	}
	memset(b, 0, sizeof(MYSQL_BIND) * nargs);
	for (size_t i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case DB_ARG_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&args[i].i;
			break;
		case DB_ARG_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)args[i].s;
			b[i].buffer_length = (unsigned long)args[i].len;
			break;
		case DB_ARG_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	if (nargs > 0 && mysql_stmt_bind_param(st, b) != 0) {
		set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		return -1;
	}
	return 0;
}

static int fetch_rows(struct db *db, MYSQL_STMT *st, struct arena *a, struct db_rows *rows)
{
	int rc = -1;
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	memset(rows, 0, sizeof(*rows));
	if (meta == NULL) {
		/* A statement without a result set: an empty result. */
		return 0;
	}
	if (mysql_stmt_store_result(st) != 0) {
		set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	size_t ncols = mysql_num_fields(meta);
	size_t nrows = (size_t)mysql_stmt_num_rows(st);
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	MYSQL_BIND *b = arena_alloc(a, sizeof(*b) * (ncols ? ncols : 1));
	unsigned long *len = arena_alloc(a, sizeof(*len) * (ncols ? ncols : 1));
	my_bool *isnull = arena_alloc(a, sizeof(*isnull) * (ncols ? ncols : 1));
	my_bool *trunc = arena_alloc(a, sizeof(*trunc) * (ncols ? ncols : 1));
	for (size_t c = 0; c < ncols; c++) {
		/* Numbers and dates arrive converted to text; 64 bytes hold any of them. */
		unsigned long cap = fields[c].max_length > 64 ? fields[c].max_length : 64;
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer = arena_alloc(a, cap + 1);
		b[c].buffer_length = cap + 1;
		b[c].length = &len[c];
		b[c].is_null = &isnull[c];
		b[c].error = &trunc[c];
	}
	if (ncols > 0 && mysql_stmt_bind_result(st, b) != 0) {
		set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	rows->ncols = ncols;
	rows->nrows = nrows;
	rows->cells = arena_alloc(a, sizeof(char *) * (nrows * ncols + 1));
	rows->lens = arena_alloc(a, sizeof(size_t) * (nrows * ncols + 1));
	for (size_t r = 0; r < nrows; r++) {
		int f = mysql_stmt_fetch(st);
		if (f == 1 || f == MYSQL_NO_DATA) {
			set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
			goto out;
		}
		for (size_t c = 0; c < ncols; c++) {
			size_t i = r * ncols + c;
			if (isnull[c]) {
				rows->cells[i] = NULL;
				continue;
			}
			if (trunc[c]) {
				/* Longer than max_length said: fetch this cell on its own. */
				char *cell = arena_alloc(a, len[c] + 1);
				MYSQL_BIND one = {0};
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = cell;
				one.buffer_length = len[c] + 1;
				if (mysql_stmt_fetch_column(st, &one, (unsigned)c, 0) != 0) {
					set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
					goto out;
				}
				cell[len[c]] = '\0';
				rows->cells[i] = cell;
			} else {
				rows->cells[i] = arena_strndup(a, b[c].buffer, len[c]);
			}
			rows->lens[i] = len[c];
		}
	}
	rc = 0;
out:
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return rc;
}

/* One attempt: returns 0, or -1 with the error recorded. */
static int run_once(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
                    size_t nargs, struct db_rows *rows, unsigned long long *affected,
                    unsigned long long *insert_id)
{
	MYSQL_BIND b[DB_MAX_ARGS];
	int rc = -1;
	if (connect_db(db) < 0 || (!db->in_tx && sync_wait_set(db, true) < 0))
		return -1;
	MYSQL_STMT *st = prepare(db, sql);
	if (st == NULL)
		return -1;
	if (bind_args(db, st, args, nargs, b) < 0)
		goto out;
	if (mysql_stmt_execute(st) != 0) {
		set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(st);
	if (rows != NULL) {
		if (fetch_rows(db, st, a, rows) < 0)
			goto out;
	} else {
		mysql_stmt_free_result(st);
	}
	/* A CALL ends with a status result of its own: drained, or the next statement on this
	 * connection would be out of sync. */
	while (mysql_stmt_more_results(st) && mysql_stmt_next_result(st) == 0)
		mysql_stmt_free_result(st);
	rc = 0;
out:
	if (!cached(db, st))
		mysql_stmt_close(st);
	return rc;
}

static void backoff(int attempt);

static int run(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
               size_t nargs, struct db_rows *rows, unsigned long long *affected,
               unsigned long long *insert_id)
{
	db->last_errno = 0;
	if (run_once(db, a, sql, args, nargs, rows, affected, insert_id) == 0)
		return 0;
	/* Outside a transaction a statement is a transaction of its own: a deadlock or a Galera
	 * certification failure (1213: another node's write to the same rows won) rolled all of it
	 * back, so it runs again as db_tx would run a transaction. Not a CALL: a procedure's
	 * statements may have committed one by one before the failure. */
	for (int attempt = 0; !db->in_tx && db->last_errno == DB_ER_LOCK_DEADLOCK &&
	                      strncmp(sql, "CALL", 4) != 0 && attempt + 1 < DB_TX_TRIES;
	     attempt++) {
		log_info("db: statement conflict (1213), retry %d", attempt + 1);
		backoff(attempt);
		db->last_errno = 0;
		if (run_once(db, a, sql, args, nargs, rows, affected, insert_id) == 0)
			return 0;
	}
	if (!is_lost(db->last_errno))
		return -1;
	bool was_tx = db->in_tx;
	unsigned no = db->last_errno;
	if (no == DB_ER_UNKNOWN_COM)
		node_failed(db, db->cur); /* not part of the primary component: the next one */
	disconnect(db);
	if (was_tx) {
		/* The transaction is gone with the connection; db_tx decides. */
		return -1;
	}
	/* Lost *during* a write (DB_CR_SERVER_LOST), the server may have applied it: running it
	 * again could do it twice, so only reads are retried then. Otherwise nothing reached the
	 * server. */
	if (no == DB_CR_SERVER_LOST && strncmp(sql, "SELECT", 6) != 0)
		return -1;
	log_warn("db: connection lost (%u), reconnecting", no);
	db->last_errno = 0;
	return run_once(db, a, sql, args, nargs, rows, affected, insert_id);
}

int db_query(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
             size_t nargs, struct db_rows *rows)
{
	return run(db, a, sql, args, nargs, rows, NULL, NULL);
}

int db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
            unsigned long long *affected, unsigned long long *insert_id)
{
	return run(db, NULL, sql, args, nargs, NULL, affected, insert_id);
}

/* A definer procedure's INSERT does not reach the CALL's insert id: ask the session. */
int db_last_insert_id(struct db *db, long long *id)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, "SELECT LAST_INSERT_ID()", DB_NOARGS, &r);
	if (rc == 0)
		*id = db_cell_int(&r, 0, 0);
	arena_free(a);
	return rc;
}

static bool is_retryable(unsigned no)
{
	return no == DB_ER_LOCK_DEADLOCK || no == DB_ER_LOCK_WAIT_TIMEOUT;
}

static void backoff(int attempt)
{
	/* 5, 10, 20, 40, 80, then 160 ms, scaled by a random factor in [0.5, 1.5). */
	long base = 5000000L << (attempt < 5 ? attempt : 5);
	long ns = base / 2 + (long)(randombytes_uniform(1000) * (unsigned long)base / 1000);
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int tx_run(struct db *db, bool read_committed, int (*fn)(struct db *db, void *ctx),
                  void *ctx)
{
	for (int attempt = 0; attempt < DB_TX_TRIES; attempt++) {
		db->last_errno = 0;
		if (connect_db(db) < 0)
			return -1;
		/* SET TRANSACTION holds for the next transaction only: said again on each try. */
		if (sync_wait_set(db, true) < 0 ||
		    (read_committed &&
		     session_sql(db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED") < 0) ||
		    session_sql(db, "START TRANSACTION") < 0 || sync_wait_set(db, false) < 0) {
			if (is_lost(db->last_errno)) {
				disconnect(db);
				continue; /* nothing was sent yet: safe to try on a new link */
			}
			return -1;
		}
		db->in_tx = true;
		int rc = fn(db, ctx);
		if (rc == 0 && db->conn != NULL && mysql_commit(db->conn) == 0) {
			db->in_tx = false;
			return 0;
		}
		if (rc == 0 && db->conn != NULL)
			set_error(db, mysql_errno(db->conn), mysql_error(db->conn));
		unsigned no = db->last_errno;
		if (db->conn != NULL && !is_lost(no))
			mysql_rollback(db->conn);
		db->in_tx = false;
		if (is_lost(no)) {
			if (no == DB_ER_UNKNOWN_COM)
				node_failed(db, db->cur);
			disconnect(db);
			db->last_errno = no;
			/* Lost during COMMIT: the outcome is unknown, so never replay it.
			 * Lost before COMMIT: nothing was committed, so run it again. */
			if (rc == 0)
				return -1;
			continue;
		}
		if (!is_retryable(no) ||
		    (no == DB_ER_LOCK_WAIT_TIMEOUT && attempt + 1 >= DB_LOCK_WAIT_TRIES))
			return -1;
		log_info("db: transaction conflict (%u), retry %d", no, attempt + 1);
		backoff(attempt);
	}
	return -1;
}

int db_tx(struct db *db, int (*fn)(struct db *db, void *ctx), void *ctx)
{
	return tx_run(db, false, fn, ctx);
}

int db_tx_read_committed(struct db *db, int (*fn)(struct db *db, void *ctx), void *ctx)
{
	return tx_run(db, true, fn, ctx);
}

unsigned db_errno(const struct db *db)
{
	return db->last_errno;
}

const char *db_error(const struct db *db)
{
	return db->last_error;
}

long long db_cell_int(const struct db_rows *rows, size_t r, size_t c)
{
	const char *s = db_cell(rows, r, c);
	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

int db_set_role(struct db *db, const char *role)
{
	if (role == NULL) {
		if (db->req_role[0] == '\0')
			return 0; /* nothing was set: no round trip */
		db->req_role[0] = '\0';
		/* A lost connection comes back with the account's own role anyway; one
		 * that cannot drop the role is closed rather than reused with it. */
		if (db->conn != NULL && apply_role(db, db->role) < 0) {
			disconnect(db);
			return -1;
		}
		return 0;
	}
	if (!identifier_ok(role) || strlen(role) >= sizeof(db->req_role)) {
		set_error(db, ER_UNKNOWN_ERROR, "bad role name");
		return -1;
	}
	snprintf(db->req_role, sizeof(db->req_role), "%s", role);
	if (connect_db(db) < 0)
		return -1; /* connect_db applied the role if it got a connection */
	return apply_role(db, role);
}
