/* catalog.c — GET /catalog and GET /product/{id}: the merchandise. */
#include "routes.h"

#include <string.h>

#include "../app/batch.h"
#include "../app/catalog_cache.h"
#include "../app/config.h"
#include "../app/db/catalog.h"
#include "../app/form.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

const char *format_price(struct arena *a, long long cents)
{
	return arena_printf(a, "%lld.%02lld", cents / 100, cents % 100);
}

/* Longest search, in characters. */
#define CATALOG_QUERY_MAX 100
/* Page numbers shown on each side of the current one. */
#define PAGER_WINDOW 2

/* What a catalogue page shows: the category (NULL: all), the order, the search (NULL: none). */
struct listing {
	const struct category *category;
	enum catalog_sort sort;
	const char *q;
};

/* The address of page of the listing l, in the request's arena (page 1 has no page field). */
static const char *listing_href(struct arena *a, const struct listing *l, long page)
{
	const char *href = "/catalog";
	char sep = '?';
	if (l->category != NULL) {
		href = arena_printf(a, "%s%ccategory=%s", href, sep, l->category->slug);
		sep = '&';
	}
	if (l->q != NULL) {
		href = arena_printf(a, "%s%cq=%s", href, sep, form_escape(a, l->q));
		sep = '&';
	}
	if (l->sort != CATALOG_SORT_NEW) {
		href = arena_printf(a, "%s%csort=%s", href, sep, catalog_sort_names[l->sort]);
		sep = '&';
	}
	if (page > 1)
		href = arena_printf(a, "%s%cpage=%ld", href, sep, page);
	return href;
}

/* The numbered pager: first, previous, the pages around this one, next, last. */
static void pager_ctx(struct arena *a, struct tdict *ctx, const struct listing *l, long page,
                      long pages)
{
	tdict_setf(ctx, "page", "%ld", page);
	tdict_setf(ctx, "pages", "%ld", pages);
	if (pages <= 1)
		return;
	struct tdict *p = tdict_dict(ctx, "pager");
	if (page > 1) {
		tdict_set_ref(p, "first", listing_href(a, l, 1));
		tdict_set_ref(p, "prev", listing_href(a, l, page - 1));
	}
	if (page < pages) {
		tdict_set_ref(p, "next", listing_href(a, l, page + 1));
		tdict_set_ref(p, "last", listing_href(a, l, pages));
	}
	long from = page - PAGER_WINDOW > 1 ? page - PAGER_WINDOW : 1;
	long to = page + PAGER_WINDOW < pages ? page + PAGER_WINDOW : pages;
	tdict_set_bool(p, "gap_before", from > 1);
	tdict_set_bool(p, "gap_after", to < pages);
	struct tlist *nums = tdict_list(p, "numbers");
	for (long n = from; n <= to; n++) {
		struct tdict *d = tlist_add(nums);
		tdict_setf(d, "n", "%ld", n);
		tdict_set_ref(d, "href", listing_href(a, l, n));
		tdict_set_bool(d, "current", n == page);
	}
}

/* The first character of s (a placeholder picture's letter). */
const char *product_initial(struct arena *a, const char *s)
{
	size_t len = 0;
	if (s != NULL && s[0] != '\0')
		for (len = 1; (s[len] & 0xc0) == 0x80; len++)
			;
	return arena_strndup(a, s != NULL ? s : "", len);
}

/* The product cards. */
static void products_ctx(struct arena *a, struct tdict *ctx, const struct product *prods, size_t n)
{
	struct tlist *pl = tdict_list(ctx, "products");
	for (size_t i = 0; i < n; i++) {
		struct tdict *p = tlist_add(pl);
		tdict_setf(p, "id", "%lld", prods[i].id);
		tdict_set_ref(p, "name", prods[i].name);
		tdict_set_ref(p, "category", prods[i].category_name);
		tdict_set_ref(p, "price", format_price(a, prods[i].price_cents));
		tdict_set_bool(p, "in_stock", prods[i].stock > 0);
		tdict_set_ref_if(p, "image", prods[i].image_hash);
		tdict_set_ref(p, "initial", product_initial(a, prods[i].name));
	}
}

/* The sort links, the search form's kept fields and the category links. */
static void listing_ctx(struct arena *a, struct tdict *ctx, const struct listing *l,
                        const struct category *cats, size_t ncats)
{
	static const char *const labels[CATALOG_SORT__MAX] = {
	    [CATALOG_SORT_NEW] = "Newest",
	    [CATALOG_SORT_PRICE] = "Price, low to high",
	    [CATALOG_SORT_PRICE_DESC] = "Price, high to low",
	    [CATALOG_SORT_NAME] = "Name",
	};
	struct tlist *sl = tdict_list(ctx, "sorts");
	for (int i = 0; i < CATALOG_SORT__MAX; i++) {
		struct listing o = *l;
		o.sort = (enum catalog_sort)i;
		struct tdict *d = tlist_add(sl);
		tdict_set_ref(d, "label", labels[i]);
		tdict_set_ref(d, "href", listing_href(a, &o, 1));
		tdict_set_bool(d, "current", o.sort == l->sort);
	}
	if (l->sort != CATALOG_SORT_NEW)
		tdict_set_ref(ctx, "sort", catalog_sort_names[l->sort]);
	tdict_set_ref_if(ctx, "q", l->q);
	struct tlist *cl = tdict_list(ctx, "categories");
	for (size_t i = 0; i < ncats; i++) {
		struct listing o = {&cats[i], l->sort, l->q};
		struct tdict *c = tlist_add(cl);
		tdict_set_ref(c, "href", listing_href(a, &o, 1));
		tdict_set_ref(c, "name", cats[i].name);
		if (&cats[i] == l->category)
			tdict_set_bool(c, "selected", true);
	}
	struct listing all = {NULL, l->sort, l->q};
	tdict_set_ref(ctx, "all_href", listing_href(a, &all, 1));
	if (l->category != NULL) {
		tdict_set_ref(ctx, "category", l->category->slug);
		tdict_set_ref(ctx, "category_name", l->category->name);
	}
}

/*
 * What a search that found nothing suggests: the same words in every category (when one was
 * chosen), each word alone (when there were several), and the categories to browse, which
 * listing_ctx lists.
 */
static void suggestions_ctx(struct arena *a, struct tdict *ctx, const struct listing *l)
{
	struct tdict *s = tdict_dict(ctx, "no_match");
	tdict_set_ref(s, "q", l->q);
	if (l->category != NULL) {
		struct listing all = {NULL, l->sort, l->q};
		tdict_set_ref(s, "everywhere", listing_href(a, &all, 1));
	}
	const char *word[6];
	size_t nwords = 0;
	for (const char *p = l->q; *p != '\0' && nwords < 6;) {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t");
		if (len == 0)
			break;
		word[nwords++] = arena_strndup(a, p, len);
		p += len;
	}
	if (nwords < 2)
		return;
	struct tlist *words = tdict_list(s, "words");
	for (size_t i = 0; i < nwords; i++) {
		struct listing one = {NULL, l->sort, word[i]};
		struct tdict *w = tlist_add(words);
		tdict_set_ref(w, "word", word[i]);
		tdict_set_ref(w, "href", listing_href(a, &one, 1));
	}
}

/* The trimmed search words, NULL for none; *ok false when they are not a search we take. */
static const char *search_of(struct arena *a, const char *q, bool *ok)
{
	*ok = true;
	if (q == NULL)
		return NULL;
	while (*q == ' ' || *q == '\t')
		q++;
	size_t len = strlen(q);
	while (len > 0 && (q[len - 1] == ' ' || q[len - 1] == '\t'))
		len--;
	if (len == 0)
		return NULL;
	const char *t = arena_strndup(a, q, len);
	*ok = valid_text(t, CATALOG_QUERY_MAX);
	return t;
}

int handle_catalog(struct request *req, struct response *res)
{
	long page;
	bool q_ok;
	struct listing l = {NULL, CATALOG_SORT_NEW, NULL};
	const char *cat = http_query(req, "category");
	const char *sort = http_query(req, "sort");
	l.q = search_of(req->arena, http_query(req, "q"), &q_ok);
	if (!valid_page(http_query(req, "page"), &page) || !q_ok ||
	    (cat != NULL && *cat != '\0' && !valid_slug(cat)) ||
	    (sort != NULL && *sort != '\0' && !catalog_sort_parse(sort, &l.sort))) {
		view_error(req, res, 400);
		return 0;
	}
	if (cat != NULL && *cat == '\0')
		cat = NULL;
	int size = req->cfg->page_size;
	/* From the worker's cache while the catalogue is the version the session statement saw:
	 * then this page costs that one statement, and its body is rendered once per version. */
	long long version = req->session != NULL ? req->session->catalog_version : 0;
	const struct category *cats;
	const struct product *prods;
	size_t ncats, nprods;
	if (catalog_categories(req->db, req->arena, version, &cats, &ncats) < 0)
		return -1;
	long long total = 0;
	for (size_t i = 0; i < ncats; i++) {
		total += cats[i].products;
		if (cat != NULL && strcmp(cat, cats[i].slug) == 0)
			l.category = &cats[i];
	}
	if (cat != NULL && l.category == NULL) {
		view_error(req, res, 404);
		return 0;
	}
	if (l.category != NULL)
		total = l.category->products;
	long long category_id = l.category != NULL ? l.category->id : 0;
	long long offset = (long long)(page - 1) * size;
	/* A page past the last is not found (never "page 999 of 42"); known before any product is
	 * read when browsing, after the count when searching. */
	if (l.q == NULL && page > 1 && offset >= total) {
		view_error(req, res, 404);
		return 0;
	}
	res->no_store = false;
	struct tdict *ctx = view_ctx(req, l.q != NULL ? "Search" : "Catalogue");
	/* Per customer, so outside the body kept per catalogue version: the layout shows it. */
	if (recommend_ctx(req, ctx) < 0)
		return -1;
	/* Searches bypass the kept bodies: their words are the customer's, without bound. */
	if (l.q == NULL) {
		const char *kept = catalog_body(version, category_id, l.sort, page);
		if (kept != NULL)
			return view_render_content(req, res, 200, kept, ctx);
		if (catalog_page(req->db, req->arena, version, category_id, l.sort, size, offset,
		                 &prods, &nprods) < 0)
			return -1;
	} else {
		struct product *found;
		if (db_product_search(req->db, req->arena, l.q, category_id, l.sort, size, offset,
		                      &found, &nprods, &total) < 0)
			return -1;
		prods = found;
		if (page > 1 && offset >= total) {
			view_error(req, res, 404);
			return 0;
		}
		if (total == 0)
			suggestions_ctx(req->arena, ctx, &l);
	}
	listing_ctx(req->arena, ctx, &l, cats, ncats);
	products_ctx(req->arena, ctx, prods, nprods);
	tdict_setf(ctx, "total", "%lld", total);
	tdict_set_bool(ctx, "one", total == 1);
	pager_ctx(req->arena, ctx, &l, page, total > 0 ? (long)((total + size - 1) / size) : 1);
	struct buf body = {0};
	int rc = view_render_body(req, "catalog", ctx, &body);
	if (rc == 0) {
		if (l.q == NULL)
			catalog_body_keep(version, category_id, l.sort, page,
			                  body.data ? body.data : "", body.len);
		rc = view_render_content(req, res, 200, body.data ? body.data : "", ctx);
	}
	buf_free(&body);
	return rc;
}

/*
 * Whether a product page view was the customer's own doing, so it may shape their viewing
 * profile: a link or form on another site (Sec-Fetch-Site: cross-site, or same-site for a
 * sibling host) must not.  "same-origin" is a click in the shop, "none" an address typed or a
 * bookmark.  A browser that predates Fetch Metadata sends no header: counted, as before, since
 * nothing tells its views apart (every current browser sends it).
 */
static bool view_is_own(const struct request *req)
{
	const char *s = req->fetch_site;
	return s == NULL || s[0] == '\0' || strcmp(s, "same-origin") == 0 || strcmp(s, "none") == 0;
}

int handle_product(struct request *req, struct response *res)
{
	long long id;
	const struct product *p;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	long long version = req->session != NULL ? req->session->catalog_version : 0;
	int found = catalog_product(req->db, req->arena, version, id, &p);
	if (found < 0)
		return -1;
	if (found == 1) {
		view_error(req, res, 404);
		return 0;
	}
	/* The viewing profile, written by the worker within a second (batch.h); skipped then if
	 * the customer opted out or the policy version they accepted does not allow profiling. */
	if (req->session != NULL && view_is_own(req))
		batch_view(req->session->customer_id, p->id);
	struct tdict *ctx = view_ctx(req, p->name);
	tdict_set(ctx, "csrf", csrf_token(req, res));
	struct tdict *d = tdict_dict(ctx, "product");
	tdict_setf(d, "id", "%lld", p->id);
	tdict_set_ref(d, "name", p->name);
	tdict_set_ref(d, "sku", p->sku);
	tdict_set_ref(d, "description", p->description);
	tdict_set_ref(d, "category", p->category_name);
	tdict_set_ref(d, "category_slug", p->category_slug);
	tdict_set_ref(d, "price", format_price(req->arena, p->price_cents));
	/* How many are left is read now: the cached product only knows whether any are. */
	long long stock;
	if (db_product_stock(req->db, req->arena, p->id, &stock) < 0)
		return -1;
	tdict_setf(d, "stock", "%lld", stock);
	tdict_set_bool(d, "in_stock", stock > 0);
	tdict_set_ref(d, "initial", product_initial(req->arena, p->name));
	struct tlist *il = tdict_list(d, "images");
	for (size_t i = 0; i < p->nimages; i++) {
		const struct product_image *im = &p->images[i];
		struct tdict *g = tlist_add(il);
		tdict_set_ref(g, "hash", im->hash);
		tdict_setf(g, "width", "%d", im->width);
		tdict_setf(g, "height", "%d", im->height);
		/* An image without its own words is a picture of the product: its name says it. */
		tdict_set_ref(g, "alt", im->alt[0] != '\0' ? im->alt : p->name);
		tdict_set_bool(g, "first", i == 0);
	}
	/* Only the first image of a product without product_images rows: its shape is unknown,
	 * so it is shown square, cropped. */
	if (p->nimages == 0)
		tdict_set_ref_if(d, "image", p->image_hash);
	res->no_store = false;
	return view_render(req, res, 200, "product", ctx);
}
