/* health.c — GET /healthz: 200 when this worker reaches the database, else 503. */
#include "routes.h"

#include "../app/db/db.h"

int handle_healthz(struct request *req, struct response *res)
{
	res->content_type = "text/plain; charset=utf-8";
	if (db_ping(req->db) < 0) {
		res->status = 503;
		buf_puts(&res->body, "database unavailable\n");
		return 0;
	}
	res->status = 200;
	buf_puts(&res->body, "ok\n");
	return 0;
}
