/* test_mail.c — mail that is delivered: two senders through a failing, then recovering
 * mail_command deliver every message once, with retries after the backoff and a limit;
 * marketing goes only to customers who chose an interest under a version that allows it; the
 * unsubscribe link works signed out; the messages parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* Scratch files of this test, under DIR/run/ (removed by the teardown). */
static char conf[512];      /* the stack's configuration with mail_command in front */
static char delivered[512]; /* every message mail_command accepted, appended */
static char faildir[512];   /* one file per failure still to come */

static void scratch(char *buf, size_t cap, const char *what)
{
	snprintf(buf, cap, "%s/run/test-mail-%s", env_state(), what);
}

/*
 * The stand-in for sendmail: fails (exit 75, EX_TEMPFAIL) while a token
 * file is left in faildir (each call removes one; rm is atomic, so two
 * senders never share a failure), otherwise appends the message to
 * delivered under flock, so two senders' messages never interleave.
 */
static void write_mail_command(void)
{
	char script[512];
	scratch(script, sizeof(script), "sendmail.sh");
	FILE *f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f,
	        "#!/bin/sh\n"
	        "for t in '%s'/*; do\n"
	        "  if rm \"$t\" 2>/dev/null; then cat >/dev/null; exit 75; fi\n"
	        "done\n"
	        "exec flock '%s.lock' sh -c 'cat >>\"$1\"' sh '%s'\n",
	        faildir, delivered, delivered);
	fclose(f);
	assert_int_equal(chmod(script, 0755), 0);
	/* Global keys go before the first section of the stack's file. */
	assert_int_equal(sh("{ printf 'mail_command = %s -t -i\\nmail_max_attempts = 3\\n"
	                    "mail_retry_seconds = 600\\n'; cat '%s/ditto.conf'; } > '%s'",
	                    script, env_state(), conf),
	                 0);
}

/* Makes the next n calls of the mail_command fail. */
static void fail_next(int n)
{
	assert_int_equal(sh("mkdir -p '%s' && rm -f '%s'/*", faildir, faildir), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(sh("touch '%s/%d'", faildir, i), 0);
}

/* What one dittoctl run left. */
struct run {
	int status;
	char out[4096];
	char err[4096];
};

/* The shell command of run slot with config c into cmd. */
static void command(char *cmd, size_t cap, const char *c, int slot, const char *args)
{
	snprintf(cmd, cap,
	         "\"$BUILD\"/dittoctl --config '%s' %s </dev/null >'%s/run/test-mail-%d.out' "
	         "2>'%s/run/test-mail-%d.err'; echo $? >'%s/run/test-mail-%d.status'",
	         c, args, env_state(), slot, env_state(), slot, env_state(), slot);
}

static void collect(struct run *r, int slot)
{
	char path[512], s[32];
	snprintf(path, sizeof(path), "%s/run/test-mail-%d.status", env_state(), slot);
	slurp_file(path, s, sizeof(s));
	r->status = atoi(s);
	snprintf(path, sizeof(path), "%s/run/test-mail-%d.out", env_state(), slot);
	slurp_file(path, r->out, sizeof(r->out));
	snprintf(path, sizeof(path), "%s/run/test-mail-%d.err", env_state(), slot);
	slurp_file(path, r->err, sizeof(r->err));
}

/* Runs `dittoctl --config c ARGS` once. */
static void run(struct run *r, const char *c, const char *args)
{
	char cmd[2048];
	command(cmd, sizeof(cmd), c, 0, args);
	assert_int_equal(sh("%s", cmd), 0);
	collect(r, 0);
}

/* Runs `dittoctl --config c ARGS` twice at the same moment and waits for both. */
static void run_twice(struct run r[2], const char *c, const char *args)
{
	char a[2048], b[2048];
	command(a, sizeof(a), c, 1, args);
	command(b, sizeof(b), c, 2, args);
	assert_int_equal(sh("(%s) & (%s) & wait", a, b), 0);
	collect(&r[0], 1);
	collect(&r[1], 2);
}

/* The number N of "sent N message(s)". */
static long long sent_count(const struct run *r)
{
	const char *p = strstr(r->out, "sent ");
	return p != NULL ? atoll(p + 5) : -1;
}

/* Delivers whatever other tests left due, the default way (files), so that only this test's
 * messages meet the failing command. */
static void drain_outbox(void)
{
	struct run r;
	char c[512];
	snprintf(c, sizeof(c), "%s/ditto.conf", env_state());
	run(&r, c, "mail send");
	assert_int_equal(sql_admin("UPDATE outbox SET given_up_at = UTC_TIMESTAMP(6) WHERE "
	                           "sent_at IS NULL AND given_up_at IS NULL"),
	                 0);
}

/* Queues n test messages to tag-<i>@example.com. */
static void queue(const char *tag, int n)
{
	assert_int_equal(sql_admin("INSERT INTO outbox (kind, recipient, subject, body) SELECT "
	                           "'test', CONCAT('%s-', seq, '@example.com'), 'Grüße', "
	                           "CONCAT('message ', seq) FROM seq_1_to_%d",
	                           tag, n),
	                 0);
}

/* How many times the Message-ID of outbox row id appears in the delivered file. */
static int times_delivered(const char *all, long long id)
{
	char want[96];
	snprintf(want, sizeof(want), "\nMessage-ID: <outbox.%lld.", id);
	int n = 0;
	for (const char *p = strstr(all, want); p != NULL; p = strstr(p + 1, want))
		n++;
	return n;
}

static void test_two_senders_deliver_every_message_once_through_a_failing_command(void **state)
{
	(void)state;
	drain_outbox();
	const char *tag = unique("once");
	queue(tag, 40);
	long long first =
	    sql_admin_int("SELECT MIN(id) FROM outbox WHERE recipient LIKE '%s-%%'", tag);
	assert_true(first > 0);
	fail_next(3);

	struct run r[2];
	run_twice(r, conf, "mail send");
	/* Three messages failed (exit 1, one line each run that saw one), the rest went. */
	assert_int_equal(sent_count(&r[0]) + sent_count(&r[1]), 37);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE recipient LIKE '%s-%%' AND sent_at IS "
	                  "NULL AND attempts = 1 AND given_up_at IS NULL AND next_attempt_at > "
	                  "UTC_TIMESTAMP(6) + INTERVAL 500 SECOND AND last_error = "
	                  "'mail_command exited with status 75'",
	                  tag),
	    3);
	assert_true(r[0].status == 1 || r[1].status == 1);
	assert_null(strstr(r[0].err, tag));
	assert_null(strstr(r[1].err, tag));

	/* Before the backoff has passed nothing is retried. */
	run_twice(r, conf, "mail send");
	assert_int_equal(r[0].status + r[1].status, 0);
	assert_int_equal(sent_count(&r[0]) + sent_count(&r[1]), 0);

	/* Ten minutes later (time moved in the database), they go. */
	assert_int_equal(sql_admin("UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 1 SECOND WHERE recipient LIKE '%s-%%' AND sent_at IS "
	                           "NULL",
	                           tag),
	                 0);
	run_twice(r, conf, "mail send");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(r[1].status, 0);
	assert_int_equal(sent_count(&r[0]) + sent_count(&r[1]), 3);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE recipient LIKE '%s-%%' "
	                               "AND (sent_at IS NULL OR claimed_by IS NOT NULL)",
	                               tag),
	                 0);

	/* Every message exactly once in what the command accepted. */
	static char all[1 << 20];
	slurp_file(delivered, all, sizeof(all));
	/* The tag's 40 ids, not first..first+39: ids need not be consecutive (a Galera node steps
	 * them by the cluster size). */
	int seen = 0;
	for (long long id = first; id > 0 && seen < 41; seen++) {
		assert_int_equal(times_delivered(all, id), 1);
		id = sql_admin_int("SELECT COALESCE(MIN(id), 0) FROM outbox WHERE recipient LIKE "
		                   "'%s-%%' AND id > %lld",
		                   tag, id);
	}
	assert_int_equal(seen, 40);
	/* Handed over in the local convention (LF), the subject encoded. */
	assert_null(strchr(all, '\r'));
	assert_non_null(strstr(all, "\nSubject: =?UTF-8?B?"));
}

static void test_a_failing_message_is_given_up_after_the_limit(void **state)
{
	(void)state;
	drain_outbox();
	const char *tag = unique("limit");
	queue(tag, 1);
	/* A message whose order was erased has no recipient: given up at once, nothing sent. */
	assert_int_equal(sql_admin("INSERT INTO outbox (kind, recipient, subject, body) VALUES "
	                           "('test', NULL, '%s', 'b')",
	                           tag),
	                 0);
	fail_next(10);
	struct run r;
	for (int attempt = 1; attempt <= 3; attempt++) {
		run(&r, conf, "mail send");
		assert_int_equal(r.status, 1);
		assert_null(strchr(strchr(r.err, '\n') + 1, '\n')); /* one line */
		assert_non_null(strstr(r.err, "see outbox.last_error"));
		assert_int_equal(sql_admin_int("SELECT attempts FROM outbox WHERE recipient LIKE "
		                               "'%s-%%'",
		                               tag),
		                 attempt);
		assert_int_equal(sql_admin("UPDATE outbox SET next_attempt_at = NULL WHERE "
		                           "recipient LIKE '%s-%%'",
		                           tag),
		                 0);
	}
	/* mail_max_attempts = 3: given up, never tried again. */
	assert_int_equal(sql_admin_int("SELECT given_up_at IS NOT NULL AND sent_at IS NULL FROM "
	                               "outbox WHERE recipient LIKE '%s-%%'",
	                               tag),
	                 1);
	assert_int_equal(sql_admin_int("SELECT attempts = 1 AND given_up_at IS NOT NULL AND "
	                               "last_error LIKE 'no recipient%%' FROM outbox WHERE "
	                               "subject = '%s'",
	                               tag),
	                 1);
	fail_next(0);
	run(&r, conf, "mail send");
	assert_int_equal(r.status, 0);
	assert_int_equal(sent_count(&r), 0);
}

/* A policy version with purposes, published through dittoctl; returns its number. */
static long long publish(const char *purposes)
{
	char text[512];
	scratch(text, sizeof(text), "policy.txt");
	assert_int_equal(sh("printf 'A policy for the mail test.\\n' >'%s' && \"$BUILD\"/dittoctl "
	                    "--config '%s/ditto.conf' policy publish --purposes %s '%s' "
	                    ">/dev/null",
	                    text, env_state(), purposes, text),
	                 0);
	return sql_admin_int("SELECT MAX(version) FROM policy_versions");
}

/* An approved customer registered under version; returns its id. */
static long long customer(const char *user, long long version)
{
	assert_int_equal(sql_admin("INSERT INTO customers (username, email, name, password_hash, "
	                           "policy_version, status) VALUES ('%s', '%s', 'Mail Test', 'x', "
	                           "%lld, 'approved')",
	                           user, mail_of(user), version),
	                 0);
	return sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
}

/* customer chose category under version, an hour ago. */
static void interest(long long customer, long long category, long long version)
{
	assert_int_equal(sql_admin("INSERT INTO customer_interests (customer_id, category_id, "
	                           "policy_version, created_at) VALUES (%lld, %lld, %lld, "
	                           "UTC_TIMESTAMP(6) - INTERVAL 1 HOUR)",
	                           customer, category, version),
	                 0);
}

/* A new active product in category; returns its id. */
static long long new_product(long long category)
{
	const char *sku = unique("m");
	assert_int_equal(sql_admin("INSERT INTO products (category_id, sku, name, description, "
	                           "price_cents, stock, created_at) VALUES (%lld, '%s', 'Mail test "
	                           "lamp', 'x', 1250, 5, UTC_TIMESTAMP(6))",
	                           category, sku),
	                 0);
	return sql_admin_int("SELECT MAX(id) FROM products");
}

static long long promotions_of(long long customer)
{
	return sql_admin_int("SELECT COUNT(*) FROM outbox WHERE customer_id = %lld AND kind = "
	                     "'promotion'",
	                     customer);
}

/* One column of one row as text (the first line), into out. */
static void sql_text(char *out, size_t cap, const char *fmt, long long arg)
{
	char stmt[512], file[512], res[512];
	scratch(file, sizeof(file), "query.sql");
	scratch(res, sizeof(res), "query.out");
	snprintf(stmt, sizeof(stmt), fmt, arg);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs(stmt, f);
	fclose(f);
	assert_int_equal(sh("mariadb --defaults-file='%s/my.cnf' -uroot -N -B -r ditto <'%s' >'%s'",
	                    env_state(), file, res),
	                 0);
	slurp_file(res, out, cap);
	out[strcspn(out, "\n")] = '\0';
}

/* The path and query of url (after the host). */
static const char *path_of(const char *url)
{
	const char *p = strstr(url, "://");
	return p != NULL ? strchr(p + 3, '/') : NULL;
}

/* The customer the marketing test mails, for the unsubscribe test after it. */
static long long promo_customer;
static char promo_user[80];

static void test_marketing_only_to_opted_in_customers_under_a_marketing_version(void **state)
{
	(void)state;
	drain_outbox();
	/* The newest version allows everything again afterwards, for the other tests. */
	long long without = publish("account,orders,profiling");
	long long with = publish("account,orders,marketing,profiling");
	long long cat = sql_admin_int("SELECT MIN(id) FROM categories");
	long long other = sql_admin_int("SELECT MAX(id) FROM categories");
	assert_true(cat > 0 && other > cat);

	snprintf(promo_user, sizeof(promo_user), "%s", unique("promo-yes"));
	long long yes = promo_customer = customer(promo_user, with);
	interest(yes, cat, with);
	interest(yes, other, with);
	long long old_account = customer(unique("promo-oldacct"), without);
	interest(old_account, cat, with);
	long long old_choice = customer(unique("promo-oldchoice"), with);
	interest(old_choice, cat, without);
	long long none = customer(unique("promo-none"), with);
	long long gone = customer(unique("promo-gone"), with);
	interest(gone, cat, with);
	assert_int_equal(
	    sql_admin("UPDATE customers SET status = 'deactivated' WHERE id = %lld", gone), 0);
	new_product(cat);

	char c[512];
	snprintf(c, sizeof(c), "%s/ditto.conf", env_state());
	struct run r[2];
	run_twice(r, c, "mail promotions");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(r[1].status, 0);
	assert_int_equal(promotions_of(yes), 1);
	assert_int_equal(promotions_of(old_account), 0);
	assert_int_equal(promotions_of(old_choice), 0);
	assert_int_equal(promotions_of(none), 0);
	assert_int_equal(promotions_of(gone), 0);
	/* Again: nothing new, nothing queued. */
	run(&r[0], c, "mail promotions");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(promotions_of(yes), 1);
	/* A newer product is announced once more. */
	new_product(other);
	run(&r[0], c, "mail promotions");
	assert_int_equal(promotions_of(yes), 2);
	/* Twelve at once: the message names the ten newest and counts the two others. */
	long long newest = 0;
	for (int i = 0; i < 12; i++)
		newest = new_product(other);
	run(&r[0], c, "mail promotions");
	assert_int_equal(promotions_of(yes), 3);
	char body[8192];
	sql_text(body, sizeof(body),
	         "SELECT REPLACE(body, '\\n', ' ') FROM outbox WHERE customer_id = %lld "
	         "ORDER BY id DESC LIMIT 1",
	         yes);
	char newest_url[64];
	snprintf(newest_url, sizeof(newest_url), "/product/%lld", newest);
	assert_non_null(strstr(body, newest_url));
	snprintf(newest_url, sizeof(newest_url), "/product/%lld", newest - 11);
	assert_null(strstr(body, newest_url));
	assert_non_null(strstr(body, "and 2 more in the showroom"));

	/* Delivered (as files) with the one-click headers, and a mail parser reads it: a plain
	 * part and an HTML part. */
	long long id = sql_admin_int("SELECT MAX(id) FROM outbox WHERE customer_id = %lld", yes);
	run(&r[0], c, "mail send");
	assert_int_equal(r[0].status, 0);
	char url[600], eml[512];
	sql_text(url, sizeof(url), "SELECT list_unsubscribe FROM outbox WHERE id = %lld", id);
	assert_non_null(strstr(url, "/unsubscribe?token="));
	snprintf(eml, sizeof(eml), "%s/mail/%lld.eml", env_state(), id);
	assert_int_equal(
	    sh("python3 -c 'import email, email.policy, sys; "
	       "m = email.message_from_binary_file(open(sys.argv[1], \"rb\"), "
	       "policy=email.policy.default); "
	       "ok = m[\"To\"] == sys.argv[3] and m[\"Date\"].datetime is not None and "
	       "m[\"Message-ID\"].startswith(\"<outbox.\") and len(m[\"From\"].addresses) == 1 "
	       "and m[\"Subject\"].startswith(\"New at idem ditto\") and "
	       "m[\"MIME-Version\"] == \"1.0\" and "
	       "m[\"List-Unsubscribe\"] == \"<\" + sys.argv[2] + \">\" and "
	       "m[\"List-Unsubscribe-Post\"] == \"List-Unsubscribe=One-Click\" and "
	       "m.get_content_type() == \"multipart/alternative\" and "
	       "sys.argv[2] in m.get_body((\"plain\",)).get_content() and "
	       "\"Mail test lamp\" in m.get_body((\"plain\",)).get_content() and "
	       "\"Mail test lamp\" in m.get_body((\"html\",)).get_content(); "
	       "sys.exit(0 if ok else 1)' '%s' '%s' '%s'",
	       eml, url, mail_of(promo_user)),
	    0);
}

static void test_unsubscribe_link_works_signed_out_and_stops_promotions(void **state)
{
	(void)state;
	assert_true(promo_customer > 0);
	char url[600];
	sql_text(url, sizeof(url),
	         "SELECT list_unsubscribe FROM outbox WHERE customer_id = %lld ORDER BY id DESC "
	         "LIMIT 1",
	         promo_customer);
	const char *path = path_of(url);
	assert_non_null(path);
	long long before = sql_admin_int(
	    "SELECT COUNT(*) FROM customer_interests WHERE customer_id = %lld", promo_customer);
	assert_int_equal(before, 2);

	/* A forged or cut token changes nothing. */
	char bad[700];
	snprintf(bad, sizeof(bad), "%s", path);
	char *t = strstr(bad, "token=") + 6 + 20;
	*t = *t == 'A' ? 'B' : 'A';
	struct http_resp r;
	assert_int_equal(
	    http_send("POST", env_web(), bad, "List-Unsubscribe=One-Click", 26, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_interests WHERE "
	                               "customer_id = %lld",
	                               promo_customer),
	                 2);

	/* Signed out (no cookie at all): the page asks to confirm, with no CSRF field. */
	assert_int_equal(http_get(env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Stop all marketing mail"));
	assert_non_null(strstr(r.body, "method=\"post\""));
	assert_null(strstr(r.body, "name=\"csrf\""));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_interests WHERE "
	                               "customer_id = %lld",
	                               promo_customer),
	                 2);
	http_resp_free(&r);

	/* RFC 8058 one-click: a POST of the link with no cookie and no form token. */
	assert_int_equal(
	    http_send("POST", env_web(), path, "List-Unsubscribe=One-Click", 26, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "no more marketing mail"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_interests WHERE "
	                               "customer_id = %lld",
	                               promo_customer),
	                 0);
	/* The link for all also keeps the viewing profile from bringing any category back. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM promotion_exclusions WHERE "
	                               "customer_id = %lld AND category_id = 0",
	                               promo_customer),
	                 1);
	/* Twice is no error. */
	assert_int_equal(http_send("POST", env_web(), path, "", 0, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "already unsubscribed"));
	http_resp_free(&r);

	/* No further promotions, however new the products. */
	long long cat = sql_admin_int("SELECT MIN(id) FROM categories");
	new_product(cat);
	struct run run1;
	char c[512];
	snprintf(c, sizeof(c), "%s/ditto.conf", env_state());
	long long had = promotions_of(promo_customer);
	run(&run1, c, "mail promotions");
	assert_int_equal(run1.status, 0);
	assert_int_equal(promotions_of(promo_customer), had);
}

/* customer viewed a product of category `views` times, `hours` ago, under version. */
static void viewed(long long customer, long long category, int views, int hours, long long version)
{
	assert_int_equal(
	    sql_admin("INSERT INTO product_views (customer_id, product_id, category_id, "
	              "views, last_viewed_at, policy_version) SELECT %lld, MIN(id), "
	              "%lld, %d, UTC_TIMESTAMP(6) - INTERVAL %d HOUR, %lld FROM products "
	              "WHERE category_id = %lld",
	              customer, category, views, hours, version, category),
	    0);
}

/* The newest promotion of customer: its outbox id, and its text into body. */
static long long newest_promotion(long long customer, char *body, size_t cap)
{
	long long id = sql_admin_int(
	    "SELECT MAX(id) FROM outbox WHERE customer_id = %lld AND kind = 'promotion'", customer);
	char file[512];
	scratch(file, sizeof(file), "body.out");
	assert_int_equal(sh("mariadb --defaults-file='%s/my.cnf' -uroot -N -B -r ditto -e "
	                    "'SELECT body FROM outbox WHERE id = %lld' >'%s'",
	                    env_state(), id, file),
	                 0);
	slurp_file(file, body, cap);
	return id;
}

/* The categories named in a promotion's text ("No more mail about NAME: URL" lines). */
static int categories_in(const char *body)
{
	int n = 0;
	for (const char *p = strstr(body, "No more mail about "); p != NULL;
	     p = strstr(p + 1, "No more mail about "))
		n++;
	return n;
}

static void test_promotions_from_the_viewing_profile(void **state)
{
	(void)state;
	drain_outbox();
	long long no_profiling = publish("account,orders,marketing");
	long long with = publish("account,orders,marketing,profiling");
	long long cat[5];
	for (int i = 0; i < 5; i++)
		cat[i] =
		    sql_admin_int("SELECT id FROM categories ORDER BY id LIMIT 1 OFFSET %d", i);
	assert_true(cat[4] > 0);

	/* No interest chosen: the profile alone.  Weights (views x 0.5^(age / 14 days)): cat[0] 6,
	 * cat[1] 4, cat[2] 3, cat[3] about 2 (40 views 60 days ago), cat[4] 1. */
	const char *user = unique("promo-prof");
	long long viewer = customer(user, with);
	viewed(viewer, cat[0], 6, 1, with);
	viewed(viewer, cat[1], 4, 1, with);
	viewed(viewer, cat[2], 3, 1, with);
	viewed(viewer, cat[3], 40, 24 * 60, with);
	long long opted_out = customer(unique("promo-optout"), with);
	viewed(opted_out, cat[0], 6, 1, with);
	assert_int_equal(
	    sql_admin("UPDATE customers SET profile_opt_out = 1 WHERE id = %lld", opted_out), 0);
	long long no_prof = customer(unique("promo-noprof"), no_profiling);
	viewed(no_prof, cat[0], 6, 1, no_profiling);
	/* Older than 30 days: not new, whatever its id. */
	long long old = new_product(cat[4]);
	viewed(viewer, cat[4], 1, 1, with);
	assert_int_equal(
	    sql_admin("UPDATE products SET created_at = UTC_TIMESTAMP(6) - INTERVAL 40 "
	              "DAY WHERE id = %lld",
	              old),
	    0);
	for (int i = 0; i < 4; i++)
		new_product(cat[i]);

	char c[512];
	static char body[1 << 20]; /* the seed's products are all new: long messages */
	snprintf(c, sizeof(c), "%s/ditto.conf", env_state());
	struct run r[2];
	run_twice(r, c, "mail promotions");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(r[1].status, 0);
	assert_int_equal(promotions_of(viewer), 1);
	assert_int_equal(promotions_of(opted_out), 0);
	assert_int_equal(promotions_of(no_prof), 0);
	newest_promotion(viewer, body, sizeof(body));
	/* The top 3 of 5 viewed categories (cat[4]'s only product is too old). */
	assert_int_equal(categories_in(body), 3);
	char name[3][128], line[512];
	for (int i = 0; i < 3; i++) {
		sql_text(name[i], sizeof(name[i]), "SELECT name FROM categories WHERE id = %lld",
		         cat[i]);
		snprintf(line, sizeof(line), "No more mail about %s: ", name[i]);
		assert_non_null(strstr(body, line));
	}
	/* Again: nothing new, nothing queued. */
	run(&r[0], c, "mail promotions");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(promotions_of(viewer), 1);

	/* Unsubscribing from a profile category (one-click, signed out) stops it, and only it. */
	snprintf(line, sizeof(line), "No more mail about %s: ", name[0]);
	char url[600];
	snprintf(url, sizeof(url), "%s", strstr(body, line) + strlen(line));
	url[strcspn(url, "\r\n ")] = '\0';
	const char *path = path_of(url);
	assert_non_null(path);
	struct http_resp h;
	assert_int_equal(
	    http_send("POST", env_web(), path, "List-Unsubscribe=One-Click", 26, NULL, &h), 0);
	assert_int_equal(h.status, 200);
	http_resp_free(&h);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM promotion_exclusions WHERE customer_id = "
	                  "%lld AND category_id = %lld",
	                  viewer, cat[0]),
	    1);
	/* The excluded category leaves its place to cat[3], whose new product was not told yet. */
	new_product(cat[0]);
	run(&r[0], c, "mail promotions");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(promotions_of(viewer), 2);
	newest_promotion(viewer, body, sizeof(body));
	assert_int_equal(categories_in(body), 1);
	char fourth[128];
	sql_text(fourth, sizeof(fourth), "SELECT name FROM categories WHERE id = %lld", cat[3]);
	snprintf(line, sizeof(line), "No more mail about %s: ", fourth);
	assert_non_null(strstr(body, line));
	snprintf(line, sizeof(line), "No more mail about %s: ", name[0]);
	assert_null(strstr(body, line));
	/* And nothing more from cat[0], however new. */
	new_product(cat[0]);
	run(&r[0], c, "mail promotions");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(promotions_of(viewer), 2);
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'/run/test-mail-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	scratch(conf, sizeof(conf), "ditto.conf");
	scratch(delivered, sizeof(delivered), "delivered");
	scratch(faildir, sizeof(faildir), "fail");
	write_mail_command();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_senders_deliver_every_message_once_through_a_failing_command),
	    cmocka_unit_test(test_a_failing_message_is_given_up_after_the_limit),
	    cmocka_unit_test(test_marketing_only_to_opted_in_customers_under_a_marketing_version),
	    cmocka_unit_test(test_unsubscribe_link_works_signed_out_and_stops_promotions),
	    cmocka_unit_test(test_promotions_from_the_viewing_profile),
	};
	return cmocka_run_group_tests_name("mail", tests, NULL, teardown);
}
