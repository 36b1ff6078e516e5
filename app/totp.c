/* totp.c — TOTP codes checked with liboath. */
#include "totp.h"

#include <liboath/oath.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TOTP_STEP   30
#define TOTP_WINDOW 1 /* one step either side: the code a phone shows 30 s late still works */

static bool code_ok(const char *code)
{
	if (code == NULL || strlen(code) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

int totp_check(const char *secret, const char *code, time_t now, long long *step)
{
	static bool ready;
	if (!ready) {
		if (oath_init() != OATH_OK)
			return -1;
		ready = true;
	}
	if (!code_ok(code))
		return 1;
	char *key = NULL;
	size_t keylen = 0;
	if (secret == NULL ||
	    oath_base32_decode(secret, strlen(secret), &key, &keylen) != OATH_OK || keylen < 10) {
		free(key);
		return -1;
	}
	int pos = 0;
	int rc = oath_totp_validate2(key, keylen, now, TOTP_STEP, 0, TOTP_WINDOW, &pos, code);
	sodium_memzero(key, keylen);
	free(key);
	if (rc < 0)
		return rc == OATH_INVALID_OTP ? 1 : -1;
	*step = (long long)(now / TOTP_STEP) + pos;
	return 0;
}
