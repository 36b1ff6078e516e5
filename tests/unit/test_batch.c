/* test_batch.c — the worker's deferred writes: merging, when they are due, and that a failed
 * write empties the batch instead of holding the worker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../app/batch.h"
#include "../../app/db/db.h"
#include "../../app/scoreboard.h"

/* A database that cannot be reached: flushing into it fails at once. */
static struct db *unreachable(void)
{
	struct db_params p = {.socket = "/nonexistent/ditto-test.sock",
	                      .name = "ditto",
	                      .user = "nobody",
	                      .password = ""};
	struct db *db = db_new(&p);
	assert_non_null(db);
	return db;
}

static void empty(void)
{
	struct db *db = unreachable();
	(void)batch_flush(db);
	db_free(db);
	assert_int_equal(batch_pending(), 0);
}

static void test_nothing_pending_is_never_due(void **state)
{
	(void)state;
	empty();
	assert_int_equal(batch_due_in(now_ms()), -1);
	struct db *db = unreachable();
	assert_int_equal(batch_flush(db), 0); /* nothing to write: no connection tried */
	db_free(db);
}

static void test_views_of_one_product_by_one_customer_merge(void **state)
{
	(void)state;
	empty();
	batch_view(7, 100);
	batch_view(7, 100);
	batch_view(7, 100);
	assert_int_equal(batch_pending(), 1);
	batch_view(7, 101);
	batch_view(8, 100);
	assert_int_equal(batch_pending(), 3);
	batch_seen(55, false);
	batch_seen(55, true);
	batch_seen(55, false);
	assert_int_equal(batch_pending(), 4);
	empty();
}

static void test_due_within_the_interval_or_when_full(void **state)
{
	(void)state;
	empty();
	uint64_t t = now_ms();
	batch_view(1, 1);
	int due = batch_due_in(t);
	assert_true(due > 0 && due <= BATCH_INTERVAL_MS);
	assert_int_equal(batch_due_in(t + BATCH_INTERVAL_MS + 5), 0);
	empty();
	for (int i = 0; i < BATCH_MAX; i++)
		batch_view(1, 1000 + i);
	assert_int_equal(batch_pending(), BATCH_MAX);
	assert_int_equal(batch_due_in(now_ms()), 0);
	/* A request past the threshold still notes its view and its session stamp. */
	batch_view(2, 1);
	batch_seen(9, true);
	assert_int_equal(batch_pending(), BATCH_MAX + 2);
	empty();
}

static void test_a_failed_write_empties_the_batch(void **state)
{
	(void)state;
	empty();
	batch_view(3, 4);
	batch_seen(5, true);
	struct db *db = unreachable();
	assert_int_equal(batch_flush(db), -1);
	assert_int_equal(batch_pending(), 0);
	assert_int_equal(batch_due_in(now_ms()), -1);
	db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_pending_is_never_due),
	    cmocka_unit_test(test_views_of_one_product_by_one_customer_merge),
	    cmocka_unit_test(test_due_within_the_interval_or_when_full),
	    cmocka_unit_test(test_a_failed_write_empties_the_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
