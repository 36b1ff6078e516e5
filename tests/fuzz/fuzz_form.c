/* fuzz_form.c — libFuzzer target: form_parse_urlencoded must refuse or return a clean list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "form_check.h"

/* Small limits reach the limit checks with short inputs; the defaults cover the common path. */
static const struct form_limits tiny = {.max_fields = 4, .max_key = 8, .max_value = 16};

static void check(const char *s, size_t len, const struct form_limits *lim)
{
	struct arena *a = arena_new();
	struct kvlist l;
	if (form_parse_urlencoded(a, s, len, lim, &l) < 0) {
		if (l.items != NULL || l.n != 0)
			abort();
		arena_free(a);
		return;
	}
	if (!form_list_ok(&l, lim))
		abort();
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, &FORM_LIMITS_DEFAULT);
	check((const char *)data, size, &tiny);
	return 0;
}
