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

/* The viewing profile's part (promotions.h): a customer not opted out of profiling, whose
 * version allows `profiling` and `marketing`, who viewed a category with an active product added
 * in the last 30 days and after their watermark, not excluded by an unsubscribe.  Whether that
 * category is among their top 3 is decided per customer (SQL_PRODUCTS): this list may name a few
 * who then get nothing.  Parameters: "profiling", "marketing". */
#define PROFILE_OK(c)                                                                              \
	c ".status = 'approved' AND " c ".profile_opt_out = 0 AND " PURPOSE_ALLOWS(                \
	    c ".policy_version") " AND " PURPOSE_ALLOWS(c ".policy_version")
#define PROFILE_PRODUCT(p)                                                                         \
	p ".active = 1 AND " p ".created_at >= UTC_TIMESTAMP(6) - INTERVAL 30 DAY"
#define NOT_EXCLUDED(cust, cat)                                                                    \
	"NOT EXISTS (SELECT 1 FROM promotion_exclusions x WHERE x.customer_id = " cust             \
	" AND x.category_id IN (0, " cat "))"

static const char SQL_CUSTOMERS[] =
    "SELECT c.id " PROMO_FROM " AND c.id > ? "
    "UNION SELECT c.id FROM customers c "
    "JOIN product_views v ON v.customer_id = c.id AND v.category_id IS NOT NULL "
    "JOIN products p ON p.category_id = v.category_id AND " PROFILE_PRODUCT(
        "p") " "
             "LEFT JOIN promotion_watermarks w ON w.customer_id = c.id "
             "WHERE " PROFILE_OK("c") " AND p.id > COALESCE(w.last_product_id, 0) "
                                      "AND " NOT_EXCLUDED("c.id",
                                                          "v.category_id") " AND c.id > ? "
                                                                           "ORDER BY 1 LIMIT ?";

int db_promo_customers(struct db *db, struct arena *a, long long after, long long limit,
                       long long **ids, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_CUSTOMERS,
	             DB_ARGS(DB_STR("marketing"), DB_STR("marketing"), DB_INT(after),
	                     DB_STR("profiling"), DB_STR("marketing"), DB_INT(after),
	                     DB_INT(limit)),
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
/* The chosen interests' new products, and those of the customer's top 3 profile categories
 * (views x 0.5^(age / 14 days), as for "Recommended for you"; excluded ones take no place);
 * a product in both comes once.  Parameters: watermark, customer, "marketing"; customer,
 * watermark, customer, "profiling", "marketing". */
static const char SQL_PRODUCTS[] =
    "SELECT p.id, p.name, p.price_cents, k.id, k.name FROM customer_interests i "
    "JOIN products p ON p.category_id = i.category_id AND p.active = 1 "
    "  AND p.created_at >= i.created_at AND p.id > ? "
    "JOIN categories k ON k.id = i.category_id "
    "WHERE i.customer_id = ? AND " PURPOSE_ALLOWS(
        "i.policy_version") " "
                            "UNION SELECT p.id, p.name, p.price_cents, k.id, k.name FROM "
                            "(SELECT v.category_id, SUM(v.views * POW(0.5, TIMESTAMPDIFF(SECOND, "
                            "v.last_viewed_at, "
                            "UTC_TIMESTAMP(6)) / (86400 * 14))) AS weight FROM product_views v "
                            "WHERE v.customer_id = ? AND v.category_id IS NOT NULL "
                            "AND " NOT_EXCLUDED(
                                "v.customer_id",
                                "v.category_id") " GROUP BY v.category_id "
                                                 "ORDER BY weight DESC, v.category_id LIMIT 3) t "
                                                 "JOIN products p ON p.category_id = t.category_id "
                                                 "AND "
                                                 "p.id > ? AND " PROFILE_PRODUCT(
                                                     "p") " "
                                                          "JOIN categories k ON k.id = "
                                                          "t.category_id "
                                                          "JOIN customers c ON c.id = ? "
                                                          "AND " PROFILE_OK(
                                                              "c") " ORDER BY 5, 4, 1";

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
	             DB_ARGS(DB_INT(last), DB_INT(customer_id), DB_STR("marketing"),
	                     DB_INT(customer_id), DB_INT(last), DB_INT(customer_id),
	                     DB_STR("profiling"), DB_STR("marketing")),
	             &p) < 0)
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

/* category_id 0 matches every interest: one statement for the link of one and of all.  The
 * exclusion stops the category (0: every one) coming back from the viewing profile. */
static const char SQL_UNSUBSCRIBE[] =
    "DELETE FROM customer_interests WHERE customer_id = ? AND (? = 0 OR category_id = ?)";
static const char SQL_EXCLUDE[] =
    "INSERT IGNORE INTO promotion_exclusions (customer_id, category_id) VALUES (?, ?)";

int db_promo_unsubscribe(struct db *db, long long customer_id, long long category_id,
                         long long *removed)
{
	unsigned long long n = 0;
	if (db_exec(db, SQL_UNSUBSCRIBE,
	            DB_ARGS(DB_INT(customer_id), DB_INT(category_id), DB_INT(category_id)), &n,
	            NULL) < 0)
		return -1;
	unsigned long long x = 0;
	if (db_exec(db, SQL_EXCLUDE, DB_ARGS(DB_INT(customer_id), DB_INT(category_id)), &x, NULL) <
	    0)
		return -1;
	*removed = (long long)(n + x);
	return 0;
}
