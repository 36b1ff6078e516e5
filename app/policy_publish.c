/* policy_publish.c — publishing a privacy-policy version (dittoctl and the staff site). */
#include "policy_publish.h"

#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "db/audit.h"
#include "db/db.h"
#include "db/policy.h"
#include "mail.h"
#include "template.h"

/* True when the item p[0..len) is already in the comma-separated list. */
static bool listed(const char *list, const char *p, size_t len)
{
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		if (n == len && memcmp(s, p, len) == 0)
			return true;
		s += n + (s[n] == ',');
	}
	return false;
}

const char *policy_purposes_check(struct arena *a, const char *in, const char **out)
{
	size_t cap = strlen(in) + 1;
	char *list = arena_alloc(a, cap);
	size_t len = 0;
	list[0] = '\0';
	for (const char *s = in;;) {
		s += strspn(s, " ");
		size_t n = strcspn(s, ", ");
		const char *end = s + n + strspn(s + n, " ");
		if (*end != ',' && *end != '\0')
			return "Separate the purposes with commas; each is one word of a-z and _.";
		if (n == 0)
			return "Name at least one purpose, and leave no empty place between "
			       "commas.";
		if (n > POLICY_PURPOSE_MAX)
			return "A purpose has at most 64 characters.";
		for (size_t i = 0; i < n; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
				return "A purpose is written with a-z and _ only (e.g. "
				       "affiliate_sharing).";
		if (listed(list, s, n))
			return "Name each purpose once.";
		if (len > 0)
			list[len++] = ',';
		memcpy(list + len, s, n);
		len += n;
		list[len] = '\0';
		if (*end == '\0')
			break;
		s = end + 1;
	}
	*out = list;
	return NULL;
}

struct publish {
	const struct policy_draft *d;
	long long expect_newest;
	const struct audit_event *ev;
	long long version;
	int outcome;
};

static int publish_tx(struct db *db, void *vctx)
{
	struct publish *p = vctx;
	struct arena *a = arena_new();
	int rc = -1;
	long long newest;
	if (db_policy_lock_newest(db, &newest) < 0)
		goto out;
	if (p->expect_newest >= 0 && newest != p->expect_newest) {
		p->outcome = DB_UNCHANGED;
		p->version = newest;
		rc = 0;
		goto out;
	}
	if (db_policy_insert(db, a, p->d->title, p->d->body, p->d->body_len, p->d->purposes,
	                     &p->version) < 0 ||
	    db_policy_mailing_insert(db, p->version) < 0)
		goto out;
	if (p->ev != NULL) {
		struct audit_event ev = *p->ev;
		ev.detail = arena_printf(a, "version %lld", p->version);
		if (audit_append_in_tx(db, &ev, 1) < 0)
			goto out;
	}
	p->outcome = DB_CHANGED;
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int policy_publish(struct db *db, const struct policy_draft *d, long long expect_newest,
                   const struct audit_event *ev, long long *version)
{
	struct publish p = {.d = d, .expect_newest = expect_newest, .ev = ev};
	if (db_tx(db, publish_tx, &p) < 0)
		return -1;
	*version = p.version;
	return p.outcome;
}

/* One batch of a mailing, for db_tx (which may run it again after a deadlock). */
struct notify_batch {
	long long version;
	const struct mail_text *m;
	long long queued;
	bool done;
};

static int notify_tx(struct db *db, void *vctx)
{
	struct notify_batch *b = vctx;
	struct arena *a = arena_new();
	int rc = db_policy_mailing_batch(db, a, b->version, "policy_changed", b->m->subject,
	                                 b->m->body, POLICY_NOTIFY_BATCH, &b->queued, &b->done);
	arena_free(a);
	return rc;
}

/*
 * Queues version's notices until its mailing is done or *budget batches
 * were spent (each spends one; a negative budget never runs out).  Returns
 * 0, or -1.
 */
static int notify_version(struct db *db, const struct tmpl_set *views, const char *base_url,
                          long long version, long *budget, long long *queued)
{
	struct arena *a = arena_new();
	struct mail_text m = {0};
	struct policy_version pv;
	int rc = -1;
	if (db_policy_get(db, a, version, &pv) != 0)
		goto out;
	/* The same text for everyone: no name, nothing personal, so one rendering serves all. */
	struct tdict *ctx = tdict_new(a);
	char url[CONFIG_STR];
	mail_shop_url(url, sizeof(url), base_url, "");
	tdict_set(ctx, "base_url", url);
	tdict_setf(ctx, "version", "%lld", pv.version);
	tdict_set_ref(ctx, "published_at", pv.published_at);
	if (mail_render(views, "policy_changed", ctx, &m) < 0)
		goto out;
	struct notify_batch b = {.version = version, .m = &m};
	while (!b.done && *budget != 0) {
		if (db_tx(db, notify_tx, &b) < 0)
			goto out;
		*queued += b.queued;
		if (*budget > 0)
			(*budget)--;
	}
	rc = 0;
out:
	mail_text_free(&m);
	arena_free(a);
	return rc;
}

int policy_notify_run(struct db *db, const struct tmpl_set *views, const char *base_url,
                      long max_batches, long long *queued, bool *finished)
{
	struct arena *a = arena_new();
	long long *open;
	size_t n;
	long budget = max_batches;
	int rc = -1;
	*finished = false;
	if (db_policy_mailing_open(db, a, &open, &n) < 0)
		goto out;
	for (size_t i = 0; i < n && budget != 0; i++)
		if (notify_version(db, views, base_url, open[i], &budget, queued) < 0)
			goto out;
	/* Looked again: a mailing another runner opened meanwhile is not ours to call done. */
	if (db_policy_mailing_open(db, a, &open, &n) < 0)
		goto out;
	*finished = n == 0;
	rc = 0;
out:
	arena_free(a);
	return rc;
}
