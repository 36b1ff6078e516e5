/* traffic_line.h — the strict parser of one line of nginx's ditto_traffic log
 * (deploy/nginx-ditto-traffic.conf). */
#ifndef DITTO_TRAFFIC_LINE_H
#define DITTO_TRAFFIC_LINE_H

#include <stddef.h>
#include <time.h>

#define TRAFFIC_LINE_MAX    4096 /* longer lines are malformed */
#define TRAFFIC_PAGE_MAX    255  /* bytes of a page (route pattern or static path) */
#define TRAFFIC_ORIGIN_MAX  255  /* bytes of a referrer's origin */
#define TRAFFIC_UA_MAX      1024 /* bytes of a user agent, after nginx's \xHH escapes */
#define TRAFFIC_ADDR_MAX    46   /* INET6_ADDRSTRLEN */
#define TRAFFIC_VISIT_CHARS 32

/* A referrer as the log records it. */
enum traffic_ref { TRAFFIC_REF_NONE, TRAFFIC_REF_SELF, TRAFFIC_REF_OTHER };

/* One parsed line; every string is NUL-terminated, valid UTF-8 and free of control characters. */
struct traffic_line {
	time_t when;                     /* UTC */
	char addr[TRAFFIC_ADDR_MAX];     /* the client's address, canonical (inet_ntop) */
	int family;                      /* AF_INET or AF_INET6 */
	unsigned char addr_bin[16];      /* the address in network order */
	char method[17];                 /* GET, POST, ... */
	char page[TRAFFIC_PAGE_MAX + 1]; /* "/orders/{id}", "/static/style.css" or "-" */
	int status;                      /* 100..599 */
	long long bytes;                 /* body bytes sent */
	long long msec;                  /* request time in milliseconds */
	enum traffic_ref ref;            /* none, this site, another site */
	char origin[TRAFFIC_ORIGIN_MAX +
	            1];              /* TRAFFIC_REF_OTHER: "https://host[:port]", lower case */
	char ua[TRAFFIC_UA_MAX + 1]; /* the user agent, decoded ("" for nginx's "-") */
	char visit[TRAFFIC_VISIT_CHARS + 1]; /* the visit cookie: 32 lower-case hex digits */
};

/*
 * Parses line[0..n) (without its newline) into *out.  Returns 0, or -1
 * when the line is malformed in any way: too long, not the format, a field
 * out of range, invalid UTF-8 or a control character (raw, or decoded from
 * nginx's \xHH escapes), a bad address, time or visit id.  Never reads past
 * line + n; line need not be NUL-terminated.
 */
int traffic_line_parse(const char *line, size_t n, struct traffic_line *out);

/* The host of an origin ("https://shop.example:8443" -> "shop.example"), into out (cap bytes). */
void traffic_origin_host(const char *origin, char *out, size_t cap);

#endif
