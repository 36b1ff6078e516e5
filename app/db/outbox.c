/* outbox.c — data access for delivering the mail outbox. */
#include "outbox.h"

#include "../arena.h"
#include "db.h"

static const char SQL_UNSENT[] =
    "SELECT id, recipient, subject, body, FLOOR(UNIX_TIMESTAMP(created_at)) FROM outbox "
    "WHERE sent_at IS NULL AND attempts < ? AND id > ? ORDER BY id LIMIT ?";

int db_outbox_list_unsent(struct db *db, struct arena *a, int max_attempts, long long after,
                          long long limit, struct outbox_message **out, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_UNSENT, DB_ARGS(DB_INT(max_attempts), DB_INT(after), DB_INT(limit)),
	             &r) < 0)
		return -1;
	struct outbox_message *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		const char *body = db_cell(&r, i, 3);
		v[i].id = db_cell_int(&r, i, 0);
		v[i].recipient = db_cell(&r, i, 1) ? db_cell(&r, i, 1) : "";
		v[i].subject = db_cell(&r, i, 2) ? db_cell(&r, i, 2) : "";
		v[i].body = body ? body : "";
		v[i].body_len = body ? r.lens[i * r.ncols + 3] : 0;
		v[i].created = (time_t)db_cell_int(&r, i, 4);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_MARK_SENT[] = "UPDATE outbox SET sent_at = UTC_TIMESTAMP(6), "
                                    "last_error = NULL WHERE id = ? AND sent_at IS NULL";

int db_outbox_mark_sent(struct db *db, long long id)
{
	return db_exec(db, SQL_MARK_SENT, DB_ARGS(DB_INT(id)), NULL, NULL);
}

static const char SQL_MARK_FAILED[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?";

int db_outbox_mark_failed(struct db *db, long long id, const char *why)
{
	return db_exec(db, SQL_MARK_FAILED, DB_ARGS(DB_STR(why), DB_INT(id)), NULL, NULL);
}
