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
	long long products; /* active products in it */
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

/* Lists every category by name, with its count of active products, into *out
 * (arena-allocated). Returns 0 or -1. */
int db_category_list(struct db *db, struct arena *a, struct category **out, size_t *n);

/*
 * Lists active products, newest id first, optionally only of category_id
 * (0 for all), limit rows from offset.  Returns 0 or -1.  (Page counts come
 * from db_category_list's per-category counts: no second scan here.)
 */
int db_product_list(struct db *db, struct arena *a, long long category_id, int limit,
                    long long offset, struct product **out, size_t *n);

/* Reads active product id. Returns 0 when found, 1 when there is none, -1 on error. */
int db_product_get(struct db *db, struct arena *a, long long id, struct product *out);

/* Inside a transaction that will change several products (a checkout's stock): locks the
 * catalogue's version row first, so such transactions queue instead of deadlocking on it.
 * Returns 0 or -1. */
int db_catalog_lock(struct db *db, struct arena *a);

#endif
