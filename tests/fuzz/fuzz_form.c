/* fuzz_form.c — libFuzzer target: form_parse_urlencoded must refuse or return a clean list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"

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
	if (l.n > lim->max_fields || (l.n == 0) != (l.items == NULL))
		abort();
	for (size_t i = 0; i < l.n; i++) {
		const struct kv *kv = &l.items[i];
		size_t klen = strlen(kv->key);
		if (klen == 0 || klen > lim->max_key || !form_text_ok(kv->key, klen))
			abort();
		if (strlen(kv->val) != kv->val_len || kv->val_len > lim->max_value ||
		    !form_text_ok(kv->val, kv->val_len))
			abort();
		/* Only "[]" keys may repeat. */
		int multi = klen >= 2 && strcmp(kv->key + klen - 2, "[]") == 0;
		for (size_t j = 0; j < i && !multi; j++)
			if (strcmp(l.items[j].key, kv->key) == 0)
				abort();
	}
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, &FORM_LIMITS_DEFAULT);
	check((const char *)data, size, &tiny);
	return 0;
}
