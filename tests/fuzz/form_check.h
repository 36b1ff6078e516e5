/* form_check.h — what every parsed form must be, for the fuzz targets that parse one
 * (fuzz_form.c, fuzz_multipart.c): at most lim's fields, keys and values within lim's lengths
 * and valid text (form_text_ok), and no key twice unless it ends in "[]". */
#ifndef DITTO_FUZZ_FORM_CHECK_H
#define DITTO_FUZZ_FORM_CHECK_H

#include <stdbool.h>
#include <string.h>

#include "form.h"

static inline bool form_list_ok(const struct kvlist *l, const struct form_limits *lim)
{
	if (l->n > lim->max_fields || (l->n == 0) != (l->items == NULL))
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct kv *kv = &l->items[i];
		size_t klen = strlen(kv->key);
		if (klen == 0 || klen > lim->max_key || !form_text_ok(kv->key, klen))
			return false;
		if (strlen(kv->val) != kv->val_len || kv->val_len > lim->max_value ||
		    !form_text_ok(kv->val, kv->val_len))
			return false;
		bool multi = klen >= 2 && strcmp(kv->key + klen - 2, "[]") == 0;
		for (size_t j = 0; j < i && !multi; j++)
			if (strcmp(l->items[j].key, kv->key) == 0)
				return false;
	}
	return true;
}

#endif
