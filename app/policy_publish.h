/* policy_publish.h — publishing a privacy-policy version, one way for `dittoctl policy publish`
 * and the admin's policy page: the rule a list of purposes follows, and the one transaction
 * that writes the version, its purposes and (from the staff site) its audit row. */
#ifndef DITTO_POLICY_PUBLISH_H
#define DITTO_POLICY_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

#include "privacy/audit.h"

struct arena;
struct db;
struct tmpl_set;

/* Bytes of one purpose (policy_purposes.purpose) and characters of a title (policy_versions). */
#define POLICY_PURPOSE_MAX 64
#define POLICY_TITLE_MAX   200

/*
 * Checks a comma-separated list of purposes ("account, orders,marketing"):
 * each one 1 to POLICY_PURPOSE_MAX of [a-z_] (spaces around a comma are
 * allowed and dropped), none twice, at least one.  Returns NULL and the list
 * as stored ("account,orders,marketing") in *out (arena a), or one plain
 * sentence saying what is wrong.
 */
const char *policy_purposes_check(struct arena *a, const char *in, const char **out);

/* A version to publish. */
struct policy_draft {
	const char *title;
	const char *body;
	size_t body_len;
	const char *purposes; /* as policy_purposes_check gives it */
};

/*
 * Publishes d as the next version in one transaction (retried after a
 * deadlock): the version row, one row per purpose, its site-notice mailing
 * (queued afterwards by policy_notify_run), and the audit row ev when
 * a staff member publishes it (its detail becomes "version N"; NULL from
 * dittoctl).  expect_newest is the newest version the publisher was shown:
 * when another has been published since (or the same form was posted
 * twice), nothing is written; -1 publishes whatever the newest is (dittoctl:
 * each run its own version).  Returns DB_CHANGED with the new number in
 * *version, DB_UNCHANGED with the newest number in *version, or -1 on a
 * database error.
 */
int policy_publish(struct db *db, const struct policy_draft *d, long long expect_newest,
                   const struct audit_event *ev, long long *version);

/* Notices queued per transaction: short enough that checkout never waits on one. */
#define POLICY_NOTIFY_BATCH 500

/*
 * Queues the site-notice mail (views/mail/policy_changed.txt, links from
 * base_url) of every published version whose mailing is not finished to
 * every approved customer, POLICY_NOTIFY_BATCH customers per transaction,
 * never holding one long transaction; stops after max_batches transactions
 * (-1: none left).  Safe to run twice at once, on one database node or
 * several (db_policy_mailing_batch), and resumable: a run cut short leaves
 * its mailing's cursor where it got to.  Adds the messages queued to
 * *queued and sets *finished when no mailing is left open.  Runs on db's
 * current role, which needs SELECT (id, status) on customers, INSERT on
 * outbox and SELECT, UPDATE on policy_mailings.  Returns 0, or -1 on a
 * database error or a broken template (logged).
 */
int policy_notify_run(struct db *db, const struct tmpl_set *views, const char *base_url,
                      long max_batches, long long *queued, bool *finished);

#endif
