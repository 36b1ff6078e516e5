/* contact.c — /contact: how to reach the shop (from the configuration), and for a signed-in
 * customer a form whose messages go to the support queue (app/db/support.h). */
#include "routes.h"

#include "../app/config.h"
#include "../app/db/support.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

/* The page: the shop's details, and the form for a customer who may use the shop (typed
 * values shown again with their errors).  Returns what view_render returns. */
static int show(struct request *req, struct response *res, struct tdict *ctx, int status,
                const char *subject, const char *message)
{
	tdict_set_ref_if(ctx, "address",
	                 *req->cfg->contact_address ? req->cfg->contact_address : NULL);
	tdict_set_ref_if(ctx, "email", *req->cfg->contact_email ? req->cfg->contact_email : NULL);
	tdict_set_ref_if(ctx, "phone", *req->cfg->contact_phone ? req->cfg->contact_phone : NULL);
	if (req->session != NULL && session_may_shop(req->session)) {
		struct tdict *f = tdict_dict(ctx, "form");
		char nonce[SESSION_TOKEN_LEN + 1];
		tdict_set(f, "csrf", csrf_token(req, res));
		tdict_set(f, "nonce", session_random_token(nonce, sizeof(nonce)));
		tdict_set(f, "subject", subject != NULL ? subject : "");
		tdict_set(f, "message", message != NULL ? message : "");
		tdict_setf(f, "subject_max", "%d", SUPPORT_SUBJECT_MAX);
		tdict_setf(f, "message_max", "%d", SUPPORT_MESSAGE_MAX);
	}
	return view_render(req, res, status, "contact", ctx);
}

int handle_contact(struct request *req, struct response *res)
{
	return show(req, res, view_ctx(req, "Contact us"), 200, NULL, NULL);
}

/* Checks subject and message, marking each bad one in ctx. Returns true when both pass. */
static bool fields_ok(struct request *req, struct tdict *ctx, const char *subject,
                      const char *message)
{
	bool ok = true;
	if (subject == NULL || !valid_text(subject, SUPPORT_SUBJECT_MAX)) {
		view_field_error(
		    req, ctx, "subject",
		    "Give your message a subject of one line (at most 200 characters).");
		ok = false;
	}
	if (message == NULL || !valid_text_lines(message, SUPPORT_MESSAGE_MAX)) {
		view_field_error(req, ctx, "message",
		                 "Write your message (at most 5000 characters).");
		ok = false;
	}
	return ok;
}

int handle_contact_send(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Contact us");
	const char *subject = http_form(req, "subject"), *message = http_form(req, "message");
	const char *nonce = http_form(req, "nonce");
	if (!session_token_ok(nonce)) {
		/* Only a form that did not come from the page lacks its key. */
		view_error(req, res, 400);
		return 0;
	}
	if (!fields_ok(req, ctx, subject, message))
		return show(req, res, ctx, 422, subject, message);
	struct support_new m = {
	    .customer_id = req->session->customer_id,
	    .nonce = nonce,
	    .subject = subject,
	    .message = message,
	    .per_hour = req->cfg->contact_per_hour,
	};
	switch (db_support_insert(req->db, &m)) {
	case DB_CHANGED:
		return view_message(req, res, 200, "Message sent",
		                    "Thank you: your message is with our support team, who will "
		                    "answer you by email.");
	case DB_UNCHANGED:
		return view_message(req, res, 200, "Message already sent",
		                    "This message was sent already, so nothing more was sent.");
	case DB_REFUSED:
		/* Refused at once: a worker never sleeps on a sender. */
		return view_message(
		    req, res, 429, "Too many messages",
		    "You have sent as many messages as we take from one customer in "
		    "an hour, so this one was not sent. Please try again later, or "
		    "write to the address on this page.");
	default:
		return -1;
	}
}
