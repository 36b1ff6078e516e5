/* cart.c — GET /cart and POST /cart: the customer's server-side cart. */
#include "routes.h"

#include <string.h>

#include "../app/db/catalog.h"
#include "../app/db/shop.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

#define CART_MAX_QUANTITY 99

/* Fills ctx with the cart lines and total; *total_cents and *n get the sums. */
int cart_ctx(struct request *req, struct tdict *ctx, struct cart_line **lines, size_t *n,
             long long *total_cents)
{
	if (db_cart_list(req->db, req->arena, req->session->customer_id, lines, n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "lines");
	long long total = 0;
	for (size_t i = 0; i < *n; i++) {
		const struct cart_line *c = &(*lines)[i];
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "product_id", "%lld", c->product_id);
		tdict_set_ref(d, "name", c->name);
		tdict_set_ref(d, "sku", c->sku);
		tdict_setf(d, "quantity", "%lld", c->quantity);
		tdict_set_ref(d, "price", format_price(req->arena, c->unit_price_cents));
		tdict_set_ref(d, "subtotal",
		              format_price(req->arena, c->unit_price_cents * c->quantity));
		if (!c->active || c->stock < c->quantity)
			tdict_set(d, "short",
			          !c->active || c->stock == 0
			              ? "No longer available."
			              : arena_printf(req->arena, "Only %lld left.", c->stock));
		total += c->unit_price_cents * c->quantity;
	}
	tdict_set_ref(ctx, "total", format_price(req->arena, total));
	tdict_set_bool(ctx, "empty", *n == 0);
	*total_cents = total;
	return 0;
}

static int show(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	struct cart_line *lines;
	size_t n;
	long long total;
	if (cart_ctx(req, ctx, &lines, &n, &total) < 0)
		return -1;
	tdict_set(ctx, "csrf", csrf_token(req, res));
	return view_render(req, res, status, "cart", ctx);
}

int handle_cart(struct request *req, struct response *res)
{
	return show(req, res, view_ctx(req, "Your cart"), 200);
}

int handle_cart_update(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Your cart");
	long long product_id, quantity;
	const char *q = http_form(req, "quantity");
	if (!valid_id(http_form(req, "product_id"), &product_id)) {
		view_form_error(req, ctx, "Choose a product from the catalogue.");
		return show(req, res, ctx, 422);
	}
	if (q != NULL && strcmp(q, "0") == 0)
		quantity = 0;
	else if (!valid_id(q, &quantity) || quantity > CART_MAX_QUANTITY) {
		view_form_error(req, ctx, "Enter a quantity from 0 to 99 (0 removes it).");
		return show(req, res, ctx, 422);
	}
	struct product p;
	int found = db_product_get(req->db, req->arena, product_id, &p);
	if (found < 0)
		return -1;
	if (found == 1) {
		view_form_error(req, ctx, "That product is not available.");
		return show(req, res, ctx, 422);
	}
	if (quantity > p.stock) {
		view_form_error(req, ctx,
		                p.stock == 0 ? "That product is sold out."
		                             : arena_printf(req->arena, "Only %lld of %s are left.",
		                                            p.stock, p.name));
		return show(req, res, ctx, 422);
	}
	if (db_cart_set(req->db, req->session->customer_id, product_id, quantity) < 0)
		return -1;
	http_redirect(res, "/cart");
	return 0;
}
