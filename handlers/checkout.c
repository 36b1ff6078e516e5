/* checkout.c — GET and POST /checkout: contact, addresses, payment; one order per nonce.
 *
 * POST runs three steps that hand each other a struct checkout: validate (the form and the
 * cart), charge (the card, if any) and place (one transaction). The card number and CVV exist
 * only in this request's memory: they are parsed, handed to the processor, and wiped right after
 * (the form strings at once, the parsed card after the processor call, both again at the
 * handler's exit whatever path led there, the arena after the response). Only brand, last 4,
 * expiry and the processor's token are stored. */
#include "routes.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "../app/config.h"
#include "../app/db/catalog.h"
#include "../app/db/checkout_claim.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/db/shop.h"
#include "../app/log.h"
#include "../app/mail.h"
#include "../app/payment/payment.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

/* An order stores one value per address field, in table order. */
_Static_assert(sizeof(((struct order_new *)0)->billing) == ADDRESS__MAX * sizeof(const char *) &&
                   sizeof(((struct order_new *)0)->shipping) == ADDRESS__MAX * sizeof(const char *),
               "struct order_new holds one value per ADDRESS_FIELDS entry");

/* Days an invoice order has to be paid (schema/023's shop_payment_record sets payments.due_at). */
#define INVOICE_DAYS 14

/* Everything one POST /checkout works on; each step fills what the next one reads. */
struct checkout {
	struct request *req;
	struct tdict *ctx;                              /* the page, with the fields' errors */
	const char *nonce;                              /* the form's one-time checkout id */
	struct address_form address[ADDRESS_KIND__MAX]; /* as typed: shown again on errors */
	struct order_new order;       /* validate: customer, contact, addresses, totals */
	struct cart_line *lines;      /* validate: what is ordered, never empty */
	size_t nlines;                /* validate */
	bool by_card;                 /* validate: card (else invoice) */
	struct card card;             /* validate parses it; charge wipes it after the processor */
	const struct processor *proc; /* charge */
	struct pay_auth auth;         /* charge: all that may be kept of the payment */
	bool charged;                 /* charge: the amount was captured */
	long long order_id;           /* place, or an earlier submit: this nonce's order */
	bool placed_now;              /* place: this request placed it */
	const char *short_name;       /* place: the product that ran out, if any */
};

/* What a step decided; checkout_answer() turns it into the response. */
enum checkout_outcome {
	CHECKOUT_GO_ON,   /* the step succeeded: run the next one */
	CHECKOUT_REFUSED, /* fields are marked in ctx: the form comes back with 422 */
	CHECKOUT_EMPTY,   /* the cart is empty: back to /cart */
	CHECKOUT_PLACED,  /* order_id is this nonce's order */
	CHECKOUT_FAILED, /* an error: 500; no order (a charge was refunded or logged for billing) */
};

static const char *const CARD_FIELD_NAMES[] = {"", "card_number", "card_exp", "card_cvv"};

/* Overwrites a form value in place: used for the card fields the moment they are parsed. */
static void wipe_field(struct request *req, const char *key)
{
	for (size_t i = 0; i < req->form.n; i++)
		if (strcmp(req->form.items[i].key, key) == 0)
			sodium_memzero((char *)req->form.items[i].val, req->form.items[i].val_len);
}

/* Wipes the card number and CVV as the form holds them. Safe to repeat. */
static void wipe_card_fields(struct request *req)
{
	wipe_field(req, "card_number");
	wipe_field(req, "card_cvv");
}

/* Re-shows what was typed, except the card number and CVV (never echoed back); the card's
 * expiry stays, so a customer whose card was declined need not type it again. */
static void keep_fields(struct checkout *co)
{
	static const char *const keys[] = {"name", "email", "payment_mode", "card_exp"};
	struct request *req = co->req;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = http_form(req, keys[i]);
		tdict_set(co->ctx, keys[i], v ? v : "");
	}
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		address_form_read(req, k, &co->address[k]);
	tdict_set_bool(co->ctx, "shipping_same", valid_checked(http_form(req, "shipping_same")));
	const char *mode = http_form(req, "payment_mode");
	tdict_set_bool(co->ctx, "mode_invoice", mode != NULL && strcmp(mode, "invoice") == 0);
}

/* Renders the checkout page with the address blocks address (both kinds). Returns 0 or -1. */
static int render(struct request *req, struct response *res, struct tdict *ctx, int status,
                  const struct address_form address[ADDRESS_KIND__MAX])
{
	struct cart_line *lines;
	size_t n;
	long long total;
	if (cart_ctx(req, ctx, &lines, &n, &total) < 0)
		return -1;
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		address_form_ctx(req, ctx, &address[k]);
	person_fields_ctx(ctx);
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
	struct address_form address[ADDRESS_KIND__MAX];
	if (db_customer_get(req->db, req->arena, req->session->customer_id, &c) != 0 ||
	    db_address_list(req->db, req->arena, c.id, &addrs, &naddrs) < 0)
		return -1;
	tdict_set_ref(ctx, "name", c.name);
	tdict_set_ref(ctx, "email", c.email);
	address_forms_stored(address, addrs, naddrs);
	return render(req, res, ctx, 200, address);
}

/* Reads the contact into co->order and checks it and the addresses; with "same as billing"
 * the shipping address is the billing one, and its own fields are neither used nor reported.
 * Returns true when all pass, else false with the fields marked. */
static bool valid_contact(struct checkout *co)
{
	struct request *req = co->req;
	struct order_new *o = &co->order;
	bool ok = true;
	o->contact_name = http_form(req, "name");
	o->contact_email = http_form(req, "email");
	if (!valid_text(o->contact_name, PERSON_FIELDS[PERSON_NAME].max_chars)) {
		view_field_error(
		    req, co->ctx, "name",
		    text_blank(o->contact_name) ? "Enter the name for this order."
		    : text_chars(o->contact_name) > PERSON_FIELDS[PERSON_NAME].max_chars
		        ? arena_printf(req->arena, "Enter a name of %u characters or fewer.",
		                       PERSON_FIELDS[PERSON_NAME].max_chars)
		        : "Enter the name as plain text on one line.");
		ok = false;
	}
	if (!valid_email(o->contact_email)) {
		view_field_error(req, co->ctx, "email",
		                 text_blank(o->contact_email)
		                     ? "Enter the email address for this order."
		                     : "Enter an email address in the correct format, like "
		                       "name@example.com.");
		ok = false;
	}
	bool same = valid_checked(http_form(req, "shipping_same"));
	struct address_form *billing = &co->address[ADDRESS_BILLING];
	struct address_form *shipping = same ? billing : &co->address[ADDRESS_SHIPPING];
	if (!address_form_check(req, co->ctx, billing))
		ok = false;
	if (!same && !address_form_check(req, co->ctx, shipping))
		ok = false;
	for (int f = 0; f < ADDRESS__MAX; f++) {
		o->billing[f] = billing->value[f];
		o->shipping[f] = shipping->value[f];
	}
	return ok;
}

/* Reads the payment mode and, for a card, parses it into co->card. The form's card number and
 * CVV are wiped before this returns, whatever the mode (one may have been typed before choosing
 * invoice). Returns true when valid, else false with the fields marked (co->card then wiped). */
static bool valid_payment(struct checkout *co)
{
	struct request *req = co->req;
	bool ok = true;
	const char *mode = http_form(req, "payment_mode");
	co->by_card = mode != NULL && strcmp(mode, "card") == 0;
	if (mode == NULL || (!co->by_card && strcmp(mode, "invoice") != 0)) {
		view_field_error(req, co->ctx, "payment_mode", "Choose card or invoice.");
		ok = false;
	}
	if (co->by_card) {
		enum card_field field;
		const char *msg;
		int parsed = card_parse(http_form(req, "card_number"), http_form(req, "card_exp"),
		                        http_form(req, "card_cvv"), (long)time(NULL), &co->card,
		                        &field, &msg);
		if (parsed < 0) {
			view_field_error(req, co->ctx, CARD_FIELD_NAMES[field], msg);
			ok = false;
		}
	}
	wipe_card_fields(req);
	return ok;
}

/*
 * Step 1, the form and the cart: checks contact, addresses, payment mode and card (the form's
 * card number and CVV are wiped before this returns, on every path), then reads the customer and
 * the cart into co->order and co->lines with the totals.  Returns CHECKOUT_GO_ON (for a card,
 * co->card holds it), or CHECKOUT_REFUSED (fields marked), CHECKOUT_EMPTY or CHECKOUT_FAILED,
 * each with co->card wiped.
 */
static enum checkout_outcome checkout_validate(struct checkout *co)
{
	struct request *req = co->req;
	enum checkout_outcome out = CHECKOUT_FAILED;
	struct customer c;
	bool contact_ok = valid_contact(co);
	bool payment_ok = valid_payment(co);
	if (!contact_ok || !payment_ok) {
		out = CHECKOUT_REFUSED;
		goto done;
	}
	if (db_customer_get(req->db, req->arena, req->session->customer_id, &c) != 0 ||
	    db_cart_list(req->db, req->arena, c.id, &co->lines, &co->nlines) < 0)
		goto done;
	if (co->nlines == 0) {
		out = CHECKOUT_EMPTY;
		goto done;
	}
	/* A sold-out or short line is left out of the cart's total: the customer changes the
	 * cart first, so they never pay for what the page did not count. */
	for (size_t i = 0; i < co->nlines; i++) {
		if (!cart_line_short(&co->lines[i]))
			continue;
		view_form_error(req, co->ctx,
		                arena_printf(req->arena,
		                             "%s is %s. Remove it from your cart or lower the "
		                             "quantity, then check out again: nothing was charged.",
		                             co->lines[i].name,
		                             co->lines[i].active && co->lines[i].stock > 0
		                                 ? "short of stock"
		                                 : "sold out"));
		out = CHECKOUT_REFUSED;
		goto done;
	}
	co->order.customer_id = c.id;
	co->order.nonce = co->nonce;
	for (size_t i = 0; i < co->nlines; i++) {
		co->order.total_cents += co->lines[i].unit_price_cents * co->lines[i].quantity;
		co->order.weight_grams += co->lines[i].weight_grams * co->lines[i].quantity;
	}
	co->order.payment_mode = co->by_card ? "card" : "invoice";
	out = CHECKOUT_GO_ON;
done:
	if (out != CHECKOUT_GO_ON)
		card_wipe(&co->card); /* no processor call follows */
	return out;
}

/* Records a card payment that did not go through, for billing's payment problems: only the
 * outcome, the amount, brand and last 4.  A failure to record it is logged, never shown: the
 * customer's answer does not depend on it. */
static void record_failed_payment(struct checkout *co, enum pay_result pr)
{
	struct request *req = co->req;
	struct payment_attempt at = {
	    .customer_id = co->order.customer_id,
	    .processor = co->proc->name,
	    .outcome = pr == PAY_DECLINED  ? "declined"
	               : pr == PAY_TIMEOUT ? "timeout"
	                                   : "error",
	    .amount_cents = co->order.total_cents,
	    .brand = co->auth.brand[0] ? co->auth.brand : NULL,
	    .last4 = co->auth.last4[0] ? co->auth.last4 : NULL,
	};
	if (db_payment_attempt_insert(req->db, &at) < 0)
		log_error("checkout: cannot record a failed card payment: %s", db_error(req->db));
}

/*
 * Step 2, the card: authorises and captures co->order.total_cents with the configured processor,
 * the nonce as idempotency key; co->card is wiped right after the authorisation, whatever its
 * answer (and at once when there is no processor).  An invoice order passes untouched.
 * Returns CHECKOUT_GO_ON (for a card, co->charged and co->auth set), CHECKOUT_REFUSED (not
 * approved: the reason is at the top of the page; nothing is charged) or CHECKOUT_FAILED (no
 * such processor).
 */
static enum checkout_outcome checkout_charge(struct checkout *co)
{
	struct request *req = co->req;
	long long total = co->order.total_cents;
	if (!co->by_card)
		return CHECKOUT_GO_ON;
	co->proc = processor_get(req->cfg->processor, req->cfg->processor_timeout_ms,
	                         req->cfg->sandbox_ledger);
	if (co->proc == NULL) {
		card_wipe(&co->card);
		log_error("checkout: unknown card processor '%s'", req->cfg->processor);
		return CHECKOUT_FAILED;
	}
	enum pay_result pr = co->proc->authorize(co->proc, &co->card, total, co->nonce, &co->auth);
	card_wipe(&co->card);
	if (pr == PAY_APPROVED &&
	    co->proc->capture(co->proc, co->auth.token, total) != PAY_APPROVED)
		pr = PAY_ERROR;
	if (pr != PAY_APPROVED) {
		log_info("checkout: card payment not approved (%s)", co->auth.message);
		record_failed_payment(co, pr);
		/* At the top of the page, as what happened and what to do next. */
		view_form_error(
		    req, co->ctx,
		    pr == PAY_DECLINED
		        ? "Your card was declined: nothing was charged and no order was "
		          "placed. Check the card details and try again, use another "
		          "card, or choose to pay by invoice."
		    : pr == PAY_TIMEOUT
		        ? "The card processor did not answer in time: nothing was charged "
		          "and no order was placed. Wait a minute, then place the order "
		          "again, or choose to pay by invoice."
		        : "Your card could not be charged: nothing was charged and no "
		          "order was placed. Try again, use another card, or choose to "
		          "pay by invoice.");
		return CHECKOUT_REFUSED;
	}
	co->charged = true;
	/* Nobody paid for a sandbox order: it must never reach the shipping manifest. */
	co->order.test_order = co->proc->test;
	return CHECKOUT_GO_ON;
}

/* Queues the order confirmation to the contact address, inside place_tx's transaction.
 * Returns 0 or -1. */
static int queue_order_mail(struct db *db, const struct checkout *co)
{
	struct request *req = co->req;
	struct tdict *m = view_mail_ctx(req);
	tdict_set_ref(m, "name", co->order.contact_name);
	tdict_setf(m, "order_id", "%lld", co->order_id);
	tdict_set_ref(m, "total", format_price(req->arena, co->order.total_cents));
	tdict_set_bool(m, "card", co->charged);
	/* What was ordered, as the order page lists it. */
	struct tlist *lines = tdict_list(m, "lines");
	for (size_t i = 0; i < co->nlines; i++) {
		const struct cart_line *l = &co->lines[i];
		struct tdict *d = tlist_add(lines);
		tdict_set_ref(d, "name", l->name);
		tdict_set_ref(d, "sku", l->sku);
		tdict_setf(d, "quantity", "%lld", l->quantity);
		tdict_set_ref(d, "unit_price", format_price(req->arena, l->unit_price_cents));
		tdict_set_ref(d, "line_total",
		              format_price(req->arena, l->unit_price_cents * l->quantity));
	}
	/* An invoice order is paid by bank transfer: to whom, where, by when, with what
	 * reference (shop_payment_record makes it due INVOICE_DAYS after the order). */
	if (!co->charged) {
		struct tdict *inv = tdict_dict(m, "invoice");
		tdict_setf(inv, "days", "%d", INVOICE_DAYS);
		tdict_set_ref_if(inv, "payee",
		                 req->cfg->invoice_payee[0] ? req->cfg->invoice_payee : NULL);
		tdict_set_ref_if(inv, "bank",
		                 req->cfg->invoice_bank[0] ? req->cfg->invoice_bank : NULL);
	}
	return mail_queue(db, req->views, co->order.customer_id, "order_placed",
	                  co->order.contact_email, m);
}

/* The stock and the lines, last in the order's transaction: a product's row is what all
 * checkouts share, and both lock it (the stock's UPDATE; a line's foreign key), so it is
 * locked only from here to the COMMIT. On a Galera node that is also the window in which
 * another node's sale of the product aborts this transaction (1213, run again by db_tx), so
 * the shorter it is, the fewer checkouts run twice. The products in id order, the same in
 * every checkout, so two never wait on each other's rows. -1 with co->short_name set when a
 * product ran out. */
static int lines_and_stock(struct db *db, struct checkout *co)
{
	size_t *order = arena_alloc(co->req->arena, (co->nlines + 1) * sizeof(*order));
	for (size_t i = 0; i < co->nlines; i++) {
		size_t j = i;
		for (; j > 0 && co->lines[order[j - 1]].product_id > co->lines[i].product_id; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (size_t k = 0; k < co->nlines; k++) {
		const struct cart_line *l = &co->lines[order[k]];
		bool taken;
		if (db_stock_take(db, l->product_id, l->quantity, &taken) < 0)
			return -1;
		if (!taken) {
			co->short_name = l->name;
			return -1;
		}
	}
	for (size_t i = 0; i < co->nlines; i++)
		if (db_order_line_insert(db, co->order_id, (int)i + 1, &co->lines[i]) < 0)
			return -1;
	return 0;
}

/* The whole order in one transaction: order, history, payment, disclosure, cart, mail and,
 * last, stock and lines. Any failure rolls all of it back (co->short_name names a product that
 * ran out). */
static int place_tx(struct db *db, void *vctx)
{
	struct checkout *co = vctx;
	struct request *req = co->req;
	co->short_name = NULL;
	/* 1 means the nonce was used already: the caller then finds that order. */
	if (db_order_insert(db, &co->order, &co->order_id) != 0)
		return -1;
	if (db_order_history_insert(db, co->order_id, ORDER_PLACED, "customer", NULL) < 0)
		return -1;
	if (co->charged) {
		const struct pay_auth *auth = &co->auth;
		struct payment_new pay = {co->order_id,   req->cfg->processor,   auth->token,
		                          auth->brand,    auth->last4,           auth->exp_month,
		                          auth->exp_year, co->order.total_cents, "captured"};
		const char *why = arena_printf(req->arena, "payment of order %lld", co->order_id);
		if (db_payment_insert(db, &pay) < 0 ||
		    db_order_history_insert(db, co->order_id, ORDER_PAID, "card processor", NULL) <
		        0 ||
		    db_disclosure_insert(db, co->order.customer_id, co->order_id, "card processor",
		                         "card number, expiry date, security code, amount",
		                         why) < 0)
			return -1;
	} else {
		struct payment_new pay = {co->order_id, "invoice", NULL, NULL,
		                          NULL,         0,         0,    co->order.total_cents,
		                          "invoice_due"};
		if (db_payment_insert(db, &pay) < 0)
			return -1;
	}
	if (db_cart_clear(db, co->order.customer_id) < 0 || queue_order_mail(db, co) < 0)
		return -1;
	return lines_and_stock(db, co);
}

/*
 * Step 3, the order: writes it in one transaction (place_tx).  When that fails, an order with
 * this nonce may stand after all (a repeated submit, or a commit whose answer was lost with the
 * connection): then it is the answer, and nothing is refunded, since with the nonce as
 * idempotency key the charge is that order's.  Otherwise a charge is refunded, or left to
 * billing in the log when the outcome is unknown.  Returns CHECKOUT_PLACED (co->order_id, and
 * co->placed_now when this request placed it), CHECKOUT_REFUSED (a product ran out: said on
 * the cart) or CHECKOUT_FAILED.
 */
static enum checkout_outcome checkout_place(struct checkout *co)
{
	struct request *req = co->req;
	long long customer = co->order.customer_id;
	if (db_tx(req->db, place_tx, co) == 0) {
		log_info("checkout: an order placed (%s)", co->order.payment_mode);
		log_debug("checkout: order %lld placed", co->order_id);
		co->placed_now = true;
		return CHECKOUT_PLACED;
	}
	co->order_id = 0; /* whatever the rolled-back insert said */
	bool known =
	    db_order_by_nonce(req->db, req->arena, customer, co->nonce, &co->order_id) == 0;
	if (known && co->order_id > 0)
		return CHECKOUT_PLACED;
	if (co->charged && !known) {
		log_error(
		    "checkout: order outcome unknown (database unreachable); the card payment "
		    "must be reconciled by billing (debug level names the customer)");
		log_debug("checkout: order outcome unknown for customer %lld", customer);
	} else if (co->charged && co->proc->refund(co->proc, co->auth.token, co->order.total_cents,
	                                           arena_printf(req->arena, "checkout.%s",
	                                                        co->nonce)) != PAY_APPROVED) {
		log_error("checkout: refund after a failed order did not go through; billing must "
		          "refund it by hand (debug level names the customer)");
		log_debug("checkout: refund by hand for customer %lld", customer);
	}
	if (co->short_name == NULL)
		return CHECKOUT_FAILED;
	view_form_error(req, co->ctx,
	                arena_printf(req->arena,
	                             "Sorry: not enough of %s is left for your order. Nothing "
	                             "was charged; please change your cart.",
	                             co->short_name));
	return CHECKOUT_REFUSED;
}

static int to_order(struct response *res, long long id, bool placed)
{
	char loc[64];
	snprintf(loc, sizeof(loc), "/orders/%lld%s", id, placed ? "?placed=1" : "");
	http_redirect(res, loc);
	return 0;
}

/* Turns what the steps decided into the response. Returns 0, or -1 for a 500. */
static int checkout_answer(struct checkout *co, struct response *res, enum checkout_outcome step)
{
	switch (step) {
	case CHECKOUT_REFUSED:
		return render(co->req, res, co->ctx, 422, co->address);
	case CHECKOUT_EMPTY:
		http_redirect(res, "/cart");
		return 0;
	case CHECKOUT_PLACED:
		return to_order(res, co->order_id, co->placed_now);
	case CHECKOUT_GO_ON: /* every step ran and none placed an order: cannot happen */
	case CHECKOUT_FAILED:
		break;
	}
	return -1;
}

/*
 * Seconds a repeated submit waits for the first one's checkout: a bounded part of the pool's
 * request_timeout, leaving the rest for the processor call and the order, so the wait can
 * never outlast the request and get the worker killed.
 */
static int nonce_wait(const struct request *req)
{
	int budget = req->cfg->web.request_timeout - req->cfg->processor_timeout_ms / 1000 - 2;
	int wait = budget / 2;
	return wait < 1 ? 1 : wait > 20 ? 20 : wait;
}

/*
 * Claims the form's nonce for this request (holder), waiting up to nonce_wait while another
 * submit of the same form holds it.  Returns 1 when claimed; 0 when the other submit placed
 * its order meanwhile (co->order_id); -1 on a database error or when the other still works
 * after the wait.  The claim is a row (checkout_claims), committed before any charge, so it
 * holds on every app host and database node; it lasts the pool's request timeout and a
 * margin, after which a killed worker's claim is free again.
 */
static int claim_nonce(struct checkout *co, const char *holder)
{
	struct request *req = co->req;
	long long customer = req->session->customer_id;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int got = db_checkout_claim(req->db, customer, co->nonce, holder,
		                            req->cfg->web.request_timeout + 5);
		if (got != 0)
			return got;
		if (db_order_by_nonce(req->db, req->arena, customer, co->nonce, &co->order_id) < 0)
			return -1;
		if (co->order_id > 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= nonce_wait(req)) {
			log_warn(
			    "checkout: a repeated submit still waits for the first one; given up");
			return -1;
		}
		struct timespec pause = {0, 100 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
}

int handle_checkout(struct request *req, struct response *res)
{
	struct checkout co = {.req = req, .ctx = view_ctx(req, "Checkout")};
	enum checkout_outcome step;
	unsigned char rnd[16];
	char holder[sizeof(rnd) * 2 + 1];
	bool claimed = false;
	int rc = -1;

	co.nonce = http_form(req, "nonce");
	keep_fields(&co);
	if (!session_token_ok(co.nonce)) {
		view_error(req, res, 400);
		rc = 0;
		goto out;
	}
	/* One checkout per nonce at a time, across all workers, hosts and database nodes; a
	 * repeat finds the order. */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(holder, sizeof(holder), rnd, sizeof(rnd));
	int got = claim_nonce(&co, holder);
	if (got < 0)
		goto out;
	claimed = got == 1;
	if (claimed && db_order_by_nonce(req->db, req->arena, req->session->customer_id, co.nonce,
	                                 &co.order_id) < 0)
		goto out;
	/* A repeated submit is answered with its order: nothing is checked or charged twice. */
	step = co.order_id > 0 ? CHECKOUT_PLACED : checkout_validate(&co);
	if (step == CHECKOUT_GO_ON)
		step = checkout_charge(&co);
	if (step == CHECKOUT_GO_ON)
		step = checkout_place(&co);
	rc = checkout_answer(&co, res, step);
out:
	/* Each step wiped what it used; this covers the paths that ended before a step did. */
	wipe_card_fields(req);
	card_wipe(&co.card);
	if (claimed &&
	    db_checkout_unclaim(req->db, req->session->customer_id, co.nonce, holder) < 0)
		log_warn("checkout: cannot free the nonce claim (it expires): %s",
		         db_error(req->db));
	return rc;
}
