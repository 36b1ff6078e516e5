/* staff.h — data access for staff accounts: created, listed, disabled and given a new second
 * factor (dittoctl and the admin's staff page), and signing in. */
#ifndef DITTO_DB_STAFF_H
#define DITTO_DB_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "../privacy/privacy.h"

struct arena;
struct db;

/* A staff account as listed: never its password hash or TOTP secret. */
struct staff_member {
	long long id;
	const char *username;
	const char *role; /* as staff.role spells it */
	bool disabled;
	const char *created_at;      /* "YYYY-MM-DD HH:MM:SS" UTC */
	const char *last_login_at;   /* "YYYY-MM-DD HH:MM:SS" UTC; NULL: never signed in */
	long long totp_generation;   /* how often the second factor was set up again */
	long long policy_acked;      /* the newest policy version they acknowledged; 0: none */
	const char *policy_acked_at; /* when, "YYYY-MM-DD HH:MM:SS" UTC; NULL: never */
};

/* Sets *exists when username names a staff account. Returns 0, or -1 on error. */
int db_staff_exists(struct db *db, struct arena *a, const char *username, bool *exists);
/*
 * Inserts an account with role, its argon2id password_hash and base32
 * totp_secret.  Returns DB_CHANGED, DB_UNCHANGED when username exists
 * already (a concurrent insert won), or -1 on error.
 */
int db_staff_insert(struct db *db, const char *username, enum staff_role role,
                    const char *password_hash, const char *totp_secret);
/* Lists every account by username into arena a. Returns 0 (*n in *out), or -1. */
int db_staff_list(struct db *db, struct arena *a, struct staff_member **out, size_t *n);
/* A staff account locked for a change (inside the caller's transaction). */
struct staff_target {
	long long id;
	bool disabled;
	long long totp_generation;
};

/*
 * Inside the caller's transaction: reads username's account and locks its
 * row until the transaction ends, so two admins changing it serialise.
 * Returns 0, 1 when there is none, or -1 on error.
 */
int db_staff_lock(struct db *db, struct arena *a, const char *username, struct staff_target *out);
/* Disables staff id. Returns DB_CHANGED, DB_UNCHANGED when it was disabled already, or -1. */
int db_staff_set_disabled(struct db *db, long long id);
/*
 * Replaces staff id's TOTP secret (base32) and counts one more set-up, only
 * while its totp_generation is still generation.  Returns DB_CHANGED,
 * DB_UNCHANGED when the count moved on (a reset happened since), or -1.
 */
int db_staff_set_totp(struct db *db, long long id, const char *secret, long long generation);

/* What signing in needs of a staff account (never leaves the sign-in handler). */
struct staff_login {
	long long id;
	enum staff_role role;
	const char *username;
	const char *password_hash;
	const char *totp_secret; /* base32 */
	bool disabled;
	long long failed_logins;
	bool locked; /* locked_until is in the future */
};

/* Reads username's account. Returns 0, 1 when there is none, or -1 on error. */
int db_staff_get_login(struct db *db, struct arena *a, const char *username,
                       struct staff_login *out);
/*
 * Records one failed sign-in of s; locks the account for minutes once max
 * failures are reached in a row (*locked_now tells).  Returns 0 or -1.
 */
int db_staff_login_failed(struct db *db, const struct staff_login *s, int max, int minutes,
                          bool *locked_now);
/* Clears the failure count and records the sign-in time. Returns 0 or -1. */
int db_staff_login_ok(struct db *db, long long id);
/*
 * Uses TOTP time step for staff id: succeeds only when step is later than
 * the last step used, so each code signs in once (also across database
 * nodes: the row is the record).  Returns DB_CHANGED when used now,
 * DB_UNCHANGED for a replayed (or older) step, or -1 on error.
 */
int db_staff_totp_use(struct db *db, long long id, long long step);
/* Replaces staff id's password hash (re-hash with current parameters). Returns 0 or -1. */
int db_staff_set_password(struct db *db, long long id, const char *hash);

#endif
