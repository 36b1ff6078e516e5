/* password.c — a forgotten password: the request for a link (/password/forgot) and the page the
 * mailed link opens to set a new one (/password/reset).  The link's token is random (libsodium),
 * stored only as its hash, works once and for RESET_MINUTES; asking for one answers the same
 * whether or not the address belongs to an account; a new password ends every session. */
#include "routes.h"

#include <sodium.h>
#include <string.h>

#include "../app/config.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/db/password_resets.h"
#include "../app/db/sessions.h"
#include "../app/log.h"
#include "../app/mail.h"
#include "../app/password.h"
#include "../app/session.h"
#include "../app/throttle.h"
#include "../app/validate.h"
#include "../app/view.h"

#define RESET_MINUTES 30

static int forgot_form(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	tdict_set(ctx, "csrf", csrf_token(req, res));
	person_fields_ctx(ctx);
	return view_render(req, res, status, "password_forgot", ctx);
}

int handle_password_forgot_form(struct request *req, struct response *res)
{
	return forgot_form(req, res, view_ctx(req, "Forgot your password?"), 200);
}

/* What one request for a link does inside its transaction. */
struct forgot {
	struct request *req;
	const struct reset_account *acct;
};

/* Stores a new link for the account and queues the mail that carries it (the one place the
 * token exists in clear, besides this request's memory, which is wiped). */
static int forgot_tx(struct db *db, void *vctx)
{
	struct forgot *f = vctx;
	struct request *req = f->req;
	char token[SESSION_TOKEN_LEN + 1];
	unsigned char hash[32];
	session_random_token(token, sizeof(token));
	session_token_hash(token, hash);
	int rc = db_reset_insert(db, hash, f->acct->id, RESET_MINUTES);
	if (rc == 0) {
		struct tdict *m = view_mail_ctx(req);
		tdict_set_ref(m, "name", f->acct->name);
		tdict_setf(m, "minutes", "%d", RESET_MINUTES);
		tdict_set(m, "token", token);
		rc = mail_queue(db, req->views, f->acct->id, "password_reset", f->acct->email, m);
	}
	sodium_memzero(token, sizeof(token));
	return rc;
}

/*
 * Sends a link to the account of email when there is one that may have it (approved: the only
 * status that can sign in; a pending, denied, cancelled or deactivated account gets nothing, as
 * an unknown address does) and it has not had RULES' few links this hour.  Whatever it did,
 * the visitor is told the same.  Returns 0 or -1 on a database error.
 */
static int maybe_send_link(struct request *req, const char *email)
{
	struct reset_account acct;
	int found = db_reset_account_by_email(req->db, req->arena, email, &acct);
	if (found != 0)
		return found < 0 ? -1 : 0;
	if (acct.status != CUSTOMER_APPROVED) {
		log_info("password reset: no link for an account with status %s",
		         customer_status_name(acct.status));
		log_debug("password reset: no link for customer %lld", acct.id);
		return 0;
	}
	const char *subject = arena_printf(req->arena, "%lld", acct.id);
	bool over;
	int retry;
	if (throttle_over(req, THROTTLE_RESET_MAIL, subject, &over, &retry) < 0)
		return -1;
	if (over) {
		log_warn("throttle: a password reset link suppressed (too many this hour)");
		log_debug("throttle: reset link to customer %lld suppressed", acct.id);
		return 0;
	}
	if (throttle_count(req, THROTTLE_RESET_MAIL, subject) < 0)
		return -1;
	struct forgot f = {req, &acct};
	if (db_tx(req->db, forgot_tx, &f) < 0)
		return -1;
	log_info("password reset: link queued");
	log_debug("password reset: link queued for customer %lld", acct.id);
	return 0;
}

int handle_password_forgot(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Forgot your password?");
	const char *email = http_form(req, "email");
	bool over;
	int retry;

	tdict_set(ctx, "email", email != NULL ? email : "");
	if (email == NULL || !valid_email(email)) {
		view_field_error(req, ctx, "email",
		                 "Enter an email address like name@example.com.");
		return forgot_form(req, res, ctx, 422);
	}
	/* Counted per network whether or not the address is known, before looking it up. */
	if (throttle_over(req, THROTTLE_RESET, NULL, &over, &retry) < 0)
		return -1;
	if (over) {
		log_warn("throttle: password reset refused for a network over its limit");
		view_form_error(req, ctx,
		                "Too many password resets were asked for from your network. "
		                "Please try again later.");
		throttle_refuse(res, retry);
		return forgot_form(req, res, ctx, 429);
	}
	if (throttle_count(req, THROTTLE_RESET, NULL) < 0 || maybe_send_link(req, email) < 0)
		return -1;
	/* The same page, status and (the mail only queued, never sent here) nearly the same time,
	 * whether or not a link went out: the page tells nobody whose address this is. */
	tdict_set(ctx, "email", email);
	tdict_setf(ctx, "minutes", "%d", RESET_MINUTES);
	return view_render(req, res, 200, "password_sent", ctx);
}

/* The open link named by the query's token: 0 with *acct and hash set, 1 when the token is
 * malformed, unknown, used, expired or its account may not sign in (res then holds the answer),
 * -1 on a database error. */
static int open_link(struct request *req, struct response *res, const char **token,
                     unsigned char hash[32], struct reset_account *acct)
{
	*token = http_query(req, "token");
	if (!session_token_ok(*token)) {
		if (view_message(req, res, 400, "Link not valid",
		                 "This password reset link is incomplete. Open the link from the "
		                 "email again, or copy all of it.") < 0)
			return -1;
		return 1;
	}
	session_token_hash(*token, hash);
	int rc = db_reset_get(req->db, req->arena, hash, false, acct);
	if (rc < 0)
		return -1;
	if (rc == 0 && acct->status == CUSTOMER_APPROVED)
		return 0;
	if (view_message(req, res, 400, "Link not valid",
	                 "This password reset link has expired or was already used. Ask for a "
	                 "new one on the \"Forgot your password?\" page.") < 0)
		return -1;
	return 1;
}

static int reset_form(struct request *req, struct response *res, struct tdict *ctx, int status,
                      const char *token)
{
	tdict_set(ctx, "csrf", csrf_token(req, res));
	tdict_set(ctx, "token", token);
	tdict_setf(ctx, "minutes", "%d", RESET_MINUTES);
	person_fields_ctx(ctx);
	res->no_store = true;
	return view_render(req, res, status, "password_reset", ctx);
}

int handle_password_reset_form(struct request *req, struct response *res)
{
	const char *token;
	unsigned char hash[32];
	struct reset_account acct;
	int rc = open_link(req, res, &token, hash, &acct);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return reset_form(req, res, view_ctx(req, "Choose a new password"), 200, token);
}

/* The change, in one transaction: the link (locked, still open), the password, every other
 * link, every session, this network's lock of the account, and the mail telling the owner. */
struct reset {
	struct request *req;
	const unsigned char *hash;
	const char *password_hash;
	long long customer_id;
	bool refused; /* the link was used, expired or its account closed meanwhile */
	unsigned long long sessions_ended;
};

static int reset_tx(struct db *db, void *vctx)
{
	struct reset *r = vctx;
	struct request *req = r->req;
	struct reset_account acct;
	r->refused = false;
	int rc = db_reset_get(db, req->arena, r->hash, true, &acct);
	if (rc != 0 || acct.id != r->customer_id || acct.status != CUSTOMER_APPROVED) {
		r->refused = rc >= 0;
		return -1;
	}
	rc = db_reset_use(db, r->hash, acct.id);
	if (rc != DB_CHANGED) {
		r->refused = rc == DB_NOT_FOUND;
		return -1;
	}
	/* The lock this network earned with bad passwords was against the old one: lifted with
	 * it, so the owner signs in from here at once (other networks' locks stay). */
	if (db_customer_set_password(db, acct.id, r->password_hash) < 0 ||
	    db_session_delete_all(db, acct.id, &r->sessions_ended) < 0 ||
	    throttle_clear(req, THROTTLE_LOCK, throttle_lock_subject(req, acct.id)) < 0)
		return -1;
	struct tdict *m = view_mail_ctx(req);
	tdict_set_ref(m, "name", acct.name);
	return mail_queue(db, req->views, acct.id, "password_reset_done", acct.email, m);
}

int handle_password_reset(struct request *req, struct response *res)
{
	const char *token;
	unsigned char hash[32];
	struct reset_account acct;
	int rc = open_link(req, res, &token, hash, &acct);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	struct tdict *ctx = view_ctx(req, "Choose a new password");
	const char *password = http_form(req, "password");
	const char *weak =
	    password != NULL && *password != '\0'
	        ? password_weakness(password, strlen(password), acct.username, acct.email)
	        : "Enter a new password.";
	if (weak != NULL) {
		view_field_error(req, ctx, "password", weak);
		return reset_form(req, res, ctx, 422, token);
	}
	char phash[PASSWORD_HASH_MAX];
	if (password_hash(&req->cfg->argon2, password, strlen(password), phash, sizeof(phash)) < 0)
		return -1;
	struct reset r = {.req = req, .hash = hash, .password_hash = phash, .customer_id = acct.id};
	rc = db_tx(req->db, reset_tx, &r);
	sodium_memzero(phash, sizeof(phash));
	if (rc < 0) {
		if (!r.refused)
			return -1;
		return view_message(req, res, 400, "Link not valid",
		                    "This password reset link has expired or was already used. Ask "
		                    "for a new one on the \"Forgot your password?\" page.");
	}
	log_info("password reset: a new password set, %llu session(s) ended", r.sessions_ended);
	log_debug("password reset: customer %lld set a new password", acct.id);
	/*
	 * To the sign-in form, not signed in: whoever opened the mail's link has not shown they
	 * know the new password (a forwarded or shared mailbox), and signing in once goes through
	 * the one place that checks the account's status, the throttles and the lockout, and lets
	 * the browser's password manager keep the new password.
	 */
	http_redirect(res, "/login?why=reset");
	return 0;
}
