/* purpose.h — purpose binding: a customer's datum may be used for a purpose (marketing,
 * profiling, affiliate_sharing, ...) only when the policy version it was collected under
 * allows it.  Every datum that a purpose may use records its version (customers,
 * customer_interests, customer_addresses, orders, product_views: column policy_version), and
 * every job that uses data for a purpose asks here — in C for one datum, or in its own SQL
 * through PURPOSE_ALLOWS for a batch, which is the same condition. */
#ifndef DITTO_DB_PURPOSE_H
#define DITTO_DB_PURPOSE_H

#include <stdbool.h>

struct db;

/*
 * The SQL condition "the policy version in column col allows the purpose":
 * one '?' parameter, the purpose's name.  For example
 *   "SELECT c.id FROM customers c WHERE " PURPOSE_ALLOWS("c.policy_version")
 */
#define PURPOSE_ALLOWS(col)                                                                        \
	"EXISTS (SELECT 1 FROM policy_purposes pp_ WHERE pp_.version = " col " AND pp_.purpose = " \
	"?)"

/*
 * May a datum collected under policy version `version` be used for purpose?
 * Sets *allowed (false for an unknown version or purpose: failing closed).
 * Returns 0, or -1 on a database error.
 */
int db_purpose_allowed(struct db *db, long long version, const char *purpose, bool *allowed);

#endif
