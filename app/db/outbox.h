/* outbox.h — data access for delivering the mail outbox (db_outbox_insert queues, in
 * customers.h). */
#ifndef DITTO_DB_OUTBOX_H
#define DITTO_DB_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;
struct db;

/* One queued message, as its sender claimed it. */
struct outbox_message {
	long long id;
	const char *recipient; /* "" when it has none (an erased account or anonymised order) */
	const char *subject;   /* never NULL */
	const char *body;      /* never NULL */
	size_t body_len;
	time_t created;               /* outbox.created_at, UTC */
	int attempts;                 /* failed deliveries so far */
	const char *list_unsubscribe; /* NULL, or a marketing message's unsubscribe link */
};

/* A sender's run id: 32 hex digits, random per run, in the claims it takes. */
#define OUTBOX_RUN_ID_LEN 32

/*
 * Lists up to limit ids above after of messages due now: not sent, not
 * given up, past next_attempt_at, and not claimed by a live claim; oldest
 * first, into arena a.  A listed message may be claimed by another sender
 * a moment later: only db_outbox_claim decides.  Returns 0 (*n in *ids), or -1.
 */
int db_outbox_list_due(struct db *db, struct arena *a, long long after, long long limit,
                       long long **ids, size_t *n);
/*
 * Claims message id for run_id for seconds, if it is still due and nobody
 * holds a live claim on it: one UPDATE whose WHERE repeats the test, so of
 * two senders (on one node or on several: a Galera cluster certifies the
 * row change everywhere) exactly one changes the row.  Returns 1 when
 * claimed, 0 when not (someone else has it, or it is done; a deadlock or
 * certification conflict counts as not), -1 on another database error.
 */
int db_outbox_claim(struct db *db, long long id, const char *run_id, int seconds);
/*
 * Reads message id while run_id holds its claim, into arena a (wipe it
 * after use: the body is a personal message).  A message queued for an
 * order without a recipient gets the order's contact email, none once the
 * order is anonymised; one queued for an account without order or
 * recipient (a policy change's notice) gets the account's email while it is
 * approved.  Returns 0, 1 when the claim is not (or no longer) run_id's, or
 * -1.
 */
int db_outbox_get_claimed(struct db *db, struct arena *a, long long id, const char *run_id,
                          struct outbox_message *m);
/*
 * Queues a message about order_id with no recipient, as part of the
 * caller's transaction: the cron account addresses it to the order's
 * contact email at delivery (db_outbox_get_claimed), so the queuing role
 * never reads the address.  dedupe_key (or NULL) is a one-time key: a
 * second message with the same key is not queued.  Returns 0, 1 when the
 * key was used already (nothing queued), or -1 on a database error.
 */
int db_outbox_insert_order(struct db *db, long long customer_id, long long order_id,
                           const char *kind, const char *subject, const char *body,
                           const char *dedupe_key);
/*
 * Queues a marketing message to recipient with its one-click unsubscribe
 * link (List-Unsubscribe at delivery), as part of the caller's
 * transaction.  dedupe_key as for db_outbox_insert_order.  Returns 0, 1
 * when the key was used already, or -1.
 */
int db_outbox_insert_marketing(struct db *db, long long customer_id, const char *kind,
                               const char *recipient, const char *subject, const char *body,
                               const char *list_unsubscribe, const char *dedupe_key);
/*
 * Marks message id sent and releases run_id's claim.  Returns 0, 1 when the
 * claim had lapsed and someone else holds it (the message was delivered
 * all the same: the caller says so), or -1.
 */
int db_outbox_mark_sent(struct db *db, long long id, const char *run_id);
/*
 * Records failed delivery number attempts of message id (why: no message
 * content) and releases run_id's claim: the message is due again after
 * retry_seconds, or never again when give_up.  Returns 0, or -1.
 */
int db_outbox_mark_failed(struct db *db, long long id, const char *run_id, const char *why,
                          int attempts, long long retry_seconds, bool give_up);

#endif
