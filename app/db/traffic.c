/* traffic.c — traffic_sources, traffic_visits and traffic_daily: prepared statements only. */
#include "traffic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "db.h"
#include "reports.h"

static const char SQL_SOURCE_ENSURE[] = "INSERT IGNORE INTO traffic_sources (name) VALUES (?)";
static const char SQL_POS[] = "SELECT inode, log_offset FROM traffic_sources WHERE name = ?";
static const char SQL_VISIT[] =
    "SELECT id, day, UNIX_TIMESTAMP(started_at), UNIX_TIMESTAMP(last_at), views, entry_page, "
    "exit_page, browser, platform, device, isp, referrer FROM traffic_visits "
    "WHERE visit_ref = ? ORDER BY last_at DESC LIMIT 1";
static const char SQL_ADD[] =
    "INSERT INTO traffic_daily (day, metric, value, n) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE n = n + VALUES(n)";
static const char SQL_VISIT_INSERT[] =
    "INSERT INTO traffic_visits (visit_ref, day, started_at, last_at, views, entry_page, "
    "exit_page, browser, platform, device, isp, referrer) VALUES (?, ?, FROM_UNIXTIME(?), "
    "FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_VISIT_UPDATE[] = "UPDATE traffic_visits SET last_at = FROM_UNIXTIME(?), "
                                       "views = ?, exit_page = ? WHERE id = ?";
static const char SQL_DAY_CLEAR[] =
    "DELETE FROM traffic_daily WHERE day = ? AND metric IN ('visits', 'entry', 'exit', "
    "'clicks', 'browser', 'platform', 'device', 'isp', 'referrer')";
/* One statement per per-visit metric: the value expression is code, never input. */
static const struct {
	const char *metric;
	const char *sql;
} SQL_DAY_METRICS[] = {
#define PER_VISIT(m, expr)                                                                         \
	{                                                                                          \
		m, "INSERT INTO traffic_daily (day, metric, value, n) SELECT day, '" m "', " expr  \
		   ", COUNT(*) FROM traffic_visits WHERE day = ? GROUP BY " expr                   \
	}
    PER_VISIT("visits", "''"),
    PER_VISIT("entry", "entry_page"),
    PER_VISIT("exit", "exit_page"),
    PER_VISIT("clicks", "IF(views >= 10, '10+', CAST(views AS CHAR))"),
    PER_VISIT("browser", "browser"),
    PER_VISIT("platform", "platform"),
    PER_VISIT("device", "device"),
    PER_VISIT("isp", "isp"),
    PER_VISIT("referrer", "referrer"),
#undef PER_VISIT
};
static const char SQL_POS_SET[] =
    "UPDATE traffic_sources SET inode = ?, log_offset = ?, lines_read = lines_read + ?, "
    "malformed = malformed + ?, updated_at = UTC_TIMESTAMP(6) WHERE name = ?";
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
	*out = (struct traffic_pos){0, 0};
	if (db_exec(db, SQL_SOURCE_ENSURE, DB_ARGS(DB_STR(name)), NULL, NULL) < 0)
		return -1;
	if (db_query(db, a, SQL_POS, DB_ARGS(DB_STR(name)), &rows) < 0)
		return -1;
	if (rows.nrows == 1) {
		out->inode = strtoull(db_cell(&rows, 0, 0), NULL, 10);
		out->offset = strtoull(db_cell(&rows, 0, 1), NULL, 10);
	}
	return 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src != NULL ? src : "");
}

int db_traffic_visit_latest(struct db *db, struct arena *a, const char *ref,
                            struct traffic_visit *out)
{
	struct db_rows rows;
	if (db_query(db, a, SQL_VISIT, DB_ARGS(DB_STR(ref)), &rows) < 0)
		return -1;
	if (rows.nrows == 0)
		return 0;
	out->id = db_cell_int(&rows, 0, 0);
	copy(out->ref, sizeof(out->ref), ref);
	copy(out->day, sizeof(out->day), db_cell(&rows, 0, 1));
	out->started = db_cell_int(&rows, 0, 2);
	out->last = db_cell_int(&rows, 0, 3);
	out->views = db_cell_int(&rows, 0, 4);
	copy(out->entry, sizeof(out->entry), db_cell(&rows, 0, 5));
	copy(out->exit, sizeof(out->exit), db_cell(&rows, 0, 6));
	copy(out->browser, sizeof(out->browser), db_cell(&rows, 0, 7));
	copy(out->platform, sizeof(out->platform), db_cell(&rows, 0, 8));
	copy(out->device, sizeof(out->device), db_cell(&rows, 0, 9));
	copy(out->isp, sizeof(out->isp), db_cell(&rows, 0, 10));
	copy(out->referrer, sizeof(out->referrer), db_cell(&rows, 0, 11));
	return 1;
}

static int write_visit(struct db *db, struct traffic_visit *v)
{
	if (v->id != 0)
		return db_exec(
		    db, SQL_VISIT_UPDATE,
		    DB_ARGS(DB_INT(v->last), DB_INT(v->views), DB_STR(v->exit), DB_INT(v->id)),
		    NULL, NULL);
	unsigned long long id = 0;
	if (db_exec(db, SQL_VISIT_INSERT,
	            DB_ARGS(DB_STR(v->ref), DB_STR(v->day), DB_INT(v->started), DB_INT(v->last),
	                    DB_INT(v->views), DB_STR(v->entry), DB_STR(v->exit), DB_STR(v->browser),
	                    DB_STR(v->platform), DB_STR(v->device), DB_STR(v->isp),
	                    DB_STR(v->referrer)),
	            NULL, &id) < 0)
		return -1;
	v->new_id = (long long)id;
	return 0;
}

int db_traffic_batch_write(struct db *db, const struct traffic_batch *b)
{
	for (size_t i = 0; i < b->ncounts; i++) {
		const struct traffic_count *c = &b->counts[i];
		if (db_exec(
		        db, SQL_ADD,
		        DB_ARGS(DB_STR(c->day), DB_STR(c->metric), DB_STR(c->value), DB_INT(c->n)),
		        NULL, NULL) < 0)
			return -1;
	}
	for (size_t i = 0; i < b->nvisits; i++)
		if (write_visit(db, b->visits[i]) < 0)
			return -1;
	for (size_t d = 0; d < b->ndays; d++) {
		if (db_exec(db, SQL_DAY_CLEAR, DB_ARGS(DB_STR(b->days[d])), NULL, NULL) < 0)
			return -1;
		for (size_t m = 0; m < sizeof(SQL_DAY_METRICS) / sizeof(SQL_DAY_METRICS[0]); m++)
			if (db_exec(db, SQL_DAY_METRICS[m].sql, DB_ARGS(DB_STR(b->days[d])), NULL,
			            NULL) < 0)
				return -1;
	}
	return db_exec(db, SQL_POS_SET,
	               DB_ARGS(DB_INT(b->pos.inode), DB_INT(b->pos.offset), DB_INT(b->lines),
	                       DB_INT(b->malformed), DB_STR(b->source)),
	               NULL, NULL);
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
