/* test_unsubscribe.c — the signed unsubscribe tokens: they round-trip, expire, and any change,
 * truncation or other key makes them worthless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unsubscribe.h"

/* Writes a key file of 64 hex digits (all digit d) and loads it. */
static void load_key(char d)
{
	char path[] = "/tmp/test-unsub-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char hex[66];
	memset(hex, d, 64);
	hex[64] = '\n';
	assert_int_equal(write(fd, hex, 65), 65);
	close(fd);
	assert_int_equal(unsub_key_load(path), 0);
	unlink(path);
}

static void test_no_token_without_a_key(void **state)
{
	(void)state;
	char out[UNSUB_TOKEN_MAX];
	const struct unsub_token t = {42, 0, 2000000000};
	assert_null(unsub_token_make(&t, out, sizeof(out)));
	struct unsub_token got;
	assert_int_equal(unsub_token_check("AAAA", 0, &got), UNSUB_BAD);
	assert_int_equal(unsub_key_load("/nonexistent/key"), -1);
}

static void test_token_round_trips_customer_category_and_expiry(void **state)
{
	(void)state;
	load_key('a');
	char out[UNSUB_TOKEN_MAX];
	const struct unsub_token t = {4294967295LL, 7, 2000000000};
	assert_non_null(unsub_token_make(&t, out, sizeof(out)));
	/* URL-safe as it is: no character a query string would need to encode. */
	assert_int_equal(strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                             "0123456789-_"),
	                 strlen(out));
	struct unsub_token got = {0};
	assert_int_equal(unsub_token_check(out, 1999999999, &got), UNSUB_OK);
	assert_int_equal(got.customer_id, 4294967295LL);
	assert_int_equal(got.category_id, 7);
	assert_int_equal(got.expires, 2000000000);
}

static void test_expired_token_is_recognised_as_expired(void **state)
{
	(void)state;
	load_key('a');
	char out[UNSUB_TOKEN_MAX];
	const struct unsub_token t = {5, 0, 1000};
	assert_non_null(unsub_token_make(&t, out, sizeof(out)));
	struct unsub_token got;
	assert_int_equal(unsub_token_check(out, 1001, &got), UNSUB_EXPIRED);
	assert_int_equal(unsub_token_check(out, 1000, &got), UNSUB_OK);
}

static void test_changed_cut_or_foreign_token_is_refused(void **state)
{
	(void)state;
	load_key('a');
	char out[UNSUB_TOKEN_MAX], bad[UNSUB_TOKEN_MAX];
	const struct unsub_token t = {5, 3, 2000000000};
	assert_non_null(unsub_token_make(&t, out, sizeof(out)));
	struct unsub_token got;
	size_t len = strlen(out);
	/* Every character but the last (whose low bits base64 leaves unused) is covered. */
	for (size_t i = 0; i + 1 < len; i++) {
		memcpy(bad, out, len + 1);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_equal(unsub_token_check(bad, 0, &got), UNSUB_BAD);
	}
	for (size_t cut = 0; cut < len; cut++) {
		snprintf(bad, sizeof(bad), "%.*s", (int)cut, out);
		assert_int_equal(unsub_token_check(bad, 0, &got), UNSUB_BAD);
	}
	assert_int_equal(unsub_token_check(NULL, 0, &got), UNSUB_BAD);
	assert_int_equal(unsub_token_check("not a token!", 0, &got), UNSUB_BAD);
	char longer[200];
	snprintf(longer, sizeof(longer), "%s%s", out, out);
	assert_int_equal(unsub_token_check(longer, 0, &got), UNSUB_BAD);
	/* Another site key: the same token means nothing. */
	load_key('b');
	assert_int_equal(unsub_token_check(out, 0, &got), UNSUB_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_token_without_a_key),
	    cmocka_unit_test(test_token_round_trips_customer_category_and_expiry),
	    cmocka_unit_test(test_expired_token_is_recognised_as_expired),
	    cmocka_unit_test(test_changed_cut_or_foreign_token_is_refused),
	};
	return cmocka_run_group_tests_name("unsubscribe", tests, NULL, NULL);
}
