/* grants.c — generates the MariaDB side of the who-sees-what table: roles, column grants on the
 * base tables and per-role masking views, from privacy.c's table and personal columns. */
#include "grants.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../arena.h"

/* A key column of a view: not a personal field, present for every role that sees the row. */
struct view_key {
	const char *name;
	const char *expr; /* NULL: the base table's own column t.<name> (granted with the table) */
};

/* A label shown beside a personal column, with that column's visibility (full only). */
struct view_label {
	const char *name;
	const char *expr;
	const char *column; /* the personal column of the base table it follows */
};

#define ORDER_JOIN "JOIN orders o ON o.id = t.order_id"

/* Which tables the views read, their keys, and how a row reaches its customer. */
static const struct view_def {
	const char *suffix;
	const char *table;
	const char *join;     /* joined after "FROM <table> t", or NULL */
	const char *customer; /* the customer id of a row (legal's open-case filter) */
	struct view_key keys[4];
	struct view_label labels[1];
} views[VIEW__MAX] = {
    [VIEW_CUSTOMERS] = {.suffix = "customers",
                        .table = "customers",
                        .customer = "t.id",
                        .keys = {{.name = "id"}, {.name = "status"}}},
    [VIEW_ADDRESSES] = {.suffix = "addresses",
                        .table = "customer_addresses",
                        .customer = "t.customer_id",
                        .keys = {{.name = "customer_id"}, {.name = "kind"}}},
    [VIEW_ORDERS] = {.suffix = "orders",
                     .table = "orders",
                     .customer = "t.customer_id",
                     .keys = {{.name = "id"}, {.name = "customer_id"}}},
    [VIEW_ORDER_LINES] = {.suffix = "order_lines",
                          .table = "order_lines",
                          .join = ORDER_JOIN,
                          .customer = "o.customer_id",
                          .keys = {{.name = "order_id"},
                                   {.name = "line_no"},
                                   {.name = "customer_id", .expr = "o.customer_id"}}},
    [VIEW_ORDER_HISTORY] = {.suffix = "order_history",
                            .table = "order_status_history",
                            .join = ORDER_JOIN,
                            .customer = "o.customer_id",
                            .keys = {{.name = "id"},
                                     {.name = "order_id"},
                                     {.name = "customer_id", .expr = "o.customer_id"},
                                     {.name = "changed_by"}}},
    [VIEW_PAYMENTS] = {.suffix = "payments",
                       .table = "payments",
                       .join = ORDER_JOIN,
                       .customer = "o.customer_id",
                       .keys = {{.name = "order_id"},
                                {.name = "customer_id", .expr = "o.customer_id"}}},
    [VIEW_PROFILE] = {.suffix = "profile",
                      .table = "product_views",
                      .customer = "t.customer_id",
                      .keys = {{.name = "customer_id"}},
                      .labels = {{.name = "product_name",
                                  .expr = "(SELECT p.name FROM products p WHERE p.id = "
                                          "t.product_id)",
                                  .column = "product_id"}}},
    [VIEW_INTERESTS] = {.suffix = "interests",
                        .table = "customer_interests",
                        .customer = "t.customer_id",
                        .keys = {{.name = "customer_id"}},
                        .labels = {{.name = "category_name",
                                    .expr = "(SELECT c.name FROM categories c WHERE c.id = "
                                            "t.category_id)",
                                    .column = "category_id"}}},
    [VIEW_PAYMENT_ATTEMPTS] = {.suffix = "payment_attempts",
                               .table = "payment_attempts",
                               .customer = "t.customer_id",
                               .keys = {{.name = "id"}, {.name = "customer_id"}}},
};

#undef ORDER_JOIN

const char *privacy_view_suffix(enum privacy_view v)
{
	return (unsigned)v < VIEW__MAX ? views[v].suffix : NULL;
}

const char *privacy_view_table(enum privacy_view v)
{
	return (unsigned)v < VIEW__MAX ? views[v].table : NULL;
}

const char *privacy_view_name(struct arena *a, enum staff_role r, enum privacy_view v)
{
	if ((unsigned)v >= VIEW__MAX || privacy_role_name(r) == NULL || !privacy_sees_people(r))
		return NULL;
	return arena_printf(a, "staff_%s_%s", privacy_role_name(r), views[v].suffix);
}

static bool seen(enum visibility v)
{
	return v == VIS_FULL || v == VIS_MASKED;
}

/* True when cols[i] is the first personal column of its table with its name. */
static bool first_of_name(const struct privacy_column *cols, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(cols[j].table, cols[i].table) == 0 &&
		    strcmp(cols[j].column, cols[i].column) == 0)
			return false;
	return true;
}

/* True when role r sees every row kind of table.column in full (and it is a personal column). */
static bool column_full(enum staff_role r, const char *table, const char *column)
{
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cols[i].table, table) != 0 || strcmp(cols[i].column, column) != 0)
			continue;
		if (privacy_visibility(r, cols[i].field) != VIS_FULL)
			return false;
		any = true;
	}
	return any;
}

/* Appends what role r reads of stored value src (an SQL expression) of column c. */
static void column_expr(struct buf *b, enum staff_role r, const struct privacy_column *c,
                        const char *src)
{
	/* The SQL twins of privacy_mask_name/_email/_phone: the name walks the same
	 * whitespace (space, tab, CR, LF) and keeps each word's first character (a code point:
	 * MariaDB's regular expressions run in UTF-8 mode on utf8mb4 columns). */
	static const char ws[] = "[ \t\r\n]";
	static const char nws[] = "[^ \t\r\n]";
	enum visibility v = privacy_visibility(r, c->field);
	if (v == VIS_FULL) {
		buf_puts(b, src);
		return;
	}
	/* A column the role does not get is NULL of the column's own type ("IF(FALSE, col,
	 * NULL)"), so every role's view has the same column types as the base table. */
	if (v != VIS_MASKED) {
		buf_printf(b, "IF(FALSE, %s, NULL)", src);
		return;
	}
	switch (c->mask) {
	case MASK_KEEP:
		buf_puts(b, src);
		return;
	case MASK_NAME:
		buf_printf(b,
		           "REGEXP_REPLACE(REGEXP_REPLACE(%s, '%s*(%s)%s*%s*', '\\\\1*** '), "
		           "'%s+$', '')",
		           src, ws, nws, nws, ws, ws);
		return;
	case MASK_EMAIL:
		buf_printf(b,
		           "CASE WHEN %s IS NULL THEN NULL WHEN LOCATE('@', %s) = 0 THEN '***' "
		           "ELSE CONCAT(IF(LEFT(%s, 1) IN ('@', '*'), '', LEFT(%s, 1)), '***@', "
		           "SUBSTRING_INDEX(%s, '@', -1)) END",
		           src, src, src, src, src);
		return;
	case MASK_PHONE:
		buf_printf(
		    b,
		    "CASE WHEN %s IS NULL THEN NULL "
		    "WHEN CHAR_LENGTH(REGEXP_REPLACE(%s, '[^0-9]', '')) < 4 THEN '***' "
		    "ELSE CONCAT('***-***-', RIGHT(REGEXP_REPLACE(%s, '[^0-9]', ''), 4)) END",
		    src, src, src);
		return;
	case MASK_DROP:
		break;
	}
	buf_printf(b, "IF(FALSE, %s, NULL)", src);
}

/* Appends the select-list item of personal column name (first entry cols[i]) for role r. */
static void select_column(struct buf *b, enum staff_role r, const struct privacy_column *cols,
                          size_t n, size_t i)
{
	char src[96];
	snprintf(src, sizeof(src), "t.%s", cols[i].column);
	if (cols[i].kind_value == NULL) {
		column_expr(b, r, &cols[i], src);
	} else {
		/* One table, two fields: the row's kind picks the field. */
		buf_puts(b, "CASE t.kind");
		for (size_t j = i; j < n; j++) {
			if (strcmp(cols[j].table, cols[i].table) != 0 ||
			    strcmp(cols[j].column, cols[i].column) != 0 ||
			    cols[j].kind_value == NULL)
				continue;
			buf_printf(b, " WHEN '%s' THEN ", cols[j].kind_value);
			column_expr(b, r, &cols[j], src);
		}
		buf_puts(b, " END");
	}
	buf_printf(b, " AS %s", cols[i].column);
}

/* Appends the WHERE condition of role r's view d: rows it sees a column of, open case. */
static void view_filter(struct buf *b, enum staff_role r, const struct view_def *d)
{
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	bool any = false, kinds = false;
	struct buf k = {0};
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cols[i].table, d->table) != 0)
			continue;
		if (cols[i].kind_value != NULL) {
			kinds = true;
			if (seen(privacy_visibility(r, cols[i].field)) &&
			    (k.data == NULL || strstr(k.data, cols[i].kind_value) == NULL))
				buf_printf(&k, "%s'%s'", k.len ? ", " : "", cols[i].kind_value);
		} else if (seen(privacy_visibility(r, cols[i].field))) {
			any = true;
		}
	}
	if (kinds && k.len > 0)
		buf_printf(b, "t.kind IN (%s)", k.data);
	else
		buf_puts(b, any ? "TRUE" : "FALSE");
	buf_free(&k);
	if (privacy_needs_open_case(r))
		buf_printf(b,
		           " AND EXISTS (SELECT 1 FROM legal_cases lc WHERE lc.customer_id = %s "
		           "AND lc.closed_at IS NULL)",
		           d->customer);
}

/* The CREATE OR REPLACE VIEW statement of role r's view v. */
static const char *view_sql(struct arena *a, enum staff_role r, enum privacy_view v)
{
	const struct view_def *d = &views[v];
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	struct buf b = {0};
	buf_printf(&b, "CREATE OR REPLACE SQL SECURITY DEFINER VIEW %s AS SELECT ",
	           privacy_view_name(a, r, v));
	for (size_t i = 0; i < sizeof(d->keys) / sizeof(d->keys[0]) && d->keys[i].name; i++) {
		if (d->keys[i].expr != NULL)
			buf_printf(&b, "%s%s AS %s", i ? ", " : "", d->keys[i].expr,
			           d->keys[i].name);
		else
			buf_printf(&b, "%st.%s AS %s", i ? ", " : "", d->keys[i].name,
			           d->keys[i].name);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cols[i].table, d->table) != 0 || !first_of_name(cols, i))
			continue;
		buf_puts(&b, ", ");
		select_column(&b, r, cols, n, i);
	}
	for (size_t i = 0; i < sizeof(d->labels) / sizeof(d->labels[0]) && d->labels[i].name; i++) {
		const struct view_label *l = &d->labels[i];
		buf_printf(&b, ", %s AS %s", column_full(r, d->table, l->column) ? l->expr : "NULL",
		           l->name);
	}
	buf_printf(&b, " FROM %s t%s%s WHERE ", d->table, d->join ? " " : "",
	           d->join ? d->join : "");
	view_filter(&b, r, d);
	const char *sql = arena_strdup(a, b.data);
	buf_free(&b);
	return sql;
}

/* Grows the list of grants by one. */
struct grant_list {
	struct privacy_grant *g;
	size_t n, cap;
	struct arena *a;
};

static void add_grant(struct grant_list *l, enum staff_role r, const char *table,
                      const char *column)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct privacy_grant *g = arena_alloc(l->a, cap * sizeof(*g));
		if (l->n)
			memcpy(g, l->g, l->n * sizeof(*g));
		l->g = g;
		l->cap = cap;
	}
	l->g[l->n++] = (struct privacy_grant){r, table, column};
}

/* Role r's column grants on view d's base table: its full columns with the table's keys. */
static void add_base_grants(struct grant_list *l, enum staff_role r, const struct view_def *d)
{
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	/* A role that sees people only while a case is open reads rows, not tables. */
	if (privacy_needs_open_case(r))
		return;
	size_t before = l->n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cols[i].table, d->table) == 0 && first_of_name(cols, i) &&
		    column_full(r, d->table, cols[i].column))
			add_grant(l, r, d->table, cols[i].column);
	if (l->n == before)
		return;
	for (size_t i = 0; i < sizeof(d->keys) / sizeof(d->keys[0]) && d->keys[i].name; i++)
		if (d->keys[i].expr == NULL)
			add_grant(l, r, d->table, d->keys[i].name);
}

const struct privacy_grant *privacy_grants(struct arena *a, size_t *n)
{
	struct grant_list l = {.a = a};
	for (int r = 0; r < ROLE__MAX; r++) {
		for (int v = 0; v < VIEW__MAX; v++)
			add_base_grants(&l, r, &views[v]);
		if (!privacy_sees_people(r))
			continue;
		for (int v = 0; v < VIEW__MAX; v++)
			add_grant(&l, r, privacy_view_name(a, r, v), NULL);
	}
	*n = l.n;
	return l.g;
}

#define R(x) (1u << (x))

/* What each role may change: the privileges its actions need, beyond reading.  Nothing else is
 * writable by a role, so a handler that strays past its duties gets an access-denied error
 * from the server. */
static const struct privacy_write writes[] = {
    /* Approve, deny, cancel, restore: the status and when it changed, its history row, and
     * the customer's sessions ended (the DELETE's WHERE names both columns: no other
     * column of a session, its token's hash least of all, is readable). */
    {R(ROLE_REPRESENTATIVE), "UPDATE", "customers", "status, status_changed_at"},
    {R(ROLE_REPRESENTATIVE), "INSERT", "customer_status_history", NULL},
    {R(ROLE_REPRESENTATIVE), "SELECT", "sessions", "id, customer_id"},
    {R(ROLE_REPRESENTATIVE), "DELETE", "sessions", NULL},
    /* The message telling the customer, and a contact attempt's note (read back on the
     * customer page for the next representative). */
    {R(ROLE_REPRESENTATIVE), "INSERT", "outbox", NULL},
    {R(ROLE_REPRESENTATIVE), "INSERT", "customer_contacts", NULL},
    {R(ROLE_REPRESENTATIVE), "SELECT", "customer_contacts", NULL},
    /* Legal cases: the officer reads and opens them and closes an open one, and names the
     * customer only by customer_ref, which the table's trigger resolves (schema/015): the
     * role reads no customer and cannot set customer_id itself, so it can neither list
     * customers nor probe for one without opening an audited case. */
    {R(ROLE_LEGAL), "SELECT", "legal_cases",
     "id, customer_id, authority, reference, legal_basis, may_tell, opened_by, opened_at, "
     "closed_at, closed_by"},
    {R(ROLE_LEGAL), "INSERT", "legal_cases",
     "customer_ref, authority, reference, legal_basis, may_tell, opened_by"},
    {R(ROLE_LEGAL), "UPDATE", "legal_cases", "closed_at, closed_by"},
    /* The third-party disclosures of customers with an open case, for the export. */
    {R(ROLE_LEGAL), "SELECT", "legal_open_case_disclosures", NULL},
    /* The admin: site notices (listed, added, ended), policy versions (published), staff
     * accounts (listed with when they were made and how often their second factor was set up;
     * added; disabled or given a new secret).  Never a role change: no UPDATE on staff.role. */
    {R(ROLE_ADMIN), "SELECT", "site_notices", NULL},
    {R(ROLE_ADMIN), "INSERT", "site_notices", NULL},
    {R(ROLE_ADMIN), "UPDATE", "site_notices", "ends_at"},
    {R(ROLE_ADMIN), "INSERT", "policy_versions", NULL},
    {R(ROLE_ADMIN), "INSERT", "policy_purposes", NULL},
    /* A published version's notice to every approved customer: the mailing's cursor, and one
     * outbox row per customer with no address (mail send addresses it), so the admin, who
     * sees emails masked, reads of a customer only the id and whether they are approved. */
    {R(ROLE_ADMIN), "INSERT", "policy_mailings", NULL},
    {R(ROLE_ADMIN), "UPDATE", "policy_mailings", "next_customer_id, queued, done_at"},
    {R(ROLE_ADMIN), "SELECT", "customers", "id, status"},
    {R(ROLE_ADMIN), "INSERT", "outbox", NULL},
    {R(ROLE_ADMIN), "SELECT", "staff", "created_at, totp_generation"},
    {R(ROLE_ADMIN), "INSERT", "staff", "username, role, password_hash, totp_secret"},
    {R(ROLE_ADMIN), "UPDATE", "staff", "disabled, totp_secret, totp_generation"},
    /* The admin's catalogue (/admin/products): categories to choose from, products added and
     * changed (stock only by an adjustment, recorded), images put, moved and removed, with
     * products.image_hash kept equal to the first image's. */
    {R(ROLE_ADMIN), "SELECT", "categories", "id, slug, name"},
    {R(ROLE_ADMIN), "SELECT", "products",
     "id, category_id, sku, name, description, price_cents, stock, weight_grams, active, "
     "image_hash"},
    {R(ROLE_ADMIN), "INSERT", "products",
     "category_id, sku, name, description, price_cents, stock, weight_grams, active"},
    {R(ROLE_ADMIN), "UPDATE", "products",
     "category_id, sku, name, description, price_cents, stock, weight_grams, active, "
     "image_hash"},
    {R(ROLE_ADMIN), "SELECT", "product_images", NULL},
    {R(ROLE_ADMIN), "INSERT", "product_images", NULL},
    {R(ROLE_ADMIN), "UPDATE", "product_images", "position, hash, width, height, alt, created_at"},
    {R(ROLE_ADMIN), "DELETE", "product_images", NULL},
    {R(ROLE_ADMIN), "SELECT", "stock_adjustments", NULL},
    {R(ROLE_ADMIN), "INSERT", "stock_adjustments", NULL},
    /* Support moves orders along their lifecycle, ships them with a tracking number, and a
     * cancelled order's units go back to stock (its lines say which products). */
    {R(ROLE_SUPPORT), "UPDATE", "orders", "status, tracking_number"},
    {R(ROLE_SUPPORT), "SELECT", "order_lines", "product_id"},
    {R(ROLE_SUPPORT), "SELECT", "products", "id, stock"},
    {R(ROLE_SUPPORT), "UPDATE", "products", "stock"},
    /* Support reads the queue of messages customers sent through /contact and marks one
     * answered (who did is kept, never shown to the customer). */
    {R(ROLE_SUPPORT), "SELECT", "support_messages",
     "id, customer_id, subject, message, created_at, answered_at"},
    {R(ROLE_SUPPORT), "UPDATE", "support_messages", "answered_at, answered_by"},
    /* Billing records an invoice's payment and refunds card payments: the processor's token
     * (never card data) to refund with, each refund's row, the order moved to refunded. */
    {R(ROLE_BILLING), "UPDATE", "orders", "status"},
    {R(ROLE_BILLING), "SELECT", "payments", "processor, token"},
    {R(ROLE_BILLING), "UPDATE", "payments", "status, refunded_cents"},
    {R(ROLE_BILLING), "SELECT", "payment_refunds", NULL},
    {R(ROLE_BILLING), "INSERT", "payment_refunds", NULL},
    {R(ROLE_BILLING), "UPDATE", "payment_refunds", "status, finished_at"},
    {R(ROLE_BILLING), "INSERT", "disclosures", NULL},
    /* The reports (/admin/reports) read only the aggregate views of schema/031: counts per
     * day, per visit count and per category, never a row about one person... */
    {R(ROLE_ANALYST) | R(ROLE_ADMIN), "SELECT", "report_registrations_daily", NULL},
    {R(ROLE_ANALYST) | R(ROLE_ADMIN), "SELECT", "report_pending_daily", NULL},
    {R(ROLE_ANALYST) | R(ROLE_ADMIN), "SELECT", "report_visits", NULL},
    {R(ROLE_ANALYST) | R(ROLE_ADMIN), "SELECT", "report_orders_daily", NULL},
    {R(ROLE_ANALYST) | R(ROLE_ADMIN), "SELECT", "report_categories_daily", NULL},
    /* ...and the traffic aggregates of schema/029 (`dittoctl traffic ingest`): counts per day,
     * metric and value (a route, host, browser, status), no address, visit or person. */
    {R(ROLE_ANALYST) | R(ROLE_ADMIN), "SELECT", "traffic_daily", NULL},
    /* Both write the order's history and message its customer (addressed at delivery). */
    {R(ROLE_BILLING) | R(ROLE_SUPPORT), "INSERT", "order_status_history", NULL},
    {R(ROLE_BILLING) | R(ROLE_SUPPORT), "INSERT", "outbox", NULL},
};

#undef R

const struct privacy_write *privacy_writes(size_t *n)
{
	*n = sizeof(writes) / sizeof(writes[0]);
	return writes;
}

static bool plain_identifier(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Grows the list of statements by one. */
struct sql_list {
	const char **s;
	size_t n, cap;
	struct arena *a;
};

static void add_sql(struct sql_list *l, const char *sql)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		const char **s = arena_alloc(l->a, cap * sizeof(*s));
		if (l->n)
			memcpy(s, l->s, l->n * sizeof(*s));
		l->s = s;
		l->cap = cap;
	}
	l->s[l->n++] = sql;
}

const char **privacy_grants_sql(struct arena *a, const char *staff_account, size_t *n)
{
	if (staff_account != NULL && !plain_identifier(staff_account))
		return NULL;
	struct sql_list l = {.a = a};
	for (int r = 0; r < ROLE__MAX; r++)
		add_sql(&l, arena_printf(a, "CREATE ROLE IF NOT EXISTS %s", privacy_db_role(r)));
	/* Start from nothing, so a cell of the table that became stricter is revoked.  MariaDB
	 * refuses REVOKE ALL on a role that holds another role with grants of its own (error
	 * 1147 on the inherited table), so ditto_staff_role is taken away first and given back
	 * after; the GRANT before makes the REVOKE valid on a role that never held it. */
	for (int r = 0; r < ROLE__MAX; r++) {
		add_sql(&l, arena_printf(a, "GRANT ditto_staff_role TO %s", privacy_db_role(r)));
		add_sql(&l, arena_printf(a, "REVOKE ditto_staff_role FROM %s", privacy_db_role(r)));
		add_sql(&l, arena_printf(a, "REVOKE ALL PRIVILEGES, GRANT OPTION FROM %s",
		                         privacy_db_role(r)));
		add_sql(&l, arena_printf(a, "GRANT ditto_staff_role TO %s", privacy_db_role(r)));
	}
	size_t ng;
	const struct privacy_grant *g = privacy_grants(a, &ng);
	/* Column grants: one statement per role and table. */
	for (size_t i = 0; i < ng;) {
		if (g[i].column == NULL) {
			i++;
			continue;
		}
		struct buf b = {0};
		size_t j = i;
		for (; j < ng && g[j].column != NULL && g[j].role == g[i].role &&
		       strcmp(g[j].table, g[i].table) == 0;
		     j++)
			buf_printf(&b, "%s%s", j > i ? ", " : "", g[j].column);
		add_sql(&l, arena_printf(a, "GRANT SELECT (%s) ON %s TO %s", b.data, g[i].table,
		                         privacy_db_role(g[i].role)));
		buf_free(&b);
		i = j;
	}
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		for (int r = 0; r < ROLE__MAX; r++)
			if (writes[i].roles & (1u << r))
				add_sql(&l, arena_printf(a, "GRANT %s%s%s%s ON %s TO %s",
				                         writes[i].privilege,
				                         writes[i].columns ? " (" : "",
				                         writes[i].columns ? writes[i].columns : "",
				                         writes[i].columns ? ")" : "",
				                         writes[i].table, privacy_db_role(r)));
	for (int r = 0; r < ROLE__MAX; r++)
		for (int v = 0; v < VIEW__MAX; v++) {
			if (!privacy_sees_people(r)) {
				add_sql(&l, arena_printf(a, "DROP VIEW IF EXISTS staff_%s_%s",
				                         privacy_role_name(r), views[v].suffix));
				continue;
			}
			add_sql(&l, view_sql(a, r, v));
			add_sql(&l, arena_printf(a, "GRANT SELECT ON %s TO %s",
			                         privacy_view_name(a, r, v), privacy_db_role(r)));
		}
	if (staff_account != NULL)
		for (int r = 0; r < ROLE__MAX; r++)
			add_sql(&l, arena_printf(a, "GRANT %s TO '%s'@'localhost'",
			                         privacy_db_role(r), staff_account));
	*n = l.n;
	return l.s;
}
