/* site.h — what the application hands the runtime: each pool's route table and the one answer
 * the access step cannot write itself.  The runtime knows no handler; the site knows them all. */
#ifndef DITTO_SITE_H
#define DITTO_SITE_H

#include <stddef.h>

#include "config.h"
#include "router.h"

/* One pool's routes: production routes first, then ntest test-only routes. */
struct site_pool {
	const struct route *routes;
	size_t nroutes; /* all of them, test routes included */
	size_t ntest;   /* the last ntest exist only when the configuration sets test_routes */
};

struct site {
	struct site_pool pools[POOL__MAX];
	/* Answers a signed-in customer whose account may not use the shop (pending, denied,
	 * cancelled...), saying why in plain words.  Returns 0, or -1 for a plain 403. */
	handler_fn refuse_customer;
};

/* The routes pool kind serves: the test routes only when with_test_routes. */
static inline size_t site_route_count(const struct site *site, enum pool_kind kind,
                                      bool with_test_routes)
{
	const struct site_pool *p = &site->pools[kind];
	return with_test_routes ? p->nroutes : p->nroutes - p->ntest;
}

/*
 * ditto-fcgi's whole program: parses argv (--config FILE, --pool web|staff,
 * --check), loads the configuration and runs that pool of site until it is
 * stopped.  Returns the process exit status.
 */
int site_main(int argc, char **argv, const struct site *site);

#endif
