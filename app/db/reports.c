/* reports.c — data access for the staff reports: sums over the aggregate views of schema/031,
 * weeks filled in, small groups merged. */
#include "reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "db.h"

#define DAY 86400

/* Sums per week; the week is the Monday of the day's week (WEEKDAY: Monday 0). */
static const char SQL_REGISTRATIONS[] =
    "SELECT DATE_FORMAT(day - INTERVAL WEEKDAY(day) DAY, '%Y-%m-%d'), SUM(registrations), 0 "
    "FROM report_registrations_daily WHERE day BETWEEN ? AND ? "
    "GROUP BY 1 ORDER BY 1";

static const char SQL_ORDERS[] =
    "SELECT DATE_FORMAT(day - INTERVAL WEEKDAY(day) DAY, '%Y-%m-%d'), SUM(orders), "
    "SUM(revenue_cents) FROM report_orders_daily WHERE day BETWEEN ? AND ? "
    "GROUP BY 1 ORDER BY 1";

/* Age of a pending registration in whole days since its day, in four buckets. */
static const char SQL_PENDING[] =
    "SELECT CASE WHEN DATEDIFF(UTC_DATE(), day) < 1 THEN 0 WHEN DATEDIFF(UTC_DATE(), day) < 3 "
    "THEN 1 WHEN DATEDIFF(UTC_DATE(), day) < 7 THEN 2 ELSE 3 END, SUM(pending) "
    "FROM report_pending_daily GROUP BY 1";

static const char SQL_VISIT_COUNTS[] =
    "SELECT CASE WHEN visit_count = 0 THEN 0 WHEN visit_count = 1 THEN 1 "
    "WHEN visit_count < 5 THEN 2 WHEN visit_count < 10 THEN 3 WHEN visit_count < 20 THEN 4 "
    "ELSE 5 END, SUM(customers) FROM report_visits GROUP BY 1";

static const char SQL_LAST_VISITS[] =
    "SELECT CASE WHEN last_visit_day IS NULL THEN 0 "
    "WHEN DATEDIFF(UTC_DATE(), last_visit_day) <= 7 THEN 1 "
    "WHEN DATEDIFF(UTC_DATE(), last_visit_day) <= 30 THEN 2 "
    "WHEN DATEDIFF(UTC_DATE(), last_visit_day) <= 90 THEN 3 ELSE 4 END, SUM(customers) "
    "FROM report_visits GROUP BY 1";

static const char SQL_CATEGORIES[] =
    "SELECT category, SUM(orders), SUM(units), SUM(revenue_cents) FROM report_categories_daily "
    "WHERE day BETWEEN ? AND ? GROUP BY category_id, category "
    "ORDER BY SUM(revenue_cents) DESC, category, category_id";

static const char *const pending_labels[] = {"under 1 day", "1-2 days", "3-6 days",
                                             "7 days or more"};
static const char *const visit_count_labels[] = {"0", "1", "2-4", "5-9", "10-19", "20 or more"};
static const char *const last_visit_labels[] = {"never", "within 7 days", "8-30 days ago",
                                                "31-90 days ago", "over 90 days ago"};

void report_day_text(time_t t, char out[11])
{
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		strcpy(out, "0000-00-00");
}

/* The Monday (midnight UTC) of the week of day t. */
static time_t monday_of(time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	return t - (time_t)((tm.tm_wday + 6) % 7) * DAY;
}

/* Runs a weekly sum and lays its rows on every week of from..to. */
static int weekly(struct db *db, struct arena *a, const char *sql, time_t from, time_t to,
                  struct report_week **weeks, size_t *n)
{
	char f[11], t[11];
	report_day_text(from, f);
	report_day_text(to, t);
	struct db_rows rows;
	if (db_query(db, a, sql, DB_ARGS(DB_STR(f), DB_STR(t)), &rows) < 0)
		return -1;
	time_t first = monday_of(from), last = monday_of(to);
	size_t count = (size_t)((last - first) / (7 * DAY)) + 1;
	struct report_week *w = arena_alloc(a, count * sizeof(*w));
	for (size_t i = 0; i < count; i++) {
		report_day_text(first + (time_t)i * 7 * DAY, w[i].start);
		w[i].count = 0;
		w[i].cents = 0;
	}
	/* Both lists are in week order: walk them together. */
	size_t i = 0;
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *start = db_cell(&rows, r, 0);
		while (i < count && start != NULL && strcmp(w[i].start, start) < 0)
			i++;
		if (i == count || start == NULL || strcmp(w[i].start, start) != 0)
			continue;
		w[i].count = db_cell_int(&rows, r, 1);
		w[i].cents = db_cell_int(&rows, r, 2);
	}
	*weeks = w;
	*n = count;
	return 0;
}

int db_report_registrations(struct db *db, struct arena *a, time_t from, time_t to,
                            struct report_week **weeks, size_t *n)
{
	return weekly(db, a, SQL_REGISTRATIONS, from, to, weeks, n);
}

int db_report_orders(struct db *db, struct arena *a, time_t from, time_t to,
                     struct report_week **weeks, size_t *n)
{
	return weekly(db, a, SQL_ORDERS, from, to, weeks, n);
}

/* Runs a bucket query (bucket number, count) into every bucket of labels, in order. */
static int buckets(struct db *db, struct arena *a, const char *sql, const char *const *labels,
                   size_t nlabels, struct report_group **groups, size_t *n)
{
	struct db_rows rows;
	if (db_query(db, a, sql, DB_NOARGS, &rows) < 0)
		return -1;
	struct report_group *g = arena_alloc(a, nlabels * sizeof(*g));
	for (size_t i = 0; i < nlabels; i++)
		g[i] = (struct report_group){.label = labels[i]};
	for (size_t r = 0; r < rows.nrows; r++) {
		long long b = db_cell_int(&rows, r, 0);
		if (b >= 0 && (size_t)b < nlabels)
			g[b].count = db_cell_int(&rows, r, 1);
	}
	*groups = g;
	*n = nlabels;
	return 0;
}

/* Drops the empty groups, keeping the order. */
static void drop_empty(struct report_group *g, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (g[i].count > 0)
			g[k++] = g[i];
	*n = k;
}

int db_report_pending(struct db *db, struct arena *a, struct report_group **groups, size_t *n)
{
	return buckets(db, a, SQL_PENDING, pending_labels,
	               sizeof(pending_labels) / sizeof(pending_labels[0]), groups, n);
}

int db_report_visit_counts(struct db *db, struct arena *a, struct report_group **groups, size_t *n)
{
	if (buckets(db, a, SQL_VISIT_COUNTS, visit_count_labels,
	            sizeof(visit_count_labels) / sizeof(visit_count_labels[0]), groups, n) < 0)
		return -1;
	drop_empty(*groups, n);
	report_merge_small(*groups, n);
	return 0;
}

int db_report_last_visits(struct db *db, struct arena *a, struct report_group **groups, size_t *n)
{
	if (buckets(db, a, SQL_LAST_VISITS, last_visit_labels,
	            sizeof(last_visit_labels) / sizeof(last_visit_labels[0]), groups, n) < 0)
		return -1;
	drop_empty(*groups, n);
	report_merge_small(*groups, n);
	return 0;
}

int db_report_categories(struct db *db, struct arena *a, time_t from, time_t to,
                         struct report_group **groups, size_t *n)
{
	char f[11], t[11];
	report_day_text(from, f);
	report_day_text(to, t);
	struct db_rows rows;
	if (db_query(db, a, SQL_CATEGORIES, DB_ARGS(DB_STR(f), DB_STR(t)), &rows) < 0)
		return -1;
	struct report_group *g = arena_alloc(a, (rows.nrows + 1) * sizeof(*g));
	for (size_t r = 0; r < rows.nrows; r++)
		g[r] = (struct report_group){.label = db_cell(&rows, r, 0),
		                             .count = db_cell_int(&rows, r, 1),
		                             .units = db_cell_int(&rows, r, 2),
		                             .cents = db_cell_int(&rows, r, 3)};
	*n = rows.nrows;
	report_merge_small(g, n);
	*groups = g;
	return 0;
}

void report_merge_small(struct report_group *g, size_t *n)
{
	struct report_group other = {.label = "other"};
	bool any = false;
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (g[i].count < REPORT_MIN_GROUP) {
			other.count += g[i].count;
			other.units += g[i].units;
			other.cents += g[i].cents;
			any = true;
		} else {
			g[k++] = g[i];
		}
	}
	/* "other" of 1 to 4 would still be a small group: the smallest kept group joins it. */
	while (any && other.count < REPORT_MIN_GROUP && k > 0) {
		size_t s = 0;
		for (size_t i = 1; i < k; i++)
			if (g[i].count < g[s].count)
				s = i;
		other.count += g[s].count;
		other.units += g[s].units;
		other.cents += g[s].cents;
		memmove(&g[s], &g[s + 1], (k - s - 1) * sizeof(*g));
		k--;
	}
	/* Everything together under 5 is still a small group: nothing is shown. */
	if (any && other.count >= REPORT_MIN_GROUP)
		g[k++] = other;
	*n = k;
}
