/* staff_customer_actions.c — a representative's actions on a customer (approve, deny, cancel,
 * restore, contact): each one transaction with its audit row, through the same code as
 * `dittoctl customer` (app/customer_access.h); and the forms a page offers for them. */
#include <stdio.h>
#include <string.h>

#include "../app/customer_access.h"
#include "../app/db/db.h"
#include "../app/session.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

/* The forms of a customer: each a route of the privacy module's ACTIONS table, with the key
 * its form has in the template context. */
static const struct form {
	enum staff_action action; /* who may take it */
	int access;               /* enum customer_access_action; -1 for contact */
	const char *key;          /* "approve": the context key and the audit verb */
} forms[] = {
    {ACTION_CUSTOMER_APPROVE, CUSTOMER_ACCESS_APPROVE, "approve"},
    {ACTION_CUSTOMER_DENY, CUSTOMER_ACCESS_DENY, "deny"},
    {ACTION_CUSTOMER_CONTACT, -1, "contact"},
    {ACTION_CUSTOMER_CANCEL, CUSTOMER_ACCESS_CANCEL, "cancel"},
    {ACTION_CUSTOMER_RESTORE, CUSTOMER_ACCESS_RESTORE, "restore"},
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

/* The form of action a (always one: every handler here names a row of forms). */
static const struct form *form_of(enum staff_action a)
{
	for (size_t i = 0; i < NFORMS; i++)
		if (forms[i].action == a)
			return &forms[i];
	return &forms[0];
}

/* True when form f is offered for an account in status s: a change the account's status
 * allows; a contact only while the registration is pending. */
static bool form_applies(const struct form *f, enum customer_status s)
{
	if (f->access < 0)
		return s == CUSTOMER_PENDING;
	/* The lifecycle lets a pending account be cancelled too, but a registration is decided
	 * by approving or denying it: its forms are those (the route still takes a cancel). */
	if (f->action == ACTION_CUSTOMER_CANCEL && s == CUSTOMER_PENDING)
		return false;
	return customer_access_applies((enum customer_access_action)f->access, s);
}

/* Adds form f's dictionary to actions: its label, whether its reason is required, and a fresh
 * one-time nonce for a contact.  Returns it. */
static struct tdict *form_ctx(struct tdict *actions, const struct form *f)
{
	struct tdict *d = tdict_dict(actions, f->key);
	tdict_set_ref(d, "label", privacy_action(f->action)->label);
	if (f->access >= 0) {
		const struct customer_access_info *i = customer_access_info(f->access);
		tdict_set_bool(d, "reason_required", i->tells_reason);
	} else {
		char nonce[SESSION_TOKEN_LEN + 1];
		tdict_set(d, "nonce", session_random_token(nonce, sizeof(nonce)));
	}
	tdict_setf(d, "reason_max", "%d", CUSTOMER_ACCESS_REASON_MAX);
	return d;
}

/* The context every set of forms needs: the customer, where to go back to, the CSRF token. */
static struct tdict *actions_dict(struct request *req, struct tdict *parent, long long id,
                                  const char *from)
{
	struct tdict *actions = tdict_dict(parent, "actions");
	tdict_setf(actions, "id", "%lld", id);
	tdict_set_ref(actions, "csrf", req->staff->csrf);
	if (from != NULL)
		tdict_set_ref(actions, "from", from);
	tdict_setf(actions, "note_max", "%d", CUSTOMER_CONTACT_NOTE_MAX);
	tdict_setf(actions, "message_max", "%d", CUSTOMER_CONTACT_TEXT_MAX);
	return actions;
}

void staff_customer_actions_ctx(struct request *req, struct tdict *parent, long long id,
                                const char *status, const char *from)
{
	int s = customer_status_parse(status);
	if (req->staff == NULL || s < 0)
		return;
	struct tdict *actions = NULL;
	for (size_t i = 0; i < NFORMS; i++) {
		if (!privacy_action_allowed(forms[i].action, req->staff->role) ||
		    !form_applies(&forms[i], (enum customer_status)s))
			continue;
		if (actions == NULL)
			actions = actions_dict(req, parent, id, from);
		form_ctx(actions, &forms[i]);
	}
}

/* Where a successful action sends the browser: the queue it came from, or the customer. */
static void back(struct request *req, struct response *res, long long id)
{
	const char *from = http_form(req, "from");
	if (from != NULL && strcmp(from, "registrations") == 0)
		http_redirect(res, "/admin/registrations");
	else
		http_redirect(res, arena_printf(req->arena, "/admin/customers/%lld", id));
}

/* The one form again with what was typed and a message per bad field (status 422). */
static int form_again(struct request *req, struct response *res, long long id, const struct form *f,
                      struct tdict *ctx)
{
	const char *from = http_form(req, "from");
	struct tdict *actions = actions_dict(
	    req, ctx, id, from != NULL && strcmp(from, "registrations") == 0 ? from : NULL);
	struct tdict *d = form_ctx(actions, f);
	static const char *const fields[] = {"reason", "message", "note"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = http_form(req, fields[i]);
		tdict_set(d, fields[i], v != NULL ? v : "");
	}
	tdict_setf(ctx, "id", "%lld", id);
	res->no_store = true;
	return view_render(req, res, 422, "admin/customer_action", ctx);
}

/* One approve, deny, cancel or restore, run by db_tx (perhaps more than once). */
struct access_tx {
	struct customer_access_change ch;
	long long id;
	struct audit_event ev;
	int result; /* customer_access_change's */
	struct arena *arena;
};

static int access_tx(struct db *db, void *ctx)
{
	struct access_tx *t = ctx;
	t->ch.id = t->id;
	t->result = customer_access_change(db, &t->ch);
	if (t->result != DB_CHANGED)
		return -1;
	t->ev.detail = arena_printf(t->arena, "%s -> %s", customer_status_name(t->ch.was),
	                            customer_status_name(customer_access_info(t->ch.action)->to));
	return audit_append_in_tx(db, &t->ev, 1);
}

/* Capitalises the first letter of an English sentence, in the request's arena. */
static const char *sentence(struct request *req, const char *s)
{
	char *out = arena_printf(req->arena, "%s.", s);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}

/*
 * The posted reason of form f: required (one line) when the customer is told it, optional
 * otherwise.  Returns true when acceptable, the value (NULL: none) in *out.
 */
static bool reason_ok(struct request *req, struct tdict *ctx, const struct form *f, long long id,
                      const char **out)
{
	const struct customer_access_info *i = customer_access_info(f->access);
	const char *r = http_form(req, "reason");
	/* Only spaces is no reason: said as such, not as a malformed one. */
	*out = r != NULL && r[strspn(r, " ")] != '\0' ? r : NULL;
	if (*out == NULL && !i->tells_reason)
		return true;
	if (valid_text(*out, CUSTOMER_ACCESS_REASON_MAX))
		return true;
	view_field_error_at(req, ctx, "reason",
	                    arena_printf(req->arena, "%s-reason-%lld", f->key, id),
	                    *out == NULL ? "Give the reason the customer will be told."
	                                 : arena_printf(req->arena,
	                                                "The reason must be one line of at most %d "
	                                                "characters.",
	                                                CUSTOMER_ACCESS_REASON_MAX));
	return false;
}

/* POST /admin/customers/{id}/<verb> for the access change of form f. */
static int access_action(struct request *req, struct response *res, const struct form *f)
{
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, privacy_action(f->action)->label);
	const char *reason;
	if (!reason_ok(req, ctx, f, id, &reason))
		return form_again(req, res, id, f, ctx);
	const struct customer_access_info *info = customer_access_info(f->access);
	struct access_tx t = {
	    .ch =
	        {
	            .action = f->access,
	            .changed_by = arena_printf(req->arena, "staff:%s", req->staff->username),
	            /* A denial's or cancellation's reason is told; another is a note. */
	            .reason = info->tells_reason ? reason : NULL,
	            .note = info->tells_reason ? NULL : reason,
	            .views = req->views,
	            .base_url = req->cfg->base_url,
	        },
	    .id = id,
	    .ev = {.action = arena_printf(req->arena, "customer_%s", f->key), .customer_id = id},
	    .arena = req->arena,
	};
	staff_audit_fill(req, &t.ev);
	if (db_tx(req->db, access_tx, &t) == 0) {
		back(req, res, id);
		return 0;
	}
	if (t.result == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	if (t.result == DB_REFUSED)
		return view_message(req, res, 409, "Nothing changed", sentence(req, t.ch.refused));
	return -1;
}

int handle_staff_customer_approve(struct request *req, struct response *res)
{
	return access_action(req, res, form_of(ACTION_CUSTOMER_APPROVE));
}

int handle_staff_customer_deny(struct request *req, struct response *res)
{
	return access_action(req, res, form_of(ACTION_CUSTOMER_DENY));
}

int handle_staff_customer_cancel(struct request *req, struct response *res)
{
	return access_action(req, res, form_of(ACTION_CUSTOMER_CANCEL));
}

int handle_staff_customer_restore(struct request *req, struct response *res)
{
	return access_action(req, res, form_of(ACTION_CUSTOMER_RESTORE));
}

/* One contact attempt, run by db_tx (perhaps more than once). */
struct contact_tx {
	struct customer_contact_request c;
	struct audit_event ev;
	int result; /* customer_contact_send's */
};

static int contact_tx(struct db *db, void *ctx)
{
	struct contact_tx *t = ctx;
	t->result = customer_contact_send(db, &t->c);
	if (t->result != DB_CHANGED)
		return -1;
	return audit_append_in_tx(db, &t->ev, 1);
}

/* Checks the contact form's message and note, marking each bad one in ctx. */
static bool contact_fields_ok(struct request *req, struct tdict *ctx, long long id,
                              const char *message, const char *note)
{
	bool ok = true;
	if (!valid_text_lines(message, CUSTOMER_CONTACT_TEXT_MAX)) {
		view_field_error_at(req, ctx, "message",
		                    arena_printf(req->arena, "contact-message-%lld", id),
		                    arena_printf(req->arena,
		                                 "Write the message to the applicant (at most %d "
		                                 "characters).",
		                                 CUSTOMER_CONTACT_TEXT_MAX));
		ok = false;
	}
	if (!valid_text(note, CUSTOMER_CONTACT_NOTE_MAX)) {
		view_field_error_at(
		    req, ctx, "note", arena_printf(req->arena, "contact-note-%lld", id),
		    arena_printf(req->arena,
		                 "Write a note for the registration: one line of at "
		                 "most %d characters.",
		                 CUSTOMER_CONTACT_NOTE_MAX));
		ok = false;
	}
	return ok;
}

int handle_staff_customer_contact(struct request *req, struct response *res)
{
	const struct form *f = form_of(ACTION_CUSTOMER_CONTACT);
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	const char *nonce = http_form(req, "nonce");
	if (!session_token_ok(nonce)) {
		view_error(req, res, 400); /* the form always carries one: this one was not ours */
		return 0;
	}
	struct tdict *ctx = view_ctx(req, privacy_action(f->action)->label);
	const char *message = http_form(req, "message"), *note = http_form(req, "note");
	if (!contact_fields_ok(req, ctx, id, message, note))
		return form_again(req, res, id, f, ctx);
	struct contact_tx t = {
	    .c =
	        {
	            .customer_id = id,
	            .staff_id = req->staff->staff_id,
	            .nonce = nonce,
	            .message = message,
	            .note = note,
	            .views = req->views,
	        },
	    .ev = {.action = "customer_contact", .customer_id = id, .detail = "message queued"},
	};
	staff_audit_fill(req, &t.ev);
	if (db_tx(req->db, contact_tx, &t) == 0) {
		back(req, res, id);
		return 0;
	}
	if (t.result == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	if (t.result == DB_REFUSED || t.result == DB_UNCHANGED)
		return view_message(req, res, 409, "Nothing sent", sentence(req, t.c.refused));
	return -1;
}
