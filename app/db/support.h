/* support.h — data access for the support queue: what customers write through /contact, the
 * support role's list of it, marking a message answered, and the operators' list. */
#ifndef DITTO_DB_SUPPORT_H
#define DITTO_DB_SUPPORT_H

#include <stddef.h>

#include "db.h"

struct arena;
struct audit_event;

/* Limits of the contact form's fields (characters of UTF-8 text). */
#define SUPPORT_SUBJECT_MAX 200
#define SUPPORT_MESSAGE_MAX 5000

/* One message sent through the contact form. */
struct support_new {
	long long customer_id;
	const char *nonce; /* the form's one-time key */
	const char *subject;
	const char *message;
	int per_hour; /* at most this many messages of one customer in any hour */
};

/*
 * Stores m in one transaction that locks the customer's row, so two
 * submits at once are counted one after the other.  Returns DB_CHANGED;
 * DB_UNCHANGED when this form's nonce was stored already (a second submit:
 * nothing stored); DB_REFUSED when the customer sent per_hour messages in
 * the last hour (nothing stored); -1 on a database error.
 */
int db_support_insert(struct db *db, const struct support_new *m);

/* One message of the queue. */
struct support_message {
	long long id;
	long long customer_id;
	const char *subject, *message;
	const char *created_at;  /* "YYYY-MM-DD HH:MM" UTC */
	const char *answered_at; /* NULL while open */
	const char *username;    /* db_support_list_all only */
};

/*
 * The queue as the support role reads it, into arena a: open messages
 * oldest first when answered is 0, else answered ones newest first; at most
 * limit.  Returns 0, or -1 on a database error.
 */
int db_support_list(struct db *db, struct arena *a, int answered, int limit,
                    struct support_message **out, size_t *n);

/*
 * The operators' list (the administrative account): with the customer's
 * username, oldest first, only open messages unless all.  Returns 0, or -1.
 */
int db_support_list_all(struct db *db, struct arena *a, int all, struct support_message **out,
                        size_t *n);

/*
 * Inside the caller's transaction: marks message id answered by staff_id
 * and appends ev (its customer_id filled in here) to the audit log, so the
 * change and its audit row commit together.  Returns DB_CHANGED;
 * DB_NOT_FOUND; DB_UNCHANGED when it was answered already (nothing
 * written); -1 on a database error.
 */
int db_support_mark_answered(struct db *db, long long id, long long staff_id,
                             struct audit_event *ev);

#endif
