/* staff_audit.h — how staff handlers write the audit log: the event names what was done;
 * who did it, on which route and in which request come from the request. */
#ifndef DITTO_STAFF_AUDIT_H
#define DITTO_STAFF_AUDIT_H

#include <stddef.h>

#include "../app/db/audit.h"
#include "../app/http.h"
#include "../app/privacy/audit.h"

/*
 * Appends events ev[0..n) to the audit chain in one transaction, filling in
 * from req what each leaves unset: the signed-in member (staff id, username,
 * role), the route's path and the request id.  n == 0 writes nothing.
 * Returns 0, or -1 (the handler answers 500: a page whose view cannot be
 * recorded is not shown).
 */
int staff_audit(struct request *req, struct audit_event *ev, size_t n);

/*
 * Fills in from req what ev leaves unset, as staff_audit does (the
 * signed-in member, the route's path, the request id): for the audit row of
 * an action that changes data, which the action appends in its own
 * transaction (audit_append_in_tx) so that both commit together.
 */
void staff_audit_fill(struct request *req, struct audit_event *ev);

#endif
