/* policy_publish.c — publishing a privacy-policy version (dittoctl and the staff site). */
#include "policy_publish.h"

#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "db/audit.h"
#include "db/db.h"
#include "db/policy.h"

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
	                     &p->version) < 0)
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
