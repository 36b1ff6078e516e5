/* poolstat.c — gathers the status report of /admin/status and renders it as JSON. */
#include "poolstat.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "listenq.h"
#include "scoreboard.h"

/* Another process's resident memory from /proc/PID/statm, or fallback (the worker's own last
 * sample) when /proc does not say. */
static long rss_kb_of(long pid, long fallback)
{
	char path[64];
	long pages = 0, rss = 0;
	snprintf(path, sizeof(path), "/proc/%ld/statm", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return fallback;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss > 0 ? rss * (sysconf(_SC_PAGESIZE) / 1024) : fallback;
}

static void worker_read(struct arena *a, const struct sb_slot *s, uint64_t now,
                        struct poolstat_worker *w)
{
	w->pid = (long)s->pid;
	w->state = sb_stage_name(s->stage);
	w->requests = s->requests;
	w->age_s = now > s->started_ms ? (now - s->started_ms) / 1000u : 0;
	w->rss_kb = rss_kb_of(w->pid, s->rss_kb);
	w->last_ms = s->last_ms;
	if (s->stage == SB_BUSY) {
		w->method = arena_strndup(a, s->method, strnlen(s->method, sizeof(s->method)));
		w->route = arena_strndup(a, s->uri, strnlen(s->uri, sizeof(s->uri)));
		w->running_ms = now > s->req_start_ms ? now - s->req_start_ms : 0;
	}
}

static void count_stage(struct poolstat_pool *p, int stage)
{
	switch (stage) {
	case SB_IDLE:
		p->idle++;
		break;
	case SB_BUSY:
		p->busy++;
		break;
	case SB_STARTING:
		p->starting++;
		break;
	default:
		p->exiting++;
	}
}

/* Copies the totals and every occupied slot of sb (a live master's) into out. */
static void pool_fill(struct arena *a, const struct scoreboard *sb, struct poolstat_pool *out)
{
	uint64_t now = now_ms();
	out->master_pid = (long)sb->master_pid;
	out->started_unix = sb->master_started_unix;
	out->uptime_s = now > sb->master_started_ms ? (now - sb->master_started_ms) / 1000u : 0;
	out->workers_wanted = sb->workers_wanted;
	out->slow_ms = sb->slow_ms;
	out->accepted = sb->accepted;
	out->errors_5xx = sb->errors_5xx;
	out->slow = sb->slow;
	out->killed_timeout = sb->killed_slow;
	out->respawns = sb->respawns;
	out->reloads = sb->reloads;
	size_t n = 0;
	for (int i = 0; i < sb->nslots && i < SB_MAX_SLOTS; i++)
		n += sb->slots[i].pid != 0;
	out->workers = arena_alloc(a, sizeof(*out->workers) * (n + 1));
	for (int i = 0; i < sb->nslots && i < SB_MAX_SLOTS && out->nworkers < n; i++) {
		const struct sb_slot *s = &sb->slots[i];
		if (s->pid == 0)
			continue;
		worker_read(a, s, now, &out->workers[out->nworkers++]);
		count_stage(out, s->stage);
	}
}

void poolstat_pool_read(struct arena *a, const char *name, const char *sb_path, const char *socket,
                        struct poolstat_pool *out)
{
	memset(out, 0, sizeof(*out));
	out->name = name;
	/* About 80 KiB: in the arena, not on the stack. */
	struct scoreboard *sb = arena_alloc(a, sizeof(*sb));
	if (sb_path[0] == '\0') {
		out->down_reason = "unknown (no scoreboard file: a TCP pool without pid_file)";
		return;
	}
	switch (scoreboard_read(sb_path, sb)) {
	case SB_READ_OK:
		break;
	case SB_READ_MISSING:
		out->down_reason = "not running (no scoreboard file)";
		return;
	case SB_READ_STALE:
		out->down_reason = "not running (its master is gone)";
		out->master_pid = (long)sb->master_pid;
		return;
	default:
		out->down_reason = "unknown (the scoreboard file cannot be read)";
		return;
	}
	out->up = true;
	pool_fill(a, sb, out);
	out->queue_known = listenq_socket(socket, &out->listen_queue, &out->listen_backlog) == 0;
}

void poolstat_gather(const struct config *cfg, struct db *db, struct arena *a, struct poolstat *out)
{
	memset(out, 0, sizeof(*out));
	out->at_unix = (int64_t)time(NULL);
	const struct pool_config *pools[POOL__MAX] = {
	    [POOL_WEB] = &cfg->web, [POOL_STAFF] = &cfg->staff};
	for (int k = 0; k < POOL__MAX; k++) {
		char path[CONFIG_STR + 32];
		const char *name = pool_kind_name((enum pool_kind)k);
		/* A TCP pool has no socket file: its scoreboard lies beside its pid file. */
		const char *anchor = pools[k]->listen.tcp ? pools[k]->pid_file : pools[k]->socket;
		if (anchor[0] == '\0' || scoreboard_path(anchor, name, path, sizeof(path)) < 0)
			path[0] = '\0';
		poolstat_pool_read(a, name, path, pools[k]->socket, &out->pools[k]);
	}
	out->db.reachable = db != NULL && db_server_state(db, a, &out->db.state) == 0;
}

/* ---- JSON ---- */

static json_t *str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *worker_json(const struct poolstat_worker *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "pid", json_integer(w->pid));
	json_object_set_new(o, "state", json_string(w->state));
	json_object_set_new(o, "requests", json_integer((json_int_t)w->requests));
	json_object_set_new(o, "age_s", json_integer((json_int_t)w->age_s));
	json_object_set_new(o, "rss_kb", json_integer(w->rss_kb));
	json_object_set_new(o, "method", str_or_null(w->method));
	json_object_set_new(o, "route", str_or_null(w->route));
	json_object_set_new(o, "running_ms",
	                    w->route != NULL ? json_integer((json_int_t)w->running_ms)
	                                     : json_null());
	json_object_set_new(o, "last_request_ms", json_integer((json_int_t)w->last_ms));
	return o;
}

/* "2026-11-30T12:00:00Z" */
static json_t *utc_json(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static json_t *pool_json(const struct poolstat_pool *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "up", json_boolean(p->up));
	if (!p->up) {
		json_object_set_new(o, "reason", json_string(p->down_reason));
		return o;
	}
	json_object_set_new(o, "master_pid", json_integer(p->master_pid));
	json_object_set_new(o, "start_time", utc_json(p->started_unix));
	json_object_set_new(o, "start_unix", json_integer(p->started_unix));
	json_object_set_new(o, "uptime_s", json_integer((json_int_t)p->uptime_s));
	json_object_set_new(o, "workers_configured", json_integer(p->workers_wanted));
	json_object_set_new(o, "idle", json_integer(p->idle));
	json_object_set_new(o, "busy", json_integer(p->busy));
	json_object_set_new(o, "starting", json_integer(p->starting));
	json_object_set_new(o, "exiting", json_integer(p->exiting));
	json_object_set_new(o, "accepted", json_integer((json_int_t)p->accepted));
	json_object_set_new(o, "responses_5xx", json_integer((json_int_t)p->errors_5xx));
	json_object_set_new(o, "slow_requests", json_integer((json_int_t)p->slow));
	json_object_set_new(o, "slow_request_ms", json_integer(p->slow_ms));
	json_object_set_new(o, "killed_timeout", json_integer((json_int_t)p->killed_timeout));
	json_object_set_new(o, "respawns", json_integer((json_int_t)p->respawns));
	json_object_set_new(o, "reloads", json_integer((json_int_t)p->reloads));
	json_object_set_new(o, "listen_queue",
	                    p->queue_known ? json_integer(p->listen_queue) : json_null());
	json_object_set_new(o, "listen_backlog",
	                    p->queue_known ? json_integer(p->listen_backlog) : json_null());
	json_t *ws = json_array();
	for (size_t i = 0; i < p->nworkers; i++)
		json_array_append_new(ws, worker_json(&p->workers[i]));
	json_object_set_new(o, "workers", ws);
	return o;
}

static json_t *db_json(const struct poolstat_db *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "reachable", json_boolean(d->reachable));
	if (!d->reachable)
		return o;
	json_object_set_new(o, "version", str_or_null(d->state.version));
	json_object_set_new(o, "uptime_s", json_integer(d->state.uptime_s));
	json_object_set_new(o, "threads_connected", json_integer(d->state.threads_connected));
	json_object_set_new(o, "threads_running", json_integer(d->state.threads_running));
	json_object_set_new(o, "max_connections", json_integer(d->state.max_connections));
	json_object_set_new(o, "query_ms", json_integer(d->state.query_ms));
	return o;
}

json_t *poolstat_json(const struct poolstat *s)
{
	json_t *root = json_object();
	if (root == NULL)
		return NULL;
	json_object_set_new(root, "time", utc_json(s->at_unix));
	json_t *pools = json_object();
	for (int k = 0; k < POOL__MAX; k++)
		json_object_set_new(pools, s->pools[k].name, pool_json(&s->pools[k]));
	json_object_set_new(root, "pools", pools);
	json_object_set_new(root, "database", db_json(&s->db));
	return root;
}
