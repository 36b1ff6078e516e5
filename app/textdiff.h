/* textdiff.h — what changed between two texts, line by line (the shop's policy changes page). */
#ifndef DITTO_TEXTDIFF_H
#define DITTO_TEXTDIFF_H

#include <stddef.h>

struct arena;

enum diff_op {
	DIFF_SAME,    /* in both texts */
	DIFF_REMOVED, /* only in the old text */
	DIFF_ADDED,   /* only in the new text */
};

/* One line of a diff: its text (without the line break), NUL-terminated, in the arena. */
struct diff_line {
	enum diff_op op;
	const char *text;
};

/*
 * The most lines compared pairwise (old lines x new lines, once the common
 * beginning and end are set aside): beyond it the middle is shown as all of
 * the old removed and all of the new added, which is still true, only less
 * helpful, and keeps the work bounded whatever two texts are asked for.
 */
#define TEXTDIFF_MAX_CELLS (1u << 20)

/*
 * Diffs old and new (split at '\n'; a trailing "\r" stays with its line) by
 * a longest common subsequence of lines: every old line appears once as
 * same or removed and every new line once as same or added, in order.
 * Stores the lines in *out and their count in *n (arena a).  Cannot fail.
 */
void text_diff(struct arena *a, const char *old, const char *new, struct diff_line **out,
               size_t *n);

#endif
