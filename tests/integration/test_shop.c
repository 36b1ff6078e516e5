/* test_shop.c — buying over HTTP: cart, checkout with the sandbox card processor, orders;
 * declined and timed-out cards leave nothing behind; a double submit gives one order; card
 * numbers and CVVs reach no table, log or mail; concurrent checkouts never oversell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define CARD_OK      "4242 4242 4242 4242"
#define CARD_DECLINE "4000 0000 0000 0002"
#define CARD_TIMEOUT "4000 0000 0000 0119"

static const char *web(void)
{
	return env_web();
}

/* A signed-in approved customer with product_id x qty in the cart; returns the customer's id. */
static long long shopper(struct client *c, long long product_id, int qty)
{
	memset(c, 0, sizeof(*c));
	const char *user = approved_user();
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
	assert_int_equal(do_login(c, user, TEST_PASSWORD, NULL), 303);
	if (product_id > 0) {
		/* Enough stock whatever earlier tests bought (stock is read after this). */
		assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE "
		                           "id = %lld",
		                           product_id),
		                 0);
		char *csrf = form_csrf(c, "/account");
		char body[256];
		snprintf(body, sizeof(body), "csrf=%s&product_id=%lld&quantity=%d", csrf,
		         product_id, qty);
		free(csrf);
		struct http_resp r;
		assert_int_equal(post_form(c, "/cart", body, &r), 303);
		http_resp_free(&r);
	}
	return id;
}

/* The nonce of a fresh checkout form. */
static char *checkout_nonce(struct client *c)
{
	struct http_resp r;
	assert_int_equal(client_get(c, web(), "/checkout", &r), 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char *n = strndup(p, (size_t)(strchr(p, '"') - p));
	http_resp_free(&r);
	return n;
}

/* POSTs the checkout form; card NULL means invoice. Returns the status. */
static long checkout(struct client *c, const char *nonce, const char *card, const char *exp,
                     const char *cvv, struct http_resp *out)
{
	char *csrf = form_csrf(c, "/account");
	char body[2048];
	size_t len = (size_t)snprintf(
	    body, sizeof(body),
	    "csrf=%s&nonce=%s&name=Pat+Buyer&email=pat%%40example.com&billing_line1=1+Main+St"
	    "&billing_line2=&billing_city=Leeds&billing_postcode=LS1+1AA&billing_country=UK"
	    "&shipping_same=1&payment_mode=%s",
	    csrf, nonce, card ? "card" : "invoice");
	free(csrf);
	if (card != NULL) {
		len += (size_t)snprintf(body + len, sizeof(body) - len, "&card_number=%s",
		                        urlenc(card));
		len +=
		    (size_t)snprintf(body + len, sizeof(body) - len, "&card_exp=%s", urlenc(exp));
		snprintf(body + len, sizeof(body) - len, "&card_cvv=%s", cvv);
	}
	struct http_resp r;
	long s = post_form(c, "/checkout", body, &r);
	if (out != NULL)
		*out = r;
	else
		http_resp_free(&r);
	return s;
}

static long long stock_of(long long id)
{
	return sql_admin_int("SELECT stock FROM products WHERE id = %lld", id);
}

/* A signed-in customer c who just bought one unit of product_id by card; returns the order. */
static long long paid_order(struct client *c, long long product_id)
{
	shopper(c, product_id, 1);
	char *nonce = checkout_nonce(c);
	struct http_resp r;
	assert_int_equal(checkout(c, nonce, CARD_OK, "12/30", "123", &r), 303);
	long long id = order_of_location(&r);
	http_resp_free(&r);
	free(nonce);
	assert_true(id > 0);
	return id;
}

static void test_buy_with_approving_card_gives_paid_order(void **state)
{
	(void)state;
	struct client c;
	long long pid = 7;
	shopper(&c, pid, 2);
	long long before = stock_of(pid);
	char *nonce = checkout_nonce(&c);
	struct http_resp r;
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", &r), 303);
	long long id = order_of_location(&r);
	http_resp_free(&r);
	free(nonce);
	assert_true(id > 0);
	assert_int_equal(stock_of(pid), before - 2);
	assert_int_equal(client_get(&c, web(), "/orders", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<strong>paid</strong>"));
	http_resp_free(&r);
	char path[64];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	assert_int_equal(client_get(&c, web(), path, &r), 0);
	assert_non_null(strstr(r.body, "visa card ending in 4242"));
	assert_non_null(strstr(r.body, "placed"));
	http_resp_free(&r);
	/* Only brand, last 4, expiry and the processor's token are kept. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payments WHERE order_id = %lld AND "
	                               "last4 = '4242' AND brand = 'visa' AND token LIKE 'sbx_%%'",
	                               id),
	                 1);
	/* The cart is empty afterwards, and the processor's receipt is disclosed to the customer.
	 */
	assert_int_equal(client_get(&c, web(), "/cart", &r), 0);
	assert_non_null(strstr(r.body, "Your cart is empty"));
	http_resp_free(&r);
	assert_int_equal(client_get(&c, web(), "/account/disclosures", &r), 0);
	assert_non_null(strstr(r.body, "card processor"));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind = 'order_placed' AND "
	                  "subject = 'Your order %lld'",
	                  id),
	    1);
	/* Its lines are listed; a card order is paid already, so no bank details. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox m JOIN order_lines l ON l.order_id = %lld "
	                  "WHERE m.kind = 'order_placed' AND m.subject = 'Your order %lld' AND "
	                  "LOCATE(CONCAT(l.quantity, ' x ', l.name), m.body) > 0 AND "
	                  "m.body LIKE '%%paid by card%%' AND m.body NOT LIKE '%%bank transfer%%'",
	                  id, id),
	    1);
}

/* Runs `dittoctl ARGS` against the test stack; fails the test unless it exits 0. */
static void ctl_must(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ctl_must(const char *fmt, ...)
{
	struct ctl_run r;
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(&r, "shop", NULL, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
	if (r.status != 0)
		fail_msg("dittoctl failed (%d): %s", r.status, r.err);
}

static void test_internal_order_note_appears_on_no_customer_page_mail_or_export(void **state)
{
	(void)state;
	struct client c;
	struct http_resp r;
	long long id = paid_order(&c, 7);
	char note[64];
	snprintf(note, sizeof(note), "NOTE%sINTERNAL", unique("x"));
	ctl_must("order status %lld shipped --note '%s'", id, note);
	ctl_must("order status %lld refunded --note '%s'", id, note);
	/* The notes are kept for staff... */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM order_status_history WHERE "
	                               "order_id = %lld AND note LIKE '%%%s%%'",
	                               id, note),
	                 2);

	/* ...and reach no page, mail or export of the customer's. */
	char path[64];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	const char *pages[] = {path, "/orders", "/account", "/account/export",
	                       "/account/disclosures"};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		assert_int_equal(client_get(&c, web(), pages[i], &r), 0);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, note) != NULL || strstr(r.body, "refund to be issued") != NULL)
			fail_msg("%s shows the internal note", pages[i]);
		if (i == 0) /* the history itself is the customer's to see */
			assert_non_null(strstr(r.body, "refunded"));
		http_resp_free(&r);
	}
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE body LIKE '%%%s%%' OR "
	                               "subject LIKE '%%%s%%' OR body LIKE '%%refund to be "
	                               "issued%%'",
	                               note, note),
	                 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind IN "
	                               "('order_shipped', 'order_refunded') AND body LIKE "
	                               "'%%order %lld %%'",
	                               id),
	                 2);
	sh("rm -f '%s'/run/test-shop-%d-*", env_state(), (int)getpid());
}

static void test_declined_card_leaves_no_order_and_no_stock_change(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 8, 1);
	long long before = stock_of(8), orders = sql_admin_int("SELECT COUNT(*) FROM orders");
	char *nonce = checkout_nonce(&c);
	struct http_resp r;
	assert_int_equal(checkout(&c, nonce, CARD_DECLINE, "12/30", "123", &r), 422);
	assert_non_null(strstr(r.body, "declined"));
	assert_null(strstr(r.body, "4000 0000 0000 0002"));
	assert_null(strstr(r.body, "4000000000000002"));
	http_resp_free(&r);
	free(nonce);
	assert_int_equal(stock_of(8), before);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders"), orders);
	assert_int_equal(client_get(&c, web(), "/cart", &r), 0);
	assert_null(strstr(r.body, "Your cart is empty")); /* still there to try again */
	http_resp_free(&r);
}

static void test_timed_out_card_leaves_no_order(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 9, 1);
	long long before = stock_of(9), orders = sql_admin_int("SELECT COUNT(*) FROM orders");
	char *nonce = checkout_nonce(&c);
	struct http_resp r;
	assert_int_equal(checkout(&c, nonce, CARD_TIMEOUT, "12/30", "123", &r), 422);
	assert_non_null(strstr(r.body, "did not answer in time"));
	http_resp_free(&r);
	free(nonce);
	assert_int_equal(stock_of(9), before);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders"), orders);
}

static void test_bad_card_fields_are_422_with_a_message_each(void **state)
{
	(void)state;
	struct client c;
	struct http_resp r;
	shopper(&c, 10, 1);
	char *nonce = checkout_nonce(&c);
	assert_int_equal(checkout(&c, nonce, "4242 4242 4242 4241", "12/30", "123", &r), 422);
	assert_non_null(strstr(r.body, "not a valid card number"));
	assert_null(strstr(r.body, "4242 4242 4242 4241"));
	http_resp_free(&r);
	assert_int_equal(checkout(&c, nonce, CARD_OK, "01/20", "123", &r), 422);
	assert_non_null(strstr(r.body, "expired"));
	http_resp_free(&r);
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "12", &r), 422);
	assert_non_null(strstr(r.body, "security code"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE nonce = '%s'", nonce), 0);
	free(nonce);
}

static void test_double_submit_gives_one_order(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 11, 1);
	long long before = stock_of(11);
	char *nonce = checkout_nonce(&c);
	struct http_resp r1, r2;
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", &r1), 303);
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", &r2), 303);
	assert_int_equal(order_of_location(&r1), order_of_location(&r2));
	http_resp_free(&r1);
	http_resp_free(&r2);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE nonce = '%s'", nonce), 1);
	assert_int_equal(stock_of(11), before - 1);
	free(nonce);
}

/*
 * The nonce's claim is a row: one held by a live checkout elsewhere (another app host, another
 * database node) keeps a submit from charging; once it has expired (its worker was killed),
 * the submit goes through, and frees the claim when it has answered.
 */
static void test_nonce_claim_of_another_checkout_blocks_until_it_expires(void **state)
{
	(void)state;
	struct client c;
	long long customer = shopper(&c, 11, 1);
	char *nonce = checkout_nonce(&c);
	assert_int_equal(sql_admin("INSERT INTO checkout_claims (customer_id, nonce, holder, "
	                           "claimed_until) VALUES (%lld, '%s', "
	                           "'0123456789abcdef0123456789abcdef', "
	                           "UTC_TIMESTAMP(6) + INTERVAL 120 SECOND)",
	                           customer, nonce),
	                 0);
	/* The other checkout never finishes: after its wait, this one gives up, charging
	 * nothing. */
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", NULL), 500);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE nonce = '%s'", nonce), 0);
	assert_int_equal(sql_admin("UPDATE checkout_claims SET claimed_until = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 1 SECOND WHERE customer_id = %lld AND nonce = '%s'",
	                           customer, nonce),
	                 0);
	struct http_resp r;
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", &r), 303);
	assert_true(order_of_location(&r) > 0);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE nonce = '%s'", nonce), 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM checkout_claims WHERE customer_id = "
	                               "%lld AND nonce = '%s'",
	                               customer, nonce),
	                 0);
	free(nonce);
}

struct submit {
	struct client *c;
	const char *nonce;
	long status;
	long long order;
};

static void *submit_thread(void *arg)
{
	struct submit *s = arg;
	struct client copy = *s->c; /* same browser, two tabs */
	struct http_resp r;
	char body[1024];
	char *csrf = form_csrf(&copy, "/account");
	snprintf(body, sizeof(body),
	         "csrf=%s&nonce=%s&name=Pat&email=pat%%40example.com&billing_line1=1+Main+St"
	         "&billing_line2=&billing_city=Leeds&billing_postcode=LS1&billing_country=UK"
	         "&shipping_same=1&payment_mode=invoice",
	         csrf, s->nonce);
	free(csrf);
	s->status = post_form(&copy, "/checkout", body, &r);
	s->order = order_of_location(&r);
	http_resp_free(&r);
	return NULL;
}

static void test_concurrent_double_submit_gives_one_order(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 12, 1);
	char *nonce = checkout_nonce(&c);
	struct submit a = {&c, nonce, 0, 0}, b = {&c, nonce, 0, 0};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, submit_thread, &a);
	pthread_create(&tb, NULL, submit_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.status, 303);
	assert_int_equal(b.status, 303);
	assert_int_equal(a.order, b.order);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE nonce = '%s'", nonce), 1);
	free(nonce);
}

static void test_invoice_order_is_placed(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 13, 3);
	char *nonce = checkout_nonce(&c);
	struct http_resp r;
	assert_int_equal(checkout(&c, nonce, NULL, NULL, NULL, &r), 303);
	long long id = order_of_location(&r);
	http_resp_free(&r);
	free(nonce);
	assert_int_equal(sql_admin_int("SELECT status = 'placed' AND payment_mode = 'invoice' FROM "
	                               "orders WHERE id = %lld",
	                               id),
	                 1);
	assert_int_equal(
	    sql_admin_int("SELECT SUM(quantity) FROM order_lines WHERE order_id = %lld", id), 3);
	/* The confirmation lists the line and the total, and says how to pay the invoice: the
	 * bank account of the configuration, the time allowed and the reference. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox m JOIN order_lines l ON l.order_id = %lld "
	                  "JOIN orders o ON o.id = l.order_id WHERE m.kind = 'order_placed' AND "
	                  "m.subject = 'Your order %lld' AND "
	                  "LOCATE(CONCAT('3 x ', l.name, ' (', l.sku, ')'), m.body) > 0 AND "
	                  "LOCATE(CONCAT('Total: EUR ', o.total_cents DIV 100, '.', "
	                  "LPAD(o.total_cents MOD 100, 2, '0')), m.body) > 0 AND "
	                  "m.body LIKE '%%by bank transfer within 14 days to idem ditto Ltd%%' AND "
	                  "m.body LIKE '%%IBAN GB33 BUKB 2020 1555 5555 55%%' AND "
	                  "m.body LIKE '%%reference \"Order %lld\"%%'",
	                  id, id, id),
	    1);
}

static void test_another_customers_order_is_not_found(void **state)
{
	(void)state;
	struct client a, b;
	shopper(&a, 14, 1);
	char *nonce = checkout_nonce(&a);
	struct http_resp r;
	assert_int_equal(checkout(&a, nonce, NULL, NULL, NULL, &r), 303);
	long long id = order_of_location(&r);
	http_resp_free(&r);
	free(nonce);
	shopper(&b, 0, 0);
	char path[64];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	assert_int_equal(client_get(&b, web(), path, &r), 0);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "Pat Buyer"));
	http_resp_free(&r);
}

static void test_cart_refuses_more_than_stock(void **state)
{
	(void)state;
	assert_int_equal(sql_admin("UPDATE products SET stock = 1 WHERE id = 15"), 0);
	struct client c;
	shopper(&c, 0, 0);
	char *csrf = form_csrf(&c, "/account");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&product_id=15&quantity=2", csrf);
	struct http_resp r;
	assert_int_equal(post_form(&c, "/cart", body, &r), 422);
	assert_non_null(strstr(r.body, "Only 1 of"));
	http_resp_free(&r);
	/* Sold out between cart and checkout: refused, nothing charged, no order. */
	snprintf(body, sizeof(body), "csrf=%s&product_id=15&quantity=1", csrf);
	assert_int_equal(post_form(&c, "/cart", body, &r), 303);
	http_resp_free(&r);
	free(csrf);
	assert_int_equal(sql_admin("UPDATE products SET stock = 0 WHERE id = 15"), 0);
	long long orders = sql_admin_int("SELECT COUNT(*) FROM orders");
	char *nonce = checkout_nonce(&c);
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", &r), 422);
	assert_non_null(strstr(r.body, "is sold out. Remove it from your cart"));
	http_resp_free(&r);
	free(nonce);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders"), orders);
	assert_int_equal(stock_of(15), 0);
}

static long long views_of(long long cid)
{
	return sql_admin_int(
	    "SELECT COALESCE(SUM(views), 0) FROM product_views WHERE customer_id = "
	    "%lld",
	    cid);
}

static void view(struct client *c, const char *path)
{
	struct http_resp r;
	assert_int_equal(client_get(c, web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

static void test_product_views_feed_the_profile_only_when_policy_and_customer_allow(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 0, 0);
	long long cid = sql_admin_int("SELECT MAX(id) FROM customers");
	/* Under a version that allows profiling, views are counted... */
	assert_int_equal(
	    sql_admin("UPDATE customers SET policy_version = (SELECT MIN(version) FROM "
	              "policy_purposes WHERE purpose = 'profiling') WHERE id = %lld",
	              cid),
	    0);
	view(&c, "/product/20");
	view(&c, "/product/21");
	view(&c, "/product/21");
	batch_settle(); /* the worker writes views within a second, not in the request */
	assert_int_equal(views_of(cid), 3);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM product_views WHERE customer_id = %lld", cid), 2);
	/* ...never under a version that does not (data is used only as its version allows)... */
	assert_int_equal(sh("printf 'A version without profiling.\\n' > '%s/run/policy-np.txt' && "
	                    "\"$BUILD\"/dittoctl --config '%s/ditto.conf' policy publish "
	                    "--purposes account,orders '%s/run/policy-np.txt' >/dev/null",
	                    env_state(), env_state(), env_state()),
	                 0);
	assert_int_equal(
	    sql_admin("UPDATE customers SET policy_version = (SELECT MAX(version) FROM "
	              "policy_versions) WHERE id = %lld",
	              cid),
	    0);
	view(&c, "/product/22");
	batch_settle();
	assert_int_equal(views_of(cid), 3);
	/* ...and never once the customer opted out. */
	assert_int_equal(
	    sql_admin("UPDATE customers SET policy_version = (SELECT MIN(version) FROM "
	              "policy_purposes WHERE purpose = 'profiling'), profile_opt_out = 1 "
	              "WHERE id = %lld",
	              cid),
	    0);
	view(&c, "/product/23");
	batch_settle();
	assert_int_equal(views_of(cid), 3);
}

static void test_card_numbers_and_cvvs_never_stored_logged_or_mailed(void **state)
{
	(void)state;
	/* Distinctive test cards and CVVs, bought with and declined. */
	const char *cards[] = {"4242 4242 4242 4242", "5555 5555 5555 4444", "3782 822463 10005",
	                       "4000 0000 0000 0002"};
	/* Each with a leading zero: no id or count in a dump prints one, so a match is a CVV. */
	const char *cvvs[] = {"091", "082", "0739", "064"};
	for (int i = 0; i < 4; i++) {
		struct client c;
		shopper(&c, 30 + i, 1);
		char *nonce = checkout_nonce(&c);
		checkout(&c, nonce, cards[i], "11/29", cvvs[i], NULL);
		free(nonce);
	}
	assert_int_equal(
	    sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' mail send >/dev/null", env_state()),
	    0);
	assert_int_equal(sh("mariadb-dump --defaults-file='%s/my.cnf' -uroot --single-transaction "
	                    "--all-databases "
	                    "--skip-extended-insert > '%s/run/dump.sql' 2>/dev/null",
	                    env_state(), env_state()),
	                 0);
	/* For 3-4 digit CVVs, only the tables a checkout writes (the demo catalogue is full of
	 * short numbers that would match by chance). */
	assert_int_equal(sh("mariadb-dump --defaults-file='%s/my.cnf' -uroot --single-transaction "
	                    "--skip-extended-insert "
	                    "ditto orders order_lines order_status_history payments disclosures "
	                    "outbox cart_items sessions > '%s/run/dump-checkout.sql' 2>/dev/null",
	                    env_state(), env_state()),
	                 0);
	const char *digits[] = {"4242424242424242", "5555555555554444", "378282246310005",
	                        "4000000000000002"};
	for (int i = 0; i < 4; i++) {
		/* The full number, with or without its spaces, appears nowhere (nor in the
		 * sandbox processor's ledger, which holds only tokens and amounts). */
		assert_int_equal(
		    sh("grep -r -l -s -F -e '%s' -e '%s' '%s/run/dump.sql' '%s/log' '%s/mail' "
		       "'%s/sandbox-ledger' >/dev/null",
		       digits[i], cards[i], env_state(), env_state(), env_state(), env_state()),
		    1);
		/* The CVV appears as no stored value and in no log or mail line. */
		assert_int_equal(
		    sh("grep -E -l \"'%s'|,%s,|,%s\\)|cvv.?.?%s\" '%s/run/dump-checkout.sql' "
		       ">/dev/null",
		       cvvs[i], cvvs[i], cvvs[i], cvvs[i], env_state()),
		    1);
		assert_int_equal(
		    sh("grep -r -l -w --exclude='*traffic.log' -e '%s' '%s/log' '%s/mail' "
		       ">/dev/null",
		       cvvs[i], env_state(), env_state()),
		    1);
		/* The traffic log's numbers (bytes, request time as 0.082) may match a short CVV by
		 * chance: only its text fields, the quoted ones, are searched. */
		assert_int_equal(
		    sh("grep -o '\"[^\"]*\"' '%s/log/traffic.log' | grep -q -w -e '%s'",
		       env_state(), cvvs[i]),
		    1);
	}
	/* Only the last 4 digits are kept. */
	assert_int_equal(sh("grep -q \"'4444'\" '%s/run/dump.sql'", env_state()), 0);
	sh("rm -f '%s/run/dump.sql' '%s/run/dump-checkout.sql'", env_state(), env_state());
}

static bool shop_healthy(void *arg)
{
	(void)arg;
	struct http_resp r;
	http_get(env_web(), "/healthz", &r);
	long s = r.status;
	http_resp_free(&r);
	return s == 200;
}

static void test_acknowledged_order_survives_a_database_crash(void **state)
{
	(void)state;
	struct client c;
	shopper(&c, 16, 1);
	char *nonce = checkout_nonce(&c);
	struct http_resp r;
	assert_int_equal(checkout(&c, nonce, CARD_OK, "12/30", "123", &r), 303);
	long long id = order_of_location(&r);
	http_resp_free(&r);
	assert_true(id > 0);
	/* The customer was told "placed": pull the plug on MariaDB at once (no clean shutdown). */
	assert_int_equal(
	    sh("p=$(cat '%s/run/mysqld.pid') && kill -KILL $p && "
	       "while kill -0 $p 2>/dev/null && ! grep -q '^State:.*Z' /proc/$p/status; "
	       "do sleep 0.1; done",
	       env_state()),
	    0);
	assert_int_equal(sh("scripts/stack db-start '%s'", env_state()), 0);
	assert_true(eventually(shop_healthy, NULL, 30000));
	/* Order, lines, payment and history were committed durably before the answer. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM orders WHERE id = %lld AND nonce = '%s'", id,
	                  nonce),
	    1);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM order_lines WHERE order_id = %lld", id), 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payments WHERE order_id = %lld", id),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM order_status_history WHERE order_id = "
	                               "%lld",
	                               id),
	                 2);
	free(nonce);
	/* And the shop works again with no ditto restart. */
	char path[64];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	assert_int_equal(client_get(&c, web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

/* The concurrency test: many processes, each its own customer, buying the last units. */
#define BUYERS    8
#define ATTEMPTS  25
#define UNITS     30
#define CONTESTED 40

static int buyer(struct client *c)
{
	int placed = 0;
	for (int i = 0; i < ATTEMPTS; i++) {
		char *csrf = form_csrf(c, "/account");
		char body[256];
		snprintf(body, sizeof(body), "csrf=%s&product_id=%d&quantity=1", csrf, CONTESTED);
		free(csrf);
		struct http_resp r;
		long s = post_form(c, "/cart", body, &r);
		http_resp_free(&r);
		if (s != 303)
			continue; /* sold out: the cart refuses */
		char *nonce = checkout_nonce(c);
		s = checkout(c, nonce, CARD_OK, "12/30", "123", &r);
		if (s == 303 && strstr(r.headers, "placed=1") != NULL)
			placed++;
		http_resp_free(&r);
		free(nonce);
	}
	return placed;
}

static void test_concurrent_checkouts_never_oversell_and_lose_no_order(void **state)
{
	(void)state;
	assert_int_equal(
	    sql_admin("UPDATE products SET stock = %d WHERE id = %d", UNITS, CONTESTED), 0);
	long long before =
	    sql_admin_int("SELECT COUNT(*) FROM order_lines WHERE product_id = %d", CONTESTED);
	struct client clients[BUYERS];
	for (int i = 0; i < BUYERS; i++)
		shopper(&clients[i], 0, 0);
	int fds[BUYERS][2];
	pid_t pids[BUYERS];
	for (int i = 0; i < BUYERS; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int placed = buyer(&clients[i]);
			ssize_t w = write(fds[i][1], &placed, sizeof(placed));
			_exit(w == sizeof(placed) ? 0 : 1);
		}
		close(fds[i][1]);
	}
	int placed = 0;
	for (int i = 0; i < BUYERS; i++) {
		int n = 0, st;
		assert_int_equal(read(fds[i][0], &n, sizeof(n)), (ssize_t)sizeof(n));
		close(fds[i][0]);
		waitpid(pids[i], &st, 0);
		placed += n;
	}
	/* Every unit sold once, never more; every order the buyers were told about exists. */
	assert_int_equal(placed, UNITS);
	assert_int_equal(stock_of(CONTESTED), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM order_lines WHERE product_id = %d", CONTESTED) -
	        before,
	    placed);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buy_with_approving_card_gives_paid_order),
	    cmocka_unit_test(test_internal_order_note_appears_on_no_customer_page_mail_or_export),
	    cmocka_unit_test(test_declined_card_leaves_no_order_and_no_stock_change),
	    cmocka_unit_test(test_timed_out_card_leaves_no_order),
	    cmocka_unit_test(test_bad_card_fields_are_422_with_a_message_each),
	    cmocka_unit_test(test_double_submit_gives_one_order),
	    cmocka_unit_test(test_concurrent_double_submit_gives_one_order),
	    cmocka_unit_test(test_nonce_claim_of_another_checkout_blocks_until_it_expires),
	    cmocka_unit_test(test_invoice_order_is_placed),
	    cmocka_unit_test(test_another_customers_order_is_not_found),
	    cmocka_unit_test(test_cart_refuses_more_than_stock),
	    cmocka_unit_test(
	        test_product_views_feed_the_profile_only_when_policy_and_customer_allow),
	    cmocka_unit_test(test_card_numbers_and_cvvs_never_stored_logged_or_mailed),
	    cmocka_unit_test(test_acknowledged_order_survives_a_database_crash),
	    cmocka_unit_test(test_concurrent_checkouts_never_oversell_and_lose_no_order),
	};
	return cmocka_run_group_tests_name("shop", tests, NULL, NULL);
}
