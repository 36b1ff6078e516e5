/* view.h — renders a page template inside the site layout. */
#ifndef DITTO_VIEW_H
#define DITTO_VIEW_H

#include "http.h"
#include "template.h"

/*
 * Returns a fresh render context with what every page needs (site name,
 * the page title).  Allocated in the request arena.
 */
struct tdict *view_ctx(struct request *req, const char *title);

/*
 * Renders views/<name>.html with ctx as the body of views/layout.html into
 * res->body and sets res->status to status.  Returns 0, or -1 when a
 * template is missing (the caller answers 500).
 */
int view_render(struct request *req, struct response *res, int status, const char *name,
                struct tdict *ctx);

#endif
