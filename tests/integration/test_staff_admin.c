/* test_staff_admin.c — the admin's pages through nginx against the real database: site notices
 * the shop shows and stops showing, policy versions published like dittoctl publishes them,
 * staff members added with their TOTP enrolment shown once, disabled, and given a new second
 * factor; bad input (422), double submits (409) and every other role (403) change nothing, and
 * the audit chain still verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

/* A form body built one urlencoded field at a time (urlenc has a single buffer). */
struct form {
	char s[8192];
};

static void form_add(struct form *f, const char *key, const char *value)
{
	size_t len = strlen(f->s);
	snprintf(f->s + len, sizeof(f->s) - len, "%s%s=", len ? "&" : "", key);
	len = strlen(f->s);
	snprintf(f->s + len, sizeof(f->s) - len, "%s", urlenc(value));
}

/* The csrf token of c's session, from the staff home page. */
static void session_csrf(struct client *c, struct form *f)
{
	struct http_resp r;
	assert_int_equal(staff_get(c, "/admin", &r), 200);
	char *csrf = html_csrf(r.body);
	assert_non_null(csrf);
	http_resp_free(&r);
	f->s[0] = '\0';
	form_add(f, "csrf", csrf);
	free(csrf);
}

/* POSTs f to path on the staff site as c; returns the status (r keeps the answer). */
static long post(struct client *c, const char *path, const struct form *f, struct http_resp *r)
{
	assert_int_equal(client_post(c, env_staff(), path, f->s, r), 0);
	return r->status;
}

/* POSTs f and frees the answer; returns the status. */
static long post_status(struct client *c, const char *path, const struct form *f)
{
	struct http_resp r;
	long st = post(c, path, f, &r);
	http_resp_free(&r);
	return st;
}

/* The text between start and end in body, in buf ("" when absent). */
static const char *between(const char *body, const char *start, const char *end, char *buf,
                           size_t cap)
{
	buf[0] = '\0';
	const char *p = strstr(body, start);
	if (p == NULL)
		return buf;
	p += strlen(start);
	const char *e = strstr(p, end);
	if (e != NULL)
		snprintf(buf, cap, "%.*s", (int)(e - p), p);
	return buf;
}

/* now + minutes in UTC as a datetime-local input sends it. */
static const char *utc_local(int minutes, char buf[32])
{
	time_t t = time(NULL) + minutes * 60;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M", &tm);
	return buf;
}

/* True when the shop's home page shows text. */
static bool shop_shows(const char *text)
{
	struct http_resp r;
	assert_int_equal(http_get(env_web(), "/", &r), 0);
	assert_int_equal(r.status, 200);
	bool yes = strstr(r.body, text) != NULL;
	http_resp_free(&r);
	return yes;
}

static long long audit_rows(const char *action, const char *detail)
{
	return sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND detail = '%s'",
	                     action, detail);
}

/* A signed-in admin for one test. */
static void admin_in(struct member *admin, struct client *c)
{
	member_new(admin, ROLE_ADMIN);
	staff_login(c, admin);
}

/* ---- site notices ------------------------------------------------------------------------ */

static void test_admin_adds_a_notice_the_shop_shows_at_once_and_ends_it(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	char body[128], when[32], path[64], detail[40];
	snprintf(body, sizeof(body), "Closed for inventory %s", unique("notice"));
	struct form f;
	session_csrf(&c, &f);
	form_add(&f, "body", body);
	form_add(&f, "starts_at", utc_local(-1, when));
	form_add(&f, "ends_at", "");
	assert_false(shop_shows(body));
	assert_int_equal(post_status(&c, "/admin/notices", &f), 200);
	long long id = sql_admin_int("SELECT id FROM site_notices WHERE body = '%s'", body);
	assert_true(id > 0);
	assert_true(shop_shows(body));
	snprintf(detail, sizeof(detail), "notice %lld", id);
	assert_int_equal(audit_rows("notice_add", detail), 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = 'notice_add' "
	                               "AND detail = '%s' AND staff_username = '%s' AND role = "
	                               "'admin' AND customer_id IS NULL",
	                               detail, admin.username),
	                 1);

	/* The same form again: one notice, and it says so. */
	assert_int_equal(post_status(&c, "/admin/notices", &f), 409);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM site_notices WHERE body = '%s'", body),
	                 1);
	assert_int_equal(audit_rows("notice_add", detail), 1);

	/* Ended now: gone from the shop at once; ending it again changes nothing. */
	session_csrf(&c, &f);
	snprintf(path, sizeof(path), "/admin/notices/%lld/end", id);
	assert_int_equal(post_status(&c, path, &f), 200);
	assert_false(shop_shows(body));
	assert_int_equal(sql_admin_int("SELECT ends_at <= UTC_TIMESTAMP(6) FROM site_notices "
	                               "WHERE id = %lld",
	                               id),
	                 1);
	assert_int_equal(post_status(&c, path, &f), 409);
	assert_int_equal(audit_rows("notice_end", detail), 1);
	assert_int_equal(post_status(&c, "/admin/notices/999999999/end", &f), 404);
}

static void test_a_notice_shows_only_inside_its_window(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	char body[128], from[32], until[32];
	snprintf(body, sizeof(body), "Summer sale soon %s", unique("later"));
	struct form f;
	session_csrf(&c, &f);
	form_add(&f, "body", body);
	form_add(&f, "starts_at", utc_local(60, from));
	form_add(&f, "ends_at", utc_local(120, until));
	assert_int_equal(post_status(&c, "/admin/notices", &f), 200);
	assert_false(shop_shows(body)); /* not yet */
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin/notices", &r), 200);
	assert_non_null(strstr(r.body, body));
	assert_non_null(strstr(r.body, "scheduled"));
	http_resp_free(&r);
	/* Time passes (the window moved back two hours): shown, then past its end. */
	assert_int_equal(
	    sql_admin("UPDATE site_notices SET starts_at = starts_at - INTERVAL 90 "
	              "MINUTE, ends_at = ends_at - INTERVAL 90 MINUTE WHERE body = '%s'",
	              body),
	    0);
	assert_true(shop_shows(body));
	assert_int_equal(
	    sql_admin("UPDATE site_notices SET starts_at = starts_at - INTERVAL 60 "
	              "MINUTE, ends_at = ends_at - INTERVAL 60 MINUTE WHERE body = '%s'",
	              body),
	    0);
	assert_false(shop_shows(body));
}

static void test_bad_notice_input_is_422_and_stores_nothing(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	char body[128], when[32], later[32];
	snprintf(body, sizeof(body), "Never stored %s", unique("bad"));
	static const struct {
		const char *body, *starts, *ends, *message;
	} bad[] = {
	    {"", "now", "", "Write the notice"},
	    {"B", "2026-02-30T10:00", "", "Give the start"},
	    {"B", "tomorrow", "", "Give the start"},
	    {"B", "now", "soon", "Give the end"},
	    {"B", "later", "now", "The end must come after the start"},
	    {"B", "now", "now", "The end must come after the start"},
	};
	utc_local(0, when);
	utc_local(30, later);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct form f;
		session_csrf(&c, &f);
		form_add(&f, "body", *bad[i].body ? body : "");
		const char *s = bad[i].starts, *e = bad[i].ends;
		form_add(&f, "starts_at",
		         strcmp(s, "now") == 0     ? when
		         : strcmp(s, "later") == 0 ? later
		                                   : s);
		form_add(&f, "ends_at", strcmp(e, "now") == 0 ? when : e);
		struct http_resp r;
		assert_int_equal(post(&c, "/admin/notices", &f, &r), 422);
		if (strstr(r.body, bad[i].message) == NULL)
			fail_msg("case %zu: no message '%s'", i, bad[i].message);
		http_resp_free(&r);
	}
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM site_notices WHERE body = '%s'", body),
	                 0);
}

/* ---- the privacy policy ------------------------------------------------------------------- */

static long long newest_version(void)
{
	return sql_admin_int("SELECT COALESCE(MAX(version), 0) FROM policy_versions");
}

/* The form of /admin/policy as c sees it: csrf and the version it is based on. */
static void policy_form(struct client *c, struct form *f)
{
	struct http_resp r;
	char based_on[32];
	assert_int_equal(staff_get(c, "/admin/policy", &r), 200);
	char *csrf = html_csrf(r.body);
	assert_non_null(csrf);
	between(r.body, "name=\"based_on\" value=\"", "\"", based_on, sizeof(based_on));
	assert_int_equal(atoll(based_on), newest_version());
	http_resp_free(&r);
	f->s[0] = '\0';
	form_add(f, "csrf", csrf);
	form_add(f, "based_on", based_on);
	free(csrf);
}

static void test_admin_publishes_a_policy_version_the_shop_and_dittoctl_see(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	long long before = newest_version();
	char text[128], detail[40];
	snprintf(text, sizeof(text), "We keep orders for seven years. %s", unique("policy"));
	struct form f;
	policy_form(&c, &f);
	form_add(&f, "title", "Privacy policy (staff site)");
	form_add(&f, "body", text);
	form_add(&f, "purposes", "account, orders,marketing ,newsletter_digest");
	assert_int_equal(post_status(&c, "/admin/policy", &f), 200);
	long long v = newest_version();
	assert_int_equal(v, before + 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM policy_purposes WHERE version = %lld "
	                               "AND purpose IN ('account', 'orders', 'marketing', "
	                               "'newsletter_digest')",
	                               v),
	                 4);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM policy_purposes WHERE version = %lld", v), 4);
	snprintf(detail, sizeof(detail), "version %lld", v);
	assert_int_equal(audit_rows("policy_publish", detail), 1);

	/* The shop's privacy page shows it as the current version. */
	struct http_resp r;
	assert_int_equal(http_get(env_web(), "/privacy", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, text));
	char label[64];
	snprintf(label, sizeof(label), "Version %lld,", v);
	assert_non_null(strstr(r.body, label));
	http_resp_free(&r);

	/* The same form posted twice publishes once and says so. */
	assert_int_equal(post_status(&c, "/admin/policy", &f), 409);
	assert_int_equal(newest_version(), v);

	/* dittoctl publishes through the same path: it numbers on from the staff site's version. */
	assert_int_equal(
	    sh("printf 'Version from dittoctl.\\n' >'%s/run/admin-policy.txt'", env_state()), 0);
	struct ctl_run run;
	staff_ctl(&run, NULL,
	          "policy publish --purposes 'account, orders' '%s/run/admin-policy.txt'",
	          env_state());
	assert_int_equal(run.status, 0);
	char want[64];
	snprintf(want, sizeof(want), "published policy version %lld", v + 1);
	assert_non_null(strstr(run.out, want));
	/* ...and the CLI checks purposes with the staff site's rule. */
	staff_ctl(&run, NULL,
	          "policy publish --purposes 'account,,orders' '%s/run/admin-policy.txt'",
	          env_state());
	assert_int_not_equal(run.status, 0);
	assert_int_equal(newest_version(), v + 1);
}

static void test_bad_policy_input_is_422_and_publishes_nothing(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	long long before = newest_version();
	static const struct {
		const char *title, *body, *purposes, *message;
	} bad[] = {
	    {"T", "Text.", "Marketing", "a-z and _ only"},
	    {"T", "Text.", "account,,orders", "no empty place"},
	    {"T", "Text.", "account orders", "Separate the purposes with commas"},
	    {"T", "Text.", "orders,orders", "each purpose once"},
	    {"T", "Text.", "", "at least one purpose"},
	    {"", "Text.", "account", "Give the version a title"},
	    {"T", " \n ", "account", "Write the policy"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct form f;
		policy_form(&c, &f);
		form_add(&f, "title", bad[i].title);
		form_add(&f, "body", bad[i].body);
		form_add(&f, "purposes", bad[i].purposes);
		struct http_resp r;
		assert_int_equal(post(&c, "/admin/policy", &f, &r), 422);
		if (strstr(r.body, bad[i].message) == NULL)
			fail_msg("case %zu: no message '%s'", i, bad[i].message);
		http_resp_free(&r);
	}
	assert_int_equal(newest_version(), before);
}

/* ---- staff members ----------------------------------------------------------------------- */

/* The secret an enrolment page shows (asserting the page is whole and not cacheable). */
static void enrolment_secret(const struct http_resp *r, char secret[64])
{
	between(r->body, "<code class=\"secret\">", "</code>", secret, 64);
	assert_int_equal(strlen(secret), 32);
	assert_non_null(strstr(r->body, "otpauth://totp/"));
	assert_non_null(strstr(r->body, "<svg class=\"qr\""));
	assert_non_null(strstr(r->body, "<rect x="));
	char *cc = http_header_value(r, "Cache-Control");
	assert_non_null(cc);
	assert_non_null(strstr(cc, "no-store"));
	free(cc);
}

static void test_admin_adds_a_member_who_signs_in_with_the_secret_shown_once(void **state)
{
	(void)state;
	struct member admin, m = {.role = ROLE_SUPPORT};
	struct client c = {0};
	admin_in(&admin, &c);
	snprintf(m.username, sizeof(m.username), "%s", unique("added"));
	struct form f;
	session_csrf(&c, &f);
	form_add(&f, "username", m.username);
	form_add(&f, "role", "support");
	form_add(&f, "password", STAFF_PASSWORD);
	struct http_resp r;
	assert_int_equal(post(&c, "/admin/staff", &f, &r), 200);
	enrolment_secret(&r, m.secret);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM staff WHERE username = '%s' AND role = "
	                  "'support' AND disabled = 0",
	                  m.username),
	    1);
	char detail[128];
	snprintf(detail, sizeof(detail), "%s (support)", m.username);
	assert_int_equal(audit_rows("staff_add", detail), 1);

	/* The shown secret signs the new member in. */
	struct client mc = {0};
	staff_login(&mc, &m);
	assert_int_equal(staff_get(&mc, "/admin", &r), 200);
	http_resp_free(&r);

	/* The list shows the member and their sign-in; the secret is never shown again. */
	assert_int_equal(staff_get(&c, "/admin/staff", &r), 200);
	assert_non_null(strstr(r.body, m.username));
	assert_null(strstr(r.body, m.secret));
	http_resp_free(&r);

	/* The same form again: nobody added, and it says so. */
	assert_int_equal(post(&c, "/admin/staff", &f, &r), 409);
	assert_non_null(strstr(r.body, "exists already"));
	assert_null(strstr(r.body, "<code class=\"secret\">"));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM staff WHERE username = '%s'", m.username), 1);
	assert_int_equal(audit_rows("staff_add", detail), 1);
}

static void test_bad_member_input_is_422_and_adds_nobody(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	char name[80];
	snprintf(name, sizeof(name), "%s", unique("never"));
	static const struct {
		const char *username, *role, *password, *message;
	} bad[] = {
	    {"x", "support", STAFF_PASSWORD, "A username has 3 to 64"},
	    {"-bad name", "support", STAFF_PASSWORD, "A username has 3 to 64"},
	    {NULL, "superadmin", STAFF_PASSWORD, "Choose one of the six roles"},
	    {NULL, "", STAFF_PASSWORD, "Choose one of the six roles"},
	    {NULL, "admin", "", "first password"},
	    {NULL, "admin", "short", "12"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct form f;
		session_csrf(&c, &f);
		form_add(&f, "username", bad[i].username ? bad[i].username : name);
		form_add(&f, "role", bad[i].role);
		form_add(&f, "password", bad[i].password);
		struct http_resp r;
		assert_int_equal(post(&c, "/admin/staff", &f, &r), 422);
		if (strstr(r.body, bad[i].message) == NULL)
			fail_msg("case %zu: no message '%s'", i, bad[i].message);
		assert_null(strstr(r.body, "<code class=\"secret\">"));
		http_resp_free(&r);
	}
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM staff WHERE username IN ('%s', 'x')", name), 0);
}

static void test_reset_second_factor_refuses_the_old_secret_and_enrols_the_new(void **state)
{
	(void)state;
	struct member admin, m;
	struct client c = {0}, mc = {0};
	admin_in(&admin, &c);
	member_new(&m, ROLE_BILLING);
	staff_login(&mc, &m);
	char path[160], old[64], code[8];
	snprintf(old, sizeof(old), "%s", m.secret);
	snprintf(path, sizeof(path), "/admin/staff/%s/totp", m.username);
	struct form f;
	session_csrf(&c, &f);
	form_add(&f, "generation", "0");
	struct http_resp r;
	assert_int_equal(post(&c, path, &f, &r), 200);
	enrolment_secret(&r, m.secret);
	http_resp_free(&r);
	assert_string_not_equal(m.secret, old);
	assert_int_equal(audit_rows("staff_reset_totp", m.username), 1);

	/* The session made with the old factor is over. */
	assert_int_equal(staff_get(&mc, "/admin", &r), 303);
	http_resp_free(&r);
	/* The old secret's next code is refused; the new secret's signs in. */
	struct client c2 = {0}, c3 = {0};
	totp(old, 30, code);
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 422);
	http_resp_free(&r);
	totp(m.secret, 30, code);
	assert_int_equal(staff_login_with(&c3, m.username, STAFF_PASSWORD, code, &r), 303);
	http_resp_free(&r);

	/* The same reset form again (generation 0): nothing changes, and it says so. */
	assert_int_equal(post(&c, path, &f, &r), 409);
	assert_null(strstr(r.body, "<code class=\"secret\">"));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT totp_secret = '%s' AND totp_generation = 1 FROM staff "
	                  "WHERE username = '%s'",
	                  m.secret, m.username),
	    1);
	assert_int_equal(audit_rows("staff_reset_totp", m.username), 1);
	assert_int_equal(staff_get(&c3, "/admin", &r), 200); /* the new session lives on */
	http_resp_free(&r);
}

static void test_dittoctl_reset_totp_makes_the_same_change(void **state)
{
	(void)state;
	struct member m;
	struct client mc = {0}, c2 = {0};
	member_new(&m, ROLE_LEGAL);
	staff_login(&mc, &m);
	char old[64], code[8];
	snprintf(old, sizeof(old), "%s", m.secret);
	struct ctl_run run;
	staff_ctl(&run, NULL, "staff reset-totp %s", m.username);
	assert_int_equal(run.status, 0);
	const char *s = strstr(run.out, "?secret=");
	assert_non_null(s);
	snprintf(m.secret, sizeof(m.secret), "%.32s", s + strlen("?secret="));
	assert_string_not_equal(m.secret, old);
	struct http_resp r;
	assert_int_equal(staff_get(&mc, "/admin", &r), 303);
	http_resp_free(&r);
	totp(old, 30, code);
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 422);
	http_resp_free(&r);
	totp(m.secret, 30, code);
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 303);
	http_resp_free(&r);
	staff_ctl(&run, NULL, "staff reset-totp nobody-by-this-name");
	assert_int_not_equal(run.status, 0);
	assert_int_equal(run.err_lines, 1);
}

static void test_disabling_a_member_ends_their_live_session_at_once(void **state)
{
	(void)state;
	struct member admin, m;
	struct client c = {0}, mc = {0};
	admin_in(&admin, &c);
	member_new(&m, ROLE_SUPPORT);
	staff_login(&mc, &m);
	struct http_resp r;
	assert_int_equal(staff_get(&mc, "/admin/customers", &r), 200);
	http_resp_free(&r);
	char path[160];
	snprintf(path, sizeof(path), "/admin/staff/%s/disable", m.username);
	struct form f;
	session_csrf(&c, &f);
	assert_int_equal(post_status(&c, path, &f), 200);
	assert_int_equal(staff_get(&mc, "/admin/customers", &r), 303);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT disabled FROM staff WHERE username = '%s'", m.username), 1);
	/* Twice: nothing more, and it says so. */
	assert_int_equal(post_status(&c, path, &f), 409);
	assert_int_equal(audit_rows("staff_disable", m.username), 1);
	assert_int_equal(post_status(&c, "/admin/staff/nobody-by-this-name/disable", &f), 404);
}

static void test_an_admin_cannot_disable_or_reset_their_own_account(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	admin_in(&admin, &c);
	char path[160];
	long long secret_before = sql_admin_int("SELECT CRC32(totp_secret) FROM staff WHERE "
	                                        "username = '%s'",
	                                        admin.username);
	struct form f;
	session_csrf(&c, &f);
	snprintf(path, sizeof(path), "/admin/staff/%s/disable", admin.username);
	assert_int_equal(post_status(&c, path, &f), 403);
	form_add(&f, "generation", "0");
	snprintf(path, sizeof(path), "/admin/staff/%s/totp", admin.username);
	assert_int_equal(post_status(&c, path, &f), 403);
	/* The same account under another spelling (usernames compare without case). */
	for (char *p = admin.username; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	snprintf(path, sizeof(path), "/admin/staff/%s/disable", admin.username);
	assert_int_equal(post_status(&c, path, &f), 403);
	assert_int_equal(sql_admin_int("SELECT disabled = 0 AND totp_generation = 0 AND "
	                               "CRC32(totp_secret) = %lld FROM staff WHERE username = '%s'",
	                               secret_before, admin.username),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action IN "
	                               "('staff_disable', 'staff_reset_totp') AND detail = '%s'",
	                               admin.username),
	                 0);
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin/staff", &r), 200); /* still signed in */
	http_resp_free(&r);
}

/* ---- every other role ---------------------------------------------------------------------- */

static void test_every_other_role_gets_403_and_changes_nothing(void **state)
{
	(void)state;
	struct member victim;
	member_new(&victim, ROLE_SUPPORT);
	char body[128], when[32], end_path[64], disable_path[160], totp_path[160], name[80];
	snprintf(body, sizeof(body), "Standing notice %s", unique("standing"));
	snprintf(name, sizeof(name), "%s", unique("intruder"));
	assert_int_equal(sql_admin("INSERT INTO site_notices (body, starts_at) VALUES ('%s', "
	                           "UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE)",
	                           body),
	                 0);
	long long nid = sql_admin_int("SELECT id FROM site_notices WHERE body = '%s'", body);
	snprintf(end_path, sizeof(end_path), "/admin/notices/%lld/end", nid);
	snprintf(disable_path, sizeof(disable_path), "/admin/staff/%s/disable", victim.username);
	snprintf(totp_path, sizeof(totp_path), "/admin/staff/%s/totp", victim.username);
	long long version = newest_version();
	long long audit = sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action IN "
	                                "('notice_add', 'notice_end', 'policy_publish', "
	                                "'staff_add', 'staff_disable', 'staff_reset_totp')");
	long long secret = sql_admin_int(
	    "SELECT CRC32(totp_secret) FROM staff WHERE username = '%s'", victim.username);
	static const char *const pages[] = {"/admin/notices", "/admin/policy", "/admin/staff"};

	for (int role = 0; role < ROLE__MAX; role++) {
		if (role == ROLE_ADMIN)
			continue;
		struct member m;
		struct client c = {0};
		member_new(&m, (enum staff_role)role);
		staff_login(&c, &m);
		for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
			struct http_resp r;
			assert_int_equal(staff_get(&c, pages[i], &r), 403);
			http_resp_free(&r);
		}
		struct form f;
		session_csrf(&c, &f);
		form_add(&f, "body", body);
		form_add(&f, "starts_at", utc_local(0, when));
		form_add(&f, "title", "Not yours");
		form_add(&f, "purposes", "account");
		form_add(&f, "based_on", "0");
		form_add(&f, "username", name);
		form_add(&f, "role", "admin");
		form_add(&f, "password", STAFF_PASSWORD);
		form_add(&f, "generation", "0");
		const char *posts[] = {"/admin/notices", end_path,     "/admin/policy",
		                       "/admin/staff",   disable_path, totp_path};
		for (size_t i = 0; i < sizeof(posts) / sizeof(posts[0]); i++) {
			long st = post_status(&c, posts[i], &f);
			if (st != 403)
				fail_msg("%s: POST %s answered %ld", privacy_role_name(role),
				         posts[i], st);
		}
	}
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM site_notices WHERE body = '%s'", body),
	                 1);
	assert_int_equal(
	    sql_admin_int("SELECT ends_at IS NULL FROM site_notices WHERE id = %lld", nid), 1);
	assert_true(shop_shows(body));
	assert_int_equal(newest_version(), version);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM staff WHERE username = '%s'", name),
	                 0);
	assert_int_equal(sql_admin_int("SELECT disabled = 0 AND totp_generation = 0 AND "
	                               "CRC32(totp_secret) = %lld FROM staff WHERE username = '%s'",
	                               secret, victim.username),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action IN "
	                               "('notice_add', 'notice_end', 'policy_publish', "
	                               "'staff_add', 'staff_disable', 'staff_reset_totp')"),
	                 audit);
	assert_int_equal(sql_admin("DELETE FROM site_notices WHERE id = %lld", nid), 0);
}

static void test_audit_chain_verifies_after_the_admins_actions(void **state)
{
	(void)state;
	struct ctl_run run;
	staff_ctl(&run, NULL, "audit verify");
	if (run.status != 0)
		fail_msg("audit verify: %s%s", run.out, run.err);
	assert_non_null(strstr(run.out, "audit log intact"));
}

int main(void)
{
	harness_require_stack();
	/* Many sign-ins from this one address: start with a clean slate. */
	sql_admin("DELETE FROM login_throttle");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_admin_adds_a_notice_the_shop_shows_at_once_and_ends_it),
	    cmocka_unit_test(test_a_notice_shows_only_inside_its_window),
	    cmocka_unit_test(test_bad_notice_input_is_422_and_stores_nothing),
	    cmocka_unit_test(test_admin_publishes_a_policy_version_the_shop_and_dittoctl_see),
	    cmocka_unit_test(test_bad_policy_input_is_422_and_publishes_nothing),
	    cmocka_unit_test(test_admin_adds_a_member_who_signs_in_with_the_secret_shown_once),
	    cmocka_unit_test(test_bad_member_input_is_422_and_adds_nobody),
	    cmocka_unit_test(test_reset_second_factor_refuses_the_old_secret_and_enrols_the_new),
	    cmocka_unit_test(test_dittoctl_reset_totp_makes_the_same_change),
	    cmocka_unit_test(test_disabling_a_member_ends_their_live_session_at_once),
	    cmocka_unit_test(test_an_admin_cannot_disable_or_reset_their_own_account),
	    cmocka_unit_test(test_every_other_role_gets_403_and_changes_nothing),
	    cmocka_unit_test(test_audit_chain_verifies_after_the_admins_actions),
	};
	return cmocka_run_group_tests_name("staff_admin", tests, NULL, NULL);
}
