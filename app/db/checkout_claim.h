/* checkout_claim.h — a checkout's claim of its form nonce: a row in checkout_claims, so one
 * submit of a form checks out at a time on every app host and database node (GET_LOCK is per
 * node on a Galera cluster; a row is replicated and certified). */
#ifndef DITTO_DB_CHECKOUT_CLAIM_H
#define DITTO_DB_CHECKOUT_CLAIM_H

struct db;

/*
 * Claims (customer_id, nonce) for holder (32 hex characters, fresh per request) for seconds,
 * in a transaction of its own, committed before the caller charges anything: when no row
 * exists, or the one there has expired (its worker died), or is already holder's.  Returns 1
 * when claimed, 0 when another live checkout holds it, -1 on a database error.
 */
int db_checkout_claim(struct db *db, long long customer_id, const char *nonce, const char *holder,
                      int seconds);

/* Frees holder's claim (and the customer's claims that expired a day ago). Returns 0 or -1. */
int db_checkout_unclaim(struct db *db, long long customer_id, const char *nonce,
                        const char *holder);

#endif
