/* mail.h — every message to a person is a template under views/mail/, queued in the outbox. */
#ifndef DITTO_MAIL_H
#define DITTO_MAIL_H

struct db;
struct tdict;
struct tmpl_set;

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

#endif
