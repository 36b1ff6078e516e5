/* harness.h — helpers for integration tests: HTTP through the real nginx, the stack's state dir. */
#ifndef DITTO_TEST_HARNESS_H
#define DITTO_TEST_HARNESS_H

#include <stdarg.h>
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
/* Prints "harness: <message>" on stderr and aborts: a broken precondition, not a test result. */
void harness_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Exits 77 (skipped) unless the stack environment is present. */
void harness_require_stack(void);
/* True when the target is scripts/cluster (DITTO_TARGET=cluster, set by `scripts/test cluster`):
 * two app hosts behind nginx's upstream over three Galera nodes. */
bool on_cluster(void);
/* On the cluster, prints "# skipped on the cluster: <why>" and skips the calling cmocka test
 * (counted as skipped); on the single stack, does nothing. */
#define skip_on_cluster(why)                                                                       \
	do {                                                                                       \
		if (on_cluster()) {                                                                \
			printf("# skipped on the cluster: %s\n", (why));                           \
			skip();                                                                    \
		}                                                                                  \
	} while (0)
/* How many app hosts the target has (1, or 2 on the cluster), and app host i's state dir
 * (0: DITTO_STATE_DIR; 1: its app2/). Static buffer. */
int app_host_count(void);
const char *app_host_dir(int i);

/* Requests of the calling thread leave from addr (a loopback address such as 127.3.4.5, so
 * a test has a network of its own for the throttles); NULL or "" for the default. */
void http_source(const char *addr);
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
/* The order id of a redirect to /orders/ID (a placed checkout's 303), or 0. */
long long order_of_location(const struct http_resp *r);

/* A complete FastCGI GET /healthz as nginx sends it (responder, no keep-alive) into out (at
 * least 512 bytes); returns its length. For the tests that talk to a pool's socket directly. */
size_t fcgi_healthz_request(unsigned char *out);

pid_t pool_master_pid(const char *pool);
/* The same for the app host whose state dir is dir (app_host_dir). */
pid_t pool_master_pid_in(const char *dir, const char *pool);
/* Fills pids with the master's current children; returns how many (at most max). */
int pool_worker_pids(pid_t master, pid_t *pids, int max);
/* Polls fn every 100 ms for up to ms; returns true as soon as it does. */
bool eventually(bool (*fn)(void *), void *arg, int ms);
/* Waits until every worker has written the views and session stamps it batched (app/batch.h:
 * within BATCH_INTERVAL_MS of the request, a second), with half a second to spare. */
void batch_settle(void);

/* A background load: nthreads threads GET base+path until stopped. */
struct load;
struct load *load_start(const char *base, const char *path, int nthreads);
/* Stops the load; stores how many requests succeeded (2xx) and how many did not. */
void load_stop(struct load *l, long *ok, long *failed);

/* A browser-like client: keeps the cookies the server sets. */
struct client {
	int n;
	char name[8][64];
	char value[8][160];
};
/* Returns the client's Cookie header ("" when it has none). Static buffer. */
const char *client_cookie(const struct client *c);
/* Value of cookie name held by the client, or NULL. */
const char *client_get_cookie(const struct client *c, const char *name);
void client_set_cookie(struct client *c, const char *name, const char *value);
/* GET/POST through nginx with the client's cookies; stores the ones the response sets. */
int client_get(struct client *c, const char *base, const char *path, struct http_resp *r);
int client_post(struct client *c, const char *base, const char *path, const char *body,
                struct http_resp *r);
/* The value of the first hidden csrf field in an HTML body, malloc'd, or NULL. */
char *html_csrf(const char *body);
/* URL-encodes s into a static buffer (one at a time). */
const char *urlenc(const char *s);
/* A name unique to this test run (prefix + pid + counter), static buffer per call slot. */
const char *unique(const char *prefix);

/* Customer helpers (they abort on a transport failure). */
#define TEST_PASSWORD "lantern quartz meadow 4711"
/* The csrf token of the form at path, fetched with the client's cookies. */
char *form_csrf(struct client *c, const char *path);
/* POSTs an urlencoded body; returns the status (0 if the request failed). */
long post_form(struct client *c, const char *path, const char *body, struct http_resp *r);
/* Registers user through /register (as a fresh visitor); returns the status. */
long do_register(const char *user, const char *email, const char *password_urlencoded);
/* user@example.com in a static buffer. */
const char *mail_of(const char *user);
/* Runs `dittoctl customer CMD USER`; aborts if it fails. */
void ctl_ok(const char *cmd, const char *user);
/* A freshly registered and approved customer (password TEST_PASSWORD); returns the username. */
const char *approved_user(void);
/*
 * Puts customer id under the first policy version that allows profiling, so that product views
 * feed a viewing profile whatever version other tests published last.  Aborts on failure.
 */
void customer_under_profiling_version(long long id);
/* Signs in through /login; returns the status; *out (if given) keeps the response. */
long do_login(struct client *c, const char *user, const char *password, struct http_resp *out);

/* What one dittoctl run left behind. */
struct ctl_run {
	int status; /* dittoctl's exit status */
	char out[16384];
	char err[4096];
	int err_lines; /* line breaks in err */
};
/* Reads up to cap - 1 bytes of path into buf, NUL-terminated ("" when it cannot be opened). */
void slurp_file(const char *path, char *buf, size_t cap);
/* The whole of path, NUL-terminated and malloc'd ("" when it cannot be opened): for logs,
 * which earlier tests may have grown past any fixed buffer. */
char *slurp_all(const char *path);
/*
 * DIR/run/test-TAG-PID-SLOT.WHAT: a scratch file of dittoctl run slot
 * (0: ctl_run_v, 1 and 2: ctl_run_twice) of the test named tag, whose
 * teardown removes DIR/run/test-TAG-*.
 */
void ctl_scratch_path(char *buf, size_t cap, const char *tag, int slot, const char *what);
/*
 * Runs `dittoctl --config DIR/ditto.conf ARGS` (ARGS from fmt, a shell
 * fragment) from the repository root with input (a line, or NULL for
 * /dev/null) on stdin, and stores what it left in r (slot 0's scratch
 * files).  Returns 0, or -1 when the input could not be written (r is
 * then unchanged).
 */
int ctl_run_v(struct ctl_run *r, const char *tag, const char *input, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/*
 * Starts `dittoctl ARGS` twice at the same moment (slots 1 and 2), input as
 * for ctl_run_v, waits for both and stores what each left in r[0], r[1].
 * Returns 0, or -1 when the input could not be written or the shell failed.
 */
int ctl_run_twice(struct ctl_run r[2], const char *tag, const char *input, const char *args);

#endif
