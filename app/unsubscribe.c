/* unsubscribe.c — signed, expiring unsubscribe tokens (crypto_auth over a fixed layout). */
#include "unsubscribe.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "config.h"

/* version(1) customer(4) category(4) expiry(8), big-endian, then the 32-byte tag. */
#define PAYLOAD_LEN   17
#define TOKEN_BYTES   (PAYLOAD_LEN + crypto_auth_BYTES)
#define TOKEN_VERSION 1

static unsigned char unsub_key[crypto_auth_KEYBYTES];
static bool unsub_key_loaded;

int unsub_key_load(const char *path)
{
	char hex[160];
	unsigned char master[crypto_kdf_KEYBYTES];
	size_t len;
	if (config_read_secret(path, hex, sizeof(hex)) < 0)
		return -1;
	int rc = sodium_hex2bin(master, sizeof(master), hex, strlen(hex), NULL, &len, NULL);
	sodium_memzero(hex, sizeof(hex));
	if (rc == 0 && len == sizeof(master))
		rc =
		    crypto_kdf_derive_from_key(unsub_key, sizeof(unsub_key), 1, "unsubscr", master);
	else
		rc = -1;
	sodium_memzero(master, sizeof(master));
	unsub_key_loaded = rc == 0;
	return rc == 0 ? 0 : -1;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

char *unsub_token_make(const struct unsub_token *t, char *out, size_t cap)
{
	if (!unsub_key_loaded || cap < UNSUB_TOKEN_MAX || t->customer_id <= 0 ||
	    t->customer_id > UINT32_MAX || t->category_id < 0 || t->category_id > UINT32_MAX)
		return NULL;
	unsigned char raw[TOKEN_BYTES];
	raw[0] = TOKEN_VERSION;
	put_be(raw + 1, (uint64_t)t->customer_id, 4);
	put_be(raw + 5, (uint64_t)t->category_id, 4);
	put_be(raw + 9, (uint64_t)t->expires, 8);
	crypto_auth(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, unsub_key);
	sodium_bin2base64(out, cap, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

enum unsub_check unsub_token_check(const char *token, time_t now, struct unsub_token *t)
{
	unsigned char raw[TOKEN_BYTES];
	size_t len;
	const char *end;
	if (!unsub_key_loaded || token == NULL || strlen(token) >= UNSUB_TOKEN_MAX)
		return UNSUB_BAD;
	if (sodium_base642bin(raw, sizeof(raw), token, strlen(token), NULL, &len, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    *end != '\0' || len != sizeof(raw) || raw[0] != TOKEN_VERSION)
		return UNSUB_BAD;
	/* Constant time: a forger learns nothing from how fast a guess fails. */
	if (crypto_auth_verify(raw + PAYLOAD_LEN, raw, PAYLOAD_LEN, unsub_key) != 0)
		return UNSUB_BAD;
	t->customer_id = (long long)get_be(raw + 1, 4);
	t->category_id = (long long)get_be(raw + 5, 4);
	t->expires = (time_t)get_be(raw + 9, 8);
	return t->expires < now ? UNSUB_EXPIRED : UNSUB_OK;
}
