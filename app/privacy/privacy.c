/* privacy.c — the who-sees-what table of SPEC §5, the masking formats, the personal columns of
 * the schema and the staff pages per role.  Everything that decides visibility reads these. */
#include "privacy.h"

#include <string.h>

#include "../arena.h"

static const char *const role_names[ROLE__MAX] = {
    [ROLE_REPRESENTATIVE] = "representative",
    [ROLE_BILLING] = "billing",
    [ROLE_SUPPORT] = "support",
    [ROLE_ANALYST] = "analyst",
    [ROLE_ADMIN] = "admin",
    [ROLE_LEGAL] = "legal",
};

static const char *const db_roles[ROLE__MAX] = {
    [ROLE_REPRESENTATIVE] = "ditto_representative",
    [ROLE_BILLING] = "ditto_billing",
    [ROLE_SUPPORT] = "ditto_support",
    [ROLE_ANALYST] = "ditto_analyst",
    [ROLE_ADMIN] = "ditto_admin",
    [ROLE_LEGAL] = "ditto_legal",
};

static const struct {
	const char *name;
	const char *label;
} fields[FIELD__MAX] = {
    [FIELD_NAME] = {"name", "Name"},
    [FIELD_EMAIL] = {"email", "Email"},
    [FIELD_USERNAME] = {"username", "Username"},
    [FIELD_PHONE] = {"phone", "Phone"},
    [FIELD_BILLING_ADDRESS] = {"billing_address", "Billing address"},
    [FIELD_SHIPPING_ADDRESS] = {"shipping_address", "Shipping address"},
    [FIELD_PAYMENT] = {"payment", "Payment"},
    [FIELD_ORDERS] = {"orders", "Orders"},
    [FIELD_VISITS] = {"visits", "Visits"},
    [FIELD_PROFILE] = {"profile", "Viewing profile and interests"},
};

#define F VIS_FULL
#define M VIS_MASKED
#define A VIS_ABSENT
#define G VIS_AGGREGATE

/* SPEC §5, row for row.  Legal's column applies only while a case about the person is open. */
/* clang-format off */
static const enum visibility table[FIELD__MAX][ROLE__MAX] = {
	/*                        repr  billing support analyst admin legal */
	[FIELD_NAME]             = {F,   F,      F,      A,      M,    F},
	[FIELD_EMAIL]            = {F,   M,      F,      A,      M,    F},
	[FIELD_USERNAME]         = {F,   A,      F,      A,      F,    F},
	[FIELD_PHONE]            = {F,   A,      F,      A,      A,    F},
	[FIELD_BILLING_ADDRESS]  = {A,   F,      A,      A,      A,    F},
	[FIELD_SHIPPING_ADDRESS] = {A,   M,      F,      A,      A,    F},
	[FIELD_PAYMENT]          = {A,   F,      M,      A,      A,    F},
	[FIELD_ORDERS]           = {A,   F,      F,      G,      A,    F},
	[FIELD_VISITS]           = {F,   A,      F,      G,      F,    F},
	[FIELD_PROFILE]          = {A,   A,      A,      G,      A,    F},
};
/* clang-format on */

#undef F
#undef M
#undef A
#undef G

const char *privacy_role_name(enum staff_role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : NULL;
}

const char *privacy_db_role(enum staff_role r)
{
	return (unsigned)r < ROLE__MAX ? db_roles[r] : NULL;
}

int privacy_role_parse(const char *s)
{
	for (int r = 0; r < ROLE__MAX; r++)
		if (strcmp(s, role_names[r]) == 0)
			return r;
	return -1;
}

const char *privacy_field_name(enum personal_field f)
{
	return (unsigned)f < FIELD__MAX ? fields[f].name : NULL;
}

const char *privacy_field_label(enum personal_field f)
{
	return (unsigned)f < FIELD__MAX ? fields[f].label : NULL;
}

int privacy_field_parse(const char *s)
{
	for (int f = 0; f < FIELD__MAX; f++)
		if (strcmp(s, fields[f].name) == 0)
			return f;
	return -1;
}

enum visibility privacy_visibility(enum staff_role r, enum personal_field f)
{
	if ((unsigned)r >= ROLE__MAX || (unsigned)f >= FIELD__MAX)
		return VIS_ABSENT;
	return table[f][r];
}

bool privacy_needs_open_case(enum staff_role r)
{
	return r == ROLE_LEGAL;
}

bool privacy_sees_people(enum staff_role r)
{
	for (int f = 0; f < FIELD__MAX; f++) {
		enum visibility v = privacy_visibility(r, f);
		if (v == VIS_FULL || v == VIS_MASKED)
			return true;
	}
	return false;
}

/* Length of the UTF-8 sequence starting at s (1 for a stray byte, so a walk always moves). */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80           ? 1
	           : (c >> 5) == 0x6  ? 2
	           : (c >> 4) == 0xe  ? 3
	           : (c >> 3) == 0x1e ? 4
	                              : 1;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *privacy_mask_name(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	/* At most one character and "***" per byte of input, plus separators. */
	char *out = arena_alloc(a, strlen(s) * 4 + 1), *o = out;
	for (const char *p = s; *p;) {
		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		if (o != out)
			*o++ = ' ';
		size_t n = utf8_len(p);
		memcpy(o, p, n);
		o += n;
		memcpy(o, "***", 3);
		o += 3;
		while (*p && !is_space(*p))
			p++;
	}
	*o = '\0';
	return out;
}

const char *privacy_mask_email(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	const char *at = strrchr(s, '@');
	if (at == NULL)
		return "***";
	/* A local part starting with '*' is already masked ("***@..."): keeping its first
	 * character would add a star on every pass. */
	size_t first = at == s || *s == '*' ? 0 : utf8_len(s);
	if (s + first > at)
		first = 0;
	size_t dlen = strlen(at);
	char *out = arena_alloc(a, first + 3 + dlen + 1);
	memcpy(out, s, first);
	memcpy(out + first, "***", 3);
	memcpy(out + first + 3, at, dlen + 1);
	return out;
}

const char *privacy_mask_phone(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	char last[4];
	size_t digits = 0;
	for (const char *p = s; *p; p++)
		if (*p >= '0' && *p <= '9') {
			memmove(last, last + 1, 3);
			last[3] = *p;
			digits++;
		}
	if (digits < 4)
		return "***";
	char *out = arena_alloc(a, sizeof("***-***-0000"));
	memcpy(out, "***-***-", 8);
	memcpy(out + 8, last, 4);
	out[12] = '\0';
	return out;
}

#define COL(t, c, f, m)                                                                            \
	{                                                                                          \
		t, c, f, m, NULL                                                                   \
	}
#define ADDR(c, m)                                                                                 \
	{"customer_addresses", c, FIELD_BILLING_ADDRESS, m, "billing"},                            \
	{                                                                                          \
		"customer_addresses", c, FIELD_SHIPPING_ADDRESS, m, "shipping"                     \
	}

/* Every column that holds a personal field, and its mask.  Keys (ids) and the account status
 * are not personal fields: a role that sees the person at all gets them. */
static const struct privacy_column columns[] = {
    COL("customers", "name", FIELD_NAME, MASK_NAME),
    COL("customers", "email", FIELD_EMAIL, MASK_EMAIL),
    COL("customers", "username", FIELD_USERNAME, MASK_DROP),
    COL("customers", "phone", FIELD_PHONE, MASK_PHONE),
    COL("customers", "registered_at", FIELD_VISITS, MASK_DROP),
    COL("customers", "last_visit_at", FIELD_VISITS, MASK_DROP),
    COL("customers", "visit_count", FIELD_VISITS, MASK_DROP),
    ADDR("line1", MASK_DROP),
    ADDR("line2", MASK_DROP),
    ADDR("city", MASK_KEEP),
    ADDR("postcode", MASK_DROP),
    ADDR("country", MASK_KEEP),
    COL("orders", "contact_name", FIELD_NAME, MASK_NAME),
    COL("orders", "contact_email", FIELD_EMAIL, MASK_EMAIL),
    COL("orders", "billing_line1", FIELD_BILLING_ADDRESS, MASK_DROP),
    COL("orders", "billing_line2", FIELD_BILLING_ADDRESS, MASK_DROP),
    COL("orders", "billing_city", FIELD_BILLING_ADDRESS, MASK_KEEP),
    COL("orders", "billing_postcode", FIELD_BILLING_ADDRESS, MASK_DROP),
    COL("orders", "billing_country", FIELD_BILLING_ADDRESS, MASK_KEEP),
    COL("orders", "shipping_line1", FIELD_SHIPPING_ADDRESS, MASK_DROP),
    COL("orders", "shipping_line2", FIELD_SHIPPING_ADDRESS, MASK_DROP),
    COL("orders", "shipping_city", FIELD_SHIPPING_ADDRESS, MASK_KEEP),
    COL("orders", "shipping_postcode", FIELD_SHIPPING_ADDRESS, MASK_DROP),
    COL("orders", "shipping_country", FIELD_SHIPPING_ADDRESS, MASK_KEEP),
    COL("orders", "status", FIELD_ORDERS, MASK_DROP),
    COL("orders", "total_cents", FIELD_ORDERS, MASK_DROP),
    COL("orders", "payment_mode", FIELD_ORDERS, MASK_DROP),
    COL("orders", "tracking_number", FIELD_ORDERS, MASK_DROP),
    COL("orders", "created_at", FIELD_ORDERS, MASK_DROP),
    COL("order_lines", "sku", FIELD_ORDERS, MASK_DROP),
    COL("order_lines", "name", FIELD_ORDERS, MASK_DROP),
    COL("order_lines", "unit_price_cents", FIELD_ORDERS, MASK_DROP),
    COL("order_lines", "quantity", FIELD_ORDERS, MASK_DROP),
    COL("order_status_history", "status", FIELD_ORDERS, MASK_DROP),
    COL("order_status_history", "changed_at", FIELD_ORDERS, MASK_DROP),
    COL("order_status_history", "note", FIELD_ORDERS, MASK_DROP),
    COL("order_status_history", "customer_note", FIELD_ORDERS, MASK_DROP),
    COL("payments", "brand", FIELD_PAYMENT, MASK_KEEP),
    COL("payments", "last4", FIELD_PAYMENT, MASK_DROP),
    COL("payments", "exp_month", FIELD_PAYMENT, MASK_DROP),
    COL("payments", "exp_year", FIELD_PAYMENT, MASK_DROP),
    /* What was charged, given back and when an invoice is due: the order's totals. */
    COL("payments", "amount_cents", FIELD_ORDERS, MASK_DROP),
    COL("payments", "refunded_cents", FIELD_ORDERS, MASK_DROP),
    COL("payments", "status", FIELD_ORDERS, MASK_DROP),
    COL("payments", "due_at", FIELD_ORDERS, MASK_DROP),
    /* A card payment that failed at checkout is payment data of its customer. */
    COL("payment_attempts", "outcome", FIELD_PAYMENT, MASK_DROP),
    COL("payment_attempts", "amount_cents", FIELD_PAYMENT, MASK_DROP),
    COL("payment_attempts", "brand", FIELD_PAYMENT, MASK_KEEP),
    COL("payment_attempts", "last4", FIELD_PAYMENT, MASK_DROP),
    COL("payment_attempts", "created_at", FIELD_PAYMENT, MASK_DROP),
    COL("product_views", "product_id", FIELD_PROFILE, MASK_DROP),
    COL("product_views", "views", FIELD_PROFILE, MASK_DROP),
    COL("product_views", "last_viewed_at", FIELD_PROFILE, MASK_DROP),
    COL("customer_interests", "category_id", FIELD_PROFILE, MASK_DROP),
};

#undef COL
#undef ADDR

const struct privacy_column *privacy_columns(size_t *n)
{
	*n = sizeof(columns) / sizeof(columns[0]);
	return columns;
}

const struct privacy_column *privacy_column_of(const char *table, const char *column,
                                               const char *kind)
{
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (strcmp(columns[i].table, table) == 0 &&
		    strcmp(columns[i].column, column) == 0 &&
		    (columns[i].kind_value == NULL ||
		     (kind != NULL && strcmp(columns[i].kind_value, kind) == 0)))
			return &columns[i];
	return NULL;
}

const char *privacy_mask_column(struct arena *a, const struct privacy_column *c, const char *s)
{
	if (s == NULL)
		return NULL;
	switch (c->mask) {
	case MASK_KEEP:
		return s;
	case MASK_NAME:
		return privacy_mask_name(a, s);
	case MASK_EMAIL:
		return privacy_mask_email(a, s);
	case MASK_PHONE:
		return privacy_mask_phone(a, s);
	case MASK_DROP:
		break;
	}
	return NULL;
}

const char *privacy_filter_value(struct arena *a, enum staff_role r, const struct privacy_column *c,
                                 const char *s)
{
	switch (privacy_visibility(r, c->field)) {
	case VIS_FULL:
		return s;
	case VIS_MASKED:
		return privacy_mask_column(a, c, s);
	case VIS_ABSENT:
	case VIS_AGGREGATE:
		break;
	}
	return NULL;
}

#define R(x)      (1u << (x))
#define ALL_ROLES ((1u << ROLE__MAX) - 1)

/* The staff pages: personal marks the pages that show customers' personal data (people, their
 * orders, who viewed them, legal cases); the admin's pages about the site itself and the pool
 * status show none. */
static const struct staff_page_info pages[PAGE__MAX] = {
    [PAGE_HOME] = {"/admin", "Home", ALL_ROLES, false},
    [PAGE_REGISTRATIONS] = {"/admin/registrations", "Registrations", R(ROLE_REPRESENTATIVE), true},
    [PAGE_CUSTOMERS] = {"/admin/customers", "Customers",
                        R(ROLE_REPRESENTATIVE) | R(ROLE_BILLING) | R(ROLE_SUPPORT) | R(ROLE_ADMIN) |
                            R(ROLE_LEGAL),
                        true},
    [PAGE_ORDERS] = {"/admin/orders", "Orders", R(ROLE_BILLING) | R(ROLE_SUPPORT), true},
    [PAGE_REPORTS] = {"/admin/reports", "Reports", R(ROLE_ANALYST) | R(ROLE_ADMIN), false},
    [PAGE_AUDIT] = {"/admin/audit", "Audit log", R(ROLE_ADMIN) | R(ROLE_LEGAL), true},
    [PAGE_DISCLOSURES] = {"/admin/disclosures", "Legal cases", R(ROLE_LEGAL), true},
    [PAGE_NOTICES] = {"/admin/notices", "Site notices", R(ROLE_ADMIN), false},
    [PAGE_POLICY] = {"/admin/policy", "Privacy policy", R(ROLE_ADMIN), false},
    [PAGE_STAFF] = {"/admin/staff", "Staff", R(ROLE_ADMIN), false},
    [PAGE_PRODUCTS] = {"/admin/products", "Products", R(ROLE_ADMIN), false},
    [PAGE_STATUS] = {"/admin/status", "Pool status", R(ROLE_ADMIN), false},
    [PAGE_MESSAGES] = {"/admin/messages", "Messages", R(ROLE_SUPPORT), true},
    /* Reached from sign-in and from the pages it stands before, not from the menu. */
    [PAGE_ACKNOWLEDGE] = {"/admin/policy/acknowledge", NULL, ALL_ROLES, false},
};

#define REPR    R(ROLE_REPRESENTATIVE)
#define BILLING R(ROLE_BILLING)
#define SUPPORT R(ROLE_SUPPORT)

static const struct staff_action_info actions[ACTION__MAX] = {
    [ACTION_CUSTOMER_APPROVE] = {"/admin/customers/{id}/approve", "Approve", REPR},
    [ACTION_CUSTOMER_DENY] = {"/admin/customers/{id}/deny", "Deny", REPR},
    [ACTION_CUSTOMER_CANCEL] = {"/admin/customers/{id}/cancel", "Cancel access", REPR},
    [ACTION_CUSTOMER_RESTORE] = {"/admin/customers/{id}/restore", "Restore access", REPR},
    [ACTION_CUSTOMER_CONTACT] = {"/admin/customers/{id}/contact", "Contact", REPR},
    [ACTION_ORDER_STATUS] = {"/admin/orders/{id}/status", "Change status", SUPPORT},
    [ACTION_ORDER_TRACKING] = {"/admin/orders/{id}/tracking", "Set tracking number", SUPPORT},
    [ACTION_ORDER_CANCEL] = {"/admin/orders/{id}/cancel", "Cancel order", SUPPORT},
    [ACTION_ORDER_MESSAGE] = {"/admin/orders/{id}/message", "Message the customer", SUPPORT},
    [ACTION_ORDER_INVOICE_PAID] = {"/admin/orders/{id}/invoice-paid", "Mark invoice paid", BILLING},
    [ACTION_ORDER_REFUND] = {"/admin/orders/{id}/refund", "Refund", BILLING},
};

#undef REPR
#undef BILLING
#undef SUPPORT
#undef R
#undef ALL_ROLES

const struct staff_page_info *privacy_page(enum staff_page p)
{
	return (unsigned)p < PAGE__MAX ? &pages[p] : NULL;
}

bool privacy_page_allowed(enum staff_page p, enum staff_role r)
{
	return (unsigned)p < PAGE__MAX && (unsigned)r < ROLE__MAX && (pages[p].roles & (1u << r));
}

bool privacy_page_personal(enum staff_page p)
{
	return (unsigned)p >= PAGE__MAX || pages[p].personal;
}

int privacy_page_of(const char *pattern)
{
	int best = -1;
	size_t best_len = 0;
	for (int p = 0; p < PAGE__MAX; p++) {
		size_t n = strlen(pages[p].path);
		if (strncmp(pattern, pages[p].path, n) == 0 &&
		    (pattern[n] == '\0' || pattern[n] == '/') && n > best_len) {
			best = p;
			best_len = n;
		}
	}
	/* "/admin/login" and "/admin/logout" are under "/admin" by prefix, but only the exact
	 * path or a page's own subpaths count: "/admin/<anything else>" belongs to no page. */
	if (best == PAGE_HOME && strcmp(pattern, pages[PAGE_HOME].path) != 0)
		return -1;
	return best;
}

const struct staff_action_info *privacy_action(enum staff_action a)
{
	return (unsigned)a < ACTION__MAX ? &actions[a] : NULL;
}

bool privacy_action_allowed(enum staff_action a, enum staff_role r)
{
	return (unsigned)a < ACTION__MAX && (unsigned)r < ROLE__MAX &&
	       (actions[a].roles & (1u << r));
}

int privacy_action_of(const char *pattern)
{
	for (int a = 0; a < ACTION__MAX; a++)
		if (strcmp(pattern, actions[a].pattern) == 0)
			return a;
	return -1;
}

bool privacy_route_allowed(const char *pattern, enum staff_role r)
{
	int page = privacy_page_of(pattern);
	if (page < 0 || !privacy_page_allowed((enum staff_page)page, r))
		return false;
	int action = privacy_action_of(pattern);
	return action < 0 || privacy_action_allowed((enum staff_action)action, r);
}

unsigned privacy_full_mask(const bool shows_full[FIELD__MAX])
{
	unsigned m = 0;
	for (int f = 0; f < FIELD__MAX; f++)
		if (shows_full[f])
			m |= 1u << f;
	return m;
}

const char *privacy_filter_column(struct arena *a, enum staff_role r, const char *table,
                                  const char *column, const char *kind, const char *v,
                                  bool shows_full[FIELD__MAX])
{
	const struct privacy_column *c = privacy_column_of(table, column, kind);
	if (c == NULL)
		return NULL;
	const char *out = privacy_filter_value(a, r, c, v);
	if (out != NULL && *out != '\0' && privacy_visibility(r, c->field) == VIS_FULL)
		shows_full[c->field] = true;
	return out;
}
