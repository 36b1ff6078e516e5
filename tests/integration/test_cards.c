/* test_cards.c — card data leaves no trace in a web worker's memory: after an approved, a
 * declined and a refused (validation) checkout with a card number and CVV used nowhere else,
 * every worker's heap, stack and anonymous mappings are read through /proc/PID/mem (the test
 * runs as root, as scripts/test does) and hold neither. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

#define MAX_WORKERS 64

/* A signed-in approved customer with one unit of product_id in the cart. */
static void shopper(struct client *c, long long product_id)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(do_login(c, approved_user(), TEST_PASSWORD, NULL), 303);
	assert_int_equal(
	    sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = %lld",
	              product_id),
	    0);
	char *csrf = form_csrf(c, "/account");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&product_id=%lld&quantity=1", csrf, product_id);
	free(csrf);
	struct http_resp r;
	assert_int_equal(post_form(c, "/cart", body, &r), 303);
	http_resp_free(&r);
}

/* The nonce of a fresh checkout form. */
static char *checkout_nonce(struct client *c)
{
	struct http_resp r;
	assert_int_equal(client_get(c, env_web(), "/checkout", &r), 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char *n = strndup(p, (size_t)(strchr(p, '"') - p));
	http_resp_free(&r);
	return n;
}

/* A 16-digit number that starts with prefix (8 digits), random in between, with a valid
 * (or, if !luhn_ok, a wrong) Luhn check digit. */
static void card_number(char out[17], const char *prefix, bool luhn_ok)
{
	memcpy(out, prefix, 8);
	for (int i = 8; i < 15; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	int sum = 0;
	for (int i = 14, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int d = out[i] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	int check = (10 - sum % 10) % 10;
	out[15] = (char)('0' + (luhn_ok ? check : (check + 1) % 10));
	out[16] = '\0';
}

/* POSTs the checkout form with the card; name may be "" to fail the contact check. */
static long checkout(struct client *c, const char *name, const char *number, const char *exp,
                     const char *cvv)
{
	char *nonce = checkout_nonce(c);
	char *csrf = form_csrf(c, "/account");
	char body[2048];
	snprintf(body, sizeof(body),
	         "csrf=%s&nonce=%s&name=%s&email=pat%%40example.com&billing_line1=1+Main+St"
	         "&billing_line2=&billing_city=Leeds&billing_postcode=LS1+1AA&billing_country=UK"
	         "&shipping_same=1&payment_mode=card&card_number=%s&card_exp=%s&card_cvv=%s",
	         csrf, nonce, name, number, exp, cvv);
	free(csrf);
	free(nonce);
	struct http_resp r;
	long s = post_form(c, "/checkout", body, &r);
	http_resp_free(&r);
	return s;
}

/* The system call a thread is blocked in, from /proc/PID/syscall (-1 when running). */
static long blocked_in(pid_t pid)
{
	char path[64], buf[64] = "";
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	slurp_file(path, buf, sizeof(buf));
	return buf[0] >= '0' && buf[0] <= '9' ? strtol(buf, NULL, 10) : -1;
}

/* True once every web worker waits for its next connection (the request that answered us has
 * finished its clean-up, which runs after the answer is sent). */
static bool workers_idle(void *arg)
{
	(void)arg;
	pid_t pids[MAX_WORKERS];
	int n = pool_worker_pids(pool_master_pid("web"), pids, MAX_WORKERS);
	for (int i = 0; i < n; i++)
		if (blocked_in(pids[i]) != SYS_ppoll)
			return false;
	return n > 0;
}

/* Searches [start, end) of pid's memory for needle; regions that cannot be read are skipped. */
static bool region_holds(int mem, unsigned long start, unsigned long end, const char *needle)
{
	static unsigned char buf[1 << 20];
	size_t nlen = strlen(needle), keep = 0;
	for (unsigned long at = start; at < end;) {
		size_t want = sizeof(buf) - keep;
		if (want > end - at)
			want = end - at;
		ssize_t got = pread(mem, buf + keep, want, (off_t)at);
		if (got <= 0)
			return false;
		size_t have = keep + (size_t)got;
		if (memmem(buf, have, needle, nlen) != NULL)
			return true;
		/* Carry the tail over, so a match across two reads is found. */
		keep = nlen - 1 < have ? nlen - 1 : have;
		memmove(buf, buf + have - keep, keep);
		at += (unsigned long)got;
	}
	return false;
}

#define REGION_MAX (1ul << 30)

/* True when any writable private mapping of pid (heap, stacks, anonymous memory, the data of
 * the libraries) holds needle. */
static bool memory_holds(pid_t pid, const char *needle)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int mem = open(path, O_RDONLY);
	if (maps == NULL || mem < 0)
		harness_die("cannot read the memory of worker %d (run as root)", (int)pid);
	bool found = false;
	while (!found && fgets(line, sizeof(line), maps) != NULL) {
		unsigned long start, end;
		char perms[5];
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3)
			continue;
		/* A sanitizer build reserves terabytes of shadow memory (metadata, never a copy of
		 * the request) that no read could cover in time: regions past REGION_MAX are
		 * skipped; a worker's heap, stacks and data are far smaller. */
		if (perms[0] == 'r' && perms[1] == 'w' && strstr(line, "[vvar]") == NULL &&
		    end - start <= REGION_MAX)
			found = region_holds(mem, start, end, needle);
	}
	fclose(maps);
	close(mem);
	return found;
}

/* Asserts that no web worker holds the card number or the CVV as the form sent it. */
static void assert_no_worker_holds(const char *number, const char *cvv)
{
	assert_true(eventually(workers_idle, NULL, 5000));
	pid_t pids[MAX_WORKERS];
	int n = pool_worker_pids(pool_master_pid("web"), pids, MAX_WORKERS);
	assert_true(n > 0);
	char cvv_field[32];
	snprintf(cvv_field, sizeof(cvv_field), "card_cvv=%s", cvv);
	for (int i = 0; i < n; i++) {
		bool number_found = memory_holds(pids[i], number);
		bool cvv_found = memory_holds(pids[i], cvv_field);
		if (number_found || cvv_found)
			fprintf(stderr, "# worker %d holds%s%s\n", (int)pids[i],
			        number_found ? " the card number" : "",
			        cvv_found ? " the CVV" : "");
		assert_false(number_found);
		assert_false(cvv_found);
	}
}

static void random_cvv(char out[4])
{
	snprintf(out, 4, "%03u", (unsigned)randombytes_uniform(1000));
}

static void test_approved_checkout_leaves_no_card_data_in_any_worker(void **state)
{
	(void)state;
	struct client c;
	char number[17], cvv[4];
	card_number(number, "42424242", true);
	random_cvv(cvv);
	shopper(&c, 11);
	assert_int_equal(checkout(&c, "Pat+Buyer", number, "12%2F30", cvv), 303);
	assert_no_worker_holds(number, cvv);
}

static void test_declined_checkout_leaves_no_card_data_in_any_worker(void **state)
{
	(void)state;
	struct client c;
	char number[17], cvv[4];
	card_number(number, "40000002", true); /* the sandbox's range of declined cards */
	random_cvv(cvv);
	shopper(&c, 11);
	assert_int_equal(checkout(&c, "Pat+Buyer", number, "12%2F30", cvv), 422);
	assert_no_worker_holds(number, cvv);
}

static void test_refused_checkout_leaves_no_card_data_in_any_worker(void **state)
{
	(void)state;
	struct client c;
	char number[17], cvv[4];
	shopper(&c, 11);
	/* A card number that fails its check digit: refused before anything else. */
	card_number(number, "42424242", false);
	random_cvv(cvv);
	assert_int_equal(checkout(&c, "Pat+Buyer", number, "12%2F30", cvv), 422);
	assert_no_worker_holds(number, cvv);
	/* A good card with a missing name: the contact fails, the card was parsed. */
	card_number(number, "42424242", true);
	random_cvv(cvv);
	assert_int_equal(checkout(&c, "", number, "12%2F30", cvv), 422);
	assert_no_worker_holds(number, cvv);
}

/* Lines of nginx's error log that say a request body went to a temporary file. */
static int bodies_on_disk(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/log/nginx-error.log", env_state());
	FILE *f = fopen(path, "r");
	char line[2048];
	int n = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, "buffered to a temporary file") != NULL;
	if (f != NULL)
		fclose(f);
	return n;
}

/* A body just under the limit (a card number in a long form) stays in nginx's memory: a
 * temporary file would put it on disk, where no wipe of ours reaches. */
static void test_nginx_keeps_a_body_at_the_limit_in_memory(void **state)
{
	(void)state;
	int before = bodies_on_disk();
	static char body[60 * 1024];
	memset(body, 'x', sizeof(body) - 1);
	memcpy(body, "card_number=", 12);
	struct http_resp r;
	assert_int_equal(http_send("POST", env_web(), "/checkout", body, strlen(body), NULL, &r),
	                 0);
	assert_true(r.status >= 300 && r.status < 500); /* no session: refused, but read */
	http_resp_free(&r);
	assert_int_equal(bodies_on_disk(), before);
}

int main(void)
{
	harness_require_stack();
	if (geteuid() != 0) {
		fprintf(stderr, "# reading worker memory needs root: skipped\n");
		return 77;
	}
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_approved_checkout_leaves_no_card_data_in_any_worker),
	    cmocka_unit_test(test_declined_checkout_leaves_no_card_data_in_any_worker),
	    cmocka_unit_test(test_refused_checkout_leaves_no_card_data_in_any_worker),
	    cmocka_unit_test(test_nginx_keeps_a_body_at_the_limit_in_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
