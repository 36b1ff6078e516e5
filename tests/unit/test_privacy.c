/* test_privacy.c — the privacy module's masks hold on hostile values and are idempotent, its
 * who-sees-what and page tables are complete and default-deny, and the MariaDB grants generated
 * from them never give a role a column it may not read in full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "privacy/grants.h"
#include "privacy/privacy.h"

static struct arena *A;

static int setup(void **state)
{
	(void)state;
	A = arena_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	return 0;
}

/* Hostile inputs every mask must survive. */
static const char *const hostile[] = {
    "",
    "J",
    " ",
    "   \t \r\n ",
    "Jane Doe",
    "  Jane   Doe  ",
    "Élodie Ñúñez",
    "😀 emoji first",
    "***",
    "J*** D***",
    "nobody",
    "@example.com",
    "a@b@example.com",
    "É@exemple.fr",
    "jane@",
    "@",
    "12",
    "123",
    "1234",
    "+1 (555) 123-4567",
    "***-***-4567",
    "phone: none",
    "\xff\xfe broken utf8",
    "\xc3",
};

static void test_name_mask_keeps_each_words_first_character_only(void **state)
{
	(void)state;
	assert_string_equal(privacy_mask_name(A, "Jane Doe"), "J*** D***");
	assert_string_equal(privacy_mask_name(A, "J"), "J***");
	assert_string_equal(privacy_mask_name(A, ""), "");
	assert_string_equal(privacy_mask_name(A, "   "), "");
	assert_string_equal(privacy_mask_name(A, "  Jane \t  Doe\r\n"), "J*** D***");
	assert_string_equal(privacy_mask_name(A, "Élodie Ñúñez"), "É*** Ñ***");
	assert_string_equal(privacy_mask_name(A, "😀bc d"), "😀*** d***");
	assert_null(privacy_mask_name(A, NULL));
}

static void test_email_mask_keeps_first_character_and_domain_only(void **state)
{
	(void)state;
	assert_string_equal(privacy_mask_email(A, "jane@example.com"), "j***@example.com");
	assert_string_equal(privacy_mask_email(A, "élodie@exemple.fr"), "é***@exemple.fr");
	assert_string_equal(privacy_mask_email(A, ""), "***");
	assert_string_equal(privacy_mask_email(A, "nobody"), "***");
	assert_string_equal(privacy_mask_email(A, "@example.com"), "***@example.com");
	assert_string_equal(privacy_mask_email(A, "a@b@example.com"), "a***@example.com");
	assert_string_equal(privacy_mask_email(A, "jane@"), "j***@");
	assert_null(privacy_mask_email(A, NULL));
}

static void test_phone_mask_keeps_the_last_four_digits_only(void **state)
{
	(void)state;
	assert_string_equal(privacy_mask_phone(A, "+1 (555) 123-4567"), "***-***-4567");
	assert_string_equal(privacy_mask_phone(A, "1234"), "***-***-1234");
	assert_string_equal(privacy_mask_phone(A, "123"), "***");
	assert_string_equal(privacy_mask_phone(A, ""), "***");
	assert_string_equal(privacy_mask_phone(A, "phone: none"), "***");
	assert_null(privacy_mask_phone(A, NULL));
}

static void test_masked_address_keeps_city_and_country_even_without_a_city(void **state)
{
	(void)state;
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	int checked = 0;
	for (size_t i = 0; i < n; i++) {
		if (cols[i].field != FIELD_SHIPPING_ADDRESS)
			continue;
		/* billing sees shipping addresses masked */
		const char *empty = privacy_filter_value(A, ROLE_BILLING, &cols[i], "");
		const char *value = privacy_filter_value(A, ROLE_BILLING, &cols[i], "Rue 1");
		if (strstr(cols[i].column, "city") != NULL ||
		    strstr(cols[i].column, "country") != NULL) {
			assert_string_equal(empty, "");
			assert_string_equal(value, "Rue 1");
		} else {
			assert_null(empty);
			assert_null(value);
		}
		checked++;
	}
	assert_true(checked >= 10);
}

static void test_every_mask_is_idempotent(void **state)
{
	(void)state;
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	for (size_t h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++) {
		const char *x = hostile[h];
		const char *m = privacy_mask_name(A, x);
		assert_string_equal(privacy_mask_name(A, m), m);
		m = privacy_mask_email(A, x);
		assert_string_equal(privacy_mask_email(A, m), m);
		m = privacy_mask_phone(A, x);
		assert_string_equal(privacy_mask_phone(A, m), m);
		for (size_t i = 0; i < n; i++) {
			m = privacy_mask_column(A, &cols[i], x);
			const char *mm = privacy_mask_column(A, &cols[i], m);
			if (m == NULL)
				assert_null(mm);
			else
				assert_string_equal(mm, m);
		}
	}
}

static void test_every_field_and_role_is_defined_and_out_of_range_is_absent(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE__MAX; r++) {
		assert_non_null(privacy_role_name(r));
		assert_non_null(privacy_db_role(r));
		assert_int_equal(privacy_role_parse(privacy_role_name(r)), r);
		for (int f = 0; f < FIELD__MAX; f++) {
			enum visibility v = privacy_visibility(r, f);
			assert_true(v == VIS_ABSENT || v == VIS_MASKED || v == VIS_FULL ||
			            v == VIS_AGGREGATE);
		}
		assert_int_equal(privacy_visibility(r, FIELD__MAX), VIS_ABSENT);
		assert_int_equal(privacy_visibility(r, (enum personal_field) - 1), VIS_ABSENT);
	}
	for (int f = 0; f < FIELD__MAX; f++) {
		assert_non_null(privacy_field_name(f));
		assert_non_null(privacy_field_label(f));
		assert_int_equal(privacy_field_parse(privacy_field_name(f)), f);
		assert_int_equal(privacy_visibility(ROLE__MAX, f), VIS_ABSENT);
	}
	assert_null(privacy_role_name(ROLE__MAX));
	assert_int_equal(privacy_role_parse("root"), -1);
	assert_int_equal(privacy_field_parse("password"), -1);
}

static void test_analyst_sees_no_person_and_every_other_role_does(void **state)
{
	(void)state;
	for (int f = 0; f < FIELD__MAX; f++) {
		enum visibility v = privacy_visibility(ROLE_ANALYST, f);
		assert_true(v == VIS_ABSENT || v == VIS_AGGREGATE);
	}
	for (int r = 0; r < ROLE__MAX; r++)
		assert_int_equal(privacy_sees_people(r), r != ROLE_ANALYST);
	assert_true(privacy_needs_open_case(ROLE_LEGAL));
	assert_false(privacy_needs_open_case(ROLE_ADMIN));
}

static void test_nobody_sees_a_card_number_or_cvv_column(void **state)
{
	(void)state;
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(cols[i].column, "cvv"));
		assert_null(strstr(cols[i].column, "card_number"));
		assert_null(strstr(cols[i].column, "token"));
	}
}

static void test_pages_are_default_deny(void **state)
{
	(void)state;
	for (int p = 0; p < PAGE__MAX; p++) {
		assert_non_null(privacy_page(p));
		assert_false(privacy_page_allowed(p, ROLE__MAX));
		assert_int_equal(privacy_page_of(privacy_page(p)->path), p);
	}
	for (int r = 0; r < ROLE__MAX; r++)
		assert_false(privacy_page_allowed(PAGE__MAX, r));
	assert_null(privacy_page(PAGE__MAX));
	assert_false(privacy_page_allowed(PAGE_CUSTOMERS, ROLE_ANALYST));
	assert_false(privacy_page_allowed(PAGE_STAFF, ROLE_LEGAL));
}

/* Every page that shows customers' personal data is marked so, and the page a member must reach
 * to acknowledge the policy is not: otherwise nobody could ever acknowledge it. */
static void test_personal_pages_are_marked_and_the_acknowledgement_opens_for_all(void **state)
{
	(void)state;
	const enum staff_page personal[] = {PAGE_REGISTRATIONS, PAGE_CUSTOMERS, PAGE_ORDERS,
	                                    PAGE_AUDIT, PAGE_DISCLOSURES};
	for (size_t i = 0; i < sizeof(personal) / sizeof(personal[0]); i++)
		assert_true(privacy_page_personal(personal[i]));
	assert_false(privacy_page_personal(PAGE_ACKNOWLEDGE));
	assert_false(privacy_page_personal(PAGE_HOME));
	assert_true(privacy_page_personal(PAGE__MAX)); /* failing closed */
	for (int r = 0; r < ROLE__MAX; r++)
		assert_true(privacy_page_allowed(PAGE_ACKNOWLEDGE, r));
	assert_null(privacy_page(PAGE_ACKNOWLEDGE)->label);
}

static void test_routes_belong_to_their_page_and_lookalikes_to_none(void **state)
{
	(void)state;
	assert_int_equal(privacy_page_of("/admin/customers/{id}/approve"), PAGE_CUSTOMERS);
	assert_int_equal(privacy_page_of("/admin/customers/{id}"), PAGE_CUSTOMERS);
	assert_int_equal(privacy_page_of("/admin"), PAGE_HOME);
	/* The policy every member acknowledges is its own page, open to all, not the admin's. */
	assert_int_equal(privacy_page_of("/admin/policy/acknowledge"), PAGE_ACKNOWLEDGE);
	assert_int_equal(privacy_page_of("/admin/policy"), PAGE_POLICY);
	assert_int_equal(privacy_page_of("/admin/login"), -1);
	assert_int_equal(privacy_page_of("/admin/logout"), -1);
	assert_int_equal(privacy_page_of("/admin/customersX"), -1);
	assert_int_equal(privacy_page_of("/adminx"), -1);
	assert_int_equal(privacy_page_of("/"), -1);
	assert_int_equal(privacy_page_of(""), -1);
}

/* Every action sits on a page all its roles may open, and only its roles may take it there. */
static void test_actions_are_default_deny_and_narrow_their_page(void **state)
{
	(void)state;
	for (int x = 0; x < ACTION__MAX; x++) {
		const struct staff_action_info *ai = privacy_action(x);
		assert_non_null(ai);
		assert_int_equal(privacy_action_of(ai->pattern), x);
		int page = privacy_page_of(ai->pattern);
		assert_true(page >= 0);
		assert_false(privacy_action_allowed(x, ROLE__MAX));
		for (int r = 0; r < ROLE__MAX; r++) {
			if (privacy_action_allowed(x, r))
				assert_true(privacy_page_allowed(page, r));
			assert_int_equal(privacy_route_allowed(ai->pattern, r),
			                 privacy_action_allowed(x, r));
		}
	}
	assert_null(privacy_action(ACTION__MAX));
	assert_int_equal(privacy_action_of("/admin/customers/{id}"), -1);
	/* The page lets billing in; the action does not. */
	assert_true(privacy_route_allowed("/admin/customers/{id}", ROLE_BILLING));
	assert_false(privacy_route_allowed("/admin/customers/{id}/cancel", ROLE_BILLING));
	assert_true(privacy_route_allowed("/admin/customers/{id}/cancel", ROLE_REPRESENTATIVE));
	assert_false(privacy_route_allowed("/admin/orders/{id}/refund", ROLE_SUPPORT));
	assert_true(privacy_route_allowed("/admin/orders/{id}/refund", ROLE_BILLING));
	assert_false(privacy_route_allowed("/admin/login", ROLE_ADMIN));
}

static void test_every_personal_table_has_a_staff_view(void **state)
{
	(void)state;
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (int v = 0; v < VIEW__MAX; v++)
			found = found || strcmp(privacy_view_table(v), cols[i].table) == 0;
		if (!found)
			print_error("%s holds personal columns but has no staff view\n",
			            cols[i].table);
		assert_true(found);
	}
	assert_string_equal(privacy_view_name(A, ROLE_BILLING, VIEW_ADDRESSES),
	                    "staff_billing_addresses");
	assert_null(privacy_view_name(A, ROLE_ANALYST, VIEW_CUSTOMERS));
	assert_null(privacy_view_name(A, ROLE_BILLING, VIEW__MAX));
}

/* The personal column table.column's entries all full for r (false if it is no such column). */
static bool full_everywhere(enum staff_role r, const char *table, const char *column)
{
	size_t n;
	const struct privacy_column *cols = privacy_columns(&n);
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cols[i].table, table) == 0 && strcmp(cols[i].column, column) == 0) {
			if (privacy_visibility(r, cols[i].field) != VIS_FULL)
				return false;
			any = true;
		}
	return any;
}

static void test_generated_grants_never_give_a_masked_or_absent_column(void **state)
{
	(void)state;
	static const char *const keys[] = {"id",   "customer_id", "order_id",  "line_no",
	                                   "kind", "status",      "changed_by"};
	size_t n;
	const struct privacy_grant *g = privacy_grants(A, &n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(g[i].role < ROLE__MAX);
		if (g[i].column == NULL) {
			/* a view: only the role's own */
			char prefix[64];
			snprintf(prefix, sizeof(prefix), "staff_%s_", privacy_role_name(g[i].role));
			assert_memory_equal(g[i].table, prefix, strlen(prefix));
			continue;
		}
		assert_false(privacy_needs_open_case(g[i].role));
		assert_true(privacy_sees_people(g[i].role));
		bool key = false;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			key = key || strcmp(g[i].column, keys[k]) == 0;
		/* orders.status is order data, customers.status the account's: not a key there */
		if (strcmp(g[i].table, "orders") == 0 || strcmp(g[i].table, "order_lines") == 0 ||
		    strcmp(g[i].table, "order_status_history") == 0)
			key = key && strcmp(g[i].column, "status") != 0;
		if (!key && !full_everywhere(g[i].role, g[i].table, g[i].column))
			print_error("%s may read %s.%s\n", privacy_db_role(g[i].role), g[i].table,
			            g[i].column);
		assert_true(key || full_everywhere(g[i].role, g[i].table, g[i].column));
	}
}

static void test_generated_sql_refuses_an_account_that_is_not_a_plain_name(void **state)
{
	(void)state;
	size_t n;
	assert_null(privacy_grants_sql(A, "x'@'%", &n));
	assert_null(privacy_grants_sql(A, "", &n));
	const char **sql = privacy_grants_sql(A, "ditto_staff", &n);
	assert_non_null(sql);
	bool granted = false, views = false;
	for (size_t i = 0; i < n; i++) {
		assert_null(strchr(sql[i], ';'));
		granted = granted ||
		          strcmp(sql[i], "GRANT ditto_legal TO 'ditto_staff'@'localhost'") == 0;
		views = views || strstr(sql[i], "VIEW staff_billing_addresses AS") != NULL;
		assert_null(strstr(sql[i], "staff_analyst_customers AS"));
	}
	assert_true(granted);
	assert_true(views);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_mask_keeps_each_words_first_character_only),
	    cmocka_unit_test(test_email_mask_keeps_first_character_and_domain_only),
	    cmocka_unit_test(test_phone_mask_keeps_the_last_four_digits_only),
	    cmocka_unit_test(test_masked_address_keeps_city_and_country_even_without_a_city),
	    cmocka_unit_test(test_every_mask_is_idempotent),
	    cmocka_unit_test(test_every_field_and_role_is_defined_and_out_of_range_is_absent),
	    cmocka_unit_test(test_analyst_sees_no_person_and_every_other_role_does),
	    cmocka_unit_test(test_nobody_sees_a_card_number_or_cvv_column),
	    cmocka_unit_test(test_pages_are_default_deny),
	    cmocka_unit_test(test_actions_are_default_deny_and_narrow_their_page),
	    cmocka_unit_test(test_routes_belong_to_their_page_and_lookalikes_to_none),
	    cmocka_unit_test(test_personal_pages_are_marked_and_the_acknowledgement_opens_for_all),
	    cmocka_unit_test(test_every_personal_table_has_a_staff_view),
	    cmocka_unit_test(test_generated_grants_never_give_a_masked_or_absent_column),
	    cmocka_unit_test(test_generated_sql_refuses_an_account_that_is_not_a_plain_name),
	};
	return cmocka_run_group_tests_name("privacy", tests, setup, teardown);
}
