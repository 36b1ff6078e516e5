/* test_staff.c — the staff site through nginx: sign-in with a TOTP code (once only), sessions
 * apart from the shop's, disabled members out at once, and — generated from the privacy
 * module's tables, not restated — what each role sees of a customer and which pages it opens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/arena.h"
#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

/* ---- sign-in --------------------------------------------------------------------------- */

static void test_staff_signs_in_with_password_and_code_and_out_again(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_SUPPORT);
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin", &r), 303); /* not signed in: to the sign-in */
	http_resp_free(&r);
	staff_login(&c, &m);
	assert_int_equal(staff_get(&c, "/admin", &r), 200);
	assert_non_null(strstr(r.body, m.username));
	char *csrf = html_csrf(r.body);
	http_resp_free(&r);
	char body[128];
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	free(csrf);
	assert_int_equal(client_post(&c, env_staff(), "/admin/logout", body, &r), 0);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	assert_int_equal(staff_get(&c, "/admin", &r), 303);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE staff_username = '%s' "
	                               "AND action IN ('signin', 'signout')",
	                               m.username),
	                 2);
}

static void test_staff_wrong_code_is_refused(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_BILLING);
	struct client c = {0};
	struct http_resp r;
	char code[8];
	totp(m.secret, 0, code);
	code[5] = code[5] == '0' ? '1' : '0';
	assert_int_equal(staff_login_with(&c, m.username, STAFF_PASSWORD, code, &r), 422);
	http_resp_free(&r);
	assert_int_equal(staff_login_with(&c, m.username, STAFF_PASSWORD, "abcdef", &r), 422);
	http_resp_free(&r);
	totp(m.secret, 0, code);
	assert_int_equal(staff_login_with(&c, m.username, "wrong password entirely", code, &r),
	                 422);
	http_resp_free(&r);
	assert_null(client_get_cookie(&c, "ditto_staff"));
	assert_int_equal(staff_get(&c, "/admin", &r), 303);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE staff_username = '%s' "
	                               "AND action = 'signin_failed'",
	                               m.username),
	                 3);
}

static void test_staff_replayed_code_is_refused(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_ADMIN);
	struct client c1 = {0}, c2 = {0}, c3 = {0};
	struct http_resp r;
	char code[8];
	totp(m.secret, 0, code);
	assert_int_equal(staff_login_with(&c1, m.username, STAFF_PASSWORD, code, &r), 303);
	http_resp_free(&r);
	/* The same code again, from another browser: refused even with the right password. */
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 422);
	http_resp_free(&r);
	/* The previous step's code is older than the one used: refused too. */
	totp(m.secret, -30, code);
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 422);
	http_resp_free(&r);
	/* The next step's code is new: it works (the window allows one step of drift). */
	totp(m.secret, 30, code);
	assert_int_equal(staff_login_with(&c3, m.username, STAFF_PASSWORD, code, &r), 303);
	http_resp_free(&r);
}

static void test_disabled_staff_is_out_at_once(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_REPRESENTATIVE);
	struct client c = {0}, c2 = {0};
	struct http_resp r;
	staff_login(&c, &m);
	assert_int_equal(staff_get(&c, "/admin/customers", &r), 200);
	http_resp_free(&r);
	struct ctl_run run;
	staff_ctl(&run, NULL, "staff disable %s", m.username);
	assert_int_equal(run.status, 0);
	/* The live session opens nothing any more. */
	assert_int_equal(staff_get(&c, "/admin/customers", &r), 303);
	http_resp_free(&r);
	/* And a fresh, correct code from the disabled account does not sign in. */
	char code[8];
	totp(m.secret, 30, code);
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 422);
	http_resp_free(&r);
}

static void test_staff_session_ends_after_15_minutes_idle_and_8_hours_in_all(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_SUPPORT);
	struct client c = {0};
	struct http_resp r;
	staff_login(&c, &m);
	age_sessions(m.username, "last_seen_at", "- INTERVAL 14 MINUTE");
	assert_int_equal(staff_get(&c, "/admin", &r), 200); /* 14 minutes idle: still in */
	http_resp_free(&r);
	age_sessions(m.username, "last_seen_at", "- INTERVAL 16 MINUTE");
	assert_int_equal(staff_get(&c, "/admin", &r), 303);
	http_resp_free(&r);

	struct client c2 = {0};
	char code[8];
	totp(m.secret, 30, code);
	assert_int_equal(staff_login_with(&c2, m.username, STAFF_PASSWORD, code, &r), 303);
	http_resp_free(&r);
	/* Busy all along, but signed in 8 hours ago: out. */
	age_sessions(m.username, "expires_at", "- INTERVAL 1 SECOND");
	assert_int_equal(staff_get(&c2, "/admin", &r), 303);
	http_resp_free(&r);
}

static void test_shop_and_staff_cookies_open_only_their_own_site(void **state)
{
	(void)state;
	/* A signed-in customer's cookies, sent to the staff site. */
	const char *u = approved_user();
	struct client shop = {0};
	assert_int_equal(do_login(&shop, u, TEST_PASSWORD, NULL), 303);
	struct http_resp r;
	assert_int_equal(staff_get(&shop, "/admin", &r), 303);
	http_resp_free(&r);
	assert_int_equal(staff_get(&shop, "/admin/customers", &r), 303);
	http_resp_free(&r);

	/* A signed-in staff member's cookies, sent to the shop. */
	struct member m;
	member_new(&m, ROLE_SUPPORT);
	struct client staff = {0};
	staff_login(&staff, &m);
	assert_int_equal(client_get(&staff, env_web(), "/account", &r), 0);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* The staff token under the shop's cookie name is no shop session either. */
	struct client forged = {0};
	client_set_cookie(&forged, "ditto", client_get_cookie(&staff, "ditto_staff"));
	assert_int_equal(client_get(&forged, env_web(), "/account", &r), 0);
	assert_int_equal(r.status, 303);
	http_resp_free(&r);
	/* And the shop's token under the staff cookie name opens nothing on the staff site. */
	struct client forged2 = {0};
	client_set_cookie(&forged2, "ditto_staff", client_get_cookie(&shop, "ditto"));
	assert_int_equal(staff_get(&forged2, "/admin", &r), 303);
	http_resp_free(&r);
}

/* ---- who sees what, from the table ---------------------------------------------------- */

/* The distinctive customer: every field a value found nowhere else on the pages. */
static const char NAME[] = "Zoë Quintessa Marlowe";
static const char EMAIL[] = "zq.marlowe@ditto-example.org";
static const char PHONE[] = "+44 20 7946 0958";
static const char BILL_LINE1[] = "17 Billingsgate Row";
static const char BILL_CITY[] = "Billtonia";
static const char SHIP_LINE1[] = "42 Shipwright Lane";
static const char SHIP_CITY[] = "Shipleyford";
static const char PAY_BRAND[] = "mastercard";
static const char PAY_LAST4[] = "7319";
static const char LINE_NAME[] = "Orrery Quartz Seventy";
static const char REGISTERED[] = "2021-03-04";
static const char VIEWED[] = "Gyroscope Zeta Nine";
static const char INTEREST[] = "Celestial Instruments Xq";

static long long customer_id;
static char customer_username[80];

/* Inserts the distinctive customer with addresses, an order with a line and payment, a
 * viewed product and an interest (as the database admin). Returns the customer id. */
static long long distinctive_customer(void)
{
	snprintf(customer_username, sizeof(customer_username), "%s", unique("zqm"));
	char email[160];
	snprintf(email, sizeof(email), "%s.%s", customer_username, EMAIL);
	assert_int_equal(sql_admin("INSERT INTO customers (username, email, name, phone, "
	                           "password_hash, policy_version, status, registered_at, "
	                           "visit_count, last_visit_at) VALUES ('%s', '%s', '%s', '%s', "
	                           "'x', (SELECT MAX(version) FROM policy_versions), 'approved', "
	                           "'%s 05:06:07', 37, '2022-05-06 07:08:09')",
	                           customer_username, email, NAME, PHONE, REGISTERED),
	                 0);
	long long id =
	    sql_admin_int("SELECT id FROM customers WHERE username = '%s'", customer_username);
	assert_true(id > 0);
	assert_int_equal(
	    sql_admin("INSERT INTO customer_addresses (customer_id, kind, line1, city, postcode, "
	              "country, policy_version) VALUES (%lld, 'billing', '%s', '%s', 'BL1 7AA', "
	              "'Billandia', 1), (%lld, 'shipping', '%s', '%s', 'SH4 2ZZ', 'Shipistan', 1)",
	              id, BILL_LINE1, BILL_CITY, id, SHIP_LINE1, SHIP_CITY),
	    0);
	const char *slug = unique("celestial");
	assert_int_equal(
	    sql_admin("INSERT INTO categories (slug, name) VALUES ('%s', '%s')", slug, INTEREST),
	    0);
	assert_int_equal(sql_admin("INSERT INTO products (category_id, sku, name, description, "
	                           "price_cents, stock) SELECT id, '%s', '%s', 'd', 100, 1 "
	                           "FROM categories WHERE slug = '%s'",
	                           unique("gz"), VIEWED, slug),
	                 0);
	assert_int_equal(sql_admin("INSERT INTO product_views (customer_id, product_id, views, "
	                           "policy_version) SELECT %lld, id, 3, 1 FROM products "
	                           "WHERE name = '%s' ORDER BY id DESC LIMIT 1",
	                           id, VIEWED),
	                 0);
	assert_int_equal(sql_admin("INSERT INTO customer_interests (customer_id, category_id, "
	                           "policy_version) SELECT %lld, id, 1 FROM categories "
	                           "WHERE slug = '%s'",
	                           id, slug),
	                 0);
	char nonce[64];
	snprintf(nonce, sizeof(nonce), "%.43s", unique("nonce-of-the-distinctive-customer-order"));
	assert_int_equal(
	    sql_admin(
	        "INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
	        "contact_email, billing_line1, billing_city, billing_postcode, "
	        "billing_country, shipping_line1, shipping_city, shipping_postcode, "
	        "shipping_country, payment_mode, total_cents) VALUES (%lld, '%s', 'paid', 1, "
	        "'%s', '%s', '%s', '%s', 'BL1 7AA', 'Billandia', '%s', '%s', 'SH4 2ZZ', "
	        "'Shipistan', 'card', 12345)",
	        id, nonce, NAME, email, BILL_LINE1, BILL_CITY, SHIP_LINE1, SHIP_CITY),
	    0);
	long long order = sql_admin_int("SELECT id FROM orders WHERE nonce = '%s'", nonce);
	assert_int_equal(sql_admin("INSERT INTO order_lines (order_id, line_no, product_id, sku, "
	                           "name, unit_price_cents, quantity) SELECT %lld, 1, MIN(id), "
	                           "'OQ-70', '%s', 12345, 1 FROM products",
	                           order, LINE_NAME),
	                 0);
	assert_int_equal(
	    sql_admin("INSERT INTO payments (order_id, processor, token, brand, last4, "
	              "exp_month, exp_year, amount_cents, status) VALUES (%lld, "
	              "'sandbox', 'tok', '%s', '%s', 11, 2031, 12345, 'captured')",
	              order, PAY_BRAND, PAY_LAST4),
	    0);
	return id;
}

/* What a page must show of field f when the role sees it in full, and when masked. */
struct expect {
	const char *full;   /* shown only in full */
	const char *masked; /* shown when masked (or in full) — NULL: nothing is kept */
};

static struct expect expect_of(struct arena *a, enum personal_field f)
{
	static char email[200];
	snprintf(email, sizeof(email), "%s.%s", customer_username, EMAIL);
	switch (f) {
	case FIELD_NAME:
		return (struct expect){NAME, privacy_mask_name(a, NAME)};
	case FIELD_EMAIL:
		return (struct expect){email, privacy_mask_email(a, email)};
	case FIELD_USERNAME:
		return (struct expect){customer_username, NULL};
	case FIELD_PHONE:
		return (struct expect){PHONE, privacy_mask_phone(a, PHONE)};
	case FIELD_BILLING_ADDRESS:
		return (struct expect){BILL_LINE1, BILL_CITY};
	case FIELD_SHIPPING_ADDRESS:
		return (struct expect){SHIP_LINE1, SHIP_CITY};
	case FIELD_PAYMENT:
		return (struct expect){"ending 7319", PAY_BRAND};
	case FIELD_ORDERS:
		return (struct expect){LINE_NAME, NULL};
	case FIELD_VISITS:
		return (struct expect){REGISTERED, NULL};
	case FIELD_PROFILE:
		return (struct expect){VIEWED, NULL};
	case FIELD__MAX:
		break;
	}
	fail();
	return (struct expect){0};
}

/* The fields a list row carries at most (the rest belong on the customer's page only). */
static bool on_list(enum personal_field f)
{
	return f == FIELD_NAME || f == FIELD_EMAIL || f == FIELD_USERNAME || f == FIELD_PHONE ||
	       f == FIELD_VISITS;
}

/* Asserts body shows field f exactly as visibility v says. */
static void assert_shown(const char *body, enum staff_role role, enum personal_field f,
                         enum visibility v, const char *page)
{
	struct arena *a = arena_new();
	struct expect e = expect_of(a, f);
	bool full = strstr(body, e.full) != NULL;
	bool masked = e.masked != NULL && strstr(body, e.masked) != NULL;
	bool ok = v == VIS_FULL     ? full
	          : v == VIS_MASKED ? !full && (e.masked == NULL || masked)
	                            : !full && !masked;
	if (!ok)
		fprintf(stderr,
		        "%s: role %s, field %s: expected %s, full shown %d, masked shown %d\n",
		        page, privacy_role_name(role), privacy_field_name(f),
		        v == VIS_FULL     ? "full"
		        : v == VIS_MASKED ? "masked"
		                          : "absent",
		        full, masked);
	arena_free(a);
	assert_true(ok);
}

static void check_role_sees(enum staff_role role)
{
	struct member m;
	member_new(&m, role);
	struct client c = {0};
	struct http_resp r;
	staff_login(&c, &m);
	if (privacy_needs_open_case(role)) {
		/* Without an open case the customer is not there for this role at all. */
		char path[64];
		snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
		assert_int_equal(staff_get(&c, path, &r), 404);
		http_resp_free(&r);
		assert_int_equal(staff_get(&c, "/admin/customers", &r), 200);
		assert_null(strstr(r.body, customer_username));
		http_resp_free(&r);
		assert_int_equal(
		    sql_admin("INSERT INTO legal_cases (customer_id, authority, reference, "
		              "legal_basis) VALUES (%lld, 'a court', 'court order 1', 'test')",
		              customer_id),
		    0);
	}
	bool sees_any = privacy_page_allowed(PAGE_CUSTOMERS, role);
	assert_int_equal(staff_get(&c, "/admin/customers", &r), sees_any ? 200 : 403);
	if (sees_any)
		for (int f = 0; f < FIELD__MAX; f++)
			assert_shown(r.body, role, f,
			             on_list(f) ? privacy_visibility(role, f) : VIS_ABSENT, "list");
	http_resp_free(&r);

	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
	long long before =
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld", customer_id);
	assert_int_equal(staff_get(&c, path, &r), sees_any ? 200 : 403);
	bool any_full = false;
	if (sees_any)
		for (int f = 0; f < FIELD__MAX; f++) {
			enum visibility v = privacy_visibility(role, f);
			assert_shown(r.body, role, f, v, "customer page");
			any_full = any_full || v == VIS_FULL;
		}
	http_resp_free(&r);
	/* One audit row for the page that showed fields in full, none for one that did not. */
	long long after =
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld", customer_id);
	assert_int_equal(after - before, any_full ? 1 : 0);
	if (privacy_needs_open_case(role))
		assert_int_equal(sql_admin("UPDATE legal_cases SET closed_at = UTC_TIMESTAMP(6) "
		                           "WHERE customer_id = %lld",
		                           customer_id),
		                 0);
}

static int customer_setup(void **state)
{
	(void)state;
	if (customer_id == 0)
		customer_id = distinctive_customer();
	return 0;
}

static void test_each_role_sees_each_field_as_the_table_says(void **state)
{
	(void)state;
	for (int role = 0; role < ROLE__MAX; role++)
		check_role_sees((enum staff_role)role);
}

static void test_support_view_adds_exactly_one_audit_row_naming_the_fields(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_SUPPORT);
	struct client c = {0};
	struct http_resp r;
	staff_login(&c, &m);
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", customer_id);
	long long before = sql_admin_int("SELECT COUNT(*) FROM audit_log");
	assert_int_equal(staff_get(&c, path, &r), 200);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log"), before + 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE id = (SELECT MAX(id) "
	                               "FROM audit_log) AND action = 'view' AND customer_id = %lld "
	                               "AND role = 'support' AND staff_username = '%s' AND "
	                               "fields = 'name,email,username,phone,shipping_address,"
	                               "orders,visits' AND route = '%s'",
	                               customer_id, m.username, path),
	                 1);
}

static void test_search_uses_only_fields_the_role_sees_in_full(void **state)
{
	(void)state;
	/* Billing sees the phone not at all and the email only masked: neither finds anyone. */
	struct member m;
	member_new(&m, ROLE_BILLING);
	struct client c = {0};
	struct http_resp r;
	staff_login(&c, &m);
	char path[256];
	snprintf(path, sizeof(path), "/admin/customers?q=%s", urlenc("7946 0958"));
	assert_int_equal(staff_get(&c, path, &r), 200);
	assert_null(strstr(r.body, "Quintessa"));
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/admin/customers?q=%s", urlenc("ditto-example.org"));
	assert_int_equal(staff_get(&c, path, &r), 200);
	assert_null(strstr(r.body, "Quintessa"));
	http_resp_free(&r);
	/* The name, which billing sees in full, finds the customer. */
	snprintf(path, sizeof(path), "/admin/customers?q=%s", urlenc("Quintessa"));
	assert_int_equal(staff_get(&c, path, &r), 200);
	assert_non_null(strstr(r.body, NAME));
	http_resp_free(&r);
	/* Support sees the phone in full: found by it. */
	struct member s;
	member_new(&s, ROLE_SUPPORT);
	struct client c2 = {0};
	staff_login(&c2, &s);
	snprintf(path, sizeof(path), "/admin/customers?q=%s", urlenc("7946 0958"));
	assert_int_equal(staff_get(&c2, path, &r), 200);
	assert_non_null(strstr(r.body, NAME));
	http_resp_free(&r);
}

/* Every page of the page table, for every role: the role's pages open, the others answer 403
 * and are missing from its menu (which lists the role's pages that have a label).  A page not built
 * yet answers 404 to every role alike. */
static void test_each_role_opens_exactly_its_pages(void **state)
{
	(void)state;
	for (int role = 0; role < ROLE__MAX; role++) {
		struct member m;
		member_new(&m, (enum staff_role)role);
		struct client c = {0};
		struct http_resp home;
		staff_login(&c, &m);
		assert_int_equal(staff_get(&c, "/admin", &home), 200);
		for (int p = 0; p < PAGE__MAX; p++) {
			const struct staff_page_info *pi = privacy_page(p);
			bool allowed = privacy_page_allowed(p, role);
			struct http_resp r;
			long st = staff_get(&c, pi->path, &r);
			http_resp_free(&r);
			if (st == 404) {
				/* Not built yet: then it is a 404 for the admin (who opens most)
				 * too. */
				continue;
			}
			if (st != (allowed ? 200 : 403))
				fprintf(stderr, "%s as %s: %ld\n", pi->path,
				        privacy_role_name(role), st);
			assert_int_equal(st, allowed ? 200 : 403);
			/* A page without a label (the policy to acknowledge) is reached from
			 * sign-in and the pages it guards, never from the menu. */
			char link[128];
			snprintf(link, sizeof(link), "href=\"%s\"", pi->path);
			assert_int_equal(strstr(home.body, link) != NULL,
			                 allowed && pi->label != NULL);
		}
		http_resp_free(&home);
	}
}

/* The pages this issue builds are there. */
static void test_staff_pages_exist(void **state)
{
	(void)state;
	struct member m;
	member_new(&m, ROLE_ADMIN);
	struct client c = {0};
	struct http_resp r;
	staff_login(&c, &m);
	const char *paths[] = {"/admin", "/admin/customers", "/admin/audit"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(staff_get(&c, paths[i], &r), 200);
		http_resp_free(&r);
	}
}

static void test_customer_sees_which_role_viewed_their_data(void **state)
{
	(void)state;
	const char *u = approved_user();
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", u);
	struct member m;
	member_new(&m, ROLE_REPRESENTATIVE);
	struct client c = {0};
	struct http_resp r;
	staff_login(&c, &m);
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", id);
	assert_int_equal(staff_get(&c, path, &r), 200);
	http_resp_free(&r);

	struct client shop = {0};
	assert_int_equal(do_login(&shop, u, TEST_PASSWORD, NULL), 303);
	assert_int_equal(client_get(&shop, env_web(), "/account", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<td>representative</td>"));
	/* The role, never the person. */
	assert_null(strstr(r.body, m.username));
	http_resp_free(&r);
	assert_int_equal(client_get(&shop, env_web(), "/account/disclosures", &r), 0);
	assert_non_null(strstr(r.body, "<td>representative</td>"));
	assert_null(strstr(r.body, m.username));
	http_resp_free(&r);
	/* And the data export carries the same record. */
	assert_int_equal(client_get(&shop, env_web(), "/account/export", &r), 0);
	assert_int_equal(r.status, 200);
	const char *views = strstr(r.body, "\"staff_views\"");
	assert_non_null(views);
	assert_non_null(strstr(views, "\"role\": \"representative\""));
	assert_null(strstr(r.body, m.username));
	http_resp_free(&r);
}

/* Removes the scratch files of this test's dittoctl runs. */
static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-staff-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_staff_signs_in_with_password_and_code_and_out_again),
	    cmocka_unit_test(test_staff_wrong_code_is_refused),
	    cmocka_unit_test(test_staff_replayed_code_is_refused),
	    cmocka_unit_test(test_disabled_staff_is_out_at_once),
	    cmocka_unit_test(test_staff_session_ends_after_15_minutes_idle_and_8_hours_in_all),
	    cmocka_unit_test(test_shop_and_staff_cookies_open_only_their_own_site),
	    cmocka_unit_test_setup(test_each_role_sees_each_field_as_the_table_says,
	                           customer_setup),
	    cmocka_unit_test_setup(test_support_view_adds_exactly_one_audit_row_naming_the_fields,
	                           customer_setup),
	    cmocka_unit_test_setup(test_search_uses_only_fields_the_role_sees_in_full,
	                           customer_setup),
	    cmocka_unit_test(test_each_role_opens_exactly_its_pages),
	    cmocka_unit_test(test_staff_pages_exist),
	    cmocka_unit_test(test_customer_sees_which_role_viewed_their_data),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
