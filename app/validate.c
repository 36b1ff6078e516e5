/* validate.c — small input validators. */
#include "validate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <uriparser/Uri.h>

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

/* Free text of 1..max code points of valid UTF-8 with something besides white space, and no
 * control characters but (when lines) line breaks and tabs. */
static bool text_ok(const char *s, size_t max, bool lines)
{
	size_t len = s != NULL ? strlen(s) : 0;
	if (len == 0 || !form_text_ok(s, len))
		return false;
	size_t chars = 0;
	bool visible = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
		if (c < 0x20 && !(lines && space))
			return false;
		if ((c & 0xc0) != 0x80)
			chars++;
		if (!space)
			visible = true;
	}
	return visible && chars <= max;
}

size_t text_chars(const char *s)
{
	size_t n = 0;
	for (; s != NULL && *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

bool text_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

bool valid_text(const char *s, size_t max)
{
	return text_ok(s, max, false);
}

bool valid_text_lines(const char *s, size_t max)
{
	return text_ok(s, max, true);
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

/* Reads n digits of s into *v. */
static bool digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool valid_datetime_local(const char *s, char out[20])
{
	size_t len = s != NULL ? strlen(s) : 0;
	int y, mo, d, h, mi, sec = 0;
	if ((len != 16 && len != 19) || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || (len == 19 && s[16] != ':'))
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    (len == 19 && !digits(s + 17, 2, &sec)))
		return false;
	if (y < 2000 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59)
		return false;
	/* The calendar decides whether the day exists: timegm normalises 02-30 to 03-02. */
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi,
	                .tm_sec = sec};
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL || back.tm_mday != d ||
	    back.tm_mon != mo - 1)
		return false;
	char buf[64]; /* every field was range-checked: the text is 19 characters */
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, sec);
	memcpy(out, buf, 20);
	return true;
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

bool valid_next_path(const char *s)
{
	if (s == NULL || s[0] != '/' || s[1] == '/' || strlen(s) > NEXT_PATH_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\' || *p >= 0x80)
			return false;
	/* The characters are plain; now the grammar: a path-absolute reference with no scheme,
	 * no host and no fragment (RFC 3986 4.2), as a well-kept parser reads it. */
	UriUriA uri;
	const char *err = NULL;
	if (uriParseSingleUriA(&uri, s, &err) != URI_SUCCESS)
		return false;
	bool ok = uri.scheme.first == NULL && uri.hostText.first == NULL &&
	          uri.userInfo.first == NULL && uri.portText.first == NULL &&
	          uri.fragment.first == NULL && uri.absolutePath == URI_TRUE;
	uriFreeUriMembersA(&uri);
	return ok;
}

bool valid_date(const char *s, time_t *day)
{
	int y, mo, d;
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d))
		return false;
	if (y < 2000 || mo < 1 || mo > 12 || d < 1)
		return false;
	/* As valid_datetime_local: the calendar decides whether the day exists. */
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL || back.tm_mday != d ||
	    back.tm_mon != mo - 1)
		return false;
	*day = t;
	return true;
}
