/* multipart.h — a small, strict multipart/form-data parser for the routes that take a file. */
#ifndef DITTO_MULTIPART_H
#define DITTO_MULTIPART_H

#include <stddef.h>

#include "form.h"

struct arena;

/* One file part: the bytes point into the request body, which lives as long as the arena. */
struct upload {
	const char *field;        /* the part's name */
	const char *filename;     /* as the browser sent it (never used as a path) */
	const char *content_type; /* "" when the part gave none */
	const unsigned char *data;
	size_t len;
};

struct uploads {
	struct upload *items;
	size_t n;
};

#define MULTIPART_MAX_FILES 4 /* file parts one request may carry */

/*
 * Returns the boundary of a Content-Type "multipart/form-data; boundary=B"
 * (B optionally quoted; 1 to 70 characters of RFC 2046's bchars, no
 * trailing space) as a string in arena a, or NULL when ct is not that.
 */
const char *multipart_boundary(struct arena *a, const char *ct);

/*
 * Parses body[0..len) of Content-Type ct.  Text parts (no filename) go to
 * form under the same rules as form_parse_urlencoded (valid UTF-8 without
 * NULs or control characters, lim's limits, no repeated name unless it ends
 * in "[]"); file parts go to files (at most MULTIPART_MAX_FILES; a part whose
 * filename is empty, a file input left empty, is dropped).  Strict: no
 * preamble, CRLF line ends, each part has exactly one Content-Disposition
 * "form-data" with a quoted name, at most a Content-Type besides, headers of
 * at most 1 KiB, and nothing but an optional CRLF after the closing
 * boundary.  Returns 0, or -1 when the body is malformed (form and files
 * are then empty).
 */
int multipart_parse(struct arena *a, const char *ct, const char *body, size_t len,
                    const struct form_limits *lim, struct kvlist *form, struct uploads *files);

/* The file part named field, or NULL. */
const struct upload *uploads_get(const struct uploads *files, const char *field);

#endif
