/* staff_accounts.h — changing staff accounts, one way for dittoctl and the admin's staff page:
 * adding a member with a password and a fresh TOTP secret, disabling one, and setting up a
 * member's second factor again, each change committed together with its audit row; and the
 * enrolment a new secret is shown with (the otpauth:// URI and its QR code). */
#ifndef DITTO_STAFF_ACCOUNTS_H
#define DITTO_STAFF_ACCOUNTS_H

#include <stddef.h>

#include "password.h"
#include "privacy/audit.h"
#include "privacy/privacy.h"

struct arena;
struct db;

/* Characters of a TOTP secret: base32 of 20 random bytes (RFC 4226's 160 bits), no padding. */
#define STAFF_TOTP_SECRET_CHARS 32

/* What staff_account_add returns when the password could not be hashed or no secret made. */
#define STAFF_ERR_CRYPTO (-2)

/* Writes a fresh random TOTP secret (base32, NUL-terminated) into out. Returns 0, or -1. */
int staff_totp_secret_new(char out[STAFF_TOTP_SECRET_CHARS + 1]);

/* The otpauth:// URI an authenticator app enrols username's secret from, in arena a. */
const char *staff_totp_uri(struct arena *a, const char *username, const char *secret);

/*
 * The QR code of uri (error correction M) as *width x *width modules, row
 * after row, 1 for a dark module and 0 for a light one, in arena a.  Returns
 * NULL when it cannot be encoded.
 */
const unsigned char *staff_totp_qr(struct arena *a, const char *uri, int *width);

/*
 * The changes below take the audit row ev of the staff member who makes
 * them (action and detail set; staff, route and request filled in), written
 * in the change's own transaction so both commit or neither does, or NULL
 * when nobody on the staff site made it (dittoctl: the operator's shell).
 * actor_id is that member's staff id (0 for dittoctl): nobody changes their
 * own account this way, which is how an admin is kept from locking
 * themselves out or from giving their own account a new second factor.
 */

/*
 * Adds username with role, password pw (len bytes, already judged strong
 * enough by the caller: password_weakness) hashed with pp, and a fresh TOTP
 * secret, which is written into secret for the caller to show once.
 * Returns DB_CHANGED, DB_UNCHANGED when username exists already (nothing
 * written), -1 on a database error, or STAFF_ERR_CRYPTO.  secret is the
 * empty string unless DB_CHANGED.
 */
int staff_account_add(struct db *db, const struct password_params *pp, const char *username,
                      enum staff_role role, const char *pw, size_t len,
                      const struct audit_event *ev, char secret[STAFF_TOTP_SECRET_CHARS + 1]);

/*
 * Disables username: their sessions stop working at the next request (the
 * session check reads the row).  Returns DB_CHANGED, DB_UNCHANGED when it
 * was disabled already, DB_NOT_FOUND, DB_REFUSED when username is actor_id's
 * own account (nothing written), or -1 on a database error.
 */
int staff_account_disable(struct db *db, const char *username, long long actor_id,
                          const struct audit_event *ev);

/*
 * Gives username a fresh TOTP secret (written into secret, to be shown
 * once) and ends their sessions: codes from the old secret stop working and
 * whoever holds a session made with it signs in again.  generation is the
 * set-up count the caller was shown (struct staff_member): when the count
 * moved on since, another reset (or the same form posted twice) came first
 * and nothing is written; -1 accepts any count.  Returns DB_CHANGED,
 * DB_UNCHANGED, DB_NOT_FOUND, DB_REFUSED for actor_id's own account, -1 on
 * a database error, or STAFF_ERR_CRYPTO.  secret is the empty string
 * unless DB_CHANGED.
 */
int staff_account_reset_totp(struct db *db, const char *username, long long generation,
                             long long actor_id, const struct audit_event *ev,
                             char secret[STAFF_TOTP_SECRET_CHARS + 1]);

#endif
