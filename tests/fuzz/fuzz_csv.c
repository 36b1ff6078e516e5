/* fuzz_csv.c — libFuzzer target: csv_read_record never overruns and always advances or refuses,
 * and a field csv_write_field wrote reads back as it was (quoted for a formula). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "csv.h"

/* Writes text as a field and reads it back: it must be text, or "'" and text for a formula. */
static void round_trip(const char *text)
{
	size_t tlen = strlen(text);
	if (tlen + 1 > CSV_FIELD_MAX)
		return; /* would be cut on reading */
	struct buf b = {0};
	csv_write_field(&b, text);
	buf_append(&b, "\n", 1);
	struct csv_record r;
	size_t pos = 0;
	int line = 1;
	if (csv_read_record(b.data, b.len, &pos, &line, &r) != 0 || r.nfields != 1 || pos != b.len)
		abort();
	bool formula = text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
	const char *got = r.field[0] + (formula ? 1 : 0);
	if ((formula && r.field[0][0] != '\'') || strcmp(got, text) != 0)
		abort();
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t pos = 0;
	int line = 1;
	for (;;) {
		struct csv_record r;
		size_t before = pos;
		int before_line = line;
		int st = csv_read_record(s, size, &pos, &line, &r);
		if (st == 1) {
			if (pos != size)
				abort();
			break;
		}
		if (st < 0) {
			if (pos != before || line != before_line)
				abort();
			break;
		}
		if (st != 0 || pos <= before || pos > size || line < before_line || r.nfields < 1)
			abort();
		int kept = r.nfields < CSV_KEEP_FIELDS ? r.nfields : CSV_KEEP_FIELDS;
		for (int i = 0; i < kept; i++) {
			if (memchr(r.field[i], '\0', CSV_FIELD_MAX + 1) == NULL)
				abort();
			round_trip(r.field[i]);
		}
	}
	return 0;
}
