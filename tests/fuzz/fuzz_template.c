/* fuzz_template.c — libFuzzer target: parses the input as a template and renders it escaped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "template.h"

/* The partial every input may include; free of HTML specials so that any
 * special character in the output must come from the input or from {{{ }}}. */
static const char partial_src[] =
    "p:{{name}}{{#items}}[{{name}}|{{price}}|{{#flag}}on{{/flag}}]{{/items}}{{user.addr.city}}";

/* Renders every input with the same context: strings full of HTML specials, a
 * list of three dictionaries, a nested dictionary and flags. */
static struct tdict *context(void)
{
	static struct arena *a;
	static struct tdict *ctx;
	if (ctx != NULL)
		return ctx;
	a = arena_new();
	ctx = tdict_new(a);
	tdict_set(ctx, "title", "<script>alert('x')</script>");
	tdict_set(ctx, "name", "Tom & \"Jerry\" <b>");
	tdict_set(ctx, "blank", "");
	tdict_set_bool(ctx, "on", true);
	tdict_set_bool(ctx, "off", false);
	tdict_list(ctx, "empty");
	struct tlist *items = tdict_list(ctx, "items");
	for (int i = 0; i < 3; i++) {
		struct tdict *it = tlist_add(items);
		tdict_setf(it, "name", "<item %d>", i);
		tdict_setf(it, "price", "%d.00 'EUR'", i + 1);
		tdict_set_bool(it, "flag", i % 2 == 0);
	}
	struct tdict *user = tdict_dict(ctx, "user");
	tdict_set(user, "name", "O'Brien");
	tdict_set(tdict_dict(user, "addr"), "city", "<Oslo>");
	return ctx;
}

struct scan {
	unsigned sections;  /* {{# tags: each may repeat its body three times */
	unsigned partials;  /* {{> tags */
	unsigned self_refs; /* {{> t}} tags: recursion into the input itself */
	int triple;         /* a {{{ raw tag is present */
	int specials;       /* the text holds < > " or ' itself */
};

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Approximates what the template does, to skip renders that would explode
 * (nested loops and self-inclusion multiply the output) and to know which
 * invariants the output must keep. */
static void scan(const uint8_t *d, size_t n, struct scan *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '<' || d[i] == '>' || d[i] == '"' || d[i] == '\'')
			s->specials = 1;
		if (d[i] != '{' || i + 1 >= n || d[i + 1] != '{')
			continue;
		size_t j = i + 2;
		if (j < n && d[j] == '{')
			s->triple = 1;
		while (j < n && is_space(d[j]))
			j++;
		if (j >= n)
			continue;
		if (d[j] == '#') {
			s->sections++;
		} else if (d[j] == '>') {
			s->partials++;
			j++;
			while (j < n && is_space(d[j]))
				j++;
			if (j < n && d[j] == 't' &&
			    (j + 1 >= n || is_space(d[j + 1]) || d[j + 1] == '}'))
				s->self_refs++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *set = NULL;
	char err[256];
	err[0] = '\0';

	if (tmpl_set_add(&set, "p", partial_src, sizeof(partial_src) - 1, err, sizeof(err)) < 0)
		abort();
	if (tmpl_set_add(&set, "t", (const char *)data, size, err, sizeof(err)) < 0) {
		/* A rejected template says where: "t:<line>: ...". */
		if (strncmp(err, "t:", 2) != 0)
			abort();
		tmpl_set_free(set);
		return 0;
	}

	struct scan s;
	scan(data, size, &s);
	if (s.sections > 5 || s.self_refs > 1 || (s.self_refs > 0 && s.sections > 0)) {
		tmpl_set_free(set);
		return 0;
	}

	struct buf out = {0};
	int rc = tmpl_render(set, "t", context(), &out);
	/* Only a missing or runaway partial may fail a parsed template. */
	if (rc != 0 && s.partials == 0)
		abort();
	/* With only escaped tags, the specials in every context value are escaped.
	 * memchr, not strpbrk: the input may carry NUL bytes into the output. */
	if (rc == 0 && !s.triple && !s.specials)
		for (const char *c = "<>\"'"; *c != '\0'; c++)
			if (out.len > 0 && memchr(out.data, *c, out.len) != NULL)
				abort();
	buf_free(&out);
	tmpl_set_free(set);
	return 0;
}
