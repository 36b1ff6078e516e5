/* ctl_mail.c — `dittoctl mail send`: delivers the outbox as RFC 5322 files in mail_dir. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/outbox.h"
#include "../app/validate.h"
#include "ctl.h"

#define MAIL_LOCK         "ditto.mail"
#define MAIL_BATCH        100
#define MAIL_MAX_ATTEMPTS 10  /* after this many failures a message is left for the operator */
#define MAIL_LINE_MAX     998 /* RFC 5322 2.1.1: octets per line, CRLF excluded */

/* Outcome of one delivery. */
enum mail_result {
	MAIL_SENT,
	MAIL_REFUSED, /* the message itself cannot be sent: count an attempt, go on */
	MAIL_IO,      /* the directory cannot be written: count an attempt, stop the run */
};

/* True when s (len bytes) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static bool utf8_ok(const unsigned char *s, size_t len)
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
	/* 75 - strlen("=?UTF-8?B?" "?=") = 63 base64 characters: 45 bytes of text. */
	enum { CHUNK = 45 };
	for (size_t i = 0; i < len;) {
		size_t n = len - i < CHUNK ? len - i : CHUNK;
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

/*
 * Formats m as an RFC 5322 message with CRLF line breaks into b.  Returns
 * NULL, or why the message cannot be sent (a short reason for
 * outbox.last_error that quotes none of its content).
 */
static const char *format_mail(const struct outbox_message *m, struct buf *b)
{
	if (!valid_email(m->recipient))
		return "recipient is not a valid address";
	const char *s = m->subject;
	size_t slen = strlen(s);
	for (size_t i = 0; i < slen; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "subject contains a control character";
	if (!utf8_ok((const unsigned char *)s, slen))
		return "subject is not valid UTF-8";
	if (memchr(m->body, '\0', m->body_len) != NULL)
		return "body contains a NUL byte";
	if (!utf8_ok((const unsigned char *)m->body, m->body_len))
		return "body is not valid UTF-8";

	char date[64];
	struct tm tm;
	gmtime_r(&m->created, &tm);
	/* The C locale (dittoctl never calls setlocale) gives English day and month names. */
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	bool qp = has_long_line(m->body, m->body_len);

	buf_puts(b, "From: idem ditto <noreply@idemditto.invalid>\r\n");
	buf_printf(b, "To: %s\r\n", m->recipient);
	buf_puts(b, "Subject: ");
	put_subject(b, s);
	buf_puts(b, "\r\n");
	buf_printf(b, "Date: %s\r\n", date);
	/* Stable per message: a retried delivery is recognisably the same message. */
	buf_printf(b, "Message-ID: <outbox.%lld.%lld@idemditto.invalid>\r\n", m->id,
	           (long long)m->created);
	buf_puts(b, "MIME-Version: 1.0\r\n"
	            "Content-Type: text/plain; charset=utf-8\r\n");
	buf_printf(b, "Content-Transfer-Encoding: %s\r\n\r\n", qp ? "quoted-printable" : "8bit");
	if (qp) {
		put_quoted_printable(b, m->body, m->body_len);
		return NULL;
	}
	/* Every line break becomes CRLF; the body ends with one. */
	for (size_t i = 0; i < m->body_len; i++) {
		char c = m->body[i];
		if (c == '\r') {
			if (i + 1 < m->body_len && m->body[i + 1] == '\n')
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
	return NULL;
}

/*
 * Writes <dir>/<id>.eml atomically and durably: a temporary file, fsync,
 * rename, then fsync of the directory, so a message is either complete or
 * absent after a crash.  Rewriting the same id replaces the file, so a
 * delivery repeated after a lost "mark sent" leaves one file.  Returns 0,
 * or -1 with errno set.
 */
static int write_eml(int dirfd, long long id, const struct buf *msg)
{
	char name[64], tmp[72];
	snprintf(name, sizeof(name), "%lld.eml", id);
	snprintf(tmp, sizeof(tmp), "%lld.eml.tmp", id);
	/* A leftover from a run that died mid-write is replaced (we hold the lock: nobody else
	 * writes). */
	return ctl_replace_file(dirfd, name, tmp, msg->data, msg->len);
}

/* Delivers one message. On failure *why is a short reason (no message content). */
static enum mail_result deliver(int dirfd, const struct outbox_message *m, char *why, size_t whylen)
{
	struct buf b = {0};
	enum mail_result r = MAIL_SENT;
	const char *bad = format_mail(m, &b);
	if (bad != NULL) {
		snprintf(why, whylen, "%s", bad);
		r = MAIL_REFUSED;
	} else if (write_eml(dirfd, m->id, &b) < 0) {
		snprintf(why, whylen, "cannot write %lld.eml: %s", m->id, strerror(errno));
		r = MAIL_IO;
	}
	/* The buffer held a message to a person: leave nothing of it in freed memory. */
	if (b.data != NULL)
		sodium_memzero(b.data, b.cap);
	buf_free(&b);
	return r;
}

static const char mail_usage[] =
    "usage: dittoctl mail send [--limit N]\n"
    "Delivers unsent outbox messages, oldest first, in batches of 100: each becomes an\n"
    "RFC 5322 file mail_dir/<id>.eml (written atomically; mail_dir is created, mode 0750)\n"
    "and is marked sent. A failed message is retried by later runs, at most 10 times;\n"
    "outbox.last_error says why. --limit N stops after N messages.\n"
    "Connects as db_cron_user. Holds GET_LOCK('ditto.mail'): while another run holds\n"
    "it, prints \"another mail send is running\" and exits 0. Prints \"sent N message(s)\".";

static int mail_send(int argc, char **argv)
{
	long long limit = -1;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(mail_usage);
			return CTL_OK;
		}
		const char *v = NULL;
		if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--limit=", 8) == 0)
			v = argv[i] + 8;
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl mail send --help)", argv[i]);
		if (!valid_id(v, &limit) || limit > 100000000)
			return usage_fail("--limit needs a positive number, not '%s'", v);
	}
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;

	int rc = CTL_ERR, dirfd = -1;
	long long sent = 0, refused = 0;
	struct arena *a = arena_new();
	int got = ctl_lock_or_yield(db, MAIL_LOCK, "mail", "another mail send is running");
	if (got <= 0) {
		rc = got == 0 ? CTL_OK : CTL_ERR;
		goto out;
	}
	if ((dirfd = ctl_open_dir(cfg.mail_dir)) < 0) {
		fail("cannot use mail directory %s: %s", cfg.mail_dir, strerror(errno));
		goto out;
	}

	/* The cursor moves past failed messages, so one run tries each message once. */
	long long after = 0;
	for (;;) {
		long long want = MAIL_BATCH;
		if (limit >= 0 && limit - (sent + refused) < want)
			want = limit - (sent + refused);
		if (want <= 0)
			break;
		/* A dropped connection releases the lock silently: never deliver without it. */
		if (db_lock_held(db, MAIL_LOCK) != 1) {
			fail(
			    "lost the mail lock (database connection dropped?); stopped after %lld "
			    "message(s)",
			    sent);
			goto out;
		}
		arena_reset(a);
		struct outbox_message *v;
		size_t n;
		if (db_outbox_list_unsent(db, a, MAIL_MAX_ATTEMPTS, after, want, &v, &n) < 0) {
			fail("cannot read the outbox as %s: %s", cfg.db_cron_user, db_error(db));
			goto out;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			const struct outbox_message m = v[i];
			after = m.id;
			char why[200];
			enum mail_result res = deliver(dirfd, &m, why, sizeof(why));
			if (res == MAIL_SENT) {
				if (db_outbox_mark_sent(db, m.id) < 0) {
					/* The file is there; the next run rewrites the same file.
					 */
					fail("wrote %lld.eml but cannot mark it sent: %s", m.id,
					     db_error(db));
					goto out;
				}
				sent++;
				continue;
			}
			if (db_outbox_mark_failed(db, m.id, why) < 0) {
				fail("cannot record the failure of message %lld: %s", m.id,
				     db_error(db));
				goto out;
			}
			if (res == MAIL_IO) {
				/* Every further message would fail the same way. */
				printf("sent %lld message(s)\n", sent);
				fail("%s (in %s)", why, cfg.mail_dir);
				goto out;
			}
			refused++;
		}
		/* Bodies were personal messages: wipe them before the arena is reused. */
		arena_wipe(a);
	}
	printf("sent %lld message(s)\n", sent);
	if (refused > 0) {
		fail("%lld message(s) could not be sent; see outbox.last_error", refused);
		goto out;
	}
	rc = CTL_OK;
out:
	if (got > 0)
		db_unlock(db, MAIL_LOCK);
	if (dirfd >= 0)
		close(dirfd);
	arena_wipe(a);
	arena_free(a);
	db_free(db);
	return rc;
}

int cmd_mail(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "mail", "send", mail_usage, mail_send);
}
