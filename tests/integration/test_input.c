/* test_input.c — malformed input is refused at the door with the right status, and changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static long status_of(const char *method, const char *path, const char *body, const char *cookie)
{
	struct http_resp r;
	http_send(method, env_web(), path, body, body ? strlen(body) : 0, cookie, &r);
	long s = r.status;
	http_resp_free(&r);
	return s;
}

static void test_bad_percent_encoding_is_400(void **state)
{
	(void)state;
	assert_int_equal(status_of("GET", "/catalog?page=%zz", NULL, NULL), 400);
	assert_int_equal(status_of("GET", "/catalog?page=1%4", NULL, NULL), 400);
}

static void test_encoded_nul_is_400(void **state)
{
	(void)state;
	assert_int_equal(status_of("GET", "/catalog?category=mu%00gs", NULL, NULL), 400);
}

static void test_invalid_utf8_is_400(void **state)
{
	(void)state;
	assert_int_equal(status_of("GET", "/catalog?category=%C3%28", NULL, NULL), 400);
}

static void test_duplicate_query_key_is_400(void **state)
{
	(void)state;
	/* Deterministic: never "first wins" on one proxy and "last wins" on another. */
	assert_int_equal(status_of("GET", "/catalog?page=1&page=2", NULL, NULL), 400);
}

/* Builds "key=aaaa..." with n a's in a static buffer (no heap: simpler for sanitizers). */
static const char *long_body(const char *key, size_t n)
{
	static char body[256 * 1024];
	size_t k = strlen(key);
	if (k + 1 + n + 1 > sizeof(body))
		fail();
	snprintf(body, sizeof(body), "%s=", key);
	for (size_t i = 0; i < n; i++)
		body[k + 1 + i] = 'a';
	body[k + 1 + n] = '\0';
	return body;
}

static void test_overlong_field_is_400(void **state)
{
	(void)state;
	assert_int_equal(status_of("POST", "/catalog", long_body("name", 9000), NULL), 400);
}

static void test_oversize_body_is_413_from_nginx(void **state)
{
	(void)state;
	assert_int_equal(status_of("POST", "/catalog", long_body("x", 200 * 1024), NULL), 413);
}

static void test_malformed_cookie_is_400(void **state)
{
	(void)state;
	assert_int_equal(status_of("GET", "/", NULL, "novalue"), 400);
	assert_int_equal(status_of("GET", "/", NULL, "=x"), 400);
}

static void test_bad_page_number_is_400(void **state)
{
	(void)state;
	/* Validated by the catalogue handler, so as a signed-in customer. */
	struct client me = {0};
	assert_int_equal(do_login(&me, approved_user(), TEST_PASSWORD, NULL), 303);
	const char *paths[] = {"/catalog?page=-1", "/catalog?page=abc",
	                       "/catalog?category=../../etc"};
	for (size_t i = 0; i < 3; i++) {
		struct http_resp r;
		assert_int_equal(client_get(&me, env_web(), paths[i], &r), 0);
		assert_int_equal(r.status, 400);
		http_resp_free(&r);
	}
}

static void test_unknown_route_404_and_wrong_method_405(void **state)
{
	(void)state;
	assert_int_equal(status_of("GET", "/admin/secret", NULL, NULL), 404);
	assert_int_equal(status_of("POST", "/catalog", "a=1", NULL), 405);
	assert_int_equal(status_of("DELETE", "/catalog", NULL, NULL), 405);
}

static void test_test_route_validates_its_input(void **state)
{
	(void)state;
	/* Test stacks expose /_test/ routes; even they validate what they are given. */
	assert_int_equal(status_of("GET", "/_test/sleep?ms=abc", NULL, NULL), 400);
}

static void test_bad_input_changes_nothing(void **state)
{
	(void)state;
	long long before = sql_admin_int("SELECT COUNT(*) FROM policy_versions") +
	                   sql_admin_int("SELECT COUNT(*) FROM products") +
	                   sql_admin_int("SELECT COUNT(*) FROM site_notices");
	status_of("POST", "/catalog", "a=%zz", NULL);
	status_of("GET", "/catalog?x=%00", NULL, NULL);
	long long after = sql_admin_int("SELECT COUNT(*) FROM policy_versions") +
	                  sql_admin_int("SELECT COUNT(*) FROM products") +
	                  sql_admin_int("SELECT COUNT(*) FROM site_notices");
	assert_int_equal(before, after);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_percent_encoding_is_400),
	    cmocka_unit_test(test_encoded_nul_is_400),
	    cmocka_unit_test(test_invalid_utf8_is_400),
	    cmocka_unit_test(test_duplicate_query_key_is_400),
	    cmocka_unit_test(test_overlong_field_is_400),
	    cmocka_unit_test(test_oversize_body_is_413_from_nginx),
	    cmocka_unit_test(test_malformed_cookie_is_400),
	    cmocka_unit_test(test_bad_page_number_is_400),
	    cmocka_unit_test(test_unknown_route_404_and_wrong_method_405),
	    cmocka_unit_test(test_test_route_validates_its_input),
	    cmocka_unit_test(test_bad_input_changes_nothing),
	};
	return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
