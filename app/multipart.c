/* multipart.c — a small, strict multipart/form-data parser (RFC 7578) for the routes that take
 * a file: anything a browser or curl would not send is refused, so there is little to get
 * wrong.  The parts point into the body; nothing is copied but names and text values. */
#include "multipart.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "arena.h"

#define BOUNDARY_MAX  70   /* RFC 2046 */
#define HEADERS_MAX   1024 /* bytes of one part's header block */
#define FILENAME_MAX_ 255

/* RFC 2046's bchars, without the space (allowed only inside, and nobody sends it). */
static bool bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("'()+_,-./:=?", c) != NULL;
}

const char *multipart_boundary(struct arena *a, const char *ct)
{
	static const char type[] = "multipart/form-data";
	if (ct == NULL || strncasecmp(ct, type, sizeof(type) - 1) != 0)
		return NULL;
	const char *p = ct + sizeof(type) - 1;
	while (*p == ' ')
		p++;
	if (*p++ != ';')
		return NULL;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "boundary=", 9) != 0)
		return NULL;
	p += 9;
	bool quoted = *p == '"';
	if (quoted)
		p++;
	size_t n = 0;
	while (p[n] != '\0' && bchar(p[n]))
		n++;
	if (n == 0 || n > BOUNDARY_MAX)
		return NULL;
	const char *end = p + n;
	if (quoted && *end++ != '"')
		return NULL;
	if (*end != '\0') /* nothing after the boundary (no charset or other parameter) */
		return NULL;
	return arena_strndup(a, p, n);
}

/* The value of parameter name ("name", "filename") in a Content-Disposition value h[0..len):
 * a quoted string without backslash or quote inside (browsers percent-encode those).
 * Returns it in arena a, "" for an absent parameter with *present false, or NULL when
 * malformed. */
static const char *disposition_param(struct arena *a, const char *h, size_t len, const char *name,
                                     bool *present)
{
	size_t nlen = strlen(name);
	*present = false;
	for (size_t i = 0; i + nlen + 2 <= len; i++) {
		/* A parameter starts after "; " (so "filename" is not found inside "name"). */
		if (i < 2 || h[i - 1] != ' ' || h[i - 2] != ';')
			continue;
		if (strncasecmp(h + i, name, nlen) != 0 || h[i + nlen] != '=')
			continue;
		const char *v = h + i + nlen + 1;
		const char *end = h + len;
		if (v >= end || *v != '"')
			return NULL;
		v++;
		const char *q = memchr(v, '"', (size_t)(end - v));
		if (q == NULL || memchr(v, '\\', (size_t)(q - v)) != NULL)
			return NULL;
		if (q + 1 != end && q[1] != ';')
			return NULL;
		*present = true;
		return arena_strndup(a, v, (size_t)(q - v));
	}
	return "";
}

/* One part's headers h[0..len) (CRLF-separated, no final CRLF): fills the name, filename
 * (NULL for a text part) and content type.  Returns 0 or -1. */
static int part_headers(struct arena *a, const char *h, size_t len, const char **name,
                        const char **filename, const char **ctype)
{
	bool have_disp = false, have_ct = false;
	*name = NULL;
	*filename = NULL;
	*ctype = "";
	size_t pos = 0;
	while (pos < len) {
		const char *line = h + pos;
		const char *crlf = NULL;
		for (size_t i = pos; i + 1 < len; i++)
			if (h[i] == '\r' && h[i + 1] == '\n') {
				crlf = h + i;
				break;
			}
		size_t llen = crlf != NULL ? (size_t)(crlf - line) : len - pos;
		pos += llen + 2;
		for (size_t i = 0; i < llen; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				return -1; /* bare CR or LF, NUL, folding: refused */
		static const char cd[] = "Content-Disposition:";
		static const char ct[] = "Content-Type:";
		if (llen > sizeof(cd) - 1 && strncasecmp(line, cd, sizeof(cd) - 1) == 0) {
			if (have_disp)
				return -1;
			have_disp = true;
			const char *v = line + sizeof(cd) - 1;
			size_t vlen = llen - (sizeof(cd) - 1);
			while (vlen > 0 && *v == ' ')
				v++, vlen--;
			if (vlen < 10 || strncasecmp(v, "form-data;", 10) != 0)
				return -1;
			bool has_name, has_file;
			const char *n = disposition_param(a, v, vlen, "name", &has_name);
			const char *f = disposition_param(a, v, vlen, "filename", &has_file);
			if (n == NULL || f == NULL || !has_name)
				return -1;
			*name = n;
			*filename = has_file ? f : NULL;
		} else if (llen > sizeof(ct) - 1 && strncasecmp(line, ct, sizeof(ct) - 1) == 0) {
			if (have_ct)
				return -1;
			have_ct = true;
			const char *v = line + sizeof(ct) - 1;
			size_t vlen = llen - (sizeof(ct) - 1);
			while (vlen > 0 && *v == ' ')
				v++, vlen--;
			*ctype = arena_strndup(a, v, vlen);
		} else {
			return -1;
		}
	}
	return have_disp ? 0 : -1;
}

static bool seen(const struct kvlist *form, const char *key)
{
	for (size_t i = 0; i < form->n; i++)
		if (strcmp(form->items[i].key, key) == 0)
			return true;
	return false;
}

/* Adds a part to form or files. Returns 0 or -1. */
static int add_part(struct arena *a, const struct form_limits *lim, const char *name,
                    const char *filename, const char *ctype, const char *data, size_t dlen,
                    struct kvlist *form, struct uploads *files)
{
	size_t klen = strlen(name);
	if (klen == 0 || klen > lim->max_key || !form_text_ok(name, klen))
		return -1;
	if (filename != NULL) {
		size_t flen = strlen(filename);
		if (flen > FILENAME_MAX_ || !form_text_ok(filename, flen))
			return -1;
		if (flen == 0)
			return dlen == 0 ? 0 : -1; /* a file input left empty */
		if (files->n == MULTIPART_MAX_FILES || uploads_get(files, name) != NULL ||
		    seen(form, name))
			return -1;
		files->items[files->n++] = (struct upload){
		    .field = name,
		    .filename = filename,
		    .content_type = ctype,
		    .data = (const unsigned char *)data,
		    .len = dlen,
		};
		return 0;
	}
	if (dlen > lim->max_value || !form_text_ok(data, dlen) || form->n == lim->max_fields)
		return -1;
	bool multi = klen >= 2 && strcmp(name + klen - 2, "[]") == 0;
	if (!multi && (seen(form, name) || uploads_get(files, name) != NULL))
		return -1;
	form->items[form->n++] =
	    (struct kv){.key = name, .val = arena_strndup(a, data, dlen), .val_len = dlen};
	return 0;
}

int multipart_parse(struct arena *a, const char *ct, const char *body, size_t len,
                    const struct form_limits *lim, struct kvlist *form, struct uploads *files)
{
	*form = (struct kvlist){0};
	*files = (struct uploads){0};
	const char *b = multipart_boundary(a, ct);
	if (b == NULL)
		return -1;
	size_t blen = strlen(b);
	/* "\r\n--" + boundary: what ends every part's data. */
	char *delim = arena_printf(a, "\r\n--%s", b);
	size_t dlen = blen + 4;
	struct kvlist f = {.items = arena_alloc(a, lim->max_fields * sizeof(struct kv))};
	struct uploads u = {.items = arena_alloc(a, MULTIPART_MAX_FILES * sizeof(struct upload))};

	/* No preamble: the body starts with the first delimiter (without its CRLF). */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
		return -1;
	size_t pos = dlen - 2;
	for (;;) {
		/* After a delimiter: "--" closes the body, CRLF starts a part. */
		if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-') {
			pos += 2;
			if (pos != len &&
			    !(len - pos == 2 && body[pos] == '\r' && body[pos + 1] == '\n'))
				return -1;
			break;
		}
		if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
			return -1;
		pos += 2;
		/* The header block ends at the first empty line, within HEADERS_MAX bytes. */
		size_t hmax = len - pos < HEADERS_MAX + 4 ? len - pos : HEADERS_MAX + 4;
		const char *hend = memmem(body + pos, hmax, "\r\n\r\n", 4);
		if (hend == NULL)
			return -1;
		const char *name, *filename, *ctype;
		if (part_headers(a, body + pos, (size_t)(hend - (body + pos)), &name, &filename,
		                 &ctype) < 0)
			return -1;
		pos = (size_t)(hend - body) + 4;
		const char *end = memmem(body + pos, len - pos, delim, dlen);
		if (end == NULL)
			return -1;
		if (add_part(a, lim, name, filename, ctype, body + pos,
		             (size_t)(end - (body + pos)), &f, &u) < 0)
			return -1;
		pos = (size_t)(end - body) + dlen;
	}
	*form = f.n > 0 ? f : (struct kvlist){0};
	*files = u.n > 0 ? u : (struct uploads){0};
	return 0;
}

const struct upload *uploads_get(const struct uploads *files, const char *field)
{
	for (size_t i = 0; i < files->n; i++)
		if (strcmp(files->items[i].field, field) == 0)
			return &files->items[i];
	return NULL;
}
