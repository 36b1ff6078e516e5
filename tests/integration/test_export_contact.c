/* test_export_contact.c — the data export and the way to reach the shop, through nginx and the
 * database: every table with a customer_id is covered by the export or left out with a reason;
 * `dittoctl export` and /account/export give the same JSON, holding every section of a customer
 * who has them all and nothing of anyone else; only `export --sent` records a disclosure;
 * /contact shows the shop's details, stores a signed-in customer's message (422 per field, a
 * second submit stores nothing, 429 at once past the hourly limit); support lists the queue and
 * marks a message answered (409 the second time), every other role gets 403 and changes
 * nothing; `dittoctl messages list` lists it; the audit chain verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../app/db/export.h"
#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

/* The support member most tests act as (signed in once). */
static struct member support;
static struct client support_c;

/* Reads a query's first line as text (the admin account), into out. */
static void sql_text(char *out, size_t cap, const char *sql)
{
	char path[512], cmd[1024];
	snprintf(path, sizeof(path), "%s/run/test-export-%d.sql", env_state(), (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(sql, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto < '%s'",
	         env_state(), path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (fgets(out, (int)cap, p) != NULL)
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
	unlink(path);
}

/* The value of the hidden field name in an HTML body, malloc'd, or NULL. */
static char *html_field(const char *body, const char *name)
{
	char pat[80];
	snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
	const char *p = strstr(body, pat);
	if (p == NULL)
		return NULL;
	p += strlen(pat);
	const char *e = strchr(p, '"');
	return e != NULL ? strndup(p, (size_t)(e - p)) : NULL;
}

static long long customer_id(const char *user)
{
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
	assert_true(id > 0);
	return id;
}

/* A customer signed in with c; their username in user (80 bytes). */
static long long signed_in(struct client *c, char *user)
{
	snprintf(user, 80, "%s", approved_user());
	memset(c, 0, sizeof(*c));
	assert_int_equal(do_login(c, user, TEST_PASSWORD, NULL), 303);
	return customer_id(user);
}

/* POSTs a contact form (the page's csrf and nonce) as c; returns the status, r keeps the page. */
static long contact_post(struct client *c, const char *subject, const char *message,
                         char **nonce_out, struct http_resp *r)
{
	struct http_resp page;
	assert_int_equal(client_get(c, env_web(), "/contact", &page), 0);
	assert_int_equal(page.status, 200);
	char *csrf = html_csrf(page.body), *nonce = html_field(page.body, "nonce");
	assert_non_null(csrf);
	assert_non_null(nonce);
	http_resp_free(&page);
	char body[2048];
	int n = snprintf(body, sizeof(body), "csrf=%s&nonce=%s&subject=%s", csrf, nonce,
	                 urlenc(subject));
	snprintf(body + n, sizeof(body) - (size_t)n, "&message=%s", urlenc(message));
	long st = post_form(c, "/contact", body, r);
	free(csrf);
	if (nonce_out != NULL)
		*nonce_out = nonce;
	else
		free(nonce);
	return st;
}

static long long messages_of(long long id)
{
	return sql_admin_int("SELECT COUNT(*) FROM support_messages WHERE customer_id = %lld", id);
}

/* ---- the export ---------------------------------------------------------------------- */

/* Every base table with a customer_id column is in the export's list, and every table in the
 * list exists: a new table about customers fails here until the export says what it does with
 * it. */
static void test_export_declares_every_table_with_a_customer_id(void **state)
{
	(void)state;
	char live[4096];
	sql_text(live, sizeof(live),
	         "SELECT GROUP_CONCAT(c.TABLE_NAME ORDER BY c.TABLE_NAME SEPARATOR ',') "
	         "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
	         "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
	         "WHERE c.TABLE_SCHEMA = DATABASE() AND c.COLUMN_NAME = 'customer_id' "
	         "AND t.TABLE_TYPE = 'BASE TABLE'");
	assert_true(strlen(live) > 0);
	size_t n;
	const struct export_table *t = db_export_tables(&n);
	char *copy = strdup(live), *save = NULL;
	size_t found = 0;
	for (char *name = strtok_r(copy, ",", &save); name != NULL;
	     name = strtok_r(NULL, ",", &save)) {
		bool declared = false;
		for (size_t i = 0; i < n; i++)
			declared = declared || strcmp(t[i].table, name) == 0;
		if (!declared)
			fprintf(stderr,
			        "table %s has a customer_id and is not in db_export_tables\n",
			        name);
		assert_true(declared);
		found++;
	}
	free(copy);
	/* No stale entry: each declared table is one of them, with a part or a reason. */
	assert_int_equal(found, n);
	for (size_t i = 0; i < n; i++)
		assert_true(t[i].where != NULL && *t[i].where != '\0');
}

/* Fills customer id (username user) with a row in every table about customers that the
 * shop's flows have not filled already (two statements: each stays within the harness's
 * limit). */
static void fill_customer(long long id, const char *user, long long staff_id)
{
	assert_int_equal(
	    sql_admin(
	        "SET @v = (SELECT MAX(version) FROM policy_versions);"
	        "SET @p = (SELECT MIN(id) FROM products); SET @c = (SELECT MIN(id) FROM "
	        "categories);"
	        "INSERT INTO customer_addresses (customer_id, kind, line1, city, postcode, "
	        "country, "
	        " policy_version) VALUES (%lld, 'billing', '1 Bill-%s Road', 'Leeds', 'LS1 1AA', "
	        " 'United Kingdom', @v), (%lld, 'shipping', '2 Ship-%s Road', 'York', 'YO1 1AA', "
	        " 'United Kingdom', @v);"
	        "INSERT INTO customer_interests (customer_id, category_id, policy_version) "
	        " VALUES (%lld, @c, @v);"
	        "INSERT INTO promotion_exclusions (customer_id, category_id) VALUES (%lld, 0);"
	        "INSERT INTO product_views (customer_id, product_id, views, policy_version) "
	        " VALUES (%lld, @p, 3, @v);"
	        "INSERT INTO cart_items (customer_id, product_id, quantity) VALUES (%lld, @p, 2);"
	        "INSERT INTO payment_attempts (customer_id, processor, outcome, amount_cents, "
	        " brand, last4) VALUES (%lld, 'sandbox', 'declined', 999, 'visa', '0002');"
	        "INSERT INTO lockouts (customer_id, locked_until, failures) "
	        " VALUES (%lld, NOW(6), 10);"
	        "INSERT INTO customer_contacts (customer_id, staff_id, nonce, note) "
	        " VALUES (%lld, %lld, RPAD('c-%lld', 43, 'c'), 'Asked about the invoice');"
	        "INSERT INTO legal_cases (customer_id, authority, reference, legal_basis, "
	        "may_tell) "
	        " VALUES (%lld, 'Leeds Court', 'REF-%s', 'a court order', 1);"
	        "INSERT INTO password_resets (token_hash, customer_id, expires_at) "
	        " VALUES (UNHEX(SHA2(CONCAT('reset-', %lld), 256)), %lld, "
	        " UTC_TIMESTAMP(6) + INTERVAL 30 MINUTE);",
	        id, user, id, user, id, id, id, id, id, id, id, staff_id, id, id, user, id, id),
	    0);
	assert_int_equal(
	    sql_admin(
	        "SET @v = (SELECT MAX(version) FROM policy_versions);"
	        "SET @p = (SELECT MIN(id) FROM products);"
	        "INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
	        " contact_email, billing_line1, billing_city, billing_postcode, billing_country, "
	        " shipping_line1, shipping_city, shipping_postcode, shipping_country, "
	        " payment_mode, total_cents) VALUES (%lld, RPAD('exp-%lld', 43, 'x'), 'paid', @v, "
	        " 'Order-%s', 'o-%s@example.com', '1 Bill-%s Road', 'Leeds', 'LS1 1AA', 'UK', "
	        " '2 Ship-%s Road', 'York', 'YO1 1AA', 'UK', 'card', 1234);"
	        "SET @o = LAST_INSERT_ID();"
	        "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, "
	        " unit_price_cents, quantity) VALUES (@o, 1, @p, 'SKU-1', 'A mug', 617, 2);"
	        "INSERT INTO order_status_history (order_id, status, changed_by, note, "
	        " customer_note) VALUES (@o, 'paid', 'checkout', 'internal-note-%s', "
	        " 'Paid by card');"
	        "INSERT INTO payments (order_id, processor, token, brand, last4, exp_month, "
	        " exp_year, amount_cents, status) VALUES (@o, 'sandbox', 'tok-secret-%s', 'visa', "
	        " '4242', 12, 2031, 1234, 'captured');"
	        "INSERT INTO disclosures (customer_id, order_id, recipient, fields, purpose) "
	        " VALUES (%lld, @o, 'card processor', 'payment', 'to take the payment');",
	        id, id, user, user, user, user, user, user, id),
	    0);
}

/* The JSON of path, parsed (asserts it parses). */
static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (j == NULL)
		fprintf(stderr, "export does not parse: %s (line %d)\n", err.text, err.line);
	assert_non_null(j);
	return j;
}

/* A customer with something in every section, and another; the first's web and dittoctl
 * exports are the same document, hold every section, and nothing of the other or any
 * secret. */
static void test_ctl_export_equals_account_export_and_holds_every_section(void **state)
{
	(void)state;
	char user[80], other[80];
	struct client c, oc;
	long long id = signed_in(&c, user), oid = signed_in(&oc, other);
	long long staff_id =
	    sql_admin_int("SELECT id FROM staff WHERE username = '%s'", support.username);
	fill_customer(id, user, staff_id);
	fill_customer(oid, other, staff_id);
	struct http_resp r;
	assert_int_equal(contact_post(&c, "Where is my parcel?", "It has not come yet.", NULL, &r),
	                 200);
	http_resp_free(&r);
	assert_int_equal(contact_post(&oc, "Other subject", "Other text", NULL, &r), 200);
	http_resp_free(&r);
	/* A support member opens the customer's page: a staff view in the audit log. */
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", id);
	assert_int_equal(staff_get(&support_c, path, &r), 200);
	http_resp_free(&r);

	/* The web export first: the dittoctl run right after it sees the same sessions. */
	assert_int_equal(client_get(&c, env_web(), "/account/export", &r), 0);
	assert_int_equal(r.status, 200);
	char *cc = http_header_value(&r, "Cache-Control");
	assert_non_null(cc);
	assert_non_null(strstr(cc, "no-store"));
	free(cc);
	json_t *web = parse(r.body);
	char file[512];
	snprintf(file, sizeof(file), "%s/run/test-export-%d.json", env_state(), (int)getpid());
	unlink(file);
	struct ctl_run run;
	staff_ctl(&run, NULL, "export %s '%s'", user, file);
	assert_int_equal(run.status, 0);
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	static char text[262144];
	slurp_file(file, text, sizeof(text));
	json_t *ctl = parse(text);
	/* An existing file is never overwritten. */
	staff_ctl(&run, NULL, "export %s '%s'", user, file);
	assert_int_equal(run.status, 1);
	unlink(file);

	assert_non_null(json_object_get(web, "exported_at"));
	json_object_del(web, "exported_at");
	json_object_del(ctl, "exported_at");
	assert_true(json_equal(web, ctl));

	/* Every section a table is covered by holds this customer's rows. */
	size_t n;
	const struct export_table *t = db_export_tables(&n);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].covered)
			continue;
		json_t *part = json_object_get(web, t[i].where);
		if (!json_is_array(part) || json_array_size(part) == 0)
			fprintf(stderr, "section %s (%s) is empty\n", t[i].where, t[i].table);
		assert_true(json_is_array(part));
		assert_true(json_array_size(part) > 0);
	}
	json_t *acct = json_object_get(web, "account");
	assert_string_equal(json_string_value(json_object_get(acct, "username")), user);
	json_t *order = json_array_get(json_object_get(web, "orders"), 0);
	assert_true(json_array_size(json_object_get(order, "lines")) == 1);
	assert_true(json_array_size(json_object_get(order, "status_history")) >= 1);
	json_t *pay = json_object_get(order, "payment");
	assert_string_equal(json_string_value(json_object_get(pay, "card_last4")), "4242");
	json_t *interest = json_array_get(json_object_get(web, "marketing_interests"), 0);
	assert_true(json_integer_value(json_object_get(interest, "policy_version")) > 0);
	json_t *view = json_array_get(json_object_get(web, "staff_views"), 0);
	assert_string_equal(json_string_value(json_object_get(view, "role")), "support");
	char *dump = json_dumps(web, 0);
	assert_non_null(strstr(dump, "Where is my parcel?"));
	assert_non_null(strstr(dump, "Asked about the invoice"));
	assert_non_null(strstr(dump, "Leeds Court"));
	/* Nothing of the other customer, no secret, no staff member's name. */
	assert_null(strstr(dump, other));
	assert_null(strstr(dump, "Other subject"));
	assert_null(strstr(dump, "tok-secret"));
	assert_null(strstr(dump, "internal-note"));
	assert_null(strstr(dump, "argon2"));
	assert_null(strstr(dump, support.username));
	assert_null(strstr(dump, client_get_cookie(&c, "ditto")));
	free(dump);
	json_decref(web);
	json_decref(ctl);
	http_resp_free(&r);
}

/* Writing an export discloses nothing; `export --sent` records one disclosure to the customer,
 * which they see on /account/disclosures. */
static void test_only_a_sent_export_is_a_disclosure(void **state)
{
	(void)state;
	char user[80];
	struct client c;
	long long id = signed_in(&c, user);
	struct ctl_run run;
	staff_ctl(&run, NULL, "export %s >/dev/null", user);
	assert_int_equal(run.status, 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE customer_id = %lld", id), 0);
	staff_ctl(&run, NULL, "export --sent %s", user);
	assert_int_equal(run.status, 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE customer_id = %lld "
	                               "AND purpose = 'data access request'",
	                               id),
	                 1);
	struct http_resp r;
	assert_int_equal(client_get(&c, env_web(), "/account/disclosures", &r), 0);
	assert_non_null(strstr(r.body, "data access request"));
	http_resp_free(&r);
	staff_ctl(&run, NULL, "export nobody-%s", user);
	assert_int_equal(run.status, 1);
	assert_non_null(strstr(run.err, "no customer named"));
	staff_ctl(&run, NULL, "export --sent %s extra", user);
	assert_int_equal(run.status, 2);
}

/* ---- /contact ------------------------------------------------------------------------ */

static void test_contact_page_shows_the_address_and_only_customers_may_write(void **state)
{
	(void)state;
	struct http_resp r;
	assert_int_equal(http_get(env_web(), "/contact", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "1 Showroom Lane, Leeds LS1 4AP"));
	assert_non_null(strstr(r.body, "support@idemditto.example"));
	assert_null(strstr(r.body, "name=\"message\""));
	http_resp_free(&r);
	/* A visitor's post is refused and stores nothing. */
	long long before = sql_admin_int("SELECT COUNT(*) FROM support_messages");
	struct client v = {0};
	char *csrf = form_csrf(&v, "/login");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&nonce=%s&subject=Hi&message=Hello", csrf,
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	free(csrf);
	assert_int_equal(post_form(&v, "/contact", body, &r), 403);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM support_messages"), before);
}

static void test_contact_stores_a_message_once_and_refuses_bad_fields(void **state)
{
	(void)state;
	char user[80];
	struct client c;
	long long id = signed_in(&c, user);
	struct http_resp r;
	assert_int_equal(contact_post(&c, "", "", NULL, &r), 422);
	assert_non_null(strstr(r.body, "Give your message a subject"));
	assert_non_null(strstr(r.body, "Write your message"));
	http_resp_free(&r);
	assert_int_equal(contact_post(&c, "Two\nlines", "fine", NULL, &r), 422);
	http_resp_free(&r);
	assert_int_equal(messages_of(id), 0);

	char *nonce;
	assert_int_equal(contact_post(&c, "Refund?", "Line one\nLine two", &nonce, &r), 200);
	assert_non_null(strstr(r.body, "Message sent"));
	http_resp_free(&r);
	assert_int_equal(messages_of(id), 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM support_messages WHERE customer_id = "
	                               "%lld AND subject = 'Refund?' AND message = "
	                               "'Line one\\nLine two' AND answered_at IS NULL",
	                               id),
	                 1);
	/* The same form again: nothing more is stored, and the page says so. */
	char *csrf = form_csrf(&c, "/contact");
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s&nonce=%s&subject=Refund%%3F&message=Again", csrf,
	         nonce);
	assert_int_equal(post_form(&c, "/contact", body, &r), 200);
	assert_non_null(strstr(r.body, "already sent"));
	http_resp_free(&r);
	assert_int_equal(messages_of(id), 1);
	/* Without the csrf token: 403, nothing stored. */
	snprintf(body, sizeof(body), "nonce=%s&subject=x&message=y", nonce);
	assert_int_equal(post_form(&c, "/contact", body, &r), 403);
	http_resp_free(&r);
	assert_int_equal(messages_of(id), 1);
	free(csrf);
	free(nonce);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* contact_per_hour (5 on the test stack, the default) messages, then 429 at once. */
static void test_contact_rate_limit_answers_429_at_once(void **state)
{
	(void)state;
	char user[80];
	struct client c;
	long long id = signed_in(&c, user);
	struct http_resp r;
	for (int i = 0; i < 5; i++) {
		char subject[32];
		snprintf(subject, sizeof(subject), "Question %d", i);
		assert_int_equal(contact_post(&c, subject, "text", NULL, &r), 200);
		http_resp_free(&r);
	}
	double t0 = now_s();
	assert_int_equal(contact_post(&c, "One too many", "text", NULL, &r), 429);
	double took = now_s() - t0;
	assert_non_null(strstr(r.body, "Too many messages"));
	http_resp_free(&r);
	assert_true(took < 1.0);
	assert_int_equal(messages_of(id), 5);
	/* An hour later the customer may write again. */
	sql_admin("UPDATE support_messages SET created_at = created_at - INTERVAL 61 MINUTE "
	          "WHERE customer_id = %lld",
	          id);
	assert_int_equal(contact_post(&c, "Later", "text", NULL, &r), 200);
	http_resp_free(&r);
	assert_int_equal(messages_of(id), 6);
}

/* ---- the support queue --------------------------------------------------------------- */

/* A fresh message of a fresh customer; its id, the customer's in *cid and name in user. */
static long long new_message(char *user, long long *cid, const char *subject)
{
	struct client c;
	*cid = signed_in(&c, user);
	struct http_resp r;
	assert_int_equal(contact_post(&c, subject, "Please help", NULL, &r), 200);
	http_resp_free(&r);
	return sql_admin_int("SELECT MAX(id) FROM support_messages WHERE customer_id = %lld", *cid);
}

static long long audit_rows(long long cid, const char *action)
{
	return sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld AND "
	                     "action = '%s'",
	                     cid, action);
}

static void test_support_lists_the_queue_and_marks_a_message_answered_once(void **state)
{
	(void)state;
	char user[80];
	long long cid, mid = new_message(user, &cid, "Lost parcel subject");
	long long views = audit_rows(cid, "view");
	struct http_resp r;
	assert_int_equal(staff_get(&support_c, "/admin/messages", &r), 200);
	assert_non_null(strstr(r.body, "Lost parcel subject"));
	assert_non_null(strstr(r.body, "Please help"));
	/* Support sees the customer's email in full (SPEC §5), and the view is audited. */
	assert_non_null(strstr(r.body, mail_of(user)));
	assert_int_equal(audit_rows(cid, "view"), views + 1);
	assert_int_equal(
	    sql_admin_int("SELECT role = 'support' AND FIND_IN_SET('email', fields) > 0 FROM "
	                  "audit_log WHERE customer_id = %lld AND action = 'view' ORDER BY id "
	                  "DESC LIMIT 1",
	                  cid),
	    1);
	char *csrf = html_csrf(r.body);
	http_resp_free(&r);
	char path[80], body[128];
	snprintf(path, sizeof(path), "/admin/messages/%lld/answered", mid);
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	assert_int_equal(client_post(&support_c, env_staff(), path, body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "marked answered"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT answered_at IS NOT NULL AND answered_by = (SELECT "
	                               "id FROM staff WHERE username = '%s') FROM "
	                               "support_messages WHERE id = %lld",
	                               support.username, mid),
	                 1);
	assert_int_equal(audit_rows(cid, "message_answered"), 1);
	/* Twice: 409, nothing changed. */
	char was[64], now[64], q[160];
	snprintf(q, sizeof(q), "SELECT answered_at FROM support_messages WHERE id = %lld", mid);
	sql_text(was, sizeof(was), q);
	assert_int_equal(client_post(&support_c, env_staff(), path, body, &r), 0);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Nothing changed"));
	http_resp_free(&r);
	sql_text(now, sizeof(now), q);
	assert_string_equal(was, now);
	assert_int_equal(audit_rows(cid, "message_answered"), 1);
	/* An unknown message: 404. */
	assert_int_equal(
	    client_post(&support_c, env_staff(), "/admin/messages/999999999/answered", body, &r),
	    0);
	assert_int_equal(r.status, 404);
	http_resp_free(&r);
	free(csrf);

	/* The operators' list. */
	char user2[80];
	long long cid2, mid2 = new_message(user2, &cid2, "Open for dittoctl");
	(void)cid2;
	struct ctl_run run;
	staff_ctl(&run, NULL, "messages list");
	assert_int_equal(run.status, 0);
	char line[64];
	snprintf(line, sizeof(line), "%lld\t", mid2);
	assert_non_null(strstr(run.out, line));
	assert_non_null(strstr(run.out, "Open for dittoctl"));
	assert_non_null(strstr(run.out, user2));
	assert_null(strstr(run.out, "Lost parcel subject")); /* answered: only with --all */
	staff_ctl(&run, NULL, "messages list --all");
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "Lost parcel subject"));
}

static void test_every_other_role_gets_403_and_changes_nothing(void **state)
{
	(void)state;
	char user[80];
	long long cid, mid = new_message(user, &cid, "Not for you");
	char path[80];
	snprintf(path, sizeof(path), "/admin/messages/%lld/answered", mid);
	for (int role = 0; role < ROLE__MAX; role++) {
		if (role == ROLE_SUPPORT)
			continue;
		struct member m;
		struct client c = {0};
		member_new(&m, (enum staff_role)role);
		staff_login(&c, &m);
		struct http_resp r;
		assert_int_equal(staff_get(&c, "/admin/messages", &r), 403);
		assert_null(strstr(r.body, "Not for you"));
		http_resp_free(&r);
		assert_int_equal(staff_get(&c, "/admin", &r), 200);
		assert_null(strstr(r.body, "href=\"/admin/messages\""));
		char *csrf = html_csrf(r.body);
		http_resp_free(&r);
		char body[128];
		snprintf(body, sizeof(body), "csrf=%s", csrf ? csrf : "");
		free(csrf);
		assert_int_equal(client_post(&c, env_staff(), path, body, &r), 0);
		assert_int_equal(r.status, 403);
		http_resp_free(&r);
		assert_int_equal(sql_admin_int("SELECT answered_at IS NULL FROM support_messages "
		                               "WHERE id = %lld",
		                               mid),
		                 1);
	}
	assert_int_equal(audit_rows(cid, "message_answered"), 0);
	assert_int_equal(audit_rows(cid, "view"), 0);
}

/* Deleting the account removes its messages (the purge deletes customers). */
static void test_messages_go_with_the_account(void **state)
{
	(void)state;
	char user[80];
	long long cid;
	new_message(user, &cid, "Gone with me");
	assert_int_equal(messages_of(cid), 1);
	assert_int_equal(sql_admin("DELETE FROM customers WHERE id = %lld", cid), 0);
	assert_int_equal(messages_of(cid), 0);
}

static void test_audit_chain_verifies_after_all_of_it(void **state)
{
	(void)state;
	struct ctl_run run;
	staff_ctl(&run, NULL, "audit verify");
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "audit log intact"));
}

static int setup(void **state)
{
	(void)state;
	sql_admin("DELETE FROM login_throttle");
	member_new(&support, ROLE_SUPPORT);
	staff_login(&support_c, &support);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-staff-* '%s'/run/test-export-*", env_state(), env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_export_declares_every_table_with_a_customer_id),
	    cmocka_unit_test(test_ctl_export_equals_account_export_and_holds_every_section),
	    cmocka_unit_test(test_only_a_sent_export_is_a_disclosure),
	    cmocka_unit_test(test_contact_page_shows_the_address_and_only_customers_may_write),
	    cmocka_unit_test(test_contact_stores_a_message_once_and_refuses_bad_fields),
	    cmocka_unit_test(test_contact_rate_limit_answers_429_at_once),
	    cmocka_unit_test(test_support_lists_the_queue_and_marks_a_message_answered_once),
	    cmocka_unit_test(test_every_other_role_gets_403_and_changes_nothing),
	    cmocka_unit_test(test_messages_go_with_the_account),
	    cmocka_unit_test(test_audit_chain_verifies_after_all_of_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
