/* payment.h — card data validation and the card-processor adapter (one interface, a built-in
 * sandbox). */
#ifndef DITTO_PAYMENT_H
#define DITTO_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A card as typed at checkout.  It lives only in the request's memory: the
 * caller wipes it with card_wipe() right after the processor call, and no
 * field of it may reach a table, a log, an error page or a core dump.
 */
struct card {
	char number[20]; /* digits only, 12..19 of them */
	int exp_month;   /* 1..12 */
	int exp_year;    /* four digits */
	char cvv[5];     /* 3 or 4 digits */
};

/* Which form field a card_parse() error belongs to. */
enum card_field { CARD_FIELD_NONE, CARD_FIELD_NUMBER, CARD_FIELD_EXP, CARD_FIELD_CVV };

/*
 * Validates and normalises the three checkout fields into out: the number
 * may contain spaces or dashes and must pass the Luhn check; exp is "MM/YY"
 * (or "MM/YYYY") and must not be in the past relative to now (a Unix time);
 * cvv is 3 digits (4 for American Express).  Returns 0, or -1 with *field
 * and *message (a plain sentence for the form that never repeats the input)
 * set; out is wiped on failure.
 */
int card_parse(const char *number, const char *exp, const char *cvv, long now, struct card *out,
               enum card_field *field, const char **message);

/* True when digits (only digits) pass the Luhn checksum. */
bool card_luhn_ok(const char *digits);
/* "visa", "mastercard", "amex", "discover" or "card" for digits. */
const char *card_brand(const char *digits);
/* Zeroes the whole struct (sodium_memzero: not optimised away). */
void card_wipe(struct card *c);

enum pay_result {
	PAY_APPROVED,
	PAY_DECLINED, /* the issuer said no: tell the customer plainly */
	PAY_TIMEOUT,  /* no answer in time: nothing was charged (the adapter voids it) */
	PAY_ERROR,    /* the processor failed */
};

/* What an authorisation returns: only what we may store. */
struct pay_auth {
	char token[64]; /* the processor's reference for capture/refund */
	char brand[16];
	char last4[5];
	int exp_month;
	int exp_year;
	char message[128]; /* for logs and the customer: never card data */
};

/* A card processor. Every call is synchronous and bounded by timeout_ms. */
struct processor {
	const char *name;
	bool test; /* approves without charging anyone: its orders are test orders, never shipped */
	int timeout_ms;
	/*
	 * Authorises amount_cents on card. idempotency_key (the checkout nonce)
	 * makes a repeated call return the first answer instead of charging twice.
	 */
	enum pay_result (*authorize)(const struct processor *p, const struct card *card,
	                             long long amount_cents, const char *idempotency_key,
	                             struct pay_auth *out);
	enum pay_result (*capture)(const struct processor *p, const char *token,
	                           long long amount_cents);
	/*
	 * Gives back amount_cents of the payment token captured.  The processor
	 * refuses (PAY_DECLINED) a refund that would take its refunds past the
	 * captured amount.  idempotency_key (one per refund asked for) makes a
	 * repeated call return the first answer instead of refunding twice; the
	 * same key with another amount or token is PAY_ERROR.
	 */
	enum pay_result (*refund)(const struct processor *p, const char *token,
	                          long long amount_cents, const char *idempotency_key);
	const char *ledger; /* sandbox: its books (a file shared by every process), or NULL */
};

/*
 * Returns the processor called name ("sandbox" is built in), or NULL.  The
 * sandbox approves 4242 4242 4242 4242 (and any other Luhn-valid number),
 * declines 4000 0000 0000 0002 (and every number starting 4000 0002), and
 * times out on 4000 0000 0000 0119 (it waits timeout_ms, then reports
 * PAY_TIMEOUT).  timeout_ms is set from the
 * configuration before use.  ledger is the sandbox's books, standing in for
 * the processor's own records: a file where every capture and refund is one
 * line, appended under an exclusive lock so that every worker of every pool
 * shares it; refunds are checked against it.  NULL keeps no books (each
 * refund of a sandbox token is approved: unit tests).
 */
const struct processor *processor_get(const char *name, int timeout_ms, const char *ledger);

#endif
