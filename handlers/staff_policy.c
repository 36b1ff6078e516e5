/* staff_policy.c — the admin's policy page: every published version, and a form publishing the
 * next one with the purposes it allows, through policy_publish() like `dittoctl policy
 * publish`.  The shop's /privacy shows the newest version, so a publication shows there at
 * once. */
#include <string.h>

#include "../app/config.h"
#include "../app/db/db.h"
#include "../app/db/policy.h"
#include "../app/log.h"
#include "../app/mail.h"
#include "../app/policy_publish.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

/* Notice batches the publishing request queues itself (POLICY_NOTIFY_BATCH customers each): a
 * few seconds at most; cron queues any rest. */
#define POLICY_NOTIFY_WEB_BATCHES 20

/* Characters of a policy's text; the request body limit (max_body) usually ends it sooner. */
#define POLICY_BODY_MAX 60000

/*
 * The page: the versions, the purposes known so far, and the form.  With
 * fill set the form starts from the newest version (title, text, purposes)
 * and is based on it; otherwise ctx holds what was posted.  Returns 0, or -1.
 */
static int policy_page(struct request *req, struct response *res, struct tdict *ctx, int status,
                       bool fill)
{
	struct policy_version *all, newest;
	const char **known;
	size_t n, nknown;
	int found = db_policy_get(req->db, req->arena, 0, &newest);
	if (found < 0 || db_policy_list(req->db, req->arena, &all, &n) < 0 ||
	    db_policy_purposes_known(req->db, req->arena, &known, &nknown) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "versions");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "version", "%lld", all[i].version);
		tdict_set_ref(d, "published_at", all[i].published_at);
		tdict_set_ref(d, "policy_title", all[i].title);
	}
	tdict_set_bool(ctx, "none", n == 0);
	struct tlist *k = tdict_list(ctx, "known");
	for (size_t i = 0; i < nknown; i++)
		tdict_set_ref(tlist_add(k), "purpose", known[i]);
	if (fill) {
		tdict_setf(ctx, "based_on", "%lld", found == 0 ? newest.version : 0);
		if (found == 0) {
			tdict_set_ref(ctx, "policy_title", newest.title);
			tdict_set_ref(ctx, "body", newest.body);
			tdict_set_ref(ctx, "purposes", newest.purposes ? newest.purposes : "");
		}
	}
	char url[CONFIG_STR + 16];
	mail_shop_url(url, sizeof(url), req->cfg->base_url, "/privacy");
	tdict_set(ctx, "shop_privacy", url);
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	res->no_store = true;
	return view_render(req, res, status, "admin/policy", ctx);
}

int handle_staff_policy(struct request *req, struct response *res)
{
	return policy_page(req, res, view_ctx(req, "Privacy policy"), 200, true);
}

/* The version number a form was based on: "0" (none yet) or an id. */
static bool based_on_ok(const char *s, long long *out)
{
	if (s != NULL && strcmp(s, "0") == 0) {
		*out = 0;
		return true;
	}
	return valid_id(s, out);
}

/* Reads and checks the form into d, marking each bad field in ctx. True when all pass. */
static bool policy_form_ok(struct request *req, struct tdict *ctx, struct policy_draft *d)
{
	const char *title = http_form(req, "title");
	const char *body = http_form(req, "body");
	const char *purposes = http_form(req, "purposes");
	bool ok = true;
	tdict_set(ctx, "policy_title", title);
	tdict_set(ctx, "body", body);
	tdict_set(ctx, "purposes", purposes);
	if (!valid_text(title, POLICY_TITLE_MAX)) {
		view_field_error(req, ctx, "title",
		                 "Give the version a title of at most 200 characters.");
		ok = false;
	}
	if (!valid_text_lines(body, POLICY_BODY_MAX)) {
		view_field_error(req, ctx, "body", "Write the policy's text.");
		ok = false;
	}
	const char *why = purposes != NULL
	                      ? policy_purposes_check(req->arena, purposes, &d->purposes)
	                      : "Name the purposes this version allows.";
	if (why != NULL) {
		view_field_error(req, ctx, "purposes", why);
		ok = false;
	}
	d->title = title;
	d->body = body;
	d->body_len = body != NULL ? strlen(body) : 0;
	return ok;
}

int handle_staff_policy_publish(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Privacy policy");
	struct policy_draft d = {0};
	long long based_on, version;
	if (!based_on_ok(http_form(req, "based_on"), &based_on)) {
		view_error(req, res, 400); /* a hidden field: only a forged form lacks it */
		return 0;
	}
	tdict_setf(ctx, "based_on", "%lld", based_on);
	if (!policy_form_ok(req, ctx, &d))
		return policy_page(req, res, ctx, 422, false);
	struct audit_event ev = {.action = "policy_publish"};
	staff_audit_fill(req, &ev);
	int st = policy_publish(req->db, &d, based_on, &ev, &version);
	if (st < 0)
		return -1;
	struct tdict *fresh = view_ctx(req, "Privacy policy");
	if (st == DB_UNCHANGED) {
		tdict_setf(fresh, "message",
		           "Version %lld was published after this form was opened (perhaps by this "
		           "same form a moment ago), so nothing was published. The form now shows "
		           "version %lld: publish again only if it still needs your change.",
		           version, version);
		return policy_page(req, res, fresh, 409, true);
	}
	/* The version is committed; its notices follow in short transactions of their own, as
	 * many as this request may take its time for, and cron's `dittoctl policy notify`
	 * queues the rest (or all, should this request die). */
	long long queued = 0;
	bool finished = false;
	if (policy_notify_run(req->db, req->views, req->cfg->base_url, POLICY_NOTIFY_WEB_BATCHES,
	                      &queued, &finished) < 0)
		log_error("policy: version %lld published, its notices wait for `dittoctl policy "
		          "notify`: %s",
		          version, db_error(req->db));
	tdict_setf(fresh, "message",
	           "Version %lld published: the shop's privacy page shows it now. %lld "
	           "customer notice(s) queued%s.",
	           version, queued,
	           finished ? "" : "; the rest are queued by `dittoctl policy notify` from cron");
	return policy_page(req, res, fresh, 200, true);
}
