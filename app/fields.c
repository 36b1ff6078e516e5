/* fields.c — the fields customers fill in, declared once (see fields.h). */
#include "fields.h"

#include "password.h"

const struct form_field ADDRESS_FIELDS[ADDRESS__MAX] = {
    [ADDRESS_LINE1] = {"line1", "Address line 1", 200, false},
    [ADDRESS_LINE2] = {"line2", "Address line 2", 200, true},
    [ADDRESS_CITY] = {"city", "City", 100, false},
    [ADDRESS_POSTCODE] = {"postcode", "Postcode", 20, false},
    [ADDRESS_COUNTRY] = {"country", "Country", 60, false},
};

const char *const ADDRESS_KINDS[ADDRESS_KIND__MAX] = {
    [ADDRESS_BILLING] = "billing",
    [ADDRESS_SHIPPING] = "shipping",
};

const struct form_field PERSON_FIELDS[PERSON__MAX] = {
    [PERSON_NAME] = {"name", "Name", 200, false},
    /* RFC 5321's limit on a forward path; valid_email() counts bytes, which is stricter. */
    [PERSON_EMAIL] = {"email", "Email address", 254, false},
    [PERSON_PHONE] = {"phone", "Phone", 40, true},
    [PERSON_USERNAME] = {"username", "Username", 64, false},
    /* The form lets four bytes per allowed code point through; password_weakness() then
     * refuses more than PASSWORD_MAX_CHARS code points with a message saying so. */
    [PERSON_PASSWORD] = {"password", "Password", PASSWORD_MAX_CHARS * 4, false},
};
