/* staff_notices.c — the admin's site notices: every notice (scheduled, showing, ended), a form
 * to add one with its window, and ending one now.  The shop's home page shows a notice while
 * its window includes now (db_notice_list_active), so a change here shows there at once. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../app/db/db.h"
#include "../app/db/policy.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define NOTICE_BODY_MAX 1000 /* characters: site_notices.body */

/* Now in UTC as a datetime-local input shows it ("YYYY-MM-DDTHH:MM"), in the arena. */
static const char *now_utc(struct request *req)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M", &tm);
	return arena_strdup(req->arena, buf);
}

/* The page: ctx's form values and messages, and every notice. Returns 0, or -1. */
static int notices_page(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	struct site_notice *v;
	size_t n;
	if (db_notice_list(req->db, req->arena, &v, &n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "notices");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "id", "%lld", v[i].id);
		tdict_set_ref(d, "body", v[i].body);
		tdict_set_ref(d, "starts_at", v[i].starts_at);
		tdict_set_ref(d, "ends_at", v[i].ends_at != NULL ? v[i].ends_at : "");
		tdict_set_ref(d, "state", v[i].state);
		tdict_set_bool(d, "may_end", strcmp(v[i].state, "ended") != 0);
	}
	tdict_set_bool(ctx, "none", n == 0);
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	res->no_store = true;
	return view_render(req, res, status, "admin/notices", ctx);
}

int handle_staff_notices(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Site notices");
	tdict_set_ref(ctx, "starts_at", now_utc(req));
	return notices_page(req, res, ctx, 200);
}

/* A notice to add, checked; and what adding it did. */
struct notice_add {
	const char *body;
	char starts[20];
	char ends[20]; /* "" when open-ended */
	struct audit_event ev;
	char detail[40];
	long long id;
	int outcome;
};

/* Reads and checks the form into x, marking each bad field in ctx. True when all pass. */
static bool notice_form_ok(struct request *req, struct tdict *ctx, struct notice_add *x)
{
	const char *body = http_form(req, "body");
	const char *starts = http_form(req, "starts_at");
	const char *ends = http_form(req, "ends_at");
	bool ok = true;
	tdict_set(ctx, "body", body);
	tdict_set(ctx, "starts_at", starts);
	tdict_set(ctx, "ends_at", ends);
	x->body = body;
	x->ends[0] = '\0';
	if (!valid_text(body, NOTICE_BODY_MAX)) {
		view_field_error(req, ctx, "body",
		                 "Write the notice: one paragraph of at most 1000 characters.");
		ok = false;
	}
	if (!valid_datetime_local(starts, x->starts)) {
		view_field_error(req, ctx, "starts_at",
		                 "Give the start as a date and time (UTC), e.g. 2026-12-24T09:00.");
		ok = false;
	}
	if (ends != NULL && *ends != '\0') {
		if (!valid_datetime_local(ends, x->ends)) {
			view_field_error(
			    req, ctx, "ends_at",
			    "Give the end as a date and time (UTC), or leave it empty.");
			ok = false;
		} else if (ok && strcmp(x->ends, x->starts) <= 0) {
			/* Both are "YYYY-MM-DD HH:MM:SS": text order is time order. */
			view_field_error(req, ctx, "ends_at", "The end must come after the start.");
			ok = false;
		}
	}
	return ok;
}

static int notice_add_tx(struct db *db, void *vctx)
{
	struct notice_add *x = vctx;
	struct arena *a = arena_new();
	x->outcome =
	    db_notice_insert(db, a, x->body, x->starts, x->ends[0] ? x->ends : NULL, &x->id);
	arena_free(a);
	if (x->outcome != DB_CHANGED)
		return x->outcome == DB_UNCHANGED ? 0 : -1;
	snprintf(x->detail, sizeof(x->detail), "notice %lld", x->id);
	x->ev.detail = x->detail;
	return audit_append_in_tx(db, &x->ev, 1);
}

int handle_staff_notice_add(struct request *req, struct response *res)
{
	struct tdict *ctx = view_ctx(req, "Site notices");
	struct notice_add x = {.ev = {.action = "notice_add"}};
	if (!notice_form_ok(req, ctx, &x))
		return notices_page(req, res, ctx, 422);
	staff_audit_fill(req, &x.ev);
	if (db_tx(req->db, notice_add_tx, &x) < 0)
		return -1;
	if (x.outcome == DB_UNCHANGED) {
		tdict_setf(ctx, "message",
		           "Notice %lld with this text and these times exists already; nothing "
		           "was added.",
		           x.id);
		return notices_page(req, res, ctx, 409);
	}
	struct tdict *fresh = view_ctx(req, "Site notices");
	tdict_set_ref(fresh, "starts_at", now_utc(req));
	tdict_setf(fresh, "message",
	           "Notice %lld added. The shop's home page shows it from its start%s.", x.id,
	           x.ends[0] ? " until its end" : " until you end it");
	return notices_page(req, res, fresh, 200);
}

/* A notice to end, and what ending it did. */
struct notice_end {
	long long id;
	struct audit_event ev;
	char detail[40];
	int outcome;
};

static int notice_end_tx(struct db *db, void *vctx)
{
	struct notice_end *x = vctx;
	struct arena *a = arena_new();
	x->outcome = db_notice_end(db, a, x->id);
	arena_free(a);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	return audit_append_in_tx(db, &x->ev, 1);
}

int handle_staff_notice_end(struct request *req, struct response *res)
{
	struct notice_end x = {.ev = {.action = "notice_end"}};
	if (!valid_id(http_param(req, 0), &x.id)) {
		view_error(req, res, 404);
		return 0;
	}
	snprintf(x.detail, sizeof(x.detail), "notice %lld", x.id);
	x.ev.detail = x.detail;
	staff_audit_fill(req, &x.ev);
	if (db_tx(req->db, notice_end_tx, &x) < 0)
		return -1;
	if (x.outcome == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, "Site notices");
	tdict_set_ref(ctx, "starts_at", now_utc(req));
	if (x.outcome == DB_UNCHANGED) {
		tdict_setf(ctx, "message", "Notice %lld had ended already; nothing changed.", x.id);
		return notices_page(req, res, ctx, 409);
	}
	tdict_setf(ctx, "message", "Notice %lld ended: the shop no longer shows it.", x.id);
	return notices_page(req, res, ctx, 200);
}
