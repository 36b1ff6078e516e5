/* listen_addr.h — where a pool listens (a unix socket path or a TCP host:port) and which web
 * servers may connect to a TCP pool (web_servers). */
#ifndef DITTO_LISTEN_ADDR_H
#define DITTO_LISTEN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define WEB_SERVERS_MAX 32

/* A pool's `socket` as parsed: a unix path, or a numeric IPv4/IPv6 address and a port. */
struct listen_addr {
	bool tcp;
	int family;    /* AF_INET or AF_INET6 when tcp */
	char host[64]; /* the address as written, without brackets */
	unsigned port;
	struct sockaddr_storage sa; /* the address to bind, when tcp */
	socklen_t salen;
};

/* The addresses a TCP pool serves (web_servers): IPv4 ones are kept as IPv4, so a peer seen
 * as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches them too. */
struct ip_allow {
	int n;
	struct {
		int family;
		unsigned char addr[16];
	} a[WEB_SERVERS_MAX];
};

/*
 * Parses a pool's socket value by its form: "A.B.C.D:PORT" or "[IPv6]:PORT" is TCP, bound to
 * exactly that address (0.0.0.0 or [::] only when written so); anything else is a unix socket
 * path, unless it has no '/' and ends in ":digits" (a host name with a port: refused, since
 * the address bound must be the one written, not what a resolver says today). Returns 0, or
 * -1 after writing why into err.
 */
int listen_addr_parse(const char *s, struct listen_addr *out, char *err, size_t errlen);

/* Parses web_servers: numeric IPv4 or IPv6 addresses separated by commas and/or spaces (no
 * names, no networks). Returns 0, or -1 after writing why into err. */
int ip_allow_parse(const char *s, struct ip_allow *out, char *err, size_t errlen);

/* True when the peer address sa is one of the list's (an IPv4-mapped IPv6 peer compares as
 * IPv4). Any other family (a unix peer) is not allowed. */
bool ip_allowed(const struct ip_allow *allow, const struct sockaddr *sa, socklen_t len);

/* Writes sa's address (no port) into out, "?" when it has none. */
void ip_format(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);

/* Creates, binds and listens on a TCP listen_addr with SO_REUSEADDR (and IPV6_V6ONLY for an
 * IPv6 address). Returns the socket (close-on-exec off, blocking), or -1 with errno set. */
int listen_tcp_open(const struct listen_addr *la, int backlog);

#endif
