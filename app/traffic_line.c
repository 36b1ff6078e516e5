/* traffic_line.c — parses one ditto_traffic log line strictly: anything that is not exactly
 * the format nginx writes (deploy/nginx-ditto-traffic.conf) is refused, never guessed at. */
#include "traffic_line.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

/* A cursor over the line. */
struct cur {
	const char *p;
	const char *end;
};

static bool eat(struct cur *c, char ch)
{
	if (c->p >= c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

/* Reads up to the next space (or the end) into [*s, *s + *n); false for an empty token. */
static bool token(struct cur *c, const char **s, size_t *n)
{
	const char *start = c->p;
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	*s = start;
	*n = (size_t)(c->p - start);
	return *n > 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * True when s[0..n) is valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF) with no
 * control character: C0, DEL or C1.
 */
static bool clean_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += len;
	}
	return true;
}

/*
 * Reads a quoted field: '"', printable ASCII other than '"' and '\', or nginx's \xHH escapes,
 * then '"'.  Decodes it into out (at most cap - 1 bytes) and checks the result is clean UTF-8.
 * Returns the decoded length, or -1.
 */
static long quoted(struct cur *c, char *out, size_t cap)
{
	size_t o = 0;
	if (!eat(c, '"'))
		return -1;
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;
		if (ch == '\\') {
			if (c->end - c->p < 4 || c->p[1] != 'x')
				return -1;
			int hi = hexval(c->p[2]), lo = hexval(c->p[3]);
			if (hi < 0 || lo < 0)
				return -1;
			ch = (unsigned char)(hi * 16 + lo);
			c->p += 4;
		} else if (ch < 0x20 || ch > 0x7e) {
			return -1;
		} else {
			c->p++;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = (char)ch;
	}
	if (!eat(c, '"'))
		return -1;
	out[o] = '\0';
	return clean_utf8((const unsigned char *)out, o) ? (long)o : -1;
}

/* Parses digits s[0..n) (1 to 15 of them) into *v. */
static bool number(const char *s, size_t n, long long *v)
{
	if (n == 0 || n > 15)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

static bool digits_at(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* $time_iso8601: "2026-11-30T16:51:36+00:00" (25 bytes), to UTC seconds. */
static bool iso_time(const char *s, size_t n, time_t *out)
{
	int y, mo, d, h, mi, se, oh, om;
	if (n != 25 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    (s[19] != '+' && s[19] != '-') || s[22] != ':')
		return false;
	if (!digits_at(s, 4, &y) || !digits_at(s + 5, 2, &mo) || !digits_at(s + 8, 2, &d) ||
	    !digits_at(s + 11, 2, &h) || !digits_at(s + 14, 2, &mi) || !digits_at(s + 17, 2, &se) ||
	    !digits_at(s + 20, 2, &oh) || !digits_at(s + 23, 2, &om))
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 2000 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 60 || oh > 14 || om > 59)
		return false;
	long long off = (oh * 60LL + om) * 60 * (s[19] == '+' ? 1 : -1);
	*out = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + se - off);
	return true;
}

/* "0.004" ($request_time: seconds with exactly three decimals) to milliseconds. */
static bool seconds_ms(const char *s, size_t n, long long *ms)
{
	long long whole, frac;
	if (n < 5 || s[n - 4] != '.' || !number(s, n - 4, &whole) || !number(s + n - 3, 3, &frac))
		return false;
	*ms = whole * 1000 + frac;
	return true;
}

/* A page: "-", or '/' then at most TRAFFIC_PAGE_MAX bytes without '?' (nginx's $uri). */
static bool page_ok(const char *p, size_t n)
{
	if (n == 1 && p[0] == '-')
		return true;
	return n >= 1 && n <= TRAFFIC_PAGE_MAX && p[0] == '/' && memchr(p, '?', n) == NULL;
}

/* An origin exactly as nginx's map keeps it: http(s)://[a-z0-9.-]+(:port)?, lower-cased. */
static bool origin_ok(char *s, size_t n)
{
	size_t i;
	if (n > 7 && strncmp(s, "http://", 7) == 0)
		i = 7;
	else if (n > 8 && strncmp(s, "https://", 8) == 0)
		i = 8;
	else
		return false;
	size_t host = i;
	for (; i < n && s[i] != ':'; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			s[i] = (char)(ch - 'A' + 'a');
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		           ch == '-'))
			return false;
	}
	if (i == host)
		return false;
	if (i < n) {
		long long port;
		if (!number(s + i + 1, n - i - 1, &port) || port < 1 || port > 65535)
			return false;
	}
	return true;
}

int traffic_line_parse(const char *line, size_t n, struct traffic_line *out)
{
	struct cur c = {line, line + n};
	const char *s;
	size_t len;
	long long v;
	char field[TRAFFIC_UA_MAX + 1];
	if (n > TRAFFIC_LINE_MAX)
		return -1;
	memset(out, 0, sizeof(*out));
	/* time */
	if (!token(&c, &s, &len) || !iso_time(s, len, &out->when) || !eat(&c, ' '))
		return -1;
	/* address */
	if (!token(&c, &s, &len) || len >= TRAFFIC_ADDR_MAX || !eat(&c, ' '))
		return -1;
	char addr[TRAFFIC_ADDR_MAX];
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out->addr_bin) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr_bin) == 1)
		out->family = AF_INET6;
	else
		return -1;
	if (inet_ntop(out->family, out->addr_bin, out->addr, sizeof(out->addr)) == NULL)
		return -1;
	/* "METHOD PAGE" */
	long got = quoted(&c, field, sizeof(field));
	if (got < 0 || !eat(&c, ' '))
		return -1;
	const char *sp = memchr(field, ' ', (size_t)got);
	if (sp == NULL || sp == field || sp - field > 16)
		return -1;
	for (const char *m = field; m < sp; m++)
		if (*m < 'A' || *m > 'Z')
			return -1;
	memcpy(out->method, field, (size_t)(sp - field));
	size_t plen = (size_t)(field + got - (sp + 1));
	if (!page_ok(sp + 1, plen))
		return -1;
	memcpy(out->page, sp + 1, plen);
	/* status, bytes, request time */
	if (!token(&c, &s, &len) || len != 3 || !number(s, len, &v) || v < 100 || v > 599 ||
	    !eat(&c, ' '))
		return -1;
	out->status = (int)v;
	if (!token(&c, &s, &len) || !number(s, len, &out->bytes) || !eat(&c, ' '))
		return -1;
	if (!token(&c, &s, &len) || !seconds_ms(s, len, &out->msec) || !eat(&c, ' '))
		return -1;
	/* referrer */
	got = quoted(&c, field, TRAFFIC_ORIGIN_MAX + 1);
	if (got < 0 || !eat(&c, ' '))
		return -1;
	if (strcmp(field, "-") == 0)
		out->ref = TRAFFIC_REF_NONE;
	else if (strcmp(field, "=") == 0)
		out->ref = TRAFFIC_REF_SELF;
	else if (origin_ok(field, (size_t)got)) {
		out->ref = TRAFFIC_REF_OTHER;
		memcpy(out->origin, field, (size_t)got + 1);
	} else
		return -1;
	/* user agent ("-" is nginx's empty value) */
	got = quoted(&c, out->ua, sizeof(out->ua));
	if (got < 0 || !eat(&c, ' '))
		return -1;
	if (strcmp(out->ua, "-") == 0)
		out->ua[0] = '\0';
	/* visit id: 32 lower-case hex digits, and nothing after it */
	if (!token(&c, &s, &len) || len != TRAFFIC_VISIT_CHARS || c.p != c.end)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	memcpy(out->visit, s, len);
	return 0;
}

void traffic_origin_host(const char *origin, char *out, size_t cap)
{
	const char *h = strstr(origin, "://");
	h = h != NULL ? h + 3 : origin;
	size_t n = strcspn(h, ":/");
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, h, n);
	out[n] = '\0';
}
