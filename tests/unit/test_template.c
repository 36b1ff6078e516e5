/* test_template.c — unit tests for the template parser and renderer (app/template.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "template.h"

struct fixture {
	struct arena *a;
	struct tdict *ctx;
	struct tmpl_set *set;
	struct buf out;
	char err[256];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	fx->a = arena_new();
	fx->ctx = tdict_new(fx->a);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	tmpl_set_free(fx->set);
	buf_free(&fx->out);
	arena_free(fx->a);
	free(fx);
	return 0;
}

/* Adds src as template name; fails the test on a parse error. */
static void add(struct fixture *fx, const char *name, const char *src)
{
	if (tmpl_set_add(&fx->set, name, src, strlen(src), fx->err, sizeof(fx->err)) < 0)
		fail_msg("parse of %s failed: %s", name, fx->err);
}

/* Renders template name into a fresh output and returns its text. */
static const char *render(struct fixture *fx, const char *name)
{
	buf_reset(&fx->out);
	assert_int_equal(tmpl_render(fx->set, name, fx->ctx, &fx->out), 0);
	return fx->out.data != NULL ? fx->out.data : "";
}

/* Parses src as "t" and renders it with fx->ctx. */
static const char *render_src(struct fixture *fx, const char *src)
{
	add(fx, "t", src);
	return render(fx, "t");
}

/* Returns the result of parsing src as "t"; the message lands in fx->err. */
static int parse_src(struct fixture *fx, const char *src)
{
	return tmpl_set_add(&fx->set, "t", src, strlen(src), fx->err, sizeof(fx->err));
}

static void test_script_tag_is_escaped(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "x", "<script>alert('x')</script>");
	assert_string_equal(render_src(fx, "<p>{{x}}</p>"),
	                    "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
}

static void test_all_html_specials_are_escaped(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "x", "a&b\"c'd<e>f");
	assert_string_equal(render_src(fx, "{{ x }}"), "a&amp;b&quot;c&#39;d&lt;e&gt;f");
}

static void test_triple_mustache_is_raw(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "html", "<b>bold</b> & 'q'");
	assert_string_equal(render_src(fx, "{{{html}}}|{{{ html }}}"),
	                    "<b>bold</b> & 'q'|<b>bold</b> & 'q'");
}

static void test_loop_over_list(void **state)
{
	struct fixture *fx = *state;
	struct tlist *l = tdict_list(fx->ctx, "items");
	const char *names[] = {"a", "b", "c"};
	for (size_t i = 0; i < 3; i++) {
		struct tdict *it = tlist_add(l);
		tdict_set(it, "name", names[i]);
		tdict_setf(it, "n", "%zu", i + 1);
	}
	assert_string_equal(render_src(fx, "<ul>{{#items}}<li>{{n}}={{name}}</li>{{/items}}</ul>"),
	                    "<ul><li>1=a</li><li>2=b</li><li>3=c</li></ul>");
}

static void test_empty_list_renders_inverted(void **state)
{
	struct fixture *fx = *state;
	tdict_list(fx->ctx, "items");
	assert_string_equal(render_src(fx, "{{#items}}row{{/items}}{{^items}}none{{/items}}"),
	                    "none");
}

static void test_missing_name_renders_empty(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(render_src(fx, "[{{nope}}][{{{nope}}}][{{#nope}}x{{/nope}}]"
	                                   "[{{^nope}}shown{{/nope}}][{{a.b.c}}]"),
	                    "[][][][shown][]");
}

static void test_dotted_lookup(void **state)
{
	struct fixture *fx = *state;
	struct tdict *user = tdict_dict(fx->ctx, "user");
	tdict_set(user, "name", "Ann");
	tdict_set(tdict_dict(user, "addr"), "city", "Oslo");
	tdict_set(fx->ctx, "name", "root");
	assert_string_equal(render_src(fx, "{{user.name}} in {{user.addr.city}}/{{user.nope}}"),
	                    "Ann in Oslo/");
}

static void test_dotted_lookup_does_not_fall_back_outwards(void **state)
{
	struct fixture *fx = *state;
	tdict_dict(fx->ctx, "user");
	tdict_set(fx->ctx, "name", "root");
	/* user exists but has no name: the root's name must not leak in. */
	assert_string_equal(render_src(fx, "[{{user.name}}]"), "[]");
}

static void test_inner_scope_shadows_outer(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "name", "outer");
	tdict_set(tlist_add(tdict_list(fx->ctx, "items")), "name", "inner");
	assert_string_equal(render_src(fx, "{{name}}:{{#items}}{{name}}{{/items}}:{{name}}"),
	                    "outer:inner:outer");
}

static void test_outer_scope_visible_in_loop(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "currency", "EUR");
	struct tlist *l = tdict_list(fx->ctx, "items");
	tdict_set(tlist_add(l), "price", "1");
	tdict_set(tlist_add(l), "price", "2");
	assert_string_equal(render_src(fx, "{{#items}}{{price}} {{currency}};{{/items}}"),
	                    "1 EUR;2 EUR;");
}

static void test_true_flag_shows_section_once_false_hides_it(void **state)
{
	struct fixture *fx = *state;
	tdict_set_bool(fx->ctx, "on", true);
	tdict_set_bool(fx->ctx, "off", false);
	assert_string_equal(render_src(fx, "{{#on}}A{{/on}}{{#off}}B{{/off}}{{^off}}C{{/off}}"
	                                   "{{^on}}D{{/on}}[{{on}}]"),
	                    "AC[]");
}

static void test_string_section_shows_once_with_unchanged_context(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "msg", "saved");
	tdict_set(fx->ctx, "blank", "");
	tdict_set(fx->ctx, "none", NULL);
	assert_string_equal(render_src(fx, "{{#msg}}<p>{{msg}}</p>{{/msg}}{{#blank}}X{{/blank}}"
	                                   "{{^none}}empty{{/none}}"),
	                    "<p>saved</p>empty");
}

static void test_dict_section_pushes_context_once(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "name", "root");
	tdict_set(fx->ctx, "shop", "ditto");
	tdict_set(tdict_dict(fx->ctx, "user"), "name", "Ann");
	assert_string_equal(render_src(fx, "{{#user}}{{name}}@{{shop}}{{/user}}"), "Ann@ditto");
}

static void test_comment_renders_nothing(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "x", "1");
	assert_string_equal(render_src(fx, "a{{! a {comment} over\ntwo lines }}b{{x}}"), "ab1");
}

static void test_partial_renders_with_context(void **state)
{
	struct fixture *fx = *state;
	struct tlist *l = tdict_list(fx->ctx, "items");
	tdict_set(tlist_add(l), "name", "<a>");
	tdict_set(tlist_add(l), "name", "b");
	add(fx, "row", "<li>{{name}}</li>");
	assert_string_equal(render_src(fx, "<ul>{{#items}}{{> row}}{{/items}}</ul>"),
	                    "<ul><li>&lt;a&gt;</li><li>b</li></ul>");
}

static void test_recursive_partial_fails_not_hangs(void **state)
{
	struct fixture *fx = *state;
	add(fx, "loop", "x{{>loop}}");
	buf_reset(&fx->out);
	assert_int_equal(tmpl_render(fx->set, "loop", fx->ctx, &fx->out), -1);
}

static void test_partials_nest_exactly_16_deep(void **state)
{
	struct fixture *fx = *state;
	char name[16], src[32];
	/* p0 includes p1 ... p15 includes p16; p16 includes p17, which is missing. */
	for (int i = 0; i <= 16; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		if (i < 16)
			snprintf(src, sizeof(src), "%d{{>p%d}}", i, i + 1);
		else
			snprintf(src, sizeof(src), "end");
		add(fx, name, src);
	}
	/* Rendering p0 enters 16 partials: allowed. */
	assert_string_equal(render(fx, "p0"), "0123456789101112131415end");
	add(fx, "top", "{{>p0}}");
	buf_reset(&fx->out);
	assert_int_equal(tmpl_render(fx->set, "top", fx->ctx, &fx->out), -1);
}

static void test_missing_partial_or_template_fails(void **state)
{
	struct fixture *fx = *state;
	add(fx, "t", "a{{>missing}}b");
	assert_int_equal(tmpl_render(fx->set, "t", fx->ctx, &fx->out), -1);
	assert_int_equal(tmpl_render(fx->set, "nope", fx->ctx, &fx->out), -1);
	assert_int_equal(tmpl_render(NULL, "t", fx->ctx, &fx->out), -1);
}

static void test_unclosed_section_is_parse_error_with_line(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse_src(fx, "line1\n{{#a}}\nline3\n"), -1);
	assert_non_null(strstr(fx->err, "t:2:"));
	assert_non_null(strstr(fx->err, "unclosed section {{#a}}"));
	assert_null(fx->set);
}

static void test_unclosed_tag_is_parse_error_with_line(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse_src(fx, "a\nb\nc {{name\n}"), -1);
	assert_non_null(strstr(fx->err, "t:3:"));
	assert_non_null(strstr(fx->err, "unclosed tag"));
	assert_int_equal(parse_src(fx, "{{{raw}}"), -1);
	assert_non_null(strstr(fx->err, "t:1:"));
}

static void test_mismatched_close_rejected(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse_src(fx, "{{#a}}\n{{#b}}\n{{/a}}{{/b}}"), -1);
	assert_non_null(strstr(fx->err, "t:3:"));
	assert_non_null(strstr(fx->err, "{{/a}} does not close {{#b}} from line 2"));
}

static void test_unmatched_close_rejected(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(parse_src(fx, "x\n{{/a}}"), -1);
	assert_non_null(strstr(fx->err, "t:2:"));
	assert_non_null(strstr(fx->err, "closes no open section"));
}

static void test_empty_or_invalid_name_rejected(void **state)
{
	struct fixture *fx = *state;
	const char *bad[] = {"{{}}",     "{{ }}",  "{{{ }}}", "{{#}}{{/}}", "{{>}}",
	                     "{{a..b}}", "{{.a}}", "{{a b}}", "{{&x}}",     "{{=<% %>=}}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx->err[0] = '\0';
		if (parse_src(fx, bad[i]) != -1)
			fail_msg("%s was accepted", bad[i]);
		assert_non_null(strstr(fx->err, "t:1: "));
	}
	assert_int_equal(parse_src(fx, "{{}}"), -1);
	assert_non_null(strstr(fx->err, "empty name"));
}

static void test_nesting_deeper_than_32_rejected(void **state)
{
	struct fixture *fx = *state;
	char src[1024];
	size_t n = 0;
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "{{#s%d}}", i);
	n += (size_t)snprintf(src + n, sizeof(src) - n, "deep");
	for (int i = 31; i >= 0; i--)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "{{/s%d}}", i);
	char key[8];
	for (int i = 0; i < 32; i++) {
		snprintf(key, sizeof(key), "s%d", i);
		tdict_set_bool(fx->ctx, key, true);
	}
	assert_string_equal(render_src(fx, src), "deep");

	assert_int_equal(parse_src(fx, "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	                               "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	                               "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	                               "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	                               "\n{{^a}}"),
	                 -1);
	assert_non_null(strstr(fx->err, "t:2: sections nested deeper than 32"));
}

static void test_failed_add_leaves_set_unchanged(void **state)
{
	struct fixture *fx = *state;
	add(fx, "t", "old");
	assert_int_equal(parse_src(fx, "new{{#x}}"), -1);
	assert_non_null(fx->set);
	assert_string_equal(render(fx, "t"), "old");
}

static void test_later_set_overrides(void **state)
{
	struct fixture *fx = *state;
	tdict_set(fx->ctx, "x", "first");
	tdict_set_bool(fx->ctx, "x", true);
	tdict_set(fx->ctx, "x", "second");
	tdict_set(fx->ctx, "y", "1");
	tdict_set_bool(fx->ctx, "y", false);
	assert_string_equal(render_src(fx, "{{x}}{{#y}}Y{{/y}}"), "second");
}

static void test_list_and_dict_getters_return_the_existing_value(void **state)
{
	struct fixture *fx = *state;
	assert_ptr_equal(tdict_list(fx->ctx, "l"), tdict_list(fx->ctx, "l"));
	assert_ptr_equal(tdict_dict(fx->ctx, "d"), tdict_dict(fx->ctx, "d"));
	tdict_set(tdict_dict(fx->ctx, "d"), "a", "1");
	tdict_set(tdict_dict(fx->ctx, "d"), "b", "2");
	assert_string_equal(render_src(fx, "{{d.a}}{{d.b}}"), "12");
}

static void test_set_copies_value_and_set_ref_does_not(void **state)
{
	struct fixture *fx = *state;
	char copied[] = "before";
	static const char kept[] = "kept";
	tdict_set(fx->ctx, "c", copied);
	tdict_set_ref(fx->ctx, "r", kept);
	memcpy(copied, "AFTER!", 6);
	assert_string_equal(render_src(fx, "{{c}} {{r}}"), "before kept");
}

/* Writes text to dir/name; fails the test on error. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void remove_files(const char *dir, const char **names, size_t n)
{
	char path[512];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_load_dir(void **state)
{
	struct fixture *fx = *state;
	char dir[] = "/tmp/ditto-tmpl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *names[] = {"page.html", "head.html", "notes.txt", ".#page.html"};
	write_file(dir, names[0], "{{> head}}<p>{{x}}</p>\n");
	write_file(dir, names[1], "<h1>{{title}}</h1>");
	write_file(dir, names[2], "{{#not a template");
	write_file(dir, names[3], "{{#editor lock file");

	fx->set = tmpl_set_load(dir, fx->err, sizeof(fx->err));
	remove_files(dir, names, 4);
	if (fx->set == NULL)
		fail_msg("load failed: %s", fx->err);
	tdict_set(fx->ctx, "title", "Shop");
	tdict_set(fx->ctx, "x", "a<b");
	assert_string_equal(render(fx, "page"), "<h1>Shop</h1><p>a&lt;b</p>\n");
	assert_string_equal(render(fx, "head"), "<h1>Shop</h1>");
	buf_reset(&fx->out);
	assert_int_equal(tmpl_render(fx->set, "notes", fx->ctx, &fx->out), -1);
}

static void test_load_dir_reports_file_and_line(void **state)
{
	struct fixture *fx = *state;
	char dir[] = "/tmp/ditto-tmpl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *names[] = {"ok.html", "bad.html"};
	write_file(dir, names[0], "fine");
	write_file(dir, names[1], "one\ntwo\n{{/x}}\n");

	struct tmpl_set *set = tmpl_set_load(dir, fx->err, sizeof(fx->err));
	remove_files(dir, names, 2);
	assert_null(set);
	char want[128];
	snprintf(want, sizeof(want), "%s/bad.html:3: ", dir);
	assert_non_null(strstr(fx->err, want));

	assert_null(tmpl_set_load("/nonexistent/ditto", fx->err, sizeof(fx->err)));
	assert_non_null(strstr(fx->err, "/nonexistent/ditto"));
}

static void test_mail_templates_are_plain_text_and_pages_stay_escaped(void **state)
{
	struct fixture *fx = *state;
	add(fx, "mail/hello", "Subject: Hi {{name}}\n\n{{name}} & co{{> sig}}");
	add(fx, "sig", " <{{name}}>");
	add(fx, "page", "<p>{{name}}</p>");
	tdict_set(fx->ctx, "name", "A<b> \"O'Neil\"");
	assert_string_equal(render(fx, "mail/hello"),
	                    "Subject: Hi A<b> \"O'Neil\"\n\nA<b> \"O'Neil\" & co <A&lt;b&gt; "
	                    "&quot;O&#39;Neil&quot;>");
	assert_string_equal(render(fx, "page"), "<p>A&lt;b&gt; &quot;O&#39;Neil&quot;</p>");
}

static void test_load_dir_reads_mail_subfolder_as_plain_text(void **state)
{
	struct fixture *fx = *state;
	char dir[] = "/tmp/ditto-tmpl-XXXXXX", mail[64];
	assert_non_null(mkdtemp(dir));
	snprintf(mail, sizeof(mail), "%s/mail", dir);
	assert_int_equal(mkdir(mail, 0700), 0);
	write_file(dir, "page.html", "<i>{{x}}</i>");
	write_file(mail, "note.txt", "Subject: {{x}}\n\n{{x}}\n");
	write_file(mail, "skip.html", "{{#not a mail template");

	fx->set = tmpl_set_load(dir, fx->err, sizeof(fx->err));
	const char *mails[] = {"note.txt", "skip.html"}, *pages[] = {"page.html"};
	remove_files(mail, mails, 2);
	remove_files(dir, pages, 1);
	if (fx->set == NULL)
		fail_msg("load failed: %s", fx->err);
	tdict_set(fx->ctx, "x", "a&b");
	assert_string_equal(render(fx, "mail/note"), "Subject: a&b\n\na&b\n");
	assert_string_equal(render(fx, "page"), "<i>a&amp;b</i>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_script_tag_is_escaped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_all_html_specials_are_escaped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_triple_mustache_is_raw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_over_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_list_renders_inverted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_name_renders_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dotted_lookup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dotted_lookup_does_not_fall_back_outwards, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_inner_scope_shadows_outer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outer_scope_visible_in_loop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_true_flag_shows_section_once_false_hides_it, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_string_section_shows_once_with_unchanged_context,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dict_section_pushes_context_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_comment_renders_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partial_renders_with_context, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recursive_partial_fails_not_hangs, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_partials_nest_exactly_16_deep, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_partial_or_template_fails, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_unclosed_section_is_parse_error_with_line, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_unclosed_tag_is_parse_error_with_line, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_mismatched_close_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unmatched_close_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_or_invalid_name_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nesting_deeper_than_32_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_add_leaves_set_unchanged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_later_set_overrides, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_and_dict_getters_return_the_existing_value,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_copies_value_and_set_ref_does_not, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_load_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_dir_reports_file_and_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_mail_templates_are_plain_text_and_pages_stay_escaped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_dir_reads_mail_subfolder_as_plain_text, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
