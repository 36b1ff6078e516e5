/* reports.h — data access for the staff reports: aggregates only, read from the views of
 * schema/031, with every group that could point at a person merged into "other". */
#ifndef DITTO_DB_REPORTS_H
#define DITTO_DB_REPORTS_H

#include <stddef.h>
#include <time.h>

struct arena;
struct db;

/* Groups smaller than this are merged into "other" (they could point at a person). */
#define REPORT_MIN_GROUP 5
/* The longest date range a report covers, in days. */
#define REPORT_MAX_DAYS 731

/* One week of a series: its Monday and its sums (0 for a week without rows). */
struct report_week {
	char start[11];  /* "YYYY-MM-DD", the Monday */
	long long count; /* registrations, or orders */
	long long cents; /* revenue (orders only) */
};

/* One group of a breakdown: a category, or a bucket of a distribution. */
struct report_group {
	const char *label;
	long long count; /* the group's size: customers, or orders for a category */
	long long units; /* units sold (categories only) */
	long long cents; /* revenue (categories only) */
};

/*
 * Registrations per week (Monday to Sunday, UTC) of the days from..to
 * (midnight UTC of each, inclusive), every week of the range present, in
 * arena a.  Returns 0, or -1 on a database error.
 */
int db_report_registrations(struct db *db, struct arena *a, time_t from, time_t to,
                            struct report_week **weeks, size_t *n);
/* Orders placed per week and the revenue of those neither cancelled nor refunded (test orders
 * left out), as db_report_registrations. */
int db_report_orders(struct db *db, struct arena *a, time_t from, time_t to,
                     struct report_week **weeks, size_t *n);
/*
 * Registrations waiting for approval now, by age in days since the day they
 * were made: "under 1 day", "1-2 days", "3-6 days", "7 days or more" (every
 * bucket present, in that order; counts of registrations are no group of
 * people and are not merged).  Returns 0, or -1 on a database error.
 */
int db_report_pending(struct db *db, struct arena *a, struct report_group **groups, size_t *n);
/*
 * Approved accounts now by visit count ("0", "1", "2-4", "5-9", "10-19",
 * "20 or more") and by their last visit ("never", "within 7 days", "8-30
 * days ago", "31-90 days ago", "over 90 days ago"): the non-empty buckets
 * in that order, small ones merged into "other" (report_merge_small).
 * Returns 0, or -1 on a database error.
 */
int db_report_visit_counts(struct db *db, struct arena *a, struct report_group **groups, size_t *n);
int db_report_last_visits(struct db *db, struct arena *a, struct report_group **groups, size_t *n);
/*
 * Categories sold in orders of the days from..to, by revenue (then name),
 * each with its orders, units and revenue; categories of fewer than
 * REPORT_MIN_GROUP orders merged into "other".  Returns 0, or -1 on a
 * database error.
 */
int db_report_categories(struct db *db, struct arena *a, time_t from, time_t to,
                         struct report_group **groups, size_t *n);
/* Day t (a time_t, read in UTC) as "YYYY-MM-DD" into out; a year past 9999 gives
 * "0000-00-00". */
void report_day_text(time_t t, char out[11]);

/*
 * Merges the groups of g[0..*n) whose count is below REPORT_MIN_GROUP into
 * one group "other" at the end (summing counts, units and cents), in place;
 * while "other" itself is below REPORT_MIN_GROUP and other groups remain,
 * the smallest of them joins it too, so no row shown is a group of 1 to 4;
 * when all of them together are fewer than REPORT_MIN_GROUP, no row is left
 * (*n is 0).  The kept groups stay in their order.  Updates *n.
 */
void report_merge_small(struct report_group *g, size_t *n);

#endif
