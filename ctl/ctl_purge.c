/* ctl_purge.c — `dittoctl purge`: erases what the policy says must go, in short batches, under a
 * lease row so that one run at a time works on the whole cluster. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/lease.h"
#include "../app/db/purge.h"
#include "../app/validate.h"
#include "ctl.h"

#define PURGE_LEASE "purge"
/* Renewed after every batch, which takes well under a second: a run killed with -9 on another
 * host blocks the next for at most this long. */
#define PURGE_LEASE_SECONDS 120
#define PURGE_BATCH         100  /* accounts per transaction */
#define PURGE_SWEEP_LIMIT   1000 /* rows per sweep statement */
#define PURGE_MAIL_CHUNK    1000 /* mail files checked per query */

/* One run's state and what it did, for the summary. */
struct purge_run {
	struct db *db;
	struct arena *a;
	struct purge_policy policy;
	bool dry_run;
	long long batch;    /* accounts per transaction */
	long long pause_ms; /* pause between batches */
	int mail_fd;        /* mail_dir, or -1 when it does not exist */
	char holder[120];   /* "host pid N tag": who holds the lease */
	long long erased[PURGE_REASON__MAX];
	long long held;
	struct purge_counts counts;
	long long files;
	long long swept[SWEEP__MAX];
};

/* One batch's transaction: its accounts, and what it erased (reset when db_tx runs it again). */
struct batch {
	struct purge_run *run;
	const struct purge_due *due;
	size_t n;
	long long erased[PURGE_REASON__MAX];
	struct purge_counts counts;
	long long *mail_ids;
	size_t nmail, cap;
};

static const char purge_usage[] =
    "usage: dittoctl purge [--dry-run] [--batch N] [--pause-ms N]\n"
    "Erases deleted accounts at once; deactivated and denied ones past\n"
    "retention_deactivated_days; registrations whose email was never confirmed past\n"
    "retention_unverified_days. Their orders are anonymised (amounts, lines, dates and status\n"
    "kept), their audit rows keep only a pseudonym, their mail rows and files go. An account\n"
    "under an open legal case is held until the case is closed; a reactivated one is never\n"
    "touched. Then deletes expired sessions (shop and staff), used or expired verification\n"
    "tokens, throttle rows past their window, lockout records past retention_lockout_days, the\n"
    "bodies and recipients of mail delivered more than retention_mail_days ago, and mail files\n"
    "of erased mail. Accounts go N to a transaction (--batch, default 100), with an optional\n"
    "pause between transactions (--pause-ms). Prints one line per category; --dry-run only\n"
    "counts. Connects as db_cron_user. Holds the lease row 'purge' in job_leases: while another\n"
    "run holds it, prints \"another purge holds the lease\" and exits 0. Safe to kill and re-run.";

static bool parse_count(const char *v, long long max, long long *out)
{
	return valid_id(v, out) && *out <= max;
}

/* Parses the arguments into run. Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct purge_run *run)
{
	run->batch = PURGE_BATCH;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(purge_usage);
			return CTL_OK;
		}
		if (strcmp(argv[i], "--dry-run") == 0)
			run->dry_run = true;
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			if (!parse_count(argv[++i], 10000, &run->batch))
				return usage_fail("--batch needs a number from 1 to 10000");
		} else if (strcmp(argv[i], "--pause-ms") == 0 && i + 1 < argc) {
			const char *v = argv[++i];
			if (strcmp(v, "0") == 0)
				run->pause_ms = 0;
			else if (!parse_count(v, 60000, &run->pause_ms))
				return usage_fail("--pause-ms needs a number from 0 to 60000");
		} else
			return usage_fail("unexpected argument '%s' (try: dittoctl purge --help)",
			                  argv[i]);
	}
	return -1;
}

/* Removes mail_dir/<id>.eml and its temporary file. Returns how many files were removed. */
static int remove_mail_file(int dirfd, long long id)
{
	char name[64];
	int removed = 0;
	snprintf(name, sizeof(name), "%lld.eml", id);
	removed += unlinkat(dirfd, name, 0) == 0;
	snprintf(name, sizeof(name), "%lld.eml.tmp", id);
	removed += unlinkat(dirfd, name, 0) == 0;
	return removed;
}

static int batch_tx(struct db *db, void *vctx)
{
	struct batch *b = vctx;
	/* db_tx may run this again after a deadlock: count from nothing. */
	memset(b->erased, 0, sizeof(b->erased));
	memset(&b->counts, 0, sizeof(b->counts));
	b->nmail = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->due[i].held)
			continue;
		int rc = db_purge_account(db, b->run->a, &b->run->policy, b->due[i].id, &b->counts,
		                          &b->mail_ids, &b->nmail, &b->cap);
		if (rc < 0)
			return -1;
		if (rc > 0)
			b->erased[b->due[i].why]++;
	}
	return 0;
}

/* Erases one batch in one transaction, then its mail files. Returns 0, or -1 after one line. */
static int erase_batch(struct purge_run *run, const struct purge_due *due, size_t n)
{
	struct batch b = {.run = run, .due = due, .n = n};
	/* Read committed: the batch locks the rows it changes and no gaps between them, so a
	 * checkout inserting beside an erased account's index entries never waits for it. */
	if (db_exec(run->db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", DB_NOARGS,
	            NULL, NULL) < 0 ||
	    db_tx(run->db, batch_tx, &b) < 0) {
		fail("cannot erase accounts %lld to %lld: %s", due[0].id, due[n - 1].id,
		     db_error(run->db));
		return -1;
	}
	for (int r = 0; r < PURGE_REASON__MAX; r++)
		run->erased[r] += b.erased[r];
	run->counts.orders += b.counts.orders;
	run->counts.mail_rows += b.counts.mail_rows;
	/* After the commit: a run killed before this leaves files whose rows are gone, which
	 * the mail sweep at the end of every run removes. */
	for (size_t i = 0; run->mail_fd >= 0 && i < b.nmail; i++)
		run->files += remove_mail_file(run->mail_fd, b.mail_ids[i]);
	return 0;
}

/* Counts what one batch would erase. Returns 0, or -1 after one line. */
static int count_batch(struct purge_run *run, const struct purge_due *due, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (due[i].held)
			continue;
		if (db_purge_counts_of(run->db, run->a, due[i].id, &run->counts) < 0) {
			fail("cannot count the orders of account %lld: %s", due[i].id,
			     db_error(run->db));
			return -1;
		}
		run->erased[due[i].why]++;
	}
	return 0;
}

static void pause_ms(long long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Walks every due account by id, a batch at a time. Returns 0, or -1 after one line. */
static int erase_accounts(struct purge_run *run)
{
	long long after = 0;
	for (;;) {
		struct purge_due *due;
		size_t n;
		arena_reset(run->a);
		if (db_purge_due(run->db, run->a, &run->policy, after, (size_t)run->batch, &due,
		                 &n) < 0) {
			fail("cannot list the accounts due: %s", db_error(run->db));
			return -1;
		}
		if (n == 0)
			return 0;
		after = due[n - 1].id;
		for (size_t i = 0; i < n; i++)
			run->held += due[i].held;
		if ((run->dry_run ? count_batch(run, due, n) : erase_batch(run, due, n)) < 0)
			return -1;
		if (run->dry_run)
			continue;
		/* The lease must still be ours before the next batch: another run that took it
		 * over (after an expiry) must not meet this one halfway. */
		int renewed =
		    db_lease_renew(run->db, PURGE_LEASE, run->holder, PURGE_LEASE_SECONDS);
		if (renewed <= 0) {
			fail("lost the purge lease (%s); stopped",
			     renewed < 0 ? db_error(run->db) : "another run took it");
			return -1;
		}
		if (run->pause_ms > 0)
			pause_ms(run->pause_ms);
	}
}

static int sweep_rows(struct purge_run *run)
{
	for (int s = 0; s < SWEEP__MAX; s++) {
		arena_reset(run->a);
		if (db_purge_sweep(run->db, run->a, &run->policy, (enum purge_sweep)s, run->dry_run,
		                   PURGE_SWEEP_LIMIT, &run->swept[s]) < 0) {
			fail("cannot purge %s: %s", purge_sweep_label((enum purge_sweep)s),
			     db_error(run->db));
			return -1;
		}
	}
	return 0;
}

/* The outbox id a mail file is named for ("123.eml" or "123.eml.tmp"), or 0 for other files. */
static long long mail_file_id(const char *name)
{
	char *end;
	if (name[0] < '1' || name[0] > '9')
		return 0;
	errno = 0;
	long long id = strtoll(name, &end, 10);
	if (errno != 0 || (strcmp(end, ".eml") != 0 && strcmp(end, ".eml.tmp") != 0))
		return 0;
	return id;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The ids of mail_dir's mail files, sorted, malloc'd (the caller frees). Returns NULL on error. */
static long long *mail_file_ids(int dirfd, size_t *n)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	rewinddir(d);
	size_t cap = 64;
	long long *ids = malloc(sizeof(*ids) * cap);
	struct dirent *e;
	*n = 0;
	while (ids != NULL && (e = readdir(d)) != NULL) {
		long long id = mail_file_id(e->d_name);
		if (id == 0)
			continue;
		if (*n == cap) {
			long long *grown = realloc(ids, sizeof(*ids) * (cap *= 2));
			if (grown == NULL) {
				free(ids);
				ids = NULL;
				break;
			}
			ids = grown;
		}
		ids[(*n)++] = id;
	}
	closedir(d);
	if (ids != NULL)
		qsort(ids, *n, sizeof(*ids), cmp_ll);
	return ids;
}

/* Whether id is in the sorted keep[0..n-1]. */
static bool kept(const long long *keep, size_t n, long long id)
{
	return bsearch(&id, keep, n, sizeof(*keep), cmp_ll) != NULL;
}

/*
 * Removes mail files whose outbox row is gone or was emptied past retention: files of mail
 * erased by this run or an earlier one killed between its commit and its unlink, or written by
 * a mail send that raced an erasure.  Returns 0, or -1 after one line.
 */
static int sweep_mail_files(struct purge_run *run)
{
	if (run->mail_fd < 0)
		return 0;
	size_t n;
	long long *ids = mail_file_ids(run->mail_fd, &n);
	if (ids == NULL) {
		fail("cannot list the mail directory %s: %s", cfg.mail_dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0;) {
		size_t j = i + PURGE_MAIL_CHUNK < n ? i + PURGE_MAIL_CHUNK : n;
		long long *keep;
		size_t nkeep;
		arena_reset(run->a);
		if (db_purge_mail_kept(run->db, run->a, ids[i], ids[j - 1], &keep, &nkeep) < 0) {
			fail("cannot read the outbox: %s", db_error(run->db));
			rc = -1;
			break;
		}
		for (; i < j; i++) {
			if (kept(keep, nkeep, ids[i]) || (i > 0 && ids[i] == ids[i - 1]))
				continue;
			run->files += run->dry_run ? 1 : remove_mail_file(run->mail_fd, ids[i]);
		}
	}
	free(ids);
	return rc;
}

static void print_summary(const struct purge_run *run)
{
	const char *pre = run->dry_run ? "purge (dry run)" : "purge";
	const char *done = run->dry_run ? "due" : "erased";
	const struct purge_policy *p = &run->policy;
	int days[PURGE_REASON__MAX] = {0, p->deactivated_days, p->deactivated_days,
	                               p->unverified_days};
	for (int r = 0; r < PURGE_REASON__MAX; r++) {
		if (r == PURGE_DELETED)
			printf("%s: %s: %lld %s\n", pre, purge_reason_label(r), run->erased[r],
			       done);
		else
			printf("%s: %s (%d days): %lld %s\n", pre, purge_reason_label(r), days[r],
			       run->erased[r], done);
	}
	printf("%s: accounts held by an open legal case: %lld kept\n", pre, run->held);
	printf("%s: orders anonymised: %lld\n", pre, run->counts.orders);
	printf("%s: mail of erased accounts: %lld %s\n", pre, run->counts.mail_rows,
	       run->dry_run ? "due" : "deleted");
	for (int s = 0; s < SWEEP__MAX; s++)
		printf("%s: %s: %lld %s\n", pre, purge_sweep_label((enum purge_sweep)s),
		       run->swept[s], run->dry_run ? "due" : "deleted");
	printf("%s: mail files: %lld %s\n", pre, run->files, run->dry_run ? "due" : "removed");
}

/* The work under the lease (or without it, for a dry run). Returns CTL_OK or CTL_ERR. */
static int purge_all(struct purge_run *run)
{
	/* A dry run writes nothing, so only a real run must wait for the re-chaining. */
	int unchained = run->dry_run ? 0 : db_purge_audit_unchained(run->db, run->a);
	if (unchained < 0)
		return fail("cannot read the audit log: %s", db_error(run->db));
	if (unchained > 0)
		return fail("the audit log still has rows naming customers by id (written before "
		            "pseudonyms): run dittoctl migrate first");
	run->mail_fd = open(cfg.mail_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (run->mail_fd < 0 && errno != ENOENT)
		return fail("cannot open the mail directory %s: %s", cfg.mail_dir, strerror(errno));
	if (erase_accounts(run) < 0 || sweep_rows(run) < 0 || sweep_mail_files(run) < 0)
		return CTL_ERR;
	print_summary(run);
	return CTL_OK;
}

static int purge(int argc, char **argv)
{
	struct purge_run run = {.mail_fd = -1};
	int rc = parse_args(argc, argv, &run);
	if (rc >= 0)
		return rc;
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	run.db = db;
	run.a = arena_new();
	run.policy = (struct purge_policy){.deactivated_days = cfg.retention_deactivated_days,
	                                   .unverified_days = cfg.retention_unverified_days,
	                                   .mail_days = cfg.retention_mail_days,
	                                   .lockout_days = cfg.retention_lockout_days};
	ctl_lease_holder(run.holder, sizeof(run.holder));
	int got = 1;
	if (!run.dry_run) {
		const char *other = NULL;
		got = db_lease_take(db, run.a, PURGE_LEASE, run.holder, PURGE_LEASE_SECONDS,
		                    ctl_lease_holder_gone, NULL, &other);
		if (got < 0)
			rc = fail("cannot take the purge lease as %s: %s", cfg.db_cron_user,
			          db_error(db));
		else if (got == 0) {
			printf("another purge holds the lease (%s)\n", other);
			rc = CTL_OK;
		}
	}
	if (got > 0)
		rc = purge_all(&run);
	if (got > 0 && !run.dry_run && db_lease_release(db, PURGE_LEASE, run.holder) < 0 &&
	    rc == CTL_OK)
		rc = fail("cannot free the purge lease: %s", db_error(db));
	if (run.mail_fd >= 0)
		close(run.mail_fd);
	arena_free(run.a);
	db_free(db);
	return rc;
}

int cmd_purge(int argc, char **argv)
{
	return purge(argc, argv);
}
