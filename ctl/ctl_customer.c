/* ctl_customer.c — `dittoctl customer approve|deny|cancel|restore`: a representative changes
 * access, through the same code as the staff site's forms (app/customer_access.h). */
#include <stdio.h>
#include <string.h>

#include "../app/customer_access.h"
#include "../app/db/db.h"
#include "../app/validate.h"
#include "ctl.h"

/* One run: the shared change and the line dittoctl prints when it is refused. */
struct run {
	struct customer_access_change ch;
	const char *username;
	char refused[320]; /* "" when it was made or the database failed */
};

/* The shared transaction body (app/customer_access.c), run by db_tx (maybe more than once). */
static int change_tx(struct db *db, void *ctx)
{
	struct run *r = ctx;
	const char *verb = customer_access_info(r->ch.action)->verb;
	r->refused[0] = '\0';
	r->ch.id = 0; /* found by username again on a retry */
	int st = customer_access_change(db, &r->ch);
	if (st == DB_NOT_FOUND)
		snprintf(r->refused, sizeof(r->refused), "no customer named '%s'", r->username);
	else if (st == DB_REFUSED)
		snprintf(r->refused, sizeof(r->refused), "cannot %s '%s': %s", verb, r->username,
		         r->ch.refused);
	return st == DB_CHANGED ? 0 : -1;
}

static const char customer_usage[] =
    "usage: dittoctl customer approve|deny|cancel|restore USERNAME [--reason TEXT] [--note TEXT]\n"
    "       dittoctl customer list [--status STATUS] [--limit N]   (see: customer list --help)\n"
    "Changes a customer's access as a representative would, in one transaction (the same\n"
    "code as the staff site's forms): sets the status, records it in the status history\n"
    "(by dittoctl:<your login name>, with the reason and note if given), and queues a\n"
    "message telling the customer.\n"
    "  approve  from pending, denied, cancelled or deactivated (reactivation)\n"
    "  deny     from pending; ends the customer's sessions\n"
    "  cancel   from approved or pending; ends the customer's sessions at once\n"
    "  restore  from cancelled or deactivated: access back\n"
    "--reason TEXT  deny and cancel: the reason, told to the customer in the message\n"
    "               (one line, at most 500 characters).\n"
    "--note TEXT    an internal note for the history (one line, at most 500 characters;\n"
    "               never sent to the customer).\n"
    "Connects as db_admin_user. Running it twice is safe: the second run fails, naming\n"
    "the status the first one set.";

/* Reads "--NAME TEXT" or "--NAME=TEXT" at argv[*i] into *out. Returns true when it was that. */
static bool option(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);
	if (strcmp(argv[*i], name) == 0 && *i + 1 < argc) {
		*out = argv[++*i];
		return true;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return true;
	}
	return false;
}

int cmd_customer(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("customer needs a sub-command: approve, deny, cancel, restore or "
		                  "list (try: dittoctl customer --help)");
	if (strcmp(argv[1], "list") == 0)
		return ctl_customer_list(argc - 1, argv + 1);
	int action = customer_access_parse(argv[1]);
	if (action < 0 && !ctl_is_help(argv[1]))
		return usage_fail("unknown customer command '%s' (try: dittoctl customer --help)",
		                  argv[1]);
	const char *username = NULL, *note = NULL, *reason = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(customer_usage);
			return CTL_OK;
		}
		if (i == 1 || option(argc, argv, &i, "--note", &note) ||
		    option(argc, argv, &i, "--reason", &reason))
			continue;
		if (username == NULL && argv[i][0] != '-')
			username = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl customer --help)", argv[i]);
	}
	const struct customer_access_info *info = customer_access_info(action);
	if (username == NULL)
		return usage_fail("customer %s needs a USERNAME (try: dittoctl customer --help)",
		                  info->verb);
	if (note != NULL && !valid_text(note, CUSTOMER_ACCESS_REASON_MAX))
		return usage_fail("--note must be one line of 1-%d characters of UTF-8 text",
		                  CUSTOMER_ACCESS_REASON_MAX);
	if (reason != NULL && !info->tells_reason)
		return usage_fail(
		    "--reason is for deny and cancel (use --note for an internal note)");
	if (reason != NULL && !valid_text(reason, CUSTOMER_ACCESS_REASON_MAX))
		return usage_fail("--reason must be one line of 1-%d characters of UTF-8 text",
		                  CUSTOMER_ACCESS_REASON_MAX);
	if (ctl_config() < 0)
		return CTL_ERR;
	if (ctl_views() == NULL)
		return CTL_ERR;

	struct run r = {
	    .ch =
	        {
	            .action = action,
	            .username = username,
	            .changed_by = ctl_changed_by(),
	            .reason = reason,
	            .note = note,
	            .views = ctl_views(),
	            .base_url = cfg.base_url,
	        },
	    .username = username,
	};
	char what[1024]; /* as long as fail()'s line: the same text, cut at the same place */
	snprintf(what, sizeof(what), "%s '%s'", info->verb, username);
	if (ctl_admin_tx(change_tx, &r, r.refused, what) != CTL_OK)
		return CTL_ERR;
	printf("customer %s: %s -> %s", username, customer_status_name(r.ch.was),
	       customer_status_name(info->to));
	if (info->end_sessions)
		printf(", %llu session%s ended", r.ch.sessions_ended,
		       r.ch.sessions_ended == 1 ? "" : "s");
	if (r.ch.kind != NULL)
		printf(", message queued (%s)", r.ch.kind);
	printf("\n");
	return CTL_OK;
}
