/* view.h — renders a page template inside the site layout. */
#ifndef DITTO_VIEW_H
#define DITTO_VIEW_H

#include "http.h"
#include "template.h"

/*
 * Returns a fresh render context with what every page needs (site name,
 * the page title).  Allocated in the request arena.
 */
struct tdict *view_ctx(struct request *req, const char *title);

/*
 * Renders views/<name>.html with ctx as the body of views/layout.html into
 * res->body and sets res->status to status.  Returns 0, or -1 when a
 * template is missing (the caller answers 500).
 */
int view_render(struct request *req, struct response *res, int status, const char *name,
                struct tdict *ctx);
/* Renders views/<name>.html with ctx into out (appended), without the layout: a page body a
 * handler keeps (the catalogue's, catalog_cache.h). Returns 0 or -1. */
int view_render_body(struct request *req, const char *name, const struct tdict *ctx,
                     struct buf *out);
/* Like view_render, with the page body already rendered (content, escaped HTML). */
int view_render_content(struct request *req, struct response *res, int status, const char *content,
                        struct tdict *ctx);

/* Sets "contact" in ctx to the shop's contact details from cfg (email, phone, address; each
 * only when configured; nothing when none is): the footer of every shop page, /contact and
 * /privacy show them. */
struct config;
void view_contact_ctx(struct tdict *ctx, const struct config *cfg);

/* Returns a fresh context for a mail template (views/mail/), with base_url (the shop's public
 * URL, for links) and the shop's contact details (mail_contact_ctx) already set. Allocated in
 * the request arena. */
struct tdict *view_mail_ctx(struct request *req);

/*
 * Marks field as invalid with a message specific to the field and the problem ("Enter your card
 * number"): sets err_<field> (shown beside the field, which points at it with
 * aria-describedby="<field>-error") and has_errors (the layout's title then starts "Error: "),
 * and appends {text, href "#<field>"} to the list "errors" that the error summary at the top of
 * the page (views/error_summary.html, from the layout) links from. field is the form key and the
 * element id of the input the link must reach.
 */
void view_field_error(struct request *req, struct tdict *ctx, const char *field, const char *msg);
/* Like view_field_error, for a field whose element id is not its form key (a form repeated on
 * one page, "deny-reason-42"): the summary links to "#<id>". */
void view_field_error_at(struct request *req, struct tdict *ctx, const char *field, const char *id,
                         const char *msg);
/* A problem with the whole form rather than one field (a refused sign-in, a declined card): in
 * the error summary only, as what happened and what to do next, without a link. Sets
 * has_errors. */
void view_form_error(struct request *req, struct tdict *ctx, const char *msg);

/*
 * Renders the error page for status (400, 403, 404, 405, 413, 500, 503)
 * inside the layout, or a plain-text page when the templates cannot be
 * rendered; never cacheable, and it says nothing about the cause.
 */
void view_error(struct request *req, struct response *res, int status);

/* Sets a paged list's "page", and "prev_page" / "next_page" when there is one (more: a page
 * follows this one). */
void view_pager(struct tdict *ctx, long page, bool more);

/* Renders the generic message page (title, one paragraph) with status. */
int view_message(struct request *req, struct response *res, int status, const char *title,
                 const char *message);

#endif
