/* products_admin.c — the admin's catalogue statements: categories, products, stock
 * adjustments and product images (products_admin.h).  The triggers of schema/024 and 026 bump
 * the catalogue version inside each change's transaction. */
#include "products_admin.h"

#include <stdio.h>
#include <string.h>

#include "../arena.h"
#include "db.h"

#define STOCK_MAX 1000000

static const char *dup_cell(const struct db_rows *r, size_t row, size_t col)
{
	const char *v = db_cell(r, row, col);
	return v != NULL ? v : "";
}

int db_admin_category_list(struct db *db, struct arena *a, struct admin_category **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, "SELECT id, slug, name FROM categories ORDER BY name, slug", DB_NOARGS,
	             &r) < 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++)
		(*out)[i] = (struct admin_category){db_cell_int(&r, i, 0), dup_cell(&r, i, 1),
		                                    dup_cell(&r, i, 2)};
	*n = r.nrows;
	return 0;
}

int db_admin_category_find(struct db *db, struct arena *a, const char *slug, long long *id)
{
	struct db_rows r;
	if (db_query(db, a, "SELECT id FROM categories WHERE slug = ?", DB_ARGS(DB_STR(slug)), &r) <
	    0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	*id = db_cell_int(&r, 0, 0);
	return DB_CHANGED;
}

int db_admin_category_insert(struct db *db, const char *slug, const char *name, long long *id)
{
	unsigned long long ins = 0;
	if (db_exec(db, "INSERT INTO categories (slug, name) VALUES (?, ?)",
	            DB_ARGS(DB_STR(slug), DB_STR(name)), NULL, &ins) == 0) {
		*id = (long long)ins;
		return DB_CHANGED;
	}
	if (db_errno(db) != DB_ER_DUP_ENTRY)
		return -1;
	struct arena *a = arena_new();
	int rc = db_admin_category_find(db, a, slug, id);
	arena_free(a);
	return rc < 0 ? -1 : DB_UNCHANGED;
}

#define PRODUCT_COLS                                                                               \
	"p.id, p.category_id, c.name, p.sku, p.name, p.description, p.price_cents, p.stock, "      \
	"p.weight_grams, p.active, p.image_hash"

static void product_row(const struct db_rows *r, size_t i, struct admin_product *p)
{
	*p = (struct admin_product){
	    .id = db_cell_int(r, i, 0),
	    .category_id = db_cell_int(r, i, 1),
	    .category = dup_cell(r, i, 2),
	    .sku = dup_cell(r, i, 3),
	    .name = dup_cell(r, i, 4),
	    .description = dup_cell(r, i, 5),
	    .price_cents = db_cell_int(r, i, 6),
	    .stock = db_cell_int(r, i, 7),
	    .weight_grams = db_cell_int(r, i, 8),
	    .active = db_cell_int(r, i, 9) != 0,
	    .image_hash = db_cell(r, i, 10),
	};
}

int db_admin_product_list(struct db *db, struct arena *a, long offset, int limit,
                          struct admin_product **out, size_t *n, long long *total)
{
	struct db_rows r;
	if (db_query(db, a, "SELECT COUNT(*) FROM products", DB_NOARGS, &r) < 0)
		return -1;
	*total = db_cell_int(&r, 0, 0);
	if (db_query(db, a,
	             "SELECT " PRODUCT_COLS " FROM products p JOIN categories c ON c.id = "
	             "p.category_id ORDER BY p.id LIMIT ? OFFSET ?",
	             DB_ARGS(DB_INT(limit), DB_INT(offset)), &r) < 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++)
		product_row(&r, i, &(*out)[i]);
	*n = r.nrows;
	return 0;
}

int db_admin_product_get(struct db *db, struct arena *a, long long id, const char *sku,
                         struct admin_product *out)
{
	struct db_rows r;
	int rc = sku != NULL ? db_query(db, a,
	                                "SELECT " PRODUCT_COLS " FROM products p JOIN categories c "
	                                "ON c.id = p.category_id WHERE p.sku = ?",
	                                DB_ARGS(DB_STR(sku)), &r)
	                     : db_query(db, a,
	                                "SELECT " PRODUCT_COLS " FROM products p JOIN categories c "
	                                "ON c.id = p.category_id WHERE p.id = ?",
	                                DB_ARGS(DB_INT(id)), &r);
	if (rc < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	product_row(&r, 0, out);
	return DB_CHANGED;
}

/* Returns 1 when category id exists, 0 when not, -1 on error. */
static int category_exists(struct db *db, long long id)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, "SELECT 1 FROM categories WHERE id = ?", DB_ARGS(DB_INT(id)), &r);
	if (rc == 0)
		rc = r.nrows > 0;
	arena_free(a);
	return rc;
}

int db_admin_product_insert(struct db *db, const struct admin_product *p, long long *id)
{
	int ok = category_exists(db, p->category_id);
	if (ok <= 0)
		return ok < 0 ? -1 : DB_REFUSED;
	unsigned long long ins = 0;
	if (db_exec(
	        db,
	        "INSERT INTO products (category_id, sku, name, description, price_cents, stock, "
	        "weight_grams, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	        DB_ARGS(DB_INT(p->category_id), DB_STR(p->sku), DB_STR(p->name),
	                DB_STR(p->description), DB_INT(p->price_cents), DB_INT(p->stock),
	                DB_INT(p->weight_grams), DB_INT(p->active ? 1 : 0)),
	        NULL, &ins) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY ? DB_UNCHANGED : -1;
	*id = (long long)ins;
	return DB_CHANGED;
}

int db_admin_product_update(struct db *db, const struct admin_product *p)
{
	int ok = category_exists(db, p->category_id);
	if (ok <= 0)
		return ok < 0 ? -1 : DB_REFUSED;
	unsigned long long affected = 0;
	if (db_exec(db,
	            "UPDATE products SET category_id = ?, sku = ?, name = ?, description = ?, "
	            "price_cents = ?, weight_grams = ?, active = ? WHERE id = ?",
	            DB_ARGS(DB_INT(p->category_id), DB_STR(p->sku), DB_STR(p->name),
	                    DB_STR(p->description), DB_INT(p->price_cents), DB_INT(p->weight_grams),
	                    DB_INT(p->active ? 1 : 0), DB_INT(p->id)),
	            &affected, NULL) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY ? DB_REFUSED : -1;
	if (affected > 0)
		return DB_CHANGED;
	/* Zero rows: no such product, or nothing differed (MariaDB counts changed rows). */
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, "SELECT 1 FROM products WHERE id = ?", DB_ARGS(DB_INT(p->id)), &r);
	if (rc == 0)
		rc = r.nrows > 0 ? DB_UNCHANGED : DB_NOT_FOUND;
	arena_free(a);
	return rc;
}

int db_admin_stock_adjust_in_tx(struct db *db, long long id, long long delta, const char *reason,
                                const char *by, long long *after)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	if (db_query(db, a, "SELECT stock FROM products WHERE id = ? FOR UPDATE",
	             DB_ARGS(DB_INT(id)), &r) < 0)
		goto out;
	if (r.nrows == 0) {
		rc = DB_NOT_FOUND;
		goto out;
	}
	long long stock = db_cell_int(&r, 0, 0);
	*after = stock;
	if (stock + delta < 0 || stock + delta > STOCK_MAX) {
		rc = DB_REFUSED;
		goto out;
	}
	*after = stock + delta;
	if (db_exec(db, "UPDATE products SET stock = ? WHERE id = ?",
	            DB_ARGS(DB_INT(*after), DB_INT(id)), NULL, NULL) < 0)
		goto out;
	if (db_exec(db,
	            "INSERT INTO stock_adjustments (product_id, delta, stock_after, reason, "
	            "adjusted_by) VALUES (?, ?, ?, ?, ?)",
	            DB_ARGS(DB_INT(id), DB_INT(delta), DB_INT(*after), DB_STR(reason), DB_STR(by)),
	            NULL, NULL) < 0)
		goto out;
	rc = DB_CHANGED;
out:
	arena_free(a);
	return rc;
}

int db_admin_stock_history(struct db *db, struct arena *a, long long id, int limit,
                           struct stock_adjustment **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a,
	             "SELECT id, delta, stock_after, reason, adjusted_by, "
	             "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') FROM stock_adjustments "
	             "WHERE product_id = ? ORDER BY id DESC LIMIT ?",
	             DB_ARGS(DB_INT(id), DB_INT(limit)), &r) < 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++)
		(*out)[i] = (struct stock_adjustment){
		    .id = db_cell_int(&r, i, 0),
		    .delta = db_cell_int(&r, i, 1),
		    .stock_after = db_cell_int(&r, i, 2),
		    .reason = dup_cell(&r, i, 3),
		    .adjusted_by = dup_cell(&r, i, 4),
		    .created_at = dup_cell(&r, i, 5),
		};
	*n = r.nrows;
	return 0;
}

int db_admin_image_list(struct db *db, struct arena *a, long long id, struct product_image **out,
                        size_t *n)
{
	struct db_rows r;
	if (db_query(db, a,
	             "SELECT id, position, hash, width, height, alt FROM product_images "
	             "WHERE product_id = ? ORDER BY position",
	             DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++)
		(*out)[i] = (struct product_image){
		    .id = db_cell_int(&r, i, 0),
		    .position = (int)db_cell_int(&r, i, 1),
		    .hash = dup_cell(&r, i, 2),
		    .width = (int)db_cell_int(&r, i, 3),
		    .height = (int)db_cell_int(&r, i, 4),
		    .alt = dup_cell(&r, i, 5),
		};
	*n = r.nrows;
	return 0;
}

/* products.image_hash := position 0's hash (NULL when none), in the caller's transaction. */
static int sync_first_hash(struct db *db, long long id)
{
	return db_exec(db,
	               "UPDATE products SET image_hash = (SELECT i.hash FROM product_images i "
	               "WHERE i.product_id = ? AND i.position = 0) WHERE id = ?",
	               DB_ARGS(DB_INT(id), DB_INT(id)), NULL, NULL);
}

/* Locks product id's row (every image change of one product queues on it).  Returns 1 when
 * it exists, 0 when not, -1 on error. */
static int lock_product(struct db *db, long long id)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, "SELECT id FROM products WHERE id = ? FOR UPDATE",
	                  DB_ARGS(DB_INT(id)), &r);
	if (rc == 0)
		rc = r.nrows > 0;
	arena_free(a);
	return rc;
}

int db_admin_image_put_in_tx(struct db *db, long long id, int position, const char *hash, int w,
                             int h, const char *alt, int *pos, char old_hash[65])
{
	old_hash[0] = '\0';
	int ok = lock_product(db, id);
	if (ok <= 0)
		return ok < 0 ? -1 : DB_NOT_FOUND;
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	if (db_query(db, a, "SELECT position, hash FROM product_images WHERE product_id = ?",
	             DB_ARGS(DB_INT(id)), &r) < 0)
		goto out;
	size_t count = r.nrows;
	if (position < 0) {
		/* "Add this image": one the product has already is not added twice (an upload
		 * sent twice, two runs of the same command). */
		for (size_t i = 0; i < count; i++)
			if (strcmp(dup_cell(&r, i, 1), hash) == 0) {
				*pos = (int)db_cell_int(&r, i, 0);
				rc = DB_UNCHANGED;
				goto out;
			}
		position = (int)count;
	}
	if ((size_t)position > count) {
		rc = DB_REFUSED;
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		if (db_cell_int(&r, i, 0) != position)
			continue;
		const char *had = db_cell(&r, i, 1);
		snprintf(old_hash, 65, "%s", had != NULL ? had : "");
	}
	*pos = position;
	if (old_hash[0] != '\0') {
		if (strcmp(old_hash, hash) == 0) {
			old_hash[0] = '\0';
			rc = DB_UNCHANGED;
			goto out;
		}
		if (db_exec(
		        db,
		        "UPDATE product_images SET hash = ?, width = ?, height = ?, alt = ?, "
		        "created_at = CURRENT_TIMESTAMP(6) WHERE product_id = ? AND position = ?",
		        DB_ARGS(DB_STR(hash), DB_INT(w), DB_INT(h), DB_STR(alt), DB_INT(id),
		                DB_INT(position)),
		        NULL, NULL) < 0)
			goto out;
	} else {
		if (count >= PRODUCT_MAX_IMAGES) {
			rc = DB_REFUSED;
			goto out;
		}
		if (db_exec(
		        db,
		        "INSERT INTO product_images (product_id, position, hash, width, height, "
		        "alt) VALUES (?, ?, ?, ?, ?, ?)",
		        DB_ARGS(DB_INT(id), DB_INT(position), DB_STR(hash), DB_INT(w), DB_INT(h),
		                DB_STR(alt)),
		        NULL, NULL) < 0)
			goto out;
	}
	rc = sync_first_hash(db, id) < 0 ? -1 : DB_CHANGED;
out:
	arena_free(a);
	return rc;
}

int db_admin_image_remove_in_tx(struct db *db, long long id, int position, char old_hash[65])
{
	old_hash[0] = '\0';
	int ok = lock_product(db, id);
	if (ok <= 0)
		return ok < 0 ? -1 : DB_NOT_FOUND;
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	if (db_query(db, a, "SELECT hash FROM product_images WHERE product_id = ? AND position = ?",
	             DB_ARGS(DB_INT(id), DB_INT(position)), &r) < 0)
		goto out;
	if (r.nrows == 0) {
		rc = DB_NOT_FOUND;
		goto out;
	}
	snprintf(old_hash, 65, "%s", dup_cell(&r, 0, 0));
	if (db_exec(db, "DELETE FROM product_images WHERE product_id = ? AND position = ?",
	            DB_ARGS(DB_INT(id), DB_INT(position)), NULL, NULL) < 0)
		goto out;
	/* Close the gap, lowest first, so (product_id, position) stays unique at every row. */
	if (db_exec(db,
	            "UPDATE product_images SET position = position - 1 WHERE product_id = ? AND "
	            "position > ? ORDER BY position",
	            DB_ARGS(DB_INT(id), DB_INT(position)), NULL, NULL) < 0)
		goto out;
	rc = sync_first_hash(db, id) < 0 ? -1 : DB_CHANGED;
out:
	arena_free(a);
	return rc;
}

int db_admin_image_hash_used(struct db *db, const char *hash, bool *used)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, "SELECT 1 FROM product_images WHERE hash = ? LIMIT 1",
	                  DB_ARGS(DB_STR(hash)), &r);
	if (rc == 0)
		*used = r.nrows > 0;
	arena_free(a);
	return rc;
}
