/* test_least_privilege.c — what the accounts may do in MariaDB, against the migrated database:
 * each account's grant set equals the declared list under tests/integration/grants/ (a widened
 * grant fails here), and the shop's own account cannot approve a customer, move its consent to
 * any version but the newest, or make an order paid without a captured payment.  Also: a product
 * page counts a view only for a same-site request (a cross-site link cannot shape a profile). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdbool.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sql_harness.h"

static MYSQL *root; /* the administrator: makes the fixtures, reads mysql.* */
static MYSQL *web;  /* the shop pool's own account */

/* Runs sql on m; returns 0 or the MariaDB error number.  Any result is discarded. */
static unsigned run(MYSQL *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static unsigned run(MYSQL *m, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (mysql_query(m, sql) != 0)
		return mysql_errno(m);
	do {
		MYSQL_RES *r = mysql_store_result(m);
		if (r != NULL)
			mysql_free_result(r);
	} while (mysql_next_result(m) == 0);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	harness_require_stack();
	char path[512], pw[256];
	snprintf(path, sizeof(path), "%s/secrets/ditto_web", env_state());
	slurp_file(path, pw, sizeof(pw));
	pw[strcspn(pw, "\r\n")] = '\0';
	root = harness_connect_as("root", NULL);
	web = harness_connect_as("ditto_web", pw);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mysql_close(web);
	mysql_close(root);
	return 0;
}

/*
 * Every privilege a grantee holds, one per line, sorted: roles it holds, global and database
 * privileges (none expected), and each table, column and routine privilege on its own line,
 * so the declared file reads (and diffs) line by line.
 */
static const char SQL_GRANT_SET[] =
    "WITH tp(p) AS (SELECT 'Select' UNION ALL SELECT 'Insert' UNION ALL SELECT 'Update' "
    "UNION ALL SELECT 'Delete' UNION ALL SELECT 'Create' UNION ALL SELECT 'Drop' UNION ALL "
    "SELECT 'Grant' UNION ALL SELECT 'References' UNION ALL SELECT 'Index' UNION ALL SELECT "
    "'Alter' UNION ALL SELECT 'Create View' UNION ALL SELECT 'Show view' UNION ALL SELECT "
    "'Trigger' UNION ALL SELECT 'Delete versioning rows'), "
    "rp(p) AS (SELECT 'Execute' UNION ALL SELECT 'Alter Routine' UNION ALL SELECT 'Grant') "
    "SELECT l FROM ("
    "SELECT CONCAT('role ', Role) l FROM mysql.roles_mapping WHERE User = '%1$s' AND Host = '%2$s' "
    "UNION ALL SELECT CONCAT('global ', JSON_VALUE(Priv, '$.access')) FROM mysql.global_priv "
    " WHERE User = '%1$s' AND Host = '%2$s' AND JSON_VALUE(Priv, '$.access') <> 0 "
    "UNION ALL SELECT CONCAT('database ', Db) FROM mysql.db WHERE User = '%1$s' AND Host = '%2$s' "
    "UNION ALL SELECT CONCAT('table ', t.Table_name, ' ', UPPER(tp.p)) FROM mysql.tables_priv t "
    " JOIN tp ON FIND_IN_SET(tp.p, t.Table_priv) WHERE t.User = '%1$s' AND t.Host = '%2$s' "
    "UNION ALL SELECT CONCAT('column ', c.Table_name, '.', c.Column_name, ' ', UPPER(tp.p)) "
    " FROM mysql.columns_priv c JOIN tp ON FIND_IN_SET(tp.p, c.Column_priv) "
    " WHERE c.User = '%1$s' AND c.Host = '%2$s' "
    "UNION ALL SELECT CONCAT('routine ', r.Routine_name, ' ', UPPER(rp.p)) FROM mysql.procs_priv r "
    " JOIN rp ON FIND_IN_SET(rp.p, r.Proc_priv) WHERE r.User = '%1$s' AND r.Host = '%2$s'"
    ") g ORDER BY l";

/* The live grant set of user@host as newline-terminated lines (malloc'd). */
static char *live_grants(const char *user, const char *host)
{
	char sql[4096];
	snprintf(sql, sizeof(sql), SQL_GRANT_SET, user, host);
	if (mysql_query(root, sql) != 0)
		harness_die("grant set of %s: %s", user, mysql_error(root));
	MYSQL_RES *r = mysql_store_result(root);
	size_t cap = 65536, len = 0;
	char *out = calloc(1, cap);
	MYSQL_ROW row;
	while (r != NULL && (row = mysql_fetch_row(r)) != NULL)
		len += (size_t)snprintf(out + len, cap - len, "%s\n", row[0]);
	if (r != NULL)
		mysql_free_result(r);
	assert_true(len < cap - 1);
	return out;
}

/* Compares one grantee's live set with its declared file; prints each difference and
 * leaves the live set beside the state (run/grants-USER.txt).  Returns whether they match. */
static bool grantee_as_declared(const char *user, const char *host)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/integration/grants/%s.txt", env_repo(), user);
	static char want[65536];
	slurp_file(path, want, sizeof(want));
	char *have = live_grants(user, host);
	bool same = strcmp(want, have) == 0;
	if (!same) {
		char live[512];
		snprintf(live, sizeof(live), "%s/run/grants-%s.txt", env_state(), user);
		FILE *f = fopen(live, "w");
		if (f != NULL) {
			fputs(have, f);
			fclose(f);
		}
		fprintf(stderr, "the grants of %s differ from %s (- declared, + live):\n", user,
		        path);
		sh("diff -u '%s' '%s' >&2", path, live);
	}
	free(have);
	return same;
}

static void test_grant_sets_are_declared(void **state)
{
	(void)state;
	/* The accounts hold their roles only; the staff roles ditto_<role> are checked against
	 * their generator by test_privacy_db. */
	static const char *const grantees[][2] = {
	    {"ditto_web_role", ""},     {"ditto_staff_role", ""},     {"ditto_cron_role", ""},
	    {"ditto_web", "localhost"}, {"ditto_staff", "localhost"}, {"ditto_cron", "localhost"},
	};
	int differ = 0;
	for (size_t i = 0; i < sizeof(grantees) / sizeof(grantees[0]); i++)
		differ += !grantee_as_declared(grantees[i][0], grantees[i][1]);
	assert_int_equal(differ, 0);
}

/* A pending customer made directly (the shop's account is what is under test). */
static long long pending_customer(void)
{
	const char *u = unique("lp");
	if (run(root,
	        "INSERT INTO customers (username, email, name, password_hash, policy_version, "
	        "status_changed_at) SELECT '%s', '%s@example.com', 'Least Privilege', 'x', "
	        "MIN(version), UTC_TIMESTAMP(6) FROM policy_versions",
	        u, u) != 0)
		harness_die("cannot make a customer: %s", mysql_error(root));
	return (long long)mysql_insert_id(root);
}

static void test_web_cannot_approve(void **state)
{
	(void)state;
	long long id = pending_customer();
	assert_int_not_equal(
	    run(web, "UPDATE customers SET status = 'approved' WHERE id = %lld", id), 0);
	assert_int_not_equal(run(web, "CALL shop_customer_close(%lld, 'approved')", id), 0);
	assert_int_not_equal(
	    run(web, "INSERT INTO customers (username, email, name, password_hash, policy_version, "
	             "status) VALUES ('lp-self-approved', 'lp@x', 'x', 'x', 1, 'approved')"),
	    0);
	assert_int_equal(
	    harness_sql_int(root, "SELECT status = 'pending' FROM customers WHERE id = %lld", id),
	    1);
	assert_int_equal(harness_sql_int(root, "SELECT COUNT(*) FROM customers WHERE username = "
	                                       "'lp-self-approved'"),
	                 0);
	/* Closing its own approved account is the one status write the shop keeps. */
	run(root, "UPDATE customers SET status = 'approved' WHERE id = %lld", id);
	assert_int_equal(run(web, "CALL shop_customer_close(%lld, 'deactivated')", id), 0);
	assert_int_equal(
	    harness_sql_int(root, "SELECT status = 'deactivated' FROM customers WHERE id = %lld",
	                    id),
	    1);
}

static void test_web_cannot_set_policy_version(void **state)
{
	(void)state;
	long long id = pending_customer();
	long long oldest = harness_sql_int(root, "SELECT MIN(version) FROM policy_versions");
	/* A newer version for the length of this test only (removed below, before any other
	 * customer can accept it), so "not the newest" has a value to try. */
	long long newest = harness_sql_int(root, "SELECT MAX(version) + 1 FROM policy_versions");
	assert_int_equal(run(root,
	                     "INSERT INTO policy_versions (version, title, body) VALUES (%lld, "
	                     "'Least privilege test', 'A newer version.')",
	                     newest),
	                 0);
	run(root, "UPDATE customers SET policy_version = %lld WHERE id = %lld", newest, id);
	unsigned set_old =
	    run(web, "UPDATE customers SET policy_version = %lld WHERE id = %lld", oldest, id);
	unsigned accept_old = run(web, "CALL shop_policy_accept(%lld, %lld)", id, oldest);
	long long after_old =
	    harness_sql_int(root, "SELECT policy_version FROM customers WHERE id = %lld", id);
	/* Moving to the newest is what accepting does. */
	run(root, "UPDATE customers SET policy_version = %lld WHERE id = %lld", oldest, id);
	unsigned accept_new = run(web, "CALL shop_policy_accept(%lld, %lld)", id, newest);
	long long after_new =
	    harness_sql_int(root, "SELECT policy_version FROM customers WHERE id = %lld", id);
	run(root, "DELETE FROM customers WHERE id = %lld", id);
	run(root, "DELETE FROM policy_versions WHERE version = %lld", newest);

	assert_int_not_equal(set_old, 0);
	assert_int_not_equal(accept_old, 0);
	assert_int_equal(after_old, newest);
	assert_int_equal(accept_new, 0);
	assert_int_equal(after_new, newest);
}

#define ORDER_COLS                                                                                 \
	"customer_id, nonce, status, policy_version, contact_name, contact_email, billing_line1, " \
	"billing_city, billing_postcode, billing_country, shipping_line1, shipping_city, "         \
	"shipping_postcode, shipping_country, payment_mode, total_cents"

static void test_web_cannot_insert_paid_order(void **state)
{
	(void)state;
	long long id = pending_customer();
	run(root, "UPDATE customers SET status = 'approved' WHERE id = %lld", id);
	long long before =
	    harness_sql_int(root, "SELECT COUNT(*) FROM orders WHERE customer_id = %lld", id);
	assert_int_not_equal(run(web,
	                         "INSERT INTO orders (" ORDER_COLS
	                         ") VALUES (%lld, RPAD('lp-%lld', "
	                         "43, 'x'), 'paid', 1, 'n', 'e@x', 'l', 'c', 'p', 'DE', 'l', 'c', "
	                         "'p', 'DE', 'card', 999)",
	                         id, id),
	                     0);
	assert_int_equal(
	    harness_sql_int(root, "SELECT COUNT(*) FROM orders WHERE customer_id = %lld", id),
	    before);
	/* The honest way: placed, and paid only by a captured payment of the whole total. */
	assert_int_equal(
	    run(web,
	        "CALL shop_order_place(%lld, RPAD('lp-inv-%lld', 43, 'x'), 'n', 'e@x', "
	        "'l', '', 'c', 'p', 'DE', 'l', '', 'c', 'p', 'DE', 'invoice', 999, 0, 0)",
	        id, id),
	    0);
	long long inv = harness_sql_int(
	    root, "SELECT id FROM orders WHERE nonce = RPAD('lp-inv-%lld', 43, 'x')", id);
	assert_int_equal(
	    harness_sql_int(root, "SELECT status = 'placed' FROM orders WHERE id = %lld", inv), 1);
	/* An invoice order cannot be made paid by a made-up card capture. */
	assert_int_not_equal(run(web,
	                         "CALL shop_payment_record(%lld, 'sandbox', 'tok', 'visa', '4242', "
	                         "12, 2031, 'captured')",
	                         inv),
	                     0);
	assert_int_not_equal(run(web,
	                         "INSERT INTO payments (order_id, processor, token, amount_cents, "
	                         "status) VALUES (%lld, 'sandbox', 'tok', 999, 'captured')",
	                         inv),
	                     0);
	assert_int_not_equal(run(web, "UPDATE orders SET status = 'paid' WHERE id = %lld", inv), 0);
	assert_int_equal(
	    harness_sql_int(root, "SELECT status = 'placed' FROM orders WHERE id = %lld", inv), 1);
	assert_int_equal(
	    harness_sql_int(root, "SELECT COUNT(*) FROM payments WHERE order_id = %lld", inv), 0);
}

/* Product page GET with the session cookie and a Sec-Fetch-Site header; returns the status. */
static long get_with_fetch_site(const char *cookie, const char *path, const char *site)
{
	CURL *c = curl_easy_init();
	char url[512], ck[1024], hdr[128];
	snprintf(url, sizeof(url), "%s%s", env_web(), path);
	snprintf(ck, sizeof(ck), "Cookie: %s", cookie);
	snprintf(hdr, sizeof(hdr), "Sec-Fetch-Site: %s", site);
	struct curl_slist *h = curl_slist_append(NULL, ck);
	h = curl_slist_append(h, hdr);
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	fclose(devnull);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void test_cross_site_view_not_counted(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client cl = {0};
	assert_int_equal(do_login(&cl, u, TEST_PASSWORD, NULL), 303);
	long long cust = harness_sql_int(root, "SELECT id FROM customers WHERE username = '%s'", u);
	customer_under_profiling_version(cust);
	long long pid = harness_sql_int(root, "SELECT MIN(id) FROM products WHERE active = 1");
	char path[64];
	snprintf(path, sizeof(path), "/product/%lld", pid);
	char cookie[1024];
	snprintf(cookie, sizeof(cookie), "%s", client_cookie(&cl));
	const char *q =
	    "SELECT COALESCE(SUM(views), 0) FROM product_views WHERE customer_id = %lld";

	assert_int_equal(get_with_fetch_site(cookie, path, "cross-site"), 200);
	batch_settle();
	assert_int_equal(harness_sql_int(root, q, cust), 0);
	assert_int_equal(get_with_fetch_site(cookie, path, "same-site"), 200);
	batch_settle();
	assert_int_equal(harness_sql_int(root, q, cust), 0);
	assert_int_equal(get_with_fetch_site(cookie, path, "same-origin"), 200);
	batch_settle();
	assert_int_equal(harness_sql_int(root, q, cust), 1);
	assert_int_equal(get_with_fetch_site(cookie, path, "none"), 200);
	batch_settle();
	assert_int_equal(harness_sql_int(root, q, cust), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grant_sets_are_declared),
	    cmocka_unit_test(test_web_cannot_approve),
	    cmocka_unit_test(test_web_cannot_set_policy_version),
	    cmocka_unit_test(test_web_cannot_insert_paid_order),
	    cmocka_unit_test(test_cross_site_view_not_counted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
