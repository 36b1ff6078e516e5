/* test_mail_views.c — every mail template is well formed; the ones dittoctl queues render the
 * wording customers have always received, and none of them has a place for an internal note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "mail.h"
#include "template.h"

static struct tmpl_set *views;

static int load(void **state)
{
	(void)state;
	const char *dir = getenv("DITTO_VIEWS");
	char err[512];
	views = dir ? tmpl_set_load(dir, err, sizeof(err)) : NULL;
	if (views == NULL)
		fprintf(stderr, "cannot load %s: %s\n", dir ? dir : "(DITTO_VIEWS unset)",
		        dir ? err : "");
	return views == NULL ? -1 : 0;
}

static int unload(void **state)
{
	(void)state;
	tmpl_set_free(views);
	return 0;
}

/* Renders mail/<kind> with ctx into out (cap bytes). */
static void render(const char *kind, const struct tdict *ctx, char *out, size_t cap)
{
	char name[64];
	snprintf(name, sizeof(name), "mail/%s", kind);
	struct buf b = {0};
	assert_int_equal(tmpl_render(views, name, ctx, &b), 0);
	snprintf(out, cap, "%.*s", (int)b.len, b.data ? b.data : "");
	buf_free(&b);
}

/* The context dittoctl gives an order's message, with a note that must never show. */
static struct tdict *order_ctx(struct arena *a, const char *tracking)
{
	struct tdict *ctx = tdict_new(a);
	tdict_set(ctx, "name", "Ada <Lovelace>");
	tdict_set(ctx, "order_id", "42");
	tdict_set(ctx, "url", "https://shop.example/orders/42");
	if (tracking != NULL)
		tdict_set(ctx, "tracking", tracking);
	tdict_set(ctx, "note", "INTERNAL-NOTE");
	tdict_set(ctx, "login_url", "https://shop.example/login");
	return ctx;
}

static void test_one_shipped_mail_with_and_without_a_tracking_number(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char out[2048];
	render("order_shipped", order_ctx(a, "TRK-1"), out, sizeof(out));
	/* What shipments import has always sent (plain text: nothing escaped). */
	assert_string_equal(out, "Subject: Your order 42 has shipped\n\n"
	                         "Hello Ada <Lovelace>,\n\n"
	                         "your order 42 has left us and is on its way with our shipping "
	                         "company.\n"
	                         "Its tracking number is TRK-1.\n"
	                         "You can follow your order at https://shop.example/orders/42.\n\n"
	                         "idem ditto\n");
	render("order_shipped", order_ctx(a, NULL), out, sizeof(out));
	/* What `order status ID shipped` has always sent. */
	assert_string_equal(out, "Subject: Your order 42 has shipped\n\n"
	                         "Hello Ada <Lovelace>,\n\n"
	                         "your order 42 has left us and is on its way.\n"
	                         "You can follow your order at https://shop.example/orders/42.\n\n"
	                         "idem ditto\n");
	arena_free(a);
}

static void test_internal_note_has_no_place_in_any_ctl_mail(void **state)
{
	(void)state;
	static const char *const kinds[] = {
	    "access_approved", "access_denied",   "access_cancelled", "order_shipped",
	    "order_delivered", "order_cancelled", "order_refunded",
	};
	struct arena *a = arena_new();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char out[2048];
		render(kinds[i], order_ctx(a, "TRK-1"), out, sizeof(out));
		assert_int_equal(strncmp(out, "Subject: ", 9), 0);
		assert_non_null(strstr(out, "\n\n"));
		if (strstr(out, "INTERNAL-NOTE") != NULL)
			fail_msg("mail/%s shows the internal note", kinds[i]);
	}
	arena_free(a);
}

static void test_approval_mail_has_the_login_link(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char out[2048];
	render("access_approved", order_ctx(a, NULL), out, sizeof(out));
	assert_non_null(strstr(out, "Subject: Your idem ditto account is approved\n\n"));
	assert_non_null(strstr(out, "\nhttps://shop.example/login\n"));
	arena_free(a);
}

/* mail_queue takes the first line as the subject: every template must start that way. */
static void test_every_mail_template_starts_with_a_subject_and_an_empty_line(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/mail", getenv("DITTO_VIEWS"));
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct arena *a = arena_new();
	int seen = 0;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		size_t n = strlen(de->d_name);
		/* "_name.txt" is a part of other texts (the footer), not a message. */
		if (de->d_name[0] == '.' || de->d_name[0] == '_' || n < 5 ||
		    strcmp(de->d_name + n - 4, ".txt") != 0)
			continue;
		char kind[256], out[4096];
		snprintf(kind, sizeof(kind), "%.*s", (int)(n - 4), de->d_name);
		render(kind, order_ctx(a, "TRK-1"), out, sizeof(out));
		const char *eol = strchr(out, '\n');
		if (strncmp(out, "Subject: ", 9) != 0 || eol == NULL || eol[1] != '\n' ||
		    eol - out <= 9)
			fail_msg("mail/%s does not start with \"Subject: ...\" and an empty line",
			         kind);
		seen++;
	}
	closedir(d);
	arena_free(a);
	assert_true(seen >= 12);
}

/* What dittoctl mail send delivers: the queued text with the footer, and an HTML part that
 * escapes the text like a page does and makes its addresses links. */
static void test_delivered_mail_has_the_footer_and_an_escaped_html_part(void **state)
{
	(void)state;
	struct config cfg = {0};
	snprintf(cfg.base_url, sizeof(cfg.base_url), "https://shop.example/");
	snprintf(cfg.contact_email, sizeof(cfg.contact_email), "help@shop.example");
	snprintf(cfg.contact_phone, sizeof(cfg.contact_phone), "+44 113 496 0000");
	snprintf(cfg.contact_address, sizeof(cfg.contact_address), "1 Lane & Co, Leeds");
	const char body[] = "Hello <Ada>,\n\nsee https://shop.example/orders/42?a=1&b=2.\n"
	                    "Line two \"quoted\" & more\n";
	struct buf text = {0}, html = {0};
	assert_int_equal(
	    mail_delivery_parts(views, &cfg, "Order <42>", body, strlen(body), &text, &html), 0);
	/* The text as queued, then the signature separator and how to reach the shop. */
	assert_true(strncmp(text.data, body, strlen(body)) == 0);
	const char *foot = text.data + strlen(body);
	assert_true(strncmp(foot, "\n-- \n", 5) == 0);
	assert_non_null(strstr(foot, "help@shop.example"));
	assert_non_null(strstr(foot, "+44 113 496 0000"));
	assert_non_null(strstr(foot, "1 Lane & Co, Leeds")); /* plain text: not escaped */
	assert_non_null(strstr(foot, "https://shop.example/contact"));
	/* HTML: every value escaped, paragraphs at the empty line, the address a link (without
	 * the sentence's full stop), the footer too. */
	assert_null(strstr(html.data, "<Ada>"));
	assert_null(strstr(html.data, "Order <42>"));
	assert_non_null(strstr(html.data, "<title>Order &lt;42&gt;</title>"));
	assert_non_null(strstr(html.data, "Hello &lt;Ada&gt;,<br>"));
	assert_non_null(
	    strstr(html.data, "<a href=\"https://shop.example/orders/42?a=1&amp;b=2\""));
	assert_non_null(strstr(html.data, ">https://shop.example/orders/42?a=1&amp;b=2</a>.<br>"));
	assert_non_null(strstr(html.data, "Line two &quot;quoted&quot; &amp; more<br>"));
	int paras = 0;
	for (const char *p = html.data; (p = strstr(p, "<p style=\"margin:0 0 16px\">")); p++)
		paras++;
	assert_int_equal(paras, 2);
	assert_non_null(strstr(html.data, "mailto:help@shop.example"));
	assert_non_null(strstr(html.data, "1 Lane &amp; Co, Leeds"));
	buf_free(&text);
	buf_free(&html);
}

/* An address that is not http or https never becomes a link. */
static void test_html_part_links_only_web_addresses(void **state)
{
	(void)state;
	struct config cfg = {0};
	snprintf(cfg.base_url, sizeof(cfg.base_url), "https://shop.example");
	const char body[] = "javascript:alert(1) and data:text/html,x and http://ok.example\n";
	struct buf text = {0}, html = {0};
	assert_int_equal(mail_delivery_parts(views, &cfg, "s", body, strlen(body), &text, &html),
	                 0);
	assert_null(strstr(html.data, "href=\"javascript"));
	assert_null(strstr(html.data, "href=\"data"));
	assert_non_null(strstr(html.data, "<a href=\"http://ok.example\""));
	/* No contact configured: the footer still says where the contact page is. */
	assert_non_null(strstr(text.data, "https://shop.example/contact"));
	buf_free(&text);
	buf_free(&html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_shipped_mail_with_and_without_a_tracking_number),
	    cmocka_unit_test(test_internal_note_has_no_place_in_any_ctl_mail),
	    cmocka_unit_test(test_approval_mail_has_the_login_link),
	    cmocka_unit_test(test_every_mail_template_starts_with_a_subject_and_an_empty_line),
	    cmocka_unit_test(test_delivered_mail_has_the_footer_and_an_escaped_html_part),
	    cmocka_unit_test(test_html_part_links_only_web_addresses),
	};
	return cmocka_run_group_tests_name("mail_views", tests, load, unload);
}
