/* fuzz_traffic_line.c — libFuzzer target: traffic_line_parse never reads past its input, and
 * what it accepts holds only clean strings within their bounds (no query in the page). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "traffic_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: ASan catches a read past the end. */
	char *line = malloc(size ? size : 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	struct traffic_line l;
	if (traffic_line_parse(line, size, &l) == 0) {
		if (strlen(l.page) > TRAFFIC_PAGE_MAX || strchr(l.page, '?') != NULL ||
		    strlen(l.ua) > TRAFFIC_UA_MAX || strlen(l.visit) != TRAFFIC_VISIT_CHARS ||
		    l.status < 100 || l.status > 599 ||
		    (l.ref == TRAFFIC_REF_OTHER && l.origin[0] != 'h'))
			abort();
		for (const char *p = l.ua; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
	free(line);
	return 0;
}
