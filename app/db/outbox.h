/* outbox.h — data access for delivering the mail outbox (db_outbox_insert queues, in
 * customers.h). */
#ifndef DITTO_DB_OUTBOX_H
#define DITTO_DB_OUTBOX_H

#include <stddef.h>
#include <time.h>

struct arena;
struct db;

/* One queued message. */
struct outbox_message {
	long long id;
	const char *recipient; /* never NULL */
	const char *subject;   /* never NULL */
	const char *body;      /* never NULL */
	size_t body_len;
	time_t created; /* outbox.created_at, UTC */
};

/*
 * Reads up to limit unsent messages tried fewer than max_attempts times,
 * with an id above after, oldest first, into arena a (wipe it after use:
 * the bodies are personal messages).  A message queued for an order without
 * a recipient gets the order's contact email (none once the order is
 * anonymised: the recipient is then ""); one queued for an account without
 * order or recipient (a policy change's notice) gets the account's email
 * while it is approved ("" otherwise).  Returns 0 (*n in *out), or -1.
 */
int db_outbox_list_unsent(struct db *db, struct arena *a, int max_attempts, long long after,
                          long long limit, struct outbox_message **out, size_t *n);
/*
 * Queues a message about order_id with no recipient, as part of the
 * caller's transaction: the cron account addresses it to the order's
 * contact email at delivery (db_outbox_list_unsent), so the queuing role
 * never reads the address.  dedupe_key (or NULL) is a one-time key: a
 * second message with the same key is not queued.  Returns 0, 1 when the
 * key was used already (nothing queued), or -1 on a database error.
 */
int db_outbox_insert_order(struct db *db, long long customer_id, long long order_id,
                           const char *kind, const char *subject, const char *body,
                           const char *dedupe_key);
/* Marks message id sent (if it was not). Returns 0, or -1 on error. */
int db_outbox_mark_sent(struct db *db, long long id);
/* Counts a failed attempt of message id with why (no message content). Returns 0 or -1. */
int db_outbox_mark_failed(struct db *db, long long id, const char *why);

#endif
