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

/* One list command: what it lists, how it reads the rows and how a row becomes a table line. */
struct list_kind {
	const char *what;   /* "customer": the command's noun */
	const char *plural; /* "customers", for the messages */
	const char *usage;
	int (*valid)(const char *status);
	const char *statuses; /* the valid ones, for the usage line */
	const char *const *head;
	size_t ncols;
	unsigned right; /* bit c: column c is right-aligned */
	/* Reads at most limit rows (status NULL: any) into *rows, *n (arena a). Returns 0 or -1. */
	int (*read)(struct db *db, struct arena *a, const char *status, long long limit,
	            const void **rows, size_t *n);
	/* Fills cells[0..ncols) for row i of rows. */
	void (*fill)(struct arena *a, const void *rows, size_t i, const char **cells);
};

static int list_run(const struct list_kind *k, int argc, char **argv)
{
	const char *status;
	long long limit;
	int rc = list_args(argc, argv, k->what, k->usage, k->valid, k->statuses, &status, &limit);
	if (rc >= 0)
		return rc;
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	const void *rows;
	size_t n;
	rc = CTL_OK;
	if (k->read(db, a, status, limit, &rows, &n) < 0) {
		rc = fail("cannot read the %s: %s", k->plural, db_error(db));
	} else if (n == 0) {
		fprintf(stderr, "dittoctl: no %s%s%s\n", status ? status : "", status ? " " : "",
		        k->plural);
	} else {
		const char **cells = arena_alloc(a, sizeof(*cells) * k->ncols * n);
		for (size_t i = 0; i < n; i++)
			k->fill(a, rows, i, cells + i * k->ncols);
		ctl_table_print(k->ncols, k->head, k->right, cells, n);
	}
	arena_free(a);
	db_free(db);
	return rc;
}

static int customers_read(struct db *db, struct arena *a, const char *status, long long limit,
                          const void **rows, size_t *n)
{
	struct customer_row *c = NULL;
	int rc = db_customer_list_all(db, a, status, limit, &c, n);
	*rows = c;
	return rc;
}

static void customer_fill(struct arena *a, const void *rows, size_t i, const char **row)
{
	const struct customer_row *c = (const struct customer_row *)rows + i;
	row[0] = arena_printf(a, "%lld", c->id);
	row[1] = c->username;
	row[2] = c->name;
	row[3] = c->email;
	row[4] = c->status;
	row[5] = c->registered_at;
	row[6] = c->email_confirmed ? "yes" : "no";
}

static const char *const customer_head[] = {"ID",     "USERNAME",   "NAME",     "EMAIL",
                                            "STATUS", "REGISTERED", "CONFIRMED"};

int ctl_customer_list(int argc, char **argv)
{
	static const struct list_kind k = {
	    .what = "customer",
	    .plural = "customers",
	    .usage = ctl_customer_list_usage,
	    .valid = customer_status_parse,
	    .statuses = "pending, approved, denied, cancelled, deactivated, deleted",
	    .head = customer_head,
	    .ncols = sizeof(customer_head) / sizeof(customer_head[0]),
	    .right = 1u << 0,
	    .read = customers_read,
	    .fill = customer_fill,
	};
	return list_run(&k, argc, argv);
}

static int orders_read(struct db *db, struct arena *a, const char *status, long long limit,
                       const void **rows, size_t *n)
{
	struct order_row *o = NULL;
	int rc = db_order_list_all(db, a, status, limit, &o, n);
	*rows = o;
	return rc;
}

static void order_fill(struct arena *a, const void *rows, size_t i, const char **row)
{
	const struct order_row *o = (const struct order_row *)rows + i;
	row[0] = arena_printf(a, "%lld", o->id);
	row[1] = o->created_at;
	row[2] = o->status;
	row[3] = o->test_order ? arena_printf(a, "%s (test)", o->payment_mode) : o->payment_mode;
	row[4] = arena_printf(a, "%lld.%02lld", o->total_cents / 100, o->total_cents % 100);
	row[5] = arena_printf(a, "%lld", o->units);
	row[6] = o->username ? o->username : "(erased)";
}

static const char *const order_head[] = {"ID",    "PLACED", "STATUS",  "PAYMENT",
                                         "TOTAL", "ITEMS",  "CUSTOMER"};

int ctl_order_list(int argc, char **argv)
{
	static const struct list_kind k = {
	    .what = "order",
	    .plural = "orders",
	    .usage = ctl_order_list_usage,
	    .valid = order_status_parse,
	    .statuses = "placed, paid, shipped, delivered, cancelled, refunded",
	    .head = order_head,
	    .ncols = sizeof(order_head) / sizeof(order_head[0]),
	    .right = (1u << 0) | (1u << 4) | (1u << 5),
	    .read = orders_read,
	    .fill = order_fill,
	};
	return list_run(&k, argc, argv);
}
