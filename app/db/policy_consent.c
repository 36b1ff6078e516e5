/* policy_consent.c — customers' consent and seen versions, staff acknowledgements. */
#include "policy_consent.h"

#include "../arena.h"
#include "db.h"

static const char SQL_STANDING[] =
    "SELECT c.policy_version, GREATEST(c.policy_version, COALESCE(c.policy_seen_version, 0)), "
    "(SELECT COALESCE(MAX(v.version), 0) FROM policy_versions v) FROM customers c "
    "WHERE c.id = ?";

int db_policy_standing(struct db *db, struct arena *a, long long customer_id,
                       struct policy_standing *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_STANDING, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	out->consented = db_cell_int(&r, 0, 0);
	out->seen = db_cell_int(&r, 0, 1);
	out->newest = db_cell_int(&r, 0, 2);
	return 0;
}

/* Never moves the consent back, and only to the newest version: the definer procedure
 * shop_policy_accept checks both, since the shop's account cannot write policy_version.  Its
 * UPDATE is its last statement, so the CALL's affected rows are the UPDATE's (0: accepted
 * already). */
static const char SQL_ACCEPT[] = "CALL shop_policy_accept(?, ?)";

int db_policy_accept(struct db *db, long long customer_id, long long version)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_ACCEPT, DB_ARGS(DB_INT(customer_id), DB_INT(version)), &changed, NULL) <
	    0)
		return -1;
	return changed > 0 ? DB_CHANGED : DB_UNCHANGED;
}

static const char SQL_DECLINE[] =
    "UPDATE customers SET policy_seen_version = ? "
    "WHERE id = ? AND policy_version < ? AND COALESCE(policy_seen_version, 0) < ?";

int db_policy_decline(struct db *db, long long customer_id, long long version)
{
	unsigned long long changed = 0;
	if (db_exec(db, SQL_DECLINE,
	            DB_ARGS(DB_INT(version), DB_INT(customer_id), DB_INT(version), DB_INT(version)),
	            &changed, NULL) < 0)
		return -1;
	return changed > 0 ? DB_CHANGED : DB_UNCHANGED;
}

static const char SQL_ACK[] = "INSERT INTO staff_policy_acks (staff_id, version) VALUES (?, ?)";

int db_staff_policy_ack(struct db *db, long long staff_id, long long version)
{
	if (db_exec(db, SQL_ACK, DB_ARGS(DB_INT(staff_id), DB_INT(version)), NULL, NULL) == 0)
		return DB_CHANGED;
	return db_errno(db) == DB_ER_DUP_ENTRY ? DB_UNCHANGED : -1;
}

static const char SQL_PENDING[] =
    "SELECT COALESCE(MAX(v.version), 0) FROM policy_versions v WHERE v.version > "
    "COALESCE((SELECT MAX(k.version) FROM staff_policy_acks k WHERE k.staff_id = ?), 0)";

int db_staff_policy_pending(struct db *db, long long staff_id, long long *pending)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = db_query(db, a, SQL_PENDING, DB_ARGS(DB_INT(staff_id)), &r);
	if (rc == 0)
		*pending = db_cell_int(&r, 0, 0);
	arena_free(a);
	return rc;
}
