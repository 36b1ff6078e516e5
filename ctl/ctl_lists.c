/* ctl_lists.c — `dittoctl customer list` and `dittoctl order list`: the operator finds whom to
 * approve and which orders wait without SQL, as tables for a terminal (ctl_table.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/db/orders.h"
#include "../app/status.h"
#include "../app/validate.h"
#include "ctl.h"

#define LIST_DEFAULT_LIMIT 100
#define LIST_MAX_LIMIT     100000

const char ctl_customer_list_usage[] =
    "usage: dittoctl customer list [--status STATUS] [--limit N]\n"
    "Prints the customers, oldest registration first (the order representatives work the\n"
    "queue in), as a table: ID, USERNAME, NAME, EMAIL, STATUS, REGISTERED (UTC) and\n"
    "CONFIRMED (whether the email address was confirmed by its link).\n"
    "--status STATUS  only customers in STATUS: pending, approved, denied, cancelled,\n"
    "                 deactivated or deleted. \"--status pending\" lists whom to approve\n"
    "                 (then: dittoctl customer approve USERNAME).\n"
    "--limit N        at most N lines (default 100).\n"
    "Prints \"no customers\" on stderr when none match. Connects as db_admin_user.";

const char ctl_order_list_usage[] =
    "usage: dittoctl order list [--status STATUS] [--limit N]\n"
    "Prints the orders, newest first, as a table: ID, PLACED (UTC), STATUS, PAYMENT (card or\n"
    "invoice; \"card (test)\" when the sandbox processor took it), TOTAL (EUR), ITEMS and\n"
    "CUSTOMER (the username; \"(erased)\" once the account was purged).\n"
    "--status STATUS  only orders in STATUS: placed, paid, shipped, delivered, cancelled or\n"
    "                 refunded. \"--status placed\" lists invoice orders waiting for payment.\n"
    "--limit N        at most N lines (default 100).\n"
    "Prints \"no orders\" on stderr when none match. Connects as db_admin_user.";

/* Parses [--status S] [--limit N] after argv[0]; what is a valid status is up to valid().
 * Returns -1 to go on, else the exit status (help printed, or one usage line). */
static int list_args(int argc, char **argv, const char *what, const char *usage,
                     int (*valid)(const char *), const char *statuses, const char **status,
                     long long *limit)
{
	*status = NULL;
	*limit = LIST_DEFAULT_LIMIT;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		bool is_status = false;
		if ((strcmp(argv[i], "--status") == 0 || strcmp(argv[i], "--limit") == 0) &&
		    i + 1 < argc) {
			is_status = argv[i][2] == 's';
			v = argv[++i];
		} else if (strncmp(argv[i], "--status=", 9) == 0) {
			is_status = true;
			v = argv[i] + 9;
		} else if (strncmp(argv[i], "--limit=", 8) == 0) {
			v = argv[i] + 8;
		} else if (strcmp(argv[i], "--status") == 0 || strcmp(argv[i], "--limit") == 0) {
			return usage_fail("%s needs a value (try: dittoctl %s list --help)",
			                  argv[i], what);
		} else {
			return usage_fail("unexpected argument '%s' (try: dittoctl %s list --help)",
			                  argv[i], what);
		}
		if (is_status) {
			if (valid(v) < 0)
				return usage_fail("unknown status '%s' (one of: %s)", v, statuses);
			*status = v;
		} else if (!valid_id(v, limit) || *limit > LIST_MAX_LIMIT) {
			return usage_fail("--limit needs a number from 1 to %d, not '%s'",
			                  LIST_MAX_LIMIT, v);
		}
	}
	return -1;
}

int ctl_customer_list(int argc, char **argv)
{
	const char *status;
	long long limit;
	int rc = list_args(argc, argv, "customer", ctl_customer_list_usage, customer_status_parse,
	                   "pending, approved, denied, cancelled, deactivated, deleted", &status,
	                   &limit);
	if (rc >= 0)
		return rc;
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct customer_row *c;
	size_t n;
	rc = CTL_OK;
	if (db_customer_list_all(db, a, status, limit, &c, &n) < 0) {
		rc = fail("cannot read the customers: %s", db_error(db));
	} else if (n == 0) {
		fprintf(stderr, "dittoctl: no %s%scustomers\n", status ? status : "",
		        status ? " " : "");
	} else {
		static const char *const head[] = {"ID",     "USERNAME",   "NAME",     "EMAIL",
		                                   "STATUS", "REGISTERED", "CONFIRMED"};
		enum { NC = sizeof(head) / sizeof(head[0]) };
		const char **cells = arena_alloc(a, sizeof(*cells) * NC * n);
		for (size_t i = 0; i < n; i++) {
			const char **row = cells + i * NC;
			row[0] = arena_printf(a, "%lld", c[i].id);
			row[1] = c[i].username;
			row[2] = c[i].name;
			row[3] = c[i].email;
			row[4] = c[i].status;
			row[5] = c[i].registered_at;
			row[6] = c[i].email_confirmed ? "yes" : "no";
		}
		ctl_table_print(NC, head, 1u << 0, cells, n);
	}
	arena_free(a);
	db_free(db);
	return rc;
}

int ctl_order_list(int argc, char **argv)
{
	const char *status;
	long long limit;
	int rc =
	    list_args(argc, argv, "order", ctl_order_list_usage, order_status_parse,
	              "placed, paid, shipped, delivered, cancelled, refunded", &status, &limit);
	if (rc >= 0)
		return rc;
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct order_row *o;
	size_t n;
	rc = CTL_OK;
	if (db_order_list_all(db, a, status, limit, &o, &n) < 0) {
		rc = fail("cannot read the orders: %s", db_error(db));
	} else if (n == 0) {
		fprintf(stderr, "dittoctl: no %s%sorders\n", status ? status : "",
		        status ? " " : "");
	} else {
		static const char *const head[] = {"ID",    "PLACED", "STATUS",  "PAYMENT",
		                                   "TOTAL", "ITEMS",  "CUSTOMER"};
		enum { NC = sizeof(head) / sizeof(head[0]) };
		const char **cells = arena_alloc(a, sizeof(*cells) * NC * n);
		for (size_t i = 0; i < n; i++) {
			const char **row = cells + i * NC;
			row[0] = arena_printf(a, "%lld", o[i].id);
			row[1] = o[i].created_at;
			row[2] = o[i].status;
			row[3] = o[i].test_order ? arena_printf(a, "%s (test)", o[i].payment_mode)
			                         : o[i].payment_mode;
			row[4] = arena_printf(a, "%lld.%02lld", o[i].total_cents / 100,
			                      o[i].total_cents % 100);
			row[5] = arena_printf(a, "%lld", o[i].units);
			row[6] = o[i].username ? o[i].username : "(erased)";
		}
		ctl_table_print(NC, head, (1u << 0) | (1u << 4) | (1u << 5), cells, n);
	}
	arena_free(a);
	db_free(db);
	return rc;
}
