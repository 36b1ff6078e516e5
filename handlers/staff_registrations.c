/* staff_registrations.c — the representative's queue of pending registrations, oldest first,
 * with how long each has waited and the forms to approve, deny or contact the applicant. */
#include <stdio.h>
#include <time.h>

#include "../app/db/people.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define QUEUE_PER_PAGE 20

/* "3 days", "5 hours", "12 minutes" since registered ("YYYY-MM-DD HH:MM", UTC) at now; NULL
 * when registered is not that shape (or the role does not see it). */
static const char *waited(struct arena *a, const char *registered, time_t now)
{
	struct tm tm = {0};
	if (registered == NULL || sscanf(registered, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon,
	                                 &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5)
		return NULL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	long long s = (long long)difftime(now, timegm(&tm));
	static const struct {
		long long seconds;
		const char *unit;
	} units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		long long n = s / units[i].seconds;
		if (n >= 1)
			return arena_printf(a, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
	}
	return "less than a minute";
}

/* The fields bits shown in full of p (for its audit row). */
static unsigned shown_full(const struct person *p)
{
	unsigned m = 0;
	for (int f = 0; f < FIELD__MAX; f++)
		if (p->shows_full[f])
			m |= 1u << f;
	return m;
}

static void applicant_ctx(struct request *req, struct tdict *d, const struct person *p, time_t now)
{
	tdict_setf(d, "id", "%lld", p->id);
	tdict_set_ref_if(d, "name", p->name);
	tdict_set_ref_if(d, "email", p->email);
	tdict_set_ref_if(d, "username", p->username);
	tdict_set_ref_if(d, "phone", p->phone);
	tdict_set_ref_if(d, "registered_at", p->registered_at);
	tdict_set_ref_if(d, "waited", waited(req->arena, p->registered_at, now));
	staff_customer_actions_ctx(req, d, p->id, p->status, "registrations");
}

int handle_staff_registrations(struct request *req, struct response *res)
{
	long page;
	if (!valid_page(http_query(req, "page"), &page)) {
		view_error(req, res, 400);
		return 0;
	}
	struct person_page pg;
	if (db_people_pending(req->db, req->arena, req->staff->role, (int)page, QUEUE_PER_PAGE,
	                      &pg) < 0)
		return -1;
	struct audit_event *ev = arena_alloc(req->arena, sizeof(*ev) * (pg.n + 1));
	size_t nev = 0;
	struct tdict *ctx = view_ctx(req, "Registrations");
	struct tlist *rows = tdict_list(ctx, "applicants");
	time_t now = time(NULL);
	for (size_t i = 0; i < pg.n; i++) {
		applicant_ctx(req, tlist_add(rows), &pg.rows[i], now);
		unsigned full = shown_full(&pg.rows[i]);
		if (full != 0)
			ev[nev++] = (struct audit_event){
			    .action = AUDIT_VIEW, .customer_id = pg.rows[i].id, .fields = full};
	}
	if (staff_audit(req, ev, nev) < 0)
		return -1;
	view_pager(ctx, page, pg.more);
	tdict_set_bool(ctx, "none", pg.n == 0);
	res->no_store = true;
	return view_render(req, res, 200, "admin/registrations", ctx);
}
