/* harness.c — helpers for integration tests: HTTP through the real nginx, the stack's state dir. */
#include "harness.h"

#include <curl/curl.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

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

pid_t pool_master_pid(const char *pool)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/run/%s.pid", env_state(), pool);
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
