/* test_status.c — the order and customer lifecycles allow exactly the documented changes, and
 * their names and texts are the ones the database and dittoctl use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

static void test_order_names_parse_back(void **state)
{
	(void)state;
	for (int s = 0; s < ORDER__MAX; s++)
		assert_int_equal(order_status_parse(order_status_name((enum order_status)s)), s);
	assert_int_equal(order_status_parse("PAID"), -1);
	assert_int_equal(order_status_parse(""), -1);
	assert_int_equal(order_status_parse(NULL), -1);
	assert_null(order_status_name(ORDER__MAX));
}

static void test_order_lifecycle_allows_exactly_the_documented_changes(void **state)
{
	(void)state;
	/* "placed -> paid, cancelled; paid -> shipped, cancelled, refunded; shipped ->
	 * delivered, refunded; delivered -> refunded" (dittoctl order --help). */
	static const char *const allowed[] = {
	    "placed paid",   "placed cancelled",  "paid shipped",     "paid cancelled",
	    "paid refunded", "shipped delivered", "shipped refunded", "delivered refunded",
	};
	for (int f = 0; f < ORDER__MAX; f++)
		for (int t = 0; t < ORDER__MAX; t++) {
			char pair[40];
			snprintf(pair, sizeof(pair), "%s %s",
			         order_status_name((enum order_status)f),
			         order_status_name((enum order_status)t));
			bool want = false;
			for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
				want = want || strcmp(allowed[i], pair) == 0;
			if (order_status_allowed((enum order_status)f, (enum order_status)t) !=
			    want)
				fail_msg("%s: expected %s", pair, want ? "allowed" : "refused");
		}
	assert_true(order_status_is_final(ORDER_CANCELLED));
	assert_true(order_status_is_final(ORDER_REFUNDED));
	assert_false(order_status_is_final(ORDER_DELIVERED));
}

static void test_order_next_texts_are_the_ones_dittoctl_prints(void **state)
{
	(void)state;
	assert_string_equal(order_status_next_text(ORDER_PLACED), "paid or cancelled");
	assert_string_equal(order_status_next_text(ORDER_PAID), "shipped, cancelled or refunded");
	assert_string_equal(order_status_next_text(ORDER_SHIPPED), "delivered or refunded");
	assert_string_equal(order_status_next_text(ORDER_DELIVERED), "refunded");
	assert_null(order_status_next_text(ORDER_CANCELLED));
	assert_null(order_status_next_text(ORDER_REFUNDED));
}

static void test_refund_only_where_money_was_taken(void **state)
{
	(void)state;
	assert_true(order_status_needs_refund(ORDER_PAID, ORDER_CANCELLED));
	assert_true(order_status_needs_refund(ORDER_SHIPPED, ORDER_REFUNDED));
	assert_false(order_status_needs_refund(ORDER_PLACED, ORDER_CANCELLED));
	assert_false(order_status_needs_refund(ORDER_PAID, ORDER_SHIPPED));
}

static void test_customer_told_of_shipping_delivery_cancelling_and_refunds_only(void **state)
{
	(void)state;
	assert_false(order_status_tells_customer(ORDER_PLACED));
	assert_false(order_status_tells_customer(ORDER_PAID));
	assert_true(order_status_tells_customer(ORDER_SHIPPED));
	assert_true(order_status_tells_customer(ORDER_DELIVERED));
	assert_true(order_status_tells_customer(ORDER_CANCELLED));
	assert_true(order_status_tells_customer(ORDER_REFUNDED));
}

static void test_customer_names_parse_back(void **state)
{
	(void)state;
	for (int s = 0; s < CUSTOMER__MAX; s++)
		assert_int_equal(
		    customer_status_parse(customer_status_name((enum customer_status)s)), s);
	assert_int_equal(customer_status_parse("approve"), -1);
	assert_null(customer_status_name(CUSTOMER__MAX));
}

static void test_customer_lifecycle_matches_what_representatives_and_customers_may_do(void **state)
{
	(void)state;
	/* approve: from pending, denied, cancelled or deactivated (reactivation). */
	assert_string_equal(customer_status_prev_text(CUSTOMER_APPROVED),
	                    "pending, denied, cancelled or deactivated");
	/* deny: from pending only. cancel: from pending or approved. */
	assert_string_equal(customer_status_prev_text(CUSTOMER_DENIED), "pending");
	assert_string_equal(customer_status_prev_text(CUSTOMER_CANCELLED), "pending or approved");
	/* The customer closes an approved account; a deleted one is final. */
	assert_true(customer_status_allowed(CUSTOMER_APPROVED, CUSTOMER_DEACTIVATED));
	assert_true(customer_status_allowed(CUSTOMER_APPROVED, CUSTOMER_DELETED));
	for (int t = 0; t < CUSTOMER__MAX; t++)
		assert_false(customer_status_allowed(CUSTOMER_DELETED, (enum customer_status)t));
	assert_false(customer_status_allowed(CUSTOMER_APPROVED, CUSTOMER_APPROVED));
	assert_false(customer_status_allowed(CUSTOMER_DENIED, CUSTOMER_CANCELLED));
	assert_false(customer_status_allowed(CUSTOMER_PENDING, CUSTOMER_DEACTIVATED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_names_parse_back),
	    cmocka_unit_test(test_order_lifecycle_allows_exactly_the_documented_changes),
	    cmocka_unit_test(test_order_next_texts_are_the_ones_dittoctl_prints),
	    cmocka_unit_test(test_refund_only_where_money_was_taken),
	    cmocka_unit_test(test_customer_told_of_shipping_delivery_cancelling_and_refunds_only),
	    cmocka_unit_test(test_customer_names_parse_back),
	    cmocka_unit_test(
	        test_customer_lifecycle_matches_what_representatives_and_customers_may_do),
	};
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
