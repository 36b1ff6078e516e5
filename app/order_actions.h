/* order_actions.h — what is done to an order, each in one transaction with its status history,
 * its message to the customer and (for staff) its audit row: a status change along the one
 * lifecycle (app/status.h), shipping with a tracking number, a message about the order, an
 * invoice marked paid and a card refund.  The staff site and `dittoctl order status` call these
 * same functions. */
#ifndef DITTO_ORDER_ACTIONS_H
#define DITTO_ORDER_ACTIONS_H

#include <stdbool.h>

#include "privacy/audit.h"
#include "status.h"

struct db;
struct processor;
struct tmpl_set;

/* What an action did. */
enum order_outcome {
	ORDER_DONE,      /* changed (and the customer told, where they are told of it) */
	ORDER_ALREADY,   /* it was done already: nothing changed, why says so */
	ORDER_REFUSED,   /* the order's state does not allow it: nothing changed, why says so */
	ORDER_NOT_FOUND, /* no such order (or no payment record) */
	ORDER_DECLINED,  /* the card processor refused a refund: nothing refunded, why says so */
	ORDER_ERROR,     /* a database error (db_error tells); nothing changed */
};

/* Who acts, and how the customer is told: the same for every action. */
struct order_actor {
	const char *changed_by;       /* the history's "by": "dittoctl:<login>", a staff username */
	const struct tmpl_set *views; /* the mail templates */
	const char *base_url;         /* links in mail */
	/*
	 * True when the caller may read the order's contact address (dittoctl): the
	 * message is addressed now.  False for staff roles: the message carries the
	 * order and `dittoctl mail send` addresses it at delivery, so a role that
	 * sees the address masked (billing) never reads it.
	 */
	bool reads_address;
	/* Staff: who, route and request of the audit row written with the change (action,
	 * customer and detail are the action's).  NULL: no audit row (dittoctl). */
	const struct audit_event *audit;
};

/* What happened, for the caller to say. */
struct order_result {
	enum order_outcome outcome;
	enum order_status was;  /* the order's status before (status changes) */
	bool mailed;            /* a message to the customer was queued */
	long long amount_cents; /* refunds: what was refunded */
	bool full;              /* refunds: the payment is now refunded in full */
	char why[300];          /* why nothing changed; "" when done or on a database error */
};

/*
 * Changes order_id's status to `to` with an internal note (or NULL), along
 * the allowed transitions only; a cancelled order's stock goes back.  The
 * customer is told of shipped, delivered, cancelled and refunded.  ALREADY
 * when the order has that status; REFUSED when the lifecycle forbids it.
 */
enum order_outcome order_change_status(struct db *db, const struct order_actor *who,
                                       long long order_id, enum order_status to, const char *note,
                                       struct order_result *out);

/*
 * Records tracking (valid_tracking) for a paid order_id, which ships it,
 * and tells the customer.  ALREADY when it was shipped with that number;
 * REFUSED when the order is not paid (or shipped with another number).
 */
enum order_outcome order_ship(struct db *db, const struct order_actor *who, long long order_id,
                              const char *tracking, struct order_result *out);

/*
 * Queues message (valid_text_lines) to the customer of order_id, addressed at
 * delivery.  key is the form's one-time key: ALREADY when a message with it
 * was queued.  REFUSED when the order has no customer any more.
 */
enum order_outcome order_message(struct db *db, const struct order_actor *who, long long order_id,
                                 const char *message, const char *key, struct order_result *out);

/*
 * Marks the invoice of order_id paid and the order paid.  ALREADY when it
 * was; REFUSED for a card payment or an order that can no longer be paid
 * (cancelled); NOT_FOUND without a payment record.
 */
enum order_outcome order_invoice_paid(struct db *db, const struct order_actor *who,
                                      long long order_id, struct order_result *out);

/*
 * Refunds amount_cents (0: all that is left) of order_id's card payment
 * through proc, under key (the form's one-time key: the same key never
 * refunds twice, here or at the processor).  The refund is recorded as
 * pending, under the payment row's lock, before the processor is asked,
 * and finished after; the processor is called outside any transaction.
 * A full refund moves the order to refunded (if its lifecycle allows);
 * each refund is a step of the history the customer sees, a disclosure to
 * the card processor and a message to the customer.  ALREADY when key was
 * used, or nothing is left to refund; REFUSED for an invoice or more than
 * is left (why says how much is); DECLINED when the processor refuses.
 */
enum order_outcome order_refund(struct db *db, const struct order_actor *who,
                                const struct processor *proc, long long order_id,
                                long long amount_cents, const char *key, struct order_result *out);

#endif
