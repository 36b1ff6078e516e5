/* test_form.c — unit tests for the urlencoded, cookie and UTF-8 checks in app/form.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "form.h"

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* Parses a NUL-terminated urlencoded string with the default limits. */
static int parse(void **state, const char *s, struct kvlist *out)
{
	return form_parse_urlencoded(*state, s, strlen(s), &FORM_LIMITS_DEFAULT, out);
}

static int parse_cookies(void **state, const char *s, struct kvlist *out)
{
	return form_parse_cookies(*state, s, strlen(s), &FORM_LIMITS_DEFAULT, out);
}

/* Asserts that s is refused and out is left empty. */
static void assert_rejected(void **state, const char *s)
{
	struct kvlist l = {(struct kv *)1, 99};
	assert_int_equal(parse(state, s, &l), -1);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
}

static void assert_cookies_rejected(void **state, const char *s)
{
	struct kvlist l = {(struct kv *)1, 99};
	assert_int_equal(parse_cookies(state, s, &l), -1);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
}

static void test_pairs_parsed_in_order(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=1&bb=two&c=", &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[0].val, "1");
	assert_string_equal(l.items[1].key, "bb");
	assert_string_equal(l.items[1].val, "two");
	assert_int_equal(l.items[1].val_len, 3);
	assert_string_equal(l.items[2].key, "c");
	assert_string_equal(l.items[2].val, "");
	assert_int_equal(l.items[2].val_len, 0);
}

static void test_empty_input_gives_no_pairs(void **state)
{
	struct kvlist l = {(struct kv *)1, 99};
	assert_int_equal(form_parse_urlencoded(*state, NULL, 0, &FORM_LIMITS_DEFAULT, &l), 0);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse(state, "&&&", &l), 0);
	assert_int_equal(l.n, 0);
}

static void test_empty_segments_skipped(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "&a=1&&b=2&", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "2");
}

static void test_key_without_equals_has_empty_value(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "flag&x=1", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "flag");
	assert_string_equal(l.items[0].val, "");
	assert_int_equal(l.items[0].val_len, 0);
}

static void test_value_may_contain_equals(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "q=a=b", &l), 0);
	assert_string_equal(kv_get(&l, "q"), "a=b");
}

static void test_plus_decodes_to_space(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "first+name=Ada+Lovelace", &l), 0);
	assert_string_equal(kv_get(&l, "first name"), "Ada Lovelace");
}

static void test_percent_escapes_decoded_in_key_and_value(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a%5Bb%5d=%26%3D%2B%25", &l), 0);
	assert_string_equal(l.items[0].key, "a[b]");
	assert_string_equal(l.items[0].val, "&=+%");
	assert_int_equal(l.items[0].val_len, 4);
}

static void test_utf8_value_decoded(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "city=Z%C3%BCrich", &l), 0);
	assert_string_equal(kv_get(&l, "city"), "Z\xc3\xbcrich");
}

static void test_crlf_kept_as_sent(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "note=a%0D%0Ab%0Ac%09d", &l), 0);
	assert_string_equal(kv_get(&l, "note"), "a\r\nb\nc\td");
}

static void test_bad_percent_encoding_rejected(void **state)
{
	assert_rejected(state, "a=%zz");
	assert_rejected(state, "a=%4");
	assert_rejected(state, "a=%");
	assert_rejected(state, "a=%g0");
	assert_rejected(state, "a%2=1");
	assert_rejected(state, "ok=1&b=100%");
}

static void test_decoded_nul_rejected(void **state)
{
	assert_rejected(state, "a=x%00y");
	assert_rejected(state, "a%00b=1");
}

static void test_raw_nul_rejected(void **state)
{
	struct kvlist l = {(struct kv *)1, 99};
	static const char s[] = "a=x\0y";
	assert_int_equal(form_parse_urlencoded(*state, s, sizeof(s) - 1, &FORM_LIMITS_DEFAULT, &l),
	                 -1);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
}

static void test_input_need_not_be_nul_terminated(void **state)
{
	struct kvlist l;
	static const char s[] = "a=1&b=2xyz";
	assert_int_equal(form_parse_urlencoded(*state, s, 7, &FORM_LIMITS_DEFAULT, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "b"), "2");
}

static void test_control_char_rejected(void **state)
{
	assert_rejected(state, "a=%01");
	assert_rejected(state, "a=%7F");
	assert_rejected(state, "a=\x1b");
}

static void test_invalid_utf8_rejected(void **state)
{
	assert_rejected(state, "a=%C3");          /* truncated sequence */
	assert_rejected(state, "a=%80");          /* lone continuation byte */
	assert_rejected(state, "a=%C0%AF");       /* overlong '/' */
	assert_rejected(state, "a=%E0%80%AF");    /* overlong, 3 bytes */
	assert_rejected(state, "a=%ED%A0%80");    /* surrogate U+D800 */
	assert_rejected(state, "a=%F4%90%80%80"); /* U+110000 */
	assert_rejected(state, "a=%FF");
	assert_rejected(state, "%FE=1");
}

static void test_empty_key_rejected(void **state)
{
	assert_rejected(state, "=1");
	assert_rejected(state, "a=1&=2");
}

static void test_duplicate_key_rejected(void **state)
{
	assert_rejected(state, "a=1&a=2");
	assert_rejected(state, "a=1&%61=2"); /* same key after decoding */
}

static void test_repeated_array_key_kept_in_order(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "tag[]=red&size=m&tag%5B%5D=blue&tag[]=", &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.items[0].key, "tag[]");
	assert_string_equal(l.items[0].val, "red");
	assert_string_equal(l.items[2].key, "tag[]");
	assert_string_equal(l.items[2].val, "blue");
	assert_string_equal(l.items[3].val, "");
	assert_string_equal(kv_get(&l, "tag[]"), "red");
}

static void test_overlong_key_rejected(void **state)
{
	struct form_limits lim = {.max_fields = 8, .max_key = 3, .max_value = 16};
	struct kvlist l;
	assert_int_equal(form_parse_urlencoded(*state, "abc=1", 5, &lim, &l), 0);
	assert_int_equal(form_parse_urlencoded(*state, "abcd=1", 6, &lim, &l), -1);
	assert_null(l.items);
}

static void test_overlong_value_rejected(void **state)
{
	struct form_limits lim = {.max_fields = 8, .max_key = 8, .max_value = 3};
	struct kvlist l;
	/* The limit applies to the decoded value: "%41%42%43" is three bytes. */
	assert_int_equal(form_parse_urlencoded(*state, "a=%41%42%43", 11, &lim, &l), 0);
	assert_string_equal(kv_get(&l, "a"), "ABC");
	assert_int_equal(form_parse_urlencoded(*state, "a=abcd", 6, &lim, &l), -1);
	assert_null(l.items);
}

static void test_too_many_fields_rejected(void **state)
{
	struct form_limits lim = {.max_fields = 2, .max_key = 8, .max_value = 8};
	struct kvlist l;
	assert_int_equal(form_parse_urlencoded(*state, "a=1&&b=2&", 9, &lim, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(form_parse_urlencoded(*state, "a=1&b=2&c=3", 11, &lim, &l), -1);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
}

static void test_default_limits(void **state)
{
	(void)state;
	assert_int_equal(FORM_LIMITS_DEFAULT.max_fields, 256);
	assert_int_equal(FORM_LIMITS_DEFAULT.max_key, 64);
	assert_int_equal(FORM_LIMITS_DEFAULT.max_value, 8192);
}

static void test_kv_get_missing_key_is_null(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=1", &l), 0);
	assert_null(kv_get(&l, "b"));
	assert_null(kv_get(&l, "A"));
	struct kvlist empty = {NULL, 0};
	assert_null(kv_get(&empty, "a"));
}

static void test_cookies_parsed_and_trimmed(void **state)
{
	struct kvlist l;
	assert_int_equal(parse_cookies(state, " sid=abc;\tlang=de ;theme=dark\t", &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].key, "sid");
	assert_string_equal(l.items[0].val, "abc");
	assert_string_equal(l.items[1].key, "lang");
	assert_string_equal(l.items[1].val, "de");
	assert_string_equal(l.items[2].key, "theme");
	assert_string_equal(l.items[2].val, "dark");
	assert_int_equal(l.items[2].val_len, 4);
}

static void test_cookie_value_not_percent_decoded(void **state)
{
	struct kvlist l;
	assert_int_equal(parse_cookies(state, "a=x%20y+z%zz; b=c=d", &l), 0);
	assert_string_equal(kv_get(&l, "a"), "x%20y+z%zz");
	assert_string_equal(kv_get(&l, "b"), "c=d");
}

static void test_cookie_quotes_stripped(void **state)
{
	struct kvlist l;
	assert_int_equal(parse_cookies(state, "a=\"quoted\"; b=\"\"; c=\"", &l), 0);
	assert_string_equal(kv_get(&l, "a"), "quoted");
	assert_int_equal(l.items[0].val_len, 6);
	assert_string_equal(kv_get(&l, "b"), "");
	assert_string_equal(kv_get(&l, "c"), "\""); /* a lone quote is just a byte */
}

static void test_cookie_empty_header_gives_no_pairs(void **state)
{
	struct kvlist l = {(struct kv *)1, 99};
	assert_int_equal(form_parse_cookies(*state, NULL, 0, &FORM_LIMITS_DEFAULT, &l), 0);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse_cookies(state, " ;\t; ", &l), 0);
	assert_int_equal(l.n, 0);
}

static void test_cookie_first_duplicate_wins(void **state)
{
	struct kvlist l;
	assert_int_equal(parse_cookies(state, "sid=specific; x=1; sid=general", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "sid"), "specific");
	assert_string_equal(l.items[1].key, "x");
}

static void test_cookie_control_char_rejected(void **state)
{
	assert_cookies_rejected(state, "a=1\x01; b=2");
	assert_cookies_rejected(state, "a=1; b=\x7f");
	assert_cookies_rejected(state, "a\r\n=1");
	assert_cookies_rejected(state, "a=x\ty"); /* tabs only count as blanks at the edges */
	struct kvlist l = {(struct kv *)1, 99};
	static const char s[] = "a=1\0";
	assert_int_equal(form_parse_cookies(*state, s, sizeof(s) - 1, &FORM_LIMITS_DEFAULT, &l),
	                 -1);
	assert_null(l.items);
}

static void test_cookie_missing_equals_rejected(void **state)
{
	assert_cookies_rejected(state, "a=1; flag");
}

static void test_cookie_empty_name_rejected(void **state)
{
	assert_cookies_rejected(state, "=1");
	assert_cookies_rejected(state, "a=1;  =2");
}

static void test_cookie_limits_enforced(void **state)
{
	struct form_limits lim = {.max_fields = 2, .max_key = 3, .max_value = 4};
	struct kvlist l;
	/* A dropped duplicate does not use up a field. */
	assert_int_equal(form_parse_cookies(*state, "a=1; a=2; b=\"abcd\"", 18, &lim, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(form_parse_cookies(*state, "a=1; b=2; c=3", 13, &lim, &l), -1);
	assert_int_equal(form_parse_cookies(*state, "abcd=1", 6, &lim, &l), -1);
	assert_int_equal(form_parse_cookies(*state, "a=abcde", 7, &lim, &l), -1);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
}

static void test_text_ok_accepts_valid_utf8(void **state)
{
	(void)state;
	assert_true(form_text_ok("", 0));
	assert_true(form_text_ok("plain\t\r\n", 8));
	assert_true(form_text_ok("\xc2\x80", 2));         /* U+0080, smallest 2-byte */
	assert_true(form_text_ok("\xe0\xa0\x80", 3));     /* U+0800, smallest 3-byte */
	assert_true(form_text_ok("\xed\x9f\xbf", 3));     /* U+D7FF, just below surrogates */
	assert_true(form_text_ok("\xee\x80\x80", 3));     /* U+E000, just above surrogates */
	assert_true(form_text_ok("\xef\xbf\xbd", 3));     /* U+FFFD */
	assert_true(form_text_ok("\xf0\x90\x80\x80", 4)); /* U+10000 */
	assert_true(form_text_ok("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
}

static void test_text_ok_rejects_controls_and_bad_utf8(void **state)
{
	(void)state;
	assert_false(form_text_ok("a\0b", 3));
	assert_false(form_text_ok("\x1f", 1));
	assert_false(form_text_ok("\x7f", 1));
	assert_false(form_text_ok("\xc1\xbf", 2));         /* overlong */
	assert_false(form_text_ok("\xe0\x9f\xbf", 3));     /* overlong */
	assert_false(form_text_ok("\xf0\x8f\xbf\xbf", 4)); /* overlong */
	assert_false(form_text_ok("\xed\xa0\x80", 3));     /* U+D800 */
	assert_false(form_text_ok("\xed\xbf\xbf", 3));     /* U+DFFF */
	assert_false(form_text_ok("\xf4\x90\x80\x80", 4)); /* U+110000 */
	assert_false(form_text_ok("\xf5\x80\x80\x80", 4));
	assert_false(form_text_ok("\xe2\x82", 2));     /* truncated */
	assert_false(form_text_ok("\xe2\x28\xa1", 3)); /* bad continuation */
	/* The length bounds the check: a valid prefix of a longer buffer passes. */
	assert_true(form_text_ok("ok\xff", 2));
}

/* Each test gets a fresh arena in *state. */
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_pairs_parsed_in_order),
	    TEST(test_empty_input_gives_no_pairs),
	    TEST(test_empty_segments_skipped),
	    TEST(test_key_without_equals_has_empty_value),
	    TEST(test_value_may_contain_equals),
	    TEST(test_plus_decodes_to_space),
	    TEST(test_percent_escapes_decoded_in_key_and_value),
	    TEST(test_utf8_value_decoded),
	    TEST(test_crlf_kept_as_sent),
	    TEST(test_bad_percent_encoding_rejected),
	    TEST(test_decoded_nul_rejected),
	    TEST(test_raw_nul_rejected),
	    TEST(test_input_need_not_be_nul_terminated),
	    TEST(test_control_char_rejected),
	    TEST(test_invalid_utf8_rejected),
	    TEST(test_empty_key_rejected),
	    TEST(test_duplicate_key_rejected),
	    TEST(test_repeated_array_key_kept_in_order),
	    TEST(test_overlong_key_rejected),
	    TEST(test_overlong_value_rejected),
	    TEST(test_too_many_fields_rejected),
	    TEST(test_default_limits),
	    TEST(test_kv_get_missing_key_is_null),
	    TEST(test_cookies_parsed_and_trimmed),
	    TEST(test_cookie_value_not_percent_decoded),
	    TEST(test_cookie_quotes_stripped),
	    TEST(test_cookie_empty_header_gives_no_pairs),
	    TEST(test_cookie_first_duplicate_wins),
	    TEST(test_cookie_control_char_rejected),
	    TEST(test_cookie_missing_equals_rejected),
	    TEST(test_cookie_empty_name_rejected),
	    TEST(test_cookie_limits_enforced),
	    TEST(test_text_ok_accepts_valid_utf8),
	    TEST(test_text_ok_rejects_controls_and_bad_utf8),
	};
	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
