/* customer_access.h — a representative's decisions about a customer's access (approve, deny,
 * cancel, restore) and their contact attempts with an applicant: one transaction body each,
 * the same for the staff site and `dittoctl customer`. */
#ifndef DITTO_CUSTOMER_ACCESS_H
#define DITTO_CUSTOMER_ACCESS_H

#include <stdbool.h>

#include "status.h"

struct db;
struct tmpl_set;

enum customer_access_action {
	CUSTOMER_ACCESS_APPROVE, /* to approved from anything the lifecycle allows */
	CUSTOMER_ACCESS_DENY,    /* a pending registration refused */
	CUSTOMER_ACCESS_CANCEL,  /* access ended at once */
	CUSTOMER_ACCESS_RESTORE, /* back to approved, only from cancelled or deactivated */
	CUSTOMER_ACCESS__MAX
};

/* What one action does. */
struct customer_access_info {
	const char *verb;        /* "approve": the dittoctl sub-command and the route's last part */
	const char *done;        /* "approved": past participle, for people */
	enum customer_status to; /* customers.status afterwards */
	unsigned from;     /* bit (1u << status) per status it may come from; 0: the lifecycle's */
	bool end_sessions; /* sign the customer out everywhere at once */
	bool tells_reason; /* the reason is told to the customer (and must be given on the
	                    * staff site); otherwise a reason is an internal note */
};

/* The action's row; NULL when out of range. */
const struct customer_access_info *customer_access_info(enum customer_access_action a);
/* Parses a verb ("approve"). Returns the action, or -1 when s names none. */
int customer_access_parse(const char *s);
/* True when action a may be taken on an account in status s (the forms a page offers). */
bool customer_access_applies(enum customer_access_action a, enum customer_status s);

/* Limits of the texts, in characters (customer_status_history and customer_contacts columns). */
#define CUSTOMER_ACCESS_REASON_MAX 500
#define CUSTOMER_CONTACT_NOTE_MAX  500
#define CUSTOMER_CONTACT_TEXT_MAX  4000

/* One change of access, filled in by customer_access_change. */
struct customer_access_change {
	enum customer_access_action action;
	long long id;           /* the account, or 0 to find it by username */
	const char *username;   /* when id is 0 */
	const char *changed_by; /* the status history's "by": "dittoctl:<login>", "staff:<name>" */
	const char *reason;     /* told to the customer (tells_reason actions); NULL: none */
	const char *note;       /* internal, the history only; NULL: none */
	const struct tmpl_set *views;
	const char *base_url;
	/* Filled in: */
	enum customer_status was; /* the status before (also when refused) */
	const char *kind;         /* the message queued (outbox.kind), or NULL */
	unsigned long long sessions_ended;
	bool already;      /* refused because the account has the status already */
	char refused[200]; /* why it was refused ("the account is already approved"); "" if not */
};

/*
 * The whole change inside the caller's transaction (the account's row is
 * locked first, so two concurrent changes serialise and the second sees the
 * first's status): checks the action may be taken from the account's
 * status, sets the new status, records it in the status history with note
 * and reason, ends the sessions when the action does, and queues the message
 * telling the customer (with the reason, never the note).  Sets c->id.
 * Returns DB_CHANGED; DB_NOT_FOUND; DB_REFUSED (c->refused says why, nothing
 * written); -1 on a database error (the caller rolls back).
 */
int customer_access_change(struct db *db, struct customer_access_change *c);

/* One message to an applicant, filled in by customer_contact_send. */
struct customer_contact_request {
	long long customer_id;
	long long staff_id;  /* who writes */
	const char *nonce;   /* the form's one-time id: a second submit sends nothing */
	const char *message; /* mailed to the applicant */
	const char *note;    /* kept on the registration, never sent */
	const struct tmpl_set *views;
	/* Filled in: */
	char refused[200]; /* why it was refused or not sent again; "" if sent */
};

/*
 * Inside the caller's transaction: locks the account, checks it is a
 * pending registration, records the contact (staff, note, nonce) and
 * queues the message to the account's address.  Returns DB_CHANGED;
 * DB_UNCHANGED when this form's message was sent already; DB_NOT_FOUND;
 * DB_REFUSED when the account is no pending registration; -1 on a database
 * error.  c->refused says why for DB_UNCHANGED and DB_REFUSED.
 */
int customer_contact_send(struct db *db, struct customer_contact_request *c);

#endif
