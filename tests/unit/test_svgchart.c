/* test_svgchart.c — the server-drawn charts: a title, labelled axes, one shape per point with
 * its value, escaped text, nice axis tops, and a refused id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "svgchart.h"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static const struct svgchart_point week_points[] = {
    {"2026-W01", 3}, {"2026-W02", 0}, {"2026-W03", 7}};

static void test_axis_max_is_one_two_or_five_times_a_power_of_ten(void **state)
{
	(void)state;
	assert_int_equal(svgchart_axis_max(0), 1);
	assert_int_equal(svgchart_axis_max(1), 1);
	assert_int_equal(svgchart_axis_max(2), 2);
	assert_int_equal(svgchart_axis_max(3), 5);
	assert_int_equal(svgchart_axis_max(7), 10);
	assert_int_equal(svgchart_axis_max(10), 10);
	assert_int_equal(svgchart_axis_max(11), 20);
	assert_int_equal(svgchart_axis_max(199), 200);
	assert_int_equal(svgchart_axis_max(201), 500);
	assert_int_equal(svgchart_axis_max(123456), 200000);
}

static void test_bar_chart_has_title_axis_captions_and_one_bar_per_point(void **state)
{
	(void)state;
	struct buf b = {0};
	struct svgchart c = {SVGCHART_BAR, "reg", "Registrations per week", "Week", "Registrations",
	                     week_points,  3};
	assert_int_equal(svgchart_render(&b, &c), 0);
	assert_non_null(strstr(b.data, "<svg "));
	assert_non_null(strstr(b.data, "role=\"img\" aria-labelledby=\"reg-title\""));
	assert_non_null(strstr(b.data, "<title id=\"reg-title\">Registrations per week</title>"));
	assert_non_null(strstr(b.data, ">Week</text>"));
	assert_non_null(strstr(b.data, ">Registrations</text>"));
	assert_int_equal(count(b.data, "<rect "), 3);
	assert_non_null(strstr(b.data, "<title>2026-W03: 7</title>"));
	assert_non_null(strstr(b.data, "<title>2026-W02: 0</title>"));
	/* The axis goes to 10 (the nice top above 7), with its ticks. */
	assert_non_null(strstr(b.data, ">10</text>"));
	assert_non_null(strstr(b.data, ">0</text>"));
	assert_null(strstr(b.data, "<script"));
	assert_true(b.len > 0 && strcmp(b.data + b.len - 7, "</svg>\n") == 0);
	buf_free(&b);
}

static void test_line_chart_joins_the_points_in_order(void **state)
{
	(void)state;
	struct buf b = {0};
	struct svgchart c = {SVGCHART_LINE, "rev", "Revenue", "Week", "Euro", week_points, 3};
	assert_int_equal(svgchart_render(&b, &c), 0);
	assert_int_equal(count(b.data, "<polyline "), 1);
	assert_int_equal(count(b.data, "<circle "), 3);
	assert_int_equal(count(b.data, "<rect "), 0);
	/* The highest point (7 of 10) sits above the zero point. */
	assert_non_null(strstr(b.data, "<title>2026-W01: 3</title>"));
	buf_free(&b);
}

static void test_text_is_escaped_everywhere(void **state)
{
	(void)state;
	struct buf b = {0};
	const struct svgchart_point p[] = {{"<script>alert(1)</script>", 5},
	                                   {"Tom & \"Jerry\"", 1}};
	struct svgchart c = {SVGCHART_BAR, "x", "A <b>title</b>", "x & y", "it's", p, 2};
	assert_int_equal(svgchart_render(&b, &c), 0);
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "<b>"));
	assert_non_null(strstr(b.data, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b.data, "Tom &amp; &quot;Jerry&quot;"));
	assert_non_null(strstr(b.data, "A &lt;b&gt;title&lt;/b&gt;"));
	assert_non_null(strstr(b.data, "x &amp; y"));
	assert_non_null(strstr(b.data, "it&#39;s"));
	buf_free(&b);
}

static void test_empty_chart_draws_axes_and_says_no_data(void **state)
{
	(void)state;
	struct buf b = {0};
	struct svgchart c = {SVGCHART_LINE, "e", "Nothing", "Day", "Count", NULL, 0};
	assert_int_equal(svgchart_render(&b, &c), 0);
	assert_non_null(strstr(b.data, ">No data</text>"));
	assert_non_null(strstr(b.data, "<title id=\"e-title\">Nothing</title>"));
	assert_null(strstr(b.data, "<polyline"));
	buf_free(&b);
}

static void test_many_points_keep_every_shape_but_thin_the_labels(void **state)
{
	(void)state;
	struct svgchart_point p[48];
	char labels[48][8];
	for (int i = 0; i < 48; i++) {
		snprintf(labels[i], sizeof(labels[i]), "d%02d", i);
		p[i] = (struct svgchart_point){labels[i], i};
	}
	struct buf b = {0};
	struct svgchart c = {SVGCHART_BAR, "m", "Many", "Day", "Count", p, 48};
	assert_int_equal(svgchart_render(&b, &c), 0);
	assert_int_equal(count(b.data, "<rect "), 48);
	assert_int_equal(count(b.data, ">d00</text>"), 1);
	assert_int_equal(count(b.data, ">d01</text>"), 0); /* every 4th label only */
	assert_int_equal(count(b.data, ">d04</text>"), 1);
	buf_free(&b);
}

static void test_an_id_that_could_break_the_markup_is_refused(void **state)
{
	(void)state;
	struct buf b = {0};
	struct svgchart c = {SVGCHART_BAR, "a\" onload=\"x", "T", "x", "y", week_points, 3};
	assert_int_equal(svgchart_render(&b, &c), -1);
	assert_int_equal(b.len, 0);
	c.id = "";
	assert_int_equal(svgchart_render(&b, &c), -1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_axis_max_is_one_two_or_five_times_a_power_of_ten),
	    cmocka_unit_test(test_bar_chart_has_title_axis_captions_and_one_bar_per_point),
	    cmocka_unit_test(test_line_chart_joins_the_points_in_order),
	    cmocka_unit_test(test_text_is_escaped_everywhere),
	    cmocka_unit_test(test_empty_chart_draws_axes_and_says_no_data),
	    cmocka_unit_test(test_many_points_keep_every_shape_but_thin_the_labels),
	    cmocka_unit_test(test_an_id_that_could_break_the_markup_is_refused),
	};
	return cmocka_run_group_tests_name("svgchart", tests, NULL, NULL);
}
