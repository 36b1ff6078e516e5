/* test_http.c — response helpers: cookie flags, safe redirects, header injection, error pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"
#include "http.h"
#include "view.h"

static void test_cookie_is_httponly_samesite_and_secure_when_asked(void **state)
{
	(void)state;
	struct response res = {0};
	http_set_cookie(&res, "__Host-ditto", "abc", 3600, true);
	assert_non_null(strstr(res.headers.data, "Set-Cookie: __Host-ditto=abc; Path=/; HttpOnly; "
	                                         "SameSite=Lax; Max-Age=3600; Secure\r\n"));
	buf_reset(&res.headers);
	http_set_cookie(&res, "ditto", "abc", -1, false);
	assert_null(strstr(res.headers.data, "Secure"));
	assert_null(strstr(res.headers.data, "Max-Age"));
	buf_free(&res.headers);
}

/* A request over HTTPS gets Secure cookies whatever cookie_secure says; plain HTTP follows it. */
static void test_cookies_are_secure_over_https_whatever_the_config_says(void **state)
{
	(void)state;
	struct config cfg = {0};
	struct request req = {.cfg = &cfg};
	assert_false(http_secure_cookies(&req));
	req.https = true;
	assert_true(http_secure_cookies(&req));
	assert_true(http_secure_cookies(&req)); /* logged once, still true */
	cfg.cookie_secure = true;
	req.https = false;
	assert_true(http_secure_cookies(&req));
}

static void test_cookie_with_separator_in_value_is_dropped(void **state)
{
	(void)state;
	struct response res = {0};
	http_set_cookie(&res, "ditto", "a; Domain=evil.example", 10, false);
	assert_true(res.headers.len == 0);
	buf_free(&res.headers);
}

static void test_header_injection_is_dropped(void **state)
{
	(void)state;
	struct response res = {0};
	http_header(&res, "X-Test", "ok\r\nSet-Cookie: evil=1");
	assert_true(res.headers.len == 0);
	buf_free(&res.headers);
}

static void test_redirect_stays_on_this_site(void **state)
{
	(void)state;
	struct response res = {0};
	http_redirect(&res, "//evil.example/");
	assert_non_null(strstr(res.headers.data, "Location: /\r\n"));
	assert_int_equal(res.status, 303);
	buf_reset(&res.headers);
	http_redirect(&res, "https://evil.example/");
	assert_non_null(strstr(res.headers.data, "Location: /\r\n"));
	buf_reset(&res.headers);
	http_redirect(&res, "/orders/7");
	assert_non_null(strstr(res.headers.data, "Location: /orders/7\r\n"));
	buf_free(&res.headers);
}

static void test_error_page_without_templates_is_plain_and_generic(void **state)
{
	(void)state;
	struct request req = {0};
	struct response res = {0};
	view_error(&req, &res, 500);
	assert_int_equal(res.status, 500);
	assert_true(res.no_store);
	assert_non_null(strstr(res.body.data, "Nothing you did caused it"));
	buf_free(&res.body);
	buf_free(&res.headers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cookie_is_httponly_samesite_and_secure_when_asked),
	    cmocka_unit_test(test_cookies_are_secure_over_https_whatever_the_config_says),
	    cmocka_unit_test(test_cookie_with_separator_in_value_is_dropped),
	    cmocka_unit_test(test_header_injection_is_dropped),
	    cmocka_unit_test(test_redirect_stays_on_this_site),
	    cmocka_unit_test(test_error_page_without_templates_is_plain_and_generic),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
