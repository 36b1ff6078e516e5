/* staff_reports.c — /admin/reports: aggregates over a date range, each as a server-drawn SVG
 * chart beside the table of its numbers, and each table as a CSV download. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/arena.h"
#include "../app/csv.h"
#include "../app/db/db.h"
#include "../app/db/reports.h"
#include "../app/db/traffic.h"
#include "../app/svgchart.h"
#include "../app/validate.h"
#include "../app/view.h"
#include "routes.h"

#define DAY 86400
/* The range when none is asked for: the last 30 days, today included. */
#define DEFAULT_DAYS 30
#define MAX_COLS     4

/* One table of the page: the numbers of one or two charts, and one CSV download. */
struct report_table {
	const char *name;    /* the ?table= of its CSV */
	const char *caption; /* the table's caption and heading */
	const char *note;    /* what it counts, under the heading */
	int ncols;
	const char *heads[MAX_COLS];
	size_t nrows;
	const char **cells; /* nrows * ncols texts */
};

static void table_init(struct arena *a, struct report_table *t, size_t nrows)
{
	t->nrows = nrows;
	t->cells = arena_alloc(a, (nrows ? nrows : 1) * (size_t)t->ncols * sizeof(*t->cells));
}

static void set_cell(struct report_table *t, size_t r, int c, const char *v)
{
	t->cells[r * (size_t)t->ncols + (size_t)c] = v;
}

static const char *num(struct arena *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* A chart of one column of t, labelled by column 0; values from vals (whole numbers). */
struct chart_spec {
	enum svgchart_kind kind;
	const char *id, *title, *x_label, *y_label;
	const long long *vals;
	const char *const *labels; /* NULL: column 0 of the table */
};

static const char *chart(struct request *req, const struct report_table *t,
                         const struct chart_spec *s)
{
	struct svgchart_point *p = arena_alloc(req->arena, (t->nrows ? t->nrows : 1) * sizeof(*p));
	for (size_t r = 0; r < t->nrows; r++)
		p[r] = (struct svgchart_point){
		    s->labels ? s->labels[r] : t->cells[r * (size_t)t->ncols], s->vals[r]};
	struct svgchart c = {s->kind, s->id, s->title, s->x_label, s->y_label, p, t->nrows};
	struct buf b = {0};
	const char *out = "";
	if (svgchart_render(&b, &c) == 0 && b.data != NULL)
		out = arena_printf(req->arena, "%s", b.data);
	buf_free(&b);
	return out;
}

/* Adds table t (and its charts' SVG, already drawn) to the page's "reports" list. */
static void add_section(struct tlist *l, const struct report_table *t, const char *svg1,
                        const char *svg2, const char *query)
{
	struct tdict *d = tlist_add(l);
	tdict_set_ref(d, "name", t->name);
	tdict_set_ref(d, "caption", t->caption);
	tdict_set_ref_if(d, "note", t->note);
	tdict_set_ref(d, "svg1", svg1);
	tdict_set_ref_if(d, "svg2", svg2);
	tdict_set_ref(d, "query", query);
	struct tlist *h = tdict_list(d, "heads");
	for (int c = 0; c < t->ncols; c++)
		tdict_set_ref(tlist_add(h), "v", t->heads[c]);
	struct tlist *rows = tdict_list(d, "rows");
	for (size_t r = 0; r < t->nrows; r++) {
		struct tdict *row = tlist_add(rows);
		tdict_set_ref(row, "head", t->cells[r * (size_t)t->ncols]);
		struct tlist *cells = tdict_list(row, "cells");
		for (int c = 1; c < t->ncols; c++)
			tdict_set_ref(tlist_add(cells), "v",
			              t->cells[r * (size_t)t->ncols + (size_t)c]);
	}
	tdict_set_bool(d, "empty", t->nrows == 0);
	tdict_setf(d, "ncols", "%d", t->ncols);
}

static int send_csv(struct request *req, struct response *res, const struct report_table *t,
                    const char *from, const char *to)
{
	buf_reset(&res->body);
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			buf_puts(&res->body, ",");
		csv_write_field(&res->body, t->heads[c]);
	}
	buf_puts(&res->body, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				buf_puts(&res->body, ",");
			csv_write_field(&res->body, t->cells[r * (size_t)t->ncols + (size_t)c]);
		}
		buf_puts(&res->body, "\r\n");
	}
	res->status = 200;
	res->no_store = true;
	res->content_type = "text/csv; charset=utf-8";
	http_header(res, "Content-Disposition",
	            arena_printf(req->arena, "attachment; filename=\"ditto-%s-%s-%s.csv\"", t->name,
	                         from, to));
	return 0;
}

/* The range asked for: both dates valid, from <= to, at most REPORT_MAX_DAYS days; a missing
 * field takes its default (to: today; from: DEFAULT_DAYS days up to to). */
static bool parse_range(struct request *req, time_t *from, time_t *to)
{
	const char *f = http_query(req, "from"), *t = http_query(req, "to");
	time_t now = time(NULL);
	if (t != NULL && *t != '\0') {
		if (!valid_date(t, to))
			return false;
	} else {
		*to = now - now % DAY;
	}
	if (f != NULL && *f != '\0') {
		if (!valid_date(f, from))
			return false;
	} else {
		*from = *to - (DEFAULT_DAYS - 1) * DAY;
	}
	return *from <= *to && (*to - *from) / DAY < REPORT_MAX_DAYS;
}

/* The traffic section's breakdowns: one metric of traffic_daily each, small groups merged. */
static const struct traffic_spec {
	const char *name, *metric, *caption, *note, *head, *title, *x_label, *y_label;
} traffic_specs[] = {
    {"traffic_clicks", "clicks", "Page views per visit",
     "Visits started in the range by the page views they had (10 or more as \"10+\").",
     "Page views", "Visits by page views", "Page views in the visit", "Visits"},
    {"traffic_pages", "page", "Top pages", "Page views in the range, by the page's route.", "Page",
     "Page views by page", "Page", "Page views"},
    {"traffic_entry", "entry", "Entry pages", "Visits started in the range, by their first page.",
     "Page", "Visits by entry page", "Entry page", "Visits"},
    {"traffic_exit", "exit", "Exit pages", "Visits started in the range, by their last page.",
     "Page", "Visits by exit page", "Exit page", "Visits"},
    {"traffic_outbound", "outbound", "Exits to other sites",
     "Signed links to other sites (/leave) opened in the range, by the other site's host.", "Host",
     "Exits by other site", "Other site", "Exits"},
    {"traffic_referrers", "referrer", "Referrer domains",
     "Visits started in the range, by the site that linked to the shop.", "Referrer",
     "Visits by referrer", "Referrer", "Visits"},
    {"traffic_browsers", "browser", "Browsers", "Visits started in the range, by browser family.",
     "Browser", "Visits by browser", "Browser", "Visits"},
    {"traffic_platforms", "platform", "Platforms",
     "Visits started in the range, by operating system.", "Platform", "Visits by platform",
     "Platform", "Visits"},
    {"traffic_devices", "device", "Device classes", "Visits started in the range, by device class.",
     "Device", "Visits by device class", "Device class", "Visits"},
    {"traffic_isps", "isp", "ISPs",
     "Visits started in the range, by the network (ASN) of the address; the address is never "
     "kept.",
     "ISP", "Visits by ISP", "ISP", "Visits"},
    {"traffic_status", "status", "Status codes", "Requests in the range, by HTTP status.", "Status",
     "Requests by status", "Status", "Requests"},
};
#define NTRAFFIC (sizeof(traffic_specs) / sizeof(traffic_specs[0]))

/* "1".."9", "10+": by number, "other" (last after the merge) stays last. */
static int clicks_cmp(const void *x, const void *y)
{
	const struct report_group *a = x, *b = y;
	return atoi(a->label) - atoi(b->label);
}

/* The traffic section's tables (per day first, then traffic_specs' order) into t[0..1+NTRAFFIC)
 * and their charts into svg1/svg2; *any: whether the range has any traffic.  Returns 0 or -1. */
static int traffic_tables(struct request *req, time_t from, time_t to, const char *from_s,
                          const char *to_s, struct report_table *t, bool *any)
{
	struct arena *a = req->arena;
	struct traffic_day *days;
	size_t ndays;
	if (db_traffic_per_day(req->db, a, from, to, &days, &ndays) < 0)
		return -1;
	*any = false;
	t[0] = (struct report_table){"traffic_daily",
	                             "Visits and page views per day",
	                             "Visits by the day they started; page views by their day "
	                             "(files and the health check left out).",
	                             3,
	                             {"Day", "Visits", "Page views"},
	                             0,
	                             NULL};
	table_init(a, &t[0], ndays);
	for (size_t r = 0; r < ndays; r++) {
		set_cell(&t[0], r, 0, days[r].day);
		set_cell(&t[0], r, 1, num(a, days[r].visits));
		set_cell(&t[0], r, 2, num(a, days[r].views));
		*any = *any || days[r].visits > 0 || days[r].views > 0;
	}
	for (size_t i = 0; i < NTRAFFIC; i++) {
		const struct traffic_spec *sp = &traffic_specs[i];
		struct report_group *g;
		size_t n;
		if (db_traffic_report(req->db, a, sp->metric, from_s, to_s, &g, &n) < 0)
			return -1;
		if (strcmp(sp->metric, "clicks") == 0 && n > 0) {
			size_t k = n > 0 && strcmp(g[n - 1].label, "other") == 0 ? n - 1 : n;
			qsort(g, k, sizeof(*g), clicks_cmp);
		}
		struct report_table *tt = &t[1 + i];
		*tt = (struct report_table){
		    sp->name, sp->caption, sp->note, 2, {sp->head, sp->y_label}, 0, NULL};
		table_init(a, tt, n);
		for (size_t r = 0; r < n; r++) {
			set_cell(tt, r, 0, g[r].label);
			set_cell(tt, r, 1, num(a, g[r].count));
		}
		*any = *any || n > 0;
	}
	return 0;
}

/* The values of column c of t (whole numbers it wrote). */
static const long long *column(struct arena *a, const struct report_table *t, int c)
{
	long long *v = arena_alloc(a, (t->nrows + 1) * sizeof(*v));
	for (size_t r = 0; r < t->nrows; r++)
		v[r] = atoll(t->cells[r * (size_t)t->ncols + (size_t)c]);
	return v;
}

enum { T_REGISTRATIONS, T_ORDERS, T_PENDING, T_VISIT_COUNTS, T_LAST_VISITS, T_CATEGORIES, T__MAX };

int handle_staff_reports(struct request *req, struct response *res)
{
	struct arena *a = req->arena;
	time_t from, to;
	const char *format = http_query(req, "format"), *want = http_query(req, "table");
	bool csv = format != NULL && strcmp(format, "csv") == 0;
	if (!parse_range(req, &from, &to) || (format != NULL && *format != '\0' && !csv) ||
	    (csv && want == NULL)) {
		view_error(req, res, 400);
		return 0;
	}
	char from_s[11], to_s[11];
	report_day_text(from, from_s);
	report_day_text(to, to_s);

	struct report_week *reg, *ord;
	struct report_group *pend, *vc, *lv, *cat;
	size_t nreg, nord, npend, nvc, nlv, ncat;
	if (db_report_registrations(req->db, a, from, to, &reg, &nreg) < 0 ||
	    db_report_orders(req->db, a, from, to, &ord, &nord) < 0 ||
	    db_report_pending(req->db, a, &pend, &npend) < 0 ||
	    db_report_visit_counts(req->db, a, &vc, &nvc) < 0 ||
	    db_report_last_visits(req->db, a, &lv, &nlv) < 0 ||
	    db_report_categories(req->db, a, from, to, &cat, &ncat) < 0)
		return -1;

	struct report_table t[T__MAX] = {
	    [T_REGISTRATIONS] = {"registrations",
	                         "Registrations per week",
	                         "Accounts registered in the range, by the week (Monday to Sunday, "
	                         "UTC) they registered in; a week cut by the range counts only its "
	                         "days in the range.",
	                         2,
	                         {"Week from", "Registrations"},
	                         0,
	                         NULL},
	    [T_ORDERS] = {"orders",
	                  "Orders and revenue per week",
	                  "Orders placed in the range (test orders left out); revenue of those not "
	                  "cancelled or refunded.",
	                  3,
	                  {"Week from", "Orders", "Revenue"},
	                  0,
	                  NULL},
	    [T_PENDING] = {"pending",
	                   "Registrations waiting for approval, by age",
	                   "Now, whatever the range: days since the registration.",
	                   2,
	                   {"Waiting", "Registrations"},
	                   0,
	                   NULL},
	    [T_VISIT_COUNTS] =
	        {"visit_counts",
	         "Approved accounts by number of visits",
	         "Now, whatever the range. Groups of fewer than 5 accounts are merged "
	         "into \"other\".",
	         2,
	         {"Visits", "Accounts"},
	         0,
	         NULL},
	    [T_LAST_VISITS] =
	        {"last_visits",
	         "Approved accounts by last visit",
	         "Now, whatever the range. Groups of fewer than 5 accounts are merged "
	         "into \"other\".",
	         2,
	         {"Last visit", "Accounts"},
	         0,
	         NULL},
	    [T_CATEGORIES] =
	        {"categories",
	         "Top categories",
	         "Orders in the range (not cancelled or refunded) with a product of the "
	         "category. Categories of fewer than 5 orders are merged into \"other\".",
	         4,
	         {"Category", "Orders", "Units", "Revenue"},
	         0,
	         NULL},
	};
	long long *reg_v = arena_alloc(a, (nreg + 1) * sizeof(long long));
	long long *ord_v = arena_alloc(a, (nord + 1) * sizeof(long long));
	long long *rev_v = arena_alloc(a, (nord + 1) * sizeof(long long));
	long long *pend_v = arena_alloc(a, (npend + 1) * sizeof(long long));
	long long *vc_v = arena_alloc(a, (nvc + 1) * sizeof(long long));
	long long *lv_v = arena_alloc(a, (nlv + 1) * sizeof(long long));
	long long *cat_v = arena_alloc(a, (ncat + 1) * sizeof(long long));
	const char **reg_l = arena_alloc(a, (nreg + 1) * sizeof(char *));
	const char **ord_l = arena_alloc(a, (nord + 1) * sizeof(char *));

	table_init(a, &t[T_REGISTRATIONS], nreg);
	for (size_t r = 0; r < nreg; r++) {
		set_cell(&t[T_REGISTRATIONS], r, 0, reg[r].start);
		set_cell(&t[T_REGISTRATIONS], r, 1, num(a, reg[r].count));
		reg_v[r] = reg[r].count;
		reg_l[r] = reg[r].start + 5; /* "MM-DD" on the axis; the table has the year */
	}
	table_init(a, &t[T_ORDERS], nord);
	for (size_t r = 0; r < nord; r++) {
		set_cell(&t[T_ORDERS], r, 0, ord[r].start);
		set_cell(&t[T_ORDERS], r, 1, num(a, ord[r].count));
		set_cell(&t[T_ORDERS], r, 2, format_price(a, ord[r].cents));
		ord_v[r] = ord[r].count;
		rev_v[r] = (ord[r].cents + 50) / 100; /* whole units on the chart */
		ord_l[r] = ord[r].start + 5;
	}
	table_init(a, &t[T_PENDING], npend);
	for (size_t r = 0; r < npend; r++) {
		set_cell(&t[T_PENDING], r, 0, pend[r].label);
		set_cell(&t[T_PENDING], r, 1, num(a, pend[r].count));
		pend_v[r] = pend[r].count;
	}
	table_init(a, &t[T_VISIT_COUNTS], nvc);
	for (size_t r = 0; r < nvc; r++) {
		set_cell(&t[T_VISIT_COUNTS], r, 0, vc[r].label);
		set_cell(&t[T_VISIT_COUNTS], r, 1, num(a, vc[r].count));
		vc_v[r] = vc[r].count;
	}
	table_init(a, &t[T_LAST_VISITS], nlv);
	for (size_t r = 0; r < nlv; r++) {
		set_cell(&t[T_LAST_VISITS], r, 0, lv[r].label);
		set_cell(&t[T_LAST_VISITS], r, 1, num(a, lv[r].count));
		lv_v[r] = lv[r].count;
	}
	table_init(a, &t[T_CATEGORIES], ncat);
	for (size_t r = 0; r < ncat; r++) {
		set_cell(&t[T_CATEGORIES], r, 0, cat[r].label);
		set_cell(&t[T_CATEGORIES], r, 1, num(a, cat[r].count));
		set_cell(&t[T_CATEGORIES], r, 2, num(a, cat[r].units));
		set_cell(&t[T_CATEGORIES], r, 3, format_price(a, cat[r].cents));
		cat_v[r] = (cat[r].cents + 50) / 100;
	}

	struct report_table tr[1 + NTRAFFIC];
	bool any_traffic;
	if (traffic_tables(req, from, to, from_s, to_s, tr, &any_traffic) < 0)
		return -1;

	if (csv) {
		for (int i = 0; i < T__MAX; i++)
			if (strcmp(want, t[i].name) == 0)
				return send_csv(req, res, &t[i], from_s, to_s);
		for (size_t i = 0; i < 1 + NTRAFFIC; i++)
			if (strcmp(want, tr[i].name) == 0)
				return send_csv(req, res, &tr[i], from_s, to_s);
		view_error(req, res, 400);
		return 0;
	}

	const struct chart_spec specs[][2] = {
	    [T_REGISTRATIONS] = {{SVGCHART_BAR, "chart-registrations", "Registrations per week",
	                          "Week from (month-day)", "Registrations", reg_v, reg_l}},
	    [T_ORDERS] = {{SVGCHART_BAR, "chart-orders", "Orders per week", "Week from (month-day)",
	                   "Orders", ord_v, ord_l},
	                  {SVGCHART_LINE, "chart-revenue", "Revenue per week",
	                   "Week from (month-day)", "Revenue (whole units)", rev_v, ord_l}},
	    [T_PENDING] = {{SVGCHART_BAR, "chart-pending", "Registrations waiting, by age",
	                    "Waiting for", "Registrations", pend_v, NULL}},
	    [T_VISIT_COUNTS] = {{SVGCHART_BAR, "chart-visit-counts", "Approved accounts by visits",
	                         "Visits", "Accounts", vc_v, NULL}},
	    [T_LAST_VISITS] = {{SVGCHART_BAR, "chart-last-visits",
	                        "Approved accounts by last visit", "Last visit", "Accounts", lv_v,
	                        NULL}},
	    [T_CATEGORIES] = {{SVGCHART_BAR, "chart-categories", "Revenue by category", "Category",
	                       "Revenue (whole units)", cat_v, NULL}},
	};
	const char *query = arena_printf(a, "from=%s&to=%s", from_s, to_s);
	struct tdict *ctx = view_ctx(req, "Reports");
	tdict_set_ref(ctx, "from", from_s);
	tdict_set_ref(ctx, "to", to_s);
	struct tlist *l = tdict_list(ctx, "reports");
	for (int i = 0; i < T__MAX; i++)
		add_section(l, &t[i], chart(req, &t[i], &specs[i][0]),
		            specs[i][1].id != NULL ? chart(req, &t[i], &specs[i][1]) : NULL, query);
	struct tlist *tl = tdict_list(ctx, "traffic_reports");
	if (any_traffic) {
		/* "MM-DD" on the axis of the days; the table has the year. */
		const char **day_l = arena_alloc(a, (tr[0].nrows + 1) * sizeof(char *));
		for (size_t r = 0; r < tr[0].nrows; r++)
			day_l[r] = tr[0].cells[r * (size_t)tr[0].ncols] + 5;
		struct chart_spec visits = {SVGCHART_LINE,
		                            "chart-traffic-visits",
		                            "Visits per day",
		                            "Day (month-day)",
		                            "Visits",
		                            column(a, &tr[0], 1),
		                            day_l},
		                  views = {SVGCHART_LINE,
		                           "chart-traffic-views",
		                           "Page views per day",
		                           "Day (month-day)",
		                           "Page views",
		                           column(a, &tr[0], 2),
		                           day_l};
		add_section(tl, &tr[0], chart(req, &tr[0], &visits), chart(req, &tr[0], &views),
		            query);
		for (size_t i = 0; i < NTRAFFIC; i++) {
			const struct traffic_spec *sp = &traffic_specs[i];
			struct chart_spec c = {SVGCHART_BAR, arena_printf(a, "chart-%s", sp->name),
			                       sp->title,    sp->x_label,
			                       sp->y_label,  column(a, &tr[1 + i], 1),
			                       NULL};
			add_section(tl, &tr[1 + i], chart(req, &tr[1 + i], &c), NULL, query);
		}
	}
	tdict_set_bool(ctx, "traffic", any_traffic);
	res->no_store = true;
	return view_render(req, res, 200, "admin/reports", ctx);
}
