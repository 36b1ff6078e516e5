/* ctl_traffic.c — `dittoctl traffic ingest`: the nginx traffic log, read incrementally, into
 * daily aggregates; and `dittoctl traffic report`, the aggregates as a report reads them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <maxminddb.h>
#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/lease.h"
#include "../app/db/reports.h"
#include "../app/db/traffic.h"
#include "../app/leave.h"
#include "../app/traffic_line.h"
#include "../app/user_agent.h"
#include "ctl.h"

#define TRAFFIC_LEASE         "traffic"
#define TRAFFIC_LEASE_SECONDS 120
#define TRAFFIC_BATCH_LINES   200000 /* lines per transaction */
#define TRAFFIC_CHUNK_LINES   4096   /* lines parsed before their visits are looked up at once */
#define TRAFFIC_READ_BYTES    (1 << 20)
#define TRAFFIC_PRINT_BYTES   64   /* bytes hashed at the head and before the offset */
#define TRAFFIC_VISIT_IDLE    1800 /* a visit ends after 30 minutes without a request */

static const char ingest_usage[] =
    "usage: dittoctl traffic ingest [--log FILE] [--source NAME]\n"
    "Reads the shop's traffic log (traffic_log in the configuration; nginx's ditto_traffic\n"
    "format) from where the last run stopped and adds it to the daily aggregates: page views,\n"
    "pages, status codes, exits to other sites (outbound: the host of a /leave/HOST page) per\n"
    "request; visits, entry and exit pages, clicks per visit,\n"
    "browsers, platforms, device classes, ISPs (with asn_database) and referrer domains per\n"
    "visit. Follows logrotate: after a rename it reads the rest of the old file (traffic_log.1)\n"
    "first; after copytruncate (the file is shorter than where it stood) it starts again at\n"
    "the top, and so when it has grown again past where it stood (the bytes there no longer\n"
    "match the fingerprint kept with the position). Malformed lines are counted and skipped.\n"
    "No address is stored. Deletes visit\n"
    "state older than retention_traffic_days (30). Connects as db_cron_user. Holds the lease\n"
    "row 'traffic' in job_leases: while another run holds it, prints \"another traffic ingest\n"
    "holds the lease\" and exits 0. Safe to kill and re-run: the position moves with the\n"
    "counts, in one transaction. --log reads FILE instead of traffic_log, and --source keeps\n"
    "its position apart under NAME (default \"shop\"; letters, digits, '-' and '_'): one per\n"
    "host when several shop hosts each write their own log.";

static const char report_usage[] =
    "usage: dittoctl traffic report METRIC FROM TO\n"
    "Prints the aggregate METRIC (views, page, status, outbound, visits, entry, exit, clicks,\n"
    "browser, platform, device, isp, referrer) summed over the days FROM to TO (YYYY-MM-DD) as\n"
    "tab-separated value and count, largest first; values counted fewer than 5 times are\n"
    "merged into \"other\" (and while \"other\" is under 5, the smallest value joins it).";

/* A string-keyed open-addressing table of indexes (into an array the caller owns). */
struct index {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

static void index_init(struct index *ix, size_t cap)
{
	ix->cap = cap;
	ix->n = 0;
	ix->keys = calloc(cap, sizeof(char *));
	ix->vals = calloc(cap, sizeof(size_t));
	if (ix->keys == NULL || ix->vals == NULL)
		abort();
}

static void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->cap; i++)
		free(ix->keys[i]);
	free(ix->keys);
	free(ix->vals);
	*ix = (struct index){0};
}

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Finds key: returns its slot's value pointer, or NULL (then *slot is where it would go). */
static size_t *index_find(struct index *ix, const char *key, size_t *slot)
{
	size_t i = hash_str(key) & (ix->cap - 1);
	while (ix->keys[i] != NULL) {
		if (strcmp(ix->keys[i], key) == 0)
			return &ix->vals[i];
		i = (i + 1) & (ix->cap - 1);
	}
	*slot = i;
	return NULL;
}

static void index_put(struct index *ix, const char *key, size_t val);

static void index_grow(struct index *ix)
{
	struct index old = *ix;
	index_init(ix, old.cap * 2);
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i] != NULL)
			index_put(ix, old.keys[i], old.vals[i]);
	index_free(&old);
}

static void index_put(struct index *ix, const char *key, size_t val)
{
	size_t slot;
	if ((ix->n + 1) * 2 > ix->cap)
		index_grow(ix);
	size_t *v = index_find(ix, key, &slot);
	if (v != NULL) {
		*v = val;
		return;
	}
	ix->keys[slot] = strdup(key);
	if (ix->keys[slot] == NULL)
		abort();
	ix->vals[slot] = val;
	ix->n++;
}

/* One run's state. */
struct ingest {
	const char *log;    /* the log file */
	const char *source; /* its row in traffic_sources */
	struct db *db;
	struct arena *a;
	MMDB_s mmdb;
	bool have_mmdb;
	char holder[120];
	long long id_step; /* db_traffic_id_step */
	/* the visits seen in this run, by visit cookie (kept in memory only) */
	struct traffic_visit **visits;
	size_t nvisits, capvisits;
	struct index visit_ix;
	/* this batch */
	struct traffic_count *counts;
	size_t ncounts, capcounts;
	struct index count_ix;
	struct traffic_visit **dirty;
	size_t ndirty, capdirty;
	char (*days)[11];
	size_t ndays, capdays;
	long long lines, malformed;
	/* this chunk: parsed lines (ok[i] false: malformed), visits to look up */
	struct traffic_line *chunk;
	bool *ok;
	size_t nchunk;
	struct traffic_visit **lookup;
	size_t nlookup, caplookup;
	time_t day_base; /* day_text is the UTC day of [day_base, day_base + 86400) */
	char day_text[11];
	/* per-request counts of one day (local_day) before they go to counts */
	char local_day[11];
	long long status_n[600], views_n;
	time_t latest; /* the latest time of a line counted in this run */
	/* the whole run, for the summary */
	long long total_lines, total_malformed;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 256;
	while (n < need)
		n *= 2;
	p = realloc(p, n * size);
	if (p == NULL)
		abort();
	*cap = n;
	return p;
}

static void day_of(time_t t, char out[11])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void count_add(struct ingest *in, const char *day, const char *metric, const char *value,
                      long long n)
{
	char key[300];
	size_t slot, dl = strlen(day), ml = strlen(metric), vl = strnlen(value, 255);
	memcpy(key, day, dl);
	key[dl] = '|';
	memcpy(key + dl + 1, metric, ml);
	key[dl + 1 + ml] = '|';
	memcpy(key + dl + ml + 2, value, vl);
	key[dl + ml + 2 + vl] = '\0';
	size_t *at = index_find(&in->count_ix, key, &slot);
	if (at != NULL) {
		in->counts[*at].n += n;
		return;
	}
	in->counts = grow(in->counts, &in->capcounts, in->ncounts + 1, sizeof(*in->counts));
	struct traffic_count *c = &in->counts[in->ncounts];
	snprintf(c->day, sizeof(c->day), "%s", day);
	c->metric = metric;
	snprintf(c->value, sizeof(c->value), "%s", value);
	c->n = n;
	index_put(&in->count_ix, key, in->ncounts++);
}

static void day_touch(struct ingest *in, const char *day)
{
	for (size_t i = 0; i < in->ndays; i++)
		if (strcmp(in->days[i], day) == 0)
			return;
	in->days = grow(in->days, &in->capdays, in->ndays + 1, sizeof(*in->days));
	memcpy(in->days[in->ndays++], day, 11);
}

/* The ISP of addr as "AS<number> <organisation>", or "unknown". */
static void isp_of(struct ingest *in, const struct traffic_line *l, char *out, size_t cap)
{
	snprintf(out, cap, "unknown");
	if (!in->have_mmdb)
		return;
	int gai = 0, err = 0;
	MMDB_lookup_result_s r = MMDB_lookup_string(&in->mmdb, l->addr, &gai, &err);
	if (gai != 0 || err != MMDB_SUCCESS || !r.found_entry)
		return;
	MMDB_entry_data_s num = {0}, org = {0};
	bool has_num =
	    MMDB_get_value(&r.entry, &num, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
	    num.has_data && num.type == MMDB_DATA_TYPE_UINT32;
	bool has_org = MMDB_get_value(&r.entry, &org, "autonomous_system_organization", NULL) ==
	                   MMDB_SUCCESS &&
	               org.has_data && org.type == MMDB_DATA_TYPE_UTF8_STRING;
	if (has_num && has_org)
		snprintf(out, cap, "AS%u %.*s", num.uint32,
		         (int)(org.data_size > 200 ? 200 : org.data_size), org.utf8_string);
	else if (has_num)
		snprintf(out, cap, "AS%u", num.uint32);
}

/* A file nginx serves itself, or the health check: counted per request, not as a page view. */
static bool is_asset(const char *page)
{
	return strncmp(page, "/static/", 8) == 0 || strncmp(page, "/img/", 5) == 0 ||
	       strcmp(page, "/favicon.ico") == 0 || strcmp(page, "/healthz") == 0;
}

_Static_assert(sizeof(((struct traffic_visit *)0)->exit) >= TRAFFIC_PAGE_MAX + 1,
               "a visit's exit page holds any page");

/* The click bucket of a visit of views page views, as reports show it. */
static const char *clicks_of(long long views, char buf[24])
{
	if (views >= 10)
		return "10+";
	snprintf(buf, 24, "%lld", views);
	return buf;
}

/* Counts v (just begun) into the per-visit metrics of its day. */
static void visit_count(struct ingest *in, const struct traffic_visit *v)
{
	count_add(in, v->day, "visits", "", 1);
	count_add(in, v->day, "entry", v->entry, 1);
	count_add(in, v->day, "exit", v->exit, 1);
	count_add(in, v->day, "clicks", "1", 1);
	count_add(in, v->day, "browser", v->browser, 1);
	count_add(in, v->day, "platform", v->platform, 1);
	count_add(in, v->day, "device", v->device, 1);
	count_add(in, v->day, "isp", v->isp, 1);
	count_add(in, v->day, "referrer", v->referrer, 1);
}

static struct traffic_visit *visit_new(struct ingest *in, const char *cookie)
{
	struct traffic_visit *v = calloc(1, sizeof(*v));
	if (v == NULL)
		abort();
	in->visits = grow(in->visits, &in->capvisits, in->nvisits + 1, sizeof(*in->visits));
	in->visits[in->nvisits] = v;
	index_put(&in->visit_ix, cookie, in->nvisits++);
	return v;
}

/* The visit a page view of l belongs to, started or continued; its per-visit counts move with
 * it (the exit page and click bucket leave their old value for the new one). */
static void visit_view(struct ingest *in, const struct traffic_line *l, const char *day)
{
	size_t slot;
	size_t *at = index_find(&in->visit_ix, l->visit, &slot);
	/* take_chunk put every cookie of the chunk in the index and looked it up */
	struct traffic_visit *v = at != NULL ? in->visits[*at] : visit_new(in, l->visit);
	bool continues =
	    v->views > 0 && l->when >= v->last && l->when - v->last <= TRAFFIC_VISIT_IDLE;
	if (continues) {
		char was[24], now[24];
		const char *cw = clicks_of(v->views, was), *cn = clicks_of(v->views + 1, now);
		if (strcmp(cw, cn) != 0) {
			count_add(in, v->day, "clicks", cw, -1);
			count_add(in, v->day, "clicks", cn, 1);
		}
		if (strcmp(v->exit, l->page) != 0) {
			count_add(in, v->day, "exit", v->exit, -1);
			count_add(in, v->day, "exit", l->page, 1);
		}
		v->last = l->when;
		v->views++;
		memcpy(v->exit, l->page, strlen(l->page) + 1); /* both TRAFFIC_PAGE_MAX + 1 */
	} else {
		struct ua_info ua = ua_classify(l->ua, strlen(l->ua));
		char ref[33];
		snprintf(ref, sizeof(ref), "%s", v->ref);
		if (v->dirty)
			/* The visit that ended is not written yet: the new one gets a record of its
			 * own. */
			v = visit_new(in, l->visit);
		memset(v, 0, sizeof(*v));
		snprintf(v->ref, sizeof(v->ref), "%s", ref);
		snprintf(v->day, sizeof(v->day), "%s", day);
		v->started = v->last = l->when;
		v->views = 1;
		snprintf(v->entry, sizeof(v->entry), "%s", l->page);
		snprintf(v->exit, sizeof(v->exit), "%s", l->page);
		snprintf(v->browser, sizeof(v->browser), "%s", ua.browser);
		snprintf(v->platform, sizeof(v->platform), "%s", ua.platform);
		snprintf(v->device, sizeof(v->device), "%s", ua.device);
		isp_of(in, l, v->isp, sizeof(v->isp));
		if (l->ref == TRAFFIC_REF_OTHER)
			traffic_origin_host(l->origin, v->referrer, sizeof(v->referrer));
		else
			snprintf(v->referrer, sizeof(v->referrer), "%s",
			         l->ref == TRAFFIC_REF_SELF ? "(this site)" : "(direct)");
		visit_count(in, v);
	}
	day_touch(in, v->day);
	if (!v->dirty) {
		v->dirty = true;
		in->dirty = grow(in->dirty, &in->capdirty, in->ndirty + 1, sizeof(*in->dirty));
		in->dirty[in->ndirty++] = v;
	}
}

static bool is_view(const struct traffic_line *l)
{
	return !is_asset(l->page) && strcmp(l->method, "GET") == 0;
}

/* The UTC day of t, from the one before when it is the same day (most lines are). */
static const char *day_text(struct ingest *in, time_t t)
{
	if (in->day_text[0] == '\0' || t < in->day_base || t >= in->day_base + 86400) {
		day_of(t, in->day_text);
		in->day_base = t - (t % 86400 + 86400) % 86400;
	}
	return in->day_text;
}

/* Moves the per-request counts kept for local_day into the batch's counts. */
static void local_flush(struct ingest *in)
{
	if (in->local_day[0] == '\0')
		return;
	for (int st = 100; st < 600; st++)
		if (in->status_n[st] != 0) {
			char buf[4] = {(char)('0' + st / 100), (char)('0' + st / 10 % 10),
			               (char)('0' + st % 10), '\0'};
			count_add(in, in->local_day, "status", buf, in->status_n[st]);
			in->status_n[st] = 0;
		}
	if (in->views_n != 0) {
		count_add(in, in->local_day, "views", "", in->views_n);
		in->views_n = 0;
	}
	day_touch(in, in->local_day);
	in->local_day[0] = '\0';
}

/* Counts the chunk's lines: first every visit cookie new to this run is looked up, in a few
 * statements for the whole chunk. Returns 0 or -1 (after fail()). */
static int take_chunk(struct ingest *in)
{
	in->nlookup = 0;
	for (size_t i = 0; i < in->nchunk; i++) {
		const struct traffic_line *l = &in->chunk[i];
		size_t slot;
		if (!in->ok[i] || !is_view(l) || index_find(&in->visit_ix, l->visit, &slot) != NULL)
			continue;
		struct traffic_visit *v = visit_new(in, l->visit);
		unsigned char h[16];
		crypto_generichash(h, sizeof(h), (const unsigned char *)l->visit, strlen(l->visit),
		                   NULL, 0);
		sodium_bin2hex(v->ref, sizeof(v->ref), h, sizeof(h));
		in->lookup = grow(in->lookup, &in->caplookup, in->nlookup + 1, sizeof(*in->lookup));
		in->lookup[in->nlookup++] = v;
	}
	if (in->nlookup > 0 &&
	    db_traffic_visits_latest(in->db, in->a, in->lookup, in->nlookup) < 0) {
		fail("cannot read the traffic visits: %s", db_error(in->db));
		return -1;
	}
	for (size_t i = 0; i < in->nchunk; i++) {
		const struct traffic_line *l = &in->chunk[i];
		in->lines++;
		if (!in->ok[i]) {
			in->malformed++;
			continue;
		}
		if (l->when > in->latest)
			in->latest = l->when;
		const char *day = day_text(in, l->when);
		if (strcmp(in->local_day, day) != 0) {
			local_flush(in);
			memcpy(in->local_day, day, sizeof(in->local_day));
		}
		if (l->status >= 100 && l->status < 600) /* the parser's range */
			in->status_n[l->status]++;
		if (!is_view(l))
			continue;
		in->views_n++;
		count_add(in, day, "page", l->page, 1);
		/* The exit page's route names the other site's host only (handlers/leave.c). */
		if (strncmp(l->page, LEAVE_ROUTE_PREFIX, strlen(LEAVE_ROUTE_PREFIX)) == 0 &&
		    l->page[strlen(LEAVE_ROUTE_PREFIX)] != '\0')
			count_add(in, day, "outbound", l->page + strlen(LEAVE_ROUTE_PREFIX), 1);
		visit_view(in, l, day);
	}
	local_flush(in);
	in->nchunk = 0;
	return 0;
}

static int batch_tx(struct db *db, void *ctx)
{
	return db_traffic_batch_write(db, ctx);
}

/* The fingerprint of the file fd at offset into pos (schema/033): BLAKE2b-128 of its first
 * TRAFFIC_PRINT_BYTES bytes (fewer below offset) and of those just before offset. */
static int fingerprint(int fd, unsigned long long offset, struct traffic_pos *pos)
{
	pos->head[0] = pos->tail[0] = '\0';
	if (offset == 0)
		return 0;
	unsigned char buf[TRAFFIC_PRINT_BYTES], h[16];
	size_t n = offset < TRAFFIC_PRINT_BYTES ? (size_t)offset : TRAFFIC_PRINT_BYTES;
	if (pread(fd, buf, n, 0) != (ssize_t)n)
		return -1;
	crypto_generichash(h, sizeof(h), buf, n, NULL, 0);
	sodium_bin2hex(pos->head, sizeof(pos->head), h, sizeof(h));
	if (pread(fd, buf, n, (off_t)(offset - n)) != (ssize_t)n)
		return -1;
	crypto_generichash(h, sizeof(h), buf, n, NULL, 0);
	sodium_bin2hex(pos->tail, sizeof(pos->tail), h, sizeof(h));
	return 0;
}

/* Whether path at pos.offset still is the file the position was taken in: its fingerprint
 * matches (or none was kept: a position from before schema/033). */
static bool same_file(const char *path, const struct traffic_pos *pos)
{
	if (pos->head[0] == '\0' && pos->tail[0] == '\0')
		return true;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct traffic_pos now;
	bool same = fingerprint(fd, pos->offset, &now) == 0 && strcmp(now.head, pos->head) == 0 &&
	            strcmp(now.tail, pos->tail) == 0;
	close(fd);
	return same;
}

/* Commits the batch with the position pos; resets it. Returns 0 or -1 (after fail()). */
static int flush(struct ingest *in, struct traffic_pos pos)
{
	struct traffic_batch b = {
	    .source = in->source,
	    .counts = in->counts,
	    .ncounts = in->ncounts,
	    .visits = in->dirty,
	    .nvisits = in->ndirty,
	    .days = (const char(*)[11])in->days,
	    .ndays = in->ndays,
	    .id_step = in->id_step,
	    .pos = pos,
	    .lines = in->lines,
	    .malformed = in->malformed,
	};
	int renewed = db_lease_renew(in->db, TRAFFIC_LEASE, in->holder, TRAFFIC_LEASE_SECONDS);
	if (renewed <= 0) {
		fail(renewed == 0 ? "lost the traffic lease; stopped"
		                  : "cannot renew the traffic lease: %s",
		     db_error(in->db));
		return -1;
	}
	if (db_tx(in->db, batch_tx, &b) < 0) {
		fail("cannot write the traffic aggregates: %s", db_error(in->db));
		return -1;
	}
	for (size_t i = 0; i < in->ndirty; i++) {
		struct traffic_visit *v = in->dirty[i];
		if (v->id == 0)
			v->id = v->new_id;
		v->dirty = false;
	}
	in->total_lines += in->lines;
	in->total_malformed += in->malformed;
	in->ncounts = in->ndirty = in->ndays = 0;
	in->lines = in->malformed = 0;
	index_free(&in->count_ix);
	index_init(&in->count_ix, 1024);
	arena_reset(in->a);
	return 0;
}

/* After a commit: forgets the visits that ended well before the latest line (two idle periods),
 * so a long log does not keep every visit in memory.  Forgetting is always safe: the database
 * holds each of them now, and a cookie seen again is looked up there. */
static void visits_forget(struct ingest *in)
{
	time_t before = in->latest - 2 * TRAFFIC_VISIT_IDLE;
	struct index old = in->visit_ix;
	bool *kept = calloc(in->nvisits + 1, sizeof(*kept));
	struct traffic_visit **keep = calloc(old.n + 1, sizeof(*keep));
	if (kept == NULL || keep == NULL)
		abort();
	size_t nkeep = 0;
	index_init(&in->visit_ix, 1024);
	for (size_t i = 0; i < old.cap; i++) {
		if (old.keys[i] == NULL)
			continue;
		struct traffic_visit *v = in->visits[old.vals[i]];
		if (v->dirty || v->last >= (long long)before) {
			kept[old.vals[i]] = true;
			keep[nkeep] = v;
			index_put(&in->visit_ix, old.keys[i], nkeep++);
		}
	}
	for (size_t i = 0; i < in->nvisits; i++)
		if (!kept[i])
			free(in->visits[i]);
	free(in->visits);
	in->visits = keep;
	in->nvisits = nkeep;
	in->capvisits = old.n + 1;
	free(kept);
	index_free(&old);
}

/* Commits what was read of fd up to pos (its fingerprint taken there). */
static int flush_at(struct ingest *in, int fd, unsigned long long ino, unsigned long long pos,
                    const char *path)
{
	struct traffic_pos p = {.inode = ino, .offset = pos};
	if (fingerprint(fd, pos, &p) < 0) {
		fail("cannot read the traffic log %s: %s", path, strerror(errno));
		return -1;
	}
	return flush(in, p);
}

/*
 * Reads the complete lines of path from offset on (a last line without its newline is left for
 * the next run: nginx may be writing it) in large reads, committing about every
 * TRAFFIC_BATCH_LINES lines and at the end with the position (inode, end of the last complete
 * line, fingerprint).  When next_inode is not 0 the final position is (next_inode, 0) instead:
 * the file was rotated away and is finished.  Returns 0 or -1.
 */
static int read_file(struct ingest *in, const char *path, unsigned long long offset,
                     unsigned long long next_inode)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail("cannot open the traffic log %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	char *buf = malloc(TRAFFIC_READ_BYTES);
	if (buf == NULL)
		abort();
	int rc = 0;
	if (fstat(fd, &st) < 0) {
		fail("cannot read the traffic log %s: %s", path, strerror(errno));
		rc = -1;
	}
	unsigned long long ino = (unsigned long long)st.st_ino;
	unsigned long long pos = offset; /* just past the last complete line taken */
	unsigned long long at = offset;  /* where the next read() starts */
	size_t have = 0;                 /* bytes in buf, from pos (or from a long line's middle) */
	bool skipping = false;           /* inside a line longer than buf: malformed */
	unsigned long long skipped = 0;
	while (rc == 0) {
		ssize_t got = pread(fd, buf + have, TRAFFIC_READ_BYTES - have, (off_t)at);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fail("cannot read the traffic log %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (got == 0)
			break; /* the end: what is left in buf has no newline yet */
		at += (unsigned long long)got;
		have += (size_t)got;
		size_t start = 0;
		char *nl;
		while ((nl = memchr(buf + start, '\n', have - start)) != NULL) {
			size_t len = (size_t)(nl - (buf + start));
			if (skipping) {
				in->ok[in->nchunk] = false;
				pos += skipped + len + 1;
				skipping = false;
				skipped = 0;
			} else {
				in->ok[in->nchunk] =
				    traffic_line_parse(buf + start, len, &in->chunk[in->nchunk]) ==
				    0;
				pos += len + 1;
			}
			in->nchunk++;
			start += len + 1;
			if (in->nchunk == TRAFFIC_CHUNK_LINES) {
				if (take_chunk(in) < 0) {
					rc = -1;
					break;
				}
				if (in->lines >= TRAFFIC_BATCH_LINES) {
					if (flush_at(in, fd, ino, pos, path) < 0) {
						rc = -1;
						break;
					}
					visits_forget(in);
				}
			}
		}
		if (rc < 0)
			break;
		if (start == 0 && have == TRAFFIC_READ_BYTES) {
			/* A line longer than the buffer: malformed; skip to its end. */
			skipping = true;
			skipped += have;
			have = 0;
			continue;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	if (rc == 0 && in->nchunk > 0 && take_chunk(in) < 0)
		rc = -1;
	if (rc == 0) {
		if (next_inode != 0)
			rc = flush(in, (struct traffic_pos){.inode = next_inode, .offset = 0});
		else
			rc = flush_at(in, fd, ino, pos, path);
	}
	in->nchunk = 0;
	free(buf);
	close(fd);
	return rc;
}

/* Works out where to read from (rotation included) and reads. Returns 0 or -1. */
static int ingest_log(struct ingest *in)
{
	struct traffic_pos pos;
	struct stat st, old;
	if (db_traffic_pos_get(in->db, in->a, in->source, &pos) < 0)
		return fail("cannot read the traffic log position: %s", db_error(in->db));
	if (stat(in->log, &st) < 0) {
		if (errno == ENOENT) {
			printf("no traffic log at %s yet\n", in->log);
			return 0;
		}
		return fail("cannot stat the traffic log %s: %s", in->log, strerror(errno));
	}
	unsigned long long ino = (unsigned long long)st.st_ino;
	if (pos.inode == ino) {
		if ((unsigned long long)st.st_size >= pos.offset && same_file(in->log, &pos))
			return read_file(in, in->log, pos.offset, 0);
		/* copytruncate: the same file, now shorter than where we stood or grown again
		 * past it with other bytes there.  The lines written between our last run and
		 * the copy are in the copy, traffic_log.1: its rest first (when it is the file we
		 * stood in), then the new file from the top. */
		if ((unsigned long long)st.st_size >= pos.offset)
			fprintf(stderr,
			        "dittoctl: the traffic log %s was truncated and has grown again: "
			        "reading it from the start\n",
			        in->log);
		char *copied = arena_printf(in->a, "%s.1", in->log);
		if (stat(copied, &old) == 0 && (unsigned long long)old.st_ino != ino &&
		    (unsigned long long)old.st_size >= pos.offset && same_file(copied, &pos) &&
		    read_file(in, copied, pos.offset, ino) < 0)
			return -1;
		return read_file(in, in->log, 0, 0);
	}
	if (pos.inode != 0) {
		/* Renamed by logrotate: the rest of the old file is at traffic_log.1. */
		char *rotated = arena_printf(in->a, "%s.1", in->log);
		if (stat(rotated, &old) == 0 && (unsigned long long)old.st_ino == pos.inode) {
			if (read_file(in, rotated, pos.offset, ino) < 0)
				return -1;
		} else
			fprintf(
			    stderr,
			    "dittoctl: the traffic log was replaced and its old file is not at %s: "
			    "reading the new one from the start\n",
			    rotated);
	}
	return read_file(in, in->log, 0, 0);
}

static bool valid_source(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 40 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789-_") == n;
}

static int ingest(int argc, char **argv)
{
	const char *log = NULL, *source = "shop";
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(ingest_usage);
			return CTL_OK;
		}
		if (strcmp(argv[i], "--log") == 0 && i + 1 < argc && argv[i + 1][0] != '\0')
			log = argv[++i];
		else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc) {
			source = argv[++i];
			if (!valid_source(source))
				return usage_fail(
				    "--source needs 1 to 40 letters, digits, '-' or '_'");
		} else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl traffic ingest --help)",
			    argv[i]);
	}
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	struct ingest in = {.log = log != NULL ? log : cfg.traffic_log,
	                    .source = source,
	                    .db = db,
	                    .a = arena_new()};
	index_init(&in.visit_ix, 1024);
	index_init(&in.count_ix, 1024);
	in.chunk = malloc(TRAFFIC_CHUNK_LINES * sizeof(*in.chunk));
	in.ok = malloc(TRAFFIC_CHUNK_LINES * sizeof(*in.ok));
	if (in.chunk == NULL || in.ok == NULL)
		abort();
	int rc = CTL_OK;
	if (cfg.asn_database[0] != '\0') {
		int st = MMDB_open(cfg.asn_database, MMDB_MODE_MMAP, &in.mmdb);
		if (st != MMDB_SUCCESS) {
			rc = fail("cannot open the ASN database %s: %s", cfg.asn_database,
			          MMDB_strerror(st));
			goto out;
		}
		in.have_mmdb = true;
	}
	char host[64] = "?";
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	snprintf(in.holder, sizeof(in.holder), "%s pid %ld %08x", host, (long)getpid(),
	         randombytes_random());
	const char *other = NULL;
	int got = db_lease_take(db, in.a, TRAFFIC_LEASE, in.holder, TRAFFIC_LEASE_SECONDS, NULL,
	                        NULL, &other);
	if (got < 0) {
		rc =
		    fail("cannot take the traffic lease as %s: %s", cfg.db_cron_user, db_error(db));
		goto out;
	}
	if (got == 0) {
		printf("another traffic ingest holds the lease (%s)\n", other);
		goto out;
	}
	in.id_step = db_traffic_id_step(db, in.a);
	if (in.id_step < 0)
		rc = fail("cannot read the server's auto-increment settings: %s", db_error(db));
	else if (ingest_log(&in) < 0)
		rc = CTL_ERR;
	long long expired = rc == CTL_OK ? db_traffic_expire(db, cfg.retention_traffic_days) : 0;
	if (expired < 0)
		rc = fail("cannot delete expired visits: %s", db_error(db));
	if (rc == CTL_OK)
		printf("lines %lld, malformed %lld, visits expired %lld\n", in.total_lines,
		       in.total_malformed, expired);
	if (db_lease_release(db, TRAFFIC_LEASE, in.holder) < 0 && rc == CTL_OK)
		rc = fail("cannot free the traffic lease: %s", db_error(db));
out:
	if (in.have_mmdb)
		MMDB_close(&in.mmdb);
	for (size_t i = 0; i < in.nvisits; i++)
		free(in.visits[i]);
	free(in.visits);
	free(in.counts);
	free(in.dirty);
	free(in.days);
	free(in.chunk);
	free(in.ok);
	free(in.lookup);
	index_free(&in.visit_ix);
	index_free(&in.count_ix);
	arena_free(in.a);
	db_free(db);
	return rc;
}

static bool valid_day(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	return strlen(s) == 10 && end != NULL && *end == '\0';
}

static int report(int argc, char **argv)
{
	static const char *const metrics[] = {"views",  "page", "status",  "outbound", "visits",
	                                      "entry",  "exit", "clicks",  "browser",  "platform",
	                                      "device", "isp",  "referrer"};
	if (argc == 2 && ctl_is_help(argv[1])) {
		puts(report_usage);
		return CTL_OK;
	}
	if (argc != 4)
		return usage_fail(
		    "traffic report needs METRIC FROM TO (try: dittoctl traffic report "
		    "--help)");
	bool known = false;
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		known = known || strcmp(argv[1], metrics[i]) == 0;
	if (!known)
		return usage_fail("unknown metric '%s' (try: dittoctl traffic report --help)",
		                  argv[1]);
	if (!valid_day(argv[2]) || !valid_day(argv[3]))
		return usage_fail("FROM and TO are dates: YYYY-MM-DD");
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct report_group *g;
	size_t n;
	int rc = CTL_OK;
	if (db_traffic_report(db, a, argv[1], argv[2], argv[3], &g, &n) < 0)
		rc = fail("cannot read the traffic aggregates: %s", db_error(db));
	else
		for (size_t r = 0; r < n; r++)
			printf("%s\t%lld\n", g[r].label, g[r].count);
	arena_free(a);
	db_free(db);
	return rc;
}

int cmd_traffic(int argc, char **argv)
{
	if (argc < 2 || ctl_is_help(argv[1])) {
		printf("%s\n\n%s\n", ingest_usage, report_usage);
		return argc < 2 ? CTL_USAGE : CTL_OK;
	}
	if (strcmp(argv[1], "ingest") == 0)
		return ingest(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return report(argc - 1, argv + 1);
	return usage_fail("unknown command 'traffic %s' (try: dittoctl traffic --help)", argv[1]);
}
