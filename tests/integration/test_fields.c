/* test_fields.c — the customer form fields declared once in app/fields.c: their limits are the
 * widths of the columns that store them in the migrated schema (a migration or a table edit that
 * drifts fails here), and the address block the pages render from them shows each error beside
 * its field, over HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
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

/* True when html has, right before the input of field id (with value and maxlength), that
 * field's error, which the input points at (aria-describedby): the message is beside that field
 * and no other, between its label and the field as the GOV.UK pattern has it. */
static bool error_beside(const char *html, const char *id, const char *value, unsigned max)
{
	char input[512];
	snprintf(input, sizeof(input),
	         "<p id=\"%s-error\" class=\"field-error\"><span "
	         "class=\"visually-hidden\">Error:</span> "
	         "%%s</p>\n<input id=\"%s\" name=\"%s\" value=\"%s\" maxlength=\"%u\" "
	         "aria-describedby=\"%s-error\" aria-invalid=\"true\">",
	         id, id, id, value, max, id);
	/* The message itself varies by field: match what comes before and after it. */
	char *cut = strstr(input, "%s");
	*cut = '\0';
	const char *tail = cut + 2;
	for (const char *p = strstr(html, input); p != NULL; p = strstr(p + 1, input)) {
		const char *end = strstr(p + strlen(input), "</p>\n<input");
		if (end != NULL && strncmp(end, tail, strlen(tail)) == 0)
			return true;
	}
	return false;
}

static void test_my_account_address_error_is_beside_its_field_and_keeps_what_was_typed(void **state)
{
	(void)state;
	const char *u = approved_user();
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, u, TEST_PASSWORD, NULL), 303);
	char *csrf = form_csrf(&c, "/account");
	char body[1024];
	snprintf(body, sizeof(body),
	         "csrf=%s&action=addresses&billing_line1=9+Typed+Rd&billing_line2=&billing_city="
	         "&billing_postcode=X1&billing_country=UK&shipping_line1=&shipping_line2="
	         "&shipping_city=&shipping_postcode=&shipping_country=",
	         csrf);
	free(csrf);
	assert_int_equal(post_form(&c, "/account", body, &r), 422);
	assert_true(
	    error_beside(r.body, "billing_city", "", ADDRESS_FIELDS[ADDRESS_CITY].max_chars));
	assert_false(error_beside(r.body, "billing_postcode", "X1",
	                          ADDRESS_FIELDS[ADDRESS_POSTCODE].max_chars));
	assert_non_null(strstr(r.body, "value=\"9 Typed Rd\""));
	/* The error summary at the top links to the field with a message naming it. */
	assert_non_null(strstr(
	    r.body,
	    "<li><a href=\"#billing_city\">Enter the city of the billing address.</a></li>"));
	assert_non_null(strstr(r.body, "<title>Error: "));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_addresses a JOIN customers c "
	                               "ON c.id = a.customer_id WHERE c.username = '%s'",
	                               u),
	                 0);
}

static void
test_checkout_address_error_is_beside_its_field_and_no_card_data_comes_back(void **state)
{
	(void)state;
	struct client c = {0};
	struct http_resp r;
	assert_int_equal(do_login(&c, approved_user(), TEST_PASSWORD, NULL), 303);
	assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 50) WHERE id = 7"),
	                 0);
	char *csrf = form_csrf(&c, "/account");
	char body[2048];
	snprintf(body, sizeof(body), "csrf=%s&product_id=7&quantity=1", csrf);
	assert_int_equal(post_form(&c, "/cart", body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(client_get(&c, env_web(), "/checkout", &r), 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char nonce[128];
	snprintf(nonce, sizeof(nonce), "%.*s", (int)(strchr(p, '"') - p), p);
	http_resp_free(&r);
	/* Shipping not "same as billing", its country missing; the card itself is fine. */
	snprintf(body, sizeof(body),
	         "csrf=%s&nonce=%s&name=Pat+Buyer&email=pat%%40example.com&billing_line1=1+Main+St"
	         "&billing_line2=&billing_city=Leeds&billing_postcode=LS1&billing_country=UK"
	         "&shipping_line1=2+Side+Rd&shipping_line2=&shipping_city=York"
	         "&shipping_postcode=YO1&shipping_country=&payment_mode=card"
	         "&card_number=4242+4242+4242+4242&card_exp=12%%2F30&card_cvv=123",
	         csrf, nonce);
	free(csrf);
	assert_int_equal(post_form(&c, "/checkout", body, &r), 422);
	assert_true(error_beside(r.body, "shipping_country", "",
	                         ADDRESS_FIELDS[ADDRESS_COUNTRY].max_chars));
	assert_false(error_beside(r.body, "billing_country", "UK",
	                          ADDRESS_FIELDS[ADDRESS_COUNTRY].max_chars));
	assert_non_null(strstr(r.body, "value=\"2 Side Rd\""));
	assert_null(strstr(r.body, "4242"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders WHERE nonce = '%s'", nonce), 0);
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address_columns_are_as_wide_as_the_address_field_limits),
	    cmocka_unit_test(test_no_other_column_named_like_an_address_field_drifts),
	    cmocka_unit_test(test_person_columns_are_as_wide_as_the_person_field_limits),
	    cmocka_unit_test(
	        test_my_account_address_error_is_beside_its_field_and_keeps_what_was_typed),
	    cmocka_unit_test(
	        test_checkout_address_error_is_beside_its_field_and_no_card_data_comes_back),
	};
	return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
