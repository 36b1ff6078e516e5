/* test_fields.c — the field limits declared once in app/fields.c are the widths of the columns
 * that store those fields in the migrated schema, so a migration or a table edit that drifts
 * from them fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../app/fields.h"
#include "harness.h"

/* CHARACTER_MAXIMUM_LENGTH of table.column in the shop's schema, or -1 when there is none. */
static long long column_width(const char *table, const char *column)
{
	return sql_admin_int("SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS "
	                     "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s' "
	                     "AND COLUMN_NAME = '%s'",
	                     table, column);
}

/* Compares one column with field f; prints and counts a mismatch. */
static int check_column(const char *table, const char *column, const struct form_field *f)
{
	long long width = column_width(table, column);
	if (width == (long long)f->max_chars)
		return 0;
	print_error("%s.%s is %lld characters wide, but the %s field's limit is %u\n", table,
	            column, width, f->name, f->max_chars);
	return 1;
}

static void test_address_columns_are_as_wide_as_the_address_field_limits(void **state)
{
	(void)state;
	int bad = 0;
	for (int f = 0; f < ADDRESS__MAX; f++) {
		const struct form_field *field = &ADDRESS_FIELDS[f];
		bad += check_column("customer_addresses", field->name, field);
		for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
			char column[64];
			snprintf(column, sizeof(column), "%s_%s", ADDRESS_KINDS[k], field->name);
			bad += check_column("orders", column, field);
		}
	}
	assert_int_equal(bad, 0);
}

static void test_no_other_column_named_like_an_address_field_drifts(void **state)
{
	(void)state;
	/* A table added later that stores an address is held to the same limits unasked. */
	int bad = 0;
	for (int f = 0; f < ADDRESS__MAX; f++) {
		const struct form_field *field = &ADDRESS_FIELDS[f];
		long long n =
		    sql_admin_int("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
		                  "TABLE_SCHEMA = DATABASE() "
		                  "AND COLUMN_NAME IN ('%s', 'billing_%s', 'shipping_%s') "
		                  "AND NOT (CHARACTER_MAXIMUM_LENGTH <=> %u)",
		                  field->name, field->name, field->name, field->max_chars);
		if (n != 0) {
			print_error("%lld column(s) named like address field %s are not %u wide\n",
			            n, field->name, field->max_chars);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_person_columns_are_as_wide_as_the_person_field_limits(void **state)
{
	(void)state;
	/* Every column a person field's value is written to, validated with that field's limit
	 * (staff usernames and mail recipients go through the same validators). The password is
	 * stored only as a hash. */
	static const struct {
		const char *table, *column;
		enum person_field field;
	} columns[] = {
	    {"customers", "name", PERSON_NAME},
	    {"orders", "contact_name", PERSON_NAME},
	    {"customers", "email", PERSON_EMAIL},
	    {"orders", "contact_email", PERSON_EMAIL},
	    {"email_verifications", "email", PERSON_EMAIL},
	    {"outbox", "recipient", PERSON_EMAIL},
	    {"customers", "phone", PERSON_PHONE},
	    {"customers", "username", PERSON_USERNAME},
	    {"staff", "username", PERSON_USERNAME},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		bad += check_column(columns[i].table, columns[i].column,
		                    &PERSON_FIELDS[columns[i].field]);
	assert_int_equal(bad, 0);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address_columns_are_as_wide_as_the_address_field_limits),
	    cmocka_unit_test(test_no_other_column_named_like_an_address_field_drifts),
	    cmocka_unit_test(test_person_columns_are_as_wide_as_the_person_field_limits),
	};
	return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
