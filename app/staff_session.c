/* staff_session.c — staff sessions in MariaDB (only token hashes stored). */
#include "staff_session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "db/policy_consent.h"
#include "db/staff_sessions.h"

#define COOKIE_STAFF        "ditto_staff"
#define COOKIE_STAFF_SECURE "__Host-ditto_staff"

const char *staff_session_cookie_name(const struct request *req)
{
	return http_secure_cookies(req) ? COOKIE_STAFF_SECURE : COOKIE_STAFF;
}

static void adopt(struct request *req, long long id, long long staff_id, enum staff_role role,
                  const char *username, const char *csrf, long long policy_pending)
{
	struct staff_session *s = arena_alloc(req->arena, sizeof(*s));
	s->id = id;
	s->staff_id = staff_id;
	s->role = role;
	s->username = arena_strdup(req->arena, username);
	snprintf(s->csrf, sizeof(s->csrf), "%s", csrf != NULL ? csrf : "");
	s->policy_pending = policy_pending;
	req->staff = s;
	req->csrf = s->csrf;
	req->viewer = (struct viewer){.kind = VIEWER_STAFF, .id = staff_id, .role = role};
}

int staff_session_load(struct request *req)
{
	const char *token = kv_get(&req->cookies, staff_session_cookie_name(req));
	req->staff = NULL;
	if (!session_token_ok(token))
		return 0;
	unsigned char hash[32];
	session_token_hash(token, hash);
	struct staff_session_row row;
	int found =
	    db_staff_session_get(req->db, req->arena, hash, req->cfg->staff_session_idle, &row);
	if (found != 0)
		return found < 0 ? -1 : 0;
	if (row.touch && db_staff_session_touch(req->db, row.id) < 0)
		return -1;
	adopt(req, row.id, row.staff_id, row.role, row.username, row.csrf, row.policy_pending);
	return 0;
}

int staff_session_start(struct request *req, struct response *res, long long id,
                        enum staff_role role, const char *username)
{
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	unsigned char hash[32];
	const char *old = kv_get(&req->cookies, staff_session_cookie_name(req));
	if (session_token_ok(old)) {
		session_token_hash(old, hash);
		if (db_staff_session_delete_by_hash(req->db, hash) < 0)
			return -1;
	}
	session_random_token(token, sizeof(token));
	session_random_token(csrf, sizeof(csrf));
	session_token_hash(token, hash);
	long long sid;
	long long pending;
	if (db_staff_session_insert(req->db, hash, id, csrf, req->cfg->staff_session_max, &sid) <
	        0 ||
	    db_staff_policy_pending(req->db, id, &pending) < 0) {
		sodium_memzero(token, sizeof(token));
		return -1;
	}
	/* A session cookie (no Max-Age): closing the browser ends it on the office machine. */
	http_set_cookie(res, staff_session_cookie_name(req), token, -1, http_secure_cookies(req));
	sodium_memzero(token, sizeof(token));
	adopt(req, sid, id, role, username, csrf, pending);
	return 0;
}

int staff_session_end(struct request *req, struct response *res)
{
	const char *token = kv_get(&req->cookies, staff_session_cookie_name(req));
	if (session_token_ok(token)) {
		unsigned char hash[32];
		session_token_hash(token, hash);
		if (db_staff_session_delete_by_hash(req->db, hash) < 0)
			return -1;
	}
	http_set_cookie(res, staff_session_cookie_name(req), "", 0, http_secure_cookies(req));
	http_header(res, "Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"");
	req->staff = NULL;
	req->viewer = (struct viewer){.kind = VIEWER_NOBODY};
	return 0;
}
