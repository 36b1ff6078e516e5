/* test_privacy_db.c — the second wall, against the migrated database: as the staff pool's own
 * MariaDB account, each staff role reads a base column exactly when it sees that field in full,
 * its views give exactly what the application's filter gives, the live grants are exactly the
 * generated ones, no role changes customers, and db_people_list/_get serve what the role sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "db/db.h"
#include "db/people.h"
#include "harness.h"
#include "sql_harness.h"
#include "privacy/grants.h"
#include "privacy/privacy.h"

static MYSQL *root;  /* the administrator: inserts the test customer, reads information_schema */
static MYSQL *staff; /* the staff pool's account */
static struct arena *A;
static long long cust, other, order_id;
static char uname[64];

/* Runs sql on m; aborts on an error (a broken precondition). */
static void must(MYSQL *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void must(MYSQL *m, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (mysql_query(m, sql) != 0)
		harness_die("%s: %s", sql, mysql_error(m));
	MYSQL_RES *r = mysql_store_result(m);
	if (r != NULL)
		mysql_free_result(r);
}

/* Runs a query expected to give at most one row of one column. Returns 0 with the value
 * (NULL for SQL NULL) in *out and *found telling whether a row came, or the error number. */
static unsigned one_value(MYSQL *m, const char *sql, const char **out, bool *found)
{
	*out = NULL;
	*found = false;
	if (mysql_query(m, sql) != 0)
		return mysql_errno(m);
	MYSQL_RES *r = mysql_store_result(m);
	if (r == NULL)
		return mysql_errno(m);
	MYSQL_ROW row = mysql_fetch_row(r);
	if (row != NULL) {
		*found = true;
		*out = arena_strdup(A, row[0]);
	}
	mysql_free_result(r);
	return 0;
}

static long long last_id(MYSQL *m)
{
	return (long long)mysql_insert_id(m);
}

static void set_role(enum staff_role r)
{
	must(staff, "SET ROLE %s", privacy_db_role(r));
}

static int setup(void **state)
{
	(void)state;
	harness_require_stack();
	A = arena_new();
	root = harness_connect_as("root", NULL);
	char path[512], pw[256];
	snprintf(path, sizeof(path), "%s/secrets/ditto_staff", env_state());
	if (config_read_secret(path, pw, sizeof(pw)) < 0)
		harness_die("cannot read %s", path);
	staff = harness_connect_as("ditto_staff", pw);

	/* A customer with values no mask leaves alone: a multibyte name, every field filled. */
	snprintf(uname, sizeof(uname), "wall%d", (int)getpid());
	must(root,
	     "INSERT INTO customers (username, email, name, phone, password_hash, status, "
	     "policy_version, last_visit_at, visit_count) VALUES ('%s', '%s@exemple.fr', "
	     "'Élodie  Ñúñez-Prado', '+33 (0)6 12 34 56 78', 'x', 'approved', "
	     "(SELECT MAX(version) FROM policy_versions), '2026-03-04 05:06:07', 7)",
	     uname, uname);
	cust = last_id(root);
	must(root,
	     "INSERT INTO customers (username, email, name, password_hash, policy_version) "
	     "VALUES ('%sb', '%sb@example.com', 'Other Person', 'x', "
	     "(SELECT MAX(version) FROM policy_versions))",
	     uname, uname);
	other = last_id(root);
	must(root,
	     "INSERT INTO customer_addresses (customer_id, kind, line1, line2, city, postcode, "
	     "country, policy_version) VALUES (%lld, 'billing', '1 Rue de la Paix', 'Bât. B', "
	     "'Paris', '75002', 'France', 1), (%lld, 'shipping', '9 Calle Mayor', '', "
	     "'Madrid', '28013', 'España', 1)",
	     cust, cust);
	must(root,
	     "INSERT INTO orders (customer_id, nonce, status, policy_version, contact_name, "
	     "contact_email, billing_line1, billing_city, billing_postcode, billing_country, "
	     "shipping_line1, shipping_city, shipping_postcode, shipping_country, payment_mode, "
	     "total_cents, tracking_number) VALUES (%lld, 'wall-nonce-%s', 'paid', 1, "
	     "'Élodie Ñúñez', 'elodie@exemple.fr', '1 Rue de la Paix', 'Paris', '75002', "
	     "'France', '9 Calle Mayor', 'Madrid', '28013', 'España', 'card', 4200, 'TRK1')",
	     cust, uname);
	order_id = last_id(root);
	must(root,
	     "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, "
	     "unit_price_cents, quantity) SELECT %lld, 1, id, sku, name, price_cents, 2 "
	     "FROM products ORDER BY id LIMIT 1",
	     order_id);
	must(root,
	     "INSERT INTO order_status_history (order_id, status, changed_by) "
	     "VALUES (%lld, 'paid', 'test')",
	     order_id);
	must(root,
	     "INSERT INTO payments (order_id, processor, token, brand, last4, exp_month, "
	     "exp_year, amount_cents, status) VALUES (%lld, 'sandbox', 'tok', 'visa', '4242', 3, "
	     "2031, 4200, 'captured')",
	     order_id);
	must(root,
	     "INSERT INTO payment_attempts (customer_id, processor, outcome, amount_cents, brand, "
	     "last4) VALUES (%lld, 'sandbox', 'declined', 1999, 'visa', '0002')",
	     cust);
	must(root,
	     "INSERT INTO product_views (customer_id, product_id, views, policy_version) "
	     "SELECT %lld, id, 3, 1 FROM products ORDER BY id LIMIT 1",
	     cust);
	must(root,
	     "INSERT INTO customer_interests (customer_id, category_id, policy_version) "
	     "SELECT %lld, id, 1 FROM categories ORDER BY id LIMIT 1",
	     cust);
	must(root,
	     "INSERT INTO legal_cases (customer_id, authority, reference, legal_basis) "
	     "VALUES (%lld, 'a court', 'REF-%s', 'court order')",
	     cust, uname);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (root != NULL) {
		must(root, "DELETE FROM legal_cases WHERE customer_id IN (%lld, %lld)", cust,
		     other);
		must(root, "DELETE FROM payments WHERE order_id = %lld", order_id);
		must(root, "DELETE FROM payment_attempts WHERE customer_id = %lld", cust);
		must(root, "DELETE FROM order_lines WHERE order_id = %lld", order_id);
		must(root, "DELETE FROM order_status_history WHERE order_id = %lld", order_id);
		must(root, "DELETE FROM orders WHERE id = %lld", order_id);
		must(root, "DELETE FROM customers WHERE id IN (%lld, %lld)", cust, other);
		mysql_close(root);
	}
	if (staff != NULL)
		mysql_close(staff);
	arena_free(A);
	return 0;
}

/* The WHERE clause selecting the test customer's row of table (of row kind kind). */
static const char *row_of(const char *table, const char *kind)
{
	if (strcmp(table, "customers") == 0)
		return arena_printf(A, "id = %lld", cust);
	if (kind != NULL)
		return arena_printf(A, "customer_id = %lld AND kind = '%s'", cust, kind);
	if (strcmp(table, "order_lines") == 0 || strcmp(table, "payments") == 0 ||
	    strcmp(table, "order_status_history") == 0)
		return arena_printf(A, "order_id = %lld", order_id);
	return arena_printf(A, "customer_id = %lld", cust);
}

/* True when role r may read table.column straight from the base table. */
static bool base_readable(enum staff_role r, const char *table, const char *column)
{
	if (privacy_needs_open_case(r))
		return false; /* legal reads rows of open cases, through its views only */
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(cols[i].table, table) == 0 && strcmp(cols[i].column, column) == 0 &&
		    privacy_visibility(r, cols[i].field) != VIS_FULL)
			return false; /* masked, absent, or one of two row kinds not full */
	return true;
}

static void test_each_role_reads_a_base_column_only_when_it_sees_it_in_full(void **state)
{
	(void)state;
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	int bad = 0;
	for (int r = 0; r < ROLE__MAX; r++) {
		set_role(r);
		for (size_t i = 0; i < n; i++) {
			char sql[256];
			snprintf(sql, sizeof(sql), "SELECT %s FROM %s LIMIT 1", cols[i].column,
			         cols[i].table);
			const char *v;
			bool found;
			unsigned err = one_value(staff, sql, &v, &found);
			bool want = base_readable(r, cols[i].table, cols[i].column);
			bool denied =
			    err == DB_ER_TABLEACCESS_DENIED || err == DB_ER_COLUMNACCESS_DENIED;
			if (want ? err != 0 : !denied) {
				print_error("%s: %s.%s: %s (error %u)\n", privacy_db_role(r),
				            cols[i].table, cols[i].column,
				            want ? "should be readable" : "should be refused", err);
				bad++;
			}
		}
	}
	must(staff, "SET ROLE NONE");
	assert_int_equal(bad, 0);
}

/* Role r's view of table (its name), or NULL. */
static const char *view_of(enum staff_role r, const char *table)
{
	for (int v = 0; v < VIEW__MAX; v++)
		if (strcmp(privacy_view_table(v), table) == 0)
			return privacy_view_name(A, r, v);
	return NULL;
}

static void test_each_roles_views_give_exactly_what_the_privacy_filter_gives(void **state)
{
	(void)state;
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	int bad = 0, compared = 0;
	for (int r = 0; r < ROLE__MAX; r++) {
		if (!privacy_sees_people(r))
			continue;
		set_role(r);
		for (size_t i = 0; i < n; i++) {
			const struct privacy_column *c = &cols[i];
			const char *where = row_of(c->table, c->kind_value);
			const char *raw, *got;
			bool found, in_view;
			if (one_value(root,
			              arena_printf(A, "SELECT %s FROM %s WHERE %s", c->column,
			                           c->table, where),
			              &raw, &found) != 0 ||
			    !found)
				harness_die("no test row in %s: %s", c->table, mysql_error(root));
			const char *view = view_of(r, c->table);
			assert_non_null(view);
			unsigned err = one_value(
			    staff,
			    arena_printf(A, "SELECT %s FROM %s WHERE %s", c->column, view, where),
			    &got, &in_view);
			const char *want = privacy_filter_value(A, r, c, raw);
			compared++;
			if (err != 0 ||
			    (want == NULL ? got != NULL : got == NULL || strcmp(want, got))) {
				print_error("%s: %s.%s (%s) is '%s' in %s, want '%s' (error %u)\n",
				            privacy_db_role(r), c->table, c->column,
				            c->kind_value ? c->kind_value : "-", got ? got : "NULL",
				            view, want ? want : "NULL", err);
				bad++;
			}
		}
	}
	must(staff, "SET ROLE NONE");
	assert_int_equal(bad, 0);
	assert_true(compared > 100);
}

static long long view_count(enum staff_role r, enum privacy_view v, long long id)
{
	const char *value;
	bool found;
	set_role(r);
	unsigned err = one_value(staff,
	                         arena_printf(A, "SELECT COUNT(*) FROM %s WHERE %s = %lld",
	                                      privacy_view_name(A, r, v),
	                                      v == VIEW_CUSTOMERS ? "id" : "customer_id", id),
	                         &value, &found);
	must(staff, "SET ROLE NONE");
	return err == 0 && value != NULL ? atoll(value) : -1;
}

static void test_legal_reads_a_customer_only_while_a_case_is_open(void **state)
{
	(void)state;
	assert_int_equal(view_count(ROLE_LEGAL, VIEW_CUSTOMERS, cust), 1);
	assert_int_equal(view_count(ROLE_LEGAL, VIEW_PAYMENTS, cust), 1);
	assert_int_equal(view_count(ROLE_LEGAL, VIEW_CUSTOMERS, other), 0);
	assert_int_equal(view_count(ROLE_SUPPORT, VIEW_CUSTOMERS, other), 1);
	must(root, "UPDATE legal_cases SET closed_at = NOW(6) WHERE customer_id = %lld", cust);
	long long after = view_count(ROLE_LEGAL, VIEW_CUSTOMERS, cust);
	long long orders_after = view_count(ROLE_LEGAL, VIEW_ORDERS, cust);
	must(root, "UPDATE legal_cases SET closed_at = NULL WHERE customer_id = %lld", cust);
	assert_int_equal(after, 0);
	assert_int_equal(orders_after, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the rows of sql (each row's columns joined by ' ') to set. */
static size_t live_rows(const char *sql, char **set, size_t n, size_t cap)
{
	if (mysql_query(root, sql) != 0)
		harness_die("%s: %s", sql, mysql_error(root));
	MYSQL_RES *r = mysql_store_result(root);
	MYSQL_ROW row;
	while (r != NULL && (row = mysql_fetch_row(r)) != NULL && n < cap)
		set[n++] = arena_printf(A, "%s %s %s", row[0], row[1], row[2]);
	if (r != NULL)
		mysql_free_result(r);
	return n;
}

/* The privileges MariaDB keeps of one role on one table or column, in the order its grant tables
 * spell them ("Select,Update"). */
static const char *const priv_order[] = {"SELECT", "INSERT", "UPDATE", "DELETE"};

/* Merges the write privileges (privacy_writes) into want[0..n), entries "'<role>'@'' <PRIVS>
 * <table>.<column or *>", so that one target's privileges make one entry as in the grant
 * tables.  Returns the new count. */
static size_t want_writes(char **want, size_t n, size_t cap)
{
	size_t nw;
	const struct privacy_write *w = privacy_writes(&nw);
	for (size_t i = 0; i < nw; i++)
		for (int r = 0; r < ROLE__MAX; r++) {
			if (!(w[i].roles & (1u << r)))
				continue;
			char cols[256];
			snprintf(cols, sizeof(cols), "%s", w[i].columns ? w[i].columns : "*");
			for (char *save, *c = strtok_r(cols, ", ", &save); c != NULL;
			     c = strtok_r(NULL, ", ", &save)) {
				const char *target = arena_printf(A, "%s.%s", w[i].table, c);
				const char *who = arena_printf(A, "'%s'@''", privacy_db_role(r));
				/* The entry already wanted for this target, if any. */
				size_t k = 0;
				for (; k < n; k++) {
					const char *sp = strrchr(want[k], ' ');
					if (strncmp(want[k], who, strlen(who)) == 0 &&
					    strcmp(sp + 1, target) == 0)
						break;
				}
				unsigned mask = 0;
				if (k < n)
					for (size_t p = 0; p < 4; p++)
						if (strstr(want[k] + strlen(who), priv_order[p]))
							mask |= 1u << p;
				for (size_t p = 0; p < 4; p++)
					if (strcmp(w[i].privilege, priv_order[p]) == 0)
						mask |= 1u << p;
				struct buf b = {0};
				for (size_t p = 0; p < 4; p++)
					if (mask & (1u << p))
						buf_printf(&b, "%s%s", b.len ? "," : "",
						           priv_order[p]);
				const char *e = arena_printf(A, "%s %s %s", who, b.data, target);
				buf_free(&b);
				if (k < n)
					want[k] = (char *)e;
				else if (n < cap)
					want[n++] = (char *)e;
			}
		}
	return n;
}

static void test_live_grants_are_exactly_the_generated_grants(void **state)
{
	(void)state;
	enum { CAP = 2048 };
	char **live = arena_alloc(A, CAP * sizeof(char *));
	char **want = arena_alloc(A, CAP * sizeof(char *));
	struct buf in = {0};
	for (int r = 0; r < ROLE__MAX; r++)
		buf_printf(&in, "%s'%s'", r ? ", " : "", privacy_db_role(r));
	/* The grant tables themselves: information_schema adds what a role inherits from
	 * ditto_staff_role, which is not the generator's. */
	size_t nl =
	    live_rows(arena_printf(A,
	                           "SELECT CONCAT('''', User, '''@'''''), "
	                           "UPPER(Column_priv), CONCAT(Table_name, '.', Column_name) "
	                           "FROM mysql.columns_priv "
	                           "WHERE Db = DATABASE() AND User IN (%s)",
	                           in.data),
	              live, 0, CAP);
	nl = live_rows(arena_printf(A,
	                            "SELECT CONCAT('''', User, '''@'''''), UPPER(Table_priv), "
	                            "CONCAT(Table_name, '.*') FROM mysql.tables_priv "
	                            "WHERE Db = DATABASE() AND User IN (%s) AND Table_priv <> ''",
	                            in.data),
	               live, nl, CAP);
	/* Nothing database-wide. */
	nl = live_rows(arena_printf(A,
	                            "SELECT CONCAT('''', User, '''@'''''), 'ALL', "
	                            "CONCAT(Db, '.**') FROM mysql.db WHERE User IN (%s)",
	                            in.data),
	               live, nl, CAP);
	buf_free(&in);
	size_t ng, nw = 0;
	const struct privacy_grant *g = privacy_grants(A, &ng);
	for (size_t i = 0; i < ng && nw < CAP; i++)
		want[nw++] = g[i].column != NULL
		                 ? arena_printf(A, "'%s'@'' SELECT %s.%s",
		                                privacy_db_role(g[i].role), g[i].table, g[i].column)
		                 : arena_printf(A, "'%s'@'' SELECT %s.*",
		                                privacy_db_role(g[i].role), g[i].table);
	nw = want_writes(want, nw, CAP);
	qsort(live, nl, sizeof(char *), cmp_str);
	qsort(want, nw, sizeof(char *), cmp_str);
	int bad = 0;
	for (size_t i = 0, j = 0; i < nl || j < nw;) {
		int c = i == nl ? 1 : j == nw ? -1 : strcmp(live[i], want[j]);
		if (c < 0)
			print_error("granted but not generated: %s\n", live[i++]), bad++;
		else if (c > 0)
			print_error("generated but not granted: %s\n", want[j++]), bad++;
		else
			i++, j++;
	}
	assert_int_equal(bad, 0);
	assert_true(nw > 20);
	/* Each role holds the staff pool's own role, and the staff account holds each role. */
	for (int r = 0; r < ROLE__MAX; r++) {
		assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM mysql.roles_mapping WHERE "
		                               "User = '%s' AND Role = 'ditto_staff_role'",
		                               privacy_db_role(r)),
		                 1);
		assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM mysql.roles_mapping WHERE "
		                               "User = 'ditto_staff' AND Host = 'localhost' "
		                               "AND Role = '%s'",
		                               privacy_db_role(r)),
		                 1);
	}
}

static void test_no_role_updates_or_deletes_customers(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE__MAX; r++) {
		set_role(r);
		char sql[200];
		snprintf(sql, sizeof(sql),
		         "UPDATE customers SET name = 'x', email = 'x' WHERE id = %lld", cust);
		bool refused = mysql_query(staff, sql) != 0;
		unsigned err = mysql_errno(staff);
		if (!refused ||
		    (err != DB_ER_TABLEACCESS_DENIED && err != DB_ER_COLUMNACCESS_DENIED))
			print_error("%s may update customers (%u)\n", privacy_db_role(r), err);
		assert_true(refused);
		snprintf(sql, sizeof(sql), "DELETE FROM customers WHERE id = %lld", cust);
		refused = mysql_query(staff, sql) != 0;
		if (!refused)
			print_error("%s may delete customers\n", privacy_db_role(r));
		assert_true(refused);
		assert_int_equal(mysql_errno(staff), DB_ER_TABLEACCESS_DENIED);
	}
	must(staff, "SET ROLE NONE");
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customers WHERE id = %lld "
	                               "AND name LIKE 'Élodie%%'",
	                               cust),
	                 1);
}

/* A data-access handle as the staff pool has it, with role r set. */
static struct db *people_db(enum staff_role r)
{
	char sock[512], path[512], pw[256];
	snprintf(sock, sizeof(sock), "%s/run/mysqld.sock", env_state());
	snprintf(path, sizeof(path), "%s/secrets/ditto_staff", env_state());
	if (config_read_secret(path, pw, sizeof(pw)) < 0)
		harness_die("cannot read %s", path);
	struct db *db = db_new(&(struct db_params){.socket = sock,
	                                           .name = "ditto",
	                                           .user = "ditto_staff",
	                                           .password = pw,
	                                           .role = "ditto_staff_role"});
	if (db == NULL || db_set_role(db, privacy_db_role(r)) < 0)
		harness_die("cannot set role %s", privacy_db_role(r));
	return db;
}

static void test_people_get_gives_billing_its_columns_and_marks_what_it_showed(void **state)
{
	(void)state;
	struct db *db = people_db(ROLE_BILLING);
	struct person_detail d;
	assert_int_equal(db_people_get(db, A, ROLE_BILLING, cust, &d), 0);
	assert_string_equal(d.p.name, "Élodie  Ñúñez-Prado");
	assert_string_equal(d.p.email, arena_printf(A, "w***@exemple.fr"));
	assert_null(d.p.username);
	assert_null(d.p.phone);
	assert_null(d.p.registered_at);
	assert_string_equal(d.billing.line1, "1 Rue de la Paix");
	assert_null(d.shipping.line1);
	assert_string_equal(d.shipping.city, "Madrid");
	assert_int_equal(d.norders, 1);
	assert_string_equal(d.orders[0].status, "paid");
	assert_int_equal(d.orders[0].total_cents, 4200);
	assert_string_equal(d.orders[0].contact_email, "e***@exemple.fr");
	assert_string_equal(d.orders[0].payment_last4, "4242");
	assert_string_equal(d.orders[0].payment_expiry, "03/2031");
	assert_int_equal(d.orders[0].nlines, 1);
	assert_null(d.viewed_products);
	assert_true(d.p.shows_full[FIELD_NAME]);
	assert_true(d.p.shows_full[FIELD_BILLING_ADDRESS]);
	assert_true(d.p.shows_full[FIELD_PAYMENT]);
	assert_true(d.p.shows_full[FIELD_ORDERS]);
	assert_false(d.p.shows_full[FIELD_EMAIL]);
	assert_false(d.p.shows_full[FIELD_SHIPPING_ADDRESS]);
	assert_false(d.p.shows_full[FIELD_PHONE]);
	db_free(db);
}

static void test_people_get_gives_support_the_brand_only_and_admin_no_orders(void **state)
{
	(void)state;
	struct db *db = people_db(ROLE_SUPPORT);
	struct person_detail d;
	assert_int_equal(db_people_get(db, A, ROLE_SUPPORT, cust, &d), 0);
	assert_string_equal(d.p.phone, "+33 (0)6 12 34 56 78");
	assert_null(d.billing.line1);
	assert_string_equal(d.shipping.line1, "9 Calle Mayor");
	assert_int_equal(d.norders, 1);
	assert_string_equal(d.orders[0].payment_brand, "visa");
	assert_null(d.orders[0].payment_last4);
	assert_null(d.orders[0].payment_expiry);
	assert_false(d.p.shows_full[FIELD_PAYMENT]);
	db_free(db);
	db = people_db(ROLE_ADMIN);
	assert_int_equal(db_people_get(db, A, ROLE_ADMIN, cust, &d), 0);
	assert_string_equal(d.p.name, "É*** Ñ***");
	assert_null(d.p.phone);
	assert_int_equal(d.norders, 0);
	assert_false(d.p.shows_full[FIELD_NAME]);
	assert_true(d.p.shows_full[FIELD_USERNAME]);
	db_free(db);
}

static void test_people_get_gives_legal_everything_only_with_an_open_case(void **state)
{
	(void)state;
	struct db *db = people_db(ROLE_LEGAL);
	struct person_detail d;
	assert_int_equal(db_people_get(db, A, ROLE_LEGAL, cust, &d), 0);
	assert_non_null(d.p.phone);
	assert_int_equal(d.nviewed, 1);
	assert_non_null(strstr(d.viewed_products[0], "(3 views)"));
	assert_int_equal(d.ninterests, 1);
	assert_true(d.p.shows_full[FIELD_PROFILE]);
	assert_int_equal(db_people_get(db, A, ROLE_LEGAL, other, &d), 1);
	struct person_page pg;
	assert_int_equal(db_people_list(db, A, ROLE_LEGAL, uname, 1, 50, &pg), 0);
	assert_int_equal(pg.n, 1);
	db_free(db);
}

static void test_people_search_matches_only_fields_the_role_sees_in_full(void **state)
{
	(void)state;
	struct person_page pg;
	struct db *db = people_db(ROLE_BILLING);
	/* billing sees names in full, emails masked, usernames not at all */
	assert_int_equal(db_people_list(db, A, ROLE_BILLING, "Ñúñez-Prado", 1, 20, &pg), 0);
	assert_int_equal(pg.n, 1);
	assert_int_equal(pg.rows[0].id, cust);
	assert_int_equal(db_people_list(db, A, ROLE_BILLING, uname, 1, 20, &pg), 0);
	assert_int_equal(pg.n, 0);
	db_free(db);
	db = people_db(ROLE_SUPPORT);
	assert_int_equal(db_people_list(db, A, ROLE_SUPPORT, uname, 1, 1, &pg), 0);
	assert_int_equal(pg.n, 1);
	assert_true(pg.more); /* the other customer's username starts the same */
	db_free(db);
	db = people_db(ROLE_ANALYST);
	assert_int_equal(db_people_list(db, A, ROLE_ANALYST, NULL, 1, 20, &pg), 0);
	assert_int_equal(pg.n, 0);
	struct person_detail d;
	assert_int_equal(db_people_get(db, A, ROLE_ANALYST, cust, &d), 1);
	db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_role_reads_a_base_column_only_when_it_sees_it_in_full),
	    cmocka_unit_test(test_each_roles_views_give_exactly_what_the_privacy_filter_gives),
	    cmocka_unit_test(test_legal_reads_a_customer_only_while_a_case_is_open),
	    cmocka_unit_test(test_live_grants_are_exactly_the_generated_grants),
	    cmocka_unit_test(test_no_role_updates_or_deletes_customers),
	    cmocka_unit_test(test_people_get_gives_billing_its_columns_and_marks_what_it_showed),
	    cmocka_unit_test(test_people_get_gives_support_the_brand_only_and_admin_no_orders),
	    cmocka_unit_test(test_people_get_gives_legal_everything_only_with_an_open_case),
	    cmocka_unit_test(test_people_search_matches_only_fields_the_role_sees_in_full),
	};
	return cmocka_run_group_tests_name("privacy_db", tests, setup, teardown);
}
