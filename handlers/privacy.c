/* privacy.c — the shop's privacy pages: the policy and every earlier version, what changed
 * between two versions, and a signed-in customer's decision on a newer version (accept: their
 * consent moves to it; decline: they stay on theirs). */
#include "routes.h"

#include <string.h>

#include "../app/db/db.h"
#include "../app/db/policy.h"
#include "../app/db/policy_consent.h"
#include "../app/session.h"
#include "../app/textdiff.h"
#include "../app/validate.h"
#include "../app/view.h"

/* The seam of every link between versions: one place spells the changes page's path. */
static const char *changes_path(struct request *req, long long from, long long to)
{
	return arena_printf(req->arena, "/privacy/%lld/changes/%lld", from, to);
}

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
		/* The list is newest first: the next entry is the version before this one. */
		if (i + 1 < n)
			tdict_set_ref(v, "changes",
			              changes_path(req, all[i + 1].version, all[i].version));
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

/* True when the comma-separated list (", " as db_policy_get joins it) names purpose p. */
static bool lists(const char *list, const char *p)
{
	size_t len = strlen(p);
	for (const char *s = list; s != NULL && *s;) {
		size_t n = strcspn(s, ",");
		if (n == len && memcmp(s, p, len) == 0)
			return true;
		s += n;
		s += strspn(s, ", ");
	}
	return false;
}

/* Adds to ctx, as list key, each purpose of `in` that `notin` does not name. */
static void purposes_only_in(struct request *req, struct tdict *ctx, const char *key,
                             const char *in, const char *notin)
{
	struct tlist *l = tdict_list(ctx, key);
	bool any = false;
	for (const char *s = in; s != NULL && *s;) {
		size_t n = strcspn(s, ",");
		const char *p = arena_strndup(req->arena, s, n);
		if (!lists(notin, p)) {
			tdict_set_ref(tlist_add(l), "purpose", p);
			any = true;
		}
		s += n;
		s += strspn(s, ", ");
	}
	tdict_set_bool(ctx, arena_printf(req->arena, "any_%s", key), any);
}

/*
 * Fills ctx with what changed from version `from` to version `to`: both
 * numbers and dates, the purposes added and removed, and the text's lines
 * marked same, removed or added.  Returns 0, 1 when either version does not
 * exist, or -1.
 */
static int changes_ctx(struct request *req, struct tdict *ctx, long long from, long long to)
{
	struct policy_version a, b;
	int fa = db_policy_get(req->db, req->arena, from, &a);
	if (fa != 0)
		return fa;
	int fb = db_policy_get(req->db, req->arena, to, &b);
	if (fb != 0)
		return fb;
	tdict_setf(ctx, "from", "%lld", a.version);
	tdict_setf(ctx, "to", "%lld", b.version);
	tdict_set_ref(ctx, "from_date", a.published_at);
	tdict_set_ref(ctx, "to_date", b.published_at);
	purposes_only_in(req, ctx, "added", b.purposes, a.purposes);
	purposes_only_in(req, ctx, "removed", a.purposes, b.purposes);
	struct diff_line *d;
	size_t n;
	text_diff(req->arena, a.body, b.body, &d, &n);
	struct tlist *l = tdict_list(ctx, "lines");
	bool changed = false;
	for (size_t i = 0; i < n; i++) {
		struct tdict *line = tlist_add(l);
		tdict_set_ref(line, "text", d[i].text);
		tdict_set_bool(line, "line_added", d[i].op == DIFF_ADDED);
		tdict_set_bool(line, "line_removed", d[i].op == DIFF_REMOVED);
		changed |= d[i].op != DIFF_SAME;
	}
	tdict_set_bool(ctx, "text_same", !changed);
	return 0;
}

int handle_privacy_changes(struct request *req, struct response *res)
{
	long long from, to;
	if (!valid_id(http_param(req, 0), &from) || !valid_id(http_param(req, 1), &to)) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, "What changed in the privacy policy");
	int found = changes_ctx(req, ctx, from, to);
	if (found < 0)
		return -1;
	if (found == 1) {
		view_error(req, res, 404);
		return 0;
	}
	res->no_store = false;
	return view_render(req, res, 200, "privacy_changes", ctx);
}

/*
 * The decision page: where the customer stands, and for a newer version
 * than the one they consented to, what changed and the two forms.  message
 * (or NULL) says what the last form did.  Returns 0, or -1.
 */
static int decision_page(struct request *req, struct response *res, int status, const char *message)
{
	struct policy_standing st;
	int found = db_policy_standing(req->db, req->arena, req->session->customer_id, &st);
	if (found != 0)
		return -1; /* a signed-in customer's row exists: anything else is an error */
	struct tdict *ctx = view_ctx(req, "Privacy policy: your decision");
	tdict_set_ref_if(ctx, "message", message);
	tdict_setf(ctx, "consented", "%lld", st.consented);
	tdict_setf(ctx, "newest", "%lld", st.newest);
	tdict_set_ref(ctx, "csrf", req->session->csrf);
	if (st.consented < st.newest) {
		tdict_set_bool(ctx, "pending", true);
		tdict_set_bool(ctx, "declined", st.seen >= st.newest);
		if (changes_ctx(req, ctx, st.consented, st.newest) != 0)
			return -1;
	}
	/* The banner is about this very page: the page itself says it. */
	tdict_set_bool(ctx, "policy_unseen", false);
	return view_render(req, res, status, "privacy_accept", ctx);
}

int handle_privacy_accept_form(struct request *req, struct response *res)
{
	return decision_page(req, res, 200, NULL);
}

/*
 * Reads the posted version: the newest one, which the page offered.  Sets
 * *version and returns 0; otherwise answers (400 for a forged form, 409
 * when a newer version was published since the page was shown) and
 * returns 1; -1 on a database error.
 */
static int posted_version(struct request *req, struct response *res, long long *version)
{
	if (!valid_id(http_form(req, "version"), version)) {
		view_error(req, res, 400); /* a hidden field: only a forged form lacks it */
		return 1;
	}
	struct policy_standing st;
	if (db_policy_standing(req->db, req->arena, req->session->customer_id, &st) != 0)
		return -1;
	if (*version != st.newest) {
		if (decision_page(req, res, 409,
		                  "A newer version was published after that page was shown, so "
		                  "nothing changed. Read it below before you decide.") < 0)
			return -1;
		return 1;
	}
	return 0;
}

int handle_privacy_accept(struct request *req, struct response *res)
{
	long long v;
	int rc = posted_version(req, res, &v);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	int st = db_policy_accept(req->db, req->session->customer_id, v);
	if (st < 0)
		return -1;
	req->session->policy_unseen = false;
	if (st == DB_UNCHANGED)
		return decision_page(req, res, 409,
		                     "Nothing changed: you had accepted this version already.");
	return decision_page(req, res, 200,
	                     arena_printf(req->arena,
	                                  "You accepted version %lld. What you give us from now on "
	                                  "is collected under it; your earlier orders keep the "
	                                  "version they were made under.",
	                                  v));
}

int handle_privacy_decline(struct request *req, struct response *res)
{
	long long v;
	int rc = posted_version(req, res, &v);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	int st = db_policy_decline(req->db, req->session->customer_id, v);
	if (st < 0)
		return -1;
	req->session->policy_unseen = false;
	if (st == DB_UNCHANGED)
		return decision_page(req, res, 409,
		                     "Nothing changed: you had already decided on this version.");
	return decision_page(req, res, 200,
	                     arena_printf(req->arena,
	                                  "You declined version %lld: we keep using your data only "
	                                  "as the version you agreed to allows. You can still "
	                                  "accept it here later.",
	                                  v));
}
