/* support.c — the support queue (support_messages). */
#include "support.h"

#include "../arena.h"
#include "audit.h"

#define DT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i')"

static const char SQL_LOCK_CUSTOMER[] = "SELECT id FROM customers WHERE id = ? FOR UPDATE";
static const char SQL_BY_NONCE[] =
    "SELECT COUNT(*) FROM support_messages WHERE customer_id = ? AND nonce = ?";
static const char SQL_RECENT[] = "SELECT COUNT(*) FROM support_messages "
                                 "WHERE customer_id = ? AND created_at > NOW(6) - INTERVAL 1 HOUR";
static const char SQL_INSERT[] =
    "INSERT INTO support_messages (customer_id, nonce, subject, message) VALUES (?, ?, ?, ?)";

struct insert_tx {
	const struct support_new *m;
	int result;
};

static int count(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
                 long long *n)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return -1;
	struct db_rows r;
	int rc = db_query(db, a, sql, args, nargs, &r);
	if (rc == 0)
		*n = r.nrows ? db_cell_int(&r, 0, 0) : 0;
	arena_free(a);
	return rc;
}

static int insert_tx(struct db *db, void *ctx)
{
	struct insert_tx *t = ctx;
	const struct support_new *m = t->m;
	long long n;
	if (count(db, SQL_LOCK_CUSTOMER, DB_ARGS(DB_INT(m->customer_id)), &n) < 0 ||
	    count(db, SQL_BY_NONCE, DB_ARGS(DB_INT(m->customer_id), DB_STR(m->nonce)), &n) < 0)
		return -1;
	if (n > 0) {
		t->result = DB_UNCHANGED;
		return 0;
	}
	if (count(db, SQL_RECENT, DB_ARGS(DB_INT(m->customer_id)), &n) < 0)
		return -1;
	if (n >= m->per_hour) {
		t->result = DB_REFUSED;
		return 0;
	}
	if (db_exec(db, SQL_INSERT,
	            DB_ARGS(DB_INT(m->customer_id), DB_STR(m->nonce), DB_STR(m->subject),
	                    DB_STR(m->message)),
	            NULL, NULL) < 0)
		return -1;
	t->result = DB_CHANGED;
	return 0;
}

int db_support_insert(struct db *db, const struct support_new *m)
{
	struct insert_tx t = {.m = m};
	if (db_tx(db, insert_tx, &t) < 0)
		return -1;
	return t.result;
}

#define LIST_COLUMNS "id, customer_id, subject, message, " DT("created_at") ", " DT("answered_at")
static const char SQL_LIST_OPEN[] = "SELECT " LIST_COLUMNS " FROM support_messages "
                                    "WHERE answered_at IS NULL ORDER BY id LIMIT ?";
static const char SQL_LIST_ANSWERED[] = "SELECT " LIST_COLUMNS " FROM support_messages "
                                        "WHERE answered_at IS NOT NULL "
                                        "ORDER BY answered_at DESC, id DESC LIMIT ?";

static struct support_message *read_rows(struct arena *a, const struct db_rows *r, bool user)
{
	struct support_message *v = arena_alloc(a, sizeof(*v) * (r->nrows + 1));
	for (size_t i = 0; i < r->nrows; i++) {
		v[i] = (struct support_message){
		    .id = db_cell_int(r, i, 0),
		    .customer_id = db_cell_int(r, i, 1),
		    .subject = db_cell(r, i, 2),
		    .message = db_cell(r, i, 3),
		    .created_at = db_cell(r, i, 4),
		    .answered_at = db_cell(r, i, 5),
		    .username = user ? db_cell(r, i, 6) : NULL,
		};
	}
	return v;
}

int db_support_list(struct db *db, struct arena *a, int answered, int limit,
                    struct support_message **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, answered ? SQL_LIST_ANSWERED : SQL_LIST_OPEN, DB_ARGS(DB_INT(limit)),
	             &r) < 0)
		return -1;
	*out = read_rows(a, &r, false);
	*n = r.nrows;
	return 0;
}

static const char SQL_LIST_ALL[] = "SELECT m.id, m.customer_id, m.subject, m.message, " DT(
    "m.created_at") ", " DT("m.answered_at") ", c.username FROM support_messages m "
                                             "JOIN customers c ON c.id = m.customer_id "
                                             "WHERE ? OR m.answered_at IS NULL ORDER BY m.id";

int db_support_list_all(struct db *db, struct arena *a, int all, struct support_message **out,
                        size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_LIST_ALL, DB_ARGS(DB_INT(all != 0)), &r) < 0)
		return -1;
	*out = read_rows(a, &r, true);
	*n = r.nrows;
	return 0;
}

static const char SQL_LOCK[] =
    "SELECT customer_id, answered_at IS NOT NULL FROM support_messages WHERE id = ? FOR UPDATE";
static const char SQL_ANSWER[] =
    "UPDATE support_messages SET answered_at = NOW(6), answered_by = ? WHERE id = ?";

int db_support_mark_answered(struct db *db, long long id, long long staff_id,
                             struct audit_event *ev)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return -1;
	struct db_rows r;
	int rc = db_query(db, a, SQL_LOCK, DB_ARGS(DB_INT(id)), &r);
	if (rc == 0 && r.nrows == 0)
		rc = DB_NOT_FOUND;
	else if (rc == 0 && db_cell_int(&r, 0, 1) != 0)
		rc = DB_UNCHANGED;
	else if (rc == 0) {
		ev->customer_id = db_cell_int(&r, 0, 0);
		if (db_exec(db, SQL_ANSWER, DB_ARGS(DB_INT(staff_id), DB_INT(id)), NULL, NULL) <
		        0 ||
		    audit_append_in_tx(db, ev, 1) < 0)
			rc = -1;
		else
			rc = DB_CHANGED;
	}
	arena_free(a);
	return rc;
}
