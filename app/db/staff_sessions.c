/* staff_sessions.c — data access for staff session rows. */
#include "staff_sessions.h"

#include "db.h"

static const char SQL_GET[] =
    "SELECT s.id, s.staff_id, m.username, m.role, s.csrf_token, "
    "s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND, "
    "(SELECT COALESCE(MAX(v.version), 0) FROM policy_versions v WHERE v.version > "
    " COALESCE((SELECT MAX(k.version) FROM staff_policy_acks k WHERE k.staff_id = m.id), 0)) "
    "FROM staff_sessions s JOIN staff m ON m.id = s.staff_id "
    "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP(6) "
    "AND s.last_seen_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND AND m.disabled = 0";

int db_staff_session_get(struct db *db, struct arena *a, const unsigned char *hash, int idle,
                         struct staff_session_row *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_GET, DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(idle)), &r) <
	    0)
		return -1;
	if (r.nrows == 0)
		return 1;
	int role = privacy_role_parse(db_cell(&r, 0, 3));
	if (role < 0)
		return 1; /* a role this build does not know opens nothing */
	out->id = db_cell_int(&r, 0, 0);
	out->staff_id = db_cell_int(&r, 0, 1);
	out->username = db_cell(&r, 0, 2);
	out->role = (enum staff_role)role;
	out->csrf = db_cell(&r, 0, 4);
	out->touch = db_cell_int(&r, 0, 5) != 0;
	out->policy_pending = db_cell_int(&r, 0, 6);
	return 0;
}

static const char SQL_TOUCH[] =
    "UPDATE staff_sessions SET last_seen_at = UTC_TIMESTAMP(6) WHERE id = ?";

int db_staff_session_touch(struct db *db, long long id)
{
	return db_exec(db, SQL_TOUCH, DB_ARGS(DB_INT(id)), NULL, NULL);
}

static const char SQL_INSERT[] =
    "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, expires_at) "
    "VALUES (?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND)";

int db_staff_session_insert(struct db *db, const unsigned char *hash, long long staff_id,
                            const char *csrf, int max, long long *id)
{
	unsigned long long sid;
	if (db_exec(db, SQL_INSERT,
	            DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(staff_id), DB_STR(csrf),
	                    DB_INT(max)),
	            NULL, &sid) < 0)
		return -1;
	*id = (long long)sid;
	return 0;
}

static const char SQL_DELETE_HASH[] = "DELETE FROM staff_sessions WHERE token_hash = ?";

int db_staff_session_delete_by_hash(struct db *db, const unsigned char *hash)
{
	return db_exec(db, SQL_DELETE_HASH, DB_ARGS(DB_STRN((const char *)hash, 32)), NULL, NULL);
}

static const char SQL_DELETE_MEMBER[] = "DELETE FROM staff_sessions WHERE staff_id = ?";

int db_staff_sessions_delete_member(struct db *db, long long staff_id)
{
	return db_exec(db, SQL_DELETE_MEMBER, DB_ARGS(DB_INT(staff_id)), NULL, NULL);
}
