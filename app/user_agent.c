/* user_agent.c — User-Agent to browser family, platform and device class, by ordered tables:
 * the first row whose token occurs wins, so a token that others also carry comes later
 * ("Chrome/" is in Edge's and Opera's strings, "Safari/" in Chrome's). */
#include "user_agent.h"

#include <stdbool.h>
#include <string.h>

struct ua_rule {
	const char *token; /* matched case-sensitively anywhere in the string */
	const char *name;
};

static const struct ua_rule bots[] = {
    {"bot", "Bot"},     {"Bot", "Bot"},
    {"crawler", "Bot"}, {"Crawler", "Bot"},
    {"spider", "Bot"},  {"Spider", "Bot"},
    {"curl/", "Bot"},   {"Wget/", "Bot"},
    {"python-", "Bot"}, {"Go-http-client", "Bot"},
};

static const struct ua_rule browsers[] = {
    {"Edg/", "Edge"},
    {"EdgA/", "Edge"},
    {"EdgiOS/", "Edge"},
    {"OPR/", "Opera"},
    {"Opera", "Opera"},
    {"SamsungBrowser/", "Samsung Internet"},
    {"Vivaldi/", "Vivaldi"},
    {"YaBrowser/", "Yandex"},
    {"Firefox/", "Firefox"},
    {"FxiOS/", "Firefox"},
    {"CriOS/", "Chrome"},
    {"Chromium/", "Chromium"},
    {"Chrome/", "Chrome"},
    {"Safari/", "Safari"},
    {"MSIE ", "Internet Explorer"},
    {"Trident/", "Internet Explorer"},
};

static const struct ua_rule platforms[] = {
    {"Windows", "Windows"}, {"iPhone", "iOS"},      {"iPad", "iOS"},        {"iPod", "iOS"},
    {"Android", "Android"}, {"CrOS", "ChromeOS"},   {"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
    {"Linux", "Linux"},     {"FreeBSD", "FreeBSD"}, {"OpenBSD", "OpenBSD"},
};

/* memmem for a NUL-terminated needle; ua need not be NUL-terminated. */
static bool has(const char *ua, size_t n, const char *token)
{
	size_t t = strlen(token);
	if (t > n)
		return false;
	for (size_t i = 0; i + t <= n; i++)
		if (ua[i] == token[0] && memcmp(ua + i, token, t) == 0)
			return true;
	return false;
}

static const char *first(const struct ua_rule *rules, size_t nrules, const char *ua, size_t n)
{
	for (size_t i = 0; i < nrules; i++)
		if (has(ua, n, rules[i].token))
			return rules[i].name;
	return NULL;
}

#define FIRST(rules, ua, n) first(rules, sizeof(rules) / sizeof(rules[0]), ua, n)

struct ua_info ua_classify(const char *ua, size_t n)
{
	struct ua_info info = {"Other", "Other", "desktop"};
	if (n == 0)
		return (struct ua_info){"Other", "Other", "unknown"};
	const char *p = FIRST(platforms, ua, n);
	if (p != NULL)
		info.platform = p;
	if (FIRST(bots, ua, n) != NULL) {
		info.browser = "Bot";
		info.device = "bot";
		return info;
	}
	const char *b = FIRST(browsers, ua, n);
	if (b != NULL)
		info.browser = b;
	/* Tablets first: an iPad says "Mobile" too, and an Android tablet leaves "Mobile" out. */
	if (has(ua, n, "iPad") || has(ua, n, "Tablet") ||
	    (has(ua, n, "Android") && !has(ua, n, "Mobile")))
		info.device = "tablet";
	else if (has(ua, n, "Mobi") || has(ua, n, "iPhone") || has(ua, n, "iPod"))
		info.device = "mobile";
	return info;
}
