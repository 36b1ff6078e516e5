/* password.c — argon2id password hashing, verification, re-hash policy and strength checks. */
#include "password.h"

#include <argon2.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sodium.h>

#include <crack.h> /* after <stddef.h> (via password.h): crack.h uses size_t without it */

#define SALT_LEN 16
#define HASH_LEN 32

/* One UTF-8 code point is at most 4 bytes. */
#define PASSWORD_MAX_BYTES (PASSWORD_MAX_CHARS * 4)

/* Fills buf with len bytes from getrandom(2).  Returns 0, or -1. */
static int random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int password_hash(const struct password_params *pp, const char *pw, size_t len, char *out,
                  size_t outlen)
{
	unsigned char salt[SALT_LEN];
	int rc = -1;

	if (out == NULL || outlen == 0)
		return -1;
	out[0] = '\0';
	if (pp == NULL || (pw == NULL && len > 0) || len > ARGON2_MAX_PWD_LENGTH)
		goto out;
	if (random_bytes(salt, sizeof(salt)) != 0)
		goto out;
	if (argon2id_hash_encoded(pp->t, pp->m_kib, pp->p, pw, len, salt, sizeof(salt), HASH_LEN,
	                          out, outlen) != ARGON2_OK)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		out[0] = '\0';
	return rc;
}

int password_verify(const char *encoded, const char *pw, size_t len)
{
	if (encoded == NULL || (pw == NULL && len > 0) || len > ARGON2_MAX_PWD_LENGTH)
		return -1;

	switch (argon2id_verify(encoded, pw, len)) {
	case ARGON2_OK:
		return 0;
	case ARGON2_VERIFY_MISMATCH:
		return 1;
	default:
		/* Decoding failures, but also parameters the library refuses or cannot allocate. */
		return -1;
	}
}

void password_verify_dummy(const struct password_params *pp, const char *pw, size_t len)
{
	/* Any fixed salt will do: the result is thrown away, only the time spent matters. */
	static const unsigned char salt[SALT_LEN] = "ditto-dummy-salt";
	unsigned char hash[HASH_LEN];

	if (pp == NULL || (pw == NULL && len > 0) || len > ARGON2_MAX_PWD_LENGTH)
		return;
	/* The result is deliberately ignored: there is nothing to compare it with. */
	(void)argon2id_hash_raw(pp->t, pp->m_kib, pp->p, pw, len, salt, sizeof(salt), hash,
	                        sizeof(hash));
	sodium_memzero(hash, sizeof(hash));
}

int password_check(const struct password_params *pp, const char *encoded, const char *pw,
                   size_t len)
{
	if (encoded == NULL) {
		password_verify_dummy(pp, pw, len);
		return 1;
	}
	return password_verify(encoded, pw, len);
}

bool password_needs_rehash(const struct password_params *pp, const char *encoded)
{
	char prefix[96];
	int n;

	if (pp == NULL || encoded == NULL)
		return true;
	/*
	 * libargon2 cannot parse the parameters back out, so compare the text:
	 * the encoder always writes them in this exact form.
	 */
	n = snprintf(prefix, sizeof(prefix), "$argon2id$v=%d$m=%lu,t=%lu,p=%lu$",
	             (int)ARGON2_VERSION_NUMBER, (unsigned long)pp->m_kib, (unsigned long)pp->t,
	             (unsigned long)pp->p);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return true;
	return strncmp(encoded, prefix, (size_t)n) != 0;
}

/*
 * Counts the code points of s (len bytes) into *count.  Returns false when s
 * is not well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated
 * sequences) or holds a NUL byte.
 */
static bool utf8_count(const char *s, size_t len, size_t *count)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	size_t n = 0;

	while (i < len) {
		unsigned char c = u[i];
		size_t extra;
		uint32_t cp;
		uint32_t min;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			extra = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < extra)
			return false;
		for (size_t j = 1; j <= extra; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += extra + 1;
		n++;
	}
	*count = n;
	return true;
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True when needle (nlen > 0 bytes) occurs in hay, ASCII letters compared case-insensitively. */
static bool contains_ascii_ci(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++) {
		size_t j = 0;
		while (j < nlen && ascii_lower((unsigned char)hay[i + j]) ==
		                       ascii_lower((unsigned char)needle[j]))
			j++;
		if (j == nlen)
			return true;
	}
	return false;
}

/* True for the ASCII digits, punctuation and spaces people pad a word with ("summer2024!"). */
static bool is_padding(unsigned char c)
{
	return c < 0x80 && c > 0x1f && c != 0x7f &&
	       !(ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z');
}

/*
 * Asks cracklib about pw (NUL-terminated).  Returns NULL or cracklib's reason.
 * FascistCheckUser with our own username rather than FascistCheck: the
 * latter looks up the *server's* account with getpwuid(getuid()) and refuses
 * every password ("you are not registered in the password file") when that
 * uid has no passwd entry, as in many containers.
 */
static const char *cracklib_reason(const char *pw, const char *username)
{
	return FascistCheckUser(pw, GetDefaultCracklibDict(), username != NULL ? username : "",
	                        NULL);
}

const char *password_weakness(const char *pw, size_t len, const char *username, const char *email)
{
	/* Thread-local because the sentence quotes cracklib's reason; valid until the next call. */
	static _Thread_local char sentence[192];
	char copy[PASSWORD_MAX_BYTES + 1];
	const char *result = NULL;
	const char *reason;
	size_t chars;
	size_t start;
	size_t end;

	if (pw == NULL || !utf8_count(pw, len, &chars))
		return "Use only valid text (UTF-8, no NUL characters) in your password.";
	if (chars < PASSWORD_MIN_CHARS)
		return "Use at least 12 characters.";
	if (chars > PASSWORD_MAX_CHARS)
		return "Use at most 256 characters.";

	if (username != NULL && strlen(username) >= 3 &&
	    contains_ascii_ci(pw, len, username, strlen(username)))
		return "Don't use your username or email address in your password.";
	if (email != NULL) {
		const char *at = strrchr(email, '@');
		size_t local = at != NULL ? (size_t)(at - email) : strlen(email);
		if (local >= 3 && contains_ascii_ci(pw, len, email, local))
			return "Don't use your username or email address in your password.";
	}

	/* len <= PASSWORD_MAX_BYTES here: at most 256 code points of at most 4 bytes. */
	memcpy(copy, pw, len);
	copy[len] = '\0';
	reason = cracklib_reason(copy, username);

	/*
	 * cracklib strips at most one character of padding before its dictionary
	 * lookup, so "password1234" or "sunshine2024" pass it.  Ask again about
	 * the word inside the padding when that word is long enough for cracklib
	 * to judge (its minimum is 6 bytes).
	 */
	start = 0;
	end = len;
	while (start < end && is_padding((unsigned char)copy[start]))
		start++;
	while (end > start && is_padding((unsigned char)copy[end - 1]))
		end--;
	if (reason == NULL && (start > 0 || end < len) && end - start >= 6) {
		memmove(copy, copy + start, end - start);
		copy[end - start] = '\0';
		reason = cracklib_reason(copy, username);
	}

	if (reason != NULL) {
		/* A missing dictionary is our fault, not the user's: refuse, but say so. */
		if (strcmp(reason, "error loading dictionary") == 0)
			result = "Passwords cannot be checked right now. Please try again later.";
		else if (snprintf(sentence, sizeof(sentence),
		                  "This password is too easy to guess (%s).", reason) > 0)
			result = sentence;
		else
			result = "This password is too easy to guess.";
	}
	sodium_memzero(copy, sizeof(copy));
	return result;
}
