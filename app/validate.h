/* validate.h — small input validators: each returns true and stores the parsed value, or false. */
#ifndef DITTO_VALIDATE_H
#define DITTO_VALIDATE_H

#include <stdbool.h>
#include <time.h>
#include <stddef.h>

#include "fields.h"

/* A positive decimal id of at most 18 digits, no sign, no leading zero. */
bool valid_id(const char *s, long long *out);
/* A page number: absent or empty gives 1; otherwise 1..100000. */
bool valid_page(const char *s, long *out);
/* A slug: 1..64 of [a-z0-9-]. */
bool valid_slug(const char *s);

/* A username: 3 to PERSON_FIELDS[PERSON_USERNAME].max_chars (64) of [A-Za-z0-9._-], starting
 * with a letter or digit. */
bool valid_username(const char *s);
/* An email address: one '@', a non-empty local part, a dotted domain, no spaces or
 * controls, at most PERSON_FIELDS[PERSON_EMAIL].max_chars (254) bytes. Deliberately loose: the
 * verification mail is the real test. */
bool valid_email(const char *s);
/* The number of characters (UTF-8 code points) of s, the unit every field limit counts. */
size_t text_chars(const char *s);
/* True when s is NULL or holds only spaces, tabs and line breaks: nothing was typed. */
bool text_blank(const char *s);
/* Free text of 1..max code points: valid UTF-8, no control characters, not only spaces. */
bool valid_text(const char *s, size_t max);
/* Free text of several lines (a message, a notice, a policy's text): like valid_text, but
 * line breaks and tabs are allowed (and are not enough on their own). */
bool valid_text_lines(const char *s, size_t max);
/* A phone number: 6 to PERSON_FIELDS[PERSON_PHONE].max_chars (40) of digits, spaces and
 * + ( ) - . with at least 6 digits. */
bool valid_phone(const char *s);
/* A value for address field f (0..ADDRESS__MAX - 1): free text within the field's limit
 * (valid_text), or the empty string when the field is optional. */
bool valid_address_field(enum address_field f, const char *v);
/* The longest tracking number (orders.tracking_number). */
#define TRACKING_MAX 64
/* A shipping company's tracking number: 1..TRACKING_MAX of [A-Za-z0-9-]. */
bool valid_tracking(const char *s);
/* An amount of money as typed: digits, optionally '.' or ',' and one or two more digits
 * ("12", "12.3", "12.34"), more than 0 and at most max_cents; *cents gets it in cents. */
bool valid_amount(const char *s, long long max_cents, long long *cents);
/* The longest page a sign-in may return to (the "next" field), in bytes. */
#define NEXT_PATH_MAX 512
/*
 * A page on this site to return to after signing in: a relative reference of at most
 * NEXT_PATH_MAX bytes that starts with exactly one "/" and has no scheme, no authority ("//"),
 * no backslash (browsers read it as "/"), no control character or space (browsers drop tabs and
 * line breaks, so "/\t/evil.example" would become "//evil.example"), and that uriparser reads
 * as a path (with an optional query) and nothing else.  Anything else must go to the default
 * page: an open redirect would lend our name to another site.
 */
bool valid_next_path(const char *s);
/* A checkbox or confirmation: "1", "on", "yes" or "true". */
bool valid_checked(const char *s);

/* A date and time as a datetime-local input sends it, "YYYY-MM-DDTHH:MM" or
 * "YYYY-MM-DDTHH:MM:SS" (a space for the T is taken too), a real moment of the years
 * 2000-9999; stores it as MariaDB writes a DATETIME, "YYYY-MM-DD HH:MM:SS", in out. */
bool valid_datetime_local(const char *s, char out[20]);
/* A calendar date "YYYY-MM-DD" of the years 2000-9999 that exists; stores its midnight UTC in
 * *day. */
bool valid_date(const char *s, time_t *day);

#endif
