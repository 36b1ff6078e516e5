/* validate.h — small input validators: each returns true and stores the parsed value, or false. */
#ifndef DITTO_VALIDATE_H
#define DITTO_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* A positive decimal id of at most 18 digits, no sign, no leading zero. */
bool valid_id(const char *s, long long *out);
/* A page number: absent or empty gives 1; otherwise 1..100000. */
bool valid_page(const char *s, long *out);
/* A slug: 1..64 of [a-z0-9-]. */
bool valid_slug(const char *s);

/* A username: 3..64 of [A-Za-z0-9._-], starting with a letter or digit. */
bool valid_username(const char *s);
/* An email address: one '@', a non-empty local part, a dotted domain, no spaces or
 * controls, at most 254 bytes. Deliberately loose: the verification mail is the real test. */
bool valid_email(const char *s);
/* Free text of 1..max code points: valid UTF-8, no control characters, not only spaces. */
bool valid_text(const char *s, size_t max);
/* A phone number: 6..40 of digits, spaces and + ( ) - . with at least 6 digits. */
bool valid_phone(const char *s);
/* A checkbox or confirmation: "1", "on", "yes" or "true". */
bool valid_checked(const char *s);

#endif
