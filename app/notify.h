/* notify.h — the messages that tell a customer their order or account changed, queued the same
 * way by dittoctl, the shop and the staff site. */
#ifndef DITTO_NOTIFY_H
#define DITTO_NOTIFY_H

#include <stdbool.h>

#include "db/orders.h"
#include "status.h"

struct db;
struct tmpl_set;

/*
 * Queues "order_<status>" (views/mail/order_<status>.txt) about order_id to
 * its contact, as part of the caller's transaction, when the status is one
 * the customer is told of (order_status_tells_customer) and the order still
 * has an address (not anonymised).  The message has the contact's name, the
 * order's number, its link under base_url and tracking (NULL: none), and
 * nothing else: an internal note is never passed.  *queued tells whether a
 * message was queued (may be NULL).  Returns 0, or -1 on error.
 */
int notify_order_status(struct db *db, const struct tmpl_set *views, const char *base_url,
                        long long order_id, enum order_status status,
                        const struct order_contact *contact, const char *tracking, bool *queued);

struct tdict;

/*
 * Queues "<kind>" (views/mail/<kind>.txt) about order_id to its customer,
 * as part of the caller's transaction, without the address: `dittoctl
 * mail send` addresses it to the order's contact email at delivery, so a
 * staff role that sees the address masked (or not at all) tells the
 * customer without reading it.  ctx (may be NULL) holds what the template
 * needs beyond name, order_id and url, which are set here from contact
 * (db_order_contact_name) and base_url.  Nothing is queued for an order
 * without a customer (contact->name NULL).  dedupe_key (or NULL): a
 * message queued with that key already is not queued again.  *queued
 * tells whether one was queued (may be NULL).  Returns 0, 1 when the key
 * was used already, or -1 on error.
 */
int notify_order_at_delivery(struct db *db, const struct tmpl_set *views, const char *base_url,
                             long long order_id, const char *kind,
                             const struct order_contact *contact, struct tdict *ctx,
                             const char *dedupe_key, bool *queued);

/*
 * Queues the message of an account that became status (approved: "access_approved" with the
 * login link under base_url; denied: "access_denied"; cancelled: "access_cancelled") to
 * email, as part of the caller's transaction.  Other statuses send nothing.  reason (NULL:
 * none) is what the customer is told of a denial or cancellation; an internal note is never
 * passed.  *kind is set to the outbox kind queued, or NULL (kind may be NULL).  Returns 0, or
 * -1 on error.
 */
int notify_customer_status(struct db *db, const struct tmpl_set *views, const char *base_url,
                           long long customer_id, const char *email, enum customer_status status,
                           const char *reason, const char **kind);

/*
 * Queues "access_contact", a representative's message to an applicant
 * (plain text, line breaks kept), to email as part of the caller's
 * transaction.  Returns 0, or -1 on error.
 */
int notify_customer_contact(struct db *db, const struct tmpl_set *views, long long customer_id,
                            const char *email, const char *message);

#endif
