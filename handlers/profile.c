/* profile.c — the viewing profile as the shop shows it: "Recommended for you" (home page and
 * catalogue, outside the catalogue's cached body) and the list on My Account. */
#include "routes.h"

#include <stdint.h>

#include "../app/arena.h"
#include "../app/db/profile.h"
#include "../app/scoreboard.h"
#include "../app/session.h"
#include "../app/view.h"

/*
 * The recommendations a worker showed lately, per customer: the statement reads the customer's
 * whole profile, so the home page and the catalogue reuse its answer for RECOMMEND_TTL_MS while
 * nothing it depends on moved. The session statement of every page returns the opt-out, the
 * profile's cleared stamp (a clear or an opt-out sets it), the accepted policy version and the
 * catalogue version: any change there is seen on the very next page, on every worker. New views
 * show within the minute.
 */
enum { RECOMMEND_TTL_MS = 60000, RECOMMEND_KEEP = 64, RECOMMEND_BYTES = 256 * 1024 };

struct kept {
	long long customer_id, catalog_version, policy_version, profile_stamp;
	enum customer_status status;
	uint64_t at_ms;
	const struct product *p;
	size_t n;
};

static struct {
	struct arena *arena;
	struct kept k[RECOMMEND_KEEP];
	size_t n;
} kept;

static bool kept_matches(const struct kept *k, const struct session *s, uint64_t now)
{
	return k->customer_id == s->customer_id && k->catalog_version == s->catalog_version &&
	       k->policy_version == s->policy_version && k->profile_stamp == s->profile_stamp &&
	       k->status == s->status && now - k->at_ms < RECOMMEND_TTL_MS;
}

/* The customer's recommendations, from what this worker kept or from the database. */
static int recommended(struct request *req, const struct product **p, size_t *n)
{
	const struct session *s = req->session;
	uint64_t now = now_ms();
	for (size_t i = 0; i < kept.n; i++) {
		if (kept_matches(&kept.k[i], s, now)) {
			*p = kept.k[i].p;
			*n = kept.k[i].n;
			return 0;
		}
	}
	if (kept.arena == NULL)
		kept.arena = arena_new();
	/* Full: forget them all (called once a request, before anything it returned is used). */
	if (kept.n == RECOMMEND_KEEP || arena_bytes(kept.arena) > RECOMMEND_BYTES) {
		arena_reset(kept.arena);
		kept.n = 0;
	}
	struct product *rows;
	/* The statement itself checks approval, the opt-out and the policy's purposes. */
	if (db_profile_recommend(req->db, kept.arena, s->customer_id, &rows, n) < 0)
		return -1;
	/* A customer's earlier entry (out of date) is replaced, not kept beside. */
	size_t slot = kept.n;
	for (size_t i = 0; i < kept.n; i++)
		if (kept.k[i].customer_id == s->customer_id)
			slot = i;
	kept.k[slot] = (struct kept){s->customer_id,
	                             s->catalog_version,
	                             s->policy_version,
	                             s->profile_stamp,
	                             s->status,
	                             now,
	                             rows,
	                             *n};
	if (slot == kept.n)
		kept.n++;
	*p = rows;
	return 0;
}

int recommend_ctx(struct request *req, struct tdict *ctx)
{
	/* No profile is kept for a customer who opted out: nothing to ask the database. */
	if (req->session == NULL || req->session->profile_opt_out)
		return 0;
	const struct product *p;
	size_t n;
	if (recommended(req, &p, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	tdict_set_bool(ctx, "has_recommended", true);
	struct tlist *l = tdict_list(ctx, "recommended");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "id", "%lld", p[i].id);
		tdict_set_ref(d, "name", p[i].name);
		tdict_set_ref(d, "category", p[i].category_name);
		tdict_set_ref(d, "price", format_price(req->arena, p[i].price_cents));
		tdict_set_bool(d, "in_stock", p[i].stock > 0);
		tdict_set_ref_if(d, "image", p[i].image_hash);
		tdict_set_ref(d, "initial", product_initial(req->arena, p[i].name));
	}
	return 0;
}

int profile_list_ctx(struct request *req, struct tdict *ctx, long long customer_id)
{
	struct profile_view *v;
	size_t n;
	if (db_profile_list(req->db, req->arena, customer_id, &v, &n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "profile_views");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "product_id", "%lld", v[i].product_id);
		tdict_set_ref(d, "product", v[i].product);
		tdict_set_ref(d, "category", v[i].category);
		tdict_setf(d, "views", "%lld", v[i].views);
		tdict_set_ref(d, "last_viewed_at", v[i].last_viewed_at);
		tdict_set_ref(d, "weight", v[i].weight);
	}
	tdict_set_bool(ctx, "profile_empty", n == 0);
	tdict_set_bool(ctx, "profile_full", n == PROFILE_LIST_MAX);
	return 0;
}
