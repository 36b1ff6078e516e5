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
    "SELECT id, username, role, disabled, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), "
    "DATE_FORMAT(last_login_at, '%Y-%m-%d %H:%i:%s'), totp_generation, "
    "(SELECT k.version FROM staff_policy_acks k WHERE k.staff_id = staff.id "
    " ORDER BY k.version DESC LIMIT 1), "
    "(SELECT DATE_FORMAT(k.acked_at, '%Y-%m-%d %H:%i:%s') FROM staff_policy_acks k "
    " WHERE k.staff_id = staff.id ORDER BY k.version DESC LIMIT 1) "
    "FROM staff ORDER BY username";

int db_staff_list(struct db *db, struct arena *a, struct staff_member **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STAFF_LIST, DB_NOARGS, &r) < 0)
		return -1;
	struct staff_member *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].id = db_cell_int(&r, i, 0);
		v[i].username = db_cell(&r, i, 1);
		v[i].role = db_cell(&r, i, 2);
		v[i].disabled = db_cell_int(&r, i, 3) != 0;
		v[i].created_at = db_cell(&r, i, 4);
		v[i].last_login_at = db_cell(&r, i, 5);
		v[i].totp_generation = db_cell_int(&r, i, 6);
		v[i].policy_acked = db_cell(&r, i, 7) ? db_cell_int(&r, i, 7) : 0;
		v[i].policy_acked_at = db_cell(&r, i, 8);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_STAFF_LOCK[] =
    "SELECT id, disabled, totp_generation FROM staff WHERE username = ? FOR UPDATE";

int db_staff_lock(struct db *db, struct arena *a, const char *username, struct staff_target *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STAFF_LOCK, DB_ARGS(DB_STR(username)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	out->id = db_cell_int(&r, 0, 0);
	out->disabled = db_cell_int(&r, 0, 1) != 0;
	out->totp_generation = db_cell_int(&r, 0, 2);
	return 0;
}

static const char SQL_STAFF_DISABLE[] =
    "UPDATE staff SET disabled = 1 WHERE id = ? AND disabled = 0";

int db_staff_set_disabled(struct db *db, long long id)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_STAFF_DISABLE, DB_ARGS(DB_INT(id)), &changed, NULL) < 0)
		return -1;
	return changed == 1 ? DB_CHANGED : DB_UNCHANGED;
}

static const char SQL_STAFF_SET_TOTP[] =
    "UPDATE staff SET totp_secret = ?, totp_generation = totp_generation + 1 "
    "WHERE id = ? AND totp_generation = ?";

int db_staff_set_totp(struct db *db, long long id, const char *secret, long long generation)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_STAFF_SET_TOTP, DB_ARGS(DB_STR(secret), DB_INT(id), DB_INT(generation)),
	            &changed, NULL) < 0)
		return -1;
	return changed == 1 ? DB_CHANGED : DB_UNCHANGED;
}

static const char SQL_STAFF_LOGIN[] =
    "SELECT id, role, username, password_hash, totp_secret, disabled, failed_logins, "
    "COALESCE(locked_until > UTC_TIMESTAMP(6), 0) FROM staff WHERE username = ?";

int db_staff_get_login(struct db *db, struct arena *a, const char *username,
                       struct staff_login *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STAFF_LOGIN, DB_ARGS(DB_STR(username)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	int role = privacy_role_parse(db_cell(&r, 0, 1));
	out->id = db_cell_int(&r, 0, 0);
	out->role = role < 0 ? ROLE__MAX : (enum staff_role)role;
	out->username = db_cell(&r, 0, 2);
	out->password_hash = db_cell(&r, 0, 3);
	out->totp_secret = db_cell(&r, 0, 4);
	/* An account whose role this build does not know is treated as disabled. */
	out->disabled = db_cell_int(&r, 0, 5) != 0 || role < 0;
	out->failed_logins = db_cell_int(&r, 0, 6);
	out->locked = db_cell_int(&r, 0, 7) != 0;
	return 0;
}

static const char SQL_STAFF_FAIL_COUNT[] =
    "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?";
static const char SQL_STAFF_FAIL_LOCK[] =
    "UPDATE staff SET locked_until = UTC_TIMESTAMP(6) + INTERVAL ? MINUTE, failed_logins = 0 "
    "WHERE id = ?";

int db_staff_login_failed(struct db *db, const struct staff_login *s, int max, int minutes,
                          bool *locked_now)
{
	*locked_now = false;
	if (s->failed_logins + 1 < max)
		return db_exec(db, SQL_STAFF_FAIL_COUNT, DB_ARGS(DB_INT(s->id)), NULL, NULL);
	if (db_exec(db, SQL_STAFF_FAIL_LOCK, DB_ARGS(DB_INT(minutes), DB_INT(s->id)), NULL, NULL) <
	    0)
		return -1;
	*locked_now = true;
	return 0;
}

static const char SQL_STAFF_LOGIN_OK[] =
    "UPDATE staff SET failed_logins = 0, locked_until = NULL, last_login_at = UTC_TIMESTAMP(6) "
    "WHERE id = ?";

int db_staff_login_ok(struct db *db, long long id)
{
	return db_exec(db, SQL_STAFF_LOGIN_OK, DB_ARGS(DB_INT(id)), NULL, NULL);
}

static const char SQL_STAFF_TOTP_USE[] =
    "UPDATE staff SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?";

int db_staff_totp_use(struct db *db, long long id, long long step)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_STAFF_TOTP_USE, DB_ARGS(DB_INT(step), DB_INT(id), DB_INT(step)),
	            &changed, NULL) < 0)
		return -1;
	return changed == 1 ? DB_CHANGED : DB_UNCHANGED;
}

static const char SQL_STAFF_SET_PASSWORD[] = "UPDATE staff SET password_hash = ? WHERE id = ?";

int db_staff_set_password(struct db *db, long long id, const char *hash)
{
	return db_exec(db, SQL_STAFF_SET_PASSWORD, DB_ARGS(DB_STR(hash), DB_INT(id)), NULL, NULL);
}
