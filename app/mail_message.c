/* mail_message.c — formats an outbox row as an RFC 5322 / MIME message: plain text, or plain
 * text and HTML as multipart/alternative. */
#include "mail_message.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "validate.h"

#define MAIL_LINE_MAX 998 /* RFC 5322 2.1.1: octets per line, CRLF excluded */

bool mail_utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false; /* truncated sequence */
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* True when s holds a control character (a line break would start a new header). */
static bool has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * Appends the Subject header's value: as is when it is printable ASCII,
 * else as RFC 2047 "B" encoded-words of at most 75 characters, split only
 * between UTF-8 characters and folded onto continuation lines.
 */
static void put_subject(struct buf *b, const char *s)
{
	size_t len = strlen(s);
	bool ascii = true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = false;
	if (ascii) {
		buf_append(b, s, len);
		return;
	}
	/* RFC 2047 2: a line holding an encoded-word is at most 76 characters.  A continuation
	 * line (" " + "=?UTF-8?B?" + "?=" = 13) leaves 63, i.e. 60 base64 characters: 45 bytes
	 * of text; the first ("Subject: " = 9 more) 52 characters: 39 bytes. */
	enum { CHUNK = 45, FIRST = 39 };
	for (size_t i = 0; i < len;) {
		size_t max = i == 0 ? FIRST : CHUNK;
		size_t n = len - i < max ? len - i : max;
		while (i + n < len && ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--; /* do not split a character */
		char enc[sodium_base64_ENCODED_LEN(CHUNK, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)s + i, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", i > 0 ? "\r\n " : "", enc);
		i += n;
	}
}

/* Appends body as quoted-printable (RFC 2045 6.7) with CRLF line breaks. */
static void put_quoted_printable(struct buf *b, const char *body, size_t len)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];
		if (c == '\r' && i + 1 < len && body[i + 1] == '\n')
			continue; /* the \n ends the line */
		if (c == '\n') {
			buf_append(b, "\r\n", 2);
			col = 0;
			continue;
		}
		bool at_eol = i + 1 == len || body[i + 1] == '\n' || body[i + 1] == '\r';
		bool literal =
		    (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol);
		size_t w = literal ? 1 : 3;
		if (col + w > 75) {
			buf_append(b, "=\r\n", 3); /* soft line break */
			col = 0;
		}
		if (literal)
			buf_append(b, (const char *)&c, 1);
		else
			buf_printf(b, "=%02X", c);
		col += w;
	}
	if (len == 0 || body[len - 1] != '\n')
		buf_append(b, "\r\n", 2);
}

/* Appends body as 8bit text: every line break becomes CRLF and the body ends with one. */
static void put_8bit(struct buf *b, const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = body[i];
		if (c == '\r') {
			if (i + 1 < len && body[i + 1] == '\n')
				i++;
			buf_append(b, "\r\n", 2);
		} else if (c == '\n') {
			buf_append(b, "\r\n", 2);
		} else {
			buf_append(b, &c, 1);
		}
	}
	if (b->len < 2 || memcmp(b->data + b->len - 2, "\r\n", 2) != 0)
		buf_append(b, "\r\n", 2);
}

/* True when any line of body is longer than RFC 5322 allows. */
static bool has_long_line(const char *body, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		if (body[i] == '\n' || body[i] == '\r')
			run = 0;
		else if (++run > MAIL_LINE_MAX)
			return true;
	}
	return false;
}

/* True when url may stand in a List-Unsubscribe header: an https or http URL of printable
 * ASCII without spaces or angle brackets, so it can neither break nor end the header. */
static bool unsubscribe_url_ok(const char *url)
{
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		return false;
	if (strlen(url) > 500)
		return false;
	for (const char *p = url; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' || *p == ',')
			return false;
	return true;
}

/* True when s (len bytes) holds needle. */
static bool contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(s + i, needle, n) == 0)
			return true;
	return false;
}

/* Appends the plain-text part's headers, an empty line and body (8bit, or quoted-printable). */
static void put_text_part(struct buf *b, const char *body, size_t len, bool qp)
{
	buf_puts(b, "Content-Type: text/plain; charset=utf-8\r\n");
	buf_printf(b, "Content-Transfer-Encoding: %s\r\n\r\n", qp ? "quoted-printable" : "8bit");
	if (qp)
		put_quoted_printable(b, body, len);
	else
		put_8bit(b, body, len);
}

void mail_message_domain(const char *from, char *out, size_t cap)
{
	const char *at = strrchr(from, '@');
	if (at == NULL || at[1] == '\0' || at[1] == '>') {
		snprintf(out, cap, "localhost");
		return;
	}
	snprintf(out, cap, "%.*s", (int)strcspn(at + 1, ">"), at + 1);
}

/* Why m's parts cannot make a message, or NULL when they can. */
static const char *refusal(const struct mail_message *m)
{
	if (m->recipient == NULL || m->recipient[0] == '\0')
		return "no recipient (the account or order was erased)";
	if (!valid_email(m->recipient))
		return "recipient is not a valid address";
	if (has_control(m->from) || strchr(m->from, '@') == NULL)
		return "mail_from is not an address";
	size_t slen = strlen(m->subject);
	if (has_control(m->subject))
		return "subject contains a control character";
	if (!mail_utf8_ok((const unsigned char *)m->subject, slen))
		return "subject is not valid UTF-8";
	if (memchr(m->body, '\0', m->body_len) != NULL)
		return "body contains a NUL byte";
	if (!mail_utf8_ok((const unsigned char *)m->body, m->body_len))
		return "body is not valid UTF-8";
	if (m->list_unsubscribe != NULL && !unsubscribe_url_ok(m->list_unsubscribe))
		return "unsubscribe link is not a plain URL";
	if (m->html != NULL && memchr(m->html, '\0', m->html_len) != NULL)
		return "HTML part contains a NUL byte";
	if (m->html != NULL && !mail_utf8_ok((const unsigned char *)m->html, m->html_len))
		return "HTML part is not valid UTF-8";
	return NULL;
}

const char *mail_message_format(const struct mail_message *m, struct buf *b)
{
	const char *bad = refusal(m);
	if (bad != NULL)
		return bad;

	char date[64], domain[256];
	struct tm tm;
	gmtime_r(&m->created, &tm);
	/* The C locale (dittoctl never calls setlocale) gives English day and month names. */
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	mail_message_domain(m->from, domain, sizeof(domain));
	bool qp = has_long_line(m->body, m->body_len);

	buf_printf(b, "From: %s\r\n", m->from);
	buf_printf(b, "To: %s\r\n", m->recipient);
	buf_puts(b, "Subject: ");
	put_subject(b, m->subject);
	buf_puts(b, "\r\n");
	buf_printf(b, "Date: %s\r\n", date);
	/* Stable per message: a delivery repeated after a crash is recognisably the same one. */
	buf_printf(b, "Message-ID: <outbox.%lld.%lld@%s>\r\n", m->id, (long long)m->created,
	           domain);
	if (m->list_unsubscribe != NULL) {
		/* RFC 8058: a mail client may unsubscribe with one POST, no page to fill in. */
		buf_printf(b, "List-Unsubscribe: <%s>\r\n", m->list_unsubscribe);
		buf_puts(b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	buf_puts(b, "MIME-Version: 1.0\r\n");
	if (m->html == NULL) {
		put_text_part(b, m->body, m->body_len, qp);
		return NULL;
	}
	char boundary[64];
	snprintf(boundary, sizeof(boundary), "=_ditto_%lld", m->id);
	/* Only 8bit text can hold the boundary; quoted-printable encodes every "=". */
	if (!qp && contains(m->body, m->body_len, boundary))
		qp = true;
	buf_printf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
	buf_printf(b, "--%s\r\n", boundary);
	put_text_part(b, m->body, m->body_len, qp);
	/* The line break before a delimiter belongs to it (RFC 2046 5.1.1): one more keeps the
	 * part's own last line break. */
	buf_printf(b, "\r\n--%s\r\n", boundary);
	buf_puts(b, "Content-Type: text/html; charset=utf-8\r\n"
	            "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	put_quoted_printable(b, m->html, m->html_len);
	buf_printf(b, "\r\n--%s--\r\n", boundary);
	return NULL;
}

void mail_message_to_lf(struct buf *b)
{
	size_t w = 0;
	for (size_t r = 0; r < b->len; r++) {
		if (b->data[r] == '\r' && r + 1 < b->len && b->data[r + 1] == '\n')
			continue;
		b->data[w++] = b->data[r];
	}
	b->len = w;
	if (b->data != NULL)
		b->data[w] = '\0';
}
