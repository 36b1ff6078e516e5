/* fuzz_user_agent.c — libFuzzer target: ua_classify reads only its input and always answers
 * with names from its tables. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "user_agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ua = malloc(size ? size : 1);
	if (ua == NULL)
		return 0;
	memcpy(ua, data, size);
	struct ua_info u = ua_classify(ua, size);
	if (u.browser == NULL || u.platform == NULL || u.device == NULL || strlen(u.browser) > 40 ||
	    strlen(u.platform) > 40 || strlen(u.device) > 16)
		abort();
	free(ua);
	return 0;
}
