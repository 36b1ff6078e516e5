/* svgchart.h — bar and line charts drawn on the server as inline SVG: a title, labelled axes,
 * every text escaped, no script.  The numbers themselves go in a table beside the chart. */
#ifndef DITTO_SVGCHART_H
#define DITTO_SVGCHART_H

#include <stddef.h>

struct buf;

enum svgchart_kind {
	SVGCHART_BAR,  /* one bar per point: categories, buckets */
	SVGCHART_LINE, /* points joined in order: a series over time */
};

/* One point: its label on the x axis and its value (negative values are drawn as 0). */
struct svgchart_point {
	const char *label;
	long long value;
};

struct svgchart {
	enum svgchart_kind kind;
	const char *id;      /* [A-Za-z0-9_-] only: the prefix of the ids inside the SVG */
	const char *title;   /* the SVG's <title>, what a screen reader announces */
	const char *x_label; /* the x axis' caption */
	const char *y_label; /* the y axis' caption */
	const struct svgchart_point *points;
	size_t npoints;
};

/* The SVG's drawing size in user units (it scales to its container). */
enum {
	SVGCHART_WIDTH = 640,
	SVGCHART_HEIGHT = 280,
};

/*
 * The smallest "nice" number (1, 2 or 5 times a power of ten) at or above
 * v, the top of a y axis; 1 for v <= 1.
 */
long long svgchart_axis_max(long long v);

/*
 * Appends chart c to b as one <svg> element: role="img" labelled by its
 * <title>, the y axis with ticks at each quarter of svgchart_axis_max(), the
 * x axis with the points' labels (every k-th one when too many fit), both
 * axis captions, and each bar or point with its own <title> ("label: value").
 * Text is HTML-escaped.  A chart with no points draws its axes and says
 * "No data".  Returns 0, or -1 (nothing appended) when c->id is empty or
 * holds a character outside [A-Za-z0-9_-].
 */
int svgchart_render(struct buf *b, const struct svgchart *c);

#endif
