/* purge.h — data access for `dittoctl purge`: which accounts are due for erasure, erasing one
 * (its orders anonymised, its audit rows pseudonymous), and the sweeps of rows past their use. */
#ifndef DITTO_DB_PURGE_H
#define DITTO_DB_PURGE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

/* How long what is kept (the configuration's retention_* keys), in days. */
struct purge_policy {
	int deactivated_days; /* deactivated and denied accounts, after the status change */
	int unverified_days;  /* pending registrations whose email was never confirmed */
	int mail_days;        /* bodies and recipients of delivered mail */
	int lockout_days;     /* lockout records, after the lock ended */
};

/* Why an account is erased; also the order of the summary lines. */
enum purge_reason {
	PURGE_DELETED,     /* the customer deleted it: at once */
	PURGE_DEACTIVATED, /* deactivated past retention_deactivated_days */
	PURGE_DENIED,      /* a registration denied past retention_deactivated_days */
	PURGE_UNVERIFIED,  /* pending, email never confirmed, past retention_unverified_days */
	PURGE_REASON__MAX
};

/* "deleted accounts", ... for the summary. */
const char *purge_reason_label(enum purge_reason r);

/* An account due for erasure. */
struct purge_due {
	long long id;
	enum purge_reason why;
	bool held; /* an open legal case holds it: kept until the case is closed */
};

/*
 * Lists at most limit accounts due under p with id > after, by id, into
 * arena a.  Returns 0, or -1 on a database error.
 */
int db_purge_due(struct db *db, struct arena *a, const struct purge_policy *p, long long after,
                 size_t limit, struct purge_due **out, size_t *n);

/* What erasing one account did (added to, so one struct can sum a batch). */
struct purge_counts {
	long long orders;    /* orders anonymised */
	long long mail_rows; /* outbox rows deleted */
};

/*
 * Erases account id inside the caller's transaction, if under p it is
 * still due and not held (re-checked under the customer row's lock, so an
 * account reactivated meanwhile is never touched): its outbox rows
 * (appending their ids to *mail_ids, growing it in a, for the caller to
 * remove the files after the commit), its orders anonymised (amounts,
 * lines, dates and status kept; contact, addresses, tracking, card brand,
 * last 4, expiry and token blanked; staff notes on their history cleared),
 * its disclosures and audit rows detached (the audit row keeps its
 * customer_ref), its status history and lockouts deleted, then the
 * customer row, which cascades to everything hanging on it.  Returns 1
 * when erased, 0 when no longer due (nothing changed), -1 on a database
 * error (the caller rolls back).
 */
int db_purge_account(struct db *db, struct arena *a, const struct purge_policy *p, long long id,
                     struct purge_counts *counts, long long **mail_ids, size_t *nmail, size_t *cap);

/* Orders and outbox rows account id has (what a dry run reports). Returns 0, or -1. */
int db_purge_counts_of(struct db *db, struct arena *a, long long id, struct purge_counts *c);

/*
 * Whether audit rows still hash a raw customer id (written before
 * pseudonyms, not yet re-chained by `dittoctl migrate`): the purge must
 * not detach those.  Returns 1, 0, or -1 on a database error.
 */
int db_purge_audit_unchained(struct db *db, struct arena *a);

/* The sweeps: rows past their use, not tied to an erased account. */
enum purge_sweep {
	SWEEP_SESSIONS,       /* expired shop sessions */
	SWEEP_STAFF_SESSIONS, /* expired staff sessions */
	SWEEP_VERIFICATIONS,  /* used or expired email verification tokens (old addresses) */
	SWEEP_THROTTLE,       /* login throttle rows past every throttle window */
	SWEEP_LOCKOUTS,       /* lockout records past retention_lockout_days */
	SWEEP_MAIL_BODIES,    /* delivered mail past retention_mail_days: body and recipient */
	SWEEP_RESETS,         /* used or expired password reset links */
	SWEEP__MAX
};

/* "expired shop sessions", ... for the summary. */
const char *purge_sweep_label(enum purge_sweep s);

/*
 * Runs sweep s under p: at most limit rows per statement, each its own
 * short transaction (autocommit).  With dry_run, only counts.  Stores the
 * rows affected (or that would be) in *n.  Returns 0, or -1 on a database
 * error.
 */
int db_purge_sweep(struct db *db, struct arena *a, const struct purge_policy *p, enum purge_sweep s,
                   bool dry_run, long long limit, long long *n);

/*
 * Of the outbox ids from, from + 1, ..., to, stores in *keep (in a, sorted)
 * those whose row still exists with its body: a mail file of any other id
 * belongs to mail that was erased.  Returns 0, or -1.
 */
int db_purge_mail_kept(struct db *db, struct arena *a, long long from, long long to,
                       long long **keep, size_t *n);

#endif
