/* unsubscribe.h — the signed links in marketing mail that unsubscribe without signing in. */
#ifndef DITTO_UNSUBSCRIBE_H
#define DITTO_UNSUBSCRIBE_H

#include <stddef.h>
#include <time.h>

/* Room for a token and its NUL: 49 bytes in unpadded base64url. */
#define UNSUB_TOKEN_MAX 72
/* How long a link works: long, because people unsubscribe from old mail too. */
#define UNSUB_LIFETIME_DAYS 365

/* What a link unsubscribes. */
struct unsub_token {
	long long customer_id;
	long long category_id; /* one interest's category, or 0 for every interest */
	time_t expires;
};

/* What unsub_token_check found. */
enum unsub_check {
	UNSUB_OK = 0,
	UNSUB_BAD = -1,    /* malformed, or not signed with our key: forged or cut */
	UNSUB_EXPIRED = 1, /* ours, but past its expiry */
};

/*
 * Derives the signing key from the site key file (64 hex digits: secret_file) and keeps it
 * for this process.  A derived key (libsodium's KDF, context "unsubscr") keeps these links
 * apart from every other use of the site key.  Returns 0, or -1 when the file is missing or
 * malformed.
 */
int unsub_key_load(const char *path);

/*
 * Writes the token for t into out (cap >= UNSUB_TOKEN_MAX): version,
 * customer, category and expiry, authenticated with crypto_auth
 * (HMAC-SHA-512-256) under the derived key, in base64url.  Returns out, or
 * NULL when no key was loaded or cap is too small.
 */
char *unsub_token_make(const struct unsub_token *t, char *out, size_t cap);

/* Checks token (may be NULL) at time now; on UNSUB_OK and UNSUB_EXPIRED fills *t. */
enum unsub_check unsub_token_check(const char *token, time_t now, struct unsub_token *t);

#endif
