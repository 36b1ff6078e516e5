/* staff_session.h — staff sessions: their own table and cookie (never valid on the shop, and
 * the shop's never valid here), 15 minutes idle and 8 hours at most, ended at once when the
 * member is disabled. */
#ifndef DITTO_STAFF_SESSION_H
#define DITTO_STAFF_SESSION_H

#include "http.h"
#include "privacy/privacy.h"
#include "session.h"

/* The signed-in staff member of a request. */
struct staff_session {
	long long id; /* staff_sessions.id */
	long long staff_id;
	const char *username;
	enum staff_role role;
	char csrf[SESSION_TOKEN_LEN + 1];
	long long policy_pending; /* the newest policy version not yet acknowledged; 0: none */
};

/* The staff cookie's name: "__Host-" prefixed behind HTTPS, plain locally. */
const char *staff_session_cookie_name(const struct request *req);

/*
 * Loads the session named by the request's staff cookie into req->staff
 * (NULL when there is none, it expired, or its member is disabled) and sets
 * req->viewer to that member.  Returns 0, or -1 on a database error.
 */
int staff_session_load(struct request *req);

/*
 * Starts a session for staff member id (role, username), replacing the one
 * the request's cookie names, if any: an id planted before sign-in is never
 * adopted.  Sets the cookie, req->staff (with the version the member has
 * still to acknowledge) and req->viewer.  Returns 0 or -1.
 */
int staff_session_start(struct request *req, struct response *res, long long id,
                        enum staff_role role, const char *username);

/* Deletes the request's staff session and drops the cookie. Returns 0 or -1. */
int staff_session_end(struct request *req, struct response *res);

#endif
