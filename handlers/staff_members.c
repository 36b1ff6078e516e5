/* staff_members.c — the admin's staff page: every staff account (role, disabled, last sign-in),
 * adding a member with the TOTP enrolment shown once, disabling a member, and giving one a new
 * second factor, all through app/staff_accounts.c like `dittoctl staff`.  An admin never
 * changes their own account here, and no account's role changes at all: a role is chosen
 * once, from the six of the privacy table, when the account is made. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../app/config.h"
#include "../app/db/db.h"
#include "../app/db/staff.h"
#include "../app/password.h"
#include "../app/staff_accounts.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define PASSWORD_FIELD_MAX 1024 /* bytes; as `dittoctl staff add` reads at most */
#define QR_QUIET_ZONE      4    /* light modules around the code, as scanners expect */

/* The page: ctx's form values and messages, and every staff account. Returns 0, or -1. */
static int staff_page(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	struct staff_member *v;
	size_t n;
	if (db_staff_list(req->db, req->arena, &v, &n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "members");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_set_ref(d, "username", v[i].username);
		tdict_set_ref(d, "role", v[i].role);
		tdict_set_bool(d, "disabled", v[i].disabled);
		tdict_set_ref(d, "last_login_at",
		              v[i].last_login_at ? v[i].last_login_at : "never");
		tdict_set_ref(d, "created_at", v[i].created_at);
		tdict_setf(d, "generation", "%lld", v[i].totp_generation);
		if (v[i].policy_acked > 0)
			tdict_setf(d, "policy_ack", "version %lld, %s", v[i].policy_acked,
			           v[i].policy_acked_at ? v[i].policy_acked_at : "");
		else
			tdict_set_ref(d, "policy_ack", "none yet");
		tdict_set_bool(d, "self", v[i].id == req->staff->staff_id);
	}
	const char *chosen = http_form(req, "role"); /* the add form's, shown again */
	struct tlist *roles = tdict_list(ctx, "roles");
	for (int r = 0; r < ROLE__MAX; r++) {
		struct tdict *d = tlist_add(roles);
		tdict_set_ref(d, "name", privacy_role_name((enum staff_role)r));
		tdict_set_bool(d, "selected",
		               chosen != NULL && strcmp(chosen, privacy_role_name(r)) == 0);
	}
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	res->no_store = true;
	return view_render(req, res, status, "admin/staff", ctx);
}

int handle_staff_members(struct request *req, struct response *res)
{
	return staff_page(req, res, view_ctx(req, "Staff"), 200);
}

/* The QR code of uri as runs of dark modules (x, y, w) for the page's inline SVG. */
static void qr_ctx(struct request *req, struct tdict *ctx, const char *uri)
{
	int w;
	const unsigned char *q = staff_totp_qr(req->arena, uri, &w);
	if (q == NULL)
		return; /* the secret and the URI still enrol an app */
	struct tdict *qr = tdict_dict(ctx, "qr");
	tdict_setf(qr, "size", "%d", w + 2 * QR_QUIET_ZONE);
	struct tlist *runs = tdict_list(qr, "runs");
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w;) {
			if (!q[y * w + x]) {
				x++;
				continue;
			}
			int x0 = x;
			while (x < w && q[y * w + x])
				x++;
			struct tdict *r = tlist_add(runs);
			tdict_setf(r, "x", "%d", x0 + QR_QUIET_ZONE);
			tdict_setf(r, "y", "%d", y + QR_QUIET_ZONE);
			tdict_setf(r, "w", "%d", x - x0);
		}
}

/*
 * The enrolment, shown this once: the secret, its otpauth:// URI and QR
 * code.  Nothing else keeps them (the page is no-store, the request's
 * memory is wiped after the POST); a lost one is replaced by a reset.
 */
static int enrol_page(struct request *req, struct response *res, const char *heading,
                      const char *username, const char *secret)
{
	struct tdict *ctx = view_ctx(req, "Second factor");
	tdict_set(ctx, "heading", heading);
	tdict_set(ctx, "username", username);
	tdict_set(ctx, "secret", secret);
	const char *uri = staff_totp_uri(req->arena, username, secret);
	tdict_set_ref(ctx, "uri", uri);
	qr_ctx(req, ctx, uri);
	res->no_store = true;
	return view_render(req, res, 200, "admin/staff_enrol", ctx);
}

/* Reads and checks the add form, marking each bad field in ctx. True when all pass. */
static bool member_form_ok(struct request *req, struct tdict *ctx, const char **username, int *role,
                           const char **pw)
{
	*username = http_form(req, "username");
	*pw = http_form(req, "password");
	const char *role_name = http_form(req, "role");
	*role = role_name != NULL ? privacy_role_parse(role_name) : -1;
	bool ok = true;
	tdict_set(ctx, "username", *username);
	if (!valid_username(*username)) {
		view_field_error(
		    req, ctx, "username",
		    "A username has 3 to 64 of A-Z a-z 0-9 . _ - and starts with a letter "
		    "or digit.");
		ok = false;
	}
	if (*role < 0) {
		view_field_error(req, ctx, "role", "Choose one of the six roles.");
		ok = false;
	}
	size_t len = *pw != NULL ? strlen(*pw) : 0;
	const char *weak = len == 0 ? "Give the member a first password."
	                   : len > PASSWORD_FIELD_MAX
	                       ? "That password is too long."
	                       : password_weakness(*pw, len, ok ? *username : NULL, NULL);
	if (weak != NULL) {
		view_field_error(req, ctx, "password", weak);
		ok = false;
	}
	return ok;
}

int handle_staff_member_add(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Staff");
	const char *username, *pw;
	int role;
	if (!member_form_ok(req, ctx, &username, &role, &pw))
		return staff_page(req, res, ctx, 422);
	struct audit_event ev = {
	    .action = "staff_add",
	    .detail = arena_printf(req->arena, "%s (%s)", username, privacy_role_name(role))};
	staff_audit_fill(req, &ev);
	char secret[STAFF_TOTP_SECRET_CHARS + 1];
	int st = staff_account_add(req->db, &req->cfg->argon2, username, (enum staff_role)role, pw,
	                           strlen(pw), &ev, secret);
	if (st == DB_UNCHANGED) {
		view_field_error(req, ctx, "username",
		                 "A staff member with this username exists already; nothing was "
		                 "changed.");
		return staff_page(req, res, ctx, 409);
	}
	if (st != DB_CHANGED)
		return -1;
	const char *heading =
	    arena_printf(req->arena, "%s added as %s", username, privacy_role_name(role));
	int rc = enrol_page(req, res, heading, username, secret);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/* What a change of another member's account answers when it was not done. */
static int change_refused(struct request *req, struct response *res, int st, const char *done)
{
	if (st == DB_REFUSED)
		return view_message(req, res, 403, "Not your own account",
		                    "An admin cannot disable their own account or give it a new "
		                    "second factor here: another admin does that. Nothing was "
		                    "changed.");
	if (st == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, "Staff");
	tdict_set_ref(ctx, "message", done);
	return staff_page(req, res, ctx, 409);
}

int handle_staff_member_disable(struct request *req, struct response *res)
{
	const char *username = http_param(req, 0);
	if (!valid_username(username)) {
		view_error(req, res, 404);
		return 0;
	}
	struct audit_event ev = {.action = "staff_disable", .detail = username};
	staff_audit_fill(req, &ev);
	int st = staff_account_disable(req->db, username, req->staff->staff_id, &ev);
	if (st < 0)
		return -1;
	if (st != DB_CHANGED)
		return change_refused(req, res, st,
		                      arena_printf(req->arena,
		                                   "%s was disabled already; nothing changed.",
		                                   username));
	struct tdict *ctx = view_ctx(req, "Staff");
	tdict_setf(ctx, "message",
	           "%s is disabled: their sessions stop working at once and they cannot sign in.",
	           username);
	return staff_page(req, res, ctx, 200);
}

int handle_staff_member_reset_totp(struct request *req, struct response *res)
{
	const char *username = http_param(req, 0);
	long long generation;
	const char *g = http_form(req, "generation");
	if (!valid_username(username)) {
		view_error(req, res, 404);
		return 0;
	}
	/* A hidden field: only a forged form lacks it. */
	if (g != NULL && strcmp(g, "0") == 0)
		generation = 0;
	else if (!valid_id(g, &generation)) {
		view_error(req, res, 400);
		return 0;
	}
	struct audit_event ev = {.action = "staff_reset_totp", .detail = username};
	staff_audit_fill(req, &ev);
	char secret[STAFF_TOTP_SECRET_CHARS + 1];
	int st = staff_account_reset_totp(req->db, username, generation, req->staff->staff_id, &ev,
	                                  secret);
	if (st == -1 || st == STAFF_ERR_CRYPTO)
		return -1;
	if (st != DB_CHANGED)
		return change_refused(req, res, st,
		                      arena_printf(req->arena,
		                                   "%s's second factor was set up again already "
		                                   "(perhaps by this same form a moment ago); "
		                                   "nothing changed. The secret shown then is the "
		                                   "one that works.",
		                                   username));
	const char *heading = arena_printf(req->arena, "A new second factor for %s", username);
	int rc = enrol_page(req, res, heading, username, secret);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}
