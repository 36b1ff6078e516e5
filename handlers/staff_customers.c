/* staff_customers.c — the staff site's customer list and customer page: every value as the
 * signed-in member's role sees it (the data-access layer hands nothing else), and one audit
 * row for each customer whose data a page shows in full. */
#include "../app/db/contacts.h"
#include "../app/db/people.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define PEOPLE_PER_PAGE 25
#define SEARCH_MAX      100

/* Which columns the list shows: the fields the role sees at all, masked or in full. */
static bool sees(enum staff_role r, enum personal_field f)
{
	enum visibility v = privacy_visibility(r, f);
	return v == VIS_FULL || v == VIS_MASKED;
}

static void person_ctx(struct tdict *d, const struct person *p)
{
	tdict_setf(d, "id", "%lld", p->id);
	tdict_set_ref_if(d, "status", p->status);
	tdict_set_ref_if(d, "name", p->name);
	tdict_set_ref_if(d, "email", p->email);
	tdict_set_ref_if(d, "username", p->username);
	tdict_set_ref_if(d, "phone", p->phone);
	tdict_set_ref_if(d, "registered_at", p->registered_at);
	tdict_set_ref_if(d, "last_visit_at", p->last_visit_at);
	tdict_set_ref_if(d, "visit_count", p->visit_count);
}

/* The searchable fields' labels: those the role sees in full ("name, email"). */
static const char *search_fields(struct request *req, enum staff_role r)
{
	static const enum personal_field searchable[] = {FIELD_NAME, FIELD_EMAIL, FIELD_USERNAME,
	                                                 FIELD_PHONE};
	const char *out = NULL;
	for (size_t i = 0; i < sizeof(searchable) / sizeof(searchable[0]); i++)
		if (privacy_visibility(r, searchable[i]) == VIS_FULL)
			out = out == NULL ? privacy_field_name(searchable[i])
			                  : arena_printf(req->arena, "%s, %s", out,
			                                 privacy_field_name(searchable[i]));
	return out;
}

int handle_staff_customers(struct request *req, struct response *res)
{
	enum staff_role role = req->staff->role;
	long page;
	const char *q = http_query(req, "q");
	if (!valid_page(http_query(req, "page"), &page) ||
	    (q != NULL && *q != '\0' && !valid_text(q, SEARCH_MAX))) {
		view_error(req, res, 400);
		return 0;
	}
	const char *searchable = search_fields(req, role);
	if (searchable == NULL)
		q = NULL; /* a role that sees no searchable field in full cannot search at all */
	struct person_page pg;
	if (db_people_list(req->db, req->arena, role, q, (int)page, PEOPLE_PER_PAGE, &pg) < 0)
		return -1;

	struct audit_event *ev = arena_alloc(req->arena, sizeof(*ev) * (pg.n + 1));
	size_t nev = 0;
	struct tdict *ctx = view_ctx(req, "Customers");
	struct tlist *rows = tdict_list(ctx, "people");
	for (size_t i = 0; i < pg.n; i++) {
		person_ctx(tlist_add(rows), &pg.rows[i]);
		staff_audit_add_view(ev, &nev, pg.rows[i].id, pg.rows[i].shows_full);
	}
	if (staff_audit(req, ev, nev) < 0)
		return -1;

	struct tdict *cols = tdict_dict(ctx, "cols");
	tdict_set_bool(cols, "name", sees(role, FIELD_NAME));
	tdict_set_bool(cols, "email", sees(role, FIELD_EMAIL));
	tdict_set_bool(cols, "username", sees(role, FIELD_USERNAME));
	tdict_set_bool(cols, "phone", sees(role, FIELD_PHONE));
	tdict_set_bool(cols, "visits", sees(role, FIELD_VISITS));
	if (searchable != NULL) {
		tdict_set_ref(ctx, "searchable", searchable);
		tdict_set(ctx, "q", q != NULL ? q : "");
	}
	tdict_set_bool(ctx, "open_case_only", privacy_needs_open_case(role));
	view_pager(ctx, page, pg.more);
	tdict_set_bool(ctx, "none", pg.n == 0);
	res->no_store = true;
	return view_render(req, res, 200, "admin/customers", ctx);
}

static void address_ctx(struct tdict *d, const char *key, const struct person_address *a)
{
	if (a->line1 == NULL && a->city == NULL && a->country == NULL) {
		/* Set, and false: an order without it must not show the customer's own. */
		tdict_set_bool(d, key, false);
		return;
	}
	struct tdict *x = tdict_dict(d, key);
	tdict_set_ref_if(x, "line1", a->line1);
	tdict_set_ref_if(x, "line2", a->line2 != NULL && *a->line2 ? a->line2 : NULL);
	tdict_set_ref_if(x, "postcode", a->postcode);
	tdict_set_ref_if(x, "city", a->city);
	tdict_set_ref_if(x, "country", a->country);
	tdict_set_bool(x, "masked", a->line1 == NULL);
}

static void order_ctx(struct request *req, struct tdict *d, const struct person_order *o)
{
	tdict_setf(d, "id", "%lld", o->id);
	tdict_set_ref_if(d, "created_at", o->created_at);
	tdict_set_ref_if(d, "status", o->status);
	if (o->total_cents >= 0)
		tdict_set_ref(d, "total", format_price(req->arena, o->total_cents));
	tdict_set_ref_if(d, "contact_name", o->contact_name);
	tdict_set_ref_if(d, "contact_email", o->contact_email);
	address_ctx(d, "billing", &o->billing);
	address_ctx(d, "shipping", &o->shipping);
	if (o->payment_brand != NULL) {
		struct tdict *p = tdict_dict(d, "payment");
		tdict_set_ref_if(p, "brand", o->payment_brand);
		tdict_set_ref_if(p, "last4", o->payment_last4);
		tdict_set_ref_if(p, "expiry", o->payment_expiry);
	}
	tdict_set_ref_if(d, "tracking_number", o->tracking_number);
	struct tlist *lines = tdict_list(d, "lines");
	for (size_t i = 0; i < o->nlines; i++) {
		struct tdict *l = tlist_add(lines);
		tdict_set_ref_if(l, "sku", o->lines[i].sku);
		tdict_set_ref_if(l, "name", o->lines[i].name);
		tdict_setf(l, "quantity", "%lld", o->lines[i].quantity);
		tdict_set_ref(l, "price", format_price(req->arena, o->lines[i].unit_price_cents));
	}
}

#define CONTACTS_SHOWN 20

/* The contact attempts kept on the registration, for a role that makes them (no other role
 * may read them). Returns 0, or -1 on a database error. */
static int contacts_ctx(struct request *req, struct tdict *ctx, long long id)
{
	if (!privacy_action_allowed(ACTION_CUSTOMER_CONTACT, req->staff->role))
		return 0;
	struct customer_contact *c;
	size_t n;
	if (db_contact_list(req->db, req->arena, id, CONTACTS_SHOWN, &c, &n) < 0)
		return -1;
	struct tlist *l = tdict_list(ctx, "contacts");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_set_ref(d, "at", c[i].contacted_at);
		tdict_set_ref(d, "by", c[i].staff_username);
		tdict_set_ref(d, "note", c[i].note);
	}
	tdict_set_bool(ctx, "has_contacts", n > 0);
	return 0;
}

void staff_customer_ctx(struct request *req, struct tdict *ctx, const struct person_detail *d)
{
	struct tdict *p = tdict_dict(ctx, "person");
	person_ctx(p, &d->p);
	address_ctx(ctx, "billing", &d->billing);
	address_ctx(ctx, "shipping", &d->shipping);
	tdict_set_bool(ctx, "sees_orders", sees(req->staff->role, FIELD_ORDERS));
	struct tlist *orders = tdict_list(ctx, "orders");
	for (size_t i = 0; i < d->norders; i++)
		order_ctx(req, tlist_add(orders), &d->orders[i]);
	tdict_set_bool(ctx, "no_orders", d->norders == 0);
	if (d->viewed_products != NULL || d->interests != NULL) {
		struct tdict *prof = tdict_dict(ctx, "profile");
		struct tlist *v = tdict_list(prof, "viewed");
		for (size_t i = 0; i < d->nviewed; i++)
			tdict_set_ref(tlist_add(v), "item", d->viewed_products[i]);
		struct tlist *in = tdict_list(prof, "interests");
		for (size_t i = 0; i < d->ninterests; i++)
			tdict_set_ref(tlist_add(in), "item", d->interests[i]);
	}
}

int handle_staff_customer(struct request *req, struct response *res)
{
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	struct person_detail d;
	int found = db_people_get(req->db, req->arena, req->staff->role, id, &d);
	if (found < 0)
		return -1;
	if (found == 1) {
		/* No such customer, or one this role may not see (legal without an open case):
		 * the same answer, so the page does not tell which. */
		view_error(req, res, 404);
		return 0;
	}
	if (staff_audit_view(req, id, d.p.shows_full) < 0)
		return -1;
	struct tdict *ctx = view_ctx(req, "Customer");
	staff_customer_ctx(req, ctx, &d);
	tdict_set_ref(ctx, "role", privacy_role_name(req->staff->role));
	staff_customer_actions_ctx(req, ctx, id, d.p.status, NULL);
	if (contacts_ctx(req, ctx, id) < 0)
		return -1;
	res->no_store = true;
	return view_render(req, res, 200, "admin/customer", ctx);
}
