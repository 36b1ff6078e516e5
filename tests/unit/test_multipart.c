/* test_multipart.c — unit tests for the strict multipart/form-data parser (app/multipart.c):
 * what browsers and curl send is read, everything else is refused with nothing kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "multipart.h"

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryAbc123"
#define B  "----WebKitFormBoundaryAbc123" /* the boundary: each delimiter is "--" B */

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

static int parse_len(void **state, const char *ct, const char *body, size_t len,
                     struct kvlist *form, struct uploads *files)
{
	return multipart_parse(*state, ct, body, len, &FORM_LIMITS_DEFAULT, form, files);
}

static int parse(void **state, const char *body, struct kvlist *form, struct uploads *files)
{
	return parse_len(state, CT, body, strlen(body), form, files);
}

/* Asserts that body is refused and both lists are left empty. */
static void assert_refused(void **state, const char *ct, const char *body)
{
	struct kvlist form = {(struct kv *)1, 99};
	struct uploads files = {(struct upload *)1, 99};
	assert_int_equal(parse_len(state, ct, body, strlen(body), &form, &files), -1);
	assert_int_equal(form.n, 0);
	assert_null(form.items);
	assert_int_equal(files.n, 0);
	assert_null(files.items);
}

static void test_browser_form_with_file_is_read(void **state)
{
	/* A file holding a NUL byte and a CRLF that is not followed by the boundary. */
	static const char body[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	    "tok123\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\n"
	    "Content-Type: image/jpeg\r\n\r\n"
	    "\xff\xd8\x00\r\n--not-it\r\nend\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"alt\"\r\n\r\n"
	    "Caf\xc3\xa9 mug\r\n"
	    "--" B "--\r\n";
	struct kvlist form;
	struct uploads files;
	assert_int_equal(parse_len(state, CT, body, sizeof(body) - 1, &form, &files), 0);
	assert_int_equal(form.n, 2);
	assert_string_equal(kv_get(&form, "csrf"), "tok123");
	assert_string_equal(kv_get(&form, "alt"), "Caf\xc3\xa9 mug");
	assert_int_equal(files.n, 1);
	const struct upload *u = uploads_get(&files, "image");
	assert_non_null(u);
	assert_string_equal(u->filename, "photo.jpg");
	assert_string_equal(u->content_type, "image/jpeg");
	assert_int_equal(u->len, 18);
	assert_memory_equal(u->data, "\xff\xd8\x00\r\n--not-it\r\nend", 18);
	assert_null(uploads_get(&files, "csrf"));
}

static void test_quoted_boundary_and_empty_file_input(void **state)
{
	/* curl quotes nothing, some clients quote the boundary; an unchosen file input sends an
	 * empty filename and no bytes, which is no file at all. */
	const char *ct = "multipart/form-data; boundary=\"xyz\"";
	const char *body = "--xyz\r\n"
	                   "Content-Disposition: form-data; name=\"image\"; filename=\"\"\r\n"
	                   "Content-Type: application/octet-stream\r\n\r\n"
	                   "\r\n"
	                   "--xyz--";
	struct kvlist form;
	struct uploads files;
	assert_int_equal(parse_len(state, ct, body, strlen(body), &form, &files), 0);
	assert_int_equal(form.n, 0);
	assert_int_equal(files.n, 0);
}

static void test_boundary_from_content_type(void **state)
{
	assert_string_equal(multipart_boundary(*state, "multipart/form-data; boundary=abc"), "abc");
	assert_string_equal(multipart_boundary(*state, "Multipart/Form-Data;boundary=\"a'b\""),
	                    "a'b");
	assert_null(multipart_boundary(*state, "application/x-www-form-urlencoded"));
	assert_null(multipart_boundary(*state, "multipart/form-data"));
	assert_null(multipart_boundary(*state, "multipart/form-data; boundary="));
	assert_null(multipart_boundary(*state, "multipart/form-data; boundary=\"abc"));
	assert_null(multipart_boundary(*state, "multipart/form-data; boundary=a b"));
	assert_null(multipart_boundary(*state, "multipart/form-data; boundary=abc; charset=x"));
	assert_null(multipart_boundary(*state, "multipart/mixed; boundary=abc"));
	char long_b[128] = "multipart/form-data; boundary=";
	memset(long_b + strlen(long_b), 'a', 71);
	assert_null(multipart_boundary(*state, long_b));
}

static void test_malformed_bodies_are_refused(void **state)
{
	const char *part = "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
	char buf[1024];
	/* A preamble before the first boundary. */
	snprintf(buf, sizeof(buf), "hello\r\n--" B "\r\n%s--" B "--", part);
	assert_refused(state, CT, buf);
	/* No closing boundary. */
	snprintf(buf, sizeof(buf), "--" B "\r\n%s", part);
	assert_refused(state, CT, buf);
	/* Something after the closing boundary. */
	snprintf(buf, sizeof(buf), "--" B "\r\n%s--" B "--\r\nepilogue", part);
	assert_refused(state, CT, buf);
	/* Bare LF line ends. */
	assert_refused(state, CT,
	               "--" B "\nContent-Disposition: form-data; name=\"a\"\n\n1\n--" B "--");
	/* No Content-Disposition, or not form-data, or no name. */
	assert_refused(state, CT, "--" B "\r\nContent-Type: text/plain\r\n\r\n1\r\n--" B "--");
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--" B
	               "--");
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n1\r\n--" B
	               "--");
	/* An unquoted name, a backslash in it, an empty one. */
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" B "--");
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=\"a\\\"b\"\r\n\r\n1\r\n--" B
	               "--");
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--" B
	               "--");
	/* Another header, or one given twice. */
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Other: 1\r\n\r\n"
	               "1\r\n--" B "--");
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n"
	               "Content-Disposition: form-data; name=\"b\"\r\n\r\n1\r\n--" B "--");
	/* A header block that never ends. */
	assert_refused(state, CT, "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n");
	/* The wrong boundary; a body for a content type that is not multipart. */
	assert_refused(state, CT,
	               "--other\r\n"
	               "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
	               "1\r\n--other--");
	assert_refused(state, "application/x-www-form-urlencoded", "a=1");
	/* Empty. */
	assert_refused(state, CT, "");
}

static void test_text_fields_follow_the_form_rules(void **state)
{
	/* A text value with a NUL, invalid UTF-8 or a control character; a name given twice. */
	static const char nul[] = "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	                          "x\0y\r\n--" B "--";
	struct kvlist form;
	struct uploads files;
	assert_int_equal(parse_len(state, CT, nul, sizeof(nul) - 1, &form, &files), -1);
	assert_refused(
	    state, CT,
	    "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc3\x28\r\n--" B "--");
	assert_refused(
	    state, CT,
	    "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\x1b[2J\r\n--" B "--");
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	               "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--" B
	               "--");
	/* A file and a text field of the same name. */
	assert_refused(state, CT,
	               "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	               "--" B
	               "\r\nContent-Disposition: form-data; name=\"a\"; filename=\"f\"\r\n\r\n"
	               "2\r\n--" B "--");
	/* "[]" names may repeat, as in urlencoded forms. */
	assert_int_equal(
	    parse(state,
	          "--" B "\r\nContent-Disposition: form-data; name=\"c[]\"\r\n\r\n1\r\n"
	          "--" B "\r\nContent-Disposition: form-data; name=\"c[]\"\r\n\r\n2\r\n"
	          "--" B "--",
	          &form, &files),
	    0);
	assert_int_equal(form.n, 2);
}

static void test_limits_are_enforced(void **state)
{
	/* A text value longer than the limit (8 KiB). */
	static char big[12000];
	size_t n = (size_t)snprintf(
	    big, sizeof(big), "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n");
	memset(big + n, 'x', 8193);
	n += 8193;
	snprintf(big + n, sizeof(big) - n, "\r\n--" B "--");
	assert_refused(state, CT, big);
	/* More files than MULTIPART_MAX_FILES. */
	char many[4096] = "";
	for (int i = 0; i <= MULTIPART_MAX_FILES; i++) {
		size_t len = strlen(many);
		snprintf(many + len, sizeof(many) - len,
		         "--" B
		         "\r\nContent-Disposition: form-data; name=\"f%d\"; filename=\"x\"\r\n\r\n"
		         "1\r\n",
		         i);
	}
	strcat(many, "--" B "--");
	assert_refused(state, CT, many);
	/* A header block over 1 KiB. */
	char longh[2048];
	n = (size_t)snprintf(longh, sizeof(longh),
	                     "--" B "\r\nContent-Disposition: form-data; name=\"a\"; filename=\"");
	memset(longh + n, 'f', 1100);
	n += 1100;
	snprintf(longh + n, sizeof(longh) - n, "\"\r\n\r\n1\r\n--" B "--");
	assert_refused(state, CT, longh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_browser_form_with_file_is_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quoted_boundary_and_empty_file_input, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_boundary_from_content_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_bodies_are_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_fields_follow_the_form_rules, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_limits_are_enforced, setup, teardown),
	};
	return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
