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

int main(void)
{
	harness_require_stack();
	pick_attacker();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_failed_logins_answer_at_once_and_owner_gets_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
