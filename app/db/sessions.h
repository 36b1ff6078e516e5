/* sessions.h — data access for session rows and per-address login throttling. */
#ifndef DITTO_DB_SESSIONS_H
#define DITTO_DB_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../status.h"

struct arena;
struct db;

struct session_row {
	long long id;
	long long customer_id;
	const char *csrf;
	enum customer_status status; /* the customer's account status */
	const char *name;
	const char *username;
	bool touch;         /* last request over a minute ago: refresh last_seen_at */
	bool new_visit;     /* last request over 30 minutes ago: count a visit */
	bool policy_unseen; /* a policy version newer than any the customer decided on exists */
	long long catalog_version; /* site_state.catalog_version as of this statement */
	long long cart_items;      /* units in the customer's cart (cart_counts) */
	bool profile_opt_out;      /* the customer keeps no viewing profile */
	long long policy_version;  /* the policy version the customer accepted */
	long long profile_stamp;   /* profile_cleared_at in µs since 1970 (0: never) */
};

/* A session as My Account lists it. */
struct session_info {
	long long id;
	const char *created_at;
	const char *last_seen_at;
	const char *browser;
};

/* Reads the live session whose token hashes to hash (32 bytes), idle for less than idle
 * seconds. Returns 0 found, 1 none, -1 error. */
int db_session_get(struct db *db, struct arena *a, const unsigned char *hash, int idle,
                   struct session_row *out);
/* Records a session's use age_us microseconds ago: last_seen_at and the customer's last visit
 * move forward to then, and with new_visit a visit is counted unless another request of the
 * session was recorded within the 30 minutes before (batch.c writes these). Returns 0 or -1. */
int db_session_seen(struct db *db, long long session_id, bool new_visit, long long age_us);
/* Inserts a session living max seconds; counts a visit for the customer. */
int db_session_insert(struct db *db, const unsigned char *hash, long long customer_id,
                      const char *csrf, int max, const char *browser, long long *id);
int db_session_delete_by_hash(struct db *db, const unsigned char *hash);
/* Deletes the customer's sessions except keep_id (0 keeps none). */
int db_session_delete_for_customer(struct db *db, long long customer_id, long long keep_id);
/* Deletes every session of the customer; stores how many in *deleted (may be NULL). */
int db_session_delete_all(struct db *db, long long customer_id, unsigned long long *deleted);
/* Deletes session id only if it belongs to customer_id; *deleted tells whether it did. */
int db_session_delete_owned(struct db *db, long long id, long long customer_id, bool *deleted);
/* The customer's live sessions, most recent first: at most limit from offset on. */
int db_session_list(struct db *db, struct arena *a, long long customer_id, long long offset,
                    int limit, struct session_info **out, size_t *n);

/* Counted attempts under one keyed hash (app/throttle.c) in a window of window_min minutes
 * that restarts when it passes without an attempt; *age_s: seconds since the last one. */
int db_throttle_get(struct db *db, struct arena *a, const unsigned char *addr_hash, int window_min,
                    long long *failures, long long *age_s);
int db_throttle_fail(struct db *db, const unsigned char *addr_hash, int window_min);
/* Deletes the count under one keyed hash. */
int db_throttle_clear(struct db *db, const unsigned char *addr_hash);

#endif
