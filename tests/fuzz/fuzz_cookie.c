/* fuzz_cookie.c — libFuzzer target: form_parse_cookies must refuse or return a clean list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"

/* Small limits reach the limit checks with short inputs; the defaults cover the common path. */
static const struct form_limits tiny = {.max_fields = 4, .max_key = 8, .max_value = 16};

static int has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

static void check(const char *s, size_t len, const struct form_limits *lim)
{
	struct arena *a = arena_new();
	struct kvlist l;
	if (form_parse_cookies(a, s, len, lim, &l) < 0) {
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
		if (klen == 0 || klen > lim->max_key || has_control(kv->key, klen))
			abort();
		if (strlen(kv->val) != kv->val_len || kv->val_len > lim->max_value ||
		    has_control(kv->val, kv->val_len))
			abort();
		/* Later duplicates are dropped, so names are unique. */
		for (size_t j = 0; j < i; j++)
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
