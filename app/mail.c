/* mail.c — renders a mail template and queues the message in the outbox. */
#include "mail.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "db/customers.h"
#include "db/outbox.h"
#include "log.h"
#include "template.h"

void mail_shop_url(char *buf, size_t cap, const char *base_url, const char *path)
{
	size_t n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	snprintf(buf, cap, "%.*s%s", (int)n, base_url, path);
}

void mail_contact_ctx(struct tdict *ctx, const struct config *cfg)
{
	if (cfg->contact_email[0] != '\0')
		tdict_set(ctx, "contact_email", cfg->contact_email);
	if (cfg->contact_phone[0] != '\0')
		tdict_set(ctx, "contact_phone", cfg->contact_phone);
	if (cfg->contact_address[0] != '\0')
		tdict_set(ctx, "contact_address", cfg->contact_address);
}

int mail_render(const struct tmpl_set *views, const char *kind, const struct tdict *ctx,
                struct mail_text *m)
{
	char name[128];
	snprintf(name, sizeof(name), "mail/%s", kind);
	if (tmpl_render(views, name, ctx, &m->text) < 0 || m->text.data == NULL) {
		log_error("mail template %s is missing", name);
		return -1;
	}
	/* "Subject: ...\n\n<body>": the subject is one line, so no value can add a header. */
	char *subject = m->text.data, *eol = strchr(m->text.data, '\n');
	if (strncmp(subject, "Subject: ", 9) != 0 || eol == NULL || eol[1] != '\n') {
		log_error("mail template %s must start with \"Subject: \" and an empty line", name);
		return -1;
	}
	*eol = '\0';
	subject += 9;
	if (strchr(subject, '\r') != NULL) {
		log_error("mail template %s: the subject holds a line break", name);
		return -1;
	}
	m->subject = subject;
	m->body = eol + 2;
	return 0;
}

/* The rendered text may hold a one-time link or a personal message: wiped, then freed. */
void mail_text_free(struct mail_text *m)
{
	if (m->text.data != NULL)
		sodium_memzero(m->text.data, m->text.cap);
	buf_free(&m->text);
}

int mail_queue(struct db *db, const struct tmpl_set *views, long long customer_id, const char *kind,
               const char *recipient, const struct tdict *ctx)
{
	struct mail_text m = {0};
	int rc = -1;
	if (mail_render(views, kind, ctx, &m) == 0)
		rc = db_outbox_insert(db, customer_id, kind, recipient, m.subject, m.body);
	mail_text_free(&m);
	return rc;
}

int mail_queue_order(struct db *db, const struct tmpl_set *views, long long customer_id,
                     long long order_id, const char *kind, const struct tdict *ctx,
                     const char *dedupe_key)
{
	struct mail_text m = {0};
	int rc = -1;
	if (mail_render(views, kind, ctx, &m) == 0)
		rc = db_outbox_insert_order(db, customer_id, order_id, kind, m.subject, m.body,
		                            dedupe_key);
	mail_text_free(&m);
	return rc;
}

int mail_queue_marketing(struct db *db, const struct tmpl_set *views, long long customer_id,
                         const char *kind, const char *recipient, const struct tdict *ctx,
                         const char *list_unsubscribe, const char *dedupe_key)
{
	struct mail_text m = {0};
	int rc = -1;
	if (mail_render(views, kind, ctx, &m) == 0)
		rc = db_outbox_insert_marketing(db, customer_id, kind, recipient, m.subject, m.body,
		                                list_unsubscribe, dedupe_key);
	mail_text_free(&m);
	return rc;
}
