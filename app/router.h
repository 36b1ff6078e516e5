/* router.h — maps a method and path to a handler through one route table per pool. */
#ifndef DITTO_ROUTER_H
#define DITTO_ROUTER_H

#include <stddef.h>

#include "http.h"

/* Who may use a route. Default-deny: every route names its audience. */
enum route_access {
	ACCESS_PUBLIC,   /* anyone */
	ACCESS_CUSTOMER, /* an approved, logged-in customer */
	ACCESS_STAFF,    /* a signed-in staff member (denied while no staff session exists) */
	ACCESS_LINK,     /* anyone holding the signed link the handler checks: a POST needs no
	                    CSRF token (the one exception, explained in access.c) */
};

/* A handler fills res and returns 0; -1 means "internal error" (the worker answers 500). */
typedef int (*handler_fn)(struct request *req, struct response *res);

/* One row of a route table. The table is the documentation of the site. */
struct route {
	unsigned methods;    /* HTTP_GET | HTTP_POST ...; GET implies HEAD */
	const char *pattern; /* "/product/{id}": {x} matches one non-empty segment */
	enum route_access access;
	handler_fn fn;
	const char *name; /* for logs and the status page */
};

/* In a route's methods beside HTTP_POST: the route also takes multipart/form-data bodies of up
 * to max_upload (a file), not only urlencoded ones of up to max_body.  nginx raises its body
 * limit for the same routes only. */
#define ROUTE_UPLOAD (1u << 8)

enum router_result { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED };

/*
 * Finds the route for method and path in routes[0..n).  On ROUTER_FOUND
 * stores the route in *out and the path parameters (pointers into an arena
 * copy) in req->params.  Paths longer than 1024 bytes or with empty,
 * "." or ".." segments never match.
 */
enum router_result router_match(const struct route *routes, size_t n, struct arena *a,
                                enum http_method method, const char *path, const struct route **out,
                                const char **params, size_t *nparams);

#endif
