/* routes.h — the route tables of the shop and staff pools, and every handler they name. */
#ifndef DITTO_ROUTES_H
#define DITTO_ROUTES_H

#include <stddef.h>

#include "../app/fields.h"
#include "../app/router.h"
#include "../app/site.h"
#include "../app/template.h"

/*
 * The whole site: each pool's route table and the refusal page.  The last
 * routes of each table, /_test/ ones, are served only by test stacks
 * (test_routes = true): they sleep or crash on purpose to prove the pool's
 * guarantees.
 */
extern const struct site ditto_site;

int handle_home(struct request *req, struct response *res);
int handle_privacy(struct request *req, struct response *res);
int handle_leave(struct request *req, struct response *res);
int handle_privacy_version(struct request *req, struct response *res);
/* What changed between two versions: purposes added and removed, the text line by line. */
int handle_privacy_changes(struct request *req, struct response *res);
/* A signed-in customer's decision on the newest version: the page, accept, decline. */
int handle_privacy_accept_form(struct request *req, struct response *res);
int handle_privacy_accept(struct request *req, struct response *res);
int handle_privacy_decline(struct request *req, struct response *res);
int handle_catalog(struct request *req, struct response *res);
int handle_product(struct request *req, struct response *res);
int handle_healthz(struct request *req, struct response *res);
int handle_register_form(struct request *req, struct response *res);
int handle_register(struct request *req, struct response *res);
int handle_verify(struct request *req, struct response *res);
int handle_login_form(struct request *req, struct response *res);
int handle_login(struct request *req, struct response *res);
int handle_logout(struct request *req, struct response *res);
int handle_account(struct request *req, struct response *res);
int handle_account_update(struct request *req, struct response *res);
int handle_account_deactivate(struct request *req, struct response *res);
int handle_account_delete(struct request *req, struct response *res);
int handle_account_export(struct request *req, struct response *res);
int handle_account_disclosures(struct request *req, struct response *res);
/* The signed unsubscribe link of marketing mail: GET asks to confirm, POST (also RFC 8058's
 * one-click POST from a mail client) unsubscribes; no sign-in, no CSRF token. */
int handle_unsubscribe_form(struct request *req, struct response *res);
int handle_unsubscribe(struct request *req, struct response *res);
/* How to reach the shop; a signed-in customer's message to the support queue. */
int handle_contact(struct request *req, struct response *res);
/* password.c: a forgotten password's link and the page it opens. */
int handle_password_forgot_form(struct request *req, struct response *res);
int handle_password_forgot(struct request *req, struct response *res);
int handle_password_reset_form(struct request *req, struct response *res);
int handle_password_reset(struct request *req, struct response *res);
int handle_contact_send(struct request *req, struct response *res);
int handle_cart(struct request *req, struct response *res);
int handle_cart_update(struct request *req, struct response *res);
int handle_checkout_form(struct request *req, struct response *res);
int handle_checkout(struct request *req, struct response *res);
int handle_orders(struct request *req, struct response *res);
int handle_order(struct request *req, struct response *res);
/* The staff site's root: on to /admin (which sends a visitor to sign in). */
int handle_staff_root(struct request *req, struct response *res);
int handle_staff_login_form(struct request *req, struct response *res);
int handle_staff_login(struct request *req, struct response *res);
int handle_staff_logout(struct request *req, struct response *res);
int handle_staff_home(struct request *req, struct response *res);
int handle_staff_customers(struct request *req, struct response *res);
int handle_staff_customer(struct request *req, struct response *res);
int handle_staff_audit(struct request *req, struct response *res);
/* The aggregate reports: charts and tables for a date range (?from=&to=), a table as CSV
 * (?format=csv&table=NAME). */
int handle_staff_reports(struct request *req, struct response *res);
int handle_staff_registrations(struct request *req, struct response *res);
int handle_staff_customer_approve(struct request *req, struct response *res);
int handle_staff_customer_deny(struct request *req, struct response *res);
int handle_staff_customer_cancel(struct request *req, struct response *res);
int handle_staff_customer_restore(struct request *req, struct response *res);
int handle_staff_customer_contact(struct request *req, struct response *res);
/* Adds to parent the dictionary "actions" of the forms the signed-in member's role may use on
 * customer id in status (the privacy module's ACTIONS table, and only those the status
 * allows); nothing when there are none.  from ("registrations" or NULL) is where a done
 * form sends the browser back to. */
void staff_customer_actions_ctx(struct request *req, struct tdict *parent, long long id,
                                const char *status, const char *from);
int handle_staff_legal_cases(struct request *req, struct response *res);
int handle_staff_legal_case_open(struct request *req, struct response *res);
int handle_staff_legal_case(struct request *req, struct response *res);
int handle_staff_legal_case_export(struct request *req, struct response *res);
int handle_staff_legal_case_close(struct request *req, struct response *res);
/* The admin's pages: site notices, the privacy policy's versions, staff accounts. */
int handle_staff_notices(struct request *req, struct response *res);
int handle_staff_notice_add(struct request *req, struct response *res);
int handle_staff_notice_end(struct request *req, struct response *res);
int handle_staff_policy(struct request *req, struct response *res);
int handle_staff_policy_publish(struct request *req, struct response *res);
/* Every member, before pages with personal data: read and acknowledge the newest version. */
int handle_staff_policy_ack_form(struct request *req, struct response *res);
int handle_staff_policy_ack(struct request *req, struct response *res);
int handle_staff_members(struct request *req, struct response *res);
int handle_staff_member_add(struct request *req, struct response *res);
int handle_staff_member_disable(struct request *req, struct response *res);
int handle_staff_member_reset_totp(struct request *req, struct response *res);
/* The admin's catalogue (staff_products.c): the list and a new product, one product's fields,
 * its stock adjustments, its images (upload: multipart/form-data; remove). */
int handle_staff_products(struct request *req, struct response *res);
int handle_staff_product_add(struct request *req, struct response *res);
int handle_staff_product(struct request *req, struct response *res);
int handle_staff_product_edit(struct request *req, struct response *res);
int handle_staff_product_stock(struct request *req, struct response *res);
int handle_staff_product_image_add(struct request *req, struct response *res);
int handle_staff_product_image_remove(struct request *req, struct response *res);
/* Both pools and the database (admin); ?json for monitoring, ?refresh=N reloads the page. */
int handle_staff_status(struct request *req, struct response *res);
/* Orders (staff_orders.c): the list, one order, and the actions of support and billing. */
int handle_staff_orders(struct request *req, struct response *res);
int handle_staff_order(struct request *req, struct response *res);
int handle_staff_order_status(struct request *req, struct response *res);
int handle_staff_order_tracking(struct request *req, struct response *res);
int handle_staff_order_cancel(struct request *req, struct response *res);
int handle_staff_order_message(struct request *req, struct response *res);
int handle_staff_order_invoice_paid(struct request *req, struct response *res);
int handle_staff_order_refund(struct request *req, struct response *res);
/* Support's queue of customers' messages, and marking one answered. */
int handle_staff_messages(struct request *req, struct response *res);
int handle_staff_message_answered(struct request *req, struct response *res);
/* Answers 403 to a signed-in customer whose account may not use the shop, saying why. */
int handle_access_refused(struct request *req, struct response *res);
int handle_test_sleep(struct request *req, struct response *res);
int handle_test_crash(struct request *req, struct response *res);
int handle_test_fail(struct request *req, struct response *res);
int handle_test_forge_slot(struct request *req, struct response *res);

/* Shared by registration and My Account: checks name, email and phone (each skipped when
 * NULL; an empty phone is fine), marking each bad field in ctx. Returns true when all pass. */
bool account_person_fields_ok(struct request *req, struct tdict *ctx, const char *name,
                              const char *email, const char *phone);
/* Queues the verification mail for email with a fresh one-time token. Returns 0 or -1. */
/* Mails the owner of email a notice of kind ("register_existing", "email_existing") unless
 * that address had a few this hour. */
int account_notify_address_owner(struct request *req, const char *email, const char *kind);
int account_queue_verification(struct request *req, long long customer_id, const char *email,
                               const char *name);

/* One address block of a form (views/address.html, forms.c): what it shows and what is wrong
 * with it. Shared by My Account and checkout. */
struct address_form {
	enum address_kind kind;
	const char *value[ADDRESS__MAX]; /* never NULL: "" when absent */
	const char *error[ADDRESS__MAX]; /* NULL, or the message shown beside the field */
};

struct address;
/* Fills form with the posted fields "<kind>_<name>" of kind (an absent one is ""), no errors. */
void address_form_read(struct request *req, enum address_kind kind, struct address_form *form);
/* Fills both forms with the stored addresses addrs[0..n) (a kind with none: every field
 * empty), no errors. The forms point into addrs. */
void address_forms_stored(struct address_form form[ADDRESS_KIND__MAX], const struct address *addrs,
                          size_t n);
/* True when every field of form is empty: a customer removes an address so. */
bool address_form_empty(const struct address_form *form);
/* Checks every field of form against ADDRESS_FIELDS; a refused one gets its message in
 * form->error and is marked in ctx (view_field_error "<kind>_<name>"). Returns true when all
 * pass. */
bool address_form_check(struct request *req, struct tdict *ctx, struct address_form *form);
/* Adds form to ctx as the dictionary "<kind>_address" whose list "fields" views/address.html
 * renders: id, label, optional, value, max and error of each field, in table order. */
void address_form_ctx(struct request *req, struct tdict *ctx, const struct address_form *form);
/* Sets "max.<name>" in ctx to the limit of every person field (PERSON_FIELDS): the maxlength
 * attributes of registration, My Account and checkout. */
void person_fields_ctx(struct tdict *ctx);

struct cart_line;
/* Fills ctx with the signed-in customer's cart lines and total (cart.c); *total_cents and
 * *n get the sums; a line cart_line_short says the shop cannot sell is flagged and left out
 * of the total. Returns 0 or -1. */
int cart_ctx(struct request *req, struct tdict *ctx, struct cart_line **lines, size_t *n,
             long long *total_cents);
/* True when line c cannot be sold as it stands: its product withdrawn or short of stock. */
bool cart_line_short(const struct cart_line *c);

struct person_detail;
/* Fills ctx with customer d as the signed-in member's role was given them (the keys of
 * views/admin/customer.html: person, billing, shipping, sees_orders, orders, no_orders,
 * profile).  Shared by the customer page and the legal case page. */
void staff_customer_ctx(struct request *req, struct tdict *ctx, const struct person_detail *d);

/* "Recommended for you" (profile.c): fills ctx's "recommended" for a signed-in customer whom
 * the profile may serve (one statement), nothing otherwise. Returns 0 or -1. */
int recommend_ctx(struct request *req, struct tdict *ctx);
/* My Account's viewing profile list (profile.c): ctx's "profile_views". Returns 0 or -1. */
int profile_list_ctx(struct request *req, struct tdict *ctx, long long customer_id);

/* The first character of s, a placeholder picture's letter (catalog.c), in the arena. */
const char *product_initial(struct arena *a, const char *s);

/* Formats cents as "12.34" into the arena. */
const char *format_price(struct arena *a, long long cents);

#endif
