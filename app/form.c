/* form.c — strict parsers for urlencoded bodies, query strings and Cookie headers. */
#include "form.h"

#include "arena.h"

#include <stdint.h>
#include <string.h>
#include <uriparser/Uri.h>

const struct form_limits FORM_LIMITS_DEFAULT = {
    .max_fields = 256,
    .max_key = 64,
    .max_value = 8192,
};

/* Room for every pair s could hold: one per separator plus one, at most lim->max_fields. */
static struct kv *items_alloc(struct arena *a, const char *s, size_t len, char sep,
                              const struct form_limits *lim)
{
	size_t cap = 1;
	for (size_t i = 0; i < len && cap < lim->max_fields; i++)
		if (s[i] == sep)
			cap++;
	if (cap > lim->max_fields)
		cap = lim->max_fields;
	return arena_alloc(a, cap * sizeof(struct kv));
}

static bool key_seen(const struct kv *items, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].key, key) == 0)
			return true;
	return false;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Decodes s[0..len) into a fresh arena string and stores it and its length.
 * Returns 0, or -1 when the input is malformed or the result is longer than max.
 */
static int form_decode(struct arena *a, const char *s, size_t len, size_t max, char **out,
                       size_t *out_len)
{
	/*
	 * uriparser copies "%zz" and a trailing "%4" through unchanged, and
	 * stops at a raw NUL, so both must be refused before it sees them.
	 */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0')
			return -1;
		if (s[i] == '%') {
			if (len - i < 3 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
				return -1;
			i += 2;
		}
	}
	char *buf = arena_strndup(a, s, len);
	const char *end = uriUnescapeInPlaceExA(buf, URI_TRUE, URI_BR_DONT_TOUCH);
	size_t n = (size_t)(end - buf);
	/* A "%00" leaves a NUL inside buf; form_text_ok refuses it. */
	if (n > max || !form_text_ok(buf, n))
		return -1;
	*out = buf;
	*out_len = n;
	return 0;
}

int form_parse_urlencoded(struct arena *a, const char *s, size_t len, const struct form_limits *lim,
                          struct kvlist *out)
{
	out->items = NULL;
	out->n = 0;
	if (len == 0)
		return 0;

	struct kv *items = items_alloc(a, s, len, '&', lim);
	size_t n = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *seg = s + pos;
		const char *amp = memchr(seg, '&', len - pos);
		size_t seg_len = amp != NULL ? (size_t)(amp - seg) : len - pos;
		pos += seg_len + 1;
		if (seg_len == 0)
			continue; /* "a=1&&b=2" and a trailing '&' are harmless */

		const char *eq = memchr(seg, '=', seg_len);
		size_t key_len = eq != NULL ? (size_t)(eq - seg) : seg_len;
		const char *vstart = eq != NULL ? eq + 1 : seg + seg_len;
		char *key, *val;
		size_t klen, vlen;
		if (n == lim->max_fields)
			return -1;
		if (form_decode(a, seg, key_len, lim->max_key, &key, &klen) < 0 || klen == 0)
			return -1;
		if (form_decode(a, vstart, (size_t)(seg + seg_len - vstart), lim->max_value, &val,
		                &vlen) < 0)
			return -1;
		bool multi = klen >= 2 && strcmp(key + klen - 2, "[]") == 0;
		if (!multi && key_seen(items, n, key))
			return -1;
		items[n++] = (struct kv){.key = key, .val = val, .val_len = vlen};
	}
	out->items = n > 0 ? items : NULL;
	out->n = n;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Narrows [*start, *end) past leading and trailing spaces and tabs. */
static void trim(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && is_blank(s[*start]))
		(*start)++;
	while (*end > *start && is_blank(s[*end - 1]))
		(*end)--;
}

static bool has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

int form_parse_cookies(struct arena *a, const char *s, size_t len, const struct form_limits *lim,
                       struct kvlist *out)
{
	out->items = NULL;
	out->n = 0;
	if (len == 0)
		return 0;

	struct kv *items = items_alloc(a, s, len, ';', lim);
	size_t n = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *semi = memchr(s + pos, ';', len - pos);
		size_t start = pos;
		size_t end = semi != NULL ? (size_t)(semi - s) : len;
		pos = end + 1;
		trim(s, &start, &end);
		if (start == end)
			continue; /* "a=1;" and "a=1; ; b=2" carry nothing to refuse */

		const char *eq = memchr(s + start, '=', end - start);
		if (eq == NULL)
			return -1;
		/* RFC 6265 5.2: whitespace around the name and the value is not part of them. */
		size_t name_start = start, name_end = (size_t)(eq - s);
		size_t val_start = name_end + 1, val_end = end;
		trim(s, &name_start, &name_end);
		trim(s, &val_start, &val_end);
		if (val_end - val_start >= 2 && s[val_start] == '"' && s[val_end - 1] == '"') {
			val_start++;
			val_end--;
		}
		size_t name_len = name_end - name_start, val_len = val_end - val_start;
		if (name_len == 0 || name_len > lim->max_key || val_len > lim->max_value)
			return -1;
		if (has_control(s + name_start, name_len) || has_control(s + val_start, val_len))
			return -1;

		char *name = arena_strndup(a, s + name_start, name_len);
		if (key_seen(items, n, name))
			continue; /* the browser sent the most specific cookie first */
		if (n == lim->max_fields)
			return -1;
		items[n++] = (struct kv){
		    .key = name,
		    .val = arena_strndup(a, s + val_start, val_len),
		    .val_len = val_len,
		};
	}
	out->items = n > 0 ? items : NULL;
	out->n = n;
	return 0;
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	return NULL;
}

/* Returns the length of the UTF-8 sequence at s[0..len), or 0 when it is invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* continuation byte, overlong 0xc0/0xc1, or 0xf5 and up */
	}
	if (len < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

bool form_text_ok(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = u[i];
		/* DEL is refused with the C0 controls: no form field has a use for it. */
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return false;
		size_t n = utf8_seq_len(u + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

const char *form_escape(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) * 3 + 1);
	uriEscapeA(s, out, URI_TRUE, URI_FALSE);
	return out;
}
