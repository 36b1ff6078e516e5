/* staff_accounts.c — staff accounts as dittoctl and the admin's staff page change them. */
#include "staff_accounts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "arena.h"
#include "db/audit.h"
#include "db/db.h"
#include "db/staff.h"
#include "db/staff_sessions.h"

#define TOTP_SECRET_BYTES 20

int staff_totp_secret_new(char out[STAFF_TOTP_SECRET_CHARS + 1])
{
	unsigned char raw[TOTP_SECRET_BYTES];
	char *b32 = NULL;
	size_t b32len = 0;
	int rc = -1;
	out[0] = '\0';
	randombytes_buf(raw, sizeof(raw));
	if (oath_init() == OATH_OK &&
	    oath_base32_encode((const char *)raw, sizeof(raw), &b32, &b32len) == OATH_OK &&
	    b32len == STAFF_TOTP_SECRET_CHARS) {
		memcpy(out, b32, STAFF_TOTP_SECRET_CHARS + 1);
		rc = 0;
	}
	if (b32 != NULL) {
		sodium_memzero(b32, b32len);
		free(b32);
	}
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

const char *staff_totp_uri(struct arena *a, const char *username, const char *secret)
{
	/* A username is [A-Za-z0-9._-] (valid_username): nothing in it needs escaping. */
	return arena_printf(a, "otpauth://totp/idem%%20ditto:%s?secret=%s&issuer=idem%%20ditto",
	                    username, secret);
}

const unsigned char *staff_totp_qr(struct arena *a, const char *uri, int *width)
{
	QRcode *q = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL)
		return NULL;
	size_t n = (size_t)q->width * (size_t)q->width;
	unsigned char *m = arena_alloc(a, n);
	for (size_t i = 0; i < n; i++)
		m[i] = q->data[i] & 1; /* the other bits say what kind of module it is */
	*width = q->width;
	QRcode_free(q);
	return m;
}

/* Appends ev when there is one: the change's own transaction. Returns 0 or -1. */
static int audit_in_tx(struct db *db, const struct audit_event *ev)
{
	return ev != NULL ? audit_append_in_tx(db, ev, 1) : 0;
}

struct add {
	const char *username;
	enum staff_role role;
	const char *hash;
	const char *secret;
	const struct audit_event *ev;
	int outcome;
};

static int add_tx(struct db *db, void *vctx)
{
	struct add *x = vctx;
	x->outcome = db_staff_insert(db, x->username, x->role, x->hash, x->secret);
	if (x->outcome != DB_CHANGED)
		return x->outcome == DB_UNCHANGED ? 0 : -1;
	return audit_in_tx(db, x->ev);
}

int staff_account_add(struct db *db, const struct password_params *pp, const char *username,
                      enum staff_role role, const char *pw, size_t len,
                      const struct audit_event *ev, char secret[STAFF_TOTP_SECRET_CHARS + 1])
{
	char hash[PASSWORD_HASH_MAX];
	int rc = STAFF_ERR_CRYPTO;
	secret[0] = '\0';
	if (password_hash(pp, pw, len, hash, sizeof(hash)) < 0 || staff_totp_secret_new(secret) < 0)
		goto out;
	struct add x = {
	    .username = username, .role = role, .hash = hash, .secret = secret, .ev = ev};
	rc = db_tx(db, add_tx, &x) < 0 ? -1 : x.outcome;
out:
	sodium_memzero(hash, sizeof(hash));
	if (rc != DB_CHANGED)
		sodium_memzero(secret, STAFF_TOTP_SECRET_CHARS + 1);
	return rc;
}

/* A change of another member's account, locked first: what it is and what it did. */
struct change {
	const char *username;
	long long actor_id;
	long long generation; /* reset: the count the caller was shown, -1 any */
	const char *secret;   /* reset: the new secret */
	const struct audit_event *ev;
	int outcome;
};

/* Locks x->username's row into *t and decides whether the change may go on: returns 1 to go
 * on, 0 when x->outcome says why not (nothing written), -1 on a database error. */
static int lock_other(struct db *db, struct change *x, struct staff_target *t)
{
	struct arena *a = arena_new();
	int found = db_staff_lock(db, a, x->username, t);
	arena_free(a);
	if (found < 0)
		return -1;
	if (found == 1)
		x->outcome = DB_NOT_FOUND;
	else if (x->actor_id != 0 && t->id == x->actor_id)
		x->outcome = DB_REFUSED;
	else
		return 1;
	return 0;
}

static int disable_tx(struct db *db, void *vctx)
{
	struct change *x = vctx;
	struct staff_target t;
	int go = lock_other(db, x, &t);
	if (go <= 0)
		return go;
	x->outcome = db_staff_set_disabled(db, t.id);
	if (x->outcome != DB_CHANGED)
		return x->outcome == DB_UNCHANGED ? 0 : -1;
	return audit_in_tx(db, x->ev);
}

int staff_account_disable(struct db *db, const char *username, long long actor_id,
                          const struct audit_event *ev)
{
	struct change x = {.username = username, .actor_id = actor_id, .ev = ev};
	return db_tx(db, disable_tx, &x) < 0 ? -1 : x.outcome;
}

static int reset_tx(struct db *db, void *vctx)
{
	struct change *x = vctx;
	struct staff_target t;
	int go = lock_other(db, x, &t);
	if (go <= 0)
		return go;
	long long generation = x->generation < 0 ? t.totp_generation : x->generation;
	x->outcome = db_staff_set_totp(db, t.id, x->secret, generation);
	if (x->outcome != DB_CHANGED)
		return x->outcome == DB_UNCHANGED ? 0 : -1;
	if (db_staff_sessions_delete_member(db, t.id) < 0)
		return -1;
	return audit_in_tx(db, x->ev);
}

int staff_account_reset_totp(struct db *db, const char *username, long long generation,
                             long long actor_id, const struct audit_event *ev,
                             char secret[STAFF_TOTP_SECRET_CHARS + 1])
{
	if (staff_totp_secret_new(secret) < 0)
		return STAFF_ERR_CRYPTO;
	struct change x = {.username = username,
	                   .actor_id = actor_id,
	                   .generation = generation,
	                   .secret = secret,
	                   .ev = ev};
	int rc = db_tx(db, reset_tx, &x) < 0 ? -1 : x.outcome;
	if (rc != DB_CHANGED)
		sodium_memzero(secret, STAFF_TOTP_SECRET_CHARS + 1);
	return rc;
}
