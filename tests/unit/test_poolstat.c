/* test_poolstat.c — the status report: a pool's scoreboard file read back by another process
 * (up, stale when its master is gone, refused when foreign), the listen queue as the kernel
 * counts it, and the JSON with its documented keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "listenq.h"
#include "poolstat.h"
#include "scoreboard.h"

static char dir[64];

/* DIR/name, in one of eight static buffers used in turn (enough for any test here). */
static const char *in_dir(const char *name)
{
	static char path[8][128];
	static int turn;
	turn = (turn + 1) % 8;
	snprintf(path[turn], sizeof(path[turn]), "%s/%s", dir, name);
	return path[turn];
}

static void test_scoreboard_file_sits_beside_the_socket(void **state)
{
	(void)state;
	char out[128];
	assert_int_equal(scoreboard_path("/run/ditto/web.sock", "web", out, sizeof(out)), 0);
	assert_string_equal(out, "/run/ditto/web.scoreboard");
	assert_int_equal(scoreboard_path("staff.sock", "staff", out, sizeof(out)), 0);
	assert_string_equal(out, "./staff.scoreboard");
	assert_int_equal(scoreboard_path("/web.sock", "web", out, sizeof(out)), 0);
	assert_string_equal(out, "/web.scoreboard");
	assert_int_equal(scoreboard_path("/run/ditto/web.sock", "web", out, 10), -1);
}

/* A live scoreboard (this process is its master) with a busy and an idle worker. */
static struct scoreboard *two_workers(const char *path)
{
	struct scoreboard *sb = scoreboard_new(path, "web");
	assert_non_null(sb);
	sb->workers_wanted = 2;
	sb->slow_ms = 750;
	sb->accepted = 42;
	sb->errors_5xx = 3;
	sb->respawns = 1;
	uint64_t now = now_ms();
	sb->slots[0] = (struct sb_slot){.pid = getpid(),
	                                .stage = SB_BUSY,
	                                .started_ms = now - 5000,
	                                .req_start_ms = now - 20,
	                                .requests = 7,
	                                .rss_kb = 1234};
	snprintf(sb->slots[0].method, sizeof(sb->slots[0].method), "GET");
	snprintf(sb->slots[0].uri, sizeof(sb->slots[0].uri), "/catalog");
	sb->slots[3] = (struct sb_slot){
	    .pid = 999999, .stage = SB_IDLE, .started_ms = now, .requests = 2, .last_ms = 9};
	snprintf(sb->slots[3].uri, sizeof(sb->slots[3].uri), "/old");
	return sb;
}

static void test_live_pool_is_read_with_its_workers(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *path = in_dir("web.scoreboard");
	two_workers(path);
	struct poolstat_pool p;
	poolstat_pool_read(a, "web", path, in_dir("no.sock"), &p);
	assert_true(p.up);
	assert_int_equal(p.master_pid, getpid());
	assert_int_equal(p.workers_wanted, 2);
	assert_int_equal(p.nworkers, 2);
	assert_int_equal(p.busy, 1);
	assert_int_equal(p.idle, 1);
	assert_int_equal(p.accepted, 42);
	assert_int_equal(p.errors_5xx, 3);
	assert_int_equal(p.slow_ms, 750);
	assert_string_equal(p.workers[0].state, "busy");
	assert_string_equal(p.workers[0].route, "/catalog");
	assert_true(p.workers[0].running_ms >= 20);
	assert_int_equal(p.workers[0].age_s, 5);
	assert_true(p.workers[0].rss_kb > 0); /* this process's own, from /proc */
	/* An idle worker has no current request, whatever its slot held before. */
	assert_string_equal(p.workers[1].state, "idle");
	assert_null(p.workers[1].route);
	assert_int_equal(p.workers[1].last_ms, 9);
	assert_false(p.queue_known); /* nothing listens at no.sock */
	scoreboard_remove(path);
	assert_int_equal(access(path, F_OK), -1);
	arena_free(a);
}

static void test_missing_file_is_a_pool_not_running(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct poolstat_pool p;
	poolstat_pool_read(a, "staff", in_dir("absent.scoreboard"), in_dir("x.sock"), &p);
	assert_false(p.up);
	assert_non_null(strstr(p.down_reason, "not running"));
	arena_free(a);
}

/* A TCP pool without pid_file has no scoreboard file: unknown, not "not running". */
static void test_no_scoreboard_path_is_unknown(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct poolstat_pool p;
	poolstat_pool_read(a, "web", "", "127.0.0.1:9000", &p);
	assert_false(p.up);
	assert_non_null(strstr(p.down_reason, "unknown"));
	assert_null(strstr(p.down_reason, "not running"));
	arena_free(a);
}

static void test_file_of_a_dead_master_is_stale_and_not_removed_by_another(void **state)
{
	(void)state;
	const char *path = in_dir("dead.scoreboard");
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(scoreboard_new(path, "web") != NULL ? 0 : 1);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(WEXITSTATUS(status), 0);
	struct arena *a = arena_new();
	struct scoreboard *sb = arena_alloc(a, sizeof(*sb));
	assert_int_equal(scoreboard_read(path, sb), SB_READ_STALE);
	assert_int_equal(sb->master_pid, child);
	struct poolstat_pool p;
	poolstat_pool_read(a, "web", path, in_dir("x.sock"), &p);
	assert_false(p.up);
	assert_non_null(strstr(p.down_reason, "master is gone"));
	/* Only the master that made it removes it. */
	scoreboard_remove(path);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	arena_free(a);
}

static void test_foreign_file_is_refused(void **state)
{
	(void)state;
	const char *path = in_dir("junk.scoreboard");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a scoreboard\n", f);
	fclose(f);
	struct arena *a = arena_new();
	struct scoreboard *sb = arena_alloc(a, sizeof(*sb));
	assert_int_equal(scoreboard_read(path, sb), SB_READ_INVALID);
	/* The right size but no magic: refused too. */
	assert_int_equal(truncate(path, (off_t)sizeof(struct scoreboard)), 0);
	assert_int_equal(scoreboard_read(path, sb), SB_READ_INVALID);
	unlink(path);
	arena_free(a);
}

static void test_listen_queue_counts_waiting_connections(void **state)
{
	(void)state;
	const char *path = in_dir("q.sock");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 7), 0);
	long queued = -1, backlog = -1;
	assert_int_equal(listenq_unix(path, &queued, &backlog), 0);
	assert_int_equal(queued, 0);
	assert_int_equal(backlog, 7);
	/* Two clients connect and nobody accepts: both wait in the queue. */
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(c1, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(connect(c2, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listenq_unix(path, &queued, &backlog), 0);
	assert_int_equal(queued, 2);
	close(c1);
	close(c2);
	close(l);
	unlink(path);
	/* A path nothing listens at is "unknown", not zero. */
	assert_int_equal(listenq_unix(path, &queued, &backlog), -1);
}

static void test_json_has_the_documented_keys(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *path = in_dir("web.scoreboard");
	two_workers(path);
	struct poolstat st = {.at_unix = 0};
	poolstat_pool_read(a, "web", path, in_dir("no.sock"), &st.pools[POOL_WEB]);
	poolstat_pool_read(a, "staff", in_dir("absent"), in_dir("no.sock"), &st.pools[POOL_STAFF]);
	st.db.reachable = true;
	st.db.state = (struct db_server_state){.version = "10.11.6-MariaDB",
	                                       .uptime_s = 60,
	                                       .threads_connected = 4,
	                                       .max_connections = 300};
	json_t *root = poolstat_json(&st);
	assert_non_null(root);
	char *text = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(json_string_value(json_object_get(root, "time")),
	                    "1970-01-01T00:00:00Z");
	json_t *web = json_object_get(json_object_get(root, "pools"), "web");
	const char *keys[] = {
	    "up",       "master_pid",   "start_time",    "uptime_s",      "busy",
	    "idle",     "accepted",     "responses_5xx", "slow_requests", "killed_timeout",
	    "respawns", "listen_queue", "workers"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_non_null(json_object_get(web, keys[i]));
	assert_true(json_is_null(json_object_get(web, "listen_queue"))); /* unknown, said so */
	json_t *w0 = json_array_get(json_object_get(web, "workers"), 0);
	assert_string_equal(json_string_value(json_object_get(w0, "route")), "/catalog");
	json_t *w1 = json_array_get(json_object_get(web, "workers"), 1);
	assert_true(json_is_null(json_object_get(w1, "route")));
	assert_true(json_is_null(json_object_get(w1, "running_ms")));
	json_t *staff = json_object_get(json_object_get(root, "pools"), "staff");
	assert_true(json_is_false(json_object_get(staff, "up")));
	assert_non_null(json_string_value(json_object_get(staff, "reason")));
	assert_null(json_object_get(staff, "workers"));
	json_t *db = json_object_get(root, "database");
	assert_int_equal(json_integer_value(json_object_get(db, "threads_connected")), 4);
	assert_non_null(strstr(text, "\"version\":\"10.11.6-MariaDB\""));
	free(text);
	json_decref(root);
	scoreboard_remove(path);
	arena_free(a);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ditto-poolstat-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scoreboard_file_sits_beside_the_socket),
	    cmocka_unit_test(test_live_pool_is_read_with_its_workers),
	    cmocka_unit_test(test_missing_file_is_a_pool_not_running),
	    cmocka_unit_test(test_file_of_a_dead_master_is_stale_and_not_removed_by_another),
	    cmocka_unit_test(test_foreign_file_is_refused),
	    cmocka_unit_test(test_listen_queue_counts_waiting_connections),
	    cmocka_unit_test(test_json_has_the_documented_keys),
	    cmocka_unit_test(test_no_scoreboard_path_is_unknown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
