/* log.c — one-line log records on stderr, tagged with pool, pid and level. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char log_tag[32] = "ditto";
static enum log_level log_min = LOG_LVL_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_init(const char *tag, enum log_level min)
{
	snprintf(log_tag, sizeof(log_tag), "%s", tag);
	log_min = min;
	/* The application log is read by operators and kept: at info and above it names nobody.
	 * The debug level adds customer and order ids (log_debug); say so where it is turned on. */
	if (min >= LOG_LVL_DEBUG)
		log_msg(LOG_LVL_WARN, "log level debug: records name customers and orders by id");
}

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

/* True for a byte that must not reach the log as it is: C0 controls, DEL and the backslash
 * (so that an escape in the log always means an escape). */
static bool must_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\';
}

/* True when in[i] starts the UTF-8 encoding of a C1 control (U+0080..U+009F: NEL among them). */
static bool is_c1(const unsigned char *in, size_t i, size_t n)
{
	return in[i] == 0xc2 && i + 1 < n && in[i + 1] >= 0x80 && in[i + 1] <= 0x9f;
}

size_t log_escape(char *out, size_t cap, const char *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t bytes = is_c1(s, i, n) ? 2 : must_escape(s[i]) ? 1 : 0;
		if (bytes == 0) {
			if (o + 1 >= cap)
				break;
			out[o++] = (char)s[i];
			continue;
		}
		if (o + 4 * bytes >= cap)
			break;
		for (size_t b = 0; b < bytes; b++, o += 4) {
			out[o] = '\\';
			out[o + 1] = 'x';
			out[o + 2] = hex[s[i + b] >> 4];
			out[o + 3] = hex[s[i + b] & 15];
		}
		i += bytes - 1;
	}
	out[o] = '\0';
	return o;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl > log_min)
		return;
	char line[1024];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line),
	                 "%04d-%02d-%02dT%02d:%02d:%02dZ %s[%d] %s: ", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, log_tag,
	                 (int)getpid(), level_names[lvl]);
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t mlen = m < 0 ? 0 : (size_t)m < sizeof(msg) ? (size_t)m : sizeof(msg) - 1;
	/* Messages carry request values (paths, user agents): every control character is
	 * escaped, so a record is always one line and never drives a terminal. */
	size_t len = (size_t)n + log_escape(line + n, sizeof(line) - (size_t)n - 1, msg, mlen);
	/* One write per record so lines from several workers never interleave. */
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w; /* nowhere left to report a failed log write */
}
