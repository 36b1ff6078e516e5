/* test_textdiff.c — the line diff of /privacy/{a}/changes/{b}: golden diffs of small texts, and
 * the bound that keeps two huge texts cheap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../app/arena.h"
#include "../../app/textdiff.h"

/* The diff of old and new as one string: "=line", "-line", "+line" joined by '|'. */
static const char *diff_str(struct arena *a, const char *old, const char *new)
{
	struct diff_line *d;
	size_t n;
	text_diff(a, old, new, &d, &n);
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%c%s", i ? "|" : "",
		           d[i].op == DIFF_SAME    ? '='
		           : d[i].op == DIFF_ADDED ? '+'
		                                   : '-',
		           d[i].text);
	const char *s = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

static void test_changed_line_in_the_middle_is_removed_then_added(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(diff_str(a, "one\ntwo\nfour\n", "one\nthree\nfour\n"),
	                    "=one|-two|+three|=four");
	arena_free(a);
}

static void test_insertions_and_deletions_keep_the_common_lines(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(diff_str(a, "a\nb\nc\nd", "a\nx\nb\nd\ny"), "=a|+x|=b|-c|=d|+y");
	assert_string_equal(diff_str(a, "", "new\n"), "+new");
	assert_string_equal(diff_str(a, "old\n", ""), "-old");
	assert_string_equal(diff_str(a, "", ""), "");
	assert_string_equal(diff_str(a, "same\n", "same\n"), "=same");
	/* An empty line is a line; a final line break adds none. */
	assert_string_equal(diff_str(a, "p1\n\np2\n", "p1\n\np2\n\np3"), "=p1|=|=p2|+|+p3");
	arena_free(a);
}

/* Every old line once as same or removed, every new line once as same or added, in order. */
static void test_diff_accounts_for_every_line_of_both_texts(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *old = "a\nb\nc\na\nb\nb\na\n", *new = "c\nb\na\nb\na\nc\n";
	struct diff_line *d;
	size_t n;
	text_diff(a, old, new, &d, &n);
	struct buf o = {0}, w = {0};
	size_t same = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i].op != DIFF_ADDED)
			buf_printf(&o, "%s\n", d[i].text);
		if (d[i].op != DIFF_REMOVED)
			buf_printf(&w, "%s\n", d[i].text);
		same += d[i].op == DIFF_SAME;
	}
	assert_string_equal(o.data, old);
	assert_string_equal(w.data, new);
	assert_int_equal(same, 4); /* the longest common subsequence of the two has 4 lines */
	buf_free(&o);
	buf_free(&w);
	arena_free(a);
}

/* Two texts past the bound: the middle is all removed then all added, still true. */
static void test_huge_texts_stay_bounded_and_true(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct buf o = {0}, w = {0};
	buf_puts(&o, "head\n");
	buf_puts(&w, "head\n");
	for (int i = 0; i < 1200; i++) {
		buf_printf(&o, "old %d\n", i);
		buf_printf(&w, "new %d\n", i);
	}
	buf_puts(&o, "tail\n");
	buf_puts(&w, "tail\n");
	struct diff_line *d;
	size_t n;
	text_diff(a, o.data, w.data, &d, &n);
	assert_int_equal(n, 2 + 2400);
	assert_int_equal(d[0].op, DIFF_SAME);
	assert_int_equal(d[1].op, DIFF_REMOVED);
	assert_int_equal(d[1200].op, DIFF_REMOVED);
	assert_int_equal(d[1201].op, DIFF_ADDED);
	assert_int_equal(d[n - 1].op, DIFF_SAME);
	buf_free(&o);
	buf_free(&w);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_changed_line_in_the_middle_is_removed_then_added),
	    cmocka_unit_test(test_insertions_and_deletions_keep_the_common_lines),
	    cmocka_unit_test(test_diff_accounts_for_every_line_of_both_texts),
	    cmocka_unit_test(test_huge_texts_stay_bounded_and_true),
	};
	return cmocka_run_group_tests_name("textdiff", tests, NULL, NULL);
}
