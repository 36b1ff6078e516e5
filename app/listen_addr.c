/* listen_addr.c — a pool's listen address (unix path or TCP host:port) and the web_servers
 * allow-list of a TCP pool.
 *
 * libfcgi's FCGX_OpenSocket("host:port") binds IPv4 only (it resolves the host with
 * gethostbyname and binds INADDR_ANY for ":port") and cannot parse "[::1]:9000", so TCP
 * sockets are bound here with socket/bind/listen and only then handed to libfcgi. Its
 * FCGI_WEB_SERVER_ADDRS check is IPv4 only and silent, set through the environment of every
 * process; the pool checks the accepted socket's getpeername itself instead (ip_allowed), for
 * IPv4 and IPv6 alike, and logs what it refuses. */
#include "listen_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "PORT" of 1..65535, digits only. */
static int parse_port(const char *s, unsigned *port)
{
	if (*s == '\0' || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s))
		return -1;
	unsigned long n = strtoul(s, NULL, 10);
	if (n == 0 || n > 65535)
		return -1;
	*port = (unsigned)n;
	return 0;
}

int listen_addr_parse(const char *s, struct listen_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *colon = strrchr(s, ':');
	bool bracket = s[0] == '[';
	bool looks_tcp = bracket || (colon != NULL && strchr(s, '/') == NULL && colon[1] != '\0' &&
	                             strspn(colon + 1, "0123456789") == strlen(colon + 1));
	if (!looks_tcp) {
		if (s[0] == '\0') {
			snprintf(err, errlen, "socket is empty");
			return -1;
		}
		return 0; /* a unix socket path */
	}
	char host[64];
	const char *port;
	if (bracket) {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host)) {
			snprintf(err, errlen, "socket '%s': expected [IPv6]:PORT", s);
			return -1;
		}
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		port = close + 2;
	} else {
		if ((size_t)(colon - s) >= sizeof(host)) {
			snprintf(err, errlen, "socket '%s': host too long", s);
			return -1;
		}
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	}
	if (parse_port(port, &out->port) < 0) {
		snprintf(err, errlen, "socket '%s': port must be 1 to 65535", s);
		return -1;
	}
	if (bracket) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&out->sa;
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			snprintf(err, errlen, "socket '%s': '%s' is not an IPv6 address", s, host);
			return -1;
		}
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)out->port);
		out->family = AF_INET6;
		out->salen = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&out->sa;
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
			snprintf(
			    err, errlen,
			    "socket '%s': '%s' is not an IPv4 address (write a numeric address, "
			    "[IPv6]:PORT for IPv6, or a unix socket path)",
			    s, host);
			return -1;
		}
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)out->port);
		out->family = AF_INET;
		out->salen = sizeof(*a4);
	}
	out->tcp = true;
	snprintf(out->host, sizeof(out->host), "%s", host);
	return 0;
}

int ip_allow_parse(const char *s, struct ip_allow *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *p = s;
	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		size_t n = strcspn(p, ", \t");
		char word[64];
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "web_servers: '%.*s' is not an IP address", (int)n,
			         p);
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (out->n == WEB_SERVERS_MAX) {
			snprintf(err, errlen, "web_servers: more than %d addresses",
			         WEB_SERVERS_MAX);
			return -1;
		}
		unsigned char buf[16];
		int family;
		if (inet_pton(AF_INET, word, buf) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, word, buf) == 1)
			family = AF_INET6;
		else {
			snprintf(err, errlen, "web_servers: '%s' is not an IP address", word);
			return -1;
		}
		/* ::ffff:a.b.c.d is the IPv4 address a.b.c.d. */
		if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED((struct in6_addr *)buf)) {
			memmove(buf, buf + 12, 4);
			family = AF_INET;
		}
		out->a[out->n].family = family;
		memcpy(out->a[out->n].addr, buf, family == AF_INET ? 4 : 16);
		out->n++;
	}
	return 0;
}

bool ip_allowed(const struct ip_allow *allow, const struct sockaddr *sa, socklen_t len)
{
	const unsigned char *addr;
	int family;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		addr = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
		family = AF_INET;
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		addr = (const unsigned char *)a6;
		family = AF_INET6;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			addr += 12;
			family = AF_INET;
		}
	} else
		return false;
	for (int i = 0; i < allow->n; i++)
		if (allow->a[i].family == family &&
		    memcmp(allow->a[i].addr, addr, family == AF_INET ? 4 : 16) == 0)
			return true;
	return false;
}

void ip_format(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *r = NULL;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
		r = inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
		              sizeof(buf));
	else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
		r = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		              sizeof(buf));
	snprintf(out, outlen, "%s", r != NULL ? r : "?");
}

int listen_tcp_open(const struct listen_addr *la, int backlog)
{
	int fd = socket(la->family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	/* A restarted pool binds again while the old connections sit in TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (la->family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(fd, (const struct sockaddr *)&la->sa, la->salen) != 0 ||
	    listen(fd, backlog) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
