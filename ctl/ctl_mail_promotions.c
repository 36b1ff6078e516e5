/* ctl_mail_promotions.c — `dittoctl mail promotions`: queues one message per opted-in customer
 * announcing the new products in the categories they chose and those their viewing profile points
 * to, with signed unsubscribe links. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/promotions.h"
#include "../app/mail.h"
#include "../app/template.h"
#include "../app/unsubscribe.h"
#include "ctl.h"
#include "ctl_mail.h"

#define PROMO_BATCH 100

const char ctl_mail_promotions_usage[] =
    "usage: dittoctl mail promotions\n"
    "Queues marketing mail (views/mail/promotion.txt): to each approved customer, the active\n"
    "products added to the categories they chose (customer_interests) since they chose them\n"
    "and since the last promotion they got. Only for an interest chosen under a policy\n"
    "version that allows `marketing`, from a customer whose registration version allows it\n"
    "too. Also the new products (added in the last 30 days) of the customer's top 3\n"
    "categories by viewing profile (views decayed with a 14-day half-life), unless they opted\n"
    "out of profiling or their version lacks `profiling` or `marketing`, or they unsubscribed\n"
    "from that category (promotion_exclusions). A message names the 10 newest products of\n"
    "a category and counts the rest.\n"
    "Each message carries signed unsubscribe links (per category and for all, valid\n"
    "365 days, keyed from secret_file) and the List-Unsubscribe header; `mail send`\n"
    "delivers it. Running it again (or twice at once) queues nothing new. Prints \"queued N\n"
    "promotion(s)\". Connects as db_cron_user.";

/* One customer's promotion, as db_tx's context. */
struct promo_run {
	struct arena *a;
	const struct tmpl_set *views;
	long long customer_id;
	time_t expires; /* of the unsubscribe links */
	bool queued;
};

/* The unsubscribe link of customer for category (0: all) into buf. Returns 0, or -1. */
static int unsubscribe_url(const struct promo_run *p, long long category, char *buf, size_t cap)
{
	const struct unsub_token t = {p->customer_id, category, p->expires};
	char token[UNSUB_TOKEN_MAX], path[UNSUB_TOKEN_MAX + 32];
	if (unsub_token_make(&t, token, sizeof(token)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "/unsubscribe?token=%s", token);
	mail_shop_url(buf, cap, cfg.base_url, path);
	return 0;
}

/* The newest products a message names per category; the rest are counted ("and N more"). */
#define PROMO_PER_CATEGORY 10

/* Fills ctx with the products v[0..n), grouped by category (v is sorted by it, then by id):
 * the PROMO_PER_CATEGORY newest of each. */
static int promo_ctx(const struct promo_run *p, struct tdict *ctx, const struct promo_product *v,
                     size_t n)
{
	struct tlist *cats = tdict_list(ctx, "categories");
	char url[600];
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s + 1; e < n && v[e].category_id == v[s].category_id; e++)
			;
		struct tdict *cat = tlist_add(cats);
		tdict_set(cat, "category", v[s].category);
		if (unsubscribe_url(p, v[s].category_id, url, sizeof(url)) < 0)
			return -1;
		tdict_set(cat, "unsubscribe_url", url);
		size_t first = e - s > PROMO_PER_CATEGORY ? e - PROMO_PER_CATEGORY : s;
		if (first > s)
			tdict_setf(cat, "more", "%zu", first - s);
		struct tlist *products = tdict_list(cat, "products");
		for (size_t i = e; i-- > first;) {
			struct tdict *item = tlist_add(products);
			tdict_set(item, "name", v[i].name);
			tdict_setf(item, "price", "%lld.%02lld", v[i].price_cents / 100,
			           v[i].price_cents % 100);
			char path[64];
			snprintf(path, sizeof(path), "/product/%lld", v[i].id);
			mail_shop_url(url, sizeof(url), cfg.base_url, path);
			tdict_set(item, "url", url);
		}
	}
	return 0;
}

/* In one transaction: locks the customer's watermark, queues their promotion and moves the
 * watermark past what it announced. */
static int promote_tx(struct db *db, void *vctx)
{
	struct promo_run *p = vctx;
	const char *email;
	struct promo_product *v;
	size_t n;
	p->queued = false;
	if (db_promo_lock_customer(db, p->a, p->customer_id, &email, &v, &n) < 0)
		return -1;
	if (email == NULL || n == 0)
		return 0; /* another run told them already, or they may no longer be told */
	long long last = 0;
	for (size_t i = 0; i < n; i++)
		last = v[i].id > last ? v[i].id : last;
	struct tdict *ctx = tdict_new(p->a);
	char all[600], key[64];
	if (promo_ctx(p, ctx, v, n) < 0 || unsubscribe_url(p, 0, all, sizeof(all)) < 0)
		return -1;
	tdict_set(ctx, "unsubscribe_all_url", all);
	/* The backstop of the watermark: one message per customer and newest product. */
	snprintf(key, sizeof(key), "promo:%lld:%lld", p->customer_id, last);
	int q =
	    mail_queue_marketing(db, p->views, p->customer_id, "promotion", email, ctx, all, key);
	if (q < 0 || db_promo_watermark_set(db, p->customer_id, last) < 0)
		return -1;
	p->queued = q == 0;
	return 0;
}

/* Queues every due promotion. Returns the number queued, or -1 after printing why. */
static long long promote_all(struct db *db, const struct tmpl_set *views)
{
	struct arena *list = arena_new(), *one = arena_new();
	struct promo_run p = {
	    .a = one, .views = views, .expires = time(NULL) + UNSUB_LIFETIME_DAYS * 24L * 3600};
	long long after = 0, queued = 0;
	for (;;) {
		arena_reset(list);
		long long *ids;
		size_t n;
		if (db_promo_customers(db, list, after, PROMO_BATCH, &ids, &n) < 0) {
			fail("cannot list customers for promotions as %s: %s", cfg.db_cron_user,
			     db_error(db));
			queued = -1;
			break;
		}
		if (n == 0)
			break;
		bool failed = false;
		for (size_t i = 0; i < n && !failed; i++) {
			after = ids[i];
			p.customer_id = ids[i];
			arena_reset(one);
			/* One short transaction per customer: checkout never waits on this job. */
			failed = db_tx(db, promote_tx, &p) < 0;
			if (failed)
				fail("cannot queue the promotion of customer %lld: %s", ids[i],
				     db_error(db));
			else if (p.queued)
				queued++;
			/* The arena held an address and links that unsubscribe: wipe it. */
			arena_wipe(one);
		}
		if (failed) {
			queued = -1;
			break;
		}
	}
	arena_wipe(one);
	arena_free(one);
	arena_free(list);
	return queued;
}

int ctl_mail_promotions(int argc, char **argv)
{
	const char *none = NULL;
	int rc = ctl_one_operand(argc, argv, "mail promotions", ctl_mail_promotions_usage, &none);
	if (rc >= 0)
		return rc;
	if (none != NULL)
		return usage_fail("unexpected argument '%s' (try: dittoctl mail promotions --help)",
		                  none);
	if (ctl_config() < 0)
		return CTL_ERR;
	const struct tmpl_set *views = ctl_views();
	if (views == NULL)
		return CTL_ERR;
	if (unsub_key_load(cfg.secret_file) < 0)
		return fail("cannot read the site key from %s (secret_file)", cfg.secret_file);
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	long long queued = promote_all(db, views);
	db_free(db);
	if (queued < 0)
		return CTL_ERR;
	printf("queued %lld promotion(s)\n", queued);
	return CTL_OK;
}
