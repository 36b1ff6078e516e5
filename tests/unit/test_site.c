/* test_site.c — unit tests of the application's route tables (handlers/routes.c): test routes
 * only on test stacks, every private page behind its audience. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "routes.h"

static void test_test_routes_exist_only_when_enabled(void **state)
{
	(void)state;
	for (int k = 0; k < POOL__MAX; k++) {
		const struct route *routes = ditto_site.pools[k].routes;
		size_t n = site_route_count(&ditto_site, k, false);
		for (size_t i = 0; i < n; i++)
			assert_null(strstr(routes[i].pattern, "/_test/"));
		size_t m = site_route_count(&ditto_site, k, true);
		assert_int_equal(m, n + 2);
		for (size_t i = n; i < m; i++)
			assert_non_null(strstr(routes[i].pattern, "/_test/"));
	}
}

static void test_every_route_names_its_audience(void **state)
{
	(void)state;
	const struct route *routes = ditto_site.pools[POOL_WEB].routes;
	size_t n = site_route_count(&ditto_site, POOL_WEB, false);
	for (size_t i = 0; i < n; i++) {
		/* Merchandise, carts, orders and the account are never public. */
		const char *p = routes[i].pattern;
		if (strncmp(p, "/catalog", 8) == 0 || strncmp(p, "/product", 8) == 0 ||
		    strncmp(p, "/cart", 5) == 0 || strncmp(p, "/checkout", 9) == 0 ||
		    strncmp(p, "/orders", 7) == 0 || strncmp(p, "/account", 8) == 0)
			assert_int_equal(routes[i].access, ACCESS_CUSTOMER);
	}
}

static void test_every_pool_refuses_customers_through_the_site(void **state)
{
	(void)state;
	assert_non_null(ditto_site.refuse_customer);
	for (int k = 0; k < POOL__MAX; k++)
		assert_true(ditto_site.pools[k].nroutes > ditto_site.pools[k].ntest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_test_routes_exist_only_when_enabled),
	    cmocka_unit_test(test_every_route_names_its_audience),
	    cmocka_unit_test(test_every_pool_refuses_customers_through_the_site),
	};
	return cmocka_run_group_tests_name("site", tests, NULL, NULL);
}
