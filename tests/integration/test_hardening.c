/* test_hardening.c — the database connections refuse LOAD DATA LOCAL: a statement that asks the
 * client to send one of its files (a migration file, through dittoctl's admin connection, the
 * one place that sends SQL text) fails and loads nothing; and a production dittoctl takes its
 * migrations from its absolute default, never from the directory it runs in; and every one-time
 * key column compares exactly (ascii_bin: base64url's 'a' is not its 'A'). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char dir[512], marker[64];

static void test_load_data_local_fails_through_dittoctl(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/run/test-hard-%d", env_state(), (int)getpid());
	snprintf(marker, sizeof(marker), "LOCAL-INFILE-%d", (int)getpid());
	assert_int_equal(sql_admin("CREATE TABLE IF NOT EXISTS test_local_infile (line TEXT)"), 0);
	/* Every real migration (applied already), then one that reads a client-side file. */
	assert_int_equal(sh("mkdir -p '%s' && ln -s \"$PWD\"/schema/*.sql '%s'/ && "
	                    "printf '%%s\\n' '%s' >'%s/secret.txt' && "
	                    "printf \"LOAD DATA LOCAL INFILE '%s/secret.txt' "
	                    "INTO TABLE test_local_infile;\\n\" >'%s/999_test_local_infile_%d.sql'",
	                    dir, dir, marker, dir, dir, dir, (int)getpid()),
	                 0);
	int rc = sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' migrate '%s' >/dev/null 2>&1",
	            env_state(), dir);
	assert_int_not_equal(rc, 0);
	assert_true(
	    sql_admin_int("SELECT COUNT(*) FROM information_schema.tables WHERE "
	                  "table_name = 'test_local_infile'") == 0 ||
	    sql_admin_int("SELECT COUNT(*) FROM test_local_infile WHERE line = '%s'", marker) == 0);
}

/* With production = true and no schema_dir, migrate never takes migrations from the directory it
 * runs in: a schema/ planted there is not applied (it names its absolute default instead). */
static void test_production_migrate_ignores_the_working_directory(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/run/test-hard-cwd-%d", env_state(), (int)getpid());
	assert_int_equal(
	    sh("mkdir -p '%s/schema' && "
	       "printf 'production = true\\nallow_sandbox = true\\n' > '%s/prod.conf' && "
	       "grep -v '^schema_dir' '%s/ditto.conf' >> '%s/prod.conf' && "
	       "printf 'CREATE TABLE test_planted (id INT PRIMARY KEY);\\n' "
	       "> '%s/schema/999_test_planted.sql'",
	       dir, dir, env_state(), dir, dir),
	    0);
	int rc = sh("cd '%s' && \"$BUILD\"/dittoctl --config '%s/prod.conf' migrate "
	            "2>'%s/err' >/dev/null",
	            dir, dir, dir);
	assert_int_not_equal(rc, 0);
	assert_int_equal(sh("grep -q /usr/share/ditto/schema '%s/err'", dir), 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM information_schema.tables WHERE "
	                               "table_name = 'test_planted'"),
	                 0);
}

/* Each form's one-time key (nonces, a refund's key, a message's dedupe key) is a column that
 * tells 'a' from 'A'; with the tables' utf8mb4 collation two keys differing in case were one. */
static void test_one_time_keys_compare_exactly(void **state)
{
	(void)state;
	static const char cols[] = "information_schema.columns WHERE table_schema = DATABASE() AND "
	                           "column_name IN ('nonce', 'idempotency_key', 'dedupe_key')";
	assert_true(sql_admin_int("SELECT COUNT(*) FROM %s", cols) >= 6);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM %s AND collation_name <> 'ascii_bin'", cols), 0);
}

static int teardown(void **state)
{
	(void)state;
	sql_admin("DROP TABLE IF EXISTS test_local_infile");
	sql_admin("DROP TABLE IF EXISTS test_planted");
	sql_admin("DELETE FROM schema_migrations WHERE name LIKE '999_test_local_infile_%%'");
	sh("rm -rf '%s'", dir);
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_load_data_local_fails_through_dittoctl, teardown),
	    cmocka_unit_test(test_one_time_keys_compare_exactly),
	    cmocka_unit_test_teardown(test_production_migrate_ignores_the_working_directory,
	                              teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
