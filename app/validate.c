/* validate.c — small input validators. */
#include "validate.h"

#include <string.h>

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
