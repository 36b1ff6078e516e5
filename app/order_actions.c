/* order_actions.c — an order's status changes, shipping, messages, invoices and refunds: each a
 * transaction (db_tx, which may run it more than once: every run starts from a clean result). */
#include "order_actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db/audit.h"
#include "db/billing.h"
#include "db/db.h"
#include "db/orders.h"
#include "db/shop.h"
#include "log.h"
#include "notify.h"
#include "payment/payment.h"
#include "template.h"

/* Sets out->why, printf-style. */
static void why(struct order_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void why(struct order_result *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
}

/* Starts a run of a transaction: nothing done yet, and a database error unless it says else. */
static void result_reset(struct order_result *out)
{
	memset(out, 0, sizeof(*out));
	out->outcome = ORDER_ERROR;
}

/* Cents as "12.34" in arena a. */
static const char *money(struct arena *a, long long cents)
{
	return arena_printf(a, "%lld.%02lld", cents / 100, cents % 100);
}

/* Appends the audit row of a staff action (who->audit) in the running transaction; dittoctl's
 * actions have none.  Returns 0 or -1. */
static int audit(struct db *db, const struct order_actor *who, const char *action,
                 long long customer_id, const char *detail)
{
	if (who->audit == NULL)
		return 0;
	struct audit_event ev = *who->audit;
	ev.action = action;
	ev.customer_id = customer_id;
	ev.fields = 0;
	ev.detail = detail;
	return audit_append_in_tx(db, &ev, 1);
}

/*
 * Tells the customer that order_id reached status (if they are told of it),
 * with tracking or NULL: addressed now when the actor may read the address,
 * else at delivery.  Returns 0 or -1.
 */
static int tell_status(struct db *db, struct arena *a, const struct order_actor *who,
                       long long order_id, enum order_status status, const char *tracking,
                       bool *mailed)
{
	struct order_contact contact;
	if (who->reads_address) {
		if (db_order_contact_get(db, a, order_id, &contact) != 0)
			return -1;
		return notify_order_status(db, who->views, who->base_url, order_id, status,
		                           &contact, tracking, mailed);
	}
	if (!order_status_tells_customer(status))
		return 0;
	if (db_order_contact_name(db, a, order_id, &contact) != 0)
		return -1;
	struct tdict *ctx = tdict_new(a);
	tdict_set(ctx, "tracking", tracking);
	const char *kind = arena_printf(a, "order_%s", order_status_name(status));
	return notify_order_at_delivery(db, who->views, who->base_url, order_id, kind, &contact,
	                                ctx, NULL, mailed) < 0
	           ? -1
	           : 0;
}

/* Says why order_id may not go from was to `to` (the words dittoctl has always used). */
static void status_refused(struct order_result *out, long long id, enum order_status was,
                           enum order_status to)
{
	const char *w = order_status_name(was), *t = order_status_name(to);
	out->outcome = ORDER_REFUSED;
	if (was == to) {
		out->outcome = ORDER_ALREADY;
		why(out, "order %lld is already %s", id, w);
	} else if (order_status_is_final(was)) {
		why(out, "cannot change order %lld from %s to %s: %s is final", id, w, t, w);
	} else {
		why(out, "cannot change order %lld from %s to %s (a %s order can become %s)", id, w,
		    t, w, order_status_next_text(was));
	}
}

static void not_found(struct order_result *out, long long id)
{
	out->outcome = ORDER_NOT_FOUND;
	why(out, "no order %lld", id);
}

/* One action's transaction: its arguments, and its result. */
struct action {
	const struct order_actor *who;
	long long order_id;
	struct arena *a; /* lives across db_tx's runs (reset by each) */
	enum order_status to;
	const char *text; /* the note, tracking number or message */
	const char *key;  /* a form's one-time key */
	long long amount_cents;
	const struct processor *proc;
	struct payment_state pay; /* refunds: the payment as reserve_tx read it */
	enum pay_result answer;   /* refunds: the processor's */
	struct order_result *out;
};

/* Runs tx as one transaction.  The outcome is tx's when it committed or refused; a failed
 * commit is a database error. */
static enum order_outcome run(struct db *db, int (*tx)(struct db *, void *), struct action *act)
{
	act->a = arena_new();
	int rc = db_tx(db, tx, act);
	if (rc < 0 && act->out->outcome == ORDER_DONE)
		act->out->outcome = ORDER_ERROR;
	if (rc < 0 && act->out->outcome == ORDER_ERROR)
		act->out->why[0] = '\0';
	arena_wipe(act->a);
	arena_free(act->a);
	return act->out->outcome;
}

static int status_tx(struct db *db, void *p)
{
	struct action *act = p;
	struct order_result *out = act->out;
	result_reset(out);
	arena_reset(act->a);
	struct order_change ch = {
	    .order_id = act->order_id,
	    .to = act->to,
	    .changed_by = act->who->changed_by,
	    .note = act->text,
	};
	int st = db_order_change_status(db, act->a, &ch);
	if (st < 0)
		return -1;
	if (st == DB_NOT_FOUND) {
		not_found(out, act->order_id);
		return -1;
	}
	out->was = ch.was;
	if (st == DB_REFUSED) {
		status_refused(out, act->order_id, ch.was, act->to);
		return -1;
	}
	const char *detail = arena_printf(act->a, "order %lld: %s -> %s", act->order_id,
	                                  order_status_name(ch.was), order_status_name(act->to));
	if (tell_status(db, act->a, act->who, act->order_id, act->to, NULL, &out->mailed) < 0 ||
	    audit(db, act->who, act->to == ORDER_CANCELLED ? "order_cancel" : "order_status",
	          ch.customer_id, detail) < 0)
		return -1;
	out->outcome = ORDER_DONE;
	return 0;
}

enum order_outcome order_change_status(struct db *db, const struct order_actor *who,
                                       long long order_id, enum order_status to, const char *note,
                                       struct order_result *out)
{
	struct action act = {.who = who, .order_id = order_id, .to = to, .text = note, .out = out};
	return run(db, status_tx, &act);
}

static int ship_tx(struct db *db, void *p)
{
	struct action *act = p;
	struct order_result *out = act->out;
	result_reset(out);
	arena_reset(act->a);
	struct order_shipping s = {
	    .order_id = act->order_id,
	    .tracking = act->text,
	    .changed_by = act->who->changed_by,
	};
	int st = db_order_ship(db, act->a, &s);
	if (st < 0)
		return -1;
	out->was = s.was;
	if (st == DB_NOT_FOUND) {
		not_found(out, act->order_id);
		return -1;
	}
	if (st == DB_UNCHANGED) {
		out->outcome = ORDER_ALREADY;
		why(out, "order %lld is already shipped with tracking number %s", act->order_id,
		    act->text);
		return -1;
	}
	if (st == DB_REFUSED) {
		out->outcome = ORDER_REFUSED;
		if (s.tracking_was != NULL && s.was != ORDER_PAID)
			why(out, "order %lld was shipped already, with tracking number %s",
			    act->order_id, s.tracking_was);
		else
			why(out, "order %lld is %s: only a paid order can be shipped",
			    act->order_id, order_status_name(s.was));
		return -1;
	}
	enum order_status was;
	long long customer_id;
	if (db_order_lock(db, act->a, act->order_id, &was, &customer_id) != 0)
		return -1;
	const char *detail = arena_printf(act->a, "order %lld: shipped, tracking number %s",
	                                  act->order_id, act->text);
	if (tell_status(db, act->a, act->who, act->order_id, ORDER_SHIPPED, act->text,
	                &out->mailed) < 0 ||
	    audit(db, act->who, "order_tracking", customer_id, detail) < 0)
		return -1;
	out->outcome = ORDER_DONE;
	return 0;
}

enum order_outcome order_ship(struct db *db, const struct order_actor *who, long long order_id,
                              const char *tracking, struct order_result *out)
{
	struct action act = {.who = who, .order_id = order_id, .text = tracking, .out = out};
	return run(db, ship_tx, &act);
}

static int message_tx(struct db *db, void *p)
{
	struct action *act = p;
	struct order_result *out = act->out;
	result_reset(out);
	arena_reset(act->a);
	struct order_contact contact;
	int st = db_order_contact_name(db, act->a, act->order_id, &contact);
	if (st < 0)
		return -1;
	if (st == DB_NOT_FOUND) {
		not_found(out, act->order_id);
		return -1;
	}
	if (contact.name == NULL) {
		out->outcome = ORDER_REFUSED;
		why(out, "order %lld has no customer any more: there is nobody to write to",
		    act->order_id);
		return -1;
	}
	/* Always at delivery: the message is queued the same way whoever writes it. */
	struct tdict *ctx = tdict_new(act->a);
	tdict_set(ctx, "message", act->text);
	st = notify_order_at_delivery(db, act->who->views, act->who->base_url, act->order_id,
	                              "order_message", &contact, ctx, act->key, &out->mailed);
	if (st < 0)
		return -1;
	if (st == 1) {
		out->outcome = ORDER_ALREADY;
		why(out, "this message about order %lld was sent already", act->order_id);
		return -1;
	}
	/* The audit row says that a message went, not what it says. */
	const char *detail = arena_printf(act->a, "order %lld: message queued", act->order_id);
	if (audit(db, act->who, "order_message", contact.customer_id, detail) < 0)
		return -1;
	out->outcome = ORDER_DONE;
	return 0;
}

enum order_outcome order_message(struct db *db, const struct order_actor *who, long long order_id,
                                 const char *message, const char *key, struct order_result *out)
{
	struct action act = {
	    .who = who, .order_id = order_id, .text = message, .key = key, .out = out};
	return run(db, message_tx, &act);
}

static int invoice_tx(struct db *db, void *p)
{
	struct action *act = p;
	struct order_result *out = act->out;
	result_reset(out);
	arena_reset(act->a);
	struct payment_state pay;
	int st = db_payment_lock(db, act->a, act->order_id, &pay);
	if (st < 0)
		return -1;
	if (st == DB_NOT_FOUND) {
		out->outcome = ORDER_NOT_FOUND;
		why(out, "order %lld has no payment record", act->order_id);
		return -1;
	}
	if (strcmp(pay.status, "invoice_paid") == 0) {
		out->outcome = ORDER_ALREADY;
		why(out, "the invoice of order %lld is marked paid already", act->order_id);
		return -1;
	}
	if (strcmp(pay.status, "invoice_due") != 0) {
		out->outcome = ORDER_REFUSED;
		why(out, "order %lld was paid by card: it has no invoice to mark paid",
		    act->order_id);
		return -1;
	}
	struct order_change ch = {
	    .order_id = act->order_id,
	    .to = ORDER_PAID,
	    .changed_by = act->who->changed_by,
	    .note = "invoice paid",
	};
	st = db_order_change_status(db, act->a, &ch);
	if (st < 0)
		return -1;
	out->was = ch.was;
	if (st != DB_CHANGED) {
		status_refused(out, act->order_id, ch.was, ORDER_PAID);
		out->outcome = ORDER_REFUSED; /* "already paid" with an unpaid invoice: refuse */
		return -1;
	}
	if (db_payment_set_status(db, act->order_id, "invoice_paid") < 0 ||
	    audit(db, act->who, "order_invoice_paid", ch.customer_id,
	          arena_printf(act->a, "order %lld: invoice paid", act->order_id)) < 0)
		return -1;
	out->outcome = ORDER_DONE;
	return 0;
}

enum order_outcome order_invoice_paid(struct db *db, const struct order_actor *who,
                                      long long order_id, struct order_result *out)
{
	struct action act = {.who = who, .order_id = order_id, .out = out};
	return run(db, invoice_tx, &act);
}

/* Says what the refund already recorded under the form's key came to. */
static void refund_seen(struct order_result *out, struct arena *a, const struct refund *r)
{
	out->outcome = ORDER_ALREADY;
	out->amount_cents = r->amount_cents;
	const char *amount = money(a, r->amount_cents);
	if (strcmp(r->status, "done") == 0)
		why(out, "this refund of %s was made already: nothing more was refunded", amount);
	else if (strcmp(r->status, "pending") == 0)
		why(out, "this refund of %s is being made already: nothing more was refunded",
		    amount);
	else
		why(out,
		    "this refund of %s was refused by the card processor; reload the order "
		    "to try again",
		    amount);
}

/*
 * Phase one of a refund, under the payment row's lock: checks what is
 * left (captured, less refunded, less pending) and records the refund as
 * pending under its key, so that a second clerk (or the same form again)
 * finds the amount taken.  act->pay keeps the token for the processor.
 */
static int reserve_tx(struct db *db, void *p)
{
	struct action *act = p;
	struct order_result *out = act->out;
	result_reset(out);
	arena_reset(act->a);
	int st = db_payment_lock(db, act->a, act->order_id, &act->pay);
	if (st < 0)
		return -1;
	if (st == DB_NOT_FOUND) {
		out->outcome = ORDER_NOT_FOUND;
		why(out, "order %lld has no payment record", act->order_id);
		return -1;
	}
	struct refund seen;
	st = db_refund_get(db, act->a, act->key, &seen);
	if (st < 0)
		return -1;
	if (st == 0) {
		refund_seen(out, act->a, &seen);
		return -1;
	}
	const struct payment_state *pay = &act->pay;
	if (pay->token == NULL) {
		out->outcome = ORDER_REFUSED;
		why(out, "order %lld is paid by invoice: only card payments are refunded here",
		    act->order_id);
		return -1;
	}
	long long left = pay->amount_cents - pay->refunded_cents - pay->pending_cents;
	if (left <= 0) {
		out->outcome = ORDER_ALREADY;
		why(out,
		    pay->pending_cents > 0
		        ? "the rest of order %lld's payment is being refunded already: nothing "
		          "more was refunded"
		        : "order %lld's payment is refunded in full already: nothing more was "
		          "refunded",
		    act->order_id);
		return -1;
	}
	long long want = act->amount_cents > 0 ? act->amount_cents : left;
	if (want > left) {
		out->outcome = ORDER_REFUSED;
		why(out, "at most %s is left to refund of order %lld's payment",
		    money(act->a, left), act->order_id);
		return -1;
	}
	act->amount_cents = want;
	out->amount_cents = want;
	st = db_refund_insert(db, act->order_id, act->key, want, act->who->changed_by);
	if (st != 0)
		return -1; /* 1 (the key, inserted meanwhile) is seen under the lock on a retry */
	enum order_status status;
	long long customer_id;
	if (db_order_lock(db, act->a, act->order_id, &status, &customer_id) < 0 ||
	    audit(db, act->who, "order_refund", customer_id,
	          arena_printf(act->a, "order %lld: refund of %s asked of the card processor",
	                       act->order_id, money(act->a, want))) < 0)
		return -1;
	out->outcome = ORDER_DONE;
	return 0;
}

/* The refund's step in the status history: the order moves to refunded when the payment is
 * refunded in full and its lifecycle allows; otherwise the step keeps its status. */
static int refund_history(struct db *db, struct action *act, bool full, long long *customer_id)
{
	const char *amount = money(act->a, act->amount_cents);
	const char *note = arena_printf(act->a, "refund of %s issued%s", amount,
	                                full ? " (payment refunded in full)" : "");
	const char *told = arena_printf(act->a, "Refunded €%s%s", amount,
	                                full ? ": your payment is refunded in full" : "");
	enum order_status status;
	if (db_order_lock(db, act->a, act->order_id, &status, customer_id) != 0)
		return -1;
	if (full && order_status_allowed(status, ORDER_REFUNDED)) {
		struct order_change ch = {
		    .order_id = act->order_id,
		    .to = ORDER_REFUNDED,
		    .changed_by = act->who->changed_by,
		    .note = note,
		    .customer_note = told,
		    .refund_issued = true,
		};
		return db_order_change_status(db, act->a, &ch) == DB_CHANGED ? 0 : -1;
	}
	return db_order_history_insert_told(db, act->order_id, status, act->who->changed_by, note,
	                                    told);
}

/* Phase three, after the processor answered: finishes the pending refund; when approved, adds
 * it to the payment, the history, the disclosures and the customer's mail. */
static int finish_tx(struct db *db, void *p)
{
	struct action *act = p;
	struct order_result *out = act->out;
	bool ok = act->answer == PAY_APPROVED;
	result_reset(out);
	arena_reset(act->a);
	out->amount_cents = act->amount_cents;
	struct payment_state pay;
	long long customer_id;
	if (db_payment_lock(db, act->a, act->order_id, &pay) != 0 ||
	    db_refund_finish(db, act->key, ok) != 0)
		return -1;
	const char *amount = money(act->a, act->amount_cents);
	if (!ok) {
		enum order_status status;
		if (db_order_lock(db, act->a, act->order_id, &status, &customer_id) != 0 ||
		    audit(db, act->who, "order_refund_failed", customer_id,
		          arena_printf(act->a,
		                       "order %lld: the card processor refused the refund "
		                       "of %s",
		                       act->order_id, amount)) < 0)
			return -1;
		out->outcome = ORDER_DECLINED;
		why(out,
		    act->answer == PAY_DECLINED
		        ? "the card processor refused to refund %s: nothing was refunded"
		        : "the card processor could not refund %s: nothing was refunded",
		    amount);
		return 0;
	}
	long long refunded = pay.refunded_cents + act->amount_cents;
	out->full = refunded >= pay.amount_cents;
	if (db_payment_set_refunded(db, act->order_id, refunded,
	                            out->full ? "refunded" : pay.status) < 0 ||
	    refund_history(db, act, out->full, &customer_id) < 0 ||
	    db_disclosure_insert(db, customer_id, act->order_id, "card processor",
	                         "payment token, refund amount",
	                         arena_printf(act->a, "refund of order %lld", act->order_id)) < 0)
		return -1;
	struct order_contact contact;
	struct tdict *ctx = tdict_new(act->a);
	tdict_set(ctx, "amount", amount);
	tdict_set_bool(ctx, "full", out->full);
	if (db_order_contact_name(db, act->a, act->order_id, &contact) != 0 ||
	    notify_order_at_delivery(db, act->who->views, act->who->base_url, act->order_id,
	                             "order_refund", &contact, ctx, NULL, &out->mailed) < 0 ||
	    audit(db, act->who, "order_refund_done", customer_id,
	          arena_printf(act->a, "order %lld: refunded %s%s", act->order_id, amount,
	                       out->full ? " (in full)" : "")) < 0)
		return -1;
	out->outcome = ORDER_DONE;
	return 0;
}

enum order_outcome order_refund(struct db *db, const struct order_actor *who,
                                const struct processor *proc, long long order_id,
                                long long amount_cents, const char *key, struct order_result *out)
{
	struct action act = {.who = who,
	                     .order_id = order_id,
	                     .amount_cents = amount_cents,
	                     .key = key,
	                     .proc = proc,
	                     .out = out};
	act.a = arena_new();
	enum order_outcome rc = ORDER_ERROR;
	if (db_tx(db, reserve_tx, &act) < 0) {
		rc = out->outcome == ORDER_DONE ? ORDER_ERROR : out->outcome;
		goto out;
	}
	/*
	 * The processor is asked outside any transaction: a refund can take as
	 * long as processor_timeout_ms, and holding the payment row (and the
	 * audit chain's head) locked that long would stall every other clerk;
	 * db_tx would also ask again on each deadlock retry.  The pending row,
	 * committed first, already takes the amount from what is left, so a
	 * second clerk cannot refund it meanwhile, and the key makes a repeated
	 * ask of the processor refund nothing more.  If this worker dies before
	 * the last step, the refund stays pending (counted as taken) until it
	 * is finished by hand; no money is ever refunded twice.
	 */
	act.answer = PAY_ERROR;
	if (proc != NULL && act.pay.processor != NULL && strcmp(proc->name, act.pay.processor) == 0)
		act.answer = proc->refund(proc, act.pay.token, act.amount_cents, key);
	if (db_tx(db, finish_tx, &act) < 0) {
		log_error("refund: the card processor %s it, but recording that failed (%s); the "
		          "refund stays pending (debug level names the order)",
		          act.answer == PAY_APPROVED ? "approved" : "refused", db_error(db));
		log_debug("refund of order %lld stays pending", order_id);
		result_reset(out);
		rc = ORDER_ERROR;
		goto out;
	}
	rc = out->outcome;
out:
	arena_wipe(act.a);
	arena_free(act.a);
	return rc;
}
