/* staff_sessions.h — data access for staff session rows (token hashes only). */
#ifndef DITTO_DB_STAFF_SESSIONS_H
#define DITTO_DB_STAFF_SESSIONS_H

#include "../privacy/privacy.h"

struct arena;
struct db;

/* A live staff session and its member as the staff table says now. */
struct staff_session_row {
	long long id;
	long long staff_id;
	const char *username;
	enum staff_role role;
	const char *csrf;
	bool touch;               /* last request over a minute ago: refresh last_seen_at */
	long long policy_pending; /* the newest policy version the member has not acknowledged; 0 */
};

/*
 * Reads the live session whose token hashes to hash (32 bytes): not past
 * its absolute expiry, idle for less than idle seconds, and its member not
 * disabled.  Returns 0 found, 1 none, -1 error.
 */
int db_staff_session_get(struct db *db, struct arena *a, const unsigned char *hash, int idle,
                         struct staff_session_row *out);
/* Refreshes last_seen_at. Returns 0 or -1. */
int db_staff_session_touch(struct db *db, long long id);
/* Inserts a session living max seconds at most. Returns 0 (*id set) or -1. */
int db_staff_session_insert(struct db *db, const unsigned char *hash, long long staff_id,
                            const char *csrf, int max, long long *id);
/* Deletes the session whose token hashes to hash (none: still 0). Returns 0 or -1. */
int db_staff_session_delete_by_hash(struct db *db, const unsigned char *hash);

/* Deletes every session of staff member staff_id (none: still 0). Returns 0 or -1. */
int db_staff_sessions_delete_member(struct db *db, long long staff_id);

#endif
