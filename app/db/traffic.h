/* traffic.h — data access of the traffic aggregates: the log position, open visits and daily
 * counts that `dittoctl traffic ingest` writes, and their read-out for reports. */
#ifndef DITTO_DB_TRAFFIC_H
#define DITTO_DB_TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;
struct db;
struct report_group;

/* Where a log stands, and the fingerprint of the file there (schema/033): hashes (hex) of its
 * first bytes and of the bytes just before offset, "" when not known. */
struct traffic_pos {
	unsigned long long inode;
	unsigned long long offset;
	char head[33], tail[33];
};

/* Reads source name's position (0, 0, "", "" before the first run; a missing row is created).
 * Returns 0 or -1. */
int db_traffic_pos_get(struct db *db, struct arena *a, const char *name, struct traffic_pos *out);

/* One visit as stored (times as UTC "YYYY-MM-DD HH:MM:SS"). */
struct traffic_visit {
	long long id; /* 0: not stored yet */
	char ref[33];
	char day[11];
	long long started, last; /* UTC seconds */
	long long views;
	char entry[256], exit[256];
	char browser[41], platform[41], device[17], isp[256], referrer[256];
	bool dirty;
	long long new_id; /* the id an INSERT of this transaction gave it */
};

/*
 * Looks up the stored visit each of visits[0..n) (by ref, which the caller sets) began last
 * (the highest id, as the ingest keeps it in memory) in a few statements: a found one gets its
 * stored fields (id not 0), the others are left as they are.  Sorts visits by ref.  Returns 0 or
 * -1.
 */
int db_traffic_visits_latest(struct db *db, struct arena *a, struct traffic_visit **visits,
                             size_t n);

/* Whether one multi-row INSERT's rows get consecutive ids (innodb_autoinc_lock_mode 0 or 1):
 * returns the id step (auto_increment_increment), 0 when they may not, -1 on an error. */
long long db_traffic_id_step(struct db *db, struct arena *a);

/* One count to add: (day, metric, value) += n (n may be negative: a visit's exit page and
 * click bucket move as it goes on). */
struct traffic_count {
	char day[11];
	const char *metric;
	char value[256];
	long long n;
};

/* What one transaction commits: counts, changed visits, the days touched, the new position. */
struct traffic_batch {
	const char *source;
	struct traffic_count *counts;
	size_t ncounts;
	struct traffic_visit **visits; /* dirty visits */
	size_t nvisits;
	const char (*days)[11]; /* days whose counts changed (rows that reach 0 are deleted) */
	size_t ndays;
	long long id_step; /* db_traffic_id_step: 0 inserts new visits one by one */
	struct traffic_pos pos;
	long long lines, malformed;
};

/*
 * Inside the caller's transaction (db_tx): adds the counts, inserts or
 * updates the visits (an inserted one's id goes to new_id, which the caller
 * makes its id after the commit), all in multi-row statements, deletes the
 * days' counts that reached 0, and moves the source to pos (fingerprint
 * included).  Returns 0 or -1.
 */
int db_traffic_batch_write(struct db *db, const struct traffic_batch *b);

/* Deletes visits whose last request is more than days old. Returns the number or -1. */
long long db_traffic_expire(struct db *db, int days);

/*
 * The report of metric over the days [from, to] ("YYYY-MM-DD"): groups (label: the value,
 * count: its sum), largest first, merged by report_merge_small (reports.h): every value
 * counted fewer than REPORT_MIN_GROUP times goes into one group "other" (last), which is never
 * itself 1 to 4.  In arena a.  Returns 0 or -1.
 */
int db_traffic_report(struct db *db, struct arena *a, const char *metric, const char *from,
                      const char *to, struct report_group **groups, size_t *n);

/* One day of the traffic: visits started and page views. */
struct traffic_day {
	char day[11]; /* "YYYY-MM-DD" */
	long long visits, views;
};

/*
 * Every day from..to (midnight UTC of each, inclusive) in order, with its visits and page
 * views (0 for a day without rows), in arena a.  Returns 0 or -1.
 */
int db_traffic_per_day(struct db *db, struct arena *a, time_t from, time_t to,
                       struct traffic_day **days, size_t *n);

#endif
