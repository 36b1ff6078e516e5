/* fields.h — the fields customers fill in, declared once: names, labels, limits, optional or not.
 */
#ifndef DITTO_FIELDS_H
#define DITTO_FIELDS_H

#include <stdbool.h>

/*
 * One form field.  max_chars is the single source of the field's length limit: the validator
 * refuses longer values, the form's maxlength attribute shows it, and every column storing the
 * field is VARCHAR(max_chars) (tests/integration/test_fields.c compares them with the schema).
 */
struct form_field {
	const char *name;   /* the form key and column name ("line1"; see ADDRESS_KINDS) */
	const char *label;  /* the label a form shows */
	unsigned max_chars; /* the most characters (code points) a value may have */
	bool optional;      /* may be left empty */
};

/* The fields of a postal address, in form order. */
enum address_field {
	ADDRESS_LINE1,
	ADDRESS_LINE2,
	ADDRESS_CITY,
	ADDRESS_POSTCODE,
	ADDRESS_COUNTRY,
	ADDRESS__MAX
};

/* Indexed by enum address_field. */
extern const struct form_field ADDRESS_FIELDS[ADDRESS__MAX];

/* The two addresses a customer keeps and an order carries. In forms and in the orders table a
 * field is "<kind>_<name>" (billing_line1); customer_addresses has a kind column instead. */
enum address_kind { ADDRESS_BILLING, ADDRESS_SHIPPING, ADDRESS_KIND__MAX };

/* "billing", "shipping": indexed by enum address_kind. */
extern const char *const ADDRESS_KINDS[ADDRESS_KIND__MAX];

/* The fields that describe a customer: registration, My Account, checkout's contact. */
enum person_field {
	PERSON_NAME,
	PERSON_EMAIL,
	PERSON_PHONE,
	PERSON_USERNAME,
	PERSON_PASSWORD, /* never stored: its limit bounds only the form and the hasher's input */
	PERSON__MAX
};

/* Indexed by enum person_field. */
extern const struct form_field PERSON_FIELDS[PERSON__MAX];

#endif
