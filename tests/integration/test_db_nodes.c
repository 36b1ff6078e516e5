/* test_db_nodes.c — db_hosts against the running stack: the web pool, configured with a list of
 * database nodes, serves through the first node that answers, moves to the next when its node
 * goes away (a socat proxy in front of the one MariaDB, killed mid-run), and moves back once the
 * node is there again (db_failback_seconds = 1 here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define WEB_WORKERS 4 /* scripts/stack's web pool */

static long status_of(const char *path)
{
	struct http_resp r;
	http_get(env_web(), path, &r);
	long s = r.status;
	http_resp_free(&r);
	return s;
}

/* Lines of the web pool's log matching the fixed string s. */
static int log_count(const char *s)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "grep -c -F -- '%s' '%s/log/web.log'", s, env_state());
	FILE *p = popen(cmd, "r");
	int n = 0;
	assert_non_null(p);
	if (fscanf(p, "%d", &n) != 1)
		n = 0;
	pclose(p);
	return n;
}

/* Restarts the pools with db_hosts (and a failback of 1 s) added to the configuration. */
static void pools_with_hosts(const char *hosts)
{
	const char *d = env_state();
	assert_int_equal(sh("cp '%s/ditto.conf' '%s/ditto.conf.nodes' && sed -i "
	                    "'1i db_hosts = %s\\ndb_failback_seconds = 1' '%s/ditto.conf'",
	                    d, d, hosts, d),
	                 0);
	assert_int_equal(sh("scripts/stack pools-stop '%s' >/dev/null && "
	                    "scripts/stack pools-start '%s' >/dev/null",
	                    d, d),
	                 0);
}

static void pools_as_before(void)
{
	const char *d = env_state();
	assert_int_equal(sh("mv '%s/ditto.conf.nodes' '%s/ditto.conf' && "
	                    "scripts/stack pools-stop '%s' >/dev/null && "
	                    "scripts/stack pools-start '%s' >/dev/null",
	                    d, d, d, d),
	                 0);
}

/* socat forwards run/dbproxy.sock to MariaDB's socket, in a process group of its own (each
 * connection is a forked child: killing the group cuts every open connection). */
static void proxy_start(void)
{
	const char *d = env_state();
	assert_int_equal(sh("rm -f '%s/run/dbproxy.sock' && setsid socat "
	                    "UNIX-LISTEN:'%s/run/dbproxy.sock',fork,mode=666 "
	                    "UNIX-CONNECT:'%s/run/mysqld.sock' </dev/null >/dev/null 2>&1 & "
	                    "echo $! > '%s/run/dbproxy.pid'; "
	                    "for i in $(seq 50); do test -S '%s/run/dbproxy.sock' && exit 0; "
	                    "sleep 0.1; done; exit 1",
	                    d, d, d, d, d),
	                 0);
}

static void proxy_kill(void)
{
	const char *d = env_state();
	assert_int_equal(sh("kill -9 -$(cat '%s/run/dbproxy.pid') && rm -f "
	                    "'%s/run/dbproxy.pid' '%s/run/dbproxy.sock'",
	                    d, d, d),
	                 0);
}

#define ONE_HOST_NODES                                                                             \
	"it drives app host 1's node list through a proxy and reads app host 1's log, while "      \
	"nginx spreads its requests over both app hosts; the cluster suite's fault test kills a "  \
	"real node"

static void test_dead_first_node_is_passed_over(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_NODES);
	char hosts[600];
	snprintf(hosts, sizeof(hosts), "%s/run/no-such-node.sock, %s/run/mysqld.sock", env_state(),
	         env_state());
	int before = log_count("no-such-node.sock) unavailable");
	pools_with_hosts(hosts);
	for (int i = 0; i < 20; i++)
		assert_int_equal(status_of("/"), 200);
	assert_int_equal(status_of("/healthz"), 200);
	/* Each worker tried the dead node first, and said so. */
	assert_true(log_count("no-such-node.sock) unavailable") > before);
	pools_as_before();
}

struct back {
	int on_first; /* "now on node 1" lines before */
};

static bool moved_back(void *arg)
{
	struct back *b = arg;
	/* Requests make the workers look for their preferred node between requests. */
	if (status_of("/") != 200)
		return false;
	return log_count("db: now on node 1 (") > b->on_first;
}

static void test_node_lost_mid_run_moves_on_and_back(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_NODES);
	char hosts[600];
	snprintf(hosts, sizeof(hosts), "%s/run/dbproxy.sock, %s/run/mysqld.sock", env_state(),
	         env_state());
	proxy_start();
	pools_with_hosts(hosts);
	int moved_before = log_count("db: now on node 2 (");
	for (int i = 0; i < 10; i++)
		assert_int_equal(status_of("/"), 200);
	/* Everyone is on the preferred node (the proxy): nobody moved. */
	assert_int_equal(log_count("db: now on node 2 ("), moved_before);

	proxy_kill();
	/* Every open connection is cut.  A request whose first statement was a write may fail
	 * (the statement may have run: it is not repeated); reads are retried on the next node. */
	int failed = 0;
	for (int i = 0; i < 40; i++)
		failed += status_of("/") != 200;
	assert_true(failed <= WEB_WORKERS);
	for (int i = 0; i < 20; i++)
		assert_int_equal(status_of("/"), 200);
	assert_true(log_count("db: now on node 2 (") > moved_before);

	/* The preferred node is back: after db_failback_seconds, workers return to it. */
	struct back b = {.on_first = log_count("db: now on node 1 (")};
	proxy_start();
	assert_true(eventually(moved_back, &b, 20000));
	for (int i = 0; i < 10; i++)
		assert_int_equal(status_of("/"), 200);
	proxy_kill();
	pools_as_before();
}

/* After a failed test too: no proxy left running, the stack's own configuration back. */
static int cleanup(void **state)
{
	(void)state;
	const char *d = env_state();
	sh("if test -f '%s/run/dbproxy.pid'; then kill -9 -$(cat '%s/run/dbproxy.pid'); "
	   "rm -f '%s/run/dbproxy.pid' '%s/run/dbproxy.sock'; fi",
	   d, d, d, d);
	sh("if test -f '%s/ditto.conf.nodes'; then mv '%s/ditto.conf.nodes' '%s/ditto.conf' && "
	   "scripts/stack pools-stop '%s' >/dev/null && scripts/stack pools-start '%s' "
	   ">/dev/null; fi",
	   d, d, d, d, d);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_dead_first_node_is_passed_over, cleanup),
	    cmocka_unit_test_teardown(test_node_lost_mid_run_moves_on_and_back, cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
