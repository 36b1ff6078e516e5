/* policy.h — data access for privacy-policy versions and site notices. */
#ifndef DITTO_DB_POLICY_H
#define DITTO_DB_POLICY_H

#include <stddef.h>

struct arena;
struct db;

struct policy_version {
	long long version;
	const char *published_at; /* "YYYY-MM-DD HH:MM:SS" UTC */
	const char *title;
	const char *body;     /* NULL in listings */
	const char *purposes; /* comma-separated, sorted */
};

/* Reads version (0 = the newest). Returns 0 when found, 1 when none, -1 on error. */
int db_policy_get(struct db *db, struct arena *a, long long version, struct policy_version *out);
/* Lists every version, newest first, without bodies. Returns 0 or -1. */
int db_policy_list(struct db *db, struct arena *a, struct policy_version **out, size_t *n);
/*
 * Inside the caller's transaction: publishes the next policy version (one
 * above the newest, rows locked) with title, body_len bytes of body and the
 * comma-separated purposes it allows, and stores its number in *version.
 * Returns 0, or -1 on error.
 */
int db_policy_insert(struct db *db, struct arena *a, const char *title, const char *body,
                     size_t body_len, const char *purposes, long long *version);
/* Lists the bodies of notices whose window includes now into *out. Returns 0 or -1. */
int db_notice_list_active(struct db *db, struct arena *a, const char ***out, size_t *n);

#endif
