/* view.c — renders a page template inside the site layout. */
#include "view.h"

#include "config.h"

struct tdict *view_ctx(struct request *req, const char *title)
{
	struct tdict *ctx = tdict_new(req->arena);
	tdict_set_ref(ctx, "site_name", "idem ditto");
	tdict_set(ctx, "title", title);
	tdict_set_bool(ctx, "staff", req->pool != NULL && req->pool->name[0] == 's');
	return ctx;
}

int view_render(struct request *req, struct response *res, int status, const char *name,
                struct tdict *ctx)
{
	struct buf page = {0};
	int rc = -1;
	if (tmpl_render(req->views, name, ctx, &page) < 0)
		goto out;
	/* The page body was escaped while rendering; the layout inserts it raw. */
	tdict_set_ref(ctx, "content", page.data ? page.data : "");
	buf_reset(&res->body);
	if (tmpl_render(req->views, "layout", ctx, &res->body) < 0)
		goto out;
	res->status = status;
	rc = 0;
out:
	buf_free(&page);
	return rc;
}
