/* purge.c — data access for `dittoctl purge`: accounts due, erasing one, sweeps, kept mail. */
#include "purge.h"

#include <string.h>

#include "../arena.h"
#include "db.h"

static const char *const reason_labels[PURGE_REASON__MAX] = {
    [PURGE_DELETED] = "deleted accounts",
    [PURGE_DEACTIVATED] = "deactivated accounts past retention",
    [PURGE_DENIED] = "denied registrations past retention",
    [PURGE_UNVERIFIED] = "unverified registrations past retention",
};

const char *purge_reason_label(enum purge_reason r)
{
	return (unsigned)r < PURGE_REASON__MAX ? reason_labels[r] : "?";
}

/*
 * Why customer c is due (an enum purge_reason), or NULL when it is not.  Its
 * three ? are the deactivated, denied and unverified retention days.  A
 * reactivated account is approved, so it matches no branch.
 */
#define DUE_WHY                                                                                    \
	"CASE WHEN c.status = 'deleted' THEN 0 "                                                   \
	"WHEN c.status = 'deactivated' AND c.status_changed_at < UTC_TIMESTAMP(6) - INTERVAL ? "   \
	"DAY THEN 1 "                                                                              \
	"WHEN c.status = 'denied' AND c.status_changed_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY "    \
	"THEN 2 "                                                                                  \
	"WHEN c.status = 'pending' AND c.email_verified_at IS NULL AND c.registered_at < "         \
	"UTC_TIMESTAMP(6) - INTERVAL ? DAY THEN 3 END"
/* An open legal case holds the account: the authority's request comes before erasure. */
#define HELD                                                                                       \
	"EXISTS (SELECT 1 FROM legal_cases lc WHERE lc.customer_id = c.id AND lc.closed_at IS "    \
	"NULL)"

static const char SQL_DUE[] = "SELECT c.id, " DUE_WHY ", " HELD " FROM customers c "
                              "WHERE c.id > ? AND (" DUE_WHY ") IS NOT NULL ORDER BY c.id LIMIT ?";
static const char SQL_RECHECK[] = "SELECT " DUE_WHY ", " HELD " FROM customers c WHERE c.id = ? "
                                  "FOR UPDATE";

int db_purge_due(struct db *db, struct arena *a, const struct purge_policy *p, long long after,
                 size_t limit, struct purge_due **out, size_t *n)
{
	struct db_rows r;
	const struct db_arg args[] = {
	    DB_INT(p->deactivated_days), DB_INT(p->deactivated_days),
	    DB_INT(p->unverified_days),  DB_INT(after),
	    DB_INT(p->deactivated_days), DB_INT(p->deactivated_days),
	    DB_INT(p->unverified_days),  DB_INT((long long)limit),
	};
	if (db_query(db, a, SQL_DUE, DB_ARRAY(args), &r) < 0)
		return -1;
	struct purge_due *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].id = db_cell_int(&r, i, 0);
		v[i].why = (enum purge_reason)db_cell_int(&r, i, 1);
		v[i].held = db_cell_int(&r, i, 2) != 0;
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

/* The account's outbox rows: addressed to them, or about one of their orders (those two only
 * when not also addressed to them).  Three lookups by one key each: joined through orders, the
 * optimizer counted on the outbox's many NULL order_ids and took ~20 ms an account at 100,000
 * rows. */
static const char SQL_MAIL_OF_CUSTOMER[] = "SELECT id FROM outbox WHERE customer_id = ?";
static const char SQL_ORDERS_OF_CUSTOMER[] = "SELECT id FROM orders WHERE customer_id = ?";
static const char SQL_MAIL_OF_ORDER[] =
    "SELECT id FROM outbox WHERE order_id = ? AND NOT customer_id <=> ?";
static const char SQL_MAIL_DELETE[] = "DELETE FROM outbox WHERE id = ?";
static const char SQL_PAYMENTS[] =
    "UPDATE payments p JOIN orders o ON o.id = p.order_id SET p.token = NULL, p.brand = NULL, "
    "p.last4 = NULL, p.exp_month = NULL, p.exp_year = NULL WHERE o.customer_id = ?";
/* Staff notes are free text that may name the person; customer_note is written by code only
 * ("Refunded 12.34") and stays with the amounts. */
static const char SQL_HISTORY_NOTES[] =
    "UPDATE order_status_history h JOIN orders o ON o.id = h.order_id SET h.note = NULL "
    "WHERE o.customer_id = ? AND h.note IS NOT NULL";
static const char SQL_DISCLOSURES[] =
    "UPDATE disclosures SET customer_id = NULL WHERE customer_id = ?";
/* Last of the order statements: the ones above find the orders by their customer_id. */
static const char SQL_ORDERS[] =
    "UPDATE orders SET customer_id = NULL, contact_name = '', contact_email = '', "
    "billing_line1 = '', billing_line2 = '', billing_city = '', billing_postcode = '', "
    "billing_country = '', shipping_line1 = '', shipping_line2 = '', shipping_city = '', "
    "shipping_postcode = '', shipping_country = '', tracking_number = NULL, "
    "anonymised_at = UTC_TIMESTAMP(6) WHERE customer_id = ?";
/* Notes and reasons of access changes are about the person; the history goes with them. */
static const char SQL_STATUS_HISTORY[] =
    "DELETE FROM customer_status_history WHERE customer_id = ?";
static const char SQL_LOCKOUTS[] = "DELETE FROM lockouts WHERE customer_id = ?";
/* The chain covers customer_ref, not customer_id (encoding v2): the row stays verifiable. */
static const char SQL_AUDIT[] = "UPDATE audit_log SET customer_id = NULL WHERE customer_id = ?";
/* Cascades to addresses, interests, sessions, verifications, cart, viewing profile, contact
 * notes, failed payment attempts, and every table added later with ON DELETE CASCADE. */
static const char SQL_CUSTOMER[] = "DELETE FROM customers WHERE id = ?";

/* Runs sql with the one argument id, adding the rows it affected to *count (NULL: none). */
static int exec_id(struct db *db, const char *sql, long long id, long long *count)
{
	unsigned long long n = 0;
	if (db_exec(db, sql, DB_ARGS(DB_INT(id)), &n, NULL) < 0)
		return -1;
	if (count != NULL)
		*count += (long long)n;
	return 0;
}

/* Deletes the outbox rows r lists (column 0) and appends their ids to *ids. Returns 0 or -1. */
static int erase_mail_rows(struct db *db, struct arena *a, const struct db_rows *r, long long **ids,
                           size_t *n, size_t *cap, long long *count)
{
	if (*n + r->nrows > *cap) {
		size_t grown = (*n + r->nrows) * 2 + 16;
		long long *v = arena_alloc(a, sizeof(*v) * grown);
		if (*n > 0)
			memcpy(v, *ids, sizeof(*v) * *n);
		*ids = v;
		*cap = grown;
	}
	for (size_t i = 0; i < r->nrows; i++) {
		long long mail = db_cell_int(r, i, 0);
		if (exec_id(db, SQL_MAIL_DELETE, mail, count) < 0)
			return -1;
		(*ids)[(*n)++] = mail;
	}
	return 0;
}

/* Deletes the account's outbox rows and appends their ids to *ids. Returns 0 or -1. */
static int erase_mail(struct db *db, struct arena *a, long long id, long long **ids, size_t *n,
                      size_t *cap, long long *count)
{
	struct db_rows r, orders;
	if (db_query(db, a, SQL_MAIL_OF_CUSTOMER, DB_ARGS(DB_INT(id)), &r) < 0 ||
	    erase_mail_rows(db, a, &r, ids, n, cap, count) < 0 ||
	    db_query(db, a, SQL_ORDERS_OF_CUSTOMER, DB_ARGS(DB_INT(id)), &orders) < 0)
		return -1;
	for (size_t i = 0; i < orders.nrows; i++)
		if (db_query(db, a, SQL_MAIL_OF_ORDER,
		             DB_ARGS(DB_INT(db_cell_int(&orders, i, 0)), DB_INT(id)), &r) < 0 ||
		    erase_mail_rows(db, a, &r, ids, n, cap, count) < 0)
			return -1;
	return 0;
}

int db_purge_account(struct db *db, struct arena *a, const struct purge_policy *p, long long id,
                     struct purge_counts *counts, long long **mail_ids, size_t *nmail, size_t *cap)
{
	struct db_rows r;
	if (db_query(db, a, SQL_RECHECK,
	             DB_ARGS(DB_INT(p->deactivated_days), DB_INT(p->deactivated_days),
	                     DB_INT(p->unverified_days), DB_INT(id)),
	             &r) < 0)
		return -1;
	if (r.nrows == 0 || db_cell(&r, 0, 0) == NULL || db_cell_int(&r, 0, 1) != 0)
		return 0; /* gone, reactivated, or held since it was listed */
	if (erase_mail(db, a, id, mail_ids, nmail, cap, &counts->mail_rows) < 0 ||
	    exec_id(db, SQL_PAYMENTS, id, NULL) < 0 ||
	    exec_id(db, SQL_HISTORY_NOTES, id, NULL) < 0 ||
	    exec_id(db, SQL_DISCLOSURES, id, NULL) < 0 ||
	    exec_id(db, SQL_ORDERS, id, &counts->orders) < 0 ||
	    exec_id(db, SQL_STATUS_HISTORY, id, NULL) < 0 ||
	    exec_id(db, SQL_LOCKOUTS, id, NULL) < 0 || exec_id(db, SQL_AUDIT, id, NULL) < 0 ||
	    exec_id(db, SQL_CUSTOMER, id, NULL) < 0)
		return -1;
	return 1;
}

/* A dry run's estimate: the same rows as erase_mail, counted in one statement. */
static const char SQL_COUNTS_OF[] =
    "SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = ?), "
    "(SELECT COUNT(*) FROM outbox WHERE customer_id = ?) + "
    "(SELECT COUNT(*) FROM orders o JOIN outbox m ON m.order_id = o.id "
    "WHERE o.customer_id = ? AND NOT m.customer_id <=> o.customer_id)";

int db_purge_counts_of(struct db *db, struct arena *a, long long id, struct purge_counts *c)
{
	struct db_rows r;
	if (db_query(db, a, SQL_COUNTS_OF, DB_ARGS(DB_INT(id), DB_INT(id), DB_INT(id)), &r) < 0 ||
	    r.nrows != 1)
		return -1;
	c->orders += db_cell_int(&r, 0, 0);
	c->mail_rows += db_cell_int(&r, 0, 1);
	return 0;
}

static const char SQL_UNCHAINED[] = "SELECT id FROM audit_log WHERE chain_version = 1 LIMIT 1";

int db_purge_audit_unchained(struct db *db, struct arena *a)
{
	struct db_rows r;
	if (db_query(db, a, SQL_UNCHAINED, DB_NOARGS, &r) < 0)
		return -1;
	return r.nrows > 0;
}

/* Which retention a sweep's one ? is (none: the statement has no ?). */
enum sweep_days { DAYS_NONE, DAYS_LOCKOUT, DAYS_MAIL };

/* One sweep: its label, the count for a dry run, the statement (its last ? is the LIMIT). */
static const struct sweep {
	const char *label;
	enum sweep_days days;
	const char *count;
	const char *act;
} sweeps[SWEEP__MAX] = {
    [SWEEP_SESSIONS] = {"expired shop sessions", DAYS_NONE,
                        "SELECT COUNT(*) FROM sessions WHERE expires_at < UTC_TIMESTAMP(6)",
                        "DELETE FROM sessions WHERE expires_at < UTC_TIMESTAMP(6) LIMIT ?"},
    [SWEEP_STAFF_SESSIONS] =
        {"expired staff sessions", DAYS_NONE,
         "SELECT COUNT(*) FROM staff_sessions WHERE expires_at < UTC_TIMESTAMP(6)",
         "DELETE FROM staff_sessions WHERE expires_at < UTC_TIMESTAMP(6) LIMIT ?"},
    [SWEEP_VERIFICATIONS] = {"used or expired verification tokens", DAYS_NONE,
                             "SELECT COUNT(*) FROM email_verifications "
                             "WHERE expires_at < UTC_TIMESTAMP(6) OR used_at IS NOT NULL",
                             "DELETE FROM email_verifications "
                             "WHERE expires_at < UTC_TIMESTAMP(6) OR used_at IS NOT NULL LIMIT ?"},
    /* Every throttle window is 15 minutes: an hour-old row counts for nothing. */
    [SWEEP_THROTTLE] = {"login throttle rows past their window", DAYS_NONE,
                        "SELECT COUNT(*) FROM login_throttle "
                        "WHERE last_failure < UTC_TIMESTAMP(6) - INTERVAL 1 HOUR",
                        "DELETE FROM login_throttle "
                        "WHERE last_failure < UTC_TIMESTAMP(6) - INTERVAL 1 HOUR LIMIT ?"},
    [SWEEP_LOCKOUTS] = {"lockout records past retention", DAYS_LOCKOUT,
                        "SELECT COUNT(*) FROM lockouts "
                        "WHERE locked_until < UTC_TIMESTAMP(6) - INTERVAL ? DAY",
                        "DELETE FROM lockouts "
                        "WHERE locked_until < UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT ?"},
    /* The row stays (the customer's export lists mail sent to them); what was said and to
     * which address goes. */
    [SWEEP_MAIL_BODIES] = {"delivered mail bodies past retention", DAYS_MAIL,
                           "SELECT COUNT(*) FROM outbox WHERE sent_at < UTC_TIMESTAMP(6) - "
                           "INTERVAL ? DAY AND (body <> '' OR recipient IS NOT NULL)",
                           "UPDATE outbox SET body = '', recipient = NULL WHERE sent_at < "
                           "UTC_TIMESTAMP(6) - INTERVAL ? DAY AND (body <> '' OR recipient IS "
                           "NOT NULL) LIMIT ?"},
    /* An erased account's links go with it (ON DELETE CASCADE); these are the dead ones. */
    [SWEEP_RESETS] = {"used or expired password reset links", DAYS_NONE,
                      "SELECT COUNT(*) FROM password_resets "
                      "WHERE expires_at < UTC_TIMESTAMP(6) OR used_at IS NOT NULL",
                      "DELETE FROM password_resets "
                      "WHERE expires_at < UTC_TIMESTAMP(6) OR used_at IS NOT NULL LIMIT ?"},
};

const char *purge_sweep_label(enum purge_sweep s)
{
	return (unsigned)s < SWEEP__MAX ? sweeps[s].label : "?";
}

int db_purge_sweep(struct db *db, struct arena *a, const struct purge_policy *p, enum purge_sweep s,
                   bool dry_run, long long limit, long long *n)
{
	const struct sweep *sw = &sweeps[s];
	struct db_arg args[2];
	size_t nargs = 0;
	if (sw->days != DAYS_NONE)
		args[nargs++] = DB_INT(sw->days == DAYS_LOCKOUT ? p->lockout_days : p->mail_days);
	*n = 0;
	if (dry_run) {
		struct db_rows r;
		if (db_query(db, a, sw->count, args, nargs, &r) < 0 || r.nrows != 1)
			return -1;
		*n = db_cell_int(&r, 0, 0);
		return 0;
	}
	args[nargs++] = DB_INT(limit);
	for (;;) {
		unsigned long long done = 0;
		if (db_exec(db, sw->act, args, nargs, &done, NULL) < 0)
			return -1;
		*n += (long long)done;
		if ((long long)done < limit)
			return 0;
	}
}

static const char SQL_MAIL_KEPT[] =
    "SELECT id FROM outbox WHERE id BETWEEN ? AND ? AND body <> '' ORDER BY id";

int db_purge_mail_kept(struct db *db, struct arena *a, long long from, long long to,
                       long long **keep, size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_MAIL_KEPT, DB_ARGS(DB_INT(from), DB_INT(to)), &r) < 0)
		return -1;
	long long *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		v[i] = db_cell_int(&r, i, 0);
	*keep = v;
	*n = r.nrows;
	return 0;
}
