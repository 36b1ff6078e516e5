/* ctl_affiliates.c — `dittoctl affiliates export AFFILIATE [FILE]`: the registration data a
 * business affiliate may receive (the policy allows sharing it), only for active customers whose
 * policy version allows affiliate_sharing, each transfer recorded as a disclosure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/csv.h"
#include "../app/db/affiliates.h"
#include "../app/db/db.h"
#include "ctl.h"

#define AFF_BATCH       200              /* customers read and recorded per transaction */
#define AFF_DEFAULT_DIR "var/affiliates" /* relative to the working directory */
#define AFF_NAME_MAX    64               /* disclosures.recipient holds 80 */

static const char usage[] =
    "usage: dittoctl affiliates export AFFILIATE [FILE]\n"
    "Writes what the business affiliate AFFILIATE may receive of our customers'\n"
    "registration data, as CSV (RFC 4180, CRLF, a header line): name,email. Only\n"
    "approved customers whose policy version (the one their account consented to)\n"
    "allows affiliate_sharing are in it; never the username, password or phone.\n"
    "FILE defaults to var/affiliates/AFFILIATE-YYYYmmddTHHMMSSZ.csv under the current\n"
    "directory; it is written atomically, mode 0640, its directory created (0750).\n"
    "AFFILIATE is 1 to 64 of A-Z a-z 0-9 . _ - (starting with a letter or digit); it\n"
    "names the recipient of each customer's disclosure (fields, purpose), which is\n"
    "recorded in the same transaction that decides the customer is exported (200 a\n"
    "transaction). Every run is a transfer of its own: running it twice exports and\n"
    "records twice. Should the file then fail to be written, the command says how many\n"
    "transfers were recorded: a record of a transfer that did not happen is the safe\n"
    "error, never a transfer without its record.\n"
    "Connects as db_cron_user. Prints \"exported N customer(s) to PATH\", or \"nobody\n"
    "may be shared with AFFILIATE\" (no file written).";

/* An affiliate's name: used as a recipient and in a file name, so plain characters only. */
static bool affiliate_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > AFF_NAME_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= '0' && s[0] <= '9')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* One batch: decided and recorded by batch_tx, which db_tx may run more than once. */
struct aff_batch {
	const char *recipient;
	long long after;
	struct arena *a; /* reset by every run of batch_tx: holds the batch's people */
	struct affiliate_person *v;
	size_t n;
};

static int batch_tx(struct db *db, void *vctx)
{
	struct aff_batch *b = vctx;
	arena_wipe(b->a);
	arena_reset(b->a);
	return db_affiliate_batch(db, b->a, b->recipient, b->after, AFF_BATCH, &b->v, &b->n);
}

/*
 * Decides and records every customer to export, batch by batch, appending
 * their records to out.  Stores how many in *count.  Returns 0, or -1 after
 * printing one error line (the batches committed before stay recorded).
 */
static int collect(struct db *db, const char *affiliate, struct buf *out, size_t *count)
{
	struct aff_batch b = {.recipient = affiliate, .a = arena_new()};
	int rc = -1;
	*count = 0;
	for (;;) {
		if (db_tx(db, batch_tx, &b) < 0) {
			if (*count > 0)
				fail("cannot read the customers to export as %s: %s (the transfers "
				     "of "
				     "%zu customer(s) were recorded already; no file written)",
				     cfg.db_cron_user, db_error(db), *count);
			else
				fail("cannot read the customers to export as %s: %s",
				     cfg.db_cron_user, db_error(db));
			goto out;
		}
		for (size_t i = 0; i < b.n; i++) {
			csv_write_field(out, b.v[i].name);
			buf_append(out, ",", 1);
			csv_write_field(out, b.v[i].email);
			buf_append(out, "\r\n", 2);
			b.after = b.v[i].customer_id;
		}
		*count += b.n;
		if (b.n < AFF_BATCH)
			break;
	}
	rc = 0;
out:
	arena_wipe(b.a);
	arena_free(b.a);
	return rc;
}

/* Splits path into its directory (dir, "." when none) and file name (name). Returns 0, or -1
 * when a part does not fit or the name is empty. */
static int split_path(const char *path, char *dir, size_t dcap, char *name, size_t ncap)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dn = slash == NULL   ? snprintf(dir, dcap, ".")
	         : slash == path ? snprintf(dir, dcap, "/")
	                         : snprintf(dir, dcap, "%.*s", (int)(slash - path), path);
	int nn = snprintf(name, ncap, "%s", base);
	return (dn < 0 || (size_t)dn >= dcap || nn <= 0 || (size_t)nn >= ncap) ? -1 : 0;
}

/* Writes data to dir/name atomically (a temporary file beside it, then a rename). Returns 0, or
 * -1 with errno set. */
static int write_file(const char *dir, const char *name, const struct buf *data)
{
	int dirfd = ctl_open_dir(dir);
	if (dirfd < 0)
		return -1;
	char tmp[CONFIG_STR + 8];
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	int rc = ctl_replace_file(dirfd, name, tmp, data->data, data->len);
	int e = errno;
	close(dirfd);
	errno = e;
	return rc;
}

static int affiliates_export(int argc, char **argv)
{
	const char *affiliate = NULL, *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || argv[i][0] == '\0' || file != NULL)
			return usage_fail("unexpected argument '%s' (try: dittoctl affiliates "
			                  "--help)",
			                  argv[i]);
		if (affiliate == NULL)
			affiliate = argv[i];
		else
			file = argv[i];
	}
	if (affiliate == NULL)
		return usage_fail("affiliates export needs an AFFILIATE (try: dittoctl affiliates "
		                  "--help)");
	if (!affiliate_ok(affiliate))
		return usage_fail("affiliate '%s' refused: 1 to 64 of A-Z a-z 0-9 . _ -, starting "
		                  "with a letter or digit",
		                  affiliate);
	char path[CONFIG_STR], dir[CONFIG_STR], name[CONFIG_STR];
	if (file == NULL) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(path, sizeof(path), "%s/%s-%s.csv", AFF_DEFAULT_DIR, affiliate, stamp);
	} else if (snprintf(path, sizeof(path), "%s", file) >= (int)sizeof(path)) {
		return usage_fail("FILE is too long (at most %d bytes)", CONFIG_STR - 1);
	}
	if (split_path(path, dir, sizeof(dir), name, sizeof(name)) < 0)
		return usage_fail("FILE '%s' names no file", path);

	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	int rc = CTL_ERR;
	struct buf out = {0};
	size_t count;
	buf_puts(&out, "name,email\r\n");
	if (collect(db, affiliate, &out, &count) < 0)
		goto out;
	if (count == 0) {
		printf("nobody may be shared with %s\n", affiliate);
		rc = CTL_OK;
		goto out;
	}
	if (write_file(dir, name, &out) < 0) {
		fail("cannot write %s: %s (the transfers of %zu customer(s) to %s were recorded)",
		     path, strerror(errno), count, affiliate);
		goto out;
	}
	printf("exported %zu customer(s) to %s\n", count, path);
	rc = CTL_OK;
out:
	/* The file's text held names and addresses: leave nothing of it in freed memory. */
	if (out.data != NULL)
		sodium_memzero(out.data, out.cap);
	buf_free(&out);
	db_free(db);
	return rc;
}

int cmd_affiliates(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "affiliates", "export", usage, affiliates_export);
}
