/* router.c — matches a path against route patterns segment by segment. */
#include "router.h"

#include <string.h>

#define ROUTER_MAX_PATH 1024

/* Compares one pattern against path; on a match stores parameter spans. */
static bool match_one(const char *pat, const char *path, const char **starts, size_t *lens,
                      size_t *np)
{
	size_t n = 0;
	while (*pat != '\0' && *path != '\0') {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			if (close == NULL || n >= HTTP_MAX_PARAMS)
				return false;
			size_t len = strcspn(path, "/");
			if (len == 0)
				return false;
			starts[n] = path;
			lens[n] = len;
			n++;
			pat = close + 1;
			path += len;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	if (*pat != '\0' || *path != '\0')
		return false;
	*np = n;
	return true;
}

static bool path_ok(const char *path)
{
	size_t len = strlen(path);
	if (len == 0 || len > ROUTER_MAX_PATH || path[0] != '/')
		return false;
	/* Reject empty, "." and ".." segments and control bytes (nginx
	 * normalises; this is defence in depth). A lone "/" is the home page. */
	for (const char *s = path + 1; *s != '\0';) {
		size_t seg = strcspn(s, "/");
		if (seg == 0 || (seg == 1 && s[0] == '.') ||
		    (seg == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		for (size_t i = 0; i < seg; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return false;
		s += seg;
		if (*s == '/')
			s++;
	}
	return true;
}

enum router_result router_match(const struct route *routes, size_t n, struct arena *a,
                                enum http_method method, const char *path, const struct route **out,
                                const char **params, size_t *nparams)
{
	const char *starts[HTTP_MAX_PARAMS];
	size_t lens[HTTP_MAX_PARAMS];
	bool path_matched = false;
	*out = NULL;
	*nparams = 0;
	if (path == NULL || !path_ok(path))
		return ROUTER_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		size_t np = 0;
		if (!match_one(routes[i].pattern, path, starts, lens, &np))
			continue;
		path_matched = true;
		unsigned allowed = routes[i].methods;
		if (allowed & HTTP_GET)
			allowed |= HTTP_HEAD;
		if (!(allowed & method))
			continue;
		for (size_t p = 0; p < np; p++)
			params[p] = arena_strndup(a, starts[p], lens[p]);
		*nparams = np;
		*out = &routes[i];
		return ROUTER_FOUND;
	}
	return path_matched ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;
}
