/* sandbox.c — the built-in "sandbox" card processor: test cards, fake tokens, no network. */
#include "payment.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#define SBX_PREFIX        "sbx_"
#define SBX_TOKEN_BYTES   12 /* 24 hex characters after the prefix */
#define SBX_DECLINE_CARD  "4000000000000002"
#define SBX_TIMEOUT_CARD  "4000000000000119"
#define SBX_IDEMP_ENTRIES 64

/*
 * Idempotency memory: the first definitive answer (approved or declined) for
 * each key.  A real processor keeps this on its side, for every client and
 * for a day or so; the sandbox keeps the last 64 keys of this process only,
 * so a retry that lands on another worker is authorised again (harmless: the
 * sandbox charges nobody).  Keys are stored as a BLAKE2b hash, so any key
 * length works without truncation.  The request fingerprint (amount, last 4,
 * expiry — never the full number) catches a key reused for another payment.
 */
struct idemp_entry {
	bool used;
	unsigned char key_hash[crypto_generichash_BYTES];
	long long amount_cents; /* fingerprint of the request ... */
	char last4[5];
	int exp_month;
	int exp_year; /* ... up to here */
	enum pay_result result;
	struct pay_auth auth; /* the answer given the first time */
};

static struct idemp_entry idemp[SBX_IDEMP_ENTRIES];
static size_t idemp_next; /* the slot overwritten next: the oldest once the table is full */

static void key_hash(const char *key, unsigned char out[crypto_generichash_BYTES])
{
	crypto_generichash(out, crypto_generichash_BYTES, (const unsigned char *)key, strlen(key),
	                   NULL, 0);
}

/* The entry remembered for key, or NULL. */
static struct idemp_entry *idemp_find(const unsigned char *hash)
{
	for (size_t i = 0; i < SBX_IDEMP_ENTRIES; i++)
		if (idemp[i].used &&
		    sodium_memcmp(idemp[i].key_hash, hash, crypto_generichash_BYTES) == 0)
			return &idemp[i];
	return NULL;
}

static void idemp_store(const unsigned char *hash, long long amount_cents, enum pay_result result,
                        const struct pay_auth *auth)
{
	struct idemp_entry *e = &idemp[idemp_next];

	idemp_next = (idemp_next + 1) % SBX_IDEMP_ENTRIES;
	memset(e, 0, sizeof(*e));
	e->used = true;
	memcpy(e->key_hash, hash, crypto_generichash_BYTES);
	e->amount_cents = amount_cents;
	memcpy(e->last4, auth->last4, sizeof(e->last4));
	e->exp_month = auth->exp_month;
	e->exp_year = auth->exp_year;
	e->result = result;
	e->auth = *auth;
}

/* Sleeps ms milliseconds, resuming after signals so the whole wait is served. */
static void sleep_ms(int ms)
{
	struct timespec left = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

/* Sets out's message and returns result, so each outcome is one line. */
static enum pay_result answer(struct pay_auth *out, enum pay_result result, const char *message)
{
	snprintf(out->message, sizeof(out->message), "%s", message);
	return result;
}

static enum pay_result sandbox_authorize(const struct processor *p, const struct card *card,
                                         long long amount_cents, const char *idempotency_key,
                                         struct pay_auth *out)
{
	unsigned char hash[crypto_generichash_BYTES] = {0};
	unsigned char raw[SBX_TOKEN_BYTES];
	char hex[SBX_TOKEN_BYTES * 2 + 1];
	bool keyed = idempotency_key != NULL && idempotency_key[0] != '\0';
	enum pay_result r;

	if (out == NULL)
		return PAY_ERROR;
	memset(out, 0, sizeof(*out));
	/* card_parse() already checked this; a real processor would refuse it too. */
	size_t len = card != NULL ? strnlen(card->number, sizeof(card->number)) : 0;
	if (len < 12 || len >= sizeof(card->number) || !card_luhn_ok(card->number) ||
	    amount_cents <= 0)
		return answer(out, PAY_ERROR, "The card processor refused the request.");

	snprintf(out->brand, sizeof(out->brand), "%s", card_brand(card->number));
	memcpy(out->last4, card->number + len - 4, 4);
	out->exp_month = card->exp_month;
	out->exp_year = card->exp_year;

	if (keyed) {
		key_hash(idempotency_key, hash);
		struct idemp_entry *e = idemp_find(hash);
		if (e != NULL) {
			if (e->amount_cents != amount_cents || strcmp(e->last4, out->last4) != 0 ||
			    e->exp_month != out->exp_month || e->exp_year != out->exp_year)
				return answer(out, PAY_ERROR,
				              "This payment was already submitted with other "
				              "details; nothing more was charged.");
			*out = e->auth;
			return e->result;
		}
	}

	if (strcmp(card->number, SBX_DECLINE_CARD) == 0) {
		r = answer(out, PAY_DECLINED, "The card was declined.");
	} else if (strcmp(card->number, SBX_TIMEOUT_CARD) == 0) {
		sleep_ms(p->timeout_ms);
		/* Not remembered: nothing was charged, so a retry must really be tried again. */
		return answer(out, PAY_TIMEOUT,
		              "The card processor did not answer in time; nothing was charged.");
	} else {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
		snprintf(out->token, sizeof(out->token), SBX_PREFIX "%s", hex);
		r = answer(out, PAY_APPROVED, "Approved.");
	}
	if (keyed)
		idemp_store(hash, amount_cents, r, out);
	return r;
}

/* Capture and refund accept exactly the tokens this sandbox hands out. */
static enum pay_result sandbox_token_call(const char *token, long long amount_cents)
{
	if (token == NULL || amount_cents <= 0 ||
	    strncmp(token, SBX_PREFIX, strlen(SBX_PREFIX)) != 0)
		return PAY_ERROR;
	return PAY_APPROVED;
}

static enum pay_result sandbox_capture(const struct processor *p, const char *token,
                                       long long amount_cents)
{
	(void)p;
	return sandbox_token_call(token, amount_cents);
}

static enum pay_result sandbox_refund(const struct processor *p, const char *token,
                                      long long amount_cents)
{
	(void)p;
	return sandbox_token_call(token, amount_cents);
}

static struct processor sandbox = {
    .name = "sandbox",
    .timeout_ms = 0,
    .authorize = sandbox_authorize,
    .capture = sandbox_capture,
    .refund = sandbox_refund,
};

/*
 * The processor table: one static struct per processor, shared by the whole
 * process (workers are single-threaded), so the last timeout_ms given wins.
 * Returns NULL for an unknown name or when libsodium can't start.
 */
const struct processor *processor_get(const char *name, int timeout_ms)
{
	if (name == NULL || strcmp(name, sandbox.name) != 0)
		return NULL;
	/* The tokens come from libsodium's CSPRNG; main() normally did this already. */
	if (sodium_init() < 0)
		return NULL;
	sandbox.timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
	return &sandbox;
}
