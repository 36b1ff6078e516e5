/* batch.h — the writes a worker defers: viewing-profile counts and session visit bookkeeping.
 *
 * A product page and a session's "seen" stamp are not worth a commit (and its log flush) in the
 * request: the worker notes them here and writes them all in one transaction, at most a second
 * later, when BATCH_MAX have gathered, and when it exits.  A worker killed outright loses what
 * it had not written yet (README: at most a second of profile views and visit stamps); orders,
 * payments, account changes and audit rows are never batched.
 */
#ifndef DITTO_BATCH_H
#define DITTO_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum {
	BATCH_MAX = 64,           /* pending entries that make the batch due at once */
	BATCH_INTERVAL_MS = 1000, /* the oldest pending entry waits at most this long */
};

/* Notes a view of product_id by customer_id (merged with the same pair's pending views). */
void batch_view(long long customer_id, long long product_id);
/* Notes that session_id was used now, a new visit if new_visit (merged per session). */
void batch_seen(long long session_id, bool new_visit);
/* Entries waiting to be written. */
size_t batch_pending(void);
/* Milliseconds until the pending entries are due at now_ms: -1 when none wait, 0 when due. */
int batch_due_in(uint64_t now_ms);
/*
 * Writes every pending entry in one transaction (retried on deadlock) and empties the batch,
 * also when the write fails (logged with the number of entries lost: a profile and visit
 * stamps are not worth holding a worker for).  Returns 0, or -1 when they were not written.
 */
int batch_flush(struct db *db);

#endif
