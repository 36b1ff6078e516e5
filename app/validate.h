/* validate.h — small input validators: each returns true and stores the parsed value, or false. */
#ifndef DITTO_VALIDATE_H
#define DITTO_VALIDATE_H

#include <stdbool.h>

/* A positive decimal id of at most 18 digits, no sign, no leading zero. */
bool valid_id(const char *s, long long *out);
/* A page number: absent or empty gives 1; otherwise 1..100000. */
bool valid_page(const char *s, long *out);
/* A slug: 1..64 of [a-z0-9-]. */
bool valid_slug(const char *s);

#endif
