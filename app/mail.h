/* mail.h — every message to a person is a template under views/mail/, queued in the outbox. */
#ifndef DITTO_MAIL_H
#define DITTO_MAIL_H

#include <stddef.h>

#include "arena.h"

struct db;
struct tdict;
struct tmpl_set;

/* Writes base_url (the shop's public URL) without its trailing slashes, then path ("" or
 * "/..."), into buf: a link for a mail.  Cut as snprintf does. */
void mail_shop_url(char *buf, size_t cap, const char *base_url, const char *path);

struct config;
/* Sets contact_email, contact_phone and contact_address in ctx from cfg (only those configured),
 * for a mail that tells the reader how to reach the shop. */
void mail_contact_ctx(struct tdict *ctx, const struct config *cfg);

/* One rendered mail: the template's text with its subject line split off (both point into
 * text). */
struct mail_text {
	struct buf text;
	const char *subject, *body;
};

/*
 * Renders views/mail/<kind>.txt with ctx into m, for a message queued by
 * other means than mail_queue (the same text for many customers).  Returns
 * 0, or -1 (logged) when the template is missing or malformed; release m
 * with mail_text_free either way.
 */
int mail_render(const struct tmpl_set *views, const char *kind, const struct tdict *ctx,
                struct mail_text *m);
/* Wipes and frees m's text (it may hold a one-time link or a personal message). */
void mail_text_free(struct mail_text *m);

/*
 * The two parts `dittoctl mail send` delivers for a queued message (subject, body of len
 * bytes), appended to text and html:
 *  - text: the body as queued, then "-- " and the shop's footer, views/mail/_footer.txt
 *    rendered with cfg's contact details and base_url: every mail says how to reach the shop;
 *  - html: the same message as an HTML document, views/mail_html.html, a page template, so
 *    every value is escaped as on the site: the body's paragraphs (split at empty lines, line
 *    breaks kept), its http and https addresses as links, and the footer.
 * Returns 0, or -1 (logged) when a template is missing.
 */
int mail_delivery_parts(const struct tmpl_set *views, const struct config *cfg, const char *subject,
                        const char *body, size_t len, struct buf *text, struct buf *html);

/*
 * Renders the plain-text template "mail/<kind>" (views/mail/<kind>.txt) of
 * views with ctx and queues it in the outbox for recipient, as part of the
 * caller's transaction if one is open.  The template's first line is
 * "Subject: <subject>", then one empty line, then the body.  customer_id 0
 * means the message concerns no account.  The rendered text is wiped after
 * use (it may hold a one-time link).  Returns 0, or -1 when the template is
 * missing or malformed (logged) or the insert failed (db_errno tells).
 */
int mail_queue(struct db *db, const struct tmpl_set *views, long long customer_id, const char *kind,
               const char *recipient, const struct tdict *ctx);

/*
 * Like mail_queue, for a message about order_id that carries no recipient:
 * `dittoctl mail send` addresses it to the order's contact email at
 * delivery (db_outbox_insert_order), so a role that may not read the
 * address can still tell the customer.  dedupe_key (or NULL): a message
 * queued with the same key already is not queued again.  Returns 0, 1 when
 * the key was used already, or -1 as mail_queue.
 */
int mail_queue_order(struct db *db, const struct tmpl_set *views, long long customer_id,
                     long long order_id, const char *kind, const struct tdict *ctx,
                     const char *dedupe_key);

/*
 * Like mail_queue, for a marketing message: list_unsubscribe is its
 * one-click unsubscribe link, sent as the List-Unsubscribe header at
 * delivery.  dedupe_key (or NULL): a message queued with the same key
 * already is not queued again.  Returns 0, 1 when the key was used
 * already, or -1 as mail_queue.
 */
int mail_queue_marketing(struct db *db, const struct tmpl_set *views, long long customer_id,
                         const char *kind, const char *recipient, const struct tdict *ctx,
                         const char *list_unsubscribe, const char *dedupe_key);

#endif
