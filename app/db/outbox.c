/* outbox.c — data access for delivering the mail outbox: due messages, per-row claims, results. */
#include "outbox.h"

#include "../arena.h"
#include "db.h"

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

static const char SQL_INSERT_MARKETING[] =
    "INSERT INTO outbox (customer_id, dedupe_key, kind, recipient, subject, body, "
    "list_unsubscribe) VALUES (?, ?, ?, ?, ?, ?, ?)";

int db_outbox_insert_marketing(struct db *db, long long customer_id, const char *kind,
                               const char *recipient, const char *subject, const char *body,
                               const char *list_unsubscribe, const char *dedupe_key)
{
	if (db_exec(db, SQL_INSERT_MARKETING,
	            DB_ARGS(DB_INT(customer_id), dedupe_key ? DB_STR(dedupe_key) : DB_NULL,
	                    DB_STR(kind), DB_STR(recipient), DB_STR(subject), DB_STR(body),
	                    DB_STR(list_unsubscribe)),
	            NULL, NULL) == 0)
		return 0;
	return db_errno(db) == DB_ER_DUP_ENTRY ? 1 : -1;
}

/* "Due": the one condition the list and the claim share. */
#define OUTBOX_DUE                                                                                 \
	"sent_at IS NULL AND given_up_at IS NULL AND "                                             \
	"(next_attempt_at IS NULL OR next_attempt_at <= UTC_TIMESTAMP(6)) AND "                    \
	"(claimed_by IS NULL OR claim_expires < UTC_TIMESTAMP(6))"

static const char SQL_DUE[] =
    "SELECT id FROM outbox WHERE " OUTBOX_DUE " AND id > ? ORDER BY id LIMIT ?";

int db_outbox_list_due(struct db *db, struct arena *a, long long after, long long limit,
                       long long **ids, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_DUE, DB_ARGS(DB_INT(after), DB_INT(limit)), &r) < 0)
		return -1;
	long long *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		v[i] = db_cell_int(&r, i, 0);
	*ids = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_CLAIM[] =
    "UPDATE outbox SET claimed_by = ?, claim_expires = UTC_TIMESTAMP(6) + INTERVAL ? SECOND "
    "WHERE id = ? AND " OUTBOX_DUE;

int db_outbox_claim(struct db *db, long long id, const char *run_id, int seconds)
{
	unsigned long long affected = 0;
	if (db_exec(db, SQL_CLAIM, DB_ARGS(DB_STR(run_id), DB_INT(seconds), DB_INT(id)), &affected,
	            NULL) < 0) {
		unsigned e = db_errno(db);
		/* Another sender changed the row first (a Galera certification failure is
		 * reported as a deadlock): it is theirs. */
		return e == DB_ER_LOCK_DEADLOCK || e == DB_ER_LOCK_WAIT_TIMEOUT ? 0 : -1;
	}
	return affected == 1 ? 1 : 0;
}

/* A message queued without a recipient is addressed here: about an order, to the order's contact
 * email (none once anonymised); otherwise (a policy change's notice) to the account's email
 * while the account is approved. */
static const char SQL_GET_CLAIMED[] =
    "SELECT m.id, COALESCE(m.recipient, IF(o.anonymised_at IS NULL, o.contact_email, NULL), "
    "IF(c.status = 'approved', c.email, NULL)), "
    "m.subject, m.body, FLOOR(UNIX_TIMESTAMP(m.created_at)), m.attempts, m.list_unsubscribe "
    "FROM outbox m LEFT JOIN orders o ON m.recipient IS NULL AND o.id = m.order_id "
    "LEFT JOIN customers c ON m.recipient IS NULL AND m.order_id IS NULL "
    "AND c.id = m.customer_id "
    "WHERE m.id = ? AND m.claimed_by = ? AND m.sent_at IS NULL";

int db_outbox_get_claimed(struct db *db, struct arena *a, long long id, const char *run_id,
                          struct outbox_message *m)
{
	struct db_rows r;
	if (db_query(db, a, SQL_GET_CLAIMED, DB_ARGS(DB_INT(id), DB_STR(run_id)), &r) < 0)
		return -1;
	if (r.nrows != 1)
		return 1;
	const char *body = db_cell(&r, 0, 3);
	m->id = db_cell_int(&r, 0, 0);
	m->recipient = db_cell(&r, 0, 1) ? db_cell(&r, 0, 1) : "";
	m->subject = db_cell(&r, 0, 2) ? db_cell(&r, 0, 2) : "";
	m->body = body ? body : "";
	m->body_len = body ? r.lens[3] : 0;
	m->created = (time_t)db_cell_int(&r, 0, 4);
	m->attempts = (int)db_cell_int(&r, 0, 5);
	m->list_unsubscribe = db_cell(&r, 0, 6);
	return 0;
}

static const char SQL_MARK_SENT[] =
    "UPDATE outbox SET sent_at = UTC_TIMESTAMP(6), last_error = NULL, claimed_by = NULL, "
    "claim_expires = NULL WHERE id = ? AND claimed_by = ? AND sent_at IS NULL";

int db_outbox_mark_sent(struct db *db, long long id, const char *run_id)
{
	unsigned long long affected = 0;
	if (db_exec(db, SQL_MARK_SENT, DB_ARGS(DB_INT(id), DB_STR(run_id)), &affected, NULL) < 0)
		return -1;
	return affected == 1 ? 0 : 1;
}

static const char SQL_MARK_FAILED[] =
    "UPDATE outbox SET attempts = ?, last_error = ?, "
    "next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, "
    "given_up_at = IF(?, UTC_TIMESTAMP(6), NULL), claimed_by = NULL, claim_expires = NULL "
    "WHERE id = ? AND claimed_by = ?";

int db_outbox_mark_failed(struct db *db, long long id, const char *run_id, const char *why,
                          int attempts, long long retry_seconds, bool give_up)
{
	return db_exec(db, SQL_MARK_FAILED,
	               DB_ARGS(DB_INT(attempts), DB_STR(why), DB_INT(retry_seconds),
	                       DB_INT(give_up ? 1 : 0), DB_INT(id), DB_STR(run_id)),
	               NULL, NULL);
}
