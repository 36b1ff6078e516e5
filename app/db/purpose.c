/* purpose.c — may a datum be used for a purpose: its policy version decides. */
#include "purpose.h"

#include "../arena.h"
#include "db.h"

static const char SQL_ALLOWED[] = "SELECT 1 FROM DUAL WHERE " PURPOSE_ALLOWS("?");

int db_purpose_allowed(struct db *db, long long version, const char *purpose, bool *allowed)
{
	struct arena *a = arena_new();
	struct db_rows rows;
	int rc = db_query(db, a, SQL_ALLOWED, DB_ARGS(DB_INT(version), DB_STR(purpose)), &rows);
	if (rc == 0)
		*allowed = rows.nrows > 0;
	arena_free(a);
	return rc;
}
