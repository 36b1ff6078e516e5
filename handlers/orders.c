/* orders.c — GET /orders and GET /orders/{id}: the customer's own orders and their history. */
#include "routes.h"

#include "../app/db/shop.h"
#include "../app/session.h"
#include "../app/validate.h"
#include "../app/view.h"

int handle_orders(struct request *req, struct response *res)
{
	struct order_summary *o;
	size_t n;
	if (db_order_list(req->db, req->arena, req->session->customer_id, &o, &n) < 0)
		return -1;
	struct tdict *ctx = view_ctx(req, "Your orders");
	struct tlist *l = tdict_list(ctx, "orders");
	for (size_t i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);
		tdict_setf(d, "id", "%lld", o[i].id);
		tdict_set_ref(d, "status", o[i].status);
		tdict_set_ref(d, "created_at", o[i].created_at);
		tdict_set_ref(d, "total", format_price(req->arena, o[i].total_cents));
		tdict_setf(d, "items", "%lld", o[i].items);
	}
	return view_render(req, res, 200, "orders", ctx);
}

int handle_order(struct request *req, struct response *res)
{
	long long id;
	struct order_detail o;
	struct order_line *lines;
	struct order_event *events;
	size_t nlines, nevents;
	if (!valid_id(http_param(req, 0), &id)) {
		view_error(req, res, 404);
		return 0;
	}
	/* Another customer's order is simply not found: its existence is not ours to tell. */
	int found = db_order_get(req->db, req->arena, req->session->customer_id, id, &o, &lines,
	                         &nlines, &events, &nevents);
	if (found < 0)
		return -1;
	if (found == 1) {
		view_error(req, res, 404);
		return 0;
	}
	struct tdict *ctx = view_ctx(req, arena_printf(req->arena, "Order %lld", o.id));
	struct tdict *d = tdict_dict(ctx, "order");
	tdict_setf(d, "id", "%lld", o.id);
	tdict_set_ref(d, "status", o.status);
	tdict_set_ref(d, "created_at", o.created_at);
	tdict_set_ref(d, "total", format_price(req->arena, o.total_cents));
	tdict_set_ref(d, "contact_name", o.contact_name);
	tdict_set_ref(d, "contact_email", o.contact_email);
	if (o.tracking_number != NULL)
		tdict_set_ref(d, "tracking_number", o.tracking_number);
	tdict_set_bool(d, "card", o.brand != NULL);
	if (o.brand != NULL) {
		tdict_set_ref(d, "brand", o.brand);
		tdict_set_ref(d, "last4", o.last4);
	}
	struct tdict *b = tdict_dict(d, "billing"), *s = tdict_dict(d, "shipping");
	for (int i = 0; i < ADDRESS__MAX; i++) {
		tdict_set_ref(b, ADDRESS_FIELDS[i].name, o.billing[i]);
		tdict_set_ref(s, ADDRESS_FIELDS[i].name, o.shipping[i]);
	}
	struct tlist *ll = tdict_list(d, "lines");
	for (size_t i = 0; i < nlines; i++) {
		struct tdict *x = tlist_add(ll);
		tdict_set_ref(x, "sku", lines[i].sku);
		tdict_set_ref(x, "name", lines[i].name);
		tdict_setf(x, "quantity", "%lld", lines[i].quantity);
		tdict_set_ref(x, "price", format_price(req->arena, lines[i].unit_price_cents));
		tdict_set_ref(
		    x, "subtotal",
		    format_price(req->arena, lines[i].unit_price_cents * lines[i].quantity));
	}
	struct tlist *el = tdict_list(d, "events");
	for (size_t i = 0; i < nevents; i++) {
		struct tdict *x = tlist_add(el);
		tdict_set_ref(x, "status", events[i].status);
		tdict_set_ref(x, "at", events[i].changed_at);
		if (events[i].customer_note != NULL)
			tdict_set_ref(x, "note", events[i].customer_note);
	}
	tdict_set_bool(ctx, "placed", http_query(req, "placed") != NULL);
	return view_render(req, res, 200, "order", ctx);
}
