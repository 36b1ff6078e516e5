/* audit.h — the audit log's rows and their hash chain: what a staff access event records, the
 * row it is stored as, and the canonical encoding each row's BLAKE2b-256 hash covers.  No SQL
 * here: app/db/audit.h stores and reads the rows. */
#ifndef DITTO_PRIVACY_AUDIT_H
#define DITTO_PRIVACY_AUDIT_H

#include <stddef.h>

#include "privacy.h"

struct arena;

/* Bytes of a row hash (BLAKE2b-256). */
#define AUDIT_HASH_LEN 32
/* Bytes of the pseudonym key (audit_key_file), and hex digits of a customer_ref. */
#define AUDIT_KEY_LEN 32
#define AUDIT_REF_HEX 64

/*
 * The encodings a row's hash may use.  V1 covered the raw customer_id, so a
 * purged customer's id could not leave the log without breaking the chain;
 * V2 covers customer_ref, a keyed hash of the id, instead: the purge sets
 * customer_id to NULL and the chain still holds, and only a holder of the
 * key can tell which id a ref names.  Every row written now is V2;
 * `dittoctl migrate` re-chains V1 rows once (db_audit_rechain).
 */
#define AUDIT_CHAIN_V1 1
#define AUDIT_CHAIN_V2 2

/* The actions of SPEC §4 every staff site writes; data-changing actions name their route's
 * resource and verb ("customer_approve", "order_tracking"). */
#define AUDIT_VIEW          "view"
#define AUDIT_SIGNIN        "signin"
#define AUDIT_SIGNIN_FAILED "signin_failed"
#define AUDIT_SIGNOUT       "signout"

/* The column limits of schema/010_audit.sql, in bytes (a longer value is cut at a character). */
#define AUDIT_USERNAME_MAX   64
#define AUDIT_ACTION_MAX     40
#define AUDIT_FIELDS_MAX     300
#define AUDIT_ROUTE_MAX      120
#define AUDIT_REQUEST_ID_MAX 64
#define AUDIT_DETAIL_MAX     300

/* One thing a staff member did, as a handler reports it. */
struct audit_event {
	long long staff_id;         /* staff.id; 0 for none (a failed sign-in of an unknown name) */
	const char *staff_username; /* as typed or signed in; NULL for none */
	int role;                   /* enum staff_role, or -1 for none */
	const char *action;         /* AUDIT_VIEW, ...: [a-z_], 1 to AUDIT_ACTION_MAX bytes */
	long long customer_id;      /* customers.id; 0 for none */
	unsigned fields;            /* bit (1u << f) per enum personal_field shown in full */
	const char *route;          /* the route pattern or path; NULL for none */
	const char *request_id;     /* the request's id in the logs; NULL for none */
	const char *detail;         /* free text (a reason, a status); NULL for none */
};

/* One row of audit_log as stored: what the hash covers, in this order (V1: customer_id, V2:
 * customer_ref in its place). */
struct audit_row {
	int version; /* AUDIT_CHAIN_V2, or AUDIT_CHAIN_V1 (any other value hashes as V1) */
	long long id;
	const char *created_at; /* "YYYY-MM-DD HH:MM:SS.ffffff" UTC, exactly as stored */
	long long staff_id;     /* -1: NULL */
	const char *staff_username;
	const char *role; /* privacy_role_name(); NULL: none */
	const char *action;
	long long customer_id;    /* -1: NULL; hashed by V1 only */
	const char *customer_ref; /* audit_customer_ref() of it, NULL: none; hashed by V2 only */
	const char *fields;       /* audit_fields_string() */
	const char *route;
	const char *request_id;
	const char *detail; /* NULL: none */
};

/*
 * Reads the pseudonym key (64 hex digits, the first line of path) for this
 * process: the staff pool, which writes rows, and dittoctl's migrate, purge
 * and audit verify.  The key must never change once rows were written with
 * it (verify would fail), which is why it is not the site key (secret_file),
 * which may be rotated.  Returns 0, or -1 (no key is then held).
 */
int audit_key_load(const char *path);
/* Uses key as the pseudonym key (tests). */
void audit_key_set(const unsigned char key[AUDIT_KEY_LEN]);
/* Wipes the key; audit_customer_ref fails afterwards. */
void audit_key_clear(void);

/*
 * Stores in out the customer's pseudonym: keyed BLAKE2b-256 of a context
 * string and the id as 8 bytes big-endian, in lower-case hex.  Returns 0,
 * or -1 when id is not positive or no key is held.
 */
int audit_customer_ref(long long customer_id, char out[AUDIT_REF_HEX + 1]);

/*
 * The comma-separated privacy_field_name()s of the bits set in fields, in
 * enum order ("name,email"), into arena a; "" when none.  Bits past
 * FIELD__MAX are ignored.  Never NULL.
 */
const char *audit_fields_string(struct arena *a, unsigned fields);

/*
 * Builds the V2 row event ev is stored as, with id and created_at, into out:
 * none (0 or -1) becomes SQL NULL (-1 or NULL) for staff_id, role,
 * customer_id (and customer_ref) and detail, and "" for the other strings;
 * a customer gets its customer_ref; every string is cut to its column's
 * size at a character boundary, and bytes that are not UTF-8 become '?', so
 * that the database stores exactly the row that was hashed.  Strings are
 * copied into arena a.  Returns 0, or -1 when ev's action is not
 * [a-z_]{1,40}, its role is out of range, or it names a customer and no key
 * is held (nothing built).
 */
int audit_row_from_event(struct arena *a, const struct audit_event *ev, long long id,
                         const char *created_at, struct audit_row *out);

/*
 * Stores in out the hash of row chained to prev: BLAKE2b-256 over a version
 * tag ("ditto.audit_log.v1" or ".v2" by row->version), prev, then each
 * member of struct audit_row in order (V1 without customer_ref, V2 without
 * customer_id), each encoded as
 * a tag byte (0 NULL, 1 integer, 2 string) followed by the integer as 8
 * bytes big-endian or by the string's length as 8 bytes big-endian and its
 * bytes.  The encoding is unambiguous: no two different rows encode alike.
 * Can't fail.
 */
void audit_row_hash(const unsigned char prev[AUDIT_HASH_LEN], const struct audit_row *row,
                    unsigned char out[AUDIT_HASH_LEN]);

#endif
