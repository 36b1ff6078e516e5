/* notify.c — renders and queues the order and account messages (views/mail/). */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "mail.h"
#include "template.h"

int notify_order_status(struct db *db, const struct tmpl_set *views, const char *base_url,
                        long long order_id, enum order_status status,
                        const struct order_contact *contact, const char *tracking, bool *queued)
{
	if (queued != NULL)
		*queued = false;
	if (!order_status_tells_customer(status) || contact->email == NULL ||
	    contact->email[0] == '\0')
		return 0;
	struct arena *a = arena_new();
	char kind[32];
	struct tdict *ctx = tdict_new(a);
	tdict_set(ctx, "name", contact->name);
	tdict_setf(ctx, "order_id", "%lld", order_id);
	char path[32], url[1024];
	snprintf(path, sizeof(path), "/orders/%lld", order_id);
	mail_shop_url(url, sizeof(url), base_url, path);
	tdict_set(ctx, "url", url);
	tdict_set(ctx, "tracking", tracking);
	snprintf(kind, sizeof(kind), "order_%s", order_status_name(status));
	int rc = mail_queue(db, views, contact->customer_id, kind, contact->email, ctx);
	if (rc == 0 && queued != NULL)
		*queued = true;
	arena_wipe(a);
	arena_free(a);
	return rc;
}

int notify_order_at_delivery(struct db *db, const struct tmpl_set *views, const char *base_url,
                             long long order_id, const char *kind,
                             const struct order_contact *contact, struct tdict *ctx,
                             const char *dedupe_key, bool *queued)
{
	if (queued != NULL)
		*queued = false;
	if (contact->name == NULL)
		return 0;
	struct arena *a = arena_new();
	if (ctx == NULL)
		ctx = tdict_new(a);
	tdict_set(ctx, "name", contact->name);
	tdict_setf(ctx, "order_id", "%lld", order_id);
	char path[32], url[1024];
	snprintf(path, sizeof(path), "/orders/%lld", order_id);
	mail_shop_url(url, sizeof(url), base_url, path);
	tdict_set(ctx, "url", url);
	int rc = mail_queue_order(db, views, contact->customer_id, order_id, kind, ctx, dedupe_key);
	if (rc == 0 && queued != NULL)
		*queued = true;
	arena_wipe(a);
	arena_free(a);
	return rc;
}

int notify_customer_status(struct db *db, const struct tmpl_set *views, const char *base_url,
                           long long customer_id, const char *email, enum customer_status status,
                           const char *reason, const char **kind)
{
	const char *k = status == CUSTOMER_APPROVED    ? "access_approved"
	                : status == CUSTOMER_DENIED    ? "access_denied"
	                : status == CUSTOMER_CANCELLED ? "access_cancelled"
	                                               : NULL;
	if (kind != NULL)
		*kind = NULL;
	if (k == NULL)
		return 0;
	struct arena *a = arena_new();
	struct tdict *ctx = tdict_new(a);
	char url[1024];
	mail_shop_url(url, sizeof(url), base_url, "/login");
	tdict_set(ctx, "login_url", url);
	if (reason != NULL && *reason != '\0')
		tdict_set(ctx, "reason", reason);
	int rc = mail_queue(db, views, customer_id, k, email ? email : "", ctx);
	if (rc == 0 && kind != NULL)
		*kind = k;
	arena_free(a);
	return rc;
}

int notify_customer_contact(struct db *db, const struct tmpl_set *views, long long customer_id,
                            const char *email, const char *message)
{
	struct arena *a = arena_new();
	struct tdict *ctx = tdict_new(a);
	tdict_set(ctx, "message", message);
	int rc = mail_queue(db, views, customer_id, "access_contact", email, ctx);
	arena_wipe(a);
	arena_free(a);
	return rc;
}
