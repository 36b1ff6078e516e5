/* test_listen_addr.c — a pool's socket value (unix path, IPv4:PORT, [IPv6]:PORT), the
 * web_servers allow-list and the configuration's rules for TCP pools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "listen_addr.h"
#include "listenq.h"

static void test_unix_paths_stay_unix(void **state)
{
	(void)state;
	struct listen_addr la;
	char err[256];
	const char *paths[] = {"/run/ditto/web.sock", "var/run/web.sock", "web.sock",
	                       "/run/odd:name/web.sock", "/run/x:9000"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(listen_addr_parse(paths[i], &la, err, sizeof(err)), 0);
		assert_false(la.tcp);
	}
	assert_int_equal(listen_addr_parse("", &la, err, sizeof(err)), -1);
}

static void test_ipv4_and_port(void **state)
{
	(void)state;
	struct listen_addr la;
	char err[256];
	assert_int_equal(listen_addr_parse("10.0.0.5:9000", &la, err, sizeof(err)), 0);
	assert_true(la.tcp);
	assert_int_equal(la.family, AF_INET);
	assert_int_equal(la.port, 9000);
	assert_string_equal(la.host, "10.0.0.5");
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&la.sa;
	assert_int_equal(ntohs(a4->sin_port), 9000);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x0a000005);
	assert_int_equal(la.salen, sizeof(struct sockaddr_in));
	/* The wildcard only when written. */
	assert_int_equal(listen_addr_parse("0.0.0.0:9000", &la, err, sizeof(err)), 0);
	assert_int_equal(((const struct sockaddr_in *)&la.sa)->sin_addr.s_addr, 0);
}

static void test_ipv6_in_brackets(void **state)
{
	(void)state;
	struct listen_addr la;
	char err[256];
	assert_int_equal(listen_addr_parse("[fd00::5]:9000", &la, err, sizeof(err)), 0);
	assert_true(la.tcp);
	assert_int_equal(la.family, AF_INET6);
	assert_int_equal(la.port, 9000);
	assert_string_equal(la.host, "fd00::5");
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&la.sa;
	struct in6_addr want;
	assert_int_equal(inet_pton(AF_INET6, "fd00::5", &want), 1);
	assert_memory_equal(&a6->sin6_addr, &want, sizeof(want));
	assert_int_equal(ntohs(a6->sin6_port), 9000);
}

static void test_bad_tcp_forms_are_refused(void **state)
{
	(void)state;
	struct listen_addr la;
	char err[256];
	const char *bad[] = {"localhost:9000",  "10.0.0.5:0", "10.0.0.5:65536",
	                     "[::1]9000",       "[::1]:",     "[10.0.0.5]:9000",
	                     "10.0.0.256:9000", "[::1",       "::1:9000"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(listen_addr_parse(bad[i], &la, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "socket"));
	}
	assert_int_equal(listen_addr_parse("localhost:9000", &la, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an IPv4 address"));
}

static struct sockaddr_storage v4(const char *ip)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	a->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, &a->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *ip)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
	a->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
	return ss;
}

static bool allowed(const struct ip_allow *al, struct sockaddr_storage ss)
{
	socklen_t len =
	    ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	return ip_allowed(al, (struct sockaddr *)&ss, len);
}

static void test_allow_list_matches_exact_addresses(void **state)
{
	(void)state;
	struct ip_allow al;
	char err[256];
	assert_int_equal(ip_allow_parse("10.0.0.2, 10.0.0.3 fd00::2", &al, err, sizeof(err)), 0);
	assert_int_equal(al.n, 3);
	assert_true(allowed(&al, v4("10.0.0.2")));
	assert_true(allowed(&al, v4("10.0.0.3")));
	assert_false(allowed(&al, v4("10.0.0.4")));
	assert_false(allowed(&al, v4("127.0.0.1")));
	assert_true(allowed(&al, v6("fd00::2")));
	assert_false(allowed(&al, v6("fd00::3")));
	/* A dual-stack socket sees an IPv4 peer as ::ffff:a.b.c.d: the same address. */
	assert_true(allowed(&al, v6("::ffff:10.0.0.2")));
	assert_false(allowed(&al, v6("::ffff:10.0.0.9")));
	/* A short address length or a unix peer is refused. */
	struct sockaddr_storage ss = v4("10.0.0.2");
	assert_false(ip_allowed(&al, (struct sockaddr *)&ss, 4));
	ss.ss_family = AF_UNIX;
	assert_false(ip_allowed(&al, (struct sockaddr *)&ss, sizeof(ss)));
	/* An empty list allows nobody. */
	assert_int_equal(ip_allow_parse("", &al, err, sizeof(err)), 0);
	assert_int_equal(al.n, 0);
	assert_false(allowed(&al, v4("10.0.0.2")));
}

static void test_allow_list_mapped_entry_is_ipv4(void **state)
{
	(void)state;
	struct ip_allow al;
	char err[256];
	assert_int_equal(ip_allow_parse("::ffff:127.0.0.1", &al, err, sizeof(err)), 0);
	assert_true(allowed(&al, v4("127.0.0.1")));
	assert_false(allowed(&al, v4("127.0.0.2")));
}

static void test_allow_list_refuses_names_and_networks(void **state)
{
	(void)state;
	struct ip_allow al;
	char err[256];
	const char *bad[] = {"web1.example", "10.0.0.0/24", "10.0.0.2,,x", "*"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ip_allow_parse(bad[i], &al, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "web_servers"));
	}
}

static void test_ip_format(void **state)
{
	(void)state;
	char out[64];
	struct sockaddr_storage ss = v4("127.0.0.2");
	ip_format((struct sockaddr *)&ss, sizeof(struct sockaddr_in), out, sizeof(out));
	assert_string_equal(out, "127.0.0.2");
	ss = v6("fd00::7");
	ip_format((struct sockaddr *)&ss, sizeof(struct sockaddr_in6), out, sizeof(out));
	assert_string_equal(out, "fd00::7");
	ss.ss_family = AF_UNIX;
	ip_format((struct sockaddr *)&ss, sizeof(ss), out, sizeof(out));
	assert_string_equal(out, "?");
}

static int load(const char *text, struct config *c, char *err, size_t errlen)
{
	char path[] = "/tmp/ditto-listen-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	int rc = config_load(c, path, err, errlen);
	unlink(path);
	return rc;
}

static void test_config_tcp_pool_needs_web_servers(void **state)
{
	(void)state;
	static struct config c;
	char err[512];
	assert_int_equal(load("[pool.web]\nsocket = 10.0.0.5:9000\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[pool.web]"));
	assert_non_null(strstr(err, "web_servers must list"));
	assert_int_equal(
	    load("[pool.web]\nsocket = 10.0.0.5:9000\nweb_servers = 10.0.0.2, 10.0.0.3\n", &c, err,
	         sizeof(err)),
	    0);
	assert_true(c.web.listen.tcp);
	assert_int_equal(c.web.allow.n, 2);
	assert_false(c.staff.listen.tcp); /* the default unix socket */
}

static void test_config_unix_pool_refuses_web_servers(void **state)
{
	(void)state;
	static struct config c;
	char err[512];
	assert_int_equal(load("[pool.staff]\nsocket = /run/s.sock\nweb_servers = 10.0.0.2\n", &c,
	                      err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "[pool.staff] web_servers applies to a TCP socket"));
	assert_int_equal(
	    load("[pool.web]\nsocket = web1:9000\nweb_servers = 10.0.0.2\n", &c, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not an IPv4 address"));
	assert_int_equal(
	    load("[pool.web]\nsocket = [::1]:9000\nweb_servers = nginx\n", &c, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "'nginx' is not an IP address"));
}

/* A socket bound by listen_tcp_open to exactly 127.0.0.1, with two connections waiting in its
 * accept queue: inet_diag finds it by address and port and reports both. */
static void test_tcp_listen_and_its_queue(void **state)
{
	(void)state;
	struct listen_addr la;
	char err[256];
	assert_int_equal(listen_addr_parse("127.0.0.1:1", &la, err, sizeof(err)), 0);
	/* Port 0 first, to learn a free port from the kernel; then that port for real. */
	((struct sockaddr_in *)&la.sa)->sin_port = 0;
	int fd = listen_tcp_open(&la, 16);
	assert_true(fd >= 0);
	struct sockaddr_in got;
	socklen_t len = sizeof(got);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	assert_int_equal(ntohl(got.sin_addr.s_addr), INADDR_LOOPBACK); /* not the wildcard */
	la.port = ntohs(got.sin_port);
	int c[2];
	for (int i = 0; i < 2; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(c[i], (struct sockaddr *)&got, sizeof(got)), 0);
	}
	long queued = -1, backlog = -1;
	if (listenq_tcp(&la, &queued, &backlog) < 0) {
		/* A sandbox without NETLINK_SOCK_DIAG: the status page says "unknown". */
		for (int i = 0; i < 2; i++)
			close(c[i]);
		close(fd);
		skip();
	}
	assert_int_equal(queued, 2);
	assert_int_equal(backlog, 16);
	/* The same port on another address is not this socket. */
	inet_pton(AF_INET, "127.0.0.3", &((struct sockaddr_in *)&la.sa)->sin_addr);
	assert_int_equal(listenq_tcp(&la, &queued, &backlog), -1);
	for (int i = 0; i < 2; i++)
		close(c[i]);
	close(fd);
}

/* [::1]:PORT binds IPv6 loopback only (IPV6_V6ONLY: no IPv4 through it), and inet_diag finds
 * its queue. Skipped where the kernel has no IPv6. */
static void test_tcp_listen_ipv6(void **state)
{
	(void)state;
	struct listen_addr la;
	char err[256];
	assert_int_equal(listen_addr_parse("[::1]:1", &la, err, sizeof(err)), 0);
	((struct sockaddr_in6 *)&la.sa)->sin6_port = 0;
	int fd = listen_tcp_open(&la, 8);
	if (fd < 0)
		skip();
	struct sockaddr_in6 got;
	socklen_t len = sizeof(got);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	assert_true(IN6_IS_ADDR_LOOPBACK(&got.sin6_addr));
	la.port = ntohs(got.sin6_port);
	int c = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&got, sizeof(got)), 0);
	/* The client's address as the pool sees it is allowed by "::1" and not by "127.0.0.1". */
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int a = accept(fd, (struct sockaddr *)&peer, &plen);
	assert_true(a >= 0);
	struct ip_allow al;
	assert_int_equal(ip_allow_parse("::1", &al, err, sizeof(err)), 0);
	assert_true(ip_allowed(&al, (struct sockaddr *)&peer, plen));
	assert_int_equal(ip_allow_parse("127.0.0.1", &al, err, sizeof(err)), 0);
	assert_false(ip_allowed(&al, (struct sockaddr *)&peer, plen));
	close(a);
	close(c);
	long queued = -1, backlog = -1;
	if (listenq_tcp(&la, &queued, &backlog) == 0) {
		assert_int_equal(queued, 0);
		assert_int_equal(backlog, 8);
	}
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unix_paths_stay_unix),
	    cmocka_unit_test(test_ipv4_and_port),
	    cmocka_unit_test(test_ipv6_in_brackets),
	    cmocka_unit_test(test_bad_tcp_forms_are_refused),
	    cmocka_unit_test(test_allow_list_matches_exact_addresses),
	    cmocka_unit_test(test_allow_list_mapped_entry_is_ipv4),
	    cmocka_unit_test(test_allow_list_refuses_names_and_networks),
	    cmocka_unit_test(test_ip_format),
	    cmocka_unit_test(test_config_tcp_pool_needs_web_servers),
	    cmocka_unit_test(test_config_unix_pool_refuses_web_servers),
	    cmocka_unit_test(test_tcp_listen_and_its_queue),
	    cmocka_unit_test(test_tcp_listen_ipv6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
