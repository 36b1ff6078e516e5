/* log.h — one-line log records on stderr, tagged with pool, pid and level. */
#ifndef DITTO_LOG_H
#define DITTO_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Sets the tag printed in each record (e.g. "web") and the minimum level. */
void log_init(const char *tag, enum log_level min);
/* Parses "error", "warn", "info" or "debug"; returns -1 if unknown. */
int log_level_parse(const char *s);

/*
 * Writes one record.  Never pass a secret, card data, a form body or a
 * cookie: the log is read by operators and kept.
 */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Copies n bytes of in to out (at most cap - 1 bytes, always NUL-terminated), writing each
 * control character (C0, DEL, and C1 as UTF-8 encodes it) and the backslash as an escape:
 * ESC as \x1b, NEL as \xc2\x85, a backslash as \x5c.  A value from a request can then
 * neither start a forged record nor drive the operator's terminal.  Escapes are never cut in half.
 * Returns the bytes written.
 */
size_t log_escape(char *out, size_t cap, const char *in, size_t n);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
/* The only level that may name a customer, order, username or email (by id, never more): at
 * info and above a record says what happened, not to whom.  log_init warns when it is on. */
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
