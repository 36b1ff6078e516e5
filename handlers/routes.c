/* routes.c — the route tables: each pool's whole site, one line a route. */
#include "routes.h"

/* Test stacks only (config test_routes = true). Kept last in every table. */
/* clang-format off */
#define TEST_ROUTES                                                                                \
	{HTTP_GET, "/_test/sleep", ACCESS_PUBLIC, handle_test_sleep, "test_sleep"},                \
	{HTTP_GET, "/_test/crash", ACCESS_PUBLIC, handle_test_crash, "test_crash"},                \
	{HTTP_GET, "/_test/fail",  ACCESS_PUBLIC, handle_test_fail,  "test_fail"},                 \
	{HTTP_GET, "/_test/forge-slot", ACCESS_PUBLIC, handle_test_forge_slot, "test_forge_slot"}
/* clang-format on */
#define N_TEST_ROUTES 4

/* clang-format off */
static const struct route web_routes[] = {
	{HTTP_GET,  "/",                   ACCESS_PUBLIC,   handle_home,               "home"},
	{HTTP_GET,  "/privacy",            ACCESS_PUBLIC,   handle_privacy,            "privacy"},
	{HTTP_GET,  "/leave",              ACCESS_PUBLIC,   handle_leave,              "leave"},
	{HTTP_GET,  "/privacy/accept",     ACCESS_CUSTOMER, handle_privacy_accept_form, "privacy_accept_form"},
	{HTTP_POST, "/privacy/accept",     ACCESS_CUSTOMER, handle_privacy_accept,     "privacy_accept"},
	{HTTP_POST, "/privacy/decline",    ACCESS_CUSTOMER, handle_privacy_decline,    "privacy_decline"},
	{HTTP_GET,  "/privacy/{version}",  ACCESS_PUBLIC,   handle_privacy_version,    "privacy_version"},
	{HTTP_GET,  "/privacy/{from}/changes/{to}", ACCESS_PUBLIC, handle_privacy_changes, "privacy_changes"},
	{HTTP_GET,  "/register",           ACCESS_PUBLIC,   handle_register_form,      "register_form"},
	{HTTP_POST, "/register",           ACCESS_PUBLIC,   handle_register,           "register"},
	{HTTP_GET,  "/verify",             ACCESS_PUBLIC,   handle_verify,             "verify"},
	{HTTP_GET,  "/login",              ACCESS_PUBLIC,   handle_login_form,         "login_form"},
	{HTTP_POST, "/login",              ACCESS_PUBLIC,   handle_login,              "login"},
	{HTTP_POST, "/logout",             ACCESS_PUBLIC,   handle_logout,             "logout"},
	{HTTP_GET,  "/password/forgot",    ACCESS_PUBLIC,   handle_password_forgot_form, "password_forgot_form"},
	{HTTP_POST, "/password/forgot",    ACCESS_PUBLIC,   handle_password_forgot,    "password_forgot"},
	{HTTP_GET,  "/password/reset",     ACCESS_PUBLIC,   handle_password_reset_form, "password_reset_form"},
	{HTTP_POST, "/password/reset",     ACCESS_PUBLIC,   handle_password_reset,     "password_reset"},
	{HTTP_GET,  "/catalog",            ACCESS_CUSTOMER, handle_catalog,            "catalog"},
	{HTTP_GET,  "/product/{id}",       ACCESS_CUSTOMER, handle_product,            "product"},
	{HTTP_GET,  "/cart",               ACCESS_CUSTOMER, handle_cart,               "cart"},
	{HTTP_POST, "/cart",               ACCESS_CUSTOMER, handle_cart_update,        "cart_update"},
	{HTTP_GET,  "/checkout",           ACCESS_CUSTOMER, handle_checkout_form,      "checkout_form"},
	{HTTP_POST, "/checkout",           ACCESS_CUSTOMER, handle_checkout,           "checkout"},
	{HTTP_GET,  "/orders",             ACCESS_CUSTOMER, handle_orders,             "orders"},
	{HTTP_GET,  "/orders/{id}",        ACCESS_CUSTOMER, handle_order,              "order"},
	{HTTP_GET,  "/account",            ACCESS_CUSTOMER, handle_account,            "account"},
	{HTTP_POST, "/account",            ACCESS_CUSTOMER, handle_account_update,     "account_update"},
	{HTTP_POST, "/account/deactivate", ACCESS_CUSTOMER, handle_account_deactivate, "account_deactivate"},
	{HTTP_POST, "/account/delete",     ACCESS_CUSTOMER, handle_account_delete,     "account_delete"},
	{HTTP_GET,  "/account/export",     ACCESS_CUSTOMER, handle_account_export,     "account_export"},
	{HTTP_GET,  "/account/disclosures", ACCESS_CUSTOMER, handle_account_disclosures, "account_disclosures"},
	{HTTP_GET,  "/unsubscribe",        ACCESS_LINK,     handle_unsubscribe_form,   "unsubscribe_form"},
	{HTTP_POST, "/unsubscribe",        ACCESS_LINK,     handle_unsubscribe,        "unsubscribe"},
	{HTTP_GET,  "/contact",            ACCESS_PUBLIC,   handle_contact,            "contact"},
	{HTTP_POST, "/contact",            ACCESS_CUSTOMER, handle_contact_send,       "contact_send"},
	{HTTP_GET,  "/healthz",            ACCESS_PUBLIC,   handle_healthz,            "healthz"},
	TEST_ROUTES,
};
/* clang-format on */

/* clang-format off */
/* Every ACCESS_STAFF route belongs to a page of the privacy module's page table, which says
 * which roles may open it; a role that may not gets 403 and no menu entry. */
static const struct route staff_routes[] = {
	{HTTP_GET,  "/",                      ACCESS_PUBLIC, handle_staff_root,       "staff_root"},
	{HTTP_GET,  "/admin/login",           ACCESS_PUBLIC, handle_staff_login_form, "staff_login_form"},
	{HTTP_POST, "/admin/login",           ACCESS_PUBLIC, handle_staff_login,      "staff_login"},
	{HTTP_POST, "/admin/logout",          ACCESS_PUBLIC, handle_staff_logout,     "staff_logout"},
	{HTTP_GET,  "/admin",                 ACCESS_STAFF,  handle_staff_home,       "staff_home"},
	{HTTP_GET,  "/admin/customers",       ACCESS_STAFF,  handle_staff_customers,  "staff_customers"},
	{HTTP_GET,  "/admin/registrations",   ACCESS_STAFF,  handle_staff_registrations, "staff_registrations"},
	{HTTP_GET,  "/admin/customers/{id}",  ACCESS_STAFF,  handle_staff_customer,   "staff_customer"},
	{HTTP_POST, "/admin/customers/{id}/approve", ACCESS_STAFF, handle_staff_customer_approve, "staff_customer_approve"},
	{HTTP_POST, "/admin/customers/{id}/deny",    ACCESS_STAFF, handle_staff_customer_deny,    "staff_customer_deny"},
	{HTTP_POST, "/admin/customers/{id}/cancel",  ACCESS_STAFF, handle_staff_customer_cancel,  "staff_customer_cancel"},
	{HTTP_POST, "/admin/customers/{id}/restore", ACCESS_STAFF, handle_staff_customer_restore, "staff_customer_restore"},
	{HTTP_POST, "/admin/customers/{id}/contact", ACCESS_STAFF, handle_staff_customer_contact, "staff_customer_contact"},
	{HTTP_GET,  "/admin/orders",          ACCESS_STAFF,  handle_staff_orders,     "staff_orders"},
	{HTTP_GET,  "/admin/orders/{id}",     ACCESS_STAFF,  handle_staff_order,      "staff_order"},
	{HTTP_POST, "/admin/orders/{id}/status",       ACCESS_STAFF, handle_staff_order_status,       "staff_order_status"},
	{HTTP_POST, "/admin/orders/{id}/tracking",     ACCESS_STAFF, handle_staff_order_tracking,     "staff_order_tracking"},
	{HTTP_POST, "/admin/orders/{id}/cancel",       ACCESS_STAFF, handle_staff_order_cancel,       "staff_order_cancel"},
	{HTTP_POST, "/admin/orders/{id}/message",      ACCESS_STAFF, handle_staff_order_message,      "staff_order_message"},
	{HTTP_POST, "/admin/orders/{id}/invoice-paid", ACCESS_STAFF, handle_staff_order_invoice_paid, "staff_order_invoice_paid"},
	{HTTP_POST, "/admin/orders/{id}/refund",       ACCESS_STAFF, handle_staff_order_refund,       "staff_order_refund"},
	{HTTP_GET,  "/admin/reports",         ACCESS_STAFF,  handle_staff_reports,    "staff_reports"},
	{HTTP_GET,  "/admin/audit",           ACCESS_STAFF,  handle_staff_audit,      "staff_audit"},
	{HTTP_GET,  "/admin/disclosures",     ACCESS_STAFF,  handle_staff_legal_cases, "staff_legal_cases"},
	{HTTP_POST, "/admin/disclosures",     ACCESS_STAFF,  handle_staff_legal_case_open, "staff_legal_case_open"},
	{HTTP_GET,  "/admin/disclosures/{id}", ACCESS_STAFF, handle_staff_legal_case, "staff_legal_case"},
	{HTTP_GET,  "/admin/disclosures/{id}/export", ACCESS_STAFF, handle_staff_legal_case_export, "staff_legal_case_export"},
	{HTTP_POST, "/admin/disclosures/{id}/close", ACCESS_STAFF, handle_staff_legal_case_close, "staff_legal_case_close"},
	{HTTP_GET,  "/admin/notices",         ACCESS_STAFF,  handle_staff_notices,    "staff_notices"},
	{HTTP_POST, "/admin/notices",         ACCESS_STAFF,  handle_staff_notice_add, "staff_notice_add"},
	{HTTP_POST, "/admin/notices/{id}/end", ACCESS_STAFF, handle_staff_notice_end, "staff_notice_end"},
	{HTTP_GET,  "/admin/policy",          ACCESS_STAFF,  handle_staff_policy,     "staff_policy"},
	{HTTP_POST, "/admin/policy",          ACCESS_STAFF,  handle_staff_policy_publish, "staff_policy_publish"},
	{HTTP_GET,  "/admin/policy/acknowledge", ACCESS_STAFF, handle_staff_policy_ack_form, "staff_policy_ack_form"},
	{HTTP_POST, "/admin/policy/acknowledge", ACCESS_STAFF, handle_staff_policy_ack, "staff_policy_ack"},
	{HTTP_GET,  "/admin/staff",           ACCESS_STAFF,  handle_staff_members,    "staff_members"},
	{HTTP_POST, "/admin/staff",           ACCESS_STAFF,  handle_staff_member_add, "staff_member_add"},
	{HTTP_POST, "/admin/staff/{username}/disable", ACCESS_STAFF, handle_staff_member_disable, "staff_member_disable"},
	{HTTP_POST, "/admin/staff/{username}/totp", ACCESS_STAFF, handle_staff_member_reset_totp, "staff_member_reset_totp"},
	{HTTP_GET,  "/admin/products",        ACCESS_STAFF,  handle_staff_products,   "staff_products"},
	{HTTP_POST, "/admin/products",        ACCESS_STAFF,  handle_staff_product_add, "staff_product_add"},
	{HTTP_GET,  "/admin/products/{id}",   ACCESS_STAFF,  handle_staff_product,    "staff_product"},
	{HTTP_POST, "/admin/products/{id}",   ACCESS_STAFF,  handle_staff_product_edit, "staff_product_edit"},
	{HTTP_POST, "/admin/products/{id}/stock", ACCESS_STAFF, handle_staff_product_stock, "staff_product_stock"},
	/* The one route that takes a file: multipart bodies up to max_upload (nginx: 21m). */
	{HTTP_POST | ROUTE_UPLOAD, "/admin/products/{id}/images", ACCESS_STAFF, handle_staff_product_image_add, "staff_product_image_add"},
	{HTTP_POST, "/admin/products/{id}/images/{position}/remove", ACCESS_STAFF, handle_staff_product_image_remove, "staff_product_image_remove"},
	{HTTP_GET,  "/admin/status",          ACCESS_STAFF,  handle_staff_status,     "staff_status"},
	{HTTP_GET,  "/admin/messages",        ACCESS_STAFF,  handle_staff_messages,   "staff_messages"},
	{HTTP_POST, "/admin/messages/{id}/answered", ACCESS_STAFF, handle_staff_message_answered, "staff_message_answered"},
	{HTTP_GET,  "/healthz",               ACCESS_PUBLIC, handle_healthz,          "healthz"},
	TEST_ROUTES,
};
/* clang-format on */

const struct site ditto_site = {
    .pools =
        {
            [POOL_WEB] = {web_routes, sizeof(web_routes) / sizeof(web_routes[0]), N_TEST_ROUTES},
            [POOL_STAFF] = {staff_routes, sizeof(staff_routes) / sizeof(staff_routes[0]),
                            N_TEST_ROUTES},
        },
    .refuse_customer = handle_access_refused,
};
