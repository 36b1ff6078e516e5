/* worker.c — one preforked FastCGI worker: accept, parse, dispatch, respond, repeat. */
#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arena.h"
#include "batch.h"
#include "config.h"
#include "fcgi_wipe.h"
#include "db/db.h"
#include "privacy/audit.h"
#include "form.h"
#include "http.h"
#include "log.h"
#include "peer.h"
#include "access.h"
#include "router.h"
#include "session.h"
#include "unsubscribe.h"
#include "scoreboard.h"
#include "template.h"
#include "view.h"

static volatile sig_atomic_t worker_stop;

static void on_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* Copies a FastCGI parameter into the arena ("" if absent). */
static const char *param(struct arena *a, FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);
	return arena_strdup(a, v != NULL ? v : "");
}

/* nginx's $request_id (32 hex digits) names the request in its log and in the audit log;
 * without one (another front end), a random id of the same shape. */
static const char *request_id(struct arena *a, const char *given)
{
	size_t n = strlen(given);
	bool ok = n >= 8 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (given[i] >= '0' && given[i] <= '9') || (given[i] >= 'a' && given[i] <= 'f');
	if (ok)
		return given;
	unsigned char raw[16];
	char *hex = arena_alloc(a, 33);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, 33, raw, sizeof(raw));
	return hex;
}

static enum http_method parse_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

/* Reads and parses the body of a POST to route.  Every route takes urlencoded bodies of up to
 * max_body; a ROUTE_UPLOAD route also multipart/form-data ones of up to max_upload (a file),
 * and only it: a large body is read for no other route.  Returns 0, or the HTTP status to
 * answer. */
static int read_body(struct request *req, FCGX_Request *fr, const struct route *route)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	const char *ct = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	if (cl == NULL || *cl == '\0')
		return 411;
	bool multipart = (route->methods & ROUTE_UPLOAD) != 0 && ct != NULL &&
	                 strncasecmp(ct, "multipart/form-data", 19) == 0;
	size_t max = multipart ? req->cfg->max_upload : req->cfg->max_body;
	size_t len = 0;
	for (const char *p = cl; *p; p++) {
		if (*p < '0' || *p > '9' || len > max)
			return *p < '0' || *p > '9' ? 400 : 413;
		len = len * 10 + (size_t)(*p - '0');
	}
	if (len > max)
		return 413;
	if (len == 0)
		return 0;
	if (!multipart &&
	    (ct == NULL || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
	     (ct[33] != '\0' && ct[33] != ';')))
		return 415;
	char *body = arena_alloc(req->arena, len + 1);
	int got = FCGX_GetStr(body, (int)len, fr->in);
	if (got < 0 || (size_t)got != len)
		return 400; /* short body: the client went away or lied */
	if (multipart)
		return multipart_parse(req->arena, ct, body, len, &FORM_LIMITS_DEFAULT, &req->form,
		                       &req->files) < 0
		           ? 400
		           : 0;
	if (form_parse_urlencoded(req->arena, body, len, &FORM_LIMITS_DEFAULT, &req->form) < 0)
		return 400;
	return 0;
}

/* Fills req from the FastCGI environment. Returns 0, or the HTTP status to answer. */
static int build_request(struct request *req, FCGX_Request *fr)
{
	struct arena *a = req->arena;
	req->method = parse_method(param(a, fr, "REQUEST_METHOD"));
	req->path = param(a, fr, "DOCUMENT_URI");
	req->query_string = param(a, fr, "QUERY_STRING");
	req->remote_addr = param(a, fr, "REMOTE_ADDR");
	req->user_agent = param(a, fr, "HTTP_USER_AGENT");
	req->host = param(a, fr, "HTTP_HOST");
	req->fetch_site = param(a, fr, "HTTP_SEC_FETCH_SITE");
	req->https = strcmp(param(a, fr, "HTTPS"), "on") == 0;
	req->request_id = request_id(a, param(a, fr, "REQUEST_ID"));
	if (!form_text_ok(req->path, strlen(req->path)))
		return 400;
	if (form_parse_urlencoded(a, req->query_string, strlen(req->query_string),
	                          &FORM_LIMITS_DEFAULT, &req->query) < 0)
		return 400;
	const char *cookie = FCGX_GetParam("HTTP_COOKIE", fr->envp);
	if (cookie != NULL &&
	    form_parse_cookies(a, cookie, strlen(cookie), &FORM_LIMITS_DEFAULT, &req->cookies) < 0)
		return 400;
	return 0; /* a POST's body is read once its route is known (dispatch) */
}

static void write_response(FCGX_Request *fr, const struct request *req, struct response *res,
                           struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "Status: %d %s\r\n", res->status, http_reason(res->status));
	buf_printf(out, "Content-Type: %s\r\n",
	           res->content_type ? res->content_type : "text/html; charset=utf-8");
	/* A signed-in page shows at least the customer's name: never cacheable. */
	bool no_store = res->no_store || req->session != NULL;
	buf_puts(out, no_store ? "Cache-Control: no-store\r\n" : "Cache-Control: no-cache\r\n");
	buf_printf(out, "Content-Length: %zu\r\n", res->body.len);
	buf_append(out, res->headers.data ? res->headers.data : "", res->headers.len);
	/* For nginx's traffic log only (fastcgi_hide_header): the page as its route pattern, so
	 * the log holds no order or product id; "-" for no route. */
	buf_printf(out, "X-Ditto-Route: %s\r\n", res->route != NULL ? res->route : "-");
	/* Test stacks name the worker that answered and what it holds unwritten (batch.h): the
	 * tests reach every worker's cache and kill one that holds views. */
	if (req->cfg != NULL && req->cfg->test_routes)
		buf_printf(out, "X-Ditto-Worker: %d\r\nX-Ditto-Batched: %zu\r\n", (int)getpid(),
		           batch_pending());
	buf_puts(out, "\r\n");
	if (req->method != HTTP_HEAD)
		buf_append(out, res->body.data ? res->body.data : "", res->body.len);
	/* A vanished client makes this fail with EPIPE: nothing to do, the worker lives on. */
	if (FCGX_PutStr(out->data, (int)out->len, fr->out) < 0)
		log_debug("client went away during %s", req->path);
}

/* Routes the request, reads a POST's body, runs the access step, then the handler. */
static void dispatch(const struct worker_ctx *w, struct request *req, struct response *res,
                     FCGX_Request *fr)
{
	const struct route *route;
	enum router_result found = router_match(w->routes, w->nroutes, req->arena, req->method,
	                                        req->path, &route, req->params, &req->nparams);
	if (req->method == HTTP_POST) {
		/* A body is checked first, as before routing was needed for it: a bad one is 400
		 * (or 411, 413, 415) whatever the path.  Only a ROUTE_UPLOAD route reads more. */
		static const struct route plain = {.methods = HTTP_POST};
		int bad = read_body(req, fr, found == ROUTER_FOUND ? route : &plain);
		if (bad != 0) {
			view_error(req, res, bad);
			return;
		}
	}
	switch (found) {
	case ROUTER_NOT_FOUND:
		view_error(req, res, 404);
		return;
	case ROUTER_METHOD_NOT_ALLOWED:
		http_header(res, "Allow", "GET, HEAD, POST");
		view_error(req, res, 405);
		return;
	case ROUTER_FOUND:
		break;
	}
	res->route = route->pattern;
	if (!access_check(w->site, req, res, route))
		return;
	if (route->fn(req, res) < 0) {
		/* The cause was logged where it happened (if it was ours to log); this names the
		 * route, for the operator who greps by request. */
		log_warn("%s failed (request %s)", route->name, req->request_id);
		buf_reset(&res->body);
		buf_reset(&res->headers);
		view_error(req, res, db_unavailable(req->db) ? 503 : 500);
	}
	http_read_names_header(req, res);
}

/* The pool's totals for /admin/status: 5xx answers, and requests at least slow_request_ms long
 * (also logged, path only, like the slow log of php-fpm). */
static void count_response(const struct worker_ctx *w, const struct response *res)
{
	uint64_t took = now_ms() - w->slot->req_start_ms;
	w->slot->last_ms = took;
	if (res->status >= 500)
		__atomic_add_fetch(&w->sb->errors_5xx, 1, __ATOMIC_RELAXED);
	if ((long)took >= w->pool->slow_request_ms) {
		__atomic_add_fetch(&w->sb->slow, 1, __ATOMIC_RELAXED);
		log_warn("slow request: %s %s took %llu ms", w->slot->method, w->slot->uri,
		         (unsigned long long)took);
	}
}

static long current_rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * Serves a connection only when its peer is the pool's peer_user (nginx). Another local
 * process that got onto the socket is refused before any answer: its connection is closed
 * at once (not through libfcgi's close, which waits for the peer to hang up) and logged.
 */
static bool peer_ok(const struct worker_ctx *w, FCGX_Request *fr)
{
	uid_t got;
	if (peer_allowed(fr->ipcFd, w->pool->peer_uid, &got))
		return true;
	if (got == (uid_t)-1)
		log_warn("refused a connection whose peer is unknown (peer_user is %s)",
		         w->pool->peer_user);
	else
		log_warn("refused a connection from uid %u (peer_user is %s)", (unsigned)got,
		         w->pool->peer_user);
	close(fr->ipcFd);
	fr->ipcFd = -1;
	FCGX_Free(fr, 1);
	return false;
}

#define REFUSED_LOG_EVERY_MS 10000 /* one line per worker at most this often */

/*
 * A TCP pool's connection: accepted here, not by libfcgi, so that a peer outside web_servers
 * is closed before a byte of it is read (libfcgi's FCGX_Accept_r reads the first records
 * before it returns). The refusal is logged at most once per REFUSED_LOG_EVERY_MS per worker,
 * with how many were refused since the last line: a scan cannot fill the log. Returns the
 * connection, or -1 (nothing to serve: lost the race, or refused).
 */
static int accept_web_server(const struct worker_ctx *w)
{
	static uint64_t last_log_ms;
	static unsigned long refused_unlogged;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(w->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept failed: %s", strerror(errno));
		return -1;
	}
	if (ip_allowed(&w->pool->allow, (struct sockaddr *)&ss, len)) {
		int one = 1; /* libfcgi writes a response as several records */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return fd;
	}
	refused_unlogged++;
	uint64_t now = now_ms();
	if (last_log_ms == 0 || now - last_log_ms >= REFUSED_LOG_EVERY_MS) {
		char addr[64];
		ip_format((struct sockaddr *)&ss, len, addr, sizeof(addr));
		log_warn(
		    "refused a connection from %s: not in web_servers (%lu refused by this worker "
		    "since its last such line)",
		    addr, refused_unlogged);
		refused_unlogged = 0;
		last_log_ms = now;
	}
	close(fd); /* after the log line: whoever sees the close finds it logged */
	return -1;
}

static struct db *open_db(const struct worker_ctx *w)
{
	char password[256];
	if (config_read_secret(w->pool->db_password_file, password, sizeof(password)) < 0) {
		log_error("cannot read %s", w->pool->db_password_file);
		return NULL;
	}
	struct db_params p = {
	    .hosts = config_db_hosts(w->cfg),
	    .tls_ca = w->cfg->db_tls_ca,
	    .tls_cert = w->cfg->db_tls_cert,
	    .tls_key = w->cfg->db_tls_key,
	    .failback_seconds = w->cfg->db_failback_seconds,
	    .name = w->cfg->db_name,
	    .user = w->pool->db_user,
	    .password = password,
	    /* Set after connecting, and again after each request that set a staff role. */
	    .role = w->pool->db_role[0] != '\0' ? w->pool->db_role : NULL,
	};
	struct db *db = db_new(&p);
	sodium_memzero(password, sizeof(password));
	return db;
}

static struct sb_slot *own_slot;

struct sb_slot *worker_slot(void)
{
	return own_slot;
}

int worker_run(const struct worker_ctx *w)
{
	own_slot = w->slot;
	sigset_t term, old;
	struct sigaction sa = {0};
	int status = 0;

	/* Card data lives in worker memory during checkout: never dump it. */
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);

	/* Installed after FCGX_Init so ours win; no SA_RESTART, so ppoll() sees EINTR. */
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigprocmask(SIG_BLOCK, &term, &old);

	char err[512];
	struct tmpl_set *views = tmpl_set_load(w->cfg->templates, err, sizeof(err));
	if (views == NULL) {
		log_error("templates: %s", err);
		return 1;
	}
	if (session_key_load(w->cfg->secret_file) < 0 || unsub_key_load(w->cfg->secret_file) < 0) {
		log_error("cannot read the site key from %s", w->cfg->secret_file);
		tmpl_set_free(views);
		return 1;
	}
	/* Only the staff pool writes audit rows, so only it holds the key of their pseudonyms. */
	if (w->pool->kind == POOL_STAFF && audit_key_load(w->cfg->audit_key_file) < 0) {
		log_error("cannot read the audit pseudonym key from %s", w->cfg->audit_key_file);
		tmpl_set_free(views);
		return 1;
	}
	struct db *db = open_db(w);
	if (db == NULL) {
		tmpl_set_free(views);
		return 1;
	}

	FCGX_Request fr;
	/* A TCP pool's connections are accepted by accept_web_server: libfcgi gets no listening
	 * socket to accept from behind the allow-list's back. */
	bool tcp = w->pool->listen.tcp;
	FCGX_InitRequest(&fr, tcp ? -1 : w->listen_fd, 0);
	struct arena *arena = arena_new();
	struct response res = {0};
	struct buf out = {0};
	w->slot->rss_kb = current_rss_kb(); /* the status page shows it before any request */
	w->slot->stage = SB_IDLE;

	for (long served = 0; served < w->pool->max_requests;) {
		/*
		 * SIGTERM is delivered only inside ppoll(), while no connection is ours. It stays
		 * blocked in FCGX_Accept_r: libfcgi neither retries reads interrupted by a signal
		 * nor the select() it runs on a fresh connection, so a signal there would drop a
		 * request nginx already handed over. The listening socket is non-blocking, so a
		 * worker that loses the race for a connection gets EAGAIN and waits again.
		 */
		if (worker_stop)
			break;
		/* Deferred writes wait at most their interval, also while no request comes. */
		int due = batch_due_in(now_ms());
		if (due == 0) {
			(void)batch_flush(db);
			continue;
		}
		struct timespec wait = {.tv_sec = due / 1000,
		                        .tv_nsec = (long)(due % 1000) * 1000000};
		struct pollfd pfd = {.fd = w->listen_fd, .events = POLLIN};
		int ready = ppoll(&pfd, 1, due < 0 ? NULL : &wait, &old);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll failed: %s", strerror(errno));
			status = 1;
			break;
		}
		if (ready == 0)
			continue; /* the batch is due: written at the top */
		if (tcp) {
			/* Hand libfcgi the accepted connection the way it holds a kept one: with
			 * keepConnection set, FCGX_Accept_r reads it instead of accepting. */
			int cfd = accept_web_server(w);
			if (cfd < 0)
				continue;
			fr.ipcFd = cfd;
			fr.keepConnection = 1;
		}
		/* On a TCP pool, -EBADF is libfcgi giving up on a connection that ended before a
		 * whole request (it then tries to accept from the listening socket it has not). */
		int rc = FCGX_Accept_r(&fr);
		if (rc < 0) {
			if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR ||
			    rc == -ECONNABORTED || (tcp && rc == -EBADF))
				continue;
			log_error("accept failed: %s", strerror(-rc));
			status = 1;
			break;
		}
		if (!tcp && !peer_ok(w, &fr))
			continue;
		served++;
		w->slot->req_start_ms = now_ms();
		w->slot->stage = SB_BUSY;
		__atomic_add_fetch(&w->sb->accepted, 1, __ATOMIC_RELAXED);

		struct request req = {0};
		req.arena = arena;
		req.cfg = w->cfg;
		req.pool = w->pool;
		req.views = views;
		req.db = db;
		req.record_reads = w->cfg->test_routes;
		buf_reset(&res.body);
		buf_reset(&res.headers);
		res.status = 500;
		res.content_type = NULL;
		res.route = NULL; /* set by dispatch once a route matched */
		res.no_store = true;
		const char *m = FCGX_GetParam("REQUEST_METHOD", fr.envp);
		const char *u = FCGX_GetParam("DOCUMENT_URI", fr.envp);
		snprintf(w->slot->method, sizeof(w->slot->method), "%s", m ? m : "");
		snprintf(w->slot->uri, sizeof(w->slot->uri), "%s", u ? u : "");

		int bad = build_request(&req, &fr);
		if (bad != 0)
			view_error(&req, &res, bad);
		else
			dispatch(w, &req, &res, &fr);
		/* Counted before the answer leaves: a client that reads /admin/status right
		 * after its slow or failed request must find it counted. */
		count_response(w, &res);
		write_response(&fr, &req, &res, &out);
		/* libfcgi would free the raw records (card numbers in a checkout's body) unwiped.
		 */
		fcgi_wipe_input(&fr);
		FCGX_Finish_r(&fr);
		/* A connection nginx asked to keep (fastcgi_keep_conn on) is closed all the same,
		 * at once: a worker waiting on an idle kept connection serves no new one, and
		 * nginx may keep more idle connections than a pool has workers. nginx must not ask
		 * (deploy/nginx-ditto-upstream.conf): it could reuse the connection in the instant
		 * before this close reaches it. A no-op for a connection already closed. */
		if (tcp)
			FCGX_Free(&fr, 1);
		/* Whatever role the access step set for a staff member ends with the request. */
		if (db_set_role(db, NULL) < 0)
			log_error("cannot reset the database role: %s", db_error(db));
		/* On a fallback node, back to the preferred one once it may be tried again. */
		db_failback(db);

		/* Passwords and card data were in this request's memory: wipe, then reuse. */
		if (req.method == HTTP_POST)
			arena_wipe(arena);
		arena_reset(arena);
		w->slot->requests = (uint64_t)served;
		if (served % 64 == 1) /* reading /proc costs a few syscalls: sample it */
			w->slot->rss_kb = current_rss_kb();
		w->slot->stage = SB_IDLE;
		/* After the answer left: no request waits for these. */
		if (batch_due_in(now_ms()) == 0)
			(void)batch_flush(db);
	}
	w->slot->stage = SB_EXITING;
	(void)batch_flush(db); /* recycled or stopped: nothing noted is left behind */
	buf_free(&out);
	buf_free(&res.body);
	buf_free(&res.headers);
	arena_free(arena);
	db_free(db);
	tmpl_set_free(views);
	return status;
}
