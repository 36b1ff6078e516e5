/* poolstat.h — the status report of /admin/status: both pools' masters, workers and totals (from
 * their scoreboard files), their listen queues and the database's state, gathered once and
 * rendered twice (the HTML page from a template, the JSON for monitoring by poolstat_json). */
#ifndef DITTO_POOLSTAT_H
#define DITTO_POOLSTAT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db/server.h"

struct arena;
struct db;

/* One worker as its slot said at the moment of reading. */
struct poolstat_worker {
	long pid;
	const char *state;   /* "starting", "idle", "busy", "exiting" */
	uint64_t requests;   /* served so far */
	uint64_t age_s;      /* since it started */
	long rss_kb;         /* resident memory now (or at its last sample; 0 unknown) */
	const char *method;  /* busy: the current request's method; else NULL */
	const char *route;   /* busy: its path (never the query); else NULL */
	uint64_t running_ms; /* busy: how long the current request has run */
	uint64_t last_ms;    /* how long its last finished request took */
};

/* One pool: up (its master runs and its scoreboard was read) or down with a reason. */
struct poolstat_pool {
	const char *name; /* "web", "staff" */
	bool up;
	const char *down_reason; /* when !up: "not running", "master gone", ... */
	long master_pid;
	int64_t started_unix; /* the master's start, wall clock */
	uint64_t uptime_s;
	int workers_wanted; /* configured */
	int idle, busy, starting, exiting;
	uint64_t accepted, errors_5xx, slow, killed_timeout, respawns, reloads;
	long slow_ms;     /* the slow-request threshold */
	bool queue_known; /* the kernel told the listen queue */
	long listen_queue, listen_backlog;
	size_t nworkers;
	struct poolstat_worker *workers;
};

struct poolstat_db {
	bool reachable;
	struct db_server_state state; /* when reachable */
};

struct poolstat {
	int64_t at_unix; /* when it was gathered */
	struct poolstat_pool pools[POOL__MAX];
	struct poolstat_db db;
};

/*
 * Reads the pool name's scoreboard file at sb_path and its listen queue
 * at socket into out (allocations in a).  A missing, foreign or stale file
 * gives a pool that is down, with its reason; never fails.
 */
void poolstat_pool_read(struct arena *a, const char *name, const char *sb_path, const char *socket,
                        struct poolstat_pool *out);

/* Gathers every pool of cfg and, through db, the database's state. Never fails: what cannot be
 * read is reported as down or unreachable. */
void poolstat_gather(const struct config *cfg, struct db *db, struct arena *a,
                     struct poolstat *out);

/* The report as JSON (keys documented in README.md, "The status page"); the caller
 * json_decref()s it. NULL on out-of-memory. */
json_t *poolstat_json(const struct poolstat *s);

#endif
