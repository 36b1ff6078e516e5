/* test_staff_status.c — /admin/status through nginx: both pools' workers and totals as their
 * masters and the kernel see them (busy under load, counts rising, a killed worker replaced and
 * counted), the database's state as MariaDB reports it, the same report as HTML and as JSON
 * with the documented keys, and 403 for every role but admin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

#define WORKERS_MAX 64

/* One admin signed in for the whole run: the status page is theirs. */
static struct client admin;

/* GETs /admin/status?json as the admin; asserts a 200 JSON answer and returns it parsed. */
static json_t *status_json(void)
{
	struct http_resp r;
	assert_int_equal(staff_get(&admin, "/admin/status?json", &r), 200);
	char *ct = http_header_value(&r, "Content-Type");
	char *cc = http_header_value(&r, "Cache-Control");
	assert_non_null(ct);
	assert_non_null(cc);
	assert_string_equal(ct, "application/json");
	assert_string_equal(cc, "no-store");
	free(ct);
	free(cc);
	json_error_t err;
	json_t *root = json_loads(r.body, 0, &err);
	if (root == NULL)
		fprintf(stderr, "not JSON (%s): %s\n", err.text, r.body);
	assert_non_null(root);
	http_resp_free(&r);
	return root;
}

static json_t *pool_of(json_t *root, const char *name)
{
	json_t *p = json_object_get(json_object_get(root, "pools"), name);
	assert_non_null(p);
	return p;
}

static long long int_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fprintf(stderr, "%s is not an integer\n", key);
	assert_true(json_is_integer(v));
	return (long long)json_integer_value(v);
}

static bool pids_has(const pid_t *p, int n, long long x)
{
	for (int i = 0; i < n; i++)
		if (p[i] == x)
			return true;
	return false;
}

static bool json_workers_have(json_t *pool, long long pid)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(pool, "workers"), i, w)
	{
		if (int_of(w, "pid") == pid)
			return true;
	}
	return false;
}

/* The backlog the pools' sockets get: 256, capped by net.core.somaxconn. */
static long long listen_backlog_expected(void)
{
	char buf[32];
	slurp_file("/proc/sys/net/core/somaxconn", buf, sizeof(buf));
	long long cap = atoll(buf);
	return cap > 0 && cap < 256 ? cap : 256;
}

/* ---- the JSON's keys ------------------------------------------------------------------- */

static const char *const POOL_KEYS[] = {
    "up",
    "master_pid",
    "start_time",
    "start_unix",
    "uptime_s",
    "workers_configured",
    "idle",
    "busy",
    "starting",
    "exiting",
    "accepted",
    "responses_5xx",
    "slow_requests",
    "slow_request_ms",
    "killed_timeout",
    "respawns",
    "reloads",
    "listen_queue",
    "listen_backlog",
    "workers",
};
static const char *const WORKER_KEYS[] = {"pid",   "state",      "requests",
                                          "age_s", "rss_kb",     "method",
                                          "route", "running_ms", "last_request_ms"};
static const char *const DB_KEYS[] = {"reachable",         "version",         "uptime_s",
                                      "threads_connected", "threads_running", "max_connections",
                                      "query_ms"};

static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(o, keys[i]) == NULL)
			fprintf(stderr, "missing key %s\n", keys[i]);
		assert_non_null(json_object_get(o, keys[i]));
	}
}

/* True when the report's workers of both pools are exactly the children the kernel lists: a
 * worker recycled (max_requests) between the two reads makes one snapshot differ, never two
 * taken a moment apart for long. */
static bool report_matches_processes(void *arg)
{
	json_t **out = arg;
	json_t *root = status_json();
	bool same = true;
	const char *names[] = {"web", "staff"};
	for (size_t k = 0; k < 2 && same; k++) {
		json_t *ws = json_object_get(pool_of(root, names[k]), "workers");
		pid_t kids[WORKERS_MAX];
		int n = pool_worker_pids(pool_master_pid(names[k]), kids, WORKERS_MAX);
		same = json_array_size(ws) == (size_t)n;
		size_t i;
		json_t *w;
		json_array_foreach(ws, i, w) same = same && pids_has(kids, n, int_of(w, "pid"));
	}
	if (!same) {
		json_decref(root);
		return false;
	}
	*out = root;
	return true;
}

#define ONE_HOST_REPORT                                                                            \
	"the status page reports the pools of the app host whose staff pool serves it, and "       \
	"nginx's "                                                                                 \
	"upstream picks either app host for each request"

static void test_json_has_the_documented_keys_and_matches_the_processes(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	json_t *root = NULL;
	assert_true(eventually(report_matches_processes, &root, 5000));
	assert_true(json_is_string(json_object_get(root, "time")));
	const char *names[] = {"web", "staff"};
	for (size_t k = 0; k < 2; k++) {
		json_t *p = pool_of(root, names[k]);
		assert_keys(p, POOL_KEYS, sizeof(POOL_KEYS) / sizeof(POOL_KEYS[0]));
		assert_true(json_is_true(json_object_get(p, "up")));
		/* The master the pid file names, and exactly the children the kernel lists. */
		pid_t master = pool_master_pid(names[k]);
		assert_int_equal(int_of(p, "master_pid"), master);
		pid_t kids[WORKERS_MAX];
		int n = pool_worker_pids(master, kids, WORKERS_MAX);
		json_t *ws = json_object_get(p, "workers");
		assert_int_equal(json_array_size(ws), (size_t)n);
		size_t i;
		json_t *w;
		json_array_foreach(ws, i, w)
		{
			assert_keys(w, WORKER_KEYS, sizeof(WORKER_KEYS) / sizeof(WORKER_KEYS[0]));
			assert_true(pids_has(kids, n, int_of(w, "pid")));
			assert_true(int_of(w, "rss_kb") > 0);
		}
		assert_int_equal(int_of(p, "idle") + int_of(p, "busy") + int_of(p, "starting") +
		                     int_of(p, "exiting"),
		                 n);
		/* Linux tells the unix socket's backlog: the 256 the master listens with, or
		 * the kernel's cap on it. */
		assert_int_equal(int_of(p, "listen_backlog"), listen_backlog_expected());
		assert_true(int_of(p, "listen_queue") >= 0);
	}
	/* The staff pool is serving this very request. */
	assert_true(int_of(pool_of(root, "staff"), "busy") >= 1);
	json_t *db = json_object_get(root, "database");
	assert_keys(db, DB_KEYS, sizeof(DB_KEYS) / sizeof(DB_KEYS[0]));
	assert_true(json_is_true(json_object_get(db, "reachable")));
	assert_int_equal(int_of(db, "max_connections"), sql_admin_int("SELECT @@max_connections"));
	assert_true(int_of(db, "threads_connected") >= 2);
	long long up = sql_admin_int("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
	                             "WHERE VARIABLE_NAME = 'UPTIME'");
	assert_true(int_of(db, "uptime_s") <= up && int_of(db, "uptime_s") >= up - 5);
	assert_non_null(strstr(json_string_value(json_object_get(db, "version")), "MariaDB"));
	json_decref(root);
}

/* ---- under load ------------------------------------------------------------------------ */

/* A busy web worker on the sleep route (path only: the query never shows). */
static bool busy_on_sleep(json_t *web)
{
	size_t i;
	json_t *w;
	bool seen = false;
	json_array_foreach(json_object_get(web, "workers"), i, w)
	{
		const char *route = json_string_value(json_object_get(w, "route"));
		if (route != NULL)
			assert_null(strchr(route, '?'));
		if (strcmp(json_string_value(json_object_get(w, "state")), "busy") == 0 &&
		    route != NULL && strcmp(route, "/_test/sleep") == 0) {
			assert_true(int_of(w, "running_ms") >= 0);
			assert_string_equal(json_string_value(json_object_get(w, "method")), "GET");
			seen = true;
		}
	}
	return seen;
}

static long long total_requests(json_t *web)
{
	long long sum = 0;
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(web, "workers"), i, w)
	{
		sum += int_of(w, "requests");
	}
	return sum;
}

static void test_load_shows_busy_workers_and_rising_counts(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	struct load *l = load_start(env_web(), "/_test/sleep?ms=200&secret=hidden", 3);
	usleep(300 * 1000);
	json_t *a = NULL;
	bool busy = false;
	for (int tries = 0; tries < 20 && !busy; tries++) {
		json_decref(a);
		a = status_json();
		busy = int_of(pool_of(a, "web"), "busy") >= 1 && busy_on_sleep(pool_of(a, "web"));
		if (!busy)
			usleep(100 * 1000);
	}
	assert_true(busy);
	usleep(1000 * 1000);
	json_t *b = status_json();
	long ok, failed;
	load_stop(l, &ok, &failed);
	assert_true(ok > 0);
	json_t *wa = pool_of(a, "web"), *wb = pool_of(b, "web");
	assert_true(int_of(wb, "accepted") > int_of(wa, "accepted"));
	assert_true(total_requests(wb) > total_requests(wa));
	assert_true(int_of(wb, "uptime_s") >= int_of(wa, "uptime_s"));
	json_decref(a);
	json_decref(b);
}

static void test_slow_request_is_counted(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	json_t *a = status_json();
	long long slow_ms = int_of(pool_of(a, "web"), "slow_request_ms");
	long long before = int_of(pool_of(a, "web"), "slow_requests");
	char path[64];
	snprintf(path, sizeof(path), "/_test/sleep?ms=%lld", slow_ms + 50);
	struct http_resp r;
	assert_int_equal(http_get(env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	json_t *b = status_json();
	assert_true(int_of(pool_of(b, "web"), "slow_requests") >= before + 1);
	/* ... and logged by its path, never its query string. */
	assert_int_equal(sh("grep -q 'slow request: GET /_test/sleep took' '%s/log/web.log' && "
	                    "! grep -q 'slow request: .*?' '%s/log/web.log'",
	                    env_state(), env_state()),
	                 0);
	json_decref(a);
	json_decref(b);
}

/* A handler's failure is a 5xx the worker writes itself: counted. */
static void test_5xx_answers_are_counted(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	json_t *a = status_json();
	long long before = int_of(pool_of(a, "web"), "responses_5xx");
	struct http_resp r;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(http_get(env_web(), "/_test/fail", &r), 0);
		/* 500, or 503 when the worker has not reached the database yet */
		assert_true(r.status == 500 || r.status == 503);
		http_resp_free(&r);
	}
	json_t *b = status_json();
	assert_int_equal(int_of(pool_of(b, "web"), "responses_5xx"), before + 3);
	json_decref(a);
	json_decref(b);
}

/* The staff pool's request_timeout from the stack's configuration file (0 if unreadable). */
static int staff_request_timeout(void)
{
	char path[512], conf[8192];
	snprintf(path, sizeof(path), "%s/ditto.conf", env_state());
	slurp_file(path, conf, sizeof(conf));
	const char *sect = strstr(conf, "[pool.staff]");
	const char *k = sect != NULL ? strstr(sect, "request_timeout = ") : NULL;
	return k != NULL ? atoi(k + strlen("request_timeout = ")) : 0;
}

static bool killed_for_timeout(void *arg)
{
	long long *before = arg;
	json_t *root = status_json();
	bool done = int_of(pool_of(root, "staff"), "killed_timeout") > *before;
	json_decref(root);
	return done;
}

static void test_worker_stuck_past_request_timeout_is_counted(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	int timeout = staff_request_timeout();
	if (timeout <= 0 || timeout > 5)
		skip(); /* scripts/test's stacks give the staff pool 3 s; others would wait long */
	json_t *a = status_json();
	long long before = int_of(pool_of(a, "staff"), "killed_timeout");
	json_decref(a);
	char path[64];
	snprintf(path, sizeof(path), "/_test/sleep?ms=%d", (timeout + 3) * 1000);
	struct http_resp r;
	assert_int_equal(http_get(env_staff(), path, &r), 0);
	assert_true(r.status >= 500); /* the worker was killed: nginx answers for it */
	http_resp_free(&r);
	assert_true(eventually(killed_for_timeout, &before, 5000));
}

/* ---- a killed worker ------------------------------------------------------------------- */

struct replacement {
	long long dead;
	pid_t before[WORKERS_MAX];
	int nbefore;
	long long respawns_before;
	long long want;
};

/* True once the JSON lists neither the dead pid nor fewer workers, a new pid, and one more
 * respawn. */
static bool replaced_in_json(void *arg)
{
	struct replacement *x = arg;
	json_t *root = status_json();
	json_t *web = pool_of(root, "web");
	bool fresh = false;
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(web, "workers"), i, w)
	{
		if (!pids_has(x->before, x->nbefore, int_of(w, "pid")))
			fresh = true;
	}
	bool done = !json_workers_have(web, x->dead) && fresh &&
	            (long long)json_array_size(json_object_get(web, "workers")) == x->want &&
	            int_of(web, "respawns") > x->respawns_before;
	json_decref(root);
	return done;
}

static void test_killed_worker_disappears_and_its_replacement_appears(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	pid_t master = pool_master_pid("web");
	struct replacement x = {0};
	json_t *root = status_json();
	json_t *web = pool_of(root, "web");
	x.respawns_before = int_of(web, "respawns");
	x.want = int_of(web, "workers_configured");
	x.nbefore = pool_worker_pids(master, x.before, WORKERS_MAX);
	json_decref(root);
	assert_true(x.nbefore > 0);
	x.dead = x.before[0];
	assert_int_equal(kill((pid_t)x.dead, SIGKILL), 0);
	assert_true(eventually(replaced_in_json, &x, 10000));
	/* The kernel agrees: the dead pid is gone from the master's children. */
	pid_t now[WORKERS_MAX];
	int n = pool_worker_pids(master, now, WORKERS_MAX);
	assert_false(pids_has(now, n, x.dead));
}

/* ---- the HTML page --------------------------------------------------------------------- */

static void test_html_page_shows_the_same_pools(void **state)
{
	(void)state;
	skip_on_cluster(ONE_HOST_REPORT);
	json_t *root = status_json();
	struct http_resp r;
	assert_int_equal(staff_get(&admin, "/admin/status", &r), 200);
	char *ct = http_header_value(&r, "Content-Type");
	assert_non_null(strstr(ct, "text/html"));
	free(ct);
	const char *names[] = {"web", "staff"};
	for (size_t k = 0; k < 2; k++) {
		char want[64];
		snprintf(want, sizeof(want), "<h2>Pool %s</h2>", names[k]);
		assert_non_null(strstr(r.body, want));
		json_t *p = pool_of(root, names[k]);
		snprintf(want, sizeof(want), "pid %lld,", int_of(p, "master_pid"));
		assert_non_null(strstr(r.body, want));
		/* Workers of the web pool are stable between the two reads (nothing loads it). */
		if (k == 0) {
			size_t i;
			json_t *w;
			json_array_foreach(json_object_get(p, "workers"), i, w)
			{
				snprintf(want, sizeof(want), "<tr><td>%lld</td>", int_of(w, "pid"));
				assert_non_null(strstr(r.body, want));
			}
		}
	}
	assert_non_null(strstr(r.body, "MariaDB"));
	assert_non_null(strstr(r.body, "href=\"/admin/status?refresh=5\""));
	assert_null(http_header_value(&r, "Refresh"));
	http_resp_free(&r);
	json_decref(root);

	/* Refreshing itself: a header, no script; a bad interval is a plain 400. */
	assert_int_equal(staff_get(&admin, "/admin/status?refresh=5", &r), 200);
	char *refresh = http_header_value(&r, "Refresh");
	assert_non_null(refresh);
	assert_string_equal(refresh, "5");
	free(refresh);
	assert_null(strstr(r.body, "<script"));
	http_resp_free(&r);
	assert_int_equal(staff_get(&admin, "/admin/status?refresh=soon", &r), 400);
	http_resp_free(&r);
}

/* ---- who may open it ------------------------------------------------------------------- */

static void test_every_other_role_gets_403_and_nothing_changes(void **state)
{
	(void)state;
	for (int role = 0; role < ROLE__MAX; role++) {
		if (role == ROLE_ADMIN)
			continue;
		struct member m;
		member_new(&m, (enum staff_role)role);
		struct client c = {0};
		staff_login(&c, &m);
		long long audit_before = sql_admin_int("SELECT COUNT(*) FROM audit_log");
		struct http_resp r;
		assert_int_equal(staff_get(&c, "/admin/status?json", &r), 403);
		assert_null(strstr(r.body, "\"pools\""));
		http_resp_free(&r);
		assert_int_equal(staff_get(&c, "/admin/status", &r), 403);
		assert_null(strstr(r.body, "Pool web"));
		http_resp_free(&r);
		/* Nothing written for them: no audit row, their session untouched but for use. */
		assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log"), audit_before);
	}
	/* Not signed in: to the sign-in page, no report. */
	struct client nobody = {0};
	struct http_resp r;
	assert_int_equal(staff_get(&nobody, "/admin/status?json", &r), 303);
	assert_null(strstr(r.body, "\"pools\""));
	http_resp_free(&r);
}

static int setup(void **state)
{
	(void)state;
	static struct member m;
	member_new(&m, ROLE_ADMIN);
	staff_login(&admin, &m);
	return 0;
}

/* Removes the scratch files of this test's dittoctl runs. */
static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-staff-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_has_the_documented_keys_and_matches_the_processes),
	    cmocka_unit_test(test_load_shows_busy_workers_and_rising_counts),
	    cmocka_unit_test(test_slow_request_is_counted),
	    cmocka_unit_test(test_5xx_answers_are_counted),
	    cmocka_unit_test(test_worker_stuck_past_request_timeout_is_counted),
	    cmocka_unit_test(test_killed_worker_disappears_and_its_replacement_appears),
	    cmocka_unit_test(test_html_page_shows_the_same_pools),
	    cmocka_unit_test(test_every_other_role_gets_403_and_nothing_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
