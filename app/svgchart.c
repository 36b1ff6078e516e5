/* svgchart.c — bar and line charts as inline SVG, drawn on the server (no script). */
#include "svgchart.h"

#include <string.h>

#include "arena.h"

/* The plot area inside the SVG: room on the left for the y ticks and caption, below for the
 * x labels and caption. */
#define LEFT   72
#define RIGHT  16
#define TOP    16
#define BOTTOM 64
#define PLOT_W (SVGCHART_WIDTH - LEFT - RIGHT)
#define PLOT_H (SVGCHART_HEIGHT - TOP - BOTTOM)
/* At most this many x labels are written; the others are skipped (the table has them all). */
#define MAX_X_LABELS 12

long long svgchart_axis_max(long long v)
{
	if (v <= 1)
		return 1;
	long long p = 1;
	while (p <= v / 10)
		p *= 10;
	/* p <= v < 10p: the top is p, 2p, 5p or 10p, the first at or above v. */
	static const int steps[] = {1, 2, 5, 10};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (p * steps[i] >= v)
			return p * steps[i];
	return p * 10;
}

static int valid_id(const char *id)
{
	if (id == NULL || *id == '\0')
		return 0;
	for (const char *s = id; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static void put_text(struct buf *b, const char *s)
{
	if (s != NULL)
		buf_append_html(b, s, strlen(s));
}

/* The y coordinate of value v on an axis topped at max. */
static long y_of(long long v, long long max)
{
	if (v < 0)
		v = 0;
	return TOP + PLOT_H - (long)((double)v * PLOT_H / (double)max + 0.5);
}

int svgchart_render(struct buf *b, const struct svgchart *c)
{
	if (!valid_id(c->id))
		return -1;
	long long top = 0;
	for (size_t i = 0; i < c->npoints; i++)
		if (c->points[i].value > top)
			top = c->points[i].value;
	long long max = svgchart_axis_max(top);

	buf_printf(
	    b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-labelledby=\"%s-title\">\n<title id=\"%s-title\">",
	    SVGCHART_WIDTH, SVGCHART_HEIGHT, c->id, c->id);
	put_text(b, c->title);
	buf_puts(b, "</title>\n");

	/* The y axis: a tick and a number at each quarter of max, a grid line across. */
	buf_printf(b, "<g class=\"axis y\">\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
	           LEFT, TOP, LEFT, TOP + PLOT_H);
	for (int q = 0; q <= 4; q++) {
		long long v = max * q / 4;
		/* A quarter of a small axis that is no whole number is left out. */
		if (q > 0 && q < 4 && (max * q) % 4 != 0)
			continue;
		long y = y_of(v, max);
		buf_printf(b,
		           "<line class=\"grid\" x1=\"%d\" y1=\"%ld\" x2=\"%d\" y2=\"%ld\"/>"
		           "<text x=\"%d\" y=\"%ld\" text-anchor=\"end\">%lld</text>\n",
		           LEFT, y, LEFT + PLOT_W, y, LEFT - 6, y + 4, v);
	}
	buf_printf(b,
	           "<text class=\"caption\" transform=\"translate(16 %d) rotate(-90)\" "
	           "text-anchor=\"middle\">",
	           TOP + PLOT_H / 2);
	put_text(b, c->y_label);
	buf_puts(b, "</text>\n</g>\n");

	/* The x axis: the labels of the points (every k-th), and its caption. */
	buf_printf(b, "<g class=\"axis x\">\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
	           LEFT, TOP + PLOT_H, LEFT + PLOT_W, TOP + PLOT_H);
	size_t every =
	    c->npoints > MAX_X_LABELS ? (c->npoints + MAX_X_LABELS - 1) / MAX_X_LABELS : 1;
	double slot = c->npoints > 0 ? (double)PLOT_W / (double)c->npoints : PLOT_W;
	for (size_t i = 0; i < c->npoints; i += every) {
		long x = LEFT + (long)(slot * ((double)i + 0.5));
		buf_printf(b, "<text x=\"%ld\" y=\"%d\" text-anchor=\"middle\">", x,
		           TOP + PLOT_H + 18);
		put_text(b, c->points[i].label);
		buf_puts(b, "</text>\n");
	}
	buf_printf(b, "<text class=\"caption\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
	           LEFT + PLOT_W / 2, SVGCHART_HEIGHT - 12);
	put_text(b, c->x_label);
	buf_puts(b, "</text>\n</g>\n");

	if (c->npoints == 0) {
		buf_printf(b,
		           "<text class=\"empty\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">No "
		           "data</text>\n",
		           LEFT + PLOT_W / 2, TOP + PLOT_H / 2);
	} else if (c->kind == SVGCHART_BAR) {
		buf_puts(b, "<g class=\"bars\">\n");
		long w = (long)(slot * 0.7);
		if (w < 1)
			w = 1;
		for (size_t i = 0; i < c->npoints; i++) {
			long x = LEFT + (long)(slot * ((double)i + 0.5)) - w / 2;
			long y = y_of(c->points[i].value, max);
			buf_printf(b,
			           "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\"><title>",
			           x, y, w, (long)(TOP + PLOT_H) - y);
			put_text(b, c->points[i].label);
			buf_printf(b, ": %lld</title></rect>\n", c->points[i].value);
		}
		buf_puts(b, "</g>\n");
	} else {
		buf_puts(b, "<g class=\"line\">\n<polyline fill=\"none\" points=\"");
		for (size_t i = 0; i < c->npoints; i++)
			buf_printf(b, "%s%ld,%ld", i ? " " : "",
			           LEFT + (long)(slot * ((double)i + 0.5)),
			           y_of(c->points[i].value, max));
		buf_puts(b, "\"/>\n");
		for (size_t i = 0; i < c->npoints; i++) {
			buf_printf(b, "<circle cx=\"%ld\" cy=\"%ld\" r=\"3\"><title>",
			           LEFT + (long)(slot * ((double)i + 0.5)),
			           y_of(c->points[i].value, max));
			put_text(b, c->points[i].label);
			buf_printf(b, ": %lld</title></circle>\n", c->points[i].value);
		}
		buf_puts(b, "</g>\n");
	}
	buf_puts(b, "</svg>\n");
	return 0;
}
