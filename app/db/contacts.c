/* contacts.c — representatives' contact attempts (customer_contacts). */
#include "contacts.h"

#include "../arena.h"
#include "db.h"

static const char SQL_INSERT[] =
    "INSERT INTO customer_contacts (customer_id, staff_id, nonce, note) VALUES (?, ?, ?, ?)";

int db_contact_insert(struct db *db, long long customer_id, long long staff_id, const char *nonce,
                      const char *note)
{
	/* The unique key on (customer_id, nonce) is the guard: a concurrent second submit waits
	 * for the first's row and then fails here, so one form sends one message. */
	if (db_exec(db, SQL_INSERT,
	            DB_ARGS(DB_INT(customer_id), DB_INT(staff_id), DB_STR(nonce), DB_STR(note)),
	            NULL, NULL) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY ? DB_UNCHANGED : -1;
	return DB_CHANGED;
}

static const char SQL_LIST[] =
    "SELECT DATE_FORMAT(c.contacted_at, '%Y-%m-%d %H:%i'), s.username, c.note "
    "FROM customer_contacts c JOIN staff s ON s.id = c.staff_id "
    "WHERE c.customer_id = ? ORDER BY c.contacted_at DESC, c.id DESC LIMIT ?";

int db_contact_list(struct db *db, struct arena *a, long long customer_id, int limit,
                    struct customer_contact **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_LIST, DB_ARGS(DB_INT(customer_id), DB_INT(limit)), &r) < 0)
		return -1;
	struct customer_contact *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].contacted_at = db_cell(&r, i, 0);
		v[i].staff_username = db_cell(&r, i, 1);
		v[i].note = db_cell(&r, i, 2);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}
