/* audit.c — data access for the hash-chained audit log: append, list, a customer's view
 * history and the chain check. */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../arena.h"
#include "db.h"

#define HEX_LEN (AUDIT_HASH_LEN * 2)
/* Rows db_audit_verify holds at a time. */
#define VERIFY_BATCH 1000

/* created_at as the hash covers it: every digit of DATETIME(6), the same on write and read. */
#define TIME_FORMAT "'%Y-%m-%d %H:%i:%s.%f'"

static const char SQL_HEAD_LOCK[] =
    "SELECT last_id, HEX(last_hash), DATE_FORMAT(UTC_TIMESTAMP(6), " TIME_FORMAT ") "
    "FROM audit_head WHERE id = 1 FOR UPDATE";

static const char SQL_INSERT[] =
    "INSERT INTO audit_log (id, created_at, staff_id, staff_username, role, action, "
    "customer_id, customer_ref, fields, route, request_id, detail, chain_version, prev_hash, "
    "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UNHEX(?), UNHEX(?))";

static const char SQL_HEAD_SET[] =
    "UPDATE audit_head SET last_id = ?, last_hash = UNHEX(?) WHERE id = 1";

/* A 64-digit hex hash into out. Returns 0, or -1 when s is not one. */
static int hash_from_hex(const char *s, unsigned char out[AUDIT_HASH_LEN])
{
	size_t got = 0;
	if (s == NULL || strlen(s) != HEX_LEN)
		return -1;
	if (sodium_hex2bin(out, AUDIT_HASH_LEN, s, HEX_LEN, NULL, &got, NULL) != 0 ||
	    got != AUDIT_HASH_LEN)
		return -1;
	return 0;
}

static struct db_arg int_or_null(long long v)
{
	return v < 0 ? DB_NULL : DB_INT(v);
}

static struct db_arg str_or_null(const char *s)
{
	return s == NULL ? DB_NULL : DB_STR(s);
}

/* Refuses a malformed event before anything is locked or written. Returns 0 or -1. */
static int events_ok(struct arena *a, const struct audit_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct audit_row row;
		if (audit_row_from_event(a, &ev[i], 1, "", &row) < 0)
			return -1;
	}
	return 0;
}

/* The statements of one append, inside the caller's transaction. Returns 0 or -1. */
static int append_rows(struct db *db, struct arena *a, const struct audit_event *ev, size_t n)
{
	struct db_rows r;
	unsigned char prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	char prev_hex[HEX_LEN + 1], hash_hex[HEX_LEN + 1];
	if (db_query(db, a, SQL_HEAD_LOCK, DB_NOARGS, &r) < 0)
		return -1;
	if (r.nrows != 1 || hash_from_hex(db_cell(&r, 0, 1), prev) < 0 || db_cell(&r, 0, 2) == NULL)
		return -1; /* no head row: the migration was not applied */
	long long id = db_cell_int(&r, 0, 0);
	const char *now = db_cell(&r, 0, 2);
	for (size_t i = 0; i < n; i++) {
		struct audit_row row;
		if (audit_row_from_event(a, &ev[i], ++id, now, &row) < 0)
			return -1;
		audit_row_hash(prev, &row, hash);
		sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, AUDIT_HASH_LEN);
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, AUDIT_HASH_LEN);
		const struct db_arg args[] = {
		    DB_INT(row.id),
		    DB_STR(row.created_at),
		    int_or_null(row.staff_id),
		    DB_STR(row.staff_username),
		    str_or_null(row.role),
		    DB_STR(row.action),
		    int_or_null(row.customer_id),
		    str_or_null(row.customer_ref),
		    DB_STR(row.fields),
		    DB_STR(row.route),
		    DB_STR(row.request_id),
		    str_or_null(row.detail),
		    DB_INT(row.version),
		    DB_STR(prev_hex),
		    DB_STR(hash_hex),
		};
		if (db_exec(db, SQL_INSERT, DB_ARRAY(args), NULL, NULL) < 0)
			return -1;
		memcpy(prev, hash, AUDIT_HASH_LEN);
	}
	sodium_bin2hex(hash_hex, sizeof(hash_hex), prev, AUDIT_HASH_LEN);
	return db_exec(db, SQL_HEAD_SET, DB_ARGS(DB_INT(id), DB_STR(hash_hex)), NULL, NULL);
}

struct append_ctx {
	struct arena *a;
	const struct audit_event *ev;
	size_t n;
};

static int append_tx(struct db *db, void *vctx)
{
	struct append_ctx *c = vctx;
	arena_reset(c->a); /* db_tx may run this again */
	return append_rows(db, c->a, c->ev, c->n);
}

int audit_append(struct db *db, const struct audit_event *ev, size_t n)
{
	if (n == 0)
		return 0;
	struct append_ctx c = {.a = arena_new(), .ev = ev, .n = n};
	int rc = -1;
	if (events_ok(c.a, ev, n) < 0)
		goto out;
	rc = db_tx(db, append_tx, &c);
out:
	arena_free(c.a);
	return rc;
}

int audit_append_in_tx(struct db *db, const struct audit_event *ev, size_t n)
{
	if (n == 0)
		return 0;
	struct arena *a = arena_new();
	int rc = -1;
	if (events_ok(a, ev, n) < 0)
		goto out;
	rc = append_rows(db, a, ev, n);
out:
	arena_free(a);
	return rc;
}

static const char SQL_LIST[] =
    "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), staff_id, staff_username, role, "
    "action, customer_id, fields, route, request_id, detail FROM audit_log "
    "ORDER BY id DESC LIMIT ? OFFSET ?";
static const char SQL_LIST_CUSTOMER[] =
    "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), staff_id, staff_username, role, "
    "action, customer_id, fields, route, request_id, detail FROM audit_log "
    "WHERE customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?";

int db_audit_list(struct db *db, struct arena *a, long long customer_id, int page, int per_page,
                  struct audit_entry **rows, size_t *n, bool *more)
{
	struct db_rows r;
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 1;
	/* One row past the page says whether another page follows. */
	long long limit = (long long)per_page + 1;
	long long offset = (long long)(page - 1) * per_page;
	int rc = customer_id > 0
	             ? db_query(db, a, SQL_LIST_CUSTOMER,
	                        DB_ARGS(DB_INT(customer_id), DB_INT(limit), DB_INT(offset)), &r)
	             : db_query(db, a, SQL_LIST, DB_ARGS(DB_INT(limit), DB_INT(offset)), &r);
	if (rc < 0)
		return -1;
	size_t count = r.nrows > (size_t)per_page ? (size_t)per_page : r.nrows;
	struct audit_entry *v = arena_alloc(a, sizeof(*v) * (count + 1));
	for (size_t i = 0; i < count; i++) {
		v[i].id = db_cell_int(&r, i, 0);
		v[i].created_at = db_cell(&r, i, 1);
		v[i].staff_id = db_cell_int(&r, i, 2);
		v[i].staff_username = db_cell(&r, i, 3);
		v[i].role = db_cell(&r, i, 4);
		v[i].action = db_cell(&r, i, 5);
		v[i].customer_id = db_cell_int(&r, i, 6);
		v[i].fields = db_cell(&r, i, 7);
		v[i].route = db_cell(&r, i, 8);
		v[i].request_id = db_cell(&r, i, 9);
		v[i].detail = db_cell(&r, i, 10);
	}
	*rows = v;
	*n = count;
	*more = r.nrows > (size_t)per_page;
	return 0;
}

static const char SQL_VIEWS_OF_CUSTOMER[] =
    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), role, fields FROM audit_log "
    "WHERE customer_id = ? AND action = 'view' AND NOT role <=> ? ORDER BY id DESC LIMIT ?";

int db_audit_views_of_customer(struct db *db, struct arena *a, long long customer_id,
                               struct audit_view **rows, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_VIEWS_OF_CUSTOMER,
	             DB_ARGS(DB_INT(customer_id), DB_STR(privacy_role_name(ROLE_LEGAL)),
	                     DB_INT(DB_AUDIT_VIEWS_MAX)),
	             &r) < 0)
		return -1;
	struct audit_view *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].viewed_at = db_cell(&r, i, 0);
		v[i].role = db_cell(&r, i, 1);
		v[i].fields = db_cell(&r, i, 2);
	}
	*rows = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_HEAD_GET[] = "SELECT last_id, HEX(last_hash) FROM audit_head WHERE id = 1";

static const char SQL_CHAIN_BATCH[] =
    "SELECT id, DATE_FORMAT(created_at, " TIME_FORMAT "), staff_id, staff_username, role, "
    "action, customer_id, fields, route, request_id, detail, HEX(prev_hash), HEX(hash), "
    "customer_ref, chain_version FROM audit_log WHERE id > ? ORDER BY id LIMIT ?";

#define CHAIN_COLS 15

struct verify_ctx {
	struct arena *a;
	struct audit_check *out;
};

static int broken(struct audit_check *out, long long id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int broken(struct audit_check *out, long long id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out->bad_id = id;
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return 1;
}

/* A nullable integer cell: -1 for NULL, as struct audit_row holds it. */
static long long cell_id(const struct db_rows *r, size_t i, size_t c)
{
	return db_cell(r, i, c) == NULL ? -1 : db_cell_int(r, i, c);
}

/*
 * A V2 row's hash covers customer_ref, not customer_id: the id the row
 * still names (the purge sets it to NULL) must be the one customer_ref
 * pseudonymises, or someone pointed the row at another customer.  Returns
 * 0, or 1 with out filled in.
 */
static int check_ref(const struct audit_row *row, struct audit_check *out)
{
	char want[AUDIT_REF_HEX + 1];
	if (row->customer_id < 0)
		return 0;
	if (audit_customer_ref(row->customer_id, want) < 0)
		return broken(out, row->id, "no pseudonym key to check its customer_id against");
	if (row->customer_ref == NULL || strcmp(row->customer_ref, want) != 0)
		return broken(out, row->id,
		              "customer_id is not the customer its customer_ref names (the row was "
		              "changed)");
	return 0;
}

/* The row i of a SQL_CHAIN_BATCH result as struct audit_row (strings point into r). */
static struct audit_row row_of(const struct db_rows *r, size_t i)
{
	return (struct audit_row){
	    .version = (int)db_cell_int(r, i, 14),
	    .id = db_cell_int(r, i, 0),
	    .created_at = db_cell(r, i, 1),
	    .staff_id = cell_id(r, i, 2),
	    .staff_username = db_cell(r, i, 3),
	    .role = db_cell(r, i, 4),
	    .action = db_cell(r, i, 5),
	    .customer_id = cell_id(r, i, 6),
	    .customer_ref = db_cell(r, i, 13),
	    .fields = db_cell(r, i, 7),
	    .route = db_cell(r, i, 8),
	    .request_id = db_cell(r, i, 9),
	    .detail = db_cell(r, i, 10),
	};
}

/* Checks one row against prev (the hash of the row before it), then moves prev on to it.
 * Returns 0 when it chains, 1 (out filled in) when it does not. */
static int check_row(const struct db_rows *r, size_t i, unsigned char prev[AUDIT_HASH_LEN],
                     long long prev_id, struct audit_check *out)
{
	long long id = db_cell_int(r, i, 0);
	unsigned char stored_prev[AUDIT_HASH_LEN], stored[AUDIT_HASH_LEN], want[AUDIT_HASH_LEN];
	for (size_t c = 0; c < CHAIN_COLS; c++) {
		const char *s = db_cell(r, i, c);
		/* A NUL inside a value would hide the bytes after it from the hash. */
		if (s != NULL && strlen(s) != r->lens[i * r->ncols + c])
			return broken(out, id, "a value holds a NUL byte (the row was changed)");
	}
	if (hash_from_hex(db_cell(r, i, 11), stored_prev) < 0 ||
	    hash_from_hex(db_cell(r, i, 12), stored) < 0)
		return broken(out, id, "its hashes are not 32 bytes (the row was changed)");
	if (sodium_memcmp(stored_prev, prev, AUDIT_HASH_LEN) != 0) {
		if (prev_id == 0)
			return broken(out, id,
			              "the first row does not start the chain (rows before it were "
			              "deleted)");
		return broken(out, id,
		              "prev_hash is not the hash of row %lld before it (a row between was "
		              "deleted, or rows were reordered)",
		              prev_id);
	}
	struct audit_row row = row_of(r, i);
	if (row.version != AUDIT_CHAIN_V1 && row.version != AUDIT_CHAIN_V2)
		return broken(out, id, "unknown chain_version %d (the row was changed)",
		              row.version);
	audit_row_hash(prev, &row, want);
	if (sodium_memcmp(want, stored, AUDIT_HASH_LEN) != 0)
		return broken(out, id, "hash mismatch (the row was changed, or its id)");
	if (row.version == AUDIT_CHAIN_V2 && check_ref(&row, out) != 0)
		return 1;
	memcpy(prev, stored, AUDIT_HASH_LEN);
	return 0;
}

/* The head row's last_id and hash, or 1 with out filled in when it is damaged; -1 on error. */
static int head_get(struct db *db, struct arena *a, bool lock, long long *id,
                    unsigned char hash[AUDIT_HASH_LEN], struct audit_check *out)
{
	struct db_rows r;
	if (db_query(db, a, lock ? SQL_HEAD_LOCK : SQL_HEAD_GET, DB_NOARGS, &r) < 0)
		return -1;
	if (r.nrows != 1 || hash_from_hex(db_cell(&r, 0, 1), hash) < 0)
		return broken(out, 0, "the chain head row is missing or damaged");
	*id = db_cell_int(&r, 0, 0);
	return 0;
}

/* Whether the head names the last row checked (last_id, whose hash is last): 0, or 1 with out
 * filled in. */
static int head_matches(long long head_id, const unsigned char head_hash[AUDIT_HASH_LEN],
                        long long last_id, const unsigned char last[AUDIT_HASH_LEN],
                        struct audit_check *out)
{
	if (head_id > last_id)
		return broken(
		    out, head_id,
		    "the head names row %lld, but the last row is %lld (the last rows were "
		    "deleted)",
		    head_id, last_id);
	if (head_id < last_id)
		return broken(out, last_id,
		              "the head names row %lld, before the last row (the head was changed)",
		              head_id);
	if (sodium_memcmp(head_hash, last, AUDIT_HASH_LEN) != 0)
		return broken(out, head_id,
		              "the head's hash is not the hash of the last row (the head was "
		              "changed)");
	return 0;
}

static int verify_tx(struct db *db, void *vctx)
{
	struct verify_ctx *c = vctx;
	struct audit_check *out = c->out;
	struct db_rows r;
	unsigned char prev[AUDIT_HASH_LEN] = {0}, head_hash[AUDIT_HASH_LEN];
	long long prev_id = 0, head_id;
	/* db_tx may run this again: start from nothing. */
	memset(out, 0, sizeof(*out));
	arena_reset(c->a);
	int h = head_get(db, c->a, false, &head_id, head_hash, out);
	if (h != 0)
		return h < 0 ? -1 : 0;
	for (;;) {
		arena_reset(c->a);
		if (db_query(db, c->a, SQL_CHAIN_BATCH,
		             DB_ARGS(DB_INT(prev_id), DB_INT(VERIFY_BATCH)), &r) < 0)
			return -1;
		for (size_t i = 0; i < r.nrows; i++) {
			if (check_row(&r, i, prev, prev_id, out) != 0)
				return 0;
			prev_id = db_cell_int(&r, i, 0);
			out->rows++;
		}
		if (r.nrows < VERIFY_BATCH)
			break;
	}
	head_matches(head_id, head_hash, prev_id, prev, out);
	return 0;
}

int db_audit_verify(struct db *db, struct audit_check *out)
{
	struct verify_ctx c = {.a = arena_new(), .out = out};
	int rc = db_tx(db, verify_tx, &c);
	arena_free(c.a);
	if (rc < 0)
		return -1;
	return out->why[0] != '\0' ? 1 : 0;
}

static const char SQL_ANY_V1[] = "SELECT id FROM audit_log WHERE chain_version = 1 LIMIT 1";
static const char SQL_REHASH[] =
    "UPDATE audit_log SET customer_ref = ?, chain_version = ?, prev_hash = UNHEX(?), "
    "hash = UNHEX(?) WHERE id = ?";

struct rechain_ctx {
	struct arena *a;
	const char *by;
	struct audit_check *out;
	long long rows; /* rows re-chained */
};

/* Rewrites row i of r as V2, chained to prev_new (then moved on to its new hash). Returns 0 or
 * -1. */
static int rehash_row(struct db *db, const struct db_rows *r, size_t i,
                      unsigned char prev_new[AUDIT_HASH_LEN])
{
	struct audit_row row = row_of(r, i);
	char ref[AUDIT_REF_HEX + 1], prev_hex[HEX_LEN + 1], hash_hex[HEX_LEN + 1];
	unsigned char hash[AUDIT_HASH_LEN];
	if (row.customer_id > 0) {
		if (audit_customer_ref(row.customer_id, ref) < 0)
			return -1;
		row.customer_ref = ref;
	}
	row.version = AUDIT_CHAIN_V2;
	audit_row_hash(prev_new, &row, hash);
	sodium_bin2hex(prev_hex, sizeof(prev_hex), prev_new, AUDIT_HASH_LEN);
	sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, AUDIT_HASH_LEN);
	memcpy(prev_new, hash, AUDIT_HASH_LEN);
	return db_exec(db, SQL_REHASH,
	               DB_ARGS(str_or_null(row.customer_ref), DB_INT(AUDIT_CHAIN_V2),
	                       DB_STR(prev_hex), DB_STR(hash_hex), DB_INT(row.id)),
	               NULL, NULL);
}

/* The walk of db_audit_rechain under the head's lock.  Returns 0 (out->why set when the old
 * chain is broken: nothing must then be written), or -1. */
static int rechain_rows(struct db *db, struct rechain_ctx *c, long long *last_id,
                        unsigned char prev_old[AUDIT_HASH_LEN],
                        unsigned char prev_new[AUDIT_HASH_LEN])
{
	struct db_rows r;
	for (;;) {
		arena_reset(c->a);
		if (db_query(db, c->a, SQL_CHAIN_BATCH,
		             DB_ARGS(DB_INT(*last_id), DB_INT(VERIFY_BATCH)), &r) < 0)
			return -1;
		for (size_t i = 0; i < r.nrows; i++) {
			/* Only a chain that verifies is re-chained: re-hashing a changed row
			 * would launder the change. */
			if (check_row(&r, i, prev_old, *last_id, c->out) != 0)
				return 0;
			if (rehash_row(db, &r, i, prev_new) < 0)
				return -1;
			*last_id = db_cell_int(&r, i, 0);
			c->rows++;
		}
		if (r.nrows < VERIFY_BATCH)
			return 0;
	}
}

static int rechain_tx(struct db *db, void *vctx)
{
	struct rechain_ctx *c = vctx;
	struct db_rows r;
	unsigned char head_hash[AUDIT_HASH_LEN], prev_old[AUDIT_HASH_LEN] = {0},
	                                         prev_new[AUDIT_HASH_LEN] = {0};
	char old_hex[HEX_LEN + 1], new_hex[HEX_LEN + 1];
	long long head_id, last_id = 0;
	memset(c->out, 0, sizeof(*c->out));
	c->rows = 0;
	arena_reset(c->a);
	/* The head's row lock holds every writer off until the new chain is committed. */
	int h = head_get(db, c->a, true, &head_id, head_hash, c->out);
	if (h != 0)
		return -1;
	if (db_query(db, c->a, SQL_ANY_V1, DB_NOARGS, &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 0; /* done before: nothing to do */
	if (rechain_rows(db, c, &last_id, prev_old, prev_new) < 0 || c->out->why[0] != '\0')
		return -1;
	if (head_matches(head_id, head_hash, last_id, prev_old, c->out) != 0)
		return -1;
	sodium_bin2hex(old_hex, sizeof(old_hex), prev_old, AUDIT_HASH_LEN);
	sodium_bin2hex(new_hex, sizeof(new_hex), prev_new, AUDIT_HASH_LEN);
	if (db_exec(db, SQL_HEAD_SET, DB_ARGS(DB_INT(last_id), DB_STR(new_hex)), NULL, NULL) < 0)
		return -1;
	/* The re-chaining is itself recorded, with the old head, in the chain it made. */
	char detail[AUDIT_DETAIL_MAX];
	snprintf(detail, sizeof(detail),
	         "re-chained %lld rows from encoding v1 to v2; the v1 chain verified up to row "
	         "%lld, head %s",
	         c->rows, last_id, old_hex);
	struct audit_event ev = {.staff_username = c->by,
	                         .role = -1,
	                         .action = "audit_rechain",
	                         .route = "dittoctl migrate",
	                         .detail = detail};
	return append_rows(db, c->a, &ev, 1);
}

int db_audit_rechain(struct db *db, const char *by, long long *rows, struct audit_check *out)
{
	struct rechain_ctx c = {.a = arena_new(), .by = by, .out = out};
	int rc = db_tx(db, rechain_tx, &c);
	arena_free(c.a);
	*rows = c.rows;
	if (rc < 0)
		return out->why[0] != '\0' ? 1 : -1;
	return 0;
}
