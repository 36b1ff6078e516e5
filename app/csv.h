/* csv.h — RFC 4180 CSV for files exchanged with the shipping company: a record reader and a
 * field writer that no spreadsheet runs as a formula. */
#ifndef DITTO_CSV_H
#define DITTO_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum {
	CSV_KEEP_FIELDS = 3, /* fields of a record kept; later ones are only counted */
	CSV_FIELD_MAX = 80,  /* bytes kept of a field; the rest is dropped */
};

/*
 * One record as read.  A field is cut at CSV_FIELD_MAX bytes, which no
 * valid value of our files reaches, so a cut field still fails the
 * caller's validation.
 */
struct csv_record {
	int nfields; /* every field of the record, also those not kept */
	char field[CSV_KEEP_FIELDS][CSV_FIELD_MAX + 1];
	bool quoted; /* some field was quoted */
};

/*
 * Reads the record starting at *pos of the len bytes of s: fields quoted or
 * not, "" for a quote inside quotes, records ending in CRLF, LF or the end
 * of input.  Moves *pos past it and adds the line breaks it consumed
 * (also inside quotes) to *line.  Returns 0, 1 at the end of input, or -1
 * when the record is malformed (an unterminated quote, a quote inside an
 * unquoted field, text after a closing quote, or a lone CR); *pos is then
 * unchanged.
 */
int csv_read_record(const char *s, size_t len, size_t *pos, int *line, struct csv_record *r);

/*
 * Appends the NUL-terminated text s to b as one field.  A text that a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR)
 * gets a leading single quote, so opening the file never executes what a
 * customer typed into an address.  The field is quoted when it holds a
 * comma, quote or line break, and quotes inside are doubled.
 */
void csv_write_field(struct buf *b, const char *s);

#endif
