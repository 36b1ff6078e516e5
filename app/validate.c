/* validate.c — small input validators. */
#include "validate.h"

#include <string.h>

#include "form.h"

bool valid_id(const char *s, long long *out)
{
	size_t len = s != NULL ? strlen(s) : 0;
	if (len == 0 || len > 18 || s[0] == '0')
		return false;
	long long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool valid_page(const char *s, long *out)
{
	long long v;
	if (s == NULL || *s == '\0') {
		*out = 1;
		return true;
	}
	if (!valid_id(s, &v) || v > 100000)
		return false;
	*out = (long)v;
	return true;
}

bool valid_slug(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

bool valid_username(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;
	if (len < 3 || len > PERSON_FIELDS[PERSON_USERNAME].max_chars)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

bool valid_email(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;
	if (len < 3 || len > PERSON_FIELDS[PERSON_EMAIL].max_chars || !form_text_ok(s, len))
		return false;
	const char *at = strchr(s, '@');
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || at - s > 64)
		return false;
	const char *dot = strrchr(at + 1, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0')
		return false;
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"')
			return false;
	return true;
}

bool valid_text(const char *s, size_t max)
{
	size_t len = s != NULL ? strlen(s) : 0;
	if (len == 0 || !form_text_ok(s, len))
		return false;
	size_t chars = 0;
	bool visible = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20)
			return false; /* no tabs or line breaks in one-line fields */
		if ((c & 0xc0) != 0x80)
			chars++;
		if (c != ' ')
			visible = true;
	}
	return visible && chars <= max;
}

bool valid_phone(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0, digits = 0;
	if (len < 6 || len > PERSON_FIELDS[PERSON_PHONE].max_chars)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c != ' ' && c != '+' && c != '(' && c != ')' && c != '-' && c != '.')
			return false;
	}
	return digits >= 6;
}

bool valid_address_field(enum address_field f, const char *v)
{
	if ((unsigned)f >= ADDRESS__MAX || v == NULL)
		return false;
	return (ADDRESS_FIELDS[f].optional && *v == '\0') ||
	       valid_text(v, ADDRESS_FIELDS[f].max_chars);
}

bool valid_checked(const char *s)
{
	return s != NULL && (strcmp(s, "1") == 0 || strcmp(s, "on") == 0 || strcmp(s, "yes") == 0 ||
	                     strcmp(s, "true") == 0);
}

bool valid_tracking(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;
	if (len == 0 || len > TRACKING_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return true;
}

bool valid_message(const char *s, size_t max)
{
	size_t len = s != NULL ? strlen(s) : 0;
	/* form_text_ok allows exactly tab, CR and LF among the controls. */
	if (len == 0 || !form_text_ok(s, len))
		return false;
	size_t chars = 0;
	bool visible = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80)
			chars++;
		if (c > ' ')
			visible = true;
	}
	return visible && chars <= max;
}

bool valid_amount(const char *s, long long max_cents, long long *cents)
{
	if (s == NULL || *s == '\0')
		return false;
	long long whole = 0, frac = 0;
	size_t i = 0, digits = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (digits >= 9)
			return false;
		whole = whole * 10 + (s[i] - '0');
	}
	if (digits == 0)
		return false;
	if (s[i] == '.' || s[i] == ',') {
		i++;
		size_t n = 0;
		for (; s[i] >= '0' && s[i] <= '9' && n < 2; i++, n++)
			frac = frac * 10 + (s[i] - '0');
		if (n == 0)
			return false;
		if (n == 1)
			frac *= 10;
	}
	if (s[i] != '\0')
		return false;
	long long v = whole * 100 + frac;
	if (v <= 0 || v > max_cents)
		return false;
	*cents = v;
	return true;
}
