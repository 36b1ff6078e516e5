/* cart.c — GET /cart and POST /cart: the customer's server-side cart. */
#include "routes.h"

#include <string.h>

#include "../app/db/catalog.h"
#include "../app/db/shop.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

#define CART_MAX_QUANTITY 99

/* Fills ctx with the cart lines and total; *total_cents and *n get the sums.  A line the shop
 * cannot sell as it stands (the product withdrawn, sold out, or fewer left than the line asks
 * for) is flagged and left out of the total; ctx's "excluded" says so, and checkout refuses the
 * cart until the customer changes it. */
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
		if (cart_line_short(c)) {
			tdict_set(d, "short",
			          !c->active ? "No longer available: not in the total."
			          : c->stock == 0
			              ? "Sold out: not in the total."
			              : arena_printf(req->arena,
			                             "Only %lld left: not in the total.",
			                             c->stock));
			tdict_set_bool(ctx, "excluded", true);
			continue;
		}
		total += c->unit_price_cents * c->quantity;
	}
	tdict_set_ref(ctx, "total", format_price(req->arena, total));
	tdict_set_bool(ctx, "empty", *n == 0);
	*total_cents = total;
	return 0;
}

bool cart_line_short(const struct cart_line *c)
{
	return !c->active || c->stock < c->quantity;
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
	struct tdict *ctx = view_ctx(req, "Your cart");
	const char *added = http_query(req, "added");
	long long id = 0;
	if (added != NULL && !valid_id(added, &id)) {
		view_error(req, res, 400);
		return 0;
	}
	struct cart_line *lines;
	size_t n;
	long long total;
	if (cart_ctx(req, ctx, &lines, &n, &total) < 0)
		return -1;
	/* After "Add to cart" (?added=ID): how many of it the cart holds now. */
	for (size_t i = 0; id > 0 && i < n; i++)
		if (lines[i].product_id == id)
			tdict_set(ctx, "added",
			          arena_printf(req->arena, "%lld × %s in your cart.",
			                       lines[i].quantity, lines[i].name));
	tdict_set(ctx, "csrf", csrf_token(req, res));
	return view_render(req, res, 200, "cart", ctx);
}

int handle_cart_update(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Your cart");
	long long product_id, quantity, held = 0;
	const char *q = http_form(req, "quantity");
	/* "Add to cart" on a product page adds to what the cart holds; the cart's own form sets
	 * the quantity. */
	const char *add = http_form(req, "add");
	bool adding = add != NULL && strcmp(add, "1") == 0;
	if (add != NULL && !adding) {
		view_error(req, res, 400);
		return 0;
	}
	if (!valid_id(http_form(req, "product_id"), &product_id)) {
		view_form_error(req, ctx, "Choose a product from the catalogue.");
		return show(req, res, ctx, 422);
	}
	if (q != NULL && strcmp(q, "0") == 0 && !adding)
		quantity = 0;
	else if (!valid_id(q, &quantity) || quantity > CART_MAX_QUANTITY) {
		view_form_error(req, ctx,
		                adding ? "Enter a quantity from 1 to 99."
		                       : "Enter a quantity from 0 to 99 (0 removes it).");
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
	if (adding) {
		if (db_cart_quantity(req->db, req->arena, req->session->customer_id, product_id,
		                     &held) < 0)
			return -1;
		if (held + quantity > CART_MAX_QUANTITY) {
			view_form_error(
			    req, ctx,
			    arena_printf(req->arena,
			                 "Your cart holds %lld of %s already: at most %d "
			                 "of one product fit in it.",
			                 held, p.name, CART_MAX_QUANTITY));
			return show(req, res, ctx, 422);
		}
		quantity += held;
	}
	if (quantity > p.stock) {
		view_form_error(
		    req, ctx,
		    p.stock == 0 ? "That product is sold out."
		    : held > 0
		        ? arena_printf(req->arena,
		                       "Only %lld of %s are left, and your cart holds %lld.",
		                       p.stock, p.name, held)
		        : arena_printf(req->arena, "Only %lld of %s are left.", p.stock, p.name));
		return show(req, res, ctx, 422);
	}
	if (db_cart_set(req->db, req->session->customer_id, product_id, quantity) < 0)
		return -1;
	if (adding)
		http_redirect(res, arena_printf(req->arena, "/cart?added=%lld", product_id));
	else
		http_redirect(res, "/cart");
	return 0;
}
