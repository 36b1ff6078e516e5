/* ctl_messages.c — `dittoctl messages list`: the support queue (what customers wrote through
 * /contact) for operators, one message a line. */
#include <stdio.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/support.h"
#include "ctl.h"

static const char messages_usage[] =
    "usage: dittoctl messages list [--all]\n"
    "Prints the messages customers sent through the contact page that are not answered yet\n"
    "(with --all, every one), oldest first, one a line, tab-separated:\n"
    "  ID  SENT (UTC)  ANSWERED (UTC, or \"open\")  USERNAME  SUBJECT  MESSAGE\n"
    "(line breaks and tabs in a message become spaces).  Support marks a message answered on\n"
    "the staff site's Messages page.  Connects as db_admin_user.";

/* Prints s with every control character (line breaks, tabs) as a space. */
static void put_field(const char *s)
{
	for (const char *p = s != NULL ? s : ""; *p; p++)
		putchar((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static int messages_list(int argc, char **argv)
{
	int all = 0;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(messages_usage);
			return CTL_OK;
		}
		if (strcmp(argv[i], "--all") == 0)
			all = 1;
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl messages --help)", argv[i]);
	}
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct support_message *m;
	size_t n;
	int rc = CTL_OK;
	if (db_support_list_all(db, a, all, &m, &n) < 0)
		rc = fail("cannot read the support queue: %s", db_error(db));
	for (size_t i = 0; rc == CTL_OK && i < n; i++) {
		const char *cols[] = {m[i].created_at, m[i].answered_at ? m[i].answered_at : "open",
		                      m[i].username, m[i].subject, m[i].message};
		printf("%lld", m[i].id);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			putchar('\t');
			put_field(cols[c]);
		}
		putchar('\n');
	}
	if (rc == CTL_OK && n == 0)
		fprintf(stderr, "dittoctl: no %smessages\n", all ? "" : "open ");
	arena_free(a);
	db_free(db);
	return rc;
}

int cmd_messages(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "messages", "list", messages_usage, messages_list);
}
