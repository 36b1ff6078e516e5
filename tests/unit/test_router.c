/* test_router.c — the router matches patterns, extracts parameters and rejects odd paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "router.h"

static int h(struct request *req, struct response *res)
{
	(void)req;
	(void)res;
	return 0;
}

static const struct route routes[] = {
    {HTTP_GET, "/", ACCESS_PUBLIC, h, "home"},
    {HTTP_GET, "/product/{id}", ACCESS_PUBLIC, h, "product"},
    {HTTP_GET | HTTP_POST, "/cart", ACCESS_CUSTOMER, h, "cart"},
    {HTTP_GET, "/orders/{id}/lines/{line}", ACCESS_CUSTOMER, h, "line"},
};
#define N (sizeof(routes) / sizeof(routes[0]))

static enum router_result match(const char *path, enum http_method m, const struct route **r,
                                const char **params, size_t *np)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new();
	return router_match(routes, N, a, m, path, r, params, np);
}

static void test_root_matches_home(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/", HTTP_GET, &r, p, &np), ROUTER_FOUND);
	assert_string_equal(r->name, "home");
	assert_int_equal(np, 0);
}

static void test_parameter_is_extracted(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/42", HTTP_GET, &r, p, &np), ROUTER_FOUND);
	assert_string_equal(r->name, "product");
	assert_int_equal(np, 1);
	assert_string_equal(p[0], "42");
}

static void test_two_parameters_in_order(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/orders/7/lines/3", HTTP_GET, &r, p, &np), ROUTER_FOUND);
	assert_int_equal(np, 2);
	assert_string_equal(p[0], "7");
	assert_string_equal(p[1], "3");
}

static void test_empty_parameter_does_not_match(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
}

static void test_parameter_does_not_span_segments(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/1/2", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
}

static void test_unknown_path_is_not_found(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/nope", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
	assert_null(r);
}

static void test_wrong_method_is_405(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/1", HTTP_POST, &r, p, &np), ROUTER_METHOD_NOT_ALLOWED);
}

static void test_get_route_answers_head(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/1", HTTP_HEAD, &r, p, &np), ROUTER_FOUND);
}

static void test_dot_segments_rejected(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/..", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
	assert_int_equal(match("/product/.", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
	assert_int_equal(match("//product/1", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
}

static void test_control_bytes_rejected(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("/product/1\n", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
}

static void test_overlong_path_rejected(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	char path[2048];
	memcpy(path, "/product/", 9);
	memset(path + 9, '1', sizeof(path) - 10);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(match(path, HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
}

static void test_relative_path_rejected(void **state)
{
	(void)state;
	const struct route *r;
	const char *p[HTTP_MAX_PARAMS];
	size_t np;
	assert_int_equal(match("product/1", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
	assert_int_equal(match("", HTTP_GET, &r, p, &np), ROUTER_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_matches_home),
	    cmocka_unit_test(test_parameter_is_extracted),
	    cmocka_unit_test(test_two_parameters_in_order),
	    cmocka_unit_test(test_empty_parameter_does_not_match),
	    cmocka_unit_test(test_parameter_does_not_span_segments),
	    cmocka_unit_test(test_unknown_path_is_not_found),
	    cmocka_unit_test(test_wrong_method_is_405),
	    cmocka_unit_test(test_get_route_answers_head),
	    cmocka_unit_test(test_dot_segments_rejected),
	    cmocka_unit_test(test_control_bytes_rejected),
	    cmocka_unit_test(test_overlong_path_rejected),
	    cmocka_unit_test(test_relative_path_rejected),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
