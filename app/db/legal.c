/* legal.c — data access for legal cases: open and close (each with its audit row, in one
 * transaction), the officer's list and one case, a customer's export through the legal role's
 * views, and the cases a customer may be told of. */
#include "legal.h"

#include <string.h>

#include "../arena.h"
#include "../privacy/grants.h"
#include "audit.h"

#define DT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i')"

/* What the customer trigger of schema/015 raises for a customer nobody has (SIGNAL SQLSTATE
 * '45000' reaches the client as this error number). */
#define ER_SIGNAL_EXCEPTION 1644

/* The legal role's privileges (app/privacy/grants.c) cover exactly these statements. */
static const char SQL_OPEN[] =
    "INSERT INTO legal_cases (customer_ref, authority, reference, legal_basis, may_tell, "
    "opened_by) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_CUSTOMER_OF[] = "SELECT customer_id, closed_at FROM legal_cases WHERE id = ?";
static const char SQL_CLOSE[] =
    "UPDATE legal_cases SET closed_at = UTC_TIMESTAMP(6), closed_by = ? "
    "WHERE id = ? AND closed_at IS NULL";

#define CASE_COLUMNS                                                                               \
	"lc.id, lc.customer_id, lc.authority, lc.reference, lc.legal_basis, lc.may_tell, " DT(     \
	    "lc.opened_at") ", so.username, " DT("lc.closed_at") ", sc.username "                  \
	                                                         "FROM legal_cases lc "            \
	                                                         "LEFT JOIN staff so ON so.id = "  \
	                                                         "lc.opened_by "                   \
	                                                         "LEFT JOIN staff sc ON sc.id = "  \
	                                                         "lc.closed_by "

static const char SQL_LIST[] =
    "SELECT " CASE_COLUMNS "ORDER BY lc.closed_at IS NOT NULL, lc.id DESC LIMIT ? OFFSET ?";
static const char SQL_GET[] = "SELECT " CASE_COLUMNS "WHERE lc.id = ?";
static const char SQL_TOLD[] =
    "SELECT id, customer_id, authority, reference, legal_basis, 1, " DT("opened_at") ", NULL, " DT(
        "closed_at") ", NULL FROM customer_legal_cases WHERE customer_id = ? "
                     "ORDER BY id DESC LIMIT 200";

/* Fills c from row i of rows (CASE_COLUMNS' order). */
static void read_case(const struct db_rows *rows, size_t i, struct legal_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_cell_int(rows, i, 0);
	c->customer_id = db_cell_int(rows, i, 1);
	c->authority = db_cell(rows, i, 2);
	c->reference = db_cell(rows, i, 3);
	c->legal_basis = db_cell(rows, i, 4);
	c->may_tell = db_cell_int(rows, i, 5) != 0;
	c->opened_at = db_cell(rows, i, 6);
	c->opened_by = db_cell(rows, i, 7);
	c->closed_at = db_cell(rows, i, 8);
	c->closed_by = db_cell(rows, i, 9);
}

struct open_ctx {
	const struct legal_case_request *rq;
	long long staff_id;
	struct audit_event *ev;
	struct arena *a;
	int result;
	long long id;
};

static int open_tx(struct db *db, void *vctx)
{
	struct open_ctx *c = vctx;
	const struct legal_case_request *rq = c->rq;
	unsigned long long id;
	c->result = -1;
	arena_reset(c->a); /* db_tx may run this again */
	const struct db_arg args[] = {
	    DB_STR(rq->customer),    DB_STR(rq->authority), DB_STR(rq->reference),
	    DB_STR(rq->legal_basis), DB_INT(rq->may_tell),  DB_INT(c->staff_id),
	};
	if (db_exec(db, SQL_OPEN, DB_ARRAY(args), NULL, &id) < 0) {
		if (db_errno(db) == ER_SIGNAL_EXCEPTION)
			c->result = DB_NOT_FOUND;
		else if (db_errno(db) == DB_ER_DUP_ENTRY)
			c->result = DB_UNCHANGED;
		return -1;
	}
	struct db_rows rows;
	if (db_query(db, c->a, SQL_CUSTOMER_OF, DB_ARGS(DB_INT((long long)id)), &rows) < 0 ||
	    rows.nrows != 1)
		return -1;
	c->id = (long long)id;
	c->ev->customer_id = db_cell_int(&rows, 0, 0);
	c->ev->detail =
	    arena_printf(c->a, "case %lld: %s, %s", c->id, rq->authority, rq->reference);
	if (audit_append_in_tx(db, c->ev, 1) < 0)
		return -1;
	c->result = DB_CHANGED;
	return 0;
}

int db_legal_case_open(struct db *db, const struct legal_case_request *rq, long long staff_id,
                       struct audit_event *ev, long long *id)
{
	struct open_ctx c = {.rq = rq, .staff_id = staff_id, .ev = ev, .a = arena_new()};
	if (c.a == NULL)
		return -1;
	int rc = db_tx(db, open_tx, &c);
	/* The event's detail lives in c.a: it is not needed once the row is written. */
	ev->detail = NULL;
	arena_free(c.a);
	if (rc == 0 || c.result == DB_NOT_FOUND || c.result == DB_UNCHANGED) {
		*id = c.id;
		return c.result;
	}
	return -1;
}

struct close_ctx {
	long long id, staff_id;
	struct audit_event *ev;
	struct arena *a;
	int result;
};

static int close_tx(struct db *db, void *vctx)
{
	struct close_ctx *c = vctx;
	unsigned long long changed;
	c->result = -1;
	arena_reset(c->a);
	/* The UPDATE comes first: it locks the row, so a second officer closing at the same
	 * moment waits, then finds it closed. */
	if (db_exec(db, SQL_CLOSE, DB_ARGS(DB_INT(c->staff_id), DB_INT(c->id)), &changed, NULL) < 0)
		return -1;
	struct db_rows rows;
	if (db_query(db, c->a, SQL_CUSTOMER_OF, DB_ARGS(DB_INT(c->id)), &rows) < 0)
		return -1;
	if (rows.nrows == 0 || changed == 0) {
		c->result = rows.nrows == 0 ? DB_NOT_FOUND : DB_UNCHANGED;
		return -1; /* nothing was written: roll back the empty transaction */
	}
	c->ev->customer_id = db_cell_int(&rows, 0, 0);
	c->ev->detail = arena_printf(c->a, "case %lld", c->id);
	if (audit_append_in_tx(db, c->ev, 1) < 0)
		return -1;
	c->result = DB_CHANGED;
	return 0;
}

int db_legal_case_close(struct db *db, long long id, long long staff_id, struct audit_event *ev)
{
	struct close_ctx c = {.id = id, .staff_id = staff_id, .ev = ev, .a = arena_new()};
	if (c.a == NULL)
		return -1;
	int rc = db_tx(db, close_tx, &c);
	ev->detail = NULL;
	arena_free(c.a);
	if (rc == 0 || c.result == DB_NOT_FOUND || c.result == DB_UNCHANGED)
		return c.result;
	return -1;
}

int db_legal_case_list(struct db *db, struct arena *a, int page, int per_page,
                       struct legal_case **out, size_t *n, bool *more)
{
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 1;
	struct db_rows rows;
	if (db_query(db, a, SQL_LIST,
	             DB_ARGS(DB_INT(per_page + 1), DB_INT((long long)(page - 1) * per_page)),
	             &rows) < 0)
		return -1;
	*more = rows.nrows > (size_t)per_page;
	*n = *more ? (size_t)per_page : rows.nrows;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_case(&rows, i, &(*out)[i]);
	return 0;
}

int db_legal_case_get(struct db *db, struct arena *a, long long id, struct legal_case *out)
{
	struct db_rows rows;
	if (db_query(db, a, SQL_GET, DB_ARGS(DB_INT(id)), &rows) < 0)
		return -1;
	if (rows.nrows == 0)
		return 1;
	read_case(&rows, 0, out);
	return 0;
}

int db_legal_cases_told(struct db *db, struct arena *a, long long customer_id,
                        struct legal_case **out, size_t *n)
{
	struct db_rows rows;
	if (db_query(db, a, SQL_TOLD, DB_ARGS(DB_INT(customer_id)), &rows) < 0)
		return -1;
	*n = rows.nrows;
	*out = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(**out));
	for (size_t i = 0; i < rows.nrows; i++)
		read_case(&rows, i, &(*out)[i]);
	return 0;
}

/*
 * The export's parts: which view, which columns (every column of it), in
 * which order.  view < 0 names the open cases' disclosures, which are not
 * one of the generated per-role views (they hold no personal column of the
 * who-sees-what table, only what was sent to whom).
 */
struct part_def {
	const char *name;
	int view; /* enum privacy_view, or -1 */
	const char *key;
	const char *order;
	const char *const *columns;
	const bool *is_int;
	size_t ncols;
};

#define PART(nm, v, k, ord, cols, ints)                                                            \
	{                                                                                          \
		nm, v, k, ord, cols, ints, sizeof(cols) / sizeof(cols[0])                          \
	}

static const char *const account_cols[] = {"id",         "status", "name",          "email",
                                           "username",   "phone",  "registered_at", "last_visit_at",
                                           "visit_count"};
static const bool account_ints[] = {1, 0, 0, 0, 0, 0, 0, 0, 1};
static const char *const address_cols[] = {"kind", "line1", "line2", "city", "postcode", "country"};
static const bool address_ints[] = {0, 0, 0, 0, 0, 0};
static const char *const order_cols[] = {"id",
                                         "created_at",
                                         "status",
                                         "payment_mode",
                                         "total_cents",
                                         "contact_name",
                                         "contact_email",
                                         "billing_line1",
                                         "billing_line2",
                                         "billing_city",
                                         "billing_postcode",
                                         "billing_country",
                                         "shipping_line1",
                                         "shipping_line2",
                                         "shipping_city",
                                         "shipping_postcode",
                                         "shipping_country",
                                         "tracking_number"};
static const bool order_ints[] = {1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const char *const line_cols[] = {"order_id", "line_no",          "sku",
                                        "name",     "unit_price_cents", "quantity"};
static const bool line_ints[] = {1, 1, 0, 0, 1, 1};
static const char *const history_cols[] = {"order_id", "status", "changed_at"};
static const bool history_ints[] = {1, 0, 0};
static const char *const payment_cols[] = {"order_id", "brand", "last4", "exp_month", "exp_year"};
static const bool payment_ints[] = {1, 0, 0, 1, 1};
static const char *const profile_cols[] = {"product_id", "product_name", "views", "last_viewed_at"};
static const bool profile_ints[] = {1, 0, 1, 0};
static const char *const interest_cols[] = {"category_id", "category_name"};
static const bool interest_ints[] = {1, 0};
static const char *const disclosure_cols[] = {"order_id", "recipient", "fields", "purpose",
                                              "created_at"};
static const bool disclosure_ints[] = {1, 0, 0, 0, 0};

static const struct part_def parts[LEGAL_PART__MAX] = {
    [LEGAL_PART_ACCOUNT] = PART("account", VIEW_CUSTOMERS, "id", "", account_cols, account_ints),
    [LEGAL_PART_ADDRESSES] = PART("addresses", VIEW_ADDRESSES, "customer_id", "ORDER BY kind",
                                  address_cols, address_ints),
    [LEGAL_PART_ORDERS] =
        PART("orders", VIEW_ORDERS, "customer_id", "ORDER BY id", order_cols, order_ints),
    [LEGAL_PART_ORDER_LINES] = PART("lines", VIEW_ORDER_LINES, "customer_id",
                                    "ORDER BY order_id, line_no", line_cols, line_ints),
    [LEGAL_PART_ORDER_HISTORY] = PART("history", VIEW_ORDER_HISTORY, "customer_id",
                                      "ORDER BY order_id, id", history_cols, history_ints),
    [LEGAL_PART_PAYMENTS] = PART("payment", VIEW_PAYMENTS, "customer_id", "ORDER BY order_id",
                                 payment_cols, payment_ints),
    [LEGAL_PART_PROFILE] = PART("viewing_profile", VIEW_PROFILE, "customer_id",
                                "ORDER BY product_id", profile_cols, profile_ints),
    [LEGAL_PART_INTERESTS] = PART("interests", VIEW_INTERESTS, "customer_id",
                                  "ORDER BY category_id", interest_cols, interest_ints),
    [LEGAL_PART_DISCLOSURES] =
        PART("disclosures", -1, "customer_id", "ORDER BY id", disclosure_cols, disclosure_ints),
};

#undef PART

/* Passes each personal value of part p through the legal role's filter (the application's
 * wall beside the views'), marking in *fields each field it holds a value of. */
static void filter_part(struct arena *a, const struct part_def *d, struct legal_export_part *p,
                        unsigned *fields)
{
	const char *table = d->view >= 0 ? privacy_view_table((enum privacy_view)d->view) : NULL;
	if (table == NULL)
		return;
	bool kinds = strcmp(d->columns[0], "kind") == 0;
	for (size_t r = 0; r < p->rows.nrows; r++)
		for (size_t c = 0; c < p->ncols; c++) {
			const char *kind = kinds ? db_cell(&p->rows, r, 0) : NULL;
			const struct privacy_column *pc =
			    privacy_column_of(table, d->columns[c], kind);
			if (pc == NULL)
				continue;
			const char **cell = &p->rows.cells[r * p->rows.ncols + c];
			*cell = privacy_filter_value(a, ROLE_LEGAL, pc, *cell);
			if (*cell != NULL && **cell != '\0' &&
			    privacy_visibility(ROLE_LEGAL, pc->field) == VIS_FULL)
				*fields |= 1u << pc->field;
		}
}

int db_legal_export(struct db *db, struct arena *a, long long customer_id, struct legal_export *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < LEGAL_PART__MAX; i++) {
		const struct part_def *d = &parts[i];
		struct legal_export_part *p = &out->part[i];
		const char *from =
		    d->view >= 0 ? privacy_view_name(a, ROLE_LEGAL, (enum privacy_view)d->view)
		                 : "legal_open_case_disclosures";
		struct buf cols = {0};
		for (size_t c = 0; c < d->ncols; c++)
			buf_printf(&cols, "%s%s", c ? ", " : "", d->columns[c]);
		const char *sql = arena_printf(a, "SELECT %s FROM %s WHERE %s = ? %s", cols.data,
		                               from, d->key, d->order);
		buf_free(&cols);
		*p = (struct legal_export_part){
		    .name = d->name, .columns = d->columns, .is_int = d->is_int, .ncols = d->ncols};
		if (db_query(db, a, sql, DB_ARGS(DB_INT(customer_id)), &p->rows) < 0)
			return -1;
		if (i == LEGAL_PART_ACCOUNT && p->rows.nrows == 0)
			return 1; /* no open case about them: the views hold nothing */
		filter_part(a, d, p, &out->fields);
	}
	return 0;
}
