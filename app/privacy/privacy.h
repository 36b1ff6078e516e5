/* privacy.h — who sees what: the staff roles, the personal fields, the one visibility table
 * (fields x roles -> full, masked, absent), the masking formats, the staff pages each role may
 * open, and the database columns each field lives in.  The application's filter, the MariaDB
 * role grants and the audit log are all written from these tables. */
#ifndef DITTO_PRIVACY_H
#define DITTO_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>

/* The staff roles of SPEC §1, in the order the who-sees-what table lists them. */
enum staff_role {
	ROLE_REPRESENTATIVE,
	ROLE_BILLING,
	ROLE_SUPPORT,
	ROLE_ANALYST,
	ROLE_ADMIN,
	ROLE_LEGAL,
	ROLE__MAX
};

/* The personal fields of SPEC §5 (one row of the who-sees-what table each). */
enum personal_field {
	FIELD_NAME,
	FIELD_EMAIL,
	FIELD_USERNAME,
	FIELD_PHONE,
	FIELD_BILLING_ADDRESS,
	FIELD_SHIPPING_ADDRESS,
	FIELD_PAYMENT, /* brand, last 4, expiry: never the number or CVV */
	FIELD_ORDERS,  /* order lines, totals, status */
	FIELD_VISITS,  /* registration date, last visit, visit count */
	FIELD_PROFILE, /* viewing profile, marketing interests */
	FIELD__MAX
};

/* What a role sees of a field about one person. */
enum visibility {
	VIS_ABSENT,    /* not on the page, not in the record the handler gets, not readable */
	VIS_MASKED,    /* only the masked form (privacy_mask) */
	VIS_FULL,      /* the value itself; showing it writes an audit row */
	VIS_AGGREGATE, /* only in aggregates over many people (reports); absent about a person */
};

/* Who a request acts for. Set by the access step before any handler runs. */
enum viewer_kind {
	VIEWER_NOBODY,   /* a visitor, or a staff site request before sign-in */
	VIEWER_CUSTOMER, /* sees their own data in full, nobody else's */
	VIEWER_STAFF,    /* sees what role allows */
};

struct viewer {
	enum viewer_kind kind;
	long long id;         /* customers.id or staff.id; 0 for nobody */
	enum staff_role role; /* VIEWER_STAFF only */
};

/* The role's name as staff.role spells it; NULL when out of range. */
const char *privacy_role_name(enum staff_role r);
/* The MariaDB role of r ("ditto_<name>"); NULL when out of range. */
const char *privacy_db_role(enum staff_role r);
/* Parses a role name. Returns the role, or -1 when s names none. */
int privacy_role_parse(const char *s);
/* The field's name as the audit log and the data export spell it; NULL when out of range. */
const char *privacy_field_name(enum personal_field f);
/* The field's label for people ("Billing address"); NULL when out of range. */
const char *privacy_field_label(enum personal_field f);
/* Parses a field name. Returns the field, or -1 when s names none. */
int privacy_field_parse(const char *s);

/* What role r sees of field f about a person (out of range: VIS_ABSENT, failing closed). */
enum visibility privacy_visibility(enum staff_role r, enum personal_field f);
/* True when role r sees anything of a person only while a legal case about them is open
 * (the legal officer).  For such a role the table applies to those people, and every other
 * person is absent. */
bool privacy_needs_open_case(enum staff_role r);
/* True when role r sees at least one field of a person (VIS_MASKED or VIS_FULL). */
bool privacy_sees_people(enum staff_role r);

/* The bit set (1u << field) of the fields marked in shows_full: what an audit row names. */
unsigned privacy_full_mask(const bool shows_full[FIELD__MAX]);

/*
 * Masking formats of SPEC §5.  Each writes the masked form of s into a new
 * string from arena a (never NULL for a non-NULL s) and is idempotent: the
 * masked form masks to itself, so a value the database masked already passes
 * through unchanged.  NULL in gives NULL out.
 *  - name:    every word to its first character and "***": "Jane Doe" -> "J*** D***"
 *  - email:   first character of the local part (none when it is "@" or "*"), "***@", the
 *             domain: "j***@example.com";
 *             without an '@' just "***"
 *  - phone:   "***-***-" and the last four digits; fewer than four digits: "***"
 *  - address: masked by the record (line1, line2 and postcode dropped, city and country kept)
 */
struct arena;
const char *privacy_mask_name(struct arena *a, const char *s);
const char *privacy_mask_email(struct arena *a, const char *s);
const char *privacy_mask_phone(struct arena *a, const char *s);

/* How a stored column is masked for a role that sees its field VIS_MASKED. */
enum mask_kind {
	MASK_DROP,  /* the column is left out (NULL) */
	MASK_KEEP,  /* the column is kept as it is (an address's city and country) */
	MASK_NAME,  /* privacy_mask_name */
	MASK_EMAIL, /* privacy_mask_email */
	MASK_PHONE, /* privacy_mask_phone */
};

/*
 * One personal column of the schema: the table, the column, the field it
 * holds and how it is masked.  A column of a table that holds two fields in
 * its rows (customer_addresses: billing and shipping) names the row kind
 * that selects the field (kind_value); kind_value is NULL otherwise.
 */
struct privacy_column {
	const char *table;
	const char *column;
	enum personal_field field;
	enum mask_kind mask;
	const char *kind_value; /* customer_addresses.kind: "billing" or "shipping", else NULL */
};

/* Every personal column of the schema (terminated by the count in *n). */
const struct privacy_column *privacy_columns(size_t *n);
/*
 * Value v of the personal column table.column (of row kind kind, or NULL) as
 * role r may hold it (privacy_filter_value), marking its field in
 * shows_full[] when it is shown in full and not empty (what an audit row
 * names).  A column that is no personal column gives NULL: failing closed.
 */
const char *privacy_filter_column(struct arena *a, enum staff_role r, const char *table,
                                  const char *column, const char *kind, const char *v,
                                  bool shows_full[FIELD__MAX]);
/* The personal column table.column (of row kind kind where the table holds two fields, else
 * kind may be NULL); NULL when it is none (a key, a label). */
const struct privacy_column *privacy_column_of(const char *table, const char *column,
                                               const char *kind);
/* Applies the column's mask to s for a VIS_MASKED field (MASK_DROP gives NULL). */
const char *privacy_mask_column(struct arena *a, const struct privacy_column *c, const char *s);
/* The value of column c as role r may hold it: the value itself (full), masked, or NULL
 * (absent, aggregate). */
const char *privacy_filter_value(struct arena *a, enum staff_role r, const struct privacy_column *c,
                                 const char *s);

/* The staff site's pages, each the prefix of its routes ("/admin/customers" covers
 * "/admin/customers/{id}/approve"). */
enum staff_page {
	PAGE_HOME,          /* /admin: the menu, and sign-out */
	PAGE_REGISTRATIONS, /* pending sign-ups: approve, deny, contact */
	PAGE_CUSTOMERS,     /* customer list and pages */
	PAGE_ORDERS,        /* orders: status, tracking, billing problems */
	PAGE_REPORTS,       /* aggregates and charts */
	PAGE_AUDIT,         /* who saw which personal data */
	PAGE_DISCLOSURES,   /* legal cases */
	PAGE_NOTICES,
	PAGE_POLICY,
	PAGE_STAFF,
	PAGE_PRODUCTS,
	PAGE_STATUS,      /* the worker pools */
	PAGE_MESSAGES,    /* the support queue: what customers wrote through /contact */
	PAGE_ACKNOWLEDGE, /* the newest privacy policy, read and acknowledged by every member */
	PAGE__MAX
};

struct staff_page_info {
	const char *path;  /* "/admin/customers" */
	const char *label; /* "Customers", for the menu; NULL: not in the menu */
	unsigned roles;    /* bit (1u << role) for each role that may open it */
	bool personal;     /* shows customers' personal data: opens only for a member who has
	                    * acknowledged the newest policy version (SPEC §6) */
};

/* The page's row; NULL when out of range. */
const struct staff_page_info *privacy_page(enum staff_page p);
/* True when role r may open page p (default-deny: out of range is false). */
bool privacy_page_allowed(enum staff_page p, enum staff_role r);
/* True when page p shows customers' personal data (out of range: true, failing closed). */
bool privacy_page_personal(enum staff_page p);
/*
 * The page a staff route pattern belongs to: the page whose path is the
 * pattern or a prefix of it ending at a '/'.  Returns the page, or -1 for a
 * pattern under no page (which the access step refuses).
 */
int privacy_page_of(const char *pattern);

/*
 * What staff do on a page that several roles open: each action is one POST
 * route, and only the roles named here may take it (the page's other roles
 * get 403 and no form).  A page with a single role needs no row: its page
 * row says it.
 */
enum staff_action {
	ACTION_CUSTOMER_APPROVE,   /* grant access to a pending, denied or cancelled account */
	ACTION_CUSTOMER_DENY,      /* refuse a pending registration */
	ACTION_CUSTOMER_CANCEL,    /* end an account's access */
	ACTION_CUSTOMER_RESTORE,   /* give a cancelled or deactivated account its access back */
	ACTION_CUSTOMER_CONTACT,   /* write to an applicant, with a note kept on the registration */
	ACTION_ORDER_STATUS,       /* move an order along its lifecycle */
	ACTION_ORDER_TRACKING,     /* record the shipping company's tracking number */
	ACTION_ORDER_CANCEL,       /* cancel an order, its stock returned */
	ACTION_ORDER_MESSAGE,      /* write to the customer about an order */
	ACTION_ORDER_INVOICE_PAID, /* record an invoice's payment */
	ACTION_ORDER_REFUND,       /* refund a card payment in full or in part */
	ACTION__MAX
};

struct staff_action_info {
	const char *pattern; /* the POST route: "/admin/customers/{id}/approve" */
	const char *label;   /* "Approve", for the button */
	unsigned roles;      /* bit (1u << role) for each role that may take it */
};

/* The action's row; NULL when out of range. */
const struct staff_action_info *privacy_action(enum staff_action a);
/* True when role r may take action a (default-deny: out of range is false). */
bool privacy_action_allowed(enum staff_action a, enum staff_role r);
/* The action whose route is pattern exactly; -1 when none. */
int privacy_action_of(const char *pattern);
/*
 * The access step's one question: may role r use the staff route pattern?
 * True when the route's page lets r open it and, for an action's route, the
 * action lets r take it.  Default-deny: a pattern under no page is false.
 */
bool privacy_route_allowed(const char *pattern, enum staff_role r);

#endif
