/* affiliates.c — the registration data a business affiliate may receive, each transfer recorded. */
#include "affiliates.h"

#include "../arena.h"
#include "db.h"
#include "purpose.h"

static const char SQL_BATCH[] = "SELECT c.id, c.name, c.email FROM customers c "
                                "WHERE c.status = 'approved' AND c.id > ? AND " PURPOSE_ALLOWS(
                                    "c.policy_version") " "
                                                        "ORDER BY c.id LIMIT ? LOCK IN SHARE MODE";
static const char SQL_DISCLOSE[] =
    "INSERT INTO disclosures (customer_id, recipient, fields, purpose) VALUES (?, ?, ?, ?)";

int db_affiliate_batch(struct db *db, struct arena *a, const char *recipient, long long after,
                       long long limit, struct affiliate_person **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_BATCH,
	             DB_ARGS(DB_INT(after), DB_STR(AFFILIATE_PURPOSE), DB_INT(limit)), &r) < 0)
		return -1;
	struct affiliate_person *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].customer_id = db_cell_int(&r, i, 0);
		v[i].name = db_cell(&r, i, 1);
		v[i].email = db_cell(&r, i, 2);
		if (db_exec(db, SQL_DISCLOSE,
		            DB_ARGS(DB_INT(v[i].customer_id), DB_STR(recipient),
		                    DB_STR(AFFILIATE_FIELDS), DB_STR(AFFILIATE_PURPOSE)),
		            NULL, NULL) < 0)
			return -1;
	}
	*out = v;
	*n = r.nrows;
	return 0;
}
