/* test_tcp.c — a pool listening on TCP (socket = 127.0.0.1:PORT, web_servers = 127.0.0.1):
 * nginx in front of it serves pages over an upstream; a client from another address (the
 * socket bound to 127.0.0.2; Linux routes all of 127/8 to lo) is closed without an answer and
 * logged; a TCP pool without web_servers fails --check. The pool is an extra web pool started
 * here from a copy of the stack's configuration, beside the stack's own pools; its log is the
 * stack's log/tcp-web.log, where scripts/test looks for sanitizer reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char dir[512];      /* this test's files, under the stack's state directory */
static char conf[600];     /* the TCP pool's configuration */
static unsigned pool_port; /* where it listens */
static unsigned web_port;  /* the test's nginx */
static pid_t pool_pid = -1, nginx_pid = -1;

/* A port of 127.0.0.1 free just now (the kernel's choice for port 0). */
static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		harness_die("no free port: %s", strerror(errno));
	close(fd);
	return ntohs(a.sin_port);
}

/*
 * Writes the stack's ditto.conf to out with [pool.web]'s socket replaced by the TCP address,
 * web_servers added (unless allow is NULL) and its pid file (and so its scoreboard) moved into
 * this test's directory.
 */
static void write_tcp_conf(const char *out, const char *allow, unsigned port)
{
	char in[600];
	snprintf(in, sizeof(in), "%s/ditto.conf", env_state());
	FILE *f = fopen(in, "r"), *o = fopen(out, "w");
	if (f == NULL || o == NULL)
		harness_die("cannot copy %s to %s", in, out);
	char line[1024];
	bool web = false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '[')
			web = strncmp(line, "[pool.web]", 10) == 0;
		if (web && strncmp(line, "socket ", 7) == 0) {
			fprintf(o, "socket = 127.0.0.1:%u\n", port);
			if (allow != NULL)
				fprintf(o, "web_servers = %s\n", allow);
		} else if (web && strncmp(line, "web_servers", 11) == 0)
			continue; /* a cluster's pool has its own: only allow counts */
		else if (web && strncmp(line, "pid_file", 8) == 0)
			fprintf(o, "pid_file = %s/web.pid\n", dir);
		else if (web && strncmp(line, "workers", 7) == 0)
			fputs("workers = 2\n", o);
		else
			fputs(line, o);
	}
	fclose(f);
	fclose(o);
}

/* Starts argv with stdout and stderr appended to log; returns its pid. */
static pid_t spawn(const char *log, char *const argv[])
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0 || chdir(env_repo()) != 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		harness_die("fork: %s", strerror(errno));
	return pid;
}

/* A connection to 127.0.0.1:port from address from (NULL: the kernel's choice); -1 if none. */
static int connect_from(const char *from, unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (from != NULL) {
		struct sockaddr_in b = {.sin_family = AF_INET};
		inet_pton(AF_INET, from, &b.sin_addr);
		if (bind(fd, (struct sockaddr *)&b, sizeof(b)) != 0) {
			close(fd);
			return -1;
		}
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool pool_listens(void *arg)
{
	(void)arg;
	int fd = connect_from(NULL, pool_port);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static bool nginx_answers(void *arg)
{
	(void)arg;
	char base[64];
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", web_port);
	struct http_resp r;
	int rc = http_get(base, "/healthz", &r);
	bool ok = rc == 0 && r.status == 200;
	http_resp_free(&r); /* allocated even when the request failed */
	return ok;
}

/*
 * Sends GET /healthz as a web server would, from address from; returns the bytes the pool
 * sent back before it closed (0: closed without a byte), or -1 when the connection failed.
 */
static long fcgi_healthz_from(const char *from, char *got, size_t cap)
{
	unsigned char req[512];
	size_t n = fcgi_healthz_request(req);
	int fd = connect_from(from, pool_port);
	if (fd < 0)
		return -1;
	/* A write may fail when the pool closed first: what was read back is the answer. */
	ssize_t w = write(fd, req, n);
	(void)w;
	struct timeval tv = {.tv_sec = 10}; /* neither answering nor closing fails the test */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t total = 0;
	ssize_t r;
	while (total < cap - 1 && (r = read(fd, got + total, cap - 1 - total)) > 0)
		total += (size_t)r;
	bool timed_out = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	close(fd);
	got[total] = '\0';
	return timed_out ? -2 : (long)total;
}

static long lines_in(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	char line[2048];
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/tcp-test", env_state());
	sh("rm -rf '%s' && mkdir -p '%s/tmp'", dir, dir);
	pool_port = free_port();
	web_port = free_port();
	snprintf(conf, sizeof(conf), "%s/ditto.conf", dir);
	write_tcp_conf(conf, "127.0.0.1", pool_port);
	char fcgi[600], log[600];
	snprintf(fcgi, sizeof(fcgi), "%s/ditto-fcgi", getenv("BUILD"));
	snprintf(log, sizeof(log), "%s/log/tcp-web.log", env_state());
	pool_pid = spawn(log, (char *const[]){fcgi, "--config", conf, "--pool", "web", NULL});
	if (!eventually(pool_listens, NULL, 20000))
		harness_die("the TCP pool does not listen on 127.0.0.1:%u (see %s)", pool_port,
		            log);
	/* nginx in front of it, through deploy/nginx-ditto-upstream.conf (its upstream
	 * ditto_web) with its app hosts replaced by this pool. */
	char src[600], up[600], line[1024];
	snprintf(src, sizeof(src), "%s/deploy/nginx-ditto-upstream.conf", env_repo());
	snprintf(up, sizeof(up), "%s/upstream.conf", dir);
	FILE *in = fopen(src, "r"), *out = fopen(up, "w");
	if (in == NULL || out == NULL)
		harness_die("cannot copy %s to %s", src, up);
	/* Each upstream's first server becomes this pool, its others go. */
	int servers = 0, in_block = 0;
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strncmp(line, "upstream ", 9) == 0)
			in_block = 0;
		if (strncmp(line, "    server ", 11) != 0)
			fputs(line, out);
		else if (in_block++ == 0) {
			fprintf(out, "    server 127.0.0.1:%u max_fails=3 fail_timeout=10s;\n",
			        pool_port);
			servers++;
		}
	}
	fclose(in);
	fclose(out);
	if (servers == 0)
		harness_die("no server line in %s", src);
	char nconf[600];
	snprintf(nconf, sizeof(nconf), "%s/nginx.conf", dir);
	FILE *f = fopen(nconf, "w");
	if (f == NULL)
		harness_die("cannot write %s", nconf);
	fprintf(f,
	        "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx.log;\n"
	        "events { worker_connections 64; }\n"
	        "http {\n  access_log off;\n  client_body_temp_path %s/tmp;\n"
	        "  fastcgi_temp_path %s/tmp;\n  proxy_temp_path %s/tmp;\n"
	        "  include %s;\n"
	        "  server {\n    listen 127.0.0.1:%u;\n    location / {\n"
	        "      include %s/deploy/nginx-ditto-fastcgi.conf;\n"
	        "      fastcgi_pass ditto_web;\n    }\n  }\n}\n",
	        dir, dir, dir, dir, dir, up, web_port, env_repo());
	fclose(f);
	snprintf(log, sizeof(log), "%s/nginx.out", dir);
	nginx_pid = spawn(log, (char *const[]){"/usr/sbin/nginx", "-c", nconf, "-p", dir, NULL});
	if (!eventually(nginx_answers, NULL, 20000))
		harness_die("the test's nginx does not answer on port %u (see %s)", web_port, dir);
	return 0;
}

static void stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	int st;
	waitpid(*pid, &st, 0);
	*pid = -1;
}

static int teardown(void **state)
{
	(void)state;
	stop(&nginx_pid);
	stop(&pool_pid);
	return 0;
}

/* Pages come through nginx from the TCP pool, not from the stack's own pools. */
static void test_nginx_serves_pages_over_tcp(void **s)
{
	(void)s;
	char base[64];
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", web_port);
	struct http_resp r;
	assert_int_equal(http_get(base, "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(http_get(base, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<html"));
	http_resp_free(&r);
	/* The test's nginx reaches no unix socket: with the TCP pool stopped it fails. */
	stop(&pool_pid);
	assert_int_equal(http_get(base, "/healthz", &r), 0);
	assert_int_equal(r.status, 502);
	http_resp_free(&r);
	char fcgi[600], log[600];
	snprintf(fcgi, sizeof(fcgi), "%s/ditto-fcgi", getenv("BUILD"));
	snprintf(log, sizeof(log), "%s/log/tcp-web.log", env_state());
	pool_pid = spawn(log, (char *const[]){fcgi, "--config", conf, "--pool", "web", NULL});
	assert_true(eventually(pool_listens, NULL, 20000));
}

/* The control for the refusal below: this client, from 127.0.0.1, gets an answer. */
static void test_listed_address_is_served(void **s)
{
	(void)s;
	char got[4096];
	long n = fcgi_healthz_from("127.0.0.1", got, sizeof(got));
	assert_true(n > 8);
	assert_int_equal(got[1], 6); /* FCGI_STDOUT */
	assert_non_null(memmem(got, (size_t)n, "Status: 200", 11));
}

/* A listed peer that connects and hangs up without a whole request (a port check, a
 * half-sent record) costs a worker nothing: the same workers serve on. */
static void test_empty_connections_keep_the_workers(void **s)
{
	(void)s;
	pid_t before[8], after[8];
	int nb = pool_worker_pids(pool_pid, before, 8);
	assert_true(nb >= 1);
	for (int i = 0; i < 6; i++) {
		int fd = connect_from("127.0.0.1", pool_port);
		assert_true(fd >= 0);
		if (i % 2 == 1) {
			static const unsigned char half[5] = {1, 1, 0, 1, 0};
			ssize_t w = write(fd, half, sizeof(half));
			(void)w;
		}
		close(fd);
	}
	char got[4096];
	for (int i = 0; i < 4; i++) {
		long n = fcgi_healthz_from("127.0.0.1", got, sizeof(got));
		assert_true(n > 8);
		assert_non_null(memmem(got, (size_t)n, "Status: 200", 11));
	}
	int na = pool_worker_pids(pool_pid, after, 8);
	assert_int_equal(na, nb);
	for (int i = 0; i < nb; i++) {
		bool found = false;
		for (int j = 0; j < na; j++)
			found |= before[i] == after[j];
		assert_true(found);
	}
}

/* From 127.0.0.2 the connection is accepted by the kernel, then closed by the pool without a
 * byte of answer, and the pool logs the address. It goes on serving the listed address. */
static void test_other_address_is_closed_and_logged(void **s)
{
	(void)s;
	char log[600];
	snprintf(log, sizeof(log), "%s/log/tcp-web.log", env_state());
	const char *needle = "refused a connection from 127.0.0.2: not in web_servers";
	long before = lines_in(log, needle);
	char got[4096];
	long n = fcgi_healthz_from("127.0.0.2", got, sizeof(got));
	assert_int_equal(n, 0);
	assert_int_equal(lines_in(log, needle), before + 1);
	/* More refusals within the log's interval are counted, not each logged. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(fcgi_healthz_from("127.0.0.2", got, sizeof(got)), 0);
	assert_true(lines_in(log, needle) <= before + 3); /* at most one line per worker (2) */
	n = fcgi_healthz_from("127.0.0.1", got, sizeof(got));
	assert_true(n > 8);
	assert_non_null(memmem(got, (size_t)n, "Status: 200", 11));
}

static bool served_from_2(void *arg)
{
	(void)arg;
	char got[4096];
	long n = fcgi_healthz_from("127.0.0.2", got, sizeof(got));
	return n > 8 && memmem(got, (size_t)n, "Status: 200", 11) != NULL;
}

static bool refused_from_2(void *arg)
{
	(void)arg;
	char got[4096];
	return fcgi_healthz_from("127.0.0.2", got, sizeof(got)) == 0;
}

/* SIGHUP takes a new web_servers (the new workers check it) but keeps the listening address:
 * a changed socket is logged and needs a restart. */
static void test_reload_takes_the_list_and_keeps_the_address(void **s)
{
	(void)s;
	write_tcp_conf(conf, "127.0.0.1, 127.0.0.2", pool_port);
	assert_int_equal(kill(pool_pid, SIGHUP), 0);
	assert_true(eventually(served_from_2, NULL, 20000));
	/* Another port in the file: still on the old one, and the new one is not opened. */
	unsigned other = free_port();
	write_tcp_conf(conf, "127.0.0.1", other);
	char log[600];
	snprintf(log, sizeof(log), "%s/log/tcp-web.log", env_state());
	const char *kept = "socket change needs a restart; keeping 127.0.0.1:";
	long before = lines_in(log, kept);
	assert_int_equal(kill(pool_pid, SIGHUP), 0);
	assert_true(eventually(refused_from_2, NULL, 20000)); /* the reload happened */
	assert_int_equal(lines_in(log, kept), before + 1);
	assert_true(pool_listens(NULL));
	int fd = connect_from(NULL, other);
	assert_int_equal(fd, -1);
	/* Back to the file the other tests expect. */
	write_tcp_conf(conf, "127.0.0.1", pool_port);
	assert_int_equal(kill(pool_pid, SIGHUP), 0);
}

/* A TCP pool without web_servers does not start: --check names the missing key. */
static void test_tcp_without_web_servers_is_refused(void **s)
{
	(void)s;
	char bad[600], out[600];
	snprintf(bad, sizeof(bad), "%s/no-web-servers.conf", dir);
	snprintf(out, sizeof(out), "%s/check.out", dir);
	write_tcp_conf(bad, NULL, pool_port);
	int rc = sh("cd '%s' && '%s/ditto-fcgi' --config '%s' --pool web --check >'%s' 2>&1",
	            env_repo(), getenv("BUILD"), bad, out);
	assert_int_not_equal(rc, 0);
	assert_int_equal(lines_in(out, "web_servers must list"), 1);
	/* The same configuration with web_servers passes the same check. */
	rc = sh("cd '%s' && '%s/ditto-fcgi' --config '%s' --pool web --check >'%s' 2>&1",
	        env_repo(), getenv("BUILD"), conf, out);
	assert_int_equal(rc, 0);
}

int main(void)
{
	harness_require_stack();
	if (getenv("BUILD") == NULL) {
		fprintf(stderr, "test_tcp: needs BUILD (the build directory); skipped\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nginx_serves_pages_over_tcp),
	    cmocka_unit_test(test_listed_address_is_served),
	    cmocka_unit_test(test_empty_connections_keep_the_workers),
	    cmocka_unit_test(test_other_address_is_closed_and_logged),
	    cmocka_unit_test(test_reload_takes_the_list_and_keeps_the_address),
	    cmocka_unit_test(test_tcp_without_web_servers_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
