/* policy_consent.h — who has taken note of which privacy-policy version: a customer's consent
 * (the version their new data is collected under) and the newest version they were shown, and
 * each staff member's acknowledgement of each version. */
#ifndef DITTO_DB_POLICY_CONSENT_H
#define DITTO_DB_POLICY_CONSENT_H

#include <stddef.h>

struct arena;
struct db;

/* A customer's standing against the published versions. */
struct policy_standing {
	long long consented; /* customers.policy_version: what their new data is collected under */
	long long seen;      /* the newest version they decided on (>= consented) */
	long long newest;    /* the newest published version (0: none) */
};

/* Reads customer_id's standing. Returns 0, 1 when there is no such customer, or -1. */
int db_policy_standing(struct db *db, struct arena *a, long long customer_id,
                       struct policy_standing *out);
/*
 * The customer accepts version: their consent and the version seen move to
 * it (data collected before keeps its own version).  Returns DB_CHANGED, or
 * DB_UNCHANGED when they consented to it (or a later one) already, or -1.
 */
int db_policy_accept(struct db *db, long long customer_id, long long version);
/*
 * The customer declines version: it counts as seen (the banner stops) and
 * the consent stays where it was.  Returns DB_CHANGED, DB_UNCHANGED when
 * they had decided on it (or a later one) already, or -1.
 */
int db_policy_decline(struct db *db, long long customer_id, long long version);

/*
 * Inside the caller's transaction: records that staff_id acknowledged
 * version.  Returns DB_CHANGED, DB_UNCHANGED when they had already, or -1.
 */
int db_staff_policy_ack(struct db *db, long long staff_id, long long version);
/*
 * The newest version staff_id has not acknowledged (0: none left) into
 * *pending.  Returns 0, or -1.
 */
int db_staff_policy_pending(struct db *db, long long staff_id, long long *pending);

#endif
