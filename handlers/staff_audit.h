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
 * username, role; none when nobody is signed in and ev names nobody), the
 * route's path and the request id.  For an action's audit row written in
 * the action's own transaction (audit_append_in_tx).  Can't fail.
 */
void staff_audit_event(struct request *req, struct audit_event *ev);

/*
 * Appends events ev[0..n) to the audit chain in one transaction, filling in
 * from req what each leaves unset: the signed-in member (staff id, username,
 * role), the route's path and the request id.  n == 0 writes nothing.
 * Returns 0, or -1 (the handler answers 500: a page whose view cannot be
 * recorded is not shown).
 */
int staff_audit(struct request *req, struct audit_event *ev, size_t n);

#endif
