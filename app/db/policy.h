/* policy.h — data access for privacy-policy versions and site notices. */
#ifndef DITTO_DB_POLICY_H
#define DITTO_DB_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct policy_version {
	long long version;
	const char *published_at; /* "YYYY-MM-DD HH:MM:SS" UTC */
	const char *title;
	const char *body;     /* NULL in listings */
	const char *purposes; /* comma-separated, sorted */
};

/* Reads version (0 = the newest). Returns 0 when found, 1 when none, -1 on error. */
int db_policy_get(struct db *db, struct arena *a, long long version, struct policy_version *out);
/* Lists every version, newest first, without bodies. Returns 0 or -1. */
int db_policy_list(struct db *db, struct arena *a, struct policy_version **out, size_t *n);
/*
 * Inside the caller's transaction: publishes the next policy version (one
 * above the newest, rows locked) with title, body_len bytes of body and the
 * comma-separated purposes it allows, and stores its number in *version.
 * Returns 0, or -1 on error.
 */
int db_policy_insert(struct db *db, struct arena *a, const char *title, const char *body,
                     size_t body_len, const char *purposes, long long *version);
/* Lists the bodies of notices whose window includes now into *out. Returns 0 or -1. */
int db_notice_list_active(struct db *db, struct arena *a, const char ***out, size_t *n);

/*
 * Inside the caller's transaction: reads the newest version's number (0
 * when there is none) into *newest, locking the versions until the
 * transaction ends so that publishers serialise.  Returns 0, or -1.
 */
int db_policy_lock_newest(struct db *db, long long *newest);

/*
 * Inside the caller's transaction (the one publishing version): records
 * that the version's site-notice mailing is to be queued, from the first
 * customer on.  Returns 0, or -1 on error.
 */
int db_policy_mailing_insert(struct db *db, long long version);
/* Lists the versions whose mailing is not finished, oldest first, into arena a. Returns 0 or
 * -1. */
int db_policy_mailing_open(struct db *db, struct arena *a, long long **out, size_t *n);
/*
 * Inside the caller's transaction: queues the next batch of at most limit
 * notices of version's mailing: one outbox row of kind with subject and body
 * for each approved customer above the mailing's cursor, by id, with no
 * recipient (`dittoctl mail send` addresses it to the account's email at
 * delivery, so the queuing role never reads an address), and moves the
 * cursor past them; a batch shorter than limit finishes the mailing.  The
 * mailing's row is locked first, so two runners (on any database node)
 * never queue one customer twice.  Stores the rows queued in *queued and
 * sets *done when the mailing is finished.  Returns 0, or -1 on error.
 */
int db_policy_mailing_batch(struct db *db, struct arena *a, long long version, const char *kind,
                            const char *subject, const char *body, long long limit,
                            long long *queued, bool *done);

/* Lists every purpose any version allows, by name, into arena a. Returns 0 or -1. */
int db_policy_purposes_known(struct db *db, struct arena *a, const char ***out, size_t *n);

/* A site notice as the admin's page lists it. */
struct site_notice {
	long long id;
	const char *body;
	const char *starts_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *ends_at;   /* "YYYY-MM-DD HH:MM" UTC; NULL: open-ended */
	const char *state;     /* "scheduled", "showing" or "ended", as of now */
};

/* The most notices db_notice_list returns. */
#define DB_NOTICES_MAX 200

/* Lists the newest DB_NOTICES_MAX notices, latest start first, into arena a. Returns 0 or -1. */
int db_notice_list(struct db *db, struct arena *a, struct site_notice **out, size_t *n);
/*
 * Inside the caller's transaction: adds a notice with body, shown from
 * starts_at to ends_at ("YYYY-MM-DD HH:MM:SS" UTC; ends_at NULL: until it is
 * ended), its id in *id.  The same notice (body and window) twice is one:
 * the rows are locked while looking, and DB_UNCHANGED says it exists (its id
 * in *id).  Returns DB_CHANGED, DB_UNCHANGED, or -1.
 */
int db_notice_insert(struct db *db, struct arena *a, const char *body, const char *starts_at,
                     const char *ends_at, long long *id);
/*
 * Inside the caller's transaction: ends notice id now (the shop stops
 * showing it; a scheduled one never shows).  Returns DB_CHANGED,
 * DB_UNCHANGED when it ended already, DB_NOT_FOUND, or -1.
 */
int db_notice_end(struct db *db, struct arena *a, long long id);

#endif
