/* ctl_shipments_export.c — `dittoctl shipments export`: the shipping company's manifest of the
 * orders waiting for shipment, each recorded as exported and disclosed. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/csv.h"
#include "../app/db/db.h"
#include "../app/db/orders.h"
#include "ctl.h"

#define SHIP_BATCH       200             /* orders read, marked and recorded per transaction */
#define SHIP_DEFAULT_DIR "var/shipments" /* relative to the working directory */
#define SHIP_FIELDS      "name, shipping address, items, weight"

/* The manifest's columns: only what the carrier needs to deliver a parcel. */
static const char MANIFEST_HEADER[] = "order_id,ship_to_name,shipping_line1,shipping_line2,"
                                      "shipping_city,shipping_postcode,shipping_country,items,"
                                      "weight_grams\r\n";

/* One exported order: what marking it needs, and where its record ends in the manifest. */
struct ship_order {
	struct shipment s; /* items and strings not kept: only ids are used after reading */
	size_t end;        /* manifest length just after this order's record */
};

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

/* Appends the manifest record of s to m. */
static void write_record(struct buf *m, const struct shipment *s)
{
	buf_printf(m, "%lld,", s->order_id);
	csv_write_field(m, s->ship_to_name);
	for (size_t c = 0; c < 5; c++) {
		buf_append(m, ",", 1);
		csv_write_field(m, s->shipping[c]);
	}
	struct buf items = {0};
	for (size_t k = 0; k < s->nitems; k++)
		buf_printf(&items, "%s%s x%lld", items.len ? "; " : "", s->items[k].sku,
		           s->items[k].quantity);
	buf_append(m, ",", 1);
	csv_write_field(m, items.data ? items.data : "");
	buf_free(&items);
	buf_printf(m, ",%lld\r\n", s->weight_grams);
}

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
		struct shipment *v;
		size_t n;
		if (db_shipment_list_pending(db, a, after, SHIP_BATCH, &v, &n) < 0) {
			fail("cannot read the orders to ship as %s: %s", cfg.db_cron_user,
			     db_error(db));
			return -1;
		}
		if (n == 0)
			return 0;
		for (size_t i = 0; i < n; i++) {
			write_record(m, &v[i]);
			struct ship_order so = {
			    .s = {.order_id = v[i].order_id, .customer_id = v[i].customer_id},
			    .end = m->len};
			if (ship_list_add(l, so) < 0) {
				fail("out of memory");
				return -1;
			}
			after = v[i].order_id;
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
	const struct ctl_lease *lease; /* renewed in each batch */
	const struct ship_order *v;
	size_t from, to;   /* the batch: v[from] up to, not including, v[to] */
	char refused[200]; /* why the batch was not recorded; "" after a database error */
};

/*
 * Marks a batch exported and records one disclosure per order.  Returns 0
 * to commit, -1 to roll back (m->refused says when it was not a database
 * error).  The lease is renewed inside the transaction, which locks its row
 * until the commit: a run that lost it (it expired, another took it) writes nothing.
 */
static int mark_tx(struct db *db, void *ctx)
{
	struct ship_mark *m = ctx;
	m->refused[0] = '\0';
	int held = ctl_lease_held(db, m->lease);
	if (held < 0)
		return -1;
	if (held == 0) {
		snprintf(m->refused, sizeof(m->refused),
		         "lost the shipments lease (another run took it over)");
		return -1;
	}
	for (size_t i = m->from; i < m->to; i++) {
		const struct shipment *s = &m->v[i].s;
		char purpose[64];
		snprintf(purpose, sizeof(purpose), "delivery of order %lld", s->order_id);
		int st = db_shipment_mark_exported(db, s, CTL_SHIP_RECIPIENT, SHIP_FIELDS, purpose);
		if (st < 0)
			return -1;
		if (st == DB_REFUSED) {
			/* Cancelled or changed by staff between reading and marking. */
			snprintf(m->refused, sizeof(m->refused),
			         "order %lld changed while it was being exported", s->order_id);
			return -1;
		}
	}
	return 0;
}

const char ctl_shipments_export_usage[] =
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
    "Connects as db_cron_user. Holds the lease 'shipments' (a job_leases row, on every\n"
    "database node): while another run holds it, prints \"another shipments run is\n"
    "running\" and exits 0.\n"
    "Prints \"exported N order(s) to PATH\" or \"nothing to export\".";

int cmd_shipments_export(int argc, char **argv)
{
	const char *dir;
	int parsed =
	    ctl_one_operand(argc, argv, "shipments export", ctl_shipments_export_usage, &dir);
	if (parsed >= 0)
		return parsed;
	char dirbuf[CONFIG_STR];
	if (snprintf(dirbuf, sizeof(dirbuf), "%s", dir ? dir : SHIP_DEFAULT_DIR) >=
	    (int)sizeof(dirbuf))
		return usage_fail("DIR is too long (at most %d bytes)", CONFIG_STR - 1);
	/* "out/" and "out" are one directory: print its manifest as out/manifest-... */
	for (size_t n = strlen(dirbuf); n > 1 && dirbuf[n - 1] == '/'; n--)
		dirbuf[n - 1] = '\0';
	dir = dirbuf;
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;

	int rc = CTL_ERR, dirfd = -1;
	struct arena *a = arena_new();
	struct buf m = {0};
	struct ship_list l = {0};
	char name[96] = "";
	struct ctl_lease lease;
	int got = ctl_lease_or_yield(db, &lease, CTL_SHIP_LEASE, CTL_SHIP_LEASE_SECONDS, 0,
	                             "another shipments run is running");
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
	/* Without the lease another run may be exporting the same orders: write nothing. */
	if (ctl_lease_held(db, &lease) != 1) {
		fail("lost the shipments lease (another run took it over?); nothing exported");
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
		struct ship_mark mk = {.lease = &lease,
		                       .v = l.v,
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
		ctl_lease_free(db, &lease);
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
