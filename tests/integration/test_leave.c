/* test_leave.c — /leave: a link the shop signed opens the notice; a tampered or missing
 * signature is 400 without the link; it never redirects; only http(s) addresses; the traffic
 * log names the exit by its host only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "harness.h"

/* The shop's site key, from the stack's secrets. */
static unsigned char key[crypto_generichash_KEYBYTES];

static void load_key(void)
{
	char path[512], hex[160] = {0};
	snprintf(path, sizeof(path), "%s/secrets/ditto_key", env_state());
	slurp_file(path, hex, sizeof(hex));
	hex[strcspn(hex, "\r\n")] = '\0';
	size_t len;
	if (sodium_hex2bin(key, sizeof(key), hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    len != sizeof(key))
		harness_die("cannot read the site key");
}

/* The exit link's signature as app/leave.c makes it: crypto_auth under the purpose's subkey. */
static void sign(const char *purpose, const char *to, char out[64])
{
	unsigned char sub[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
	crypto_generichash(sub, sizeof(sub), (const unsigned char *)purpose, strlen(purpose), key,
	                   sizeof(key));
	crypto_auth(mac, (const unsigned char *)to, strlen(to), sub);
	sodium_bin2base64(out, 64, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

#define PURPOSE "ditto leave link v1"

/* GET /leave with to and sig (either may be NULL: left out). */
static void leave(const char *to, const char *sig, struct http_resp *r)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "/leave?");
	if (to != NULL)
		n += snprintf(path + n, sizeof(path) - (size_t)n, "to=%s&", urlenc(to));
	if (sig != NULL)
		snprintf(path + n, sizeof(path) - (size_t)n, "sig=%s", sig);
	assert_int_equal(http_get(env_web(), path, r), 0);
	/* Never a redirect, whatever was asked. */
	assert_true(r->status < 300 || r->status >= 400);
	char *loc = http_header_value(r, "Location");
	assert_null(loc);
}

static void test_a_signed_link_shows_the_notice_and_the_link(void **state)
{
	(void)state;
	const char *to = "https://example.org/merch?a=1&b=2";
	char sig[64];
	sign(PURPOSE, to, sig);
	struct http_resp r;
	leave(to, sig, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<a href=\"https://example.org/merch?a=1&amp;b=2\""));
	assert_non_null(strstr(r.body, "Its privacy practices are its own"));
	http_resp_free(&r);
	/* http too, and the privacy page says the same of other sites. */
	sign(PURPOSE, "http://example.net/", sig);
	leave("http://example.net/", sig, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(http_get(env_web(), "/privacy", &r), 0);
	assert_non_null(strstr(r.body, "Other sites' privacy practices are their own"));
	http_resp_free(&r);
}

static void test_a_tampered_or_missing_signature_is_400_without_the_link(void **state)
{
	(void)state;
	const char *to = "https://example.org/page";
	char sig[64], other[64];
	sign(PURPOSE, to, sig);
	sign(PURPOSE, "https://evil.example/page", other);
	char bad[64];
	memcpy(bad, sig, sizeof(bad));
	bad[5] = bad[5] == 'A' ? 'B' : 'A';
	char wrong_purpose[64];
	sign("login-ticket", to, wrong_purpose); /* throttle.c's purpose */
	const char *sigs[] = {bad, NULL, "", other, wrong_purpose, "%00", sig};
	const char *tos[] = {to, to, to, to, to, to, "https://evil.example/page"};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct http_resp r;
		leave(tos[i], sigs[i], &r);
		assert_int_equal(r.status, 400);
		assert_null(strstr(r.body, "example.org"));
		assert_null(strstr(r.body, "evil.example"));
		http_resp_free(&r);
	}
	struct http_resp r;
	leave(NULL, sig, &r); /* no address at all */
	assert_int_equal(r.status, 400);
	http_resp_free(&r);
}

static void test_javascript_data_and_relative_addresses_are_refused_even_signed(void **state)
{
	(void)state;
	const char *tos[] = {"javascript:alert(1)",
	                     "JavaScript:alert(document.cookie)",
	                     "data:text/html,<script>alert(1)</script>",
	                     "//evil.example/",
	                     "/account",
	                     "ftp://example.org/",
	                     "https://user:pw@example.org/",
	                     "https://example.org/a b",
	                     "https:///nohost"};
	for (size_t i = 0; i < sizeof(tos) / sizeof(tos[0]); i++) {
		char sig[64];
		sign(PURPOSE, tos[i], sig);
		struct http_resp r;
		leave(tos[i], sig, &r);
		assert_int_equal(r.status, 400);
		assert_null(strstr(r.body, "alert("));
		assert_null(strstr(r.body, "evil.example"));
		assert_null(strstr(r.body, "example.org"));
		http_resp_free(&r);
	}
}

/* The traffic log counts the exit by the host alone: the route is /leave/HOST (lower case, no
 * port, path or query); a refused link logs the plain route. */
static void test_the_traffic_log_names_only_the_exits_host(void **state)
{
	(void)state;
	char to[256], host[128], sig[64], needle[200];
	snprintf(host, sizeof(host), "shop-%d.example.org", (int)getpid());
	snprintf(to, sizeof(to), "https://Shop-%d.Example.ORG:8443/merch/%d?secret=q%d#top",
	         (int)getpid(), (int)getpid(), (int)getpid());
	sign(PURPOSE, to, sig);
	struct http_resp r;
	leave(to, sig, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	sign(PURPOSE, "http://[2001:db8::1]/x", sig);
	leave("http://[2001:db8::1]/x", sig, &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	sleep(1); /* nginx writes each line when its request ends; let the last one land */
	char path[512];
	snprintf(path, sizeof(path), "%s/log/traffic.log", env_state());
	char *text = slurp_all(path);
	snprintf(needle, sizeof(needle), "\"GET /leave/%s\" 200 ", host);
	assert_non_null(strstr(text, needle));
	assert_non_null(strstr(text, "\"GET /leave/other-host\" 200 "));
	snprintf(needle, sizeof(needle), "secret=q%d", (int)getpid());
	assert_null(strstr(text, needle));
	snprintf(needle, sizeof(needle), "/merch/%d", (int)getpid());
	assert_null(strstr(text, needle));
	assert_null(strstr(text, "2001:db8::1]"));
	free(text);
}

int main(void)
{
	harness_require_stack();
	if (sodium_init() < 0)
		return 1;
	load_key();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_signed_link_shows_the_notice_and_the_link),
	    cmocka_unit_test(test_a_tampered_or_missing_signature_is_400_without_the_link),
	    cmocka_unit_test(test_javascript_data_and_relative_addresses_are_refused_even_signed),
	    cmocka_unit_test(test_the_traffic_log_names_only_the_exits_host),
	};
	return cmocka_run_group_tests_name("leave", tests, NULL, NULL);
}
