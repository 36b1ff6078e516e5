/* main.c — ditto-fcgi's program: reads the configuration and runs one FastCGI pool of the site
 * the application hands it (its main() is the application's). */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "peer.h"
#include "pool.h"
#include "site.h"
#include "template.h"

static void usage(FILE *f)
{
	fputs("usage: ditto-fcgi [--config FILE] --pool web|staff [--check]\n"
	      "       ditto-fcgi --routes\n"
	      "  --config FILE  configuration file (default var/ditto.conf)\n"
	      "  --pool NAME    which pool to run: web (shop) or staff (admin)\n"
	      "  --check        validate the configuration and templates, then exit\n"
	      "  --routes       print every route of both pools (pool, methods, pattern, access,\n"
	      "                 name, and \"test\" for test-stack-only routes), then exit\n",
	      f);
}

static const char *access_name(enum route_access a)
{
	switch (a) {
	case ACCESS_PUBLIC:
		return "public";
	case ACCESS_CUSTOMER:
		return "customer";
	case ACCESS_STAFF:
		return "staff";
	case ACCESS_LINK:
		return "link";
	}
	return "?";
}

/* The whole site as data, one route a line: what an operator checks a proxy rule against, and
 * what the hostile-input sweep walks, so a new route is covered without editing the test. */
static void print_routes(const struct site *site)
{
	for (int k = 0; k < POOL__MAX; k++) {
		const struct site_pool *p = &site->pools[k];
		for (size_t i = 0; i < p->nroutes; i++) {
			const struct route *r = &p->routes[i];
			const char *m = (r->methods & HTTP_GET) && (r->methods & HTTP_POST)
			                    ? "GET,POST"
			                : r->methods & HTTP_POST ? "POST"
			                                         : "GET";
			printf("%s\t%s\t%s\t%s\t%s%s\n", pool_kind_name((enum pool_kind)k), m,
			       r->pattern, access_name(r->access), r->name,
			       i >= p->nroutes - p->ntest ? "\ttest" : "");
		}
	}
}

int site_main(int argc, char **argv, const struct site *site)
{
	const char *config_path = "var/ditto.conf";
	const char *pool = NULL;
	int check = 0;
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"pool", required_argument, NULL, 'p'},
	    {"check", no_argument, NULL, 'k'},        {"routes", no_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "c:p:krh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'p':
			pool = optarg;
			break;
		case 'k':
			check = 1;
			break;
		case 'r':
			print_routes(site);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (pool == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fputs("ditto-fcgi: libsodium failed to initialise\n", stderr);
		return 1;
	}
	/* Static so worker children keep a valid pointer after fork. */
	static struct config cfg;
	char err[512];
	if (config_load(&cfg, config_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "ditto-fcgi: %s\n", err);
		return 1;
	}
	if (config_pool(&cfg, pool) == NULL) {
		fprintf(stderr, "ditto-fcgi: unknown pool '%s' (web or staff)\n", pool);
		return 2;
	}
	log_init(pool, (enum log_level)log_level_parse(cfg.log_level));
	/* Fail closed: a real shop must never mark orders paid that nobody paid. */
	if (config_check_payments(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "ditto-fcgi: %s\n", err);
		return 1;
	}
	if (check) {
		if (peer_resolve(config_pool(&cfg, pool), err, sizeof(err)) < 0) {
			fprintf(stderr, "ditto-fcgi: %s\n", err);
			return 1;
		}
		struct tmpl_set *views = tmpl_set_load(cfg.templates, err, sizeof(err));
		if (views == NULL) {
			fprintf(stderr, "ditto-fcgi: templates: %s\n", err);
			return 1;
		}
		tmpl_set_free(views);
		puts("configuration ok");
		return 0;
	}
	return pool_run(site, &cfg, pool);
}
