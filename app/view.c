/* view.c — renders a page template inside the site layout. */
#include "view.h"

#include <string.h>

#include "config.h"
#include "mail.h"
#include "session.h"
#include "staff_session.h"

/* The signed-in staff member and the pages of their role's menu: only those, so a page the
 * role may not open is never offered (it answers 403 anyway). */
static void staff_menu(struct tdict *ctx, const struct staff_session *s)
{
	struct tdict *me = tdict_dict(ctx, "staff_me");
	tdict_set_ref(me, "username", s->username);
	tdict_set_ref(me, "role", privacy_role_name(s->role));
	tdict_set_ref(me, "csrf", s->csrf);
	if (s->policy_pending > 0) {
		tdict_setf(ctx, "staff_policy_pending", "%lld", s->policy_pending);
		tdict_set_ref(ctx, "staff_policy_path", privacy_page(PAGE_ACKNOWLEDGE)->path);
	}
	struct tlist *menu = tdict_list(ctx, "menu");
	for (int p = 0; p < PAGE__MAX; p++)
		if (privacy_page_allowed((enum staff_page)p, s->role) && privacy_page(p)->label) {
			struct tdict *item = tlist_add(menu);
			tdict_set_ref(item, "path", privacy_page(p)->path);
			tdict_set_ref(item, "label", privacy_page(p)->label);
		}
}

void view_contact_ctx(struct tdict *ctx, const struct config *cfg)
{
	if (cfg->contact_email[0] == '\0' && cfg->contact_phone[0] == '\0' &&
	    cfg->contact_address[0] == '\0')
		return;
	struct tdict *c = tdict_dict(ctx, "contact");
	tdict_set_ref_if(c, "email", cfg->contact_email[0] ? cfg->contact_email : NULL);
	tdict_set_ref_if(c, "phone", cfg->contact_phone[0] ? cfg->contact_phone : NULL);
	/* A tel: link holds only the digits and a leading "+" (RFC 3966 global number). */
	char tel[sizeof(cfg->contact_phone)];
	size_t n = 0;
	for (const char *p = cfg->contact_phone; *p != '\0' && n + 1 < sizeof(tel); p++)
		if ((*p >= '0' && *p <= '9') || (*p == '+' && n == 0))
			tel[n++] = *p;
	tel[n] = '\0';
	if (n > 0)
		tdict_set(c, "tel", tel);
	tdict_set_ref_if(c, "address", cfg->contact_address[0] ? cfg->contact_address : NULL);
}

struct tdict *view_ctx(struct request *req, const char *title)
{
	struct tdict *ctx = tdict_new(req->arena);
	tdict_set_ref(ctx, "site_name", "idem ditto");
	tdict_set(ctx, "title", title);
	tdict_set_bool(ctx, "staff", req->pool != NULL && req->pool->kind == POOL_STAFF);
	if (req->cfg != NULL && (req->pool == NULL || req->pool->kind != POOL_STAFF))
		view_contact_ctx(ctx, req->cfg);
	if (req->session != NULL) {
		struct tdict *me = tdict_dict(ctx, "me");
		tdict_set_ref(me, "name", req->session->name ? req->session->name : "");
		tdict_set_ref(me, "csrf", req->session->csrf);
		if (req->session->cart_items > 0)
			tdict_setf(me, "cart_items", "%lld", req->session->cart_items);
		/* Recorded on the account, so every browser of theirs shows it until they decide.
		 */
		tdict_set_bool(ctx, "policy_unseen", req->session->policy_unseen);
	}
	if (req->staff != NULL)
		staff_menu(ctx, req->staff);
	return ctx;
}

int view_render_body(struct request *req, const char *name, const struct tdict *ctx,
                     struct buf *out)
{
	return tmpl_render(req->views, name, ctx, out);
}

int view_render_content(struct request *req, struct response *res, int status, const char *content,
                        struct tdict *ctx)
{
	/* The page body was escaped while rendering; the layout inserts it raw. */
	tdict_set_ref(ctx, "content", content);
	buf_reset(&res->body);
	if (tmpl_render(req->views, "layout", ctx, &res->body) < 0)
		return -1;
	res->status = status;
	return 0;
}

int view_render(struct request *req, struct response *res, int status, const char *name,
                struct tdict *ctx)
{
	struct buf page = {0};
	int rc = -1;
	if (tmpl_render(req->views, name, ctx, &page) == 0)
		rc = view_render_content(req, res, status, page.data ? page.data : "", ctx);
	buf_free(&page);
	return rc;
}

struct tdict *view_mail_ctx(struct request *req)
{
	struct tdict *ctx = tdict_new(req->arena);
	char url[CONFIG_STR];
	mail_shop_url(url, sizeof(url), req->cfg->base_url, ""); /* links append "/path" */
	tdict_set(ctx, "base_url", url);
	mail_contact_ctx(ctx, req->cfg);
	return ctx;
}

/* One line of the error summary; href "" (no link) for a problem of the whole form. Every key
 * is set on every item: a missing one would be looked up in the page. */
static void summary_add(struct tdict *ctx, const char *href, const char *msg)
{
	struct tdict *item = tlist_add(tdict_list(ctx, "errors"));
	tdict_set_ref(item, "text", msg);
	tdict_set_ref(item, "href", href);
	tdict_set_bool(ctx, "has_errors", true);
}

void view_field_error(struct request *req, struct tdict *ctx, const char *field, const char *msg)
{
	tdict_set_ref(ctx, arena_printf(req->arena, "err_%s", field), msg);
	summary_add(ctx, arena_printf(req->arena, "#%s", field), msg);
}

void view_field_error_at(struct request *req, struct tdict *ctx, const char *field, const char *id,
                         const char *msg)
{
	tdict_set_ref(ctx, arena_printf(req->arena, "err_%s", field), msg);
	summary_add(ctx, arena_printf(req->arena, "#%s", id), msg);
}

void view_form_error(struct request *req, struct tdict *ctx, const char *msg)
{
	(void)req;
	summary_add(ctx, "", msg);
}

void view_pager(struct tdict *ctx, long page, bool more)
{
	tdict_setf(ctx, "page", "%ld", page);
	if (page > 1)
		tdict_setf(ctx, "prev_page", "%ld", page - 1);
	if (more)
		tdict_setf(ctx, "next_page", "%ld", page + 1);
}

int view_message(struct request *req, struct response *res, int status, const char *title,
                 const char *message)
{
	struct tdict *ctx = view_ctx(req, title);
	tdict_set_ref(ctx, "message", message);
	return view_render(req, res, status, "message", ctx);
}

void view_error(struct request *req, struct response *res, int status)
{
	res->status = status;
	res->no_store = true;
	buf_reset(&res->body);
	if (req->views != NULL) {
		struct tdict *ctx = view_ctx(req, http_reason(status));
		tdict_setf(ctx, "status", "%d", status);
		tdict_set_ref(ctx, "message", http_error_message(status));
		if (view_render(req, res, status, "error", ctx) == 0)
			return;
	}
	/* No templates (or they failed): a plain page that still leaks nothing. */
	res->content_type = "text/plain; charset=utf-8";
	buf_reset(&res->body);
	buf_printf(&res->body, "%d %s\n%s\n", status, http_reason(status),
	           http_error_message(status));
	res->status = status;
}
