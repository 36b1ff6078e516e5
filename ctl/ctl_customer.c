/* ctl_customer.c — `dittoctl customer approve|deny|cancel`: a representative changes access. */
#include <stdio.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/validate.h"
#include "ctl.h"

#define NOTE_MAX_CHARS 500 /* customer_status_history.note */

/* What each command does: the status it sets, from which, and what the customer is told. */
static const struct action {
	const char *verb;      /* the sub-command */
	const char *status;    /* customers.status afterwards */
	const char *from[5];   /* statuses it may change, NULL-terminated */
	const char *from_text; /* the same, for the error line */
	bool end_sessions;     /* sign the customer out everywhere at once */
	const char *kind;      /* outbox.kind */
	const char *subject;
	const char *body; /* approve's has one %s: the login URL */
} actions[] = {
    {"approve",
     "approved",
     {"pending", "denied", "cancelled", "deactivated", NULL},
     "pending, denied, cancelled or deactivated",
     false,
     "access_approved",
     "Your idem ditto account is approved",
     "Hello,\n\n"
     "A representative of idem ditto has approved your account. You can now log in at\n"
     "%s\n"
     "with the username and password you chose.\n\n"
     "idem ditto\n"},
    {"deny",
     "denied",
     {"pending", NULL},
     "pending",
     true,
     "access_denied",
     "Your idem ditto registration was not approved",
     "Hello,\n\n"
     "A representative of idem ditto has reviewed your registration and did not approve\n"
     "it, so you cannot log in to the shop.\n\n"
     "idem ditto\n"},
    {"cancel",
     "cancelled",
     {"approved", "pending", NULL},
     "approved or pending",
     true,
     "access_cancelled",
     "Your idem ditto account has been cancelled",
     "Hello,\n\n"
     "A representative of idem ditto has cancelled your access to the shop. You have been\n"
     "signed out and can no longer log in.\n\n"
     "idem ditto\n"},
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

/* One status change, filled in by change_tx (which db_tx may run more than once). */
struct change {
	const struct action *act;
	const char *username;
	const char *note;       /* NULL when none */
	const char *changed_by; /* "dittoctl:<os user>" */
	const char *body;       /* the message, formatted */
	char refused[256];      /* why the change is not allowed; "" when it was made or failed */
	char was[16];           /* the status before */
	unsigned long long sessions_ended;
};

static bool allowed_from(const struct action *act, const char *status)
{
	for (size_t i = 0; act->from[i] != NULL; i++)
		if (strcmp(act->from[i], status) == 0)
			return true;
	return false;
}

static const char SQL_LOCK_CUSTOMER[] =
    "SELECT id, email, status FROM customers WHERE username = ? FOR UPDATE";
static const char SQL_SET_STATUS[] =
    "UPDATE customers SET status = ?, status_changed_at = UTC_TIMESTAMP(6) WHERE id = ?";
static const char SQL_HISTORY[] = "INSERT INTO customer_status_history "
                                  "(customer_id, status, changed_by, note) VALUES (?, ?, ?, ?)";
static const char SQL_END_SESSIONS[] = "DELETE FROM sessions WHERE customer_id = ?";

/*
 * The whole change in one transaction: the row is locked first, so two
 * concurrent runs serialise and the second sees the first's status.
 * Returns 0 to commit, -1 to roll back (c->refused says when it was a
 * refusal rather than a database error).
 */
static int change_tx(struct db *db, void *ctx)
{
	struct change *c = ctx;
	const struct action *act = c->act;
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	c->refused[0] = '\0';
	c->sessions_ended = 0;

	struct db_arg who[] = {DB_STR(c->username)};
	if (db_query(db, a, SQL_LOCK_CUSTOMER, who, 1, &r) < 0)
		goto out;
	if (r.nrows == 0) {
		snprintf(c->refused, sizeof(c->refused), "no customer named '%s'", c->username);
		goto out;
	}
	long long id = db_cell_int(&r, 0, 0);
	const char *email = db_cell(&r, 0, 1);
	const char *status = db_cell(&r, 0, 2);
	snprintf(c->was, sizeof(c->was), "%s", status ? status : "");
	if (status == NULL || !allowed_from(act, status)) {
		if (status != NULL && strcmp(status, act->status) == 0)
			snprintf(c->refused, sizeof(c->refused),
			         "cannot %s '%s': the account is already %s", act->verb,
			         c->username, status);
		else
			snprintf(c->refused, sizeof(c->refused),
			         "cannot %s '%s': the account is %s (only %s accounts can be %s)",
			         act->verb, c->username, c->was, act->from_text, act->status);
		goto out;
	}

	struct db_arg set[] = {DB_STR(act->status), DB_INT(id)};
	if (db_exec(db, SQL_SET_STATUS, set, 2, NULL, NULL) < 0)
		goto out;
	struct db_arg hist[] = {DB_INT(id), DB_STR(act->status), DB_STR(c->changed_by),
	                        c->note ? DB_STR(c->note) : DB_NULL};
	if (db_exec(db, SQL_HISTORY, hist, 4, NULL, NULL) < 0)
		goto out;
	/* A session row is what lets a request through: deleting it refuses the next one. */
	if (act->end_sessions) {
		struct db_arg cust[] = {DB_INT(id)};
		if (db_exec(db, SQL_END_SESSIONS, cust, 1, &c->sessions_ended, NULL) < 0)
			goto out;
	}
	if (db_outbox_insert(db, id, act->kind, email ? email : "", act->subject, c->body) < 0)
		goto out;
	rc = 0;
out:
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

	/* The shop's base URL without a trailing slash, then "/login". */
	char login_url[CONFIG_STR + 8];
	ctl_shop_url(login_url, sizeof(login_url), "/login");
	char body[1024];
	if (strchr(act->body, '%') != NULL)
		snprintf(body, sizeof(body), act->body, login_url);
	else
		snprintf(body, sizeof(body), "%s", act->body);

	struct change c = {
	    .act = act,
	    .username = username,
	    .note = note,
	    .changed_by = ctl_changed_by(),
	    .body = body,
	};
	char what[1024]; /* as long as fail()'s line: the same text, cut at the same place */
	snprintf(what, sizeof(what), "%s '%s'", act->verb, username);
	if (ctl_admin_tx(change_tx, &c, c.refused, what) != CTL_OK)
		return CTL_ERR;
	printf("customer %s: %s -> %s", username, c.was, act->status);
	if (act->end_sessions)
		printf(", %llu session%s ended", c.sessions_ended,
		       c.sessions_ended == 1 ? "" : "s");
	printf(", message queued (%s)\n", act->kind);
	return CTL_OK;
}
