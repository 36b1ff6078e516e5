/* test_purge.c — `dittoctl purge` against the test stack: a deleted account with orders, an
 * address, interests, a viewing profile, sessions, sent mail and staff views leaves no trace in
 * a full dump, the mail directory or the logs, while its orders keep their totals and the audit
 * chain verifies; deactivated accounts wait for their retention and a reactivated one is never
 * purged; an open legal case holds an account; --dry-run changes nothing; two runs at once leave
 * the work to one (the lease row); a run killed with -9 is finished by the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "privacy/audit.h"
#include "staff_harness.h"

/* Runs `dittoctl ARGS` into r (scratch files tagged "purge"). */
static void ctl(struct ctl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctl(struct ctl_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(r, "purge", NULL, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
}

/* Runs a purge (with extra arguments) that must succeed; returns nothing, r keeps its output. */
static void purge_ok(struct ctl_run *r, const char *args)
{
	ctl(r, "purge %s", args);
	if (r->status != 0)
		fail_msg("purge failed: %s", r->err);
	assert_string_equal(r->err, "");
}

static void assert_audit_intact(void)
{
	struct ctl_run r;
	ctl(&r, "audit verify");
	if (r.status != 0)
		fail_msg("audit verify failed: %s", r.err);
}

static long long customer_id_of(const char *user)
{
	return sql_admin_int("SELECT COALESCE(MAX(id), 0) FROM customers WHERE username = '%s'",
	                     user);
}

/* The person of the first test: every string of theirs is searched for afterwards. */
struct person {
	char user[80], name[80], email[120], phone[40], line1[80], city[40], postcode[20];
};

/* This run's pid as letters (0 is a, 1 is b, ...), for names that take no digits. */
static const char *pid_letters(void)
{
	static char s[16];
	snprintf(s, sizeof(s), "%d", (int)getpid());
	for (char *c = s; *c; c++)
		*c = (char)('a' + (*c - '0'));
	return s;
}

static void person_new(struct person *p)
{
	int n = (int)getpid();
	snprintf(p->user, sizeof(p->user), "%s", unique("erasable"));
	snprintf(p->name, sizeof(p->name), "Ysolde Quarrington%s", pid_letters());
	snprintf(p->email, sizeof(p->email), "ysolde.q%d@example.com", n);
	snprintf(p->phone, sizeof(p->phone), "+44 20 7946 %04d", n % 10000);
	snprintf(p->line1, sizeof(p->line1), "%d Wyvernhythe Close", n);
	snprintf(p->city, sizeof(p->city), "Pellucidar%s", pid_letters());
	snprintf(p->postcode, sizeof(p->postcode), "ZX%d 9QQ", n % 100);
}

/* Registers p through /register (with a phone number) and approves the account. */
static void register_person(const struct person *p)
{
	struct client c = {0};
	char *csrf = form_csrf(&c, "/register");
	long long v = sql_admin_int("SELECT MAX(version) FROM policy_versions");
	char body[2048];
	/* urlenc has one buffer: one call per snprintf. */
	size_t len = (size_t)snprintf(body, sizeof(body),
	                              "csrf=%s&email=%s&username=%s&accept_policy=1"
	                              "&policy_version=%lld&name=%s",
	                              csrf, p->email, p->user, v, urlenc(p->name));
	len +=
	    (size_t)snprintf(body + len, sizeof(body) - len, "&password=%s", urlenc(TEST_PASSWORD));
	snprintf(body + len, sizeof(body) - len, "&phone=%s", urlenc(p->phone));
	free(csrf);
	struct http_resp r;
	assert_int_equal(post_form(&c, "/register", body, &r), 200);
	http_resp_free(&r);
	ctl_ok("approve", p->user);
}

/* Puts one unit of product 1 in c's cart and buys it by card, billed and shipped to p. */
static void buy(struct client *c, const struct person *p)
{
	assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = 1"),
	                 0);
	char *csrf = form_csrf(c, "/account");
	char body[2048];
	struct http_resp r;
	snprintf(body, sizeof(body), "csrf=%s&product_id=1&quantity=1", csrf);
	assert_int_equal(post_form(c, "/cart", body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(client_get(c, env_web(), "/checkout", &r), 0);
	const char *at = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(at);
	at += strlen("name=\"nonce\" value=\"");
	char nonce[64];
	snprintf(nonce, sizeof(nonce), "%.*s", (int)(strchr(at, '"') - at), at);
	http_resp_free(&r);
	size_t len = (size_t)snprintf(body, sizeof(body), "csrf=%s&nonce=%s&name=%s", csrf, nonce,
	                              urlenc(p->name));
	len += (size_t)snprintf(body + len, sizeof(body) - len, "&email=%s&billing_line1=%s",
	                        p->email, urlenc(p->line1));
	len +=
	    (size_t)snprintf(body + len, sizeof(body) - len, "&billing_city=%s", urlenc(p->city));
	len += (size_t)snprintf(body + len, sizeof(body) - len, "&billing_postcode=%s",
	                        urlenc(p->postcode));
	snprintf(body + len, sizeof(body) - len,
	         "&billing_line2=&billing_country=UK&shipping_same=1&payment_mode=card"
	         "&card_number=4242424242424242&card_exp=12%%2F30&card_cvv=123");
	free(csrf);
	if (post_form(c, "/checkout", body, &r) != 303)
		fail_msg("checkout refused (%ld): %s", r.status, r.body);
	http_resp_free(&r);
}

/* POSTs the confirmed close of c's account: "/account/delete" or "/account/deactivate". */
static void close_account(struct client *c, const char *path)
{
	char *csrf = form_csrf(c, "/account");
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s&confirm=1&password=%s", csrf, urlenc(TEST_PASSWORD));
	free(csrf);
	struct http_resp r;
	assert_int_equal(post_form(c, path, body, &r), 200);
	http_resp_free(&r);
}

/* The number of places (a full dump, the mail directory, the logs) that hold s. */
static int places_holding(const char *s)
{
	int found = 0;
	found += sh("mariadb-dump --defaults-file='%s/my.cnf' -uroot --single-transaction "
	            "--all-databases "
	            "--skip-extended-insert 2>/dev/null | grep -q -F -i -e '%s'",
	            env_state(), s) == 0;
	found += sh("grep -r -q -F -i -e '%s' '%s/mail'", s, env_state()) == 0;
	found += sh("grep -r -q -F -i -e '%s' '%s/log'", s, env_state()) == 0;
	return found;
}

static void test_a_deleted_account_leaves_no_trace_but_its_orders(void **state)
{
	(void)state;
	struct person p;
	person_new(&p);
	register_person(&p);
	long long id = customer_id_of(p.user);
	assert_true(id > 0);
	customer_under_profiling_version(id);
	struct client c = {0};
	assert_int_equal(do_login(&c, p.user, TEST_PASSWORD, NULL), 303);
	/* A viewing profile, a saved address, interests, an order, sessions and mail. */
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/product/1", &r), 0);
	http_resp_free(&r);
	batch_settle(); /* the view is written by the worker within a second */
	assert_int_equal(
	    sql_admin("INSERT INTO customer_addresses (customer_id, kind, line1, city, "
	              "postcode, country, policy_version) VALUES (%lld, 'shipping', "
	              "'%s', '%s', '%s', 'UK', 1); INSERT IGNORE INTO "
	              "customer_interests (customer_id, category_id, policy_version) "
	              "SELECT %lld, id, 1 FROM categories LIMIT 2",
	              id, p.line1, p.city, p.postcode, id),
	    0);
	buy(&c, &p);
	struct client other = {0};
	assert_int_equal(do_login(&other, p.user, TEST_PASSWORD, NULL), 303);
	assert_int_equal(
	    sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' mail send >/dev/null", env_state()),
	    0);
	/* A support member views the customer: audit rows about them. */
	struct member m;
	member_new(&m, ROLE_SUPPORT);
	struct client sc = {0};
	staff_login(&sc, &m);
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", id);
	assert_int_equal(staff_get(&sc, path, &r), 200);
	http_resp_free(&r);

	long long order = sql_admin_int("SELECT MAX(id) FROM orders WHERE customer_id = %lld", id);
	long long total = sql_admin_int("SELECT total_cents FROM orders WHERE id = %lld", order);
	long long lines =
	    sql_admin_int("SELECT COUNT(*) FROM order_lines WHERE order_id = %lld", order);
	assert_true(order > 0 && total > 0 && lines > 0);
	assert_true(
	    sql_admin_int("SELECT COUNT(*) FROM product_views WHERE customer_id = %lld", id) > 0);
	assert_true(sql_admin_int("SELECT COUNT(*) FROM sessions WHERE customer_id = %lld", id) >
	            0);
	assert_true(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld", id) >
	            0);
	long long mailed = sql_admin_int("SELECT COUNT(*) FROM outbox WHERE customer_id = %lld AND "
	                                 "sent_at IS NOT NULL",
	                                 id);
	assert_true(mailed > 0);
	const char *needles[] = {p.name, p.email, p.phone, p.user, p.line1, p.city, p.postcode};
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		if (places_holding(needles[i]) == 0)
			fail_msg("'%s' was never stored: the search below would prove nothing",
			         needles[i]);

	close_account(&c, "/account/delete");
	struct ctl_run run;
	purge_ok(&run, "");
	assert_non_null(strstr(run.out, "purge: deleted accounts: "));
	assert_null(strstr(run.out, "purge: deleted accounts: 0 erased"));
	assert_null(strstr(run.out, "purge: orders anonymised: 0\n"));

	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
		int n = places_holding(needles[i]);
		if (n != 0)
			fail_msg("'%s' is still in %d place(s) after the purge", needles[i], n);
	}
	assert_int_equal(customer_id_of(p.user), 0);
	/* The order stays for accounting, with its amounts and lines and nobody's name. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM orders WHERE id = %lld AND total_cents "
	                  "= %lld AND customer_id IS NULL AND anonymised_at IS NOT NULL "
	                  "AND status = 'paid'",
	                  order, total),
	    1);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM order_lines WHERE order_id = %lld", order), lines);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM payments WHERE order_id = %lld AND "
	                  "amount_cents = %lld AND last4 IS NULL AND brand IS NULL AND "
	                  "token IS NULL AND exp_year IS NULL",
	                  order, total),
	    1);
	/* The audit rows stay, naming the customer only by pseudonym, and the chain holds. */
	char ref[AUDIT_REF_HEX + 1];
	assert_int_equal(audit_customer_ref(id, ref), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld", id), 0);
	assert_true(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_ref = '%s'", ref) >
	            0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE customer_id = %lld", id),
	                 0);
	assert_audit_intact();
	/* A second run finds nothing more of them. */
	purge_ok(&run, "");
	assert_non_null(strstr(run.out, "purge: deleted accounts: 0 erased\n"));
}

static void test_deactivated_accounts_wait_for_retention_and_reactivated_ones_stay(void **state)
{
	(void)state;
	const char *gone = approved_user(), *back = approved_user();
	struct client c = {0};
	assert_int_equal(do_login(&c, gone, TEST_PASSWORD, NULL), 303);
	close_account(&c, "/account/deactivate");
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s' AND status = "
	                  "'deactivated'",
	                  gone),
	    1);
	struct ctl_run run;
	purge_ok(&run, "");
	assert_true(customer_id_of(gone) > 0); /* within the 30 days: kept */
	/* 29 days on: still kept. */
	assert_int_equal(sql_admin("UPDATE customers SET status_changed_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 29 DAY WHERE username = '%s'",
	                           gone),
	                 0);
	purge_ok(&run, "");
	assert_true(customer_id_of(gone) > 0);

	/* The other was deactivated long ago and reactivated since; its old timestamp (the worst
	 * case) must not matter: only its status does. */
	assert_int_equal(sql_admin("UPDATE customers SET status = 'deactivated', status_changed_at "
	                           "= UTC_TIMESTAMP(6) - INTERVAL 40 DAY WHERE username = '%s'",
	                           back),
	                 0);
	ctl_ok("restore", back);
	assert_int_equal(sql_admin("UPDATE customers SET status_changed_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 40 DAY WHERE username = '%s'",
	                           back),
	                 0);

	/* 31 days on: erased. */
	assert_int_equal(sql_admin("UPDATE customers SET status_changed_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 31 DAY WHERE username = '%s'",
	                           gone),
	                 0);
	purge_ok(&run, "");
	assert_non_null(strstr(run.out, "purge: deactivated accounts past retention (30 days): "));
	assert_int_equal(customer_id_of(gone), 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s' AND "
	                               "status = 'approved'",
	                               back),
	                 1);
	struct client b = {0};
	assert_int_equal(do_login(&b, back, TEST_PASSWORD, NULL), 303);
	assert_audit_intact();
}

/* n accounts named prefix1..prefixN, made in one statement, in status since ago (an SQL
 * interval). */
static void bulk_accounts(const char *prefix, int n, const char *status, const char *ago)
{
	assert_int_equal(sql_admin("INSERT INTO customers (username, email, name, password_hash, "
	                           "status, policy_version, status_changed_at) SELECT CONCAT('%s', "
	                           "seq), CONCAT('%s', seq, '@example.com'), 'Bulk Person', 'x', "
	                           "'%s', (SELECT MAX(version) FROM policy_versions), "
	                           "UTC_TIMESTAMP(6) - INTERVAL %s FROM seq_1_to_%d",
	                           prefix, prefix, status, ago, n),
	                 0);
}

static long long accounts_left(const char *prefix)
{
	return sql_admin_int("SELECT COUNT(*) FROM customers WHERE username LIKE '%s%%'", prefix);
}

static void test_an_open_legal_case_holds_an_account_until_it_is_closed(void **state)
{
	(void)state;
	char prefix[40];
	snprintf(prefix, sizeof(prefix), "held%dx", (int)getpid());
	bulk_accounts(prefix, 1, "deleted", "1 DAY");
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s1'", prefix);
	assert_int_equal(sql_admin("INSERT INTO legal_cases (customer_id, authority, reference, "
	                           "legal_basis) VALUES (%lld, 'Court', '%s', 'order')",
	                           id, prefix),
	                 0);
	struct ctl_run run;
	purge_ok(&run, "");
	assert_null(strstr(run.out, "held by an open legal case: 0 kept"));
	assert_int_equal(accounts_left(prefix), 1);
	assert_int_equal(sql_admin("UPDATE legal_cases SET closed_at = UTC_TIMESTAMP(6) WHERE "
	                           "reference = '%s'",
	                           prefix),
	                 0);
	purge_ok(&run, "");
	assert_int_equal(accounts_left(prefix), 0);
}

/* A few counts that any change by a purge would move. */
static void snapshot(long long out[6])
{
	out[0] = sql_admin_int("SELECT COUNT(*) FROM customers");
	out[1] = sql_admin_int("SELECT COUNT(*) FROM sessions");
	out[2] = sql_admin_int("SELECT COUNT(*) FROM orders WHERE anonymised_at IS NULL");
	out[3] = sql_admin_int("SELECT COUNT(*) FROM outbox WHERE body <> ''");
	out[4] = sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id IS NOT NULL");
	out[5] = sql_admin_int("SELECT CRC32(CONCAT(holder, expires_at)) FROM job_leases WHERE "
	                       "name = 'purge'");
}

static void test_dry_run_counts_and_changes_nothing(void **state)
{
	(void)state;
	char prefix[40];
	snprintf(prefix, sizeof(prefix), "dry%dx", (int)getpid());
	bulk_accounts(prefix, 3, "deleted", "1 DAY");
	const char *u = approved_user();
	struct client c = {0};
	assert_int_equal(do_login(&c, u, TEST_PASSWORD, NULL), 303);
	assert_int_equal(sql_admin("UPDATE sessions s JOIN customers c ON c.id = s.customer_id SET "
	                           "s.expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE WHERE "
	                           "c.username = '%s'",
	                           u),
	                 0);
	long long before[6], after[6];
	snapshot(before);
	struct ctl_run run;
	purge_ok(&run, "--dry-run");
	snapshot(after);
	assert_memory_equal(before, after, sizeof(before));
	assert_int_equal(accounts_left(prefix), 3);
	/* One line per category, each saying what is due. */
	assert_null(strstr(run.out, "purge (dry run): deleted accounts: 0 due"));
	assert_null(strstr(run.out, "purge (dry run): expired shop sessions: 0 due"));
	int lines = 0;
	for (const char *s = run.out; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	assert_int_equal(lines, 15);
	purge_ok(&run, "");
	assert_int_equal(accounts_left(prefix), 0);
}

static void test_two_purges_at_once_leave_the_work_to_one(void **state)
{
	(void)state;
	char prefix[40];
	snprintf(prefix, sizeof(prefix), "twice%dx", (int)getpid());
	bulk_accounts(prefix, 12, "deleted", "1 DAY");
	struct ctl_run r[2];
	assert_int_equal(ctl_run_twice(r, "purge", NULL, "purge --batch 2 --pause-ms 200"), 0);
	assert_int_equal(r[0].status, 0);
	assert_int_equal(r[1].status, 0);
	int busy = (strstr(r[0].out, "another purge holds the lease") != NULL) +
	           (strstr(r[1].out, "another purge holds the lease") != NULL);
	if (busy != 1)
		fail_msg("expected one run to yield, got:\n%s\n---\n%s", r[0].out, r[1].out);
	assert_int_equal(accounts_left(prefix), 0);
	/* The lease is free again for the next run. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM job_leases WHERE name = 'purge' AND "
	                               "holder = ''"),
	                 1);
	assert_audit_intact();
}

struct progress {
	const char *prefix;
	long long total;
};

static bool some_erased(void *arg)
{
	const struct progress *p = arg;
	return accounts_left(p->prefix) < p->total;
}

static void test_a_purge_killed_midway_is_finished_by_the_next(void **state)
{
	(void)state;
	char prefix[40], pidfile[512];
	snprintf(prefix, sizeof(prefix), "killed%dx", (int)getpid());
	bulk_accounts(prefix, 40, "deleted", "1 DAY");
	ctl_scratch_path(pidfile, sizeof(pidfile), "purge", 3, "pid");
	assert_int_equal(sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' purge --batch 4 "
	                    "--pause-ms 300 >/dev/null 2>&1 & echo $! >'%s'",
	                    env_state(), pidfile),
	                 0);
	char buf[32];
	struct progress p = {prefix, 40};
	assert_true(eventually(some_erased, &p, 10000));
	slurp_file(pidfile, buf, sizeof(buf));
	pid_t pid = (pid_t)atoi(buf);
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	long long left = accounts_left(prefix);
	assert_true(left > 0 && left < 40);
	/* Its lease is still on the row; the next run on this host sees the process is gone. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM job_leases WHERE name = 'purge' AND "
	                               "holder LIKE '%% pid %d %%'",
	                               (int)pid),
	                 1);
	struct ctl_run run;
	purge_ok(&run, "");
	assert_null(strstr(run.out, "another purge holds the lease"));
	assert_int_equal(accounts_left(prefix), 0);
	assert_audit_intact();
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-purge-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	if (sodium_init() < 0)
		return 1;
	char key[512];
	snprintf(key, sizeof(key), "%s/secrets/audit_key", env_state());
	if (audit_key_load(key) < 0)
		harness_die("cannot read the audit key %s", key);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_a_deleted_account_leaves_no_trace_but_its_orders,
	                              teardown),
	    cmocka_unit_test_teardown(
	        test_deactivated_accounts_wait_for_retention_and_reactivated_ones_stay, teardown),
	    cmocka_unit_test_teardown(test_an_open_legal_case_holds_an_account_until_it_is_closed,
	                              teardown),
	    cmocka_unit_test_teardown(test_dry_run_counts_and_changes_nothing, teardown),
	    cmocka_unit_test_teardown(test_two_purges_at_once_leave_the_work_to_one, teardown),
	    cmocka_unit_test_teardown(test_a_purge_killed_midway_is_finished_by_the_next, teardown),
	};
	return cmocka_run_group_tests_name("purge", tests, NULL, NULL);
}
