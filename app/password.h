/* password.h — argon2id password hashing, verification, re-hash policy and strength checks. */
#ifndef DITTO_PASSWORD_H
#define DITTO_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* argon2id cost parameters (config keys argon2_memory_kib, argon2_iterations, argon2_parallelism).
 */
struct password_params {
	uint32_t m_kib; /* memory in KiB; default 19456 (19 MiB, OWASP) */
	uint32_t t;     /* iterations; default 2 */
	uint32_t p;     /* lanes; default 1 */
};

#define PASSWORD_HASH_MAX  128 /* bytes of an encoded hash, NUL included */
#define PASSWORD_MIN_CHARS 12  /* code points */
#define PASSWORD_MAX_CHARS 256 /* code points (the form limit is 1024 bytes) */

/*
 * Hashes pw (len bytes, any bytes) with a fresh 16-byte salt from
 * getrandom(2) into out as "$argon2id$v=19$m=..,t=..,p=..$salt$hash"
 * (32-byte hash).  Returns 0, or -1 (out is then the empty string).
 */
int password_hash(const struct password_params *pp, const char *pw, size_t len, char *out,
                  size_t outlen);

/* Returns 0 when pw matches encoded, 1 when it does not, -1 when encoded is malformed. */
int password_verify(const char *encoded, const char *pw, size_t len);

/*
 * Spends the same time as a real verification at pp's cost, against a hash
 * of nothing: used when the username does not exist, so the response time
 * does not tell whether it does.
 */
void password_verify_dummy(const struct password_params *pp, const char *pw, size_t len);

/*
 * A sign-in's check: verifies pw against encoded, or, when there is no
 * account (encoded NULL), spends the same time on a dummy and says "no
 * match".  Returns 0 match, 1 no match (or no account), -1 malformed hash.
 */
int password_check(const struct password_params *pp, const char *encoded, const char *pw,
                   size_t len);

/* True when encoded was made with other parameters (or another algorithm) than pp. */
bool password_needs_rehash(const struct password_params *pp, const char *encoded);

/*
 * Returns NULL when pw is acceptable, else one plain sentence for the form:
 * fewer than 12 or more than 256 characters (code points; any Unicode),
 * invalid UTF-8, equal to (or containing) the username or the email's
 * local part, or refused by cracklib (dictionary words, too simple).
 * No composition rules.  username and email may be NULL.
 */
const char *password_weakness(const char *pw, size_t len, const char *username, const char *email);

#endif
