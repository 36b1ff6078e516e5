/* ctl_export.c — `dittoctl export USERNAME [FILE]`: a customer's data export for a support
 * request, the same JSON as their own /account/export (app/export.h); and `--sent`, which
 * records that the operator sent it to the customer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/export.h"
#include "../app/export.h"
#include "ctl.h"

static const char export_usage[] =
    "usage: dittoctl export USERNAME [FILE]\n"
    "       dittoctl export --sent USERNAME\n"
    "Writes everything held about the customer as JSON, exactly what they download from\n"
    "/account/export (only \"exported_at\" differs), to FILE (created with mode 0600; an\n"
    "existing FILE is never overwritten) or to standard output.\n"
    "Writing the file discloses nothing: it is still the company's.  Once you have sent it\n"
    "to the customer, run `dittoctl export --sent USERNAME`: that records the transfer\n"
    "(recipient the customer, purpose \"data access request\"), which the customer then\n"
    "sees on /account/disclosures.  Run it once per export sent.\n"
    "Connects as db_admin_user (a request handled by hand, like `dittoctl customer`).";

/* Writes text to a new file path (mode 0600, never over an existing one or through a link)
 * and flushes it to disk.  Returns 0, or -1 with errno set (and no file left behind). */
static int write_new_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (ctl_write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Finds username's id on db. Returns CTL_OK, or CTL_ERR after one line. */
static int find(struct db *db, struct arena *a, const char *username, long long *id)
{
	int found = db_export_customer_id(db, a, username, id);
	if (found < 0)
		return fail("cannot read customers: %s", db_error(db));
	if (found == DB_NOT_FOUND)
		return fail("no customer named '%s'", username);
	return CTL_OK;
}

static int export_write(struct db *db, struct arena *a, const char *username, const char *file)
{
	long long id;
	if (find(db, a, username, &id) != CTL_OK)
		return CTL_ERR;
	char *text;
	if (customer_export_json(db, a, id, &text) != 0)
		return fail("cannot export '%s': %s", username, db_error(db));
	int rc = CTL_OK;
	if (file == NULL) {
		if (ctl_write_all(STDOUT_FILENO, text, strlen(text)) < 0)
			rc = fail("cannot write the export: %s", strerror(errno));
	} else if (write_new_file(file, text) < 0)
		rc = fail("cannot write %s: %s", file, strerror(errno));
	else
		fprintf(stderr,
		        "dittoctl: wrote the data export of '%s' to %s; once it is sent to them, "
		        "run: dittoctl export --sent %s\n",
		        username, file, username);
	free(text);
	return rc;
}

static int export_sent(struct db *db, struct arena *a, const char *username)
{
	long long id;
	if (find(db, a, username, &id) != CTL_OK)
		return CTL_ERR;
	if (customer_export_sent(db, id) < 0)
		return fail("cannot record the disclosure: %s", db_error(db));
	printf("recorded: the data export of '%s' was sent to them (%s)\n", username,
	       EXPORT_SENT_PURPOSE);
	return CTL_OK;
}

int cmd_export(int argc, char **argv)
{
	const char *operand[2] = {NULL, NULL};
	size_t n = 0;
	bool sent = false;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(export_usage);
			return CTL_OK;
		}
		if (strcmp(argv[i], "--sent") == 0)
			sent = true;
		else if (argv[i][0] != '-' && argv[i][0] != '\0' && n < 2)
			operand[n++] = argv[i];
		else
			return usage_fail("unexpected argument '%s' (try: dittoctl export --help)",
			                  argv[i]);
	}
	if (n == 0)
		return usage_fail("export needs a USERNAME (try: dittoctl export --help)");
	if (sent && n > 1)
		return usage_fail(
		    "export --sent takes only a USERNAME (try: dittoctl export --help)");
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	int rc =
	    sent ? export_sent(db, a, operand[0]) : export_write(db, a, operand[0], operand[1]);
	arena_free(a);
	db_free(db);
	return rc;
}
