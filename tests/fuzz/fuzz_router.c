/* fuzz_router.c — libFuzzer target: any method byte and path against the real shop route table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "router.h"
#include "routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (a == NULL)
		a = arena_new();
	if (size == 0)
		return 0;
	static const enum http_method methods[] = {HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_OTHER};
	enum http_method m = methods[data[0] % 4];
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	for (int pool = 0; pool < 2; pool++) {
		const struct route *routes, *r;
		size_t n, np;
		const char *params[HTTP_MAX_PARAMS];
		routes = ditto_site.pools[pool].routes;
		n = site_route_count(&ditto_site, pool, data[0] & 0x80);
		enum router_result res = router_match(routes, n, a, m, path, &r, params, &np);
		if (res == ROUTER_FOUND) {
			/* A match names a route of the table and only non-empty, slash-free params.
			 */
			if (r < routes || r >= routes + n || np > HTTP_MAX_PARAMS)
				abort();
			for (size_t i = 0; i < np; i++)
				if (params[i][0] == '\0' || strchr(params[i], '/') != NULL)
					abort();
			if (path[0] != '/' || strstr(path, "//") != NULL ||
			    strstr(path, "/../") != NULL)
				abort();
		} else if (r != NULL || np != 0) {
			abort();
		}
	}
	free(path);
	arena_reset(a);
	return 0;
}
