/* people.c — what staff read about customers: read through the role's MariaDB views (the
 * database's wall), then every value passed through privacy_filter_value() (the
 * application's wall), so either one alone keeps a field the role may not see out. */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "../privacy/grants.h"
#include "db.h"

#define DT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i')"

/* At most this many customers on one page of the list. */
#define PEOPLE_PAGE_MAX 200

/* A filtered integer column: its value, or -1 when the role does not see it. */
static long long filter_int(struct arena *a, enum staff_role r, const char *table,
                            const char *column, const char *v, bool *shows_full)
{
	const char *s = privacy_filter_column(a, r, table, column, NULL, v, shows_full);
	return s != NULL ? strtoll(s, NULL, 10) : -1;
}

static bool sees(enum staff_role r, enum personal_field f)
{
	enum visibility v = privacy_visibility(r, f);
	return v == VIS_FULL || v == VIS_MASKED;
}

/* The columns read_person reads, in its order. */
#define PERSON_COLUMNS                                                                             \
	"id, status, name, email, username, phone, " DT("registered_at") ", " DT(                  \
	    "last_visit_at") ", visit_count"

/* Fills p from row i of rows (PERSON_COLUMNS), filtered for role r. */
static void read_person(struct arena *a, enum staff_role r, const struct db_rows *rows, size_t i,
                        struct person *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_cell_int(rows, i, 0);
	p->status = db_cell(rows, i, 1) != NULL ? db_cell(rows, i, 1) : "";
	static const char *const cols[] = {"name",          "email",         "username",   "phone",
	                                   "registered_at", "last_visit_at", "visit_count"};
	const char **out[] = {&p->name,          &p->email,         &p->username,   &p->phone,
	                      &p->registered_at, &p->last_visit_at, &p->visit_count};
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		*out[c] = privacy_filter_column(a, r, "customers", cols[c], NULL,
		                                db_cell(rows, i, c + 2), p->shows_full);
}

/* The fields a customer search may match, with the view column holding each. */
static const struct {
	enum personal_field field;
	const char *column;
} searchable[] = {
    {FIELD_NAME, "name"},
    {FIELD_EMAIL, "email"},
    {FIELD_USERNAME, "username"},
    {FIELD_PHONE, "phone"},
};

int db_people_list(struct db *db, struct arena *a, enum staff_role role, const char *q, int page,
                   int per_page, struct person_page *out)
{
	memset(out, 0, sizeof(*out));
	const char *view = privacy_view_name(a, role, VIEW_CUSTOMERS);
	if (view == NULL)
		return 0; /* a role that sees no person lists nobody */
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 1;
	if (per_page > PEOPLE_PAGE_MAX)
		per_page = PEOPLE_PAGE_MAX;
	struct db_arg args[sizeof(searchable) / sizeof(searchable[0]) + 2];
	size_t nargs = 0;
	struct buf where = {0};
	if (q != NULL && *q != '\0') {
		/* Only fields the role reads in full: a search by a masked or absent field would
		 * tell the role what it may not read. */
		for (size_t i = 0; i < sizeof(searchable) / sizeof(searchable[0]); i++) {
			if (privacy_visibility(role, searchable[i].field) != VIS_FULL)
				continue;
			buf_printf(&where, "%sLOCATE(?, %s) > 0", nargs ? " OR " : " WHERE ",
			           searchable[i].column);
			args[nargs++] = DB_STR(q);
		}
		if (nargs == 0)
			return 0;
	}
	args[nargs++] = DB_INT(per_page + 1);
	args[nargs++] = DB_INT((long long)(page - 1) * per_page);
	const char *sql = arena_printf(a,
	                               "SELECT %s FROM %s%s "
	                               "ORDER BY id DESC LIMIT ? OFFSET ?",
	                               PERSON_COLUMNS, view, where.data != NULL ? where.data : "");
	buf_free(&where);
	struct db_rows rows;
	if (db_query(db, a, sql, args, nargs, &rows) < 0)
		return -1;
	out->more = rows.nrows > (size_t)per_page;
	out->n = out->more ? (size_t)per_page : rows.nrows;
	out->rows = arena_alloc(a, (out->n ? out->n : 1) * sizeof(*out->rows));
	for (size_t i = 0; i < out->n; i++)
		read_person(a, role, &rows, i, &out->rows[i]);
	return 0;
}

int db_people_pending(struct db *db, struct arena *a, enum staff_role role, int page, int per_page,
                      struct person_page *out)
{
	memset(out, 0, sizeof(*out));
	const char *view = privacy_view_name(a, role, VIEW_CUSTOMERS);
	if (view == NULL)
		return 0;
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 1;
	if (per_page > PEOPLE_PAGE_MAX)
		per_page = PEOPLE_PAGE_MAX;
	/* Oldest first.  registered_at is a personal field (visits): a role that does not see it
	 * reads NULL from its view, and the queue falls back to the order of the ids. */
	const char *sql = arena_printf(a,
	                               "SELECT %s FROM %s WHERE status = 'pending' "
	                               "ORDER BY registered_at, id LIMIT ? OFFSET ?",
	                               PERSON_COLUMNS, view);
	struct db_rows rows;
	if (db_query(db, a, sql,
	             DB_ARGS(DB_INT(per_page + 1), DB_INT((long long)(page - 1) * per_page)),
	             &rows) < 0)
		return -1;
	out->more = rows.nrows > (size_t)per_page;
	out->n = out->more ? (size_t)per_page : rows.nrows;
	out->rows = arena_alloc(a, (out->n ? out->n : 1) * sizeof(*out->rows));
	for (size_t i = 0; i < out->n; i++)
		read_person(a, role, &rows, i, &out->rows[i]);
	return 0;
}

int db_person_get(struct db *db, struct arena *a, enum staff_role role, long long id,
                  struct person *out)
{
	memset(out, 0, sizeof(*out));
	const char *view = privacy_view_name(a, role, VIEW_CUSTOMERS);
	if (view == NULL)
		return 1;
	const char *sql = arena_printf(a, "SELECT %s FROM %s WHERE id = ?", PERSON_COLUMNS, view);
	struct db_rows rows;
	if (db_query(db, a, sql, DB_ARGS(DB_INT(id)), &rows) < 0)
		return -1;
	if (rows.nrows == 0)
		return 1;
	read_person(a, role, &rows, 0, out);
	return 0;
}

/* Runs "SELECT cols FROM <role's view v> WHERE customer_id = ? <tail>" into rows. */
static int query_view(struct db *db, struct arena *a, enum staff_role role, enum privacy_view v,
                      const char *cols, const char *tail, long long id, struct db_rows *rows)
{
	const char *sql = arena_printf(a, "SELECT %s FROM %s WHERE customer_id = ? %s", cols,
	                               privacy_view_name(a, role, v), tail);
	return db_query(db, a, sql, DB_ARGS(DB_INT(id)), rows);
}

/* An address of table's columns prefix* (orders: "billing_"; customer_addresses: "") from
 * cells first.. of row i, filtered for role r as row kind kind. */
static void read_address(struct arena *a, enum staff_role r, const char *table, const char *prefix,
                         const char *kind, const struct db_rows *rows, size_t i, size_t first,
                         struct person_address *out, bool *shows_full)
{
	static const char *const names[] = {"line1", "line2", "city", "postcode", "country"};
	const char **dst[] = {&out->line1, &out->line2, &out->city, &out->postcode, &out->country};
	for (size_t c = 0; c < 5; c++) {
		char column[32];
		snprintf(column, sizeof(column), "%s%s", prefix, names[c]);
		*dst[c] = privacy_filter_column(a, r, table, column, kind,
		                                db_cell(rows, i, first + c), shows_full);
	}
}

static int read_addresses(struct db *db, struct arena *a, enum staff_role r, long long id,
                          struct person_detail *out)
{
	if (!sees(r, FIELD_BILLING_ADDRESS) && !sees(r, FIELD_SHIPPING_ADDRESS))
		return 0;
	struct db_rows rows;
	if (query_view(db, a, r, VIEW_ADDRESSES, "kind, line1, line2, city, postcode, country", "",
	               id, &rows) < 0)
		return -1;
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *kind = db_cell(&rows, i, 0);
		if (kind == NULL)
			continue;
		if (strcmp(kind, "billing") == 0)
			read_address(a, r, "customer_addresses", "", kind, &rows, i, 1,
			             &out->billing, out->p.shows_full);
		else if (strcmp(kind, "shipping") == 0)
			read_address(a, r, "customer_addresses", "", kind, &rows, i, 1,
			             &out->shipping, out->p.shows_full);
	}
	return 0;
}

#define ORDER_COLUMNS                                                                              \
	"id, " DT("created_at") ", status, total_cents, contact_name, contact_email, "             \
	                        "billing_line1, billing_line2, billing_city, billing_postcode, "   \
	                        "billing_country, shipping_line1, shipping_line2, shipping_city, " \
	                        "shipping_postcode, shipping_country, tracking_number"

static void read_order(struct arena *a, enum staff_role r, const struct db_rows *rows, size_t i,
                       struct person_order *o, bool *full)
{
	memset(o, 0, sizeof(*o));
	o->id = db_cell_int(rows, i, 0);
	o->created_at =
	    privacy_filter_column(a, r, "orders", "created_at", NULL, db_cell(rows, i, 1), full);
	o->status =
	    privacy_filter_column(a, r, "orders", "status", NULL, db_cell(rows, i, 2), full);
	o->total_cents = filter_int(a, r, "orders", "total_cents", db_cell(rows, i, 3), full);
	o->contact_name =
	    privacy_filter_column(a, r, "orders", "contact_name", NULL, db_cell(rows, i, 4), full);
	o->contact_email =
	    privacy_filter_column(a, r, "orders", "contact_email", NULL, db_cell(rows, i, 5), full);
	read_address(a, r, "orders", "billing_", NULL, rows, i, 6, &o->billing, full);
	read_address(a, r, "orders", "shipping_", NULL, rows, i, 11, &o->shipping, full);
	o->tracking_number = privacy_filter_column(a, r, "orders", "tracking_number", NULL,
	                                           db_cell(rows, i, 16), full);
}

/* Attaches the order lines of rows (order_id, sku, name, unit_price_cents, quantity). */
static void attach_lines(struct arena *a, enum staff_role r, const struct db_rows *rows,
                         struct person_detail *out)
{
	bool *full = out->p.shows_full;
	for (size_t k = 0; k < out->norders; k++) {
		struct person_order *o = &out->orders[k];
		size_t n = 0;
		for (size_t i = 0; i < rows->nrows; i++)
			n += db_cell_int(rows, i, 0) == o->id;
		o->lines = arena_alloc(a, (n ? n : 1) * sizeof(*o->lines));
		for (size_t i = 0; i < rows->nrows; i++) {
			if (db_cell_int(rows, i, 0) != o->id)
				continue;
			struct person_order_line *l = &o->lines[o->nlines++];
			l->sku = privacy_filter_column(a, r, "order_lines", "sku", NULL,
			                               db_cell(rows, i, 1), full);
			l->name = privacy_filter_column(a, r, "order_lines", "name", NULL,
			                                db_cell(rows, i, 2), full);
			l->unit_price_cents = filter_int(a, r, "order_lines", "unit_price_cents",
			                                 db_cell(rows, i, 3), full);
			l->quantity =
			    filter_int(a, r, "order_lines", "quantity", db_cell(rows, i, 4), full);
		}
	}
}

/* Attaches the payments of rows (order_id, brand, last4, exp_month, exp_year). */
static void attach_payments(struct arena *a, enum staff_role r, const struct db_rows *rows,
                            struct person_detail *out)
{
	bool *full = out->p.shows_full;
	for (size_t i = 0; i < rows->nrows; i++)
		for (size_t k = 0; k < out->norders; k++) {
			struct person_order *o = &out->orders[k];
			if (db_cell_int(rows, i, 0) != o->id)
				continue;
			o->payment_brand = privacy_filter_column(a, r, "payments", "brand", NULL,
			                                         db_cell(rows, i, 1), full);
			o->payment_last4 = privacy_filter_column(a, r, "payments", "last4", NULL,
			                                         db_cell(rows, i, 2), full);
			const char *m = privacy_filter_column(a, r, "payments", "exp_month", NULL,
			                                      db_cell(rows, i, 3), full);
			const char *y = privacy_filter_column(a, r, "payments", "exp_year", NULL,
			                                      db_cell(rows, i, 4), full);
			if (m != NULL && y != NULL)
				o->payment_expiry = arena_printf(a, "%02d/%s", atoi(m), y);
		}
}

/* The customer's orders, newest first, with lines and payment.  An order's existence is order
 * data: a role that does not see orders gets none (not orders with only a contact name). */
static int read_orders(struct db *db, struct arena *a, enum staff_role r, long long id,
                       struct person_detail *out)
{
	if (!sees(r, FIELD_ORDERS))
		return 0;
	struct db_rows rows;
	if (query_view(db, a, r, VIEW_ORDERS, ORDER_COLUMNS, "ORDER BY id DESC", id, &rows) < 0)
		return -1;
	out->norders = rows.nrows;
	out->orders = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(*out->orders));
	for (size_t i = 0; i < rows.nrows; i++)
		read_order(a, r, &rows, i, &out->orders[i], out->p.shows_full);
	if (out->norders == 0)
		return 0;
	if (query_view(db, a, r, VIEW_ORDER_LINES,
	               "order_id, sku, name, unit_price_cents, quantity",
	               "ORDER BY order_id, line_no", id, &rows) < 0)
		return -1;
	attach_lines(a, r, &rows, out);
	if (!sees(r, FIELD_PAYMENT))
		return 0;
	if (query_view(db, a, r, VIEW_PAYMENTS, "order_id, brand, last4, exp_month, exp_year", "",
	               id, &rows) < 0)
		return -1;
	attach_payments(a, r, &rows, out);
	return 0;
}

/* The viewing profile and interests, only for a role that sees the profile in full. */
static int read_profile(struct db *db, struct arena *a, enum staff_role r, long long id,
                        struct person_detail *out)
{
	if (privacy_visibility(r, FIELD_PROFILE) != VIS_FULL)
		return 0;
	bool *full = out->p.shows_full;
	struct db_rows rows;
	if (query_view(db, a, r, VIEW_PROFILE, "product_id, product_name, views",
	               "ORDER BY last_viewed_at DESC, product_id", id, &rows) < 0)
		return -1;
	out->viewed_products = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(char *));
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *pid = privacy_filter_column(a, r, "product_views", "product_id", NULL,
		                                        db_cell(&rows, i, 0), full);
		/* The product's name follows its id's visibility. */
		const char *name = pid != NULL ? db_cell(&rows, i, 1) : NULL;
		long long views =
		    filter_int(a, r, "product_views", "views", db_cell(&rows, i, 2), full);
		if (pid == NULL)
			continue;
		out->viewed_products[out->nviewed++] =
		    views < 0 ? arena_printf(a, "%s", name != NULL ? name : pid)
		              : arena_printf(a, "%s (%lld view%s)", name != NULL ? name : pid,
		                             views, views == 1 ? "" : "s");
	}
	if (query_view(db, a, r, VIEW_INTERESTS, "category_id, category_name",
	               "ORDER BY category_name", id, &rows) < 0)
		return -1;
	out->interests = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(char *));
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *cid = privacy_filter_column(a, r, "customer_interests", "category_id",
		                                        NULL, db_cell(&rows, i, 0), full);
		if (cid != NULL)
			out->interests[out->ninterests++] =
			    db_cell(&rows, i, 1) != NULL ? db_cell(&rows, i, 1) : cid;
	}
	return 0;
}

int db_people_get(struct db *db, struct arena *a, enum staff_role role, long long id,
                  struct person_detail *out)
{
	memset(out, 0, sizeof(*out));
	const char *view = privacy_view_name(a, role, VIEW_CUSTOMERS);
	if (view == NULL)
		return 1; /* a role that sees no person sees nobody */
	const char *sql = arena_printf(a, "SELECT %s FROM %s WHERE id = ?", PERSON_COLUMNS, view);
	struct db_rows rows;
	if (db_query(db, a, sql, DB_ARGS(DB_INT(id)), &rows) < 0)
		return -1;
	if (rows.nrows == 0)
		return 1; /* no such customer, or (legal) no open case about them */
	read_person(a, role, &rows, 0, &out->p);
	if (read_addresses(db, a, role, id, out) < 0 || read_orders(db, a, role, id, out) < 0 ||
	    read_profile(db, a, role, id, out) < 0)
		return -1;
	return 0;
}
