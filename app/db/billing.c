/* billing.c — data access for payments as billing changes them: locks, invoices, refunds. */
#include "billing.h"

#include <string.h>

#include "../arena.h"
#include "db.h"

static const char SQL_PAYMENT_LOCK[] =
    "SELECT processor, token, status, amount_cents, refunded_cents FROM payments "
    "WHERE order_id = ? FOR UPDATE";
/* Read after the payment's lock: every writer of an order's refunds holds that lock. */
static const char SQL_PENDING[] = "SELECT COALESCE(SUM(amount_cents), 0) FROM payment_refunds "
                                  "WHERE order_id = ? AND status = 'pending'";

int db_payment_lock(struct db *db, struct arena *a, long long order_id, struct payment_state *out)
{
	struct db_rows r, p;
	memset(out, 0, sizeof(*out));
	if (db_query(db, a, SQL_PAYMENT_LOCK, DB_ARGS(DB_INT(order_id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	if (db_query(db, a, SQL_PENDING, DB_ARGS(DB_INT(order_id)), &p) < 0)
		return -1;
	out->processor = db_cell(&r, 0, 0);
	out->token = db_cell(&r, 0, 1);
	out->status = db_cell(&r, 0, 2) != NULL ? db_cell(&r, 0, 2) : "";
	out->amount_cents = db_cell_int(&r, 0, 3);
	out->refunded_cents = db_cell_int(&r, 0, 4);
	out->pending_cents = p.nrows > 0 ? db_cell_int(&p, 0, 0) : 0;
	return 0;
}

static const char SQL_PAYMENT_STATUS[] = "UPDATE payments SET status = ? WHERE order_id = ?";

int db_payment_set_status(struct db *db, long long order_id, const char *status)
{
	return db_exec(db, SQL_PAYMENT_STATUS, DB_ARGS(DB_STR(status), DB_INT(order_id)), NULL,
	               NULL);
}

static const char SQL_PAYMENT_REFUNDED[] =
    "UPDATE payments SET refunded_cents = ?, status = ? WHERE order_id = ?";

int db_payment_set_refunded(struct db *db, long long order_id, long long refunded_cents,
                            const char *status)
{
	return db_exec(db, SQL_PAYMENT_REFUNDED,
	               DB_ARGS(DB_INT(refunded_cents), DB_STR(status), DB_INT(order_id)), NULL,
	               NULL);
}

static const char SQL_REFUND_GET[] =
    "SELECT order_id, amount_cents, status FROM payment_refunds WHERE idempotency_key = ?";

int db_refund_get(struct db *db, struct arena *a, const char *key, struct refund *out)
{
	struct db_rows r;
	memset(out, 0, sizeof(*out));
	if (db_query(db, a, SQL_REFUND_GET, DB_ARGS(DB_STR(key)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	out->order_id = db_cell_int(&r, 0, 0);
	out->amount_cents = db_cell_int(&r, 0, 1);
	out->status = db_cell(&r, 0, 2) != NULL ? db_cell(&r, 0, 2) : "";
	return 0;
}

static const char SQL_REFUND_INSERT[] =
    "INSERT INTO payment_refunds (order_id, idempotency_key, amount_cents, status, "
    "staff_username) VALUES (?, ?, ?, 'pending', ?)";

int db_refund_insert(struct db *db, long long order_id, const char *key, long long amount_cents,
                     const char *staff_username)
{
	if (db_exec(db, SQL_REFUND_INSERT,
	            DB_ARGS(DB_INT(order_id), DB_STR(key), DB_INT(amount_cents),
	                    DB_STR(staff_username)),
	            NULL, NULL) == 0)
		return 0;
	return db_errno(db) == DB_ER_DUP_ENTRY ? 1 : -1;
}

static const char SQL_REFUND_FINISH[] =
    "UPDATE payment_refunds SET status = ?, finished_at = UTC_TIMESTAMP(6) "
    "WHERE idempotency_key = ? AND status = 'pending'";

int db_refund_finish(struct db *db, const char *key, bool ok)
{
	unsigned long long n = 0;
	if (db_exec(db, SQL_REFUND_FINISH, DB_ARGS(DB_STR(ok ? "done" : "failed"), DB_STR(key)), &n,
	            NULL) < 0)
		return -1;
	return n == 1 ? 0 : DB_NOT_FOUND;
}

static const char SQL_REFUND_LIST[] =
    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), amount_cents, status, staff_username "
    "FROM payment_refunds WHERE order_id = ? ORDER BY id";

int db_refund_list(struct db *db, struct arena *a, long long order_id, struct refund_row **out,
                   size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_REFUND_LIST, DB_ARGS(DB_INT(order_id)), &r) < 0)
		return -1;
	struct refund_row *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].created_at = db_cell(&r, i, 0);
		v[i].amount_cents = db_cell_int(&r, i, 1);
		v[i].status = db_cell(&r, i, 2);
		v[i].staff_username = db_cell(&r, i, 3);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}
