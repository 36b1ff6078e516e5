/* http.h — the request a handler reads and the response it fills. */
#ifndef DITTO_HTTP_H
#define DITTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "form.h"
#include "multipart.h"
#include "privacy/privacy.h"

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_OTHER = 1 << 3,
};

#define HTTP_MAX_PARAMS     4
#define HTTP_MAX_READ_NAMES 96

struct db;
struct config;
struct pool_config;
struct tmpl_set;
struct session;

/* One request, everything copied into its arena (FastCGI's own strings die at the next accept). */
struct request {
	struct arena *arena; /* freed after the response */
	enum http_method method;
	const char *path;         /* decoded, normalised URI path (nginx's $uri) */
	const char *query_string; /* raw, still percent-encoded */
	struct kvlist query;      /* decoded query pairs */
	struct kvlist form;       /* decoded urlencoded body (POST), or a multipart body's text */
	struct uploads files;     /* a multipart body's files (ROUTE_UPLOAD routes only) */
	struct kvlist cookies;    /* raw cookie pairs */
	const char *remote_addr;
	const char *user_agent;
	const char *host;
	const char *fetch_site;              /* Sec-Fetch-Site ("" when the browser sent none) */
	bool https;                          /* nginx says the client used TLS */
	const char *params[HTTP_MAX_PARAMS]; /* path parameters, in pattern order */
	size_t nparams;
	const struct config *cfg;
	const struct pool_config *pool;
	const struct tmpl_set *views;
	struct db *db;               /* this worker's database connection */
	struct viewer viewer;        /* who is asking: set by the access step */
	struct session *session;     /* the logged-in customer, or NULL */
	struct staff_session *staff; /* the signed-in staff member (staff pool), or NULL */
	const char *request_id;      /* nginx's $request_id, or one made up here */
	const char *csrf;            /* token for this page's forms, once made */
	/* Test stacks only: the query ("q:") and form ("f:") names the handler asked for, which
	 * http_read_names_header() answers, so the hostile-input sweep finds every field a
	 * handler reads (computed ones included) without a list kept by hand. */
	bool record_reads;
	const char *read_names[HTTP_MAX_READ_NAMES];
	size_t nread_names;
};

/* What the handler answers; the worker serialises it. */
struct response {
	int status;               /* starts at 500: a handler must set it */
	const char *content_type; /* default text/html; charset=utf-8 */
	struct buf headers;       /* extra "Name: value\r\n" lines */
	struct buf body;
	bool no_store; /* personal data: Cache-Control: no-store */
	/* The matched route's pattern ("/orders/{id}"), NULL when none matched.  Sent to nginx as
	 * X-Ditto-Route, which logs it as the page (never a path with ids) and hides it. */
	const char *route;
};

/* Adds one header line; name and value must not contain CR or LF (checked: dropped if so). */
void http_header(struct response *res, const char *name, const char *value);
/*
 * Adds a Set-Cookie header with HttpOnly, SameSite=Lax and Path=/.  When
 * secure, adds Secure and expects the caller to use a "__Host-" name.
 * max_age < 0 omits Max-Age (session cookie); 0 deletes the cookie.
 */
/*
 * True when this response's cookies must be Secure with the "__Host-"
 * prefix: the configuration says so (cookie_secure), or the request came
 * over HTTPS whatever it says (a browser would keep a plain cookie sent over
 * TLS for plain HTTP too).  The second case is a configuration mistake,
 * logged once per worker.
 */
bool http_secure_cookies(const struct request *req);
void http_set_cookie(struct response *res, const char *name, const char *value, long max_age,
                     bool secure);
/* Sets a 303 See Other to location (a path on this site). */
void http_redirect(struct response *res, const char *location);
/* The plain sentence an error page of status says (400, 403, 404, 405, 413, 500, 503...). */
const char *http_error_message(int status);
/* Returns the reason phrase for status. */
const char *http_reason(int status);
/* Returns the path parameter i, or "" if absent. */
const char *http_param(const struct request *req, size_t i);
/* Returns the query or form value named key, or NULL. */
const char *http_query(const struct request *req, const char *key);
const char *http_form(const struct request *req, const char *key);
/* When req->record_reads: adds the header X-Ditto-Read listing the names recorded (test stacks). */
void http_read_names_header(const struct request *req, struct response *res);

#endif
