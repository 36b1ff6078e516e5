/* catalog.c — GET /catalog and GET /product/{id}: the merchandise. */
#include "routes.h"

#include <string.h>

#include "../app/batch.h"
#include "../app/catalog_cache.h"
#include "../app/config.h"
#include "../app/db/catalog.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

const char *format_price(struct arena *a, long long cents)
{
	return arena_printf(a, "%lld.%02lld", cents / 100, cents % 100);
}

int handle_catalog(struct request *req, struct response *res)
{
	long page;
	const char *cat = http_query(req, "category");
	if (!valid_page(http_query(req, "page"), &page) ||
	    (cat != NULL && *cat != '\0' && !valid_slug(cat))) {
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
	const struct category *selected = NULL;
	long long total = 0;
	for (size_t i = 0; i < ncats; i++) {
		total += cats[i].products;
		if (cat != NULL && strcmp(cat, cats[i].slug) == 0)
			selected = &cats[i];
	}
	if (cat != NULL && selected == NULL) {
		view_error(req, res, 404);
		return 0;
	}
	res->no_store = false;
	struct tdict *ctx = view_ctx(req, "Catalogue");
	long long category_id = selected != NULL ? selected->id : 0;
	const char *kept = catalog_body(version, category_id, page);
	if (kept != NULL)
		return view_render_content(req, res, 200, kept, ctx);

	struct tlist *cl = tdict_list(ctx, "categories");
	for (size_t i = 0; i < ncats; i++) {
		struct tdict *c = tlist_add(cl);
		tdict_set_ref(c, "slug", cats[i].slug);
		tdict_set_ref(c, "name", cats[i].name);
		if (&cats[i] == selected)
			tdict_set_bool(c, "selected", true);
	}
	if (selected != NULL)
		total = selected->products;
	if (catalog_page(req->db, req->arena, version, category_id, size,
	                 (long long)(page - 1) * size, &prods, &nprods) < 0)
		return -1;
	struct tlist *pl = tdict_list(ctx, "products");
	for (size_t i = 0; i < nprods; i++) {
		struct tdict *p = tlist_add(pl);
		tdict_setf(p, "id", "%lld", prods[i].id);
		tdict_set_ref(p, "name", prods[i].name);
		tdict_set_ref(p, "category", prods[i].category_name);
		tdict_set_ref(p, "price", format_price(req->arena, prods[i].price_cents));
		tdict_set_bool(p, "in_stock", prods[i].stock > 0);
	}
	long pages = (long)((total + size - 1) / size);
	tdict_setf(ctx, "total", "%lld", total);
	view_pager(ctx, page, page < pages);
	tdict_setf(ctx, "pages", "%ld", pages > 0 ? pages : 1);
	if (selected != NULL) {
		tdict_set_ref(ctx, "category", selected->slug);
		tdict_set_ref(ctx, "category_name", selected->name);
	}
	struct buf body = {0};
	int rc = view_render_body(req, "catalog", ctx, &body);
	if (rc == 0) {
		catalog_body_keep(version, category_id, page, body.data ? body.data : "", body.len);
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
	tdict_setf(d, "stock", "%lld", p->stock);
	tdict_set_bool(d, "in_stock", p->stock > 0);
	res->no_store = false;
	return view_render(req, res, 200, "product", ctx);
}
