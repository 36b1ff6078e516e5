/* access.c — the access step: viewer, route audience, CSRF. */
#include "access.h"

#include <stdio.h>
#include <string.h>

#include <uriparser/Uri.h>

#include "config.h"
#include "db/db.h"
#include "router.h"
#include "session.h"
#include "site.h"
#include "staff_session.h"
#include "log.h"
#include "validate.h"
#include "view.h"

/*
 * Where a signed-out customer asking for a customer's page is sent: the sign-in form, with the
 * page they asked for as "next" (path and query, percent-encoded) when it is a page that may be
 * returned to (valid_next_path); the form carries it back and the sign-in goes there.
 */
static const char *signin_location(struct request *req)
{
	static const char BASE[] = "/login?why=signin";
	struct buf want = {0};
	const char *loc = BASE;
	/* req->path is nginx's decoded $uri: encode all but unreserved characters and "/". */
	for (const unsigned char *p = (const unsigned char *)req->path; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			buf_append(&want, (const char *)p, 1);
		else
			buf_printf(&want, "%%%02X", *p);
	}
	if (req->query_string != NULL && req->query_string[0] != '\0')
		buf_printf(&want, "?%s", req->query_string);
	if (want.data != NULL && valid_next_path(want.data)) {
		char *enc = arena_alloc(req->arena, want.len * 6 + 1);
		uriEscapeA(want.data, enc, URI_FALSE, URI_FALSE);
		loc = arena_printf(req->arena, "%s&next=%s", BASE, enc);
	}
	buf_free(&want);
	return loc;
}

/* Loads who is asking into req->viewer. Returns 0, or -1 on a database error. */
static int load_viewer(struct request *req)
{
	req->viewer = (struct viewer){.kind = VIEWER_NOBODY};
	/* Each pool reads only its own sessions: the staff pool never reads the shop's cookie
	 * (its account may not read customer sessions) and the shop never reads the staff
	 * cookie, even when a browser sends both (same host, another port, locally). */
	if (req->pool->kind == POOL_STAFF)
		return staff_session_load(req);
	if (req->pool->kind != POOL_WEB)
		return 0;
	if (session_load(req) < 0)
		return -1;
	if (req->session != NULL)
		req->viewer =
		    (struct viewer){.kind = VIEWER_CUSTOMER, .id = req->session->customer_id};
	return 0;
}

/*
 * SPEC §6: a member who has not acknowledged the newest policy version
 * opens no page with customers' personal data; such a page sends them to
 * read and acknowledge it (a POST there is refused: it would act on data
 * they may not see yet).  Returns true when the route may go on.
 */
static bool policy_acknowledged(struct request *req, struct response *res,
                                const struct route *route)
{
	int page = privacy_page_of(route->pattern);
	if (req->staff == NULL || req->staff->policy_pending == 0 ||
	    !privacy_page_personal((enum staff_page)page))
		return true;
	if (req->method != HTTP_POST) {
		http_redirect(res, privacy_page(PAGE_ACKNOWLEDGE)->path);
		return false;
	}
	if (view_message(req, res, 403, "Acknowledge the privacy policy first",
	                 "A new version of the privacy policy was published. Read and acknowledge "
	                 "it on the policy page; nothing was done.") < 0)
		view_error(req, res, 403);
	return false;
}

/*
 * A staff route: a signed-in member whose role may open the route's page
 * (the privacy module's page table; a route under no page is refused), and
 * then the member's MariaDB role for the rest of the request, so the
 * database refuses what the role may not read even if this code were wrong.
 */
static bool staff_route_ok(struct request *req, struct response *res, const struct route *route)
{
	if (req->viewer.kind != VIEWER_STAFF) {
		if (req->method == HTTP_POST)
			view_error(req, res, 403);
		else
			http_redirect(res, "/admin/login");
		return false;
	}
	if (!privacy_route_allowed(route->pattern, req->viewer.role)) {
		view_error(req, res, 403);
		return false;
	}
	if (!policy_acknowledged(req, res, route))
		return false;
	if (db_set_role(req->db, privacy_db_role(req->viewer.role)) < 0) {
		log_error("access: cannot set the database role of %s: %s",
		          privacy_role_name(req->viewer.role), db_error(req->db));
		view_error(req, res, db_unavailable(req->db) ? 503 : 500);
		return false;
	}
	return true;
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
				http_redirect(res, signin_location(req));
			return false;
		}
		/* Checked on every request: a cancelled account is refused at once. */
		if (!session_may_shop(req->session)) {
			if (site->refuse_customer == NULL || site->refuse_customer(req, res) < 0)
				view_error(req, res, 403);
			return false;
		}
		break;
	case ACCESS_STAFF:
		if (!staff_route_ok(req, res, route))
			return false;
		break;
	case ACCESS_LINK:
		/*
		 * The one route kind without the CSRF check: a one-click unsubscribe
		 * (RFC 8058) is POSTed by the recipient's mail client, which never saw a
		 * form of ours and has no token of it.  What authorises the POST is the
		 * signed token in the link itself, which the handler checks before it
		 * changes anything; a cross-site forger would need that token, and only
		 * the mail's recipient has it.  Such a route must change nothing but what
		 * its token names.
		 */
		return true;
	default:
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
