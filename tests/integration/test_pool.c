/* test_pool.c — the worker pool's promises, proven against the running stack:
 * a killed or crashing worker loses only its own request and is replaced; a
 * stuck one is killed after request_timeout; reloads and recycling fail no
 * request; a MariaDB restart gives 503s then recovers with no ditto restart;
 * SIGTERM lets the in-flight request finish. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define WORKERS_MAX 64

static long status_of(const char *base, const char *path)
{
	struct http_resp r;
	http_get(base, path, &r);
	long s = r.status;
	http_resp_free(&r);
	return s;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pids {
	pid_t master;
	pid_t before[WORKERS_MAX];
	int nbefore;
	int want;
};

static bool has_pid(const pid_t *p, int n, pid_t x)
{
	for (int i = 0; i < n; i++)
		if (p[i] == x)
			return true;
	return false;
}

/* True when the pool is back to its size and none of the old workers is left. */
static bool all_replaced(void *arg)
{
	struct pids *p = arg;
	pid_t now[WORKERS_MAX];
	int n = pool_worker_pids(p->master, now, WORKERS_MAX);
	if (n != p->want)
		return false;
	for (int i = 0; i < n; i++)
		if (has_pid(p->before, p->nbefore, now[i]))
			return false;
	return true;
}

struct victim {
	pid_t master;
	pid_t dead;
	int want;
};

static bool replaced_one(void *arg)
{
	struct victim *v = arg;
	pid_t now[WORKERS_MAX];
	int n = pool_worker_pids(v->master, now, WORKERS_MAX);
	return n == v->want && !has_pid(now, n, v->dead);
}

static void test_kill9_worker_under_load_loses_at_most_its_request(void **state)
{
	(void)state;
	pid_t master = pool_master_pid("web");
	pid_t w[WORKERS_MAX];
	struct load *l = load_start(env_web(), "/", 4);
	usleep(500 * 1000);
	/* Workers recycle quickly here (max_requests = 300): pick one that is alive now. */
	int n = 0, killed = -1;
	for (int tries = 0; tries < 20 && killed != 0; tries++) {
		n = pool_worker_pids(master, w, WORKERS_MAX);
		killed = n > 0 ? kill(w[0], SIGKILL) : -1;
	}
	assert_int_equal(killed, 0);
	struct victim v = {master, w[0], n};
	assert_true(eventually(replaced_one, &v, 10000));
	usleep(500 * 1000);
	long ok, failed;
	load_stop(l, &ok, &failed);
	assert_true(ok > 50);
	/* Only the request that worker was serving (if any) may fail. */
	assert_true(failed <= 1);
	assert_int_equal(status_of(env_web(), "/"), 200);
}

static void test_crash_fails_only_the_crashing_request(void **state)
{
	(void)state;
	pid_t master = pool_master_pid("web");
	pid_t w[WORKERS_MAX];
	int n = pool_worker_pids(master, w, WORKERS_MAX);
	struct load *l = load_start(env_web(), "/", 3);
	usleep(300 * 1000);
	long s = status_of(env_web(), "/_test/crash");
	usleep(300 * 1000);
	long ok, failed;
	load_stop(l, &ok, &failed);
	assert_int_equal(s, 502);
	assert_int_equal(failed, 0);
	assert_true(ok > 20);
	struct pids p = {.master = master, .nbefore = 0, .want = n};
	assert_true(eventually(all_replaced, &p, 10000)); /* back to full size */
}

static void test_stuck_worker_is_killed_after_request_timeout(void **state)
{
	(void)state;
	/* The test stack gives the staff pool request_timeout = 3 s. */
	double t0 = now_s();
	long s = status_of(env_staff(), "/_test/sleep?ms=20000");
	double took = now_s() - t0;
	assert_int_equal(s, 502);
	assert_true(took >= 2.5 && took < 15.0);
	assert_int_equal(
	    sh("grep -q 'stuck .* /_test/sleep: killing it' '%s/log/staff.log'", env_state()), 0);
	assert_int_equal(status_of(env_staff(), "/healthz"), 200);
}

/* A worker that writes another process's pid into its scoreboard slot, as stuck, makes the
 * master kill that worker — the child it forked — and never the process the slot names. */
static void test_master_kills_only_its_own_children_whatever_the_scoreboard_says(void **state)
{
	(void)state;
	pid_t victim = fork();
	assert_true(victim >= 0);
	if (victim == 0) {
		pause();
		_exit(0);
	}
	char path[96];
	snprintf(path, sizeof(path), "/_test/forge-slot?pid=%d&ms=8000", (int)victim);
	long s = status_of(env_staff(), path);
	int st;
	bool victim_alive = waitpid(victim, &st, WNOHANG) == 0;
	kill(victim, SIGKILL);
	waitpid(victim, &st, 0);
	assert_true(victim_alive);
	/* The stuck "request" was the forging worker's own: killed, so nginx answers 502. */
	assert_int_equal(s, 502);
	assert_int_equal(status_of(env_staff(), "/healthz"), 200);
}

static void test_sighup_reload_replaces_workers_and_fails_no_request(void **state)
{
	(void)state;
	struct pids p = {.master = pool_master_pid("web")};
	p.nbefore = pool_worker_pids(p.master, p.before, WORKERS_MAX);
	p.want = p.nbefore;
	struct load *l = load_start(env_web(), "/", 4);
	usleep(300 * 1000);
	assert_int_equal(kill(p.master, SIGHUP), 0);
	assert_true(eventually(all_replaced, &p, 15000));
	usleep(300 * 1000);
	long ok, failed;
	load_stop(l, &ok, &failed);
	assert_true(ok > 50);
	assert_int_equal(failed, 0);
	assert_int_equal(pool_master_pid("web"), p.master);
}

static void test_recycling_after_max_requests_fails_no_request(void **state)
{
	(void)state;
	/* The test stack sets max_requests = 300 for the web pool. */
	struct pids p = {.master = pool_master_pid("web")};
	p.nbefore = pool_worker_pids(p.master, p.before, WORKERS_MAX);
	p.want = p.nbefore;
	struct load *l = load_start(env_web(), "/healthz", 4);
	bool recycled = eventually(all_replaced, &p, 60000);
	long ok, failed;
	load_stop(l, &ok, &failed);
	assert_true(recycled);
	assert_int_equal(failed, 0);
	assert_int_equal(sh("grep -q 'exited after 300 requests' '%s/log/web.log'", env_state()),
	                 0);
}

static bool healthz_is(void *arg)
{
	return status_of(env_web(), "/healthz") == (long)(intptr_t)arg;
}

static void test_database_restart_gives_503_then_recovers(void **state)
{
	(void)state;
	skip_on_cluster("with node 1 down, app host 1 moves to another node and app host 2 never "
	                "used it: no 503 to see (the cluster suite's fault test kills a node)");
	pid_t master = pool_master_pid("web");
	assert_int_equal(status_of(env_web(), "/"), 200);
	assert_int_equal(sh("scripts/stack db-stop '%s'", env_state()), 0);
	assert_int_equal(status_of(env_web(), "/healthz"), 503);
	assert_int_equal(status_of(env_web(), "/"), 503);
	assert_int_equal(status_of(env_web(), "/privacy"), 503);
	assert_int_equal(sh("scripts/stack db-start '%s'", env_state()), 0);
	assert_true(eventually(healthz_is, (void *)(intptr_t)200, 30000));
	/* Every worker reconnects on its own: several requests all succeed. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(status_of(env_web(), "/"), 200);
	assert_int_equal(pool_master_pid("web"), master);
	assert_int_equal(kill(master, 0), 0);
}

struct slow {
	long status;
	char body[64];
};

static void *slow_request(void *arg)
{
	struct slow *s = arg;
	struct http_resp r;
	http_get(env_web(), "/_test/sleep?ms=2000", &r);
	s->status = r.status;
	snprintf(s->body, sizeof(s->body), "%s", r.body ? r.body : "");
	http_resp_free(&r);
	return NULL;
}

static bool master_gone(void *arg)
{
	return kill((pid_t)(intptr_t)arg, 0) != 0;
}

static int count_lines(const char *pattern, const char *file)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "grep -c -E '%s' '%s/log/%s' 2>/dev/null", pattern, env_state(),
	         file);
	FILE *p = popen(cmd, "r");
	int n = 0;
	if (p == NULL)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = 0;
	pclose(p);
	return n;
}

static bool staff_healthy(void *arg)
{
	(void)arg;
	return status_of(env_staff(), "/healthz") == 200;
}

static void test_crash_loop_backs_off_instead_of_fork_storming(void **state)
{
	(void)state;
	/* Workers that cannot start (their database password file is gone) die at once: the
	 * master must slow down. */
	pid_t master = pool_master_pid("staff");
	assert_int_equal(
	    sh("cp '%s/ditto.conf' '%s/ditto.conf.good' && sed -i "
	       "'s|^db_password_file = .*ditto_staff$|db_password_file = /nonexistent-ditto|' "
	       "'%s/ditto.conf'",
	       env_state(), env_state(), env_state()),
	    0);
	int before = count_lines("staff.* worker [0-9]+ started", "staff.log");
	assert_int_equal(kill(master, SIGHUP), 0);
	sleep(4);
	int spawned = count_lines("staff.* worker [0-9]+ started", "staff.log") - before;
	/* Backoff doubles from 200 ms: a handful of starts in 4 s, not hundreds. */
	assert_true(spawned >= 2);
	assert_true(spawned <= 12);
	assert_true(count_lines("workers keep dying; next start in", "staff.log") >= 2);
	assert_int_equal(kill(master, 0), 0); /* the master itself lives on */
	/* Fixed configuration, reload: the pool serves again without a restart. */
	assert_int_equal(sh("mv '%s/ditto.conf.good' '%s/ditto.conf'", env_state(), env_state()),
	                 0);
	assert_int_equal(kill(master, SIGHUP), 0);
	assert_true(eventually(staff_healthy, NULL, 15000));
	assert_int_equal(pool_master_pid("staff"), master);
}

static void test_reload_with_broken_template_is_refused_and_workers_keep_serving(void **state)
{
	(void)state;
	pid_t master = pool_master_pid("staff");
	pid_t before[WORKERS_MAX], after[WORKERS_MAX];
	int n = pool_worker_pids(master, before, WORKERS_MAX);
	assert_int_equal(
	    sh("cp '%s/ditto.conf' '%s/ditto.conf.good' && sed -i "
	       "'s|^templates = .*|templates = /nonexistent-ditto-views|' '%s/ditto.conf'",
	       env_state(), env_state(), env_state()),
	    0);
	assert_int_equal(kill(master, SIGHUP), 0);
	sleep(1);
	assert_true(count_lines("reload refused", "staff.log") >= 1);
	assert_int_equal(pool_worker_pids(master, after, WORKERS_MAX), n);
	for (int i = 0; i < n; i++)
		assert_true(has_pid(before, n, after[i]));
	assert_int_equal(status_of(env_staff(), "/healthz"), 200);
	assert_int_equal(sh("mv '%s/ditto.conf.good' '%s/ditto.conf'", env_state(), env_state()),
	                 0);
}

static void test_sigterm_lets_inflight_request_finish(void **state)
{
	(void)state;
	skip_on_cluster(
	    "nginx may give the slow request to app host 2, and stopping app host 1's master would "
	    "then prove nothing");
	pid_t master = pool_master_pid("web");
	struct slow s = {0};
	pthread_t t;
	pthread_create(&t, NULL, slow_request, &s);
	usleep(400 * 1000);
	assert_int_equal(kill(master, SIGTERM), 0);
	pthread_join(t, NULL);
	assert_int_equal(s.status, 200);
	assert_string_equal(s.body, "slept 2000 ms\n");
	assert_true(eventually(master_gone, (void *)(intptr_t)master, 10000));
	/* Bring the pool back for whatever runs next. */
	assert_int_equal(sh("rm -f '%s/run/web.pid' && scripts/stack pools-start '%s'", env_state(),
	                    env_state()),
	                 0);
	assert_true(eventually(healthz_is, (void *)(intptr_t)200, 10000));
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kill9_worker_under_load_loses_at_most_its_request),
	    cmocka_unit_test(test_crash_fails_only_the_crashing_request),
	    cmocka_unit_test(test_stuck_worker_is_killed_after_request_timeout),
	    cmocka_unit_test(test_master_kills_only_its_own_children_whatever_the_scoreboard_says),
	    cmocka_unit_test(test_sighup_reload_replaces_workers_and_fails_no_request),
	    cmocka_unit_test(test_recycling_after_max_requests_fails_no_request),
	    cmocka_unit_test(test_database_restart_gives_503_then_recovers),
	    cmocka_unit_test(test_reload_with_broken_template_is_refused_and_workers_keep_serving),
	    cmocka_unit_test(test_crash_loop_backs_off_instead_of_fork_storming),
	    cmocka_unit_test(test_sigterm_lets_inflight_request_finish),
	};
	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
