/* form.h — parsers for application/x-www-form-urlencoded bodies, query strings and cookies. */
#ifndef DITTO_FORM_H
#define DITTO_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* One decoded name/value pair. Both are NUL-terminated and contain no NUL. */
struct kv {
	const char *key;
	const char *val;
	size_t val_len;
};

/* An ordered list of pairs, allocated in a request arena. */
struct kvlist {
	struct kv *items;
	size_t n;
};

/* Limits applied while parsing; a request exceeding one is malformed (400). */
struct form_limits {
	size_t max_fields; /* pairs per list */
	size_t max_key;    /* bytes per decoded key */
	size_t max_value;  /* bytes per decoded value */
};

extern const struct form_limits FORM_LIMITS_DEFAULT; /* 256 fields, 64-byte keys, 8 KiB values */

/*
 * Parses a query string or urlencoded body of len bytes (need not be
 * NUL-terminated) into out, decoding %XX and '+' with uriparser.
 * Returns 0, or -1 when the input is malformed: bad percent-encoding, a
 * decoded NUL byte, invalid UTF-8, an empty key, a limit exceeded, or a key
 * given twice (keys ending in "[]" may repeat: they carry multi-value
 * fields such as checkbox lists).  On -1 out is empty.
 */
int form_parse_urlencoded(struct arena *a, const char *s, size_t len, const struct form_limits *lim,
                          struct kvlist *out);

/*
 * Parses a Cookie header ("a=1; b=2") into out without percent-decoding
 * (cookie values are opaque).  Returns 0, or -1 when malformed: control
 * characters, a missing '=', an empty name, or a limit exceeded.  When a
 * name repeats, the first occurrence wins (browsers send the most specific
 * cookie first) and later ones are dropped.
 */
int form_parse_cookies(struct arena *a, const char *s, size_t len, const struct form_limits *lim,
                       struct kvlist *out);

/* Returns the value of the first pair named key, or NULL. */
const char *kv_get(const struct kvlist *l, const char *key);

/* s percent-encoded for a query string (uriparser; a space becomes "+"), in arena a. */
const char *form_escape(struct arena *a, const char *s);

/* Returns true when s[0..len) is valid UTF-8 with no NUL, no DEL and no C0
 * control other than tab, CR and LF. */
bool form_text_ok(const char *s, size_t len);

#endif
