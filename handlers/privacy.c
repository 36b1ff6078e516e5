/* privacy.c — GET /privacy and /privacy/{version}: the policy and every earlier version. */
#include "routes.h"

#include "../app/db/policy.h"
#include "../app/validate.h"
#include "../app/view.h"

static int show(struct request *req, struct response *res, long long version)
{
	struct policy_version pv, *all;
	size_t n;
	int found = db_policy_get(req->db, req->arena, version, &pv);
	if (found < 0 || db_policy_list(req->db, req->arena, &all, &n) < 0)
		return -1;
	if (found == 1) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, "Privacy policy");
	tdict_setf(ctx, "version", "%lld", pv.version);
	tdict_set_ref(ctx, "published_at", pv.published_at);
	tdict_set_ref(ctx, "policy_title", pv.title);
	tdict_set_ref(ctx, "body", pv.body);
	tdict_set_ref(ctx, "purposes", pv.purposes ? pv.purposes : "");
	tdict_set_bool(ctx, "is_current", n > 0 && all[0].version == pv.version);
	struct tlist *versions = tdict_list(ctx, "versions");
	for (size_t i = 0; i < n; i++) {
		struct tdict *v = tlist_add(versions);
		tdict_setf(v, "v", "%lld", all[i].version);
		tdict_set_ref(v, "date", all[i].published_at);
		tdict_set_bool(v, "selected", all[i].version == pv.version);
	}
	res->no_store = false;
	return view_render(req, res, 200, "privacy", ctx);
}

int handle_privacy(struct request *req, struct response *res)
{
	return show(req, res, 0);
}

int handle_privacy_version(struct request *req, struct response *res)
{
	long long v;
	if (!valid_id(http_param(req, 0), &v)) {
		view_error(req, res, 404);
		return 0;
	}
	return show(req, res, v);
}
