/* policy_publish.h — publishing a privacy-policy version, one way for `dittoctl policy publish`
 * and the admin's policy page: the rule a list of purposes follows, and the one transaction
 * that writes the version, its purposes and (from the staff site) its audit row. */
#ifndef DITTO_POLICY_PUBLISH_H
#define DITTO_POLICY_PUBLISH_H

#include <stddef.h>

#include "privacy/audit.h"

struct arena;
struct db;

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
 * deadlock): the version row, one row per purpose, and the audit row ev when
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

#endif
