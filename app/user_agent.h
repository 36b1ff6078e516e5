/* user_agent.h — a small table-driven classifier of User-Agent strings: browser family,
 * platform and device class, for aggregate traffic reports only. */
#ifndef DITTO_USER_AGENT_H
#define DITTO_USER_AGENT_H

#include <stddef.h>

/* What a user agent says about itself, as names from fixed tables (never copied input). */
struct ua_info {
	const char *browser;  /* "Firefox", "Chrome", "Edge", "Safari", ..., "Bot", "Other" */
	const char *platform; /* "Windows", "macOS", "iOS", "Android", "Linux", ..., "Other" */
	const char *device;   /* "desktop", "mobile", "tablet", "bot", "unknown" */
};

/* Classifies ua[0..n) (need not be NUL-terminated).  Can't fail: unknown parts are "Other". */
struct ua_info ua_classify(const char *ua, size_t n);

#endif
