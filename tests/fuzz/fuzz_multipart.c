/* fuzz_multipart.c — libFuzzer target: multipart_parse must refuse (form and files empty) or
 * return a clean form (form_check.h) and at most MULTIPART_MAX_FILES files, each named, with a
 * file name, and with bytes inside the body it was given.
 * The input is parsed twice: as a body under a fixed Content-Type (boundary "B"), and split at
 * its first line break into a Content-Type and a body, so the boundary's rules are fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "form_check.h"
#include "multipart.h"

static const struct form_limits tiny = {.max_fields = 4, .max_key = 8, .max_value = 16};

static bool files_ok(const struct uploads *u, const struct kvlist *form, const char *body,
                     size_t len)
{
	if (u->n > MULTIPART_MAX_FILES || (u->n == 0) != (u->items == NULL))
		return false;
	for (size_t i = 0; i < u->n; i++) {
		const struct upload *f = &u->items[i];
		if (f->field == NULL || f->field[0] == '\0' || f->filename == NULL ||
		    f->filename[0] == '\0' || f->content_type == NULL)
			return false;
		const unsigned char *b = (const unsigned char *)body;
		if (f->data < b || f->data > b + len || f->len > (size_t)(b + len - f->data))
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(u->items[j].field, f->field) == 0)
				return false;
		size_t klen = strlen(f->field);
		bool multi = klen >= 2 && strcmp(f->field + klen - 2, "[]") == 0;
		for (size_t j = 0; j < form->n && !multi; j++)
			if (strcmp(form->items[j].key, f->field) == 0)
				return false;
	}
	return true;
}

static void check(const char *ct, const char *body, size_t len, const struct form_limits *lim)
{
	struct arena *a = arena_new();
	struct kvlist form;
	struct uploads files;
	if (multipart_parse(a, ct, body, len, lim, &form, &files) < 0) {
		if (form.n != 0 || form.items != NULL || files.n != 0 || files.items != NULL)
			abort();
	} else if (!form_list_ok(&form, lim) || !files_ok(&files, &form, body, len)) {
		abort();
	}
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	/* The body alone, in a copy of its own size, so reading past it is caught. */
	char *body = malloc(size ? size : 1);
	if (body == NULL)
		return 0;
	memcpy(body, s, size);
	check("multipart/form-data; boundary=B", body, size, &FORM_LIMITS_DEFAULT);
	check("multipart/form-data; boundary=B", body, size, &tiny);
	free(body);

	const char *nl = memchr(s, '\n', size);
	if (nl != NULL) {
		size_t ctlen = (size_t)(nl - s);
		char *ct = strndup(s, ctlen); /* stops at a NUL, as a header value would */
		size_t blen = size - ctlen - 1;
		body = malloc(blen ? blen : 1);
		if (ct != NULL && body != NULL) {
			memcpy(body, nl + 1, blen);
			check(ct, body, blen, &FORM_LIMITS_DEFAULT);
		}
		free(body);
		free(ct);
	}
	return 0;
}
