/* test_avail.c — availability under attack: the throttles answer at once and never hold a
 * worker, the account's owner still gets in, and registration does the same work and gives
 * the same answer whether an address is known or not.  Each test sends from a loopback address
 * of its own (127.x.y.z), so the test stack's relaxed 127.0.0.1 does not apply to it. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD TEST_PASSWORD
#define ATTACKS  20

static char attacker[32];

/* A loopback address no earlier run used within the throttle windows. */
static void pick_attacker(void)
{
	unsigned r = (unsigned)getpid() ^ (unsigned)time(NULL);
	snprintf(attacker, sizeof(attacker), "127.%u.%u.%u", 10 + (r >> 16) % 200, (r >> 8) % 250,
	         1 + r % 250);
}

static long login_from(struct client *c, const char *user, const char *password,
                       struct http_resp *out)
{
	return do_login(c, user, password, out);
}

struct attack {
	pthread_t t;
	const char *user;
	long status;
	char *retry_after;
};

static void *attack_thread(void *arg)
{
	struct attack *a = arg;
	struct client c = {0};
	struct http_resp r;
	http_source(attacker);
	a->status = login_from(&c, a->user, "not the password at all", &r);
	a->retry_after = http_header_value(&r, "Retry-After");
	http_resp_free(&r);
	return NULL;
}

/* Another client's requests while the attack runs: /healthz and the owner's /catalog. */
struct bystander {
	pthread_t t;
	struct client *owner;
	volatile int stop;
	int done, failed;
};

static void *bystander_thread(void *arg)
{
	struct bystander *b = arg;
	http_source("127.0.0.1");
	while (!b->stop || b->done < 4) {
		struct http_resp r;
		int bad = http_get(env_web(), "/healthz", &r) != 0 || r.status != 200;
		http_resp_free(&r);
		bad |= client_get(b->owner, env_web(), "/catalog", &r) != 0 || r.status != 200;
		http_resp_free(&r);
		b->failed += bad;
		b->done++;
	}
	return NULL;
}

/* Fails the network's login throttle: the first failures are checked (422), the rest refused. */
static void exhaust_network(const char *user)
{
	struct client c = {0};
	long s;
	int i = 0;
	http_source(attacker);
	while ((s = login_from(&c, user, "still not the password", NULL)) == 422 && i < 50)
		i++;
	assert_int_equal(s, 429);
	assert_true(i >= 1);
	http_source(NULL);
}

static void test_failed_logins_answer_at_once_and_owner_gets_in(void **state)
{
	(void)state;
	const char *owner = approved_user();
	const char *neighbour = approved_user();
	struct client oc = {0};
	assert_int_equal(login_from(&oc, owner, PASSWORD, NULL), 303);
	exhaust_network(owner);

	struct bystander b = {.owner = &oc};
	struct attack a[ATTACKS];
	pthread_create(&b.t, NULL, bystander_thread, &b);
	for (int i = 0; i < ATTACKS; i++) {
		a[i] = (struct attack){.user = owner};
		pthread_create(&a[i].t, NULL, attack_thread, &a[i]);
	}
	for (int i = 0; i < ATTACKS; i++)
		pthread_join(a[i].t, NULL);
	b.stop = 1;
	pthread_join(b.t, NULL);
	/* Every throttled request was refused before any password check: 429 with the wait
	 * the form ticket needs, none held in a worker to slow the address down. */
	for (int i = 0; i < ATTACKS; i++) {
		assert_int_equal(a[i].status, 429);
		assert_non_null(a[i].retry_after);
		assert_true(atoi(a[i].retry_after) >= 1);
		free(a[i].retry_after);
	}
	assert_int_equal(b.failed, 0);
	assert_true(b.done >= 4);

	/* The owner, elsewhere, signs in although a stranger failed ten times on the account. */
	struct client again = {0};
	assert_int_equal(login_from(&again, owner, PASSWORD, NULL), 303);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM lockouts l JOIN customers c ON "
	                               "c.id = l.customer_id WHERE c.username = '%s'",
	                               owner),
	                 1);

	/* A neighbour on the throttled network: refused at once, then let through with a form
	 * fetched a few seconds earlier (the wait is the browser's, not a worker's). */
	http_source(attacker);
	struct client nc = {0};
	assert_int_equal(login_from(&nc, neighbour, PASSWORD, NULL), 429);
	struct http_resp form;
	assert_int_equal(client_get(&nc, env_web(), "/login", &form), 0);
	char *csrf = html_csrf(form.body);
	const char *t = strstr(form.body, "name=\"ticket\" value=\"");
	assert_non_null(t);
	t += strlen("name=\"ticket\" value=\"");
	char ticket[128];
	snprintf(ticket, sizeof(ticket), "%.*s", (int)strcspn(t, "\""), t);
	http_resp_free(&form);
	sleep(6);
	char body[1024];
	snprintf(body, sizeof(body), "csrf=%s&ticket=%s&username=%s&password=%s", csrf, ticket,
	         neighbour, urlenc(PASSWORD));
	free(csrf);
	struct http_resp r;
	assert_int_equal(post_form(&nc, "/login", body, &r), 303);
	http_resp_free(&r);
	/* A forged ticket does not pass. */
	struct client fc = {0};
	csrf = form_csrf(&fc, "/login");
	snprintf(body, sizeof(body), "csrf=%s&ticket=1.00&username=%s&password=%s", csrf, neighbour,
	         urlenc(PASSWORD));
	free(csrf);
	assert_int_equal(post_form(&fc, "/login", body, &r), 429);
	http_resp_free(&r);
	http_source(NULL);
}

/* Lines of the web pool's log containing text. */
static long log_count(const char *text)
{
	char cmd[512];
	/* Every app host's web log (on the cluster, nginx gives a request to either). */
	if (on_cluster())
		snprintf(cmd, sizeof(cmd),
		         "cat '%s/log/web.log' '%s/app2/log/web.log' | grep -c -F '%s'",
		         env_state(), env_state(), text);
	else
		snprintf(cmd, sizeof(cmd), "grep -c -F '%s' '%s/log/web.log'", text, env_state());
	FILE *p = popen(cmd, "r");
	long n = -1;
	if (p == NULL || fscanf(p, "%ld", &n) != 1)
		n = -1;
	if (p != NULL)
		pclose(p);
	return n;
}

/* A loopback address of its own for each call: the registration throttle counts per network. */
static const char *fresh_source(void)
{
	static char buf[32];
	static unsigned n;
	unsigned r = (unsigned)getpid() * 7919u + n++ * 104729u + (unsigned)time(NULL);
	snprintf(buf, sizeof(buf), "127.%u.%u.%u", 10 + (r >> 16) % 200, (r >> 8) % 250,
	         1 + r % 250);
	return buf;
}

/* Registers from the calling thread's source; keeps the answer in *out. */
static long register_as(const char *user, const char *email, struct http_resp *out)
{
	struct client c = {0};
	char *csrf = form_csrf(&c, "/register");
	long long v = sql_admin_int("SELECT MAX(version) FROM policy_versions");
	char body[2048];
	snprintf(body, sizeof(body),
	         "csrf=%s&name=Test+Person&email=%s&username=%s&password=%s&phone=&accept_policy=1"
	         "&policy_version=%lld",
	         csrf, email, user, urlenc(PASSWORD), v);
	free(csrf);
	return post_form(&c, "/register", body, out);
}

static const char HASHED[] = "registration: password hashed";

static void test_registration_with_a_known_address_does_the_same_work(void **state)
{
	(void)state;
	const char *owner = approved_user();
	struct http_resp fresh, known;
	http_source(fresh_source());
	long before = log_count(HASHED);
	const char *nu = unique("newcomer");
	assert_int_equal(register_as(nu, mail_of(nu), &fresh), 200);
	assert_int_equal(log_count(HASHED), before + 1);
	const char *other = unique("prober");
	assert_int_equal(register_as(other, mail_of(owner), &known), 200);
	/* The password was hashed for the known address too, and the answers are the same. */
	assert_int_equal(log_count(HASHED), before + 2);
	assert_string_equal(fresh.body, known.body);
	http_resp_free(&fresh);
	http_resp_free(&known);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s'", other), 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s'", nu),
	                 1);
	http_source(NULL);
}

static void test_notices_to_an_address_are_capped(void **state)
{
	(void)state;
	const char *owner = approved_user();
	long before = log_count("notice to an address suppressed");
	/* From many networks, so only the per-recipient cap can stop the mail. */
	for (int i = 0; i < 6; i++) {
		struct http_resp r;
		http_source(fresh_source());
		assert_int_equal(register_as(unique("bomb"), mail_of(owner), &r), 200);
		http_resp_free(&r);
	}
	http_source(NULL);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind = 'register_existing' "
	                  "AND recipient = '%s'",
	                  mail_of(owner)),
	    3);
	assert_int_equal(log_count("notice to an address suppressed"), before + 3);
}

static void test_registrations_per_network_are_capped(void **state)
{
	(void)state;
	http_source(fresh_source());
	for (int i = 0; i < 5; i++) {
		struct http_resp r;
		const char *u = unique("burst");
		assert_int_equal(register_as(u, mail_of(u), &r), 200);
		http_resp_free(&r);
	}
	struct http_resp r;
	const char *last = unique("burst");
	assert_int_equal(register_as(last, mail_of(last), &r), 429);
	char *retry = http_header_value(&r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) > 0);
	free(retry);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s'", last), 0);
	http_source(NULL);
}

/* POSTs My Account's profile form with a new email; returns the status and Location. */
static long change_email(struct client *c, const char *email, char **location)
{
	char *csrf = form_csrf(c, "/account");
	char body[1024];
	snprintf(body, sizeof(body), "csrf=%s&action=profile&name=Test+Person&phone=&email=%s",
	         csrf, email);
	free(csrf);
	struct http_resp r;
	long s = post_form(c, "/account", body, &r);
	*location = http_header_value(&r, "Location");
	http_resp_free(&r);
	return s;
}

static void test_email_change_never_says_an_address_is_taken(void **state)
{
	(void)state;
	const char *a = approved_user(), *b = approved_user();
	const char *free_addr = unique("moved");
	struct client c = {0};
	char *to_taken, *to_free;
	assert_int_equal(do_login(&c, a, PASSWORD, NULL), 303);
	assert_int_equal(change_email(&c, mail_of(b), &to_taken), 303);
	char addr[128];
	snprintf(addr, sizeof(addr), "%s", mail_of(free_addr));
	assert_int_equal(change_email(&c, addr, &to_free), 303);
	assert_non_null(to_taken);
	assert_non_null(to_free);
	assert_string_equal(to_taken, to_free);
	free(to_taken);
	free(to_free);
	/* Nothing changed yet; b's owner was told, the free address got the link. */
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customers WHERE username = '%s' "
	                               "AND email = '%s'",
	                               a, mail_of(a)),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind = 'email_existing' "
	                               "AND recipient = '%s'",
	                               mail_of(b)),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox WHERE kind = 'verify_email' "
	                               "AND recipient = '%s'",
	                               addr),
	                 1);
}

/* POSTs a password change with current as the current password; returns the status. */
static long change_password(struct client *c, const char *current, struct http_resp *out)
{
	char *csrf = form_csrf(c, "/account");
	char body[1024];
	int n = snprintf(body, sizeof(body), "csrf=%s&action=password&current_password=%s", csrf,
	                 urlenc(current));
	snprintf(body + n, sizeof(body) - (size_t)n, "&new_password=%s",
	         urlenc("copper lantern harbour 2291"));
	free(csrf);
	return post_form(c, "/account", body, out);
}

static void test_account_password_checks_are_throttled(void **state)
{
	(void)state;
	const char *u = approved_user();
	http_source(fresh_source());
	struct client c = {0};
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	char hash[512];
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", u);
	struct http_resp r;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(change_password(&c, "a wrong guess at it", &r), 422);
		http_resp_free(&r);
	}
	/* Now refused at once, even the right password, and nothing changes. */
	snprintf(hash, sizeof(hash), "%lld",
	         sql_admin_int("SELECT CRC32(password_hash) FROM customers WHERE id = %lld", id));
	assert_int_equal(change_password(&c, PASSWORD, &r), 429);
	char *retry = http_header_value(&r, "Retry-After");
	assert_non_null(retry);
	free(retry);
	http_resp_free(&r);
	char now[512];
	snprintf(now, sizeof(now), "%lld",
	         sql_admin_int("SELECT CRC32(password_hash) FROM customers WHERE id = %lld", id));
	assert_string_equal(hash, now);
	/* Deleting the account asks for the same password: refused too, the account stays. */
	char *csrf = form_csrf(&c, "/account");
	char body[512];
	snprintf(body, sizeof(body), "csrf=%s&confirm=yes&password=%s", csrf, urlenc(PASSWORD));
	free(csrf);
	assert_int_equal(post_form(&c, "/account/delete", body, &r), 429);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM customers WHERE id = %lld AND status = 'approved'",
	                  id),
	    1);
	http_source(NULL);
}

/* The text of a file, malloc'd (aborts when it cannot be read). */
static char *read_text(const char *path)
{
	static char buf[65536];
	slurp_file(path, buf, sizeof(buf));
	if (buf[0] == '\0')
		harness_die("cannot read %s", path);
	return strdup(buf);
}

/* The first "location" block text starting at the line naming path, or NULL. */
static const char *location_block(const char *conf, const char *loc)
{
	const char *p = strstr(conf, loc);
	return p != NULL ? p : NULL;
}

static void assert_limited(const char *conf, const char *loc, const char *zone)
{
	const char *b = location_block(conf, loc);
	assert_non_null(b);
	const char *end = strchr(b, '}');
	char want[96];
	snprintf(want, sizeof(want), "limit_req zone=%s ", zone);
	const char *z = strstr(b, want);
	assert_non_null(z);
	assert_true(z < end);
	snprintf(want, sizeof(want), "zone=%s:", zone);
	assert_non_null(strstr(conf, want));
}

static void check_limits(const char *conf)
{
	assert_limited(conf, "location = /login {", "ditto_login");
	assert_limited(conf, "location = /register {", "ditto_register");
	assert_limited(conf, "location /account {", "ditto_account");
	assert_limited(conf, "location = /admin/login {", "ditto_staff_login");
	assert_non_null(strstr(conf, "limit_conn_zone $binary_remote_addr zone=ditto_conn:"));
	assert_non_null(strstr(conf, "limit_conn ditto_conn "));
	assert_non_null(strstr(conf, "limit_req_status 429;"));
	assert_non_null(strstr(conf, "limit_conn_status 429;"));
	/* Only POSTs are counted: reading the forms is never limited. */
	assert_non_null(
	    strstr(conf, "map $request_method $ditto_post_key { POST $binary_remote_addr;"));
}

static void test_nginx_limits_in_the_generated_and_production_configs(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/nginx.conf", env_state());
	char *local = read_text(path);
	check_limits(local);
	free(local);
	snprintf(path, sizeof(path), "%s/deploy/nginx-production.conf", env_repo());
	char *prod = read_text(path);
	check_limits(prod);
	/* Production's sign-in rate is a real one, not the test stack's. */
	assert_non_null(strstr(prod, "zone=ditto_login:10m rate=10r/m;"));
	free(prod);
}

static void test_sessions_list_is_paged(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	assert_int_equal(do_login(&c, u, PASSWORD, NULL), 303);
	assert_int_equal(
	    sql_admin("INSERT INTO sessions (token_hash, customer_id, csrf_token, "
	              "expires_at) SELECT RANDOM_BYTES(32), c.id, REPEAT('a', 43), "
	              "UTC_TIMESTAMP() + INTERVAL 1 HOUR FROM customers c, seq_1_to_30 "
	              "WHERE c.username = '%s'",
	              u),
	    0);
	struct http_resp r;
	int rows = 0;
	assert_int_equal(client_get(&c, env_web(), "/account", &r), 0);
	for (const char *p = r.body; (p = strstr(p, "name=\"action\" value=\"end_session\"")); p++)
		rows++;
	assert_int_equal(rows, 20);
	assert_non_null(strstr(r.body, "/account?sessions_page=2"));
	http_resp_free(&r);
	assert_int_equal(client_get(&c, env_web(), "/account?sessions_page=2", &r), 0);
	rows = 0;
	for (const char *p = r.body; (p = strstr(p, "name=\"action\" value=\"end_session\"")); p++)
		rows++;
	assert_int_equal(rows, 11);
	http_resp_free(&r);
}

int main(void)
{
	harness_require_stack();
	pick_attacker();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_failed_logins_answer_at_once_and_owner_gets_in),
	    cmocka_unit_test(test_registration_with_a_known_address_does_the_same_work),
	    cmocka_unit_test(test_notices_to_an_address_are_capped),
	    cmocka_unit_test(test_registrations_per_network_are_capped),
	    cmocka_unit_test(test_email_change_never_says_an_address_is_taken),
	    cmocka_unit_test(test_account_password_checks_are_throttled),
	    cmocka_unit_test(test_nginx_limits_in_the_generated_and_production_configs),
	    cmocka_unit_test(test_sessions_list_is_paged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
