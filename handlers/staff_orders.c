/* staff_orders.c — the staff site's orders: the list (billing's payment problems filter
 * included) and the order page, each value as the signed-in member's role sees it, with one
 * audit row per customer shown in full; and the actions on an order (support: status,
 * tracking, cancel, message; billing: invoice paid, refund), each through app/order_actions.c
 * with its audit row in the same transaction.  Which role may post which action is the privacy
 * module's table, checked by the access step before any of this runs. */
#include <stdio.h>
#include <string.h>

#include "../app/db/billing.h"
#include "../app/db/db.h"
#include "../app/db/staff_orders.h"
#include "../app/log.h"
#include "../app/order_actions.h"
#include "../app/payment/payment.h"
#include "../app/session.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define ORDERS_PER_PAGE 25
#define ATTEMPTS_SHOWN  50
#define NOTE_MAX        400           /* order_status_history.note is 500: room for our own words */
#define MESSAGE_MAX     2000          /* a message to a customer */
#define AMOUNT_MAX      10000000000LL /* cents: more than any order */

/* The payment problems billing filters by: orders (overdue, refund) or failed card payments
 * at checkout (declined, timeout); "any" is all four. */
static const struct {
	const char *name, *label;
	enum order_problem orders; /* PROBLEM_NONE: no orders listed */
	bool attempts;
	const char *outcome; /* the attempts' outcome, NULL: any */
} problems[] = {
    {"any", "all payment problems", PROBLEM_ANY, true, NULL},
    {"overdue", "invoice unpaid past its due date", PROBLEM_OVERDUE, false, NULL},
    {"refund", "refund requested", PROBLEM_REFUND, false, NULL},
    {"declined", "card declined at checkout", PROBLEM_NONE, true, "declined"},
    {"timeout", "card processor timed out at checkout", PROBLEM_NONE, true, "timeout"},
};
#define N_PROBLEMS (sizeof(problems) / sizeof(problems[0]))

/* The problem named s: its index, N_PROBLEMS for none (NULL or ""), -1 when unknown. */
static int problem_parse(const char *s)
{
	if (s == NULL || *s == '\0')
		return (int)N_PROBLEMS;
	for (size_t i = 0; i < N_PROBLEMS; i++)
		if (strcmp(s, problems[i].name) == 0)
			return (int)i;
	return -1;
}

/* True when role r may filter by payment problems: the role that resolves them. */
static bool sees_problems(enum staff_role r)
{
	return privacy_action_allowed(ACTION_ORDER_REFUND, r);
}

static const char *row_problem(const struct staff_order_row *o)
{
	return o->overdue ? "invoice overdue" : o->refund_wanted ? "refund requested" : "";
}

static void row_ctx(struct request *req, struct tdict *d, const struct staff_order_row *o)
{
	tdict_setf(d, "id", "%lld", o->id);
	tdict_set_ref_if(d, "created_at", o->created_at);
	tdict_set_ref_if(d, "status", o->status);
	if (o->total_cents >= 0)
		tdict_set_ref(d, "total", format_price(req->arena, o->total_cents));
	tdict_set_ref_if(d, "contact_name", o->contact_name);
	tdict_set_ref_if(d, "contact_email", o->contact_email);
	tdict_set_ref_if(d, "payment_mode", o->payment_mode);
	tdict_set_ref_if(d, "payment_status", o->payment_status);
	tdict_set_ref_if(d, "due_at", o->due_at);
	tdict_set_ref_if(d, "tracking_number", o->tracking_number);
	tdict_set_ref(d, "problem", row_problem(o));
}

/* The filter's form: each status, and billing's problems. */
static void filter_ctx(struct tdict *ctx, enum staff_role role, const char *status, int problem)
{
	struct tlist *st = tdict_list(ctx, "statuses");
	for (int s = 0; s < ORDER__MAX; s++) {
		struct tdict *d = tlist_add(st);
		tdict_set_ref(d, "name", order_status_name(s));
		tdict_set_bool(d, "selected", status && strcmp(status, order_status_name(s)) == 0);
	}
	if (!sees_problems(role))
		return;
	struct tlist *k = tdict_list(tdict_dict(ctx, "problems"), "kinds");
	for (size_t i = 0; i < N_PROBLEMS; i++) {
		struct tdict *d = tlist_add(k);
		tdict_set_ref(d, "name", problems[i].name);
		tdict_set_ref(d, "label", problems[i].label);
		tdict_set_bool(d, "selected", problem == (int)i);
	}
}

/* Lists the failed card payments of problem p into ctx, adding their views to ev. */
static int attempts_ctx(struct request *req, struct tdict *ctx, int p, struct audit_event **ev,
                        size_t *nev)
{
	struct staff_attempt *at;
	size_t n;
	if (db_staff_attempts_list(req->db, req->arena, req->staff->role, problems[p].outcome,
	                           ATTEMPTS_SHOWN, &at, &n) < 0)
		return -1;
	struct audit_event *more = arena_alloc(req->arena, sizeof(**ev) * (*nev + n + 1));
	if (*nev > 0)
		memcpy(more, *ev, sizeof(**ev) * *nev);
	*ev = more;
	tdict_set_bool(ctx, "show_attempts", true);
	tdict_set_bool(ctx, "no_attempts", n == 0);
	struct tlist *l = tdict_list(ctx, "attempts");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "customer_id", "%lld", at[i].customer_id);
		tdict_set_ref_if(d, "created_at", at[i].created_at);
		tdict_set_ref_if(d, "outcome", at[i].outcome);
		if (at[i].amount_cents >= 0)
			tdict_set_ref(d, "amount", format_price(req->arena, at[i].amount_cents));
		tdict_set_ref_if(d, "brand", at[i].brand);
		tdict_set_ref_if(d, "last4", at[i].last4);
		staff_audit_add_view(*ev, nev, at[i].customer_id, at[i].shows_full);
	}
	return 0;
}

int handle_staff_orders(struct request *req, struct response *res)
{
	enum staff_role role = req->staff->role;
	long page;
	const char *status = http_query(req, "status");
	int problem = problem_parse(http_query(req, "problem"));
	if (status != NULL && *status == '\0')
		status = NULL;
	if (!valid_page(http_query(req, "page"), &page) ||
	    (status != NULL && order_status_parse(status) < 0) || problem < 0 ||
	    (problem < (int)N_PROBLEMS && !sees_problems(role))) {
		view_error(req, res, 400);
		return 0;
	}
	bool by_problem = problem < (int)N_PROBLEMS;
	struct tdict *ctx = view_ctx(req, "Orders");
	struct audit_event *ev = NULL;
	size_t nev = 0;
	filter_ctx(ctx, role, status, problem);
	if (!by_problem || problems[problem].orders != PROBLEM_NONE) {
		struct staff_order_query q = {
		    .status = status,
		    .problem = by_problem ? problems[problem].orders : PROBLEM_NONE,
		    .page = (int)page,
		    .per_page = ORDERS_PER_PAGE,
		};
		struct staff_order_page pg;
		if (db_staff_orders_list(req->db, req->arena, role, &q, &pg) < 0)
			return -1;
		ev = arena_alloc(req->arena, sizeof(*ev) * (pg.n + 1));
		struct tlist *rows = tdict_list(ctx, "orders");
		for (size_t i = 0; i < pg.n; i++) {
			row_ctx(req, tlist_add(rows), &pg.rows[i]);
			staff_audit_add_view(ev, &nev, pg.rows[i].customer_id,
			                     pg.rows[i].shows_full);
		}
		tdict_set_bool(ctx, "show_orders", true);
		tdict_set_bool(ctx, "none", pg.n == 0);
		view_pager(ctx, page, pg.more);
		struct buf qs = {0};
		if (status != NULL)
			buf_printf(&qs, "status=%s", status);
		if (by_problem)
			buf_printf(&qs, "%sproblem=%s", qs.len ? "&" : "", problems[problem].name);
		if (qs.len)
			tdict_set(ctx, "query", qs.data);
		buf_free(&qs);
	}
	if (by_problem && problems[problem].attempts &&
	    attempts_ctx(req, ctx, problem, &ev, &nev) < 0)
		return -1;
	if (staff_audit(req, ev, nev) < 0)
		return -1;
	res->no_store = true;
	return view_render(req, res, 200, "admin/orders", ctx);
}

static void address_ctx(struct tdict *d, const char *key, const char *const a[5])
{
	if (a[0] == NULL && a[2] == NULL && a[4] == NULL)
		return;
	struct tdict *x = tdict_dict(d, key);
	tdict_set_ref_if(x, "line1", a[0]);
	tdict_set_ref_if(x, "line2", a[1] != NULL && *a[1] ? a[1] : NULL);
	tdict_set_ref_if(x, "city", a[2]);
	tdict_set_ref_if(x, "postcode", a[3]);
	tdict_set_ref_if(x, "country", a[4]);
}

static void order_ctx(struct request *req, struct tdict *d, const struct staff_order *so)
{
	const struct staff_order_row *o = &so->o;
	row_ctx(req, d, o);
	if (o->customer_id > 0)
		tdict_setf(d, "customer_id", "%lld", o->customer_id);
	address_ctx(d, "billing", so->billing);
	address_ctx(d, "shipping", so->shipping);
	tdict_set_ref_if(d, "brand", so->brand);
	tdict_set_ref_if(d, "last4", so->last4);
	tdict_set_ref_if(d, "expiry", so->expiry);
	if (o->amount_cents >= 0) {
		tdict_set_ref(d, "amount", format_price(req->arena, o->amount_cents));
		if (o->refunded_cents > 0)
			tdict_set_ref(d, "refunded", format_price(req->arena, o->refunded_cents));
	}
	struct tlist *lines = tdict_list(d, "lines");
	for (size_t i = 0; i < so->nlines; i++) {
		struct tdict *l = tlist_add(lines);
		tdict_set_ref_if(l, "sku", so->lines[i].sku);
		tdict_set_ref_if(l, "name", so->lines[i].name);
		tdict_setf(l, "quantity", "%lld", so->lines[i].quantity);
		tdict_set_ref(l, "price", format_price(req->arena, so->lines[i].unit_price_cents));
	}
	struct tlist *ev = tdict_list(d, "events");
	for (size_t i = 0; i < so->nevents; i++) {
		struct tdict *e = tlist_add(ev);
		tdict_set_ref_if(e, "at", so->events[i].changed_at);
		tdict_set_ref_if(e, "status", so->events[i].status);
		tdict_set_ref_if(e, "by", so->events[i].changed_by);
		tdict_set_ref_if(e, "note", so->events[i].note);
		tdict_set_ref_if(e, "customer_note", so->events[i].customer_note);
	}
}

/* The refunds of the order, for the role that makes them. */
static int refunds_ctx(struct request *req, struct tdict *d, long long id)
{
	struct refund_row *r;
	size_t n;
	if (!privacy_action_allowed(ACTION_ORDER_REFUND, req->staff->role))
		return 0;
	if (db_refund_list(req->db, req->arena, id, &r, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	struct tlist *l = tdict_list(tdict_dict(d, "refunds"), "rows");
	for (size_t i = 0; i < n; i++) {
		struct tdict *x = tlist_add(l);
		tdict_set_ref_if(x, "at", r[i].created_at);
		tdict_set_ref(x, "amount", format_price(req->arena, r[i].amount_cents));
		tdict_set_ref_if(x, "status", r[i].status);
		tdict_set_ref_if(x, "by", r[i].staff_username);
	}
	return 0;
}

static bool may(struct request *req, enum staff_action a)
{
	return privacy_action_allowed(a, req->staff->role);
}

/* The forms of the actions the role may take on order o, each with what was typed. */
/* Shows the form key of d; returns true (the page then has an "Actions" heading). */
static bool show_form(struct tdict *d, const char *key)
{
	tdict_set_bool(d, key, true);
	return true;
}

static void forms_ctx(struct request *req, struct tdict *ctx, const struct staff_order_row *o)
{
	struct tdict *f = tdict_dict(ctx, "forms");
	tdict_setf(f, "id", "%lld", o->id);
	tdict_set_ref(f, "csrf", req->staff->csrf);
	char key[SESSION_TOKEN_LEN + 1];
	tdict_set(f, "key", session_random_token(key, sizeof(key)));
	int st = order_status_parse(o->status);
	bool any = false; /* a form is shown: the "Actions" heading */
	if (may(req, ACTION_ORDER_STATUS) && st >= 0 && !order_status_is_final(st)) {
		struct tlist *next = tdict_list(tdict_dict(f, "status_form"), "next");
		any = true;
		for (int s = 0; s < ORDER__MAX; s++)
			if (order_status_allowed(st, s))
				tdict_set_ref(tlist_add(next), "name", order_status_name(s));
	}
	if (may(req, ACTION_ORDER_TRACKING) && st == ORDER_PAID)
		any = show_form(f, "tracking_form");
	if (may(req, ACTION_ORDER_CANCEL) && st >= 0 && order_status_allowed(st, ORDER_CANCELLED))
		any = show_form(f, "cancel_form");
	if (may(req, ACTION_ORDER_MESSAGE))
		any = show_form(f, "message_form");
	bool due = o->payment_status != NULL && strcmp(o->payment_status, "invoice_due") == 0;
	if (may(req, ACTION_ORDER_INVOICE_PAID) && due)
		any = show_form(f, "invoice_form");
	long long left = o->amount_cents - (o->refunded_cents > 0 ? o->refunded_cents : 0);
	bool card = o->payment_mode != NULL && strcmp(o->payment_mode, "card") == 0;
	if (may(req, ACTION_ORDER_REFUND) && card && o->amount_cents >= 0 && left > 0) {
		any = show_form(f, "refund_form");
		tdict_set_ref(f, "left", format_price(req->arena, left));
	}
	tdict_set_bool(f, "any", any);
	/* What was typed comes back on a refused form (never a card number: there is none). */
	const char *v;
	if ((v = http_form(req, "tracking_number")) != NULL)
		tdict_set(f, "tracking_value", v);
	if ((v = http_form(req, "message")) != NULL)
		tdict_set(f, "message_value", v);
	if ((v = http_form(req, "amount")) != NULL)
		tdict_set(f, "amount_value", v);
}

/*
 * Renders the order page of id with status (its context ctx may carry
 * messages and field errors), with one audit row for the customer whose
 * fields it shows in full.  Returns 0 (a 404 for an order the role may not
 * see), or -1.
 */
static int render_order(struct request *req, struct response *res, int status, long long id,
                        struct tdict *ctx)
{
	struct staff_order so;
	int found = db_staff_order_get(req->db, req->arena, req->staff->role, id, &so);
	if (found < 0)
		return -1;
	if (found == 1) {
		view_error(req, res, 404);
		return 0;
	}
	if (staff_audit_view(req, so.o.customer_id, so.o.shows_full) < 0)
		return -1;
	struct tdict *d = tdict_dict(ctx, "order");
	order_ctx(req, d, &so);
	tdict_set_ref(d, "role", privacy_role_name(req->staff->role));
	if (refunds_ctx(req, d, id) < 0)
		return -1;
	forms_ctx(req, ctx, &so.o);
	res->no_store = true;
	return view_render(req, res, status, "admin/order", ctx);
}

/* What a successful action says on the page it redirects to (?done=<name>). */
static const struct {
	const char *name, *text;
} done_texts[] = {
    {"status", "The status was changed."},
    {"tracking", "The tracking number was recorded and the order shipped."},
    {"cancel", "The order was cancelled and its stock returned."},
    {"message", "The message was queued for the customer."},
    {"invoice", "The invoice was marked paid."},
    {"refund", "The refund was made."},
};

int handle_staff_order(struct request *req, struct response *res)
{
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, arena_printf(req->arena, "Order %lld", id));
	const char *done = http_query(req, "done");
	for (size_t i = 0; done != NULL && i < sizeof(done_texts) / sizeof(done_texts[0]); i++)
		if (strcmp(done, done_texts[i].name) == 0)
			tdict_set_ref(ctx, "done", done_texts[i].text);
	return render_order(req, res, 200, id, ctx);
}

/* One POST on an order: its id, the page context, the actor the action runs as. */
struct order_post {
	long long id;
	struct tdict *ctx;
	struct audit_event ev; /* who, route, request: the action adds the rest */
	struct order_actor who;
	struct order_result result;
};

/* Reads the order id and sets up p.  Returns false after answering 404 for a bad id. */
static bool post_start(struct request *req, struct response *res, struct order_post *p)
{
	memset(p, 0, sizeof(*p));
	if (!valid_id(http_param(req, 0), &p->id)) {
		view_error(req, res, 404);
		return false;
	}
	p->ctx = view_ctx(req, arena_printf(req->arena, "Order %lld", p->id));
	staff_audit_fill(req, &p->ev);
	p->who = (struct order_actor){
	    .changed_by = arena_printf(req->arena, "%s:%s", privacy_role_name(req->staff->role),
	                               req->staff->username),
	    .views = req->views,
	    .base_url = req->cfg->base_url,
	    .reads_address = false, /* a staff role never reads the address to mail it */
	    .audit = &p->ev,
	};
	return true;
}

/* why with its first letter capitalised, in the arena. */
static const char *sentence(struct request *req, const char *why)
{
	char *s = arena_printf(req->arena, "%s.", why);
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

/*
 * Answers an action's outcome: done → back to the order page (303) saying
 * so; already done → the page with 409 and "Nothing changed: ..."; refused
 * → the page with 422 and the reason beside field; refused by the card
 * processor → 502 with the reason; no such order → 404.  Returns 0, or -1
 * for a database error (500).
 */
static int post_answer(struct request *req, struct response *res, struct order_post *p,
                       const char *done, const char *field)
{
	const char *why = sentence(req, p->result.why);
	switch (p->result.outcome) {
	case ORDER_DONE: {
		char loc[96];
		snprintf(loc, sizeof(loc), "/admin/orders/%lld?done=%s", p->id, done);
		http_redirect(res, loc);
		return 0;
	}
	case ORDER_ALREADY:
		tdict_set_ref(p->ctx, "nothing_changed", why);
		return render_order(req, res, 409, p->id, p->ctx);
	case ORDER_REFUSED:
		tdict_set_ref(p->ctx, "refused", why);
		view_field_error(req, p->ctx, field, why);
		return render_order(req, res, 422, p->id, p->ctx);
	case ORDER_DECLINED:
		tdict_set_ref(p->ctx, "nothing_changed", why);
		return render_order(req, res, 502, p->id, p->ctx);
	case ORDER_NOT_FOUND:
		view_error(req, res, 404);
		return 0;
	case ORDER_ERROR:
		break;
	}
	log_error("staff order %lld: %s failed: %s", p->id, done, db_error(req->db));
	return -1;
}

/* A form error: the order page again with 422 and msg beside field, nothing done. */
static int refuse(struct request *req, struct response *res, struct order_post *p,
                  const char *field, const char *msg)
{
	tdict_set_ref(p->ctx, "refused", msg);
	view_field_error(req, p->ctx, field, msg);
	return render_order(req, res, 422, p->id, p->ctx);
}

/* The optional internal note: NULL when empty. Returns false when it is not acceptable. */
static bool read_note(struct request *req, const char **note)
{
	*note = http_form(req, "note");
	if (*note != NULL && **note == '\0')
		*note = NULL;
	return *note == NULL || valid_text(*note, NOTE_MAX);
}

int handle_staff_order_status(struct request *req, struct response *res)
{
	struct order_post p;
	const char *note;
	if (!post_start(req, res, &p))
		return 0;
	int to = order_status_parse(http_form(req, "status"));
	if (to < 0)
		return refuse(req, res, &p, "status", "Choose the order's new status.");
	if (!read_note(req, &note))
		return refuse(req, res, &p, "status",
		              "The note must be one line of at most 400 characters.");
	order_change_status(req->db, &p.who, p.id, (enum order_status)to, note, &p.result);
	return post_answer(req, res, &p, "status", "status");
}

int handle_staff_order_cancel(struct request *req, struct response *res)
{
	struct order_post p;
	const char *note;
	if (!post_start(req, res, &p))
		return 0;
	if (!read_note(req, &note))
		return refuse(req, res, &p, "cancel",
		              "The note must be one line of at most 400 characters.");
	order_change_status(req->db, &p.who, p.id, ORDER_CANCELLED, note, &p.result);
	return post_answer(req, res, &p, "cancel", "cancel");
}

int handle_staff_order_tracking(struct request *req, struct response *res)
{
	struct order_post p;
	if (!post_start(req, res, &p))
		return 0;
	const char *tracking = http_form(req, "tracking_number");
	if (!valid_tracking(tracking))
		return refuse(req, res, &p, "tracking_number",
		              "Enter the tracking number: 1 to 64 letters, digits or '-'.");
	order_ship(req->db, &p.who, p.id, tracking, &p.result);
	return post_answer(req, res, &p, "tracking", "tracking_number");
}

/* The form's one-time key (a hidden field): false when it is missing or malformed, which only
 * a form that did not come from the page can be. */
static bool read_key(struct request *req, struct response *res, const char **key)
{
	*key = http_form(req, "key");
	if (session_token_ok(*key))
		return true;
	view_error(req, res, 400);
	return false;
}

int handle_staff_order_message(struct request *req, struct response *res)
{
	struct order_post p;
	const char *key;
	if (!post_start(req, res, &p) || !read_key(req, res, &key))
		return 0;
	const char *message = http_form(req, "message");
	if (!valid_text_lines(message, MESSAGE_MAX))
		return refuse(req, res, &p, "message",
		              "Write the message: at most 2000 characters of text.");
	order_message(req->db, &p.who, p.id, message, key, &p.result);
	return post_answer(req, res, &p, "message", "message");
}

int handle_staff_order_invoice_paid(struct request *req, struct response *res)
{
	struct order_post p;
	if (!post_start(req, res, &p))
		return 0;
	order_invoice_paid(req->db, &p.who, p.id, &p.result);
	return post_answer(req, res, &p, "invoice", "invoice");
}

int handle_staff_order_refund(struct request *req, struct response *res)
{
	struct order_post p;
	const char *key;
	long long cents = 0;
	if (!post_start(req, res, &p) || !read_key(req, res, &key))
		return 0;
	const char *amount = http_form(req, "amount");
	if (amount != NULL && *amount != '\0' && !valid_amount(amount, AMOUNT_MAX, &cents))
		return refuse(req, res, &p, "amount",
		              "Enter the amount to refund like 12.34, or leave it empty to refund "
		              "all that is left.");
	const struct processor *proc = processor_get(
	    req->cfg->processor, req->cfg->processor_timeout_ms, req->cfg->sandbox_ledger);
	order_refund(req->db, &p.who, proc, p.id, cents, key, &p.result);
	return post_answer(req, res, &p, "refund", "amount");
}
