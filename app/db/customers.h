/* customers.h — data access for customer accounts, their addresses, interests, status history,
 * email verification and the mail outbox.  Every function names its columns. */
#ifndef DITTO_DB_CUSTOMERS_H
#define DITTO_DB_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>

#include "../status.h"

struct arena;
struct db;

struct customer {
	long long id;
	const char *username;
	const char *email;
	const char *name;
	const char *phone;             /* NULL when not given */
	const char *password_hash;     /* only filled by db_customer_get_login */
	enum customer_status status;   /* CUSTOMER__MAX if the database names none */
	const char *email_verified_at; /* NULL until verified */
	const char *registered_at;
	const char *last_visit_at;
	long long visit_count;
	long long policy_version;
	long long failed_logins;
	bool locked; /* locked_until is in the future */
	bool profile_opt_out;
};

struct address {
	const char *kind; /* "billing" or "shipping" */
	const char *line1, *line2, *city, *postcode, *country;
};

/* Reads what login needs. Returns 0 found, 1 none, -1 error. */
int db_customer_get_login(struct db *db, struct arena *a, const char *username,
                          struct customer *out);
/* Reads the account (no password hash). Returns 0 found, 1 none, -1 error. */
int db_customer_get(struct db *db, struct arena *a, long long id, struct customer *out);
/* Sets *username_taken / *email_taken. Returns 0 or -1. */
int db_customer_taken(struct db *db, struct arena *a, const char *username, const char *email,
                      bool *username_taken, bool *email_taken);
/* Inserts a pending customer under policy_version, which must be the newest (through the
 * definer procedure shop_customer_register: the shop's account has no INSERT on customers).
 * Returns 0 (id in *id), 1 on a duplicate username or email
 * (a concurrent registration won the race), -1 on error. */
int db_customer_insert(struct db *db, const char *username, const char *email, const char *name,
                       const char *phone, const char *password_hash, long long policy_version,
                       long long *id);
/* Records a lockout for the operators (the lock itself is a throttle row per network). */
int db_customer_lockout_record(struct db *db, long long id, int minutes, int failures);
int db_customer_login_ok(struct db *db, long long id);
int db_customer_set_password(struct db *db, long long id, const char *hash);
/* Updates name, email and phone (NULL clears); a changed email is unverified again. */
int db_customer_update_profile(struct db *db, long long id, const char *name, const char *email,
                               const char *phone, bool email_changed);
int db_customer_set_profile_opt_out(struct db *db, long long id, bool opt_out);
/* One change of a customer account's status. */
struct customer_change {
	long long id;         /* the account by id, or 0 to find it by username */
	const char *username; /* used when id is 0 */
	enum customer_status to;
	const char *changed_by; /* "customer", "dittoctl:<login>", a staff member... */
	const char *note;       /* internal, for the history only (never the customer's); or NULL */
	const char *reason;     /* what the customer is told, kept in the history too; or NULL */
	unsigned from;          /* bit (1u << status) per status it may come from; 0: any the
	                         * lifecycle allows */
	bool end_sessions;      /* sign the customer out everywhere at once */
	/* Filled in by db_customer_change_status: */
	enum customer_status was;
	const char *email; /* the account's, in the arena */
	unsigned long long sessions_ended;
};

/*
 * Inside the caller's transaction: locks the account's row, checks that its
 * status may become c->to (customer_status_allowed, and c->from when set),
 * sets it, records it in the status history by c->changed_by with c->note
 * and c->reason and, with
 * c->end_sessions, deletes every session of the account (the next request
 * of each is refused).  The id (when found by username) and email are
 * filled in, strings in arena a.  Returns DB_CHANGED; DB_NOT_FOUND;
 * DB_REFUSED when the lifecycle does not allow it (c->was tells the status,
 * nothing written); -1 on a database error.
 */
int db_customer_change_status(struct db *db, struct arena *a, struct customer_change *c);
/*
 * Inside the caller's transaction: locks the account's row (as
 * db_customer_change_status does, so a message about it and a change of it
 * serialise) and reads its email (in arena a) and status (CUSTOMER__MAX when
 * the database names none).  Returns 0, DB_NOT_FOUND, or -1 on a database
 * error.
 */
int db_customer_lock(struct db *db, struct arena *a, long long id, const char **email,
                     enum customer_status *status);
/*
 * The account's own change (deactivate, delete), recorded as the customer's, through the
 * definer procedure shop_customer_close: the shop's account cannot write a status itself, so
 * it can never approve.  Returns 0, or -1 on a database error or when the lifecycle (only an
 * approved account closes) does not allow it.
 */
int db_customer_close(struct db *db, long long id, enum customer_status to);

int db_address_list(struct db *db, struct arena *a, long long customer_id, struct address **out,
                    size_t *n);
/* Inserts or replaces the customer's address of a->kind under policy_version. */
int db_address_put(struct db *db, long long customer_id, const struct address *a,
                   long long policy_version);
int db_address_delete(struct db *db, long long customer_id, const char *kind);

/* Lists the category ids the customer chose for marketing. */
int db_interest_list(struct db *db, struct arena *a, long long customer_id, long long **ids,
                     size_t *n);
/* Replaces the customer's interests with ids[0..n), recorded under policy_version. */
int db_interest_set(struct db *db, long long customer_id, const long long *ids, size_t n,
                    long long policy_version);

/* Stores a verification token hash for email, valid for days. */
int db_verification_insert(struct db *db, const unsigned char *hash, long long customer_id,
                           const char *email, int days);
/* Uses the token: marks the email verified if it is still the account's. Returns 0 done,
 * 1 unknown/expired/used, -1 error. */
int db_verification_use(struct db *db, struct arena *a, const unsigned char *hash);

/* One line of the operator's customer list (dittoctl customer list). */
struct customer_row {
	long long id;
	const char *username, *name, *email;
	const char *status;
	const char *registered_at; /* "YYYY-MM-DD HH:MM" UTC */
	bool email_confirmed;
};

/*
 * The customers in status (NULL: every status), oldest registration first (the order a
 * representative works the queue in), at most limit.  Returns 0 (rows in *out, *n of them,
 * in a) or -1.
 */
int db_customer_list_all(struct db *db, struct arena *a, const char *status, long long limit,
                         struct customer_row **out, size_t *n);

/* Queues one message. customer_id 0 means none (e.g. a notice to an address). */
int db_outbox_insert(struct db *db, long long customer_id, const char *kind, const char *recipient,
                     const char *subject, const char *body);

#endif
