/* test_validate.c — the small validators accept exactly what they promise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "validate.h"

static void test_id_accepts_positive_decimal(void **state)
{
	(void)state;
	long long v = 0;
	assert_true(valid_id("1234", &v));
	assert_int_equal(v, 1234);
}

static void test_id_rejects_zero_sign_leading_zero_and_junk(void **state)
{
	(void)state;
	long long v;
	assert_false(valid_id("0", &v));
	assert_false(valid_id("-1", &v));
	assert_false(valid_id("+1", &v));
	assert_false(valid_id("012", &v));
	assert_false(valid_id("12a", &v));
	assert_false(valid_id("", &v));
	assert_false(valid_id(NULL, &v));
	assert_false(valid_id("1234567890123456789", &v)); /* 19 digits could overflow */
}

static void test_page_defaults_to_one(void **state)
{
	(void)state;
	long p = 0;
	assert_true(valid_page(NULL, &p));
	assert_int_equal(p, 1);
	assert_true(valid_page("", &p));
	assert_int_equal(p, 1);
}

static void test_page_rejects_out_of_range(void **state)
{
	(void)state;
	long p;
	assert_true(valid_page("100000", &p));
	assert_false(valid_page("100001", &p));
	assert_false(valid_page("0", &p));
	assert_false(valid_page("x", &p));
}

static void test_slug_charset(void **state)
{
	(void)state;
	assert_true(valid_slug("tees"));
	assert_true(valid_slug("enamel-pins-2"));
	assert_false(valid_slug(""));
	assert_false(valid_slug("Tees"));
	assert_false(valid_slug("a b"));
	assert_false(valid_slug("a'b"));
}

static void test_username_rules(void **state)
{
	(void)state;
	assert_true(valid_username("ann01"));
	assert_true(valid_username("a.b_c-d"));
	assert_false(valid_username("ab"));
	assert_false(valid_username(".ann"));
	assert_false(valid_username("ann smith"));
	assert_false(valid_username("änn"));
	assert_false(valid_username(NULL));
}

static void test_email_rules(void **state)
{
	(void)state;
	assert_true(valid_email("ann@example.com"));
	assert_true(valid_email("a.b+tag@sub.example.co.uk"));
	assert_false(valid_email("ann@example"));
	assert_false(valid_email("@example.com"));
	assert_false(valid_email("ann@@example.com"));
	assert_false(valid_email("ann example@example.com"));
	assert_false(valid_email("ann@example.com\r\nBcc: x@y.z"));
	assert_false(valid_email("<ann@example.com>"));
}

static void test_text_counts_code_points_and_refuses_controls(void **state)
{
	(void)state;
	assert_true(valid_text("Zoë Ångström", 12));
	assert_false(valid_text("Zoë Ångström", 11));
	assert_false(valid_text("   ", 10));
	assert_false(valid_text("", 10));
	assert_false(valid_text("line\nbreak", 20));
	assert_false(valid_text("\xc3\x28", 10));
}

static void test_phone_rules(void **state)
{
	(void)state;
	assert_true(valid_phone("+44 (20) 7946-0001"));
	assert_false(valid_phone("12345"));
	assert_false(valid_phone("call me maybe"));
}

static void test_checked_values(void **state)
{
	(void)state;
	assert_true(valid_checked("1"));
	assert_true(valid_checked("on"));
	assert_false(valid_checked("0"));
	assert_false(valid_checked(NULL));
}

static void test_long_text_keeps_line_breaks_and_refuses_other_controls(void **state)
{
	(void)state;
	assert_true(valid_text_lines("First line.\r\nSecond\tline.", 100));
	assert_false(valid_text_lines("bell\a", 100));
	assert_false(valid_text_lines(" \n\t ", 100));
	assert_false(valid_text_lines("", 100));
	assert_false(valid_text_lines("\xc3\xa9t\xc3\xa9!", 3));
	assert_true(valid_text_lines("\xc3\xa9t\xc3\xa9", 3));
}

static void test_datetime_local_forms_and_real_days_only(void **state)
{
	(void)state;
	char out[20];
	assert_true(valid_datetime_local("2026-12-01T09:30", out));
	assert_string_equal(out, "2026-12-01 09:30:00");
	assert_true(valid_datetime_local("2028-02-29 23:59:58", out));
	assert_string_equal(out, "2028-02-29 23:59:58");
	assert_false(valid_datetime_local("2027-02-29T10:00", out)); /* not a leap year */
	assert_false(valid_datetime_local("2026-04-31T10:00", out));
	assert_false(valid_datetime_local("2026-12-01T24:00", out));
	assert_false(valid_datetime_local("1999-12-31T10:00", out));
	assert_false(valid_datetime_local("2026-12-01", out));
	assert_false(valid_datetime_local("2026-12-01T9:30", out));
	assert_false(valid_datetime_local("2026-12-01T09:30Z", out));
	assert_false(valid_datetime_local("", out));
	assert_false(valid_datetime_local(NULL, out));
}

static void test_date_takes_real_days_only(void **state)
{
	(void)state;
	time_t t;
	assert_true(valid_date("2026-11-30", &t));
	assert_int_equal((long long)t, 1795996800LL);
	assert_true(valid_date("2028-02-29", &t));
	assert_false(valid_date("2027-02-29", &t));
	assert_false(valid_date("2026-04-31", &t));
	assert_false(valid_date("1999-12-31", &t));
	assert_false(valid_date("2026-1-30", &t));
	assert_false(valid_date("2026-11-30T00:00", &t));
	assert_false(valid_date("2026-11-3x", &t));
	assert_false(valid_date("", &t));
	assert_false(valid_date(NULL, &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_id_accepts_positive_decimal),
	    cmocka_unit_test(test_id_rejects_zero_sign_leading_zero_and_junk),
	    cmocka_unit_test(test_page_defaults_to_one),
	    cmocka_unit_test(test_page_rejects_out_of_range),
	    cmocka_unit_test(test_slug_charset),
	    cmocka_unit_test(test_username_rules),
	    cmocka_unit_test(test_email_rules),
	    cmocka_unit_test(test_text_counts_code_points_and_refuses_controls),
	    cmocka_unit_test(test_phone_rules),
	    cmocka_unit_test(test_checked_values),
	    cmocka_unit_test(test_long_text_keeps_line_breaks_and_refuses_other_controls),
	    cmocka_unit_test(test_datetime_local_forms_and_real_days_only),
	    cmocka_unit_test(test_date_takes_real_days_only),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
