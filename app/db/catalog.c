/* catalog.c — data access for categories and products (no personal data). */
#include "catalog.h"

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

/* Two statements rather than "(? = 0 OR category_id = ?)": each walks its index newest first,
 * products before categories, and stops after the page. */
const char db_sql_product_list_all[] =
    "SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.price_cents, p.stock "
    "FROM products p FORCE INDEX (ix_products_active_id) "
    "STRAIGHT_JOIN categories c ON c.id = p.category_id "
    "WHERE p.active = 1 ORDER BY p.id DESC LIMIT ? OFFSET ?";

const char db_sql_product_list_category[] =
    "SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.price_cents, p.stock "
    "FROM products p FORCE INDEX (ix_products_active_category) "
    "STRAIGHT_JOIN categories c ON c.id = p.category_id "
    "WHERE p.active = 1 AND p.category_id = ? ORDER BY p.id DESC LIMIT ? OFFSET ?";

int db_product_list(struct db *db, struct arena *a, long long category_id, int limit,
                    long long offset, struct product **out, size_t *n)
{
	struct db_rows r;
	int rc;
	if (category_id > 0) {
		rc = db_query(db, a, db_sql_product_list_category,
		              DB_ARGS(DB_INT(category_id), DB_INT(limit), DB_INT(offset)), &r);
	} else {
		rc = db_query(db, a, db_sql_product_list_all,
		              DB_ARGS(DB_INT(limit), DB_INT(offset)), &r);
	}
	if (rc < 0)
		return -1;
	struct product *p = arena_alloc(a, sizeof(*p) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		p[i].id = db_cell_int(&r, i, 0);
		p[i].category_id = db_cell_int(&r, i, 1);
		p[i].category_slug = db_cell(&r, i, 2);
		p[i].category_name = db_cell(&r, i, 3);
		p[i].sku = db_cell(&r, i, 4);
		p[i].name = db_cell(&r, i, 5);
		p[i].price_cents = db_cell_int(&r, i, 6);
		p[i].stock = db_cell_int(&r, i, 7);
	}
	*out = p;
	*n = r.nrows;
	return 0;
}

const char db_sql_product_get[] =
    "SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.description, "
    "p.price_cents, p.stock "
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
	return 0;
}

/* The version row, locked for the rest of the transaction.  The triggers of schema/024 update it
 * with every product a transaction changes, so every such transaction holds it until it ends; one
 * that changes several products takes it first, before any product row, or two of them could
 * each hold a product the other needs while one waits for the row. */
static const char SQL_CATALOG_LOCK[] = "SELECT catalog_version FROM site_state WHERE id = 1 FOR UPDATE";

int db_catalog_lock(struct db *db, struct arena *a)
{
	struct db_rows r;
	return db_query(db, a, SQL_CATALOG_LOCK, DB_NOARGS, &r);
}
