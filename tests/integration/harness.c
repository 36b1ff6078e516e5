/* harness.c — helpers for integration tests: HTTP through the real nginx, the stack's state dir. */
#include "harness.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

void harness_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("harness: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

const char *env_web(void)
{
	return getenv("DITTO_WEB_URL");
}

const char *env_staff(void)
{
	return getenv("DITTO_STAFF_URL");
}

const char *env_state(void)
{
	return getenv("DITTO_STATE_DIR");
}

const char *env_repo(void)
{
	return getenv("DITTO_REPO");
}

void harness_require_stack(void)
{
	if (env_web() == NULL || env_staff() == NULL || env_state() == NULL || env_repo() == NULL) {
		fprintf(stderr, "no test stack (run through scripts/test): skipping\n");
		exit(77);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sink {
	char *data;
	size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t add = size * n;
	char *d = realloc(s->data, s->len + add + 1);
	if (d == NULL)
		return 0;
	memcpy(d + s->len, p, add);
	s->len += add;
	d[s->len] = '\0';
	s->data = d;
	return add;
}

/* Appends value as one line to DIR/run/<file> (nothing without a stack): the secrets of the run
 * that the after-run privacy sweep (test_privacy_sweep.c) looks for in the traffic log and the
 * aggregate tables.  One write(2) with O_APPEND per line, so threads and test programs never
 * interleave. */
static void harness_record(const char *file, const char *value, size_t len)
{
	const char *dir = env_state();
	if (dir == NULL || *dir == '\0' || len == 0 || len > 480)
		return;
	char path[1024], line[512];
	snprintf(path, sizeof(path), "%s/run/%s", dir, file);
	int n = snprintf(line, sizeof(line), "%.*s\n", (int)len, value);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n)
		fprintf(stderr, "harness: could not record to %s\n", path);
	close(fd);
}

/* Records the value of every session cookie (shop and staff) a response sets. */
static void record_session_cookies(const char *headers)
{
	static const char *const names[] = {
	    "ditto=", "__Host-ditto=", "ditto_staff=", "__Host-ditto_staff="};
	for (const char *line = headers; line && *line;) {
		const char *eol = strstr(line, "\r\n");
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len > 11 && strncasecmp(line, "Set-Cookie:", 11) == 0) {
			const char *p = line + 11, *end = line + len;
			while (p < end && *p == ' ')
				p++;
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
				size_t nl = strlen(names[i]);
				if ((size_t)(end - p) > nl && strncmp(p, names[i], nl) == 0) {
					const char *v = p + nl,
					           *semi = memchr(v, ';', (size_t)(end - v));
					harness_record("seen-tokens", v,
					               (size_t)((semi ? semi : end) - v));
				}
			}
		}
		line = eol ? eol + 2 : NULL;
	}
}

static _Thread_local char source_addr[64];

void http_source(const char *addr)
{
	snprintf(source_addr, sizeof(source_addr), "%s", addr != NULL ? addr : "");
	if (source_addr[0] != '\0')
		harness_record("seen-addresses", source_addr, strlen(source_addr));
}

int http_send(const char *method, const char *base, const char *path, const char *body,
              size_t body_len, const char *cookie, struct http_resp *r)
{
	char url[4096];
	struct sink b = {0}, h = {0};
	snprintf(url, sizeof(url), "%s%s", base, path);
	memset(r, 0, sizeof(*r));
	CURL *c = curl_easy_init();
	if (c == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	char iface[80];
	if (source_addr[0] != '\0') {
		snprintf(iface, sizeof(iface), "host!%s", source_addr);
		curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	}
	struct curl_slist *hdrs = NULL;
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
		hdrs = curl_slist_append(hdrs, "Content-Type: application/x-www-form-urlencoded");
	}
	if (cookie != NULL) {
		char line[8192];
		snprintf(line, sizeof(line), "Cookie: %s", cookie);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (hdrs != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	r->headers = h.data ? h.data : strdup("");
	record_session_cookies(r->headers);
	return rc == CURLE_OK ? 0 : -1;
}

int http_get(const char *base, const char *path, struct http_resp *r)
{
	return http_send("GET", base, path, NULL, 0, NULL, r);
}

void http_resp_free(struct http_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

char *http_header_value(const struct http_resp *r, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strstr(line, "\r\n");
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ')
				v++;
			return strndup(v, len - (size_t)(v - line));
		}
		line = eol ? eol + 2 : NULL;
	}
	return NULL;
}

static int vsh(const char *fmt, va_list ap)
{
	char cmd[8192];
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	char full[8400];
	snprintf(full, sizeof(full), "cd '%s' && %s", env_repo(), cmd);
	int st = system(full);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

int sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vsh(fmt, ap);
	va_end(ap);
	return rc;
}

static void sql_command(char *out, size_t outlen, const char *fmt, va_list ap)
{
	char stmt[4096];
	vsnprintf(stmt, sizeof(stmt), fmt, ap);
	/* The statement goes through a file: no shell quoting of SQL. */
	char path[256];
	snprintf(path, sizeof(path), "%s/run/test-sql-%d.sql", env_state(), (int)getpid());
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fputs(stmt, f);
		fclose(f);
	}
	snprintf(out, outlen, "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto < '%s'",
	         env_state(), path);
}

int sql_admin(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	sql_command(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

long long sql_admin_int(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	sql_command(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	long long v = -1;
	if (fscanf(p, "%lld", &v) != 1)
		v = -1;
	pclose(p);
	return v;
}

bool on_cluster(void)
{
	const char *t = getenv("DITTO_TARGET");
	return t != NULL && strcmp(t, "cluster") == 0;
}

int app_host_count(void)
{
	return on_cluster() ? 2 : 1;
}

const char *app_host_dir(int i)
{
	static char dir[512];
	if (i == 0)
		snprintf(dir, sizeof(dir), "%s", env_state());
	else
		snprintf(dir, sizeof(dir), "%s/app%d", env_state(), i + 1);
	return dir;
}

pid_t pool_master_pid(const char *pool)
{
	return pool_master_pid_in(env_state(), pool);
}

pid_t pool_master_pid_in(const char *dir, const char *pool)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/run/%s.pid", dir, pool);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	int pid = -1;
	if (fscanf(f, "%d", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

int pool_worker_pids(pid_t master, pid_t *pids, int max)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)master, (int)master);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	int n = 0, pid;
	while (n < max && fscanf(f, "%d", &pid) == 1)
		pids[n++] = pid;
	fclose(f);
	return n;
}

bool eventually(bool (*fn)(void *), void *arg, int ms)
{
	for (int waited = 0; waited <= ms; waited += 100) {
		if (fn(arg))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

void batch_settle(void)
{
	usleep(1500 * 1000);
}

struct load {
	pthread_t threads[16];
	int n;
	const char *base;
	const char *path;
	volatile int stop;
	long ok;
	long failed;
	pthread_mutex_t mu;
};

static void *load_thread(void *arg)
{
	struct load *l = arg;
	long ok = 0, failed = 0;
	while (!l->stop) {
		struct http_resp r;
		http_get(l->base, l->path, &r);
		if (r.status >= 200 && r.status < 300)
			ok++;
		else
			failed++;
		http_resp_free(&r);
	}
	pthread_mutex_lock(&l->mu);
	l->ok += ok;
	l->failed += failed;
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

struct load *load_start(const char *base, const char *path, int nthreads)
{
	struct load *l = calloc(1, sizeof(*l));
	l->base = base;
	l->path = path;
	l->n = nthreads > 16 ? 16 : nthreads;
	pthread_mutex_init(&l->mu, NULL);
	for (int i = 0; i < l->n; i++)
		pthread_create(&l->threads[i], NULL, load_thread, l);
	return l;
}

void load_stop(struct load *l, long *ok, long *failed)
{
	l->stop = 1;
	for (int i = 0; i < l->n; i++)
		pthread_join(l->threads[i], NULL);
	*ok = l->ok;
	*failed = l->failed;
	pthread_mutex_destroy(&l->mu);
	free(l);
}

const char *client_cookie(const struct client *c)
{
	static _Thread_local char line[2048]; /* the concurrency tests call this from threads */
	size_t len = 0;
	line[0] = '\0';
	for (int i = 0; i < c->n; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s=%s", i ? "; " : "",
		                        c->name[i], c->value[i]);
	return line;
}

const char *client_get_cookie(const struct client *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return c->value[i];
	return NULL;
}

void client_set_cookie(struct client *c, const char *name, const char *value)
{
	int i;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			break;
	if (value == NULL || *value == '\0') {
		if (i < c->n) {
			for (int j = i + 1; j < c->n; j++) {
				memcpy(c->name[j - 1], c->name[j], sizeof(c->name[0]));
				memcpy(c->value[j - 1], c->value[j], sizeof(c->value[0]));
			}
			c->n--;
		}
		return;
	}
	if (i == c->n) {
		if (c->n == 8)
			return;
		c->n++;
	}
	snprintf(c->name[i], sizeof(c->name[i]), "%s", name);
	snprintf(c->value[i], sizeof(c->value[i]), "%s", value);
}

static void take_cookies(struct client *c, const struct http_resp *r)
{
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strstr(line, "\r\n");
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len > 12 && strncasecmp(line, "Set-Cookie:", 11) == 0) {
			char buf[512];
			snprintf(buf, sizeof(buf), "%.*s", (int)(len - 11), line + 11);
			char *p = buf;
			while (*p == ' ')
				p++;
			char *eq = strchr(p, '='), *semi = strchr(p, ';');
			if (eq != NULL) {
				*eq = '\0';
				if (semi != NULL)
					*semi = '\0';
				bool gone = strstr(semi ? semi + 1 : "", "Max-Age=0") != NULL;
				client_set_cookie(c, p, gone ? NULL : eq + 1);
			}
		}
		line = eol ? eol + 2 : NULL;
	}
}

int client_get(struct client *c, const char *base, const char *path, struct http_resp *r)
{
	int rc = http_send("GET", base, path, NULL, 0, c->n ? client_cookie(c) : NULL, r);
	take_cookies(c, r);
	return rc;
}

int client_post(struct client *c, const char *base, const char *path, const char *body,
                struct http_resp *r)
{
	int rc =
	    http_send("POST", base, path, body, strlen(body), c->n ? client_cookie(c) : NULL, r);
	take_cookies(c, r);
	return rc;
}

char *html_csrf(const char *body)
{
	const char *p = strstr(body, "name=\"csrf\" value=\"");
	if (p == NULL)
		return NULL;
	p += strlen("name=\"csrf\" value=\"");
	const char *e = strchr(p, '"');
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

const char *urlenc(const char *s)
{
	static _Thread_local char out[4096];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < sizeof(out); p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%%%02X", *p);
	}
	out[o] = '\0';
	return out;
}

const char *unique(const char *prefix)
{
	static _Thread_local char slots[8][80];
	static _Thread_local int next;
	static _Atomic int counter;
	char *out = slots[next++ % 8];
	/* Separators keep e.g. pid 1234 + time 56789 apart from pid 12345 + time 6789. */
	snprintf(out, 80, "%s-%d-%ld-%d", prefix, (int)getpid(), (long)time(NULL) % 100000,
	         ++counter);
	return out;
}

/* The csrf token of the form at path (GET), as the client sees it. */
char *form_csrf(struct client *c, const char *path)
{
	struct http_resp r;
	if (client_get(c, env_web(), path, &r) != 0)
		harness_die("GET %s failed: no answer", path);
	char *t = html_csrf(r.body);
	if (t == NULL)
		harness_die("GET %s answered %ld without a csrf field", path, r.status);
	http_resp_free(&r);
	return t;
}

long post_form(struct client *c, const char *path, const char *body, struct http_resp *r)
{
	if (client_post(c, env_web(), path, body, r) != 0)
		r->status = 0;
	return r->status;
}

long do_register(const char *user, const char *email, const char *password)
{
	struct client c = {0};
	char *csrf = form_csrf(&c, "/register");
	long long v = sql_admin_int("SELECT MAX(version) FROM policy_versions");
	char body[2048];
	snprintf(body, sizeof(body),
	         "csrf=%s&name=Test+Person&email=%s&username=%s&password=%s&phone=&accept_policy=1"
	         "&policy_version=%lld",
	         csrf, email, user, password, v);
	free(csrf);
	struct http_resp r;
	long s = post_form(&c, "/register", body, &r);
	http_resp_free(&r);
	return s;
}

const char *mail_of(const char *user)
{
	static _Thread_local char buf[128];
	snprintf(buf, sizeof(buf), "%s@example.com", user);
	return buf;
}

void ctl_ok(const char *cmd, const char *user)
{
	if (sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' customer %s %s >/dev/null",
	       env_state(), cmd, user) != 0)
		harness_die("dittoctl customer %s %s failed", cmd, user);
}

/* A registered and approved customer. */
const char *approved_user(void)
{
	const char *u = unique("cust");
	long st = do_register(u, mail_of(u), urlenc(TEST_PASSWORD));
	if (st != 200)
		harness_die("registering %s answered %ld", u, st);
	ctl_ok("approve", u);
	return u;
}

long do_login(struct client *c, const char *user, const char *password, struct http_resp *out)
{
	char *csrf = form_csrf(c, "/login");
	char body[1024];
	snprintf(body, sizeof(body), "csrf=%s&username=%s&password=%s", csrf, user,
	         urlenc(password));
	free(csrf);
	struct http_resp r;
	long s = post_form(c, "/login", body, &r);
	if (out != NULL)
		*out = r;
	else
		http_resp_free(&r);
	return s;
}

void slurp_file(const char *path, char *buf, size_t cap)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

char *slurp_all(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	FILE *m = open_memstream(&buf, &len);
	if (m == NULL)
		harness_die("open_memstream: %s", strerror(errno));
	if (f != NULL) {
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, m);
		fclose(f);
	}
	fclose(m);
	return buf;
}

void ctl_scratch_path(char *buf, size_t cap, const char *tag, int slot, const char *what)
{
	snprintf(buf, cap, "%s/run/test-%s-%d-%d.%s", env_state(), tag, (int)getpid(), slot, what);
}

/* Stores what dittoctl run slot, which exited with status, left in r. */
static void ctl_collect(struct ctl_run *r, const char *tag, int slot, int status)
{
	char path[512];
	ctl_scratch_path(path, sizeof(path), tag, slot, "out");
	slurp_file(path, r->out, sizeof(r->out));
	ctl_scratch_path(path, sizeof(path), tag, slot, "err");
	slurp_file(path, r->err, sizeof(r->err));
	r->err_lines = 0;
	for (const char *p = r->err; *p; p++)
		if (*p == '\n')
			r->err_lines++;
	r->status = status;
}

/* Writes slot's stdin file (input and a line break). Returns 0, or -1. */
static int ctl_write_input(const char *tag, int slot, const char *input)
{
	char in[512];
	ctl_scratch_path(in, sizeof(in), tag, slot, "in");
	FILE *f = fopen(in, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%s\n", input);
	fclose(f);
	return 0;
}

/* The shell command running dittoctl ARGS, stdin slot's input file (or /dev/null). */
static void ctl_command(char *cmd, size_t cap, const char *tag, int slot, bool input,
                        const char *args)
{
	char in[512], out[512], err[512];
	ctl_scratch_path(in, sizeof(in), tag, slot, "in");
	ctl_scratch_path(out, sizeof(out), tag, slot, "out");
	ctl_scratch_path(err, sizeof(err), tag, slot, "err");
	snprintf(cmd, cap, "\"$BUILD\"/dittoctl --config '%s/ditto.conf' %s <'%s' >'%s' 2>'%s'",
	         env_state(), args, input ? in : "/dev/null", out, err);
}

int ctl_run_v(struct ctl_run *r, const char *tag, const char *input, const char *fmt, va_list ap)
{
	char args[2048], cmd[4096];
	vsnprintf(args, sizeof(args), fmt, ap);
	if (input != NULL && ctl_write_input(tag, 0, input) < 0)
		return -1;
	ctl_command(cmd, sizeof(cmd), tag, 0, input != NULL, args);
	ctl_collect(r, tag, 0, sh("%s", cmd));
	return 0;
}

int ctl_run_twice(struct ctl_run r[2], const char *tag, const char *input, const char *args)
{
	char a[4096], b[4096], st[2][512];
	for (int i = 0; i < 2; i++) {
		if (input != NULL && ctl_write_input(tag, i + 1, input) < 0)
			return -1;
		ctl_scratch_path(st[i], sizeof(st[i]), tag, i + 1, "status");
	}
	ctl_command(a, sizeof(a), tag, 1, input != NULL, args);
	ctl_command(b, sizeof(b), tag, 2, input != NULL, args);
	if (sh("(%s; echo $? >'%s') & (%s; echo $? >'%s') & wait", a, st[0], b, st[1]) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		char s[32];
		slurp_file(st[i], s, sizeof(s));
		ctl_collect(&r[i], tag, i + 1, atoi(s));
	}
	return 0;
}

void customer_under_profiling_version(long long id)
{
	if (sql_admin("UPDATE customers SET policy_version = (SELECT MIN(version) FROM "
	              "policy_purposes WHERE purpose = 'profiling') WHERE id = %lld",
	              id) != 0)
		harness_die("cannot put customer %lld under a profiling version", id);
}

/* Appends one FastCGI record (version 1, request id 1) to buf at *n. */
static void fcgi_record(unsigned char *buf, size_t *n, int type, const void *data, size_t len)
{
	unsigned char h[8] = {
	    1, (unsigned char)type, 0, 1, (unsigned char)(len >> 8), (unsigned char)len, 0, 0};
	memcpy(buf + *n, h, sizeof(h));
	if (len > 0)
		memcpy(buf + *n + 8, data, len);
	*n += 8 + len;
}

/* Appends one name-value pair (both shorter than 128 bytes) to a PARAMS body. */
static void fcgi_pair(unsigned char *buf, size_t *n, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	buf[(*n)++] = (unsigned char)nl;
	buf[(*n)++] = (unsigned char)vl;
	memcpy(buf + *n, name, nl);
	memcpy(buf + *n + nl, value, vl);
	*n += nl + vl;
}

size_t fcgi_healthz_request(unsigned char *out)
{
	static const unsigned char begin[8] = {0, 1, 0, 0, 0, 0, 0, 0}; /* responder, no keep */
	unsigned char params[256];
	size_t n = 0, p = 0;
	fcgi_pair(params, &p, "REQUEST_METHOD", "GET");
	fcgi_pair(params, &p, "DOCUMENT_URI", "/healthz");
	fcgi_pair(params, &p, "QUERY_STRING", "");
	fcgi_pair(params, &p, "REMOTE_ADDR", "127.0.0.1");
	fcgi_record(out, &n, 1, begin, sizeof(begin));
	fcgi_record(out, &n, 4, params, p);
	fcgi_record(out, &n, 4, "", 0);
	fcgi_record(out, &n, 5, "", 0);
	return n;
}

long long order_of_location(const struct http_resp *r)
{
	char *loc = http_header_value(r, "Location");
	long long id = 0;
	if (loc != NULL) {
		const char *p = strstr(loc, "/orders/");
		if (p != NULL)
			id = strtoll(p + 8, NULL, 10);
		free(loc);
	}
	return id;
}
