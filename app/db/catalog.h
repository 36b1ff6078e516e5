/* catalog.h — data access for categories and products (no personal data). */
#ifndef DITTO_DB_CATALOG_H
#define DITTO_DB_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct category {
	long long id;
	const char *slug;
	const char *name;
	long long products; /* active products in it */
};

/* An image of a product: files /img/<hash>-<w>.webp for w = 320, 640 and 1280 (served by nginx). */
struct product_image {
	int position;
	const char *hash;  /* 64 hex digits */
	int width, height; /* of the largest size: the image's shape */
	const char *alt;   /* "" when none was given */
};

struct product {
	long long id;
	long long category_id;
	const char *category_slug;
	const char *category_name;
	const char *sku;
	const char *name;
	const char *description; /* NULL in listings */
	long long price_cents;
	long long stock;
	const char *image_hash;             /* the first image, or NULL */
	const struct product_image *images; /* in position order; NULL in listings */
	size_t nimages;
};

/* The orders of a catalogue page (?sort=): newest first, cheapest first, dearest first, by
 * name.  Each has its index, so a page reads only its own rows (schema/027). */
enum catalog_sort {
	CATALOG_SORT_NEW,
	CATALOG_SORT_PRICE,
	CATALOG_SORT_PRICE_DESC,
	CATALOG_SORT_NAME,
	CATALOG_SORT__MAX
};

/* The sort's name in a query string ("new", "price", "-price", "name"). */
extern const char *const catalog_sort_names[CATALOG_SORT__MAX];
/* Stores the sort named s in *out; false when s names none. */
bool catalog_sort_parse(const char *s, enum catalog_sort *out);

/* Lists every category by name, with its count of active products, into *out
 * (arena-allocated). Returns 0 or -1. */
int db_category_list(struct db *db, struct arena *a, struct category **out, size_t *n);

/*
 * Lists active products in the order sort says, optionally only of category_id
 * (0 for all), limit rows from offset.  Returns 0 or -1.  (Page counts come
 * from db_category_list's per-category counts: no second scan here.)
 */
int db_product_list(struct db *db, struct arena *a, long long category_id, enum catalog_sort sort,
                    int limit, long long offset, struct product **out, size_t *n);

/*
 * Searches the active products' names and descriptions for q (MariaDB FULLTEXT, natural
 * language mode), optionally only in category_id (0: all): stores how many match in *total and
 * the page of limit rows from offset, in the order sort says, in *out.  Returns 0 or -1.
 */
int db_product_search(struct db *db, struct arena *a, const char *q, long long category_id,
                      enum catalog_sort sort, int limit, long long offset, struct product **out,
                      size_t *n, long long *total);

/* Reads product id's images in position order into *out (arena-allocated). Returns 0 or -1. */
int db_product_images(struct db *db, struct arena *a, long long id, struct product_image **out,
                      size_t *n);

/* Reads active product id. Returns 0 when found, 1 when there is none, -1 on error. */
int db_product_get(struct db *db, struct arena *a, long long id, struct product *out);

/* Reads active product id's units in stock now into *stock (0 when it is gone). The catalogue
 * cache holds whether a product is in stock, not how many: a sale is no new catalogue version
 * (schema/037). Returns 0 or -1. */
int db_product_stock(struct db *db, struct arena *a, long long id, long long *stock);

#endif
