/* home.c — GET /: the home page with site notices and the policy-change banner. */
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>

#include "../app/config.h"
#include "../app/db/policy.h"
#include "../app/view.h"

#define COOKIE_POLICY_SEEN "policy_seen"

int handle_home(struct request *req, struct response *res)
{
	struct policy_version pv;
	const char **notices;
	size_t nnotices;
	int found = db_policy_get(req->db, req->arena, 0, &pv);
	if (found < 0 || db_notice_list_active(req->db, req->arena, &notices, &nnotices) < 0)
		return -1;

	struct tdict *ctx = view_ctx(req, "Welcome");
	if (recommend_ctx(req, ctx) < 0)
		return -1;
	struct tlist *list = tdict_list(ctx, "notices");
	for (size_t i = 0; i < nnotices; i++)
		tdict_set_ref(tlist_add(list), "body", notices[i]);
	if (found == 0) {
		/* A visitor who saw an older version is told it changed (a signed-in customer's
		 * account says what they saw: the layout's banner tells them). */
		const char *seen = kv_get(&req->cookies, COOKIE_POLICY_SEEN);
		long long seen_v = seen != NULL ? strtoll(seen, NULL, 10) : 0;
		if (req->session == NULL && seen_v > 0 && seen_v < pv.version) {
			tdict_set_bool(ctx, "policy_changed", true);
			tdict_setf(ctx, "policy_version", "%lld", pv.version);
			tdict_setf(ctx, "policy_seen", "%lld", seen_v);
			tdict_set_ref(ctx, "policy_date", pv.published_at);
		}
		char v[24];
		snprintf(v, sizeof(v), "%lld", pv.version);
		http_set_cookie(res, COOKIE_POLICY_SEEN, v, 400L * 24 * 3600,
		                http_secure_cookies(req));
	}
	res->no_store = false;
	return view_render(req, res, 200, "home", ctx);
}
