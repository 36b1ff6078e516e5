/* test_password_reset.c — a forgotten password through the real stack: the mailed link (delivered
 * by dittoctl mail send), single use, expiry, the same answer for every address, every session
 * ended, the per-network and per-account throttles, the purge of links; and the way back to the
 * page a signed-out customer asked for, with its refusals of every other site. */
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

#define NEW_PASSWORD "harbour violet plinth 2208"

/* A loopback address of its own for each call: the throttles count per network, and rows of
 * earlier runs of this test stay in the table for an hour. */
static const char *fresh_source(void)
{
	static char buf[32];
	static unsigned n;
	unsigned r = (unsigned)getpid() * 7919u + n++ * 104729u + (unsigned)time(NULL) * 31u;
	snprintf(buf, sizeof(buf), "127.%u.%u.%u", 10 + (r >> 16) % 200, (r >> 8) % 250,
	         1 + r % 250);
	return buf;
}

/* POSTs /password/forgot for email as a fresh visitor; keeps the answer in *out (if given). */
static long ask_reset(const char *email, struct http_resp *out)
{
	struct client c = {0};
	char *csrf = form_csrf(&c, "/password/forgot");
	char body[1024];
	snprintf(body, sizeof(body), "csrf=%s&email=%s", csrf, urlenc(email));
	free(csrf);
	struct http_resp r;
	long st = post_form(&c, "/password/forgot", body, &r);
	if (out != NULL)
		*out = r;
	else
		http_resp_free(&r);
	return st;
}

/* The newest reset link's token queued for email, read from the outbox ("" when none). */
static void queued_token(const char *email, char *tok, size_t cap)
{
	char path[512], cmd[1024];
	snprintf(path, sizeof(path), "%s/run/test-reset-%d.sql", env_state(), (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
	        "SELECT REGEXP_SUBSTR(body, '(?<=token=)[A-Za-z0-9_-]{43}') FROM outbox "
	        "WHERE kind = 'password_reset' AND recipient = '%s' ORDER BY id DESC LIMIT 1",
	        email);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto < '%s'",
	         env_state(), path);
	tok[0] = '\0';
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(tok, (int)cap, p) == NULL)
		tok[0] = '\0';
	pclose(p);
	unlink(path);
	tok[strcspn(tok, "\n")] = '\0';
	if (strcmp(tok, "NULL") == 0)
		tok[0] = '\0';
}

static long long links_of(const char *u)
{
	return sql_admin_int("SELECT COUNT(*) FROM password_resets r JOIN customers c ON "
	                     "c.id = r.customer_id WHERE c.username = '%s'",
	                     u);
}

static long long mails_of(const char *email, const char *kind)
{
	return sql_admin_int("SELECT COUNT(*) FROM outbox WHERE recipient = '%s' AND kind = '%s'",
	                     email, kind);
}

static long long sessions_of(const char *u)
{
	return sql_admin_int("SELECT COUNT(*) FROM sessions s JOIN customers c ON "
	                     "c.id = s.customer_id WHERE c.username = '%s'",
	                     u);
}

static long get_status(struct client *c, const char *path)
{
	struct http_resp r;
	assert_int_equal(client_get(c, env_web(), path, &r), 0);
	long st = r.status;
	http_resp_free(&r);
	return st;
}

/* POSTs a new password on the link's page; keeps the answer in *out (if given). */
static long set_password(const char *token, const char *password, struct http_resp *out)
{
	struct client c = {0};
	char path[256], body[512];
	snprintf(path, sizeof(path), "/password/reset?token=%s", token);
	/* The csrf token of a visitor: the cookie and the field of the forgot page will do when
	 * the link's page is no longer open. */
	char *csrf = form_csrf(&c, "/password/forgot");
	snprintf(body, sizeof(body), "csrf=%s&password=%s", csrf, urlenc(password));
	free(csrf);
	struct http_resp r;
	long st = post_form(&c, path, body, &r);
	if (out != NULL)
		*out = r;
	else
		http_resp_free(&r);
	return st;
}

static void test_login_page_links_to_forgot_password(void **state)
{
	(void)state;
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/login", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<a href=\"/password/forgot\">Forgot your password?</a>"));
	http_resp_free(&r);
	assert_int_equal(client_get(&c, env_web(), "/password/forgot", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"email\""));
	http_resp_free(&r);
}

static void test_reset_through_mailed_link_ends_every_session(void **state)
{
	(void)state;
	const char *u = approved_user();
	char email[128];
	snprintf(email, sizeof(email), "%s", mail_of(u));
	/* Signed in on two browsers. */
	struct client a = {0}, b = {0};
	assert_int_equal(do_login(&a, u, TEST_PASSWORD, NULL), 303);
	assert_int_equal(do_login(&b, u, TEST_PASSWORD, NULL), 303);
	assert_int_equal(sessions_of(u), 2);
	long long hash_before =
	    sql_admin_int("SELECT CRC32(password_hash) FROM customers WHERE username = '%s'", u);

	assert_int_equal(ask_reset(email, NULL), 200);
	assert_int_equal(links_of(u), 1);
	/* Queued, never sent from the request: dittoctl mail send delivers it. */
	assert_int_equal(
	    sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' mail send >/dev/null", env_state()),
	    0);
	char cmd[1024], tok[128] = "";
	snprintf(cmd, sizeof(cmd),
	         "grep -l -F 'To: %s' '%s'/mail/*.eml | xargs grep -l 'Subject: Choose a new "
	         "password' | tail -1 | xargs grep -o -m1 'reset?token=[A-Za-z0-9_-]*' | head -1 | "
	         "cut -d= -f2",
	         email, env_state());
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(tok, sizeof(tok), p));
	pclose(p);
	tok[strcspn(tok, "\n")] = '\0';
	assert_int_equal(strlen(tok), 43);
	/* The mail says how to reach the shop if the customer did not ask. */
	assert_int_equal(sh("grep -l -F 'To: %s' '%s'/mail/*.eml | xargs grep -l 'Subject: Choose "
	                    "a new password' | tail -1 | xargs grep -q 'did not ask for this'",
	                    email, env_state()),
	                 0);
	assert_int_equal(sh("grep -l -F 'To: %s' '%s'/mail/*.eml | xargs grep -l 'Subject: Choose "
	                    "a new password' | tail -1 | xargs grep -q -F "
	                    "'support@idemditto.example'",
	                    email, env_state()),
	                 0);
	/* Stored only as its hash. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM password_resets WHERE token_hash = "
	                               "'%s' OR HEX(token_hash) LIKE '%%%s%%'",
	                               tok, tok),
	                 0);

	char path[256];
	snprintf(path, sizeof(path), "/password/reset?token=%s", tok);
	struct client v = {0};
	struct http_resp r;
	assert_int_equal(client_get(&v, env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"password\""));
	http_resp_free(&r);
	/* A weak password is refused like at registration, and the link stays open. */
	assert_int_equal(set_password(tok, "password1234", NULL), 422);
	assert_int_equal(sessions_of(u), 2);
	/* A strong one: every session ends, and the browser is sent to sign in. */
	assert_int_equal(set_password(tok, NEW_PASSWORD, &r), 303);
	char *loc = http_header_value(&r, "Location");
	assert_non_null(loc);
	assert_string_equal(loc, "/login?why=reset");
	free(loc);
	http_resp_free(&r);
	assert_int_equal(sessions_of(u), 0);
	assert_int_equal(get_status(&a, "/catalog"), 303);
	assert_int_equal(get_status(&b, "/catalog"), 303);
	assert_int_not_equal(
	    sql_admin_int("SELECT CRC32(password_hash) FROM customers WHERE username = '%s'", u),
	    hash_before);
	assert_int_equal(mails_of(email, "password_reset_done"), 1);
	/* The old password no longer signs in; the new one does. */
	struct client d = {0};
	assert_int_equal(do_login(&d, u, TEST_PASSWORD, NULL), 422);
	assert_int_equal(do_login(&d, u, NEW_PASSWORD, NULL), 303);
}

/* lockout_failures bad passwords lock the account for their network; a reset completed from
 * that network lifts the lock (the guesses were against the old password), asking for a link
 * lifts nothing. */
static void test_a_reset_lifts_the_lock_of_its_network(void **state)
{
	(void)state;
	const char *u = approved_user();
	char email[128], tok[128];
	snprintf(email, sizeof(email), "%s", mail_of(u));
	struct client c = {0};
	for (int i = 0; i < 10; i++)
		assert_int_equal(do_login(&c, u, "wrong password entirely", NULL), 422);
	assert_int_equal(do_login(&c, u, TEST_PASSWORD, NULL), 422); /* locked */
	assert_int_equal(ask_reset(email, NULL), 200);
	assert_int_equal(do_login(&c, u, TEST_PASSWORD, NULL), 422);
	queued_token(email, tok, sizeof(tok));
	assert_int_equal(strlen(tok), 43);
	assert_int_equal(set_password(tok, NEW_PASSWORD, NULL), 303);
	assert_int_equal(do_login(&c, u, NEW_PASSWORD, NULL), 303);
	assert_non_null(client_get_cookie(&c, "ditto"));
}

static void test_reset_link_works_once(void **state)
{
	(void)state;
	const char *u = approved_user();
	char email[128], tok[128], path[256];
	snprintf(email, sizeof(email), "%s", mail_of(u));
	/* Two links: using one closes the other too. */
	assert_int_equal(ask_reset(email, NULL), 200);
	char first[128];
	queued_token(email, first, sizeof(first));
	assert_int_equal(ask_reset(email, NULL), 200);
	queued_token(email, tok, sizeof(tok));
	assert_int_equal(strlen(first), 43);
	assert_int_equal(strlen(tok), 43);
	assert_string_not_equal(first, tok);
	assert_int_equal(set_password(tok, NEW_PASSWORD, NULL), 303);
	long long hash_after =
	    sql_admin_int("SELECT CRC32(password_hash) FROM customers WHERE username = '%s'", u);
	/* The same link again: refused, and the password stays. */
	struct client c = {0};
	snprintf(path, sizeof(path), "/password/reset?token=%s", tok);
	assert_int_equal(get_status(&c, path), 400);
	assert_int_equal(set_password(tok, "another fine passphrase 99", NULL), 400);
	snprintf(path, sizeof(path), "/password/reset?token=%s", first);
	assert_int_equal(get_status(&c, path), 400);
	assert_int_equal(set_password(first, "another fine passphrase 99", NULL), 400);
	assert_int_equal(
	    sql_admin_int("SELECT CRC32(password_hash) FROM customers WHERE username = '%s'", u),
	    hash_after);
	/* A malformed or unknown token is refused the same way. */
	assert_int_equal(get_status(&c, "/password/reset?token=short"), 400);
	assert_int_equal(
	    get_status(&c, "/password/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
	    400);
	assert_int_equal(get_status(&c, "/password/reset"), 400);
}

static void test_reset_link_expires_after_30_minutes(void **state)
{
	(void)state;
	const char *u = approved_user();
	char email[128], tok[128], path[256];
	snprintf(email, sizeof(email), "%s", mail_of(u));
	assert_int_equal(ask_reset(email, NULL), 200);
	queued_token(email, tok, sizeof(tok));
	assert_int_equal(strlen(tok), 43);
	/* Made for 30 minutes exactly. */
	assert_int_equal(
	    sql_admin_int("SELECT TIMESTAMPDIFF(SECOND, r.created_at, r.expires_at) FROM "
	                  "password_resets r JOIN customers c ON c.id = r.customer_id WHERE "
	                  "c.username = '%s'",
	                  u),
	    1800);
	/* Aged 31 minutes: the link no longer opens, and the password stays. */
	assert_int_equal(sql_admin("UPDATE password_resets r JOIN customers c ON c.id = "
	                           "r.customer_id SET r.created_at = r.created_at - INTERVAL 31 "
	                           "MINUTE, r.expires_at = r.expires_at - INTERVAL 31 MINUTE "
	                           "WHERE c.username = '%s'",
	                           u),
	                 0);
	struct client c = {0};
	snprintf(path, sizeof(path), "/password/reset?token=%s", tok);
	assert_int_equal(get_status(&c, path), 400);
	assert_int_equal(set_password(tok, NEW_PASSWORD, NULL), 400);
	struct client d = {0};
	assert_int_equal(do_login(&d, u, TEST_PASSWORD, NULL), 303);
}

/* body with every occurrence of s replaced by "ADDRESS", and the form's csrf token dropped. */
static char *masked(const char *body, const char *s)
{
	size_t n = strlen(s), cap = strlen(body) + 1;
	char *out = malloc(cap);
	assert_non_null(out);
	size_t w = 0;
	for (const char *p = body; *p;) {
		if (strncmp(p, s, n) == 0) {
			memcpy(out + w, "ADDRESS", 7 < n ? 7 : n);
			w += 7 < n ? 7 : n;
			p += n;
		} else {
			out[w++] = *p++;
		}
	}
	out[w] = '\0';
	char *c = strstr(out, "name=\"csrf\" value=\"");
	while (c != NULL) {
		c += strlen("name=\"csrf\" value=\"");
		for (; *c && *c != '"'; c++)
			*c = 'x';
		c = strstr(c, "name=\"csrf\" value=\"");
	}
	return out;
}

static void test_unknown_address_gets_the_same_answer(void **state)
{
	(void)state;
	const char *known = approved_user();
	char known_email[128];
	snprintf(known_email, sizeof(known_email), "%s", mail_of(known));
	/* A pending account may not sign in, so it gets no link either. */
	const char *pending = unique("pend");
	assert_int_equal(do_register(pending, mail_of(pending), urlenc(TEST_PASSWORD)), 200);
	char pending_email[128];
	snprintf(pending_email, sizeof(pending_email), "%s", mail_of(pending));
	const char *unknown = mail_of(unique("nobody"));
	char unknown_email[128];
	snprintf(unknown_email, sizeof(unknown_email), "%s", unknown);

	struct http_resp rk, ru, rp;
	assert_int_equal(ask_reset(known_email, &rk), 200);
	assert_int_equal(ask_reset(unknown_email, &ru), 200);
	assert_int_equal(ask_reset(pending_email, &rp), 200);
	/* The same page, word for word, once the typed address is set aside. */
	char *mk = masked(rk.body, known_email), *mu = masked(ru.body, unknown_email),
	     *mp = masked(rp.body, pending_email);
	assert_string_equal(mk, mu);
	assert_string_equal(mk, mp);
	free(mk);
	free(mu);
	free(mp);
	http_resp_free(&rk);
	http_resp_free(&ru);
	http_resp_free(&rp);
	assert_int_equal(mails_of(known_email, "password_reset"), 1);
	assert_int_equal(mails_of(unknown_email, "password_reset"), 0);
	assert_int_equal(mails_of(pending_email, "password_reset"), 0);
	assert_int_equal(links_of(pending), 0);
	/* A malformed address is a form error, the same for everyone. */
	assert_int_equal(ask_reset("not an address", NULL), 422);
}

static void test_requests_from_one_network_are_throttled_at_once(void **state)
{
	(void)state;
	http_source(fresh_source());
	const char *unknown = mail_of(unique("flood"));
	char email[128];
	snprintf(email, sizeof(email), "%s", unknown);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ask_reset(email, NULL), 200);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct http_resp r;
	assert_int_equal(ask_reset(email, &r), 429);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	char *retry = http_header_value(&r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) > 0);
	free(retry);
	assert_non_null(strstr(r.body, "Too many password resets"));
	http_resp_free(&r);
	/* Refused, not slowed down: no worker waits. */
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms < 1000);
	/* Another network is not affected. */
	http_source(fresh_source());
	assert_int_equal(ask_reset(email, NULL), 200);
	http_source(NULL);
}

static void test_links_to_one_account_are_limited_per_hour(void **state)
{
	(void)state;
	const char *u = approved_user();
	char email[128];
	snprintf(email, sizeof(email), "%s", mail_of(u));
	/* Five requests from five networks: each answered alike, three links sent. */
	for (int i = 0; i < 5; i++) {
		http_source(fresh_source());
		assert_int_equal(ask_reset(email, NULL), 200);
	}
	http_source(NULL);
	assert_int_equal(links_of(u), 3);
	assert_int_equal(mails_of(email, "password_reset"), 3);
	/* Even from the test stack's relaxed address: the rule is the account's, not the
	 * network's. */
	assert_int_equal(ask_reset(email, NULL), 200);
	assert_int_equal(mails_of(email, "password_reset"), 3);
}

static void test_purge_erases_links_of_erased_accounts_and_dead_links(void **state)
{
	(void)state;
	const char *gone = approved_user(), *kept = approved_user();
	char gone_email[128], kept_email[128];
	snprintf(gone_email, sizeof(gone_email), "%s", mail_of(gone));
	snprintf(kept_email, sizeof(kept_email), "%s", mail_of(kept));
	assert_int_equal(ask_reset(gone_email, NULL), 200);
	assert_int_equal(ask_reset(kept_email, NULL), 200);
	assert_int_equal(ask_reset(kept_email, NULL), 200);
	assert_int_equal(links_of(gone), 1);
	assert_int_equal(links_of(kept), 2);
	long long gone_id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", gone);
	/* The account is deleted (as POST /account/delete leaves it), one of the other's links
	 * expired. */
	assert_int_equal(
	    sql_admin("UPDATE customers SET status = 'deleted' WHERE id = %lld", gone_id), 0);
	assert_int_equal(sql_admin("UPDATE password_resets r JOIN customers c ON c.id = "
	                           "r.customer_id SET r.expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 "
	                           "MINUTE WHERE c.username = '%s' ORDER BY r.created_at LIMIT 1",
	                           kept),
	                 0);
	assert_int_equal(
	    sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' purge >'%s/run/test-reset-purge.out' "
	       "2>&1",
	       env_state(), env_state()),
	    0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM password_resets WHERE customer_id = "
	                               "%lld",
	                               gone_id),
	                 0);
	assert_int_equal(links_of(kept), 1);
	assert_int_equal(sh("grep -q 'used or expired password reset links' "
	                    "'%s/run/test-reset-purge.out'",
	                    env_state()),
	                 0);
	char out[512];
	snprintf(out, sizeof(out), "%s/run/test-reset-purge.out", env_state());
	unlink(out);
}

/* The Location of a POST /login as u with next (raw, urlencoded here), or "" on no redirect. */
static void login_location(const char *u, const char *next, char *out, size_t cap)
{
	struct client c = {0};
	char *csrf = form_csrf(&c, "/login");
	char body[2048];
	int n = snprintf(body, sizeof(body), "csrf=%s&username=%s&password=%s", csrf, u,
	                 urlenc(TEST_PASSWORD));
	free(csrf);
	if (next != NULL)
		snprintf(body + n, sizeof(body) - (size_t)n, "&next=%s", urlenc(next));
	struct http_resp r;
	assert_int_equal(post_form(&c, "/login", body, &r), 303);
	char *loc = http_header_value(&r, "Location");
	snprintf(out, cap, "%s", loc != NULL ? loc : "");
	free(loc);
	http_resp_free(&r);
}

static void test_sign_in_returns_to_the_page_asked_for(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	/* A signed-out visit to a customer's page goes to sign in, naming the page. */
	assert_int_equal(client_get(&c, env_web(), "/orders?page=1", &r), 0);
	assert_int_equal(r.status, 303);
	char *loc = http_header_value(&r, "Location");
	assert_non_null(loc);
	assert_string_equal(loc, "/login?why=signin&next=%2Forders%3Fpage%3D1");
	http_resp_free(&r);
	/* The sign-in form carries it ... */
	assert_int_equal(client_get(&c, env_web(), loc, &r), 0);
	free(loc);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"next\" value=\"/orders?page=1\""));
	http_resp_free(&r);
	/* ... and signing in goes back there. */
	char where[1024];
	login_location(u, "/orders?page=1", where, sizeof(where));
	assert_string_equal(where, "/orders?page=1");
	login_location(u, "/product/1", where, sizeof(where));
	assert_string_equal(where, "/product/1");
	/* Without a next, the catalogue. */
	login_location(u, NULL, where, sizeof(where));
	assert_string_equal(where, "/catalog");
}

static void test_sign_in_never_redirects_to_another_site(void **state)
{
	(void)state;
	const char *u = approved_user();
	char long_path[700];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	const char *hostile[] = {
	    "//evil.example/",
	    "///evil.example",
	    "https://evil.example/",
	    "http:evil.example",
	    "javascript:alert(1)",
	    "/\\evil.example",
	    "\\\\evil.example",
	    "/\t/evil.example",
	    "/\n/evil.example",
	    " /catalog",
	    "evil.example",
	    "catalog",
	    "",
	    "/catalog#frag",
	    "/caf\xc3\xa9",
	    long_path,
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char where[1024];
		login_location(u, hostile[i], where, sizeof(where));
		assert_string_equal(where, "/catalog");
	}
	/* The sign-in form does not carry them either. */
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(
	    client_get(&c, env_web(), "/login?why=signin&next=%2F%2Fevil.example%2F", &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "name=\"next\""));
	assert_null(strstr(r.body, "evil.example"));
	http_resp_free(&r);
}

/* The shop's contact details (the stack's config) in the footer of every shop page, in the
 * body of /contact and /privacy, and never on the staff site's footer. */
static void test_contact_details_on_shop_pages_contact_and_privacy(void **state)
{
	(void)state;
	static const char *const pages[] = {"/",        "/login",  "/register", "/password/forgot",
	                                    "/privacy", "/contact"};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct client c = {0};
		struct http_resp r;
		assert_int_equal(client_get(&c, env_web(), pages[i], &r), 0);
		assert_int_equal(r.status, 200);
		const char *foot = strstr(r.body, "<footer");
		assert_non_null(foot);
		assert_non_null(strstr(foot, "mailto:support@idemditto.example"));
		assert_non_null(strstr(foot, "href=\"tel:+441134960000\""));
		assert_non_null(strstr(foot, "1 Showroom Lane"));
		http_resp_free(&r);
	}
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/contact", &r), 0);
	const char *main = strstr(r.body, "<main"), *foot = strstr(r.body, "<footer");
	assert_non_null(main);
	const char *phone = strstr(main, "+44 113 496 0000");
	assert_true(phone != NULL && phone < foot);
	http_resp_free(&r);
	assert_int_equal(client_get(&c, env_web(), "/privacy", &r), 0);
	main = strstr(r.body, "<main");
	foot = strstr(r.body, "<footer");
	const char *q = strstr(main, "Questions about your data");
	assert_true(q != NULL && q < foot);
	assert_true(strstr(q, "support@idemditto.example") < foot);
	http_resp_free(&r);
	assert_int_equal(client_get(&c, env_staff(), "/admin/login", &r), 0);
	assert_null(strstr(r.body, "support@idemditto.example"));
	http_resp_free(&r);
}

static int teardown(void **state)
{
	(void)state;
	http_source(NULL);
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_page_links_to_forgot_password),
	    cmocka_unit_test(test_reset_through_mailed_link_ends_every_session),
	    cmocka_unit_test(test_a_reset_lifts_the_lock_of_its_network),
	    cmocka_unit_test(test_reset_link_works_once),
	    cmocka_unit_test(test_reset_link_expires_after_30_minutes),
	    cmocka_unit_test(test_unknown_address_gets_the_same_answer),
	    cmocka_unit_test(test_requests_from_one_network_are_throttled_at_once),
	    cmocka_unit_test(test_links_to_one_account_are_limited_per_hour),
	    cmocka_unit_test(test_purge_erases_links_of_erased_accounts_and_dead_links),
	    cmocka_unit_test(test_sign_in_returns_to_the_page_asked_for),
	    cmocka_unit_test(test_sign_in_never_redirects_to_another_site),
	    cmocka_unit_test(test_contact_details_on_shop_pages_contact_and_privacy),
	};
	return cmocka_run_group_tests_name("password_reset", tests, NULL, teardown);
}
