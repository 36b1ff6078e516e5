/* password_resets.h — data access for the one-time links that set a forgotten password
 * (schema/028): only the token's hash is stored, a link works once and for a short time. */
#ifndef DITTO_DB_PASSWORD_RESETS_H
#define DITTO_DB_PASSWORD_RESETS_H

#include <stdbool.h>

#include "../status.h"

struct arena;
struct db;

/* The account a reset concerns, as the reset pages need it. */
struct reset_account {
	long long id;
	const char *username;
	const char *email;
	const char *name;
	enum customer_status status;
};

/* Reads the account whose address is email (the column's collation: case does not matter).
 * Returns 0 found, 1 none, -1 error. */
int db_reset_account_by_email(struct db *db, struct arena *a, const char *email,
                              struct reset_account *out);

/* Stores a link for customer_id under hash (32 bytes), valid for minutes. Returns 0 or -1. */
int db_reset_insert(struct db *db, const unsigned char *hash, long long customer_id, int minutes);

/*
 * Reads the account of the link hashed to hash while the link is open (not used, not expired).
 * With for_update, locks the link's row for the caller's transaction.  Returns 0 found, 1 no
 * open link, -1 error.
 */
int db_reset_get(struct db *db, struct arena *a, const unsigned char *hash, bool for_update,
                 struct reset_account *out);

/*
 * Uses the link hashed to hash, if it is still open, and with it every other open link of
 * customer_id (a new password ends them all).  Returns DB_CHANGED, DB_NOT_FOUND (used or expired
 * meanwhile: nothing written) or -1.
 */
int db_reset_use(struct db *db, const unsigned char *hash, long long customer_id);

#endif
