/* test_csv.c — the CSV reader takes RFC 4180 and refuses the rest; the writer quotes what must
 * be quoted and never lets a spreadsheet run a field as a formula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "csv.h"

/* Writes s as one field and returns it (static storage). */
static const char *written(const char *s)
{
	static char out[256];
	struct buf b = {0};
	csv_write_field(&b, s);
	buf_append(&b, "", 0);
	snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

/* Reads one record of the whole of s. */
static int read_one(const char *s, struct csv_record *r, size_t *pos, int *line)
{
	*pos = 0;
	*line = 1;
	return csv_read_record(s, strlen(s), pos, line, r);
}

static void test_plain_fields_are_written_as_they_are(void **state)
{
	(void)state;
	assert_string_equal(written("Main Street 1"), "Main Street 1");
	assert_string_equal(written(""), "");
}

static void test_commas_quotes_and_line_breaks_are_quoted(void **state)
{
	(void)state;
	assert_string_equal(written("a,b"), "\"a,b\"");
	assert_string_equal(written("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(written("two\nlines"), "\"two\nlines\"");
	assert_string_equal(written("crlf\r\nhere"), "\"crlf\r\nhere\"");
}

static void test_formula_prefixes_get_a_quote_so_no_spreadsheet_runs_them(void **state)
{
	(void)state;
	assert_string_equal(written("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_string_equal(written("+1"), "'+1");
	assert_string_equal(written("-1"), "'-1");
	assert_string_equal(written("@SUM(A1)"), "'@SUM(A1)");
	assert_string_equal(written("\tx"), "'\tx");
	assert_string_equal(written("\rx"), "\"'\rx\"");
	/* Only at the start: inside a field they are plain characters. */
	assert_string_equal(written("a=b"), "a=b");
}

static void test_written_fields_read_back_as_they_were(void **state)
{
	(void)state;
	static const char *const texts[] = {"plain", "a,b", "say \"hi\"", "two\nlines", ""};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct csv_record r;
		size_t pos;
		int line;
		char rec[128];
		snprintf(rec, sizeof(rec), "%s,x\r\n", written(texts[i]));
		assert_int_equal(read_one(rec, &r, &pos, &line), 0);
		assert_int_equal(r.nfields, 2);
		assert_string_equal(r.field[0], texts[i]);
		assert_string_equal(r.field[1], "x");
		assert_int_equal(pos, strlen(rec));
	}
}

static void test_records_end_in_crlf_lf_or_the_end_of_input(void **state)
{
	(void)state;
	const char *s = "a,b\r\nc,d\ne,f";
	size_t pos = 0;
	int line = 1;
	struct csv_record r;
	assert_int_equal(csv_read_record(s, strlen(s), &pos, &line, &r), 0);
	assert_string_equal(r.field[1], "b");
	assert_int_equal(line, 2);
	assert_int_equal(csv_read_record(s, strlen(s), &pos, &line, &r), 0);
	assert_string_equal(r.field[0], "c");
	assert_int_equal(line, 3);
	assert_int_equal(csv_read_record(s, strlen(s), &pos, &line, &r), 0);
	assert_string_equal(r.field[1], "f");
	assert_int_equal(line, 3);
	assert_int_equal(csv_read_record(s, strlen(s), &pos, &line, &r), 1);
}

static void test_quoted_fields_keep_quotes_and_line_breaks_and_count_lines(void **state)
{
	(void)state;
	struct csv_record r;
	size_t pos;
	int line;
	assert_int_equal(read_one("\"a \"\"b\"\"\",\"x\r\ny\"\r\n", &r, &pos, &line), 0);
	assert_true(r.quoted);
	assert_string_equal(r.field[0], "a \"b\"");
	assert_string_equal(r.field[1], "x\r\ny");
	assert_int_equal(line, 3);
}

static void test_empty_fields_and_blank_lines(void **state)
{
	(void)state;
	struct csv_record r;
	size_t pos;
	int line;
	assert_int_equal(read_one(",,\n", &r, &pos, &line), 0);
	assert_int_equal(r.nfields, 3);
	assert_string_equal(r.field[0], "");
	assert_string_equal(r.field[2], "");
	assert_int_equal(read_one("\n", &r, &pos, &line), 0);
	assert_int_equal(r.nfields, 1);
	assert_false(r.quoted);
	assert_int_equal(read_one("\"\"\n", &r, &pos, &line), 0);
	assert_true(r.quoted);
	assert_string_equal(r.field[0], "");
}

static void test_malformed_records_are_refused_and_the_position_kept(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "\"unterminated", /* no closing quote */
	    "\"a\nb",         /* no closing quote, over a line */
	    "ab\"c,d\n",      /* a quote inside an unquoted field */
	    "\"a\"b,c\n",     /* text after the closing quote */
	    "a,b\rc\n",       /* a lone CR */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct csv_record r;
		size_t pos;
		int line;
		assert_int_equal(read_one(bad[i], &r, &pos, &line), -1);
		assert_int_equal(pos, 0);
		assert_int_equal(line, 1);
	}
}

static void test_overlong_records_are_cut_and_counted_never_overflowed(void **state)
{
	(void)state;
	char s[4096];
	size_t n = 0;
	memset(s, 'x', 1000);
	n = 1000;
	for (int i = 0; i < 50; i++)
		s[n++] = ',';
	s[n++] = '\n';
	s[n] = '\0';
	struct csv_record r;
	size_t pos;
	int line;
	assert_int_equal(read_one(s, &r, &pos, &line), 0);
	assert_int_equal(r.nfields, 51);
	assert_int_equal(strlen(r.field[0]), CSV_FIELD_MAX);
	assert_int_equal(pos, n);
}

static void test_end_of_input_is_reported(void **state)
{
	(void)state;
	struct csv_record r;
	size_t pos;
	int line;
	assert_int_equal(read_one("", &r, &pos, &line), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_fields_are_written_as_they_are),
	    cmocka_unit_test(test_commas_quotes_and_line_breaks_are_quoted),
	    cmocka_unit_test(test_formula_prefixes_get_a_quote_so_no_spreadsheet_runs_them),
	    cmocka_unit_test(test_written_fields_read_back_as_they_were),
	    cmocka_unit_test(test_records_end_in_crlf_lf_or_the_end_of_input),
	    cmocka_unit_test(test_quoted_fields_keep_quotes_and_line_breaks_and_count_lines),
	    cmocka_unit_test(test_empty_fields_and_blank_lines),
	    cmocka_unit_test(test_malformed_records_are_refused_and_the_position_kept),
	    cmocka_unit_test(test_overlong_records_are_cut_and_counted_never_overflowed),
	    cmocka_unit_test(test_end_of_input_is_reported),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
