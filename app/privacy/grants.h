/* grants.h — the second wall: the MariaDB roles, column grants and per-role masking views, all
 * generated from the who-sees-what table and the personal columns of privacy.h. */
#ifndef DITTO_PRIVACY_GRANTS_H
#define DITTO_PRIVACY_GRANTS_H

#include <stddef.h>

#include "privacy.h"

struct arena;

/*
 * The staff views of personal data: one per table that holds personal
 * columns, created for every role that sees people as
 * "staff_<role>_<view>".  Every role's view has the same columns: the keys,
 * then each personal column of the table (full as stored, masked in SQL
 * exactly as privacy_mask_column() masks it, NULL when the role does not see
 * it), then a few labels that follow their column's visibility (a viewed
 * product's name, an interest's category name).  A row is returned only when
 * the role sees at least one of its columns, and for a role that needs an
 * open case (legal) only for customers with an open legal case.
 */
enum privacy_view {
	VIEW_CUSTOMERS,     /* customers: id, status, ... */
	VIEW_ADDRESSES,     /* customer_addresses: customer_id, kind, ... */
	VIEW_ORDERS,        /* orders: id, customer_id, ... */
	VIEW_ORDER_LINES,   /* order_lines: order_id, line_no, customer_id, ... */
	VIEW_ORDER_HISTORY, /* order_status_history: id, order_id, customer_id, changed_by, ... */
	VIEW_PAYMENTS,      /* payments: order_id, customer_id, ... */
	VIEW_PROFILE,       /* product_views: customer_id, ..., product_name */
	VIEW_INTERESTS,     /* customer_interests: customer_id, ..., category_name */
	VIEW_PAYMENT_ATTEMPTS, /* payment_attempts: id, customer_id, ... (failed card payments) */
	VIEW__MAX
};

/* The view's suffix ("addresses"); NULL when out of range. */
const char *privacy_view_suffix(enum privacy_view v);
/* The base table the view reads ("customer_addresses"); NULL when out of range. */
const char *privacy_view_table(enum privacy_view v);
/*
 * The name of role r's view v ("staff_billing_addresses"), in arena a.
 * Returns NULL when either is out of range or r sees no person (such a role
 * has no views).
 */
const char *privacy_view_name(struct arena *a, enum staff_role r, enum privacy_view v);

/* One privilege the generator gives a staff role (besides ditto_staff_role, which each holds). */
struct privacy_grant {
	enum staff_role role;
	const char *table;  /* a base table, or a view when column is NULL */
	const char *column; /* SELECT on this column of the base table; NULL: SELECT on the view */
};

/*
 * Every privilege privacy_grants_sql() grants to the ditto_<role> roles,
 * in arena a; stores their count in *n.  Base tables: SELECT on every
 * personal column whose field the role sees in full, with the table's key
 * columns (customer_addresses only to a role that sees both of its kinds in
 * full; nothing at all for a role that needs an open case).  Views: SELECT
 * on each of the role's own views.
 */
const struct privacy_grant *privacy_grants(struct arena *a, size_t *n);

/* A privilege that lets roles change data (their actions'), granted with the rest. */
struct privacy_write {
	unsigned roles;        /* bit (1u << role) for each role that holds it */
	const char *privilege; /* "UPDATE", "INSERT", "DELETE" or "SELECT" */
	const char *table;
	const char *columns; /* "status, note": on these columns only; NULL: the whole table */
};

/* Every write privilege of the staff roles (their count in *n). */
const struct privacy_write *privacy_writes(size_t *n);

/*
 * The SQL statements, in order, that make MariaDB hold exactly
 * privacy_grants(): create the six roles, revoke everything they hold,
 * grant each ditto_staff_role (the staff pool's non-personal privileges),
 * its column grants and its write privileges (privacy_writes), create or
 * replace its views (SQL SECURITY DEFINER: the role reads the view, never
 * the masked base columns) and grant them, drop the views of a role that
 * sees no person, and, when staff_account is not NULL, grant the six roles
 * to staff_account@localhost.  Running them again converges on the table.
 * Each statement is one string in arena a without a trailing ';'; stores
 * their count in *n.  Returns NULL when staff_account is not a plain
 * identifier ([A-Za-z0-9_], at most 64 characters).
 */
const char **privacy_grants_sql(struct arena *a, const char *staff_account, size_t *n);

#endif
