/* profile.c — the viewing profile as the shop shows it: "Recommended for you" (home page and
 * catalogue, outside the catalogue's cached body) and the list on My Account. */
#include "routes.h"

#include "../app/db/profile.h"
#include "../app/session.h"
#include "../app/view.h"

int recommend_ctx(struct request *req, struct tdict *ctx)
{
	if (req->session == NULL)
		return 0;
	struct product *p;
	size_t n;
	/* The statement itself checks approval, the opt-out and the policy's purposes. */
	if (db_profile_recommend(req->db, req->arena, req->session->customer_id, &p, &n) < 0)
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
