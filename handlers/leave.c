/* leave.c — GET /leave?to=&sig=: the notice before following a link to another site. */
#include "routes.h"

#include "../app/arena.h"
#include "../app/leave.h"
#include "../app/view.h"

/*
 * Shows a link the shop signed (app/leave.c) with a word that the other site's privacy
 * practices are its own; the customer clicks it.  Never a redirect: a tampered, missing or
 * foreign signature, or an address that is not http(s), is 400 and shows no link.  A signed
 * one answers with the route "/leave/HOST" (the traffic log's page: the exit counts by host,
 * never the address's path or query).
 */
int handle_leave(struct request *req, struct response *res)
{
	const char *to = http_query(req, "to");
	if (!leave_verify(to, http_query(req, "sig"))) {
		view_error(req, res, 400);
		return 0;
	}
	const char *host = leave_host(req->arena, to);
	if (host != NULL)
		res->route = arena_printf(req->arena, LEAVE_ROUTE_PREFIX "%s", host);
	struct tdict *ctx = view_ctx(req, "You are leaving the shop");
	tdict_set_ref(ctx, "to", to);
	return view_render(req, res, 200, "leave", ctx);
}
