/* textdiff.c — a line diff by longest common subsequence, small and bounded. */
#include "textdiff.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"

/* A text split into lines, each NUL-terminated in the arena. */
struct lines {
	const char **v;
	size_t n;
};

static struct lines split(struct arena *a, const char *s)
{
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == '\n';
	struct lines l = {arena_alloc(a, cap * sizeof(char *)), 0};
	if (*s == '\0')
		return l; /* an empty text has no lines */
	for (const char *p = s;;) {
		size_t len = strcspn(p, "\n");
		l.v[l.n++] = arena_strndup(a, p, len);
		if (p[len] == '\0' || p[len + 1] == '\0')
			break; /* a final line break ends the last line: no empty line after it */
		p += len + 1;
	}
	return l;
}

/* Appends one line to the diff being built (room was counted beforehand). */
static void emit(struct diff_line *d, size_t *n, enum diff_op op, const char *text)
{
	d[*n] = (struct diff_line){op, text};
	(*n)++;
}

/*
 * The middle of the diff: old lines o[0..no) against new lines w[0..nw).
 * lcs[i][j] is the length of a longest common subsequence of o[i..] and
 * w[j..]; walking it from the start takes a common line whenever it lies on
 * such a subsequence.
 */
static void diff_middle(struct arena *a, const char **o, size_t no, const char **w, size_t nw,
                        struct diff_line *d, size_t *n)
{
	if ((uint64_t)(no + 1) * (nw + 1) > TEXTDIFF_MAX_CELLS) {
		for (size_t i = 0; i < no; i++)
			emit(d, n, DIFF_REMOVED, o[i]);
		for (size_t j = 0; j < nw; j++)
			emit(d, n, DIFF_ADDED, w[j]);
		return;
	}
	size_t cols = nw + 1;
	uint32_t *lcs = arena_alloc(a, (no + 1) * cols * sizeof(uint32_t));
	for (size_t i = no; i-- > 0;)
		for (size_t j = nw; j-- > 0;)
			lcs[i * cols + j] = strcmp(o[i], w[j]) == 0
			                        ? lcs[(i + 1) * cols + j + 1] + 1
			                        : (lcs[(i + 1) * cols + j] > lcs[i * cols + j + 1]
			                               ? lcs[(i + 1) * cols + j]
			                               : lcs[i * cols + j + 1]);
	size_t i = 0, j = 0;
	while (i < no && j < nw) {
		if (strcmp(o[i], w[j]) == 0) {
			emit(d, n, DIFF_SAME, o[i]);
			i++, j++;
		} else if (lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1]) {
			emit(d, n, DIFF_REMOVED, o[i++]);
		} else {
			emit(d, n, DIFF_ADDED, w[j++]);
		}
	}
	while (i < no)
		emit(d, n, DIFF_REMOVED, o[i++]);
	while (j < nw)
		emit(d, n, DIFF_ADDED, w[j++]);
}

void text_diff(struct arena *a, const char *old, const char *new, struct diff_line **out, size_t *n)
{
	struct lines o = split(a, old), w = split(a, new);
	struct diff_line *d = arena_alloc(a, (o.n + w.n + 1) * sizeof(*d));
	size_t k = 0;
	/* The common beginning and end cost nothing to find and keep the table small. */
	size_t head = 0;
	while (head < o.n && head < w.n && strcmp(o.v[head], w.v[head]) == 0)
		head++;
	size_t tail = 0;
	while (tail < o.n - head && tail < w.n - head &&
	       strcmp(o.v[o.n - 1 - tail], w.v[w.n - 1 - tail]) == 0)
		tail++;
	for (size_t i = 0; i < head; i++)
		emit(d, &k, DIFF_SAME, o.v[i]);
	diff_middle(a, o.v + head, o.n - head - tail, w.v + head, w.n - head - tail, d, &k);
	for (size_t i = o.n - tail; i < o.n; i++)
		emit(d, &k, DIFF_SAME, o.v[i]);
	*out = d;
	*n = k;
}
