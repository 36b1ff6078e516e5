/* ctl_order.c — `dittoctl order status`: an order's status changed by hand, through the shop's
 * one order lifecycle (app/status.h) and data access (app/db/orders.h). */
#include <stdio.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/orders.h"
#include "../app/notify.h"
#include "../app/status.h"
#include "../app/validate.h"
#include "ctl.h"

#define NOTE_MAX_CHARS 400 /* order_status_history.note is 500: room for our own remark */

/* One change by hand, filled in by status_tx (which db_tx may run more than once). */
struct status_change {
	long long order_id;
	enum order_status to;
	const char *note;       /* the operator's, or NULL: internal, never in the message */
	const char *changed_by; /* "dittoctl:<os user>" */
	char was[16];
	bool mailed;
	char refused[256]; /* why the change is not allowed; "" when made or on a DB error */
};

/*
 * The change in one transaction (db_order_change_status locks the order's
 * row first, so two concurrent runs serialise and the second sees the
 * first's status), with the customer's message.  Returns 0 to commit, -1
 * to roll back.
 */
static int status_tx(struct db *db, void *ctx)
{
	struct status_change *c = ctx;
	struct arena *a = arena_new();
	int rc = -1;
	c->refused[0] = '\0';
	c->was[0] = '\0';
	c->mailed = false;
	struct order_change ch = {
	    .order_id = c->order_id,
	    .to = c->to,
	    .changed_by = c->changed_by,
	    .note = c->note,
	};
	int st = db_order_change_status(db, a, &ch);
	if (st == DB_NOT_FOUND)
		snprintf(c->refused, sizeof(c->refused), "no order %lld", c->order_id);
	if (st == DB_REFUSED) {
		const char *was = order_status_name(ch.was), *to = order_status_name(c->to);
		snprintf(c->was, sizeof(c->was), "%s", was ? was : "");
		if (ch.was == c->to)
			snprintf(c->refused, sizeof(c->refused), "order %lld is already %s",
			         c->order_id, c->was);
		else if (order_status_is_final(ch.was))
			snprintf(c->refused, sizeof(c->refused),
			         "cannot change order %lld from %s to %s: %s is final", c->order_id,
			         c->was, to, c->was);
		else
			snprintf(
			    c->refused, sizeof(c->refused),
			    "cannot change order %lld from %s to %s (a %s order can become %s)",
			    c->order_id, c->was, to, c->was, order_status_next_text(ch.was));
	}
	if (st != DB_CHANGED)
		goto out;
	snprintf(c->was, sizeof(c->was), "%s", order_status_name(ch.was));
	/* The message is built from the order alone: the operator's note is never passed. */
	if (notify_order_status(db, ctl_views(), cfg.base_url, c->order_id, c->to, &ch.contact,
	                        NULL, &c->mailed) < 0)
		goto out;
	rc = 0;
out:
	arena_wipe(a);
	arena_free(a);
	return rc;
}

static const char order_usage[] =
    "usage: dittoctl order status ORDER_ID STATUS [--note TEXT]\n"
    "Changes an order's status by hand, in one transaction: sets it, records it in the\n"
    "order's status history (by dittoctl:<your login name>, with the note if given) and,\n"
    "for shipped, delivered, cancelled and refunded, queues a message to the customer.\n"
    "Allowed changes:\n"
    "  placed     -> paid, cancelled\n"
    "  paid       -> shipped, cancelled, refunded\n"
    "  shipped    -> delivered, refunded\n"
    "  delivered  -> refunded\n"
    "Refunding (or cancelling a paid order) does not move money: the history note says\n"
    "\"refund to be issued by billing\", who issue it with the card processor.\n"
    "--note TEXT  an internal note for the history (one line, at most 400 characters;\n"
    "             never sent to the customer).\n"
    "Connects as db_admin_user. Running it twice is safe: the second run fails, naming\n"
    "the status the first one set.";

static int order_status(int argc, char **argv)
{
	const char *id_arg = NULL, *to = NULL, *note = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(order_usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
			note = argv[++i];
		else if (strncmp(argv[i], "--note=", 7) == 0)
			note = argv[i] + 7;
		else if (id_arg == NULL && argv[i][0] != '-')
			id_arg = argv[i];
		else if (to == NULL && argv[i][0] != '-')
			to = argv[i];
		else
			return usage_fail("unexpected argument '%s' (try: dittoctl order --help)",
			                  argv[i]);
	}
	if (id_arg == NULL || to == NULL)
		return usage_fail(
		    "order status needs ORDER_ID and STATUS (try: dittoctl order --help)");
	long long order_id;
	if (!valid_id(id_arg, &order_id))
		return usage_fail("ORDER_ID must be a positive number, not '%s'", id_arg);
	int to_status = order_status_parse(to);
	if (to_status < 0)
		return usage_fail("unknown status '%s' (one of: paid, shipped, delivered, "
		                  "cancelled, refunded)",
		                  to);
	if (note != NULL && !valid_text(note, NOTE_MAX_CHARS))
		return usage_fail("--note must be one line of 1-%d characters of UTF-8 text",
		                  NOTE_MAX_CHARS);
	if (ctl_config() < 0 || ctl_views() == NULL)
		return CTL_ERR;

	struct status_change c = {
	    .order_id = order_id,
	    .to = (enum order_status)to_status,
	    .note = note,
	    .changed_by = ctl_changed_by(),
	};
	char what[64];
	snprintf(what, sizeof(what), "change order %lld", order_id);
	if (ctl_admin_tx(status_tx, &c, c.refused, what) != CTL_OK)
		return CTL_ERR;
	printf("order %lld: %s -> %s", order_id, c.was, to);
	if (c.mailed)
		printf(", message queued (order_%s)", to);
	printf("\n");
	return CTL_OK;
}

int cmd_order(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "order", "status", order_usage, order_status);
}
