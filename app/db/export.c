/* export.c — every row held about one customer, read part by part for their data export, and
 * the list of tables with a customer_id that the export answers for. */
#include "export.h"

#include <string.h>

#include "../arena.h"
#include "../privacy/privacy.h"

/* Times as people read them, in UTC like every time the database holds. */
#define T(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i:%s')"

/* The orders' children are read by joining their order, so the one parameter stays the
 * customer's id. */
#define OF_ORDERS(alias) " JOIN orders o ON o.id = " alias ".order_id WHERE o.customer_id = ?"

struct part_def {
	const char *name;
	const char
	    *sql; /* one parameter: the customer's id (and, with legal_arg, the legal role) */
	struct export_column cols[20];
	bool single;
	int parent;
	bool one_each;
	bool legal_arg;
};

#define S(n)                                                                                       \
	{                                                                                          \
		n, EXPORT_TEXT                                                                     \
	}
#define I(n)                                                                                       \
	{                                                                                          \
		n, EXPORT_INT                                                                      \
	}
#define B(n)                                                                                       \
	{                                                                                          \
		n, EXPORT_BOOL                                                                     \
	}

/*
 * What each part holds, and what it leaves out on purpose:
 *  - no secret: password hash, session and verification tokens, CSRF tokens, the card
 *    processor's token, nonces (they are keys to the account, not information about it);
 *  - no staff member's identity: who changed the account or an order, who noted a contact
 *    attempt, who viewed the data (the role is given) or answered a message;
 *  - internal notes of the status histories stay internal (the account history gives the
 *    reason the customer was told, an order's history the line the customer is shown);
 *  - mail: kind, subject, address and dates, not bodies: the customer received each body
 *    already, delivered bodies are purged after the retention period, and some carry one-time
 *    links (verification, password reset) that must not travel again in a file.
 */
static const struct part_def parts[EXPORT__MAX] = {
    [EXPORT_ACCOUNT] =
        {"account",
         "SELECT username, name, email, " T(
             "email_verified_at") ", phone, "
                                  "status, " T("registered_at") ", " T(
                                      "last_visit_at") ", visit_count, "
                                                       "policy_version, profile_opt_out, " T(
                                                           "status_changed_at") " "
                                                                                "FROM customers "
                                                                                "WHERE id = ?",
         {S("username"), S("name"), S("email"), S("email_verified_at"), S("phone"), S("status"),
          S("registered_at"), S("last_visit_at"), I("visit_count"), I("policy_version_accepted"),
          B("viewing_profile_opt_out"), S("status_changed_at")},
         .single = true,
         .parent = -1},
    [EXPORT_ACCOUNT_HISTORY] =
        {"account_status_history",
         "SELECT status, reason, " T(
             "changed_at") " "
                           "FROM customer_status_history WHERE customer_id = ? ORDER BY id",
         {S("status"), S("reason"), S("changed_at")},
         .parent = -1},
    [EXPORT_ADDRESSES] = {"addresses",
                          "SELECT kind, line1, line2, city, postcode, country, policy_version, " T(
                              "updated_at") " FROM customer_addresses WHERE customer_id = ? "
                                            "ORDER BY kind",
                          {S("kind"), S("line1"), S("line2"), S("city"), S("postcode"),
                           S("country"), I("policy_version"), S("updated_at")},
                          .parent = -1},
    [EXPORT_INTERESTS] =
        {"marketing_interests",
         "SELECT i.category_id, c.name, i.policy_version, " T(
             "i.created_at") " "
                             "FROM customer_interests i JOIN categories c ON c.id = i.category_id "
                             "WHERE i.customer_id = ? ORDER BY i.category_id",
         {I("category_id"), S("category"), I("policy_version"), S("given_at")},
         .parent = -1},
    [EXPORT_PROFILE] = {"viewing_profile",
                        "SELECT v.product_id, p.name, v.views, " T(
                            "v.last_viewed_at") ", "
                                                "v.policy_version FROM product_views v "
                                                "LEFT JOIN products p ON p.id = v.product_id "
                                                "WHERE v.customer_id = ? ORDER BY v.product_id",
                        {I("product_id"), S("product"), I("views"), S("last_viewed_at"),
                         I("policy_version")},
                        .parent = -1},
    /* The categories they unsubscribed from (0: every promotion), so none comes back. */
    [EXPORT_EXCLUSIONS] = {"promotion_unsubscribes",
                           "SELECT x.category_id, c.name, " T(
                               "x.created_at") " FROM promotion_exclusions x "
                                               "LEFT JOIN categories c ON c.id = x.category_id "
                                               "WHERE x.customer_id = ? ORDER BY x.category_id",
                           {I("category_id"), S("category"), S("unsubscribed_at")},
                           .parent = -1},
    [EXPORT_CART] =
        {"cart",
         "SELECT c.product_id, p.name, c.quantity, " T(
             "c.added_at") " "
                           "FROM cart_items c LEFT JOIN products p ON p.id = c.product_id "
                           "WHERE c.customer_id = ? ORDER BY c.product_id",
         {I("product_id"), S("product"), I("quantity"), S("added_at")},
         .parent = -1},
    [EXPORT_ORDERS] =
        {"orders",
         "SELECT id, status, " T(
             "created_at") ", policy_version, contact_name, "
                           "contact_email, billing_line1, billing_line2, billing_city, "
                           "billing_postcode, billing_country, shipping_line1, shipping_line2, "
                           "shipping_city, shipping_postcode, shipping_country, payment_mode, "
                           "total_cents, tracking_number FROM orders WHERE customer_id = ? "
                           "ORDER BY id",
         {I("id"), S("status"), S("created_at"), I("policy_version"), S("contact_name"),
          S("contact_email"), S("billing_line1"), S("billing_line2"), S("billing_city"),
          S("billing_postcode"), S("billing_country"), S("shipping_line1"), S("shipping_line2"),
          S("shipping_city"), S("shipping_postcode"), S("shipping_country"), S("payment_mode"),
          I("total_cents"), S("tracking_number")},
         .parent = -1},
    [EXPORT_ORDER_LINES] = {"lines",
                            "SELECT l.order_id, l.line_no, l.sku, l.name, l.unit_price_cents, "
                            "l.quantity FROM order_lines l" OF_ORDERS(
                                "l") " "
                                     "ORDER BY l.order_id, l.line_no",
                            {I("order_id"), I("line_no"), S("sku"), S("name"),
                             I("unit_price_cents"), I("quantity")},
                            .parent = EXPORT_ORDERS},
    [EXPORT_ORDER_HISTORY] =
        {"status_history",
         "SELECT h.order_id, h.status, h.customer_note, " T(
             "h.changed_at") " FROM order_status_history h" OF_ORDERS("h") " ORDER BY h.order_id, "
                                                                           "h.id",
         {I("order_id"), S("status"), S("note"), S("changed_at")},
         .parent = EXPORT_ORDERS},
    [EXPORT_PAYMENTS] = {"payment",
                         "SELECT p.order_id, p.brand, p.last4, p.amount_cents, "
                         "p.refunded_cents, p.status, " T("p.created_at") ", " T(
                             "p.due_at") " "
                                         "FROM payments p" OF_ORDERS("p") " ORDER BY p.order_id",
                         {I("order_id"), S("card_brand"), S("card_last4"), I("amount_cents"),
                          I("refunded_cents"), S("status"), S("created_at"), S("due_at")},
                         .parent = EXPORT_ORDERS,
                         .one_each = true},
    [EXPORT_PAYMENT_ATTEMPTS] =
        {"failed_payments",
         "SELECT outcome, amount_cents, brand, last4, " T(
             "created_at") " "
                           "FROM payment_attempts WHERE customer_id = ? ORDER BY id",
         {S("outcome"), I("amount_cents"), S("card_brand"), S("card_last4"), S("at")},
         .parent = -1},
    [EXPORT_DISCLOSURES] = {"disclosures",
                            "SELECT recipient, fields, purpose, order_id, " T(
                                "created_at") " "
                                              "FROM disclosures WHERE customer_id = ? ORDER BY id",
                            {S("recipient"), S("fields"), S("purpose"), I("order_id"), S("at")},
                            .parent = -1},
    [EXPORT_MAIL] = {"mail",
                     "SELECT kind, subject, recipient, " T("created_at") ", " T(
                         "sent_at") " "
                                    "FROM outbox WHERE customer_id = ? ORDER BY id",
                     {S("kind"), S("subject"), S("to"), S("queued_at"), S("sent_at")},
                     .parent = -1},
    [EXPORT_SESSIONS] = {"sessions",
                         "SELECT " T("created_at") ", " T(
                             "last_seen_at") ", browser "
                                             "FROM sessions WHERE customer_id = ? ORDER BY id",
                         {S("started"), S("last_seen"), S("browser")},
                         .parent = -1},
    [EXPORT_LOCKOUTS] = {"lockouts",
                         "SELECT " T("locked_at") ", " T(
                             "locked_until") ", failures "
                                             "FROM lockouts WHERE customer_id = ? ORDER BY id",
                         {S("locked_at"), S("locked_until"), I("failed_logins")},
                         .parent = -1},
    [EXPORT_VERIFICATIONS] = {"email_verifications",
                              "SELECT email, " T("created_at") ", " T("expires_at") ", " T(
                                  "used_at") " FROM email_verifications WHERE customer_id = ? "
                                             "ORDER BY created_at, email",
                              {S("email"), S("sent_at"), S("expires_at"), S("used_at")},
                              .parent = -1},
    /* As /account/disclosures lists them: the legal officer's views are left out, so a case
     * the customer may not be told of stays unseen. */
    [EXPORT_STAFF_VIEWS] =
        {"staff_views",
         "SELECT " T("created_at") ", role, fields FROM audit_log "
                                   "WHERE customer_id = ? AND action = 'view' AND NOT role <=> ? "
                                   "ORDER BY id",
         {S("at"), S("role"), S("fields")},
         .parent = -1,
         .legal_arg = true},
    [EXPORT_CONTACTS] = {"contact_attempts",
                         "SELECT " T("contacted_at") ", note FROM customer_contacts "
                                                     "WHERE customer_id = ? ORDER BY id",
                         {S("at"), S("note")},
                         .parent = -1},
    [EXPORT_LEGAL_CASES] = {"legal_cases",
                            "SELECT authority, reference, legal_basis, " T("opened_at") ", " T(
                                "closed_at") " FROM customer_legal_cases WHERE customer_id = ? "
                                             "ORDER BY id",
                            {S("authority"), S("reference"), S("legal_basis"), S("opened_at"),
                             S("closed_at")},
                            .parent = -1},
    [EXPORT_SUPPORT_MESSAGES] = {"support_messages",
                                 "SELECT subject, message, " T("created_at") ", " T(
                                     "answered_at") " FROM support_messages "
                                                    "WHERE customer_id = ? ORDER BY id",
                                 {S("subject"), S("message"), S("sent_at"), S("answered_at")},
                                 .parent = -1},
    /* When a reset link was asked for and used; never the token (only its hash is kept). */
    [EXPORT_PASSWORD_RESETS] = {"password_resets",
                                "SELECT " T("created_at") ", " T("expires_at") ", " T(
                                    "used_at") " FROM password_resets WHERE customer_id = ? "
                                               "ORDER BY created_at",
                                {S("requested_at"), S("expires_at"), S("used_at")},
                                .parent = -1},
};

#undef S
#undef I
#undef B

static size_t ncols(const struct part_def *d)
{
	size_t n = 0;
	while (n < sizeof(d->cols) / sizeof(d->cols[0]) && d->cols[n].name != NULL)
		n++;
	return n;
}

int db_export_read(struct db *db, struct arena *a, long long customer_id,
                   struct export_part out[EXPORT__MAX])
{
	for (int i = 0; i < EXPORT__MAX; i++) {
		const struct part_def *d = &parts[i];
		out[i] = (struct export_part){.name = d->name,
		                              .columns = d->cols,
		                              .ncols = ncols(d),
		                              .single = d->single,
		                              .parent = d->parent,
		                              .one_each = d->one_each};
		int rc = d->legal_arg
		             ? db_query(db, a, d->sql,
		                        DB_ARGS(DB_INT(customer_id),
		                                DB_STR(privacy_role_name(ROLE_LEGAL))),
		                        &out[i].rows)
		             : db_query(db, a, d->sql, DB_ARGS(DB_INT(customer_id)), &out[i].rows);
		if (rc < 0)
			return -1;
		if (i == EXPORT_ACCOUNT && out[i].rows.nrows == 0)
			return DB_NOT_FOUND;
	}
	return 0;
}

static const char SQL_ID[] = "SELECT id FROM customers WHERE username = ?";

int db_export_customer_id(struct db *db, struct arena *a, const char *username, long long *id)
{
	struct db_rows r;
	if (db_query(db, a, SQL_ID, DB_ARGS(DB_STR(username)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	*id = db_cell_int(&r, 0, 0);
	return 0;
}

/* Every table with a customer_id column.  tests/integration/test_export_contact.c compares this
 * list with the schema: a new table about customers must be added here, to a part or with the
 * reason it is left out, before that test passes again. */
static const struct export_table tables[] = {
    {"customer_status_history", true, "account_status_history"},
    {"customer_addresses", true, "addresses"},
    {"customer_interests", true, "marketing_interests"},
    {"product_views", true, "viewing_profile"},
    {"cart_items", true, "cart"},
    {"orders", true, "orders"},
    {"payment_attempts", true, "failed_payments"},
    {"disclosures", true, "disclosures"},
    {"outbox", true, "mail"},
    {"sessions", true, "sessions"},
    {"lockouts", true, "lockouts"},
    {"email_verifications", true, "email_verifications"},
    {"audit_log", true, "staff_views"},
    {"customer_contacts", true, "contact_attempts"},
    {"legal_cases", true, "legal_cases"},
    {"support_messages", true, "support_messages"},
    {"cart_counts", false, "only how many units the cart holds: the cart part lists them"},
    {"password_resets", true, "password_resets"},
    {"promotion_exclusions", true, "promotion_unsubscribes"},
    {"promotion_watermarks", false,
     "only the newest product a promotion told them of: each promotion is in the mail part"},
    {"checkout_claims", false,
     "only which checkout form is being submitted, for the seconds it takes: the order is in "
     "the orders part"},
};

const struct export_table *db_export_tables(size_t *n)
{
	*n = sizeof(tables) / sizeof(tables[0]);
	return tables;
}
