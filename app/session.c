/* session.c — customer sessions in MariaDB (only token hashes stored), CSRF tokens, visit counting.
 */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "config.h"
#include "db/db.h"
#include "db/sessions.h"
#include "log.h"
#include "staff_session.h"

#define COOKIE_SESSION        "ditto"
#define COOKIE_SESSION_SECURE "__Host-ditto"
#define COOKIE_CSRF           "ditto_csrf"
#define COOKIE_CSRF_SECURE    "__Host-ditto_csrf"
/* The staff site has its own form cookie: the shop's is never a staff credential. */
#define COOKIE_STAFF_CSRF        "ditto_staff_csrf"
#define COOKIE_STAFF_CSRF_SECURE "__Host-ditto_staff_csrf"

bool session_may_shop(const struct session *s)
{
	return s != NULL && s->status == CUSTOMER_APPROVED;
}

const char *session_cookie_name(const struct request *req)
{
	return http_secure_cookies(req) ? COOKIE_SESSION_SECURE : COOKIE_SESSION;
}

static const char *csrf_cookie_name(const struct request *req)
{
	if (req->pool != NULL && req->pool->kind == POOL_STAFF)
		return http_secure_cookies(req) ? COOKIE_STAFF_CSRF_SECURE : COOKIE_STAFF_CSRF;
	return http_secure_cookies(req) ? COOKIE_CSRF_SECURE : COOKIE_CSRF;
}

char *session_random_token(char *out, size_t outlen)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, outlen, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return out;
}

/* The database keeps only this hash: a leaked table does not hand out sessions. */
void session_token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

bool session_token_ok(const char *t)
{
	if (t == NULL || strlen(t) != SESSION_TOKEN_LEN)
		return false;
	for (; *t; t++)
		if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
			return false;
	return true;
}

int session_load(struct request *req)
{
	const char *token = kv_get(&req->cookies, session_cookie_name(req));
	req->session = NULL;
	if (!session_token_ok(token))
		return 0;
	unsigned char hash[32];
	session_token_hash(token, hash);
	struct session_row row;
	int found = db_session_get(req->db, req->arena, hash, req->cfg->session_idle, &row);
	if (found != 0)
		return found < 0 ? -1 : 0;
	/* The visit bookkeeping leaves the request: the worker writes it within a second. */
	if (row.touch)
		batch_seen(row.id, row.new_visit);
	struct session *s = arena_alloc(req->arena, sizeof(*s));
	s->id = row.id;
	s->customer_id = row.customer_id;
	snprintf(s->csrf, sizeof(s->csrf), "%s", row.csrf ? row.csrf : "");
	s->status = row.status;
	s->name = row.name;
	s->username = row.username;
	s->policy_unseen = row.policy_unseen;
	s->catalog_version = row.catalog_version;
	s->cart_items = row.cart_items;
	s->profile_opt_out = row.profile_opt_out;
	s->policy_version = row.policy_version;
	s->profile_stamp = row.profile_stamp;
	req->session = s;
	req->csrf = s->csrf;
	return 0;
}

/* A coarse browser name for the session list: enough to recognise a device, nothing more. */
static const char *browser_family(const char *ua)
{
	static const char *const names[][2] = {
	    {"Firefox/", "Firefox"}, {"Edg/", "Edge"},      {"OPR/", "Opera"},
	    {"Chrome/", "Chrome"},   {"Safari/", "Safari"}, {"curl/", "curl"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ua != NULL && strstr(ua, names[i][0]) != NULL)
			return names[i][1];
	return "other";
}

int session_start(struct request *req, struct response *res, long long customer_id)
{
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	unsigned char hash[32];
	const char *old = kv_get(&req->cookies, session_cookie_name(req));
	if (session_token_ok(old)) {
		session_token_hash(old, hash);
		if (db_session_delete_by_hash(req->db, hash) < 0)
			return -1;
	}
	session_random_token(token, sizeof(token));
	session_random_token(csrf, sizeof(csrf));
	session_token_hash(token, hash);
	long long id;
	if (db_session_insert(req->db, hash, customer_id, csrf, req->cfg->session_max,
	                      browser_family(req->user_agent), &id) < 0)
		return -1;
	http_set_cookie(res, session_cookie_name(req), token, req->cfg->session_max,
	                http_secure_cookies(req));
	sodium_memzero(token, sizeof(token));
	struct session *s = arena_alloc(req->arena, sizeof(*s));
	s->id = id;
	s->customer_id = customer_id;
	memcpy(s->csrf, csrf, sizeof(csrf));
	s->status = CUSTOMER_APPROVED;
	req->session = s;
	req->csrf = s->csrf;
	return 0;
}

int session_end(struct request *req, struct response *res)
{
	const char *token = kv_get(&req->cookies, session_cookie_name(req));
	if (session_token_ok(token)) {
		unsigned char hash[32];
		session_token_hash(token, hash);
		if (db_session_delete_by_hash(req->db, hash) < 0)
			return -1;
	}
	http_set_cookie(res, session_cookie_name(req), "", 0, http_secure_cookies(req));
	http_header(res, "Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"");
	req->session = NULL;
	return 0;
}

int session_end_all(struct request *req, long long customer_id, long long keep_id)
{
	return db_session_delete_for_customer(req->db, customer_id, keep_id);
}

const char *csrf_token(struct request *req, struct response *res)
{
	if (req->csrf != NULL)
		return req->csrf;
	const char *c = kv_get(&req->cookies, csrf_cookie_name(req));
	if (session_token_ok(c)) {
		req->csrf = c;
		return c;
	}
	char *t = arena_alloc(req->arena, SESSION_TOKEN_LEN + 1);
	session_random_token(t, SESSION_TOKEN_LEN + 1);
	http_set_cookie(res, csrf_cookie_name(req), t, -1, http_secure_cookies(req));
	req->csrf = t;
	return t;
}

bool csrf_ok(const struct request *req)
{
	const char *sent = kv_get(&req->form, "csrf");
	/* A signed-in user's forms carry their session's token; a visitor's, the form cookie's. */
	const char *want = req->session != NULL ? req->session->csrf
	                   : req->staff != NULL ? req->staff->csrf
	                                        : kv_get(&req->cookies, csrf_cookie_name(req));
	if (sent == NULL || !session_token_ok(want) || strlen(sent) != strlen(want))
		return false;
	return sodium_memcmp(sent, want, strlen(want)) == 0;
}

static unsigned char site_key[crypto_generichash_KEYBYTES];
static bool site_key_loaded;

int session_key_load(const char *path)
{
	char hex[160];
	size_t len;
	if (config_read_secret(path, hex, sizeof(hex)) < 0)
		return -1;
	int rc = sodium_hex2bin(site_key, sizeof(site_key), hex, strlen(hex), NULL, &len, NULL);
	sodium_memzero(hex, sizeof(hex));
	if (rc != 0 || len != sizeof(site_key))
		return -1;
	site_key_loaded = true;
	return 0;
}

void session_addr_hash(const char *addr, unsigned char out[16])
{
	/* Without a key the hash would be reversible by trying every address: refuse to run. */
	if (!site_key_loaded)
		abort();
	crypto_generichash(out, 16, (const unsigned char *)addr, strlen(addr), site_key,
	                   sizeof(site_key));
}

void session_site_mac(const char *purpose, const char *msg, unsigned char out[32])
{
	if (!site_key_loaded)
		abort();
	/* A subkey per purpose: a MAC made for one use never verifies for another. */
	unsigned char sub[crypto_auth_KEYBYTES];
	crypto_generichash(sub, sizeof(sub), (const unsigned char *)purpose, strlen(purpose),
	                   site_key, sizeof(site_key));
	crypto_auth(out, (const unsigned char *)msg, strlen(msg), sub);
	sodium_memzero(sub, sizeof(sub));
}
