/* worker.h — one preforked FastCGI worker: accept, parse, dispatch, respond, repeat. */
#ifndef DITTO_WORKER_H
#define DITTO_WORKER_H

#include <stddef.h>

struct config;
struct pool_config;
struct scoreboard;
struct sb_slot;
struct route;
struct site;

struct worker_ctx {
	int listen_fd; /* the pool's shared FastCGI socket */
	const struct config *cfg;
	const struct pool_config *pool;
	struct scoreboard *sb;
	struct sb_slot *slot;       /* this worker's scoreboard slot */
	const struct site *site;    /* the application: route tables, refusal page */
	const struct route *routes; /* this pool's routes (site's table, test routes or not) */
	size_t nroutes;
};

/* This worker's scoreboard slot (NULL outside a worker): for the test routes that play a
 * misbehaving worker. */
struct sb_slot *worker_slot(void);

/*
 * Runs in the child after fork: serves requests until max_requests is
 * reached or SIGTERM arrives (the request in flight always finishes).
 * Returns the process exit status: 0 for a planned exit, 1 when the worker
 * could not start (templates unreadable, no socket).
 */
int worker_run(const struct worker_ctx *w);

#endif
