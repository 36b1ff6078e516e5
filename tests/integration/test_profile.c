/* test_profile.c — the viewing profile: "Recommended for you" from views and interests, never
 * for an opted-out customer or under a policy version without profiling; clearing and opting
 * out delete it at once, and a view batched just before does not bring it back; My Account
 * lists the customer's own viewed products. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static const char *web(void)
{
	return env_web();
}

/* A signed-in approved customer under a policy version that allows profiling; *cid its id. */
static void profiled(struct client *c, char user[64], long long *cid)
{
	memset(c, 0, sizeof(*c));
	snprintf(user, 64, "%s", approved_user());
	*cid = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
	assert_true(*cid > 0);
	customer_under_profiling_version(*cid);
	assert_int_equal(do_login(c, user, TEST_PASSWORD, NULL), 303);
}

static void view(struct client *c, long long product_id)
{
	char path[64];
	struct http_resp r;
	snprintf(path, sizeof(path), "/product/%lld", product_id);
	assert_int_equal(client_get(c, web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

static long long rows_of(long long cid)
{
	return sql_admin_int("SELECT COUNT(*) FROM product_views WHERE customer_id = %lld", cid);
}

/* An active product of the n-th category (by id), and that category's newest active one. */
static long long product_in(int n, long long *newest, long long *category)
{
	*category = sql_admin_int("SELECT id FROM categories ORDER BY id LIMIT 1 OFFSET %d", n);
	*newest = sql_admin_int(
	    "SELECT MAX(id) FROM products WHERE active = 1 AND category_id = %lld", *category);
	return sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1 AND category_id = %lld",
	                     *category);
}

/* POSTs body to My Account, which answers with a redirect. */
static void post(struct client *c, const char *body)
{
	struct http_resp r;
	assert_int_equal(post_form(c, "/account", body, &r), 303);
	http_resp_free(&r);
}

/* Sets the customer's interests through My Account's form (and the opt-out box). */
static void choose(struct client *c, long long category, bool opt_out)
{
	char *csrf = form_csrf(c, "/account");
	char body[512];
	int n = snprintf(body, sizeof(body), "csrf=%s&action=interests", csrf);
	if (category > 0)
		n += snprintf(body + n, sizeof(body) - (size_t)n, "&interests%%5B%%5D=%lld",
		              category);
	if (opt_out)
		snprintf(body + n, sizeof(body) - (size_t)n, "&profile_opt_out=1");
	free(csrf);
	post(c, body);
}

static void clear(struct client *c)
{
	char *csrf = form_csrf(c, "/account");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&action=profile_clear", csrf);
	free(csrf);
	post(c, body);
}

/* The "Recommended for you" block of page path, malloc'd, or NULL when the page has none. */
static char *recommended(struct client *c, const char *path)
{
	struct http_resp r;
	assert_int_equal(client_get(c, web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	char *out = NULL;
	const char *at = strstr(r.body, "id=\"recommended-heading\"");
	if (at != NULL) {
		const char *end = strstr(at, "</section>");
		assert_non_null(end);
		out = strndup(at, (size_t)(end - at));
	}
	http_resp_free(&r);
	return out;
}

static const char *href(long long id)
{
	static char b[64];
	snprintf(b, sizeof(b), "href=\"/product/%lld\"", id);
	return b;
}

/* A customer with views in one category and an interest in another, set up and settled. */
struct setup {
	struct client c;
	char user[64];
	long long cid;
	long long viewed_newest, interest_newest;
};

static void views_and_interest(struct setup *s)
{
	long long viewed_cat, interest_cat;
	profiled(&s->c, s->user, &s->cid);
	long long viewed = product_in(0, &s->viewed_newest, &viewed_cat);
	product_in(1, &s->interest_newest, &interest_cat);
	choose(&s->c, interest_cat, false);
	view(&s->c, viewed);
	view(&s->c, viewed);
	view(&s->c, viewed);
	batch_settle();
	assert_int_equal(rows_of(s->cid), 1);
}

static void test_recommendations_follow_the_profile_and_the_interests(void **state)
{
	(void)state;
	struct setup s;
	views_and_interest(&s);
	const char *pages[] = {"/", "/catalog", "/catalog"}; /* the second from the kept body */
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char *block = recommended(&s.c, pages[i]);
		assert_non_null(block);
		/* Three fresh views outweigh one interest: the viewed category comes first. */
		char *v = strstr(block, href(s.viewed_newest));
		assert_non_null(v);
		char *in = strstr(block, href(s.interest_newest));
		assert_non_null(in);
		assert_true(v < in);
		free(block);
	}
	/* Another customer, with neither views nor interests, is recommended nothing. */
	struct client other;
	char user[64];
	long long cid;
	profiled(&other, user, &cid);
	assert_null(recommended(&other, "/"));
	assert_null(recommended(&other, "/catalog"));
}

static void test_no_recommendations_for_an_opted_out_customer(void **state)
{
	(void)state;
	struct setup s;
	views_and_interest(&s);
	char *block = recommended(&s.c, "/");
	assert_non_null(block);
	free(block);
	/* Opting out keeps the interests (they are for marketing mail) but ends recommendations. */
	choose(&s.c, sql_admin_int("SELECT id FROM categories ORDER BY id LIMIT 1 OFFSET 1"), true);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customer_interests WHERE customer_id = %lld",
	                  s.cid),
	    1);
	assert_null(recommended(&s.c, "/"));
	assert_null(recommended(&s.c, "/catalog"));
}

static void test_no_recommendations_under_a_policy_version_without_profiling(void **state)
{
	(void)state;
	struct setup s;
	views_and_interest(&s);
	char *block = recommended(&s.c, "/catalog");
	assert_non_null(block);
	free(block);
	assert_int_equal(
	    sh("printf 'A version without profiling.\\n' > '%s/run/policy-np2.txt' && "
	       "\"$BUILD\"/dittoctl --config '%s/ditto.conf' policy publish "
	       "--purposes account,orders,marketing '%s/run/policy-np2.txt' >/dev/null",
	       env_state(), env_state(), env_state()),
	    0);
	assert_int_equal(
	    sql_admin("UPDATE customers SET policy_version = (SELECT MAX(version) FROM "
	              "policy_versions) WHERE id = %lld",
	              s.cid),
	    0);
	assert_null(recommended(&s.c, "/"));
	assert_null(recommended(&s.c, "/catalog"));
	/* Back under a version that allows it, the same profile recommends again. */
	customer_under_profiling_version(s.cid);
	block = recommended(&s.c, "/");
	assert_non_null(block);
	free(block);
}

static void test_clearing_deletes_at_once_and_a_batched_view_does_not_return(void **state)
{
	(void)state;
	struct client c;
	char user[64];
	long long cid, newest, cat;
	profiled(&c, user, &cid);
	long long p = product_in(2, &newest, &cat);
	view(&c, p);
	batch_settle();
	assert_int_equal(rows_of(cid), 1);
	/* A view the worker holds for up to a second, then the clear before it writes it. */
	view(&c, newest);
	clear(&c);
	assert_int_equal(rows_of(cid), 0); /* at once, not at the next batch or purge */
	batch_settle();
	assert_int_equal(rows_of(cid), 0); /* the view noted before the clear stays unwritten */
	/* A view after the clear counts again. */
	view(&c, p);
	batch_settle();
	assert_int_equal(rows_of(cid), 1);
	struct http_resp r;
	assert_int_equal(client_get(&c, web(), "/account?saved=viewing", &r), 0);
	assert_non_null(strstr(r.body, "Your viewing profile was cleared."));
	http_resp_free(&r);
}

static void test_opting_out_deletes_at_once_and_a_batched_view_does_not_return(void **state)
{
	(void)state;
	struct client c;
	char user[64];
	long long cid, newest, cat;
	profiled(&c, user, &cid);
	long long p = product_in(3, &newest, &cat);
	view(&c, p);
	batch_settle();
	assert_int_equal(rows_of(cid), 1);
	view(&c, newest);
	choose(&c, 0, true);
	assert_int_equal(rows_of(cid), 0);
	/* Even opting back in within the batch's second does not bring the noted view back. */
	choose(&c, 0, false);
	batch_settle();
	assert_int_equal(rows_of(cid), 0);
}

/* Copies the text between after and the next '<' of body into out (255 bytes at most). */
static void text_after(const char *body, const char *after, char out[256])
{
	const char *at = strstr(body, after);
	assert_non_null(at);
	at += strlen(after);
	size_t n = strcspn(at, "<");
	assert_true(n > 0 && n < 256);
	memcpy(out, at, n);
	out[n] = '\0';
}

/* The product's name (its h1) and its category's name, as the product page shows them. */
static void names_of(struct client *c, long long id, char name[256], char category[256])
{
	char path[64];
	struct http_resp r;
	snprintf(path, sizeof(path), "/product/%lld", id);
	assert_int_equal(client_get(c, web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	text_after(r.body, "<h1>", name);
	const char *meta = strstr(r.body, "<a href=\"/catalog?category=");
	assert_non_null(meta);
	text_after(meta, "\">", category);
	http_resp_free(&r);
}

static void test_my_account_lists_the_customers_own_viewed_products(void **state)
{
	(void)state;
	struct client c, other;
	char user[64], other_user[64];
	long long cid, other_cid, newest, cat;
	profiled(&c, user, &cid);
	profiled(&other, other_user, &other_cid);
	long long a = product_in(0, &newest, &cat);
	long long b = product_in(4, &newest, &cat);
	long long d = product_in(5, &newest, &cat);
	view(&c, a);
	view(&c, a);
	view(&c, b);
	view(&other, d);
	batch_settle();
	struct http_resp r;
	assert_int_equal(client_get(&c, web(), "/account", &r), 0);
	assert_int_equal(r.status, 200);
	const char *list = strstr(r.body, "id=\"viewing-profile-heading\"");
	assert_non_null(list);
	char row[160];
	for (int i = 0; i < 2; i++) {
		long long id = i == 0 ? a : b;
		snprintf(row, sizeof(row), "<a href=\"/product/%lld\">", id);
		const char *at = strstr(list, row);
		assert_non_null(at);
		/* The product's and its category's names as its own page shows them. */
		char name[256], category[256], want[600];
		names_of(&c, id, name, category);
		snprintf(want, sizeof(want),
		         "<a href=\"/product/%lld\">%s</a></td><td data-label=\"Category\">%s</td>",
		         id, name, category);
		assert_non_null(strstr(list, want));
		snprintf(row, sizeof(row), "<td data-label=\"Views\">%d</td>", i == 0 ? 2 : 1);
		assert_non_null(strstr(at, row));
	}
	/* Another customer's view is not listed. */
	snprintf(row, sizeof(row), "<a href=\"/product/%lld\">", d);
	assert_null(strstr(list, row));
	assert_non_null(strstr(list, "Clear my viewing profile"));
	http_resp_free(&r);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recommendations_follow_the_profile_and_the_interests),
	    cmocka_unit_test(test_no_recommendations_for_an_opted_out_customer),
	    cmocka_unit_test(test_no_recommendations_under_a_policy_version_without_profiling),
	    cmocka_unit_test(test_clearing_deletes_at_once_and_a_batched_view_does_not_return),
	    cmocka_unit_test(test_opting_out_deletes_at_once_and_a_batched_view_does_not_return),
	    cmocka_unit_test(test_my_account_lists_the_customers_own_viewed_products),
	};
	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
