/* test_site.c — unit tests of the application's route tables (handlers/routes.c): test routes
 * only on test stacks, every private page behind its audience. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../app/privacy/privacy.h"
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
		assert_int_equal(m, n + 4); /* sleep, crash, fail, forge-slot */
		for (size_t i = n; i < m; i++)
			assert_non_null(strstr(routes[i].pattern, "/_test/"));
	}
}

/* On the staff site only sign-in, sign-out, the root's redirect and the health check are
 * public; every other route is a staff route under a page of the privacy module's page table
 * (which says which roles open it), and no staff route is served by the shop. */
static void test_every_staff_route_belongs_to_a_page(void **state)
{
	(void)state;
	const struct route *routes = ditto_site.pools[POOL_STAFF].routes;
	size_t n = site_route_count(&ditto_site, POOL_STAFF, false);
	for (size_t i = 0; i < n; i++) {
		const char *p = routes[i].pattern;
		if (routes[i].access == ACCESS_PUBLIC) {
			assert_true(strcmp(p, "/admin/login") == 0 ||
			            strcmp(p, "/admin/logout") == 0 || strcmp(p, "/") == 0 ||
			            strcmp(p, "/healthz") == 0);
			continue;
		}
		assert_int_equal(routes[i].access, ACCESS_STAFF);
		assert_true(privacy_page_of(p) >= 0);
	}
	const struct route *web = ditto_site.pools[POOL_WEB].routes;
	size_t m = site_route_count(&ditto_site, POOL_WEB, false);
	for (size_t i = 0; i < m; i++) {
		assert_int_not_equal(web[i].access, ACCESS_STAFF);
		assert_int_not_equal(strncmp(web[i].pattern, "/admin", 6), 0);
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
	    cmocka_unit_test(test_every_staff_route_belongs_to_a_page),
	    cmocka_unit_test(test_every_pool_refuses_customers_through_the_site),
	};
	return cmocka_run_group_tests_name("site", tests, NULL, NULL);
}
