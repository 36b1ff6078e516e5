/* staff_products.c — the admin's catalogue at /admin/products: the product list and a form to
 * add one, each product's page (its fields, a stock adjustment with its reason and history,
 * its images: upload and remove).  Every change goes through app/catalog_admin.c, the code
 * `dittoctl product` runs, in one transaction with its audit row; the shop shows it on its
 * next request (the catalogue version moves in the same transaction). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/catalog_admin.h"
#include "../app/db/db.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define PRODUCTS_PAGE    50
#define HISTORY_SHOWN    50
#define STOCK_CHANGE_MAX 1000000LL

/* "12.50" from cents, in the arena. */
static const char *money(struct request *req, long long cents)
{
	return arena_printf(req->arena, "%lld.%02lld", cents / 100, cents % 100);
}

/* The error summary's entry for a refused field: the message links to the field. */
static void summary_add(struct request *req, struct tdict *ctx, const char *field, const char *text)
{
	view_field_error(req, ctx, field, text);
	struct tdict *e = tlist_add(tdict_list(ctx, "errors"));
	tdict_set_ref(e, "field", field);
	tdict_set_ref(e, "text", text);
}

/* The form's fields in ctx: p's values, or where typed[] has one, what was typed (a form
 * shown again after an error keeps what the admin wrote). */
static int fields_ctx(struct request *req, struct tdict *ctx, const struct admin_product *p,
                      const char *const typed[PF__MAX])
{
	struct admin_category *c;
	size_t n;
	if (db_admin_category_list(req->db, req->arena, &c, &n) < 0)
		return -1;
	const char *cat = typed != NULL && typed[PF_CATEGORY] != NULL ? typed[PF_CATEGORY] : NULL;
	struct tlist *l = tdict_list(ctx, "categories");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_set_ref(d, "slug", c[i].slug);
		tdict_set_ref(d, "name", c[i].name);
		tdict_set_bool(d, "selected",
		               cat != NULL ? strcmp(cat, c[i].slug) == 0
		                           : c[i].id == p->category_id);
	}
	const char *shown[PF__MAX] = {
	    [PF_SKU] = p->sku,
	    [PF_NAME] = p->name,
	    [PF_DESCRIPTION] = p->description,
	    [PF_PRICE] = p->price_cents > 0 ? money(req, p->price_cents) : "",
	    [PF_STOCK] = arena_printf(req->arena, "%lld", p->stock),
	    [PF_WEIGHT] = arena_printf(req->arena, "%lld", p->weight_grams),
	};
	for (int f = PF_SKU; f < PF_ACTIVE; f++) {
		const char *v = typed != NULL && typed[f] != NULL ? typed[f] : shown[f];
		tdict_set(ctx, product_field_names[f], v != NULL ? v : "");
	}
	bool active = p->active;
	if (typed != NULL && typed[PF_ACTIVE] != NULL)
		active = strcmp(typed[PF_ACTIVE], "no") != 0;
	tdict_set_bool(ctx, "active", active);
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	return 0;
}

/* The list page with its add form (ctx may hold typed values and errors). */
static int list_page(struct request *req, struct response *res, struct tdict *ctx, int status,
                     const char *const typed[PF__MAX])
{
	long page;
	if (!valid_page(http_query(req, "page"), &page)) {
		view_error(req, res, 400);
		return 0;
	}
	struct admin_product *v;
	size_t n;
	long long total;
	if (db_admin_product_list(req->db, req->arena, (page - 1) * PRODUCTS_PAGE, PRODUCTS_PAGE,
	                          &v, &n, &total) < 0)
		return -1;
	long pages = total > 0 ? (long)((total + PRODUCTS_PAGE - 1) / PRODUCTS_PAGE) : 1;
	if (page > pages) {
		view_error(req, res, 404);
		return 0;
	}
	struct tlist *l = tdict_list(ctx, "products");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "id", "%lld", v[i].id);
		tdict_set_ref(d, "sku", v[i].sku);
		tdict_set_ref(d, "name", v[i].name);
		tdict_set_ref(d, "category", v[i].category);
		tdict_set_ref(d, "price", money(req, v[i].price_cents));
		tdict_setf(d, "stock", "%lld", v[i].stock);
		tdict_set_ref(d, "active", v[i].active ? "yes" : "no");
		tdict_set_ref_if(d, "image", v[i].image_hash);
	}
	view_pager(ctx, page, page < pages);
	tdict_setf(ctx, "pages", "%ld", pages);
	tdict_set_bool(ctx, "adding", true);
	struct admin_product blank = {.active = true};
	if (fields_ctx(req, ctx, &blank, typed) < 0)
		return -1;
	res->no_store = true;
	return view_render(req, res, status, "admin/products", ctx);
}

int handle_staff_products(struct request *req, struct response *res)
{
	return list_page(req, res, view_ctx(req, "Products"), 200, NULL);
}

/* The typed product fields of the form (absent ones NULL). */
static void typed_fields(struct request *req, const char *typed[PF__MAX], bool adding)
{
	for (int f = 0; f < PF__MAX; f++)
		typed[f] = f == PF_STOCK && !adding ? NULL : http_form(req, product_field_names[f]);
}

/* Marks every refused field of err in ctx. */
static void field_errors(struct request *req, struct tdict *ctx, const char *err[PF__MAX])
{
	for (int f = 0; f < PF__MAX; f++)
		if (err[f] != NULL)
			summary_add(req, ctx, product_field_names[f], err[f]);
}

int handle_staff_product_add(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Products");
	const char *typed[PF__MAX];
	const char *err[PF__MAX];
	typed_fields(req, typed, true);
	struct admin_product base = {0}, p;
	int ok = catalog_product_check(req->db, req->arena, typed, true, &base, &p, err);
	if (ok < 0)
		return -1;
	if (ok == 0) {
		tdict_set(ctx, "title", "Error: Products");
		field_errors(req, ctx, err);
		return list_page(req, res, ctx, 422, typed);
	}
	struct audit_event ev = {.action = "product_add"};
	staff_audit_fill(req, &ev);
	long long id = 0;
	switch (catalog_product_add(req->db, &p, &ev, &id)) {
	case DB_CHANGED:
		break;
	case DB_UNCHANGED:
		tdict_set(ctx, "title", "Error: Products");
		summary_add(req, ctx, "sku", "A product with this SKU exists already.");
		return list_page(req, res, ctx, 422, typed);
	case DB_REFUSED:
		tdict_set(ctx, "title", "Error: Products");
		summary_add(req, ctx, "category", "Choose a category that exists.");
		return list_page(req, res, ctx, 422, typed);
	default:
		return -1;
	}
	/* See the new product's page (a reload does not post the form again). */
	res->status = 303;
	http_header(res, "Location", arena_printf(req->arena, "/admin/products/%lld", id));
	return 0;
}

/* The product's page: its fields (typed ones kept), stock and history, images. */
static int product_page(struct request *req, struct response *res, struct tdict *ctx, int status,
                        const struct admin_product *p, const char *const typed[PF__MAX])
{
	tdict_setf(ctx, "id", "%lld", p->id);
	tdict_set_ref(ctx, "product_name", p->name);
	tdict_set_ref(ctx, "product_sku", p->sku);
	tdict_setf(ctx, "current_stock", "%lld", p->stock);
	if (fields_ctx(req, ctx, p, typed) < 0)
		return -1;
	struct stock_adjustment *adj;
	size_t na;
	if (db_admin_stock_history(req->db, req->arena, p->id, HISTORY_SHOWN, &adj, &na) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "adjustments");
	for (size_t i = 0; i < na; i++) {
		struct tdict *d = tlist_add(l);
		tdict_set_ref(d, "when", adj[i].created_at);
		tdict_setf(d, "delta", "%+lld", adj[i].delta);
		tdict_setf(d, "after", "%lld", adj[i].stock_after);
		tdict_set_ref(d, "reason", adj[i].reason);
		tdict_set_ref(d, "by", adj[i].adjusted_by);
	}
	tdict_set_bool(ctx, "has_adjustments", na > 0);
	struct product_image *im;
	size_t ni;
	if (db_admin_image_list(req->db, req->arena, p->id, &im, &ni) < 0)
		return -1;
	struct tlist *il = tdict_list(ctx, "images");
	for (size_t i = 0; i < ni; i++) {
		struct tdict *d = tlist_add(il);
		tdict_set_ref(d, "hash", im[i].hash);
		tdict_set_ref(d, "alt", im[i].alt);
		tdict_setf(d, "position", "%d", im[i].position);
		tdict_setf(d, "width", "%d", im[i].width);
		tdict_setf(d, "height", "%d", im[i].height);
		tdict_set_bool(d, "main", im[i].position == 0);
	}
	res->no_store = true;
	return view_render(req, res, status, "admin/product", ctx);
}

/* What a done action's redirect says on the product's page (?done=KEY): fixed texts, so the
 * query carries no text of its own. */
static const struct {
	const char *key, *text;
} done_texts[] = {
    {"saved", "Saved. The shop shows the change on its next page."},
    {"unchanged", "Nothing changed: the product has these values already."},
    {"stock", "Stock adjusted: the history below has the change and its reason."},
    {"image_added", "Image added, without its metadata, at 320, 640 and 1280 pixels."},
    {"image_exists", "The product has this image already: nothing was added."},
    {"image_removed", "Image removed."},
};

/* Sends the browser to product id's page after a done action (303: a reload does not post
 * again), whose message done names. Returns 0. */
static int done_redirect(struct request *req, struct response *res, long long id, const char *done)
{
	res->status = 303;
	http_header(res, "Location",
	            arena_printf(req->arena, "/admin/products/%lld?done=%s", id, done));
	return 0;
}

/* Loads product {id} of the path into p. Returns 1 when found; 0 after answering 404; -1. */
static int path_product(struct request *req, struct response *res, struct admin_product *p)
{
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	int got = db_admin_product_get(req->db, req->arena, id, NULL, p);
	if (got < 0)
		return -1;
	if (got == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	return 1;
}

int handle_staff_product(struct request *req, struct response *res)
{
	struct admin_product p;
	int found = path_product(req, res, &p);
	if (found <= 0)
		return found;
	struct tdict *ctx = view_ctx(req, p.name);
	const char *done = http_query(req, "done");
	for (size_t i = 0; done != NULL && i < sizeof(done_texts) / sizeof(done_texts[0]); i++)
		if (strcmp(done, done_texts[i].key) == 0)
			tdict_set_ref(ctx, "message", done_texts[i].text);
	return product_page(req, res, ctx, 200, &p, NULL);
}

int handle_staff_product_edit(struct request *req, struct response *res)
{
	struct admin_product base, p;
	int found = path_product(req, res, &base);
	if (found <= 0)
		return found;
	struct tdict *ctx = view_ctx(req, base.name);
	const char *typed[PF__MAX];
	const char *err[PF__MAX];
	typed_fields(req, typed, false);
	int ok = catalog_product_check(req->db, req->arena, typed, false, &base, &p, err);
	if (ok < 0)
		return -1;
	if (ok == 0) {
		tdict_set(ctx, "title", arena_printf(req->arena, "Error: %s", base.name));
		field_errors(req, ctx, err);
		return product_page(req, res, ctx, 422, &base, typed);
	}
	struct audit_event ev = {.action = "product_edit"};
	staff_audit_fill(req, &ev);
	switch (catalog_product_edit(req->db, &p, &ev)) {
	case DB_CHANGED:
		return done_redirect(req, res, p.id, "saved");
	case DB_UNCHANGED:
		return done_redirect(req, res, p.id, "unchanged");
	case DB_NOT_FOUND:
		view_error(req, res, 404);
		return 0;
	case DB_REFUSED:
		tdict_set(ctx, "title", arena_printf(req->arena, "Error: %s", base.name));
		summary_add(req, ctx, "sku", "Another product has this SKU.");
		return product_page(req, res, ctx, 422, &base, typed);
	default:
		return -1;
	}
}

/* A change of stock as typed: a whole number, not 0, within +-STOCK_CHANGE_MAX. */
static bool valid_delta(const char *s, long long *out)
{
	if (s == NULL || *s == '\0')
		return false;
	const char *p = s + (*s == '-' || *s == '+');
	long long v = 0;
	size_t n = 0;
	for (; p[n] >= '0' && p[n] <= '9'; n++) {
		if (n >= 7)
			return false;
		v = v * 10 + (p[n] - '0');
	}
	if (n == 0 || p[n] != '\0' || v == 0 || v > STOCK_CHANGE_MAX)
		return false;
	*out = *s == '-' ? -v : v;
	return true;
}

int handle_staff_product_stock(struct request *req, struct response *res)
{
	struct admin_product p;
	int found = path_product(req, res, &p);
	if (found <= 0)
		return found;
	struct tdict *ctx = view_ctx(req, p.name);
	const char *delta_s = http_form(req, "delta");
	const char *reason = http_form(req, "reason");
	long long delta = 0;
	bool ok = true;
	if (!valid_delta(delta_s, &delta)) {
		summary_add(req, ctx, "delta",
		            "Enter the change as a whole number, e.g. 10 or -3 (not 0).");
		ok = false;
	}
	if (!valid_text(reason, STOCK_REASON_MAX)) {
		summary_add(req, ctx, "reason",
		            "Enter the reason for the change, at most 200 characters.");
		ok = false;
	}
	long long after = p.stock;
	if (ok) {
		struct audit_event ev = {.action = "product_stock"};
		staff_audit_fill(req, &ev);
		int rc = catalog_stock_adjust(req->db, p.id, delta, reason, req->staff->username,
		                              &ev, &after);
		if (rc < 0)
			return -1;
		if (rc == DB_NOT_FOUND) {
			view_error(req, res, 404);
			return 0;
		}
		if (rc == DB_REFUSED) {
			summary_add(
			    req, ctx, "delta",
			    arena_printf(req->arena,
			                 "The stock is %lld: a change of %+lld would take it "
			                 "below 0 (or above 1000000).",
			                 after, delta));
			ok = false;
		}
	}
	if (!ok) {
		tdict_set(ctx, "title", arena_printf(req->arena, "Error: %s", p.name));
		tdict_set(ctx, "delta", delta_s);
		tdict_set(ctx, "reason", reason);
		p.stock = after;
		return product_page(req, res, ctx, 422, &p, NULL);
	}
	return done_redirect(req, res, p.id, "stock");
}

int handle_staff_product_image_add(struct request *req, struct response *res)
{
	struct admin_product p;
	int found = path_product(req, res, &p);
	if (found <= 0)
		return found;
	struct tdict *ctx = view_ctx(req, p.name);
	const struct upload *up = uploads_get(&req->files, "image");
	const char *alt = http_form(req, "alt");
	bool ok = true;
	if (alt == NULL)
		alt = "";
	if (alt[0] != '\0' && !valid_text(alt, IMAGE_ALT_MAX)) {
		summary_add(req, ctx, "alt",
		            "Describe the image in one line of at most 200 "
		            "characters, or leave it empty.");
		ok = false;
	}
	if (up == NULL || up->len == 0) {
		summary_add(req, ctx, "image", image_result_text(IMAGE_EMPTY));
		ok = false;
	}
	int status = 422;
	struct image_added done = {0};
	if (ok) {
		struct audit_event ev = {.action = "product_image_add"};
		staff_audit_fill(req, &ev);
		if (catalog_image_add(req->db, req->cfg->image_dir, p.id, up->data, up->len, alt,
		                      -1, &ev, &done) < 0)
			return -1;
		if (done.refused != IMAGE_OK) {
			summary_add(req, ctx, "image", image_result_text(done.refused));
			/* 413 for a file too large: the same answer as nginx gives a larger body.
			 */
			status = done.refused == IMAGE_TOO_LARGE ? 413 : 422;
			ok = false;
		} else if (done.outcome == DB_REFUSED) {
			summary_add(req, ctx, "image",
			            "The product has 32 images already. Remove one first.");
			ok = false;
		} else if (done.outcome == DB_NOT_FOUND) {
			view_error(req, res, 404);
			return 0;
		}
	}
	if (!ok) {
		tdict_set(ctx, "title", arena_printf(req->arena, "Error: %s", p.name));
		tdict_set(ctx, "alt", alt);
		return product_page(req, res, ctx, status, &p, NULL);
	}
	return done_redirect(req, res, p.id,
	                     done.outcome == DB_UNCHANGED ? "image_exists" : "image_added");
}

int handle_staff_product_image_remove(struct request *req, struct response *res)
{
	struct admin_product p;
	int found = path_product(req, res, &p);
	if (found <= 0)
		return found;
	long long pos;
	const char *ps = http_param(req, 1);
	if (strcmp(ps, "0") == 0)
		pos = 0;
	else if (!valid_id(ps, &pos) || pos >= PRODUCT_MAX_IMAGES) {
		view_error(req, res, 404);
		return 0;
	}
	struct audit_event ev = {.action = "product_image_remove"};
	staff_audit_fill(req, &ev);
	int rc = catalog_image_remove(req->db, req->cfg->image_dir, p.id, (int)pos, &ev);
	if (rc < 0)
		return -1;
	struct tdict *ctx = view_ctx(req, p.name);
	if (rc == DB_NOT_FOUND) {
		tdict_setf(ctx, "message",
		           "There is no image at position %lld: nothing was removed.", pos);
		return product_page(req, res, ctx, 409, &p, NULL);
	}
	return done_redirect(req, res, p.id, "image_removed");
}
