/* payment.c — card checks for checkout: parsing the three card fields, Luhn, brand, wiping. */
#include "payment.h"

#include <string.h>
#include <time.h>
#include <sodium.h>

/*
 * The form messages.  They are constants on purpose: a message built from
 * the input could carry card digits into an error page or a log line.
 */
#define MSG_NUMBER       "Check the card number: it is not a valid card number."
#define MSG_EXP          "Enter a card expiry date in the format MM/YY."
#define MSG_NUMBER_EMPTY "Enter your card number."
#define MSG_EXP_EMPTY    "Enter your card's expiry date."
#define MSG_CVV_EMPTY    "Enter your card's security code."
#define MSG_EXPIRED      "This card has expired: use another card."
#define MSG_CVV3         "Enter the 3-digit security code from the back of the card."
#define MSG_CVV4         "Enter the 4-digit security code (American Express: on the front)."
#define CARD_MIN_LEN     12
#define CARD_MAX_LEN     19

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* True when s starts with prefix. */
static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The value of the n leading digits of s, or -1 when s has fewer than n digits there. */
static int leading_value(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Skips ASCII spaces and tabs. */
static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Copies the digits of in to out (size CARD_MAX_LEN + 1), skipping spaces and
 * dashes.  Returns the digit count, or -1 for any other character or more
 * than CARD_MAX_LEN digits.  On -1, out may hold digits: the caller wipes it.
 */
static int number_digits(const char *in, char *out)
{
	int n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (!is_digit(*in) || n == CARD_MAX_LEN)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	return n;
}

/*
 * Parses "MM/YY" or "MM/YYYY" (blanks allowed around the parts, as autofill
 * writes "MM / YY") into *month and *year (four digits).  Returns 0, or -1.
 */
static int parse_exp(const char *s, int *month, int *year)
{
	s = skip_blanks(s);
	int m = leading_value(s, 2);
	if (m < 1 || m > 12)
		return -1;
	s = skip_blanks(s + 2);
	if (*s != '/')
		return -1;
	s = skip_blanks(s + 1);

	size_t ylen = 0;
	while (is_digit(s[ylen]))
		ylen++;
	if (ylen != 2 && ylen != 4)
		return -1;
	int y = leading_value(s, (int)ylen);
	if (*skip_blanks(s + ylen) != '\0')
		return -1;

	*month = m;
	/* Cards are issued for a few years ahead, so "YY" is always this century. */
	*year = ylen == 2 ? 2000 + y : y;
	return 0;
}

/* True when a card valid through the end of month/year is still valid at now (UTC). */
static bool exp_current(int month, int year, long now)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return false;
	int cur_year = tm.tm_year + 1900, cur_month = tm.tm_mon + 1;
	return year > cur_year || (year == cur_year && month >= cur_month);
}

/*
 * Copies the security code (blanks around it allowed) to out (size 5) when it
 * has exactly want digits.  Returns 0, or -1; on -1 out may hold digits.
 */
static int parse_cvv(const char *s, size_t want, char *out)
{
	s = skip_blanks(s);
	size_t n = 0;
	while (is_digit(s[n]) && n < want)
		n++;
	if (n != want || *skip_blanks(s + n) != '\0')
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int card_parse(const char *number, const char *exp, const char *cvv, long now, struct card *out,
               enum card_field *field, const char **message)
{
	char digits[CARD_MAX_LEN + 1];
	int month = 0, year = 0, rc = -1;
	bool amex;

	card_wipe(out);
	*field = CARD_FIELD_NUMBER;
	*message =
	    *skip_blanks(number != NULL ? number : "") == '\0' ? MSG_NUMBER_EMPTY : MSG_NUMBER;
	int n = number_digits(number != NULL ? number : "", digits);
	if (n < CARD_MIN_LEN || !card_luhn_ok(digits))
		goto out;
	memcpy(out->number, digits, (size_t)n + 1);

	*field = CARD_FIELD_EXP;
	*message = *skip_blanks(exp != NULL ? exp : "") == '\0' ? MSG_EXP_EMPTY : MSG_EXP;
	if (parse_exp(exp != NULL ? exp : "", &month, &year) < 0)
		goto out;
	*message = MSG_EXPIRED;
	if (!exp_current(month, year, now))
		goto out;
	out->exp_month = month;
	out->exp_year = year;

	amex = strcmp(card_brand(out->number), "amex") == 0;
	*field = CARD_FIELD_CVV;
	*message = *skip_blanks(cvv != NULL ? cvv : "") == '\0' ? MSG_CVV_EMPTY
	           : amex                                       ? MSG_CVV4
	                                                        : MSG_CVV3;
	if (parse_cvv(cvv != NULL ? cvv : "", amex ? 4 : 3, out->cvv) < 0)
		goto out;

	*field = CARD_FIELD_NONE;
	*message = NULL;
	rc = 0;
out:
	sodium_memzero(digits, sizeof(digits));
	if (rc < 0)
		card_wipe(out);
	return rc;
}

bool card_luhn_ok(const char *digits)
{
	size_t len = digits != NULL ? strlen(digits) : 0;
	unsigned sum = 0;

	if (len == 0)
		return false;
	/* From the right, every second digit is doubled; a doubled 10..18 counts as its digit sum.
	 */
	for (size_t i = 0; i < len; i++) {
		char c = digits[len - 1 - i];
		if (!is_digit(c))
			return false;
		unsigned d = (unsigned)(c - '0');
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

const char *card_brand(const char *digits)
{
	if (digits == NULL)
		return "card";
	if (has_prefix(digits, "4"))
		return "visa";
	int two = leading_value(digits, 2), three = leading_value(digits, 3);
	int four = leading_value(digits, 4);
	if (two == 34 || two == 37)
		return "amex";
	if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720))
		return "mastercard";
	if (four == 6011 || two == 65 || (three >= 644 && three <= 649))
		return "discover";
	return "card";
}

void card_wipe(struct card *c)
{
	if (c != NULL)
		sodium_memzero(c, sizeof(*c));
}
