/* test_catalog_cache.c — the workers' catalogue cache is never stale, and the views a worker
 * batches are what a crash of that worker loses, nothing more.
 *
 * Each worker keeps the catalogue for one catalogue version (app/catalog_cache.h); a change of
 * price, or a product selling out or coming back, bumps the version in its own transaction
 * (schema/024, 037), while a sale that leaves it in stock does not: the product page reads the
 * count of units live.  The first test fills
 * every worker's cache with the old values, changes the product, and then requires the new
 * values in every answer, from every worker.  The second kills -9 a worker right after it
 * answered a product page with the view still batched (X-Ditto-Batched, a test stack's header)
 * and shows that the shop goes on serving and writing, and that what was lost is that view. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define MAX_PIDS  64
#define N_THREADS 6

static int worker_of(const struct http_resp *r)
{
	char *v = http_header_value(r, "X-Ditto-Worker");
	int pid = v ? atoi(v) : 0;
	free(v);
	return pid;
}

/* What every answer of a round must show, and which workers gave one. */
struct round {
	char cookie[1024];
	char path[2][64];    /* the catalogue page and the product page */
	char want[2][2][64]; /* per page: strings its body must hold */
	pthread_mutex_t lock;
	int seen[MAX_PIDS];
	int nseen;
	pid_t start[MAX_PIDS]; /* the workers alive when the round began */
	int nstart;
	int wrong; /* answers without the wanted strings, or not 200 */
	char wrong_body[512];
	volatile int stop;
};

static void saw(struct round *rd, int pid)
{
	pthread_mutex_lock(&rd->lock);
	bool known = false;
	for (int i = 0; i < rd->nseen; i++)
		known |= rd->seen[i] == pid;
	if (!known && rd->nseen < MAX_PIDS)
		rd->seen[rd->nseen++] = pid;
	pthread_mutex_unlock(&rd->lock);
}

static void *round_thread(void *arg)
{
	struct round *rd = arg;
	for (int i = 0; !rd->stop; i++) {
		int page = i % 2;
		struct http_resp r;
		if (http_send("GET", env_web(), rd->path[page], NULL, 0, rd->cookie, &r) < 0)
			continue;
		bool ok = r.status == 200 && strstr(r.body, rd->want[page][0]) != NULL &&
		          strstr(r.body, rd->want[page][1]) != NULL;
		if (!ok) {
			pthread_mutex_lock(&rd->lock);
			if (rd->wrong++ == 0) {
				const char *at = strstr(r.body, "price");
				snprintf(rd->wrong_body, sizeof(rd->wrong_body), "%s %ld: %.400s",
				         rd->path[page], r.status, at ? at : r.body);
			}
			pthread_mutex_unlock(&rd->lock);
		}
		saw(rd, worker_of(&r));
		http_resp_free(&r);
	}
	return NULL;
}

/* Whether every worker alive when the round began answered in it, or is gone: a worker recycled
 * meanwhile (max_requests) took its cache with it, and its successor's answers are checked like
 * any other. */
static bool all_workers_seen(struct round *rd)
{
	pthread_mutex_lock(&rd->lock);
	int covered = 0;
	for (int i = 0; i < rd->nstart; i++) {
		bool seen = kill(rd->start[i], 0) != 0; /* gone */
		for (int j = 0; j < rd->nseen && !seen; j++)
			seen = rd->seen[j] == rd->start[i];
		covered += seen;
	}
	pthread_mutex_unlock(&rd->lock);
	return rd->nstart > 0 && covered == rd->nstart;
}

/* Requests both pages from N_THREADS threads until every worker answered both ways (at most
 * 20 s); returns the number of wrong answers. */
static int run_round(struct round *rd)
{
	pthread_t t[N_THREADS];
	rd->nseen = 0;
	rd->wrong = 0;
	rd->stop = 0;
	rd->nstart = pool_worker_pids(pool_master_pid("web"), rd->start, MAX_PIDS);
	for (int i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, round_thread, rd), 0);
	for (int waited = 0; waited < 20000 && !all_workers_seen(rd); waited += 50)
		usleep(50 * 1000);
	usleep(200 * 1000); /* a few more answers from each */
	rd->stop = 1;
	for (int i = 0; i < N_THREADS; i++)
		pthread_join(t[i], NULL);
	assert_true(all_workers_seen(rd));
	return rd->wrong;
}

static void sign_in(struct client *c, long long *customer)
{
	const char *u = approved_user();
	assert_int_equal(do_login(c, u, TEST_PASSWORD, NULL), 303);
	*customer = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", u);
}

static void expect(struct round *rd, long long price_cents, long long stock)
{
	snprintf(rd->want[0][0], sizeof(rd->want[0][0]), "€%lld.%02lld</span>", price_cents / 100,
	         price_cents % 100);
	snprintf(rd->want[1][0], sizeof(rd->want[1][0]), "€%lld.%02lld</p>", price_cents / 100,
	         price_cents % 100);
	if (stock > 0) {
		/* The catalogue's card of the product says in stock; the page says how many. */
		snprintf(rd->want[0][1], sizeof(rd->want[0][1]),
		         "€%lld.%02lld</span> <span class=\"stock\">In stock", price_cents / 100,
		         price_cents % 100);
		snprintf(rd->want[1][1], sizeof(rd->want[1][1]), "%lld in stock.", stock);
	} else {
		snprintf(rd->want[0][1], sizeof(rd->want[0][1]),
		         "€%lld.%02lld</span> <span class=\"out\">Sold out", price_cents / 100,
		         price_cents % 100);
		snprintf(rd->want[1][1], sizeof(rd->want[1][1]), "Sold out.");
	}
}

static void test_price_and_stock_changes_show_on_the_next_request_of_every_worker(void **state)
{
	(void)state;
	struct client c = {0};
	long long customer;
	sign_in(&c, &customer);
	/* The newest active product: the first line of the catalogue's first page. */
	long long id = sql_admin_int("SELECT MAX(id) FROM products WHERE active = 1");
	long long price = sql_admin_int("SELECT price_cents FROM products WHERE id = %lld", id);
	long long stock = sql_admin_int("SELECT stock FROM products WHERE id = %lld", id);
	struct round rd = {.lock = PTHREAD_MUTEX_INITIALIZER};
	snprintf(rd.cookie, sizeof(rd.cookie), "%s", client_cookie(&c));
	snprintf(rd.path[0], sizeof(rd.path[0]), "/catalog");
	snprintf(rd.path[1], sizeof(rd.path[1]), "/product/%lld", id);

	/* Every worker caches the product as it is (stock made positive first if need be). */
	if (stock == 0) {
		assert_int_equal(sql_admin("UPDATE products SET stock = 5 WHERE id = %lld", id), 0);
		stock = 5;
	}
	expect(&rd, price, stock);
	int wrong = run_round(&rd);
	if (wrong)
		fail_msg("before the change, %d wrong answers; first: %s", wrong, rd.wrong_body);

	/* A new price and stock, committed: no worker may answer with the old ones. */
	long long new_price = price + 1234, new_stock = stock + 37;
	assert_int_equal(sql_admin("UPDATE products SET price_cents = %lld, stock = %lld WHERE "
	                           "id = %lld",
	                           new_price, new_stock, id),
	                 0);
	expect(&rd, new_price, new_stock);
	wrong = run_round(&rd);
	if (wrong)
		fail_msg("after the price change, %d stale answers; first: %s", wrong,
		         rd.wrong_body);

	/* A sale that leaves it in stock is no new catalogue version, and every page still says
	 * how many are left. */
	long long version = sql_admin_int("SELECT catalog_version FROM site_state WHERE id = 1");
	assert_int_equal(sql_admin("UPDATE products SET stock = stock - 1 WHERE id = %lld", id), 0);
	assert_int_equal(sql_admin_int("SELECT catalog_version FROM site_state WHERE id = 1"),
	                 version);
	expect(&rd, new_price, new_stock - 1);
	wrong = run_round(&rd);
	if (wrong)
		fail_msg("after a sale, %d stale answers; first: %s", wrong, rd.wrong_body);

	/* Sold out, as a checkout leaves it: every worker says so at once. */
	assert_int_equal(sql_admin("UPDATE products SET stock = 0 WHERE id = %lld", id), 0);
	expect(&rd, new_price, 0);
	wrong = run_round(&rd);
	if (wrong)
		fail_msg("after selling out, %d stale answers; first: %s", wrong, rd.wrong_body);

	assert_int_equal(sql_admin("UPDATE products SET price_cents = %lld, stock = %lld WHERE "
	                           "id = %lld",
	                           price, stock, id),
	                 0);
}

/* schema/037's trigger bumps the version unless nothing but the stock changed: it names every
 * column of products. A column added later must be added there too, or a change of it alone
 * would leave every worker's cache stale. */
static void test_the_version_trigger_names_every_product_column(void **state)
{
	(void)state;
	static const char *const named[] = {
	    "id",    "category_id",  "sku",    "name",       "description", "price_cents",
	    "stock", "weight_grams", "active", "created_at", "image_hash"};
	long long columns = sql_admin_int("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
	                                  "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'products'");
	long long known = 0;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		known += sql_admin_int("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
		                       "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'products' AND "
		                       "COLUMN_NAME = '%s'",
		                       named[i]);
	if (columns != known)
		fail_msg(
		    "products has %lld columns, schema/037's trigger names %lld of them: add the "
		    "new one to products_counted_update",
		    columns, known);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		long long in_trigger = sql_admin_int(
		    "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "
		    "DATABASE() AND TRIGGER_NAME = 'products_counted_update' AND "
		    "ACTION_STATEMENT LIKE '%%OLD.%s %%'",
		    named[i]);
		if (in_trigger != 1)
			fail_msg("the trigger does not compare %s", named[i]);
	}
}

static long long views_of(long long customer)
{
	return sql_admin_int("SELECT COALESCE(SUM(views), 0) FROM product_views WHERE "
	                     "customer_id = %lld",
	                     customer);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool pool_has_four(void *arg)
{
	(void)arg;
	pid_t p[MAX_PIDS];
	return pool_worker_pids(pool_master_pid("web"), p, MAX_PIDS) >= 4;
}

/* A signed-in customer whose product views count (a policy version that allows profiling), and
 * the page of the oldest active product. */
static void viewer(struct client *c, long long *customer, char path[64])
{
	sign_in(c, customer);
	customer_under_profiling_version(*customer);
	long long id = sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1");
	snprintf(path, 64, "/product/%lld", id);
}

static void test_a_killed_worker_loses_only_its_batched_views(void **state)
{
	(void)state;
	struct client c = {0};
	long long customer;
	char path[64];
	viewer(&c, &customer, path);

	/* A view, and the worker that holds it unwritten killed outright at once (well inside
	 * the second it may hold it; tried again in the rare case it took longer). */
	long long before = views_of(customer);
	bool killed_in_time = false;
	for (int attempt = 0; attempt < 3 && !killed_in_time; attempt++) {
		struct http_resp r;
		double t0 = now_s();
		assert_int_equal(client_get(&c, env_web(), path, &r), 0);
		assert_int_equal(r.status, 200);
		int pid = worker_of(&r);
		char *held = http_header_value(&r, "X-Ditto-Batched");
		assert_non_null(held);
		assert_true(atoi(held) >= 1);
		free(held);
		http_resp_free(&r);
		assert_true(pid > 0);
		assert_int_equal(kill(pid, SIGKILL), 0);
		killed_in_time = now_s() - t0 < 0.5;
		batch_settle();
		if (!killed_in_time)
			before = views_of(customer);
	}
	assert_true(killed_in_time);
	/* What was lost: that view (README: at most a second of profile views). */
	assert_int_equal(views_of(customer), before);

	/* The shop goes on: the master replaces the worker, pages answer, views are written. */
	assert_true(eventually(pool_has_four, NULL, 10000));
	for (int i = 0; i < 20; i++) {
		struct http_resp r;
		assert_int_equal(client_get(&c, env_web(), "/catalog", &r), 0);
		assert_int_equal(r.status, 200);
		http_resp_free(&r);
	}
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	batch_settle();
	assert_int_equal(views_of(customer), before + 1);
}

static void test_a_stopped_worker_writes_its_batch_first(void **state)
{
	(void)state;
	struct client c = {0};
	long long customer;
	char path[64];
	viewer(&c, &customer, path);
	long long before = views_of(customer);
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	int pid = worker_of(&r);
	http_resp_free(&r);
	/* SIGTERM, as a recycle or a restart sends it: the batch is written on the way out. */
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_true(eventually(pool_has_four, NULL, 10000));
	batch_settle();
	assert_int_equal(views_of(customer), before + 1);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_price_and_stock_changes_show_on_the_next_request_of_every_worker),
	    cmocka_unit_test(test_the_version_trigger_names_every_product_column),
	    cmocka_unit_test(test_a_killed_worker_loses_only_its_batched_views),
	    cmocka_unit_test(test_a_stopped_worker_writes_its_batch_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
