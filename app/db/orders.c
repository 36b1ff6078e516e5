/* orders.c — data access for an order's lifecycle: checked status changes, shipments. */
#include "orders.h"

#include <stdio.h>
#include <string.h>

#include "../arena.h"
#include "db.h"
#include "shop.h"

#define REFUND_NOTE "refund to be issued by billing"

static const char SQL_STATUS_ORDER[] =
    "SELECT status, COALESCE(customer_id, 0) FROM orders WHERE id = ? FOR UPDATE";
static const char SQL_STATUS_SET[] = "UPDATE orders SET status = ? WHERE id = ?";
/* Every unit of the order goes back on its product's shelf. */
static const char SQL_STOCK_RETURN[] =
    "UPDATE products p JOIN order_lines l ON l.product_id = p.id "
    "SET p.stock = p.stock + l.quantity WHERE l.order_id = ?";

int db_order_lock(struct db *db, struct arena *a, long long id, enum order_status *status,
                  long long *customer_id)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STATUS_ORDER, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	int st = order_status_parse(db_cell(&r, 0, 0));
	if (st < 0)
		return DB_REFUSED; /* a status this build does not know: touch nothing */
	*status = (enum order_status)st;
	*customer_id = db_cell_int(&r, 0, 1);
	return 0;
}

int db_order_change_status(struct db *db, struct arena *a, struct order_change *c)
{
	/* The row is locked first: two concurrent changes serialise, the second sees the first's.
	 */
	int st = db_order_lock(db, a, c->order_id, &c->was, &c->customer_id);
	if (st != 0)
		return st;
	if (!order_status_allowed(c->was, c->to))
		return DB_REFUSED;
	if (db_exec(db, SQL_STATUS_SET,
	            DB_ARGS(DB_STR(order_status_name(c->to)), DB_INT(c->order_id)), NULL, NULL) < 0)
		return -1;
	if (c->to == ORDER_CANCELLED &&
	    db_exec(db, SQL_STOCK_RETURN, DB_ARGS(DB_INT(c->order_id)), NULL, NULL) < 0)
		return -1;
	const char *note = c->note;
	if (order_status_needs_refund(c->was, c->to) && !c->refund_issued)
		note = note ? arena_printf(a, "%s; %s", REFUND_NOTE, note) : REFUND_NOTE;
	if (db_order_history_insert_told(db, c->order_id, c->to, c->changed_by, note,
	                                 c->customer_note) < 0)
		return -1;
	return DB_CHANGED;
}

static const char SQL_CONTACT[] = "SELECT COALESCE(customer_id, 0), contact_name, contact_email, "
                                  "anonymised_at IS NULL FROM orders WHERE id = ?";

int db_order_contact_get(struct db *db, struct arena *a, long long id, struct order_contact *out)
{
	struct db_rows r;
	memset(out, 0, sizeof(*out));
	if (db_query(db, a, SQL_CONTACT, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	bool anonymised = db_cell_int(&r, 0, 3) == 0;
	out->customer_id = db_cell_int(&r, 0, 0);
	out->name = anonymised ? NULL : db_cell(&r, 0, 1);
	out->email = anonymised ? NULL : db_cell(&r, 0, 2);
	return 0;
}

/* An anonymised order has no customer: its name is not read as one. */
static const char SQL_CONTACT_NAME[] =
    "SELECT COALESCE(customer_id, 0), contact_name FROM orders WHERE id = ?";

int db_order_contact_name(struct db *db, struct arena *a, long long id, struct order_contact *out)
{
	struct db_rows r;
	memset(out, 0, sizeof(*out));
	if (db_query(db, a, SQL_CONTACT_NAME, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	out->customer_id = db_cell_int(&r, 0, 0);
	const char *name = db_cell(&r, 0, 1);
	out->name = out->customer_id > 0 && name != NULL && *name != '\0' ? name : NULL;
	return 0;
}

static const char SQL_SHIP_ORDER[] =
    "SELECT status, tracking_number FROM orders WHERE id = ? FOR UPDATE";
static const char SQL_SHIP_SET[] = "UPDATE orders SET status = ?, tracking_number = ? "
                                   "WHERE id = ? AND status = ?";

int db_order_ship(struct db *db, struct arena *a, struct order_shipping *s)
{
	struct db_rows r;
	if (db_query(db, a, SQL_SHIP_ORDER, DB_ARGS(DB_INT(s->order_id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	int was = order_status_parse(db_cell(&r, 0, 0));
	s->tracking_was = db_cell(&r, 0, 1);
	if (was < 0)
		return DB_REFUSED;
	s->was = (enum order_status)was;
	/* Only a paid order is waiting for its parcel. */
	bool waiting = s->was == ORDER_PAID && order_status_allowed(s->was, ORDER_SHIPPED);
	if (!waiting && s->tracking_was != NULL && strcmp(s->tracking_was, s->tracking) == 0)
		return DB_UNCHANGED;
	if (!waiting)
		return DB_REFUSED;
	if (db_exec(db, SQL_SHIP_SET,
	            DB_ARGS(DB_STR(order_status_name(ORDER_SHIPPED)), DB_STR(s->tracking),
	                    DB_INT(s->order_id), DB_STR(order_status_name(ORDER_PAID))),
	            NULL, NULL) < 0)
		return -1;
	const char *note = arena_printf(a, "tracking %s", s->tracking);
	if (db_order_history_insert(db, s->order_id, ORDER_SHIPPED, s->changed_by, note) < 0)
		return -1;
	return DB_CHANGED;
}

static const char SQL_SHIP_PENDING[] =
    "SELECT id, COALESCE(customer_id, 0), contact_name, shipping_line1, shipping_line2, "
    "shipping_city, shipping_postcode, shipping_country, weight_grams FROM orders "
    "WHERE status = ? AND shipment_exported_at IS NULL AND anonymised_at IS NULL "
    "AND test_order = 0 AND id > ? "
    "ORDER BY id LIMIT ?";
static const char SQL_SHIP_LINES[] = "SELECT order_id, sku, quantity FROM order_lines "
                                     "WHERE order_id BETWEEN ? AND ? ORDER BY order_id, line_no";

/* Returns s, or "" for NULL. */
static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

int db_shipment_list_pending(struct db *db, struct arena *a, long long after, int limit,
                             struct shipment **out, size_t *n)
{
	struct db_rows o, li;
	if (db_query(db, a, SQL_SHIP_PENDING,
	             DB_ARGS(DB_STR(order_status_name(ORDER_PAID)), DB_INT(after), DB_INT(limit)),
	             &o) < 0)
		return -1;
	*out = arena_alloc(a, sizeof(**out) * (o.nrows + 1));
	*n = o.nrows;
	if (o.nrows == 0)
		return 0;
	if (db_query(
	        db, a, SQL_SHIP_LINES,
	        DB_ARGS(DB_INT(db_cell_int(&o, 0, 0)), DB_INT(db_cell_int(&o, o.nrows - 1, 0))),
	        &li) < 0)
		return -1;
	struct shipment_item *items = arena_alloc(a, sizeof(*items) * (li.nrows + 1));
	/* Both are sorted by order id: walk them together. */
	size_t j = 0;
	for (size_t i = 0; i < o.nrows; i++) {
		struct shipment *s = &(*out)[i];
		s->order_id = db_cell_int(&o, i, 0);
		s->customer_id = db_cell_int(&o, i, 1);
		s->ship_to_name = or_empty(db_cell(&o, i, 2));
		for (size_t c = 0; c < 5; c++)
			s->shipping[c] = or_empty(db_cell(&o, i, 3 + c));
		s->weight_grams = db_cell_int(&o, i, 8);
		while (j < li.nrows && db_cell_int(&li, j, 0) < s->order_id)
			j++;
		s->items = &items[j];
		s->nitems = 0;
		for (; j < li.nrows && db_cell_int(&li, j, 0) == s->order_id; j++) {
			items[j].sku = or_empty(db_cell(&li, j, 1));
			items[j].quantity = db_cell_int(&li, j, 2);
			s->nitems++;
		}
	}
	return 0;
}

static const char SQL_SHIP_MARK[] =
    "UPDATE orders SET shipment_exported_at = UTC_TIMESTAMP(6) WHERE id = ? AND "
    "status = ? AND shipment_exported_at IS NULL AND anonymised_at IS NULL";

int db_shipment_mark_exported(struct db *db, const struct shipment *s, const char *recipient,
                              const char *fields, const char *purpose)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_SHIP_MARK,
	            DB_ARGS(DB_INT(s->order_id), DB_STR(order_status_name(ORDER_PAID))), &changed,
	            NULL) < 0)
		return -1;
	if (changed != 1)
		return DB_REFUSED; /* cancelled or changed by staff between reading and marking */
	if (db_disclosure_insert(db, s->customer_id, s->order_id, recipient, fields, purpose) < 0)
		return -1;
	return DB_CHANGED;
}

static const char SQL_LIST_ALL[] =
    "SELECT o.id, DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i'), o.status, o.payment_mode, "
    "o.total_cents, (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l "
    "WHERE l.order_id = o.id), c.username, o.test_order "
    "FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
    "WHERE (? IS NULL OR o.status = ?) ORDER BY o.id DESC LIMIT ?";

int db_order_list_all(struct db *db, struct arena *a, const char *status, long long limit,
                      struct order_row **out, size_t *n)
{
	struct db_rows r;
	struct db_arg st = status != NULL ? DB_STR(status) : DB_NULL;
	if (db_query(db, a, SQL_LIST_ALL, DB_ARGS(st, st, DB_INT(limit)), &r) < 0)
		return -1;
	struct order_row *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i] = (struct order_row){
		    .id = db_cell_int(&r, i, 0),
		    .created_at = db_cell(&r, i, 1),
		    .status = db_cell(&r, i, 2),
		    .payment_mode = db_cell(&r, i, 3),
		    .total_cents = db_cell_int(&r, i, 4),
		    .units = db_cell_int(&r, i, 5),
		    .username = db_cell(&r, i, 6),
		    .test_order = db_cell_int(&r, i, 7) != 0,
		};
	}
	*out = v;
	*n = r.nrows;
	return 0;
}
