/* test_payments.c — payments fail closed: a production configuration with the sandbox processor
 * and no allow_sandbox stops ditto-fcgi at start-up with one line saying why; an order paid
 * through the sandbox is a test order, and the shipping manifest never holds one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* DIR/run/test-pay-PID-WHAT: scratch paths, removed by the teardown. */
static const char *scratch(const char *what)
{
	static char buf[4][512];
	static int slot;
	char *p = buf[slot++ % 4];
	snprintf(p, sizeof(buf[0]), "%s/run/test-pay-%d-%s", env_state(), (int)getpid(), what);
	return p;
}

/*
 * Writes the stack's configuration with the global lines extra in front (before any pool
 * section; its cookie_secure line dropped, so extra may set it) and the pools' socket and pid file
 * moved to scratch paths, so a pool that does start never touches the running stack's. Returns the
 * path.
 */
static const char *config_with(const char *name, const char *extra)
{
	const char *path = scratch(name);
	assert_int_equal(sh("{ printf '%%s\\n' '%s'; sed -e 's|^socket = .*/\\([a-z]*\\)\\.sock$|"
	                    "socket = %s-\\1.sock|' -e 's|^pid_file = .*|pid_file = %s-pid|' "
	                    "-e '/^cookie_secure =/d' "
	                    "'%s/ditto.conf'; } >'%s'",
	                    extra, path, path, env_state(), path),
	                 0);
	return path;
}

/* Runs ditto-fcgi's web pool with config (killed after 10 s if it does start); returns its exit
 * status, its stderr in err. */
static int start_pool(const char *config, char *err, size_t cap)
{
	const char *err_path = scratch("stderr");
	int rc = sh("timeout 10 \"$BUILD\"/ditto-fcgi --config '%s' --pool web >/dev/null 2>'%s'",
	            config, err_path);
	slurp_file(err_path, err, cap);
	return rc;
}

static int lines_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void assert_refused(const char *extra)
{
	char err[2048];
	int rc = start_pool(config_with("refuse.conf", extra), err, sizeof(err));
	fprintf(stderr, "# %s: exit %d: %s", extra, rc, err);
	assert_int_equal(rc, 1);
	assert_int_equal(lines_of(err), 1);
	assert_non_null(strstr(err, "sandbox"));
	assert_non_null(strstr(err, "allow_sandbox = true"));
}

static void test_production_with_the_sandbox_refuses_to_start(void **state)
{
	(void)state;
	assert_refused("production = true");
}

static void test_cookie_secure_counts_as_production(void **state)
{
	(void)state;
	assert_refused("cookie_secure = true");
}

static void test_allow_sandbox_lets_a_staging_shop_start(void **state)
{
	(void)state;
	const char *conf = config_with("staging.conf", "production = true\nallow_sandbox = true");
	char cmd_err[2048];
	const char *err_path = scratch("check-stderr");
	int rc = sh("\"$BUILD\"/ditto-fcgi --config '%s' --pool web --check >/dev/null 2>'%s'",
	            conf, err_path);
	slurp_file(err_path, cmd_err, sizeof(cmd_err));
	assert_int_equal(rc, 0);
	assert_string_equal(cmd_err, "");
}

/* A signed-in customer who just bought one unit of product 12 by card; returns the order. */
static long long sandbox_order(void)
{
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, approved_user(), TEST_PASSWORD, NULL), 303);
	assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = 12"),
	                 0);
	char *csrf = form_csrf(&c, "/account");
	char body[2048];
	snprintf(body, sizeof(body), "csrf=%s&product_id=12&quantity=1", csrf);
	assert_int_equal(post_form(&c, "/cart", body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(client_get(&c, env_web(), "/checkout", &r), 0);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char nonce[128];
	snprintf(nonce, sizeof(nonce), "%.*s", (int)(strchr(p, '"') - p), p);
	http_resp_free(&r);
	snprintf(body, sizeof(body),
	         "csrf=%s&nonce=%s&name=Pat+Buyer&email=pat%%40example.com&billing_line1=1+Main+St"
	         "&billing_line2=&billing_city=Leeds&billing_postcode=LS1+1AA&billing_country=UK"
	         "&shipping_same=1&payment_mode=card&card_number=4242424242424242"
	         "&card_exp=12%%2F30&card_cvv=123",
	         csrf, nonce);
	free(csrf);
	assert_int_equal(post_form(&c, "/checkout", body, &r), 303);
	http_resp_free(&r);
	long long id = sql_admin_int("SELECT id FROM orders WHERE nonce = '%s'", nonce);
	assert_true(id > 0);
	return id;
}

/* Runs `dittoctl shipments export DIR`; returns whether a manifest in DIR lists order id. */
static bool exported(const char *dir, long long id)
{
	assert_int_equal(sh("mkdir -p '%s' && \"$BUILD\"/dittoctl --config '%s/ditto.conf' "
	                    "shipments export '%s' >/dev/null",
	                    dir, env_state(), dir),
	                 0);
	return sh("cat '%s'/manifest-*.csv 2>/dev/null | grep -q '^%lld,'", dir, id) == 0;
}

static void test_sandbox_orders_are_test_orders_never_exported(void **state)
{
	(void)state;
	long long id = sandbox_order();
	assert_int_equal(sql_admin_int("SELECT status = 'paid' AND test_order FROM orders WHERE "
	                               "id = %lld",
	                               id),
	                 1);
	assert_false(exported(scratch("ship1"), id));
	assert_int_equal(
	    sql_admin_int("SELECT shipment_exported_at IS NULL FROM orders WHERE id = %lld", id),
	    1);
	/* The mark alone keeps it out: without it, the same order is shipped. */
	assert_int_equal(sql_admin("UPDATE orders SET test_order = 0 WHERE id = %lld", id), 0);
	assert_true(exported(scratch("ship2"), id));
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'/run/test-pay-%d-*", env_state(), (int)getpid());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_production_with_the_sandbox_refuses_to_start, teardown),
	    cmocka_unit_test_teardown(test_cookie_secure_counts_as_production, teardown),
	    cmocka_unit_test_teardown(test_allow_sandbox_lets_a_staging_shop_start, teardown),
	    cmocka_unit_test_teardown(test_sandbox_orders_are_test_orders_never_exported, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
