/* privacy.c — name tables of the staff roles and personal fields. */
#include "privacy.h"

#include <string.h>

static const char *const role_names[ROLE__MAX] = {
    [ROLE_REPRESENTATIVE] = "representative",
    [ROLE_BILLING] = "billing",
    [ROLE_SUPPORT] = "support",
    [ROLE_ANALYST] = "analyst",
    [ROLE_ADMIN] = "admin",
    [ROLE_LEGAL] = "legal",
};

static const char *const field_names[FIELD__MAX] = {
    [FIELD_NAME] = "name",
    [FIELD_EMAIL] = "email",
    [FIELD_USERNAME] = "username",
    [FIELD_PHONE] = "phone",
    [FIELD_BILLING_ADDRESS] = "billing_address",
    [FIELD_SHIPPING_ADDRESS] = "shipping_address",
    [FIELD_PAYMENT] = "payment",
    [FIELD_ORDERS] = "orders",
    [FIELD_VISITS] = "visits",
    [FIELD_PROFILE] = "profile",
};

const char *privacy_role_name(enum staff_role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : NULL;
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
	return (unsigned)f < FIELD__MAX ? field_names[f] : NULL;
}
