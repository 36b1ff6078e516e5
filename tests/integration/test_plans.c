/* test_plans.c — every hot statement of app/db/plans.c keeps an index plan on realistic data:
 * two scratch databases on the stack's server, with the schema of `ditto` (CREATE TABLE LIKE,
 * so new columns and indexes come along) and its rows, one seeded like a shop in use and one
 * with 100,000 products in skewed categories, both after ANALYZE TABLE ... PERSISTENT FOR ALL.
 * Each statement is EXPLAINed, prepared with each sample's arguments bound (the plan the server
 * picks for those values), and fails on a filesort, a temporary table, a full scan where no
 * full scan is intended, or an index other than the expected one.  `ditto` is only read; the
 * scratch databases are dropped afterwards and never granted to anyone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <mysql.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/plans.h"
#include "harness.h"
#include "sql_harness.h"

/* How much data a scratch database holds beyond the demo catalogue and `ditto`'s rows. */
struct spread {
	const char *db;    /* the scratch database */
	long products;     /* products wanted in all (skewed categories, 15 % inactive); 0: the
	                    * demo catalogue's only */
	long customers;    /* customers added */
	long sessions;     /* sessions added, about half of them live */
	long orders;       /* orders added, 1 to 4 lines each (3 on average) */
	long cart_holders; /* customers with 4 items in the cart (one more holds 30) */
};

static const struct spread SEED = {"ditto_plans_seed", 0, 2000, 3000, 5000, 500};
static const struct spread BIG = {"ditto_plans_big", 100000, 20000, 30000, 50000, 5000};

static MYSQL *root; /* the administrator: builds, analyses and drops the scratch databases */

/* Runs a statement as root in the current database, discarding any result; a failure fails the
 * test (the teardown still drops the scratch database). */
static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (mysql_query(root, sql) != 0)
		fail_msg("%s: %s", sql, mysql_error(root));
	do {
		MYSQL_RES *r = mysql_store_result(root);
		if (r != NULL)
			mysql_free_result(r);
	} while (mysql_next_result(root) == 0);
}

/* Runs schema/seed/demo.sql (several statements) with the current database as the default. */
static void run_demo_seed(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/schema/seed/demo.sql", env_repo());
	char *sql = slurp_all(path);
	size_t len = strlen(sql);
	if (len == 0)
		fail_msg("cannot read %s", path);
	mysql_set_server_option(root, MYSQL_OPTION_MULTI_STATEMENTS_ON);
	int rc = mysql_real_query(root, sql, len);
	while (rc == 0) {
		MYSQL_RES *r = mysql_store_result(root);
		if (r != NULL)
			mysql_free_result(r);
		rc = mysql_next_result(root);
	}
	free(sql);
	mysql_set_server_option(root, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	if (rc > 0)
		fail_msg("%s: %s", path, mysql_error(root));
}

/* The names of `ditto`'s base tables (not its views), NULL-terminated, malloc'd. */
static char **ditto_tables(void)
{
	if (mysql_query(root, "SELECT table_name FROM information_schema.tables WHERE "
	                      "table_schema = 'ditto' AND table_type = 'BASE TABLE' "
	                      "ORDER BY table_name") != 0)
		fail_msg("listing ditto's tables: %s", mysql_error(root));
	MYSQL_RES *r = mysql_store_result(root);
	size_t n = r ? mysql_num_rows(r) : 0;
	char **t = calloc(n + 1, sizeof(*t));
	MYSQL_ROW row;
	for (size_t i = 0; r != NULL && i < n && (row = mysql_fetch_row(r)) != NULL; i++)
		t[i] = strdup(row[0]);
	if (r != NULL)
		mysql_free_result(r);
	return t;
}

static void free_tables(char **t)
{
	for (size_t i = 0; t != NULL && t[i] != NULL; i++)
		free(t[i]);
	free(t);
}

/* Products up to s->products: one category holds about 60 %, the last (by id) only the demo
 * catalogue's, the other ten share the rest; 3 in 20 are inactive (15 %). */
static void add_products(const struct spread *s)
{
	long have = harness_sql_int(root, "SELECT COUNT(*) FROM products");
	if (s->products <= have)
		return;
	run("INSERT INTO products (category_id, sku, name, description, price_cents, stock, "
	    "weight_grams, active) "
	    "SELECT c.id, CONCAT('PLN-', LPAD(q.seq, 6, '0')), CONCAT('Plan product ', q.seq), "
	    "'A generated product of the plan tests.', 900 + (q.seq * 137) %% 9100, "
	    "(q.seq * 31) %% 200, 50 + (q.seq * 53) %% 950, q.seq %% 20 >= 3 "
	    "FROM seq_1_to_%ld q JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k "
	    "FROM categories) c ON c.k = IF(q.seq %% 100 < 61, 0, 1 + q.seq %% 10)",
	    s->products - have);
}

/* Customers, sessions, orders with their lines, and carts, in the proportions of s. */
static void add_people(const struct spread *s)
{
	long long cbase = harness_sql_int(root, "SELECT COALESCE(MAX(id), 0) FROM customers");
	long long obase = harness_sql_int(root, "SELECT COALESCE(MAX(id), 0) FROM orders");
	long long pmin = harness_sql_int(root, "SELECT MIN(id) FROM products");
	long long pcount = harness_sql_int(root, "SELECT COUNT(*) FROM products");
	long long policy = harness_sql_int(root, "SELECT MAX(version) FROM policy_versions");
	run("INSERT INTO customers (id, username, email, name, password_hash, status, "
	    "policy_version, registered_at, last_visit_at, visit_count) "
	    "SELECT %lld + q.seq, CONCAT('plan', q.seq), CONCAT('plan', q.seq, '@example.test'), "
	    "CONCAT('Plan Customer ', q.seq), '$argon2id$v=19$m=65536,t=3,p=1$plans', "
	    "IF(q.seq %% 10 = 0, 'pending', 'approved'), %lld, "
	    "UTC_TIMESTAMP(6) - INTERVAL q.seq MINUTE, UTC_TIMESTAMP(6) - INTERVAL q.seq SECOND, "
	    "q.seq %% 50 FROM seq_1_to_%ld q",
	    cbase, policy, s->customers);
	/* Half the sessions have expired; the live ones were seen within the last day. */
	run("INSERT INTO sessions (token_hash, customer_id, csrf_token, created_at, last_seen_at, "
	    "expires_at) "
	    "SELECT UNHEX(SHA2(CONCAT('plan-session-', q.seq), 256)), "
	    "%lld + 1 + (q.seq * 7919) %% %ld, LEFT(SHA2(CONCAT('csrf', q.seq), 256), 43), "
	    "UTC_TIMESTAMP(6) - INTERVAL q.seq %% 1440 MINUTE - INTERVAL 1 HOUR, "
	    "UTC_TIMESTAMP(6) - INTERVAL q.seq %% 1440 MINUTE, "
	    "UTC_TIMESTAMP(6) + INTERVAL 1 DAY - INTERVAL q.seq %% 2880 MINUTE "
	    "FROM seq_1_to_%ld q",
	    cbase, s->customers, s->sessions);
	/* One customer places a tenth of all orders (the order list's long case). */
	run("INSERT INTO orders (id, customer_id, nonce, status, policy_version, contact_name, "
	    "contact_email, billing_line1, billing_city, billing_postcode, billing_country, "
	    "shipping_line1, shipping_city, shipping_postcode, shipping_country, payment_mode, "
	    "total_cents, weight_grams, created_at) "
	    "SELECT %lld + q.seq, %lld + 1 + IF(q.seq %% 10 = 0, 0, (q.seq * 7919) %% %ld), "
	    "LEFT(SHA2(CONCAT('plan-order-', q.seq), 256), 43), "
	    "ELT(1 + q.seq %% 6, 'placed', 'paid', 'shipped', 'delivered', 'cancelled', "
	    "'refunded'), %lld, 'Plan Customer', 'plan@example.test', '1 Plan Street', "
	    "'Plantown', '12345', 'Plania', '1 Plan Street', 'Plantown', '12345', 'Plania', "
	    "IF(q.seq %% 3 = 0, 'invoice', 'card'), 1000 + q.seq %% 9000, 100 + q.seq %% 900, "
	    "UTC_TIMESTAMP(6) - INTERVAL %ld - q.seq MINUTE FROM seq_1_to_%ld q",
	    obase, cbase, s->customers, policy, s->orders, s->orders);
	run("INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, "
	    "quantity) "
	    "SELECT o.id, l.seq, %lld + (o.id * 31 + l.seq) %% %lld, 'PLN-LINE', 'Plan line', "
	    "1000 + o.id %% 500, 1 + (o.id + l.seq) %% 3 "
	    "FROM orders o JOIN seq_1_to_4 l ON l.seq <= ELT(1 + o.id %% 6, 1, 2, 3, 4, 4, 4) "
	    "WHERE o.id > %lld",
	    pmin, pcount, obase);
	/* Carts of 4 items, the oldest first; one customer holds 30. */
	run("INSERT IGNORE INTO cart_items (customer_id, product_id, quantity, added_at) "
	    "SELECT %lld + 1 + q.seq %% %ld, %lld + q.seq DIV %ld, 1 + q.seq %% 3, "
	    "UTC_TIMESTAMP(6) - INTERVAL q.seq SECOND FROM seq_0_to_%ld q",
	    cbase, s->cart_holders, pmin, s->cart_holders, 4 * s->cart_holders - 1);
	run("INSERT IGNORE INTO cart_items (customer_id, product_id, quantity, added_at) "
	    "SELECT %lld + %ld + 1, %lld + q.seq, 1, UTC_TIMESTAMP(6) - INTERVAL q.seq MINUTE "
	    "FROM seq_1_to_30 q",
	    cbase, s->cart_holders, pmin);
}

/* Drops the scratch database of s (if any) and makes it again: `ditto`'s tables and rows, the
 * demo catalogue, the spread of s, statistics from ANALYZE TABLE.  Leaves it the default. */
static void build(const struct spread *s)
{
	time_t t0 = time(NULL);
	run("DROP DATABASE IF EXISTS %s", s->db);
	run("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", s->db);
	char **tables = ditto_tables();
	for (size_t i = 0; tables[i] != NULL; i++) {
		run("CREATE TABLE %s.`%s` LIKE ditto.`%s`", s->db, tables[i], tables[i]);
		run("INSERT INTO %s.`%s` SELECT * FROM ditto.`%s`", s->db, tables[i], tables[i]);
	}
	if (mysql_select_db(root, s->db) != 0)
		fail_msg("USE %s: %s", s->db, mysql_error(root));
	run_demo_seed();
	add_products(s);
	add_people(s);
	for (size_t i = 0; tables[i] != NULL; i++)
		run("ANALYZE TABLE `%s` PERSISTENT FOR ALL", tables[i]);
	free_tables(tables);
	print_message("# %s: %lld products, %lld customers, %lld sessions, %lld orders, %lld "
	              "order lines, %lld cart items; built and analysed in %ld s\n",
	              s->db, harness_sql_int(root, "SELECT COUNT(*) FROM products"),
	              harness_sql_int(root, "SELECT COUNT(*) FROM customers"),
	              harness_sql_int(root, "SELECT COUNT(*) FROM sessions"),
	              harness_sql_int(root, "SELECT COUNT(*) FROM orders"),
	              harness_sql_int(root, "SELECT COUNT(*) FROM order_lines"),
	              harness_sql_int(root, "SELECT COUNT(*) FROM cart_items"),
	              (long)(time(NULL) - t0));
}

/* A growing text (open_memstream). */
struct text {
	char *s;
	size_t len;
	FILE *f;
};

/* The arguments of one sample, with the values read from the data. */
struct bound {
	struct db_arg args[DB_PLAN_MAX_ARGS];
	char buf[DB_PLAN_MAX_ARGS][256];
	char shown[512]; /* "3, 20, 2400" for the failure message */
};

/* Resolves sample's arguments in the current database into b.  Returns 0, or -1 with the reason
 * in why (a sample query that yields no row is a fault of the data, reported as a failure). */
static int resolve(const struct db_plan *p, const struct db_plan_sample *sm, struct bound *b,
                   struct text *why)
{
	size_t off = 0;
	b->shown[0] = '\0';
	assert_true(p->nargs <= DB_PLAN_MAX_ARGS); /* the registry's arrays hold no more */
	for (size_t i = 0; i < p->nargs; i++) {
		const struct db_plan_arg *a = &sm->args[i];
		b->args[i] = a->value;
		if (a->sample != NULL) {
			if (mysql_query(root, a->sample) != 0) {
				fprintf(why->f, "sample query %s: %s\n", a->sample,
				        mysql_error(root));
				return -1;
			}
			MYSQL_RES *r = mysql_store_result(root);
			MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
			unsigned long *lens = row ? mysql_fetch_lengths(r) : NULL;
			if (row == NULL || row[0] == NULL || lens[0] >= sizeof(b->buf[i])) {
				fprintf(why->f, "sample query yields no value: %s\n", a->sample);
				if (r != NULL)
					mysql_free_result(r);
				return -1;
			}
			memcpy(b->buf[i], row[0], lens[0]);
			b->buf[i][lens[0]] = '\0';
			if (a->value.type == DB_ARG_INT)
				b->args[i] = DB_INT(atoll(b->buf[i]));
			else
				b->args[i] = DB_STRN(b->buf[i], lens[0]);
			mysql_free_result(r);
		}
		const struct db_arg *v = &b->args[i];
		if (v->type == DB_ARG_INT)
			off += snprintf(b->shown + off, sizeof(b->shown) - off, "%s%lld",
			                i ? ", " : "", v->i);
		else if (v->type == DB_ARG_STR)
			off += snprintf(b->shown + off, sizeof(b->shown) - off, "%s%zu-byte string",
			                i ? ", " : "", v->len);
		else
			off += snprintf(b->shown + off, sizeof(b->shown) - off, "%sNULL",
			                i ? ", " : "");
		if (off >= sizeof(b->shown))
			off = sizeof(b->shown) - 1;
	}
	return 0;
}

/* EXPLAIN's columns, as the rules read them. */
enum {
	EX_ID,
	EX_SELECT_TYPE,
	EX_TABLE,
	EX_TYPE,
	EX_KEYS,
	EX_KEY,
	EX_KEY_LEN,
	EX_REF,
	EX_ROWS,
	EX_EXTRA,
	EX__MAX
};

/* One row of EXPLAIN; an absent (NULL) cell is "". */
struct ex_row {
	char cell[EX__MAX][512];
};

/*
 * EXPLAINs p->sql prepared, with b's arguments bound, in the current database.  Stores up to
 * cap rows in rows and their count in *n.  Returns 0, or -1 with the reason in why.
 */
static int explain(const struct db_plan *p, const struct bound *b, struct ex_row *rows, size_t cap,
                   size_t *n, struct text *why)
{
	int rc = -1;
	*n = 0;
	char *sql = NULL;
	if (asprintf(&sql, "EXPLAIN %s", p->sql) < 0)
		fail_msg("out of memory");
	MYSQL_STMT *st = mysql_stmt_init(root);
	MYSQL_RES *meta = NULL;
	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		fprintf(why->f, "prepare: %s\n", st ? mysql_stmt_error(st) : "out of memory");
		goto out;
	}
	if (mysql_stmt_param_count(st) != p->nargs) {
		fprintf(why->f, "the statement has %lu placeholders, the registry %zu arguments\n",
		        mysql_stmt_param_count(st), p->nargs);
		goto out;
	}
	MYSQL_BIND in[DB_PLAN_MAX_ARGS];
	memset(in, 0, sizeof(in));
	for (size_t i = 0; i < p->nargs; i++) {
		const struct db_arg *a = &b->args[i];
		if (a->type == DB_ARG_INT) {
			in[i].buffer_type = MYSQL_TYPE_LONGLONG;
			in[i].buffer = (void *)&a->i;
		} else if (a->type == DB_ARG_STR) {
			in[i].buffer_type = MYSQL_TYPE_STRING;
			in[i].buffer = (void *)a->s;
			in[i].buffer_length = a->len;
		} else {
			in[i].buffer_type = MYSQL_TYPE_NULL;
		}
	}
	if ((p->nargs > 0 && mysql_stmt_bind_param(st, in) != 0) || mysql_stmt_execute(st) != 0) {
		fprintf(why->f, "execute: %s\n", mysql_stmt_error(st));
		goto out;
	}
	meta = mysql_stmt_result_metadata(st);
	if (meta == NULL || mysql_num_fields(meta) != EX__MAX) {
		fprintf(why->f, "EXPLAIN returned %u columns, expected %d\n",
		        meta ? mysql_num_fields(meta) : 0, EX__MAX);
		goto out;
	}
	struct ex_row row;
	MYSQL_BIND out[EX__MAX];
	unsigned long len[EX__MAX];
	my_bool null[EX__MAX];
	memset(out, 0, sizeof(out));
	for (int c = 0; c < EX__MAX; c++) {
		out[c].buffer_type = MYSQL_TYPE_STRING;
		out[c].buffer = row.cell[c];
		out[c].buffer_length = sizeof(row.cell[c]) - 1;
		out[c].length = &len[c];
		out[c].is_null = &null[c];
	}
	if (mysql_stmt_bind_result(st, out) != 0) {
		fprintf(why->f, "bind result: %s\n", mysql_stmt_error(st));
		goto out;
	}
	int f;
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		for (int c = 0; c < EX__MAX; c++) {
			size_t l =
			    len[c] < sizeof(row.cell[c]) - 1 ? len[c] : sizeof(row.cell[c]) - 1;
			row.cell[c][null[c] ? 0 : l] = '\0';
		}
		if (*n < cap)
			rows[(*n)++] = row;
	}
	if (f != MYSQL_NO_DATA) {
		fprintf(why->f, "fetch: %s\n", mysql_stmt_error(st));
		goto out;
	}
	rc = 0;
out:
	if (meta != NULL)
		mysql_free_result(meta);
	if (st != NULL)
		mysql_stmt_close(st);
	free(sql);
	return rc;
}

/* The expectation p has for table, or NULL. */
static const struct db_plan_expect *expect_of(const struct db_plan *p, const char *table)
{
	for (size_t i = 0; i < sizeof(p->expect) / sizeof(p->expect[0]); i++) {
		if (p->expect[i].table == NULL)
			break;
		if (strcmp(p->expect[i].table, table) == 0)
			return &p->expect[i];
	}
	return NULL;
}

/* Applies the rules of plans.h to rows; writes each broken one to why. Returns how many. */
static int judge(const struct db_plan *p, const struct ex_row *rows, size_t n, struct text *why)
{
	int bad = 0;
	bool nothing_read = false; /* the optimizer answered without reading tables */
	for (size_t r = 0; r < n; r++) {
		const char *table = rows[r].cell[EX_TABLE];
		const char *type = rows[r].cell[EX_TYPE];
		const char *key = rows[r].cell[EX_KEY];
		const char *extra = rows[r].cell[EX_EXTRA];
		const struct db_plan_expect *e = *table ? expect_of(p, table) : NULL;
		if (*table == '\0' && (strstr(extra, "Impossible") != NULL ||
		                       strstr(extra, "no matching row") != NULL))
			nothing_read = true;
		if (strstr(extra, "Using filesort") != NULL && (e == NULL || !e->sorts)) {
			fprintf(why->f, "  %s: sorts its rows (Using filesort)\n", table);
			bad++;
		}
		if (strstr(extra, "Using temporary") != NULL) {
			fprintf(why->f, "  %s: builds a temporary table (Using temporary)\n",
			        table);
			bad++;
		}
		if ((strcmp(type, "ALL") == 0 || strcmp(type, "index") == 0) &&
		    (e == NULL || !e->whole)) {
			fprintf(why->f, "  %s: reads the whole %s (type %s)\n", table,
			        strcmp(type, "ALL") == 0 ? "table" : "index", type);
			bad++;
		}
		if (e != NULL && e->key != NULL && strcmp(e->key, key) != 0) {
			fprintf(why->f, "  %s: uses index %s, expected %s\n", table,
			        *key ? key : "(none)", e->key);
			bad++;
		}
	}
	/* An expectation naming no table of the plan is stale (a renamed alias): say so, unless
	 * the optimizer answered the statement without reading tables. */
	for (size_t i = 0; !nothing_read && i < sizeof(p->expect) / sizeof(p->expect[0]); i++) {
		const char *t = p->expect[i].table;
		if (t == NULL)
			break;
		bool seen = false;
		for (size_t r = 0; r < n && !seen; r++)
			seen = strcmp(rows[r].cell[EX_TABLE], t) == 0;
		if (!seen) {
			fprintf(why->f, "  %s: expected in the plan, but no row reads it\n", t);
			bad++;
		}
	}
	return bad;
}

/* Writes the EXPLAIN rows as a table. */
static void print_rows(FILE *f, const struct ex_row *rows, size_t n)
{
	static const char *names[EX__MAX] = {"id",  "select_type", "table", "type", "possible_keys",
	                                     "key", "key_len",     "ref",   "rows", "Extra"};
	fputs("   ", f);
	for (int c = 0; c < EX__MAX; c++)
		fprintf(f, " %s%s", names[c], c + 1 < EX__MAX ? " |" : "\n");
	for (size_t r = 0; r < n; r++) {
		fputs("   ", f);
		for (int c = 0; c < EX__MAX; c++)
			fprintf(f, " %s%s", *rows[r].cell[c] ? rows[r].cell[c] : "NULL",
			        c + 1 < EX__MAX ? " |" : "\n");
	}
}

/* EXPLAINs every registered statement with each of its samples in the current database (that of
 * s); fails listing every statement whose plan breaks a rule, with its EXPLAIN rows. */
static void check_plans(const struct spread *s)
{
	const struct db_plan *plans;
	size_t nplans = db_hot_plans(&plans);
	struct text report = {0};
	report.f = open_memstream(&report.s, &report.len);
	int failed = 0, checked = 0;
	for (size_t i = 0; i < nplans; i++) {
		const struct db_plan *p = &plans[i];
		for (size_t k = 0; k < p->nsamples; k++) {
			const struct db_plan_sample *sm = &p->samples[k];
			struct text why = {0};
			why.f = open_memstream(&why.s, &why.len);
			struct bound b;
			struct ex_row rows[16];
			size_t n = 0;
			int bad = 0;
			if (resolve(p, sm, &b, &why) < 0 || explain(p, &b, rows, 16, &n, &why) < 0)
				bad = 1;
			else
				bad = judge(p, rows, n, &why);
			fclose(why.f);
			checked++;
			if (bad > 0) {
				failed++;
				fprintf(
				    report.f,
				    "%s — sample \"%s\" (%s) — database %s:\n%s  the statement: "
				    "%s\n",
				    p->name, sm->name, b.shown, s->db, why.s, p->sql);
				print_rows(report.f, rows, n);
			} else {
				print_message("# ok: %s — %s (%s)\n", p->name, sm->name, s->db);
			}
			free(why.s);
		}
	}
	fclose(report.f);
	if (failed > 0) {
		/* Straight to stderr: cmocka's print_error cuts long messages. */
		fprintf(stderr, "%d of %d statement samples plan badly on %s:\n%s", failed, checked,
		        s->db, report.s);
		free(report.s);
		fail_msg("%d of %d hot statement samples break their plan rules on %s", failed,
		         checked, s->db);
	}
	free(report.s);
}

/* The scratch databases are dropped after each test, failed or not, and before the first (a
 * killed earlier run may have left them). */
static void drop_scratch(void)
{
	const struct spread *all[] = {&SEED, &BIG};
	for (size_t i = 0; i < 2; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", all[i]->db);
		if (mysql_query(root, sql) != 0)
			print_error("%s: %s\n", sql, mysql_error(root));
	}
	if (mysql_select_db(root, "ditto") != 0)
		print_error("USE ditto: %s\n", mysql_error(root));
}

static int drop_after(void **state)
{
	(void)state;
	drop_scratch();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	harness_require_stack();
	root = harness_connect_as("root", NULL);
	drop_scratch();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	drop_scratch();
	mysql_close(root);
	return 0;
}

/* The demo catalogue with 2,000 customers, 3,000 sessions, 5,000 orders and carts. */
static void test_hot_statements_walk_indexes_on_seeded_shop_after_analyze(void **state)
{
	(void)state;
	build(&SEED);
	check_plans(&SEED);
}

/* 100,000 products (one category 60 %, one 0.1 %, 15 % inactive), 20,000 customers, 30,000
 * sessions, 50,000 orders with 150,000 lines. */
static void test_hot_statements_walk_indexes_with_100k_products_after_analyze(void **state)
{
	(void)state;
	build(&BIG);
	check_plans(&BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_hot_statements_walk_indexes_on_seeded_shop_after_analyze,
	                              drop_after),
	    cmocka_unit_test_teardown(
	        test_hot_statements_walk_indexes_with_100k_products_after_analyze, drop_after),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
