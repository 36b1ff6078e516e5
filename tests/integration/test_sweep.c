/* test_sweep.c — the hostile-input sweep: every route of both pools, generated from the route
 * tables (`ditto-fcgi --routes`), with no session, a customer's and each staff role's, gets
 * hostile values in every field it reads, hostile path segments, cookies and headers, and wrong
 * methods.  No answer may be a 5xx, and a request that is refused may change no row count.
 *
 * The fields come from two places, so none is listed here: the names the site's own forms carry
 * (name="..." in views/), and the names the handlers asked for, which a test stack's workers
 * report in the header X-Ditto-Read (http_query / http_form record them), computed names such
 * as the address fields included.  A literal value a view gives a field (name="action"
 * value="profile") is used as well, so every branch a selector opens is reached.
 *
 * A POST answered with a redirect was accepted (text such as "' OR 1=1" is a fine reason to
 * cancel an account): its writes are the action's own, and the run lists each one.  While
 * working on one route: SWEEP_ROUTE=name, SWEEP_VERBOSE=1 (every answer), SWEEP_BODIES=1
 * (every request). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <dirent.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

/* ---- the route table ------------------------------------------------------------------- */

struct route_row {
	char pool[8];
	char method[16];
	char pattern[160];
	char access[16];
	char name[64];
};

#define MAX_ROUTES 160
static struct route_row routes[MAX_ROUTES];
static int nroutes;

/* Reads `ditto-fcgi --routes`; test-stack-only routes (which crash or fail on purpose) are left
 * out. */
static void load_routes(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "\"%s\"/ditto-fcgi --routes", getenv("BUILD"));
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[512];
	while (fgets(line, sizeof(line), p) != NULL && nroutes < MAX_ROUTES) {
		struct route_row *r = &routes[nroutes];
		char extra[16] = "";
		int n = sscanf(line, "%7s %15s %159s %15s %63s %15s", r->pool, r->method,
		               r->pattern, r->access, r->name, extra);
		assert_true(n >= 5);
		/* SWEEP_TEST_ROUTES=1 keeps them: the sweep must then fail on /_test/fail's 500. */
		if (strcmp(extra, "test") != 0 || getenv("SWEEP_TEST_ROUTES") != NULL)
			nroutes++;
	}
	assert_int_equal(pclose(p), 0);
	assert_true(nroutes > 40);
}

/* ---- field names ----------------------------------------------------------------------- */

#define MAX_NAMES 256
struct field {
	char name[64];
	bool query;         /* a handler read it with http_query */
	char values[8][32]; /* literal values views give it (selectors) */
	int nvalues;
};
static struct field fields[MAX_NAMES];
static int nfields;

static struct field *field_add(const char *name, size_t len)
{
	if (len == 0 || len >= sizeof(fields[0].name) || memchr(name, '{', len) != NULL ||
	    strncmp(name, "csrf", len) == 0)
		return NULL;
	for (int i = 0; i < nfields; i++)
		if (strlen(fields[i].name) == len && strncmp(fields[i].name, name, len) == 0)
			return &fields[i];
	if (nfields == MAX_NAMES)
		return NULL;
	struct field *f = &fields[nfields++];
	memcpy(f->name, name, len);
	f->name[len] = '\0';
	return f;
}

static void field_value_add(struct field *f, const char *v, size_t len)
{
	if (f == NULL || len == 0 || len >= sizeof(f->values[0]) || memchr(v, '{', len) != NULL ||
	    f->nvalues == 8)
		return;
	for (int i = 0; i < f->nvalues; i++)
		if (strlen(f->values[i]) == len && strncmp(f->values[i], v, len) == 0)
			return;
	memcpy(f->values[f->nvalues], v, len);
	f->values[f->nvalues++][len] = '\0';
}

/* True when the attribute at p belongs to a form control (not, say, <meta name=...>). */
static bool form_control(const char *text, const char *p)
{
	while (p > text && *p != '<')
		p--;
	return strncmp(p, "<input", 6) == 0 || strncmp(p, "<select", 7) == 0 ||
	       strncmp(p, "<textarea", 9) == 0 || strncmp(p, "<button", 7) == 0;
}

/* Every name="..." of one view, with the literal value="..." in the same tag. */
static void scan_view(const char *path)
{
	static char text[65536];
	slurp_file(path, text, sizeof(text));
	for (const char *p = strstr(text, "name=\""); p != NULL; p = strstr(p + 1, "name=\"")) {
		if (!form_control(text, p))
			continue;
		const char *s = p + 6, *e = strchr(s, '"');
		if (e == NULL)
			break;
		struct field *f = field_add(s, (size_t)(e - s));
		const char *end = strchr(e, '>');
		const char *v = strstr(e, "value=\"");
		if (f != NULL && v != NULL && end != NULL && v < end) {
			const char *ve = strchr(v + 7, '"');
			if (ve != NULL)
				field_value_add(f, v + 7, (size_t)(ve - v - 7));
		}
	}
}

static void scan_views(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		size_t n = strlen(e->d_name);
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			scan_views(path);
		else if (n > 5 && strcmp(e->d_name + n - 5, ".html") == 0)
			scan_view(path);
	}
	closedir(d);
}

/* Adds the names a worker reported in X-Ditto-Read ("q:page f:email ..."). */
static void learn_reads(const struct http_resp *r)
{
	char *h = http_header_value(r, "X-Ditto-Read");
	if (h == NULL)
		return;
	for (char *save = NULL, *t = strtok_r(h, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (strlen(t) < 3 || t[1] != ':')
			continue;
		struct field *f = field_add(t + 2, strlen(t + 2));
		if (f != NULL && t[0] == 'q')
			f->query = true;
	}
	free(h);
}

/* ---- sessions -------------------------------------------------------------------------- */

enum { WEB, STAFF };

struct sess {
	char label[32];
	int pool;
	int role; /* a staff role, or -1 */
	bool signed_in;
	struct client c;
	char csrf[128];
};

#define NSESS (2 + 1 + ROLE__MAX)
static struct sess sessions[NSESS];
static char customer_user[80];

static const char *base_of(int pool)
{
	return pool == WEB ? env_web() : env_staff();
}

/* The token of the session's forms (a visitor's: the form cookie's, fetched from a sign-in page).
 */
static void sess_csrf(struct sess *s)
{
	struct http_resp r;
	const char *page = s->pool == WEB ? (s->signed_in ? "/account" : "/login")
	                                  : (s->signed_in ? "/admin" : "/admin/login");
	assert_int_equal(client_get(&s->c, base_of(s->pool), page, &r), 0);
	char *t = html_csrf(r.body);
	if (t == NULL)
		fprintf(stderr, "no csrf on %s for %s (%ld)\n", page, s->label, r.status);
	assert_non_null(t);
	snprintf(s->csrf, sizeof(s->csrf), "%s", t);
	free(t);
	http_resp_free(&r);
}

static MYSQL *db;

/* Forgets the failed sign-ins counted so far: the sweep's own hostile sign-ins would otherwise
 * slow every later one down, which is the throttle's job and not what is swept here. */
static void clear_throttle(void)
{
	assert_int_equal(mysql_query(db, "DELETE FROM login_throttle"), 0);
}

/* Signs the session in again: a fresh member of the role (a TOTP code counts once), or the
 * customer. */
static void sess_login(struct sess *s)
{
	fprintf(stderr, "sweep: signing %s in again\n", s->label);
	memset(&s->c, 0, sizeof(s->c));
	clear_throttle();
	if (s->pool == STAFF && s->role >= 0) {
		struct member m;
		member_new(&m, (enum staff_role)s->role);
		staff_login(&s->c, &m);
	} else if (s->signed_in) {
		struct http_resp r;
		long st = do_login(&s->c, customer_user, TEST_PASSWORD, &r);
		if (st != 303)
			fprintf(stderr, "sweep: the customer's sign-in answered %ld: %s\n", st,
			        r.body);
		http_resp_free(&r);
		assert_int_equal(st, 303);
	}
	sess_csrf(s);
}

/* True when a signed-in session still is (a sweep request may have signed it out). */
static bool sess_alive(struct sess *s)
{
	if (!s->signed_in)
		return true;
	struct http_resp r;
	assert_int_equal(
	    client_get(&s->c, base_of(s->pool), s->pool == WEB ? "/account" : "/admin", &r), 0);
	bool ok = r.status == 200;
	http_resp_free(&r);
	return ok;
}

static void sessions_make(void)
{
	/* unique()'s buffers are reused by later calls: the name is kept here. */
	snprintf(customer_user, sizeof(customer_user), "%s", approved_user());
	int n = 0;
	sessions[n++] = (struct sess){.label = "web visitor", .pool = WEB, .role = -1};
	sessions[n++] =
	    (struct sess){.label = "customer", .pool = WEB, .role = -1, .signed_in = true};
	sessions[n++] = (struct sess){.label = "staff visitor", .pool = STAFF, .role = -1};
	for (int r = 0; r < ROLE__MAX; r++) {
		sessions[n] = (struct sess){.pool = STAFF, .role = r, .signed_in = true};
		snprintf(sessions[n].label, sizeof(sessions[n].label), "%s",
		         privacy_role_name((enum staff_role)r));
		n++;
	}
	for (int i = 0; i < n; i++)
		sess_login(&sessions[i]);
}

/* ---- row counts ------------------------------------------------------------------------ */

#define MAX_TABLES 96
static char tables[MAX_TABLES][64];
static int ntables;
static char count_sql[16384];

static void db_open(void)
{
	char cnf[1024];
	snprintf(cnf, sizeof(cnf), "%s/my.cnf", env_state());
	db = mysql_init(NULL);
	assert_non_null(db);
	mysql_options(db, MYSQL_READ_DEFAULT_FILE, cnf);
	mysql_options(db, MYSQL_READ_DEFAULT_GROUP, "client");
	assert_non_null(mysql_real_connect(db, NULL, "root", NULL, "ditto", 0, NULL, 0));
	assert_int_equal(mysql_query(db, "SELECT table_name FROM information_schema.tables WHERE "
	                                 "table_schema = 'ditto' AND table_type = 'BASE TABLE' "
	                                 "ORDER BY table_name"),
	                 0);
	MYSQL_RES *res = mysql_store_result(db);
	MYSQL_ROW row;
	size_t len = (size_t)snprintf(count_sql, sizeof(count_sql), "SELECT 0");
	while ((row = mysql_fetch_row(res)) != NULL && ntables < MAX_TABLES) {
		snprintf(tables[ntables], sizeof(tables[0]), "%s", row[0]);
		len += (size_t)snprintf(count_sql + len, sizeof(count_sql) - len,
		                        ", (SELECT COUNT(*) FROM `%s`)", row[0]);
		ntables++;
	}
	mysql_free_result(res);
	assert_true(ntables > 10);
}

static void counts(long long out[MAX_TABLES])
{
	assert_int_equal(mysql_query(db, count_sql), 0);
	MYSQL_RES *res = mysql_store_result(db);
	MYSQL_ROW row = mysql_fetch_row(res);
	assert_non_null(row);
	for (int i = 0; i < ntables; i++)
		out[i] = strtoll(row[i + 1], NULL, 10);
	mysql_free_result(res);
}

/* Tables a refused or read-only request may add to, and why: failed sign-ins are counted
 * (login_throttle); a staff page that shows a personal field writes its audit row
 * (audit_log); a product page counts the view for the customer's profile (product_views). */
static bool bookkeeping(const char *table)
{
	return strcmp(table, "login_throttle") == 0 || strcmp(table, "audit_log") == 0 ||
	       strcmp(table, "product_views") == 0;
}

/* ---- hostile values -------------------------------------------------------------------- */

/* Values the parsers accept: they reach the handler (already percent-encoded). */
static const char *handler_values[] = {
    "%27+OR+%271%27%3D%271%27+--+%3B",                        /* ' OR '1'='1' -- ; */
    "%22%3B+DROP+TABLE+customers%3B+--",                      /* "; DROP TABLE customers; -- */
    "%7B%7Bcsrf%7D%7D%7B%7B%7Bbody%7D%7D%7D%7B%7B%23a%7D%7D", /* {{csrf}}{{{body}}}{{#a}} */
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",                       /* ../../../../etc/passwd */
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",                    /* <script>alert(1)</script> */
    "-99999999999999999999999",
    "%E2%80%AE%F0%9F%98%80%EF%BF%BF", /* RTL override, an emoji, U+FFFF */
    "",
    "%09%0D%0A+",
    NULL, /* LONG: a long value below the parsers' limit */
};
#define NHANDLER (sizeof(handler_values) / sizeof(handler_values[0]))

/* Values every parser refuses for the whole request (400): the handler never sees them. */
static const char *parser_values[] = {
    "a%00b",     /* NUL */
    "%C3%28%FF", /* invalid UTF-8 */
    "%C0%AF",    /* overlong UTF-8 */
    "%G1%",      /* bad percent-encoding */
    NULL,        /* OVERSIZE: past the 8 KiB value limit */
};
#define NPARSER (sizeof(parser_values) / sizeof(parser_values[0]))

/* Path segments for {x}: the parameters' own validation (or the router's) must refuse them. */
static const char *segment_values[] = {
    "..",
    "%2e%2e",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "%FF",
    "%27%20OR%201%3D1",
    "%7B%7Bid%7D%7D",
    "-1",
    "0",
    "99999999999999999999",
    "1%3BDROP",
    "1.5",
};
#define NSEGMENT (sizeof(segment_values) / sizeof(segment_values[0]))

static char long_value[2001];
static char oversize_value[9001];

static const char *handler_value(size_t k, bool get)
{
	const char *v = handler_values[k % NHANDLER];
	if (v != NULL)
		return v;
	/* A GET's query shares nginx's 8 KiB request line with every other field. */
	return get ? long_value + sizeof(long_value) - 301 : long_value;
}

/* ---- requests -------------------------------------------------------------------------- */

struct sink {
	char *data;
	size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	char *d = realloc(s->data, s->len + size * n + 1);
	if (d == NULL)
		return 0;
	memcpy(d + s->len, p, size * n);
	s->len += size * n;
	d[s->len] = '\0';
	s->data = d;
	return size * n;
}

/* Sends method to base+target with body (or NULL), the cookie header and one extra header. */
static void send_raw(const char *method, const char *base, const char *target, const char *body,
                     const char *cookie, const char *extra, struct http_resp *r)
{
	size_t ulen = strlen(base) + strlen(target) + 1;
	char *url = malloc(ulen);
	snprintf(url, ulen, "%s%s", base, target);
	memset(r, 0, sizeof(*r));
	struct sink b = {0}, h = {0};
	CURL *c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	struct curl_slist *hdrs = NULL;
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		hdrs = curl_slist_append(hdrs, "Content-Type: application/x-www-form-urlencoded");
	}
	if (cookie != NULL && *cookie != '\0') {
		size_t n = strlen(cookie) + 16;
		char *line = malloc(n);
		snprintf(line, n, "Cookie: %s", cookie);
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	if (extra != NULL)
		hdrs = curl_slist_append(hdrs, extra);
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	free(url);
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	r->headers = h.data ? h.data : strdup("");
}

/* A growing string. */
struct str {
	char *s;
	size_t len, cap;
};

static void str_add(struct str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_add(struct str *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

/* The pattern with every {x} replaced by seg. */
static void fill_path(struct str *out, const char *pattern, const char *seg)
{
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			str_add(out, "%s", seg);
			const char *e = strchr(p, '}');
			p = e ? e + 1 : p + strlen(p);
		} else {
			str_add(out, "%c", *p++);
		}
	}
}

/* ---- the sweep ------------------------------------------------------------------------- */

struct tally {
	long requests, failures, accepted_posts;
};
static struct tally tally;

static char cust_id[32], order_id[32], staff_name[80];

/* What fills {param} of rt: the sweep's own objects where the route acts on one (the customer,
 * their order, a spare member), so handlers go past "not found"; 1 otherwise. */
static const char *segment_for(const struct route_row *rt, const char *param)
{
	if (strcmp(param, "username") == 0)
		return staff_name;
	if (strstr(rt->pattern, "/customers/") != NULL)
		return cust_id;
	if (strstr(rt->pattern, "/orders/") != NULL)
		return order_id;
	return "1";
}

static void route_path(struct str *out, const struct route_row *rt)
{
	for (const char *p = rt->pattern; *p;) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			char param[32];
			snprintf(param, sizeof(param), "%.*s", (int)(e - p - 1), p + 1);
			str_add(out, "%s", segment_for(rt, param));
			p = e + 1;
		} else {
			str_add(out, "%c", *p++);
		}
	}
}

static void sweep_fail(const struct sess *s, const struct route_row *rt, const char *what,
                       long status)
{
	fprintf(stderr, "SWEEP FAIL: %s %s %s as %s: %s -> %ld\n", rt->pool, rt->method,
	        rt->pattern, s->label, what, status);
	tally.failures++;
}

/* Checks one answer: never a 5xx or a dropped connection; what learn_reads wants is kept. */
static long check_answer(const struct sess *s, const struct route_row *rt, const char *what,
                         const struct http_resp *r)
{
	tally.requests++;
	learn_reads(r);
	if (getenv("SWEEP_VERBOSE") != NULL)
		fprintf(stderr, "sweep: %s %s as %s: %s -> %ld\n", rt->method, rt->pattern,
		        s->label, what, r->status);
	if (r->status == 0 || r->status >= 500)
		sweep_fail(s, rt, what, r->status);
	return r->status;
}

/* Compares row counts: a refused request (anything but a 3xx to a POST) may change only the
 * bookkeeping tables. */
static void check_rows(const struct sess *s, const struct route_row *rt, const char *what,
                       const long long before[MAX_TABLES], long status)
{
	long long after[MAX_TABLES];
	counts(after);
	bool accepted = status >= 300 && status < 400 && strcmp(rt->method, "POST") == 0;
	for (int i = 0; i < ntables; i++) {
		if (after[i] == before[i] || bookkeeping(tables[i]) || accepted)
			continue;
		char msg[512];
		snprintf(msg, sizeof(msg), "%s changed %s from %lld to %lld rows", what, tables[i],
		         before[i], after[i]);
		sweep_fail(s, rt, msg, status);
	}
	if (accepted) {
		tally.accepted_posts++;
		fprintf(stderr, "sweep: accepted: %s %s as %s: %s -> %ld\n", rt->method,
		        rt->pattern, s->label, what, status);
	}
}

/* One request of the sweep: fields from the classes given by value_of, row counts checked. */
static void sweep_one(struct sess *s, const struct route_row *rt, const char *path,
                      const char *what, const char *(*value_of)(int field, void *arg), void *arg)
{
	bool post = strcmp(rt->method, "POST") == 0;
	struct str target = {0}, body = {0};
	str_add(&target, "%s?", path);
	if (post)
		str_add(&body, "csrf=%s", s->csrf);
	for (int i = 0; i < nfields; i++) {
		const char *got = value_of(i, arg);
		if (got == NULL)
			continue;
		/* urlenc() answers in one static buffer: the value is kept apart from the name's.
		 */
		char *v = strdup(got);
		if (!post || fields[i].query)
			str_add(&target, "%s%s=%s", target.s[target.len - 1] == '?' ? "" : "&",
			        urlenc(fields[i].name), v);
		if (post)
			str_add(&body, "&%s=%s", urlenc(fields[i].name), v);
		free(v);
	}
	long long before[MAX_TABLES];
	clear_throttle();
	counts(before);
	struct http_resp r;
	send_raw(rt->method, base_of(s->pool), target.s, post ? body.s : NULL, client_cookie(&s->c),
	         NULL, &r);
	long st = check_answer(s, rt, what, &r);
	if (getenv("SWEEP_BODIES") != NULL)
		fprintf(stderr, "sweep: sent %s body %s\n", target.s, post ? body.s : "");
	check_rows(s, rt, what, before, st);
	http_resp_free(&r);
	free(target.s);
	free(body.s);
}

struct rotation {
	size_t k;
	bool get;
	bool selectors; /* fields with literal view values get one of those */
};

/* Request k of the handler classes: field i gets class (k + i), so each field meets each. */
static const char *rotated(int i, void *arg)
{
	struct rotation *rot = arg;
	if (rot->selectors && fields[i].nvalues > 0)
		return urlenc(fields[i].values[rot->k % (size_t)fields[i].nvalues]);
	return handler_value(rot->k + (size_t)i, rot->get);
}

struct parser_case {
	size_t k;
	int field;
};

/* Request k of the parser classes: one field gets the refused value, the others a plain one. */
static const char *parser_case_value(int i, void *arg)
{
	struct parser_case *pc = arg;
	if (i != pc->field)
		return "1";
	return parser_values[pc->k] != NULL ? parser_values[pc->k] : oversize_value;
}

static const char *plain_value(int i, void *arg)
{
	(void)arg;
	return fields[i].nvalues > 0 ? urlenc(fields[i].values[0]) : "1";
}

static void sweep_fields(struct sess *s, const struct route_row *rt, const char *path)
{
	bool get = strcmp(rt->method, "GET") == 0;
	for (size_t k = 0; k < NHANDLER; k++) {
		struct rotation rot = {k, get, false};
		sweep_one(s, rt, path, "hostile values", rotated, &rot);
		rot.selectors = true;
		sweep_one(s, rt, path, "hostile values, selectors set", rotated, &rot);
	}
	for (size_t k = 0; k < NPARSER; k++) {
		struct parser_case pc = {k, (int)((k + (size_t)(rt - routes)) % (size_t)nfields)};
		sweep_one(s, rt, path, "refused encoding", parser_case_value, &pc);
	}
}

/* Hostile path segments in every {x}. */
static void sweep_segments(struct sess *s, const struct route_row *rt)
{
	if (strchr(rt->pattern, '{') == NULL)
		return;
	for (size_t k = 0; k < NSEGMENT; k++) {
		struct str path = {0};
		fill_path(&path, rt->pattern, segment_values[k]);
		char what[96];
		snprintf(what, sizeof(what), "path segment %s", segment_values[k]);
		sweep_one(s, rt, path.s, what, plain_value, NULL);
		free(path.s);
	}
}

/* Huge and hostile cookies and headers, and every method the route does not take. */
/* True when another route of rt's pool serves the same pattern with method m. */
static bool pattern_takes(const struct route_row *rt, const char *m)
{
	for (int i = 0; i < nroutes; i++)
		if (strcmp(routes[i].pool, rt->pool) == 0 &&
		    strcmp(routes[i].pattern, rt->pattern) == 0 &&
		    strstr(routes[i].method, m) != NULL)
			return true;
	return false;
}

static void sweep_request(struct sess *s, const struct route_row *rt, const char *path)
{
	static char huge[20000];
	struct http_resp r;
	const char *base = base_of(s->pool);
	bool post = strcmp(rt->method, "POST") == 0;
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s", s->csrf);
	const char *b = post ? body : NULL;
	clear_throttle();

	memset(huge, 'c', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	memcpy(huge, "x=", 2);
	send_raw(rt->method, base, path, b, huge, NULL, &r);
	check_answer(s, rt, "huge cookie", &r);
	http_resp_free(&r);

	memcpy(huge, "X-Sweep: ", 9);
	send_raw(rt->method, base, path, b, client_cookie(&s->c), huge, &r);
	check_answer(s, rt, "huge header", &r);
	http_resp_free(&r);

	static const char *cookies[] = {
	    "ditto=%27+OR+1%3D1+--; __Host-ditto=%27+OR+1%3D1+--",
	    "ditto_staff={{csrf}}; ditto_csrf={{{x}}}; ditto_staff_csrf=../../etc/passwd",
	    "a=1; a=2; =3; b",
	};
	for (size_t i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++) {
		send_raw(rt->method, base, path, b, cookies[i], NULL, &r);
		check_answer(s, rt, "hostile cookie", &r);
		http_resp_free(&r);
	}
	send_raw(rt->method, base, path, b, client_cookie(&s->c),
	         "User-Agent: {{csrf}}' OR 1=1 -- ../../etc/passwd", &r);
	check_answer(s, rt, "hostile user agent", &r);
	http_resp_free(&r);

	static const char *methods[] = {"PUT",   "DELETE", "PATCH", "OPTIONS",
	                                "TRACE", "GET",    "POST"};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (pattern_takes(rt, methods[i]))
			continue;
		send_raw(methods[i], base, path, strcmp(methods[i], "POST") == 0 ? body : NULL,
		         client_cookie(&s->c), NULL, &r);
		long st = check_answer(s, rt, methods[i], &r);
		if (st < 400)
			sweep_fail(s, rt, "a wrong method was not refused", st);
		http_resp_free(&r);
	}
}

static void sweep_route(struct sess *s, const struct route_row *rt)
{
	struct str path = {0};
	route_path(&path, rt);
	clear_throttle();
	sweep_fields(s, rt, path.s);
	sweep_segments(s, rt);
	sweep_request(s, rt, path.s);
	free(path.s);
	if (!sess_alive(s))
		sess_login(s);
	else
		sess_csrf(s);
}

/* One benign request per route and session first, so X-Ditto-Read has named every field the
 * handlers read before the hostile requests are built. */
static void discover(void)
{
	for (int i = 0; i < nroutes; i++)
		for (int j = 0; j < NSESS; j++) {
			struct sess *s = &sessions[j];
			if (strcmp(routes[i].pool, s->pool == WEB ? "web" : "staff") != 0)
				continue;
			struct str path = {0};
			route_path(&path, &routes[i]);
			bool post = strcmp(routes[i].method, "POST") == 0;
			char body[256];
			snprintf(body, sizeof(body), "csrf=%s", s->csrf);
			struct http_resp r;
			send_raw(routes[i].method, base_of(s->pool), path.s, post ? body : NULL,
			         client_cookie(&s->c), NULL, &r);
			learn_reads(&r);
			http_resp_free(&r);
			free(path.s);
			if (post && !sess_alive(s))
				sess_login(s);
		}
}

/* The customer's id and an order of theirs (invoice), and a member whose name fills
 * {username}: objects the routes with parameters act on, so the handlers go past "not found". */
static void objects_make(void)
{
	snprintf(cust_id, sizeof(cust_id), "%lld",
	         sql_admin_int("SELECT id FROM customers WHERE username = '%s'", customer_user));
	struct sess *s = &sessions[1];
	assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = 1"),
	                 0);
	char body[512];
	struct http_resp r;
	snprintf(body, sizeof(body), "csrf=%s&product_id=1&quantity=1", s->csrf);
	assert_int_equal(post_form(&s->c, "/cart", body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(client_get(&s->c, env_web(), "/checkout", &r), 0);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char nonce[128];
	snprintf(nonce, sizeof(nonce), "%.*s", (int)(strchr(p, '"') - p), p);
	http_resp_free(&r);
	snprintf(body, sizeof(body),
	         "csrf=%s&nonce=%s&name=Pat+Buyer&email=pat%%40example.com&billing_line1=1+Main+St"
	         "&billing_line2=&billing_city=Leeds&billing_postcode=LS1+1AA&billing_country=UK"
	         "&shipping_same=1&payment_mode=invoice",
	         s->csrf, nonce);
	assert_int_equal(post_form(&s->c, "/checkout", body, &r), 303);
	http_resp_free(&r);
	snprintf(order_id, sizeof(order_id), "%lld",
	         sql_admin_int("SELECT MAX(o.id) FROM orders o JOIN customers c ON c.id = "
	                       "o.customer_id WHERE c.username = '%s'",
	                       customer_user));
	/* Something in the cart again, so /checkout shows its form. */
	snprintf(body, sizeof(body), "csrf=%s&product_id=1&quantity=1", s->csrf);
	assert_int_equal(post_form(&s->c, "/cart", body, &r), 303);
	http_resp_free(&r);
	struct member m;
	member_new(&m, ROLE_ANALYST);
	snprintf(staff_name, sizeof(staff_name), "%s", m.username);
}

static void test_every_route_refuses_hostile_input_without_5xx_or_writes(void **state)
{
	(void)state;
	memset(long_value, 'L', sizeof(long_value) - 1);
	memset(oversize_value, 'O', sizeof(oversize_value) - 1);
	load_routes();
	char views[1024];
	snprintf(views, sizeof(views), "%s/views", env_repo());
	scan_views(views);
	db_open();
	sessions_make();
	objects_make();
	int from_views = nfields;
	discover();
	int learned = nfields;
	/* SWEEP_ROUTE=name limits the run to the routes of that name (while fixing one). */
	const char *only = getenv("SWEEP_ROUTE");
	for (int i = 0; i < nroutes; i++)
		for (int j = 0; j < NSESS; j++)
			if (strcmp(routes[i].pool, sessions[j].pool == WEB ? "web" : "staff") ==
			        0 &&
			    (only == NULL || strcmp(only, routes[i].name) == 0))
				sweep_route(&sessions[j], &routes[i]);
	fprintf(
	    stderr,
	    "sweep: %d routes, %d sessions, %d field names (%d from views, %d after discovery), "
	    "%ld requests, %ld accepted POSTs, %ld failures\n",
	    nroutes, NSESS, nfields, from_views, learned, tally.requests, tally.accepted_posts,
	    tally.failures);
	clear_throttle();
	mysql_close(db);
	assert_int_equal(tally.failures, 0);
}

int main(void)
{
	harness_require_stack();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_route_refuses_hostile_input_without_5xx_or_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
