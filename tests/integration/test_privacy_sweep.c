/* test_privacy_sweep.c — after a full test run (scripts/test runs it last, suite privacy_sweep,
 * against the stack the integration and browser tests used): `dittoctl traffic ingest` reads the
 * traffic log, then the log and every aggregate table are searched for the run's secrets.
 *
 * The secrets: every session cookie value the harnesses received (DIR/run/seen-tokens, written
 * by harness.c and tests/browser/lib.mjs), every username, email and customer id the database
 * holds in any base table (the columns are found in information_schema by name, so the audit
 * log's and the verification table's copies of deleted accounts count too), and every address
 * the run came from (127.0.0.1, ::1 and each source address the tests chose, run/seen-addresses).
 *
 * The traffic logs (the shop's and the staff site's) may hold addresses by design, never a
 * session token, username or email.  The aggregate tables — every table or view whose name
 * starts with traffic_ or report_ or ends in _daily, _weekly or _monthly, listed from
 * information_schema so a new one is covered — hold none of them at all.  Text is compared
 * lower-cased, and a name counts where it stands alone: the bytes around it are not letters,
 * digits, '_' or '-' (a username "anna" is not found in "/banana", but is in "anna@x.test").
 *
 * Customer ids are numbers, and aggregates are full of numbers: a count n, a status code 404 or
 * a category id equal to some customer's id names no one.  An id is a hit where it can only mean
 * the customer: as a path segment in any text ("/orders/17", "/u/17/x"), or as the whole value
 * of a column that holds a person's id (customer_id, user_id, staff_id, "customer"...; not the
 * count "customers"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <mysql.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"
#include "sql_harness.h"

enum kind { TOKEN, USERNAME, EMAIL, ADDRESS, NKINDS };
static const char *const kind_name[NKINDS] = {"session token", "username", "email", "address"};

struct needle {
	char *s; /* lower-cased */
	size_t len;
	enum kind kind;
};

struct needles {
	struct needle *v;
	size_t n, cap;
};

/* Values shorter than this are not searched for (a one-letter username would be everywhere). */
#define MIN_NEEDLE 3

static void needle_add(struct needles *ns, enum kind k, const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (len < MIN_NEEDLE)
		return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 256;
		ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
		assert_non_null(ns->v);
	}
	char *c = malloc(len + 1);
	assert_non_null(c);
	for (size_t i = 0; i < len; i++)
		c[i] = (char)tolower((unsigned char)s[i]);
	c[len] = '\0';
	ns->v[ns->n++] = (struct needle){c, len, k};
}

static void needles_free(struct needles *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i].s);
	free(ns->v);
	*ns = (struct needles){0};
}

static bool word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* ---- the search: all needles at once, one rolling hash per distinct length ----------------
 * A run leaves thousands of names and a log of megabytes, so a memmem per needle would be slow;
 * for each length L the text's L-byte windows are hashed in one pass and looked up in a table of
 * the needles of that length (a hash match is confirmed with memcmp). */

#define HASH_BASE 1000003ULL

static int by_len(const void *a, const void *b)
{
	const struct needle *x = a, *y = b;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Counts the hits of ns (sorted by length) in text (lower-cased, len bytes) of the kinds in
 * `kinds` (a bit per kind); prints the first few, naming where. */
static long search(const char *text, size_t len, const struct needles *ns, unsigned kinds,
                   const char *where)
{
	long hits = 0;
	for (size_t i = 0; i < ns->n;) {
		size_t L = ns->v[i].len, j = i;
		while (j < ns->n && ns->v[j].len == L)
			j++;
		size_t count = j - i, cap = 1;
		while (cap < count * 2)
			cap <<= 1;
		int32_t *slot = malloc(cap * sizeof(*slot));
		uint64_t *slot_h = malloc(cap * sizeof(*slot_h));
		assert_non_null(slot);
		assert_non_null(slot_h);
		for (size_t k = 0; k < cap; k++)
			slot[k] = -1;
		uint64_t pow = 1; /* HASH_BASE^(L-1) */
		for (size_t k = 1; k < L; k++)
			pow *= HASH_BASE;
		for (size_t k = i; k < j; k++) {
			if (!(kinds & (1u << ns->v[k].kind)))
				continue;
			uint64_t h = 0;
			for (size_t b = 0; b < L; b++)
				h = h * HASH_BASE + (unsigned char)ns->v[k].s[b];
			size_t s = (size_t)(h * 0x9E3779B97F4A7C15ULL >> 7) & (cap - 1);
			while (slot[s] >= 0)
				s = (s + 1) & (cap - 1);
			slot[s] = (int32_t)k;
			slot_h[s] = h;
		}
		if (len >= L) {
			uint64_t h = 0;
			for (size_t b = 0; b < L; b++)
				h = h * HASH_BASE + (unsigned char)text[b];
			for (size_t at = 0;; at++) {
				size_t s = (size_t)(h * 0x9E3779B97F4A7C15ULL >> 7) & (cap - 1);
				for (; slot[s] >= 0; s = (s + 1) & (cap - 1)) {
					const struct needle *nd = &ns->v[slot[s]];
					if (slot_h[s] != h || memcmp(text + at, nd->s, L) != 0)
						continue;
					bool alone =
					    (at == 0 || !word_byte((unsigned char)text[at - 1])) &&
					    (at + L == len ||
					     !word_byte((unsigned char)text[at + L]));
					if (!alone)
						continue;
					if (hits++ < 10)
						fprintf(stderr, "# %s: %s \"%s\" at byte %zu\n",
						        where, kind_name[nd->kind], nd->s, at);
				}
				if (at + L >= len)
					break;
				h = (h - (unsigned char)text[at] * pow) * HASH_BASE +
				    (unsigned char)text[at + L];
			}
		}
		free(slot);
		free(slot_h);
		i = j;
	}
	return hits;
}

/* ---- customer ids --------------------------------------------------------------------------- */

struct ids {
	long long *v;
	size_t n;
};

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static bool is_id(const struct ids *ids, long long v)
{
	return bsearch(&v, ids->v, ids->n, sizeof(long long), cmp_ll) != NULL;
}

/* A customer id as a path segment of s: '/' digits, then the end, '/', '?', '#', '"' or a
 * blank. */
static bool id_in_path(const struct ids *ids, const char *s)
{
	for (const char *p = strchr(s, '/'); p != NULL; p = strchr(p + 1, '/')) {
		const char *d = p + 1, *e = d;
		while (isdigit((unsigned char)*e))
			e++;
		if (e == d || e - d > 18 || (*e != '\0' && strchr("/?#\" ", *e) == NULL))
			continue;
		if (is_id(ids, atoll(d)))
			return true;
	}
	return false;
}

static bool whole_id(const struct ids *ids, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
		return false;
	return is_id(ids, atoll(s));
}

/* A column that holds a person's id: named after a person and ending in "_id" (customer_id,
 * staff_user_id) or just "customer", "user"...  A plural ("customers" in report_visits) is a
 * count of them. */
static bool column_names_a_person(const char *col)
{
	static const char *const words[] = {"customer", "user", "member", "person", "staff"};
	size_t n = strlen(col);
	bool id = n > 3 && strcasecmp(col + n - 3, "_id") == 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((id && strcasestr(col, words[i]) != NULL) || strcasecmp(col, words[i]) == 0)
			return true;
	return false;
}

/* ---- the run's secrets ------------------------------------------------------------------ */

static MYSQL *root;
static struct needles secrets;
static struct ids customer_ids;

static void add_file_lines(struct needles *ns, enum kind k, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/run/%s", env_state(), name);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	char line[600];
	while (fgets(line, sizeof(line), f) != NULL)
		needle_add(ns, k, line, strlen(line));
	fclose(f);
}

static MYSQL_RES *query(const char *sql)
{
	if (mysql_query(root, sql) != 0)
		fail_msg("%s: %s", sql, mysql_error(root));
	MYSQL_RES *r = mysql_store_result(root);
	assert_non_null(r);
	return r;
}

/* Every value of the text columns called *username* or *email* and of the integer columns called
 * *customer_id* in the database's base tables. */
static void load_secrets(void)
{
	add_file_lines(&secrets, TOKEN, "seen-tokens");
	add_file_lines(&secrets, ADDRESS, "seen-addresses");
	needle_add(&secrets, ADDRESS, "127.0.0.1", 9);
	needle_add(&secrets, ADDRESS, "::1", 3);
	MYSQL_RES *cols = query(
	    "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
	    "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND "
	    "t.table_name = c.table_name WHERE c.table_schema = DATABASE() AND "
	    "t.table_type = 'BASE TABLE' AND ((c.column_name LIKE '%username%' OR "
	    "c.column_name LIKE '%email%') AND c.data_type IN ('char', 'varchar', 'text', "
	    "'tinytext', 'mediumtext') OR c.column_name LIKE '%customer\\_id' AND c.data_type "
	    "IN ('int', 'bigint', 'mediumint'))");
	size_t id_cap = 0;
	int people_columns = 0;
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(cols)) != NULL) {
		char sql[512];
		snprintf(sql, sizeof(sql), "SELECT DISTINCT `%s` FROM `%s` WHERE `%s` IS NOT NULL",
		         row[1], row[0], row[1]);
		bool id = strstr(row[2], "int") != NULL;
		enum kind k = strcasestr(row[1], "email") != NULL ? EMAIL : USERNAME;
		people_columns++;
		MYSQL_RES *vals = query(sql);
		MYSQL_ROW v;
		while ((v = mysql_fetch_row(vals)) != NULL) {
			if (id) {
				if (customer_ids.n == id_cap) {
					id_cap = id_cap ? id_cap * 2 : 256;
					customer_ids.v =
					    realloc(customer_ids.v, id_cap * sizeof(long long));
					assert_non_null(customer_ids.v);
				}
				customer_ids.v[customer_ids.n++] = atoll(v[0]);
			} else {
				needle_add(&secrets, k, v[0], strlen(v[0]));
			}
		}
		mysql_free_result(vals);
	}
	mysql_free_result(cols);
	/* customers, staff, the audit log, orders, verifications at least. */
	assert_true(people_columns >= 5);
	qsort(customer_ids.v, customer_ids.n, sizeof(long long), cmp_ll);
	qsort(secrets.v, secrets.n, sizeof(*secrets.v), by_len);
	size_t per_kind[NKINDS] = {0};
	for (size_t i = 0; i < secrets.n; i++)
		per_kind[secrets.v[i].kind]++;
	fprintf(stderr,
	        "# secrets: %zu session tokens, %zu usernames, %zu emails, %zu addresses, %zu "
	        "customer ids\n",
	        per_kind[TOKEN], per_kind[USERNAME], per_kind[EMAIL], per_kind[ADDRESS],
	        customer_ids.n);
}

/* ---- the places searched ------------------------------------------------------------------- */

static char *slurp_lower(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*len = 0;
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	for (size_t i = 0; i < got; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	buf[got] = '\0';
	*len = got;
	return buf;
}

#define LOG_KINDS ((1u << TOKEN) | (1u << USERNAME) | (1u << EMAIL))
#define ALL_KINDS (LOG_KINDS | (1u << ADDRESS))

static long search_log(const char *path, const struct needles *ns)
{
	size_t len;
	char *text = slurp_lower(path, &len);
	if (text == NULL)
		return 0;
	long hits = search(text, len, ns, LOG_KINDS, path);
	free(text);
	return hits;
}

/* Every row of one aggregate table or view: the secrets in its text, customer ids as path
 * segments or as whole values of a person's column. */
static long search_table(const char *table, const struct needles *ns, const struct ids *ids)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT * FROM `%s`", table);
	MYSQL_RES *r = query(sql);
	unsigned nf = mysql_num_fields(r);
	MYSQL_FIELD *f = mysql_fetch_fields(r);
	long hits = 0;
	size_t cap = 1 << 16, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(r)) != NULL) {
		for (unsigned c = 0; c < nf; c++) {
			if (row[c] == NULL)
				continue;
			if (id_in_path(ids, row[c]) ||
			    (column_names_a_person(f[c].name) && whole_id(ids, row[c]))) {
				if (hits++ < 10)
					fprintf(stderr, "# %s.%s: a customer id in \"%s\"\n", table,
					        f[c].name, row[c]);
			}
			size_t n = strlen(row[c]);
			if (len + n + 2 > cap) {
				while (len + n + 2 > cap)
					cap *= 2;
				text = realloc(text, cap);
				assert_non_null(text);
			}
			for (size_t i = 0; i < n; i++)
				text[len++] = (char)tolower((unsigned char)row[c][i]);
			text[len++] = '\n';
		}
	}
	mysql_free_result(r);
	hits += search(text, len, ns, ALL_KINDS, table);
	free(text);
	return hits;
}

/* The aggregate tables and views, from information_schema. */
static int aggregate_tables(char names[][65], int max)
{
	MYSQL_RES *r =
	    query("SELECT table_name FROM information_schema.tables WHERE table_schema = "
	          "DATABASE() AND (table_name LIKE 'traffic\\_%' OR table_name LIKE "
	          "'report\\_%' OR table_name LIKE '%\\_daily' OR table_name LIKE "
	          "'%\\_weekly' OR table_name LIKE '%\\_monthly') ORDER BY table_name");
	int n = 0;
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(r)) != NULL && n < max)
		snprintf(names[n++], 65, "%s", row[0]);
	mysql_free_result(r);
	return n;
}

/* ---- the tests ----------------------------------------------------------------------------- */

/* The search finds what is there: a token, a username and an email planted in a copy of the
 * log, an id as a path segment, and a planted aggregate row; and it does not count what is not
 * a hit (a name inside a longer word, a count equal to an id). */
static void test_the_search_finds_planted_secrets(void **state)
{
	(void)state;
	struct needles ns = {0};
	needle_add(&ns, TOKEN, "Ab3_x-QRSTuvwxyz0123456789abcdefghijklmnopq", 43);
	needle_add(&ns, USERNAME, "anna", 4);
	needle_add(&ns, EMAIL, "anna@example.test", 17);
	needle_add(&ns, ADDRESS, "127.0.0.1", 9);
	qsort(ns.v, ns.n, sizeof(*ns.v), by_len);
	char copy[1024];
	snprintf(copy, sizeof(copy), "%s/run/sweep-selfcheck-%d.log", env_state(), (int)getpid());
	char orig[1024];
	snprintf(orig, sizeof(orig), "%s/log/traffic.log", env_state());
	assert_int_equal(sh("cp '%s' '%s'", orig, copy), 0);
	/* The real log holds none of these (the address is allowed in it). */
	assert_int_equal(search_log(copy, &ns), 0);
	FILE *f = fopen(copy, "a");
	assert_non_null(f);
	fputs("2026-01-01T00:00:00+00:00 127.0.0.1 \"GET /banana\" 200 1 0.001 \"-\" \"-\" -\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(search_log(copy, &ns), 0); /* "anna" inside "banana"; the address */
	f = fopen(copy, "a");
	assert_non_null(f);
	fputs("x \"GET /p?s=ab3_x-qrstuvwxyz0123456789abcdefghijklmnopq\" \"ANNA\"\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(search_log(copy, &ns), 2);
	f = fopen(copy, "a");
	assert_non_null(f);
	fputs("to=Anna@Example.test\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(search_log(copy, &ns), 4); /* the email, and the username in it */
	unlink(copy);

	long long ids_v[] = {7, 1234};
	struct ids ids = {ids_v, 2};
	assert_true(id_in_path(&ids, "/orders/1234"));
	assert_true(id_in_path(&ids, "/u/7/x"));
	assert_false(id_in_path(&ids, "/orders/{id}"));
	assert_false(id_in_path(&ids, "/orders/12345"));
	assert_true(whole_id(&ids, "7"));
	assert_true(column_names_a_person("customer_id"));
	assert_true(column_names_a_person("customer"));
	assert_false(column_names_a_person("n"));
	assert_false(column_names_a_person("customers")); /* a count of them */
	assert_false(column_names_a_person("category_id"));

	/* A row planted in a real aggregate table is found, by name and by id. */
	assert_int_equal(search_table("traffic_daily", &ns, &ids), 0);
	assert_int_equal(mysql_query(root,
	                             "INSERT INTO traffic_daily (day, metric, value, n) VALUES "
	                             "('2000-01-01', 'page', 'GET /x/anna@example.test', 1), "
	                             "('2000-01-01', 'page', 'GET /orders/1234', 7)"),
	                 0);
	long hits = search_table("traffic_daily", &ns, &ids);
	assert_int_equal(mysql_query(root, "DELETE FROM traffic_daily WHERE day = '2000-01-01'"),
	                 0);
	/* the email and its username; the id as a path segment, not the count 7 */
	assert_int_equal(hits, 3);
	needles_free(&ns);
}

static void test_no_secret_of_the_run_in_the_logs_or_the_aggregates(void **state)
{
	(void)state;
	char conf[1024];
	snprintf(conf, sizeof(conf), "%s/ditto.conf", env_state());
	assert_int_equal(sh("\"$BUILD\"/dittoctl --config '%s' traffic ingest >/dev/null", conf),
	                 0);
	load_secrets();
	/* The run signed in: without its tokens this test would look for nothing. */
	size_t tokens = 0;
	for (size_t i = 0; i < secrets.n; i++)
		tokens += secrets.v[i].kind == TOKEN;
	assert_true(tokens > 0);
	assert_true(customer_ids.n > 0);
	long hits = 0;
	char path[1024];
	snprintf(path, sizeof(path), "%s/log/traffic.log", env_state());
	assert_int_equal(access(path, R_OK), 0);
	hits += search_log(path, &secrets);
	snprintf(path, sizeof(path), "%s/log/staff-traffic.log", env_state());
	hits += search_log(path, &secrets);
	static char tables[128][65];
	int n = aggregate_tables(tables, 128);
	assert_true(n >= 3); /* traffic_daily, traffic_visits, the report views at least */
	for (int i = 0; i < n; i++)
		hits += search_table(tables[i], &secrets, &customer_ids);
	fprintf(stderr, "# searched 2 logs and %d aggregate tables\n", n);
	assert_int_equal(hits, 0);
}

static int setup(void **state)
{
	(void)state;
	root = harness_connect_as("root", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	needles_free(&secrets);
	free(customer_ids.v);
	mysql_close(root);
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_search_finds_planted_secrets),
	    cmocka_unit_test(test_no_secret_of_the_run_in_the_logs_or_the_aggregates),
	};
	return cmocka_run_group_tests_name("privacy_sweep", tests, setup, teardown);
}
