/* outbox.c — data access for delivering the mail outbox. */
#include "outbox.h"

#include "../arena.h"
#include "db.h"

/* A message queued without a recipient is addressed here: about an order, to the order's contact
 * email; otherwise (a policy change's notice) to the account's email while the account is
 * approved. */
static const char SQL_UNSENT[] =
    "SELECT m.id, COALESCE(m.recipient, IF(o.anonymised_at IS NULL, o.contact_email, NULL), "
    "IF(c.status = 'approved', c.email, NULL)), "
    "m.subject, m.body, FLOOR(UNIX_TIMESTAMP(m.created_at)) FROM outbox m "
    "LEFT JOIN orders o ON m.recipient IS NULL AND o.id = m.order_id "
    "LEFT JOIN customers c ON m.recipient IS NULL AND m.order_id IS NULL AND c.id = m.customer_id "
    "WHERE m.sent_at IS NULL AND m.attempts < ? AND m.id > ? ORDER BY m.id LIMIT ?";

static const char SQL_INSERT_ORDER[] =
    "INSERT INTO outbox (customer_id, order_id, dedupe_key, kind, recipient, subject, body) "
    "VALUES (?, ?, ?, ?, NULL, ?, ?)";

int db_outbox_insert_order(struct db *db, long long customer_id, long long order_id,
                           const char *kind, const char *subject, const char *body,
                           const char *dedupe_key)
{
	if (db_exec(db, SQL_INSERT_ORDER,
	            DB_ARGS(customer_id > 0 ? DB_INT(customer_id) : DB_NULL, DB_INT(order_id),
	                    dedupe_key ? DB_STR(dedupe_key) : DB_NULL, DB_STR(kind),
	                    DB_STR(subject), DB_STR(body)),
	            NULL, NULL) == 0)
		return 0;
	return db_errno(db) == DB_ER_DUP_ENTRY ? 1 : -1;
}

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
