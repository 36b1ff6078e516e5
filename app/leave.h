/* leave.h — signed links to other sites: /leave?to=URL&sig=MAC, so the shop's exit page is no
 * open redirect (it shows a link the shop signed, never follows one it did not). */
#ifndef DITTO_LEAVE_H
#define DITTO_LEAVE_H

#include <stdbool.h>

struct arena;

/* The route a verified /leave answers with (X-Ditto-Route, so the traffic log's page): this
 * prefix and the destination's host (leave_host), e.g. "/leave/example.org"; the ingest counts
 * it as an exit to that host ("outbound"). */
#define LEAVE_ROUTE_PREFIX "/leave/"
/* Longest host a route names, in bytes. */
#define LEAVE_HOST_MAX 253

/* Longest outside address the shop signs, in bytes. */
#define LEAVE_URL_MAX 2000

/*
 * True when url is an address the exit page may show: an absolute http or https URL with a
 * host and no user name or password, at most LEAVE_URL_MAX bytes of printable ASCII (no space,
 * no control character).  Anything else (javascript:, data:, a relative path) is false.
 */
bool leave_url_ok(const char *url);

/*
 * The shop's exit link for url, "/leave?to=...&sig=..." (percent-encoded), in the arena; NULL
 * when leave_url_ok refuses url.  Views link every outside address through it.  Needs the site
 * key (session_key_load).
 */
const char *leave_href(struct arena *a, const char *url);

/*
 * The host of url (which passes leave_url_ok) in lower case, without port, path, query or
 * user: only [a-z0-9.-] (a bracketed IPv6 address and any other host is "other-host"), at
 * most LEAVE_HOST_MAX bytes; in the arena.  NULL when url does not parse.
 */
const char *leave_host(struct arena *a, const char *url);

/* True when sig is the shop's signature of to and to passes leave_url_ok. */
bool leave_verify(const char *to, const char *sig);

#endif
