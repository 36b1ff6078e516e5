/* test_shipments.c — dittoctl shipments export|import and order status against the test stack:
 * the carrier's manifest holds only what delivery needs, every transfer is recorded, imports are
 * all-or-nothing and idempotent, and order statuses follow the lifecycle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define MANIFEST_HEADER                                                                            \
	"order_id,ship_to_name,shipping_line1,shipping_line2,shipping_city,shipping_postcode,"     \
	"shipping_country,items,weight_grams\r\n"

/* A scratch path under the stack's run directory, removed by the teardown. */
static void scratch(char *buf, size_t cap, const char *what)
{
	snprintf(buf, cap, "%s/run/test-ship-%d-%s", env_state(), (int)getpid(), what);
}

/* One of dittoctl run slot's scratch files (a scratch path too). */
static void tmp_path(char *buf, size_t cap, const char *what, int slot)
{
	ctl_scratch_path(buf, cap, "ship", slot, what);
}

/* Runs `dittoctl --config DIR/ditto.conf ARGS` from the repository root. */
static void ctl(struct ctl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctl(struct ctl_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(r, "ship", NULL, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
}

/* Starts `dittoctl ARGS` twice at the same moment and waits for both. */
static void ctl_twice_at_once(struct ctl_run r[2], const char *args)
{
	assert_int_equal(ctl_run_twice(r, "ship", NULL, args), 0);
}

/* An approved customer inserted as the admin (unique username and email). */
static const char *customer_new(void)
{
	static char names[4][80];
	static int next;
	char *u = names[next++ % 4];
	snprintf(u, 80, "%s", unique("ship"));
	assert_int_equal(sql_admin("INSERT INTO customers (username, email, name, password_hash, "
	                           "policy_version, status) VALUES ('%s', '%s', 'Ship Test', 'x', "
	                           "(SELECT MAX(version) FROM policy_versions), 'approved')",
	                           u, mail_of(u)),
	                 0);
	return u;
}

/* The shipping name and address of an order, as SQL expressions. */
struct ship_to {
	const char *name, *line1, *line2, *city, *postcode, *country;
};

static const struct ship_to ADA = {"'Ada Lovelace'", "'1 Main Street'", "'Flat 2'",
                                   "'Springfield'",  "'12345'",         "'Wonderland'"};

/*
 * An order of customer u in status, inserted as the admin as checkout would
 * write it: contact email = the customer's, a billing address of its own,
 * two lines (DIT-T01 x2, DIT-T02 x1), 1500 g, and a card payment record.
 * Returns its id.
 */
static long long order_to(const char *u, const char *status, const struct ship_to *s)
{
	long long id = sql_admin_int(
	    "INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
	    "contact_email, billing_line1, billing_line2, billing_city, billing_postcode, "
	    "billing_country, shipping_line1, shipping_line2, shipping_city, shipping_postcode, "
	    "shipping_country, payment_mode, total_cents, weight_grams) "
	    "SELECT c.id, LEFT(SHA2(UUID(), 256), 43), '%s', c.policy_version, %s, c.email, "
	    "CONCAT('Billing Street ', c.username), 'Billing Floor 7', 'Billtown', '99999', "
	    "'Billingland', %s, %s, %s, %s, %s, 'card', 98765, 1500 FROM customers c "
	    "WHERE c.username = '%s';\n"
	    "SET @o = LAST_INSERT_ID();\n"
	    "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, "
	    "quantity) VALUES (@o, 1, 1, 'DIT-T01', 'Test mug', 30000, 2), "
	    "(@o, 2, 1, 'DIT-T02', 'Test cap', 38765, 1);\n"
	    "INSERT INTO payments (order_id, processor, token, brand, last4, exp_month, exp_year, "
	    "amount_cents, status) VALUES (@o, 'sandbox', 'tok_sandbox_PAYSECRET', 'visa', "
	    "'4242', 12, 2031, 98765, 'captured');\n"
	    "SELECT @o;\n",
	    status, s->name, s->line1, s->line2, s->city, s->postcode, s->country, u);
	assert_true(id > 0);
	return id;
}

static long long order_new(const char *u, const char *status)
{
	return order_to(u, status, &ADA);
}

/* A fresh, empty directory for manifests (created by the test, not by dittoctl). */
static const char *ship_dir(const char *what)
{
	static char dirs[4][512];
	static int next;
	char *d = dirs[next++ % 4];
	scratch(d, 512, what);
	assert_int_equal(sh("rm -rf '%s'", d), 0);
	return d;
}

/* The number at "exported N order(s)" (0 for "nothing to export" or a busy lock), -1 if none. */
static long long exported_count(const struct ctl_run *r)
{
	if (strstr(r->out, "nothing to export") != NULL ||
	    strstr(r->out, "another shipments run is running") != NULL)
		return 0;
	const char *p = strstr(r->out, "exported ");
	return p != NULL ? atoll(p + 9) : -1;
}

/* Copies the manifest path of "exported N order(s) to PATH" into path ("" if none). */
static void manifest_path(const struct ctl_run *r, char *path, size_t cap)
{
	path[0] = '\0';
	const char *p = strstr(r->out, " to ");
	if (p == NULL)
		return;
	p += 4;
	size_t n = strcspn(p, "\n");
	snprintf(path, cap, "%.*s", (int)n, p);
}

/* Exports into dir and asserts it worked; the manifest's path goes into path. */
static void export_ok(const char *dir, char *path, size_t cap)
{
	struct ctl_run r;
	ctl(&r, "shipments export '%s'", dir);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_true(exported_count(&r) > 0);
	manifest_path(&r, path, cap);
	assert_true(path[0] != '\0');
}

/* Whatever the stack holds from other tests goes out first, so a test sees only its own. */
static void drain(void)
{
	struct ctl_run r;
	ctl(&r, "shipments export '%s'", ship_dir("drain"));
	assert_int_equal(r.status, 0);
}

static long long history_count(long long id, const char *where)
{
	return sql_admin_int("SELECT COUNT(*) FROM order_status_history WHERE order_id = %lld AND "
	                     "%s",
	                     id, where);
}

static long long outbox_count(long long id, const char *where)
{
	return sql_admin_int("SELECT COUNT(*) FROM outbox t JOIN orders o ON o.id = %lld "
	                     "WHERE t.customer_id = o.customer_id AND t.subject LIKE "
	                     "'Your order %lld %%' AND %s",
	                     id, id, where);
}

static void test_export_writes_manifest_with_only_carrier_fields(void **state)
{
	(void)state;
	drain();
	const char *u = customer_new();
	long long id = order_new(u, "paid");
	const char *dir = ship_dir("manifest");
	char path[1024], file[16384], rec[512];
	export_ok(dir, path, sizeof(path));
	slurp_file(path, file, sizeof(file));

	/* The header, then the order: only name, shipping address, SKUs with quantities,
	 * weight. */
	assert_true(strncmp(file, MANIFEST_HEADER, strlen(MANIFEST_HEADER)) == 0);
	snprintf(rec, sizeof(rec),
	         "\r\n%lld,Ada Lovelace,1 Main Street,Flat 2,Springfield,12345,Wonderland,"
	         "DIT-T01 x2; DIT-T02 x1,1500\r\n",
	         id);
	assert_non_null(strstr(file, rec));
	/* No email, billing address, payment data, prices or product names. */
	const char *absent[] = {mail_of(u), "@",    "Billing", "Billtown", "99999", "PAYSECRET",
	                        "visa",     "4242", "98765",   "Test mug", "card",  "30000"};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (strstr(file, absent[i]) != NULL)
			fail_msg("the manifest contains '%s'", absent[i]);

	/* Named by the time, written atomically, readable by owner and group only. */
	assert_int_equal(
	    sh("basename '%s' | grep -Eqx 'manifest-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\\.csv'", path), 0);
	assert_int_equal(sh("! ls '%s' | grep -q '\\.tmp$'", dir), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0007, 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
}

static void test_export_defaults_to_var_shipments_in_the_working_directory(void **state)
{
	(void)state;
	drain();
	long long id = order_new(customer_new(), "paid");
	const char *cwd = ship_dir("cwd");
	assert_int_equal(sh("mkdir -p '%s'", cwd), 0);
	char out[512];
	tmp_path(out, sizeof(out), "out", 0);
	assert_int_equal(sh("cd '%s' && \"$BUILD\"/dittoctl --config '%s/ditto.conf' shipments "
	                    "export >'%s' 2>&1",
	                    cwd, env_state(), out),
	                 0);
	char text[1024];
	slurp_file(out, text, sizeof(text));
	assert_non_null(strstr(text, "exported 1 order(s) to var/shipments/manifest-"));
	assert_int_equal(sh("grep -q '^%lld,' '%s'/var/shipments/manifest-*.csv", id, cwd), 0);
	char vdir[600];
	snprintf(vdir, sizeof(vdir), "%s/var/shipments", cwd);
	struct stat st;
	assert_int_equal(stat(vdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
}

static void test_export_records_a_disclosure_per_order(void **state)
{
	(void)state;
	drain();
	const char *u = customer_new();
	const char *v = customer_new();
	long long a = order_new(u, "paid"), b = order_new(u, "paid"), c = order_new(v, "paid");
	long long placed = order_new(u, "placed"), shipped = order_new(v, "shipped");
	const char *dir = ship_dir("disclose");
	char path[1024], file[16384];
	export_ok(dir, path, sizeof(path));
	slurp_file(path, file, sizeof(file));

	long long exported[] = {a, b, c};
	for (size_t i = 0; i < 3; i++) {
		long long id = exported[i];
		assert_int_equal(
		    sql_admin_int("SELECT COUNT(*) FROM disclosures d JOIN orders o ON o.id = "
		                  "d.order_id WHERE d.order_id = %lld AND d.customer_id = "
		                  "o.customer_id AND d.recipient = 'shipping company' AND "
		                  "d.fields = 'name, shipping address, items, weight' AND "
		                  "d.purpose = 'delivery of order %lld'",
		                  id, id),
		    1);
		assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE order_id "
		                               "= %lld",
		                               id),
		                 1);
		assert_int_equal(sql_admin_int("SELECT shipment_exported_at IS NOT NULL AND "
		                               "status = 'paid' FROM orders WHERE id = %lld",
		                               id),
		                 1);
	}
	/* Orders not ready to ship go nowhere and are recorded nowhere. */
	long long kept[] = {placed, shipped};
	for (size_t i = 0; i < 2; i++) {
		char rec[64];
		snprintf(rec, sizeof(rec), "\r\n%lld,", kept[i]);
		assert_null(strstr(file, rec));
		assert_int_equal(
		    sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE order_id = %lld",
		                  kept[i]),
		    0);
		assert_int_equal(sql_admin_int("SELECT shipment_exported_at IS NULL FROM orders "
		                               "WHERE id = %lld",
		                               kept[i]),
		                 1);
	}
}

static void test_export_twice_exports_nothing_new(void **state)
{
	(void)state;
	drain();
	long long id = order_new(customer_new(), "paid");
	const char *dir = ship_dir("twice");
	char path[1024];
	export_ok(dir, path, sizeof(path));
	struct ctl_run r;
	ctl(&r, "shipments export '%s'", dir);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_non_null(strstr(r.out, "nothing to export"));
	/* No second file, no second disclosure. */
	assert_int_equal(sh("test $(ls '%s' | wc -l) -eq 1", dir), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE order_id = %lld", id), 1);
}

static void test_export_concurrently_exports_each_order_once(void **state)
{
	(void)state;
	drain();
	/* More than two batches of 200, under one name to find them by. */
	const char *u = customer_new();
	const char *tag = unique("Parcel");
	long long first = order_new(u, "paid");
	assert_int_equal(
	    sql_admin("UPDATE orders SET contact_name = '%s' WHERE id = %lld", tag, first), 0);
	assert_int_equal(
	    sql_admin(
	        "INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
	        "contact_email, billing_line1, billing_city, billing_postcode, "
	        "billing_country, shipping_line1, shipping_city, shipping_postcode, "
	        "shipping_country, payment_mode, total_cents, weight_grams) "
	        "SELECT customer_id, LEFT(SHA2(CONCAT(UUID(), seq), 256), 43), 'paid', "
	        "policy_version, contact_name, contact_email, billing_line1, billing_city, "
	        "billing_postcode, billing_country, shipping_line1, shipping_city, "
	        "shipping_postcode, shipping_country, 'card', 100, seq "
	        "FROM orders JOIN seq_1_to_449 WHERE id = %lld;\n"
	        "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, "
	        "unit_price_cents, quantity) SELECT id, 1, 1, 'DIT-B', 'Bulk', 100, 1 "
	        "FROM orders WHERE contact_name = '%s' AND id <> %lld;\n",
	        first, tag, first),
	    0);
	long long mine =
	    sql_admin_int("SELECT COUNT(*) FROM orders WHERE contact_name = '%s'", tag);
	assert_int_equal(mine, 450);
	/* Test orders (paid through the sandbox) are never exported: not pending. */
	long long pending = sql_admin_int("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND "
	                                  "shipment_exported_at IS NULL AND anonymised_at IS NULL "
	                                  "AND test_order = 0");
	const char *dir = ship_dir("race");
	char args[1024];
	snprintf(args, sizeof(args), "shipments export '%s'", dir);
	struct ctl_run r[2];
	ctl_twice_at_once(r, args);
	assert_int_equal(r[0].status, 0);
	assert_int_equal(r[1].status, 0);
	assert_int_equal(r[0].err_lines + r[1].err_lines, 0);
	assert_int_equal(exported_count(&r[0]) + exported_count(&r[1]), pending);
	/* Each order in exactly one manifest, with exactly one disclosure. */
	assert_int_equal(
	    sh("test $(cat '%s'/manifest-*.csv | grep -c -F ',%s,') -eq 450", dir, tag), 0);
	assert_int_equal(
	    sh("test -z \"$(cat '%s'/manifest-*.csv | cut -d, -f1 | sort | uniq -d)\"", dir), 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders o WHERE o.contact_name = '%s' "
	                               "AND (o.shipment_exported_at IS NULL OR (SELECT COUNT(*) "
	                               "FROM disclosures d WHERE d.order_id = o.id) <> 1)",
	                               tag),
	                 0);
}

static void test_export_yields_to_a_run_holding_the_lock(void **state)
{
	(void)state;
	drain();
	long long id = order_new(customer_new(), "paid");
	/* A live run on another host holds the lease row (what a run on another database node
	 * sees, as the row is replicated). */
	assert_int_equal(sql_admin("UPDATE job_leases SET holder = 'elsewhere pid 1 0000beef', "
	                           "expires_at = UTC_TIMESTAMP(6) + INTERVAL 60 SECOND "
	                           "WHERE name = 'shipments'"),
	                 0);
	struct ctl_run r;
	const char *dir = ship_dir("locked");
	ctl(&r, "shipments export '%s'", dir);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_non_null(strstr(r.out, "another shipments run is running (elsewhere pid 1"));
	assert_int_equal(
	    sql_admin_int("SELECT shipment_exported_at IS NULL FROM orders WHERE id = %lld", id),
	    1);
	/* Once the lease expired (or was freed), the next run exports. */
	assert_int_equal(sql_admin("UPDATE job_leases SET expires_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 1 SECOND WHERE name = 'shipments'"),
	                 0);
	char path[1024];
	export_ok(dir, path, sizeof(path));
	assert_int_equal(
	    sql_admin_int("SELECT holder = '' FROM job_leases WHERE name = 'shipments'"), 1);
}

/* Makes recording a disclosure for order id fail (a trigger), or stops it (id 0). */
static void refuse_disclosure_of(long long id)
{
	assert_int_equal(sql_admin("DROP TRIGGER IF EXISTS test_ship_refuse"), 0);
	if (id == 0)
		return;
	assert_int_equal(sql_admin("DELIMITER //\n"
	                           "CREATE TRIGGER test_ship_refuse BEFORE INSERT ON disclosures "
	                           "FOR EACH ROW IF NEW.order_id = %lld THEN SIGNAL SQLSTATE "
	                           "'45000' SET MESSAGE_TEXT = 'refused by the test'; END IF //\n",
	                           id),
	                 0);
}

static void test_export_failing_to_record_removes_the_unrecorded_orders_from_the_file(void **state)
{
	(void)state;
	drain();
	const char *u = customer_new();
	/* The database refuses the first batch: no file, nothing marked. */
	long long only = order_new(u, "paid");
	refuse_disclosure_of(only);
	const char *dir = ship_dir("refused");
	struct ctl_run r;
	ctl(&r, "shipments export '%s'", dir);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	assert_non_null(strstr(r.err, "refused by the test"));
	assert_int_equal(sh("test -z \"$(ls -A '%s')\"", dir), 0);
	assert_int_equal(sql_admin_int("SELECT shipment_exported_at IS NULL FROM orders WHERE id = "
	                               "%lld",
	                               only),
	                 1);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM disclosures WHERE order_id = %lld", only), 0);

	/* The second batch (of 200) fails: the file keeps exactly the 200 orders recorded. */
	const char *tag = unique("Batch");
	assert_int_equal(
	    sql_admin("UPDATE orders SET contact_name = '%s' WHERE id = %lld;\n"
	              "INSERT INTO orders (customer_id, nonce, status, policy_version, "
	              "contact_name, contact_email, billing_line1, billing_city, "
	              "billing_postcode, billing_country, shipping_line1, "
	              "shipping_city, shipping_postcode, shipping_country, "
	              "payment_mode, total_cents, weight_grams) "
	              "SELECT customer_id, LEFT(SHA2(CONCAT(UUID(), seq), 256), 43), "
	              "'paid', policy_version, contact_name, contact_email, "
	              "billing_line1, billing_city, billing_postcode, billing_country, "
	              "shipping_line1, shipping_city, shipping_postcode, "
	              "shipping_country, 'card', 100, seq "
	              "FROM orders JOIN seq_1_to_249 WHERE id = %lld;\n",
	              tag, only, only),
	    0);
	long long bad = sql_admin_int("SELECT id FROM orders WHERE contact_name = '%s' ORDER BY id "
	                              "LIMIT 1 OFFSET 229",
	                              tag);
	refuse_disclosure_of(bad);
	ctl(&r, "shipments export '%s'", dir);
	refuse_disclosure_of(0);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	assert_non_null(strstr(r.err, "200 order(s) recorded"));
	assert_int_equal(sh("test $(ls '%s' | wc -l) -eq 1", dir), 0);
	assert_int_equal(sh("test $(grep -c -F ',%s,' '%s'/manifest-*.csv) -eq 200", tag, dir), 0);
	assert_int_equal(sh("test $(cat '%s'/manifest-*.csv | wc -l) -eq 201", dir), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM orders o WHERE contact_name = '%s' AND "
	                  "shipment_exported_at IS NOT NULL AND (SELECT COUNT(*) FROM "
	                  "disclosures d WHERE d.order_id = o.id) = 1",
	                  tag),
	    200);
	/* Those in the file are the ones recorded; the next run exports the rest. */
	assert_int_equal(
	    sh("cut -d, -f1 '%s'/manifest-*.csv | tail -n +2 | sort -n >'%s/in-file'", dir, dir),
	    0);
	char sql_ids[512];
	scratch(sql_ids, sizeof(sql_ids), "recorded");
	assert_int_equal(sh("mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto -e \"SELECT id "
	                    "FROM orders WHERE contact_name = '%s' AND shipment_exported_at IS NOT "
	                    "NULL ORDER BY id\" >'%s' && cmp -s '%s' '%s/in-file'",
	                    env_state(), tag, sql_ids, sql_ids, dir),
	                 0);
	assert_int_equal(sh("rm '%s/in-file'", dir), 0);
	ctl(&r, "shipments export '%s'", dir);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "exported 50 order(s)"));
}

/* A Python check of the manifest: every row has 9 fields, none starts like a formula, and
 * order argv[2]'s fields (after its id) are exactly the expected ones. */
static const char CSV_CHECK[] =
    "import csv, sys\n"
    "rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))\n"
    "assert rows[0] == ['order_id', 'ship_to_name', 'shipping_line1', 'shipping_line2',\n"
    "    'shipping_city', 'shipping_postcode', 'shipping_country', 'items',\n"
    "    'weight_grams'], rows[0]\n"
    "for r in rows[1:]:\n"
    "    assert len(r) == 9, r\n"
    "    for f in r:\n"
    "        assert f[:1] not in ('=', '+', '-', '@'), f\n"
    "want = [\"'=HYPERLINK(\\\"http://evil.example/?q=1\\\",\\\"click, here\\\")\",\n"
    "    \"'+41 Main St\", \"'-2 Floor\", \"'@Springfield\", \"'=1+2\",\n"
    "    'Quote \"land\",\\nsecond line', 'DIT-T01 x2; DIT-T02 x1', '1500']\n"
    "got = [r[1:] for r in rows[1:] if r[0] == sys.argv[2]]\n"
    "assert got == [want], (got, want)\n";

static void test_csv_formula_injection_is_neutralised(void **state)
{
	(void)state;
	drain();
	const struct ship_to evil = {
	    "'=HYPERLINK(\"http://evil.example/?q=1\",\"click, here\")'",
	    "'+41 Main St'",
	    "'-2 Floor'",
	    "'@Springfield'",
	    "'=1+2'",
	    "CONCAT('Quote \"land\",', CHAR(10), 'second line')",
	};
	long long id = order_to(customer_new(), "paid", &evil);
	const char *dir = ship_dir("formula");
	char path[1024], file[16384];
	export_ok(dir, path, sizeof(path));
	slurp_file(path, file, sizeof(file));
	/* Quoted where needed, quotes doubled, formulas behind a single quote. */
	char want[512];
	snprintf(want, sizeof(want),
	         "\r\n%lld,\"'=HYPERLINK(\"\"http://evil.example/?q=1\"\",\"\"click, here\"\")\","
	         "'+41 Main St,'-2 Floor,'@Springfield,'=1+2,\"Quote \"\"land\"\",\nsecond line\","
	         "DIT-T01 x2; DIT-T02 x1,1500\r\n",
	         id);
	assert_non_null(strstr(file, want));
	/* A CSV reader gets the same fields back. */
	char script[512];
	scratch(script, sizeof(script), "check.py");
	FILE *f = fopen(script, "w");
	assert_non_null(f);
	fputs(CSV_CHECK, f);
	fclose(f);
	assert_int_equal(sh("python3 '%s' '%s' %lld", script, path, id), 0);
}

/* Writes text to a scratch file; returns its path (static buffer). */
static const char *csv_file(const char *name, const char *text)
{
	static char path[512];
	scratch(path, sizeof(path), name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Asserts order id is paid, untracked, with no shipped history and no shipped mail. */
static void assert_untouched(long long id)
{
	assert_int_equal(sql_admin_int("SELECT status = 'paid' AND tracking_number IS NULL FROM "
	                               "orders WHERE id = %lld",
	                               id),
	                 1);
	assert_int_equal(history_count(id, "1"), 0);
	assert_int_equal(outbox_count(id, "1"), 0);
}

static void test_import_marks_shipped_with_tracking_and_queues_mail(void **state)
{
	(void)state;
	const char *u = customer_new();
	long long a = order_new(u, "paid"), b = order_new(u, "paid");
	char text[256];
	/* Quoted fields and a missing final line break are fine too. */
	snprintf(text, sizeof(text),
	         "order_id,tracking_number\r\n%lld,TRK-A1\r\n\"%lld\",\"TRK-B2\"", a, b);
	struct ctl_run r;
	ctl(&r, "shipments import '%s'", csv_file("ok.csv", text));
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_non_null(strstr(r.out, "shipped 2 order(s)"));

	long long ids[] = {a, b};
	const char *trk[] = {"TRK-A1", "TRK-B2"};
	for (size_t i = 0; i < 2; i++) {
		long long id = ids[i];
		assert_int_equal(sql_admin_int("SELECT status = 'shipped' AND tracking_number = "
		                               "'%s' FROM orders WHERE id = %lld",
		                               trk[i], id),
		                 1);
		char where[512];
		snprintf(where, sizeof(where),
		         "status = 'shipped' AND changed_by = 'shipping company' AND "
		         "note = 'tracking %s'",
		         trk[i]);
		assert_int_equal(history_count(id, where), 1);
		/* The customer hears of it at the order's contact address, with the number and a
		 * link. */
		snprintf(where, sizeof(where),
		         "t.kind = 'order_shipped' AND t.recipient = o.contact_email AND "
		         "t.subject = 'Your order %lld has shipped' AND t.sent_at IS NULL AND "
		         "t.body LIKE '%%%s%%' AND t.body LIKE '%%%s/orders/%lld%%'",
		         id, trk[i], env_web(), id);
		assert_int_equal(outbox_count(id, where), 1);
	}
}

static void test_import_is_idempotent(void **state)
{
	(void)state;
	const char *u = customer_new();
	long long a = order_new(u, "paid"), b = order_new(u, "paid");
	char text[256];
	snprintf(text, sizeof(text), "order_id,tracking_number\n%lld,IDEM-1\n%lld,IDEM-2\n", a, b);
	const char *path = csv_file("idem.csv", text);
	struct ctl_run r;
	ctl(&r, "shipments import '%s'", path);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "shipped 2 order(s)"));
	ctl(&r, "shipments import '%s'", path);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_non_null(strstr(r.out, "shipped 0 order(s)"));
	/* Twice at once after that: still nothing new. */
	char args[1024];
	snprintf(args, sizeof(args), "shipments import '%s'", path);
	struct ctl_run rr[2];
	ctl_twice_at_once(rr, args);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rr[i].status, 0);
		assert_non_null(strstr(rr[i].out, "shipped 0 order(s)"));
	}
	long long ids[] = {a, b};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(history_count(ids[i], "1"), 1);
		assert_int_equal(outbox_count(ids[i], "1"), 1);
	}
	/* The same file, run twice at once on fresh orders: each order shipped once. */
	long long c = order_new(u, "paid"), d = order_new(u, "paid");
	snprintf(text, sizeof(text), "order_id,tracking_number\n%lld,RACE-1\n%lld,RACE-2\n", c, d);
	snprintf(args, sizeof(args), "shipments import '%s'", csv_file("race.csv", text));
	ctl_twice_at_once(rr, args);
	assert_int_equal(rr[0].status, 0);
	assert_int_equal(rr[1].status, 0);
	assert_true((strstr(rr[0].out, "shipped 2 order(s)") && strstr(rr[1].out, "shipped 0")) ||
	            (strstr(rr[1].out, "shipped 2 order(s)") && strstr(rr[0].out, "shipped 0")));
	assert_int_equal(history_count(c, "1") + history_count(d, "1"), 2);
	assert_int_equal(outbox_count(c, "1") + outbox_count(d, "1"), 2);
}

static void test_import_bad_row_changes_nothing_and_names_the_line(void **state)
{
	(void)state;
	const char *u = customer_new();
	long long good = order_new(u, "paid"), good2 = order_new(u, "paid");
	long long placed = order_new(u, "placed");
	long long shipped = order_new(u, "paid");
	assert_int_equal(
	    sql_admin("UPDATE orders SET status = 'shipped', tracking_number = 'OLD-1' WHERE id = "
	              "%lld",
	              shipped),
	    0);
	/* <G> and <H> are paid orders, <P> a placed one, <S> one shipped as OLD-1. */
	static const struct {
		const char *text;
		const char *line, *why;
	} bad[] = {
	    {"order_id,tracking_number\n<G>,T-1\n<H>,TRK 1\n", "line 3:", "tracking"},
	    {"order_id,tracking_number\n<G>,T-1\n<H>,T-2\n<P>,T-3\n", "line 4:", "placed"},
	    {"order_id,tracking_number\n<G>,T-1\n<H>,T-2\n<S>,NEW-1\n",
	     "line 4:", "already shipped"},
	    {"order_id,tracking_number\n<G>,T-1\n<H>,T-2\n\n3999999999,T-4\n",
	     "line 5:", "no order 3999999999"},
	    {"order_id,tracking_number\n<G>,T-1\n<H>,T-2,extra\n", "line 3:", "2 fields"},
	    {"order_id,tracking_number\n<G>,T-1\n\"<H>,T-2\n", "line 3:", "CSV"},
	    {"order_id,tracking_number\n<G>,T-1\n-<H>,T-2\n", "line 3:", "order_id"},
	    {"order_id,tracking_number\n<G>,T-1\n<H>,\n", "line 3:", "tracking"},
	    {"order_id,tracking_number\n<G>,T-1\n<H>,"
	     "T12345678901234567890123456789012345678901234567890123456789012345\n",
	     "line 3:", "tracking"},
	    {"order_id,tracking_number\n<G>,T-1\n<G>,T-2\n", "line 3:", "already shipped"},
	    {"id,tracking\n<G>,T-1\n<H>,T-2\n", "line 1:", "header"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512] = "";
		for (const char *p = bad[i].text; *p;) {
			long long id = strncmp(p, "<G>", 3) == 0   ? good
			               : strncmp(p, "<H>", 3) == 0 ? good2
			               : strncmp(p, "<P>", 3) == 0 ? placed
			               : strncmp(p, "<S>", 3) == 0 ? shipped
			                                           : 0;
			size_t n = strlen(text);
			if (id > 0) {
				snprintf(text + n, sizeof(text) - n, "%lld", id);
				p += 3;
			} else {
				snprintf(text + n, sizeof(text) - n, "%c", *p++);
			}
		}
		struct ctl_run r;
		ctl(&r, "shipments import '%s'", csv_file("bad.csv", text));
		if (r.status != 1 || r.err_lines != 1 || strstr(r.err, bad[i].line) == NULL ||
		    strstr(r.err, bad[i].why) == NULL)
			fail_msg("case %zu: status %d, stderr: %s", i, r.status, r.err);
		assert_true(strncmp(r.err, "dittoctl: ", 10) == 0);
		assert_null(strstr(r.out, "shipped"));
		/* All or nothing: the good lines before the bad one changed nothing. */
		assert_untouched(good);
		assert_untouched(good2);
		assert_int_equal(sql_admin_int("SELECT status = 'placed' FROM orders WHERE id = "
		                               "%lld",
		                               placed),
		                 1);
		assert_int_equal(sql_admin_int("SELECT tracking_number = 'OLD-1' FROM orders "
		                               "WHERE id = %lld",
		                               shipped),
		                 1);
	}
	/* A missing or empty file is one line too. */
	struct ctl_run r;
	ctl(&r, "shipments import '%s/nonexistent.csv'", env_state());
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	ctl(&r, "shipments import '%s'", csv_file("empty.csv", ""));
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	/* A header alone ships nothing and is no error. */
	ctl(&r, "shipments import '%s'", csv_file("header.csv", "order_id,tracking_number\r\n"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "shipped 0 order(s)"));
}

/* Runs `order status ID TO [extra]` and asserts it worked (or, if !ok, was refused). */
static void status_to(long long id, const char *to, const char *extra, bool ok)
{
	struct ctl_run r;
	ctl(&r, "order status %lld %s %s", id, to, extra ? extra : "");
	if (ok && r.status != 0)
		fail_msg("order %lld -> %s failed: %s", id, to, r.err);
	if (!ok && (r.status != 1 || r.err_lines != 1))
		fail_msg("order %lld -> %s: status %d, stderr: %s", id, to, r.status, r.err);
}

static void test_order_status_transitions_and_refusals(void **state)
{
	(void)state;
	const char *u = customer_new();
	struct passwd *pw = getpwuid(geteuid());
	assert_non_null(pw);
	char by[128], where[512];
	snprintf(by, sizeof(by), "changed_by = 'dittoctl:%s'", pw->pw_name);

	/* The whole way: placed, paid, shipped, delivered, refunded. */
	long long id = order_new(u, "placed");
	static const struct {
		const char *to, *kind; /* kind NULL: the customer is not told */
	} path[] = {
	    {"paid", NULL},
	    {"shipped", "order_shipped"},
	    {"delivered", "order_delivered"},
	    {"refunded", "order_refunded"},
	};
	for (size_t i = 0; i < 4; i++) {
		status_to(id, path[i].to, i == 1 ? "--note 'sent by hand'" : NULL, true);
		assert_int_equal(sql_admin_int("SELECT status = '%s' FROM orders WHERE id = %lld",
		                               path[i].to, id),
		                 1);
		snprintf(where, sizeof(where), "status = '%s' AND %s", path[i].to, by);
		assert_int_equal(history_count(id, where), 1);
		long long mails = outbox_count(id, "1");
		assert_int_equal(mails, (long long)(i == 0 ? 0 : i));
		if (path[i].kind != NULL) {
			snprintf(where, sizeof(where),
			         "t.kind = '%s' AND t.recipient = o.contact_email AND t.body LIKE "
			         "'%%%s/orders/%lld%%'",
			         path[i].kind, env_web(), id);
			assert_int_equal(outbox_count(id, where), 1);
		}
	}
	assert_int_equal(history_count(id, "status = 'shipped' AND note = 'sent by hand'"), 1);
	assert_int_equal(
	    history_count(id, "status = 'refunded' AND note = 'refund to be issued by billing'"),
	    1);

	/* Cancelling: a paid order needs a refund, a placed (unpaid) one does not. */
	long long paid = order_new(u, "paid"), placed = order_new(u, "placed");
	status_to(paid, "cancelled", NULL, true);
	status_to(placed, "cancelled", NULL, true);
	assert_int_equal(history_count(paid, "status = 'cancelled' AND note = 'refund to be issued "
	                                     "by billing'"),
	                 1);
	assert_int_equal(history_count(placed, "status = 'cancelled' AND note IS NULL"), 1);
	assert_int_equal(outbox_count(paid, "t.kind = 'order_cancelled'"), 1);
	assert_int_equal(outbox_count(placed, "t.kind = 'order_cancelled'"), 1);

	/* Refused: nothing changes, nothing is recorded, nobody is told. */
	static const struct {
		const char *from, *to;
	} bad[] = {
	    {"placed", "shipped"},     {"placed", "delivered"},  {"placed", "refunded"},
	    {"paid", "delivered"},     {"paid", "placed"},       {"shipped", "cancelled"},
	    {"shipped", "paid"},       {"delivered", "shipped"}, {"cancelled", "paid"},
	    {"refunded", "delivered"}, {"paid", "paid"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long long o = order_new(u, bad[i].from);
		struct ctl_run r;
		ctl(&r, "order status %lld %s", o, bad[i].to);
		if (r.status != 1 || r.err_lines != 1 || strstr(r.err, bad[i].from) == NULL)
			fail_msg("%s -> %s: status %d, stderr: %s", bad[i].from, bad[i].to,
			         r.status, r.err);
		assert_int_equal(sql_admin_int("SELECT status = '%s' FROM orders WHERE id = %lld",
		                               bad[i].from, o),
		                 1);
		assert_int_equal(history_count(o, "1"), 0);
		assert_int_equal(outbox_count(o, "1"), 0);
	}
	struct ctl_run r;
	ctl(&r, "order status 3999999999 paid");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no order"));

	/* Twice at once: one changes it, the other is told it already happened. */
	long long race = order_new(u, "paid");
	char args[128];
	snprintf(args, sizeof(args), "order status %lld shipped", race);
	struct ctl_run rr[2];
	ctl_twice_at_once(rr, args);
	assert_int_equal(rr[0].status + rr[1].status, 1);
	struct ctl_run *lost = rr[0].status != 0 ? &rr[0] : &rr[1];
	assert_int_equal(lost->err_lines, 1);
	assert_non_null(strstr(lost->err, "already shipped"));
	assert_int_equal(history_count(race, "1"), 1);
	assert_int_equal(outbox_count(race, "1"), 1);
}

static void test_every_new_subcommand_has_help(void **state)
{
	(void)state;
	static const char *const cmds[] = {
	    "shipments", "shipments export", "shipments import", "order", "order status",
	};
	char out[512];
	tmp_path(out, sizeof(out), "help", 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		/* No configuration needed: help never touches the database. */
		int st = sh("\"$BUILD\"/dittoctl --config /nonexistent %s --help >'%s' 2>&1",
		            cmds[i], out);
		char text[8192];
		slurp_file(out, text, sizeof(text));
		assert_int_equal(st, 0);
		assert_true(strncmp(text, "usage: dittoctl", 15) == 0);
	}
	struct ctl_run r;
	ctl(&r, "--help");
	const char *listed[] = {"shipments export", "shipments import", "order status"};
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
		assert_non_null(strstr(r.out, listed[i]));

	/* Bad arguments: one line, non-zero. */
	static const char *const bad[] = {
	    "shipments",
	    "shipments frobnicate",
	    "shipments export a b",
	    "shipments export --dir x",
	    "shipments import",
	    "shipments import a b",
	    "order",
	    "order frobnicate",
	    "order status",
	    "order status 1",
	    "order status x paid",
	    "order status 1 lost",
	    "order status 1 paid --note ''",
	    "order status 1 paid extra",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctl(&r, "%s", bad[i]);
		if (r.status != 2 || r.err_lines != 1 || strncmp(r.err, "dittoctl: ", 10) != 0)
			fail_msg("'%s': status %d, stderr: %s", bad[i], r.status, r.err);
	}
}

static int teardown(void **state)
{
	(void)state;
	/* Manifests hold (test) names and addresses: leave none behind. */
	sh("rm -rf '%s'/run/test-ship-%d-*", env_state(), (int)getpid());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_export_writes_manifest_with_only_carrier_fields),
	    cmocka_unit_test(test_export_defaults_to_var_shipments_in_the_working_directory),
	    cmocka_unit_test(test_export_records_a_disclosure_per_order),
	    cmocka_unit_test(test_export_twice_exports_nothing_new),
	    cmocka_unit_test(test_export_concurrently_exports_each_order_once),
	    cmocka_unit_test(test_export_yields_to_a_run_holding_the_lock),
	    cmocka_unit_test(
	        test_export_failing_to_record_removes_the_unrecorded_orders_from_the_file),
	    cmocka_unit_test(test_csv_formula_injection_is_neutralised),
	    cmocka_unit_test(test_import_marks_shipped_with_tracking_and_queues_mail),
	    cmocka_unit_test(test_import_is_idempotent),
	    cmocka_unit_test(test_import_bad_row_changes_nothing_and_names_the_line),
	    cmocka_unit_test(test_order_status_transitions_and_refusals),
	    cmocka_unit_test(test_every_new_subcommand_has_help),
	};
	return cmocka_run_group_tests_name("shipments", tests, NULL, teardown);
}
