/* staff_auth.c — the staff site's sign-in (password and TOTP code), sign-out and home page. */
#include <time.h>

#include "../app/db/db.h"
#include "../app/db/sessions.h"
#include "../app/db/staff.h"
#include "../app/log.h"
#include "../app/password.h"
#include "../app/session.h"
#include "../app/staff_session.h"
#include "../app/throttle.h"
#include "../app/totp.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

static const char SIGNIN_FAILED[] =
    "That username, password and code do not match a staff account that can sign in now. "
    "Check them (the code changes every 30 seconds and works once) and try again.";

static int login_page(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	tdict_set(ctx, "csrf", csrf_token(req, res));
	res->no_store = true;
	return view_render(req, res, status, "admin/login", ctx);
}

int handle_staff_login_form(struct request *req, struct response *res)
{
	if (req->staff != NULL) {
		http_redirect(res, "/admin");
		return 0;
	}
	return login_page(req, res, view_ctx(req, "Staff sign-in"), 200);
}

/* Records a refused sign-in: the address's count, the account's count (and lockout), and
 * the audit row.  s is NULL when the username names no account. */
static int signin_failed(struct request *req, const struct staff_login *s, const char *why)
{
	if (throttle_count(req, THROTTLE_STAFF_LOGIN, NULL) < 0)
		return -1;
	if (s != NULL && !s->locked) {
		bool locked_now = false;
		if (db_staff_login_failed(req->db, s, req->cfg->lockout_failures,
		                          req->cfg->lockout_minutes, &locked_now) < 0)
			return -1;
		if (locked_now)
			log_warn("staff sign-in: staff %lld locked after repeated failures", s->id);
	}
	struct audit_event ev = {
	    .staff_id = s != NULL ? s->id : 0,
	    .staff_username = s != NULL ? s->username : "",
	    .role = s != NULL ? (int)s->role : -1,
	    .action = "signin_failed",
	    .detail = why,
	};
	return staff_audit(req, &ev, 1);
}

int handle_staff_login(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Staff sign-in");
	const char *username = http_form(req, "username");
	const char *password = http_form(req, "password");
	const char *code = http_form(req, "totp");
	long long step = 0;
	bool over;
	int retry;
	struct staff_login s;

	tdict_set(ctx, "username", username != NULL ? username : "");
	if (username == NULL || password == NULL || code == NULL || *username == '\0' ||
	    *password == '\0' || *code == '\0') {
		if (username == NULL || *username == '\0')
			view_field_error(req, ctx, "username", "Enter your username.");
		if (password == NULL || *password == '\0')
			view_field_error(req, ctx, "password", "Enter your password.");
		if (code == NULL || *code == '\0')
			view_field_error(req, ctx, "totp",
			                 "Enter the 6-digit code from your authenticator app.");
		return login_page(req, res, ctx, 422);
	}
	/* Too many failures from one address: refused at once, never by sleeping (a sleeping
	 * worker is a worker the next member cannot use). */
	if (throttle_over(req, THROTTLE_STAFF_LOGIN, NULL, &over, &retry) < 0)
		return -1;
	if (over) {
		view_form_error(req, ctx,
		                "Too many failed sign-ins from this address. Wait 15 minutes, or "
		                "ask a staff admin.");
		throttle_refuse(res, retry);
		return login_page(req, res, ctx, 429);
	}
	int found = db_staff_get_login(req->db, req->arena, username, &s);
	if (found < 0)
		return -1;
	int match = password_check(&req->cfg->argon2, found == 0 ? s.password_hash : NULL, password,
	                           strlen(password));
	if (match < 0) {
		log_error("staff sign-in: stored hash of staff %lld is malformed", s.id);
		return -1;
	}
	const char *why = found == 1   ? "unknown username"
	                  : match != 0 ? "wrong password"
	                  : s.disabled ? "account disabled"
	                  : s.locked   ? "account locked"
	                               : NULL;
	if (why == NULL) {
		int t = totp_check(s.totp_secret, code, time(NULL), &step);
		if (t < 0) {
			log_error("staff sign-in: TOTP secret of staff %lld is malformed", s.id);
			return -1;
		}
		if (t == 1)
			why = "wrong code";
	}
	if (why == NULL) {
		int used = db_staff_totp_use(req->db, s.id, step);
		if (used < 0)
			return -1;
		if (used == DB_UNCHANGED)
			why = "code used before";
	}
	if (why != NULL) {
		if (signin_failed(req, found == 0 ? &s : NULL, why) < 0)
			return -1;
		view_form_error(req, ctx, SIGNIN_FAILED);
		return login_page(req, res, ctx, 422);
	}
	if (db_staff_login_ok(req->db, s.id) < 0)
		return -1;
	if (password_needs_rehash(&req->cfg->argon2, s.password_hash)) {
		char hash[PASSWORD_HASH_MAX];
		if (password_hash(&req->cfg->argon2, password, strlen(password), hash,
		                  sizeof(hash)) < 0 ||
		    db_staff_set_password(req->db, s.id, hash) < 0)
			return -1;
	}
	if (staff_session_start(req, res, s.id, s.role, s.username) < 0)
		return -1;
	struct audit_event ev = {.action = "signin"};
	if (staff_audit(req, &ev, 1) < 0)
		return -1;
	/* A version published since their last acknowledgement is the first thing they read. */
	http_redirect(res, req->staff->policy_pending > 0 ? privacy_page(PAGE_ACKNOWLEDGE)->path
	                                                  : "/admin");
	return 0;
}

int handle_staff_logout(struct request *req, struct response *res)
{
	if (req->staff != NULL) {
		struct audit_event ev = {.action = "signout"};
		if (staff_audit(req, &ev, 1) < 0)
			return -1;
	}
	if (staff_session_end(req, res) < 0)
		return -1;
	http_redirect(res, "/admin/login");
	return 0;
}

int handle_staff_root(struct request *req, struct response *res)
{
	(void)req;
	http_redirect(res, "/admin");
	return 0;
}

int handle_staff_home(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Staff home");
	tdict_set_ref(ctx, "username", req->staff->username);
	tdict_set_ref(ctx, "role", privacy_role_name(req->staff->role));
	struct tlist *fields = tdict_list(ctx, "fields");
	for (int f = 0; f < FIELD__MAX; f++) {
		enum visibility v = privacy_visibility(req->staff->role, f);
		struct tdict *row = tlist_add(fields);
		tdict_set_ref(row, "label", privacy_field_label(f));
		tdict_set_ref(row, "sees",
		              v == VIS_FULL        ? "in full (each view is recorded)"
		              : v == VIS_MASKED    ? "masked"
		              : v == VIS_AGGREGATE ? "only in aggregates"
		                                   : "not at all");
	}
	tdict_set_bool(ctx, "open_case_only", privacy_needs_open_case(req->staff->role));
	res->no_store = true;
	return view_render(req, res, 200, "admin/home", ctx);
}
