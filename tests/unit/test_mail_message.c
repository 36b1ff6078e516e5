/* test_mail_message.c — outbox rows become well-formed RFC 5322 / MIME messages, and a row that
 * would make a broken or injected message is refused with a reason that quotes none of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "mail_message.h"

static struct mail_message msg(const char *subject, const char *body)
{
	return (struct mail_message){
	    .id = 42,
	    .created = 1796040000, /* Mon, 30 Nov 2026 12:00:00 +0000 */
	    .from = "idem ditto <noreply@shop.example>",
	    .recipient = "ada@example.com",
	    .subject = subject,
	    .body = body,
	    .body_len = strlen(body),
	};
}

/* True when every line break in s is CRLF and no line is longer than max octets. */
static bool lines_ok(const char *s, size_t max)
{
	size_t run = 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			return false;
		if (*p == '\r' && p[1] != '\n')
			return false;
		if (*p == '\r' || *p == '\n')
			run = 0;
		else if (++run > max)
			return false;
	}
	return true;
}

static void test_plain_message_has_every_header_and_crlf_lines(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail_message m = msg("Your order 42", "Hello,\nline two\n");
	assert_null(mail_message_format(&m, &b));
	assert_true(strncmp(b.data, "From: idem ditto <noreply@shop.example>\r\n", 41) == 0);
	assert_non_null(strstr(b.data, "\r\nTo: ada@example.com\r\n"));
	assert_non_null(strstr(b.data, "\r\nSubject: Your order 42\r\n"));
	assert_non_null(strstr(b.data, "\r\nDate: Mon, 30 Nov 2026 12:00:00 +0000\r\n"));
	assert_non_null(strstr(b.data, "\r\nMessage-ID: <outbox.42.1796040000@shop.example>\r\n"));
	assert_non_null(strstr(b.data, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.data, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(b.data, "\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHello,\r\n"
	                               "line two\r\n"));
	assert_null(strstr(b.data, "List-Unsubscribe"));
	assert_true(lines_ok(b.data, 998));
	buf_free(&b);
}

/* Decodes the RFC 2047 words of a Subject header value into out. */
static void decode_subject(const char *v, char *out, size_t cap)
{
	size_t len = 0;
	for (const char *p = strstr(v, "=?UTF-8?B?"); p != NULL; p = strstr(p, "=?UTF-8?B?")) {
		p += 10;
		const char *end = strstr(p, "?=");
		assert_non_null(end);
		assert_true(end - p + 12 <= 75); /* RFC 2047: an encoded-word is at most 75 */
		size_t n;
		assert_int_equal(sodium_base642bin((unsigned char *)out + len, cap - len - 1, p,
		                                   (size_t)(end - p), NULL, &n, NULL,
		                                   sodium_base64_VARIANT_ORIGINAL),
		                 0);
		len += n;
		p = end + 2;
	}
	out[len] = '\0';
}

static void test_non_ascii_subject_is_encoded_folded_and_decodes_back(void **state)
{
	(void)state;
	const char *subject = "Grüße aus dem Showroom — Ihre Bestellung ist unterwegs, "
	                      "schöne Grüße und ümlaute überall: äöü ÄÖÜ ß €";
	struct buf b = {0};
	struct mail_message m = msg(subject, "x\n");
	assert_null(mail_message_format(&m, &b));
	const char *s = strstr(b.data, "\r\nSubject: =?UTF-8?B?");
	assert_non_null(s);
	const char *end = strstr(s + 2, "\r\nDate:");
	char header[1024], decoded[512];
	snprintf(header, sizeof(header), "%.*s", (int)(end - s), s);
	assert_non_null(strstr(header, "?=\r\n =?UTF-8?B?")); /* folded */
	assert_true(lines_ok(b.data, 76)); /* RFC 2047 2: lines with encoded-words */
	decode_subject(header, decoded, sizeof(decoded));
	assert_string_equal(decoded, subject);
	buf_free(&b);
}

static void test_long_body_line_goes_quoted_printable(void **state)
{
	(void)state;
	char body[3000];
	memset(body, 'a', 2000);
	strcpy(body + 2000, " = ü\n");
	struct buf b = {0};
	struct mail_message m = msg("s", body);
	assert_null(mail_message_format(&m, &b));
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n"));
	assert_non_null(strstr(b.data, "=3D =C3=BC\r\n"));
	assert_true(lines_ok(b.data, 76));
	buf_free(&b);
}

static void test_marketing_message_has_one_click_unsubscribe_headers(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail_message m = msg("New", "x\n");
	m.list_unsubscribe = "https://shop.example/unsubscribe?token=AbC-_9";
	assert_null(mail_message_format(&m, &b));
	assert_non_null(
	    strstr(b.data, "\r\nList-Unsubscribe: <https://shop.example/unsubscribe?token=AbC-_9>"
	                   "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	/* Headers end before the body: the link is not in the body by accident. */
	assert_true(strstr(b.data, "List-Unsubscribe") < strstr(b.data, "\r\n\r\n"));
	buf_free(&b);
}

/* Formats m and returns the refusal (NULL: formatted). */
static const char *refusal_of(struct mail_message m)
{
	struct buf b = {0};
	const char *why = mail_message_format(&m, &b);
	buf_free(&b);
	return why;
}

static void test_rows_that_would_break_a_message_are_refused_without_content(void **state)
{
	(void)state;
	struct mail_message m = msg("hi\r\nBcc: evil@example.com", "b\n");
	assert_string_equal(refusal_of(m), "subject contains a control character");
	m = msg("ok", "b\n");
	m.recipient = "";
	assert_non_null(strstr(refusal_of(m), "no recipient"));
	m.recipient = "ada@example.com\r\nBcc: x@example.com";
	assert_string_equal(refusal_of(m), "recipient is not a valid address");
	m = msg("bad \xff utf-8", "b\n");
	assert_string_equal(refusal_of(m), "subject is not valid UTF-8");
	m = msg("ok", "overlong \xc0\xaf slash\n");
	assert_string_equal(refusal_of(m), "body is not valid UTF-8");
	m = msg("ok", "nul");
	m.body = "nu\0l";
	m.body_len = 4;
	assert_string_equal(refusal_of(m), "body contains a NUL byte");
	m = msg("ok", "b\n");
	m.list_unsubscribe = "https://shop.example/u?t=x>\r\nBcc: evil@example.com";
	assert_string_equal(refusal_of(m), "unsubscribe link is not a plain URL");
	m.list_unsubscribe = "javascript:alert(1)";
	assert_string_equal(refusal_of(m), "unsubscribe link is not a plain URL");
}

static void test_message_id_domain_comes_from_mail_from(void **state)
{
	(void)state;
	char d[64];
	mail_message_domain("Shop <noreply@mail.shop.example>", d, sizeof(d));
	assert_string_equal(d, "mail.shop.example");
	mail_message_domain("noreply@shop.example", d, sizeof(d));
	assert_string_equal(d, "shop.example");
	mail_message_domain("nobody", d, sizeof(d));
	assert_string_equal(d, "localhost");
}

static void test_sendmail_gets_local_line_breaks(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail_message m = msg("s", "one\r\ntwo\n");
	assert_null(mail_message_format(&m, &b));
	mail_message_to_lf(&b);
	assert_null(strchr(b.data, '\r'));
	assert_non_null(strstr(b.data, "\nSubject: s\n"));
	assert_non_null(strstr(b.data, "\n\none\ntwo\n"));
	assert_int_equal(strlen(b.data), b.len);
	buf_free(&b);
}

/* The message a multipart test formats: text "Hello,\nline two\n" and a small HTML part. */
static const char HTML[] = "<!doctype html><p>Hello, <a href=\"https://shop.example/a?b=1\">"
                           "line two</a> \xc3\xbc</p>\n";

static void test_html_makes_a_multipart_alternative_message(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail_message m = msg("Your order 42", "Hello,\nline two\n");
	m.html = HTML;
	m.html_len = strlen(HTML);
	assert_null(mail_message_format(&m, &b));
	assert_non_null(strstr(b.data,
	                       "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
	                       "boundary=\"=_ditto_42\"\r\n\r\n--=_ditto_42\r\n"));
	/* The plain part first (the least preferred, RFC 2046 5.1.4), as a single-part message
	 * would have it, its own last line break kept before the delimiter. */
	const char *text = strstr(b.data, "--=_ditto_42\r\nContent-Type: text/plain; "
	                                  "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
	                                  "Hello,\r\nline two\r\n\r\n--=_ditto_42\r\n");
	assert_non_null(text);
	/* Then the HTML part, quoted-printable: "=" and non-ASCII encoded, lines at most 76. */
	const char *html = strstr(text + 10, "--=_ditto_42\r\nContent-Type: text/html; "
	                                     "charset=utf-8\r\nContent-Transfer-Encoding: "
	                                     "quoted-printable\r\n\r\n");
	assert_non_null(html);
	assert_non_null(strstr(html, "href=3D\"https://shop.example/a?b=3D1\""));
	assert_non_null(strstr(html, "=C3=BC</p>"));
	/* And the closing delimiter ends the message. */
	size_t n = strlen(b.data);
	assert_true(n > 18 && strcmp(b.data + n - 18, "\r\n--=_ditto_42--\r\n") == 0);
	assert_true(lines_ok(b.data, 998));
	/* The boundary appears only as the three delimiters. */
	int seen = 0;
	for (const char *p = strstr(b.data, "=_ditto_42\"\r\n") + 1; (p = strstr(p, "=_ditto_42"));
	     p++)
		seen++;
	assert_int_equal(seen, 3);
	buf_free(&b);
}

static void test_text_holding_the_boundary_goes_quoted_printable(void **state)
{
	(void)state;
	struct buf b = {0};
	/* A body that quotes the boundary line would end its part early if sent 8bit. */
	struct mail_message m = msg("s", "before\n--=_ditto_42--\nafter\n");
	m.html = HTML;
	m.html_len = strlen(HTML);
	assert_null(mail_message_format(&m, &b));
	assert_non_null(strstr(b.data, "Content-Type: text/plain; charset=utf-8\r\n"
	                               "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	                               "before\r\n--=3D_ditto_42--\r\nafter\r\n"));
	int delimiters = 0;
	for (const char *p = b.data; (p = strstr(p, "\r\n--=_ditto_42")); p++)
		delimiters++;
	assert_int_equal(delimiters, 3); /* first, between the parts, closing */
	buf_free(&b);
}

static void test_html_part_must_be_utf8_without_nul(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail_message m = msg("s", "text\n");
	m.html = "<p>\xff</p>";
	m.html_len = strlen(m.html);
	const char *why = mail_message_format(&m, &b);
	assert_non_null(why);
	assert_null(strstr(why, "<p>"));
	buf_free(&b);
	b = (struct buf){0};
	m.html = "<p>a\0b</p>";
	m.html_len = 10;
	assert_non_null(mail_message_format(&m, &b));
	buf_free(&b);
}

static void test_without_html_the_message_stays_single_part(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail_message m = msg("s", "text\n");
	assert_null(mail_message_format(&m, &b));
	assert_null(strstr(b.data, "multipart"));
	assert_null(strstr(b.data, "=_ditto_"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_message_has_every_header_and_crlf_lines),
	    cmocka_unit_test(test_non_ascii_subject_is_encoded_folded_and_decodes_back),
	    cmocka_unit_test(test_long_body_line_goes_quoted_printable),
	    cmocka_unit_test(test_marketing_message_has_one_click_unsubscribe_headers),
	    cmocka_unit_test(test_rows_that_would_break_a_message_are_refused_without_content),
	    cmocka_unit_test(test_message_id_domain_comes_from_mail_from),
	    cmocka_unit_test(test_sendmail_gets_local_line_breaks),
	    cmocka_unit_test(test_html_makes_a_multipart_alternative_message),
	    cmocka_unit_test(test_text_holding_the_boundary_goes_quoted_printable),
	    cmocka_unit_test(test_html_part_must_be_utf8_without_nul),
	    cmocka_unit_test(test_without_html_the_message_stays_single_part),
	};
	return cmocka_run_group_tests_name("mail_message", tests, NULL, NULL);
}
