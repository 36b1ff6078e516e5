/* test_throttle.c — the network a client address counts under, and the login form's ticket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../app/arena.h"
#include "../../app/session.h"
#include "../../app/throttle.h"

static void test_ipv4_counts_alone(void **state)
{
	(void)state;
	char out[64];
	throttle_network("192.0.2.17", out, sizeof(out));
	assert_string_equal(out, "192.0.2.17");
}

static void test_ipv6_counts_by_its_64(void **state)
{
	(void)state;
	char a[64], b[64];
	throttle_network("2001:db8:1:2:aaaa:bbbb:cccc:dddd", a, sizeof(a));
	throttle_network("2001:0db8:0001:0002::1", b, sizeof(b));
	assert_string_equal(a, "2001:db8:1:2::/64");
	assert_string_equal(a, b);
	throttle_network("2001:db8:1:3::1", b, sizeof(b));
	assert_string_not_equal(a, b);
}

static void test_garbage_is_no_network(void **state)
{
	(void)state;
	char out[64];
	throttle_network("not an address", out, sizeof(out));
	assert_string_equal(out, "");
	throttle_network(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_ticket_ripens_and_cannot_be_forged(void **state)
{
	(void)state;
	char path[] = "/tmp/ditto-throttle-key.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char hex[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
	assert_int_equal(write(fd, hex, strlen(hex)), (int)strlen(hex));
	close(fd);
	assert_int_equal(session_key_load(path), 0);
	unlink(path);
	struct arena *a = arena_new();
	struct request req = {.arena = a};
	const char *t = throttle_ticket(&req);
	long long now = (long long)time(NULL);
	assert_false(throttle_ticket_ripe(t, now));
	assert_true(throttle_ticket_ripe(t, now + THROTTLE_TICKET_WAIT));
	assert_false(throttle_ticket_ripe(t, now + THROTTLE_TICKET_LIFE + 1));
	/* Another time under the same MAC is refused. */
	char forged[256];
	snprintf(forged, sizeof(forged), "%lld%s", now - 60, strchr(t, '.'));
	assert_false(throttle_ticket_ripe(forged, now));
	assert_false(throttle_ticket_ripe("", now));
	assert_false(throttle_ticket_ripe(NULL, now));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_counts_alone),
	    cmocka_unit_test(test_ipv6_counts_by_its_64),
	    cmocka_unit_test(test_garbage_is_no_network),
	    cmocka_unit_test(test_ticket_ripens_and_cannot_be_forged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
