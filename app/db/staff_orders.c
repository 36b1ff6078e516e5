/* staff_orders.c — orders as a staff role sees them: read through the role's views, then every
 * value passed through privacy_filter_value(), so either wall alone keeps out what the role
 * may not see. */
#include "staff_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "../privacy/grants.h"
#include "db.h"

#define DT(col)     "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i')"
#define ORDERS_MAX  200 /* rows of one list page at most */
#define ATTEMPT_MAX 500

/* Value v of table.column as role r may hold it, marking its field in full[] when it is
 * shown in full (privacy_filter_column; the orders' tables hold no row kinds). */
static const char *filter(struct arena *a, enum staff_role r, const char *table, const char *column,
                          const char *v, bool *full)
{
	return privacy_filter_column(a, r, table, column, NULL, v, full);
}

static long long filter_int(struct arena *a, enum staff_role r, const char *table,
                            const char *column, const char *v, bool *full)
{
	const char *s = filter(a, r, table, column, v, full);
	return s != NULL ? strtoll(s, NULL, 10) : -1;
}

static bool sees(enum staff_role r, enum personal_field f)
{
	enum visibility v = privacy_visibility(r, f);
	return v == VIS_FULL || v == VIS_MASKED;
}

/* The columns read_row reads, in its order (o: the orders view, p: the payments view). */
#define ROW_COLUMNS                                                                                \
	"o.id, o.customer_id, " DT("o.created_at") ", o.status, o.total_cents, o.contact_name, "   \
	                                           "o.contact_email, o.payment_mode, "             \
	                                           "o.tracking_number, p.status, "                 \
	                                           "DATE_FORMAT(p.due_at, '%Y-%m-%d'), "           \
	                                           "p.amount_cents, p.refunded_cents"

/* The payment problems, over the columns of ROW_COLUMNS' views. */
#define OVERDUE_SQL                                                                                \
	"(o.status = 'placed' AND p.status = 'invoice_due' AND p.due_at < UTC_TIMESTAMP(6))"
#define REFUND_SQL                                                                                 \
	"(o.status IN ('cancelled', 'refunded') AND p.status = 'captured' AND "                    \
	"p.refunded_cents < p.amount_cents)"

static void read_row(struct arena *a, enum staff_role r, const struct db_rows *rows, size_t i,
                     struct staff_order_row *o)
{
	bool *full = o->shows_full;
	memset(o, 0, sizeof(*o));
	o->id = db_cell_int(rows, i, 0);
	o->customer_id = db_cell_int(rows, i, 1);
	o->created_at = filter(a, r, "orders", "created_at", db_cell(rows, i, 2), full);
	o->status = filter(a, r, "orders", "status", db_cell(rows, i, 3), full);
	o->total_cents = filter_int(a, r, "orders", "total_cents", db_cell(rows, i, 4), full);
	o->contact_name = filter(a, r, "orders", "contact_name", db_cell(rows, i, 5), full);
	o->contact_email = filter(a, r, "orders", "contact_email", db_cell(rows, i, 6), full);
	o->payment_mode = filter(a, r, "orders", "payment_mode", db_cell(rows, i, 7), full);
	o->tracking_number = filter(a, r, "orders", "tracking_number", db_cell(rows, i, 8), full);
	o->payment_status = filter(a, r, "payments", "status", db_cell(rows, i, 9), full);
	o->due_at = filter(a, r, "payments", "due_at", db_cell(rows, i, 10), full);
	o->amount_cents = filter_int(a, r, "payments", "amount_cents", db_cell(rows, i, 11), full);
	o->refunded_cents =
	    filter_int(a, r, "payments", "refunded_cents", db_cell(rows, i, 12), full);
	o->overdue = db_cell_int(rows, i, 13) == 1;
	o->refund_wanted = db_cell_int(rows, i, 14) == 1;
}

int db_staff_orders_list(struct db *db, struct arena *a, enum staff_role role,
                         const struct staff_order_query *q, struct staff_order_page *out)
{
	memset(out, 0, sizeof(*out));
	if (!sees(role, FIELD_ORDERS))
		return 0; /* an order's existence is order data */
	int per_page = q->per_page < 1 ? 1 : q->per_page > ORDERS_MAX ? ORDERS_MAX : q->per_page;
	int page = q->page < 1 ? 1 : q->page;
	struct db_arg args[3];
	size_t nargs = 0;
	struct buf where = {0};
	buf_puts(&where, "TRUE");
	if (q->status != NULL) {
		buf_puts(&where, " AND o.status = ?");
		args[nargs++] = DB_STR(q->status);
	}
	if (q->problem == PROBLEM_ANY)
		buf_puts(&where, " AND (" OVERDUE_SQL " OR " REFUND_SQL ")");
	else if (q->problem == PROBLEM_OVERDUE)
		buf_puts(&where, " AND " OVERDUE_SQL);
	else if (q->problem == PROBLEM_REFUND)
		buf_puts(&where, " AND " REFUND_SQL);
	args[nargs++] = DB_INT(per_page + 1);
	args[nargs++] = DB_INT((long long)(page - 1) * per_page);
	const char *sql = arena_printf(
	    a,
	    "SELECT %s, %s, %s FROM %s o LEFT JOIN %s p ON p.order_id = o.id WHERE %s "
	    "ORDER BY o.id DESC LIMIT ? OFFSET ?",
	    ROW_COLUMNS, OVERDUE_SQL, REFUND_SQL, privacy_view_name(a, role, VIEW_ORDERS),
	    privacy_view_name(a, role, VIEW_PAYMENTS), where.data);
	buf_free(&where);
	struct db_rows rows;
	if (db_query(db, a, sql, args, nargs, &rows) < 0)
		return -1;
	out->more = rows.nrows > (size_t)per_page;
	out->n = out->more ? (size_t)per_page : rows.nrows;
	out->rows = arena_alloc(a, (out->n ? out->n : 1) * sizeof(*out->rows));
	for (size_t i = 0; i < out->n; i++)
		read_row(a, role, &rows, i, &out->rows[i]);
	return 0;
}

int db_staff_attempts_list(struct db *db, struct arena *a, enum staff_role role,
                           const char *outcome, int limit, struct staff_attempt **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!sees(role, FIELD_PAYMENT))
		return 0;
	if (limit < 1 || limit > ATTEMPT_MAX)
		limit = ATTEMPT_MAX;
	const char *sql =
	    arena_printf(a,
	                 "SELECT id, customer_id, %s, outcome, amount_cents, brand, last4 FROM %s "
	                 "WHERE (? IS NULL OR outcome = ?) ORDER BY id DESC LIMIT ?",
	                 DT("created_at"), privacy_view_name(a, role, VIEW_PAYMENT_ATTEMPTS));
	struct db_arg o = outcome != NULL ? DB_STR(outcome) : DB_NULL;
	struct db_rows rows;
	if (db_query(db, a, sql, DB_ARGS(o, o, DB_INT(limit)), &rows) < 0)
		return -1;
	struct staff_attempt *v = arena_alloc(a, (rows.nrows + 1) * sizeof(*v));
	for (size_t i = 0; i < rows.nrows; i++) {
		struct staff_attempt *t = &v[i];
		memset(t, 0, sizeof(*t));
		t->id = db_cell_int(&rows, i, 0);
		t->customer_id = db_cell_int(&rows, i, 1);
		const char *T = "payment_attempts";
		t->created_at =
		    filter(a, role, T, "created_at", db_cell(&rows, i, 2), t->shows_full);
		t->outcome = filter(a, role, T, "outcome", db_cell(&rows, i, 3), t->shows_full);
		t->amount_cents =
		    filter_int(a, role, T, "amount_cents", db_cell(&rows, i, 4), t->shows_full);
		t->brand = filter(a, role, T, "brand", db_cell(&rows, i, 5), t->shows_full);
		t->last4 = filter(a, role, T, "last4", db_cell(&rows, i, 6), t->shows_full);
	}
	*out = v;
	*n = rows.nrows;
	return 0;
}

/* Runs "SELECT cols FROM <role's view v> WHERE order_id = ? <tail>" into rows. */
static int query_view(struct db *db, struct arena *a, enum staff_role role, enum privacy_view v,
                      const char *cols, const char *tail, long long id, struct db_rows *rows)
{
	const char *sql = arena_printf(a, "SELECT %s FROM %s WHERE order_id = ? %s", cols,
	                               privacy_view_name(a, role, v), tail);
	return db_query(db, a, sql, DB_ARGS(DB_INT(id)), rows);
}

/* An address of the order's columns prefix* from cells first.. of row 0. */
static void read_address(struct arena *a, enum staff_role r, const char *prefix,
                         const struct db_rows *rows, size_t first, const char *out[5], bool *full)
{
	static const char *const names[] = {"line1", "line2", "city", "postcode", "country"};
	for (size_t c = 0; c < 5; c++) {
		char column[32];
		snprintf(column, sizeof(column), "%s%s", prefix, names[c]);
		out[c] = filter(a, r, "orders", column, db_cell(rows, 0, first + c), full);
	}
}

static int read_lines(struct db *db, struct arena *a, enum staff_role r, struct staff_order *out)
{
	struct db_rows rows;
	bool *full = out->o.shows_full;
	if (query_view(db, a, r, VIEW_ORDER_LINES, "sku, name, unit_price_cents, quantity",
	               "ORDER BY line_no", out->o.id, &rows) < 0)
		return -1;
	out->lines = arena_alloc(a, (rows.nrows + 1) * sizeof(*out->lines));
	out->nlines = rows.nrows;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct staff_order_line *l = &out->lines[i];
		l->sku = filter(a, r, "order_lines", "sku", db_cell(&rows, i, 0), full);
		l->name = filter(a, r, "order_lines", "name", db_cell(&rows, i, 1), full);
		l->unit_price_cents =
		    filter_int(a, r, "order_lines", "unit_price_cents", db_cell(&rows, i, 2), full);
		l->quantity =
		    filter_int(a, r, "order_lines", "quantity", db_cell(&rows, i, 3), full);
	}
	return 0;
}

static int read_history(struct db *db, struct arena *a, enum staff_role r, struct staff_order *out)
{
	struct db_rows rows;
	bool *full = out->o.shows_full;
	const char *T = "order_status_history";
	if (query_view(
	        db, a, r, VIEW_ORDER_HISTORY,
	        arena_printf(a, "%s, status, changed_by, note, customer_note", DT("changed_at")),
	        "ORDER BY id", out->o.id, &rows) < 0)
		return -1;
	out->events = arena_alloc(a, (rows.nrows + 1) * sizeof(*out->events));
	out->nevents = rows.nrows;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct staff_order_event *e = &out->events[i];
		e->changed_at = filter(a, r, T, "changed_at", db_cell(&rows, i, 0), full);
		e->status = filter(a, r, T, "status", db_cell(&rows, i, 1), full);
		/* Who changed it is a key of the view, not a customer's field. */
		e->changed_by = db_cell(&rows, i, 2);
		e->note = filter(a, r, T, "note", db_cell(&rows, i, 3), full);
		e->customer_note = filter(a, r, T, "customer_note", db_cell(&rows, i, 4), full);
	}
	return 0;
}

static int read_card(struct db *db, struct arena *a, enum staff_role r, struct staff_order *out)
{
	struct db_rows rows;
	bool *full = out->o.shows_full;
	if (!sees(r, FIELD_PAYMENT))
		return 0;
	if (query_view(db, a, r, VIEW_PAYMENTS, "brand, last4, exp_month, exp_year", "", out->o.id,
	               &rows) < 0)
		return -1;
	if (rows.nrows == 0)
		return 0;
	out->brand = filter(a, r, "payments", "brand", db_cell(&rows, 0, 0), full);
	out->last4 = filter(a, r, "payments", "last4", db_cell(&rows, 0, 1), full);
	const char *m = filter(a, r, "payments", "exp_month", db_cell(&rows, 0, 2), full);
	const char *y = filter(a, r, "payments", "exp_year", db_cell(&rows, 0, 3), full);
	if (m != NULL && y != NULL)
		out->expiry = arena_printf(a, "%02d/%s", atoi(m), y);
	return 0;
}

int db_staff_order_get(struct db *db, struct arena *a, enum staff_role role, long long id,
                       struct staff_order *out)
{
	memset(out, 0, sizeof(*out));
	if (!sees(role, FIELD_ORDERS))
		return 1;
	const char *sql = arena_printf(
	    a,
	    "SELECT %s, %s, %s, o.billing_line1, o.billing_line2, o.billing_city, "
	    "o.billing_postcode, o.billing_country, o.shipping_line1, o.shipping_line2, "
	    "o.shipping_city, o.shipping_postcode, o.shipping_country FROM %s o "
	    "LEFT JOIN %s p ON p.order_id = o.id WHERE o.id = ?",
	    ROW_COLUMNS, OVERDUE_SQL, REFUND_SQL, privacy_view_name(a, role, VIEW_ORDERS),
	    privacy_view_name(a, role, VIEW_PAYMENTS));
	struct db_rows rows;
	if (db_query(db, a, sql, DB_ARGS(DB_INT(id)), &rows) < 0)
		return -1;
	if (rows.nrows == 0)
		return 1;
	read_row(a, role, &rows, 0, &out->o);
	read_address(a, role, "billing_", &rows, 15, out->billing, out->o.shows_full);
	read_address(a, role, "shipping_", &rows, 20, out->shipping, out->o.shows_full);
	if (read_lines(db, a, role, out) < 0 || read_history(db, a, role, out) < 0 ||
	    read_card(db, a, role, out) < 0)
		return -1;
	return 0;
}
