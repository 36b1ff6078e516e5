/* profile.c — the viewing profile: listed, cleared, and what it recommends (profile.h). */
#include "profile.h"

#include "../arena.h"
#include "db.h"
#include "purpose.h"

/* views x 0.5^(age / half-life), age in seconds as of now. */
#define DECAYED(v)                                                                                 \
	"(" v ".views * POW(0.5, TIMESTAMPDIFF(SECOND, " v ".last_viewed_at, UTC_TIMESTAMP(6)) / " \
	"(86400 * 14)))"

static const char SQL_LIST[] =
    "SELECT STRAIGHT_JOIN v.product_id, p.name, COALESCE(c.name, ''), v.views, "
    "DATE_FORMAT(v.last_viewed_at, '%Y-%m-%d %H:%i'), FORMAT(" DECAYED(
        "v") ", 2, 'en_US') "
             "FROM product_views v JOIN products p ON p.id = v.product_id "
             "LEFT JOIN categories c ON c.id = v.category_id "
             "WHERE v.customer_id = ? ORDER BY v.last_viewed_at DESC, v.product_id LIMIT 200";

int db_profile_list(struct db *db, struct arena *a, long long customer_id,
                    struct profile_view **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_LIST, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	struct profile_view *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].product_id = db_cell_int(&r, i, 0);
		v[i].product = db_cell(&r, i, 1);
		v[i].category = db_cell(&r, i, 2);
		v[i].views = db_cell_int(&r, i, 3);
		v[i].last_viewed_at = db_cell(&r, i, 4);
		v[i].weight = db_cell(&r, i, 5);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_CLEARED[] =
    "UPDATE customers SET profile_cleared_at = UTC_TIMESTAMP(6) WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM product_views WHERE customer_id = ?";

int db_profile_clear_in_tx(struct db *db, long long customer_id)
{
	/* The stamp first: it locks the customer's row, which the batch's insert reads too. */
	if (db_exec(db, SQL_CLEARED, DB_ARGS(DB_INT(customer_id)), NULL, NULL) < 0 ||
	    db_exec(db, SQL_DELETE, DB_ARGS(DB_INT(customer_id)), NULL, NULL) < 0)
		return -1;
	return 0;
}

static int clear_tx(struct db *db, void *ctx)
{
	return db_profile_clear_in_tx(db, *(const long long *)ctx);
}

int db_profile_clear(struct db *db, long long customer_id)
{
	return db_tx(db, clear_tx, &customer_id);
}

/*
 * The categories are few and all read (as the category list reads them); each one's weight is
 * two lookups by the customer's keys (the profile along ix_views_customer_category, the
 * interests by their primary key), the categories are sorted by it (their rows only, never a
 * product's), and each row's product is the category's newest, read off the end of
 * ix_products_active_category.  The customer's row (by its key) decides whether any is shown.
 */
/* clang-format off */
const char db_sql_profile_recommend[] =
    "SELECT STRAIGHT_JOIN p.id, p.category_id, c.name, p.sku, p.name, p.price_cents, p.stock, "
    "p.image_hash, "
    "(SELECT COALESCE(SUM(" DECAYED("v") "), 0) "
    "FROM product_views v FORCE INDEX (ix_views_customer_category) "
    "WHERE v.customer_id = cu.id AND v.category_id = c.id) + "
    "(SELECT COUNT(*) FROM customer_interests i "
    "WHERE i.customer_id = cu.id AND i.category_id = c.id) AS weight "
    "FROM customers cu JOIN categories c "
    "JOIN products p ON p.id = (SELECT n.id FROM products n "
    "FORCE INDEX (ix_products_active_category) "
    "WHERE n.active = 1 AND n.category_id = c.id ORDER BY n.id DESC LIMIT 1) "
    "WHERE cu.id = ? AND cu.status = 'approved' AND cu.profile_opt_out = 0 AND "
    PURPOSE_ALLOWS("cu.policy_version") " "
    "HAVING weight > 0 ORDER BY weight DESC, c.id LIMIT 4";
/* clang-format on */

int db_profile_recommend(struct db *db, struct arena *a, long long customer_id,
                         struct product **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_profile_recommend,
	             DB_ARGS(DB_INT(customer_id), DB_STR("profiling")), &r) < 0)
		return -1;
	struct product *p = arena_alloc(a, sizeof(*p) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		p[i] = (struct product){0};
		p[i].id = db_cell_int(&r, i, 0);
		p[i].category_id = db_cell_int(&r, i, 1);
		p[i].category_name = db_cell(&r, i, 2);
		p[i].sku = db_cell(&r, i, 3);
		p[i].name = db_cell(&r, i, 4);
		p[i].price_cents = db_cell_int(&r, i, 5);
		p[i].stock = db_cell_int(&r, i, 6);
		p[i].image_hash = db_cell(&r, i, 7);
	}
	*out = p;
	*n = r.nrows;
	return 0;
}
