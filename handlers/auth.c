/* auth.c — registration, email verification, login and logout of customers. */
#include "routes.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "../app/config.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/db/policy.h"
#include "../app/db/sessions.h"
#include "../app/log.h"
#include "../app/mail.h"
#include "../app/password.h"
#include "../app/session.h"
#include "../app/throttle.h"
#include "../app/validate.h"
#include "../app/view.h"

#define VERIFY_DAYS 7

static const char LOGIN_FAILED[] =
    "That username and password do not match an account that can sign in now. "
    "Check them and try again. After repeated failures an account is locked for a while.";

/* Re-shows a form with the values the user typed (never the password). */
static void keep(struct tdict *ctx, struct request *req, const char *field)
{
	const char *v = http_form(req, field);
	tdict_set(ctx, field, v ? v : "");
}

/* An empty optional field is absent. */
static const char *opt(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

static int register_form(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	struct policy_version pv;
	int found = db_policy_get(req->db, req->arena, 0, &pv);
	if (found < 0)
		return -1;
	tdict_set(ctx, "csrf", csrf_token(req, res));
	tdict_setf(ctx, "policy_version", "%lld", found == 0 ? pv.version : 0);
	person_fields_ctx(ctx);
	return view_render(req, res, status, "register", ctx);
}

int handle_register_form(struct request *req, struct response *res)
{
	return register_form(req, res, view_ctx(req, "Register"), 200);
}

int account_queue_verification(struct request *req, long long customer_id, const char *email,
                               const char *name)
{
	char token[SESSION_TOKEN_LEN + 1];
	unsigned char hash[32];
	session_random_token(token, sizeof(token));
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)token, strlen(token), NULL,
	                   0);
	if (db_verification_insert(req->db, hash, customer_id, email, VERIFY_DAYS) < 0)
		return -1;
	struct tdict *m = view_mail_ctx(req);
	tdict_set_ref(m, "name", name);
	tdict_setf(m, "days", "%d", VERIFY_DAYS);
	tdict_set_ref(m, "token", token);
	int rc = mail_queue(req->db, req->views, customer_id, "verify_email", email, m);
	sodium_memzero(token, sizeof(token));
	return rc;
}

bool account_person_fields_ok(struct request *req, struct tdict *ctx, const char *name,
                              const char *email, const char *phone)
{
	bool ok = true;
	if (name != NULL && !valid_text(name, PERSON_FIELDS[PERSON_NAME].max_chars)) {
		view_field_error(req, ctx, "name",
		                 text_blank(name) ? "Enter your name."
		                 : text_chars(name) > PERSON_FIELDS[PERSON_NAME].max_chars
		                     ? arena_printf(req->arena,
		                                    "Enter your name in %u characters or fewer.",
		                                    PERSON_FIELDS[PERSON_NAME].max_chars)
		                     : "Enter your name as plain text on one line.");
		ok = false;
	}
	if (email != NULL && !valid_email(email)) {
		view_field_error(req, ctx, "email",
		                 text_blank(email)
		                     ? "Enter your email address."
		                     : "Enter an email address in the correct format, "
		                       "like name@example.com.");
		ok = false;
	}
	if (phone != NULL && *phone != '\0' && !valid_phone(phone)) {
		view_field_error(req, ctx, "phone",
		                 "Enter a phone number with at least 6 digits, or leave it empty.");
		ok = false;
	}
	return ok;
}

struct registration {
	struct request *req;
	const char *name, *email, *username, *phone, *hash;
	long long policy_version;
	int outcome; /* 0 created, 1 duplicate */
};

static int register_tx(struct db *db, void *vctx)
{
	struct registration *r = vctx;
	long long id;
	int rc = db_customer_insert(db, r->username, r->email, r->name, r->phone, r->hash,
	                            r->policy_version, &id);
	if (rc != 0) {
		r->outcome = 1;
		return -1;
	}
	r->outcome = 0;
	return account_queue_verification(r->req, id, r->email, r->name);
}

/* Counts this registration against the network; *retry_after > 0 when it is refused. */
static int registration_throttled(struct request *req, int *retry_after)
{
	bool over;
	if (throttle_over(req, THROTTLE_REGISTER, NULL, &over, retry_after) < 0)
		return -1;
	if (over) {
		log_warn("throttle: registration refused for a network over its limit");
		return 0;
	}
	*retry_after = 0;
	return throttle_count(req, THROTTLE_REGISTER, NULL);
}

/*
 * Tells the owner of an address that someone tried to use it, at most a few times an hour:
 * strangers must not turn the notice into a mail bomb.  Each suppressed notice is logged.
 */
int account_notify_address_owner(struct request *req, const char *email, const char *kind)
{
	bool over;
	int retry;
	if (throttle_over(req, THROTTLE_MAIL, email, &over, &retry) < 0)
		return -1;
	if (over) {
		log_warn("throttle: %s notice to an address suppressed (too many this hour)", kind);
		return 0;
	}
	if (throttle_count(req, THROTTLE_MAIL, email) < 0)
		return -1;
	return mail_queue(req->db, req->views, 0, kind, email, view_mail_ctx(req));
}

static int notify_existing(struct request *req, const char *email)
{
	return account_notify_address_owner(req, email, "register_existing");
}

int handle_register(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Register");
	const char *name = http_form(req, "name"), *email = http_form(req, "email");
	const char *username = http_form(req, "username"), *phone = opt(http_form(req, "phone"));
	const char *password = http_form(req, "password");
	long long shown_version = 0;
	struct policy_version pv;
	bool bad = false;
	int retry;

	keep(ctx, req, "name");
	keep(ctx, req, "email");
	keep(ctx, req, "username");
	keep(ctx, req, "phone");
	/* A missing name or email counts as empty: both are required. */
	bad = !account_person_fields_ok(req, ctx, name ? name : "", email ? email : "", NULL);
	if (text_blank(username)) {
		view_field_error(req, ctx, "username", "Enter a username.");
		bad = true;
	}
	if (!text_blank(username) && !valid_username(username)) {
		view_field_error(req, ctx, "username",
		                 arena_printf(req->arena,
		                              "Use 3 to %u letters, digits, dots, dashes or "
		                              "underscores, starting with a letter or digit.",
		                              PERSON_FIELDS[PERSON_USERNAME].max_chars));
		bad = true;
	}
	if (phone != NULL && !account_person_fields_ok(req, ctx, NULL, NULL, phone))
		bad = true;
	const char *weak = password != NULL && *password != '\0'
	                       ? password_weakness(password, strlen(password), username, email)
	                       : "Enter a password.";
	if (weak != NULL) {
		view_field_error(req, ctx, "password", weak);
		bad = true;
	}
	int found = db_policy_get(req->db, req->arena, 0, &pv);
	if (found < 0)
		return -1;
	if (found != 0 || !valid_checked(http_form(req, "accept_policy"))) {
		view_field_error(req, ctx, "accept_policy",
		                 "Please read the privacy policy and accept it to register.");
		bad = true;
	} else if (http_form(req, "policy_version") != NULL &&
	           (!valid_id(http_form(req, "policy_version"), &shown_version) ||
	            shown_version != pv.version)) {
		view_field_error(req, ctx, "accept_policy",
		                 "The privacy policy changed while you were registering. "
		                 "Please read the new version and accept it.");
		bad = true;
	}
	if (bad)
		return register_form(req, res, ctx, 422);

	if (registration_throttled(req, &retry) < 0)
		return -1;
	if (retry > 0) {
		view_form_error(req, ctx,
		                "Too many registrations came from your network. Please try again "
		                "later.");
		throttle_refuse(res, retry);
		return register_form(req, res, ctx, 429);
	}
	bool username_taken, email_taken;
	if (db_customer_taken(req->db, req->arena, username, email, &username_taken, &email_taken) <
	    0)
		return -1;
	if (username_taken) {
		view_field_error(req, ctx, "username", "This username is taken. Choose another.");
		return register_form(req, res, ctx, 422);
	}
	/* Hashed whether or not the address is known: the same work, so the same time. */
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(&req->cfg->argon2, password, strlen(password), hash, sizeof(hash)) < 0)
		return -1;
	log_info("registration: password hashed");
	if (email_taken) {
		/* Say nothing to the visitor about whose address it is; tell its owner instead. */
		if (notify_existing(req, email) < 0)
			return -1;
		return view_render(req, res, 200, "registered", ctx);
	}
	struct registration r = {req, name, email, username, phone, hash, pv.version, 0};
	if (db_tx(req->db, register_tx, &r) < 0) {
		if (r.outcome != 1)
			return -1;
		view_field_error(req, ctx, "username", "This username is taken. Choose another.");
		return register_form(req, res, ctx, 422);
	}
	log_info("registration: new pending customer");
	return view_render(req, res, 200, "registered", ctx);
}

int handle_verify(struct request *req, struct response *res)
{
	const char *token = http_query(req, "token");
	unsigned char hash[32];
	if (!session_token_ok(token))
		return view_message(req, res, 400, "Link not valid",
		                    "This confirmation link is incomplete. Open the link from the "
		                    "email again, or copy all of it.");
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)token, strlen(token), NULL,
	                   0);
	int rc = db_verification_use(req->db, req->arena, hash);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return view_message(req, res, 400, "Link not valid",
		                    "This confirmation link has expired or was already used.");
	return view_message(req, res, 200, "Email address confirmed",
	                    "Thank you: your email address is confirmed.");
}

/* The page to return to after signing in, from the query (the form) or the form (its POST):
 * only a page of this site (valid_next_path), else NULL for the default. */
static const char *next_page(const char *v)
{
	return valid_next_path(v) ? v : NULL;
}

static int login_form(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	const char *next =
	    next_page(req->method == HTTP_POST ? http_form(req, "next") : http_query(req, "next"));
	tdict_set_ref_if(ctx, "next", next);
	tdict_set(ctx, "csrf", csrf_token(req, res));
	tdict_set_ref(ctx, "ticket", throttle_ticket(req));
	person_fields_ctx(ctx);
	return view_render(req, res, status, "login", ctx);
}

int handle_login_form(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Sign in");
	const char *why = http_query(req, "why");
	if (why != NULL && strcmp(why, "signin") == 0)
		tdict_set_ref(ctx, "notice", "Please sign in to see the showroom.");
	else if (why != NULL && strcmp(why, "reset") == 0)
		tdict_set_ref(ctx, "notice",
		              "Your password is changed and every session of your account has "
		              "ended. Sign in with your new password.");
	return login_form(req, res, ctx, 200);
}

/* Plain words for an account that may not sign in (said only after a correct password). */
static const char *refusal(enum customer_status status)
{
	switch (status) {
	case CUSTOMER_PENDING:
		return "Your registration is waiting for a representative's approval. "
		       "We will email you as soon as you can sign in.";
	case CUSTOMER_DENIED:
		return "A representative did not approve your registration, so this account "
		       "cannot sign in.";
	case CUSTOMER_CANCELLED:
		return "A representative cancelled this account's access, so it cannot sign in.";
	case CUSTOMER_DEACTIVATED:
		return "You deactivated this account. A representative can reactivate it if you "
		       "ask before its data is erased.";
	case CUSTOMER_APPROVED:
	case CUSTOMER_DELETED: /* never said: it signs in like an unknown username */
		return NULL;
	case CUSTOMER__MAX:
		break;
	}
	return "This account cannot sign in.";
}

static const char NETWORK_THROTTLED[] =
    "Too many failed sign-ins came from your network. Wait a few seconds, then sign in "
    "with this form again.";

/*
 * Whether the network throttle stops this sign-in.  A network over its rule is refused at
 * once (no worker waits), unless the form's ticket shows it was fetched a few seconds ago:
 * the owner of an account on a network others hammer gets in after that wait in the browser.
 * Tickets are not single-use; what bounds guessing is the per-account, per-network lockout
 * below and nginx's limit_req in front.
 */
static int network_refuses(struct request *req, bool *refused)
{
	bool over;
	int retry;
	*refused = false;
	if (throttle_over(req, THROTTLE_LOGIN, NULL, &over, &retry) < 0)
		return -1;
	*refused = over && !throttle_ticket_ripe(http_form(req, "ticket"), (long long)time(NULL));
	return 0;
}

/* Counts a failed sign-in against the network and (for a real account) its lockout. */
static int login_failed(struct request *req, int found, const struct customer *c, bool locked)
{
	if (throttle_count(req, THROTTLE_LOGIN, NULL) < 0)
		return -1;
	if (found != 0 || locked)
		return 0;
	const char *subject = throttle_lock_subject(req, c->id);
	bool over;
	int retry;
	if (throttle_count(req, THROTTLE_LOCK, subject) < 0 ||
	    throttle_over(req, THROTTLE_LOCK, subject, &over, &retry) < 0)
		return -1;
	if (over) {
		if (db_customer_lockout_record(req->db, c->id, req->cfg->lockout_minutes,
		                               req->cfg->lockout_failures) < 0)
			return -1;
		log_warn("login: an account locked for one network after repeated failures");
		log_debug("login: customer %lld locked for one network", c->id);
	}
	return 0;
}

int handle_login(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Sign in");
	const char *username = http_form(req, "username");
	const char *password = http_form(req, "password");
	bool refused, locked = false;
	int retry;
	struct customer c;

	keep(ctx, req, "username");
	if (username == NULL || *username == '\0' || password == NULL || *password == '\0') {
		if (username == NULL || *username == '\0')
			view_field_error(req, ctx, "username", "Enter your username.");
		if (password == NULL || *password == '\0')
			view_field_error(req, ctx, "password", "Enter your password.");
		return login_form(req, res, ctx, 422);
	}
	if (network_refuses(req, &refused) < 0)
		return -1;
	if (refused) {
		view_form_error(req, ctx, NETWORK_THROTTLED);
		throttle_refuse(res, THROTTLE_TICKET_WAIT);
		return login_form(req, res, ctx, 429);
	}

	int found =
	    valid_username(username) ? db_customer_get_login(req->db, req->arena, username, &c) : 1;
	if (found < 0)
		return -1;
	int match = password_check(&req->cfg->argon2, found == 0 ? c.password_hash : NULL, password,
	                           strlen(password));
	if (match < 0) {
		log_error(
		    "login: a stored password hash is malformed (debug level names the account)");
		log_debug("login: stored hash of customer %lld is malformed", c.id);
		return -1;
	}
	if (found == 0 && throttle_over(req, THROTTLE_LOCK, throttle_lock_subject(req, c.id),
	                                &locked, &retry) < 0)
		return -1;
	bool ok = found == 0 && match == 0 && !locked && c.status != CUSTOMER_DELETED;
	if (!ok) {
		if (login_failed(req, found, &c, locked) < 0)
			return -1;
		view_form_error(req, ctx, LOGIN_FAILED);
		return login_form(req, res, ctx, 422);
	}
	if (db_customer_login_ok(req->db, c.id) < 0)
		return -1;
	const char *why = refusal(c.status);
	if (why != NULL) {
		view_form_error(req, ctx, why);
		return login_form(req, res, ctx, 403);
	}
	if (password_needs_rehash(&req->cfg->argon2, c.password_hash)) {
		char hash[PASSWORD_HASH_MAX];
		if (password_hash(&req->cfg->argon2, password, strlen(password), hash,
		                  sizeof(hash)) < 0 ||
		    db_customer_set_password(req->db, c.id, hash) < 0)
			return -1;
		log_info("login: re-hashed a password with current parameters");
		log_debug("login: re-hashed customer %lld", c.id);
	}
	if (session_start(req, res, c.id) < 0)
		return -1;
	/* Back to the page that sent them here, if it is one of ours (never another site). */
	const char *next = next_page(http_form(req, "next"));
	http_redirect(res, next != NULL ? next : "/catalog");
	return 0;
}

int handle_logout(struct request *req, struct response *res)
{
	if (session_end(req, res) < 0)
		return -1;
	http_redirect(res, "/");
	return 0;
}

int handle_access_refused(struct request *req, struct response *res)
{
	const char *why = req->session != NULL ? refusal(req->session->status) : NULL;
	return view_message(req, res, 403, "No access",
	                    why != NULL ? why : "This account cannot use the showroom.");
}
