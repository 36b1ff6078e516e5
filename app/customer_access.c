/* customer_access.c — approve, deny, cancel, restore and contact: the transaction bodies both
 * the staff site and dittoctl run, with the texts that say why one was refused. */
#include "customer_access.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db/contacts.h"
#include "db/customers.h"
#include "db/db.h"
#include "notify.h"

#define FROM(s) (1u << (s))

static const struct customer_access_info actions[CUSTOMER_ACCESS__MAX] = {
    [CUSTOMER_ACCESS_APPROVE] = {"approve", "approved", CUSTOMER_APPROVED, 0, false, false},
    [CUSTOMER_ACCESS_DENY] = {"deny", "denied", CUSTOMER_DENIED, 0, true, true},
    [CUSTOMER_ACCESS_CANCEL] = {"cancel", "cancelled", CUSTOMER_CANCELLED, 0, true, true},
    /* Approve does the same from these, but restoring is what a representative means for an
     * account that had access: it is offered (and allowed) only there. */
    [CUSTOMER_ACCESS_RESTORE] = {"restore", "restored", CUSTOMER_APPROVED,
                                 FROM(CUSTOMER_CANCELLED) | FROM(CUSTOMER_DEACTIVATED), false,
                                 false},
};

const struct customer_access_info *customer_access_info(enum customer_access_action a)
{
	return (unsigned)a < CUSTOMER_ACCESS__MAX ? &actions[a] : NULL;
}

int customer_access_parse(const char *s)
{
	for (int a = 0; s != NULL && a < CUSTOMER_ACCESS__MAX; a++)
		if (strcmp(s, actions[a].verb) == 0)
			return a;
	return -1;
}

bool customer_access_applies(enum customer_access_action a, enum customer_status s)
{
	const struct customer_access_info *i = customer_access_info(a);
	if (i == NULL || (unsigned)s >= CUSTOMER__MAX || !customer_status_allowed(s, i->to))
		return false;
	return i->from == 0 || (i->from & FROM(s)) != 0;
}

/* The statuses action i may come from, as people read them ("cancelled or deactivated"). */
static const char *from_text(const struct customer_access_info *i, char *buf, size_t cap)
{
	const char *names[CUSTOMER__MAX];
	int n = 0;
	for (int s = 0; s < CUSTOMER__MAX; s++)
		if (customer_status_allowed(s, i->to) && (i->from == 0 || (i->from & FROM(s))))
			names[n++] = customer_status_name(s);
	buf[0] = '\0';
	size_t len = 0;
	for (int k = 0; k < n && len < cap; k++) {
		const char *sep = k == 0 ? "" : (k == n - 1 ? " or " : ", ");
		int w = snprintf(buf + len, cap - len, "%s%s", sep, names[k]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

/* Says why action i cannot be taken on an account in status was. */
static void refusal(struct customer_access_change *c, const struct customer_access_info *i)
{
	const char *was = customer_status_name(c->was);
	c->already = c->was == i->to;
	if (c->already) {
		snprintf(c->refused, sizeof(c->refused), "the account is already %s", was);
		return;
	}
	char from[120];
	snprintf(c->refused, sizeof(c->refused), "the account is %s (only %s accounts can be %s)",
	         was ? was : "in an unknown status", from_text(i, from, sizeof(from)), i->done);
}

int customer_access_change(struct db *db, struct customer_access_change *c)
{
	const struct customer_access_info *i = customer_access_info(c->action);
	if (i == NULL)
		return -1;
	c->refused[0] = '\0';
	c->already = false;
	c->kind = NULL;
	struct arena *a = arena_new();
	struct customer_change ch = {
	    .id = c->id,
	    .username = c->username,
	    .to = i->to,
	    .from = i->from,
	    .changed_by = c->changed_by,
	    .note = c->note,
	    .reason = i->tells_reason ? c->reason : NULL,
	    .end_sessions = i->end_sessions,
	};
	int st = db_customer_change_status(db, a, &ch);
	c->was = ch.was;
	c->sessions_ended = ch.sessions_ended;
	c->id = ch.id;
	if (st == DB_REFUSED)
		refusal(c, i);
	/* The message says what happened and, for a denial or cancellation, why: never the
	 * internal note. */
	if (st == DB_CHANGED &&
	    notify_customer_status(db, c->views, c->base_url, ch.id, ch.email, i->to,
	                           i->tells_reason ? c->reason : NULL, &c->kind) < 0)
		st = -1;
	arena_wipe(a);
	arena_free(a);
	return st;
}

int customer_contact_send(struct db *db, struct customer_contact_request *c)
{
	c->refused[0] = '\0';
	struct arena *a = arena_new();
	const char *email = NULL;
	enum customer_status status;
	/* The address is read to send the message, by a role that sees it in full (the
	 * representative, SPEC §5): nothing here reads what the role may not. */
	int st = db_customer_lock(db, a, c->customer_id, &email, &status);
	if (st != 0)
		goto out;
	if (status != CUSTOMER_PENDING) {
		const char *name = customer_status_name(status);
		snprintf(c->refused, sizeof(c->refused),
		         "the account is %s: only a pending registration's applicant is contacted "
		         "here",
		         name ? name : "in an unknown status");
		st = DB_REFUSED;
		goto out;
	}
	/* The note first: its unique nonce refuses a second submit before anything is sent. */
	st = db_contact_insert(db, c->customer_id, c->staff_id, c->nonce, c->note);
	if (st == DB_UNCHANGED)
		snprintf(c->refused, sizeof(c->refused),
		         "this message was sent already: it is not sent twice");
	if (st != DB_CHANGED)
		goto out;
	if (notify_customer_contact(db, c->views, c->customer_id, email, c->message) < 0)
		st = -1;
out:
	arena_wipe(a);
	arena_free(a);
	return st;
}
