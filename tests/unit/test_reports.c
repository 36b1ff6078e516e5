/* test_reports.c — the reports' rule for small groups: no row shown counts 1 to 4 people, kept
 * groups stay in order, and "other" adds up what it took. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/reports.h"

static void test_groups_of_five_or_more_are_kept_in_order(void **state)
{
	(void)state;
	struct report_group g[] = {{"a", 9, 1, 100}, {"b", 5, 2, 200}, {"c", 12, 3, 300}};
	size_t n = 3;
	report_merge_small(g, &n);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].label, "a");
	assert_string_equal(g[1].label, "b");
	assert_string_equal(g[2].label, "c");
}

static void test_small_groups_become_other_at_the_end_with_their_sums(void **state)
{
	(void)state;
	struct report_group g[] = {
	    {"a", 3, 1, 100}, {"b", 7, 2, 200}, {"c", 2, 4, 400}, {"d", 6, 8, 800}};
	size_t n = 4;
	report_merge_small(g, &n);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].label, "b");
	assert_string_equal(g[1].label, "d");
	assert_string_equal(g[2].label, "other");
	assert_int_equal(g[2].count, 5);
	assert_int_equal(g[2].units, 5);
	assert_int_equal(g[2].cents, 500);
}

static void test_an_other_under_five_takes_the_smallest_kept_group_too(void **state)
{
	(void)state;
	struct report_group g[] = {{"a", 9, 0, 0}, {"b", 1, 0, 0}, {"c", 6, 0, 0}, {"d", 8, 0, 0}};
	size_t n = 4;
	report_merge_small(g, &n);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].label, "a");
	assert_string_equal(g[1].label, "d");
	assert_string_equal(g[2].label, "other");
	assert_int_equal(g[2].count, 7);
}

static void test_all_small_groups_are_one_other(void **state)
{
	(void)state;
	struct report_group g[] = {{"a", 1, 0, 0}, {"b", 4, 0, 0}};
	size_t n = 2;
	report_merge_small(g, &n);
	assert_int_equal(n, 1);
	assert_string_equal(g[0].label, "other");
	assert_int_equal(g[0].count, 5);
	n = 0;
	report_merge_small(g, &n);
	assert_int_equal(n, 0);
}

static void test_fewer_than_five_in_all_show_nothing(void **state)
{
	(void)state;
	struct report_group g[] = {{"a", 1, 0, 0}, {"b", 2, 0, 0}};
	size_t n = 2;
	report_merge_small(g, &n);
	assert_int_equal(n, 0);
	struct report_group one[] = {{"a", 4, 0, 0}};
	n = 1;
	report_merge_small(one, &n);
	assert_int_equal(n, 0);
}

static void test_day_text_is_the_utc_date(void **state)
{
	(void)state;
	char s[11];
	report_day_text(1795996800, s); /* 2026-11-30 00:00 UTC */
	assert_string_equal(s, "2026-11-30");
	report_day_text(1795996800 + 86399, s);
	assert_string_equal(s, "2026-11-30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups_of_five_or_more_are_kept_in_order),
	    cmocka_unit_test(test_small_groups_become_other_at_the_end_with_their_sums),
	    cmocka_unit_test(test_an_other_under_five_takes_the_smallest_kept_group_too),
	    cmocka_unit_test(test_all_small_groups_are_one_other),
	    cmocka_unit_test(test_fewer_than_five_in_all_show_nothing),
	    cmocka_unit_test(test_day_text_is_the_utc_date),
	};
	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
