/* affiliates.h — the registration data a business affiliate may receive, and the record of each
 * transfer to one. */
#ifndef DITTO_DB_AFFILIATES_H
#define DITTO_DB_AFFILIATES_H

#include <stddef.h>

struct arena;
struct db;

/*
 * What the policy lets us share with an affiliate: "the registration
 * information", for a business enhancement.  Of what registration collects
 * (name, email, username, password, phone) only the contact details serve
 * that: the username and password are there for the account's security,
 * and the phone number is optional and asked for no such use.
 */
#define AFFILIATE_FIELDS  "name, email"
#define AFFILIATE_PURPOSE "affiliate_sharing"

/* One customer's record as an affiliate receives it. */
struct affiliate_person {
	long long customer_id;
	const char *name;
	const char *email;
};

/*
 * Inside the caller's transaction: reads up to limit approved customers
 * with an id above after whose consented policy version allows
 * affiliate_sharing (PURPOSE_ALLOWS: the account's own version, never the
 * newest), by id, with AFFILIATE_FIELDS, and records one disclosure each to
 * recipient (the fields, the purpose).  The rows read are share-locked, so
 * the transfer and its record are decided on the same data.  Returns 0 (*n
 * people in *out, arena a), or -1 on a database error.
 */
int db_affiliate_batch(struct db *db, struct arena *a, const char *recipient, long long after,
                       long long limit, struct affiliate_person **out, size_t *n);

#endif
