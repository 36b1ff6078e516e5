/* test_policy_lifecycle.c — policy versions over time, through nginx and dittoctl against the
 * real database: the affiliate export follows each customer's own version, publishing queues
 * one notice per active customer, the shop's banner shows until the customer decides and
 * accepting moves only the account's consent, /privacy shows what changed between versions, and
 * every staff member acknowledges a new version before personal pages open for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

#define BANNER "Our privacy policy has changed"

/* Publishes text as a new version allowing purposes (dittoctl); returns its number. */
static long long publish(const char *purposes, const char *text)
{
	static int n;
	char path[512];
	snprintf(path, sizeof(path), "%s/run/test-policy-lc-%d-%d.txt", env_state(), (int)getpid(),
	         n++);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	struct ctl_run run;
	staff_ctl(&run, NULL, "policy publish --purposes %s '%s'", purposes, path);
	if (run.status != 0)
		fprintf(stderr, "policy publish: %s\n", run.err);
	assert_int_equal(run.status, 0);
	remove(path);
	return sql_admin_int("SELECT MAX(version) FROM policy_versions");
}

/* A new approved customer under the newest version; its username in user (cap 64). */
static long long customer(char user[64])
{
	snprintf(user, 64, "%s", approved_user());
	return sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
}

/* A new registration under the newest version, left pending; its id. */
static long long pending_customer(char user[64])
{
	snprintf(user, 64, "%s", unique("pend"));
	assert_int_equal(do_register(user, mail_of(user), urlenc(TEST_PASSWORD)), 200);
	return sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
}

static long long disclosures(long long id, const char *recipient)
{
	return sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE customer_id = %lld AND "
	                     "recipient = '%s' AND fields = 'name, email' AND "
	                     "purpose = 'affiliate_sharing'",
	                     id, recipient);
}

/* Runs the affiliate export to file; asserts it succeeded and reads the file into buf. */
static void export_to(const char *affiliate, const char *file, char *buf, size_t cap)
{
	struct ctl_run run;
	remove(file);
	staff_ctl(&run, NULL, "affiliates export %s '%s'", affiliate, file);
	if (run.status != 0)
		fprintf(stderr, "affiliates export: %s\n", run.err);
	assert_int_equal(run.status, 0);
	slurp_file(file, buf, cap);
}

static void test_affiliate_export_follows_each_customers_own_version(void **state)
{
	(void)state;
	char old_user[64], new_user[64], pend[64], gone[64], file[512];
	static char csv[1 << 20];
	publish("account,orders", "A version that shares nothing with affiliates.\n");
	long long old_id = customer(old_user);
	publish("account,orders,affiliate_sharing",
	        "A version that lets us share registration data with business affiliates.\n");
	long long new_id = customer(new_user);
	long long pend_id = pending_customer(pend);
	long long gone_id = customer(gone);
	ctl_ok("cancel", gone);
	const char *aff = unique("acme");
	char affiliate[64];
	snprintf(affiliate, sizeof(affiliate), "%s", aff);
	snprintf(file, sizeof(file), "%s/run/test-policy-lc-affiliate.csv", env_state());

	export_to(affiliate, file, csv, sizeof(csv));
	assert_true(strncmp(csv, "name,email\r\n", 12) == 0);
	assert_non_null(strstr(csv, mail_of(new_user)));
	assert_null(strstr(csv, mail_of(old_user))); /* registered under a version without it */
	assert_null(strstr(csv, mail_of(pend)));     /* not active */
	assert_null(strstr(csv, mail_of(gone)));     /* not active */
	assert_null(strstr(csv, "$argon2id"));
	assert_int_equal(disclosures(new_id, affiliate), 1);
	assert_int_equal(disclosures(old_id, affiliate), 0);
	assert_int_equal(disclosures(pend_id, affiliate), 0);
	assert_int_equal(disclosures(gone_id, affiliate), 0);

	/* Each run is a transfer of its own, recorded again. */
	export_to(affiliate, file, csv, sizeof(csv));
	assert_non_null(strstr(csv, mail_of(new_user)));
	assert_int_equal(disclosures(new_id, affiliate), 2);
	assert_int_equal(disclosures(old_id, affiliate), 0);

	/* The old customer accepts the newest version: their consent moves, and so does the
	 * export (the newest still allows affiliate_sharing: this test published it last). */
	struct client c = {0};
	assert_int_equal(do_login(&c, old_user, TEST_PASSWORD, NULL), 303);
	char *csrf = form_csrf(&c, "/privacy/accept");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&version=%lld", csrf,
	         sql_admin_int("SELECT MAX(version) FROM policy_versions"));
	free(csrf);
	struct http_resp r;
	assert_int_equal(post_form(&c, "/privacy/accept", body, &r), 200);
	http_resp_free(&r);
	export_to(affiliate, file, csv, sizeof(csv));
	assert_non_null(strstr(csv, mail_of(old_user)));
	assert_int_equal(disclosures(old_id, affiliate), 1);
	/* The customer sees the transfer among their disclosures. */
	assert_int_equal(client_get(&c, env_web(), "/account/disclosures", &r), 0);
	assert_non_null(strstr(r.body, affiliate));
	http_resp_free(&r);
	remove(file);

	/* A name that could be a path or an option is refused in one line. */
	struct ctl_run run;
	staff_ctl(&run, NULL, "affiliates export '../evil'");
	assert_int_not_equal(run.status, 0);
	assert_int_equal(run.err_lines, 1);
	staff_ctl(&run, NULL, "affiliates export");
	assert_int_not_equal(run.status, 0);
	assert_int_equal(run.err_lines, 1);
}

static long long notices_of_version(long long v, const char *where)
{
	return sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind = 'policy_changed' AND "
	                     "subject LIKE '%%(version %lld)' %s",
	                     v, where);
}

static void test_publishing_queues_one_notice_per_active_customer(void **state)
{
	(void)state;
	char a[64], p[64], gone[64];
	long long a_id = customer(a);
	long long p_id = pending_customer(p);
	long long gone_id = customer(gone);
	ctl_ok("cancel", gone);
	long long active =
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE status = 'approved'");
	assert_true(active > 0);
	long long v = publish("account,orders", "A version whose notice reaches everyone.\n");
	assert_int_equal(notices_of_version(v, ""), active);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(DISTINCT customer_id) FROM outbox WHERE kind = "
	                  "'policy_changed' AND subject LIKE '%%(version %lld)'",
	                  v),
	    active);
	char where[128];
	snprintf(where, sizeof(where), "AND customer_id = %lld", a_id);
	assert_int_equal(notices_of_version(v, where), 1);
	snprintf(where, sizeof(where), "AND customer_id = %lld", p_id);
	assert_int_equal(notices_of_version(v, where), 0);
	snprintf(where, sizeof(where), "AND customer_id = %lld", gone_id);
	assert_int_equal(notices_of_version(v, where), 0);
	/* Queued with no address: the cron account addresses it at delivery. */
	assert_int_equal(notices_of_version(v, "AND recipient IS NOT NULL"), 0);
	assert_int_equal(sql_admin_int("SELECT done_at IS NOT NULL AND queued = %lld FROM "
	                               "policy_mailings WHERE version = %lld",
	                               active, v),
	                 1);
	/* Finishing again queues nothing more. */
	struct ctl_run run;
	staff_ctl(&run, NULL, "policy notify");
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "queued 0 notice(s)"));
	assert_int_equal(notices_of_version(v, ""), active);
	/* Delivery addresses it to the account's email. */
	staff_ctl(&run, NULL, "mail send");
	assert_int_equal(run.status, 0);
	snprintf(where, sizeof(where), "AND customer_id = %lld AND sent_at IS NOT NULL", a_id);
	assert_int_equal(notices_of_version(v, where), 1);
}

/* GETs path on the shop as c; returns whether the policy banner is on it (asserts 200). */
static bool banner_on(struct client *c, const char *path)
{
	struct http_resp r;
	assert_int_equal(client_get(c, env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	bool on = strstr(r.body, BANNER) != NULL;
	http_resp_free(&r);
	return on;
}

/* POSTs the decision form (accept or decline) for version v as c; returns the status. */
static long decide(struct client *c, const char *what, long long v)
{
	char *csrf = form_csrf(c, "/privacy/accept");
	char path[64], body[256];
	snprintf(path, sizeof(path), "/privacy/%s", what);
	snprintf(body, sizeof(body), "csrf=%s&version=%lld", csrf, v);
	free(csrf);
	struct http_resp r;
	long st = post_form(c, path, body, &r);
	http_resp_free(&r);
	return st;
}

static long long consented(long long id)
{
	return sql_admin_int("SELECT policy_version FROM customers WHERE id = %lld", id);
}

static void test_banner_shows_until_the_customer_decides_and_accept_moves_the_consent(void **state)
{
	(void)state;
	char user[64];
	publish("account,orders", "Before the change.\n");
	long long id = customer(user);
	long long before = consented(id);
	struct client c = {0}, other = {0};
	assert_int_equal(do_login(&c, user, TEST_PASSWORD, NULL), 303);
	assert_false(banner_on(&c, "/catalog"));

	long long v = publish("account,orders,profiling", "Before the change.\nAnd profiling.\n");
	/* Recorded on the account: every page, and every browser of theirs, shows it. */
	assert_true(banner_on(&c, "/catalog"));
	assert_true(banner_on(&c, "/"));
	assert_int_equal(do_login(&other, user, TEST_PASSWORD, NULL), 303);
	assert_true(banner_on(&other, "/orders"));

	/* The page asks for the purpose the customer's version lacks. */
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/privacy/accept", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<li>profiling</li>"));
	assert_non_null(strstr(r.body, "Accept version"));
	http_resp_free(&r);

	/* A forged form (no csrf) changes nothing. */
	char body[64];
	snprintf(body, sizeof(body), "version=%lld", v);
	assert_int_equal(post_form(&c, "/privacy/accept", body, &r), 403);
	http_resp_free(&r);
	assert_int_equal(consented(id), before);

	assert_int_equal(decide(&c, "accept", v), 200);
	assert_int_equal(consented(id), v);
	assert_false(banner_on(&c, "/catalog"));
	assert_false(banner_on(&other, "/catalog"));
	/* Data collected before keeps its own version: only the account's consent moved. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customer_interests WHERE customer_id = %lld AND "
	                  "policy_version <> %lld",
	                  id, before),
	    0);
	/* The same form again changes nothing and says so. */
	assert_int_equal(decide(&c, "accept", v), 409);
	assert_int_equal(consented(id), v);

	/* A form for a version that is no longer the newest accepts nothing. */
	long long w = publish("account,orders,profiling,marketing",
	                      "Before the change.\nAnd profiling.\nAnd marketing.\n");
	assert_true(banner_on(&c, "/catalog"));
	assert_int_equal(decide(&c, "accept", v), 409);
	assert_int_equal(consented(id), v);
	/* Declining keeps the consent and ends the banner. */
	assert_int_equal(decide(&c, "decline", w), 200);
	assert_int_equal(consented(id), v);
	assert_int_equal(
	    sql_admin_int("SELECT policy_seen_version FROM customers WHERE id = %lld", id), w);
	assert_false(banner_on(&c, "/catalog"));
	assert_int_equal(decide(&c, "decline", w), 409);
	/* ...and the page still offers to accept it later. */
	assert_int_equal(client_get(&c, env_web(), "/privacy/accept", &r), 0);
	assert_non_null(strstr(r.body, "You declined it"));
	http_resp_free(&r);
	/* A signed-out visitor cannot decide for anyone. */
	struct client nobody = {0};
	assert_int_equal(client_get(&nobody, env_web(), "/privacy/accept", &r), 0);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
}

static void test_visitor_banner_follows_the_cookie(void **state)
{
	(void)state;
	long long v = publish("account,orders", "A version for visitors.\n");
	struct client c = {0};
	char seen[24];
	snprintf(seen, sizeof(seen), "%lld", v - 1);
	client_set_cookie(&c, "policy_seen", seen);
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/", &r), 0);
	assert_non_null(strstr(r.body, "Our privacy policy changed"));
	char link[64];
	snprintf(link, sizeof(link), "/privacy/%lld/changes/%lld", v - 1, v);
	assert_non_null(strstr(r.body, link));
	http_resp_free(&r);
	/* Seen now: the cookie holds the newest. */
	assert_int_equal(client_get(&c, env_web(), "/", &r), 0);
	assert_null(strstr(r.body, "Our privacy policy changed"));
	http_resp_free(&r);
}

static void test_privacy_changes_page_lists_the_difference(void **state)
{
	(void)state;
	long long a = publish("account,orders,marketing", "Line one.\nLine two.\nLine four.\n");
	long long b =
	    publish("account,orders,affiliate_sharing", "Line one.\nLine three.\nLine four.\n");
	char path[96];
	snprintf(path, sizeof(path), "/privacy/%lld/changes/%lld", a, b);
	struct http_resp r;
	assert_int_equal(http_get(env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<del>Line two.</del>"));
	assert_non_null(strstr(r.body, "<ins>Line three.</ins>"));
	assert_non_null(strstr(r.body, "<p class=\"diff-same\">Line one.</p>"));
	assert_null(strstr(r.body, "<del>Line one.</del>"));
	const char *added = strstr(r.body, "purposes-added");
	const char *removed = strstr(r.body, "purposes-removed");
	assert_non_null(added);
	assert_non_null(removed);
	assert_true(strstr(added, "<li>affiliate_sharing</li>") < removed);
	assert_non_null(strstr(removed, "<li>marketing</li>"));
	http_resp_free(&r);
	/* /privacy links each version to what changed from the one before. */
	assert_int_equal(http_get(env_web(), "/privacy", &r), 0);
	assert_non_null(strstr(r.body, path));
	http_resp_free(&r);
	assert_int_equal(http_get(env_web(), "/privacy/999999/changes/1", &r), 0);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
}

/* The first page with personal data role r opens (NULL when it has none). */
static const char *personal_page(enum staff_role r)
{
	for (int p = 0; p < PAGE__MAX; p++)
		if (privacy_page_allowed(p, r) && privacy_page_personal(p))
			return privacy_page(p)->path;
	return NULL;
}

static long long acks(const char *user)
{
	return sql_admin_int("SELECT COUNT(*) FROM staff_policy_acks k JOIN staff s ON s.id = "
	                     "k.staff_id WHERE s.username = '%s'",
	                     user);
}

/* Signs m in without acknowledging: asserts the site asked for it. */
static void login_unacknowledged(struct client *c, const struct member *m)
{
	char code[8];
	struct http_resp r;
	totp(m->secret, 0, code);
	assert_int_equal(staff_login_with(c, m->username, STAFF_PASSWORD, code, &r), 303);
	assert_true(staff_asked_to_acknowledge(&r));
	http_resp_free(&r);
}

static void test_staff_acknowledge_before_personal_pages_open(void **state)
{
	(void)state;
	long long v = publish("account,orders", "Staff read this first.\n");
	for (int role = 0; role < ROLE__MAX; role++) {
		const char *page = personal_page((enum staff_role)role);
		if (page == NULL)
			continue;
		struct member m;
		struct client c = {0};
		struct http_resp r;
		member_new(&m, (enum staff_role)role);
		login_unacknowledged(&c, &m);
		/* Every personal page sends them to the policy; home still opens. */
		assert_int_equal(staff_get(&c, page, &r), 303);
		char *loc = http_header_value(&r, "Location");
		assert_non_null(loc);
		assert_non_null(strstr(loc, STAFF_ACK_PATH));
		free(loc);
		http_resp_free(&r);
		assert_int_equal(staff_get(&c, "/admin", &r), 200);
		assert_non_null(strstr(r.body, STAFF_ACK_PATH));
		http_resp_free(&r);
		assert_int_equal(acks(m.username), 0);
		/* A post without the form's csrf records nothing. */
		char body[64];
		snprintf(body, sizeof(body), "version=%lld", v);
		assert_int_equal(client_post(&c, env_staff(), STAFF_ACK_PATH, body, &r), 0);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		assert_int_equal(acks(m.username), 0);

		assert_int_equal(staff_acknowledge(&c, &r), 303);
		http_resp_free(&r);
		assert_int_equal(
		    sql_admin_int("SELECT COUNT(*) FROM staff_policy_acks k JOIN staff s ON s.id = "
		                  "k.staff_id WHERE s.username = '%s' AND k.version = %lld",
		                  m.username, v),
		    1);
		assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
		                               "'policy_acknowledge' AND staff_username = '%s' "
		                               "AND detail = 'version %lld'",
		                               m.username, v),
		                 1);
		assert_int_equal(staff_get(&c, page, &r), 200);
		http_resp_free(&r);
		/* The acknowledgement page has no form left: a replayed post changes nothing. */
		char *csrf = NULL;
		assert_int_equal(staff_get(&c, "/admin", &r), 200);
		csrf = html_csrf(r.body);
		http_resp_free(&r);
		char again[256];
		snprintf(again, sizeof(again), "csrf=%s&version=%lld", csrf, v);
		free(csrf);
		assert_int_equal(client_post(&c, env_staff(), STAFF_ACK_PATH, again, &r), 0);
		assert_int_equal(r.status, 409);
		http_resp_free(&r);
		assert_int_equal(acks(m.username), 1);
	}
}

static void test_representative_action_refused_until_acknowledged(void **state)
{
	(void)state;
	char p[64];
	long long pid = pending_customer(p);
	publish("account,orders", "Staff read this before approving anyone.\n");
	struct member m;
	struct client c = {0};
	member_new(&m, ROLE_REPRESENTATIVE);
	login_unacknowledged(&c, &m);
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin", &r), 200);
	char *csrf = html_csrf(r.body);
	http_resp_free(&r);
	char path[96], body[256];
	snprintf(path, sizeof(path), "/admin/customers/%lld/approve", pid);
	snprintf(body, sizeof(body), "csrf=%s&note=", csrf);
	free(csrf);
	assert_int_equal(client_post(&c, env_staff(), path, body, &r), 0);
	assert_int_equal(r.status, 403);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT status = 'pending' FROM customers WHERE id = %lld", pid), 1);
	/* A version published during a session counts at once. */
	assert_int_equal(staff_acknowledge(&c, &r), 303);
	http_resp_free(&r);
	assert_int_equal(staff_get(&c, "/admin/registrations", &r), 200);
	http_resp_free(&r);
	publish("account,orders", "And this one, published while they work.\n");
	assert_int_equal(staff_get(&c, "/admin/registrations", &r), 303);
	http_resp_free(&r);
}

static void test_acknowledgements_are_listed_for_the_admin(void **state)
{
	(void)state;
	long long v = publish("account,orders", "Listed acknowledgements.\n");
	struct member m, admin;
	struct client c = {0}, ac = {0};
	member_new(&m, ROLE_SUPPORT);
	staff_login(&c, &m); /* acknowledges */
	member_new(&admin, ROLE_ADMIN);
	staff_login(&ac, &admin);
	struct http_resp r;
	assert_int_equal(staff_get(&ac, "/admin/staff", &r), 200);
	const char *row = strstr(r.body, m.username);
	assert_non_null(row);
	char want[64];
	snprintf(want, sizeof(want), "<td class=\"policy-ack\">version %lld, ", v);
	const char *cell = strstr(row, "policy-ack");
	assert_non_null(cell);
	assert_true(strncmp(cell - strlen("<td class=\""), want, strlen(want)) == 0);
	http_resp_free(&r);
	struct ctl_run run;
	staff_ctl(&run, NULL, "staff list");
	assert_int_equal(run.status, 0);
	const char *line = strstr(run.out, m.username);
	assert_non_null(line);
	char num[32];
	snprintf(num, sizeof(num), " %lld ", v);
	const char *eol = strchr(line, '\n');
	const char *at = strstr(line, num);
	assert_true(at != NULL && (eol == NULL || at < eol));
	/* Every one of these changes wrote its audit row in the chain, which still verifies. */
	staff_ctl(&run, NULL, "audit verify");
	assert_int_equal(run.status, 0);
}

static void test_admin_publishing_on_the_web_queues_the_notices(void **state)
{
	(void)state;
	struct member admin;
	struct client c = {0};
	member_new(&admin, ROLE_ADMIN);
	staff_login(&c, &admin);
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin/policy", &r), 200);
	char *csrf = html_csrf(r.body);
	const char *b = strstr(r.body, "name=\"based_on\" value=\"");
	assert_non_null(b);
	long long based = strtoll(b + strlen("name=\"based_on\" value=\""), NULL, 10);
	http_resp_free(&r);
	char body[1024];
	snprintf(body, sizeof(body),
	         "csrf=%s&based_on=%lld&title=Web+version&body=Published+on+the+web.&purposes="
	         "account%%2Corders",
	         csrf, based);
	free(csrf);
	long long active =
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE status = 'approved'");
	assert_int_equal(client_post(&c, env_staff(), "/admin/policy", body, &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	long long v = sql_admin_int("SELECT MAX(version) FROM policy_versions");
	assert_int_equal(v, based + 1);
	assert_int_equal(notices_of_version(v, ""), active);
	assert_int_equal(notices_of_version(v, "AND recipient IS NOT NULL"), 0);
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-policy-lc-* '%s'/run/test-staff-%d-*", env_state(), env_state(),
	   (int)getpid());
	return 0;
}

int main(void)
{
	harness_require_stack();
	/* Many sign-ins from this one address: start with a clean slate. */
	sql_admin("DELETE FROM login_throttle");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_affiliate_export_follows_each_customers_own_version),
	    cmocka_unit_test(test_publishing_queues_one_notice_per_active_customer),
	    cmocka_unit_test(
	        test_banner_shows_until_the_customer_decides_and_accept_moves_the_consent),
	    cmocka_unit_test(test_visitor_banner_follows_the_cookie),
	    cmocka_unit_test(test_privacy_changes_page_lists_the_difference),
	    cmocka_unit_test(test_staff_acknowledge_before_personal_pages_open),
	    cmocka_unit_test(test_representative_action_refused_until_acknowledged),
	    cmocka_unit_test(test_acknowledgements_are_listed_for_the_admin),
	    cmocka_unit_test(test_admin_publishing_on_the_web_queues_the_notices),
	};
	return cmocka_run_group_tests_name("policy_lifecycle", tests, NULL, teardown);
}
