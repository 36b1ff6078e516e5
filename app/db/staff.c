/* staff.c — data access for staff accounts. */
#include "staff.h"

#include "../arena.h"
#include "db.h"

static const char SQL_STAFF_EXISTS[] = "SELECT EXISTS(SELECT 1 FROM staff WHERE username = ?)";

int db_staff_exists(struct db *db, struct arena *a, const char *username, bool *exists)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STAFF_EXISTS, DB_ARGS(DB_STR(username)), &r) < 0)
		return -1;
	*exists = r.nrows > 0 && db_cell_int(&r, 0, 0) != 0;
	return 0;
}

static const char SQL_STAFF_INSERT[] =
    "INSERT INTO staff (username, role, password_hash, totp_secret) VALUES (?, ?, ?, ?)";

int db_staff_insert(struct db *db, const char *username, enum staff_role role,
                    const char *password_hash, const char *totp_secret)
{
	const char *name = privacy_role_name(role);
	if (name == NULL)
		return -1;
	if (db_exec(
	        db, SQL_STAFF_INSERT,
	        DB_ARGS(DB_STR(username), DB_STR(name), DB_STR(password_hash), DB_STR(totp_secret)),
	        NULL, NULL) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY ? DB_UNCHANGED : -1;
	return DB_CHANGED;
}

static const char SQL_STAFF_LIST[] =
    "SELECT username, role, disabled, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') "
    "FROM staff ORDER BY username";

int db_staff_list(struct db *db, struct arena *a, struct staff_member **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STAFF_LIST, DB_NOARGS, &r) < 0)
		return -1;
	struct staff_member *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].username = db_cell(&r, i, 0);
		v[i].role = db_cell(&r, i, 1);
		v[i].disabled = db_cell_int(&r, i, 2) != 0;
		v[i].created_at = db_cell(&r, i, 3);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_STAFF_DISABLE[] =
    "UPDATE staff SET disabled = 1 WHERE username = ? AND disabled = 0";

int db_staff_disable(struct db *db, struct arena *a, const char *username)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_STAFF_DISABLE, DB_ARGS(DB_STR(username)), &changed, NULL) < 0)
		return -1;
	if (changed == 1)
		return DB_CHANGED;
	/* Nothing changed: already disabled (fine, e.g. a second run) or no such member. */
	bool exists;
	if (db_staff_exists(db, a, username, &exists) < 0)
		return -1;
	return exists ? DB_UNCHANGED : DB_NOT_FOUND;
}
