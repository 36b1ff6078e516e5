/* policy.c — data access for privacy-policy versions and site notices. */
#include "policy.h"

#include <string.h>

#include "../arena.h"
#include "db.h"

static const char SQL_POLICY_GET[] =
    "SELECT v.version, DATE_FORMAT(v.published_at, '%Y-%m-%d %H:%i:%s'), v.title, v.body, "
    "(SELECT GROUP_CONCAT(p.purpose ORDER BY p.purpose SEPARATOR ', ') "
    " FROM policy_purposes p WHERE p.version = v.version) "
    "FROM policy_versions v WHERE (? = 0 OR v.version = ?) ORDER BY v.version DESC LIMIT 1";

int db_policy_get(struct db *db, struct arena *a, long long version, struct policy_version *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_POLICY_GET, DB_ARGS(DB_INT(version), DB_INT(version)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	out->version = db_cell_int(&r, 0, 0);
	out->published_at = db_cell(&r, 0, 1);
	out->title = db_cell(&r, 0, 2);
	out->body = db_cell(&r, 0, 3);
	out->purposes = db_cell(&r, 0, 4);
	return 0;
}

static const char SQL_POLICY_LIST[] =
    "SELECT v.version, DATE_FORMAT(v.published_at, '%Y-%m-%d %H:%i:%s'), v.title "
    "FROM policy_versions v ORDER BY v.version DESC";

int db_policy_list(struct db *db, struct arena *a, struct policy_version **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_POLICY_LIST, DB_NOARGS, &r) < 0)
		return -1;
	struct policy_version *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].version = db_cell_int(&r, i, 0);
		v[i].published_at = db_cell(&r, i, 1);
		v[i].title = db_cell(&r, i, 2);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_NOTICE_ACTIVE[] =
    "SELECT body FROM site_notices WHERE starts_at <= UTC_TIMESTAMP(6) "
    "AND (ends_at IS NULL OR ends_at > UTC_TIMESTAMP(6)) ORDER BY starts_at DESC, id DESC "
    "LIMIT 5";

int db_notice_list_active(struct db *db, struct arena *a, const char ***out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_NOTICE_ACTIVE, DB_NOARGS, &r) < 0)
		return -1;
	const char **b = arena_alloc(a, sizeof(*b) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		b[i] = db_cell(&r, i, 0);
	*out = b;
	*n = r.nrows;
	return 0;
}

static const char SQL_POLICY_NEXT[] =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions FOR UPDATE";
static const char SQL_POLICY_INSERT[] =
    "INSERT INTO policy_versions (version, title, body) VALUES (?, ?, ?)";
static const char SQL_PURPOSE_INSERT[] =
    "INSERT INTO policy_purposes (version, purpose) VALUES (?, ?)";

int db_policy_insert(struct db *db, struct arena *a, const char *title, const char *body,
                     size_t body_len, const char *purposes, long long *version)
{
	struct db_rows r;
	if (db_query(db, a, SQL_POLICY_NEXT, DB_NOARGS, &r) < 0)
		return -1;
	*version = db_cell_int(&r, 0, 0);
	if (db_exec(db, SQL_POLICY_INSERT,
	            DB_ARGS(DB_INT(*version), DB_STR(title), DB_STRN(body, body_len)), NULL,
	            NULL) < 0)
		return -1;
	/* Split a copy: the caller's transaction may run again after a deadlock. */
	char *list = arena_strdup(a, purposes);
	char *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		if (db_exec(db, SQL_PURPOSE_INSERT, DB_ARGS(DB_INT(*version), DB_STR(t)), NULL,
		            NULL) < 0)
			return -1;
	return 0;
}

static const char SQL_POLICY_LOCK_NEWEST[] =
    "SELECT COALESCE(MAX(version), 0) FROM policy_versions FOR UPDATE";

int db_policy_lock_newest(struct db *db, long long *newest)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, SQL_POLICY_LOCK_NEWEST, DB_NOARGS, &r);
	if (rc == 0)
		*newest = db_cell_int(&r, 0, 0);
	arena_free(a);
	return rc;
}

static const char SQL_PURPOSES_KNOWN[] =
    "SELECT DISTINCT purpose FROM policy_purposes ORDER BY purpose";

int db_policy_purposes_known(struct db *db, struct arena *a, const char ***out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_PURPOSES_KNOWN, DB_NOARGS, &r) < 0)
		return -1;
	const char **v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		v[i] = db_cell(&r, i, 0);
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_NOTICE_LIST[] =
    "SELECT id, body, DATE_FORMAT(starts_at, '%Y-%m-%d %H:%i'), "
    "DATE_FORMAT(ends_at, '%Y-%m-%d %H:%i'), "
    "CASE WHEN ends_at IS NOT NULL AND ends_at <= UTC_TIMESTAMP(6) THEN 'ended' "
    "WHEN starts_at > UTC_TIMESTAMP(6) THEN 'scheduled' ELSE 'showing' END "
    "FROM site_notices ORDER BY starts_at DESC, id DESC LIMIT ?";

int db_notice_list(struct db *db, struct arena *a, struct site_notice **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_NOTICE_LIST, DB_ARGS(DB_INT(DB_NOTICES_MAX)), &r) < 0)
		return -1;
	struct site_notice *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].id = db_cell_int(&r, i, 0);
		v[i].body = db_cell(&r, i, 1);
		v[i].starts_at = db_cell(&r, i, 2);
		v[i].ends_at = db_cell(&r, i, 3);
		v[i].state = db_cell(&r, i, 4);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

/* A locking read: two identical notices posted at once find each other (one waits, or one
 * deadlocks and db_tx runs it again), so only one is stored. */
static const char SQL_NOTICE_SAME[] =
    "SELECT id FROM site_notices WHERE body = ? AND starts_at = ? AND ends_at <=> ? "
    "FOR UPDATE";
static const char SQL_NOTICE_INSERT[] =
    "INSERT INTO site_notices (body, starts_at, ends_at) VALUES (?, ?, ?)";

int db_notice_insert(struct db *db, struct arena *a, const char *body, const char *starts_at,
                     const char *ends_at, long long *id)
{
	struct db_arg ends = ends_at != NULL ? DB_STR(ends_at) : DB_NULL;
	struct db_rows r;
	if (db_query(db, a, SQL_NOTICE_SAME, DB_ARGS(DB_STR(body), DB_STR(starts_at), ends), &r) <
	    0)
		return -1;
	if (r.nrows > 0) {
		*id = db_cell_int(&r, 0, 0);
		return DB_UNCHANGED;
	}
	unsigned long long insert_id = 0;
	if (db_exec(db, SQL_NOTICE_INSERT, DB_ARGS(DB_STR(body), DB_STR(starts_at), ends), NULL,
	            &insert_id) < 0)
		return -1;
	*id = (long long)insert_id;
	return DB_CHANGED;
}

static const char SQL_NOTICE_END[] =
    "UPDATE site_notices SET ends_at = UTC_TIMESTAMP(6) "
    "WHERE id = ? AND (ends_at IS NULL OR ends_at > UTC_TIMESTAMP(6))";
static const char SQL_NOTICE_EXISTS[] = "SELECT COUNT(*) FROM site_notices WHERE id = ?";

int db_notice_end(struct db *db, struct arena *a, long long id)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_NOTICE_END, DB_ARGS(DB_INT(id)), &changed, NULL) < 0)
		return -1;
	if (changed == 1)
		return DB_CHANGED;
	struct db_rows r;
	if (db_query(db, a, SQL_NOTICE_EXISTS, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	return db_cell_int(&r, 0, 0) > 0 ? DB_UNCHANGED : DB_NOT_FOUND;
}

static const char SQL_MAILING_INSERT[] = "INSERT INTO policy_mailings (version) VALUES (?)";

int db_policy_mailing_insert(struct db *db, long long version)
{
	return db_exec(db, SQL_MAILING_INSERT, DB_ARGS(DB_INT(version)), NULL, NULL);
}

static const char SQL_MAILING_OPEN[] =
    "SELECT version FROM policy_mailings WHERE done_at IS NULL ORDER BY version";

int db_policy_mailing_open(struct db *db, struct arena *a, long long **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_MAILING_OPEN, DB_NOARGS, &r) < 0)
		return -1;
	long long *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		v[i] = db_cell_int(&r, i, 0);
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_MAILING_LOCK[] =
    "SELECT next_customer_id, done_at IS NOT NULL FROM policy_mailings WHERE version = ? "
    "FOR UPDATE";
/* The batch's last customer: the cursor moves past the batch even when the insert below finds
 * fewer rows (it reads the same snapshot, so it does not). */
static const char SQL_MAILING_NEXT[] =
    "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM (SELECT id FROM customers "
    "WHERE status = 'approved' AND id > ? ORDER BY id LIMIT ?) b";
static const char SQL_MAILING_QUEUE[] =
    "INSERT INTO outbox (customer_id, kind, recipient, subject, body) "
    "SELECT id, ?, NULL, ?, ? FROM customers WHERE status = 'approved' AND id > ? AND id <= ?";
static const char SQL_MAILING_MOVE[] =
    "UPDATE policy_mailings SET next_customer_id = ?, queued = queued + ?, "
    "done_at = IF(?, UTC_TIMESTAMP(6), NULL) WHERE version = ?";

int db_policy_mailing_batch(struct db *db, struct arena *a, long long version, const char *kind,
                            const char *subject, const char *body, long long limit,
                            long long *queued, bool *done)
{
	struct db_rows r;
	*queued = 0;
	*done = true;
	if (db_query(db, a, SQL_MAILING_LOCK, DB_ARGS(DB_INT(version)), &r) < 0)
		return -1;
	if (r.nrows == 0 || db_cell_int(&r, 0, 1) != 0)
		return 0; /* no such mailing, or finished by another runner */
	long long after = db_cell_int(&r, 0, 0);
	if (db_query(db, a, SQL_MAILING_NEXT, DB_ARGS(DB_INT(after), DB_INT(limit)), &r) < 0)
		return -1;
	long long n = db_cell_int(&r, 0, 0), last = db_cell_int(&r, 0, 1);
	unsigned long long inserted = 0;
	if (n > 0 && db_exec(db, SQL_MAILING_QUEUE,
	                     DB_ARGS(DB_STR(kind), DB_STR(subject), DB_STR(body), DB_INT(after),
	                             DB_INT(last)),
	                     &inserted, NULL) < 0)
		return -1;
	*done = n < limit;
	if (db_exec(db, SQL_MAILING_MOVE,
	            DB_ARGS(DB_INT(n > 0 ? last : after), DB_INT((long long)inserted),
	                    DB_INT(*done ? 1 : 0), DB_INT(version)),
	            NULL, NULL) < 0)
		return -1;
	*queued = (long long)inserted;
	return 0;
}
