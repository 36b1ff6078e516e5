/* testing.c — /_test/ routes, present only on test stacks (config test_routes = true).
 * They make a worker slow or crash on purpose, so integration tests can prove
 * that SIGTERM waits for in-flight requests, that request_timeout kills a
 * stuck worker, that a crash loses only its own request, and that a failing handler's 500 is
 * counted on the status page, and that the master trusts no pid a worker writes into the
 * scoreboard. */
#include "routes.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "../app/scoreboard.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "../app/worker.h"

int handle_test_sleep(struct request *req, struct response *res)
{
	long long ms;
	if (!valid_id(http_query(req, "ms"), &ms) || ms > 120000) {
		view_error(req, res, 400);
		return 0;
	}
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	res->status = 200;
	res->content_type = "text/plain; charset=utf-8";
	buf_printf(&res->body, "slept %lld ms\n", ms);
	return 0;
}

int handle_test_crash(struct request *req, struct response *res)
{
	(void)req;
	(void)res;
	abort();
}

/* Fails as a handler does when something it needs broke: the worker answers 500. */
int handle_test_fail(struct request *req, struct response *res)
{
	(void)req;
	(void)res;
	return -1;
}

/* Plays a compromised worker: writes pid (another process) into its own scoreboard slot as a
 * request stuck since long ago, then sleeps ms.  The master must kill this worker, which it
 * forked, and never the pid the slot names. */
int handle_test_forge_slot(struct request *req, struct response *res)
{
	long long pid, ms;
	struct sb_slot *slot = worker_slot();
	if (!valid_id(http_query(req, "pid"), &pid) || !valid_id(http_query(req, "ms"), &ms) ||
	    ms > 120000 || slot == NULL) {
		view_error(req, res, 400);
		return 0;
	}
	slot->pid = (pid_t)pid;
	slot->req_start_ms = 1;
	slot->stage = SB_BUSY;
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	res->status = 200;
	res->content_type = "text/plain; charset=utf-8";
	buf_printf(&res->body, "slept %lld ms\n", ms);
	return 0;
}
