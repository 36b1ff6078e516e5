/* catalog_cache.c — the catalogue in the worker's own memory (catalog_cache.h). */
#include "catalog_cache.h"

#include <stdbool.h>

#include "arena.h"

enum { MAX_PAGES = 128, MAX_PRODUCTS = 1024, MAX_BODIES = 128 };

struct page {
	long long category_id, offset;
	enum catalog_sort sort;
	int limit;
	const struct product *rows;
	size_t n;
};

struct body {
	long long category_id;
	enum catalog_sort sort;
	long page;
	const char *html;
};

struct item {
	long long id;
	const struct product *p; /* NULL: no such active product */
};

static struct {
	struct arena *arena; /* everything below lives here */
	long long version;   /* 0: empty */
	bool have_categories;
	const struct category *categories;
	size_t ncategories;
	struct page pages[MAX_PAGES];
	size_t npages;
	struct item items[MAX_PRODUCTS];
	size_t nitems;
	struct body bodies[MAX_BODIES];
	size_t nbodies;
} cache;

void catalog_cache_clear(void)
{
	if (cache.arena != NULL)
		arena_reset(cache.arena);
	cache.version = 0;
	cache.have_categories = false;
	cache.npages = 0;
	cache.nitems = 0;
	cache.nbodies = 0;
}

/*
 * The arena to fill for version, or NULL when this fill is not to be kept (version unknown, or
 * the cache full: then the request's own arena holds it).  A new version forgets the old one's
 * data; that happens only at a request's first call (a request asks with one version
 * throughout), so nothing a request already holds is ever freed under it.
 */
static struct arena *cache_for(long long version)
{
	if (version <= 0)
		return NULL;
	if (cache.arena == NULL)
		cache.arena = arena_new();
	if (cache.version != version) {
		catalog_cache_clear();
		cache.version = version;
	}
	if (arena_bytes(cache.arena) > CATALOG_CACHE_BYTES || cache.npages == MAX_PAGES ||
	    cache.nitems == MAX_PRODUCTS || cache.nbodies == MAX_BODIES)
		return NULL;
	return cache.arena;
}

int catalog_categories(struct db *db, struct arena *a, long long version,
                       const struct category **out, size_t *n)
{
	if (version > 0 && version == cache.version && cache.have_categories) {
		*out = cache.categories;
		*n = cache.ncategories;
		return 0;
	}
	struct arena *keep = cache_for(version);
	struct category *c;
	if (db_category_list(db, keep ? keep : a, &c, n) < 0)
		return -1;
	if (keep != NULL) {
		cache.categories = c;
		cache.ncategories = *n;
		cache.have_categories = true;
	}
	*out = c;
	return 0;
}

int catalog_page(struct db *db, struct arena *a, long long version, long long category_id,
                 enum catalog_sort sort, int limit, long long offset, const struct product **out,
                 size_t *n)
{
	if (version > 0 && version == cache.version) {
		for (size_t i = 0; i < cache.npages; i++) {
			const struct page *p = &cache.pages[i];
			if (p->category_id == category_id && p->sort == sort &&
			    p->offset == offset && p->limit == limit) {
				*out = p->rows;
				*n = p->n;
				return 0;
			}
		}
	}
	struct arena *keep = cache_for(version);
	struct product *rows;
	if (db_product_list(db, keep ? keep : a, category_id, sort, limit, offset, &rows, n) < 0)
		return -1;
	if (keep != NULL)
		cache.pages[cache.npages++] =
		    (struct page){category_id, offset, sort, limit, rows, *n};
	*out = rows;
	return 0;
}

int catalog_product(struct db *db, struct arena *a, long long version, long long id,
                    const struct product **out)
{
	if (version > 0 && version == cache.version) {
		for (size_t i = 0; i < cache.nitems; i++) {
			if (cache.items[i].id == id) {
				*out = cache.items[i].p;
				return *out != NULL ? 0 : 1;
			}
		}
	}
	struct arena *keep = cache_for(version);
	struct product *p = arena_alloc(keep ? keep : a, sizeof(*p));
	int found = db_product_get(db, keep ? keep : a, id, p);
	if (found < 0)
		return -1;
	if (found == 0) {
		struct product_image *im;
		if (db_product_images(db, keep ? keep : a, id, &im, &p->nimages) < 0)
			return -1;
		p->images = im;
	}
	if (found == 1)
		p = NULL;
	if (keep != NULL)
		cache.items[cache.nitems++] = (struct item){id, p};
	*out = p;
	return found;
}

const char *catalog_body(long long version, long long category_id, enum catalog_sort sort,
                         long page)
{
	if (version <= 0 || version != cache.version)
		return NULL;
	for (size_t i = 0; i < cache.nbodies; i++) {
		const struct body *b = &cache.bodies[i];
		if (b->category_id == category_id && b->sort == sort && b->page == page)
			return b->html;
	}
	return NULL;
}

void catalog_body_keep(long long version, long long category_id, enum catalog_sort sort, long page,
                       const char *body, size_t len)
{
	struct arena *keep = cache_for(version);
	if (keep == NULL)
		return;
	cache.bodies[cache.nbodies++] =
	    (struct body){category_id, sort, page, arena_strndup(keep, body, len)};
}
