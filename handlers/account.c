/* account.c — My Account: view and correct personal data, password, interests, sessions;
 * deactivate, delete and export the account. */
#include "routes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/config.h"
#include "../app/db/audit.h"
#include "../app/db/catalog.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/db/legal.h"
#include "../app/db/policy.h"
#include "../app/db/profile.h"
#include "../app/db/sessions.h"
#include "../app/export.h"
#include "../app/db/shop.h"
#include "../app/log.h"
#include "../app/mail.h"
#include "../app/password.h"
#include "../app/session.h"
#include "../app/throttle.h"
#include "../app/validate.h"
#include "../app/view.h"

#define MAX_INTERESTS     64
#define SESSIONS_PAGE     20 /* sessions listed per page: a bounded page for any number of them */
#define SESSIONS_MAX_PAGE 1000

/* The sessions page asked for (?sessions_page=N, from 1), or 1. */
static long long sessions_page(struct request *req)
{
	long long p;
	const char *v = http_query(req, "sessions_page");
	return v != NULL && valid_id(v, &p) && p <= SESSIONS_MAX_PAGE ? p : 1;
}

/* One page of the customer's sessions, with links to the pages before and after. */
static int sessions_ctx(struct request *req, struct tdict *ctx, long long customer_id)
{
	struct session_info *sessions;
	size_t n;
	long long page = sessions_page(req);
	/* One more than a page tells whether an older page exists. */
	if (db_session_list(req->db, req->arena, customer_id, (page - 1) * SESSIONS_PAGE,
	                    SESSIONS_PAGE + 1, &sessions, &n) < 0)
		return -1;
	if (n > SESSIONS_PAGE) {
		n = SESSIONS_PAGE;
		tdict_setf(ctx, "sessions_older", "%lld", page + 1);
	}
	if (page > 1)
		tdict_setf(ctx, "sessions_newer", "%lld", page - 1);
	struct tlist *sl = tdict_list(ctx, "sessions");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(sl);
		tdict_setf(d, "id", "%lld", sessions[i].id);
		tdict_set_ref(d, "created_at", sessions[i].created_at);
		tdict_set_ref(d, "last_seen_at", sessions[i].last_seen_at);
		tdict_set_ref(d, "browser", sessions[i].browser);
		tdict_set_bool(d, "current", sessions[i].id == req->session->id);
	}
	return 0;
}

/* Fills ctx with the account as stored, for display; the address blocks show typed (with
 * their errors) when given, else the stored addresses. Returns 0 or -1. */
static int account_ctx(struct request *req, struct response *res, struct tdict *ctx,
                       const struct customer *c, const struct address_form typed[ADDRESS_KIND__MAX])
{
	struct address *addrs;
	struct category *cats;
	long long *interests;
	size_t naddrs, ncats, ninterests;
	if (db_address_list(req->db, req->arena, c->id, &addrs, &naddrs) < 0 ||
	    db_category_list(req->db, req->arena, &cats, &ncats) < 0 ||
	    db_interest_list(req->db, req->arena, c->id, &interests, &ninterests) < 0 ||
	    sessions_ctx(req, ctx, c->id) < 0 || profile_list_ctx(req, ctx, c->id) < 0)
		return -1;
	tdict_set(ctx, "csrf", csrf_token(req, res));
	struct tdict *a = tdict_dict(ctx, "account");
	tdict_set_ref(a, "username", c->username);
	tdict_set_ref(a, "name", c->name);
	tdict_set_ref(a, "email", c->email);
	tdict_set_ref(a, "phone", c->phone ? c->phone : "");
	tdict_set_bool(a, "email_unconfirmed", c->email_verified_at == NULL);
	tdict_set_ref(a, "registered_at", c->registered_at);
	tdict_set_ref(a, "last_visit_at", c->last_visit_at ? c->last_visit_at : "");
	tdict_setf(a, "visit_count", "%lld", c->visit_count);
	tdict_setf(a, "policy_version", "%lld", c->policy_version);
	tdict_set_bool(a, "profile_opt_out", c->profile_opt_out);
	person_fields_ctx(ctx);
	struct address_form stored[ADDRESS_KIND__MAX];
	address_forms_stored(stored, addrs, naddrs);
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		address_form_ctx(req, ctx, typed != NULL ? &typed[k] : &stored[k]);
	struct tlist *il = tdict_list(ctx, "interests");
	for (size_t i = 0; i < ncats; i++) {
		struct tdict *d = tlist_add(il);
		tdict_setf(d, "id", "%lld", cats[i].id);
		tdict_set_ref(d, "name", cats[i].name);
		for (size_t j = 0; j < ninterests; j++)
			if (interests[j] == cats[i].id)
				tdict_set_bool(d, "checked", true);
	}
	return 0;
}

static int load_me(struct request *req, struct customer *c)
{
	int found = db_customer_get(req->db, req->arena, req->session->customer_id, c);
	return found == 0 ? 0 : -1;
}

/* Renders My Account with status; typed as for account_ctx. Returns 0 or -1. */
static int show_typed(struct request *req, struct response *res, struct tdict *ctx, int status,
                      const struct address_form typed[ADDRESS_KIND__MAX])
{
	struct customer c;
	if (load_me(req, &c) < 0 || account_ctx(req, res, ctx, &c, typed) < 0)
		return -1;
	return view_render(req, res, status, "account", ctx);
}

static int show(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	return show_typed(req, res, ctx, status, NULL);
}

/* "name,email" as people read it: "Name, Email". */
static const char *field_labels(struct request *req, const char *names)
{
	const char *out = "";
	char *copy = arena_strdup(req->arena, names), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		int f = privacy_field_parse(t);
		const char *label = f >= 0 ? privacy_field_label(f) : t;
		out = *out ? arena_printf(req->arena, "%s, %s", out, label) : label;
	}
	return out;
}

/*
 * Puts into ctx ("staff_views") the newest max times staff viewed the
 * customer's data in full: when, which role (never which person) and which
 * fields, and "staff_views_more" when there are more.  Returns 0 or -1.
 */
static int staff_views_ctx(struct request *req, struct tdict *ctx, size_t max)
{
	struct audit_view *v;
	size_t n;
	if (db_audit_views_of_customer(req->db, req->arena, req->session->customer_id, &v, &n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "staff_views");
	for (size_t i = 0; i < n && i < max; i++) {
		struct tdict *x = tlist_add(l);
		tdict_set_ref(x, "at", v[i].viewed_at);
		tdict_set_ref(x, "role", v[i].role != NULL ? v[i].role : "staff");
		tdict_set_ref(x, "fields", field_labels(req, v[i].fields));
	}
	tdict_set_bool(ctx, "staff_views_more", n > max);
	tdict_set_bool(ctx, "staff_views_none", n == 0);
	return 0;
}

int handle_account(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "My Account");
	if (staff_views_ctx(req, ctx, 5) < 0)
		return -1;
	const char *saved = http_query(req, "saved");
	if (saved != NULL && valid_slug(saved))
		tdict_set_bool(ctx, arena_printf(req->arena, "saved_%s", saved), true);
	return show(req, res, ctx, 200);
}

static int saved(struct response *res, const char *what)
{
	char loc[64];
	snprintf(loc, sizeof(loc), "/account?saved=%s", what);
	http_redirect(res, loc);
	return 0;
}

static int request_email_change(struct request *req, const struct customer *c, const char *email,
                                const char *name);

static int update_profile(struct request *req, struct response *res, struct tdict *ctx)
{
	struct customer c;
	const char *name = http_form(req, "name"), *email = http_form(req, "email");
	const char *phone = http_form(req, "phone");
	bool bad = false;
	if (load_me(req, &c) < 0)
		return -1;
	/* A missing name or email counts as empty: both are required. */
	if (!account_person_fields_ok(req, ctx, name ? name : "", email ? email : "", phone))
		bad = true;
	if (bad) {
		/* The form shows what was typed, never the stored values under errors about the
		 * typed ones. */
		if (load_me(req, &c) < 0 || account_ctx(req, res, ctx, &c, NULL) < 0)
			return -1;
		struct tdict *a = tdict_dict(ctx, "account");
		tdict_set(a, "name", name);
		tdict_set(a, "email", email);
		tdict_set(a, "phone", phone);
		return view_render(req, res, 422, "account", ctx);
	}
	/* The address itself changes only when the link sent to it is opened (handle_verify). */
	if (db_customer_update_profile(req->db, c.id, name, c.email, phone && *phone ? phone : NULL,
	                               false) < 0)
		return -1;
	if (strcmp(email, c.email) == 0)
		return saved(res, "profile");
	if (request_email_change(req, &c, email, name) < 0)
		return -1;
	return saved(res, "email");
}

/*
 * A new address for the account.  Whether another account holds it is never said: the answer
 * is the same either way ("we sent a link to the new address").  A free address gets the
 * confirmation link and the old one a warning; a taken one's owner is told that someone tried
 * to use it (at most a few times an hour).
 */
static int request_email_change(struct request *req, const struct customer *c, const char *email,
                                const char *name)
{
	bool u, taken;
	if (db_customer_taken(req->db, req->arena, "", email, &u, &taken) < 0)
		return -1;
	if (taken)
		return account_notify_address_owner(req, email, "email_existing");
	struct tdict *m = view_mail_ctx(req);
	tdict_set_ref(m, "name", c->name);
	if (account_queue_verification(req, c->id, email, name) < 0 ||
	    mail_queue(req->db, req->views, c->id, "email_changed", c->email, m) < 0)
		return -1;
	return 0;
}

static int update_addresses(struct request *req, struct response *res, struct tdict *ctx)
{
	struct address_form form[ADDRESS_KIND__MAX];
	bool bad = false;
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		address_form_read(req, k, &form[k]);
		/* All empty removes that address; anything typed must be a whole address. */
		if (!address_form_empty(&form[k]) && !address_form_check(req, ctx, &form[k]))
			bad = true;
	}
	if (bad)
		return show_typed(req, res, ctx, 422, form);
	struct customer c;
	if (load_me(req, &c) < 0)
		return -1;
	struct policy_version pv;
	if (db_policy_get(req->db, req->arena, 0, &pv) != 0)
		return -1;
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		const char *const *v = form[k].value;
		struct address a = {ADDRESS_KINDS[k], v[ADDRESS_LINE1],    v[ADDRESS_LINE2],
		                    v[ADDRESS_CITY],  v[ADDRESS_POSTCODE], v[ADDRESS_COUNTRY]};
		int rc = address_form_empty(&form[k])
		             ? db_address_delete(req->db, c.id, ADDRESS_KINDS[k])
		             : db_address_put(req->db, c.id, &a, pv.version);
		if (rc < 0)
			return -1;
	}
	return saved(res, "addresses");
}

static int update_interests(struct request *req, struct response *res, struct tdict *ctx)
{
	long long ids[MAX_INTERESTS];
	size_t n = 0;
	for (size_t i = 0; i < req->form.n; i++) {
		if (strcmp(req->form.items[i].key, "interests[]") != 0)
			continue;
		if (n == MAX_INTERESTS || !valid_id(req->form.items[i].val, &ids[n])) {
			view_field_error(req, ctx, "interests", "Choose from the list.");
			return show(req, res, ctx, 422);
		}
		n++;
	}
	struct policy_version pv;
	if (db_policy_get(req->db, req->arena, 0, &pv) != 0)
		return -1;
	/* Consent is recorded under the version in force now; jobs check it per purpose. */
	if (db_interest_set(req->db, req->session->customer_id, ids, n, pv.version) < 0 ||
	    db_customer_set_profile_opt_out(req->db, req->session->customer_id,
	                                    valid_checked(http_form(req, "profile_opt_out"))) < 0)
		return -1;
	return saved(res, "interests");
}

/* "Clear my viewing profile": every viewed product goes at once, and a view noted before the
 * click is not written after it (db_profile_clear). */
static int clear_profile(struct request *req, struct response *res)
{
	if (db_profile_clear(req->db, req->session->customer_id) < 0)
		return -1;
	return saved(res, "viewing");
}

enum pw_check { PW_OK, PW_WRONG, PW_THROTTLED };

static const char PW_THROTTLED_TEXT[] =
    "Too many wrong passwords were tried. Nothing was changed: try again in a few minutes.";

/*
 * The current password of the signed-in customer, under the same rules as signing in: a
 * stolen session must not guess it quickly.  The account and the network each have a
 * counter; while either is over, the check is refused at once (*retry_after seconds).
 */
static int current_password(struct request *req, const char *pw, enum pw_check *out,
                            int *retry_after)
{
	const char *account = arena_printf(req->arena, "%lld", req->session->customer_id);
	bool over;
	struct customer login;
	*out = PW_THROTTLED;
	if (throttle_over(req, THROTTLE_ACCOUNT_PW, account, &over, retry_after) < 0)
		return -1;
	if (!over && throttle_over(req, THROTTLE_LOGIN, NULL, &over, retry_after) < 0)
		return -1;
	if (over)
		return 0;
	if (db_customer_get_login(req->db, req->arena, req->session->username, &login) != 0)
		return -1;
	if (pw != NULL && password_verify(login.password_hash, pw, strlen(pw)) == 0) {
		*out = PW_OK;
		return 0;
	}
	*out = PW_WRONG;
	if (throttle_count(req, THROTTLE_ACCOUNT_PW, account) < 0 ||
	    throttle_count(req, THROTTLE_LOGIN, NULL) < 0)
		return -1;
	return 0;
}

static int update_password(struct request *req, struct response *res, struct tdict *ctx)
{
	const char *cur = http_form(req, "current_password");
	const char *next = http_form(req, "new_password");
	struct customer c;
	enum pw_check pc;
	int retry;
	if (load_me(req, &c) < 0 || current_password(req, cur, &pc, &retry) < 0)
		return -1;
	if (pc == PW_THROTTLED) {
		view_field_error(req, ctx, "current_password", PW_THROTTLED_TEXT);
		throttle_refuse(res, retry);
		return show(req, res, ctx, 429);
	}
	if (pc == PW_WRONG) {
		view_field_error(req, ctx, "current_password",
		                 cur == NULL || *cur == '\0'
		                     ? "Enter your current password."
		                     : "Your current password is not right: enter the password you "
		                       "sign in with.");
		return show(req, res, ctx, 422);
	}
	const char *weak = next != NULL && *next != '\0'
	                       ? password_weakness(next, strlen(next), c.username, c.email)
	                       : "Enter a new password.";
	if (weak != NULL) {
		view_field_error(req, ctx, "new_password", weak);
		return show(req, res, ctx, 422);
	}
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(&req->cfg->argon2, next, strlen(next), hash, sizeof(hash)) < 0 ||
	    db_customer_set_password(req->db, c.id, hash) < 0)
		return -1;
	/* Every session ends, this one included; this browser gets a fresh one. */
	if (session_end_all(req, c.id, 0) < 0 || session_start(req, res, c.id) < 0)
		return -1;
	struct tdict *m = view_mail_ctx(req);
	tdict_set_ref(m, "name", c.name);
	if (mail_queue(req->db, req->views, c.id, "password_changed", c.email, m) < 0)
		return -1;
	return saved(res, "password");
}

static int end_session(struct request *req, struct response *res, struct tdict *ctx)
{
	long long id;
	bool deleted = false;
	if (!valid_id(http_form(req, "session_id"), &id)) {
		view_field_error(req, ctx, "sessions", "Choose a session from the list.");
		return show(req, res, ctx, 422);
	}
	/* Only a session of this customer: another's id deletes nothing. */
	if (db_session_delete_owned(req->db, id, req->session->customer_id, &deleted) < 0)
		return -1;
	if (!deleted) {
		view_error(req, res, 404);
		return 0;
	}
	if (id == req->session->id) {
		if (session_end(req, res) < 0)
			return -1;
		http_redirect(res, "/");
		return 0;
	}
	return saved(res, "sessions");
}

int handle_account_update(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "My Account");
	const char *action = http_form(req, "action");
	if (action == NULL)
		action = "";
	if (strcmp(action, "profile") == 0)
		return update_profile(req, res, ctx);
	if (strcmp(action, "addresses") == 0)
		return update_addresses(req, res, ctx);
	if (strcmp(action, "interests") == 0)
		return update_interests(req, res, ctx);
	if (strcmp(action, "password") == 0)
		return update_password(req, res, ctx);
	if (strcmp(action, "profile_clear") == 0)
		return clear_profile(req, res);
	if (strcmp(action, "end_session") == 0)
		return end_session(req, res, ctx);
	view_error(req, res, 400);
	return 0;
}

/*
 * The confirmation step shared by deactivate and delete: without confirm=yes
 * and the right password nothing happens; the page asks for them.
 */
static int confirmed(struct request *req, struct response *res, const char *what, bool *ok)
{
	*ok = false;
	struct tdict *ctx = view_ctx(req, "Please confirm");
	tdict_set(ctx, "csrf", csrf_token(req, res));
	tdict_set_bool(ctx, what, true);
	const char *pw = http_form(req, "password");
	bool checked = valid_checked(http_form(req, "confirm"));
	if (http_form(req, "step") == NULL && (!checked || pw == NULL))
		return view_render(req, res, 200, "confirm", ctx); /* from My Account's button */
	if (!checked || pw == NULL || *pw == '\0') {
		/* The confirmation page was sent without what it asks for: say which. */
		if (pw == NULL || *pw == '\0')
			view_field_error(req, ctx, "password", "Enter your password.");
		if (!checked)
			view_field_error(
			    req, ctx, "confirm",
			    strcmp(what, "deleted") == 0
			        ? "Tick the box to confirm that you want to delete your "
			          "account."
			        : "Tick the box to confirm that you want to deactivate your "
			          "account.");
		return view_render(req, res, 422, "confirm", ctx);
	}
	enum pw_check pc;
	int retry;
	if (current_password(req, pw, &pc, &retry) < 0)
		return -1;
	if (pc == PW_THROTTLED) {
		view_field_error(req, ctx, "password", PW_THROTTLED_TEXT);
		throttle_refuse(res, retry);
		return view_render(req, res, 429, "confirm", ctx);
	}
	if (pc == PW_WRONG) {
		view_field_error(req, ctx, "password",
		                 "The password is not right: enter the password you sign in with.");
		return view_render(req, res, 422, "confirm", ctx);
	}
	*ok = true;
	return 0;
}

static int close_account(struct request *req, struct response *res, enum customer_status to,
                         const char *title, const char *message)
{
	const char *status = customer_status_name(to);
	bool ok;
	long long id = req->session->customer_id;
	if (confirmed(req, res, status, &ok) < 0)
		return -1;
	if (!ok)
		return 0; /* the confirmation page was rendered */
	if (db_customer_close(req->db, id, to) < 0 || session_end_all(req, id, 0) < 0 ||
	    session_end(req, res) < 0)
		return -1;
	log_info("account: a customer %s their account", status);
	log_debug("account: customer %lld %s their account", id, status);
	return view_message(req, res, 200, title, message);
}

int handle_account_deactivate(struct request *req, struct response *res)
{
	return close_account(
	    req, res, CUSTOMER_DEACTIVATED, "Account deactivated",
	    "Your account is deactivated and you are signed out. Your personal data will be "
	    "erased after the retention period unless a representative reactivates the "
	    "account at your request before then.");
}

int handle_account_delete(struct request *req, struct response *res)
{
	return close_account(
	    req, res, CUSTOMER_DELETED, "Account deleted",
	    "Your account is closed and you are signed out. Your personal data will be erased "
	    "within 24 hours. Orders are kept for accounting without your personal data.");
}

/* The customer's own download: the same document `dittoctl export` writes (app/export.c).  It
 * is no disclosure: the data goes to the person it is about, at their request. */
int handle_account_export(struct request *req, struct response *res)
{
	char *text;
	if (customer_export_json(req->db, req->arena, req->session->customer_id, &text) != 0)
		return -1;
	buf_puts(&res->body, text);
	free(text);
	res->status = 200;
	res->no_store = true;
	res->content_type = "application/json; charset=utf-8";
	http_header(res, "Content-Disposition", "attachment; filename=\"ditto-my-data.json\"");
	return 0;
}

/* The legal cases about the customer that they may be told of (the shop's view of cases holds
 * no other), with their dates. Returns 0 or -1. */
static int legal_cases_ctx(struct request *req, struct tdict *ctx)
{
	struct legal_case *c;
	size_t n;
	if (db_legal_cases_told(req->db, req->arena, req->session->customer_id, &c, &n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "legal_cases");
	for (size_t i = 0; i < n; i++) {
		struct tdict *x = tlist_add(l);
		tdict_set_ref(x, "authority", c[i].authority);
		tdict_set_ref(x, "reference", c[i].reference);
		tdict_set_ref(x, "legal_basis", c[i].legal_basis);
		tdict_set_ref(x, "opened_at", c[i].opened_at);
		if (c[i].closed_at != NULL)
			tdict_set_ref(x, "closed_at", c[i].closed_at);
	}
	tdict_set_bool(ctx, "legal_none", n == 0);
	return 0;
}

int handle_account_disclosures(struct request *req, struct response *res)
{
	struct disclosure *d;
	size_t n;
	if (db_disclosure_list(req->db, req->arena, req->session->customer_id, &d, &n) < 0)
		return -1;
	struct tdict *ctx = view_ctx(req, "Who received your data");
	if (staff_views_ctx(req, ctx, DB_AUDIT_VIEWS_MAX) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "disclosures");
	for (size_t i = 0; i < n; i++) {
		struct tdict *x = tlist_add(l);
		tdict_set_ref(x, "recipient", d[i].recipient);
		tdict_set_ref(x, "fields", d[i].fields);
		tdict_set_ref(x, "purpose", d[i].purpose);
		tdict_set_ref(x, "at", d[i].created_at);
		if (d[i].order_id > 0)
			tdict_setf(x, "order_id", "%lld", d[i].order_id);
	}
	if (legal_cases_ctx(req, ctx) < 0)
		return -1;
	return view_render(req, res, 200, "disclosures", ctx);
}
