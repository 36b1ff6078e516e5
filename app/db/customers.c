/* customers.c — data access for customer accounts, addresses, interests, status history,
 * email verification and the mail outbox. */
#include "customers.h"

#include <stdio.h>
#include <string.h>

#include "../arena.h"
#include "db.h"
#include "profile.h"
#include "sessions.h"

#define DT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i')"

/* Both readers start with these five columns, in this order (read_identity). */
#define SQL_IDENTITY "SELECT id, username, email, name, status, "

/* Fills the five columns of SQL_IDENTITY from row 0 of r after clearing out. */
static void read_identity(const struct db_rows *r, struct customer *out)
{
	memset(out, 0, sizeof(*out));
	out->id = db_cell_int(r, 0, 0);
	out->username = db_cell(r, 0, 1);
	out->email = db_cell(r, 0, 2);
	out->name = db_cell(r, 0, 3);
	out->status = customer_status_of(db_cell(r, 0, 4));
}

static const char SQL_LOGIN[] = SQL_IDENTITY "password_hash, failed_logins, "
                                             "COALESCE(locked_until > UTC_TIMESTAMP(6), 0) "
                                             "FROM customers WHERE username = ?";

int db_customer_get_login(struct db *db, struct arena *a, const char *username,
                          struct customer *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_LOGIN, DB_ARGS(DB_STR(username)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	read_identity(&r, out);
	out->password_hash = db_cell(&r, 0, 5);
	out->failed_logins = db_cell_int(&r, 0, 6);
	out->locked = db_cell_int(&r, 0, 7) != 0;
	return 0;
}

static const char SQL_GET[] = SQL_IDENTITY "phone, " DT("email_verified_at") ", " DT(
    "registered_at") ", " DT("last_visit_at") ", visit_count, policy_version, "
                                              "profile_opt_out FROM customers WHERE id = ?";

int db_customer_get(struct db *db, struct arena *a, long long id, struct customer *out)
{
	struct db_rows r;
	if (db_query(db, a, SQL_GET, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	read_identity(&r, out);
	out->phone = db_cell(&r, 0, 5);
	out->email_verified_at = db_cell(&r, 0, 6);
	out->registered_at = db_cell(&r, 0, 7);
	out->last_visit_at = db_cell(&r, 0, 8);
	out->visit_count = db_cell_int(&r, 0, 9);
	out->policy_version = db_cell_int(&r, 0, 10);
	out->profile_opt_out = db_cell_int(&r, 0, 11) != 0;
	return 0;
}

static const char SQL_TAKEN[] = "SELECT EXISTS(SELECT 1 FROM customers WHERE username = ?), "
                                "EXISTS(SELECT 1 FROM customers WHERE email = ?)";

int db_customer_taken(struct db *db, struct arena *a, const char *username, const char *email,
                      bool *username_taken, bool *email_taken)
{
	struct db_rows r;
	if (db_query(db, a, SQL_TAKEN, DB_ARGS(DB_STR(username), DB_STR(email)), &r) < 0)
		return -1;
	*username_taken = db_cell_int(&r, 0, 0) != 0;
	*email_taken = db_cell_int(&r, 0, 1) != 0;
	return 0;
}

static const char SQL_REGISTER[] = "CALL shop_customer_register(?, ?, ?, ?, ?, ?)";
static const char SQL_HISTORY[] =
    "INSERT INTO customer_status_history (customer_id, status, changed_by, note, reason) "
    "VALUES (?, ?, ?, ?, ?)";

int db_customer_insert(struct db *db, const char *username, const char *email, const char *name,
                       const char *phone, const char *password_hash, long long policy_version,
                       long long *id)
{
	if (db_exec(db, SQL_REGISTER,
	            DB_ARGS(DB_STR(username), DB_STR(email), DB_STR(name),
	                    phone ? DB_STR(phone) : DB_NULL, DB_STR(password_hash),
	                    DB_INT(policy_version)),
	            NULL, NULL) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY ? 1 : -1;
	return db_last_insert_id(db, id);
}

static const char SQL_LOCKOUT[] = "INSERT INTO lockouts (customer_id, locked_until, failures) "
                                  "VALUES (?, UTC_TIMESTAMP(6) + INTERVAL ? MINUTE, ?)";

int db_customer_lockout_record(struct db *db, long long id, int minutes, int failures)
{
	return db_exec(db, SQL_LOCKOUT, DB_ARGS(DB_INT(id), DB_INT(minutes), DB_INT(failures)),
	               NULL, NULL);
}

static const char SQL_LOGIN_OK[] =
    "UPDATE customers SET failed_logins = 0, locked_until = NULL WHERE id = ?";

int db_customer_login_ok(struct db *db, long long id)
{
	return db_exec(db, SQL_LOGIN_OK, DB_ARGS(DB_INT(id)), NULL, NULL);
}

static const char SQL_SET_PASSWORD[] = "UPDATE customers SET password_hash = ? WHERE id = ?";

int db_customer_set_password(struct db *db, long long id, const char *hash)
{
	return db_exec(db, SQL_SET_PASSWORD, DB_ARGS(DB_STR(hash), DB_INT(id)), NULL, NULL);
}

static const char SQL_PROFILE[] = "UPDATE customers SET name = ?, email = ?, phone = ?, "
                                  "email_verified_at = IF(?, NULL, email_verified_at) WHERE id = ?";

int db_customer_update_profile(struct db *db, long long id, const char *name, const char *email,
                               const char *phone, bool email_changed)
{
	return db_exec(db, SQL_PROFILE,
	               DB_ARGS(DB_STR(name), DB_STR(email), phone ? DB_STR(phone) : DB_NULL,
	                       DB_INT(email_changed ? 1 : 0), DB_INT(id)),
	               NULL, NULL);
}

static const char SQL_OPT_OUT[] = "UPDATE customers SET profile_opt_out = ? WHERE id = ?";

struct opt_out {
	long long id;
	bool opt_out;
};

static int opt_out_tx(struct db *db, void *ctx)
{
	const struct opt_out *o = ctx;
	if (db_exec(db, SQL_OPT_OUT, DB_ARGS(DB_INT(o->opt_out ? 1 : 0), DB_INT(o->id)), NULL,
	            NULL) < 0)
		return -1;
	/* Opting out deletes the profile at once, as a clear does (and a view noted before it
	 * stays unwritten even if the customer opts back in within the batch's second). */
	return o->opt_out ? db_profile_clear_in_tx(db, o->id) : 0;
}

int db_customer_set_profile_opt_out(struct db *db, long long id, bool opt_out)
{
	struct opt_out o = {id, opt_out};
	return db_tx(db, opt_out_tx, &o);
}

static const char SQL_LOCK_BY_ID[] =
    "SELECT id, email, status FROM customers WHERE id = ? FOR UPDATE";
static const char SQL_LOCK_BY_USERNAME[] =
    "SELECT id, email, status FROM customers WHERE username = ? FOR UPDATE";
static const char SQL_SET_STATUS[] =
    "UPDATE customers SET status = ?, status_changed_at = UTC_TIMESTAMP(6) WHERE id = ?";

int db_customer_change_status(struct db *db, struct arena *a, struct customer_change *c)
{
	struct db_rows r;
	c->sessions_ended = 0;
	/* The row is locked first: two concurrent changes serialise, the second sees the first's.
	 */
	int st = c->id > 0
	             ? db_query(db, a, SQL_LOCK_BY_ID, DB_ARGS(DB_INT(c->id)), &r)
	             : db_query(db, a, SQL_LOCK_BY_USERNAME, DB_ARGS(DB_STR(c->username)), &r);
	if (st < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	c->id = db_cell_int(&r, 0, 0);
	c->email = db_cell(&r, 0, 1);
	int was = customer_status_parse(db_cell(&r, 0, 2));
	if (was < 0)
		return DB_REFUSED; /* a status this build does not know: touch nothing */
	c->was = (enum customer_status)was;
	/* An action narrower than the lifecycle (restore: only what was cancelled or
	 * deactivated) refuses the other statuses the lifecycle would allow. */
	if (!customer_status_allowed(c->was, c->to) ||
	    (c->from != 0 && !(c->from & (1u << c->was))))
		return DB_REFUSED;
	const char *to = customer_status_name(c->to);
	if (db_exec(db, SQL_SET_STATUS, DB_ARGS(DB_STR(to), DB_INT(c->id)), NULL, NULL) < 0 ||
	    db_exec(db, SQL_HISTORY,
	            DB_ARGS(DB_INT(c->id), DB_STR(to), DB_STR(c->changed_by),
	                    c->note ? DB_STR(c->note) : DB_NULL,
	                    c->reason ? DB_STR(c->reason) : DB_NULL),
	            NULL, NULL) < 0)
		return -1;
	/* A session row is what lets a request through: deleting it refuses the next one. */
	if (c->end_sessions && db_session_delete_all(db, c->id, &c->sessions_ended) < 0)
		return -1;
	return DB_CHANGED;
}

int db_customer_lock(struct db *db, struct arena *a, long long id, const char **email,
                     enum customer_status *status)
{
	struct db_rows r;
	if (db_query(db, a, SQL_LOCK_BY_ID, DB_ARGS(DB_INT(id)), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return DB_NOT_FOUND;
	*email = db_cell(&r, 0, 1);
	*status = customer_status_of(db_cell(&r, 0, 2));
	return 0;
}

static const char SQL_CLOSE[] = "CALL shop_customer_close(?, ?)";

int db_customer_close(struct db *db, long long id, enum customer_status to)
{
	return db_exec(db, SQL_CLOSE, DB_ARGS(DB_INT(id), DB_STR(customer_status_name(to))), NULL,
	               NULL);
}

static const char SQL_ADDR_LIST[] =
    "SELECT kind, line1, line2, city, postcode, country FROM customer_addresses "
    "WHERE customer_id = ? ORDER BY kind";

int db_address_list(struct db *db, struct arena *a, long long customer_id, struct address **out,
                    size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_ADDR_LIST, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	struct address *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i].kind = db_cell(&r, i, 0);
		v[i].line1 = db_cell(&r, i, 1);
		v[i].line2 = db_cell(&r, i, 2);
		v[i].city = db_cell(&r, i, 3);
		v[i].postcode = db_cell(&r, i, 4);
		v[i].country = db_cell(&r, i, 5);
	}
	*out = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_ADDR_PUT[] =
    "INSERT INTO customer_addresses (customer_id, kind, line1, line2, city, postcode, country, "
    "policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
    "line1 = VALUES(line1), line2 = VALUES(line2), city = VALUES(city), "
    "postcode = VALUES(postcode), country = VALUES(country), "
    "policy_version = VALUES(policy_version), updated_at = UTC_TIMESTAMP(6)";

int db_address_put(struct db *db, long long customer_id, const struct address *a,
                   long long policy_version)
{
	return db_exec(db, SQL_ADDR_PUT,
	               DB_ARGS(DB_INT(customer_id), DB_STR(a->kind), DB_STR(a->line1),
	                       DB_STR(a->line2), DB_STR(a->city), DB_STR(a->postcode),
	                       DB_STR(a->country), DB_INT(policy_version)),
	               NULL, NULL);
}

static const char SQL_ADDR_DELETE[] =
    "DELETE FROM customer_addresses WHERE customer_id = ? AND kind = ?";

int db_address_delete(struct db *db, long long customer_id, const char *kind)
{
	return db_exec(db, SQL_ADDR_DELETE, DB_ARGS(DB_INT(customer_id), DB_STR(kind)), NULL, NULL);
}

static const char SQL_INTEREST_LIST[] =
    "SELECT category_id FROM customer_interests WHERE customer_id = ? ORDER BY category_id";

int db_interest_list(struct db *db, struct arena *a, long long customer_id, long long **ids,
                     size_t *n)
{
	struct db_rows r;
	if (db_query(db, a, SQL_INTEREST_LIST, DB_ARGS(DB_INT(customer_id)), &r) < 0)
		return -1;
	long long *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++)
		v[i] = db_cell_int(&r, i, 0);
	*ids = v;
	*n = r.nrows;
	return 0;
}

static const char SQL_INTEREST_CLEAR[] = "DELETE FROM customer_interests WHERE customer_id = ?";
/* Keeps the version of a consent already given: re-saving the form is not new consent. */
static const char SQL_INTEREST_ADD[] =
    "INSERT IGNORE INTO customer_interests (customer_id, category_id, policy_version) "
    "SELECT ?, id, ? FROM categories WHERE id = ?";
static const char SQL_INTEREST_DROP_OTHERS[] =
    "DELETE FROM customer_interests WHERE customer_id = ? AND NOT FIND_IN_SET(category_id, ?)";

int db_interest_set(struct db *db, long long customer_id, const long long *ids, size_t n,
                    long long policy_version)
{
	if (n == 0) {
		return db_exec(db, SQL_INTEREST_CLEAR, DB_ARGS(DB_INT(customer_id)), NULL, NULL);
	}
	char keep[2048];
	size_t len = 0;
	keep[0] = '\0';
	for (size_t i = 0; i < n && len + 24 < sizeof(keep); i++)
		len += (size_t)snprintf(keep + len, sizeof(keep) - len, "%s%lld", i ? "," : "",
		                        ids[i]);
	if (db_exec(db, SQL_INTEREST_DROP_OTHERS, DB_ARGS(DB_INT(customer_id), DB_STR(keep)), NULL,
	            NULL) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (db_exec(db, SQL_INTEREST_ADD,
		            DB_ARGS(DB_INT(customer_id), DB_INT(policy_version), DB_INT(ids[i])),
		            NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static const char SQL_VERIFY_INSERT[] =
    "INSERT INTO email_verifications (token_hash, customer_id, email, expires_at) "
    "VALUES (?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? DAY)";

int db_verification_insert(struct db *db, const unsigned char *hash, long long customer_id,
                           const char *email, int days)
{
	return db_exec(db, SQL_VERIFY_INSERT,
	               DB_ARGS(DB_STRN((const char *)hash, 32), DB_INT(customer_id), DB_STR(email),
	                       DB_INT(days)),
	               NULL, NULL);
}

static const char SQL_VERIFY_FIND[] =
    "SELECT customer_id, email FROM email_verifications WHERE token_hash = ? "
    "AND used_at IS NULL AND expires_at > UTC_TIMESTAMP(6)";
static const char SQL_VERIFY_USE[] = "UPDATE email_verifications SET used_at = UTC_TIMESTAMP(6) "
                                     "WHERE token_hash = ? AND used_at IS NULL";
/* A link sent to a new address makes it the account's address (an email change). */
static const char SQL_VERIFY_MARK[] =
    "UPDATE customers SET email = ?, email_verified_at = UTC_TIMESTAMP(6) WHERE id = ?";

int db_verification_use(struct db *db, struct arena *a, const unsigned char *hash)
{
	struct db_arg h[] = {DB_STRN((const char *)hash, 32)};
	struct db_rows r;
	if (db_query(db, a, SQL_VERIFY_FIND, DB_ARRAY(h), &r) < 0)
		return -1;
	if (r.nrows == 0)
		return 1;
	unsigned long long used = 0;
	if (db_exec(db, SQL_VERIFY_USE, DB_ARRAY(h), &used, NULL) < 0)
		return -1;
	if (used == 0)
		return 1; /* a concurrent click used it first */
	if (db_exec(db, SQL_VERIFY_MARK,
	            DB_ARGS(DB_STR(db_cell(&r, 0, 1)), DB_INT(db_cell_int(&r, 0, 0))), NULL,
	            NULL) < 0)
		return db_errno(db) == DB_ER_DUP_ENTRY ? 1 : -1; /* taken since the link was sent */
	return 0;
}

static const char SQL_OUTBOX[] =
    "INSERT INTO outbox (customer_id, kind, recipient, subject, body) VALUES (?, ?, ?, ?, ?)";

int db_outbox_insert(struct db *db, long long customer_id, const char *kind, const char *recipient,
                     const char *subject, const char *body)
{
	return db_exec(db, SQL_OUTBOX,
	               DB_ARGS(customer_id > 0 ? DB_INT(customer_id) : DB_NULL, DB_STR(kind),
	                       DB_STR(recipient), DB_STR(subject), DB_STR(body)),
	               NULL, NULL);
}

static const char SQL_LIST_ALL[] =
    "SELECT id, username, name, email, status, DATE_FORMAT(registered_at, '%Y-%m-%d %H:%i'), "
    "email_verified_at IS NOT NULL FROM customers WHERE (? IS NULL OR status = ?) "
    "ORDER BY registered_at, id LIMIT ?";

int db_customer_list_all(struct db *db, struct arena *a, const char *status, long long limit,
                         struct customer_row **out, size_t *n)
{
	struct db_rows r;
	struct db_arg st = status != NULL ? DB_STR(status) : DB_NULL;
	if (db_query(db, a, SQL_LIST_ALL, DB_ARGS(st, st, DB_INT(limit)), &r) < 0)
		return -1;
	struct customer_row *v = arena_alloc(a, sizeof(*v) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		v[i] = (struct customer_row){
		    .id = db_cell_int(&r, i, 0),
		    .username = db_cell(&r, i, 1),
		    .name = db_cell(&r, i, 2),
		    .email = db_cell(&r, i, 3),
		    .status = db_cell(&r, i, 4),
		    .registered_at = db_cell(&r, i, 5),
		    .email_confirmed = db_cell_int(&r, i, 6) != 0,
		};
	}
	*out = v;
	*n = r.nrows;
	return 0;
}
