/* test_db_nodes.c — db_hosts: socket paths, host:port and [v6]:port in order; bad lists refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/db_nodes.h"

static struct db_node nodes[DB_MAX_NODES];
static size_t n;
static char err[160];

static int parse(const char *list)
{
	err[0] = '\0';
	return db_nodes_parse(list, nodes, DB_MAX_NODES, &n, err, sizeof(err));
}

static void test_one_socket(void **state)
{
	(void)state;
	assert_int_equal(parse("/run/mysqld/mysqld.sock"), 0);
	assert_int_equal(n, 1);
	assert_false(nodes[0].tcp);
	assert_string_equal(nodes[0].addr, "/run/mysqld/mysqld.sock");
	/* The default db_socket is relative: a '/' anywhere makes it a path. */
	assert_int_equal(parse("var/run/mysqld.sock"), 0);
	assert_false(nodes[0].tcp);
	assert_string_equal(nodes[0].addr, "var/run/mysqld.sock");
}

static void test_list_in_order_with_spaces(void **state)
{
	(void)state;
	assert_int_equal(parse(" /tmp/a.sock , db2.example.org:3307,10.0.0.3:3306 ,[fd00::3]:4406"),
	                 0);
	assert_int_equal(n, 4);
	assert_false(nodes[0].tcp);
	assert_string_equal(nodes[0].addr, "/tmp/a.sock");
	assert_true(nodes[1].tcp);
	assert_string_equal(nodes[1].addr, "db2.example.org");
	assert_int_equal(nodes[1].port, 3307);
	assert_string_equal(nodes[2].addr, "10.0.0.3");
	assert_int_equal(nodes[2].port, 3306);
	assert_true(nodes[3].tcp);
	assert_string_equal(nodes[3].addr, "fd00::3");
	assert_int_equal(nodes[3].port, 4406);
}

static void test_format_round_trips(void **state)
{
	(void)state;
	char out[300];
	assert_int_equal(parse("[::1]:3306,127.0.0.1:3306,./x.sock"), 0);
	db_node_format(&nodes[0], out, sizeof(out));
	assert_string_equal(out, "[::1]:3306");
	db_node_format(&nodes[1], out, sizeof(out));
	assert_string_equal(out, "127.0.0.1:3306");
	db_node_format(&nodes[2], out, sizeof(out));
	assert_string_equal(out, "./x.sock");
}

static void test_bad_entries_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",                 /* nothing */
	    "/a.sock,",         /* empty entry at the end */
	    "/a.sock,,/b.sock", /* empty entry inside */
	    "db1",              /* host without port */
	    "db1:",             /* empty port */
	    ":3306",            /* empty host */
	    "db1:0",            /* port 0 */
	    "db1:65536",        /* port too big */
	    "db1:33a6",         /* not a number */
	    "db1:+3306",        /* sign */
	    "fd00::3:3306",     /* IPv6 without brackets */
	    "[fd00::3]",        /* no port */
	    "[fd00::3]3306",    /* no colon */
	    "[]:3306",          /* empty address */
	    "[fd00::3:3306",    /* unclosed */
	    "db 1:3306",        /* space in host */
	    "db1:3306;drop",    /* junk */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i]) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(strncmp(err, "database node ", 14) == 0);
	}
}

static void test_error_names_the_entry(void **state)
{
	(void)state;
	assert_int_equal(parse("/a.sock, db2:3306, db3"), -1);
	assert_non_null(strstr(err, "database node 3"));
	assert_non_null(strstr(err, ":port"));
}

static void test_too_many_refused(void **state)
{
	(void)state;
	char list[512] = "";
	for (int i = 0; i <= DB_MAX_NODES; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s/s%d.sock",
		         i ? "," : "", i);
	assert_int_equal(parse(list), -1);
	assert_non_null(strstr(err, "more than"));
	list[strlen(list) - strlen(",/s8.sock")] = '\0';
	assert_int_equal(parse(list), 0);
	assert_int_equal(n, DB_MAX_NODES);
}

static void test_too_long_refused(void **state)
{
	(void)state;
	char list[DB_NODE_STR_MAX + 16];
	memset(list, 'a', sizeof(list) - 1);
	list[0] = '/';
	list[sizeof(list) - 1] = '\0';
	assert_int_equal(parse(list), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_socket),
	    cmocka_unit_test(test_list_in_order_with_spaces),
	    cmocka_unit_test(test_format_round_trips),
	    cmocka_unit_test(test_bad_entries_refused),
	    cmocka_unit_test(test_error_names_the_entry),
	    cmocka_unit_test(test_too_many_refused),
	    cmocka_unit_test(test_too_long_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
