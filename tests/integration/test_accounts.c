/* test_accounts.c — the access model over HTTP: registration, approval, login, sessions,
 * CSRF, lockout, My Account, and that passwords are never stored or logged in clear. */
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

#include "harness.h"

#define PASSWORD TEST_PASSWORD
#define COOKIE   "ditto"

static const char *web(void)
{
	return env_web();
}

static long get_status(struct client *c, const char *path)
{
	struct http_resp r;
	assert_int_equal(client_get(c, web(), path, &r), 0);
	long s = r.status;
	http_resp_free(&r);
	return s;
}

static void test_register_pending_approve_login_logout(void **state)
{
	(void)state;
	const char *u = unique("flow");
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_register(u, mail_of(u), urlenc(PASSWORD)), 200);
	assert_string_equal(
	    "pending",
	    (sql_admin_int("SELECT status = 'pending' FROM customers WHERE username = '%s'", u) ==
	     1)
	        ? "pending"
	        : "other");
	/* Recorded with the policy version in force. */
	assert_int_equal(
	    sql_admin_int("SELECT policy_version FROM customers WHERE username = '%s'", u),
	    sql_admin_int("SELECT MAX(version) FROM policy_versions"));
	/* Pending: cannot sign in, told why; cannot see the catalogue. */
	assert_int_equal(do_login(&c, u, PASSWORD, &r), 403);
	assert_non_null(strstr(r.body, "waiting for a representative"));
	http_resp_free(&r);
	assert_null(client_get_cookie(&c, COOKIE));
	assert_int_equal(get_status(&c, "/catalog"), 303);

	ctl_ok("approve", u);
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	assert_non_null(client_get_cookie(&c, COOKIE));
	assert_int_equal(get_status(&c, "/catalog"), 200);
	assert_int_equal(get_status(&c, "/product/1"), 200);

	char old[200];
	snprintf(old, sizeof(old), "%s", client_get_cookie(&c, COOKIE));
	char *csrf = form_csrf(&c, "/account");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	free(csrf);
	assert_int_equal(post_form(&c, "/logout", body, &r), 303);
	char *csd = http_header_value(&r, "Clear-Site-Data");
	assert_non_null(csd);
	free(csd);
	http_resp_free(&r);
	/* The old cookie no longer works: the session is gone server-side. */
	struct client stale = {0};
	client_set_cookie(&stale, COOKIE, old);
	assert_int_equal(get_status(&stale, "/catalog"), 303);
}

static void test_shop_cookie_sent_to_the_staff_site_is_ignored(void **state)
{
	(void)state;
	struct client c = {0};
	assert_int_equal(do_login(&c, approved_user(), PASSWORD, NULL), 303);
	struct http_resp r;
	assert_int_equal(client_get(&c, env_staff(), "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

static void test_catalog_needs_sign_in(void **state)
{
	(void)state;
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(client_get(&c, web(), "/catalog", &r), 0);
	assert_int_equal(r.status, 303);
	char *loc = http_header_value(&r, "Location");
	assert_non_null(strstr(loc, "/login"));
	free(loc);
	http_resp_free(&r);
	assert_int_equal(get_status(&c, "/product/1"), 303);
	assert_int_equal(get_status(&c, "/account"), 303);
}

static void test_cancelled_account_refused_at_once_with_live_session(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	assert_int_equal(get_status(&c, "/catalog"), 200);
	/* A status change that leaves the session row alive is refused at the next request. */
	assert_int_equal(
	    sql_admin("UPDATE customers SET status = 'cancelled' WHERE username = '%s'", u), 0);
	struct http_resp r;
	assert_int_equal(client_get(&c, web(), "/catalog", &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "cancelled"));
	http_resp_free(&r);
	/* The representative's command also ends the sessions. */
	assert_int_equal(
	    sql_admin("UPDATE customers SET status = 'approved' WHERE username = '%s'", u), 0);
	assert_int_equal(get_status(&c, "/catalog"), 200);
	ctl_ok("cancel", u);
	assert_int_equal(get_status(&c, "/catalog"), 303);
	assert_int_equal(do_login(&c, u, PASSWORD, &r), 403);
	assert_non_null(strstr(r.body, "cancelled"));
	http_resp_free(&r);
}

static void test_denied_account_cannot_sign_in(void **state)
{
	(void)state;
	const char *u = unique("deny");
	assert_int_equal(do_register(u, mail_of(u), urlenc(PASSWORD)), 200);
	ctl_ok("deny", u);
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, PASSWORD, &r), 403);
	assert_non_null(strstr(r.body, "did not approve"));
	http_resp_free(&r);
	assert_null(client_get_cookie(&c, COOKIE));
}

static void test_session_cookie_flags(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, PASSWORD, &r), 303);
	char *set = http_header_value(&r, "Set-Cookie");
	assert_non_null(set);
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	assert_non_null(strstr(set, "Path=/"));
	free(set);
	http_resp_free(&r);
}

static void test_session_id_changes_at_login_and_planted_id_is_ignored(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	const char *planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	client_set_cookie(&c, COOKIE, planted);
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	char first[200];
	snprintf(first, sizeof(first), "%s", client_get_cookie(&c, COOKIE));
	assert_string_not_equal(first, planted);
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	assert_string_not_equal(client_get_cookie(&c, COOKIE), first);
	/* Logging in again ended the earlier session. */
	struct client old = {0};
	client_set_cookie(&old, COOKIE, first);
	assert_int_equal(get_status(&old, "/catalog"), 303);
	/* Only a hash of the token is stored. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM sessions WHERE token_hash = '%s'",
	                               client_get_cookie(&c, COOKIE)),
	                 0);
}

static void test_csrf_missing_or_wrong_is_403_and_changes_nothing(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	char body[512];
	snprintf(body, sizeof(body), "action=profile&name=Mallory&email=%s", mail_of(u));
	assert_int_equal(post_form(&c, "/account", body, &r), 403);
	http_resp_free(&r);
	snprintf(
	    body, sizeof(body),
	    "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&action=profile&name=Mallory&email=%s",
	    mail_of(u));
	assert_int_equal(post_form(&c, "/account", body, &r), 403);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int(
	        "SELECT COUNT(*) FROM customers WHERE username = '%s' AND name = 'Mallory'", u),
	    0);
	/* A visitor's form without the token creates nothing either. */
	struct client v = {0};
	const char *nu = unique("csrf");
	snprintf(body, sizeof(body), "name=X&email=%s&username=%s&password=%s&accept_policy=1",
	         mail_of(nu), nu, urlenc(PASSWORD));
	assert_int_equal(post_form(&v, "/register", body, &r), 403);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s'", nu),
	                 0);
	/* A token from another visitor's cookie does not fit this visitor. */
	struct client a = {0}, b = {0};
	char *ta = form_csrf(&a, "/register");
	free(form_csrf(&b, "/register")); /* b gets its own token cookie */
	snprintf(body, sizeof(body),
	         "csrf=%s&name=X&email=%s&username=%s&password=%s&accept_policy=1", ta, mail_of(nu),
	         nu, urlenc(PASSWORD));
	free(ta);
	assert_int_equal(post_form(&b, "/register", body, &r), 403);
	http_resp_free(&r);
}

static void test_lockout_after_repeated_failures_says_nothing_of_existence(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r, unknown;
	for (int i = 0; i < 10; i++)
		assert_int_equal(do_login(&c, u, "wrong password entirely", NULL), 422);
	/* Now even the right password is refused, with the same words as a wrong one. */
	assert_int_equal(do_login(&c, u, PASSWORD, &r), 422);
	assert_null(client_get_cookie(&c, COOKIE));
	assert_int_equal(do_login(&c, unique("nobody"), PASSWORD, &unknown), 422);
	char *m1 = strstr(r.body, "<div class=\"error-summary\"");
	char *m2 = strstr(unknown.body, "<div class=\"error-summary\"");
	assert_non_null(m1);
	assert_non_null(m2);
	assert_memory_equal(m1, m2, 120);
	http_resp_free(&r);
	http_resp_free(&unknown);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM lockouts l JOIN customers c "
	                               "ON c.id = l.customer_id WHERE c.username = '%s'",
	                               u),
	                 1);
	/* The lock lifts after its time (moved into the past here). */
	assert_int_equal(
	    sql_admin("UPDATE customers SET locked_until = UTC_TIMESTAMP() - INTERVAL 1 "
	              "SECOND WHERE username = '%s'",
	              u),
	    0);
	assert_int_equal(sql_admin("DELETE FROM login_throttle"), 0);
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
}

static void test_cannot_end_another_customers_session(void **state)
{
	(void)state;
	const char *ua = approved_user();
	const char *ub = approved_user();
	struct client a = {0}, b = {0};
	struct http_resp r;
	assert_int_equal(do_login(&a, ua, PASSWORD, NULL), 303);
	assert_int_equal(do_login(&b, ub, PASSWORD, NULL), 303);
	long long bid = sql_admin_int("SELECT MAX(s.id) FROM sessions s JOIN customers c ON "
	                              "c.id = s.customer_id WHERE c.username = '%s'",
	                              ub);
	char *csrf = form_csrf(&a, "/account");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&action=end_session&session_id=%lld", csrf, bid);
	free(csrf);
	assert_int_equal(post_form(&a, "/account", body, &r), 404);
	http_resp_free(&r);
	assert_int_equal(get_status(&b, "/catalog"), 200);
	/* And My Account shows only one's own data. */
	assert_int_equal(client_get(&a, web(), "/account", &r), 0);
	assert_null(strstr(r.body, ub));
	assert_non_null(strstr(r.body, ua));
	http_resp_free(&r);
}

static void test_password_change_ends_every_session(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client a = {0}, b = {0};
	struct http_resp r;
	assert_int_equal(do_login(&a, u, PASSWORD, NULL), 303);
	assert_int_equal(do_login(&b, u, PASSWORD, NULL), 303);
	char old[200];
	snprintf(old, sizeof(old), "%s", client_get_cookie(&a, COOKIE));
	char *csrf = form_csrf(&a, "/account");
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s&action=password&current_password=%s", csrf,
	         urlenc(PASSWORD));
	size_t len = strlen(body);
	snprintf(body + len, sizeof(body) - len, "&new_password=%s",
	         urlenc("violet harbour engine 1984"));
	free(csrf);
	assert_int_equal(post_form(&a, "/account", body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(get_status(&b, "/catalog"), 303);
	struct client stale = {0};
	client_set_cookie(&stale, COOKIE, old);
	assert_int_equal(get_status(&stale, "/catalog"), 303);
	assert_int_equal(get_status(&a, "/catalog"), 200); /* a fresh session for this browser */
	struct client c = {0};
	assert_int_equal(do_login(&c, u, "violet harbour engine 1984", NULL), 303);
}

static void test_weak_password_refused_with_message(void **state)
{
	(void)state;
	const char *u = unique("weak");
	assert_int_equal(do_register(u, mail_of(u), "short"), 422);
	assert_int_equal(do_register(u, mail_of(u), "password1234"), 422);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s'", u),
	                 0);
}

static void test_duplicate_email_does_not_reveal_the_account(void **state)
{
	(void)state;
	const char *u = approved_user();
	const char *other = unique("dup");
	/* Same page as a success; the owner of the address gets a notice instead. */
	assert_int_equal(do_register(other, mail_of(u), urlenc(PASSWORD)), 200);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s'", other), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind = 'register_existing' "
	                  "AND recipient = '%s'",
	                  mail_of(u)),
	    1);
	/* A taken username is said: the form needs it. */
	assert_int_equal(do_register(u, mail_of(other), urlenc(PASSWORD)), 422);
}

static void test_stored_hash_is_argon2id_and_rehashed_after_param_change(void **state)
{
	(void)state;
	const char *u = approved_user();
	assert_int_equal(
	    sql_admin_int("SELECT password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%%' "
	                  "FROM customers WHERE username = '%s'",
	                  u),
	    1);
	/* Every app host's web pool (both on the cluster: the sign-in may reach either). */
	for (int i = 0; i < app_host_count(); i++) {
		pid_t master = pool_master_pid_in(app_host_dir(i), "web");
		assert_true(master > 0);
		assert_int_equal(
		    sh("sed -i '1a argon2_memory_kib = 8192' '%s/ditto.conf'", app_host_dir(i)), 0);
		assert_int_equal(kill(master, SIGHUP), 0);
	}
	sleep(2);
	struct client c = {0};
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	assert_int_equal(
	    sql_admin_int("SELECT password_hash LIKE '$argon2id$v=19$m=8192,t=2,p=1$%%' "
	                  "FROM customers WHERE username = '%s'",
	                  u),
	    1);
	for (int i = 0; i < app_host_count(); i++) {
		pid_t master = pool_master_pid_in(app_host_dir(i), "web");
		assert_int_equal(
		    sh("sed -i '/^argon2_memory_kib/d' '%s/ditto.conf'", app_host_dir(i)), 0);
		assert_int_equal(kill(master, SIGHUP), 0);
	}
	sleep(2);
	struct client d = {0};
	assert_int_equal(do_login(&d, u, PASSWORD, NULL), 303);
	assert_int_equal(
	    sql_admin_int("SELECT password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%%' "
	                  "FROM customers WHERE username = '%s'",
	                  u),
	    1);
}

static void test_my_account_corrects_data_and_exports_it(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	char *csrf = form_csrf(&c, "/account");
	char body[1024];
	snprintf(body, sizeof(body),
	         "csrf=%s&action=profile&name=New+Name&email=%s&phone=%%2B44+20+7946+0001", csrf,
	         mail_of(u));
	assert_int_equal(post_form(&c, "/account", body, &r), 303);
	http_resp_free(&r);
	snprintf(
	    body, sizeof(body),
	    "csrf=%s&action=addresses&billing_line1=1+High+St&billing_line2=&billing_city=Leeds"
	    "&billing_postcode=LS1&billing_country=UK&shipping_line1=&shipping_line2="
	    "&shipping_city=&shipping_postcode=&shipping_country=",
	    csrf);
	assert_int_equal(post_form(&c, "/account", body, &r), 303);
	http_resp_free(&r);
	snprintf(body, sizeof(body),
	         "csrf=%s&action=interests&interests%%5B%%5D=1&interests%%5B%%5D=2"
	         "&profile_opt_out=1",
	         csrf);
	assert_int_equal(post_form(&c, "/account", body, &r), 303);
	http_resp_free(&r);
	/* Bad input re-shows the form with 422 and stores nothing. */
	snprintf(body, sizeof(body), "csrf=%s&action=profile&name=&email=not-an-email", csrf);
	assert_int_equal(post_form(&c, "/account", body, &r), 422);
	assert_non_null(strstr(r.body, "Enter your name"));
	http_resp_free(&r);
	free(csrf);
	assert_int_equal(client_get(&c, web(), "/account", &r), 0);
	assert_non_null(strstr(r.body, "New Name"));
	assert_non_null(strstr(r.body, "Leeds"));
	char *cc = http_header_value(&r, "Cache-Control");
	assert_string_equal(cc, "no-store");
	free(cc);
	http_resp_free(&r);
	assert_int_equal(client_get(&c, web(), "/account/export", &r), 0);
	assert_int_equal(r.status, 200);
	char *cd = http_header_value(&r, "Content-Disposition");
	assert_non_null(strstr(cd, "attachment"));
	free(cd);
	assert_non_null(strstr(r.body, "\"phone\": \"+44 20 7946 0001\""));
	assert_non_null(strstr(r.body, "\"city\": \"Leeds\""));
	assert_non_null(strstr(r.body, "\"viewing_profile_opt_out\": true"));
	assert_null(strstr(r.body, "argon2"));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customer_interests i JOIN customers c ON "
	                  "c.id = i.customer_id WHERE c.username = '%s' AND "
	                  "i.policy_version > 0",
	                  u),
	    2);
}

static void test_deactivate_needs_confirmation_and_password(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	char *csrf = form_csrf(&c, "/account");
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	assert_int_equal(post_form(&c, "/account/deactivate", body, &r), 200);
	assert_non_null(strstr(r.body, "Deactivate my account"));
	http_resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&confirm=yes&password=wrong+one+entirely", csrf);
	assert_int_equal(post_form(&c, "/account/deactivate", body, &r), 422);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT status = 'approved' FROM customers WHERE username = '%s'", u), 1);
	snprintf(body, sizeof(body), "csrf=%s&confirm=yes&password=%s", csrf, urlenc(PASSWORD));
	free(csrf);
	assert_int_equal(post_form(&c, "/account/deactivate", body, &r), 200);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT status = 'deactivated' FROM customers WHERE "
	                               "username = '%s'",
	                               u),
	                 1);
	assert_int_equal(get_status(&c, "/catalog"), 303);
	struct client d = {0};
	assert_int_equal(do_login(&d, u, PASSWORD, &r), 403);
	assert_non_null(strstr(r.body, "deactivated"));
	http_resp_free(&r);
}

static void test_delete_marks_account_for_erasure(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	char *csrf = form_csrf(&c, "/account");
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s&confirm=yes&password=%s", csrf, urlenc(PASSWORD));
	free(csrf);
	assert_int_equal(post_form(&c, "/account/delete", body, &r), 200);
	assert_non_null(strstr(r.body, "within 24 hours"));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT status = 'deleted' FROM customers WHERE username = '%s'", u), 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM sessions s JOIN customers c ON "
	                               "c.id = s.customer_id WHERE c.username = '%s'",
	                               u),
	                 0);
}

static void test_email_verification_link(void **state)
{
	(void)state;
	const char *u = unique("verify");
	assert_int_equal(do_register(u, mail_of(u), urlenc(PASSWORD)), 200);
	assert_int_equal(
	    sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' mail send >/dev/null", env_state()),
	    0);
	char cmd[1024];
	snprintf(
	    cmd, sizeof(cmd),
	    "grep -l 'To: .*%s' '%s'/mail/*.eml | head -1 | xargs grep -o 'token=[A-Za-z0-9_-]*' "
	    "| head -1",
	    mail_of(u), env_state());
	FILE *p = popen(cmd, "r");
	char tok[128] = "";
	assert_non_null(p);
	assert_non_null(fgets(tok, sizeof(tok), p));
	pclose(p);
	tok[strcspn(tok, "\n")] = '\0';
	char path[256];
	snprintf(path, sizeof(path), "/verify?%s", tok);
	struct client c = {0};
	assert_int_equal(get_status(&c, path), 200);
	assert_int_equal(sql_admin_int("SELECT email_verified_at IS NOT NULL FROM customers WHERE "
	                               "username = '%s'",
	                               u),
	                 1);
	assert_int_equal(get_status(&c, path), 400); /* used once only */
}

static void test_visits_are_counted(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	assert_int_equal(
	    sql_admin_int("SELECT visit_count FROM customers WHERE username = '%s'", u), 1);
	/* A request after 30 minutes idle is a new visit. */
	assert_int_equal(sql_admin("UPDATE sessions s JOIN customers c ON c.id = s.customer_id SET "
	                           "s.last_seen_at = UTC_TIMESTAMP() - INTERVAL 31 MINUTE WHERE "
	                           "c.username = '%s'",
	                           u),
	                 0);
	/* Two pages at once after the idle half hour (often on two workers, each of which saw the
	 * old last_seen_at and batched a visit): one visit. */
	assert_int_equal(get_status(&c, "/catalog"), 200);
	assert_int_equal(get_status(&c, "/catalog?page=2"), 200);
	batch_settle(); /* the worker writes the visit within a second, not in the request */
	assert_int_equal(
	    sql_admin_int("SELECT visit_count FROM customers WHERE username = '%s'", u), 2);
	assert_int_equal(get_status(&c, "/catalog"), 200);
	batch_settle();
	assert_int_equal(
	    sql_admin_int("SELECT visit_count FROM customers WHERE username = '%s'", u), 2);
	/* ...and the session was seen just now: its idle clock started again. */
	assert_int_equal(sql_admin_int("SELECT MAX(s.last_seen_at) > UTC_TIMESTAMP() - INTERVAL 1 "
	                               "MINUTE FROM sessions s JOIN customers c ON c.id = "
	                               "s.customer_id WHERE c.username = '%s'",
	                               u),
	                 1);
}

static void test_passwords_never_stored_or_logged_in_clear(void **state)
{
	(void)state;
	/* Every password used above, plus one registered now, searched for everywhere. */
	const char *u = unique("leak");
	const char *secret = "Zebra quantum lantern 4711";
	assert_int_equal(do_register(u, mail_of(u), urlenc(secret)), 200);
	struct client c = {0};
	do_login(&c, u, secret, NULL);
	do_login(&c, u, "Zebra quantum lantern 4712", NULL);
	assert_int_equal(
	    sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' mail send >/dev/null", env_state()),
	    0);
	const char *needles[] = {secret, PASSWORD, "violet harbour engine 1984",
	                         "Zebra quantum lantern 4712"};
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
		assert_int_equal(
		    sh("mariadb-dump --defaults-file='%s/my.cnf' -uroot --single-transaction "
		       "--all-databases "
		       "--skip-extended-insert 2>/dev/null | grep -c -F '%s' >/dev/null",
		       env_state(), needles[i]),
		    1);
		assert_int_equal(sh("grep -r -l -F '%s' '%s/log' '%s/mail' >/dev/null", needles[i],
		                    env_state(), env_state()),
		                 1);
	}
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register_pending_approve_login_logout),
	    cmocka_unit_test(test_catalog_needs_sign_in),
	    cmocka_unit_test(test_shop_cookie_sent_to_the_staff_site_is_ignored),
	    cmocka_unit_test(test_cancelled_account_refused_at_once_with_live_session),
	    cmocka_unit_test(test_denied_account_cannot_sign_in),
	    cmocka_unit_test(test_session_cookie_flags),
	    cmocka_unit_test(test_session_id_changes_at_login_and_planted_id_is_ignored),
	    cmocka_unit_test(test_csrf_missing_or_wrong_is_403_and_changes_nothing),
	    cmocka_unit_test(test_lockout_after_repeated_failures_says_nothing_of_existence),
	    cmocka_unit_test(test_cannot_end_another_customers_session),
	    cmocka_unit_test(test_password_change_ends_every_session),
	    cmocka_unit_test(test_weak_password_refused_with_message),
	    cmocka_unit_test(test_duplicate_email_does_not_reveal_the_account),
	    cmocka_unit_test(test_stored_hash_is_argon2id_and_rehashed_after_param_change),
	    cmocka_unit_test(test_my_account_corrects_data_and_exports_it),
	    cmocka_unit_test(test_deactivate_needs_confirmation_and_password),
	    cmocka_unit_test(test_delete_marks_account_for_erasure),
	    cmocka_unit_test(test_email_verification_link),
	    cmocka_unit_test(test_visits_are_counted),
	    cmocka_unit_test(test_passwords_never_stored_or_logged_in_clear),
	};
	return cmocka_run_group_tests_name("accounts", tests, NULL, NULL);
}
