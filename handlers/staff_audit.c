/* staff_audit.c — audit rows of staff requests, completed from the request. */
#include "staff_audit.h"

#include "../app/db/db.h"
#include "../app/log.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"

void staff_audit_fill(const struct request *req, struct audit_event *ev)
{
	if (req->staff != NULL && ev->staff_id == 0) {
		ev->staff_id = req->staff->staff_id;
		ev->staff_username = req->staff->username;
		ev->role = (int)req->staff->role;
	} else if (ev->staff_id == 0 && ev->staff_username == NULL) {
		ev->role = -1;
	}
	if (ev->route == NULL)
		ev->route = req->path;
	if (ev->request_id == NULL)
		ev->request_id = req->request_id;
}

void staff_audit_add_view(struct audit_event *ev, size_t *n, long long customer,
                          const bool shows_full[FIELD__MAX])
{
	unsigned full = privacy_full_mask(shows_full);
	if (full == 0 || customer <= 0)
		return;
	for (size_t i = 0; i < *n; i++)
		if (ev[i].customer_id == customer) {
			ev[i].fields |= full;
			return;
		}
	ev[(*n)++] =
	    (struct audit_event){.action = AUDIT_VIEW, .customer_id = customer, .fields = full};
}

int staff_audit_view(struct request *req, long long customer, const bool shows_full[FIELD__MAX])
{
	struct audit_event ev;
	size_t n = 0;
	staff_audit_add_view(&ev, &n, customer, shows_full);
	return staff_audit(req, &ev, n);
}

int staff_audit(struct request *req, struct audit_event *ev, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		staff_audit_fill(req, &ev[i]);
	if (audit_append(req->db, ev, n) < 0) {
		log_error("audit: cannot append %zu row(s) for %s: %s", n, req->path,
		          db_error(req->db));
		return -1;
	}
	return 0;
}

#define AUDIT_PER_PAGE 50

int handle_staff_audit(struct request *req, struct response *res)
{
	long page;
	long long customer = 0;
	const char *c = http_query(req, "customer");
	if (!valid_page(http_query(req, "page"), &page) ||
	    (c != NULL && *c != '\0' && !valid_id(c, &customer))) {
		view_error(req, res, 400);
		return 0;
	}
	struct audit_entry *rows;
	size_t n;
	bool more;
	if (db_audit_list(req->db, req->arena, customer, (int)page, AUDIT_PER_PAGE, &rows, &n,
	                  &more) < 0)
		return -1;
	struct tdict *ctx = view_ctx(req, "Audit log");
	struct tlist *l = tdict_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "id", "%lld", rows[i].id);
		tdict_set_ref(d, "at", rows[i].created_at);
		tdict_set_ref(d, "staff", rows[i].staff_username);
		tdict_set_ref(d, "role", rows[i].role != NULL ? rows[i].role : "");
		tdict_set_ref(d, "action", rows[i].action);
		if (rows[i].customer_id > 0)
			tdict_setf(d, "customer", "%lld", rows[i].customer_id);
		tdict_set_ref(d, "fields", rows[i].fields);
		tdict_set_ref(d, "route", rows[i].route);
		tdict_set_ref(d, "request_id", rows[i].request_id);
		tdict_set_ref(d, "detail", rows[i].detail != NULL ? rows[i].detail : "");
	}
	if (customer > 0)
		tdict_setf(ctx, "filter", "%lld", customer);
	view_pager(ctx, page, more);
	tdict_set_bool(ctx, "none", n == 0);
	res->no_store = true;
	return view_render(req, res, 200, "admin/audit", ctx);
}
