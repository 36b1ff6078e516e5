/* password_resets.c — data access for password reset links (see password_resets.h). */
#include "password_resets.h"

#include "../arena.h"
#include "db.h"

static void account_of(const struct db_rows *r, struct reset_account *out)
{
	out->id = db_cell_int(r, 0, 0);
	out->username = db_cell(r, 0, 1);
	out->email = db_cell(r, 0, 2);
	out->name = db_cell(r, 0, 3);
	out->status = customer_status_of(db_cell(r, 0, 4));
}

static const char SQL_BY_EMAIL[] =
    "SELECT id, username, email, name, status FROM customers WHERE email = ? LIMIT 1";

int db_reset_account_by_email(struct db *db, struct arena *a, const char *email,
                              struct reset_account *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_BY_EMAIL, DB_ARGS(DB_STR(email)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	account_of(&r, out);
	return 0;
}

static const char SQL_INSERT[] =
    "INSERT INTO password_resets (token_hash, customer_id, expires_at) "
    "VALUES (?, ?, UTC_TIMESTAMP(6) + INTERVAL ? MINUTE)";

int db_reset_insert(struct db *db, const unsigned char *hash, long long customer_id, int minutes)
{
	return db_exec(
	    db, SQL_INSERT,
	    DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(customer_id), DB_INT(minutes)), NULL,
	    NULL);
}

#define SQL_GET_OPEN                                                                               \
	"SELECT c.id, c.username, c.email, c.name, c.status FROM password_resets r "               \
	"JOIN customers c ON c.id = r.customer_id WHERE r.token_hash = ? "                         \
	"AND r.used_at IS NULL AND r.expires_at > UTC_TIMESTAMP(6)"
static const char SQL_GET[] = SQL_GET_OPEN;
static const char SQL_GET_LOCK[] = SQL_GET_OPEN " FOR UPDATE";

int db_reset_get(struct db *db, struct arena *a, const unsigned char *hash, bool for_update,
                 struct reset_account *out)
{
	struct db_rows r;
	if (db_query(db, a, for_update ? SQL_GET_LOCK : SQL_GET,
	             DB_ARGS(DB_STRN((const char *)hash, 32)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	account_of(&r, out);
	return 0;
}

static const char SQL_USE[] =
    "UPDATE password_resets SET used_at = UTC_TIMESTAMP(6) WHERE token_hash = ? "
    "AND customer_id = ? AND used_at IS NULL AND expires_at > UTC_TIMESTAMP(6)";
static const char SQL_USE_REST[] = "UPDATE password_resets SET used_at = UTC_TIMESTAMP(6) "
                                   "WHERE customer_id = ? AND used_at IS NULL";

int db_reset_use(struct db *db, const unsigned char *hash, long long customer_id)
{
	unsigned long long used = 0;
	if (db_exec(db, SQL_USE, DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(customer_id)),
	            &used, NULL) < 0)
		return -1;
	if (used == 0)
		return DB_NOT_FOUND;
	if (db_exec(db, SQL_USE_REST, DB_ARGS(DB_INT(customer_id)), NULL, NULL) < 0)
		return -1;
	return DB_CHANGED;
}
