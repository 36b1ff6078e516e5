/* fuzz_card.c — libFuzzer target: card_parse refuses with a wiped card or returns a sound one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payment/payment.h"

/* 2026-11-25 00:00:00 UTC: a fixed clock keeps every run reproducible. */
#define NOW       1795564800L
#define NOW_YEAR  2026
#define NOW_MONTH 11

static bool digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool all_zero(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The form messages are fixed sentences: never two digits in a row (no echoed card data). */
static bool message_plain(const char *m)
{
	for (size_t i = 0; m[i] != '\0'; i++)
		if (m[i] >= '0' && m[i] <= '9' && m[i + 1] >= '0' && m[i + 1] <= '9')
			return false;
	return strlen(m) < 128;
}

/* The input is "number\0exp\0cvv"; missing fields are empty. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Three extra NULs: however few separators the input has, each field ends inside buf. */
	char *buf = calloc(size + 3, 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);

	const char *number = buf;
	const char *exp = number + strlen(number) + 1;
	const char *cvv = exp + strlen(exp) + 1;

	struct card c;
	enum card_field field = CARD_FIELD_NONE;
	const char *message = NULL;
	memset(&c, 0x5A, sizeof(c)); /* card_parse must overwrite every byte either way */

	if (card_parse(number, exp, cvv, NOW, &c, &field, &message) == 0) {
		if (!digits_only(c.number, 12, 19) || !card_luhn_ok(c.number))
			abort();
		if (c.exp_month < 1 || c.exp_month > 12 || c.exp_year < NOW_YEAR ||
		    (c.exp_year == NOW_YEAR && c.exp_month < NOW_MONTH))
			abort();
		size_t want = strcmp(card_brand(c.number), "amex") == 0 ? 4 : 3;
		if (!digits_only(c.cvv, want, want))
			abort();
		if (field != CARD_FIELD_NONE)
			abort();
		card_wipe(&c);
	} else {
		if (!all_zero(&c, sizeof(c)))
			abort();
		if (field == CARD_FIELD_NONE || message == NULL || !message_plain(message))
			abort();
		/* The message is one of ours, not a pointer into the input. */
		if (message >= buf && message < buf + size + 3)
			abort();
	}
	free(buf);
	return 0;
}
