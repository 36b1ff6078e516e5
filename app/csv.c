/* csv.c — RFC 4180 CSV: the record reader and the formula-safe field writer. */
#include "csv.h"

#include <string.h>

#include "arena.h"

/* Appends c to the field being read (dst NULL: a field not kept), up to CSV_FIELD_MAX. */
static void put(char *dst, size_t *n, char c)
{
	if (dst != NULL && *n < CSV_FIELD_MAX)
		dst[(*n)++] = c;
}

int csv_read_record(const char *s, size_t len, size_t *pos, int *line, struct csv_record *r)
{
	size_t i = *pos;
	int lines = 0;
	memset(r, 0, sizeof(*r));
	if (i >= len)
		return 1;
	for (;;) {
		char *dst = r->nfields < CSV_KEEP_FIELDS ? r->field[r->nfields] : NULL;
		size_t n = 0;
		if (i < len && s[i] == '"') {
			r->quoted = true;
			for (i++;; i++) {
				if (i >= len)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						put(dst, &n, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				if (s[i] == '\n')
					lines++;
				put(dst, &n, s[i]);
			}
			if (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
				return -1;
		} else {
			for (; i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n'; i++) {
				if (s[i] == '"')
					return -1;
				put(dst, &n, s[i]);
			}
		}
		r->nfields++;
		if (i < len && s[i] == ',') {
			i++;
			continue;
		}
		break;
	}
	if (i < len && s[i] == '\r')
		i++;
	if (i < len) {
		if (s[i] != '\n')
			return -1; /* a lone CR */
		i++;
		lines++;
	}
	*pos = i;
	*line += lines;
	return 0;
}

void csv_write_field(struct buf *b, const char *s)
{
	bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_append(b, "\"", 1);
	if (formula)
		buf_append(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_append(b, "\"\"", 2);
		else
			buf_append(b, p, 1);
	}
	if (quote)
		buf_append(b, "\"", 1);
}
