/* audit.c — the audit log's rows and their hash chain: event to row, the canonical encoding,
 * the BLAKE2b-256 row hash. */
#include "audit.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "../arena.h"
#include "../config.h"

/* One tag per encoding, so hashes of the two can never be confused. */
static const char HASH_TAG_V1[] = "ditto.audit_log.v1";
static const char HASH_TAG_V2[] = "ditto.audit_log.v2";
/* Keeps the pseudonym from equalling a keyed hash the same key might make for anything else. */
static const char REF_CONTEXT[] = "ditto.audit.customer";

static unsigned char ref_key[AUDIT_KEY_LEN];
static bool ref_key_held;

int audit_key_load(const char *path)
{
	char hex[160];
	size_t len = 0;
	audit_key_clear();
	if (config_read_secret(path, hex, sizeof(hex)) < 0)
		return -1;
	int rc = sodium_hex2bin(ref_key, sizeof(ref_key), hex, strlen(hex), NULL, &len, NULL);
	sodium_memzero(hex, sizeof(hex));
	if (rc != 0 || len != sizeof(ref_key)) {
		audit_key_clear();
		return -1;
	}
	ref_key_held = true;
	return 0;
}

void audit_key_set(const unsigned char key[AUDIT_KEY_LEN])
{
	memcpy(ref_key, key, AUDIT_KEY_LEN);
	ref_key_held = true;
}

void audit_key_clear(void)
{
	sodium_memzero(ref_key, sizeof(ref_key));
	ref_key_held = false;
}

int audit_customer_ref(long long customer_id, char out[AUDIT_REF_HEX + 1])
{
	if (!ref_key_held || customer_id <= 0)
		return -1;
	unsigned char be[8], h[AUDIT_HASH_LEN];
	uint64_t v = (uint64_t)customer_id;
	for (int i = 7; i >= 0; i--) {
		be[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_generichash_state st;
	crypto_generichash_init(&st, ref_key, sizeof(ref_key), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)REF_CONTEXT, sizeof(REF_CONTEXT));
	crypto_generichash_update(&st, be, sizeof(be));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, AUDIT_REF_HEX + 1, h, sizeof(h));
	return 0;
}

enum { ENC_NULL = 0, ENC_INT = 1, ENC_STR = 2 };

const char *audit_fields_string(struct arena *a, unsigned fields)
{
	struct buf b = {0};
	for (int f = 0; f < FIELD__MAX; f++) {
		if (!(fields & (1u << f)))
			continue;
		if (b.len > 0)
			buf_append(&b, ",", 1);
		buf_puts(&b, privacy_field_name((enum personal_field)f));
	}
	char *s = arena_strndup(a, b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * s (NULL: "") as the column of max bytes stores it: bytes that are not
 * UTF-8 become '?', and the string ends before the first character that
 * would not fit.  A copy in a.
 */
static const char *column_text(struct arena *a, const char *s, size_t max)
{
	if (s == NULL)
		return "";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	char *out = arena_alloc(a, (n < max ? n : max) + 1);
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);
		size_t take = len > 0 ? len : 1;
		if (o + take > max)
			break;
		if (len > 0)
			memcpy(out + o, p + i, len);
		else
			out[o] = '?';
		o += take;
		i += take;
	}
	out[o] = '\0';
	return out;
}

static bool action_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > AUDIT_ACTION_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

int audit_row_from_event(struct arena *a, const struct audit_event *ev, long long id,
                         const char *created_at, struct audit_row *out)
{
	if (!action_ok(ev->action))
		return -1;
	if (ev->role != -1 && privacy_role_name((enum staff_role)ev->role) == NULL)
		return -1;
	char ref[AUDIT_REF_HEX + 1];
	bool customer = ev->customer_id > 0;
	if (customer && audit_customer_ref(ev->customer_id, ref) < 0)
		return -1; /* never a row whose customer could not be pseudonymised */
	out->version = AUDIT_CHAIN_V2;
	out->id = id;
	out->created_at = arena_strdup(a, created_at);
	out->staff_id = ev->staff_id > 0 ? ev->staff_id : -1;
	out->staff_username = column_text(a, ev->staff_username, AUDIT_USERNAME_MAX);
	out->role = ev->role == -1 ? NULL : privacy_role_name((enum staff_role)ev->role);
	out->action = arena_strdup(a, ev->action);
	out->customer_id = customer ? ev->customer_id : -1;
	out->customer_ref = customer ? arena_strdup(a, ref) : NULL;
	out->fields = audit_fields_string(a, ev->fields);
	out->route = column_text(a, ev->route, AUDIT_ROUTE_MAX);
	out->request_id = column_text(a, ev->request_id, AUDIT_REQUEST_ID_MAX);
	out->detail = ev->detail != NULL ? column_text(a, ev->detail, AUDIT_DETAIL_MAX) : NULL;
	return 0;
}

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
	unsigned char be[8];
	for (int i = 7; i >= 0; i--) {
		be[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_generichash_update(st, be, sizeof(be));
}

static void put_tag(crypto_generichash_state *st, unsigned char tag)
{
	crypto_generichash_update(st, &tag, 1);
}

/* An integer member; negative is SQL NULL. */
static void put_int(crypto_generichash_state *st, long long v)
{
	if (v < 0) {
		put_tag(st, ENC_NULL);
		return;
	}
	put_tag(st, ENC_INT);
	put_u64(st, (uint64_t)v);
}

/* A string member; NULL is SQL NULL. */
static void put_str(crypto_generichash_state *st, const char *s)
{
	if (s == NULL) {
		put_tag(st, ENC_NULL);
		return;
	}
	size_t n = strlen(s);
	put_tag(st, ENC_STR);
	put_u64(st, (uint64_t)n);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

void audit_row_hash(const unsigned char prev[AUDIT_HASH_LEN], const struct audit_row *row,
                    unsigned char out[AUDIT_HASH_LEN])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, AUDIT_HASH_LEN);
	bool v2 = row->version == AUDIT_CHAIN_V2;
	put_str(&st, v2 ? HASH_TAG_V2 : HASH_TAG_V1);
	crypto_generichash_update(&st, prev, AUDIT_HASH_LEN);
	put_int(&st, row->id);
	put_str(&st, row->created_at);
	put_int(&st, row->staff_id);
	put_str(&st, row->staff_username);
	put_str(&st, row->role);
	put_str(&st, row->action);
	if (v2)
		put_str(&st, row->customer_ref);
	else
		put_int(&st, row->customer_id);
	put_str(&st, row->fields);
	put_str(&st, row->route);
	put_str(&st, row->request_id);
	put_str(&st, row->detail);
	crypto_generichash_final(&st, out, AUDIT_HASH_LEN);
}
