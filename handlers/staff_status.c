/* staff_status.c — GET /admin/status (admin): both worker pools and the database, like php-fpm's
 * status page.  The report is gathered once (app/poolstat.c) and rendered either as the HTML
 * page or, with ?json, as JSON for monitoring.  It holds no personal data (paths only, never a
 * query string), so it writes no audit row. */
#include <stdlib.h>
#include <time.h>

#include "../app/poolstat.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"

#define REFRESH_MAX_S 3600

/* "3 d 4 h", "2 h 5 min", "4 min 10 s", "12 s": an uptime a person reads at a glance. */
static const char *span(struct arena *a, uint64_t s)
{
	if (s >= 86400)
		return arena_printf(a, "%llu d %llu h", (unsigned long long)(s / 86400),
		                    (unsigned long long)(s % 86400 / 3600));
	if (s >= 3600)
		return arena_printf(a, "%llu h %llu min", (unsigned long long)(s / 3600),
		                    (unsigned long long)(s % 3600 / 60));
	if (s >= 60)
		return arena_printf(a, "%llu min %llu s", (unsigned long long)(s / 60),
		                    (unsigned long long)(s % 60));
	return arena_printf(a, "%llu s", (unsigned long long)s);
}

static const char *utc(struct arena *a, int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return "?";
	return arena_strdup(a, buf);
}

static void worker_ctx(struct request *req, struct tdict *d, const struct poolstat_worker *w)
{
	tdict_setf(d, "pid", "%ld", w->pid);
	tdict_set_ref(d, "state", w->state);
	tdict_setf(d, "requests", "%llu", (unsigned long long)w->requests);
	tdict_set_ref(d, "age", span(req->arena, w->age_s));
	if (w->rss_kb > 0)
		tdict_setf(d, "rss", "%.1f MiB", (double)w->rss_kb / 1024.0);
	if (w->route != NULL) {
		tdict_setf(d, "route", "%s %s", w->method, w->route);
		tdict_setf(d, "running_ms", "%llu", (unsigned long long)w->running_ms);
	}
	tdict_setf(d, "last_ms", "%llu", (unsigned long long)w->last_ms);
}

static void pool_ctx(struct request *req, struct tdict *d, const struct poolstat_pool *p)
{
	tdict_set_ref(d, "name", p->name);
	tdict_set_bool(d, "up", p->up);
	if (!p->up) {
		tdict_set_ref(d, "reason", p->down_reason);
		return;
	}
	tdict_setf(d, "master_pid", "%ld", p->master_pid);
	tdict_set_ref(d, "start_time", utc(req->arena, p->started_unix));
	tdict_set_ref(d, "uptime", span(req->arena, p->uptime_s));
	tdict_setf(d, "workers_configured", "%d", p->workers_wanted);
	tdict_setf(d, "idle", "%d", p->idle);
	tdict_setf(d, "busy", "%d", p->busy);
	tdict_setf(d, "starting", "%d", p->starting + p->exiting);
	tdict_setf(d, "accepted", "%llu", (unsigned long long)p->accepted);
	tdict_setf(d, "responses_5xx", "%llu", (unsigned long long)p->errors_5xx);
	tdict_setf(d, "slow_requests", "%llu", (unsigned long long)p->slow);
	tdict_setf(d, "slow_request_ms", "%ld", p->slow_ms);
	tdict_setf(d, "killed_timeout", "%llu", (unsigned long long)p->killed_timeout);
	tdict_setf(d, "respawns", "%llu", (unsigned long long)p->respawns);
	tdict_setf(d, "reloads", "%llu", (unsigned long long)p->reloads);
	if (p->queue_known)
		tdict_setf(d, "listen_queue", "%ld of %ld", p->listen_queue, p->listen_backlog);
	else
		tdict_set_ref(d, "listen_queue", "unknown");
	struct tlist *ws = tdict_list(d, "workers");
	for (size_t i = 0; i < p->nworkers; i++)
		worker_ctx(req, tlist_add(ws), &p->workers[i]);
}

static void db_ctx(struct request *req, struct tdict *ctx, const struct poolstat_db *db)
{
	struct tdict *d = tdict_dict(ctx, "db");
	tdict_set_bool(d, "reachable", db->reachable);
	if (!db->reachable)
		return;
	tdict_set(d, "version", db->state.version != NULL ? db->state.version : "?");
	tdict_set_ref(d, "uptime", span(req->arena, (uint64_t)db->state.uptime_s));
	tdict_setf(d, "threads_connected", "%lld", db->state.threads_connected);
	tdict_setf(d, "threads_running", "%lld", db->state.threads_running);
	tdict_setf(d, "max_connections", "%lld", db->state.max_connections);
	tdict_setf(d, "query_ms", "%lld", db->state.query_ms);
}

static int render_json(struct response *res, const struct poolstat *st)
{
	json_t *root = poolstat_json(st);
	char *text = root != NULL ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(root);
	if (text == NULL)
		return -1;
	buf_puts(&res->body, text);
	buf_puts(&res->body, "\n");
	free(text);
	res->status = 200;
	res->content_type = "application/json";
	return 0;
}

static int render_html(struct request *req, struct response *res, const struct poolstat *st,
                       long long refresh)
{
	struct tdict *ctx = view_ctx(req, "Pool status");
	tdict_set_ref(ctx, "time", utc(req->arena, st->at_unix));
	struct tlist *pools = tdict_list(ctx, "pools");
	for (int k = 0; k < POOL__MAX; k++)
		pool_ctx(req, tlist_add(pools), &st->pools[k]);
	db_ctx(req, ctx, &st->db);
	if (refresh > 0) {
		/* The Refresh header reloads the page without any script; the link stops it. */
		char secs[24];
		snprintf(secs, sizeof(secs), "%lld", refresh);
		http_header(res, "Refresh", secs);
		tdict_set(ctx, "refresh", secs);
	}
	return view_render(req, res, 200, "admin/status", ctx);
}

int handle_staff_status(struct request *req, struct response *res)
{
	const char *r = http_query(req, "refresh");
	long long refresh = 0;
	if (r != NULL && (!valid_id(r, &refresh) || refresh > REFRESH_MAX_S)) {
		view_error(req, res, 400);
		return 0;
	}
	struct poolstat st;
	poolstat_gather(req->cfg, req->db, req->arena, &st);
	res->no_store = true; /* a monitor must see the state now, never a cached one */
	if (http_query(req, "json") != NULL)
		return render_json(res, &st);
	return render_html(req, res, &st, refresh);
}
