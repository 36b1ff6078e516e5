/* traffic.c — traffic_sources, traffic_visits and traffic_daily: prepared statements only. */
#include "traffic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "db.h"
#include "reports.h"

static const char SQL_SOURCE_ENSURE[] = "INSERT IGNORE INTO traffic_sources (name) VALUES (?)";
static const char SQL_POS[] =
    "SELECT inode, log_offset, head_hash, tail_hash FROM traffic_sources WHERE name = ?";
static const char SQL_ID_STEP[] =
    "SELECT IF(@@innodb_autoinc_lock_mode < 2, @@auto_increment_increment, 0)";
/* The multi-row statements: a prefix, one row's placeholders repeated, a suffix. Only these
 * constant fragments and '?' make up their text. */
struct multi {
	const char *head, *row, *tail;
	size_t params; /* of one row */
};
static const struct multi VISIT_FIND = {
    "SELECT visit_ref, id, day, UNIX_TIMESTAMP(started_at), UNIX_TIMESTAMP(last_at), views, "
    "entry_page, exit_page, browser, platform, device, isp, referrer FROM traffic_visits "
    "WHERE visit_ref IN (",
    "?", ") ORDER BY visit_ref, id DESC", 1};
static const struct multi COUNT_ADD = {"INSERT INTO traffic_daily (day, metric, value, n) VALUES ",
                                       "(?, ?, ?, ?)", " ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
                                       4};
static const struct multi VISIT_INSERT = {
    "INSERT INTO traffic_visits (visit_ref, day, started_at, last_at, views, entry_page, "
    "exit_page, browser, platform, device, isp, referrer) VALUES ",
    "(?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?)", "", 12};
static const struct multi VISIT_UPDATE = {
    "INSERT INTO traffic_visits (id, visit_ref, day, started_at, last_at, views, entry_page, "
    "exit_page, browser, platform, device, isp, referrer) VALUES ",
    "(?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?)",
    " ON DUPLICATE KEY UPDATE last_at = VALUES(last_at), views = VALUES(views), "
    "exit_page = VALUES(exit_page)",
    13};
static const char SQL_DAY_ZEROS[] = "DELETE FROM traffic_daily WHERE day = ? AND n = 0";
static const char SQL_POS_SET[] =
    "UPDATE traffic_sources SET inode = ?, log_offset = ?, head_hash = ?, tail_hash = ?, "
    "lines_read = lines_read + ?, malformed = malformed + ?, updated_at = UTC_TIMESTAMP(6) "
    "WHERE name = ?";
static const char SQL_EXPIRE[] =
    "DELETE FROM traffic_visits WHERE last_at < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 10000";
/* Each value's sum over the range, largest first; report_merge_small merges the small ones. */
static const char SQL_REPORT[] =
    "SELECT value, SUM(n) AS total FROM traffic_daily WHERE metric = ? AND day BETWEEN ? AND ? "
    "GROUP BY value ORDER BY total DESC, value";
/* Visits and page views of each day of the range that has any (the caller fills the rest). */
static const char SQL_PER_DAY[] =
    "SELECT DATE_FORMAT(day, '%Y-%m-%d'), SUM(IF(metric = 'visits', n, 0)), "
    "SUM(IF(metric = 'views', n, 0)) FROM traffic_daily WHERE metric IN ('visits', 'views') "
    "AND day BETWEEN ? AND ? GROUP BY day ORDER BY day";

int db_traffic_pos_get(struct db *db, struct arena *a, const char *name, struct traffic_pos *out)
{
	struct db_rows rows;
	*out = (struct traffic_pos){0};
	if (db_exec(db, SQL_SOURCE_ENSURE, DB_ARGS(DB_STR(name)), NULL, NULL) < 0)
		return -1;
	if (db_query(db, a, SQL_POS, DB_ARGS(DB_STR(name)), &rows) < 0)
		return -1;
	if (rows.nrows == 1) {
		out->inode = strtoull(db_cell(&rows, 0, 0), NULL, 10);
		out->offset = strtoull(db_cell(&rows, 0, 1), NULL, 10);
		snprintf(out->head, sizeof(out->head), "%s", db_cell(&rows, 0, 2));
		snprintf(out->tail, sizeof(out->tail), "%s", db_cell(&rows, 0, 3));
	}
	return 0;
}

long long db_traffic_id_step(struct db *db, struct arena *a)
{
	struct db_rows rows;
	if (db_query(db, a, SQL_ID_STEP, DB_NOARGS, &rows) < 0 || rows.nrows != 1)
		return -1;
	return db_cell_int(&rows, 0, 0);
}

/* Most rows one statement of m carries: its binds stay within 512 (db.c's DB_MAX_ARGS). */
static size_t multi_max(const struct multi *m)
{
	size_t n = 512 / m->params;
	return n > 256 ? 256 : n;
}

/* How many rows the next statement takes of left: the largest of max, max/4, ... 1 that
 * fits, so a few statement texts serve every count (each is prepared once and cached). */
static size_t multi_take(const struct multi *m, size_t left)
{
	size_t n = multi_max(m);
	while (n > left)
		n = n / 4 > 0 ? n / 4 : 1;
	return n;
}

/* The text of m with rows rows, in a (NULL on out of memory). */
static char *multi_sql(struct arena *a, const struct multi *m, size_t rows)
{
	size_t hl = strlen(m->head), rl = strlen(m->row), tl = strlen(m->tail);
	char *s = arena_alloc(a, hl + rows * (rl + 2) + tl + 1);
	if (s == NULL)
		return NULL;
	char *p = s;
	memcpy(p, m->head, hl);
	p += hl;
	for (size_t r = 0; r < rows; r++) {
		if (r > 0) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, m->row, rl);
		p += rl;
	}
	memcpy(p, m->tail, tl);
	p += tl;
	*p = '\0';
	return s;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src != NULL ? src : "");
}

static int by_ref(const void *x, const void *y)
{
	const struct traffic_visit *const *a = x, *const *b = y;
	return strcmp((*a)->ref, (*b)->ref);
}

int db_traffic_visits_latest(struct db *db, struct arena *a, struct traffic_visit **visits,
                             size_t n)
{
	qsort(visits, n, sizeof(*visits), by_ref);
	for (size_t at = 0; at < n;) {
		size_t take = multi_take(&VISIT_FIND, n - at);
		struct db_arg args[256];
		for (size_t i = 0; i < take; i++)
			args[i] = DB_STR(visits[at + i]->ref);
		const char *sql = multi_sql(a, &VISIT_FIND, take);
		struct db_rows rows;
		if (sql == NULL || db_query(db, a, sql, args, take, &rows) < 0)
			return -1;
		/* Rows come by ref, the last one begun (the highest id) first: as in memory, where
		 * the visit a cookie continues is the one it began last, whatever the lines' times.
		 */
		size_t v = at;
		for (size_t r = 0; r < rows.nrows; r++) {
			const char *ref = db_cell(&rows, r, 0);
			while (v < at + take && strcmp(visits[v]->ref, ref) < 0)
				v++;
			if (v == at + take)
				break;
			if (strcmp(visits[v]->ref, ref) != 0 || visits[v]->id != 0)
				continue; /* an earlier visit of a ref already filled */
			struct traffic_visit *out = visits[v];
			out->id = db_cell_int(&rows, r, 1);
			copy(out->day, sizeof(out->day), db_cell(&rows, r, 2));
			out->started = db_cell_int(&rows, r, 3);
			out->last = db_cell_int(&rows, r, 4);
			out->views = db_cell_int(&rows, r, 5);
			copy(out->entry, sizeof(out->entry), db_cell(&rows, r, 6));
			copy(out->exit, sizeof(out->exit), db_cell(&rows, r, 7));
			copy(out->browser, sizeof(out->browser), db_cell(&rows, r, 8));
			copy(out->platform, sizeof(out->platform), db_cell(&rows, r, 9));
			copy(out->device, sizeof(out->device), db_cell(&rows, r, 10));
			copy(out->isp, sizeof(out->isp), db_cell(&rows, r, 11));
			copy(out->referrer, sizeof(out->referrer), db_cell(&rows, r, 12));
		}
		at += take;
	}
	return 0;
}

/* Runs m over rows [0, n): fill(ctx, i, args) writes row i's m->params arguments.  When
 * max_rows is not 0 no statement carries more rows; after each statement done(ctx, first,
 * rows, insert_id) when done is not NULL. */
static int multi_run(struct db *db, struct arena *a, const struct multi *m, size_t n,
                     size_t max_rows, void (*fill)(void *ctx, size_t i, struct db_arg *args),
                     void (*done)(void *ctx, size_t first, size_t rows, unsigned long long id),
                     void *ctx)
{
	struct db_arg args[512];
	for (size_t at = 0; at < n;) {
		size_t take = multi_take(m, n - at);
		if (max_rows != 0 && take > max_rows)
			take = max_rows;
		for (size_t i = 0; i < take; i++)
			fill(ctx, at + i, args + i * m->params);
		const char *sql = multi_sql(a, m, take);
		unsigned long long id = 0;
		if (sql == NULL || db_exec(db, sql, args, take * m->params, NULL, &id) < 0)
			return -1;
		if (done != NULL)
			done(ctx, at, take, id);
		at += take;
	}
	return 0;
}

struct visit_rows {
	struct traffic_visit **v;
	size_t n;
	long long step;
};

static void fill_count(void *ctx, size_t i, struct db_arg *args)
{
	const struct traffic_count *c = &((const struct traffic_batch *)ctx)->counts[i];
	args[0] = DB_STR(c->day);
	args[1] = DB_STR(c->metric);
	args[2] = DB_STR(c->value);
	args[3] = DB_INT(c->n);
}

static void fill_visit(const struct traffic_visit *v, struct db_arg *args)
{
	args[0] = DB_STR(v->ref);
	args[1] = DB_STR(v->day);
	args[2] = DB_INT(v->started);
	args[3] = DB_INT(v->last);
	args[4] = DB_INT(v->views);
	args[5] = DB_STR(v->entry);
	args[6] = DB_STR(v->exit);
	args[7] = DB_STR(v->browser);
	args[8] = DB_STR(v->platform);
	args[9] = DB_STR(v->device);
	args[10] = DB_STR(v->isp);
	args[11] = DB_STR(v->referrer);
}

static void fill_new(void *ctx, size_t i, struct db_arg *args)
{
	fill_visit(((struct visit_rows *)ctx)->v[i], args);
}

static void fill_old(void *ctx, size_t i, struct db_arg *args)
{
	const struct traffic_visit *v = ((struct visit_rows *)ctx)->v[i];
	args[0] = DB_INT(v->id);
	fill_visit(v, args + 1);
}

/* The ids of one multi-row INSERT: consecutive from the first by step (id_step). */
static void new_ids(void *ctx, size_t first, size_t rows, unsigned long long id)
{
	struct visit_rows *vr = ctx;
	for (size_t i = 0; i < rows; i++)
		vr->v[first + i]->new_id = (long long)id + (long long)i * vr->step;
}

int db_traffic_batch_write(struct db *db, const struct traffic_batch *b)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return -1;
	int rc = -1;
	struct traffic_visit **fresh = malloc((b->nvisits + 1) * sizeof(*fresh));
	struct traffic_visit **stored = malloc((b->nvisits + 1) * sizeof(*stored));
	if (fresh == NULL || stored == NULL)
		goto out;
	size_t nfresh = 0, nstored = 0;
	for (size_t i = 0; i < b->nvisits; i++) {
		if (b->visits[i]->id != 0)
			stored[nstored++] = b->visits[i];
		else
			fresh[nfresh++] = b->visits[i];
	}
	struct visit_rows f = {fresh, nfresh, b->id_step}, s = {stored, nstored, 0};
	if (multi_run(db, a, &COUNT_ADD, b->ncounts, 0, fill_count, NULL, (void *)b) < 0 ||
	    multi_run(db, a, &VISIT_INSERT, nfresh, b->id_step > 0 ? 0 : 1, fill_new, new_ids, &f) <
	        0 ||
	    multi_run(db, a, &VISIT_UPDATE, nstored, 0, fill_old, NULL, &s) < 0)
		goto out;
	for (size_t d = 0; d < b->ndays; d++)
		if (db_exec(db, SQL_DAY_ZEROS, DB_ARGS(DB_STR(b->days[d])), NULL, NULL) < 0)
			goto out;
	rc = db_exec(db, SQL_POS_SET,
	             DB_ARGS(DB_INT(b->pos.inode), DB_INT(b->pos.offset), DB_STR(b->pos.head),
	                     DB_STR(b->pos.tail), DB_INT(b->lines), DB_INT(b->malformed),
	                     DB_STR(b->source)),
	             NULL, NULL);
out:
	free(fresh);
	free(stored);
	arena_free(a);
	return rc;
}

long long db_traffic_expire(struct db *db, int days)
{
	long long total = 0;
	for (;;) {
		unsigned long long n = 0;
		if (db_exec(db, SQL_EXPIRE, DB_ARGS(DB_INT(days)), &n, NULL) < 0)
			return -1;
		total += (long long)n;
		if (n < 10000)
			return total;
	}
}

int db_traffic_report(struct db *db, struct arena *a, const char *metric, const char *from,
                      const char *to, struct report_group **groups, size_t *n)
{
	struct db_rows rows;
	if (db_query(db, a, SQL_REPORT, DB_ARGS(DB_STR(metric), DB_STR(from), DB_STR(to)), &rows) <
	    0)
		return -1;
	struct report_group *g = arena_alloc(a, (rows.nrows + 1) * sizeof(*g));
	for (size_t r = 0; r < rows.nrows; r++)
		g[r] = (struct report_group){.label = db_cell(&rows, r, 0),
		                             .count = db_cell_int(&rows, r, 1)};
	*n = rows.nrows;
	report_merge_small(g, n);
	*groups = g;
	return 0;
}

int db_traffic_per_day(struct db *db, struct arena *a, time_t from, time_t to,
                       struct traffic_day **days, size_t *n)
{
	char f[11], t[11];
	report_day_text(from, f);
	report_day_text(to, t);
	struct db_rows rows;
	if (db_query(db, a, SQL_PER_DAY, DB_ARGS(DB_STR(f), DB_STR(t)), &rows) < 0)
		return -1;
	size_t count = (size_t)((to - from) / 86400) + 1;
	struct traffic_day *d = arena_alloc(a, count * sizeof(*d));
	for (size_t i = 0; i < count; i++) {
		report_day_text(from + (time_t)i * 86400, d[i].day);
		d[i].visits = d[i].views = 0;
	}
	/* Both lists are in day order: walk them together. */
	size_t i = 0;
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *day = db_cell(&rows, r, 0);
		while (i < count && day != NULL && strcmp(d[i].day, day) < 0)
			i++;
		if (i == count || day == NULL || strcmp(d[i].day, day) != 0)
			continue;
		d[i].visits = db_cell_int(&rows, r, 1);
		d[i].views = db_cell_int(&rows, r, 2);
	}
	*days = d;
	*n = count;
	return 0;
}
