/* catalog_cache.h — the catalogue in the worker's own memory, valid for one catalogue version.
 *
 * Categories with their counts, pages of products and product pages change rarely; every
 * change bumps site_state.catalog_version in its own transaction (schema/024), and the statement
 * that checks a customer's session returns the version (session.h: catalog_version).  A worker
 * answers from here while the version it was filled at is the request's, and forgets it all
 * the moment the version moves: a price or stock change shows on the very next request of every
 * worker.  Version 0 (not known) always reads the database and keeps nothing.
 *
 * What it returns lives until the version changes: use it within the request.  When the cache
 * holds CATALOG_CACHE_BYTES, further reads are served from the database into the request's
 * arena until the version moves on.
 */
#ifndef DITTO_CATALOG_CACHE_H
#define DITTO_CATALOG_CACHE_H

#include <stddef.h>

#include "db/catalog.h"

struct arena;
struct db;

enum { CATALOG_CACHE_BYTES = 1024 * 1024 };

/* Every category with its count of active products (db_category_list). a holds the result when
 * nothing is cached. Returns 0 or -1. */
int catalog_categories(struct db *db, struct arena *a, long long version,
                       const struct category **out, size_t *n);
/* One page of active products in the order sort says (db_product_list). Returns 0 or -1. */
int catalog_page(struct db *db, struct arena *a, long long version, long long category_id,
                 enum catalog_sort sort, int limit, long long offset, const struct product **out,
                 size_t *n);
/* One active product (db_product_get) with its images (db_product_images): 0 found, 1 none
 * (remembered too), -1 error. */
int catalog_product(struct db *db, struct arena *a, long long version, long long id,
                    const struct product **out);
/* The rendered body of a catalogue page (category_id 0: all) in the order sort says at version,
 * or NULL.  Searches are not kept: their words are the customer's, without bound. */
const char *catalog_body(long long version, long long category_id, enum catalog_sort sort,
                         long page);
/* Keeps body (len bytes) as that page's rendered body, if the cache has room. */
void catalog_body_keep(long long version, long long category_id, enum catalog_sort sort, long page,
                       const char *body, size_t len);
/* Forgets everything (never while a request holds what it returned). */
void catalog_cache_clear(void);

#endif
