/* harness.h — helpers for integration tests: HTTP through the real nginx, the stack's state dir. */
#ifndef DITTO_TEST_HARNESS_H
#define DITTO_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One HTTP exchange's outcome. Free with http_resp_free. */
struct http_resp {
	long status; /* 0 when the connection failed */
	char *body;  /* NUL-terminated */
	size_t len;
	char *headers; /* raw response headers, NUL-terminated */
};

/*
 * Base URLs and paths from the environment scripts/test sets:
 * DITTO_WEB_URL, DITTO_STAFF_URL, DITTO_STATE_DIR, DITTO_REPO.
 * Returns NULL when unset (the test then skips with exit 77).
 */
const char *env_web(void);
const char *env_staff(void);
const char *env_state(void);
const char *env_repo(void);
/* Exits 77 (skipped) unless the stack environment is present. */
void harness_require_stack(void);

/* GET base+path. Returns 0 or -1 when curl itself failed. */
int http_get(const char *base, const char *path, struct http_resp *r);
/*
 * Sends method to base+path with an optional body (Content-Type
 * application/x-www-form-urlencoded) and an optional Cookie header.
 */
int http_send(const char *method, const char *base, const char *path, const char *body,
              size_t body_len, const char *cookie, struct http_resp *r);
void http_resp_free(struct http_resp *r);
/* Returns the value of header name (case-insensitive) in a malloc'd string, or NULL. */
char *http_header_value(const struct http_resp *r, const char *name);

/* Runs a shell command from the repository root; returns its exit status. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a SQL statement as the MariaDB admin on the test stack; returns the exit status. */
int sql_admin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads the first integer printed by a SQL query run as admin (-1 on error). */
long long sql_admin_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The pool master's pid from DIR/run/POOL.pid, or -1. */
pid_t pool_master_pid(const char *pool);
/* Fills pids with the master's current children; returns how many (at most max). */
int pool_worker_pids(pid_t master, pid_t *pids, int max);
/* Polls fn every 100 ms for up to ms; returns true as soon as it does. */
bool eventually(bool (*fn)(void *), void *arg, int ms);

/* A background load: nthreads threads GET base+path until stopped. */
struct load;
struct load *load_start(const char *base, const char *path, int nthreads);
/* Stops the load; stores how many requests succeeded (2xx) and how many did not. */
void load_stop(struct load *l, long *ok, long *failed);

#endif
