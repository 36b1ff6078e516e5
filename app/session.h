/* session.h — customer sessions in MariaDB (only token hashes stored), CSRF tokens, visit counting.
 */
#ifndef DITTO_SESSION_H
#define DITTO_SESSION_H

#include <stdbool.h>

#include "http.h"
#include "status.h"

#define SESSION_TOKEN_LEN 43 /* 32 random bytes, base64url without padding */

/* The logged-in customer of a request, as the session row and account say now. */
struct session {
	long long id; /* sessions.id: a handle safe to show, not the token */
	long long customer_id;
	char csrf[SESSION_TOKEN_LEN + 1];
	enum customer_status status; /* only CUSTOMER_APPROVED may use the shop */
	const char *name;
	const char *username;
	bool policy_unseen; /* a newer policy version awaits their accepting or declining */
	long long
	    catalog_version;  /* the catalogue's version as of this request (catalog_cache.h) */
	long long cart_items; /* units in their cart as of this request: the header's count */
	/* What "Recommended for you" is kept against in the worker (handlers/profile.c): an
	 * opt-out, a cleared profile or another policy version shows on the next page. */
	bool profile_opt_out;
	long long policy_version;
	long long profile_stamp; /* profile_cleared_at in µs since 1970, 0 when never */
};

/* True when the session's account may use the shop now (approved). */
bool session_may_shop(const struct session *s);

/* Cookie names: "__Host-" prefixed behind HTTPS (cookie_secure), plain locally. */
const char *session_cookie_name(const struct request *req);

/*
 * Loads the session named by the request's cookie into req->session (NULL
 * when there is none, or it expired), and counts a visit when the last
 * request was more than 30 minutes ago (one extra statement at most once a
 * minute per session).  Returns 0, or -1 on a database error.
 */
int session_load(struct request *req);

/*
 * Starts a new session for customer_id: the old session named by the
 * request's cookie (if any) is deleted first, so an id planted before login
 * is never adopted.  Counts a visit, sets the cookie and req->session.
 * Returns 0 or -1.
 */
int session_start(struct request *req, struct response *res, long long customer_id);

/* Deletes the request's session row and tells the browser to drop its cookies
 * (Set-Cookie with Max-Age=0 and Clear-Site-Data). Returns 0 or -1. */
int session_end(struct request *req, struct response *res);

/* Deletes every session of customer_id except keep_id (0: all). Returns 0 or -1. */
int session_end_all(struct request *req, long long customer_id, long long keep_id);

/*
 * Returns the CSRF token to embed in this page's forms: the session's, or
 * for a visitor a random token also sent as a cookie (double submit).
 */
const char *csrf_token(struct request *req, struct response *res);
/* True when the POSTed "csrf" field matches (compared in constant time). */
bool csrf_ok(const struct request *req);

/* True when t has the shape of a token made by session_random_token (43 base64url
 * characters): session cookies, CSRF tokens, checkout nonces, verification links. */
bool session_token_ok(const char *t);

/* The hash a session's token is stored under (32 bytes): a leaked table hands out nothing. */
void session_token_hash(const char *token, unsigned char out[32]);

/* Fills out (2 * n + 1 bytes) with n random bytes in base64url; returns out. */
char *session_random_token(char *out, size_t outlen);

/*
 * Loads the site key (64 hex digits) from path, for keyed hashes of client
 * addresses.  Returns 0, or -1 when the file is missing or malformed.
 */
int session_key_load(const char *path);
/* A keyed 16-byte hash of a client address: counts failures per address without storing it. */
void session_addr_hash(const char *addr, unsigned char out[16]);
/* HMAC (crypto_auth) of msg under a subkey of the site key for purpose. */
void session_site_mac(const char *purpose, const char *msg, unsigned char out[32]);

#endif
