/* lease.h — job leases: one row per job in job_leases, so a job runs once at a time across every
 * database node (GET_LOCK is per node on a Galera cluster; a row is replicated and certified). */
#ifndef DITTO_DB_LEASE_H
#define DITTO_DB_LEASE_H

#include <stdbool.h>

struct arena;
struct db;

/*
 * Takes the lease name for holder (an identifier of this run, at most 120
 * bytes) for seconds, in one transaction under the lease row's lock: when
 * the row is free, expired, already holder's, or held by a run that
 * gone(current holder, ctx) says is dead (NULL: none is).  A missing row
 * is created.  Returns 1 when taken; 0 when another live run holds it (its
 * holder text, copied into a, in *other); -1 on a database error.
 */
int db_lease_take(struct db *db, struct arena *a, const char *name, const char *holder, int seconds,
                  bool (*gone)(const char *holder, void *ctx), void *ctx, const char **other);

/*
 * Moves the lease's expiry to now + seconds while holder still holds it.
 * Returns 1 when renewed, 0 when another run took it (the caller must stop
 * writing), -1 on a database error.
 */
int db_lease_renew(struct db *db, const char *name, const char *holder, int seconds);

/* Frees the lease if holder holds it (a later run need not wait for the expiry). Returns 0 or
 * -1. */
int db_lease_release(struct db *db, const char *name, const char *holder);

#endif
