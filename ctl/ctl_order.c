/* ctl_order.c — `dittoctl order status`: an order's status changed by hand, through the shop's
 * one order lifecycle (app/status.h) and the order actions the staff site uses too
 * (app/order_actions.h). */
#include <stdio.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/orders.h"
#include "../app/order_actions.h"
#include "../app/status.h"
#include "../app/validate.h"
#include "ctl.h"

#define NOTE_MAX_CHARS 400 /* order_status_history.note is 500: room for our own remark */

static const char order_usage[] =
    "usage: dittoctl order status ORDER_ID STATUS [--note TEXT]\n"
    "       dittoctl order list [--status STATUS] [--limit N]   (see: order list --help)\n"
    "Changes an order's status by hand, in one transaction: sets it, records it in the\n"
    "order's status history (by dittoctl:<your login name>, with the note if given) and,\n"
    "for shipped, delivered, cancelled and refunded, queues a message to the customer.\n"
    "Allowed changes:\n"
    "  placed     -> paid, cancelled\n"
    "  paid       -> shipped, cancelled, refunded\n"
    "  shipped    -> delivered, refunded\n"
    "  delivered  -> refunded\n"
    "A cancelled order's units go back to stock. Refunding (or cancelling a paid order)\n"
    "does not move money: the history note says \"refund to be issued by billing\", who\n"
    "issue it with the card processor (on the staff site).\n"
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

	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	/* The same change as the staff site's, through app/order_actions.c; dittoctl's account
	 * reads the contact address, so the message is addressed at once. */
	struct order_actor who = {
	    .changed_by = ctl_changed_by(),
	    .views = ctl_views(),
	    .base_url = cfg.base_url,
	    .reads_address = true,
	};
	struct order_result res;
	enum order_outcome done =
	    order_change_status(db, &who, order_id, (enum order_status)to_status, note, &res);
	if (done != ORDER_DONE) {
		if (res.why[0] != '\0')
			fail("%s", res.why);
		else
			fail("cannot change order %lld: %s", order_id, db_error(db));
		db_free(db);
		return CTL_ERR;
	}
	db_free(db);
	printf("order %lld: %s -> %s", order_id, order_status_name(res.was), to);
	if (res.mailed)
		printf(", message queued (order_%s)", to);
	printf("\n");
	return CTL_OK;
}

int cmd_order(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return ctl_order_list(argc - 1, argv + 1);
	if (argc < 2)
		return usage_fail("order needs a sub-command: status or list (try: dittoctl order "
		                  "--help)");
	return ctl_one_subcommand(argc, argv, "order", "status", order_usage, order_status);
}
