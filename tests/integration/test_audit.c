/* test_audit.c — the audit log against the test stack's MariaDB: rows appended as the staff
 * account chain and verify; `dittoctl audit verify` names an edited, deleted, reordered or
 * truncated row and a changed head; the staff account can only append; the shop account reads
 * when and by which role, never who; concurrent writers keep one exact chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "config.h"
#include "db/audit.h"
#include "db/db.h"
#include "harness.h"

/* SQL a test registers before it tampers with the log, run by the teardown even if it fails. */
static char restore_sql[2048];

/* A connection as the pool account ditto_<who> (its default role), like that pool's workers. */
static struct db *account_db(const char *who)
{
	char path[512], password[256];
	snprintf(path, sizeof(path), "%s/secrets/ditto_%s", env_state(), who);
	if (config_read_secret(path, password, sizeof(password)) < 0)
		harness_die("cannot read %s", path);
	char sock[512], user[64];
	snprintf(sock, sizeof(sock), "%s/run/mysqld.sock", env_state());
	snprintf(user, sizeof(user), "ditto_%s", who);
	struct db_params p = {.socket = sock, .name = "ditto", .user = user, .password = password};
	struct db *db = db_new(&p);
	sodium_memzero(password, sizeof(password));
	if (db == NULL || db_ping(db) < 0)
		harness_die("cannot connect as %s", user);
	return db;
}

/* A view of customer_id's name and email by a support member, tagged with request id tag. */
static struct audit_event view_event(long long customer_id, const char *tag)
{
	return (struct audit_event){
	    .staff_id = 1,
	    .staff_username = "audit_tester",
	    .role = ROLE_SUPPORT,
	    .action = AUDIT_VIEW,
	    .customer_id = customer_id,
	    .fields = (1u << FIELD_NAME) | (1u << FIELD_EMAIL),
	    .route = "/admin/customers/{id}",
	    .request_id = tag,
	    .detail = NULL,
	};
}

/* Appends n views as the staff account; returns the id of the first row. */
static long long append_views(size_t n, long long customer_id, const char *tag)
{
	struct audit_event ev[16];
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++)
		ev[i] = view_event(customer_id, tag);
	struct db *db = account_db("staff");
	assert_int_equal(audit_append(db, ev, n), 0);
	db_free(db);
	long long first =
	    sql_admin_int("SELECT MIN(id) FROM audit_log WHERE request_id = '%s'", tag);
	assert_true(first > 0);
	return first;
}

/* Runs `dittoctl --config DIR/ditto.conf ARGS` from the repository root. */
static void ctl(struct ctl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctl(struct ctl_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(r, "audit", NULL, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
}

/* `dittoctl audit verify` says the log is intact, with every row checked. */
static void assert_intact(void)
{
	struct ctl_run r;
	ctl(&r, "audit verify");
	if (r.status != 0)
		fail_msg("verify failed: %s", r.err);
	char want[128];
	snprintf(want, sizeof(want), "audit log intact: %lld rows checked\n",
	         sql_admin_int("SELECT COUNT(*) FROM audit_log"));
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
}

/* `dittoctl audit verify` exits 1 with one line naming row id. */
static void assert_broken_at(long long id)
{
	struct ctl_run r;
	ctl(&r, "audit verify");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_int_equal(r.err_lines, 1);
	char want[128];
	snprintf(want, sizeof(want), "dittoctl: audit log broken at row %lld: ", id);
	if (strncmp(r.err, want, strlen(want)) != 0)
		fail_msg("expected '%s...', got '%s'", want, r.err);
}

/* Registers the SQL that undoes a tampering (run by the teardown, then by the test). */
static void on_restore(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void on_restore(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(restore_sql, sizeof(restore_sql), fmt, ap);
	va_end(ap);
}

/* Undoes the registered tampering now. */
static void restore(void)
{
	if (restore_sql[0] != '\0')
		assert_int_equal(sql_admin("%s", restore_sql), 0);
	restore_sql[0] = '\0';
}

/* A copy of row id that restore() puts back (the log has no DELETE for anyone but root). */
static void keep_row(const char *table, long long id)
{
	assert_int_equal(sql_admin("DROP TABLE IF EXISTS %s; CREATE TABLE %s AS SELECT * FROM "
	                           "audit_log WHERE id = %lld",
	                           table, table, id),
	                 0);
	on_restore("INSERT INTO audit_log SELECT * FROM %s; DROP TABLE %s", table, table);
}

static void test_appended_rows_are_stored_as_hashed_and_verify(void **state)
{
	(void)state;
	const char *tag = unique("audit-ok");
	long long first = append_views(3, 4242, tag);
	/* One transaction: consecutive ids, one time, each row chained to the one before. */
	assert_int_equal(sql_admin_int("SELECT COUNT(DISTINCT created_at) FROM audit_log WHERE "
	                               "request_id = '%s'",
	                               tag),
	                 1);
	assert_int_equal(sql_admin_int("SELECT MAX(id) - MIN(id) FROM audit_log WHERE request_id = "
	                               "'%s'",
	                               tag),
	                 2);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log a JOIN audit_log b ON b.id = "
	                  "a.id + 1 AND b.prev_hash = a.hash WHERE a.request_id = '%s' "
	                  "AND b.request_id = '%s'",
	                  tag, tag),
	    2);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE id = %lld AND role = "
	                               "'support' AND fields = 'name,email' AND customer_id = 4242 "
	                               "AND staff_id = 1 AND detail IS NULL AND action = 'view'",
	                               first),
	                 1);
	/* The head names the last row and its hash. */
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_head h JOIN audit_log l ON l.id = "
	                  "h.last_id AND l.hash = h.last_hash WHERE l.id = %lld",
	                  first + 2),
	    1);
	assert_intact();
}

static void test_verify_names_an_edited_row(void **state)
{
	(void)state;
	long long first = append_views(3, 4243, unique("audit-edit"));
	on_restore("UPDATE audit_log SET fields = 'name,email' WHERE id = %lld", first + 1);
	assert_int_equal(
	    sql_admin("UPDATE audit_log SET fields = 'name' WHERE id = %lld", first + 1), 0);
	assert_broken_at(first + 1);
	restore();
	assert_intact();
	/* A NUL byte appended to a value is an edit too, though C would stop reading there. */
	on_restore("UPDATE audit_log SET route = '/admin/customers/{id}' WHERE id = %lld", first);
	assert_int_equal(sql_admin("UPDATE audit_log SET route = CONCAT(route, CHAR(0), 'x') WHERE "
	                           "id = %lld",
	                           first),
	                 0);
	assert_broken_at(first);
	restore();
	assert_intact();
}

static void test_verify_names_the_row_after_a_deleted_one(void **state)
{
	(void)state;
	long long first = append_views(3, 4244, unique("audit-del"));
	keep_row("audit_test_kept", first + 1);
	assert_int_equal(sql_admin("DELETE FROM audit_log WHERE id = %lld", first + 1), 0);
	assert_broken_at(first + 2);
	restore();
	assert_intact();
}

static void test_verify_names_a_row_of_two_swapped_rows(void **state)
{
	(void)state;
	long long first = append_views(3, 4245, unique("audit-swap"));
	long long a = first, b = first + 2;
	/* Swapping back is the same three moves. */
	on_restore("UPDATE audit_log SET id = 999999999999 WHERE id = %lld; "
	           "UPDATE audit_log SET id = %lld WHERE id = %lld; "
	           "UPDATE audit_log SET id = %lld WHERE id = 999999999999",
	           a, a, b, b);
	assert_int_equal(sql_admin("%s", restore_sql), 0);
	struct ctl_run r;
	ctl(&r, "audit verify");
	assert_int_equal(r.status, 1);
	char at_a[96], at_b[96];
	snprintf(at_a, sizeof(at_a), "audit log broken at row %lld: ", a);
	snprintf(at_b, sizeof(at_b), "audit log broken at row %lld: ", b);
	if (strstr(r.err, at_a) == NULL && strstr(r.err, at_b) == NULL)
		fail_msg("expected row %lld or %lld, got '%s'", a, b, r.err);
	restore();
	assert_intact();
}

static void test_verify_detects_a_deleted_last_row(void **state)
{
	(void)state;
	long long first = append_views(2, 4246, unique("audit-tail"));
	long long last = first + 1;
	assert_int_equal(sql_admin_int("SELECT last_id FROM audit_head"), last);
	keep_row("audit_test_kept", last);
	assert_int_equal(sql_admin("DELETE FROM audit_log WHERE id = %lld", last), 0);
	assert_broken_at(last);
	restore();
	assert_intact();
}

static void test_verify_detects_a_changed_head(void **state)
{
	(void)state;
	append_views(1, 4247, unique("audit-head"));
	on_restore("UPDATE audit_head SET last_hash = (SELECT hash FROM audit_log ORDER BY id DESC "
	           "LIMIT 1) WHERE id = 1");
	long long last = sql_admin_int("SELECT last_id FROM audit_head");
	assert_int_equal(sql_admin("UPDATE audit_head SET last_hash = REPEAT(X'00', 32)"), 0);
	assert_broken_at(last);
	restore();
	assert_intact();
}

static void test_staff_account_may_append_but_never_change_or_delete(void **state)
{
	(void)state;
	long long first = append_views(1, 4248, unique("audit-ro"));
	struct db *db = account_db("staff");
	assert_int_equal(db_exec(db, "UPDATE audit_log SET fields = '' WHERE id = ?",
	                         DB_ARGS(DB_INT(first)), NULL, NULL),
	                 -1);
	assert_int_equal(db_errno(db), DB_ER_TABLEACCESS_DENIED);
	assert_int_equal(
	    db_exec(db, "DELETE FROM audit_log WHERE id = ?", DB_ARGS(DB_INT(first)), NULL, NULL),
	    -1);
	assert_int_equal(db_errno(db), DB_ER_TABLEACCESS_DENIED);
	assert_int_equal(db_exec(db, "DELETE FROM audit_head", DB_NOARGS, NULL, NULL), -1);
	assert_int_equal(db_errno(db), DB_ER_TABLEACCESS_DENIED);
	db_free(db);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE id = %lld AND fields = "
	                  "'name,email'",
	                  first),
	    1);
	assert_intact();
}

static void test_a_malformed_event_writes_nothing_of_its_batch(void **state)
{
	(void)state;
	const char *tag = unique("audit-bad");
	struct audit_event ev[2] = {view_event(4249, tag), view_event(4249, tag)};
	ev[1].action = "not an action";
	struct db *db = account_db("staff");
	assert_int_equal(audit_append(db, ev, 2), -1);
	db_free(db);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE request_id = '%s'", tag), 0);
	assert_intact();
}

struct in_tx {
	const char *tag;
	int outcome; /* what the transaction returns after appending */
};

static int append_then(struct db *db, void *vctx)
{
	struct in_tx *c = vctx;
	struct audit_event ev = view_event(4253, c->tag);
	if (audit_append_in_tx(db, &ev, 1) < 0)
		return -1;
	return c->outcome;
}

static void test_rows_appended_in_a_rolled_back_transaction_vanish_with_it(void **state)
{
	(void)state;
	struct in_tx c = {.tag = unique("audit-tx"), .outcome = -1};
	struct db *db = account_db("staff");
	long long head = sql_admin_int("SELECT last_id FROM audit_head");
	assert_int_equal(db_tx(db, append_then, &c), -1);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE request_id = '%s'", c.tag), 0);
	assert_int_equal(sql_admin_int("SELECT last_id FROM audit_head"), head);
	c.outcome = 0;
	assert_int_equal(db_tx(db, append_then, &c), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE request_id = '%s'", c.tag), 1);
	assert_int_equal(sql_admin_int("SELECT last_id FROM audit_head"), head + 1);
	db_free(db);
	assert_intact();
}

static void test_customers_see_when_and_which_role_viewed_never_who(void **state)
{
	(void)state;
	const char *tag = unique("audit-web");
	long long customer = 4250 + (getpid() % 1000) * 1000;
	struct audit_event ev[3] = {view_event(customer, tag), view_event(customer, tag),
	                            view_event(customer, tag)};
	ev[1].action = "customer_approve"; /* not a view: not listed */
	ev[2].role = ROLE_BILLING;
	ev[2].fields = 1u << FIELD_BILLING_ADDRESS;
	struct db *staff = account_db("staff");
	assert_int_equal(audit_append(staff, ev, 3), 0);
	db_free(staff);

	struct db *web = account_db("web");
	struct arena *a = arena_new();
	struct audit_view *v;
	size_t n;
	assert_int_equal(db_audit_views_of_customer(web, a, customer, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].role, "billing");
	assert_string_equal(v[0].fields, "billing_address");
	assert_string_equal(v[1].role, "support");
	assert_string_equal(v[1].fields, "name,email");
	assert_int_equal(strlen(v[0].viewed_at), strlen("YYYY-MM-DD HH:MM"));
	/* Who viewed, from which route, is not the shop's to read. */
	struct db_rows r;
	assert_int_equal(db_query(web, a,
	                          "SELECT staff_username FROM audit_log WHERE customer_id = ?",
	                          DB_ARGS(DB_INT(customer)), &r),
	                 -1);
	assert_int_equal(db_errno(web), DB_ER_COLUMNACCESS_DENIED);
	assert_int_equal(db_exec(web, "DELETE FROM audit_log WHERE customer_id = ?",
	                         DB_ARGS(DB_INT(customer)), NULL, NULL),
	                 -1);
	arena_free(a);
	db_free(web);
}

static void test_audit_page_lists_newest_first_by_page(void **state)
{
	(void)state;
	long long customer = 4251 + (getpid() % 1000) * 1000;
	long long first = append_views(3, customer, unique("audit-list"));
	struct db *db = account_db("staff");
	struct arena *a = arena_new();
	struct audit_entry *rows;
	size_t n;
	bool more;
	assert_int_equal(db_audit_list(db, a, customer, 1, 2, &rows, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_int_equal(rows[0].id, first + 2);
	assert_int_equal(rows[1].id, first + 1);
	assert_string_equal(rows[0].staff_username, "audit_tester");
	assert_string_equal(rows[0].role, "support");
	assert_string_equal(rows[0].fields, "name,email");
	assert_int_equal(rows[0].customer_id, customer);
	assert_null(rows[0].detail);
	assert_int_equal(db_audit_list(db, a, customer, 2, 2, &rows, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(rows[0].id, first);
	/* Unfiltered, the newest row of the whole log comes first. */
	assert_int_equal(db_audit_list(db, a, 0, 1, 1, &rows, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, sql_admin_int("SELECT MAX(id) FROM audit_log"));
	arena_free(a);
	db_free(db);
}

#define WRITERS    4
#define PER_WRITER 100

/* One concurrent writer: its own connection, PER_WRITER appends of one row each. */
static int writer(const char *tag)
{
	struct db *db = account_db("staff");
	struct audit_event ev = view_event(4252, tag);
	for (int i = 0; i < PER_WRITER; i++)
		if (audit_append(db, &ev, 1) < 0) {
			fprintf(stderr, "writer: %s\n", db_error(db));
			db_free(db);
			return 1;
		}
	db_free(db);
	return 0;
}

static void test_concurrent_writers_keep_one_exact_chain(void **state)
{
	(void)state;
	char tag[80];
	snprintf(tag, sizeof(tag), "%s", unique("audit-conc"));
	long long before = sql_admin_int("SELECT COUNT(*) FROM audit_log");
	pid_t pids[WRITERS];
	fflush(NULL);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0)
			_exit(writer(tag));
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;
		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE request_id = '%s'", tag),
	    WRITERS * PER_WRITER);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log"),
	                 before + WRITERS * PER_WRITER);
	assert_intact();
}

/* The first line a SQL query run as admin prints (tab-separated columns), into out. */
static void sql_admin_line(char *out, size_t cap, const char *query)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto -e \"%s\"", env_state(),
	         query);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (fgets(out, (int)cap, p) == NULL)
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
}

/* A row still naming its customer must name the one its pseudonym names; the purge's NULL is
 * the one change of customer_id the chain allows. */
static void test_verify_checks_customer_id_against_its_pseudonym(void **state)
{
	(void)state;
	long long first = append_views(2, 4248, unique("audit-ref"));
	char want[AUDIT_REF_HEX + 1];
	assert_int_equal(audit_customer_ref(4248, want), 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE id = %lld AND "
	                               "customer_ref = '%s' AND chain_version = 2",
	                               first, want),
	                 1);
	on_restore("UPDATE audit_log SET customer_id = 4248 WHERE id = %lld", first);
	assert_int_equal(
	    sql_admin("UPDATE audit_log SET customer_id = 4249 WHERE id = %lld", first), 0);
	assert_broken_at(first);
	restore();
	assert_int_equal(
	    sql_admin("UPDATE audit_log SET customer_id = NULL WHERE id = %lld", first), 0);
	assert_intact();
}

/* Appends n rows about customer_id in encoding v1, as the log was before pseudonyms, by hand
 * (no writer makes them any more). */
static void append_v1_rows(int n, long long customer_id, const char *tag)
{
	char line[256], prev_hex[AUDIT_HASH_LEN * 2 + 1], hash_hex[AUDIT_HASH_LEN * 2 + 1];
	sql_admin_line(line, sizeof(line),
	               "SELECT last_id, HEX(last_hash), DATE_FORMAT(UTC_TIMESTAMP(6), "
	               "'%Y-%m-%d %H:%i:%s.%f') FROM audit_head");
	long long id = strtoll(line, NULL, 10);
	char *hex = strchr(line, '\t'), *now = hex != NULL ? strchr(hex + 1, '\t') : NULL;
	assert_non_null(now);
	*now++ = '\0';
	unsigned char prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	assert_int_equal(
	    sodium_hex2bin(prev, sizeof(prev), hex + 1, strlen(hex + 1), NULL, NULL, NULL), 0);
	for (int i = 0; i < n; i++) {
		struct audit_row row = {.version = AUDIT_CHAIN_V1,
		                        .id = ++id,
		                        .created_at = now,
		                        .staff_id = 1,
		                        .staff_username = "audit_tester",
		                        .role = "support",
		                        .action = "view",
		                        .customer_id = customer_id,
		                        .fields = "name",
		                        .route = "/admin/customers/{id}",
		                        .request_id = tag};
		audit_row_hash(prev, &row, hash);
		sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, sizeof(prev));
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));
		assert_int_equal(
		    sql_admin(
		        "INSERT INTO audit_log (id, created_at, staff_id, staff_username, role, "
		        "action, customer_id, fields, route, request_id, chain_version, "
		        "prev_hash, hash) VALUES (%lld, '%s', 1, 'audit_tester', 'support', "
		        "'view', %lld, 'name', '/admin/customers/{id}', '%s', 1, UNHEX('%s'), "
		        "UNHEX('%s')); UPDATE audit_head SET last_id = %lld, last_hash = "
		        "UNHEX('%s')",
		        id, now, customer_id, tag, prev_hex, hash_hex, id, hash_hex),
		    0);
		memcpy(prev, hash, sizeof(prev));
	}
}

/* Rows from before pseudonyms verify as they are; migrate re-chains them once (recorded in the
 * chain), after which they name their customer by customer_ref and still verify. */
static void test_migrate_rechains_rows_from_before_pseudonyms_once(void **state)
{
	(void)state;
	const char *tag = unique("audit-v1");
	append_v1_rows(3, 4250, tag);
	assert_intact();
	struct ctl_run r;
	ctl(&r, "purge --dry-run");
	assert_int_equal(r.status, 0); /* a dry run changes nothing, so it may run */
	ctl(&r, "purge");
	assert_int_equal(r.status, 1); /* erasing ids from v1 rows would break the chain */
	assert_non_null(strstr(r.err, "run dittoctl migrate first"));
	long long rechains = sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
	                                   "'audit_rechain'");
	ctl(&r, "migrate '%s/schema'", env_repo());
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "audit log re-chained: "));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE chain_version = 1"),
	                 0);
	char want[AUDIT_REF_HEX + 1];
	assert_int_equal(audit_customer_ref(4250, want), 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE request_id = '%s' AND "
	                               "customer_ref = '%s'",
	                               tag, want),
	                 3);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
	                               "'audit_rechain'"),
	                 rechains + 1);
	assert_intact();
	/* Once: a second migrate finds nothing to re-chain. */
	ctl(&r, "migrate '%s/schema'", env_repo());
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, "re-chained"));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
	                               "'audit_rechain'"),
	                 rechains + 1);
}

static int teardown(void **state)
{
	(void)state;
	if (restore_sql[0] != '\0')
		sql_admin("%s", restore_sql);
	restore_sql[0] = '\0';
	sh("rm -f '%s'/run/test-audit-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	if (sodium_init() < 0)
		return 1;
	/* Rows about a customer carry its pseudonym, made with the stack's key like the pool's. */
	char key[512];
	snprintf(key, sizeof(key), "%s/secrets/audit_key", env_state());
	if (audit_key_load(key) < 0)
		harness_die("cannot read the audit key %s", key);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_appended_rows_are_stored_as_hashed_and_verify, teardown),
	    cmocka_unit_test_teardown(test_verify_names_an_edited_row, teardown),
	    cmocka_unit_test_teardown(test_verify_names_the_row_after_a_deleted_one, teardown),
	    cmocka_unit_test_teardown(test_verify_names_a_row_of_two_swapped_rows, teardown),
	    cmocka_unit_test_teardown(test_verify_detects_a_deleted_last_row, teardown),
	    cmocka_unit_test_teardown(test_verify_detects_a_changed_head, teardown),
	    cmocka_unit_test_teardown(test_staff_account_may_append_but_never_change_or_delete,
	                              teardown),
	    cmocka_unit_test_teardown(test_a_malformed_event_writes_nothing_of_its_batch, teardown),
	    cmocka_unit_test_teardown(
	        test_rows_appended_in_a_rolled_back_transaction_vanish_with_it, teardown),
	    cmocka_unit_test_teardown(test_customers_see_when_and_which_role_viewed_never_who,
	                              teardown),
	    cmocka_unit_test_teardown(test_audit_page_lists_newest_first_by_page, teardown),
	    cmocka_unit_test_teardown(test_concurrent_writers_keep_one_exact_chain, teardown),
	    cmocka_unit_test_teardown(test_verify_checks_customer_id_against_its_pseudonym,
	                              teardown),
	    cmocka_unit_test_teardown(test_migrate_rechains_rows_from_before_pseudonyms_once,
	                              teardown),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
