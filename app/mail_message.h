/* mail_message.h — one outbox row as a well-formed RFC 5322 / MIME message, and the checks that
 * keep a bad row from becoming a bad (or injected) message. */
#ifndef DITTO_MAIL_MESSAGE_H
#define DITTO_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

/* What a message is made of; every string is NUL-terminated and never NULL unless said. */
struct mail_message {
	long long id;   /* outbox.id: with created, the stable Message-ID */
	time_t created; /* when it was queued (the Date header), UTC */
	const char
	    *from; /* the From header's value (config mail_from), e.g. "Shop <a@b.example>" */
	const char *recipient;
	const char *subject; /* UTF-8; RFC 2047-encoded when not ASCII */
	const char *body;    /* UTF-8 text, LF or CRLF line breaks */
	size_t body_len;
	const char *list_unsubscribe; /* NULL, or the one-click unsubscribe URL (RFC 8058) */
	const char *html;             /* NULL, or the same message as an HTML document (UTF-8) */
	size_t html_len;
};

/*
 * Formats m into b (appended) as a message with CRLF line breaks: From,
 * To, Subject, Date, Message-ID, MIME-Version, Content-Type text/plain in
 * UTF-8, Content-Transfer-Encoding 8bit (quoted-printable when a body line
 * is longer than RFC 5322's 998 octets), List-Unsubscribe and
 * List-Unsubscribe-Post when m has a link, an empty line, the body.
 * With m->html, the body is multipart/alternative instead (RFC 2046 5.1.4):
 * the text part as above, then the HTML part (text/html in UTF-8, always
 * quoted-printable), under the boundary "=_ditto_<id>", which can occur in
 * no quoted-printable text ("=" is always encoded there); should the text
 * part hold it, that part is quoted-printable too.
 * Returns NULL, or why the message cannot be sent: a short reason that
 * quotes none of its content (outbox.last_error), and b may then hold a
 * partial message.  Such a message will never be sendable: give it up.
 */
const char *mail_message_format(const struct mail_message *m, struct buf *b);

/*
 * The Message-ID's domain: the domain of the address in from ("a <x@d>" or
 * "x@d"), or "localhost" when it has none.  Copied into out (cut as
 * snprintf does).
 */
void mail_message_domain(const char *from, char *out, size_t cap);

/*
 * Rewrites a formatted message's CRLF line breaks as LF in place: sendmail
 * and its look-alikes read a message in the local convention and put CRLF
 * on the wire themselves.
 */
void mail_message_to_lf(struct buf *b);

/* True when s (len bytes) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool mail_utf8_ok(const unsigned char *s, size_t len);

#endif
