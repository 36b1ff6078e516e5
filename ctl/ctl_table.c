/* ctl_table.c — the operator's lists as tables a terminal shows well: a header, columns padded
 * to their widest cell in characters (UTF-8 counted as characters, not bytes), control
 * characters as spaces, overlong cells cut with "...". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* Characters (UTF-8 sequences) in the first bytes of s that a cell of at most max shows. */
static size_t chars_of(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Prints s in a cell of width characters (cut to CTL_TABLE_CELL_MAX with "..."), padded
 * unless last. */
static void put_cell(const char *s, size_t width, bool right, bool last)
{
	size_t n = chars_of(s), shown = n > CTL_TABLE_CELL_MAX ? CTL_TABLE_CELL_MAX - 3 : n;
	if (right)
		for (size_t i = n > CTL_TABLE_CELL_MAX ? CTL_TABLE_CELL_MAX : n; i < width; i++)
			putchar(' ');
	size_t c = 0;
	for (const char *p = s; *p != '\0'; p++) {
		bool start = ((unsigned char)*p & 0xc0) != 0x80;
		if (start && c++ == shown)
			break;
		putchar((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
	}
	if (shown < n)
		fputs("...", stdout);
	if (!right && !last)
		for (size_t i = n > CTL_TABLE_CELL_MAX ? CTL_TABLE_CELL_MAX : n; i < width; i++)
			putchar(' ');
}

void ctl_table_print(size_t ncols, const char *const *head, unsigned right,
                     const char *const *cells, size_t nrows)
{
	size_t *w = calloc(ncols, sizeof(*w));
	if (w == NULL)
		return;
	for (size_t c = 0; c < ncols; c++)
		w[c] = chars_of(head[c]);
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cells[r * ncols + c] ? cells[r * ncols + c] : "";
			size_t n = chars_of(v);
			if (n > CTL_TABLE_CELL_MAX)
				n = CTL_TABLE_CELL_MAX;
			if (n > w[c])
				w[c] = n;
		}
	for (size_t r = 0; r <= nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *v = r == 0 ? head[c] : cells[(r - 1) * ncols + c];
			put_cell(v ? v : "", w[c], (right >> c) & 1u, c + 1 == ncols);
			if (c + 1 < ncols)
				fputs("  ", stdout);
		}
		putchar('\n');
	}
	free(w);
}
