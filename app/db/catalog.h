/* catalog.h — data access for categories and products (no personal data). */
#ifndef DITTO_DB_CATALOG_H
#define DITTO_DB_CATALOG_H

#include <stddef.h>

struct arena;
struct db;

struct category {
	long long id;
	const char *slug;
	const char *name;
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
};

/* Lists every category by name into *out (arena-allocated). Returns 0 or -1. */
int db_category_list(struct db *db, struct arena *a, struct category **out, size_t *n);

/*
 * Lists active products, newest id first, optionally only of category_slug
 * (NULL for all), limit rows from offset; *total is the number of matching
 * products.  Returns 0 or -1.
 */
int db_product_list(struct db *db, struct arena *a, const char *category_slug, int limit,
                    long long offset, struct product **out, size_t *n, long long *total);

/* Reads active product id. Returns 0 when found, 1 when there is none, -1 on error. */
int db_product_get(struct db *db, struct arena *a, long long id, struct product *out);

#endif
