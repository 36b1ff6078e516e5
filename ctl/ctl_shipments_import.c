/* ctl_shipments_import.c — `dittoctl shipments import`: the shipping company's tracking numbers
 * mark orders shipped, all lines or none, and tell their customers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../app/arena.h"
#include "../app/csv.h"
#include "../app/db/db.h"
#include "../app/db/orders.h"
#include "../app/notify.h"
#include "../app/validate.h"
#include "ctl.h"

#define IMPORT_LOCK_WAIT 30                 /* seconds an import waits for a running export */
#define IMPORT_MAX_BYTES (16 * 1024 * 1024) /* a carrier file is a few kB per hundred orders */
#define ORDER_ID_MAX     4294967295LL       /* orders.id is INT UNSIGNED */

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
	struct csv_record r;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a UTF-8 byte order mark, as some spreadsheets write */
	int st = csv_read_record(s, len, &pos, &line, &r);
	if (st != 0 || r.nfields != 2 || strcmp(r.field[0], "order_id") != 0 ||
	    strcmp(r.field[1], "tracking_number") != 0) {
		fail("%s: line 1: the header must be exactly order_id,tracking_number", file);
		return -1;
	}
	for (;;) {
		int start = line;
		st = csv_read_record(s, len, &pos, &line, &r);
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
		else if (!valid_id(r.field[0], &row->order_id) || row->order_id > ORDER_ID_MAX)
			snprintf(row->error, sizeof(row->error),
			         "order_id must be a positive number");
		else if (!valid_tracking(r.field[1]))
			snprintf(row->error, sizeof(row->error),
			         "tracking number must be 1-%d letters, digits or '-'",
			         TRACKING_MAX);
		else
			snprintf(row->tracking, sizeof(row->tracking), "%.*s", TRACKING_MAX,
			         r.field[1]);
		if (row->error[0] != '\0')
			return 0;
	}
}

/* The import, filled in by import_tx (which db_tx may run more than once). */
struct ship_import {
	const struct ctl_lease *lease; /* renewed in the transaction */
	const struct row_list *rows;
	const char *file;
	long long shipped;
	char refused[300]; /* why the file was refused; "" after a database error */
};

/*
 * Applies every row or none: each order is locked, checked, marked shipped
 * with its history and message.  Returns 0 to commit, -1 to roll back.
 */
static int import_tx(struct db *db, void *ctx)
{
	struct ship_import *im = ctx;
	im->refused[0] = '\0';
	im->shipped = 0;
	int held = ctl_lease_held(db, im->lease); /* locks the lease row until the commit */
	if (held <= 0) {
		if (held == 0)
			snprintf(im->refused, sizeof(im->refused),
			         "lost the shipments lease (another run took it over)");
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
		struct order_shipping s = {
		    .order_id = row->order_id,
		    .tracking = row->tracking,
		    .changed_by = CTL_SHIP_RECIPIENT,
		};
		int st = db_order_ship(db, a, &s);
		if (st < 0)
			goto out;
		if (st == DB_UNCHANGED)
			continue; /* recorded already (by an earlier run of this file) */
		if (st == DB_NOT_FOUND) {
			snprintf(im->refused, sizeof(im->refused), "%s: line %d: no order %lld",
			         im->file, row->line, row->order_id);
			goto out;
		}
		if (st == DB_REFUSED) {
			const char *was = order_status_name(s.was);
			if (s.was == ORDER_SHIPPED)
				snprintf(im->refused, sizeof(im->refused),
				         "%s: line %d: order %lld was already shipped with "
				         "tracking number %s",
				         im->file, row->line, row->order_id,
				         s.tracking_was ? s.tracking_was : "(none)");
			else
				snprintf(im->refused, sizeof(im->refused),
				         "%s: line %d: order %lld is %s (only paid orders can be "
				         "shipped)",
				         im->file, row->line, row->order_id, was ? was : "");
			goto out;
		}
		struct order_contact contact;
		if (db_order_contact_get(db, a, row->order_id, &contact) != 0 ||
		    notify_order_status(db, ctl_views(), cfg.base_url, row->order_id, ORDER_SHIPPED,
		                        &contact, row->tracking, NULL) < 0)
			goto out;
		im->shipped++;
	}
	rc = 0;
out:
	arena_wipe(a);
	arena_free(a);
	return rc;
}

const char ctl_shipments_import_usage[] =
    "usage: dittoctl shipments import FILE\n"
    "Reads the shipping company's CSV of dispatched parcels: a header line\n"
    "order_id,tracking_number, then one order per line. Each order must be paid; it is\n"
    "marked shipped with its tracking number (1-64 letters, digits or '-'), the status\n"
    "history records it (by \"shipping company\"), and the customer is sent a message with\n"
    "the tracking number and a link to the order. An order already holding that\n"
    "tracking number is skipped, so importing a file twice is safe.\n"
    "All lines or none: the first bad line stops the import, changes nothing, and the\n"
    "error names its line number.\n"
    "Connects as db_cron_user. Waits up to 30 s for the lease 'shipments' (a job_leases\n"
    "row, held by a running export or import on any host). Prints \"shipped N order(s)\".";

int cmd_shipments_import(int argc, char **argv)
{
	const char *file;
	int parsed =
	    ctl_one_operand(argc, argv, "shipments import", ctl_shipments_import_usage, &file);
	if (parsed >= 0)
		return parsed;
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
	struct ctl_lease lease;
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

	if (ctl_config() < 0 || ctl_views() == NULL)
		goto out;
	db = ctl_cron_db();
	if (db == NULL)
		goto out;
	got = ctl_lease_or_yield(db, &lease, CTL_SHIP_LEASE, CTL_SHIP_LEASE_SECONDS,
	                         IMPORT_LOCK_WAIT, NULL);
	if (got < 0)
		goto out;
	if (got == 0) {
		fail("another shipments run held the lease for %d s; %s was not imported",
		     IMPORT_LOCK_WAIT, file);
		goto out;
	}
	struct ship_import im = {.lease = &lease, .rows = &rows, .file = file};
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
		ctl_lease_free(db, &lease);
	db_free(db);
	free(rows.v);
	free(data);
	return rc;
}
