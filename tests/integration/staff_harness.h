/* staff_harness.h — staff members for integration tests: made by `dittoctl staff add`, signed
 * in through the staff site's nginx with a TOTP code (oathtool, as the SPEC allows tests).
 * Every helper asserts (cmocka) that its step worked. */
#ifndef DITTO_TEST_STAFF_HARNESS_H
#define DITTO_TEST_STAFF_HARNESS_H

#include "../../app/privacy/privacy.h"
#include <stdbool.h>

#include "harness.h"

#define STAFF_PASSWORD "a long enough passphrase 42"

struct member {
	char username[80];
	char secret[64];
	enum staff_role role;
};

/* Runs `dittoctl ARGS` with input on stdin into r (the harness's scratch files, tag "staff"). */
void staff_ctl(struct ctl_run *r, const char *input, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A new staff account of role, made by `dittoctl staff add`, with its printed TOTP secret. */
void member_new(struct member *m, enum staff_role role);
/* Sets column (last_seen_at or expires_at) of user's staff sessions to now + interval (an SQL
 * interval, e.g. "- INTERVAL 16 MINUTE"): time passing, without waiting for it. */
void age_sessions(const char *user, const char *column, const char *interval);
/* The TOTP code of secret at now + offset seconds. */
void totp(const char *secret, int offset, char code[8]);
/* POSTs /admin/login with the form's csrf; returns the status (r keeps the answer). */
long staff_login_with(struct client *c, const char *user, const char *password, const char *code,
                      struct http_resp *r);
/* Where the staff site sends a member who has not acknowledged the newest policy version. */
#define STAFF_ACK_PATH "/admin/policy/acknowledge"
/* True when a sign-in's answer r (a 303) sends the member to acknowledge the policy first. */
bool staff_asked_to_acknowledge(const struct http_resp *r);
/* Opens the acknowledgement page and posts its form (the version it shows); returns the POST's
 * status (303 when recorded), or 0 when the page had no form (r then holds nothing). */
long staff_acknowledge(struct client *c, struct http_resp *r);
/* Signs m in with the current code, acknowledging the newest policy version when the site asks
 * (a member's first sign-in after a publication); asserts it worked. */
void staff_login(struct client *c, const struct member *m);
/* GETs path on the staff site with c's cookies; returns the status (r keeps the answer). */
long staff_get(struct client *c, const char *path, struct http_resp *r);

#endif
