/* test_pages.c — the first real pages, served by nginx + the web pool + MariaDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct client me; /* an approved, signed-in customer */

static int sign_in(void **state)
{
	(void)state;
	const char *u = approved_user();
	return do_login(&me, u, TEST_PASSWORD, NULL) == 303 ? 0 : -1;
}

/* GET as the signed-in customer. */
static void get(const char *path, struct http_resp *r)
{
	assert_int_equal(client_get(&me, env_web(), path, r), 0);
}

static void test_catalog_lists_products_from_mariadb(void **state)
{
	(void)state;
	struct http_resp r;
	get("/catalog", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<h1>Catalogue</h1>"));
	assert_non_null(strstr(r.body, "href=\"/product/"));
	/* The count comes from the database: the seed has 1,200 products. */
	long long n = sql_admin_int("SELECT COUNT(*) FROM products WHERE active = 1");
	char want[64];
	snprintf(want, sizeof(want), "%lld products", n);
	assert_true(n >= 1000);
	assert_non_null(strstr(r.body, want));
	http_resp_free(&r);
}

static void test_catalog_filters_by_category_and_pages(void **state)
{
	(void)state;
	struct http_resp r;
	get("/catalog?category=mugs&page=2", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<h1>Mugs</h1>"));
	assert_non_null(strstr(r.body, "page 2 of"));
	assert_null(strstr(r.body, "T-shirts No."));
	http_resp_free(&r);
	get("/catalog?category=no-such-thing", &r);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
}

static void test_product_page_shows_the_product(void **state)
{
	(void)state;
	long long id = sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1");
	char path[64], sku[64];
	snprintf(path, sizeof(path), "/product/%lld", id);
	struct http_resp r;
	get(path, &r);
	assert_int_equal(r.status, 200);
	long long price = sql_admin_int("SELECT price_cents FROM products WHERE id = %lld", id);
	snprintf(sku, sizeof(sku), "€%lld.%02lld", price / 100, price % 100);
	assert_non_null(strstr(r.body, sku));
	http_resp_free(&r);
}

static void test_unknown_product_is_404(void **state)
{
	(void)state;
	struct http_resp r;
	get("/product/999999999", &r);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	get("/product/12abc", &r);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
}

static void test_home_shows_site_notice_escaped(void **state)
{
	(void)state;
	assert_int_equal(sql_admin("INSERT INTO site_notices (body) VALUES "
	                           "('Closed Monday <script>alert(1)</script>')"),
	                 0);
	struct http_resp r;
	get("/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Closed Monday &lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(r.body, "<script>"));
	http_resp_free(&r);
	assert_int_equal(sql_admin("DELETE FROM site_notices WHERE body LIKE 'Closed Monday%%'"),
	                 0);
}

static void test_privacy_lists_versions_and_old_ones_stay_readable(void **state)
{
	(void)state;
	struct http_resp r;
	/* Publish a second version through the operator CLI, as an operator would. */
	assert_int_equal(sh("printf 'Version two of the policy.\\n' > '%s/run/policy2.txt' && "
	                    "\"$BUILD\"/dittoctl --config '%s/ditto.conf' policy publish "
	                    "--purposes account,orders '%s/run/policy2.txt' >/dev/null",
	                    env_state(), env_state(), env_state()),
	                 0);
	long long v = sql_admin_int("SELECT MAX(version) FROM policy_versions");
	assert_true(v >= 2);
	get("/privacy", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Version two of the policy."));
	assert_non_null(strstr(r.body, "href=\"/privacy/1\""));
	http_resp_free(&r);
	get("/privacy/1", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "This is an earlier version."));
	http_resp_free(&r);
	get("/privacy/424242", &r);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
}

static void test_home_banner_after_policy_change(void **state)
{
	(void)state;
	struct http_resp r;
	assert_int_equal(http_send("GET", env_web(), "/", NULL, 0, "policy_seen=1", &r), 0);
	assert_int_equal(r.status, 200);
	long long v = sql_admin_int("SELECT MAX(version) FROM policy_versions");
	if (v > 1)
		assert_non_null(strstr(r.body, "Our privacy policy changed"));
	char *set = http_header_value(&r, "Set-Cookie");
	assert_non_null(set);
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	free(set);
	http_resp_free(&r);
}

static void test_security_headers_on_every_page(void **state)
{
	(void)state;
	const char *paths[] = {"/", "/catalog", "/nope", "/healthz"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct http_resp r;
		get(paths[i], &r);
		char *v = http_header_value(&r, "X-Content-Type-Options");
		assert_non_null(v);
		free(v);
		v = http_header_value(&r, "Content-Security-Policy");
		assert_non_null(v);
		free(v);
		v = http_header_value(&r, "Cache-Control");
		assert_non_null(v);
		free(v);
		http_resp_free(&r);
	}
}

static void test_signed_in_pages_are_never_cacheable(void **state)
{
	(void)state;
	const char *paths[] = {"/", "/catalog", "/product/1", "/privacy", "/orders", "/cart"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct http_resp r;
		get(paths[i], &r);
		char *cc = http_header_value(&r, "Cache-Control");
		assert_non_null(cc);
		assert_string_equal(cc, "no-store");
		free(cc);
		http_resp_free(&r);
	}
}

static void test_error_pages_leak_nothing(void **state)
{
	(void)state;
	struct http_resp r;
	get("/nope", &r);
	assert_int_equal(r.status, 404);
	char *cc = http_header_value(&r, "Cache-Control");
	assert_string_equal(cc, "no-store");
	free(cc);
	assert_null(strstr(r.body, "/nope")); /* the path is not echoed */
	assert_null(strstr(r.body, "mariadb"));
	http_resp_free(&r);
}

static void test_healthz_ok_on_both_pools(void **state)
{
	(void)state;
	struct http_resp r;
	get("/healthz", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok\n");
	http_resp_free(&r);
	assert_int_equal(http_get(env_staff(), "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

static void test_head_has_no_body(void **state)
{
	(void)state;
	struct http_resp r;
	assert_int_equal(http_send("HEAD", env_web(), "/catalog", NULL, 0, client_cookie(&me), &r),
	                 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	http_resp_free(&r);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalog_lists_products_from_mariadb),
	    cmocka_unit_test(test_catalog_filters_by_category_and_pages),
	    cmocka_unit_test(test_product_page_shows_the_product),
	    cmocka_unit_test(test_unknown_product_is_404),
	    cmocka_unit_test(test_home_shows_site_notice_escaped),
	    cmocka_unit_test(test_privacy_lists_versions_and_old_ones_stay_readable),
	    cmocka_unit_test(test_home_banner_after_policy_change),
	    cmocka_unit_test(test_security_headers_on_every_page),
	    cmocka_unit_test(test_signed_in_pages_are_never_cacheable),
	    cmocka_unit_test(test_error_pages_leak_nothing),
	    cmocka_unit_test(test_healthz_ok_on_both_pools),
	    cmocka_unit_test(test_head_has_no_body),
	};
	return cmocka_run_group_tests_name("pages", tests, sign_in, NULL);
}
