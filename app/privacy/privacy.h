/* privacy.h — who is looking (the viewer), the staff roles and the personal fields: the names the
 * visibility table, the MariaDB role grants and the audit log are written in. */
#ifndef DITTO_PRIVACY_H
#define DITTO_PRIVACY_H

#include <stdbool.h>

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

/* The role's name as staff.role and the MariaDB role "ditto_<name>" spell it; NULL when
 * out of range. */
const char *privacy_role_name(enum staff_role r);
/* Parses a role name. Returns the role, or -1 when s names none. */
int privacy_role_parse(const char *s);
/* The field's name as the audit log and the data export spell it; NULL when out of range. */
const char *privacy_field_name(enum personal_field f);

#endif
