/* sessions.c — data access for session rows and per-address login throttling. */
#include "sessions.h"

#include "../arena.h"
#include "db.h"
#include "plans.h"

/* The one statement of a signed-in page: the session, its customer, whether a newer policy
 * awaits them, the catalogue version the worker's cache is checked against (catalog_cache.h),
 * the last two from the one row of site_state (schema/024), and the header's cart count, kept
 * in cart_counts by triggers on cart_items (schema/027; no row: an empty cart).  One SELECT of
 * four tables, each by a unique key in this order (STRAIGHT_JOIN): no plan to flip, no
 * subquery (a correlated one re-executes slowly from a cached prepared statement), and the
 * least a statement costs MariaDB per execution (tests/integration/test_plans.c holds it). */
const char db_sql_session_get[] =
    "SELECT s.id, s.customer_id, s.csrf_token, c.status, c.name, c.username, "
    "s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND, "
    "s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 30 MINUTE, "
    "GREATEST(c.policy_version, COALESCE(c.policy_seen_version, 0)) < k.policy_version, "
    "k.catalog_version, COALESCE(n.items, 0), c.profile_opt_out, c.policy_version, "
    "COALESCE(FLOOR(UNIX_TIMESTAMP(c.profile_cleared_at) * 1000000), 0) "
    "FROM sessions s STRAIGHT_JOIN customers c ON c.id = s.customer_id "
    "STRAIGHT_JOIN site_state k ON k.id = 1 "
    "LEFT JOIN cart_counts n ON n.customer_id = s.customer_id "
    "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP(6) "
    "AND s.last_seen_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND";

int db_session_get(struct db *db, struct arena *a, const unsigned char *hash, int idle,
                   struct session_row *out)
{
	struct db_rows r;
	if (db_query(db, a, db_sql_session_get,
	             DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(idle)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	out->id = db_cell_int(&r, 0, 0);
	out->customer_id = db_cell_int(&r, 0, 1);
	out->csrf = db_cell(&r, 0, 2);
	out->status = customer_status_of(db_cell(&r, 0, 3));
	out->name = db_cell(&r, 0, 4);
	out->username = db_cell(&r, 0, 5);
	out->touch = db_cell_int(&r, 0, 6) != 0;
	out->new_visit = db_cell_int(&r, 0, 7) != 0;
	out->policy_unseen = db_cell_int(&r, 0, 8) != 0;
	out->catalog_version = db_cell_int(&r, 0, 9);
	out->cart_items = db_cell_int(&r, 0, 10);
	out->profile_opt_out = db_cell_int(&r, 0, 11) != 0;
	out->policy_version = db_cell_int(&r, 0, 12);
	out->profile_stamp = db_cell_int(&r, 0, 13);
	return 0;
}

/*
 * A session's use, written after the fact by the worker's batch (batch.h), age_us after the
 * request saw it: a visit counted only if the session was still idle for 30 minutes at that
 * moment (so two workers that both saw the same return count it once), then last_seen_at and
 * the customer's last visit moved forward, never back.  Two statements, because a multi-table
 * UPDATE does not promise to read last_seen_at before it assigns it.
 */
static const char SQL_SESSION_VISIT[] =
    "UPDATE customers c JOIN sessions s ON s.customer_id = c.id "
    "SET c.visit_count = c.visit_count + 1 "
    "WHERE s.id = ? AND s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND "
    "- INTERVAL 30 MINUTE";
static const char SQL_SESSION_SEEN[] =
    "UPDATE sessions s JOIN customers c ON c.id = s.customer_id "
    "SET s.last_seen_at = GREATEST(s.last_seen_at, UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND), "
    "c.last_visit_at = GREATEST(COALESCE(c.last_visit_at, '1970-01-01'), "
    "UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND) "
    "WHERE s.id = ?";

int db_session_seen(struct db *db, long long session_id, bool new_visit, long long age_us)
{
	if (new_visit && db_exec(db, SQL_SESSION_VISIT, DB_ARGS(DB_INT(session_id), DB_INT(age_us)),
	                         NULL, NULL) < 0)
		return -1;
	return db_exec(db, SQL_SESSION_SEEN,
	               DB_ARGS(DB_INT(age_us), DB_INT(age_us), DB_INT(session_id)), NULL, NULL);
}

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, customer_id, csrf_token, expires_at, browser) "
    "VALUES (?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND, ?)";
static const char SQL_VISIT_START[] =
    "UPDATE customers SET visit_count = visit_count + 1, last_visit_at = UTC_TIMESTAMP(6) "
    "WHERE id = ?";

int db_session_insert(struct db *db, const unsigned char *hash, long long customer_id,
                      const char *csrf, int max, const char *browser, long long *id)
{
	unsigned long long sid;
	if (db_exec(db, SQL_SESSION_INSERT,
	            DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(customer_id), DB_STR(csrf),
	                    DB_INT(max), DB_STR(browser)),
	            NULL, &sid) < 0)
		return -1;
	*id = (long long)sid;
	return db_exec(db, SQL_VISIT_START, DB_ARGS(DB_INT(customer_id)), NULL, NULL);
}

static const char SQL_SESSION_DELETE_HASH[] = "DELETE FROM sessions WHERE token_hash = ?";

int db_session_delete_by_hash(struct db *db, const unsigned char *hash)
{
	return db_exec(db, SQL_SESSION_DELETE_HASH, DB_ARGS(DB_STRN((const char *)hash, 32)), NULL,
	               NULL);
}

static const char SQL_SESSION_DELETE_CUSTOMER[] =
    "DELETE FROM sessions WHERE customer_id = ? AND id <> ?";

int db_session_delete_for_customer(struct db *db, long long customer_id, long long keep_id)
{
	return db_exec(db, SQL_SESSION_DELETE_CUSTOMER,
	               DB_ARGS(DB_INT(customer_id), DB_INT(keep_id)), NULL, NULL);
}

int db_session_delete_all(struct db *db, long long customer_id, unsigned long long *deleted)
{
	/* No session has id 0: keeping it keeps none. */
	return db_exec(db, SQL_SESSION_DELETE_CUSTOMER, DB_ARGS(DB_INT(customer_id), DB_INT(0)),
	               deleted, NULL);
}

static const char SQL_SESSION_DELETE_OWNED[] =
    "DELETE FROM sessions WHERE id = ? AND customer_id = ?";

int db_session_delete_owned(struct db *db, long long id, long long customer_id, bool *deleted)
{
	unsigned long long n = 0;
	if (db_exec(db, SQL_SESSION_DELETE_OWNED, DB_ARGS(DB_INT(id), DB_INT(customer_id)), &n,
	            NULL) < 0)
		return -1;
	*deleted = n > 0;
	return 0;
}

static const char SQL_SESSION_LIST[] =
    "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), "
    "DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i'), browser "
    "FROM sessions WHERE customer_id = ? AND expires_at > UTC_TIMESTAMP(6) "
    "ORDER BY last_seen_at DESC, id DESC LIMIT ? OFFSET ?";

int db_session_list(struct db *db, struct arena *a, long long customer_id, long long offset,
                    int limit, struct session_info **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_SESSION_LIST,
	             DB_ARGS(DB_INT(customer_id), DB_INT(limit), DB_INT(offset)), &r) < 0)
		return -1;
	struct session_info *s = arena_alloc(a, sizeof(*s) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		s[i].id = db_cell_int(&r, i, 0);
		s[i].created_at = db_cell(&r, i, 1);
		s[i].last_seen_at = db_cell(&r, i, 2);
		s[i].browser = db_cell(&r, i, 3);
	}
	*out = s;
	*n = r.nrows;
	return 0;
}

static const char SQL_THROTTLE_GET[] =
    "SELECT failures, TIMESTAMPDIFF(SECOND, last_failure, UTC_TIMESTAMP(6)) "
    "FROM login_throttle WHERE addr_hash = ? "
    "AND last_failure > UTC_TIMESTAMP(6) - INTERVAL ? MINUTE";

int db_throttle_get(struct db *db, struct arena *a, const unsigned char *addr_hash, int window_min,
                    long long *failures, long long *age_s)
{
	struct db_rows r;
	int rc = db_query(db, a, SQL_THROTTLE_GET,
	                  DB_ARGS(DB_STRN((const char *)addr_hash, 16), DB_INT(window_min)), &r);
	bool found = rc == 0 && r.nrows > 0;
	*failures = found ? db_cell_int(&r, 0, 0) : 0;
	*age_s = found ? db_cell_int(&r, 0, 1) : 0;
	return rc;
}

/* A stale row (outside the window) restarts at 1 instead of growing forever. */
static const char SQL_THROTTLE_FAIL[] =
    "INSERT INTO login_throttle (addr_hash, failures, last_failure) "
    "VALUES (?, 1, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
    "failures = IF(last_failure > UTC_TIMESTAMP(6) - INTERVAL ? MINUTE, failures + 1, 1), "
    "last_failure = UTC_TIMESTAMP(6)";

int db_throttle_fail(struct db *db, const unsigned char *addr_hash, int window_min)
{
	return db_exec(db, SQL_THROTTLE_FAIL,
	               DB_ARGS(DB_STRN((const char *)addr_hash, 16), DB_INT(window_min)), NULL,
	               NULL);
}

static const char SQL_THROTTLE_CLEAR[] = "DELETE FROM login_throttle WHERE addr_hash = ?";

int db_throttle_clear(struct db *db, const unsigned char *addr_hash)
{
	return db_exec(db, SQL_THROTTLE_CLEAR, DB_ARGS(DB_STRN((const char *)addr_hash, 16)), NULL,
	               NULL);
}
