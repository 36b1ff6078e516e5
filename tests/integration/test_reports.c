/* test_reports.c — /admin/reports through nginx over a month (March 2010) seeded by SQL: every
 * number of the weekly and category tables as seeded, small categories merged into "other",
 * the distributions equal to the database's own counts, each chart an SVG with a title and
 * labelled axes, a table as formula-safe CSV, bad ranges refused with 400, no username, email
 * or customer link on the page, and 403 for every role but analyst and admin.  The month's
 * traffic is a log in nginx's ditto_traffic format put through `dittoctl traffic ingest`: its
 * tables (visits and views per day, zero-filled; the breakdowns, small groups merged into
 * "other") and their CSV are checked number for number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "sql_harness.h"
#include "staff_harness.h"

#define RANGE "from=2010-03-01&to=2010-03-31"
#define NCUST 14

static MYSQL *root;
static struct client analyst;
static char cat_name[4][101]; /* the seeded categories A, B, C, D */
static char usernames[NCUST][64];

/* The registrations of the month: 3 in the week of 1 March, none in the next, 5, 2, and 1
 * (the 31st), plus one on each side of the range. Two are still pending. */
static const struct {
	const char *day;
	const char *status;
} customers[NCUST] = {
    {"2010-02-28", "denied"},  {"2010-03-01", "denied"},    {"2010-03-03", "denied"},
    {"2010-03-07", "denied"},  {"2010-03-15", "denied"},    {"2010-03-16", "denied"},
    {"2010-03-17", "pending"}, {"2010-03-18", "denied"},    {"2010-03-21", "denied"},
    {"2010-03-22", "pending"}, {"2010-03-28", "denied"},    {"2010-03-31", "denied"},
    {"2010-04-01", "denied"},  {"2010-03-19", "cancelled"},
};

/* The orders of the month, one line each: category (0-3 for A-D), quantity, unit price. */
static const struct {
	const char *day;
	int cat, qty, unit;
	const char *status;
} orders[] = {
    {"2010-03-01", 0, 1, 1000, "paid"}, {"2010-03-02", 0, 2, 1000, "paid"},
    {"2010-03-07", 1, 1, 2500, "paid"}, {"2010-03-08", 0, 1, 1000, "paid"},
    {"2010-03-09", 1, 1, 2500, "paid"}, {"2010-03-10", 2, 3, 500, "paid"},
    {"2010-03-14", 3, 1, 700, "paid"},  {"2010-03-12", 0, 1, 1000, "cancelled"},
    {"2010-03-22", 0, 1, 1000, "paid"}, {"2010-03-23", 0, 1, 1000, "paid"},
    {"2010-03-24", 1, 2, 2500, "paid"}, {"2010-03-25", 2, 1, 500, "paid"},
    {"2010-03-26", 3, 1, 700, "paid"},  {"2010-03-28", 1, 1, 2500, "paid"},
    {"2010-03-29", 0, 1, 1000, "paid"}, {"2010-03-30", 1, 1, 2500, "paid"},
    {"2010-03-31", 2, 1, 500, "paid"},  {"2010-03-31", 0, 1, 1000, "shipped"},
    {"2010-02-27", 0, 5, 1000, "paid"}, {"2010-04-01", 1, 5, 2500, "paid"},
};

#define FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
#define IPHONE                                                                                     \
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "     \
	"like "                                                                                    \
	"Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
#define CHROME_WIN                                                                                 \
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "        \
	"Chrome/131.0.0.0 Safari/537.36"
#define TRAFFIC_VISITS 60

static char traffic_source[41];

static void sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sql(const char *fmt, ...)
{
	char q[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	if (mysql_query(root, q) != 0)
		harness_die("%s: %s", q, mysql_error(root));
}

/* Removes what an earlier run of this test seeded (it owns March 2010 and the rpt_ accounts). */
static void unseed(void)
{
	sql("DELETE l FROM order_lines l JOIN orders o ON o.id = l.order_id "
	    "WHERE o.nonce LIKE 'rpt-%%'");
	sql("DELETE FROM orders WHERE nonce LIKE 'rpt-%%'");
	sql("DELETE FROM customers WHERE username LIKE 'rpt\\_%%'");
	/* The test owns the traffic of March 2010 and the days around it too. */
	sql("DELETE FROM traffic_daily WHERE day BETWEEN '2010-02-20' AND '2010-04-10'");
	sql("DELETE FROM traffic_visits WHERE day BETWEEN '2010-02-20' AND '2010-04-10'");
	if (traffic_source[0] != '\0')
		sql("DELETE FROM traffic_sources WHERE name = '%s'", traffic_source);
}

/* One request of visit i in nginx's ditto_traffic format, minute m of its hour. */
static void put_request(FILE *f, int day, int i, int m, const char *req, int status,
                        const char *ref, const char *ua)
{
	fprintf(f,
	        "2010-%02d-%02dT%02d:%02d:00+00:00 203.0.113.%d \"%s\" %d 512 0.003 \"%s\" "
	        "\"%s\" %016x%016x\n",
	        day > 31 ? 4 : 3, day > 31 ? day - 31 : day, i % 2 ? 15 : 10, m, i % 250, req,
	        status, ref, ua, (unsigned)getpid(), 1000u + (unsigned)i);
}

/* The month's traffic: 60 visits, two on each day of 1-30 March (none on the 31st), one on 1
 * April.  Visit i: browser by i % 3 (Firefox on Linux, Safari on an iPhone, Chrome on
 * Windows); referrer search.example (i % 4 == 0), news.example (i % 4 == 2), rare.example (3,
 * 7, 11), odd.example (15, 19: a port, dropped) or none; 1 + i % 3 pages of "/" or "/catalog"
 * (even, odd), "/product/{id}", "/cart", a stylesheet (404 when i % 10 == 0) and, for odd i, a
 * POST; then an exit to partner.example (i % 5 == 4), tiny.example (0, 1) or far.example (2, 3,
 * 5).  The expected numbers below are worked out from these rules by hand. */
static void seed_traffic(void)
{
	char log[512], cmd[2048];
	snprintf(traffic_source, sizeof(traffic_source), "test-reports-%d", (int)getpid());
	snprintf(log, sizeof(log), "%s/run/test-reports-%d.log", env_state(), (int)getpid());
	FILE *f = fopen(log, "w");
	assert_non_null(f);
	static const char *const uas[] = {FIREFOX, IPHONE, CHROME_WIN};
	for (int i = 0; i <= TRAFFIC_VISITS; i++) {
		int day = i == TRAFFIC_VISITS ? 32 : 1 + i / 2, m = 0;
		const char *ua = uas[i % 3];
		const char *ref = "-";
		if (i % 4 == 0)
			ref = "https://search.example";
		else if (i % 4 == 2)
			ref = "https://news.example";
		else if (i == 3 || i == 7 || i == 11)
			ref = "https://rare.example";
		else if (i == 15 || i == 19)
			ref = "https://odd.example:8443";
		const char *pages[] = {i % 2 ? "GET /catalog" : "GET /", "GET /product/{id}",
		                       "GET /cart"};
		int n = 1 + i % 3;
		for (int p = 0; p < n; p++) {
			put_request(f, day, i, m++, pages[p], 200, p == 0 ? ref : "=", ua);
			if (p == 0)
				put_request(f, day, i, m++, "GET /static/style.css",
				            i % 10 == 0 ? 404 : 200, "=", ua);
		}
		if (i % 2)
			put_request(f, day, i, m++, "POST /cart", 303, "=", ua);
		const char *exit = NULL;
		if (i % 5 == 4)
			exit = "GET /leave/partner.example";
		else if (i == 0 || i == 1)
			exit = "GET /leave/tiny.example";
		else if (i == 2 || i == 3 || i == 5)
			exit = "GET /leave/far.example";
		if (exit != NULL)
			put_request(f, day, i, m++, exit, 200, "=", ua);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	         "\"$BUILD\"/dittoctl --config '%s/ditto.conf' traffic ingest --log '%s' "
	         "--source '%s' >/dev/null",
	         env_state(), log, traffic_source);
	if (system(cmd) != 0)
		harness_die("traffic ingest of %s failed", log);
	unlink(log);
}

static void seed(void)
{
	/* Four categories with a product each, from the demo catalogue. */
	sql("SELECT c.id, c.name, MIN(p.id) FROM categories c JOIN products p "
	    "ON p.category_id = c.id GROUP BY c.id, c.name ORDER BY c.id LIMIT 4");
	MYSQL_RES *res = mysql_store_result(root);
	assert_non_null(res);
	assert_int_equal(mysql_num_rows(res), 4);
	long long product[4];
	for (int i = 0; i < 4; i++) {
		MYSQL_ROW row = mysql_fetch_row(res);
		snprintf(cat_name[i], sizeof(cat_name[i]), "%s", row[1]);
		product[i] = atoll(row[2]);
	}
	mysql_free_result(res);

	for (int i = 0; i < NCUST; i++) {
		snprintf(usernames[i], sizeof(usernames[i]), "rpt_%d_%d", (int)getpid(), i);
		sql("INSERT INTO customers (username, email, name, password_hash, status, "
		    "registered_at, policy_version) SELECT '%s', '%s@example.com', 'Report Person "
		    "%d', "
		    "'x', '%s', '%s 10:00:00', MIN(version) FROM policy_versions",
		    usernames[i], usernames[i], i, customers[i].status, customers[i].day);
	}
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		int total = orders[i].qty * orders[i].unit;
		sql("INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
		    "contact_email, billing_line1, billing_city, billing_postcode, "
		    "billing_country, "
		    "shipping_line1, shipping_city, shipping_postcode, shipping_country, "
		    "payment_mode, "
		    "total_cents, test_order, created_at) SELECT NULL, 'rpt-%d-%zu', '%s', "
		    "MIN(version), 'x', 'x@example.com', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', "
		    "'invoice', %d, 0, '%s 12:00:00' FROM policy_versions",
		    (int)getpid(), i, orders[i].status, total, orders[i].day);
		sql("INSERT INTO order_lines (order_id, line_no, product_id, sku, name, "
		    "unit_price_cents, quantity) VALUES (LAST_INSERT_ID(), 1, %lld, 'RPT', 'x', "
		    "%d, %d)",
		    product[orders[i].cat], orders[i].unit, orders[i].qty);
	}
	/* A test order (sandbox) of the month is no sale. */
	sql("INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
	    "contact_email, billing_line1, billing_city, billing_postcode, billing_country, "
	    "shipping_line1, shipping_city, shipping_postcode, shipping_country, payment_mode, "
	    "total_cents, test_order, created_at) SELECT NULL, 'rpt-%d-test', 'paid', "
	    "MIN(version), "
	    "'x', 'x@example.com', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'card', 99900, 1, "
	    "'2010-03-15 12:00:00' FROM policy_versions",
	    (int)getpid());
}

static int setup(void **state)
{
	(void)state;
	root = harness_connect_as("root", NULL);
	unseed();
	seed();
	seed_traffic();
	struct member m;
	member_new(&m, ROLE_ANALYST);
	memset(&analyst, 0, sizeof(analyst));
	staff_login(&analyst, &m);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unseed();
	mysql_close(root);
	return 0;
}

/* The body of the report page for query q as the analyst, asserted 200. */
static char *page(const char *q)
{
	struct http_resp r;
	char path[256];
	snprintf(path, sizeof(path), "/admin/reports%s%s", q[0] ? "?" : "", q);
	long st = staff_get(&analyst, path, &r);
	if (st != 200)
		fprintf(stderr, "%s: %ld %s\n", path, st, r.body);
	assert_int_equal(st, 200);
	char *body = strdup(r.body);
	http_resp_free(&r);
	return body;
}

/* The HTML of table id="table-NAME" in body (malloc'd). */
static char *table_of(const char *body, const char *name)
{
	char id[64];
	snprintf(id, sizeof(id), "id=\"table-%s\"", name);
	const char *s = strstr(body, id);
	assert_non_null(s);
	const char *e = strstr(s, "</table>");
	assert_non_null(e);
	return strndup(s, (size_t)(e - s));
}

static void assert_has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fprintf(stderr, "missing: %s\nin: %s\n", needle, hay);
	assert_non_null(strstr(hay, needle));
}

static int count_rows(const char *table)
{
	int n = 0;
	for (const char *p = table; (p = strstr(p, "<th scope=\"row\">")) != NULL; p++)
		n++;
	return n;
}

static void test_registrations_per_week_are_the_seeded_ones(void **state)
{
	(void)state;
	char *body = page(RANGE);
	char *t = table_of(body, "registrations");
	assert_int_equal(count_rows(t), 5);
	assert_has(t, "<tr><th scope=\"row\">2010-03-01</th><td>3</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-08</th><td>0</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-15</th><td>6</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-22</th><td>2</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-29</th><td>1</td></tr>");
	free(t);
	free(body);
}

static void
test_orders_and_revenue_per_week_leave_out_cancelled_revenue_and_test_orders(void **state)
{
	(void)state;
	char *body = page(RANGE);
	char *t = table_of(body, "orders");
	assert_int_equal(count_rows(t), 5);
	assert_has(t, "<tr><th scope=\"row\">2010-03-01</th><td>3</td><td>55.00</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-08</th><td>5</td><td>57.00</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-15</th><td>0</td><td>0.00</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-22</th><td>6</td><td>107.00</td></tr>");
	assert_has(t, "<tr><th scope=\"row\">2010-03-29</th><td>4</td><td>50.00</td></tr>");
	free(t);
	free(body);
}

static void test_top_categories_merge_those_under_five_orders_into_other(void **state)
{
	(void)state;
	char *body = page(RANGE);
	char *t = table_of(body, "categories");
	char row[512];
	assert_int_equal(count_rows(t), 3);
	/* B first (150.00), then A (80.00); C (3 orders) and D (2) together as "other". */
	snprintf(row, sizeof(row),
	         "<tr><th scope=\"row\">%s</th><td>5</td><td>6</td><td>150.00</td>", cat_name[1]);
	assert_has(t, row);
	snprintf(row, sizeof(row),
	         "<tr><th scope=\"row\">%s</th><td>7</td><td>8</td><td>80.00</td>", cat_name[0]);
	assert_has(t, row);
	assert_has(t, "<tr><th scope=\"row\">other</th><td>5</td><td>7</td><td>39.00</td>");
	assert_true(strstr(t, cat_name[1]) < strstr(t, cat_name[0]));
	assert_null(strstr(t, cat_name[2]));
	assert_null(strstr(t, cat_name[3]));
	free(t);
	free(body);
}

/* The sum of the cells of a two-column table (its second column). */
static long long column_sum(const char *table)
{
	long long sum = 0;
	for (const char *p = table; (p = strstr(p, "</th><td>")) != NULL; p += 9)
		sum += atoll(p + 9);
	return sum;
}

/* The number in the row labelled label of a two-column table, or -1. */
static long long row_value(const char *table, const char *label)
{
	char head[128];
	snprintf(head, sizeof(head), "<th scope=\"row\">%s</th><td>", label);
	const char *p = strstr(table, head);
	return p ? atoll(p + strlen(head)) : -1;
}

static void test_distributions_match_the_database_and_show_no_group_under_five(void **state)
{
	(void)state;
	char *body = page(RANGE);
	char *pend = table_of(body, "pending");
	char *vc = table_of(body, "visit_counts");
	char *lv = table_of(body, "last_visits");
	long long pending = sql_admin_int("SELECT COUNT(*) FROM customers WHERE status='pending'");
	long long approved =
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE status='approved'");
	assert_int_equal(column_sum(pend), pending);
	/* The two seeded ones registered in 2010: a week and more ago. */
	assert_true(row_value(pend, "7 days or more") >= 2);
	/* Fewer than 5 approved accounts in all would be a small group however merged: then
	 * nothing is shown (a fresh stack has one). */
	assert_int_equal(column_sum(vc), approved >= 5 ? approved : 0);
	assert_int_equal(column_sum(lv), approved >= 5 ? approved : 0);
	long long never = sql_admin_int(
	    "SELECT COUNT(*) FROM customers WHERE status='approved' AND last_visit_at IS NULL");
	long long zero = sql_admin_int(
	    "SELECT COUNT(*) FROM customers WHERE status='approved' AND visit_count = 0");
	/* A bucket is shown as counted when it holds 5 or more, else it is in "other". */
	if (never >= 5 && row_value(lv, "never") >= 0)
		assert_int_equal(row_value(lv, "never"), never);
	if (zero >= 5 && row_value(vc, "0") >= 0)
		assert_int_equal(row_value(vc, "0"), zero);
	const char *tables[] = {vc, lv};
	for (int i = 0; i < 2; i++)
		for (const char *p = tables[i]; (p = strstr(p, "</th><td>")) != NULL; p += 9)
			assert_true(atoll(p + 9) >= 5);
	free(pend);
	free(vc);
	free(lv);
	free(body);
}

static void test_every_chart_is_an_svg_with_a_title_and_labelled_axes(void **state)
{
	(void)state;
	char *body = page(RANGE);
	assert_has(body, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"");
	assert_has(body, "aria-labelledby=\"chart-registrations-title\"");
	assert_has(body, "<title id=\"chart-registrations-title\">Registrations per week</title>");
	assert_has(body, "<title id=\"chart-orders-title\">Orders per week</title>");
	assert_has(body, "<title id=\"chart-revenue-title\">Revenue per week</title>");
	assert_has(body, "<title id=\"chart-categories-title\">Revenue by category</title>");
	assert_has(body, "<title id=\"chart-pending-title\">");
	assert_has(body, "<title id=\"chart-visit-counts-title\">");
	assert_has(body, "<title id=\"chart-last-visits-title\">");
	assert_has(body, ">Week from (month-day)</text>");
	assert_has(body, ">Registrations</text>");
	assert_has(body, ">Revenue (whole units)</text>");
	/* A bar carries its number: the week of 15 March had 6 registrations. */
	assert_has(body, "<title>03-15: 6</title>");
	assert_null(strstr(body, "<script"));
	assert_has(body, "id=\"report-traffic\"");
	assert_has(body, "<title id=\"chart-traffic-visits-title\">Visits per day</title>");
	assert_has(body, "<title id=\"chart-traffic-views-title\">Page views per day</title>");
	assert_has(body, "<title id=\"chart-traffic_outbound-title\">Exits by other site</title>");
	assert_has(body, ">Other site</text>");
	assert_null(strstr(body, "No traffic data yet."));
	free(body);
	/* A range without traffic: the traffic section says so, and shows no table. */
	body = page("from=2009-03-01&to=2009-03-31");
	assert_has(body, "id=\"report-traffic\"");
	assert_has(body, "No traffic data yet.");
	assert_null(strstr(body, "id=\"table-traffic_daily\""));
	free(body);
}

/* The page views of each day of March (visits: two a day, none on the 31st). */
static const int views_per_day[31] = {5, 6, 7, 3, 5, 5, 3, 5, 5, 4, 4, 5, 4, 4, 6, 3,
                                      4, 6, 3, 5, 5, 3, 5, 5, 4, 4, 5, 4, 4, 6, 0};

/* Each breakdown as "label\tcount\n" rows, in the page's order. */
static const struct {
	const char *table, *head, *count_head, *rows;
} breakdowns[] = {
    {"traffic_clicks", "Page views", "Visits", "1\t14\n2\t21\n3\t19\n4\t6\n"},
    {"traffic_pages", "Page", "Page views",
     "/product/{id}\t40\n/\t30\n/catalog\t30\n/cart\t20\n/leave/partner.example\t12\n"
     "other\t5\n"},
    {"traffic_entry", "Page", "Visits", "/\t30\n/catalog\t30\n"},
    {"traffic_exit", "Page", "Visits",
     "/product/{id}\t15\n/cart\t14\n/leave/partner.example\t12\n/\t7\n/catalog\t7\nother\t5\n"},
    {"traffic_outbound", "Host", "Exits", "partner.example\t12\nother\t5\n"},
    {"traffic_referrers", "Referrer", "Visits",
     "(direct)\t25\nnews.example\t15\nsearch.example\t15\nother\t5\n"},
    {"traffic_browsers", "Browser", "Visits", "Chrome\t20\nFirefox\t20\nSafari\t20\n"},
    {"traffic_platforms", "Platform", "Visits", "iOS\t20\nLinux\t20\nWindows\t20\n"},
    {"traffic_devices", "Device", "Visits", "desktop\t40\nmobile\t20\n"},
    {"traffic_status", "Status", "Requests", "200\t191\n303\t30\n404\t6\n"},
};

/* rows ("label\tn\n"...) as the table's body rows and as CSV lines, appended to html, csv. */
static void expect_rows(const char *rows, char *html, size_t hcap, char *csv, size_t ccap)
{
	char label[256];
	long long n;
	for (const char *p = rows; *p != '\0';) {
		const char *tab = strchr(p, '\t');
		assert_non_null(tab);
		snprintf(label, sizeof(label), "%.*s", (int)(tab - p), p);
		n = atoll(tab + 1);
		size_t hl = strlen(html), cl = strlen(csv);
		snprintf(html + hl, hcap - hl, "<tr><th scope=\"row\">%s</th><td>%lld</td></tr>\n",
		         label, n);
		snprintf(csv + cl, ccap - cl, "%s,%lld\r\n", label, n);
		p = strchr(tab, '\n');
		assert_non_null(p);
		p++;
	}
}

/* The body of the CSV of table as the analyst, asserted 200 (malloc'd). */
static char *csv_of(const char *table)
{
	struct http_resp r;
	char path[256];
	snprintf(path, sizeof(path), "/admin/reports?" RANGE "&format=csv&table=%s", table);
	assert_int_equal(staff_get(&analyst, path, &r), 200);
	char *body = strdup(r.body);
	http_resp_free(&r);
	return body;
}

static void test_traffic_per_day_is_the_seeded_log_every_day_present(void **state)
{
	(void)state;
	char *body = page(RANGE);
	char *t = table_of(body, "traffic_daily");
	assert_int_equal(count_rows(t), 31);
	static char html[8192], csv[4096];
	html[0] = '\0';
	snprintf(csv, sizeof(csv), "Day,Visits,Page views\r\n");
	for (int d = 0; d < 31; d++) {
		int visits = d < 30 ? 2 : 0;
		size_t hl = strlen(html), cl = strlen(csv);
		snprintf(html + hl, sizeof(html) - hl,
		         "<tr><th scope=\"row\">2010-03-%02d</th><td>%d</td><td>%d</td></tr>\n",
		         d + 1, visits, views_per_day[d]);
		snprintf(csv + cl, sizeof(csv) - cl, "2010-03-%02d,%d,%d\r\n", d + 1, visits,
		         views_per_day[d]);
	}
	assert_has(t, html);
	char *c = csv_of("traffic_daily");
	assert_string_equal(c, csv);
	/* One point per day on both lines; a point carries its number. */
	assert_has(body, "<title>03-03: 7</title>");
	assert_has(body, "<title>03-31: 0</title>");
	free(c);
	free(t);
	free(body);
}

static void test_traffic_breakdowns_are_the_seeded_log_small_groups_merged(void **state)
{
	(void)state;
	char *body = page(RANGE);
	for (size_t i = 0; i < sizeof(breakdowns) / sizeof(breakdowns[0]); i++) {
		static char html[8192], csv[4096];
		html[0] = '\0';
		snprintf(csv, sizeof(csv), "%s,%s\r\n", breakdowns[i].head,
		         breakdowns[i].count_head);
		expect_rows(breakdowns[i].rows, html, sizeof(html), csv, sizeof(csv));
		char *t = table_of(body, breakdowns[i].table);
		if (strstr(t, html) == NULL)
			fail_msg("%s:\n%s\nwant rows:\n%s", breakdowns[i].table, t, html);
		char *c = csv_of(breakdowns[i].table);
		if (strcmp(c, csv) != 0)
			fail_msg("%s CSV:\n%s\nwant:\n%s", breakdowns[i].table, c, csv);
		free(c);
		free(t);
	}
	/* The ISP needs an ASN database the stack has not: every visit is "unknown". */
	char *t = table_of(body, "traffic_isps");
	assert_has(t, "<tr><th scope=\"row\">unknown</th><td>60</td></tr>");
	free(t);
	/* The address is never shown, nor the day of 1 April outside the range. */
	assert_null(strstr(body, "203.0.113."));
	assert_null(strstr(body, "2010-04-01</th>"));
	free(body);
}

static void test_page_names_no_person(void **state)
{
	(void)state;
	char *body = page(RANGE);
	for (int i = 0; i < NCUST; i++) {
		assert_null(strstr(body, usernames[i]));
		char email[128];
		snprintf(email, sizeof(email), "%.63s@example.com", usernames[i]);
		assert_null(strstr(body, email));
	}
	assert_null(strstr(body, "Report Person"));
	assert_null(strstr(body, "/admin/customers/"));
	assert_null(strstr(body, "@example.com"));
	free(body);
}

static void test_csv_download_is_the_table(void **state)
{
	(void)state;
	struct http_resp r;
	assert_int_equal(
	    staff_get(&analyst, "/admin/reports?" RANGE "&format=csv&table=categories", &r), 200);
	char *ct = http_header_value(&r, "Content-Type");
	char *cd = http_header_value(&r, "Content-Disposition");
	assert_non_null(ct);
	assert_non_null(cd);
	assert_string_equal(ct, "text/csv; charset=utf-8");
	assert_string_equal(cd,
	                    "attachment; filename=\"ditto-categories-2010-03-01-2010-03-31.csv\"");
	char want[512];
	snprintf(
	    want, sizeof(want),
	    "Category,Orders,Units,Revenue\r\n%s,5,6,150.00\r\n%s,7,8,80.00\r\nother,5,7,39.00\r\n",
	    cat_name[1], cat_name[0]);
	assert_string_equal(r.body, want);
	free(ct);
	free(cd);
	http_resp_free(&r);

	assert_int_equal(
	    staff_get(&analyst, "/admin/reports?" RANGE "&format=csv&table=registrations", &r),
	    200);
	assert_string_equal(r.body, "Week from,Registrations\r\n2010-03-01,3\r\n2010-03-08,0\r\n"
	                            "2010-03-15,6\r\n2010-03-22,2\r\n2010-03-29,1\r\n");
	http_resp_free(&r);
}

static void test_bad_ranges_and_formats_are_400(void **state)
{
	(void)state;
	const char *bad[] = {
	    "from=2010-02-30&to=2010-03-31",
	    "from=2010-3-1&to=2010-03-31",
	    "from=2010-04-01&to=2010-03-31",
	    "from=abc",
	    "to=2010-13-01",
	    "from=2019-01-01&to=2010-03-31",
	    RANGE "&format=xml",
	    RANGE "&format=csv",
	    RANGE "&format=csv&table=customers",
	    "from=2010-03-01%00&to=2010-03-31",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_resp r;
		char path[256];
		snprintf(path, sizeof(path), "/admin/reports?%s", bad[i]);
		long st = staff_get(&analyst, path, &r);
		if (st != 400)
			fprintf(stderr, "%s: %ld\n", path, st);
		assert_int_equal(st, 400);
		http_resp_free(&r);
	}
}

static void test_default_range_is_the_last_30_days(void **state)
{
	(void)state;
	char *body = page("");
	time_t now = time(NULL);
	char from[16], to[16], want[64];
	time_t today = now - now % 86400, first = today - 29 * 86400;
	strftime(to, sizeof(to), "%Y-%m-%d", gmtime(&today));
	strftime(from, sizeof(from), "%Y-%m-%d", gmtime(&first));
	snprintf(want, sizeof(want), "From %s to %s", from, to);
	assert_has(body, want);
	free(body);
}

static void test_analyst_and_admin_open_it_every_other_role_gets_403(void **state)
{
	(void)state;
	for (int role = 0; role < ROLE__MAX; role++) {
		struct member m;
		struct client c;
		memset(&c, 0, sizeof(c));
		member_new(&m, (enum staff_role)role);
		staff_login(&c, &m);
		bool may = role == ROLE_ANALYST || role == ROLE_ADMIN;
		struct http_resp r;
		assert_int_equal(staff_get(&c, "/admin/reports?" RANGE, &r), may ? 200 : 403);
		http_resp_free(&r);
		assert_int_equal(
		    staff_get(&c, "/admin/reports?" RANGE "&format=csv&table=orders", &r),
		    may ? 200 : 403);
		http_resp_free(&r);
		assert_int_equal(
		    staff_get(&c, "/admin/reports?" RANGE "&format=csv&table=traffic_referrers",
		              &r),
		    may ? 200 : 403);
		http_resp_free(&r);
		/* The menu offers the page exactly to those who may open it. */
		assert_int_equal(staff_get(&c, "/admin", &r), 200);
		assert_int_equal(strstr(r.body, "href=\"/admin/reports\"") != NULL, may);
		http_resp_free(&r);
	}
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registrations_per_week_are_the_seeded_ones),
	    cmocka_unit_test(
	        test_orders_and_revenue_per_week_leave_out_cancelled_revenue_and_test_orders),
	    cmocka_unit_test(test_top_categories_merge_those_under_five_orders_into_other),
	    cmocka_unit_test(test_distributions_match_the_database_and_show_no_group_under_five),
	    cmocka_unit_test(test_every_chart_is_an_svg_with_a_title_and_labelled_axes),
	    cmocka_unit_test(test_traffic_per_day_is_the_seeded_log_every_day_present),
	    cmocka_unit_test(test_traffic_breakdowns_are_the_seeded_log_small_groups_merged),
	    cmocka_unit_test(test_page_names_no_person),
	    cmocka_unit_test(test_csv_download_is_the_table),
	    cmocka_unit_test(test_bad_ranges_and_formats_are_400),
	    cmocka_unit_test(test_default_range_is_the_last_30_days),
	    cmocka_unit_test(test_analyst_and_admin_open_it_every_other_role_gets_403),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
