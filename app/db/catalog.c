/* catalog.c — data access for categories and products (no personal data). */
#include "catalog.h"

#include <string.h>

#include "../arena.h"
#include "db.h"
#include "plans.h"

/*
 * The statements of the catalogue pages, each with a plan that does not depend on sampled
 * statistics (tests/integration/test_plans.c runs EXPLAIN on them after ANALYZE TABLE, on the
 * seeded catalogue and on 100,000 products): the optimizer once read categories first and
 * sorted the joined products (2.3 ms) instead of walking the index newest first (0.46 ms).
 *
 * The counts are kept by triggers (schema/024), not counted per request; the categories come
 * in name order straight from ix_categories_name (name, slug: it covers them), each count by its
 * primary key.
 */
const char db_sql_category_list[] =
    "SELECT c.id, c.slug, c.name, COALESCE(n.active_products, 0) "
    "FROM categories c FORCE INDEX (ix_categories_name) "
    "LEFT JOIN category_counts n ON n.category_id = c.id ORDER BY c.name";

int db_category_list(struct db *db, struct arena *a, struct category **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_category_list, DB_NOARGS, &r) < 0)
		return -1;
	struct category *c = arena_alloc(a, sizeof(*c) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		c[i].id = db_cell_int(&r, i, 0);
		c[i].slug = db_cell(&r, i, 1);
		c[i].name = db_cell(&r, i, 2);
		c[i].products = db_cell_int(&r, i, 3);
	}
	*out = c;
	*n = r.nrows;
	return 0;
}

const char *const catalog_sort_names[CATALOG_SORT__MAX] = {
    [CATALOG_SORT_NEW] = "new",
    [CATALOG_SORT_PRICE] = "price",
    [CATALOG_SORT_PRICE_DESC] = "-price",
    [CATALOG_SORT_NAME] = "name",
};

bool catalog_sort_parse(const char *s, enum catalog_sort *out)
{
	for (int i = 0; i < CATALOG_SORT__MAX; i++) {
		if (strcmp(s, catalog_sort_names[i]) == 0) {
			*out = (enum catalog_sort)i;
			return true;
		}
	}
	return false;
}

/* The columns of a listed product, in the order product_of reads them. */
#define LIST_COLUMNS                                                                               \
	"SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.price_cents, p.stock, "      \
	"p.image_hash "
/* A page in one order, along the index that holds the rows in that order: the products first,
 * each row's category by its key, stopping after the page.  Two statements per order rather
 * than "(? = 0 OR category_id = ?)": each walks its own index. */
#define LIST_ALL(ix, order)                                                                        \
	LIST_COLUMNS "FROM products p FORCE INDEX (" ix ") "                                       \
	             "STRAIGHT_JOIN categories c ON c.id = p.category_id "                         \
	             "WHERE p.active = 1 ORDER BY " order " LIMIT ? OFFSET ?"
#define LIST_CATEGORY(ix, order)                                                                   \
	LIST_COLUMNS "FROM products p FORCE INDEX (" ix ") "                                       \
	             "STRAIGHT_JOIN categories c ON c.id = p.category_id "                         \
	             "WHERE p.active = 1 AND p.category_id = ? ORDER BY " order                    \
	             " LIMIT ? OFFSET ?"
#define ORDER_NEW        "p.id DESC"
#define ORDER_PRICE      "p.price_cents, p.id"
#define ORDER_PRICE_DESC "p.price_cents DESC, p.id DESC"
#define ORDER_NAME       "p.name, p.id"

const char db_sql_product_list_all[] = LIST_ALL("ix_products_active_id", ORDER_NEW);
const char db_sql_product_list_all_price[] = LIST_ALL("ix_products_active_price", ORDER_PRICE);
const char db_sql_product_list_all_price_desc[] =
    LIST_ALL("ix_products_active_price", ORDER_PRICE_DESC);
const char db_sql_product_list_all_name[] = LIST_ALL("ix_products_active_name", ORDER_NAME);
const char db_sql_product_list_category[] = LIST_CATEGORY("ix_products_active_category", ORDER_NEW);
const char db_sql_product_list_category_price[] =
    LIST_CATEGORY("ix_products_active_category_price", ORDER_PRICE);
const char db_sql_product_list_category_price_desc[] =
    LIST_CATEGORY("ix_products_active_category_price", ORDER_PRICE_DESC);
const char db_sql_product_list_category_name[] =
    LIST_CATEGORY("ix_products_active_category_name", ORDER_NAME);

static const char *const list_all[CATALOG_SORT__MAX] = {
    [CATALOG_SORT_NEW] = db_sql_product_list_all,
    [CATALOG_SORT_PRICE] = db_sql_product_list_all_price,
    [CATALOG_SORT_PRICE_DESC] = db_sql_product_list_all_price_desc,
    [CATALOG_SORT_NAME] = db_sql_product_list_all_name,
};
static const char *const list_category[CATALOG_SORT__MAX] = {
    [CATALOG_SORT_NEW] = db_sql_product_list_category,
    [CATALOG_SORT_PRICE] = db_sql_product_list_category_price,
    [CATALOG_SORT_PRICE_DESC] = db_sql_product_list_category_price_desc,
    [CATALOG_SORT_NAME] = db_sql_product_list_category_name,
};

/* Reads the listed products of r (LIST_COLUMNS) into *out. */
static void products_of(struct arena *a, const struct db_rows *r, struct product **out, size_t *n)
{
	struct product *p = arena_alloc(a, sizeof(*p) * (r->nrows + 1));
	for (size_t i = 0; i < r->nrows; i++) {
		p[i] = (struct product){0};
		p[i].id = db_cell_int(r, i, 0);
		p[i].category_id = db_cell_int(r, i, 1);
		p[i].category_slug = db_cell(r, i, 2);
		p[i].category_name = db_cell(r, i, 3);
		p[i].sku = db_cell(r, i, 4);
		p[i].name = db_cell(r, i, 5);
		p[i].price_cents = db_cell_int(r, i, 6);
		p[i].stock = db_cell_int(r, i, 7);
		p[i].image_hash = db_cell(r, i, 8);
	}
	*out = p;
	*n = r->nrows;
}

int db_product_list(struct db *db, struct arena *a, long long category_id, enum catalog_sort sort,
                    int limit, long long offset, struct product **out, size_t *n)
{
	struct db_rows r;
	int rc;
	if (sort < 0 || sort >= CATALOG_SORT__MAX)
		return -1;
	if (category_id > 0) {
		rc = db_query(db, a, list_category[sort],
		              DB_ARGS(DB_INT(category_id), DB_INT(limit), DB_INT(offset)), &r);
	} else {
		rc = db_query(db, a, list_all[sort], DB_ARGS(DB_INT(limit), DB_INT(offset)), &r);
	}
	if (rc < 0)
		return -1;
	products_of(a, &r, out, n);
	return 0;
}

/*
 * Search.  The fulltext index finds the matches (natural language mode: no operators, so no
 * input is a syntax error); they are then sorted, which a search may do: its matches are
 * what a sort reads, never the whole catalogue.  One statement for all categories or one
 * ("? = 0 OR"): the fulltext index drives both alike.
 */
#define SEARCH_MATCH "MATCH (p.name, p.description) AGAINST (? IN NATURAL LANGUAGE MODE)"
#define SEARCH(order)                                                                              \
	LIST_COLUMNS "FROM products p STRAIGHT_JOIN categories c ON c.id = p.category_id "         \
	             "WHERE " SEARCH_MATCH " AND p.active = 1 AND (? = 0 OR p.category_id = ?) "   \
	             "ORDER BY " order " LIMIT ? OFFSET ?"

const char db_sql_product_search_count[] = "SELECT COUNT(*) FROM products p WHERE " SEARCH_MATCH
                                           " AND p.active = 1 AND (? = 0 OR p.category_id = ?)";
const char db_sql_product_search_new[] = SEARCH(ORDER_NEW);
const char db_sql_product_search_price[] = SEARCH(ORDER_PRICE);
const char db_sql_product_search_price_desc[] = SEARCH(ORDER_PRICE_DESC);
const char db_sql_product_search_name[] = SEARCH(ORDER_NAME);

static const char *const search[CATALOG_SORT__MAX] = {
    [CATALOG_SORT_NEW] = db_sql_product_search_new,
    [CATALOG_SORT_PRICE] = db_sql_product_search_price,
    [CATALOG_SORT_PRICE_DESC] = db_sql_product_search_price_desc,
    [CATALOG_SORT_NAME] = db_sql_product_search_name,
};

int db_product_search(struct db *db, struct arena *a, const char *q, long long category_id,
                      enum catalog_sort sort, int limit, long long offset, struct product **out,
                      size_t *n, long long *total)
{
	struct db_rows r;
	if (sort < 0 || sort >= CATALOG_SORT__MAX)
		return -1;
	if (db_query(db, a, db_sql_product_search_count,
	             DB_ARGS(DB_STR(q), DB_INT(category_id), DB_INT(category_id)), &r) < 0)
		return -1;
	*total = r.nrows > 0 ? db_cell_int(&r, 0, 0) : 0;
	*out = NULL;
	*n = 0;
	if (*total <= offset)
		return 0;
	if (db_query(db, a, search[sort],
	             DB_ARGS(DB_STR(q), DB_INT(category_id), DB_INT(category_id), DB_INT(limit),
	                     DB_INT(offset)),
	             &r) < 0)
		return -1;
	products_of(a, &r, out, n);
	return 0;
}

/* The images in position order, along uq_product_images_position. */
const char db_sql_product_images[] =
    "SELECT i.position, i.hash, i.width, i.height, i.alt FROM product_images i "
    "WHERE i.product_id = ? ORDER BY i.position";

int db_product_images(struct db *db, struct arena *a, long long id, struct product_image **out,
                      size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_product_images, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	struct product_image *im = arena_alloc(a, sizeof(*im) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		im[i].position = (int)db_cell_int(&r, i, 0);
		im[i].hash = db_cell(&r, i, 1);
		im[i].width = (int)db_cell_int(&r, i, 2);
		im[i].height = (int)db_cell_int(&r, i, 3);
		im[i].alt = db_cell(&r, i, 4) ? db_cell(&r, i, 4) : "";
	}
	*out = im;
	*n = r.nrows;
	return 0;
}

const char db_sql_product_get[] =
    "SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.description, "
    "p.price_cents, p.stock, p.image_hash "
    "FROM products p STRAIGHT_JOIN categories c ON c.id = p.category_id "
    "WHERE p.id = ? AND p.active = 1";

int db_product_get(struct db *db, struct arena *a, long long id, struct product *out)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_product_get, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	out->id = db_cell_int(&r, 0, 0);
	out->category_id = db_cell_int(&r, 0, 1);
	out->category_slug = db_cell(&r, 0, 2);
	out->category_name = db_cell(&r, 0, 3);
	out->sku = db_cell(&r, 0, 4);
	out->name = db_cell(&r, 0, 5);
	out->description = db_cell(&r, 0, 6);
	out->price_cents = db_cell_int(&r, 0, 7);
	out->stock = db_cell_int(&r, 0, 8);
	out->image_hash = db_cell(&r, 0, 9);
	out->images = NULL;
	out->nimages = 0;
	return 0;
}

/* The units in stock, live: a sale changes no catalogue version (schema/037), so the cached
 * product cannot say how many are left. */
static const char SQL_PRODUCT_STOCK[] = "SELECT stock FROM products WHERE id = ? AND active = 1";

int db_product_stock(struct db *db, struct arena *a, long long id, long long *stock)
{
	struct db_rows r;
	if (db_query(db, a, SQL_PRODUCT_STOCK, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	*stock = r.nrows == 1 ? db_cell_int(&r, 0, 0) : 0;
	return 0;
}
