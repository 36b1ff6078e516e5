/* test_payment.c — card parsing, Luhn, brands, wiping, and the sandbox processor's test cards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "payment/payment.h"

/* A fixed clock: 2026-11-25 00:00:00 UTC, so expiry tests never depend on today. */
#define NOW          1795564800L
#define NOV_LAST_SEC 1796083199L /* 2026-11-30 23:59:59 UTC */
#define DEC_FIRST    1796083200L /* 2026-12-01 00:00:00 UTC */

#define VISA_OK      "4242424242424242"
#define VISA_DECLINE "4000000000000002"
#define VISA_TIMEOUT "4000000000000119"
#define AMEX_OK      "378282246310005"

#define MSG_NUMBER "Check the card number: it is not a valid card number."

struct parsed {
	int rc;
	struct card card;
	enum card_field field;
	const char *message;
};

static struct parsed parse_at(const char *number, const char *exp, const char *cvv, long now)
{
	struct parsed p;

	memset(&p, 0, sizeof(p));
	p.rc = card_parse(number, exp, cvv, now, &p.card, &p.field, &p.message);
	return p;
}

static struct parsed parse(const char *number, const char *exp, const char *cvv)
{
	return parse_at(number, exp, cvv, NOW);
}

static bool all_zero(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* Fails when msg contains any 3-character run of input, or any two digits in a row. */
static void assert_no_echo(const char *msg, const char *input)
{
	size_t mlen = strlen(msg), ilen = strlen(input);

	for (size_t i = 0; i + 3 <= ilen; i++)
		assert_null(memmem(msg, mlen, input + i, 3));
	for (size_t i = 0; i + 1 < mlen; i++)
		assert_false(msg[i] >= '0' && msg[i] <= '9' && msg[i + 1] >= '0' &&
		             msg[i + 1] <= '9');
}

static struct card valid_card(const char *number, int month, int year, const char *cvv)
{
	struct card c;

	memset(&c, 0, sizeof(c));
	snprintf(c.number, sizeof(c.number), "%s", number);
	c.exp_month = month;
	c.exp_year = year;
	snprintf(c.cvv, sizeof(c.cvv), "%s", cvv);
	return c;
}

static void test_luhn_accepts_test_cards(void **state)
{
	(void)state;
	const char *good[] = {VISA_OK, "4111111111111111", "5555555555554444", "2223003122003222",
	                      AMEX_OK, "6011111111111117", VISA_DECLINE,       VISA_TIMEOUT,
	                      "0"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(card_luhn_ok(good[i]));
}

static void test_luhn_rejects_one_digit_changed(void **state)
{
	(void)state;
	char n[] = VISA_OK;

	/* Luhn catches every single-digit error: try every position and every other digit. */
	for (size_t i = 0; i < strlen(n); i++) {
		char orig = n[i];
		for (char d = '0'; d <= '9'; d++) {
			if (d == orig)
				continue;
			n[i] = d;
			assert_false(card_luhn_ok(n));
		}
		n[i] = orig;
	}
	assert_false(card_luhn_ok(""));
	assert_false(card_luhn_ok("4242 4242 4242 4242"));
	assert_false(card_luhn_ok(NULL));
}

static void test_brand_detection(void **state)
{
	(void)state;
	assert_string_equal(card_brand(VISA_OK), "visa");
	assert_string_equal(card_brand("5105105105105100"), "mastercard");
	assert_string_equal(card_brand("5555555555554444"), "mastercard");
	assert_string_equal(card_brand("2221000000000009"), "mastercard");
	assert_string_equal(card_brand("2720990000000007"), "mastercard");
	assert_string_equal(card_brand("2220990000000000"), "card");
	assert_string_equal(card_brand("2721000000000000"), "card");
	assert_string_equal(card_brand("5600000000000000"), "card");
	assert_string_equal(card_brand(AMEX_OK), "amex");
	assert_string_equal(card_brand("341111111111111"), "amex");
	assert_string_equal(card_brand("351111111111111"), "card");
	assert_string_equal(card_brand("6011111111111117"), "discover");
	assert_string_equal(card_brand("6500000000000000"), "discover");
	assert_string_equal(card_brand("6440000000000000"), "discover");
	assert_string_equal(card_brand("6490000000000000"), "discover");
	assert_string_equal(card_brand("6430000000000000"), "card");
	assert_string_equal(card_brand("6012000000000000"), "card");
	assert_string_equal(card_brand("3530111333300000"), "card");
	assert_string_equal(card_brand(""), "card");
}

static void test_parse_strips_spaces_and_dashes(void **state)
{
	(void)state;
	struct parsed p = parse(" 4242 4242-4242--4242 ", "12/27", "123");

	assert_int_equal(p.rc, 0);
	assert_string_equal(p.card.number, VISA_OK);
	assert_int_equal(p.card.exp_month, 12);
	assert_int_equal(p.card.exp_year, 2027);
	assert_string_equal(p.card.cvv, "123");
	assert_int_equal(p.field, CARD_FIELD_NONE);
	assert_null(p.message);
	card_wipe(&p.card);
}

static void test_parse_rejects_letters(void **state)
{
	(void)state;
	const char *bad[] = {"4242 4242 4242 424a", "x4242424242424242", "4242.4242.4242.4242",
	                     "4242424242424242\n", "４２４２４２４２４２４２４２４２"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct parsed p = parse(bad[i], "12/27", "123");
		assert_int_equal(p.rc, -1);
		assert_int_equal(p.field, CARD_FIELD_NUMBER);
		assert_string_equal(p.message, MSG_NUMBER);
	}
}

/* An empty (or blank) number is asked for, not called invalid. */
static void test_missing_number_asks_for_it(void **state)
{
	(void)state;
	const char *empty[] = {"", "   ", NULL};
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		struct parsed p = parse(empty[i], "12/27", "123");
		assert_int_equal(p.rc, -1);
		assert_int_equal(p.field, CARD_FIELD_NUMBER);
		assert_string_equal(p.message, "Enter your card number.");
	}
}

static void test_parse_rejects_short_number(void **state)
{
	(void)state;
	/* 11 digits, Luhn-valid: too short whatever the checksum says. */
	struct parsed p = parse("42424242428", "12/27", "123");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.field, CARD_FIELD_NUMBER);

	p = parse("", "12/27", "123");
	assert_int_equal(p.field, CARD_FIELD_NUMBER);
	p = parse(" - - ", "12/27", "123");
	assert_int_equal(p.field, CARD_FIELD_NUMBER);
	p = parse(NULL, "12/27", "123");
	assert_int_equal(p.field, CARD_FIELD_NUMBER);

	/* 12 digits is the shortest accepted. */
	p = parse("100000000008", "12/27", "123");
	assert_int_equal(p.rc, 0);
}

static void test_parse_rejects_long_number(void **state)
{
	(void)state;
	/* 19 digits is the longest accepted; 20 is refused even when the checksum holds. */
	assert_true(card_luhn_ok("4000000000000000006"));
	assert_int_equal(parse("4000000000000000006", "12/27", "123").rc, 0);
	assert_true(card_luhn_ok("40000000000000000002"));
	struct parsed p = parse("40000000000000000002", "12/27", "123");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.field, CARD_FIELD_NUMBER);
}

static void test_parse_rejects_number_failing_luhn(void **state)
{
	(void)state;
	struct parsed p = parse("4242 4242 4242 4241", "12/27", "123");

	assert_int_equal(p.rc, -1);
	assert_int_equal(p.field, CARD_FIELD_NUMBER);
	assert_string_equal(p.message, MSG_NUMBER);
}

static void test_expiry_in_past_rejected(void **state)
{
	(void)state;
	const char *past[] = {"10/26", "10/2026", "12/25", "01/00", "11/1999"};

	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		struct parsed p = parse(VISA_OK, past[i], "123");
		assert_int_equal(p.rc, -1);
		assert_int_equal(p.field, CARD_FIELD_EXP);
		assert_string_equal(p.message, "This card has expired: use another card.");
	}
	/* A November card dies when December starts, in UTC. */
	assert_int_equal(parse_at(VISA_OK, "11/26", "123", DEC_FIRST).rc, -1);
}

static void test_expiry_this_month_accepted(void **state)
{
	(void)state;
	struct parsed p = parse(VISA_OK, "11/26", "123");

	assert_int_equal(p.rc, 0);
	assert_int_equal(p.card.exp_month, 11);
	assert_int_equal(p.card.exp_year, 2026);
	/* Valid through the last second of the month. */
	assert_int_equal(parse_at(VISA_OK, "11/26", "123", NOV_LAST_SEC).rc, 0);
	card_wipe(&p.card);
}

static void test_expiry_accepts_four_digit_year_and_blanks(void **state)
{
	(void)state;
	struct parsed p = parse(VISA_OK, "03/2031", "123");

	assert_int_equal(p.rc, 0);
	assert_int_equal(p.card.exp_month, 3);
	assert_int_equal(p.card.exp_year, 2031);

	/* Browser autofill writes "MM / YY". */
	p = parse(VISA_OK, " 03 / 31 ", "123");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.card.exp_year, 2031);
	card_wipe(&p.card);
}

static void test_expiry_bad_format_rejected(void **state)
{
	(void)state;
	const char *bad[] = {"13/30", "00/30",  "1/2",    "1/30",  "12-30",  "",
	                     "12/",   "/30",    "12/301", "12/3",  "1230",   "12/30x",
	                     "ab/cd", "12//30", "12/+30", "-1/30", "12/30/", "12/2030 1"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct parsed p = parse(VISA_OK, bad[i], "123");
		assert_int_equal(p.rc, -1);
		assert_int_equal(p.field, CARD_FIELD_EXP);
		/* Specific to the problem: a missing date is asked for, a malformed one is shown
		 * its format. */
		assert_string_equal(
		    p.message, *bad[i] == '\0' ? "Enter your card's expiry date."
		                               : "Enter a card expiry date in the format MM/YY.");
	}
	assert_int_equal(parse(VISA_OK, NULL, "123").field, CARD_FIELD_EXP);
}

static void test_cvv_three_digits_for_visa(void **state)
{
	(void)state;
	assert_int_equal(parse(VISA_OK, "12/27", "123").rc, 0);
	assert_int_equal(parse(VISA_OK, "12/27", " 007 ").rc, 0);

	const char *bad[] = {"12", "1234", "", "12a", "1 23", "-12"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct parsed p = parse(VISA_OK, "12/27", bad[i]);
		assert_int_equal(p.rc, -1);
		assert_int_equal(p.field, CARD_FIELD_CVV);
		assert_string_equal(
		    p.message, *bad[i] == '\0'
		                   ? "Enter your card's security code."
		                   : "Enter the 3-digit security code from the back of the card.");
	}
	assert_int_equal(parse(VISA_OK, "12/27", NULL).field, CARD_FIELD_CVV);
}

static void test_cvv_four_for_amex(void **state)
{
	(void)state;
	struct parsed p = parse("3782 822463 10005", "12/27", "1234");

	assert_int_equal(p.rc, 0);
	assert_string_equal(p.card.number, AMEX_OK);
	assert_string_equal(p.card.cvv, "1234");

	p = parse(AMEX_OK, "12/27", "123");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.field, CARD_FIELD_CVV);
	assert_non_null(strstr(p.message, "4-digit"));
	assert_non_null(strstr(p.message, "American Express: on the front"));
	assert_int_equal(parse(AMEX_OK, "12/27", "12345").rc, -1);
}

static void test_error_message_never_contains_input(void **state)
{
	(void)state;
	/* Distinctive digits in each field, each failing in turn. */
	struct {
		const char *number, *exp, *cvv;
	} cases[] = {
	    {"9876 5432 1098 7654", "08/29", "579"}, /* Luhn fails */
	    {"98765x321", "08/29", "579"},           /* letter */
	    {"987", "08/29", "579"},                 /* short */
	    {VISA_OK, "13/87", "579"},               /* bad month */
	    {VISA_OK, "08/1987", "579"},             /* expired */
	    {VISA_OK, "08/29", "5798"},              /* cvv too long */
	    {AMEX_OK, "08/29", "579"},               /* amex needs 4 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p = parse(cases[i].number, cases[i].exp, cases[i].cvv);
		assert_int_equal(p.rc, -1);
		assert_non_null(p.message);
		assert_no_echo(p.message, cases[i].number);
		assert_no_echo(p.message, cases[i].exp);
		assert_no_echo(p.message, cases[i].cvv);
	}
}

static void test_parse_failure_wipes_out(void **state)
{
	(void)state;
	struct card c;
	enum card_field field;
	const char *message;

	/* The number and expiry are good and get copied; the CVV then fails. */
	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(card_parse(VISA_OK, "12/27", "12", NOW, &c, &field, &message), -1);
	assert_int_equal(field, CARD_FIELD_CVV);
	assert_true(all_zero(&c, sizeof(c)));

	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(card_parse(VISA_OK, "12/20", "123", NOW, &c, &field, &message), -1);
	assert_true(all_zero(&c, sizeof(c)));

	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(card_parse("4242", "12/27", "123", NOW, &c, &field, &message), -1);
	assert_true(all_zero(&c, sizeof(c)));

	/* card_wipe() clears a good card too. */
	assert_int_equal(card_parse(VISA_OK, "12/27", "123", NOW, &c, &field, &message), 0);
	card_wipe(&c);
	assert_true(all_zero(&c, sizeof(c)));
}

static void test_sandbox_approves_4242_with_token_brand_last4(void **state)
{
	(void)state;
	const struct processor *p = processor_get("sandbox", 1000, NULL);
	struct card c = valid_card(VISA_OK, 12, 2027, "123");
	struct pay_auth a;

	assert_non_null(p);
	assert_string_equal(p->name, "sandbox");
	assert_int_equal(p->authorize(p, &c, 1999, NULL, &a), PAY_APPROVED);
	assert_int_equal(strncmp(a.token, "sbx_", 4), 0);
	assert_int_equal(strlen(a.token), 4 + 24);
	for (size_t i = 4; i < strlen(a.token); i++)
		assert_non_null(strchr("0123456789abcdef", a.token[i]));
	assert_string_equal(a.brand, "visa");
	assert_string_equal(a.last4, "4242");
	assert_int_equal(a.exp_month, 12);
	assert_int_equal(a.exp_year, 2027);
	/* Only last4 of the number reaches the result; the message has no digits at all. */
	assert_string_equal(a.message, "Approved.");

	/* Any other Luhn-valid number is approved; each authorisation gets its own token. */
	struct pay_auth b;
	struct card amex = valid_card(AMEX_OK, 1, 2030, "1234");
	assert_int_equal(p->authorize(p, &amex, 500, NULL, &b), PAY_APPROVED);
	assert_string_equal(b.brand, "amex");
	assert_string_equal(b.last4, "0005");
	assert_string_not_equal(a.token, b.token);
	card_wipe(&c);
	card_wipe(&amex);
}

static void test_sandbox_declines_0002(void **state)
{
	(void)state;
	const struct processor *p = processor_get("sandbox", 1000, NULL);
	struct card c = valid_card(VISA_DECLINE, 12, 2027, "123");
	struct pay_auth a;

	assert_int_equal(p->authorize(p, &c, 1999, "decline-key", &a), PAY_DECLINED);
	assert_string_equal(a.message, "The card was declined.");
	assert_string_equal(a.token, "");
	assert_string_equal(a.last4, "0002");
	card_wipe(&c);
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1000.0 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void test_sandbox_times_out_0119(void **state)
{
	(void)state;
	const struct processor *p = processor_get("sandbox", 50, NULL);
	struct card c = valid_card(VISA_TIMEOUT, 12, 2027, "123");
	struct pay_auth a;
	struct timespec t0, t1;

	assert_int_equal(p->timeout_ms, 50);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(p->authorize(p, &c, 1999, "timeout-key", &a), PAY_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(elapsed_ms(&t0, &t1) >= 50.0);
	assert_string_equal(a.message,
	                    "The card processor did not answer in time; nothing was charged.");
	assert_string_equal(a.token, "");

	/* A timeout is not remembered: the retry with the same key asks (and waits) again. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(p->authorize(p, &c, 1999, "timeout-key", &a), PAY_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(elapsed_ms(&t0, &t1) >= 50.0);
	card_wipe(&c);
}

static void test_sandbox_same_idempotency_key_same_token(void **state)
{
	(void)state;
	const struct processor *p = processor_get("sandbox", 1000, NULL);
	struct card c = valid_card(VISA_OK, 12, 2027, "123");
	struct pay_auth first, again, other;

	assert_int_equal(p->authorize(p, &c, 4200, "nonce-A", &first), PAY_APPROVED);
	assert_int_equal(p->authorize(p, &c, 4200, "nonce-A", &again), PAY_APPROVED);
	assert_string_equal(first.token, again.token);
	assert_memory_equal(&first, &again, sizeof(first));

	assert_int_equal(p->authorize(p, &c, 4200, "nonce-B", &other), PAY_APPROVED);
	assert_string_not_equal(first.token, other.token);

	/* A decline is a definitive answer too, and is repeated for its key. */
	struct card d = valid_card(VISA_DECLINE, 12, 2027, "123");
	assert_int_equal(p->authorize(p, &d, 4200, "nonce-C", &other), PAY_DECLINED);
	assert_int_equal(p->authorize(p, &d, 4200, "nonce-C", &other), PAY_DECLINED);
	card_wipe(&c);
	card_wipe(&d);
}

static void test_sandbox_reused_key_for_other_payment_is_error(void **state)
{
	(void)state;
	const struct processor *p = processor_get("sandbox", 1000, NULL);
	struct card c = valid_card(VISA_OK, 12, 2027, "123");
	struct card amex = valid_card(AMEX_OK, 12, 2027, "1234");
	struct pay_auth a, b;

	assert_int_equal(p->authorize(p, &c, 4200, "nonce-D", &a), PAY_APPROVED);
	/* Same key, other amount or other card: never hand out the first token. */
	assert_int_equal(p->authorize(p, &c, 9900, "nonce-D", &b), PAY_ERROR);
	assert_string_equal(b.token, "");
	assert_int_equal(p->authorize(p, &amex, 4200, "nonce-D", &b), PAY_ERROR);
	assert_string_equal(b.token, "");
	card_wipe(&c);
	card_wipe(&amex);
}

static void test_unknown_processor_is_null(void **state)
{
	(void)state;
	assert_null(processor_get("stripe", 1000, NULL));
	assert_null(processor_get("", 1000, NULL));
	assert_null(processor_get("Sandbox", 1000, NULL));
	assert_null(processor_get(NULL, 1000, NULL));
	assert_non_null(processor_get("sandbox", 1000, NULL));
}

/* Counts the lines of path that start with prefix. */
static int ledger_lines(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n += strncmp(line, prefix, strlen(prefix)) == 0;
	if (f != NULL)
		fclose(f);
	return n;
}

static void test_sandbox_ledger_refunds_at_most_the_capture_once_per_key(void **state)
{
	(void)state;
	char path[] = "/tmp/ditto-ledger-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	const struct processor *p = processor_get("sandbox", 1000, path);
	struct card c = valid_card(VISA_OK, 12, 2027, "123");
	struct pay_auth a;

	assert_int_equal(p->authorize(p, &c, 5000, NULL, &a), PAY_APPROVED);
	/* Nothing captured yet: nothing to give back. */
	assert_int_equal(p->refund(p, a.token, 100, "k0"), PAY_ERROR);
	assert_int_equal(p->capture(p, a.token, 5000), PAY_APPROVED);
	assert_int_equal(p->capture(p, a.token, 5000), PAY_APPROVED); /* the same money */
	assert_int_equal(ledger_lines(path, "capture "), 1);
	assert_int_equal(p->refund(p, a.token, 1234, "k1"), PAY_APPROVED);
	/* The same key again: the first answer, nothing refunded again. */
	assert_int_equal(p->refund(p, a.token, 1234, "k1"), PAY_APPROVED);
	assert_int_equal(p->refund(p, a.token, 999, "k1"), PAY_ERROR);
	assert_int_equal(ledger_lines(path, "refund "), 1);
	/* More than is left is refused; exactly what is left goes through. */
	assert_int_equal(p->refund(p, a.token, 3767, "k2"), PAY_DECLINED);
	assert_int_equal(p->refund(p, a.token, 3766, "k3"), PAY_APPROVED);
	assert_int_equal(p->refund(p, a.token, 1, "k4"), PAY_DECLINED);
	assert_int_equal(ledger_lines(path, "refund "), 2);
	/* The ledger holds no card data: only tokens, amounts and hashed keys. */
	FILE *f = fopen(path, "r");
	char buf[2048] = {0};
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	assert_null(strstr(buf, "4242424242424242"));
	assert_null(strstr(buf, "k1"));
	unlink(path);
	processor_get("sandbox", 1000, NULL);
	card_wipe(&c);
}

static void test_capture_and_refund_need_sandbox_token(void **state)
{
	(void)state;
	const struct processor *p = processor_get("sandbox", 1000, NULL);
	struct card c = valid_card(VISA_OK, 12, 2027, "123");
	struct pay_auth a;

	assert_int_equal(p->authorize(p, &c, 1999, NULL, &a), PAY_APPROVED);
	assert_int_equal(p->capture(p, a.token, 1999), PAY_APPROVED);
	assert_int_equal(p->refund(p, a.token, 1999, "refund-1"), PAY_APPROVED);

	assert_int_equal(p->capture(p, "tok_123", 1999), PAY_ERROR);
	assert_int_equal(p->refund(p, "tok_123", 1999, "refund-2"), PAY_ERROR);
	assert_int_equal(p->capture(p, "", 1999), PAY_ERROR);
	assert_int_equal(p->refund(p, NULL, 1999, "refund-3"), PAY_ERROR);
	assert_int_equal(p->refund(p, a.token, 1999, NULL), PAY_ERROR);
	assert_int_equal(p->capture(p, "SBX_abc", 1999), PAY_ERROR);
	card_wipe(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_luhn_accepts_test_cards),
	    cmocka_unit_test(test_luhn_rejects_one_digit_changed),
	    cmocka_unit_test(test_brand_detection),
	    cmocka_unit_test(test_parse_strips_spaces_and_dashes),
	    cmocka_unit_test(test_parse_rejects_letters),
	    cmocka_unit_test(test_parse_rejects_short_number),
	    cmocka_unit_test(test_parse_rejects_long_number),
	    cmocka_unit_test(test_parse_rejects_number_failing_luhn),
	    cmocka_unit_test(test_expiry_in_past_rejected),
	    cmocka_unit_test(test_expiry_this_month_accepted),
	    cmocka_unit_test(test_expiry_accepts_four_digit_year_and_blanks),
	    cmocka_unit_test(test_expiry_bad_format_rejected),
	    cmocka_unit_test(test_cvv_three_digits_for_visa),
	    cmocka_unit_test(test_cvv_four_for_amex),
	    cmocka_unit_test(test_error_message_never_contains_input),
	    cmocka_unit_test(test_missing_number_asks_for_it),
	    cmocka_unit_test(test_parse_failure_wipes_out),
	    cmocka_unit_test(test_sandbox_approves_4242_with_token_brand_last4),
	    cmocka_unit_test(test_sandbox_declines_0002),
	    cmocka_unit_test(test_sandbox_times_out_0119),
	    cmocka_unit_test(test_sandbox_same_idempotency_key_same_token),
	    cmocka_unit_test(test_sandbox_reused_key_for_other_payment_is_error),
	    cmocka_unit_test(test_unknown_processor_is_null),
	    cmocka_unit_test(test_capture_and_refund_need_sandbox_token),
	    cmocka_unit_test(test_sandbox_ledger_refunds_at_most_the_capture_once_per_key),
	};
	return cmocka_run_group_tests_name("payment", tests, NULL, NULL);
}
