/* staff_messages.c — support's queue of the messages customers sent through /contact: each
 * with the customer as the support role sees them (one audit row per customer shown in full),
 * and marking a message answered (its audit row in the same transaction). */
#include <stdio.h>

#include "../app/db/people.h"
#include "../app/db/support.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define OPEN_SHOWN     100
#define ANSWERED_SHOWN 20

/* Adds each message of m[0..n) to list with its customer as role sees them, and an audit
 * event to ev (*nev) for each customer shown in full the first time the page shows them.
 * Returns 0, or -1 on a database error. */
static int messages_ctx(struct request *req, struct tlist *list, const struct support_message *m,
                        size_t n, struct audit_event *ev, size_t *nev)
{
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(list);
		tdict_setf(d, "id", "%lld", m[i].id);
		tdict_set_ref_if(d, "subject", m[i].subject);
		tdict_set_ref_if(d, "message", m[i].message);
		tdict_set_ref_if(d, "created_at", m[i].created_at);
		tdict_set_ref_if(d, "answered_at", m[i].answered_at);
		tdict_set_ref(d, "csrf", req->staff->csrf);
		tdict_setf(d, "customer_id", "%lld", m[i].customer_id);
		struct person p;
		int found =
		    db_person_get(req->db, req->arena, req->staff->role, m[i].customer_id, &p);
		if (found < 0)
			return -1;
		if (found != 0)
			continue;
		tdict_set_ref_if(d, "name", p.name);
		tdict_set_ref_if(d, "email", p.email);
		staff_audit_add_view(ev, nev, p.id, p.shows_full);
	}
	return 0;
}

/* Renders the queue with status, ctx possibly holding a "message" already. */
static int messages_page(struct request *req, struct response *res, struct tdict *ctx, int status)
{
	struct support_message *open, *answered;
	size_t nopen, nanswered;
	if (db_support_list(req->db, req->arena, 0, OPEN_SHOWN, &open, &nopen) < 0 ||
	    db_support_list(req->db, req->arena, 1, ANSWERED_SHOWN, &answered, &nanswered) < 0)
		return -1;
	struct audit_event *ev = arena_alloc(req->arena, sizeof(*ev) * (nopen + nanswered + 1));
	size_t nev = 0;
	if (messages_ctx(req, tdict_list(ctx, "open"), open, nopen, ev, &nev) < 0 ||
	    messages_ctx(req, tdict_list(ctx, "answered"), answered, nanswered, ev, &nev) < 0)
		return -1;
	if (staff_audit(req, ev, nev) < 0)
		return -1;
	tdict_set_bool(ctx, "none_open", nopen == 0);
	res->no_store = true;
	return view_render(req, res, status, "admin/messages", ctx);
}

int handle_staff_messages(struct request *req, struct response *res)
{
	return messages_page(req, res, view_ctx(req, "Messages"), 200);
}

/* A message to mark answered, and what marking did. */
struct answer {
	long long id;
	long long staff_id;
	struct audit_event ev;
	char detail[48];
	int outcome;
};

static int answer_tx(struct db *db, void *vctx)
{
	struct answer *x = vctx;
	x->outcome = db_support_mark_answered(db, x->id, x->staff_id, &x->ev);
	return x->outcome < 0 ? -1 : 0;
}

int handle_staff_message_answered(struct request *req, struct response *res)
{
	struct answer x = {.ev = {.action = "message_answered"}};
	if (!valid_id(http_param(req, 0), &x.id)) {
		view_error(req, res, 404);
		return 0;
	}
	x.staff_id = req->staff->staff_id;
	snprintf(x.detail, sizeof(x.detail), "message %lld", x.id);
	x.ev.detail = x.detail;
	staff_audit_fill(req, &x.ev);
	if (db_tx(req->db, answer_tx, &x) < 0)
		return -1;
	if (x.outcome == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, "Messages");
	if (x.outcome == DB_UNCHANGED) {
		tdict_setf(ctx, "message",
		           "Nothing changed: message %lld was marked answered already.", x.id);
		return messages_page(req, res, ctx, 409);
	}
	tdict_setf(ctx, "message", "Message %lld marked answered.", x.id);
	return messages_page(req, res, ctx, 200);
}
