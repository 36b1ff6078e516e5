/* test_traffic_line.c — the traffic-log line parser takes exactly nginx's ditto_traffic format
 * and refuses the rest; the user-agent classifier names browsers, platforms and devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "traffic_line.h"
#include "user_agent.h"

#define VISIT   "0123456789abcdef0123456789abcdef"
#define FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

static int parse(const char *line, struct traffic_line *l)
{
	return traffic_line_parse(line, strlen(line), l);
}

static void test_a_well_formed_line_gives_every_field(void **state)
{
	(void)state;
	struct traffic_line l;
	assert_int_equal(parse("2026-11-30T16:51:36+01:00 203.0.113.7 \"GET /orders/{id}\" 200 "
	                       "1234 0.004 \"https://Search.Example:8443\" \"" FIREFOX "\" " VISIT,
	                       &l),
	                 0);
	assert_int_equal(l.when, 1796053896); /* 15:51:36 UTC */
	assert_string_equal(l.addr, "203.0.113.7");
	assert_int_equal(l.family, AF_INET);
	assert_string_equal(l.method, "GET");
	assert_string_equal(l.page, "/orders/{id}");
	assert_int_equal(l.status, 200);
	assert_int_equal(l.bytes, 1234);
	assert_int_equal(l.msec, 4);
	assert_int_equal(l.ref, TRAFFIC_REF_OTHER);
	assert_string_equal(l.origin, "https://search.example:8443");
	assert_string_equal(l.ua, FIREFOX);
	assert_string_equal(l.visit, VISIT);
	char host[64];
	traffic_origin_host(l.origin, host, sizeof(host));
	assert_string_equal(host, "search.example");
}

static void test_ipv6_same_site_and_empty_user_agent(void **state)
{
	(void)state;
	struct traffic_line l;
	assert_int_equal(parse("2026-11-30T00:00:00+00:00 2001:DB8::1 \"POST /cart\" 303 0 12.345 "
	                       "\"=\" \"-\" " VISIT,
	                       &l),
	                 0);
	assert_string_equal(l.addr, "2001:db8::1");
	assert_int_equal(l.family, AF_INET6);
	assert_int_equal(l.ref, TRAFFIC_REF_SELF);
	assert_string_equal(l.ua, "");
	assert_int_equal(l.msec, 12345);
}

static void test_nginx_escapes_are_decoded_and_checked(void **state)
{
	(void)state;
	struct traffic_line l;
	/* "é" as nginx writes it, and an escaped quote: fine. */
	assert_int_equal(parse("2026-11-30T00:00:00+00:00 10.0.0.1 \"GET -\" 404 0 0.000 \"-\" "
	                       "\"caf\\xC3\\xA9 \\x22q\\x22\" " VISIT,
	                       &l),
	                 0);
	assert_string_equal(l.ua, "caf\xc3\xa9 \"q\"");
	/* An escaped control character, invalid UTF-8 or a C1 control: refused. */
	const char *bad[] = {"\\x1B[2J", "\\xC3(", "\\xC2\\x85", "\\xED\\xA0\\x80", "\\xG1", "\\"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[256];
		snprintf(line, sizeof(line),
		         "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET -\" 404 0 0.000 \"-\" "
		         "\"a%sb\" " VISIT,
		         bad[i]);
		assert_int_equal(parse(line, &l), -1);
	}
}

static void test_malformed_and_hostile_lines_are_refused(void **state)
{
	(void)state;
	struct traffic_line l;
	const char *bad[] = {
	    "",
	    "garbage",
	    /* raw bytes nginx never writes: a control character, a raw quote, raw UTF-8 */
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"a\tb\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"a\"b\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"caf\xc3\xa9\" " VISIT,
	    /* a query string, a referrer with a path, a bad origin */
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /verify?token=abc\" 200 1 0.001 \"-\" "
	    "\"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"https://a.example/p?q=1\" "
	    "\"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"https://u:p@a.example\" "
	    "\"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"javascript:x\" "
	    "\"x\" " VISIT,
	    /* bad address, time, method, status, request time, visit id, trailing junk */
	    "2026-11-30T00:00:00+00:00 10.0.0.999 \"GET /\" 200 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 ::ffff:zz \"GET /\" 200 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-02-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-11-30 00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"get /\" 200 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 700 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 1 \"-\" \"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"x\" 0123",
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"x\" " VISIT " x",
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"x\" "
	    "0123456789ABCDEF0123456789ABCDEF",
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET\" 200 1 0.001 \"-\" \"x\" " VISIT,
	    "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET orders\" 200 1 0.001 \"-\" \"x\" " VISIT,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &l) != -1)
			fail_msg("accepted line %zu: %s", i, bad[i]);
	}
}

static void test_a_very_long_line_is_refused_without_overrun(void **state)
{
	(void)state;
	struct traffic_line l;
	size_t n = 100000;
	char *line = malloc(n + 1);
	assert_non_null(line);
	int head =
	    snprintf(line, n, "2026-11-30T00:00:00+00:00 10.0.0.1 \"GET /\" 200 1 0.001 \"-\" \"");
	memset(line + head, 'A', n - (size_t)head);
	line[n] = '\0';
	assert_int_equal(traffic_line_parse(line, n, &l), -1);
	/* A user agent over TRAFFIC_UA_MAX inside a line under TRAFFIC_LINE_MAX: refused too. */
	assert_int_equal(traffic_line_parse(line, TRAFFIC_LINE_MAX - 10, &l), -1);
	free(line);
}

static void test_user_agents_are_classified(void **state)
{
	(void)state;
	static const struct {
		const char *ua, *browser, *platform, *device;
	} cases[] = {
	    {FIREFOX, "Firefox", "Linux", "desktop"},
	    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
	     "Edge", "Windows", "desktop"},
	    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
	     "Gecko) Version/18.1 Safari/605.1.15",
	     "Safari", "macOS", "desktop"},
	    {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
	     "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	     "Safari", "iOS", "mobile"},
	    {"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
	     "Gecko) "
	     "CriOS/131.0 Mobile/15E148 Safari/604.1",
	     "Chrome", "iOS", "tablet"},
	    {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
	     "Chrome/131.0.0.0 Mobile Safari/537.36",
	     "Chrome", "Android", "mobile"},
	    {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
	     "SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
	     "Samsung Internet", "Android", "tablet"},
	    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot",
	     "Other", "bot"},
	    {"curl/7.88.1", "Bot", "Other", "bot"},
	    {"", "Other", "Other", "unknown"},
	    {"something else", "Other", "Other", "desktop"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ua_info u = ua_classify(cases[i].ua, strlen(cases[i].ua));
		assert_string_equal(u.browser, cases[i].browser);
		assert_string_equal(u.platform, cases[i].platform);
		assert_string_equal(u.device, cases[i].device);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_well_formed_line_gives_every_field),
	    cmocka_unit_test(test_ipv6_same_site_and_empty_user_agent),
	    cmocka_unit_test(test_nginx_escapes_are_decoded_and_checked),
	    cmocka_unit_test(test_malformed_and_hostile_lines_are_refused),
	    cmocka_unit_test(test_a_very_long_line_is_refused_without_overrun),
	    cmocka_unit_test(test_user_agents_are_classified),
	};
	return cmocka_run_group_tests_name("traffic_line", tests, NULL, NULL);
}
