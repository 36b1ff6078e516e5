/* checkout.c — GET and POST /checkout: contact, addresses, payment; one order per nonce.
 *
 * The card number and CVV exist only in this request's memory: they are parsed, handed to
 * the processor, and wiped right after (the form strings at once, the arena after the
 * response). Only brand, last 4, expiry and the processor's token are stored. */
#include "routes.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "../app/config.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/db/shop.h"
#include "../app/log.h"
#include "../app/payment/payment.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

/* Overwrites a form value in place: used for the card fields the moment they are parsed. */
static void wipe_field(struct request *req, const char *key)
{
	for (size_t i = 0; i < req->form.n; i++)
		if (strcmp(req->form.items[i].key, key) == 0)
			sodium_memzero((char *)req->form.items[i].val, req->form.items[i].val_len);
}

/* Re-shows what was typed, except card data (never echoed back). */
static void keep_fields(struct request *req, struct tdict *ctx)
{
	static const char *const keys[] = {"name", "email", "payment_mode"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = http_form(req, keys[i]);
		tdict_set(ctx, keys[i], v ? v : "");
	}
	for (int k = 0; k < 2; k++)
		for (int f = 0; f < 5; f++) {
			const char *key = arena_printf(
			    req->arena, "%s_%s", k ? "shipping" : "billing", ADDRESS_FIELDS[f]);
			const char *v = http_form(req, key);
			tdict_set(ctx, key, v ? v : "");
		}
	tdict_set_bool(ctx, "shipping_same", valid_checked(http_form(req, "shipping_same")));
	const char *mode = http_form(req, "payment_mode");
	tdict_set_bool(ctx, "mode_invoice", mode != NULL && strcmp(mode, "invoice") == 0);
}

static int render(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	struct cart_line *lines;
	size_t n;
	long long total;
	if (cart_ctx(req, ctx, &lines, &n, &total) < 0)
		return -1;
	char nonce[SESSION_TOKEN_LEN + 1];
	tdict_set(ctx, "nonce", session_random_token(nonce, sizeof(nonce)));
	tdict_set(ctx, "csrf", csrf_token(req, res));
	return view_render(req, res, status, "checkout", ctx);
}

int handle_checkout_form(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Checkout");
	struct customer c;
	struct address *addrs;
	size_t naddrs;
	if (db_customer_get(req->db, req->arena, req->session->customer_id, &c) != 0 ||
	    db_address_list(req->db, req->arena, c.id, &addrs, &naddrs) < 0)
		return -1;
	tdict_set_ref(ctx, "name", c.name);
	tdict_set_ref(ctx, "email", c.email);
	for (size_t i = 0; i < naddrs; i++) {
		const char *v[5] = {addrs[i].line1, addrs[i].line2, addrs[i].city,
		                    addrs[i].postcode, addrs[i].country};
		for (int f = 0; f < 5; f++)
			tdict_set_ref(
			    ctx,
			    arena_printf(req->arena, "%s_%s", addrs[i].kind, ADDRESS_FIELDS[f]),
			    v[f]);
	}
	return render(req, res, ctx, 200);
}

struct placing {
	struct request *req;
	struct order_new order;
	struct cart_line *lines;
	size_t nlines;
	const struct pay_auth *auth; /* NULL for invoices */
	long long order_id;
	const char *short_name; /* the product that ran out, if any */
};

/* The whole order in one transaction: stock, order, lines, history, payment, disclosure,
 * cart, mail. Any failure rolls all of it back. */
static int place_tx(struct db *db, void *vctx)
{
	struct placing *p = vctx;
	struct request *req = p->req;
	p->short_name = NULL;
	for (size_t i = 0; i < p->nlines; i++) {
		bool taken;
		if (db_stock_take(db, p->lines[i].product_id, p->lines[i].quantity, &taken) < 0)
			return -1;
		if (!taken) {
			p->short_name = p->lines[i].name;
			return -1;
		}
	}
	/* 1 means the nonce was used already: the caller then finds that order. */
	if (db_order_insert(db, &p->order, &p->order_id) != 0)
		return -1;
	for (size_t i = 0; i < p->nlines; i++)
		if (db_order_line_insert(db, p->order_id, (int)i + 1, &p->lines[i]) < 0)
			return -1;
	if (db_order_history_insert(db, p->order_id, ORDER_PLACED, "customer", NULL) < 0)
		return -1;
	if (p->auth != NULL) {
		struct payment_new pay = {
		    p->order_id,       req->cfg->processor,  p->auth->token,
		    p->auth->brand,    p->auth->last4,       p->auth->exp_month,
		    p->auth->exp_year, p->order.total_cents, "captured"};
		const char *why = arena_printf(req->arena, "payment of order %lld", p->order_id);
		if (db_payment_insert(db, &pay) < 0 ||
		    db_order_history_insert(db, p->order_id, ORDER_PAID, "card processor", NULL) <
		        0 ||
		    db_disclosure_insert(db, p->order.customer_id, p->order_id, "card processor",
		                         "card number, expiry date, security code, amount",
		                         why) < 0)
			return -1;
	} else {
		struct payment_new pay = {p->order_id,  "invoice", NULL, NULL,
		                          NULL,         0,         0,    p->order.total_cents,
		                          "invoice_due"};
		if (db_payment_insert(db, &pay) < 0)
			return -1;
	}
	if (db_cart_clear(db, p->order.customer_id) < 0)
		return -1;
	const char *body = arena_printf(
	    req->arena,
	    "Hello %s,\n\nthank you for your order %lld (total EUR %s, %s).\n"
	    "You can follow it at %s/orders/%lld.\n\nidem ditto\n",
	    p->order.contact_name, p->order_id, format_price(req->arena, p->order.total_cents),
	    p->auth ? "paid by card" : "to be paid by invoice", req->cfg->base_url, p->order_id);
	return db_outbox_insert(db, p->order.customer_id, "order_placed", p->order.contact_email,
	                        arena_printf(req->arena, "Your order %lld", p->order_id), body);
}

static int to_order(struct response *res, long long id, bool placed)
{
	char loc[64];
	snprintf(loc, sizeof(loc), "/orders/%lld%s", id, placed ? "?placed=1" : "");
	http_redirect(res, loc);
	return 0;
}

/* Validates contact and addresses into o; returns false after marking the fields. */
static bool valid_contact(struct request *req, struct tdict *ctx, struct order_new *o)
{
	bool ok = true;
	o->contact_name = http_form(req, "name");
	o->contact_email = http_form(req, "email");
	if (!valid_text(o->contact_name, 200)) {
		view_field_error(req, ctx, "name", "Enter the name for this order.");
		ok = false;
	}
	if (!valid_email(o->contact_email)) {
		view_field_error(req, ctx, "email",
		                 "Enter an email address like name@example.com.");
		ok = false;
	}
	bool same = valid_checked(http_form(req, "shipping_same"));
	for (int k = 0; k < 2; k++) {
		const char *kind = k ? "shipping" : "billing";
		const char *src = k && same ? "billing" : kind;
		const char **dst = k ? o->shipping : o->billing;
		for (int f = 0; f < 5; f++) {
			const char *v = http_form(
			    req, arena_printf(req->arena, "%s_%s", src, ADDRESS_FIELDS[f]));
			dst[f] = v ? v : "";
			const char *problem = address_field_problem(f, dst[f]);
			if (problem == NULL || (k && same))
				continue; /* with "same as billing", reported once, on billing */
			view_field_error(req, ctx,
			                 arena_printf(req->arena, "%s_%s", kind, ADDRESS_FIELDS[f]),
			                 problem);
			ok = false;
		}
	}
	return ok;
}

static const char *const CARD_FIELD_NAMES[] = {"", "card_number", "card_exp", "card_cvv"};

int handle_checkout(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Checkout");
	struct placing p = {.req = req};
	struct card card;
	struct pay_auth auth;
	const struct processor *proc = NULL;
	bool charged = false, locked = false;
	int rc = -1;
	const char *nonce = http_form(req, "nonce");
	const char *lock_name = NULL;

	keep_fields(req, ctx);
	if (!session_token_ok(nonce)) {
		wipe_field(req, "card_number");
		wipe_field(req, "card_cvv");
		http_error(req, res, 400);
		return 0;
	}
	/* One checkout per nonce at a time, across all workers; a repeat finds the order. */
	lock_name = arena_printf(req->arena, "ditto.checkout.%s", nonce);
	locked = db_lock(req->db, lock_name, 20) == 1;
	if (!locked)
		goto out;
	long long existing;
	if (db_order_by_nonce(req->db, req->arena, req->session->customer_id, nonce, &existing) < 0)
		goto out;
	if (existing > 0) {
		wipe_field(req, "card_number");
		wipe_field(req, "card_cvv");
		rc = to_order(res, existing, false);
		goto out;
	}

	struct customer c;
	if (db_customer_get(req->db, req->arena, req->session->customer_id, &c) != 0)
		goto out;
	p.order.customer_id = c.id;
	p.order.nonce = nonce;
	p.order.policy_version = c.policy_version;
	bool ok = valid_contact(req, ctx, &p.order);
	const char *mode = http_form(req, "payment_mode");
	bool by_card = mode != NULL && strcmp(mode, "card") == 0;
	if (mode == NULL || (!by_card && strcmp(mode, "invoice") != 0)) {
		view_field_error(req, ctx, "payment_mode", "Choose card or invoice.");
		ok = false;
	}
	if (by_card) {
		enum card_field field;
		const char *msg;
		int parsed =
		    card_parse(http_form(req, "card_number"), http_form(req, "card_exp"),
		               http_form(req, "card_cvv"), (long)time(NULL), &card, &field, &msg);
		wipe_field(req, "card_number");
		wipe_field(req, "card_cvv");
		if (parsed < 0) {
			view_field_error(req, ctx, CARD_FIELD_NAMES[field], msg);
			ok = false;
		}
	}
	if (!ok) {
		if (by_card)
			card_wipe(&card);
		rc = render(req, res, ctx, 422);
		goto out;
	}

	long long total = 0, weight = 0;
	if (db_cart_list(req->db, req->arena, c.id, &p.lines, &p.nlines) < 0)
		goto wipe;
	if (p.nlines == 0) {
		http_redirect(res, "/cart");
		rc = 0;
		goto wipe;
	}
	for (size_t i = 0; i < p.nlines; i++) {
		total += p.lines[i].unit_price_cents * p.lines[i].quantity;
		weight += p.lines[i].weight_grams * p.lines[i].quantity;
	}
	p.order.total_cents = total;
	p.order.weight_grams = weight;
	p.order.payment_mode = by_card ? "card" : "invoice";
	p.order.status = by_card ? ORDER_PAID : ORDER_PLACED;

	if (by_card) {
		proc = processor_get(req->cfg->processor, req->cfg->processor_timeout_ms);
		if (proc == NULL) {
			log_error("checkout: unknown card processor '%s'", req->cfg->processor);
			goto wipe;
		}
		enum pay_result pr = proc->authorize(proc, &card, total, nonce, &auth);
		card_wipe(&card);
		if (pr == PAY_APPROVED && proc->capture(proc, auth.token, total) != PAY_APPROVED)
			pr = PAY_ERROR;
		if (pr != PAY_APPROVED) {
			log_info("checkout: card payment not approved (%s)", auth.message);
			view_field_error(
			    req, ctx, "card_number",
			    pr == PAY_DECLINED ? "The card was declined. Nothing was "
			                         "charged and no order was placed."
			    : pr == PAY_TIMEOUT
			        ? "The card processor did not answer in time. "
			          "Nothing was charged and no order was placed: "
			          "please try again."
			        : "The card could not be charged. No order was placed.");
			rc = render(req, res, ctx, 422);
			goto out;
		}
		charged = true;
		p.auth = &auth;
	}

	if (db_tx(req->db, place_tx, &p) < 0) {
		/* An order with this nonce may stand after all (a repeated submit, or a commit
		 * whose answer was lost with the connection): then it is the answer, and nothing is
		 * refunded, since with the nonce as idempotency key the charge is that order's. */
		long long placed = 0;
		bool known = db_order_by_nonce(req->db, req->arena, c.id, nonce, &placed) == 0;
		if (known && placed > 0) {
			rc = to_order(res, placed, false);
			goto out;
		}
		if (charged && !known)
			log_error("checkout: order outcome unknown for customer %lld (database "
			          "unreachable); the card payment must be reconciled by billing",
			          c.id);
		else if (charged && proc->refund(proc, auth.token, total) != PAY_APPROVED)
			log_error("checkout: refund after a failed order did not go through for "
			          "customer %lld; billing must refund it by hand",
			          c.id);
		if (p.short_name != NULL) {
			view_field_error(req, ctx, "cart",
			                 arena_printf(req->arena,
			                              "Sorry: not enough of %s is left for your "
			                              "order. Nothing was charged; please change "
			                              "your cart.",
			                              p.short_name));
			rc = render(req, res, ctx, 422);
		}
		goto out;
	}
	log_info("checkout: order %lld placed (%s)", p.order_id, p.order.payment_mode);
	rc = to_order(res, p.order_id, true);
	goto out;
wipe:
	if (by_card)
		card_wipe(&card);
out:
	if (locked)
		db_unlock(req->db, lock_name);
	return rc;
}
