/* routes.h — the route tables of the shop and staff pools, and every handler they name. */
#ifndef DITTO_ROUTES_H
#define DITTO_ROUTES_H

#include <stddef.h>

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
int handle_privacy_version(struct request *req, struct response *res);
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
int handle_cart(struct request *req, struct response *res);
int handle_cart_update(struct request *req, struct response *res);
int handle_checkout_form(struct request *req, struct response *res);
int handle_checkout(struct request *req, struct response *res);
int handle_orders(struct request *req, struct response *res);
int handle_order(struct request *req, struct response *res);
/* Answers 403 to a signed-in customer whose account may not use the shop, saying why. */
int handle_access_refused(struct request *req, struct response *res);
int handle_test_sleep(struct request *req, struct response *res);
int handle_test_crash(struct request *req, struct response *res);

/* Shared by registration and My Account: checks name, email and phone (each skipped when
 * NULL; an empty phone is fine), marking each bad field in ctx. Returns true when all pass. */
bool account_person_fields_ok(struct request *req, struct tdict *ctx, const char *name,
                              const char *email, const char *phone);
/* Queues the verification mail for email with a fresh one-time token. Returns 0 or -1. */
int account_queue_verification(struct request *req, long long customer_id, const char *email,
                               const char *name);

/* The five fields of a postal address, in form order ("<kind>_<field>" in forms). */
extern const char *const ADDRESS_FIELDS[5];
/* Returns NULL when v is acceptable for address field f (0..4; line2 may be empty), else
 * the message to show beside it. Shared by My Account and checkout. */
const char *address_field_problem(int f, const char *v);

struct cart_line;
/* Fills ctx with the signed-in customer's cart lines and total (cart.c); *total_cents and
 * *n get the sums. Returns 0 or -1. */
int cart_ctx(struct request *req, struct tdict *ctx, struct cart_line **lines, size_t *n,
             long long *total_cents);

/* Formats cents as "12.34" into the arena. */
const char *format_price(struct arena *a, long long cents);

#endif
