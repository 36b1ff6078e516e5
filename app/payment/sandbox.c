/* sandbox.c — the built-in "sandbox" card processor: test cards, fake tokens, no network, and a
 * ledger file of captures and refunds standing in for the processor's books. */
#include "payment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#define SBX_PREFIX        "sbx_"
#define SBX_TOKEN_BYTES   12 /* 24 hex characters after the prefix */
#define SBX_DECLINE_CARD  "4000000000000002"
#define SBX_DECLINE_RANGE "40000002" /* any number starting so declines too: fresh test cards */
#define SBX_TIMEOUT_CARD  "4000000000000119"
#define SBX_IDEMP_ENTRIES 64
#define SBX_TOKEN_MAX     64                             /* struct pay_auth's token, NUL included */
#define SBX_KEY_HEX       (crypto_generichash_BYTES * 2) /* a refund key's hash in the ledger */

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

	if (strcmp(card->number, SBX_DECLINE_CARD) == 0 ||
	    strncmp(card->number, SBX_DECLINE_RANGE, strlen(SBX_DECLINE_RANGE)) == 0) {
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
static bool sandbox_token_ok(const char *token, long long amount_cents)
{
	return token != NULL && amount_cents > 0 &&
	       strncmp(token, SBX_PREFIX, strlen(SBX_PREFIX)) == 0 &&
	       strlen(token) < SBX_TOKEN_MAX && strchr(token, ' ') == NULL &&
	       strchr(token, '\n') == NULL;
}

/*
 * What the ledger holds about one token: the sum of its captures and of its
 * refunds, and the refund recorded under one key (if any).
 */
struct ledger_sums {
	long long captured;
	long long refunded;
	bool key_seen;
	long long key_amount;
	bool key_same_token;
};

/* Reads every line of the ledger open on fd (held under an exclusive lock) into sums for
 * token and key_hex (NULL: none).  Returns 0, or -1 on a read error. */
static int ledger_sum(int fd, const char *token, const char *key_hex, struct ledger_sums *sums)
{
	memset(sums, 0, sizeof(*sums));
	FILE *f = fdopen(dup(fd), "r");
	if (f == NULL)
		return -1;
	char line[256], kind[16], tok[SBX_TOKEN_MAX], key[SBX_KEY_HEX + 1];
	long long cents;
	while (fgets(line, sizeof(line), f) != NULL) {
		key[0] = '\0';
		int got = sscanf(line, "%15s %63s %lld %64s", kind, tok, &cents, key);
		if (got < 3)
			continue;
		bool mine = strcmp(tok, token) == 0;
		if (strcmp(kind, "capture") == 0 && mine)
			sums->captured += cents;
		if (strcmp(kind, "refund") != 0)
			continue;
		if (mine)
			sums->refunded += cents;
		if (got == 4 && key_hex != NULL && strcmp(key, key_hex) == 0) {
			sums->key_seen = true;
			sums->key_amount = cents;
			sums->key_same_token = mine;
		}
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	return bad ? -1 : 0;
}

/* Opens the ledger and takes its exclusive lock.  Returns the fd, or -1. */
static int ledger_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* Appends one line, durably.  Returns 0, or -1. */
static int ledger_append(int fd, const char *line)
{
	size_t len = strlen(line);
	return write(fd, line, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
}

static enum pay_result sandbox_capture(const struct processor *p, const char *token,
                                       long long amount_cents)
{
	if (!sandbox_token_ok(token, amount_cents))
		return PAY_ERROR;
	if (p->ledger == NULL)
		return PAY_APPROVED;
	int fd = ledger_open(p->ledger);
	if (fd < 0)
		return PAY_ERROR;
	enum pay_result r = PAY_ERROR;
	struct ledger_sums sums;
	char line[128];
	if (ledger_sum(fd, token, NULL, &sums) < 0)
		goto out;
	/* A token is captured once, in full: a repeated capture (a retried checkout) is the
	 * same money, not more of it. */
	snprintf(line, sizeof(line), "capture %s %lld\n", token, amount_cents);
	if (sums.captured == 0 && ledger_append(fd, line) < 0)
		goto out;
	r = sums.captured == 0 || sums.captured == amount_cents ? PAY_APPROVED : PAY_ERROR;
out:
	close(fd); /* releases the lock */
	return r;
}

static enum pay_result sandbox_refund(const struct processor *p, const char *token,
                                      long long amount_cents, const char *idempotency_key)
{
	if (!sandbox_token_ok(token, amount_cents) || idempotency_key == NULL ||
	    idempotency_key[0] == '\0')
		return PAY_ERROR;
	if (p->ledger == NULL)
		return PAY_APPROVED;
	unsigned char hash[crypto_generichash_BYTES];
	char key_hex[SBX_KEY_HEX + 1], line[256];
	key_hash(idempotency_key, hash);
	sodium_bin2hex(key_hex, sizeof(key_hex), hash, sizeof(hash));
	int fd = ledger_open(p->ledger);
	if (fd < 0)
		return PAY_ERROR;
	enum pay_result r = PAY_ERROR;
	struct ledger_sums sums;
	if (ledger_sum(fd, token, key_hex, &sums) < 0)
		goto out;
	if (sums.key_seen) {
		/* Asked before: the first answer, and nothing refunded again. */
		r = sums.key_same_token && sums.key_amount == amount_cents ? PAY_APPROVED
		                                                           : PAY_ERROR;
		goto out;
	}
	if (sums.captured == 0)
		goto out; /* no such payment */
	if (sums.refunded + amount_cents > sums.captured) {
		r = PAY_DECLINED;
		goto out;
	}
	snprintf(line, sizeof(line), "refund %s %lld %s\n", token, amount_cents, key_hex);
	if (ledger_append(fd, line) == 0)
		r = PAY_APPROVED;
out:
	close(fd);
	return r;
}

static struct processor sandbox = {
    .name = "sandbox",
    .test = true,
    .timeout_ms = 0,
    .authorize = sandbox_authorize,
    .capture = sandbox_capture,
    .refund = sandbox_refund,
    .ledger = NULL,
};

/*
 * The processor table: one static struct per processor, shared by the whole
 * process (workers are single-threaded), so the last timeout_ms given wins.
 * Returns NULL for an unknown name or when libsodium can't start.
 */
const struct processor *processor_get(const char *name, int timeout_ms, const char *ledger)
{
	if (name == NULL || strcmp(name, sandbox.name) != 0)
		return NULL;
	/* The tokens come from libsodium's CSPRNG; main() normally did this already. */
	if (sodium_init() < 0)
		return NULL;
	sandbox.timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
	sandbox.ledger = ledger != NULL && ledger[0] != '\0' ? ledger : NULL;
	return &sandbox;
}
