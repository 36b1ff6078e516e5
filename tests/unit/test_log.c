/* test_log.c — a log record is one line whatever a message holds: every control character
 * (C0, DEL, C1) and the backslash are escaped, escapes are never cut in half. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Logs msg (through "%s") with stderr sent to a file; returns what was written (static). */
static const char *logged(const char *msg)
{
	static char out[4096];
	char path[] = "/tmp/test_log.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	log_init("unit", LOG_LVL_INFO);
	log_msg(LOG_LVL_INFO, "%s", msg);
	dup2(saved, STDERR_FILENO);
	close(saved);
	ssize_t n = pread(fd, out, sizeof(out) - 1, 0);
	out[n < 0 ? 0 : n] = '\0';
	close(fd);
	unlink(path);
	return out;
}

/* The message part of a record (after "info: "). */
static const char *message_of(const char *record)
{
	const char *p = strstr(record, "info: ");
	assert_non_null(p);
	return p + 6;
}

static void test_every_control_character_is_escaped(void **state)
{
	(void)state;
	for (int c = 1; c < 0x20; c++) {
		char msg[8], want[16];
		snprintf(msg, sizeof(msg), "a%cb", c);
		snprintf(want, sizeof(want), "a\\x%02xb\n", c);
		assert_string_equal(message_of(logged(msg)), want);
	}
	assert_string_equal(message_of(logged("a\x7f"
	                                      "b")),
	                    "a\\x7fb\n");
}

static void test_c1_controls_and_backslash_are_escaped(void **state)
{
	(void)state;
	/* NEL (U+0085) and CSI (U+009B) as UTF-8; an é (U+00E9) stays as it is. */
	assert_string_equal(message_of(logged("x\xc2\x85y\xc2\x9bz\xc3\xa9")),
	                    "x\\xc2\\x85y\\xc2\\x9bz\xc3\xa9\n");
	assert_string_equal(message_of(logged("C:\\x1b")), "C:\\x5cx1b\n");
}

static void test_forged_record_stays_on_one_line(void **state)
{
	(void)state;
	const char *rec = logged("GET /x\r\n2026-01-01T00:00:00Z web[1] error: forged\x1b[2J");
	assert_int_equal(strchr(rec, '\n') - rec, (long)strlen(rec) - 1);
	assert_null(strchr(rec, '\r'));
	assert_null(strchr(rec, '\x1b'));
}

static void test_escape_is_never_cut_in_half(void **state)
{
	(void)state;
	char out[6];
	/* "ab" fits, the 4-byte escape of ESC would not: it is left out whole. */
	assert_int_equal(log_escape(out, sizeof(out), "ab\x1b", 3), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(log_escape(out, sizeof(out),
	                            "\x1b"
	                            "c",
	                            2),
	                 5);
	assert_string_equal(out, "\\x1bc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_control_character_is_escaped),
	    cmocka_unit_test(test_c1_controls_and_backslash_are_escaped),
	    cmocka_unit_test(test_forged_record_stays_on_one_line),
	    cmocka_unit_test(test_escape_is_never_cut_in_half),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
