/* plans.h — the registry of hot statements and the plans they must keep, for the plan tests. */
#ifndef DITTO_DB_PLANS_H
#define DITTO_DB_PLANS_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/*
 * The texts of the statements on a hot path, defined in their modules (the very text the
 * code runs) and listed with their sample arguments by db_hot_plans.
 */
extern const char db_sql_session_get[];            /* sessions.c: every signed-in request */
extern const char db_sql_category_list[];          /* catalog.c: categories and their counts */
extern const char db_sql_product_list_all[];       /* catalog.c: a catalogue page, all */
extern const char db_sql_product_list_category[];  /* catalog.c: a catalogue page, one category */
extern const char db_sql_product_list_all_price[]; /* catalog.c: all, cheapest first */
extern const char db_sql_product_list_all_price_desc[];      /* catalog.c: all, dearest first */
extern const char db_sql_product_list_all_name[];            /* catalog.c: all, by name */
extern const char db_sql_product_list_category_price[];      /* catalog.c: a category, cheapest */
extern const char db_sql_product_list_category_price_desc[]; /* catalog.c: a category, dearest */
extern const char db_sql_product_list_category_name[];       /* catalog.c: a category, by name */
extern const char db_sql_product_search_count[];      /* catalog.c: how many a search finds */
extern const char db_sql_product_search_new[];        /* catalog.c: a search, newest first */
extern const char db_sql_product_search_price[];      /* catalog.c: a search, cheapest first */
extern const char db_sql_product_search_price_desc[]; /* catalog.c: a search, dearest first */
extern const char db_sql_product_search_name[];       /* catalog.c: a search, by name */
extern const char db_sql_product_get[];               /* catalog.c: the product page */
extern const char db_sql_product_images[];            /* catalog.c: the product page's images */
extern const char db_sql_cart_list[];                 /* shop.c: the cart */
extern const char db_sql_order_list[];                /* shop.c: the customer's order list */

/* What one table of a statement's plan must do. */
struct db_plan_expect {
	const char *table; /* EXPLAIN's table column: alias or <derivedN>; NULL ends the list */
	const char *key;   /* index it must use, or NULL: any index */
	bool whole;        /* a full (index) scan of it is intended */
	bool sorts;        /* a sort of its rows is intended (a search's matches, never a table) */
};

/* One argument of a sample: a constant, or a value read from the data. */
struct db_plan_arg {
	struct db_arg value; /* the argument; with sample, only its type counts */
	const char *sample;  /* NULL, or a query whose first cell (first row) is the value */
};

/* The most placeholders a registered statement may have. */
enum { DB_PLAN_MAX_ARGS = 6 };

/* One set of arguments for a statement, named for the failure message. */
struct db_plan_sample {
	const char *name; /* "biggest category, deep page" */
	struct db_plan_arg args[DB_PLAN_MAX_ARGS];
};

/*
 * A hot statement.  The rules a plan test applies to each row of EXPLAIN: no
 * "Using filesort" or "Using temporary"; no full table or full index scan (type ALL or
 * index) unless the table's expect says whole; the index expect names, when it names one.
 * Tables not listed in expect may use any index.
 */
struct db_plan {
	const char *name; /* "catalogue page, all categories" */
	const char *sql;  /* the very text the code runs */
	size_t nargs;     /* placeholders in sql: args used of each sample */
	struct db_plan_sample samples[4];
	size_t nsamples;
	struct db_plan_expect expect[6]; /* ended by a NULL table */
};

/*
 * Stores the registry (static, never freed) in *out and returns its length.  Sample
 * queries are functions of the data (the biggest and the smallest category, a customer
 * with orders, a live session's token hash): a test resolves them in its own database.
 */
size_t db_hot_plans(const struct db_plan **out);

#endif
