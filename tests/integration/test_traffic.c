/* test_traffic.c — `dittoctl traffic ingest` against the test stack: a log of known lines
 * (malformed and hostile ones among them) gives exactly the expected daily aggregates, a
 * second run counts nothing twice, logrotate's rename and copytruncate (also when the file grew
 * again past the old offset) and deploy/logrotate-ditto run by logrotate are followed without
 * loss or double counting, two runs at once count every line once, and the log nginx writes
 * for real requests holds route patterns and nothing that names a person. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
#define IPHONE                                                                                     \
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "     \
	"like "                                                                                    \
	"Gecko) Version/18.1 Mobile/15E148 Safari/604.1"

static char conf[512]; /* the stack's configuration, plus asn_database when we built one */
static bool have_asn;  /* the small ASN database was built (libmaxmind-db-writer-perl) */
static char asn_db[512];

/* UTC day `days_ago` days back, as YYYY-MM-DD: each test its own day, inside the retention. */
static void day_back(int days_ago, char out[11])
{
	time_t t = time(NULL) - (time_t)days_ago * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void log_path(char *buf, size_t cap, const char *tag)
{
	snprintf(buf, cap, "%s/run/test-traffic-%d-%s.log", env_state(), (int)getpid(), tag);
}

/* A visit id made of the test's pid and n: 32 lower-case hex digits. */
static const char *visit(int n)
{
	static char v[8][33];
	static int slot;
	char *out = v[slot++ % 8];
	snprintf(out, 33, "%016x%016x", (unsigned)getpid(), (unsigned)n);
	return out;
}

/* One line in nginx's ditto_traffic format. */
static void put_line(FILE *f, const char *day, const char *hms, const char *addr, const char *req,
                     int status, const char *ref, const char *ua, const char *vis)
{
	fprintf(f, "%sT%s+00:00 %s \"%s\" %d 100 0.002 \"%s\" \"%s\" %s\n", day, hms, addr, req,
	        status, ref, ua, vis);
}

/* Runs the ingest of log under source; asserts success; returns the "lines N" it reports. */
static long long ingest(const char *log, const char *source)
{
	char out[512], err[512], cmd[2048];
	snprintf(out, sizeof(out), "%s/run/test-traffic-%d.out", env_state(), (int)getpid());
	snprintf(err, sizeof(err), "%s/run/test-traffic-%d.err", env_state(), (int)getpid());
	snprintf(
	    cmd, sizeof(cmd),
	    "cd '%s' && \"$BUILD\"/dittoctl --config '%s' traffic ingest --log '%s' --source '%s' "
	    ">'%s' 2>'%s'",
	    env_repo(), conf, log, source, out, err);
	int rc = system(cmd);
	char o[4096], e[4096];
	slurp_file(out, o, sizeof(o));
	slurp_file(err, e, sizeof(e));
	if (rc != 0)
		fail_msg("traffic ingest failed (%d): %s%s", rc, o, e);
	long long lines = -1, malformed = -1;
	if (sscanf(o, "lines %lld, malformed %lld", &lines, &malformed) != 2)
		fail_msg("unexpected output: %s", o);
	return lines;
}

/* `dittoctl traffic report METRIC DAY DAY`'s output (static buffer). */
static const char *report(const char *metric, const char *day)
{
	char out[512], cmd[2048];
	static char buf[2048];
	snprintf(out, sizeof(out), "%s/run/test-traffic-%d.rep", env_state(), (int)getpid());
	snprintf(cmd, sizeof(cmd),
	         "\"$BUILD\"/dittoctl --config '%s' traffic report %s %s %s >'%s' 2>&1", conf,
	         metric, day, day, out);
	if (system(cmd) != 0)
		fail_msg("traffic report failed");
	slurp_file(out, buf, sizeof(buf));
	unlink(out);
	return buf;
}

/* Every aggregate of day as "metric value n" lines, sorted. */
static char *aggregates(const char *day)
{
	char path[512], cmd[1024];
	snprintf(path, sizeof(path), "%s/run/test-traffic-%d.agg", env_state(), (int)getpid());
	snprintf(cmd, sizeof(cmd),
	         "mariadb -S '%s/run/mysqld.sock' -u root -N -B ditto -e \"SELECT metric, value, n "
	         "FROM traffic_daily WHERE day = '%s' ORDER BY metric, value\" >'%s'",
	         env_state(), day, path);
	if (system(cmd) != 0)
		fail_msg("cannot read the aggregates");
	static char buf[8192];
	slurp_file(path, buf, sizeof(buf));
	return buf;
}

static void clear_day(const char *day)
{
	assert_int_equal(sql_admin("DELETE FROM traffic_daily WHERE day = '%s'", day), 0);
	assert_int_equal(sql_admin("DELETE FROM traffic_visits WHERE day = '%s'", day), 0);
}

static long long views_of(const char *day)
{
	return sql_admin_int("SELECT COALESCE(SUM(n), 0) FROM traffic_daily WHERE day = '%s' AND "
	                     "metric = 'views'",
	                     day);
}

static void test_known_lines_give_exactly_the_expected_aggregates_once(void **state)
{
	(void)state;
	char day[11], log[512], source[41];
	day_back(3, day);
	clear_day(day);
	log_path(log, sizeof(log), "known");
	snprintf(source, sizeof(source), "test-known-%d", (int)getpid());
	FILE *f = fopen(log, "w");
	assert_non_null(f);
	const char *a = visit(1), *b = visit(2);
	/* Visit A: three page views; a static file and a POST count as requests only. */
	put_line(f, day, "10:00:00", "203.0.113.7", "GET /", 200, "https://Search.Example", FIREFOX,
	         a);
	put_line(f, day, "10:01:00", "203.0.113.7", "GET /static/style.css", 200, "=", FIREFOX, a);
	put_line(f, day, "10:02:00", "203.0.113.7", "GET /product/{id}", 200, "=", FIREFOX, a);
	put_line(f, day, "10:03:00", "203.0.113.7", "POST /cart", 303, "=", FIREFOX, a);
	put_line(f, day, "10:04:00", "203.0.113.7", "GET /cart", 200, "=", FIREFOX, a);
	/* Visit B over IPv6, from a phone, no referrer. */
	put_line(f, day, "11:00:00", "2001:db8::1", "GET /catalog", 200, "-", IPHONE, b);
	put_line(f, day, "11:10:00", "2001:db8::1", "GET /product/{id}", 200, "=", IPHONE, b);
	/* A's browser again after two hours: a new visit. */
	put_line(f, day, "12:30:00", "203.0.113.7", "GET /orders/{id}", 200, "=", FIREFOX, a);
	/* Malformed and hostile: each counted, skipped, and never stops the run. */
	fputs("\n", f);
	fputs("not a log line at all\n", f);
	fprintf(f, "%sT13:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"", day);
	for (int i = 0; i < 6000; i++)
		fputc('A', f);
	fprintf(f, "\" %s\n", a);
	fprintf(f, "%sT13:00:01+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"caf\xc3\xa9\" %s\n",
	        day, a);
	fprintf(f, "%sT13:00:02+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"\xff\xfe\" %s\n", day,
	        a);
	fprintf(f, "%sT13:00:03+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"a\"b\" %s\n", day, a);
	fprintf(f, "%sT13:00:04+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"\x1b[2J\" %s\n", day,
	        a);
	fprintf(f,
	        "%sT13:00:05+00:00 10.0.0.1 \"GET /verify?token=abc\" 200 1 0.001 \"-\" \"x\" %s\n",
	        day, a);
	fprintf(f, "%sT13:00:06+00:00 999.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"x\" %s\n", day, a);
	fclose(f);

	assert_int_equal(ingest(log, source), 17);
	assert_int_equal(
	    sql_admin_int("SELECT malformed FROM traffic_sources WHERE name = '%s'", source), 9);
	const char *isp_a = have_asn ? "AS64500 Example Net" : "unknown";
	char expected[2048];
	snprintf(expected, sizeof(expected),
	         "browser\tFirefox\t2\n"
	         "browser\tSafari\t1\n"
	         "clicks\t1\t1\n"
	         "clicks\t2\t1\n"
	         "clicks\t3\t1\n"
	         "device\tdesktop\t2\n"
	         "device\tmobile\t1\n"
	         "entry\t/\t1\n"
	         "entry\t/catalog\t1\n"
	         "entry\t/orders/{id}\t1\n"
	         "exit\t/cart\t1\n"
	         "exit\t/orders/{id}\t1\n"
	         "exit\t/product/{id}\t1\n"
	         "%s"
	         "page\t/\t1\n"
	         "page\t/cart\t1\n"
	         "page\t/catalog\t1\n"
	         "page\t/orders/{id}\t1\n"
	         "page\t/product/{id}\t2\n"
	         "platform\tiOS\t1\n"
	         "platform\tLinux\t2\n"
	         "referrer\t(direct)\t1\n"
	         "referrer\t(this site)\t1\n"
	         "referrer\tsearch.example\t1\n"
	         "status\t200\t7\n"
	         "status\t303\t1\n"
	         "views\t\t6\n"
	         "visits\t\t3\n",
	         have_asn ? "isp\tAS64500 Example Net\t2\nisp\tunknown\t1\n" : "isp\tunknown\t3\n");
	(void)isp_a;
	char *got = aggregates(day);
	if (strcmp(got, expected) != 0)
		fail_msg("aggregates differ:\n%s\nexpected:\n%s", got, expected);
	/* Again: nothing new, nothing counted twice. */
	assert_int_equal(ingest(log, source), 0);
	assert_string_equal(aggregates(day), expected);
	/* No address in any table: the one traffic_visits row per visit holds none. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM traffic_visits WHERE CONCAT_WS(' ', "
	                  "visit_ref, entry_page, exit_page, browser, platform, device, "
	                  "isp, referrer) LIKE '%%203.0.113%%' OR CONCAT_WS(' ', "
	                  "visit_ref, isp, referrer) LIKE '%%2001:db8%%'"),
	    0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM traffic_daily WHERE value LIKE "
	                               "'%%203.0.113%%' OR value LIKE '%%?%%'"),
	                 0);
	/* Read out, every group under 5 is merged into "other". */
	/* ...and while "other" is under 5 the smallest group joins it: 7 + 1. */
	assert_string_equal(report("status", day), "other\t8\n");
	assert_string_equal(report("page", day), "other\t6\n");
	assert_int_equal(sql_admin("DELETE FROM traffic_sources WHERE name = '%s'", source), 0);
	unlink(log);
}

/* Appends n lines of distinct one-view visits (ids from *next) to path. */
static void append_views(const char *path, const char *day, int n, int *next)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	for (int i = 0; i < n; i++) {
		char hms[16];
		snprintf(hms, sizeof(hms), "09:%02d:%02d", (*next / 60) % 60, *next % 60);
		put_line(f, day, hms, "198.51.100.9", "GET /", 200, "-", FIREFOX,
		         visit(1000 + *next));
		(*next)++;
	}
	fclose(f);
}

static void test_both_rotations_are_followed_without_loss_or_double_counting(void **state)
{
	(void)state;
	char day[11], log[512], old[600], source[41];
	int next = 0;
	day_back(4, day);
	clear_day(day);
	log_path(log, sizeof(log), "rot");
	snprintf(old, sizeof(old), "%s.1", log);
	snprintf(source, sizeof(source), "test-rot-%d", (int)getpid());
	unlink(log);
	unlink(old);
	append_views(log, day, 3, &next);
	assert_int_equal(ingest(log, source), 3);
	/* logrotate's rename (create): two more lines in the old file, two in the new one. */
	append_views(log, day, 2, &next);
	assert_int_equal(rename(log, old), 0);
	append_views(log, day, 2, &next);
	assert_int_equal(ingest(log, source), 4);
	assert_int_equal(views_of(day), 7);
	/* Then copytruncate: a line, the copy, the truncation, and one line in the short file. */
	append_views(log, day, 1, &next);
	assert_int_equal(sh("cp '%s' '%s' && : >'%s'", log, old, log), 0);
	append_views(log, day, 1, &next);
	assert_int_equal(ingest(log, source), 2);
	assert_int_equal(views_of(day), 9);
	/* A line nginx is still writing (no newline yet) waits for the next run. */
	FILE *f = fopen(log, "a");
	assert_non_null(f);
	fprintf(f, "%sT09:59:00+00:00 198.51.100.9 \"GET /\" 200 1", day);
	fclose(f);
	assert_int_equal(ingest(log, source), 0);
	f = fopen(log, "a");
	assert_non_null(f);
	fprintf(f, "00 0.002 \"-\" \"x\" %s\n", visit(4242));
	fclose(f);
	assert_int_equal(ingest(log, source), 1);
	assert_int_equal(views_of(day), 10);
	assert_int_equal(sql_admin_int("SELECT n FROM traffic_daily WHERE day = '%s' AND metric = "
	                               "'visits'",
	                               day),
	                 10);
	assert_int_equal(ingest(log, source), 0);
	assert_int_equal(views_of(day), 10);
	assert_int_equal(sql_admin("DELETE FROM traffic_sources WHERE name = '%s'", source), 0);
	unlink(log);
	unlink(old);
}

/* copytruncate, and the file grew again past where the ingest stood before it ran: the bytes
 * at the old offset are other lines now (the fingerprint kept with the position differs), so
 * the rest of the copy and then the whole new file are read, none of its start skipped. */
static void test_copytruncate_regrown_past_the_offset_loses_and_repeats_nothing(void **state)
{
	(void)state;
	char day[11], log[512], old[600], source[41];
	int next = 0;
	day_back(6, day);
	clear_day(day);
	log_path(log, sizeof(log), "regrow");
	snprintf(old, sizeof(old), "%s.1", log);
	snprintf(source, sizeof(source), "test-regrow-%d", (int)getpid());
	unlink(log);
	unlink(old);
	append_views(log, day, 3, &next);
	assert_int_equal(ingest(log, source), 3);
	/* Two lines after the run, the copy, the truncation, then six lines: longer than before. */
	append_views(log, day, 2, &next);
	assert_int_equal(sh("cp '%s' '%s' && : >'%s'", log, old, log), 0);
	append_views(log, day, 6, &next);
	assert_int_equal(ingest(log, source), 8);
	assert_int_equal(views_of(day), 11);
	assert_int_equal(ingest(log, source), 0);
	assert_int_equal(views_of(day), 11);
	/* Again, with the copy gone (compressed or removed): the new file from the top. */
	assert_int_equal(sh(": >'%s'", log), 0);
	unlink(old);
	append_views(log, day, 12, &next);
	assert_int_equal(ingest(log, source), 12);
	assert_int_equal(views_of(day), 23);
	assert_int_equal(sql_admin_int("SELECT n FROM traffic_daily WHERE day = '%s' AND metric = "
	                               "'visits'",
	                               day),
	                 23);
	/* Appending only: read on from the offset, the fingerprint still matches. */
	append_views(log, day, 1, &next);
	assert_int_equal(ingest(log, source), 1);
	assert_int_equal(views_of(day), 24);
	assert_int_equal(sql_admin("DELETE FROM traffic_sources WHERE name = '%s'", source), 0);
	unlink(log);
}

/* Writes the lines of one cookie whose times go back (a clock step, lines out of order):
 * part 1 or 2 of them. */
static void put_backwards(FILE *f, const char *day, int part)
{
	const char *x = visit(7000), *y = visit(7001);
	if (part == 1) {
		put_line(f, day, "10:00:00", "198.51.100.7", "GET /", 200, "-", FIREFOX, x);
		put_line(f, day, "10:10:00", "198.51.100.7", "GET /catalog", 200, "=", FIREFOX, x);
		put_line(f, day, "09:00:00", "198.51.100.7", "GET /cart", 200, "=", FIREFOX, x);
		put_line(f, day, "11:00:00", "198.51.100.8", "GET /", 200, "-", IPHONE, y);
	} else {
		put_line(f, day, "09:05:00", "198.51.100.7", "GET /account", 200, "=", FIREFOX, x);
		put_line(f, day, "11:01:00", "198.51.100.8", "GET /cart", 200, "=", IPHONE, y);
		put_line(f, day, "11:02:00", "198.51.100.8", "GET /orders", 200, "=", IPHONE, y);
	}
}

/* A log read in two runs gives the same aggregates as read in one, also when a cookie's lines
 * go back in time: a run continues the visit the cookie began last, as one run does. */
static void test_two_runs_count_as_one_run_does(void **state)
{
	(void)state;
	char one[11], two[11], log1[512], log2[512], src1[41], src2[41];
	day_back(8, one);
	day_back(9, two);
	clear_day(one);
	clear_day(two);
	log_path(log1, sizeof(log1), "once");
	log_path(log2, sizeof(log2), "twice-runs");
	snprintf(src1, sizeof(src1), "test-once-%d", (int)getpid());
	snprintf(src2, sizeof(src2), "test-tworuns-%d", (int)getpid());
	FILE *f = fopen(log1, "w");
	assert_non_null(f);
	put_backwards(f, one, 1);
	put_backwards(f, one, 2);
	fclose(f);
	assert_int_equal(ingest(log1, src1), 7);
	f = fopen(log2, "w");
	assert_non_null(f);
	put_backwards(f, two, 1);
	fclose(f);
	assert_int_equal(ingest(log2, src2), 4);
	f = fopen(log2, "a");
	assert_non_null(f);
	put_backwards(f, two, 2);
	fclose(f);
	assert_int_equal(ingest(log2, src2), 3);
	char at_once[8192];
	snprintf(at_once, sizeof(at_once), "%s", aggregates(one));
	assert_string_equal(aggregates(two), at_once);
	/* Three visits: x's at 10:00, x's from 09:00 (it went back) and y's. */
	assert_int_equal(sql_admin_int("SELECT n FROM traffic_daily WHERE day = '%s' AND metric = "
	                               "'visits'",
	                               two),
	                 3);
	assert_int_equal(
	    sql_admin("DELETE FROM traffic_sources WHERE name IN ('%s', '%s')", src1, src2), 0);
	unlink(log1);
	unlink(log2);
}

/* A line longer than the ingest's 1 MiB read buffer is one malformed line, skipped to its
 * newline; while its newline is not written yet, it waits like any incomplete line. */
static void test_a_line_longer_than_the_read_buffer_is_one_malformed_line(void **state)
{
	(void)state;
	char day[11], log[512], source[41];
	int next = 0;
	day_back(10, day);
	clear_day(day);
	log_path(log, sizeof(log), "huge");
	snprintf(source, sizeof(source), "test-huge-%d", (int)getpid());
	unlink(log);
	append_views(log, day, 1, &next);
	FILE *f = fopen(log, "a");
	assert_non_null(f);
	fprintf(f, "%sT09:30:00+00:00 198.51.100.9 \"GET /", day);
	for (int i = 0; i < 3 * 1024 * 1024; i++)
		fputc('a', f);
	fclose(f);
	assert_int_equal(ingest(log, source), 1);
	f = fopen(log, "a");
	assert_non_null(f);
	fputs("\" 200 1 0.001 \"-\" \"x\" 00000000000000000000000000000001\n", f);
	fclose(f);
	append_views(log, day, 2, &next);
	assert_int_equal(ingest(log, source), 3);
	assert_int_equal(
	    sql_admin_int("SELECT malformed FROM traffic_sources WHERE name = '%s'", source), 1);
	assert_int_equal(views_of(day), 3);
	assert_int_equal(ingest(log, source), 0);
	assert_int_equal(sql_admin("DELETE FROM traffic_sources WHERE name = '%s'", source), 0);
	unlink(log);
}

/* deploy/logrotate-ditto itself, run by logrotate -f with its paths moved into the test's
 * directory: its prerotate ingest, rename and delaycompress are followed without loss or
 * double counting. */
static void test_the_logrotate_file_is_followed_without_loss(void **state)
{
	(void)state;
	char day[11], log[512], source[41], cfg_path[600], st_path[600];
	int next = 0;
	day_back(7, day);
	clear_day(day);
	log_path(log, sizeof(log), "logrotate");
	snprintf(source, sizeof(source), "test-logrotate-%d", (int)getpid());
	snprintf(cfg_path, sizeof(cfg_path), "%s.conf", log);
	snprintf(st_path, sizeof(st_path), "%s.state", log);
	assert_int_equal(sh("rm -f '%s' '%s'.[0-9]* '%s'", log, log, st_path), 0);
	const char *build = getenv("BUILD");
	assert_non_null(build);
	assert_int_equal(
	    sh("sed -e 's|^/var/log/nginx/ditto-traffic.log /var/log/nginx/ditto-staff-traffic.log "
	       "{|%s {|' -e 's|runuser -u ditto-cron -- /usr/local/bin/dittoctl --config "
	       "/etc/ditto/ditto.conf traffic ingest|%s/dittoctl --config %s traffic ingest --log "
	       "%s --source %s|' -e 's|create 0640 www-data adm|create|' -e "
	       "'s|/run/nginx.pid|%s.nginx.pid|g' '%s/deploy/logrotate-ditto' >'%s' && chmod 0644 "
	       "'%s'",
	       log, build, conf, log, source, log, env_repo(), cfg_path, cfg_path),
	    0);
	/* Every path was moved: nothing of the production machine is left in the copy. */
	assert_int_not_equal(sh("grep -v '^#' '%s' | grep -q -e /var/log/nginx -e /etc/ditto/ -e "
	                        "'\\[ ! -f /run/' -e /usr/local/bin",
	                        cfg_path),
	                     0);
	append_views(log, day, 3, &next);
	assert_int_equal(ingest(log, source), 3);
	/* Two lines the timer has not read yet: the prerotate ingest reads them before the
	 * rename; two more in the new file nginx reopened. */
	append_views(log, day, 2, &next);
	assert_int_equal(sh("logrotate -f -s '%s' '%s'", st_path, cfg_path), 0);
	assert_int_equal(views_of(day), 5);
	assert_int_equal(sh("test -s '%s.1' && test -f '%s' && ! test -s '%s'", log, log, log), 0);
	append_views(log, day, 2, &next);
	assert_int_equal(ingest(log, source), 2);
	assert_int_equal(views_of(day), 7);
	/* The next day's rotation: .1 is compressed to .2.gz, the log becomes the plain .1. */
	append_views(log, day, 1, &next);
	assert_int_equal(sh("logrotate -f -s '%s' '%s'", st_path, cfg_path), 0);
	assert_int_equal(sh("test -f '%s.2.gz' && test -s '%s.1'", log, log), 0);
	append_views(log, day, 1, &next);
	assert_int_equal(ingest(log, source), 1);
	assert_int_equal(ingest(log, source), 0);
	assert_int_equal(views_of(day), 9);
	assert_int_equal(sql_admin_int("SELECT n FROM traffic_daily WHERE day = '%s' AND metric = "
	                               "'visits'",
	                               day),
	                 9);
	assert_int_equal(sql_admin("DELETE FROM traffic_sources WHERE name = '%s'", source), 0);
	assert_int_equal(sh("rm -f '%s' '%s'.[0-9]* '%s' '%s'", log, log, st_path, cfg_path), 0);
}

static void test_two_ingests_at_once_count_every_line_once(void **state)
{
	(void)state;
	char day[11], log[512], source[41], args[1200];
	int next = 0;
	day_back(5, day);
	clear_day(day);
	log_path(log, sizeof(log), "twice");
	snprintf(source, sizeof(source), "test-twice-%d", (int)getpid());
	unlink(log);
	append_views(log, day, 3000, &next);
	snprintf(args, sizeof(args), "traffic ingest --log '%s' --source '%s'", log, source);
	struct ctl_run r[2];
	assert_int_equal(ctl_run_twice(r, "traffic", NULL, args), 0);
	for (int i = 0; i < 2; i++)
		if (r[i].status != 0)
			fail_msg("run %d failed: %s", i, r[i].err);
	long long counted = 0;
	for (int i = 0; i < 2; i++) {
		long long n = 0, m = 0;
		if (sscanf(r[i].out, "lines %lld, malformed %lld", &n, &m) == 2)
			counted += n;
		else if (strstr(r[i].out, "another traffic ingest holds the lease") == NULL)
			fail_msg("unexpected output: %s", r[i].out);
	}
	assert_int_equal(counted, 3000);
	assert_int_equal(views_of(day), 3000);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM job_leases WHERE name = 'traffic' AND "
	                               "holder = ''"),
	                 1);
	assert_int_equal(sql_admin("DELETE FROM traffic_sources WHERE name = '%s'", source), 0);
	unlink(log);
}

static void test_the_real_log_holds_route_patterns_and_names_no_one(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/log/traffic.log", env_state());
	struct client cl = {0}, *c = &cl;
	const char *user = approved_user();
	struct http_resp r;
	assert_int_equal(do_login(c, user, TEST_PASSWORD, NULL), 303);
	char session[200];
	assert_non_null(client_get_cookie(c, "ditto"));
	snprintf(session, sizeof(session), "%s", client_get_cookie(c, "ditto"));
	/* The visit cookie is a cookie of its own, never the session's. */
	assert_non_null(client_get_cookie(c, "ditto_visit"));
	assert_string_not_equal(client_get_cookie(c, "ditto_visit"), session);
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
	long long product = sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1");
	char p[128], marker[64];
	snprintf(marker, sizeof(marker), "secret%dq", (int)getpid());
	snprintf(p, sizeof(p), "/product/%lld?q=%s", product, marker);
	assert_int_equal(client_get(c, env_web(), p, &r), 0);
	/* The route header is for nginx's log only. */
	assert_null(http_header_value(&r, "X-Ditto-Route"));
	http_resp_free(&r);
	snprintf(p, sizeof(p), "/orders/%lld", 987654321LL);
	assert_int_equal(client_get(c, env_web(), p, &r), 0);
	http_resp_free(&r);
	assert_int_equal(client_get(c, env_web(), "/account", &r), 0);
	http_resp_free(&r);
	/* A visitor without the cookie gets the anonymous visit cookie, never a session. */
	assert_int_equal(http_get(env_web(), "/privacy", &r), 0);
	char *set = http_header_value(&r, "Set-Cookie");
	assert_non_null(set);
	assert_non_null(strstr(set, "ditto_visit="));
	assert_non_null(strstr(set, "Max-Age=86400"));
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	free(set);
	http_resp_free(&r);
	sleep(1); /* nginx writes each line when its request ends; let the last one land */
	char *text = slurp_all(path); /* the whole log: earlier tests grew it past 2 MB */
	assert_non_null(strstr(text, "\"GET /product/{id}\""));
	assert_non_null(strstr(text, "\"GET /orders/{id}\""));
	assert_null(strstr(text, "?"));
	assert_null(strstr(text, marker));
	assert_null(strstr(text, "987654321"));
	assert_null(strstr(text, session));
	assert_null(strstr(text, user));
	assert_null(strstr(text, mail_of(user)));
	char needle[64];
	snprintf(needle, sizeof(needle), "/product/%lld\"", product);
	assert_null(strstr(text, needle));
	free(text);
	/* The application log names no customer at the default level either. */
	char web_log[512];
	snprintf(web_log, sizeof(web_log), "%s/log/web.log", env_state());
	char *app = slurp_all(web_log);
	snprintf(needle, sizeof(needle), "customer %lld ", id);
	assert_null(strstr(app, needle));
	assert_null(strstr(app, user));
	free(app);
}

/* Builds a MaxMind-format ASN database mapping 203.0.113.0/24 (a documentation range, hence
 * remove_reserved_networks => 0) to AS64500 "Example Net", with
 * Debian's libmaxmind-db-writer-perl; false (and a skip line later) when it is missing. */
static bool build_asn_db(void)
{
	snprintf(asn_db, sizeof(asn_db), "%s/run/test-traffic-%d.mmdb", env_state(), (int)getpid());
	return sh("perl -MMaxMind::DB::Writer::Tree -e '"
	          "my $t = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24, "
	          "remove_reserved_networks => 0, "
	          "database_type => q(GeoLite2-ASN), languages => [q(en)], description => {en => "
	          "q(test)}, map_key_type_callback => sub { $_[0] eq q(autonomous_system_number) ? "
	          "q(uint32) : q(utf8_string) });"
	          "$t->insert_network(q(203.0.113.0/24), {autonomous_system_number => 64500, "
	          "autonomous_system_organization => q(Example Net)});"
	          "open my $f, q(>:raw), $ARGV[0] or die; $t->write_tree($f);' '%s' 2>/dev/null",
	          asn_db) == 0;
}

int main(void)
{
	harness_require_stack();
	have_asn = build_asn_db();
	if (have_asn) {
		snprintf(conf, sizeof(conf), "%s/run/test-traffic-%d.conf", env_state(),
		         (int)getpid());
		if (sh("{ echo 'asn_database = %s'; cat '%s/ditto.conf'; } >'%s'", asn_db,
		       env_state(), conf) != 0)
			harness_die("cannot write %s", conf);
	} else {
		printf(
		    "# ISPs: libmaxmind-db-writer-perl is missing, so no ASN database is built and "
		    "every ISP is expected as \"unknown\"\n");
		snprintf(conf, sizeof(conf), "%s/ditto.conf", env_state());
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_lines_give_exactly_the_expected_aggregates_once),
	    cmocka_unit_test(test_both_rotations_are_followed_without_loss_or_double_counting),
	    cmocka_unit_test(test_copytruncate_regrown_past_the_offset_loses_and_repeats_nothing),
	    cmocka_unit_test(test_the_logrotate_file_is_followed_without_loss),
	    cmocka_unit_test(test_two_runs_count_as_one_run_does),
	    cmocka_unit_test(test_a_line_longer_than_the_read_buffer_is_one_malformed_line),
	    cmocka_unit_test(test_two_ingests_at_once_count_every_line_once),
	    cmocka_unit_test(test_the_real_log_holds_route_patterns_and_names_no_one),
	};
	int rc = cmocka_run_group_tests_name("traffic", tests, NULL, NULL);
	if (have_asn) {
		unlink(conf);
		unlink(asn_db);
	}
	return rc;
}
