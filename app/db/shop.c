/* shop.c — data access for the cart, orders, payments, the viewing profile and disclosures. */
#include "shop.h"

#include <string.h>

#include "../arena.h"
#include "db.h"
#include "plans.h"
#include "purpose.h"

const char db_sql_cart_list[] =
    "SELECT p.id, p.sku, p.name, p.price_cents, ci.quantity, p.stock, p.weight_grams, p.active "
    "FROM cart_items ci JOIN products p ON p.id = ci.product_id WHERE ci.customer_id = ? "
    "ORDER BY ci.added_at, p.id";

int db_cart_list(struct db *db, struct arena *a, long long customer_id, struct cart_line **out,
                 size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_cart_list, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	struct cart_line *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].product_id = db_cell_int(&r, i, 0);
		v[i].sku = db_cell(&r, i, 1);
		v[i].name = db_cell(&r, i, 2);
		v[i].unit_price_cents = db_cell_int(&r, i, 3);
		v[i].quantity = db_cell_int(&r, i, 4);
		v[i].stock = db_cell_int(&r, i, 5);
		v[i].weight_grams = db_cell_int(&r, i, 6);
		v[i].active = db_cell_int(&r, i, 7) != 0;
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_CART_PUT[] =
    "INSERT INTO cart_items (customer_id, product_id, quantity) VALUES (?, ?, ?) "
    "ON DUPLICATE KEY UPDATE quantity = VALUES(quantity)";
static const char SQL_CART_DELETE[] =
    "DELETE FROM cart_items WHERE customer_id = ? AND product_id = ?";

int db_cart_set(struct db *db, long long customer_id, long long product_id, long long quantity)
{
	if (quantity == 0) {
		return db_exec(db, SQL_CART_DELETE,
		               DB_ARGS(DB_INT(customer_id), DB_INT(product_id)), NULL, NULL);
	}
	return db_exec(db, SQL_CART_PUT,
	               DB_ARGS(DB_INT(customer_id), DB_INT(product_id), DB_INT(quantity)), NULL,
	               NULL);
}

static const char SQL_CART_QUANTITY[] =
    "SELECT quantity FROM cart_items WHERE customer_id = ? AND product_id = ?";

int db_cart_quantity(struct db *db, struct arena *a, long long customer_id, long long product_id,
                     long long *quantity)
{
	struct db_rows r;
	if (db_query(db, a, SQL_CART_QUANTITY, DB_ARGS(DB_INT(customer_id), DB_INT(product_id)),
	             &r) < 0)
		return -1;
	*quantity = r.nrows > 0 ? db_cell_int(&r, 0, 0) : 0;
	return 0;
}

static const char SQL_CART_CLEAR[] = "DELETE FROM cart_items WHERE customer_id = ?";

int db_cart_clear(struct db *db, long long customer_id)
{
	return db_exec(db, SQL_CART_CLEAR, DB_ARGS(DB_INT(customer_id)), NULL, NULL);
}

/* The condition in the WHERE makes overselling impossible even under concurrency:
 * InnoDB re-reads the row under its lock before applying the decrement. */
static const char SQL_STOCK_TAKE[] =
    "UPDATE products SET stock = stock - ? WHERE id = ? AND active = 1 AND stock >= ?";

int db_stock_take(struct db *db, long long product_id, long long quantity, bool *taken)
{
	unsigned long long n = 0;
	if (db_exec(db, SQL_STOCK_TAKE,
	            DB_ARGS(DB_INT(quantity), DB_INT(product_id), DB_INT(quantity)), &n, NULL) < 0)
		return -1;
	*taken = n == 1;
	return 0;
}

/* Through a definer procedure: the shop's account cannot insert an order itself, and the
 * procedure always starts it 'placed' under the customer's consented version (023 migration). */
static const char SQL_ORDER_INSERT[] =
    "CALL shop_order_place(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int db_order_insert(struct db *db, const struct order_new *o, long long *id)
{
	struct db_arg args[18] = {
	    DB_INT(o->customer_id),
	    DB_STR(o->nonce),
	    DB_STR(o->contact_name),
	    DB_STR(o->contact_email),
	};
	for (int i = 0; i < 5; i++) {
		args[4 + i] = DB_STR(o->billing[i]);
		args[9 + i] = DB_STR(o->shipping[i]);
	}
	args[14] = DB_STR(o->payment_mode);
	args[15] = DB_INT(o->total_cents);
	args[16] = DB_INT(o->weight_grams);
	args[17] = DB_INT(o->test_order ? 1 : 0);
	if (db_exec(db, SQL_ORDER_INSERT, DB_ARRAY(args), NULL, NULL) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY
		           ? 1
		           : -1; /* the nonce was used: a repeated submit */
	return db_last_insert_id(db, id);
}

static const char SQL_LINE_INSERT[] =
    "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, "
    "quantity) VALUES (?, ?, ?, ?, ?, ?, ?)";

int db_order_line_insert(struct db *db, long long order_id, int line_no, const struct cart_line *l)
{
	return db_exec(db, SQL_LINE_INSERT,
	               DB_ARGS(DB_INT(order_id), DB_INT(line_no), DB_INT(l->product_id),
	                       DB_STR(l->sku), DB_STR(l->name), DB_INT(l->unit_price_cents),
	                       DB_INT(l->quantity)),
	               NULL, NULL);
}

static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO order_status_history (order_id, status, changed_by, note) VALUES (?, ?, ?, ?)";
static const char SQL_HISTORY_INSERT_TOLD[] =
    "INSERT INTO order_status_history (order_id, status, changed_by, note, customer_note) "
    "VALUES (?, ?, ?, ?, ?)";

int db_order_history_insert(struct db *db, long long order_id, enum order_status status,
                            const char *changed_by, const char *note)
{
	return db_exec(db, SQL_HISTORY_INSERT,
	               DB_ARGS(DB_INT(order_id), DB_STR(order_status_name(status)),
	                       DB_STR(changed_by), note ? DB_STR(note) : DB_NULL),
	               NULL, NULL);
}

int db_order_history_insert_told(struct db *db, long long order_id, enum order_status status,
                                 const char *changed_by, const char *note,
                                 const char *customer_note)
{
	if (customer_note == NULL)
		return db_order_history_insert(db, order_id, status, changed_by, note);
	return db_exec(db, SQL_HISTORY_INSERT_TOLD,
	               DB_ARGS(DB_INT(order_id), DB_STR(order_status_name(status)),
	                       DB_STR(changed_by), note ? DB_STR(note) : DB_NULL,
	                       DB_STR(customer_note)),
	               NULL, NULL);
}

/* The procedure takes the order's own total, and a captured card payment is what makes the
 * order 'paid': the shop's account has no other way to write either. */
static const char SQL_PAYMENT_INSERT[] = "CALL shop_payment_record(?, ?, ?, ?, ?, ?, ?, ?)";

int db_payment_insert(struct db *db, const struct payment_new *p)
{
	bool card = p->token != NULL;
	return db_exec(db, SQL_PAYMENT_INSERT,
	               DB_ARGS(DB_INT(p->order_id), DB_STR(p->processor),
	                       card ? DB_STR(p->token) : DB_NULL, card ? DB_STR(p->brand) : DB_NULL,
	                       card ? DB_STR(p->last4) : DB_NULL,
	                       card ? DB_INT(p->exp_month) : DB_NULL,
	                       card ? DB_INT(p->exp_year) : DB_NULL, DB_STR(p->status)),
	               NULL, NULL);
}

static const char SQL_ATTEMPT_INSERT[] =
    "INSERT INTO payment_attempts (customer_id, processor, outcome, amount_cents, brand, "
    "last4) VALUES (?, ?, ?, ?, ?, ?)";

int db_payment_attempt_insert(struct db *db, const struct payment_attempt *at)
{
	return db_exec(db, SQL_ATTEMPT_INSERT,
	               DB_ARGS(DB_INT(at->customer_id), DB_STR(at->processor), DB_STR(at->outcome),
	                       DB_INT(at->amount_cents), at->brand ? DB_STR(at->brand) : DB_NULL,
	                       at->last4 ? DB_STR(at->last4) : DB_NULL),
	               NULL, NULL);
}

static const char SQL_DISCLOSURE_INSERT[] =
    "INSERT INTO disclosures (customer_id, order_id, recipient, fields, purpose) "
    "VALUES (?, ?, ?, ?, ?)";

int db_disclosure_insert(struct db *db, long long customer_id, long long order_id,
                         const char *recipient, const char *fields, const char *purpose)
{
	return db_exec(db, SQL_DISCLOSURE_INSERT,
	               DB_ARGS(customer_id > 0 ? DB_INT(customer_id) : DB_NULL,
	                       order_id ? DB_INT(order_id) : DB_NULL, DB_STR(recipient),
	                       DB_STR(fields), DB_STR(purpose)),
	               NULL, NULL);
}

static const char SQL_ORDER_BY_NONCE[] =
    "SELECT id FROM orders WHERE nonce = ? AND customer_id = ?";

int db_order_by_nonce(struct db *db, struct arena *a, long long customer_id, const char *nonce,
                      long long *id)
{
	struct db_rows r;
	if (db_query(db, a, SQL_ORDER_BY_NONCE, DB_ARGS(DB_STR(nonce), DB_INT(customer_id)), &r) <
	    0)
		return -1;
	*id = r.nrows > 0 ? db_cell_int(&r, 0, 0) : 0;
	return 0;
}

#define DT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i')"

const char db_sql_order_list[] = "SELECT o.id, o.status, " DT(
    "o.created_at") ", o.total_cents, "
                    "(SELECT SUM(quantity) FROM order_lines l WHERE l.order_id = o.id) "
                    "FROM orders o WHERE o.customer_id = ? ORDER BY o.id DESC LIMIT 200";

int db_order_list(struct db *db, struct arena *a, long long customer_id, struct order_summary **out,
                  size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_order_list, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	struct order_summary *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].id = db_cell_int(&r, i, 0);
		v[i].status = db_cell(&r, i, 1);
		v[i].created_at = db_cell(&r, i, 2);
		v[i].total_cents = db_cell_int(&r, i, 3);
		v[i].items = db_cell_int(&r, i, 4);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_ORDER_GET[] = "SELECT o.id, o.status, " DT(
    "o.created_at") ", o.tracking_number, o.payment_mode, "
                    "o.contact_name, o.contact_email, o.billing_line1, o.billing_line2, "
                    "o.billing_city, "
                    "o.billing_postcode, o.billing_country, o.shipping_line1, o.shipping_line2, "
                    "o.shipping_city, o.shipping_postcode, o.shipping_country, o.total_cents, "
                    "p.brand, p.last4 "
                    "FROM orders o LEFT JOIN payments p ON p.order_id = o.id "
                    "WHERE o.id = ? AND o.customer_id = ?";
static const char SQL_ORDER_LINES[] =
    "SELECT sku, name, unit_price_cents, quantity FROM order_lines WHERE order_id = ? "
    "ORDER BY line_no";
static const char SQL_ORDER_EVENTS[] =
    "SELECT status, " DT("changed_at") ", customer_note FROM order_status_history "
                                       "WHERE order_id = ? ORDER BY id";

int db_order_get(struct db *db, struct arena *a, long long customer_id, long long id,
                 struct order_detail *out, struct order_line **lines, size_t *nlines,
                 struct order_event **events, size_t *nevents)
{
	struct db_rows r, l, e;
	if (db_query(db, a, SQL_ORDER_GET, DB_ARGS(DB_INT(id), DB_INT(customer_id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	memset(out, 0, sizeof(*out));
	out->id = db_cell_int(&r, 0, 0);
	out->status = db_cell(&r, 0, 1);
	out->created_at = db_cell(&r, 0, 2);
	out->tracking_number = db_cell(&r, 0, 3);
	out->payment_mode = db_cell(&r, 0, 4);
	out->contact_name = db_cell(&r, 0, 5);
	out->contact_email = db_cell(&r, 0, 6);
	for (int i = 0; i < 5; i++) {
		out->billing[i] = db_cell(&r, 0, 7 + (size_t)i);
		out->shipping[i] = db_cell(&r, 0, 12 + (size_t)i);
	}
	out->total_cents = db_cell_int(&r, 0, 17);
	out->brand = db_cell(&r, 0, 18);
	out->last4 = db_cell(&r, 0, 19);
	struct db_arg oid[] = {DB_INT(id)};
	if (db_query(db, a, SQL_ORDER_LINES, DB_ARRAY(oid), &l) < 0 ||
	    db_query(db, a, SQL_ORDER_EVENTS, DB_ARRAY(oid), &e) < 0)
		return -1;
	struct order_line *lv = arena_alloc(a, sizeof(*lv) * (l.nrows + 1));
	for (size_t i = 0; i < l.nrows; i++) {
		lv[i].sku = db_cell(&l, i, 0);
		lv[i].name = db_cell(&l, i, 1);
		lv[i].unit_price_cents = db_cell_int(&l, i, 2);
		lv[i].quantity = db_cell_int(&l, i, 3);
	}
	struct order_event *ev = arena_alloc(a, sizeof(*ev) * (e.nrows + 1));
	for (size_t i = 0; i < e.nrows; i++) {
		ev[i].status = db_cell(&e, i, 0);
		ev[i].changed_at = db_cell(&e, i, 1);
		ev[i].customer_note = db_cell(&e, i, 2);
	}
	*lines = lv;
	*nlines = l.nrows;
	*events = ev;
	*nevents = e.nrows;
	return 0;
}

/* One statement: nothing is written unless the customer is still approved, kept the profile
 * on and the policy version they accepted allows profiling, all as of the write (batch.c writes
 * it up to a second after the views: an opt-out, a closed account or a purge in between wins),
 * and unless the first of the views came after the customer last cleared the profile (a view
 * noted before a clear must not bring the profile back).  The row keeps the product's category
 * as of the view: the recommendations weigh categories along it. */
/* clang-format off */
static const char SQL_PRODUCT_VIEWED[] =
    "INSERT INTO product_views (customer_id, product_id, category_id, views, last_viewed_at, "
    "policy_version) "
    "SELECT c.id, p.id, p.category_id, ?, UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND, "
    "c.policy_version "
    "FROM customers c JOIN products p ON p.id = ? "
    "WHERE c.id = ? AND c.status = 'approved' AND c.profile_opt_out = 0 AND "
    "(c.profile_cleared_at IS NULL OR "
    "c.profile_cleared_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND) AND "
    PURPOSE_ALLOWS("c.policy_version") " "
    "ON DUPLICATE KEY UPDATE views = views + VALUES(views), "
    "last_viewed_at = GREATEST(last_viewed_at, VALUES(last_viewed_at)), "
    "category_id = VALUES(category_id)";
/* clang-format on */

int db_product_viewed(struct db *db, long long customer_id, long long product_id, long long views,
                      long long age_us, long long first_age_us)
{
	return db_exec(db, SQL_PRODUCT_VIEWED,
	               DB_ARGS(DB_INT(views), DB_INT(age_us), DB_INT(product_id),
	                       DB_INT(customer_id), DB_INT(first_age_us), DB_STR("profiling")),
	               NULL, NULL);
}

static const char SQL_DISCLOSURE_LIST[] =
    "SELECT recipient, fields, purpose, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), "
    "COALESCE(order_id, 0) FROM disclosures WHERE customer_id = ? ORDER BY id DESC LIMIT 500";

int db_disclosure_list(struct db *db, struct arena *a, long long customer_id,
                       struct disclosure **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_DISCLOSURE_LIST, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	struct disclosure *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].recipient = db_cell(&r, i, 0);
		v[i].fields = db_cell(&r, i, 1);
		v[i].purpose = db_cell(&r, i, 2);
		v[i].created_at = db_cell(&r, i, 3);
		v[i].order_id = db_cell_int(&r, i, 4);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}
