/* staff_audit.h — how staff handlers write the audit log: the event names what was done;
 * who did it, on which route and in which request come from the request. */
#ifndef DITTO_STAFF_AUDIT_H
#define DITTO_STAFF_AUDIT_H

#include <stddef.h>

#include "../app/db/audit.h"
#include "../app/http.h"
#include "../app/privacy/audit.h"

/*
 * Fills in from req what ev leaves unset: the signed-in member (staff id,
 * username, role), the route's path and the request id.  For an action's
 * row written with audit_append_in_tx inside the action's own transaction.
 */
void staff_audit_fill(const struct request *req, struct audit_event *ev);

/*
 * Adds to ev[0..*n) the view of customer's fields marked in shows_full, one
 * row per customer (a second view of the same customer adds its fields to
 * the first row).  Nothing when no field is shown in full or there is no
 * customer (an anonymised order).  ev must have room for one more row.
 */
void staff_audit_add_view(struct audit_event *ev, size_t *n, long long customer,
                          const bool shows_full[FIELD__MAX]);
/* The audit row of a page that shows one customer's fields (staff_audit_add_view, then
 * staff_audit).  Returns 0, or -1 as staff_audit. */
int staff_audit_view(struct request *req, long long customer, const bool shows_full[FIELD__MAX]);

/*
 * Appends events ev[0..n) to the audit chain in one transaction, filling in
 * from req what each leaves unset: the signed-in member (staff id, username,
 * role), the route's path and the request id.  n == 0 writes nothing.
 * Returns 0, or -1 (the handler answers 500: a page whose view cannot be
 * recorded is not shown).
 */
int staff_audit(struct request *req, struct audit_event *ev, size_t n);

#endif
