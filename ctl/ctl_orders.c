/* ctl_orders.c — `dittoctl shipments export|import` (the carrier's manifest and tracking
 * numbers) and `dittoctl order status` (an order's status changed by hand). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/customers.h"
#include "../app/db/db.h"
#include "../app/validate.h"
#include "ctl.h"

#define SHIP_LOCK        "ditto.shipments"
#define SHIP_BATCH       200             /* orders read, marked and recorded per transaction */
#define SHIP_DEFAULT_DIR "var/shipments" /* relative to the working directory */
#define SHIP_RECIPIENT   "shipping company"
#define SHIP_FIELDS      "name, shipping address, items, weight"
#define IMPORT_LOCK_WAIT 30                 /* seconds an import waits for a running export */
#define IMPORT_MAX_BYTES (16 * 1024 * 1024) /* a carrier file is a few kB per hundred orders */
#define TRACKING_MAX     64                 /* orders.tracking_number */
#define NOTE_MAX_CHARS   400 /* order_status_history.note is 500: room for our own remark */
#define REFUND_NOTE      "refund to be issued by billing"

/* The manifest's columns: only what the carrier needs to deliver a parcel. */
static const char MANIFEST_HEADER[] = "order_id,ship_to_name,shipping_line1,shipping_line2,"
                                      "shipping_city,shipping_postcode,shipping_country,items,"
                                      "weight_grams\r\n";

static const char SQL_ORDER_HISTORY[] = "INSERT INTO order_status_history "
                                        "(order_id, status, changed_by, note) VALUES (?, ?, ?, ?)";

/* Writes "<base_url>/orders/<id>" (without a doubled slash) into buf. */
static void order_url(char *buf, size_t cap, long long id)
{
	char path[32];
	snprintf(path, sizeof(path), "/orders/%lld", id);
	ctl_shop_url(buf, cap, path);
}

/* ---- shipments export ---- */

/* One exported order: what marking it needs, and where its record ends in the manifest. */
struct ship_order {
	long long id;
	long long customer_id; /* 0 when the order has none */
	size_t end;            /* manifest length just after this order's record */
};

/*
 * Appends one CSV field (RFC 4180).  A text that a spreadsheet would run as
 * a formula (starting with = + - @, tab or CR) gets a leading single quote,
 * so opening the manifest never executes what a customer typed into an
 * address.  The field is quoted when it holds a comma, quote or line break,
 * and quotes inside are doubled.
 */
static void csv_field(struct buf *b, const char *s)
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

/* A growable list of exported orders. */
struct ship_list {
	struct ship_order *v;
	size_t n, cap;
};

/* Appends o. Returns 0, or -1 when out of memory. */
static int ship_list_add(struct ship_list *l, struct ship_order o)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct ship_order *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = o;
	return 0;
}

static const char SQL_SHIP_PENDING[] =
    "SELECT id, customer_id, contact_name, shipping_line1, shipping_line2, shipping_city, "
    "shipping_postcode, shipping_country, weight_grams FROM orders WHERE status = 'paid' AND "
    "shipment_exported_at IS NULL AND anonymised_at IS NULL AND id > ? ORDER BY id LIMIT ?";
static const char SQL_SHIP_LINES[] = "SELECT order_id, sku, quantity FROM order_lines "
                                     "WHERE order_id BETWEEN ? AND ? ORDER BY order_id, line_no";

/*
 * Reads every order waiting for shipment, in batches, appending one record
 * each to the manifest m and to list l.  Returns 0, or -1 after printing
 * one error line.
 */
static int ship_collect(struct db *db, struct arena *a, struct buf *m, struct ship_list *l)
{
	long long after = 0;
	for (;;) {
		arena_wipe(a);
		arena_reset(a);
		struct db_rows o, li;
		struct db_arg args[] = {DB_INT(after), DB_INT(SHIP_BATCH)};
		if (db_query(db, a, SQL_SHIP_PENDING, args, 2, &o) < 0) {
			fail("cannot read the orders to ship as %s: %s", cfg.db_cron_user,
			     db_error(db));
			return -1;
		}
		if (o.nrows == 0)
			return 0;
		struct db_arg range[] = {DB_INT(db_cell_int(&o, 0, 0)),
		                         DB_INT(db_cell_int(&o, o.nrows - 1, 0))};
		if (db_query(db, a, SQL_SHIP_LINES, range, 2, &li) < 0) {
			fail("cannot read the order lines as %s: %s", cfg.db_cron_user,
			     db_error(db));
			return -1;
		}
		/* Both are sorted by order id: walk them together. */
		size_t j = 0;
		for (size_t i = 0; i < o.nrows; i++) {
			long long id = db_cell_int(&o, i, 0);
			buf_printf(m, "%lld", id);
			for (size_t c = 2; c <= 7; c++) {
				buf_append(m, ",", 1);
				csv_field(m, db_cell(&o, i, c) ? db_cell(&o, i, c) : "");
			}
			struct buf items = {0};
			while (j < li.nrows && db_cell_int(&li, j, 0) < id)
				j++;
			for (; j < li.nrows && db_cell_int(&li, j, 0) == id; j++)
				buf_printf(&items, "%s%s x%lld", items.len ? "; " : "",
				           db_cell(&li, j, 1) ? db_cell(&li, j, 1) : "",
				           db_cell_int(&li, j, 2));
			buf_append(m, ",", 1);
			csv_field(m, items.data ? items.data : "");
			buf_free(&items);
			buf_printf(m, ",%lld\r\n", db_cell_int(&o, i, 8));
			struct ship_order so = {id, db_cell_int(&o, i, 1), m->len};
			if (ship_list_add(l, so) < 0) {
				fail("out of memory");
				return -1;
			}
			after = id;
		}
	}
}

/* Removes manifests a run that died mid-write left half-written (personal data). */
static void ship_remove_leftovers(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "manifest-", 9) == 0 && n > 8 &&
		    strcmp(e->d_name + n - 8, ".csv.tmp") == 0)
			unlinkat(dirfd, e->d_name, 0);
	}
	closedir(d);
}

/*
 * Writes a new manifest-YYYYmmddTHHMMSSZ.csv in dirfd atomically and
 * durably (temporary file, fsync, link to the final name, fsync of the
 * directory).  The final name is never an existing file: a second manifest
 * in the same second gets "-2", "-3", ... before ".csv".  Stores the name
 * in name.  Returns 0, or -1 with errno set.
 */
static int write_manifest(int dirfd, const struct buf *m, char *name, size_t cap)
{
	char stamp[32], tmp[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(tmp, sizeof(tmp), "manifest-%s.csv.tmp", stamp);
	if (ctl_write_tmp(dirfd, tmp, m->data, m->len) < 0)
		return -1;
	/* link(2) fails rather than replace: an earlier manifest is never overwritten. */
	int rc = -1;
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(name, cap, "manifest-%s.csv", stamp);
		else
			snprintf(name, cap, "manifest-%s-%d.csv", stamp, n);
		rc = linkat(dirfd, tmp, dirfd, name, 0);
		if (rc == 0 || errno != EEXIST)
			break;
	}
	int e = errno;
	unlinkat(dirfd, tmp, 0);
	if (rc < 0) {
		errno = e;
		return -1;
	}
	return fsync(dirfd);
}

/*
 * Leaves the manifest name holding only its first len bytes (the orders
 * already recorded), or removes it when no order was recorded.  Returns 0,
 * or -1 with errno set.
 */
static int cut_manifest(int dirfd, const char *name, const struct buf *m, size_t len)
{
	if (len <= strlen(MANIFEST_HEADER)) {
		if (unlinkat(dirfd, name, 0) < 0)
			return -1;
		return fsync(dirfd);
	}
	char tmp[96];
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	return ctl_replace_file(dirfd, name, tmp, m->data, len);
}

/* One batch to mark exported, filled in by mark_tx (which db_tx may run more than once). */
struct ship_mark {
	const struct ship_order *v;
	size_t from, to;   /* the batch: v[from] up to, not including, v[to] */
	char refused[200]; /* why the batch was not recorded; "" after a database error */
};

static const char SQL_SHIP_MARK[] =
    "UPDATE orders SET shipment_exported_at = UTC_TIMESTAMP(6) WHERE id = ? AND "
    "status = 'paid' AND shipment_exported_at IS NULL AND anonymised_at IS NULL";
static const char SQL_DISCLOSURE[] = "INSERT INTO disclosures (customer_id, order_id, recipient, "
                                     "fields, purpose) VALUES (?, ?, ?, ?, ?)";

/*
 * Marks a batch exported and records one disclosure per order.  Returns 0
 * to commit, -1 to roll back (m->refused says when it was not a database
 * error).  The lock is checked inside the transaction: db_tx reconnects
 * after a lost connection, and a new connection no longer holds it.
 */
static int mark_tx(struct db *db, void *ctx)
{
	struct ship_mark *m = ctx;
	m->refused[0] = '\0';
	int held = ctl_lock_held(db, SHIP_LOCK);
	if (held < 0)
		return -1;
	if (held == 0) {
		snprintf(m->refused, sizeof(m->refused),
		         "lost the shipments lock (database connection dropped?)");
		return -1;
	}
	for (size_t i = m->from; i < m->to; i++) {
		const struct ship_order *o = &m->v[i];
		unsigned long long changed = 0;
		struct db_arg id[] = {DB_INT(o->id)};
		if (db_exec(db, SQL_SHIP_MARK, id, 1, &changed, NULL) < 0)
			return -1;
		if (changed != 1) {
			/* Cancelled or changed by staff between reading and marking. */
			snprintf(m->refused, sizeof(m->refused),
			         "order %lld changed while it was being exported", o->id);
			return -1;
		}
		char purpose[64];
		snprintf(purpose, sizeof(purpose), "delivery of order %lld", o->id);
		struct db_arg d[] = {o->customer_id > 0 ? DB_INT(o->customer_id) : DB_NULL,
		                     DB_INT(o->id), DB_STR(SHIP_RECIPIENT), DB_STR(SHIP_FIELDS),
		                     DB_STR(purpose)};
		if (db_exec(db, SQL_DISCLOSURE, d, 5, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static const char export_usage[] =
    "usage: dittoctl shipments export [DIR]\n"
    "Writes the shipping company's manifest of every paid order not yet exported to\n"
    "DIR/manifest-YYYYmmddTHHMMSSZ.csv (DIR defaults to var/shipments under the current\n"
    "directory and is created, mode 0750; the file is mode 0640, written atomically).\n"
    "The CSV (RFC 4180, CRLF line breaks) has a header line and only what delivery needs:\n"
    "  order_id,ship_to_name,shipping_line1,shipping_line2,shipping_city,\n"
    "  shipping_postcode,shipping_country,items,weight_grams\n"
    "where items is \"SKU xQUANTITY; ...\". A field starting with = + - @ is prefixed with '\n"
    "so that a spreadsheet never runs it as a formula. Once the file is on disk, each\n"
    "order is marked exported and a disclosure to the shipping company is recorded for\n"
    "its customer (one transaction per 200 orders); if that fails, the file is cut back\n"
    "to the orders recorded (or removed) and the rest are exported by the next run.\n"
    "Connects as db_cron_user. Holds GET_LOCK('ditto.shipments'): while another run\n"
    "holds it, prints \"another shipments run is running\" and exits 0.\n"
    "Prints \"exported N order(s) to PATH\" or \"nothing to export\".";

static int shipments_export(int argc, char **argv)
{
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(export_usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (dir == NULL && argv[i][0] != '-' && argv[i][0] != '\0')
			dir = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl shipments export --help)",
			    argv[i]);
	}
	char dirbuf[CONFIG_STR];
	if (snprintf(dirbuf, sizeof(dirbuf), "%s", dir ? dir : SHIP_DEFAULT_DIR) >=
	    (int)sizeof(dirbuf))
		return usage_fail("DIR is too long (at most %d bytes)", CONFIG_STR - 1);
	/* "out/" and "out" are one directory: print its manifest as out/manifest-... */
	for (size_t n = strlen(dirbuf); n > 1 && dirbuf[n - 1] == '/'; n--)
		dirbuf[n - 1] = '\0';
	dir = dirbuf;
	if (ctl_config() < 0)
		return CTL_ERR;
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;

	int rc = CTL_ERR, dirfd = -1;
	struct arena *a = arena_new();
	struct buf m = {0};
	struct ship_list l = {0};
	char name[96] = "";
	int got = ctl_lock_or_yield(db, SHIP_LOCK, "shipments", "another shipments run is running");
	if (got <= 0) {
		rc = got == 0 ? CTL_OK : CTL_ERR;
		goto out;
	}
	if ((dirfd = ctl_open_dir(dir)) < 0) {
		fail("cannot use shipments directory %s: %s", dir, strerror(errno));
		goto out;
	}
	ship_remove_leftovers(dirfd);

	buf_puts(&m, MANIFEST_HEADER);
	if (ship_collect(db, a, &m, &l) < 0)
		goto out;
	if (l.n == 0) {
		puts("nothing to export");
		rc = CTL_OK;
		goto out;
	}
	/* Without the lock another run may be exporting the same orders: write nothing. */
	if (ctl_lock_held(db, SHIP_LOCK) != 1) {
		fail("lost the shipments lock (database connection dropped?); nothing exported");
		goto out;
	}
	if (write_manifest(dirfd, &m, name, sizeof(name)) < 0) {
		fail("cannot write a manifest in %s: %s", dir, strerror(errno));
		goto out;
	}

	/*
	 * The file is on disk: record it.  Should this process die between the
	 * two, the next run exports the unrecorded orders again (the carrier
	 * sees an order twice rather than never).
	 */
	size_t done = 0;
	while (done < l.n) {
		struct ship_mark mk = {.v = l.v,
		                       .from = done,
		                       .to = done + SHIP_BATCH < l.n ? done + SHIP_BATCH : l.n};
		if (db_tx(db, mark_tx, &mk) < 0) {
			size_t keep = done > 0 ? l.v[done - 1].end : 0;
			char why[300];
			snprintf(why, sizeof(why), "%s", mk.refused[0] ? mk.refused : db_error(db));
			if (cut_manifest(dirfd, name, &m, keep) < 0)
				fail("cannot record the export (%s), and cannot cut %s/%s back to "
				     "the %zu order(s) recorded: %s",
				     why, dir, name, done, strerror(errno));
			else if (done > 0)
				fail("cannot record the export (%s); %s/%s holds the %zu order(s) "
				     "recorded, the next run exports the rest",
				     why, dir, name, done);
			else
				fail("cannot record the export (%s); no manifest written", why);
			goto out;
		}
		done = mk.to;
	}
	printf("exported %zu order(s) to %s/%s\n", l.n, dir, name);
	rc = CTL_OK;
out:
	if (got > 0)
		ctl_unlock(db, SHIP_LOCK);
	if (dirfd >= 0)
		close(dirfd);
	/* The manifest held names and addresses: leave nothing of it in freed memory. */
	if (m.data != NULL)
		sodium_memzero(m.data, m.cap);
	buf_free(&m);
	free(l.v);
	arena_wipe(a);
	arena_free(a);
	db_free(db);
	return rc;
}

/* ---- shipments import ---- */

enum { REC_FIELDS = 3, REC_FIELD_MAX = 80 };

/*
 * One CSV record as read.  Fields beyond REC_FIELDS are counted, not kept;
 * a field is cut at REC_FIELD_MAX bytes, which no valid value reaches, so a
 * cut field still fails validation.
 */
struct record {
	int nfields;
	char field[REC_FIELDS][REC_FIELD_MAX + 1];
	bool quoted; /* some field was quoted */
};

/* Appends c to the field being read (dst NULL: a field not kept), up to REC_FIELD_MAX. */
static void put(char *dst, size_t *n, char c)
{
	if (dst != NULL && *n < REC_FIELD_MAX)
		dst[(*n)++] = c;
}

/*
 * Reads the RFC 4180 record starting at *pos (fields quoted or not, "" for
 * a quote inside quotes, records ending in CRLF, LF or the end of input),
 * moves *pos past it and adds the line breaks it consumed to *line.
 * Returns 0, 1 at the end of input, or -1 when the record is malformed
 * (an unterminated quote, a quote inside an unquoted field, or text after
 * a closing quote).
 */
static int csv_read(const char *s, size_t len, size_t *pos, int *line, struct record *r)
{
	size_t i = *pos;
	memset(r, 0, sizeof(*r));
	if (i >= len)
		return 1;
	for (;;) {
		char *dst = r->nfields < REC_FIELDS ? r->field[r->nfields] : NULL;
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
					(*line)++;
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
		(*line)++;
	}
	*pos = i;
	return 0;
}

/* True for a tracking number: 1..64 of [A-Za-z0-9-]. */
static bool valid_tracking(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > TRACKING_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return true;
}

/* One data row of the carrier's file. */
struct ship_row {
	int line; /* where it starts (the header is line 1) */
	long long order_id;
	char tracking[TRACKING_MAX + 1];
	char error[200]; /* non-empty: the row is malformed, and why */
};

/* A growable list of rows. */
struct row_list {
	struct ship_row *v;
	size_t n, cap;
};

/* Returns a new zeroed row at the end of l, or NULL when out of memory. */
static struct ship_row *row_list_add(struct row_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ship_row *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/*
 * Parses the carrier's file (len bytes of s) into rows, stopping after the
 * first malformed one (kept, with its error: rows before it are checked
 * against the database first, so the error names the first bad line).
 * Returns 0, or -1 after printing one error line (a bad header, out of memory).
 */
static int parse_tracking_file(const char *file, const char *s, size_t len, struct row_list *l)
{
	size_t pos = 0;
	int line = 1;
	struct record r;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a UTF-8 byte order mark, as some spreadsheets write */
	int st = csv_read(s, len, &pos, &line, &r);
	if (st != 0 || r.nfields != 2 || strcmp(r.field[0], "order_id") != 0 ||
	    strcmp(r.field[1], "tracking_number") != 0) {
		fail("%s: line 1: the header must be exactly order_id,tracking_number", file);
		return -1;
	}
	for (;;) {
		int start = line;
		st = csv_read(s, len, &pos, &line, &r);
		if (st == 1)
			return 0;
		if (st == 0 && r.nfields == 1 && r.field[0][0] == '\0' && !r.quoted)
			continue; /* a blank line */
		struct ship_row *row = row_list_add(l);
		if (row == NULL) {
			fail("out of memory");
			return -1;
		}
		row->line = start;
		if (st < 0)
			snprintf(row->error, sizeof(row->error),
			         "malformed CSV (an unclosed quote, a quote inside a field, or "
			         "a stray carriage return)");
		else if (r.nfields != 2)
			snprintf(row->error, sizeof(row->error),
			         "expected 2 fields (order_id,tracking_number), found %d",
			         r.nfields);
		else if (!valid_id(r.field[0], &row->order_id) || row->order_id > 4294967295LL)
			snprintf(row->error, sizeof(row->error),
			         "order_id must be a positive number");
		else if (!valid_tracking(r.field[1]))
			snprintf(row->error, sizeof(row->error),
			         "tracking number must be 1-%d letters, digits or '-'",
			         TRACKING_MAX);
		else
			snprintf(row->tracking, sizeof(row->tracking), "%s", r.field[1]);
		if (row->error[0] != '\0')
			return 0;
	}
}

/* The import, filled in by import_tx (which db_tx may run more than once). */
struct ship_import {
	const struct row_list *rows;
	const char *file;
	long long shipped;
	char refused[300]; /* why the file was refused; "" after a database error */
};

static const char SQL_IMPORT_ORDER[] =
    "SELECT status, tracking_number, customer_id, contact_name, contact_email, "
    "anonymised_at IS NULL FROM orders WHERE id = ? FOR UPDATE";
static const char SQL_SHIP_SET[] = "UPDATE orders SET status = 'shipped', tracking_number = ? "
                                   "WHERE id = ? AND status = 'paid'";

static const char SHIPPED_BODY[] =
    "Hello %s,\n\n"
    "your order %lld has left us and is on its way with our shipping company.\n"
    "Its tracking number is %s.\n"
    "You can follow your order at %s.\n\n"
    "idem ditto\n";

/* Queues the "shipped" message for an order (none for an anonymised one). */
static int queue_shipped_mail(struct db *db, long long order_id, long long customer_id,
                              const char *name, const char *email, const char *tracking)
{
	if (email == NULL || email[0] == '\0')
		return 0;
	char url[CONFIG_STR + 32], subject[80], body[1024];
	order_url(url, sizeof(url), order_id);
	snprintf(subject, sizeof(subject), "Your order %lld has shipped", order_id);
	snprintf(body, sizeof(body), SHIPPED_BODY, name ? name : "", order_id,
	         tracking ? tracking : "(none)", url);
	int rc = db_outbox_insert(db, customer_id, "order_shipped", email, subject, body);
	sodium_memzero(body, sizeof(body));
	return rc;
}

/*
 * Applies every row or none: each order is locked, checked, marked shipped
 * with its history and message.  Returns 0 to commit, -1 to roll back.
 */
static int import_tx(struct db *db, void *ctx)
{
	struct ship_import *im = ctx;
	im->refused[0] = '\0';
	im->shipped = 0;
	int held = ctl_lock_held(db, SHIP_LOCK);
	if (held <= 0) {
		if (held == 0)
			snprintf(im->refused, sizeof(im->refused),
			         "lost the shipments lock (database connection dropped?)");
		return -1;
	}
	struct arena *a = arena_new();
	int rc = -1;
	for (size_t i = 0; i < im->rows->n; i++) {
		const struct ship_row *row = &im->rows->v[i];
		arena_wipe(a);
		arena_reset(a);
		if (row->error[0] != '\0') {
			snprintf(im->refused, sizeof(im->refused), "%s: line %d: %s", im->file,
			         row->line, row->error);
			goto out;
		}
		struct db_rows r;
		struct db_arg id[] = {DB_INT(row->order_id)};
		if (db_query(db, a, SQL_IMPORT_ORDER, id, 1, &r) < 0)
			goto out;
		if (r.nrows == 0) {
			snprintf(im->refused, sizeof(im->refused), "%s: line %d: no order %lld",
			         im->file, row->line, row->order_id);
			goto out;
		}
		const char *status = db_cell(&r, 0, 0) ? db_cell(&r, 0, 0) : "";
		const char *tracking = db_cell(&r, 0, 1);
		/* Recorded already (by an earlier run of this file): nothing to do. */
		if (tracking != NULL && strcmp(tracking, row->tracking) == 0 &&
		    strcmp(status, "paid") != 0)
			continue;
		if (strcmp(status, "paid") != 0) {
			if (strcmp(status, "shipped") == 0)
				snprintf(im->refused, sizeof(im->refused),
				         "%s: line %d: order %lld was already shipped with "
				         "tracking number %s",
				         im->file, row->line, row->order_id,
				         tracking ? tracking : "(none)");
			else
				snprintf(im->refused, sizeof(im->refused),
				         "%s: line %d: order %lld is %s (only paid orders can be "
				         "shipped)",
				         im->file, row->line, row->order_id, status);
			goto out;
		}
		struct db_arg set[] = {DB_STR(row->tracking), DB_INT(row->order_id)};
		if (db_exec(db, SQL_SHIP_SET, set, 2, NULL, NULL) < 0)
			goto out;
		char note[TRACKING_MAX + 16];
		snprintf(note, sizeof(note), "tracking %s", row->tracking);
		struct db_arg hist[] = {DB_INT(row->order_id), DB_STR("shipped"),
		                        DB_STR(SHIP_RECIPIENT), DB_STR(note)};
		if (db_exec(db, SQL_ORDER_HISTORY, hist, 4, NULL, NULL) < 0)
			goto out;
		bool anonymised = db_cell_int(&r, 0, 5) == 0;
		if (!anonymised &&
		    queue_shipped_mail(db, row->order_id, db_cell_int(&r, 0, 2), db_cell(&r, 0, 3),
		                       db_cell(&r, 0, 4), row->tracking) < 0)
			goto out;
		im->shipped++;
	}
	rc = 0;
out:
	arena_wipe(a);
	arena_free(a);
	return rc;
}

static const char import_usage[] =
    "usage: dittoctl shipments import FILE\n"
    "Reads the shipping company's CSV of dispatched parcels: a header line\n"
    "order_id,tracking_number, then one order per line. Each order must be paid; it is\n"
    "marked shipped with its tracking number (1-64 letters, digits or '-'), the status\n"
    "history records it (by \"shipping company\"), and the customer is sent a message with\n"
    "the tracking number and a link to the order. An order already holding that\n"
    "tracking number is skipped, so importing a file twice is safe.\n"
    "All lines or none: the first bad line stops the import, changes nothing, and the\n"
    "error names its line number.\n"
    "Connects as db_cron_user. Waits up to 30 s for GET_LOCK('ditto.shipments') (held by\n"
    "a running export or import). Prints \"shipped N order(s)\".";

static int shipments_import(int argc, char **argv)
{
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(import_usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (file == NULL && argv[i][0] != '-' && argv[i][0] != '\0')
			file = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl shipments import --help)",
			    argv[i]);
	}
	if (file == NULL)
		return usage_fail(
		    "shipments import needs a FILE (try: dittoctl shipments import --help)");

	struct stat st;
	if (stat(file, &st) < 0)
		return fail("cannot read %s: %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail("cannot read %s: not a regular file", file);
	if (st.st_size > IMPORT_MAX_BYTES)
		return fail("%s is too large (at most %d MiB)", file, IMPORT_MAX_BYTES >> 20);
	size_t len;
	char *data = ctl_read_file(file, &len);
	if (data == NULL)
		return fail("cannot read %s: %s", file, strerror(errno));
	struct row_list rows = {0};
	struct db *db = NULL;
	int rc = CTL_ERR, got = 0;
	if (len == 0) {
		fail("%s is empty (expected the header order_id,tracking_number)", file);
		goto out;
	}
	const char *nul = memchr(data, '\0', len);
	if (nul != NULL) {
		int line = 1;
		for (const char *p = data; p < nul; p++)
			line += *p == '\n';
		fail("%s: line %d: contains a NUL byte", file, line);
		goto out;
	}
	if (parse_tracking_file(file, data, len, &rows) < 0)
		goto out;

	if (ctl_config() < 0)
		goto out;
	db = ctl_cron_db();
	if (db == NULL)
		goto out;
	got = ctl_lock(db, SHIP_LOCK, IMPORT_LOCK_WAIT);
	if (got < 0) {
		fail("cannot take the shipments lock as %s: %s", cfg.db_cron_user, db_error(db));
		goto out;
	}
	if (got == 0) {
		fail("another shipments run held the lock for %d s; %s was not imported",
		     IMPORT_LOCK_WAIT, file);
		goto out;
	}
	struct ship_import im = {.rows = &rows, .file = file};
	if (db_tx(db, import_tx, &im) < 0) {
		if (im.refused[0] != '\0')
			fail("%s; nothing imported", im.refused);
		else
			fail("cannot import %s: %s; nothing imported", file, db_error(db));
		goto out;
	}
	printf("shipped %lld order(s)\n", im.shipped);
	rc = CTL_OK;
out:
	if (got > 0)
		ctl_unlock(db, SHIP_LOCK);
	db_free(db);
	free(rows.v);
	free(data);
	return rc;
}

int cmd_shipments(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("shipments needs a sub-command: export or import (try: dittoctl "
		                  "shipments --help)");
	if (ctl_is_help(argv[1])) {
		printf("%s\n\n%s\n", export_usage, import_usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], "export") == 0)
		return shipments_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return shipments_import(argc - 1, argv + 1);
	return usage_fail("unknown shipments command '%s' (try: dittoctl shipments --help)",
	                  argv[1]);
}

/* ---- order status ---- */

/* Every status and where it may go next, as the shop's order lifecycle allows. */
static const struct transition {
	const char *from;
	const char *to[4]; /* NULL-terminated */
	const char *to_text;
} transitions[] = {
    {"placed", {"paid", "cancelled", NULL}, "paid or cancelled"},
    {"paid", {"shipped", "cancelled", "refunded", NULL}, "shipped, cancelled or refunded"},
    {"shipped", {"delivered", "refunded", NULL}, "delivered or refunded"},
    {"delivered", {"refunded", NULL}, "refunded"},
    {"cancelled", {NULL}, NULL},
    {"refunded", {NULL}, NULL},
};

#define NTRANSITIONS (sizeof(transitions) / sizeof(transitions[0]))

/* What the customer is told for a status; each body has %s name, %lld order, %s link. */
static const struct status_mail {
	const char *status;
	const char *kind;
	const char *subject; /* %lld: the order */
	const char *body;
} status_mails[] = {
    {"shipped", "order_shipped", "Your order %lld has shipped",
     "Hello %s,\n\nyour order %lld has left us and is on its way.\n"
     "You can follow your order at %s.\n\nidem ditto\n"},
    {"delivered", "order_delivered", "Your order %lld has been delivered",
     "Hello %s,\n\nyour order %lld has been delivered. We hope you enjoy it.\n"
     "You can see your order at %s.\n\nidem ditto\n"},
    {"cancelled", "order_cancelled", "Your order %lld has been cancelled",
     "Hello %s,\n\nyour order %lld has been cancelled. Anything you paid for it will be\n"
     "refunded to you.\nYou can see your order at %s.\n\nidem ditto\n"},
    {"refunded", "order_refunded", "Your order %lld has been refunded",
     "Hello %s,\n\nyour order %lld has been refunded: the amount you paid will be returned\n"
     "to you.\nYou can see your order at %s.\n\nidem ditto\n"},
};

#define NSTATUS_MAILS (sizeof(status_mails) / sizeof(status_mails[0]))

static const struct transition *transition_of(const char *status)
{
	for (size_t i = 0; i < NTRANSITIONS; i++)
		if (strcmp(transitions[i].from, status) == 0)
			return &transitions[i];
	return NULL;
}

static const struct status_mail *mail_of_status(const char *status)
{
	for (size_t i = 0; i < NSTATUS_MAILS; i++)
		if (strcmp(status_mails[i].status, status) == 0)
			return &status_mails[i];
	return NULL;
}

/* One change by hand, filled in by status_tx (which db_tx may run more than once). */
struct status_change {
	long long order_id;
	const char *to;
	const char *note;       /* the operator's, or NULL */
	const char *changed_by; /* "dittoctl:<os user>" */
	char was[16];
	bool mailed;
	char refused[256]; /* why the change is not allowed; "" when made or on a DB error */
};

static const char SQL_STATUS_ORDER[] =
    "SELECT status, customer_id, contact_name, contact_email, anonymised_at IS NULL "
    "FROM orders WHERE id = ? FOR UPDATE";
static const char SQL_STATUS_SET[] = "UPDATE orders SET status = ? WHERE id = ?";

/*
 * The change in one transaction; the order's row is locked first, so two
 * concurrent runs serialise and the second sees the first's status.
 * Returns 0 to commit, -1 to roll back.
 */
static int status_tx(struct db *db, void *ctx)
{
	struct status_change *c = ctx;
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	c->refused[0] = '\0';
	c->mailed = false;

	struct db_arg id[] = {DB_INT(c->order_id)};
	if (db_query(db, a, SQL_STATUS_ORDER, id, 1, &r) < 0)
		goto out;
	if (r.nrows == 0) {
		snprintf(c->refused, sizeof(c->refused), "no order %lld", c->order_id);
		goto out;
	}
	const char *status = db_cell(&r, 0, 0) ? db_cell(&r, 0, 0) : "";
	snprintf(c->was, sizeof(c->was), "%s", status);
	const struct transition *t = transition_of(status);
	bool allowed = false;
	for (size_t i = 0; t != NULL && t->to[i] != NULL; i++)
		allowed = allowed || strcmp(t->to[i], c->to) == 0;
	if (!allowed) {
		if (strcmp(status, c->to) == 0)
			snprintf(c->refused, sizeof(c->refused), "order %lld is already %s",
			         c->order_id, status);
		else if (t == NULL || t->to_text == NULL)
			snprintf(c->refused, sizeof(c->refused),
			         "cannot change order %lld from %s to %s: %s is final", c->order_id,
			         status, c->to, status);
		else
			snprintf(
			    c->refused, sizeof(c->refused),
			    "cannot change order %lld from %s to %s (a %s order can become %s)",
			    c->order_id, status, c->to, status, t->to_text);
		goto out;
	}

	struct db_arg set[] = {DB_STR(c->to), DB_INT(c->order_id)};
	if (db_exec(db, SQL_STATUS_SET, set, 2, NULL, NULL) < 0)
		goto out;
	/* Money was taken: the refund itself is billing's job, so the history says so. */
	bool refund = strcmp(c->to, "refunded") == 0 ||
	              (strcmp(c->to, "cancelled") == 0 && strcmp(status, "paid") == 0);
	const char *note = c->note;
	if (refund)
		note = c->note ? arena_printf(a, "%s; %s", REFUND_NOTE, c->note) : REFUND_NOTE;
	struct db_arg hist[] = {DB_INT(c->order_id), DB_STR(c->to), DB_STR(c->changed_by),
	                        note ? DB_STR(note) : DB_NULL};
	if (db_exec(db, SQL_ORDER_HISTORY, hist, 4, NULL, NULL) < 0)
		goto out;

	const struct status_mail *sm = mail_of_status(c->to);
	const char *email = db_cell(&r, 0, 3);
	bool anonymised = db_cell_int(&r, 0, 4) == 0;
	if (sm != NULL && !anonymised && email != NULL && email[0] != '\0') {
		char url[CONFIG_STR + 32], subject[80], body[1024];
		order_url(url, sizeof(url), c->order_id);
		snprintf(subject, sizeof(subject), sm->subject, c->order_id);
		snprintf(body, sizeof(body), sm->body, db_cell(&r, 0, 2) ? db_cell(&r, 0, 2) : "",
		         c->order_id, url);
		long long customer = db_cell_int(&r, 0, 1);
		int st = db_outbox_insert(db, customer, sm->kind, email, subject, body);
		sodium_memzero(body, sizeof(body));
		if (st < 0)
			goto out;
		c->mailed = true;
	}
	rc = 0;
out:
	arena_wipe(a);
	arena_free(a);
	return rc;
}

static const char order_usage[] =
    "usage: dittoctl order status ORDER_ID STATUS [--note TEXT]\n"
    "Changes an order's status by hand, in one transaction: sets it, records it in the\n"
    "order's status history (by dittoctl:<your login name>, with the note if given) and,\n"
    "for shipped, delivered, cancelled and refunded, queues a message to the customer.\n"
    "Allowed changes:\n"
    "  placed     -> paid, cancelled\n"
    "  paid       -> shipped, cancelled, refunded\n"
    "  shipped    -> delivered, refunded\n"
    "  delivered  -> refunded\n"
    "Refunding (or cancelling a paid order) does not move money: the history note says\n"
    "\"refund to be issued by billing\", who issue it with the card processor.\n"
    "--note TEXT  an internal note for the history (one line, at most 400 characters;\n"
    "             never sent to the customer).\n"
    "Connects as db_admin_user. Running it twice is safe: the second run fails, naming\n"
    "the status the first one set.";

static bool known_status(const char *s)
{
	return transition_of(s) != NULL;
}

static int order_status(int argc, char **argv)
{
	const char *id_arg = NULL, *to = NULL, *note = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(order_usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
			note = argv[++i];
		else if (strncmp(argv[i], "--note=", 7) == 0)
			note = argv[i] + 7;
		else if (id_arg == NULL && argv[i][0] != '-')
			id_arg = argv[i];
		else if (to == NULL && argv[i][0] != '-')
			to = argv[i];
		else
			return usage_fail("unexpected argument '%s' (try: dittoctl order --help)",
			                  argv[i]);
	}
	if (id_arg == NULL || to == NULL)
		return usage_fail(
		    "order status needs ORDER_ID and STATUS (try: dittoctl order --help)");
	long long order_id;
	if (!valid_id(id_arg, &order_id))
		return usage_fail("ORDER_ID must be a positive number, not '%s'", id_arg);
	if (!known_status(to))
		return usage_fail("unknown status '%s' (one of: paid, shipped, delivered, "
		                  "cancelled, refunded)",
		                  to);
	if (note != NULL && !valid_text(note, NOTE_MAX_CHARS))
		return usage_fail("--note must be one line of 1-%d characters of UTF-8 text",
		                  NOTE_MAX_CHARS);
	if (ctl_config() < 0)
		return CTL_ERR;

	struct status_change c = {
	    .order_id = order_id,
	    .to = to,
	    .note = note,
	    .changed_by = ctl_changed_by(),
	};
	char what[64];
	snprintf(what, sizeof(what), "change order %lld", order_id);
	if (ctl_admin_tx(status_tx, &c, c.refused, what) != CTL_OK)
		return CTL_ERR;
	printf("order %lld: %s -> %s", order_id, c.was, to);
	if (c.mailed)
		printf(", message queued (order_%s)", to);
	printf("\n");
	return CTL_OK;
}

int cmd_order(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "order", "status", order_usage, order_status);
}
