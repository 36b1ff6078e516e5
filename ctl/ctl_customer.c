/* ctl_customer.c — `dittoctl customer approve|deny|cancel`: a representative changes access. */
#include <stdio.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/notify.h"
#include "../app/status.h"
#include "../app/validate.h"
#include "ctl.h"

#define NOTE_MAX_CHARS 500 /* customer_status_history.note */

/* What each command does: the status it sets (the customer is told: app/notify.h). */
static const struct action {
	const char *verb;        /* the sub-command */
	enum customer_status to; /* customers.status afterwards */
	bool end_sessions;       /* sign the customer out everywhere at once */
} actions[] = {
    {"approve", CUSTOMER_APPROVED, false},
    {"deny", CUSTOMER_DENIED, true},
    {"cancel", CUSTOMER_CANCELLED, true},
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

/* One status change, filled in by change_tx (which db_tx may run more than once). */
struct change {
	const struct action *act;
	const char *username;
	const char *note;       /* NULL when none: internal, never in the message */
	const char *changed_by; /* "dittoctl:<os user>" */
	const char *kind;       /* the message queued (outbox.kind) */
	char refused[256];      /* why the change is not allowed; "" when it was made or failed */
	char was[16];           /* the status before */
	unsigned long long sessions_ended;
};

/*
 * The whole change in one transaction (db_customer_change_status locks the
 * row first, so two concurrent runs serialise and the second sees the
 * first's status), with the message.  Returns 0 to commit, -1 to roll back
 * (c->refused says when it was a refusal rather than a database error).
 */
static int change_tx(struct db *db, void *ctx)
{
	struct change *c = ctx;
	const struct action *act = c->act;
	struct arena *a = arena_new();
	int rc = -1;
	c->refused[0] = '\0';
	c->was[0] = '\0';
	struct customer_change ch = {
	    .username = c->username,
	    .to = act->to,
	    .changed_by = c->changed_by,
	    .note = c->note,
	    .end_sessions = act->end_sessions,
	};
	int st = db_customer_change_status(db, a, &ch);
	c->sessions_ended = ch.sessions_ended;
	if (st == DB_NOT_FOUND)
		snprintf(c->refused, sizeof(c->refused), "no customer named '%s'", c->username);
	if (st == DB_REFUSED) {
		const char *was = customer_status_name(ch.was);
		snprintf(c->was, sizeof(c->was), "%s", was ? was : "");
		if (ch.was == act->to)
			snprintf(c->refused, sizeof(c->refused),
			         "cannot %s '%s': the account is already %s", act->verb,
			         c->username, c->was);
		else
			snprintf(c->refused, sizeof(c->refused),
			         "cannot %s '%s': the account is %s (only %s accounts can be %s)",
			         act->verb, c->username, c->was, customer_status_prev_text(act->to),
			         customer_status_name(act->to));
	}
	if (st != DB_CHANGED)
		goto out;
	snprintf(c->was, sizeof(c->was), "%s", customer_status_name(ch.was));

	/* The message says what happened, never the internal note. */
	if (notify_customer_status(db, ctl_views(), cfg.base_url, ch.id, ch.email, act->to,
	                           &c->kind) < 0)
		goto out;
	rc = 0;
out:
	arena_wipe(a);
	arena_free(a);
	return rc;
}

static const char customer_usage[] =
    "usage: dittoctl customer approve|deny|cancel USERNAME [--note TEXT]\n"
    "Changes a customer's access as a representative would, in one transaction: sets the\n"
    "status, records it in the status history (by dittoctl:<your login name>, with the\n"
    "note if given), and queues a message telling the customer.\n"
    "  approve  from pending, denied, cancelled or deactivated (reactivation)\n"
    "  deny     from pending; ends the customer's sessions\n"
    "  cancel   from approved or pending; ends the customer's sessions at once\n"
    "--note TEXT  an internal note for the history (one line, at most 500 characters;\n"
    "             never sent to the customer).\n"
    "Connects as db_admin_user. Running it twice is safe: the second run fails, naming\n"
    "the status the first one set.";

int cmd_customer(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("customer needs a sub-command: approve, deny or cancel (try: "
		                  "dittoctl customer --help)");
	const struct action *act = NULL;
	for (size_t i = 0; i < NACTIONS; i++)
		if (strcmp(argv[1], actions[i].verb) == 0)
			act = &actions[i];
	if (act == NULL && !ctl_is_help(argv[1]))
		return usage_fail("unknown customer command '%s' (try: dittoctl customer --help)",
		                  argv[1]);
	const char *username = NULL, *note = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(customer_usage);
			return CTL_OK;
		}
		if (i == 1)
			continue;
		if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
			note = argv[++i];
		else if (strncmp(argv[i], "--note=", 7) == 0)
			note = argv[i] + 7;
		else if (username == NULL && argv[i][0] != '-')
			username = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl customer --help)", argv[i]);
	}
	if (username == NULL)
		return usage_fail("customer %s needs a USERNAME (try: dittoctl customer --help)",
		                  act->verb);
	if (note != NULL && !valid_text(note, NOTE_MAX_CHARS))
		return usage_fail("--note must be one line of 1-%d characters of UTF-8 text",
		                  NOTE_MAX_CHARS);
	if (ctl_config() < 0)
		return CTL_ERR;

	if (ctl_views() == NULL)
		return CTL_ERR;

	struct change c = {
	    .act = act,
	    .username = username,
	    .note = note,
	    .changed_by = ctl_changed_by(),
	};
	char what[1024]; /* as long as fail()'s line: the same text, cut at the same place */
	snprintf(what, sizeof(what), "%s '%s'", act->verb, username);
	if (ctl_admin_tx(change_tx, &c, c.refused, what) != CTL_OK)
		return CTL_ERR;
	printf("customer %s: %s -> %s", username, c.was, customer_status_name(act->to));
	if (act->end_sessions)
		printf(", %llu session%s ended", c.sessions_ended,
		       c.sessions_ended == 1 ? "" : "s");
	if (c.kind != NULL)
		printf(", message queued (%s)", c.kind);
	printf("\n");
	return CTL_OK;
}
