/* staff_policy_ack.c — every staff member reads the newest privacy-policy version and
 * acknowledges it (SPEC §6): the access step sends a member who has not to this page before any
 * page with customers' personal data opens.  Each acknowledgement is recorded with its audit row
 * in one transaction; the admin's staff page and `dittoctl staff list` list them. */
#include <stdio.h>

#include "../app/db/db.h"
#include "../app/db/policy.h"
#include "../app/db/policy_consent.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

/* The page: the newest version's text and purposes, and the form while it is not acknowledged.
 * Returns 0, or -1. */
static int ack_page(struct request *req, struct response *res, int status, const char *message)
{
	struct policy_version pv;
	int found = db_policy_get(req->db, req->arena, 0, &pv);
	if (found < 0)
		return -1;
	struct tdict *ctx = view_ctx(req, "Acknowledge the privacy policy");
	tdict_set_ref_if(ctx, "message", message);
	tdict_set_bool(ctx, "none", found == 1);
	if (found == 0) {
		tdict_setf(ctx, "version", "%lld", pv.version);
		tdict_set_ref(ctx, "published_at", pv.published_at);
		tdict_set_ref(ctx, "policy_title", pv.title);
		tdict_set_ref(ctx, "body", pv.body);
		tdict_set_ref(ctx, "purposes", pv.purposes ? pv.purposes : "");
		tdict_set_bool(ctx, "pending", req->staff->policy_pending > 0);
	}
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	res->no_store = true;
	return view_render(req, res, status, "admin/policy_acknowledge", ctx);
}

int handle_staff_policy_ack_form(struct request *req, struct response *res)
{
	return ack_page(req, res, 200, NULL);
}

/* One acknowledgement and what recording it did (db_tx may run it twice). */
struct ack {
	long long version;
	struct audit_event ev;
	char detail[40];
	int outcome;
};

static int ack_tx(struct db *db, void *vctx)
{
	struct ack *x = vctx;
	x->outcome = db_staff_policy_ack(db, x->ev.staff_id, x->version);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	return audit_append_in_tx(db, &x->ev, 1);
}

int handle_staff_policy_ack(struct request *req, struct response *res)
{
	struct ack x = {.ev = {.action = "policy_acknowledge"}};
	if (!valid_id(http_form(req, "version"), &x.version)) {
		view_error(req, res, 400); /* a hidden field: only a forged form lacks it */
		return 0;
	}
	/* Only the newest counts: acknowledging an older text leaves the member where they were. */
	if (req->staff->policy_pending > 0 && x.version != req->staff->policy_pending)
		return ack_page(
		    req, res, 409,
		    "A newer version was published after that page was shown, so nothing "
		    "was recorded. Read this one and acknowledge it.");
	snprintf(x.detail, sizeof(x.detail), "version %lld", x.version);
	x.ev.detail = x.detail;
	staff_audit_fill(req, &x.ev);
	if (req->staff->policy_pending == 0) {
		x.outcome = DB_UNCHANGED;
	} else if (db_tx(req->db, ack_tx, &x) < 0) {
		return -1;
	}
	if (x.outcome == DB_UNCHANGED)
		return ack_page(
		    req, res, 409,
		    "Nothing changed: you have acknowledged the newest version already.");
	req->staff->policy_pending = 0;
	http_redirect(res, "/admin");
	return 0;
}
