/* promotions.c — data access for marketing mail; see promotions.h for which versions count. */
#include "promotions.h"

#include "../arena.h"
#include "db.h"
#include "purpose.h"

/* A customer's interest, a new product in it, both versions allowing marketing.  Parameters:
 * the purpose twice ("marketing"). */
#define PROMO_FROM                                                                                 \
	"FROM customers c "                                                                        \
	"JOIN customer_interests i ON i.customer_id = c.id "                                       \
	"JOIN products p ON p.category_id = i.category_id AND p.active = 1 "                       \
	"  AND p.created_at >= i.created_at "                                                      \
	"LEFT JOIN promotion_watermarks w ON w.customer_id = c.id "                                \
	"WHERE c.status = 'approved' AND p.id > COALESCE(w.last_product_id, 0) "                   \
	"  AND " PURPOSE_ALLOWS("c.policy_version") " AND " PURPOSE_ALLOWS("i.policy_version")

static const char SQL_CUSTOMERS[] =
    "SELECT DISTINCT c.id " PROMO_FROM " AND c.id > ? ORDER BY c.id LIMIT ?";

int db_promo_customers(struct db *db, struct arena *a, long long after, long long limit,
                       long long **ids, size_t *n)
{
	struct db_rows r;
	if (db_query(
	        db, a, SQL_CUSTOMERS,
	        DB_ARGS(DB_STR("marketing"), DB_STR("marketing"), DB_INT(after), DB_INT(limit)),
	        &r) < 0)
		return -1;
	long long *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		v[i] = db_cell_int(&r, i, 0);
	*ids = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_WATERMARK_ENSURE[] =
    "INSERT IGNORE INTO promotion_watermarks (customer_id) VALUES (?)";
static const char SQL_WATERMARK_LOCK[] =
    "SELECT last_product_id FROM promotion_watermarks WHERE customer_id = ? FOR UPDATE";
static const char SQL_EMAIL[] = "SELECT c.email FROM customers c WHERE c.id = ? AND "
                                "c.status = 'approved' AND " PURPOSE_ALLOWS("c.policy_version");
static const char SQL_PRODUCTS[] =
    "SELECT p.id, p.name, p.price_cents, k.id, k.name FROM customer_interests i "
    "JOIN products p ON p.category_id = i.category_id AND p.active = 1 "
    "  AND p.created_at >= i.created_at AND p.id > ? "
    "JOIN categories k ON k.id = i.category_id "
    "WHERE i.customer_id = ? AND " PURPOSE_ALLOWS("i.policy_version") " ORDER BY k.name, p.id";

int db_promo_lock_customer(struct db *db, struct arena *a, long long customer_id,
                           const char **email, struct promo_product **out, size_t *n)
{
	struct db_rows w, e, p;
	*email = NULL;
	*n = 0;
	if (db_exec(db, SQL_WATERMARK_ENSURE, DB_ARGS(DB_INT(customer_id)), NULL, NULL) < 0 ||
	    db_query(db, a, SQL_WATERMARK_LOCK, DB_ARGS(DB_INT(customer_id)), &w) < 0 ||
	    db_query(db, a, SQL_EMAIL, DB_ARGS(DB_INT(customer_id), DB_STR("marketing")), &e) < 0)
		return -1;
	if (w.nrows != 1 || e.nrows != 1)
		return 0;
	*email = db_cell(&e, 0, 0);
	long long last = db_cell_int(&w, 0, 0);
	if (db_query(db, a, SQL_PRODUCTS,
	             DB_ARGS(DB_INT(last), DB_INT(customer_id), DB_STR("marketing")), &p) < 0)
		return -1;
	struct promo_product *v = arena_alloc(a, sizeof(*v) * (p.nrows + 1));
	for (size_t i = 0; i < p.nrows; i++) {
		v[i].id = db_cell_int(&p, i, 0);
		v[i].name = db_cell(&p, i, 1);
		v[i].price_cents = db_cell_int(&p, i, 2);
		v[i].category_id = db_cell_int(&p, i, 3);
		v[i].category = db_cell(&p, i, 4);
	}
	*out = v;
	*n = p.nrows;
	return 0;
}

static const char SQL_WATERMARK_SET[] =
    "UPDATE promotion_watermarks SET last_product_id = GREATEST(last_product_id, ?), "
    "updated_at = UTC_TIMESTAMP(6) WHERE customer_id = ?";

int db_promo_watermark_set(struct db *db, long long customer_id, long long last_product_id)
{
	return db_exec(db, SQL_WATERMARK_SET, DB_ARGS(DB_INT(last_product_id), DB_INT(customer_id)),
	               NULL, NULL);
}

static const char SQL_CATEGORY_NAME[] = "SELECT name FROM categories WHERE id = ?";

int db_promo_category_name(struct db *db, struct arena *a, long long category_id, const char **name)
{
	struct db_rows r;
	if (db_query(db, a, SQL_CATEGORY_NAME, DB_ARGS(DB_INT(category_id)), &r) < 0)
		return -1;
	*name = r.nrows == 1 ? db_cell(&r, 0, 0) : NULL;
	return 0;
}

/* category_id 0 matches every interest: one statement for the link of one and of all. */
static const char SQL_UNSUBSCRIBE[] =
    "DELETE FROM customer_interests WHERE customer_id = ? AND (? = 0 OR category_id = ?)";

int db_promo_unsubscribe(struct db *db, long long customer_id, long long category_id,
                         long long *removed)
{
	unsigned long long n = 0;
	if (db_exec(db, SQL_UNSUBSCRIBE,
	            DB_ARGS(DB_INT(customer_id), DB_INT(category_id), DB_INT(category_id)), &n,
	            NULL) < 0)
		return -1;
	*removed = (long long)n;
	return 0;
}
