/* access.h — the access step of every request: who is asking, may they use this route, and did
 * a POST come from one of our own forms. */
#ifndef DITTO_ACCESS_H
#define DITTO_ACCESS_H

#include <stdbool.h>

#include "http.h"

struct route;
struct site;

/*
 * Runs between the router and the handler.  Sets req->viewer (and, on the
 * shop, req->session from the session cookie), then applies route->access
 * (default-deny) and, for a POST, the CSRF check.  Returns true when the
 * handler may run; otherwise res already holds the answer (a redirect to
 * sign in, 403 with the reason, or 503/500 when the database failed).
 */
bool access_check(const struct site *site, struct request *req, struct response *res,
                  const struct route *route);

#endif
