/* unsubscribe.c — GET and POST /unsubscribe?token=...: the signed link in every marketing mail
 * withdraws an interest (or all) without signing in. */
#include "routes.h"

#include <time.h>

#include "../app/db/promotions.h"
#include "../app/unsubscribe.h"
#include "../app/view.h"

/* Checks the request's token into *t; on failure answers with a plain page and returns
 * false. */
static bool token_ok(struct request *req, struct response *res, struct unsub_token *t, int *rc)
{
	enum unsub_check c = unsub_token_check(http_query(req, "token"), time(NULL), t);
	if (c == UNSUB_OK)
		return true;
	*rc = view_message(req, res, 400, "Link not valid",
	                   c == UNSUB_EXPIRED
	                       ? "This unsubscribe link has expired. Sign in and untick your "
	                         "interests in My Account to stop marketing mail."
	                       : "This unsubscribe link is incomplete. Open the link from the "
	                         "email again, or copy all of it.");
	return false;
}

/* "mail about <category>" or "marketing mail" (all of it), for the pages. Returns NULL on a
 * database error. */
static const char *what(struct request *req, const struct unsub_token *t)
{
	if (t->category_id == 0)
		return "marketing mail";
	const char *name;
	if (db_promo_category_name(req->db, req->arena, t->category_id, &name) < 0)
		return NULL;
	return name ? arena_printf(req->arena, "mail about %s", name) : "mail about that category";
}

int handle_unsubscribe_form(struct request *req, struct response *res)
{
	struct unsub_token t;
	int rc = 0;
	if (!token_ok(req, res, &t, &rc))
		return rc;
	const char *w = what(req, &t);
	if (w == NULL)
		return -1;
	struct tdict *ctx = view_ctx(req, "Unsubscribe");
	tdict_set(ctx, "what",
	          arena_printf(req->arena, "Stop %s%s from idem ditto?",
	                       t.category_id == 0 ? "all " : "", w));
	tdict_set(ctx, "token", http_query(req, "token"));
	return view_render(req, res, 200, "unsubscribe", ctx);
}

int handle_unsubscribe(struct request *req, struct response *res)
{
	struct unsub_token t;
	int rc = 0;
	if (!token_ok(req, res, &t, &rc))
		return rc;
	const char *w = what(req, &t);
	long long removed;
	if (w == NULL || db_promo_unsubscribe(req->db, t.customer_id, t.category_id, &removed) < 0)
		return -1;
	/* A second click (or the mail client's one-click POST, then the button) is no error. */
	const char *msg = arena_printf(req->arena,
	                               removed > 0 ? "idem ditto will send you no more %s."
	                                           : "You were already unsubscribed from %s.",
	                               w);
	return view_message(req, res, 200, "Unsubscribed", msg);
}
