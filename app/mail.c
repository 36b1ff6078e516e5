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

/* Where the next http or https address starts in line[i..n), or n. */
static size_t next_link(const char *line, size_t i, size_t n)
{
	for (; i < n; i++)
		if ((n - i >= 8 && strncmp(line + i, "https://", 8) == 0) ||
		    (n - i >= 7 && strncmp(line + i, "http://", 7) == 0))
			return i;
	return n;
}

/* Appends to segs the pieces of one line (n bytes): plain text, and http(s) addresses up to
 * the next space or angle bracket (less a closing full stop or comma), which become links. */
static void line_segments(struct tlist *segs, struct arena *a, const char *line, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t u = next_link(line, i, n);
		if (u > i)
			tdict_set(tlist_add(segs), "text",
			          arena_printf(a, "%.*s", (int)(u - i), line + i));
		if (u == n)
			break;
		size_t e = u;
		while (e < n && line[e] != ' ' && line[e] != '\t' && line[e] != '<' &&
		       line[e] != '>')
			e++;
		while (e > u && strchr(".,;:!?)", line[e - 1]) != NULL)
			e--;
		tdict_set(tlist_add(segs), "link", arena_printf(a, "%.*s", (int)(e - u), line + u));
		i = e;
	}
}

int mail_delivery_parts(const struct tmpl_set *views, const struct config *cfg, const char *subject,
                        const char *body, size_t len, struct buf *text, struct buf *html)
{
	struct arena *a = arena_new();
	struct tdict *ctx = tdict_new(a);
	char url[CONFIG_STR];
	mail_shop_url(url, sizeof(url), cfg->base_url, "");
	tdict_set(ctx, "base_url", url);
	tdict_set(ctx, "subject", subject);
	mail_contact_ctx(ctx, cfg);

	struct buf footer = {0};
	int rc = tmpl_render(views, "mail/_footer", ctx, &footer);
	if (rc == 0) {
		buf_append(text, body, len);
		if (len > 0 && body[len - 1] != '\n')
			buf_puts(text, "\n");
		buf_puts(text, "\n-- \n");
		buf_append(text, footer.data ? footer.data : "", footer.len);
	}
	/* Paragraphs at empty lines; within one, each line with its links. */
	struct tlist *paras = tdict_list(ctx, "paras");
	struct tlist *lines = NULL;
	for (size_t i = 0; rc == 0 && i < len;) {
		size_t e = i;
		while (e < len && body[e] != '\n')
			e++;
		size_t n = e - i;
		if (n > 0 && body[i + n - 1] == '\r')
			n--;
		if (n == 0) {
			lines = NULL;
		} else {
			if (lines == NULL)
				lines = tdict_list(tlist_add(paras), "lines");
			struct tdict *l = tlist_add(lines);
			line_segments(tdict_list(l, "segs"), a, body + i, n);
		}
		i = e + 1;
	}
	if (rc == 0)
		rc = tmpl_render(views, "mail_html", ctx, html);
	if (rc < 0)
		log_error("mail templates mail/_footer and mail_html are needed to deliver mail");
	if (footer.data != NULL)
		sodium_memzero(footer.data, footer.cap);
	buf_free(&footer);
	/* The body's pieces were copied into the arena: a personal message, so wiped. */
	arena_wipe(a);
	arena_free(a);
	return rc;
}
