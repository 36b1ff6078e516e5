/* access.c — the access step: viewer, route audience, CSRF. */
#include "access.h"

#include "config.h"
#include "db/db.h"
#include "router.h"
#include "session.h"
#include "site.h"
#include "view.h"

/* Loads who is asking into req->viewer. Returns 0, or -1 on a database error. */
static int load_viewer(struct request *req)
{
	req->viewer = (struct viewer){.kind = VIEWER_NOBODY};
	/* The staff pool never reads customer sessions (its account may not), even when a
	 * browser sends the shop's cookie to it (same host, another port, locally). */
	if (req->pool->kind != POOL_WEB)
		return 0;
	if (session_load(req) < 0)
		return -1;
	if (req->session != NULL)
		req->viewer =
		    (struct viewer){.kind = VIEWER_CUSTOMER, .id = req->session->customer_id};
	return 0;
}

bool access_check(const struct site *site, struct request *req, struct response *res,
                  const struct route *route)
{
	if (load_viewer(req) < 0) {
		view_error(req, res, db_unavailable(req->db) ? 503 : 500);
		return false;
	}
	switch (route->access) {
	case ACCESS_PUBLIC:
		break;
	case ACCESS_CUSTOMER:
		if (req->viewer.kind != VIEWER_CUSTOMER) {
			if (req->method == HTTP_POST)
				view_error(req, res, 403);
			else
				http_redirect(res, "/login?why=signin");
			return false;
		}
		/* Checked on every request: a cancelled account is refused at once. */
		if (!session_may_shop(req->session)) {
			if (site->refuse_customer == NULL || site->refuse_customer(req, res) < 0)
				view_error(req, res, 403);
			return false;
		}
		break;
	default:
		/* No staff session exists yet on any route: deny. */
		view_error(req, res, 403);
		return false;
	}
	if (req->method == HTTP_POST && !csrf_ok(req)) {
		if (view_message(req, res, 403, "Form expired",
		                 "This form has expired or did not come from this site, so nothing "
		                 "was done. Go back, reload the page and try again.") < 0)
			view_error(req, res, 403);
		return false;
	}
	return true;
}
