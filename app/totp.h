/* totp.h — the staff sign-in's second factor: RFC 6238 codes (30 s steps, 6 digits) checked
 * with liboath, reporting which time step matched so the caller can refuse a replay. */
#ifndef DITTO_TOTP_H
#define DITTO_TOTP_H

#include <time.h>

/*
 * Checks code (6 digits) against base32 secret at time now, accepting the
 * step before and after for clock drift.  Returns 0 and the matching step
 * (seconds since the epoch / 30) in *step, 1 when the code does not match
 * (or is not 6 digits), or -1 when the secret is malformed.
 */
int totp_check(const char *secret, const char *code, time_t now, long long *step);

#endif
