/* staff_legal.c — the legal officer's cases (/admin/disclosures): the list and the form that
 * opens a case, a case with its customer's data in full while it is open, that data as JSON,
 * and closing.  Opening and closing write their audit row in their own transaction; each view
 * and export of personal data writes one naming the fields. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../app/db/legal.h"
#include "../app/db/people.h"
#include "../app/staff_session.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"
#include "staff_audit.h"

#define CASES_PER_PAGE 50

/* The audit actions of a case's life (a view of its customer's data is AUDIT_VIEW). */
#define AUDIT_CASE_OPEN   "legal_case_open"
#define AUDIT_CASE_EXPORT "legal_case_export"
#define AUDIT_CASE_CLOSE  "legal_case_close"

static void case_ctx(struct tdict *d, const struct legal_case *c)
{
	tdict_setf(d, "id", "%lld", c->id);
	tdict_setf(d, "customer_id", "%lld", c->customer_id);
	tdict_set_ref(d, "authority", c->authority);
	tdict_set_ref(d, "reference", c->reference);
	tdict_set_ref(d, "legal_basis", c->legal_basis);
	tdict_set_bool(d, "may_tell", c->may_tell);
	tdict_set_ref(d, "opened_at", c->opened_at);
	tdict_set_ref(d, "opened_by", c->opened_by != NULL ? c->opened_by : "");
	if (c->closed_at != NULL) {
		tdict_set_ref(d, "closed_at", c->closed_at);
		tdict_set_ref(d, "closed_by", c->closed_by != NULL ? c->closed_by : "");
	}
	tdict_set_bool(d, "open", c->closed_at == NULL);
}

/* The open-a-case form as typed (all "" when nothing was posted). */
struct case_form {
	const char *authority, *reference, *legal_basis, *customer;
	bool may_tell;
};

/* Renders the list of cases with the open-a-case form (form: its values and, in ctx, its
 * errors) with status. */
static int render_cases(struct request *req, struct response *res, struct tdict *ctx, int status,
                        long page, const struct case_form *form)
{
	struct legal_case *cases;
	size_t n;
	bool more;
	if (db_legal_case_list(req->db, req->arena, (int)page, CASES_PER_PAGE, &cases, &n, &more) <
	    0)
		return -1;
	struct tlist *l = tdict_list(ctx, "cases");
	for (size_t i = 0; i < n; i++)
		case_ctx(tlist_add(l), &cases[i]);
	tdict_set_bool(ctx, "none", n == 0);
	view_pager(ctx, page, more);
	struct tdict *f = tdict_dict(ctx, "form");
	tdict_set(f, "authority", form->authority);
	tdict_set(f, "reference", form->reference);
	tdict_set(f, "legal_basis", form->legal_basis);
	tdict_set(f, "customer", form->customer);
	tdict_set_bool(f, "may_tell", form->may_tell);
	tdict_setf(f, "max_authority", "%d", LEGAL_AUTHORITY_MAX);
	tdict_setf(f, "max_reference", "%d", LEGAL_REFERENCE_MAX);
	tdict_setf(f, "max_legal_basis", "%d", LEGAL_BASIS_MAX);
	tdict_setf(f, "max_customer", "%d", LEGAL_CUSTOMER_REF_MAX);
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	res->no_store = true;
	return view_render(req, res, status, "admin/disclosures", ctx);
}

int handle_staff_legal_cases(struct request *req, struct response *res)
{
	long page;
	if (!valid_page(http_query(req, "page"), &page)) {
		view_error(req, res, 400);
		return 0;
	}
	struct case_form empty = {"", "", "", "", false};
	return render_cases(req, res, view_ctx(req, "Legal cases"), 200, page, &empty);
}

static const char *posted(struct request *req, const char *key)
{
	const char *v = http_form(req, key);
	return v != NULL ? v : "";
}

/* A customer as the authority's request names them: a username, or '#' and their id. */
static bool valid_customer_ref(const char *s)
{
	long long id;
	if (s[0] == '#')
		return valid_id(s + 1, &id) && id <= 4294967295LL;
	return valid_username(s);
}

/* Checks the posted form, marking each bad field in ctx. Returns true when all pass. */
static bool case_form_ok(struct request *req, struct tdict *ctx, const struct case_form *f)
{
	bool ok = true;
	if (!valid_text(f->authority, LEGAL_AUTHORITY_MAX)) {
		view_field_error(req, ctx, "authority",
		                 "Name the authority that made the request (at most 200 "
		                 "characters).");
		ok = false;
	}
	if (!valid_text(f->reference, LEGAL_REFERENCE_MAX)) {
		view_field_error(req, ctx, "reference",
		                 "Enter the authority's reference for the request (at most 80 "
		                 "characters).");
		ok = false;
	}
	if (!valid_text(f->legal_basis, LEGAL_BASIS_MAX)) {
		view_field_error(req, ctx, "legal_basis",
		                 "Enter the legal basis the authority cites (at most 500 "
		                 "characters).");
		ok = false;
	}
	if (!valid_customer_ref(f->customer)) {
		view_field_error(req, ctx, "customer",
		                 "Enter the customer's username, or # and their customer number "
		                 "(#42), as the request names them.");
		ok = false;
	}
	return ok;
}

int handle_staff_legal_case_open(struct request *req, struct response *res)
{
	const char *tell = http_form(req, "may_tell");
	struct case_form f = {posted(req, "authority"), posted(req, "reference"),
	                      posted(req, "legal_basis"), posted(req, "customer"),
	                      tell != NULL && valid_checked(tell)};
	struct tdict *ctx = view_ctx(req, "Legal cases");
	bool ok = case_form_ok(req, ctx, &f);
	if (tell != NULL && *tell != '\0' && !valid_checked(tell)) {
		view_field_error(req, ctx, "may_tell", "Tick the box, or leave it empty.");
		ok = false;
	}
	if (!ok)
		return render_cases(req, res, ctx, 422, 1, &f);
	struct legal_case_request rq = {f.authority, f.reference, f.legal_basis, f.customer,
	                                f.may_tell};
	struct audit_event ev = {.action = AUDIT_CASE_OPEN};
	staff_audit_fill(req, &ev);
	long long id;
	int rc = db_legal_case_open(req->db, &rq, req->staff->staff_id, &ev, &id);
	if (rc < 0)
		return -1;
	if (rc == DB_NOT_FOUND) {
		/* One answer for an unknown id and an unknown username alike. */
		view_field_error(req, ctx, "customer", "No such customer.");
		return render_cases(req, res, ctx, 422, 1, &f);
	}
	if (rc == DB_UNCHANGED)
		return view_message(req, res, 409, "Case already recorded",
		                    "A case from this authority with this reference about this "
		                    "customer is already recorded (open or closed), so nothing was "
		                    "opened. It is in the list of cases.");
	http_redirect(res, arena_printf(req->arena, "/admin/disclosures/%lld", id));
	return 0;
}

/* Loads the case named by the route's {id} into *c. Returns 0, or 1 after answering 404, or
 * -1 on a database error. */
static int load_case(struct request *req, struct response *res, struct legal_case *c)
{
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 1;
	}
	int rc = db_legal_case_get(req->db, req->arena, id, c);
	if (rc == 1)
		view_error(req, res, 404);
	return rc;
}

/* Writes the audit row of showing fields of case c's customer (action) and nothing when no
 * field was shown. Returns 0 or -1. */
static int audit_case_data(struct request *req, const struct legal_case *c, const char *action,
                           unsigned fields)
{
	if (fields == 0)
		return 0;
	struct audit_event ev = {.action = action,
	                         .customer_id = c->customer_id,
	                         .fields = fields,
	                         .detail = arena_printf(req->arena, "case %lld", c->id)};
	return staff_audit(req, &ev, 1);
}

int handle_staff_legal_case(struct request *req, struct response *res)
{
	struct legal_case c;
	int rc = load_case(req, res, &c);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	struct tdict *ctx = view_ctx(req, "Legal case");
	case_ctx(tdict_dict(ctx, "case"), &c);
	tdict_set_ref(ctx, "csrf", req->staff->csrf);
	/* The legal role's views hold the customer only while a case about them is open: once
	 * this one is closed the page shows the case alone. */
	if (c.closed_at == NULL) {
		struct person_detail d;
		int found = db_people_get(req->db, req->arena, ROLE_LEGAL, c.customer_id, &d);
		if (found < 0)
			return -1;
		if (found == 0) {
			if (audit_case_data(req, &c, AUDIT_VIEW,
			                    privacy_full_mask(d.p.shows_full)) < 0)
				return -1;
			tdict_set_bool(ctx, "data", true);
			staff_customer_ctx(req, ctx, &d);
		}
	}
	res->no_store = true;
	return view_render(req, res, 200, "admin/disclosure", ctx);
}

/* One row of an export part as a JSON object: every column, integers as numbers, NULL as
 * null. */
static json_t *row_json(const struct legal_export_part *p, size_t r)
{
	json_t *o = json_object();
	for (size_t c = 0; c < p->ncols; c++) {
		const char *v = db_cell(&p->rows, r, c);
		json_t *j = v == NULL      ? json_null()
		            : p->is_int[c] ? json_integer(strtoll(v, NULL, 10))
		                           : json_string(v);
		json_object_set_new(o, p->columns[c], j);
	}
	return o;
}

static json_t *part_json(const struct legal_export_part *p)
{
	json_t *a = json_array();
	for (size_t r = 0; r < p->rows.nrows; r++)
		json_array_append_new(a, row_json(p, r));
	return a;
}

/* The rows of part p (whose first column is order_id) about order order_id, as an array. */
static json_t *order_part_json(const struct legal_export_part *p, long long order_id)
{
	json_t *a = json_array();
	for (size_t r = 0; r < p->rows.nrows; r++)
		if (db_cell_int(&p->rows, r, 0) == order_id)
			json_array_append_new(a, row_json(p, r));
	return a;
}

/* Each order with its lines, status history and payment (brand, last 4, expiry). */
static json_t *orders_json(const struct legal_export *x)
{
	const struct legal_export_part *orders = &x->part[LEGAL_PART_ORDERS];
	json_t *a = json_array();
	for (size_t r = 0; r < orders->rows.nrows; r++) {
		json_t *o = row_json(orders, r);
		long long id = db_cell_int(&orders->rows, r, 0);
		json_object_set_new(o, "lines",
		                    order_part_json(&x->part[LEGAL_PART_ORDER_LINES], id));
		json_object_set_new(o, "history",
		                    order_part_json(&x->part[LEGAL_PART_ORDER_HISTORY], id));
		json_t *pay = order_part_json(&x->part[LEGAL_PART_PAYMENTS], id);
		json_object_set(o, "payment",
		                json_array_size(pay) > 0 ? json_array_get(pay, 0) : json_null());
		json_decref(pay);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *case_json(const struct legal_case *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "authority", json_string(c->authority));
	json_object_set_new(o, "reference", json_string(c->reference));
	json_object_set_new(o, "legal_basis", json_string(c->legal_basis));
	json_object_set_new(o, "customer_may_be_told", json_boolean(c->may_tell));
	json_object_set_new(o, "opened_at", json_string(c->opened_at));
	json_object_set_new(o, "opened_by",
	                    c->opened_by != NULL ? json_string(c->opened_by) : json_null());
	return o;
}

/* The export document: the case, then every part about its customer. */
static json_t *export_json(const struct legal_case *c, const struct legal_export *x)
{
	json_t *root = json_object();
	json_object_set_new(root, "case", case_json(c));
	const struct legal_export_part *acct = &x->part[LEGAL_PART_ACCOUNT];
	json_object_set_new(root, "account", row_json(acct, 0));
	json_object_set_new(root, "addresses", part_json(&x->part[LEGAL_PART_ADDRESSES]));
	json_object_set_new(root, "orders", orders_json(x));
	json_object_set_new(root, "viewing_profile", part_json(&x->part[LEGAL_PART_PROFILE]));
	json_object_set_new(root, "interests", part_json(&x->part[LEGAL_PART_INTERESTS]));
	json_object_set_new(root, "disclosures", part_json(&x->part[LEGAL_PART_DISCLOSURES]));
	return root;
}

/* A closed case's customer is no longer the officer's to read: the same refusal for the page's
 * export link whether the case was closed before or during the request. */
static int refuse_closed(struct request *req, struct response *res)
{
	return view_message(req, res, 403, "Case closed",
	                    "This case is closed, so its customer's data is no longer available "
	                    "to you.");
}

int handle_staff_legal_case_export(struct request *req, struct response *res)
{
	struct legal_case c;
	int rc = load_case(req, res, &c);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (c.closed_at != NULL)
		return refuse_closed(req, res);
	struct legal_export x;
	rc = db_legal_export(req->db, req->arena, c.customer_id, &x);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return refuse_closed(req, res);
	/* Recorded before a byte is sent: an export that cannot be audited is not given. */
	if (audit_case_data(req, &c, AUDIT_CASE_EXPORT, x.fields) < 0)
		return -1;
	json_t *root = export_json(&c, &x);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	if (text == NULL)
		return -1;
	buf_reset(&res->body);
	buf_puts(&res->body, text);
	buf_puts(&res->body, "\n");
	free(text);
	res->status = 200;
	res->no_store = true;
	res->content_type = "application/json; charset=utf-8";
	http_header(
	    res, "Content-Disposition",
	    arena_printf(req->arena, "attachment; filename=\"legal-case-%lld.json\"", c.id));
	return 0;
}

int handle_staff_legal_case_close(struct request *req, struct response *res)
{
	long long id;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	struct audit_event ev = {.action = AUDIT_CASE_CLOSE};
	staff_audit_fill(req, &ev);
	int rc = db_legal_case_close(req->db, id, req->staff->staff_id, &ev);
	if (rc < 0)
		return -1;
	if (rc == DB_NOT_FOUND) {
		view_error(req, res, 404);
		return 0;
	}
	if (rc == DB_UNCHANGED)
		return view_message(req, res, 409, "Case already closed",
		                    "This case was closed already, so nothing was changed.");
	http_redirect(res, arena_printf(req->arena, "/admin/disclosures/%lld", id));
	return 0;
}
