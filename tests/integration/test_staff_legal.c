/* test_staff_legal.c — the legal officer's cases over HTTP against the real stack: a customer
 * who shopped through the shop is invisible to legal until a case about them is opened, is
 * then shown and exported in full (and nothing of another customer), and is gone again once
 * the case is closed; open, each view, the export and close are in the audit chain, which
 * verifies; a case the customer may be told of is listed in their account, another is not;
 * bad input is 422 with a message per field, a second open or close changes nothing, and every
 * other role gets 403 on every legal route with nothing changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "staff_harness.h"

#define CARD_OK "4242 4242 4242 4242"

/* The customer the cases are about, and another one whose data must never appear. */
static const char *subject, *bystander;
static char bystander_name[64], bystander_email[128], bystander_product[256];
static long long subject_id, bystander_id, subject_order;

static long long customer_id_of(const char *user)
{
	return sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
}

/* POSTs an /account form of customer c (signed in) with the form's csrf; asserts 303. */
static void account_post(struct client *c, const char *fields)
{
	char *csrf = form_csrf(c, "/account");
	char body[1024];
	snprintf(body, sizeof(body), "csrf=%s&%s", csrf, fields);
	free(csrf);
	struct http_resp r;
	long st = post_form(c, "/account", body, &r);
	if (st != 303)
		fprintf(stderr, "POST /account %s answered %ld: %s\n", fields, st,
		        r.body != NULL ? r.body : "");
	assert_int_equal(st, 303);
	http_resp_free(&r);
}

/* Customer c (signed in) buys one unit of product 3 by card; returns the order's id. */
static long long buy(struct client *c)
{
	assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = 3"),
	                 0);
	char *csrf = form_csrf(c, "/account");
	char body[2048];
	snprintf(body, sizeof(body), "csrf=%s&product_id=3&quantity=1", csrf);
	struct http_resp r;
	assert_int_equal(post_form(c, "/cart", body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(client_get(c, env_web(), "/checkout", &r), 0);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char *nonce = strndup(p, (size_t)(strchr(p, '"') - p));
	http_resp_free(&r);
	size_t len = (size_t)snprintf(
	    body, sizeof(body),
	    "csrf=%s&nonce=%s&name=Imogen+Quillfeather&email=imogen.q%%40example.org"
	    "&billing_line1=7+Lantern+Row&billing_line2=Flat+3&billing_city=Harrogate"
	    "&billing_postcode=HG1+2AB&billing_country=UK&shipping_same=1&payment_mode=card",
	    csrf, nonce);
	snprintf(body + len, sizeof(body) - len, "&card_number=%s&card_exp=%s&card_cvv=123",
	         urlenc(CARD_OK), "11%2F31");
	free(nonce);
	free(csrf);
	assert_int_equal(post_form(c, "/checkout", body, &r), 303);
	http_resp_free(&r);
	long long id = sql_admin_int("SELECT MAX(id) FROM orders WHERE customer_id = %lld",
	                             customer_id_of(subject));
	assert_true(id > 0);
	return id;
}

/* The subject: a distinctive name and phone, both addresses, two interests, a viewed product
 * and a paid card order, all made through the shop. The bystander: distinctive, and shopping
 * too, so that their rows sit beside the subject's in every table. */
static int setup(void **state)
{
	(void)state;
	harness_require_stack();
	subject = strdup(approved_user());
	bystander = strdup(approved_user());
	snprintf(bystander_name, sizeof(bystander_name), "Bartholomew Zanzibar%d", (int)getpid());
	snprintf(bystander_email, sizeof(bystander_email), "%s", mail_of(bystander));
	subject_id = customer_id_of(subject);
	bystander_id = customer_id_of(bystander);
	customer_under_profiling_version(subject_id);
	customer_under_profiling_version(bystander_id);

	struct client c = {0};
	assert_int_equal(do_login(&c, subject, TEST_PASSWORD, NULL), 303);
	char f[1024];
	snprintf(f, sizeof(f), "action=profile&name=Imogen+Quillfeather&email=%s&phone=%s",
	         urlenc(mail_of(subject)), "%2B44+1423+555+0199");
	account_post(&c, f);
	account_post(&c, "action=addresses&billing_line1=7+Lantern+Row&billing_line2=Flat+3"
	                 "&billing_city=Harrogate&billing_postcode=HG1+2AB&billing_country=UK"
	                 "&shipping_line1=12+Quay+Street&shipping_line2=&shipping_city=Whitby"
	                 "&shipping_postcode=YO21+1DH&shipping_country=UK");
	account_post(&c, "action=interests&interests%5B%5D=1&interests%5B%5D=3");
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/product/2", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
	subject_order = buy(&c);

	struct client b = {0};
	assert_int_equal(do_login(&b, bystander, TEST_PASSWORD, NULL), 303);
	/* urlenc has one buffer: one call per snprintf. */
	size_t n =
	    (size_t)snprintf(f, sizeof(f), "action=profile&phone=&name=%s", urlenc(bystander_name));
	snprintf(f + n, sizeof(f) - n, "&email=%s", urlenc(bystander_email));
	account_post(&b, f);
	account_post(&b, "action=interests&interests%5B%5D=2");
	assert_int_equal(client_get(&b, env_web(), "/product/4", &r), 0);
	http_resp_free(&r);
	batch_settle(); /* the view is written by the worker within a second */
	/* The product only the bystander viewed: its name is theirs to leave out. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM product_views WHERE customer_id = "
	                               "%lld AND product_id = 4",
	                               bystander_id),
	                 1);
	char cmd[600];
	snprintf(cmd, sizeof(cmd),
	         "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto "
	         "-e 'SELECT name FROM products WHERE id = 4'",
	         env_state());
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(bystander_product, sizeof(bystander_product), p));
	bystander_product[strcspn(bystander_product, "\n")] = '\0';
	pclose(p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free((void *)subject);
	free((void *)bystander);
	return 0;
}

/* A signed-in member of role, with the csrf token of their session in *csrf (malloc'd). */
static void signed_in(struct client *c, enum staff_role role, char **csrf)
{
	struct member m;
	member_new(&m, role);
	memset(c, 0, sizeof(*c));
	staff_login(c, &m);
	struct http_resp r;
	assert_int_equal(staff_get(c, "/admin", &r), 200);
	*csrf = html_csrf(r.body);
	assert_non_null(*csrf);
	http_resp_free(&r);
}

/* POSTs body to path on the staff site; returns the status (r keeps the answer). */
static long staff_post(struct client *c, const char *path, const char *body, struct http_resp *r)
{
	assert_int_equal(client_post(c, env_staff(), path, body, r), 0);
	return r->status;
}

/* The body of the open-a-case form. */
static const char *open_body(const char *csrf, const char *authority, const char *reference,
                             const char *customer, bool may_tell)
{
	static char body[1024];
	size_t n =
	    (size_t)snprintf(body, sizeof(body), "csrf=%s&authority=%s", csrf, urlenc(authority));
	n += (size_t)snprintf(body + n, sizeof(body) - n, "&reference=%s", urlenc(reference));
	n += (size_t)snprintf(body + n, sizeof(body) - n,
	                      "&legal_basis=Production+order%%2C+s.9+PACE+1984");
	n += (size_t)snprintf(body + n, sizeof(body) - n, "&customer=%s", urlenc(customer));
	if (may_tell)
		snprintf(body + n, sizeof(body) - n, "&may_tell=1");
	return body;
}

static long long count_cases(void)
{
	return sql_admin_int("SELECT COUNT(*) FROM legal_cases");
}

static long long count_audit(const char *action)
{
	return sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = '%s'", action);
}

/* The case id a 303 after opening points to. */
static long long case_of_location(const struct http_resp *r)
{
	char *loc = http_header_value(r, "Location");
	assert_non_null(loc);
	const char *p = strstr(loc, "/admin/disclosures/");
	assert_non_null(p);
	long long id = strtoll(p + strlen("/admin/disclosures/"), NULL, 10);
	free(loc);
	return id;
}

static void assert_has(const char *body, const char *s)
{
	if (strstr(body, s) == NULL)
		fail_msg("missing: %s", s);
}

static void assert_lacks(const char *body, const char *s)
{
	if (strstr(body, s) != NULL)
		fail_msg("must not appear: %s", s);
}

static void test_legal_sees_nobody_before_a_case(void **state)
{
	(void)state;
	struct client c;
	char *csrf;
	signed_in(&c, ROLE_LEGAL, &csrf);
	free(csrf);
	char path[64];
	struct http_resp r;
	snprintf(path, sizeof(path), "/admin/customers/%lld", subject_id);
	assert_int_equal(staff_get(&c, path, &r), 404);
	http_resp_free(&r);
	assert_int_equal(staff_get(&c, "/admin/customers", &r), 200);
	assert_lacks(r.body, subject);
	http_resp_free(&r);
	assert_int_equal(staff_get(&c, "/admin/disclosures", &r), 200);
	assert_has(r.body, "Open a case");
	http_resp_free(&r);
}

static void test_bad_fields_and_unknown_customers_are_422_and_open_nothing(void **state)
{
	(void)state;
	struct client c;
	char *csrf;
	signed_in(&c, ROLE_LEGAL, &csrf);
	long long cases = count_cases(), audit = count_audit("legal_case_open");
	struct http_resp r;
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s&authority=&reference=&legal_basis=&customer=a+b",
	         csrf);
	assert_int_equal(staff_post(&c, "/admin/disclosures", body, &r), 422);
	assert_has(r.body, "Name the authority");
	assert_has(r.body, "Enter the authority&#39;s reference");
	assert_has(r.body, "Enter the legal basis");
	assert_has(r.body, "Enter the customer&#39;s username");
	http_resp_free(&r);
	/* An unknown username and an unknown id get the very same answer. */
	assert_int_equal(staff_post(&c, "/admin/disclosures",
	                            open_body(csrf, "Court", "X-1", "nobody-such-9", false), &r),
	                 422);
	assert_has(r.body, "No such customer.");
	http_resp_free(&r);
	assert_int_equal(staff_post(&c, "/admin/disclosures",
	                            open_body(csrf, "Court", "X-1", "#4000000000", false), &r),
	                 422);
	assert_has(r.body, "No such customer.");
	http_resp_free(&r);
	free(csrf);
	assert_int_equal(count_cases(), cases);
	assert_int_equal(count_audit("legal_case_open"), audit);
}

/* The export of case id as legal client c: 200, an attachment; the body in *r. */
static void get_export(struct client *c, long long id, struct http_resp *r)
{
	char path[64];
	snprintf(path, sizeof(path), "/admin/disclosures/%lld/export", id);
	assert_int_equal(staff_get(c, path, r), 200);
	char *cd = http_header_value(r, "Content-Disposition");
	assert_non_null(cd);
	assert_has(cd, "attachment");
	free(cd);
}

/* Every field of the subject, with the values the shop stored, and nothing of the bystander. */
static void check_export(const char *json, long long case_id)
{
	char s[256];
	snprintf(s, sizeof(s), "\"id\": %lld", case_id);
	assert_has(json, s);
	assert_has(json, "\"authority\": \"Metropolitan Police\"");
	snprintf(s, sizeof(s), "\"username\": \"%s\"", subject);
	assert_has(json, s);
	snprintf(s, sizeof(s), "\"email\": \"%s\"", mail_of(subject));
	assert_has(json, s);
	assert_has(json, "\"name\": \"Imogen Quillfeather\"");
	assert_has(json, "\"phone\": \"+44 1423 555 0199\"");
	assert_has(json, "\"registered_at\": \"");
	assert_has(json, "\"visit_count\": ");
	assert_has(json, "\"line1\": \"7 Lantern Row\"");
	assert_has(json, "\"line2\": \"Flat 3\"");
	assert_has(json, "\"postcode\": \"HG1 2AB\"");
	assert_has(json, "\"line1\": \"12 Quay Street\"");
	assert_has(json, "\"city\": \"Whitby\"");
	snprintf(s, sizeof(s), "\"id\": %lld", subject_order);
	assert_has(json, s);
	assert_has(json, "\"contact_email\": \"imogen.q@example.org\"");
	assert_has(json, "\"billing_line1\": \"7 Lantern Row\"");
	assert_has(json, "\"shipping_city\": \"Harrogate\"");
	assert_has(json, "\"payment_mode\": \"card\"");
	assert_has(json, "\"status\": \"paid\"");
	assert_has(json, "\"sku\": \"DIT-00003\"");
	assert_has(json, "\"quantity\": 1");
	assert_has(json, "\"history\": [");
	assert_has(json, "\"changed_at\": \"");
	assert_has(json, "\"brand\": \"visa\"");
	assert_has(json, "\"last4\": \"4242\"");
	assert_has(json, "\"exp_month\": 11");
	assert_has(json, "\"exp_year\": 2031");
	assert_has(json, "\"product_name\": \"Vintage Caps No. 2\"");
	assert_has(json, "\"category_name\": \"T-shirts\"");
	assert_has(json, "\"category_name\": \"Caps\"");
	assert_has(json, "\"recipient\": \"card processor\"");
	/* Never the card's token, and nothing of the bystander. */
	assert_lacks(json, "token");
	assert_lacks(json, bystander);
	assert_lacks(json, bystander_name);
	assert_lacks(json, bystander_email);
	assert_lacks(json, "Hoodies"); /* the bystander's interest */
	assert_lacks(json, bystander_product);
}

static void test_a_case_shows_and_exports_its_customer_only_while_open(void **state)
{
	(void)state;
	struct client c;
	char *csrf;
	signed_in(&c, ROLE_LEGAL, &csrf);
	long long cases = count_cases();
	long long opens = count_audit("legal_case_open"), views = count_audit("view"),
	          exports = count_audit("legal_case_export"),
	          closes = count_audit("legal_case_close");
	struct http_resp r;

	/* Open, named by username as the request names them; a second submit opens nothing. */
	const char *body = open_body(csrf, "Metropolitan Police", "MP/2026/0042", subject, true);
	assert_int_equal(staff_post(&c, "/admin/disclosures", body, &r), 303);
	long long id = case_of_location(&r);
	http_resp_free(&r);
	assert_int_equal(count_cases(), cases + 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM legal_cases WHERE id = %lld AND "
	                               "customer_id = %lld AND may_tell = 1 AND closed_at IS NULL "
	                               "AND customer_ref IS NULL AND opened_by = (SELECT id FROM "
	                               "staff WHERE username = (SELECT staff_username FROM "
	                               "audit_log WHERE action = 'legal_case_open' ORDER BY id "
	                               "DESC LIMIT 1))",
	                               id, subject_id),
	                 1);
	assert_int_equal(count_audit("legal_case_open"), opens + 1);
	assert_int_equal(sql_admin_int("SELECT customer_id FROM audit_log WHERE action = "
	                               "'legal_case_open' ORDER BY id DESC LIMIT 1"),
	                 subject_id);
	body = open_body(csrf, "Metropolitan Police", "MP/2026/0042", subject, true);
	assert_int_equal(staff_post(&c, "/admin/disclosures", body, &r), 409);
	assert_has(r.body, "already recorded");
	http_resp_free(&r);
	assert_int_equal(count_cases(), cases + 1);
	assert_int_equal(count_audit("legal_case_open"), opens + 1);

	/* While open: the case page shows the data in full, the export holds all of it. */
	char path[64];
	snprintf(path, sizeof(path), "/admin/disclosures/%lld", id);
	assert_int_equal(staff_get(&c, path, &r), 200);
	assert_has(r.body, "Imogen Quillfeather");
	assert_has(r.body, "+44 1423 555 0199");
	assert_has(r.body, "12 Quay Street");
	assert_has(r.body, "ending 4242");
	assert_has(r.body, "MP/2026/0042");
	assert_lacks(r.body, bystander_name);
	http_resp_free(&r);
	assert_int_equal(count_audit("view"), views + 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND "
	                               "customer_id = %lld AND detail = 'case %lld' AND fields "
	                               "LIKE 'name,email,username,phone,billing_address,%%'",
	                               subject_id, id),
	                 1);
	get_export(&c, id, &r);
	check_export(r.body, id);
	http_resp_free(&r);
	assert_int_equal(count_audit("legal_case_export"), exports + 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
	                               "'legal_case_export' AND customer_id = %lld AND fields = "
	                               "'name,email,username,phone,billing_address,"
	                               "shipping_address,payment,orders,visits,profile'",
	                               subject_id),
	                 1);

	/* Close; a second close changes nothing. */
	snprintf(path, sizeof(path), "/admin/disclosures/%lld/close", id);
	char cbody[128];
	snprintf(cbody, sizeof(cbody), "csrf=%s", csrf);
	assert_int_equal(staff_post(&c, path, cbody, &r), 303);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM legal_cases WHERE id = %lld AND "
	                               "closed_at IS NOT NULL AND closed_by = opened_by",
	                               id),
	                 1);
	long long closed_at_set = sql_admin_int(
	    "SELECT UNIX_TIMESTAMP(closed_at) * 1000000 FROM legal_cases WHERE id = %lld", id);
	assert_int_equal(staff_post(&c, path, cbody, &r), 409);
	assert_has(r.body, "closed already");
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT UNIX_TIMESTAMP(closed_at) * 1000000 FROM "
	                               "legal_cases WHERE id = %lld",
	                               id),
	                 closed_at_set);
	assert_int_equal(count_audit("legal_case_close"), closes + 1);

	/* Closed: the case without its customer's data, and no export. */
	views = count_audit("view");
	exports = count_audit("legal_case_export");
	snprintf(path, sizeof(path), "/admin/disclosures/%lld", id);
	assert_int_equal(staff_get(&c, path, &r), 200);
	assert_has(r.body, "MP/2026/0042");
	assert_has(r.body, "closed");
	assert_lacks(r.body, "Imogen");
	assert_lacks(r.body, "+44 1423");
	assert_lacks(r.body, "Lantern Row");
	assert_lacks(r.body, subject);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/admin/disclosures/%lld/export", id);
	assert_int_equal(staff_get(&c, path, &r), 403);
	assert_lacks(r.body, "Imogen");
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/admin/customers/%lld", subject_id);
	assert_int_equal(staff_get(&c, path, &r), 404);
	http_resp_free(&r);
	assert_int_equal(count_audit("view"), views);
	assert_int_equal(count_audit("legal_case_export"), exports);
	free(csrf);

	/* The whole story is in the chain, and the chain holds. */
	struct ctl_run run;
	staff_ctl(&run, NULL, "audit verify");
	if (run.status != 0)
		fail_msg("audit verify: %s", run.err);
	assert_has(run.out, "intact");
}

static void test_the_customer_is_told_only_of_may_tell_cases(void **state)
{
	(void)state;
	struct client c;
	char *csrf;
	signed_in(&c, ROLE_LEGAL, &csrf);
	struct http_resp r;
	const char *body = open_body(csrf, "HM Revenue", "HMRC-TOLD-1", subject, true);
	assert_int_equal(staff_post(&c, "/admin/disclosures", body, &r), 303);
	http_resp_free(&r);
	/* Named by "#id" this time. */
	char ref[32];
	snprintf(ref, sizeof(ref), "#%lld", subject_id);
	body = open_body(csrf, "National Crime Agency", "NCA-SECRET-7", ref, false);
	assert_int_equal(staff_post(&c, "/admin/disclosures", body, &r), 303);
	long long secret = case_of_location(&r);
	http_resp_free(&r);
	/* The secret case's page is viewed: a view the customer must not learn of either. */
	char path[64];
	snprintf(path, sizeof(path), "/admin/disclosures/%lld", secret);
	assert_int_equal(staff_get(&c, path, &r), 200);
	assert_has(r.body, "Imogen Quillfeather");
	http_resp_free(&r);
	free(csrf);

	struct client cust = {0};
	assert_int_equal(do_login(&cust, subject, TEST_PASSWORD, NULL), 303);
	assert_int_equal(client_get(&cust, env_web(), "/account/disclosures", &r), 0);
	assert_int_equal(r.status, 200);
	assert_has(r.body, "HM Revenue");
	assert_has(r.body, "HMRC-TOLD-1");
	assert_has(r.body, "Production order, s.9 PACE 1984");
	assert_lacks(r.body, "National Crime Agency");
	assert_lacks(r.body, "NCA-SECRET-7");
	assert_lacks(r.body, "<td>legal</td>");
	http_resp_free(&r);
	/* The bystander is told of nothing. */
	struct client b = {0};
	assert_int_equal(do_login(&b, bystander, TEST_PASSWORD, NULL), 303);
	assert_int_equal(client_get(&b, env_web(), "/account/disclosures", &r), 0);
	assert_lacks(r.body, "HMRC-TOLD-1");
	assert_has(r.body, "No request that we may tell you of");
	http_resp_free(&r);
	assert_int_equal(sql_admin("UPDATE legal_cases SET closed_at = UTC_TIMESTAMP(6) WHERE "
	                           "customer_id = %lld AND closed_at IS NULL",
	                           subject_id),
	                 0);
}

/* Every legal route as role: 403, and neither cases nor the audit of case actions change. */
static void check_role_refused(enum staff_role role, long long open_case)
{
	struct client c;
	char *csrf;
	signed_in(&c, role, &csrf);
	long long cases = count_cases();
	long long acts = sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action LIKE "
	                               "'legal_case_%%' OR (action = 'view' AND detail LIKE "
	                               "'case %%')");
	char path[96];
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin/disclosures", &r), 403);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/admin/disclosures/%lld", open_case);
	assert_int_equal(staff_get(&c, path, &r), 403);
	assert_lacks(r.body, "Imogen");
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/admin/disclosures/%lld/export", open_case);
	assert_int_equal(staff_get(&c, path, &r), 403);
	assert_lacks(r.body, "Imogen");
	http_resp_free(&r);
	const char *body = open_body(csrf, "Rogue Authority", "ROGUE-1", subject, true);
	assert_int_equal(staff_post(&c, "/admin/disclosures", body, &r), 403);
	http_resp_free(&r);
	snprintf(path, sizeof(path), "/admin/disclosures/%lld/close", open_case);
	char cbody[128];
	snprintf(cbody, sizeof(cbody), "csrf=%s", csrf);
	assert_int_equal(staff_post(&c, path, cbody, &r), 403);
	http_resp_free(&r);
	free(csrf);
	assert_int_equal(count_cases(), cases);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM legal_cases WHERE id = %lld AND "
	                               "closed_at IS NULL",
	                               open_case),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM legal_cases WHERE reference = "
	                               "'ROGUE-1'"),
	                 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action LIKE "
	                               "'legal_case_%%' OR (action = 'view' AND detail LIKE "
	                               "'case %%')"),
	                 acts);
}

static void test_every_other_role_gets_403_on_every_legal_route(void **state)
{
	(void)state;
	assert_int_equal(sql_admin("INSERT INTO legal_cases (customer_id, authority, reference, "
	                           "legal_basis) VALUES (%lld, 'Test Court', 'ROLES-%d', 'test')",
	                           subject_id, (int)getpid()),
	                 0);
	long long open_case = sql_admin_int("SELECT id FROM legal_cases WHERE reference = "
	                                    "'ROLES-%d'",
	                                    (int)getpid());
	for (int role = 0; role < ROLE__MAX; role++)
		if (role != ROLE_LEGAL)
			check_role_refused((enum staff_role)role, open_case);
	assert_int_equal(sql_admin("UPDATE legal_cases SET closed_at = UTC_TIMESTAMP(6) WHERE "
	                           "id = %lld",
	                           open_case),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_legal_sees_nobody_before_a_case),
	    cmocka_unit_test(test_bad_fields_and_unknown_customers_are_422_and_open_nothing),
	    cmocka_unit_test(test_a_case_shows_and_exports_its_customer_only_while_open),
	    cmocka_unit_test(test_the_customer_is_told_only_of_may_tell_cases),
	    cmocka_unit_test(test_every_other_role_gets_403_on_every_legal_route),
	};
	return cmocka_run_group_tests_name("staff_legal", tests, setup, teardown);
}
