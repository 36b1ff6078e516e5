/* test_staff_orders.c — support and billing work on orders over HTTP, against the real stack:
 * a customer buys on the shop; support ships an order (the customer then sees the tracking
 * number), is refused a disallowed transition, cancels an order (its stock comes back) and
 * writes to a customer (the outbox, addressed at delivery); billing finds payment problems,
 * marks an invoice paid, refunds part then the rest (never more than was captured, never twice
 * for two clerks at once, each refund in the status history, the disclosures, the customer's
 * mail and the sandbox processor's ledger); every other role gets 403 on each action and nothing
 * changes; the audit chain verifies at the end. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

#define CARD_OK      "4242 4242 4242 4242"
#define CARD_DECLINE "4000 0000 0000 0002"
#define PRODUCT      5 /* a product of the demo catalogue */
#define BUYER_EMAIL  "pat.orders@example.com"

/* One signed-in client per role, and a second billing clerk. */
static struct client staff[ROLE__MAX], billing2;
static char *csrf_of[ROLE__MAX + 1];

/* ---- the shop's side ------------------------------------------------------------------- */

/* A signed-in approved customer with qty of PRODUCT in the cart (enough stock first). */
static void shopper(struct client *c, int qty)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(do_login(c, approved_user(), TEST_PASSWORD, NULL), 303);
	assert_int_equal(
	    sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = %d", PRODUCT), 0);
	char *csrf = form_csrf(c, "/account");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&product_id=%d&quantity=%d", csrf, PRODUCT, qty);
	free(csrf);
	struct http_resp r;
	assert_int_equal(post_form(c, "/cart", body, &r), 303);
	http_resp_free(&r);
}

/* Checks out c's cart by card (card NULL: invoice). Returns the status; *id the order. */
static long checkout(struct client *c, const char *card, long long *id)
{
	struct http_resp r;
	assert_int_equal(client_get(c, env_web(), "/checkout", &r), 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char *nonce = strndup(p, (size_t)(strchr(p, '"') - p));
	http_resp_free(&r);
	char *csrf = form_csrf(c, "/account");
	char body[2048];
	int len = snprintf(body, sizeof(body),
	                   "csrf=%s&nonce=%s&name=Pat+Orders&email=%s&billing_line1=1+Main+St"
	                   "&billing_line2=&billing_city=Leeds&billing_postcode=LS1+1AA"
	                   "&billing_country=UK&shipping_same=1&payment_mode=%s",
	                   csrf, nonce, urlenc(BUYER_EMAIL), card ? "card" : "invoice");
	if (card != NULL)
		snprintf(body + len, sizeof(body) - (size_t)len,
		         "&card_number=%s&card_exp=12%%2F30&card_cvv=123", urlenc(card));
	free(csrf);
	free(nonce);
	long s = post_form(c, "/checkout", body, &r);
	*id = order_of_location(&r);
	http_resp_free(&r);
	return s;
}

/* A new order of qty units by a new customer c: by card (paid) or invoice (placed). */
static long long new_order(struct client *c, bool card, int qty)
{
	long long id;
	shopper(c, qty);
	assert_int_equal(checkout(c, card ? CARD_OK : NULL, &id), 303);
	assert_true(id > 0);
	return id;
}

/* ---- the staff side -------------------------------------------------------------------- */

static long long order_int(long long id, const char *column)
{
	return sql_admin_int("SELECT %s FROM orders WHERE id = %lld", column, id);
}

static bool order_status_is(long long id, const char *status)
{
	return sql_admin_int("SELECT COUNT(*) FROM orders WHERE id = %lld AND status = '%s'", id,
	                     status) == 1;
}

static long long history_rows(long long id)
{
	return sql_admin_int("SELECT COUNT(*) FROM order_status_history WHERE order_id = %lld", id);
}

/* GETs /admin/orders/<id> as c; returns the status (r keeps the page). */
static long order_page(struct client *c, long long id, struct http_resp *r)
{
	char path[64];
	snprintf(path, sizeof(path), "/admin/orders/%lld", id);
	return staff_get(c, path, r);
}

/* The one-time key of the first form on order id's page as c sees it (malloc'd), or NULL. */
static char *form_key(struct client *c, long long id)
{
	struct http_resp r;
	assert_int_equal(order_page(c, id, &r), 200);
	char *key = NULL;
	const char *p = strstr(r.body, "name=\"key\" value=\"");
	if (p != NULL) {
		p += strlen("name=\"key\" value=\"");
		key = strndup(p, (size_t)(strchr(p, '"') - p));
	}
	http_resp_free(&r);
	return key;
}

/* POSTs fields (urlencoded, may be "") to /admin/orders/<id>/<action> as c with its csrf.
 * Returns the status; r (may be NULL) keeps the answer. */
static long act(struct client *c, const char *csrf, long long id, const char *action,
                const char *fields, struct http_resp *out)
{
	char path[96], body[4096];
	snprintf(path, sizeof(path), "/admin/orders/%lld/%s", id, action);
	snprintf(body, sizeof(body), "csrf=%s%s%s", csrf, *fields ? "&" : "", fields);
	struct http_resp r;
	assert_int_equal(client_post(c, env_staff(), path, body, &r), 0);
	long s = r.status;
	if (out != NULL)
		*out = r;
	else
		http_resp_free(&r);
	return s;
}

static long role_act(enum staff_role role, long long id, const char *action, const char *fields,
                     struct http_resp *out)
{
	return act(&staff[role], csrf_of[role], id, action, fields, out);
}

/* Signs in a new member of role into c; returns its csrf token (malloc'd). */
static char *sign_in(struct client *c, enum staff_role role)
{
	struct member m;
	member_new(&m, role);
	memset(c, 0, sizeof(*c));
	staff_login(c, &m);
	struct http_resp r;
	assert_int_equal(staff_get(c, "/admin", &r), 200);
	char *csrf = html_csrf(r.body);
	assert_non_null(csrf);
	http_resp_free(&r);
	return csrf;
}

static int setup(void **state)
{
	(void)state;
	harness_require_stack();
	/* Sign-ins by many members from one address: start from a clean throttle. */
	sql_admin("DELETE FROM login_throttle");
	for (int r = 0; r < ROLE__MAX; r++)
		csrf_of[r] = sign_in(&staff[r], (enum staff_role)r);
	csrf_of[ROLE__MAX] = sign_in(&billing2, ROLE_BILLING);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int r = 0; r <= ROLE__MAX; r++)
		free(csrf_of[r]);
	sh("rm -f '%s'/run/test-orders-%d-*", env_state(), (int)getpid());
	return 0;
}

/* Runs `dittoctl ARGS`; asserts it exits 0. */
static void ctl_ok_run(struct ctl_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ctl_ok_run(struct ctl_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(r, "orders", NULL, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
	if (r->status != 0)
		fail_msg("dittoctl failed (%d): %s", r->status, r->err);
}

/* ---- support --------------------------------------------------------------------------- */

static void test_support_ships_a_paid_order_and_the_customer_sees_the_tracking(void **state)
{
	(void)state;
	struct client c;
	struct http_resp r;
	long long id = new_order(&c, true, 1);
	assert_true(order_status_is(id, "paid"));

	/* The list and the page: support sees the contact email in full, billing masked. */
	assert_int_equal(staff_get(&staff[ROLE_SUPPORT], "/admin/orders", &r), 200);
	char link[64];
	snprintf(link, sizeof(link), "/admin/orders/%lld\"", id);
	assert_non_null(strstr(r.body, link));
	http_resp_free(&r);
	assert_int_equal(order_page(&staff[ROLE_SUPPORT], id, &r), 200);
	assert_non_null(strstr(r.body, BUYER_EMAIL));
	/* The billing address is not support's (the shipping address, the same here, is). */
	assert_null(strstr(r.body, "f-billing_address"));
	assert_non_null(strstr(r.body, "f-shipping_address"));
	assert_non_null(strstr(r.body, "/tracking\""));
	http_resp_free(&r);
	assert_int_equal(order_page(&staff[ROLE_BILLING], id, &r), 200);
	assert_null(strstr(r.body, BUYER_EMAIL));
	assert_non_null(strstr(r.body, "p***@example.com"));
	assert_non_null(strstr(r.body, "ending 4242"));
	assert_null(strstr(r.body, "/tracking\"")); /* no form of an action billing may not take */
	http_resp_free(&r);

	/* paid -> delivered skips shipping: refused with 422, nothing changed. */
	long long before = history_rows(id);
	assert_int_equal(role_act(ROLE_SUPPORT, id, "status", "status=delivered", &r), 422);
	assert_non_null(strstr(r.body, "Cannot change order"));
	http_resp_free(&r);
	assert_true(order_status_is(id, "paid"));
	assert_int_equal(history_rows(id), before);
	/* A malformed tracking number: 422 beside the field, nothing changed. */
	assert_int_equal(role_act(ROLE_SUPPORT, id, "tracking", "tracking_number=no+spaces", NULL),
	                 422);
	assert_true(order_status_is(id, "paid"));

	char tracking[64], fields[96];
	snprintf(tracking, sizeof(tracking), "TRK-%d-%lld", (int)getpid(), id);
	snprintf(fields, sizeof(fields), "tracking_number=%s", tracking);
	assert_int_equal(role_act(ROLE_SUPPORT, id, "tracking", fields, NULL), 303);
	assert_true(order_status_is(id, "shipped"));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE id = %lld AND "
	                               "tracking_number = '%s'",
	                               id, tracking),
	                 1);
	assert_int_equal(history_rows(id), before + 1);
	/* The customer is told, addressed only at delivery (support never reads it to mail). */
	long long mail = sql_admin_int("SELECT MAX(id) FROM outbox WHERE order_id = %lld AND "
	                               "kind = 'order_shipped' AND recipient IS NULL",
	                               id);
	assert_true(mail > 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
	                               "'order_tracking' AND detail LIKE '%%%s%%'",
	                               tracking),
	                 1);

	/* The same tracking number again: nothing changed, and it says so. */
	assert_int_equal(role_act(ROLE_SUPPORT, id, "tracking", fields, &r), 409);
	assert_non_null(strstr(r.body, "Nothing changed"));
	http_resp_free(&r);
	assert_int_equal(history_rows(id), before + 1);

	/* The status filter finds it among the shipped orders, and only a real status filters. */
	assert_int_equal(staff_get(&staff[ROLE_SUPPORT], "/admin/orders?status=shipped", &r), 200);
	assert_non_null(strstr(r.body, link));
	http_resp_free(&r);
	assert_int_equal(staff_get(&staff[ROLE_SUPPORT], "/admin/orders?status=paid", &r), 200);
	assert_null(strstr(r.body, link));
	http_resp_free(&r);
	assert_int_equal(staff_get(&staff[ROLE_SUPPORT], "/admin/orders?status=lost", &r), 400);
	http_resp_free(&r);

	/* The customer sees the tracking number on their order's page. */
	char path[64];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	assert_int_equal(client_get(&c, env_web(), path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, tracking));
	http_resp_free(&r);

	/* Delivery addresses the message to the order's contact email. */
	struct ctl_run run;
	ctl_ok_run(&run, "mail send");
	char eml[512], text[8192];
	snprintf(eml, sizeof(eml), "%s/mail/%lld.eml", env_state(), mail);
	slurp_file(eml, text, sizeof(text));
	assert_non_null(strstr(text, "To: " BUYER_EMAIL));
	assert_non_null(strstr(text, tracking));
}

static void test_support_cancels_an_order_and_its_stock_comes_back(void **state)
{
	(void)state;
	struct client c;
	long long id = new_order(&c, false, 3);
	long long stock = sql_admin_int("SELECT stock FROM products WHERE id = %d", PRODUCT);
	assert_int_equal(role_act(ROLE_SUPPORT, id, "cancel", "note=asked+by+phone", NULL), 303);
	assert_true(order_status_is(id, "cancelled"));
	assert_int_equal(sql_admin_int("SELECT stock FROM products WHERE id = %d", PRODUCT),
	                 stock + 3);
	/* Cancelling again changes nothing (and returns no stock twice). */
	struct http_resp r;
	assert_int_equal(role_act(ROLE_SUPPORT, id, "cancel", "", &r), 409);
	assert_non_null(strstr(r.body, "already cancelled"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT stock FROM products WHERE id = %d", PRODUCT),
	                 stock + 3);
	/* A final status goes nowhere. */
	assert_int_equal(role_act(ROLE_SUPPORT, id, "status", "status=paid", NULL), 422);
	assert_true(order_status_is(id, "cancelled"));
}

static void test_support_writes_to_the_customer_through_the_outbox(void **state)
{
	(void)state;
	struct client c;
	long long id = new_order(&c, true, 1);
	char *key = form_key(&staff[ROLE_SUPPORT], id);
	assert_non_null(key);
	/* No text: 422, nothing queued. */
	char fields[512];
	snprintf(fields, sizeof(fields), "key=%s&message=", key);
	assert_int_equal(role_act(ROLE_SUPPORT, id, "message", fields, NULL), 422);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE order_id = %lld AND "
	                               "kind = 'order_message'",
	                               id),
	                 0);
	snprintf(fields, sizeof(fields),
	         "key=%s&message=Your+parcel+leaves+tomorrow.%%0AThank+you+for+waiting%d", key,
	         (int)getpid());
	assert_int_equal(role_act(ROLE_SUPPORT, id, "message", fields, NULL), 303);
	/* The same form again: nothing more is queued, and it says so. */
	assert_int_equal(role_act(ROLE_SUPPORT, id, "message", fields, NULL), 409);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE order_id = %lld AND "
	                               "kind = 'order_message' AND recipient IS NULL AND body "
	                               "LIKE '%%Thank you for waiting%d%%'",
	                               id, (int)getpid()),
	                 1);
	free(key);
}

/* ---- billing --------------------------------------------------------------------------- */

static void test_billing_finds_an_overdue_invoice_and_marks_it_paid(void **state)
{
	(void)state;
	struct client c;
	struct http_resp r;
	long long id = new_order(&c, false, 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payments WHERE order_id = %lld AND "
	                               "status = 'invoice_due' AND due_at > UTC_TIMESTAMP()",
	                               id),
	                 1);
	char link[64];
	snprintf(link, sizeof(link), "/admin/orders/%lld\"", id);
	/* Not due yet: not a problem.  Past its due date: listed. */
	assert_int_equal(staff_get(&staff[ROLE_BILLING], "/admin/orders?problem=overdue", &r), 200);
	assert_null(strstr(r.body, link));
	http_resp_free(&r);
	assert_int_equal(sql_admin("UPDATE payments SET due_at = UTC_TIMESTAMP() - INTERVAL 1 DAY "
	                           "WHERE order_id = %lld",
	                           id),
	                 0);
	assert_int_equal(staff_get(&staff[ROLE_BILLING], "/admin/orders?problem=overdue", &r), 200);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, "invoice overdue"));
	http_resp_free(&r);

	assert_int_equal(role_act(ROLE_BILLING, id, "invoice-paid", "", NULL), 303);
	assert_true(order_status_is(id, "paid"));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payments WHERE order_id = %lld AND "
	                               "status = 'invoice_paid'",
	                               id),
	                 1);
	long long rows = history_rows(id);
	assert_int_equal(role_act(ROLE_BILLING, id, "invoice-paid", "", &r), 409);
	assert_non_null(strstr(r.body, "marked paid already"));
	http_resp_free(&r);
	assert_int_equal(history_rows(id), rows);
	/* An invoice is not refunded through the card processor. */
	char *key = form_key(&staff[ROLE_BILLING], id);
	assert_null(key); /* no refund form for an invoice */
}

/* The refund lines of order id's payment token in the sandbox's ledger. */
static int ledger_refunds(long long id)
{
	char cmd[1024], token[80] = "";
	snprintf(cmd, sizeof(cmd),
	         "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto -e "
	         "'SELECT token FROM payments WHERE order_id = %lld'",
	         env_state(), id);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	if (fscanf(p, "%79s", token) != 1)
		token[0] = '\0';
	pclose(p);
	assert_true(strncmp(token, "sbx_", 4) == 0);
	char path[512], line[256], prefix[100];
	snprintf(path, sizeof(path), "%s/sandbox-ledger", env_state());
	snprintf(prefix, sizeof(prefix), "refund %s ", token);
	FILE *f = fopen(path, "r");
	int n = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n += strncmp(line, prefix, strlen(prefix)) == 0;
	if (f != NULL)
		fclose(f);
	return n;
}

static long refund(enum staff_role role, struct client *c, const char *csrf, long long id,
                   const char *key, const char *amount, struct http_resp *out)
{
	char fields[256];
	snprintf(fields, sizeof(fields), "key=%s&amount=%s", key, amount);
	return role == ROLE__MAX ? act(c, csrf, id, "refund", fields, out)
	                         : role_act(role, id, "refund", fields, out);
}

static void test_billing_refunds_part_then_the_rest_and_never_more(void **state)
{
	(void)state;
	struct client c;
	struct http_resp r;
	long long id = new_order(&c, true, 2);
	long long total = order_int(id, "total_cents");
	assert_true(total > 200);
	long long history = history_rows(id);

	char *k1 = form_key(&staff[ROLE_BILLING], id);
	assert_int_equal(refund(ROLE_BILLING, NULL, NULL, id, k1, "1.00", NULL), 303);
	assert_int_equal(
	    sql_admin_int("SELECT refunded_cents FROM payments WHERE order_id = %lld", id), 100);
	assert_true(order_status_is(id, "paid"));
	assert_int_equal(history_rows(id), history + 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM order_status_history WHERE order_id "
	                               "= %lld AND customer_note LIKE 'Refunded €1.00%%'",
	                               id),
	                 1);
	/* The same form again: nothing more refunded. */
	assert_int_equal(refund(ROLE_BILLING, NULL, NULL, id, k1, "1.00", &r), 409);
	assert_non_null(strstr(r.body, "was made already"));
	http_resp_free(&r);
	assert_int_equal(ledger_refunds(id), 1);

	/* More than is left: 422, nothing changed. */
	char *k2 = form_key(&staff[ROLE_BILLING], id);
	char too_much[32];
	snprintf(too_much, sizeof(too_much), "%lld.%02lld", (total - 99) / 100, (total - 99) % 100);
	assert_int_equal(refund(ROLE_BILLING, NULL, NULL, id, k2, too_much, &r), 422);
	assert_non_null(strstr(r.body, "At most"));
	http_resp_free(&r);
	/* Not an amount: 422. */
	assert_int_equal(refund(ROLE_BILLING, NULL, NULL, id, k2, "-5", NULL), 422);
	assert_int_equal(
	    sql_admin_int("SELECT refunded_cents FROM payments WHERE order_id = %lld", id), 100);
	assert_int_equal(ledger_refunds(id), 1);

	/* The rest (the amount left empty): the order is refunded. */
	assert_int_equal(refund(ROLE_BILLING, NULL, NULL, id, k2, "", NULL), 303);
	assert_int_equal(sql_admin_int("SELECT refunded_cents FROM payments WHERE order_id = %lld "
	                               "AND status = 'refunded'",
	                               id),
	                 total);
	assert_true(order_status_is(id, "refunded"));
	assert_int_equal(ledger_refunds(id), 2);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payment_refunds WHERE order_id = %lld "
	                               "AND status = 'done'",
	                               id),
	                 2);
	/* Each refund: a disclosure to the card processor and a message to the customer. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE order_id = %lld AND "
	                               "recipient = 'card processor' AND purpose LIKE 'refund%%'",
	                               id),
	                 2);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE order_id = %lld AND "
	                               "kind = 'order_refund' AND recipient IS NULL",
	                               id),
	                 2);
	/* Nothing left: a new form refunds nothing. */
	char *k3 = form_key(&staff[ROLE_BILLING], id);
	assert_null(k3); /* no refund form at all */
	/* A key of its own: the last one with a letter's case changed, which keys must tell apart
	 * (base64url; schema/038). */
	k3 = strdup(k2);
	char *letter = k3 + strcspn(k3, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	assert_true(*letter != '\0');
	*letter = (char)(islower((unsigned char)*letter) ? toupper((unsigned char)*letter)
	                                                 : tolower((unsigned char)*letter));
	assert_int_equal(refund(ROLE_BILLING, NULL, NULL, id, k3, "", &r), 409);
	assert_non_null(strstr(r.body, "refunded in full already"));
	http_resp_free(&r);
	assert_int_equal(ledger_refunds(id), 2);

	/* The customer sees both refunds in their order's history, and gets their mail. */
	char path[64];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	assert_int_equal(client_get(&c, env_web(), path, &r), 0);
	assert_non_null(strstr(r.body, "Refunded €1.00"));
	assert_non_null(strstr(r.body, "refunded in full"));
	assert_null(strstr(r.body, "refund of")); /* the internal note stays internal */
	http_resp_free(&r);
	struct ctl_run run;
	ctl_ok_run(&run, "mail send");
	long long mail = sql_admin_int(
	    "SELECT MAX(id) FROM outbox WHERE order_id = %lld AND kind = 'order_refund'", id);
	char eml[512], text[8192];
	snprintf(eml, sizeof(eml), "%s/mail/%lld.eml", env_state(), mail);
	slurp_file(eml, text, sizeof(text));
	assert_non_null(strstr(text, "To: " BUYER_EMAIL));
	assert_non_null(strstr(text, "refunded in full"));
	free(k1);
	free(k2);
	free(k3);
}

struct clerk {
	struct client *c;
	const char *csrf;
	enum staff_role role; /* ROLE__MAX: the second clerk */
	long long order;
	char *key;
	long status;
};

static void *clerk_refunds(void *arg)
{
	struct clerk *k = arg;
	char path[96], body[256];
	snprintf(path, sizeof(path), "/admin/orders/%lld/refund", k->order);
	snprintf(body, sizeof(body), "csrf=%s&key=%s&amount=", k->csrf, k->key);
	struct http_resp r;
	k->status = client_post(k->c, env_staff(), path, body, &r) == 0 ? r.status : 0;
	http_resp_free(&r);
	return NULL;
}

static void test_two_clerks_refunding_at_once_refund_once(void **state)
{
	(void)state;
	struct client c;
	long long id = new_order(&c, true, 1);
	long long total = order_int(id, "total_cents");
	/* Each clerk opened the order's page: each has a form of their own. */
	struct clerk k[2] = {
	    {&staff[ROLE_BILLING], csrf_of[ROLE_BILLING], ROLE_BILLING, id, NULL, 0},
	    {&billing2, csrf_of[ROLE__MAX], ROLE__MAX, id, NULL, 0},
	};
	for (int i = 0; i < 2; i++) {
		k[i].key = form_key(k[i].c, id);
		assert_non_null(k[i].key);
	}
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, clerk_refunds, &k[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/* One refunded; the other was told nothing more was refunded. */
	assert_true((k[0].status == 303 && k[1].status == 409) ||
	            (k[0].status == 409 && k[1].status == 303));
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM payment_refunds WHERE order_id = %lld", id), 1);
	assert_int_equal(
	    sql_admin_int("SELECT refunded_cents FROM payments WHERE order_id = %lld", id), total);
	assert_int_equal(ledger_refunds(id), 1);
	assert_true(order_status_is(id, "refunded"));
	/* The status history shows the refund, once. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM order_status_history WHERE order_id = "
	                               "%lld AND status = 'refunded'",
	                               id),
	                 1);
	for (int i = 0; i < 2; i++)
		free(k[i].key);
}

static void test_billing_sees_payment_problems_and_support_does_not(void **state)
{
	(void)state;
	struct client c;
	struct http_resp r;
	long long id;
	/* A declined card leaves no order, but billing sees the failed payment. */
	shopper(&c, 1);
	long long before = sql_admin_int("SELECT COUNT(*) FROM payment_attempts");
	assert_int_equal(checkout(&c, CARD_DECLINE, &id), 422);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payment_attempts"), before + 1);
	long long customer =
	    sql_admin_int("SELECT customer_id FROM payment_attempts ORDER BY id DESC LIMIT 1");
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM payment_attempts WHERE id = (SELECT "
	                               "MAX(id) FROM payment_attempts) AND outcome = 'declined' "
	                               "AND last4 = '0002'"),
	                 1);
	assert_int_equal(staff_get(&staff[ROLE_BILLING], "/admin/orders?problem=declined", &r),
	                 200);
	char link[64];
	snprintf(link, sizeof(link), "/admin/customers/%lld\"", customer);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, "declined"));
	http_resp_free(&r);
	/* A paid order support cancelled wants its money back: a refund requested. */
	long long paid = new_order(&c, true, 1);
	assert_int_equal(role_act(ROLE_SUPPORT, paid, "cancel", "", NULL), 303);
	assert_int_equal(staff_get(&staff[ROLE_BILLING], "/admin/orders?problem=refund", &r), 200);
	snprintf(link, sizeof(link), "/admin/orders/%lld\"", paid);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, "refund requested"));
	http_resp_free(&r);
	/* Support has no payment-problems filter. */
	assert_int_equal(staff_get(&staff[ROLE_SUPPORT], "/admin/orders?problem=declined", &r),
	                 400);
	http_resp_free(&r);
}

/* ---- every other role: 403, nothing changed -------------------------------------------- */

/* A fingerprint of everything the actions change about order id. */
static long long state_of(long long id)
{
	return sql_admin_int(
	    "SELECT CRC32(CONCAT_WS('|', o.status, COALESCE(o.tracking_number, ''), p.status, "
	    "p.refunded_cents, (SELECT COUNT(*) FROM order_status_history h WHERE h.order_id = "
	    "o.id), (SELECT COUNT(*) FROM outbox m WHERE m.order_id = o.id), (SELECT COUNT(*) "
	    "FROM payment_refunds f WHERE f.order_id = o.id), (SELECT stock FROM products WHERE "
	    "id = %d))) FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = %lld",
	    PRODUCT, id);
}

static void test_each_other_role_gets_403_on_each_action_and_nothing_changes(void **state)
{
	(void)state;
	struct client c;
	long long card = new_order(&c, true, 1), invoice = new_order(&c, false, 1);
	static const struct {
		enum staff_action action;
		const char *route, *fields;
		bool invoice;
	} actions[] = {
	    {ACTION_ORDER_STATUS, "status", "status=shipped", false},
	    {ACTION_ORDER_TRACKING, "tracking", "tracking_number=TRK-403", false},
	    {ACTION_ORDER_CANCEL, "cancel", "", false},
	    {ACTION_ORDER_MESSAGE, "message",
	     "key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&message=hello", false},
	    {ACTION_ORDER_INVOICE_PAID, "invoice-paid", "", true},
	    {ACTION_ORDER_REFUND, "refund",
	     "key=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB&amount=", false},
	};
	long long before[2] = {state_of(card), state_of(invoice)};
	long long audit =
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'order\\_%%'");
	int refused = 0;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		for (int role = 0; role < ROLE__MAX; role++) {
			if (privacy_action_allowed(actions[i].action, role))
				continue;
			long long id = actions[i].invoice ? invoice : card;
			long s = role_act(role, id, actions[i].route, actions[i].fields, NULL);
			if (s != 403)
				fail_msg("%s may post %s (%ld)", privacy_role_name(role),
				         actions[i].route, s);
			refused++;
		}
	assert_int_equal(refused, 6 * ROLE__MAX - 6);
	assert_int_equal(state_of(card), before[0]);
	assert_int_equal(state_of(invoice), before[1]);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action LIKE "
	                               "'order\\_%%'"),
	                 audit);
	/* The pages themselves: only billing and support open them. */
	for (int role = 0; role < ROLE__MAX; role++) {
		struct http_resp r;
		long want = privacy_page_allowed(PAGE_ORDERS, role) ? 200 : 403;
		assert_int_equal(staff_get(&staff[role], "/admin/orders", &r), want);
		http_resp_free(&r);
		assert_int_equal(order_page(&staff[role], card, &r), want);
		if (want == 403 && strstr(r.body, BUYER_EMAIL) != NULL)
			fail_msg("%s was shown the order", privacy_role_name(role));
		http_resp_free(&r);
	}
	/* Without the form's csrf token even support changes nothing. */
	assert_int_equal(act(&staff[ROLE_SUPPORT], "not-the-token", card, "cancel", "", NULL), 403);
	assert_int_equal(state_of(card), before[0]);
}

/* ---- the audit chain ------------------------------------------------------------------- */

static void test_order_pages_and_actions_are_audited_and_the_chain_verifies(void **state)
{
	(void)state;
	/* Every action that changed data wrote its row; the pages wrote their views. */
	assert_true(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action IN ('order_status', "
	                          "'order_cancel', 'order_tracking', 'order_message', "
	                          "'order_invoice_paid', 'order_refund', 'order_refund_done')") >=
	            8);
	assert_true(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND route "
	                          "LIKE '/admin/orders%%'") > 0);
	struct ctl_run run;
	ctl_ok_run(&run, "audit verify");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_support_ships_a_paid_order_and_the_customer_sees_the_tracking),
	    cmocka_unit_test(test_support_cancels_an_order_and_its_stock_comes_back),
	    cmocka_unit_test(test_support_writes_to_the_customer_through_the_outbox),
	    cmocka_unit_test(test_billing_finds_an_overdue_invoice_and_marks_it_paid),
	    cmocka_unit_test(test_billing_refunds_part_then_the_rest_and_never_more),
	    cmocka_unit_test(test_two_clerks_refunding_at_once_refund_once),
	    cmocka_unit_test(test_billing_sees_payment_problems_and_support_does_not),
	    cmocka_unit_test(test_each_other_role_gets_403_on_each_action_and_nothing_changes),
	    cmocka_unit_test(test_order_pages_and_actions_are_audited_and_the_chain_verifies),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
