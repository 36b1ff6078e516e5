/* products_admin.h — the catalogue as the admin changes it: categories, products, stock
 * adjustments with their history, and product images.  Every change to what the shop shows
 * bumps the catalogue version by the triggers of schema/024 and 026 in its own transaction. */
#ifndef DITTO_DB_PRODUCTS_ADMIN_H
#define DITTO_DB_PRODUCTS_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct admin_category {
	long long id;
	const char *slug;
	const char *name;
};

/* A product's editable fields (the form, the CLI) and what the list shows besides. */
struct admin_product {
	long long id;
	long long category_id;
	const char *category; /* the category's name (lists and get only) */
	const char *sku;
	const char *name;
	const char *description;
	long long price_cents;
	long long stock;
	long long weight_grams;
	bool active;
	const char *image_hash; /* position 0's hash, NULL when it has none */
};

struct stock_adjustment {
	long long id;
	long long delta;
	long long stock_after;
	const char *reason;
	const char *adjusted_by;
	const char *created_at; /* "YYYY-MM-DD HH:MM:SS" UTC */
};

struct product_image {
	long long id;
	int position;
	const char *hash;
	int width, height;
	const char *alt;
};

/* Every category by name into *out (arena a). Returns 0 or -1. */
int db_admin_category_list(struct db *db, struct arena *a, struct admin_category **out, size_t *n);
/* Adds a category. Returns DB_CHANGED (id in *id), DB_UNCHANGED when the slug exists (its id
 * in *id), or -1. */
int db_admin_category_insert(struct db *db, const char *slug, const char *name, long long *id);
/* The id of the category with slug, in *id. Returns DB_CHANGED, DB_NOT_FOUND or -1. */
int db_admin_category_find(struct db *db, struct arena *a, const char *slug, long long *id);

/* A page of products by id (offset, limit) with the total in *total. Returns 0 or -1. */
int db_admin_product_list(struct db *db, struct arena *a, long offset, int limit,
                          struct admin_product **out, size_t *n, long long *total);
/* One product by id (sku NULL) or by SKU (id 0). Returns DB_CHANGED (found), DB_NOT_FOUND or
 * -1. */
int db_admin_product_get(struct db *db, struct arena *a, long long id, const char *sku,
                         struct admin_product *out);
/* Adds p (its id is ignored; *id gets the new one). Returns DB_CHANGED, DB_UNCHANGED when the
 * SKU is taken, DB_REFUSED when the category does not exist, or -1. */
int db_admin_product_insert(struct db *db, const struct admin_product *p, long long *id);
/* Writes p's fields to product p->id (its stock is left alone: stock moves only by an
 * adjustment).  Returns DB_CHANGED, DB_UNCHANGED when nothing differed, DB_NOT_FOUND,
 * DB_REFUSED when the SKU is another product's or the category does not exist, or -1. */
int db_admin_product_update(struct db *db, const struct admin_product *p);

/* Inside a transaction: moves product id's stock by delta under its row lock and records the
 * adjustment.  Returns DB_CHANGED (*after the new stock), DB_REFUSED when the stock would go
 * below 0 or above 1,000,000 (*after the current stock), DB_NOT_FOUND, or -1. */
int db_admin_stock_adjust_in_tx(struct db *db, long long id, long long delta, const char *reason,
                                const char *by, long long *after);
/* The newest adjustments of product id first, at most limit. Returns 0 or -1. */
int db_admin_stock_history(struct db *db, struct arena *a, long long id, int limit,
                           struct stock_adjustment **out, size_t *n);

/* Product id's images by position. Returns 0 or -1. */
int db_admin_image_list(struct db *db, struct arena *a, long long id, struct product_image **out,
                        size_t *n);
/* Inside a transaction: locks product id and puts image (hash, w, h, alt) at position (-1:
 * after the last; a taken position is replaced and the hash it held is copied to old_hash,
 * else old_hash is ""), then makes products.image_hash position 0's.  Returns DB_CHANGED
 * (*pos the position used), DB_UNCHANGED when that position (position -1: any) holds this
 * hash already (*pos where),
 * DB_REFUSED when position is past the end (at most the count) or the product has 32
 * images, DB_NOT_FOUND, or -1. */
int db_admin_image_put_in_tx(struct db *db, long long id, int position, const char *hash, int w,
                             int h, const char *alt, int *pos, char old_hash[65]);
/* Inside a transaction: removes product id's image at position, closes the gap and makes
 * products.image_hash position 0's; old_hash gets the removed hash.  Returns DB_CHANGED,
 * DB_NOT_FOUND (no such product or position), or -1. */
int db_admin_image_remove_in_tx(struct db *db, long long id, int position, char old_hash[65]);
/* True in *used when any image row names hash. Returns 0 or -1. */
int db_admin_image_hash_used(struct db *db, const char *hash, bool *used);

#define PRODUCT_MAX_IMAGES 32

#endif
