/* test_forms.c — the field tables (app/fields.c) are what the validators enforce and what the
 * forms show: the address block (views/address.html, handlers/forms.c) and the person fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db/customers.h"
#include "fields.h"
#include "form.h"
#include "http.h"
#include "routes.h"
#include "template.h"
#include "validate.h"

struct fixture {
	struct arena *a;
	struct request req;
	struct tdict *ctx;
	struct tmpl_set *views;
	struct buf out;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256];
	if (fx == NULL)
		return -1;
	fx->a = arena_new();
	fx->req.arena = fx->a;
	fx->ctx = tdict_new(fx->a);
	fx->views = tmpl_set_load(DITTO_VIEWS_DIR, err, sizeof(err));
	if (fx->views == NULL) {
		fprintf(stderr, "views: %s\n", err);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	tmpl_set_free(fx->views);
	buf_free(&fx->out);
	arena_free(fx->a);
	free(fx);
	return 0;
}

/* n copies of the two-byte character "é": a limit counted in bytes would refuse it early. */
static const char *chars(struct arena *a, unsigned n)
{
	char *s = arena_alloc(a, 2 * (size_t)n + 1);
	for (unsigned i = 0; i < n; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[2 * n] = '\0';
	return s;
}

/* A string of n copies of c. */
static const char *repeat(struct arena *a, char c, unsigned n)
{
	char *s = arena_alloc(a, (size_t)n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_address_limits_are_what_the_validator_enforces(void **state)
{
	struct fixture *fx = *state;
	for (int f = 0; f < ADDRESS__MAX; f++) {
		unsigned max = ADDRESS_FIELDS[f].max_chars;
		assert_true(max > 0);
		assert_true(valid_address_field(f, chars(fx->a, max)));
		assert_false(valid_address_field(f, chars(fx->a, max + 1)));
		assert_int_equal(valid_address_field(f, ""), ADDRESS_FIELDS[f].optional);
		assert_false(valid_address_field(f, "two\nlines"));
	}
	assert_false(valid_address_field(ADDRESS__MAX, "x"));
}

static void test_person_limits_are_what_the_validators_enforce(void **state)
{
	struct fixture *fx = *state;
	unsigned name = PERSON_FIELDS[PERSON_NAME].max_chars;
	assert_true(valid_text(chars(fx->a, name), name));
	unsigned user = PERSON_FIELDS[PERSON_USERNAME].max_chars;
	assert_true(valid_username(repeat(fx->a, 'a', user)));
	assert_false(valid_username(repeat(fx->a, 'a', user + 1)));
	unsigned phone = PERSON_FIELDS[PERSON_PHONE].max_chars;
	assert_true(valid_phone(repeat(fx->a, '7', phone)));
	assert_false(valid_phone(repeat(fx->a, '7', phone + 1)));
	assert_true(PERSON_FIELDS[PERSON_PHONE].optional);
	/* "a@" + domain labels of 'b' + ".cc" at exactly the limit, then one more. */
	unsigned email = PERSON_FIELDS[PERSON_EMAIL].max_chars;
	const char *at_max =
	    arena_printf(fx->a, "a@%s.cc", repeat(fx->a, 'b', email - strlen("a@.cc")));
	assert_int_equal(strlen(at_max), email);
	assert_true(valid_email(at_max));
	assert_false(valid_email(arena_printf(fx->a, "a%s", at_max)));
}

/* The maxlength="N" inside the tag of the input named name in html, or -1. */
static long input_maxlength(const char *html, const char *name)
{
	char needle[80];
	snprintf(needle, sizeof(needle), "name=\"%s\"", name);
	const char *p = strstr(html, needle);
	if (p == NULL)
		return -1;
	const char *end = strchr(p, '>');
	const char *m = strstr(p, "maxlength=\"");
	if (m == NULL || end == NULL || m > end)
		return -1;
	return strtol(m + strlen("maxlength=\""), NULL, 10);
}

static const char *render(struct fixture *fx, const char *name)
{
	buf_reset(&fx->out);
	assert_int_equal(tmpl_render(fx->views, name, fx->ctx, &fx->out), 0);
	return fx->out.data != NULL ? fx->out.data : "";
}

static void test_address_block_keeps_field_names_and_shows_each_error_beside_its_field(void **state)
{
	struct fixture *fx = *state;
	static const char body[] = "billing_line1=1+Main+St&billing_line2=&billing_city="
	                           "&billing_postcode=LS1&billing_country=UK";
	assert_int_equal(
	    form_parse_urlencoded(fx->a, body, strlen(body), &FORM_LIMITS_DEFAULT, &fx->req.form),
	    0);
	struct address_form form;
	address_form_read(&fx->req, ADDRESS_BILLING, &form);
	assert_false(address_form_check(&fx->req, fx->ctx, &form));
	assert_non_null(form.error[ADDRESS_CITY]);
	address_form_ctx(&fx->req, fx->ctx, &form);
	char err[128];
	struct tmpl_set *set = fx->views;
	static const char page[] = "{{#billing_address}}{{> address}}{{/billing_address}}";
	assert_int_equal(tmpl_set_add(&set, "page", page, strlen(page), err, sizeof(err)), 0);
	const char *html = render(fx, "page");

	const char *at = html;
	for (int f = 0; f < ADDRESS__MAX; f++) {
		const char *id = arena_printf(fx->a, "billing_%s", ADDRESS_FIELDS[f].name);
		const char *label = strstr(
		    at, arena_printf(fx->a, "<label for=\"%s\">%s", id, ADDRESS_FIELDS[f].label));
		assert_non_null(label);
		const char *input =
		    strstr(label, arena_printf(fx->a, "<input id=\"%s\" name=\"%s\"", id, id));
		assert_non_null(input);
		assert_int_equal(input_maxlength(input, id), ADDRESS_FIELDS[f].max_chars);
		/* The label's hint says optional exactly for the optional fields. */
		const char *hint = strstr(label, "(optional)");
		assert_int_equal(hint != NULL && hint < input, ADDRESS_FIELDS[f].optional);
		/* The error, if any, sits between this field's label and its input, which points
		 * at it (the GOV.UK pattern). */
		const char *error = strstr(
		    label, arena_printf(fx->a, "<p id=\"%s-error\" class=\"field-error\">", id));
		bool beside = error != NULL && error < input;
		assert_int_equal(beside, f == ADDRESS_CITY);
		const char *described = strstr(input, ">");
		const char *aria =
		    strstr(input, arena_printf(fx->a, "aria-describedby=\"%s-error\"", id));
		assert_int_equal(aria != NULL && aria < described, f == ADDRESS_CITY);
		at = input;
	}
	assert_non_null(strstr(html, "value=\"1 Main St\""));
	/* Specific to the field and the problem, not "Fill this in". */
	assert_non_null(strstr(html, "Enter the city of the billing address.</p>"));

	/* The same call fed the error summary: one line, a link to the field. */
	static const char summary[] = "{{> error_summary}}";
	assert_int_equal(tmpl_set_add(&set, "summary", summary, strlen(summary), err, sizeof(err)),
	                 0);
	html = render(fx, "summary");
	assert_non_null(strstr(html, "<div class=\"error-summary\" role=\"alert\""));
	assert_non_null(strstr(
	    html, "<li><a href=\"#billing_city\">Enter the city of the billing address.</a></li>"));
	assert_null(strstr(html, "billing_postcode"));
}

static void test_stored_addresses_fill_their_own_block(void **state)
{
	struct fixture *fx = *state;
	struct address stored = {"shipping", "2 Side Rd", "", "York", "YO1", "UK"};
	struct address_form form[ADDRESS_KIND__MAX];
	address_forms_stored(form, &stored, 1);
	assert_int_equal(form[ADDRESS_BILLING].kind, ADDRESS_BILLING);
	assert_true(address_form_empty(&form[ADDRESS_BILLING]));
	assert_false(address_form_empty(&form[ADDRESS_SHIPPING]));
	assert_string_equal(form[ADDRESS_SHIPPING].value[ADDRESS_CITY], "York");
	assert_string_equal(form[ADDRESS_SHIPPING].value[ADDRESS_COUNTRY], "UK");
	for (int f = 0; f < ADDRESS__MAX; f++)
		assert_null(form[ADDRESS_SHIPPING].error[f]);
	(void)fx;
}

static void test_person_inputs_take_maxlength_from_the_field_table(void **state)
{
	struct fixture *fx = *state;
	person_fields_ctx(fx->ctx);
	tdict_dict(fx->ctx, "account"); /* My Account shows its details form only with one */
	tdict_set_bool(fx->ctx, "empty", false);
	static const struct {
		const char *page, *input;
		enum person_field field;
	} cases[] = {
	    {"register", "name", PERSON_NAME},
	    {"register", "email", PERSON_EMAIL},
	    {"register", "username", PERSON_USERNAME},
	    {"register", "password", PERSON_PASSWORD},
	    {"register", "phone", PERSON_PHONE},
	    {"account", "name", PERSON_NAME},
	    {"account", "email", PERSON_EMAIL},
	    {"account", "phone", PERSON_PHONE},
	    {"account", "new_password", PERSON_PASSWORD},
	    {"checkout", "name", PERSON_NAME},
	    {"checkout", "email", PERSON_EMAIL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *html = render(fx, cases[i].page);
		long got = input_maxlength(html, cases[i].input);
		if (got != (long)PERSON_FIELDS[cases[i].field].max_chars)
			fail_msg("%s.html: input %s has maxlength %ld, the table says %u",
			         cases[i].page, cases[i].input, got,
			         PERSON_FIELDS[cases[i].field].max_chars);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_address_limits_are_what_the_validator_enforces,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_person_limits_are_what_the_validators_enforce,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_address_block_keeps_field_names_and_shows_each_error_beside_its_field, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(test_stored_addresses_fill_their_own_block, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_person_inputs_take_maxlength_from_the_field_table,
	                                    setup, teardown),
	};
	return cmocka_run_group_tests_name("forms", tests, NULL, NULL);
}
