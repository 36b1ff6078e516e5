/* db_nodes.c — the database nodes of db_hosts: unix socket paths or host:port, in order of
 * preference. */
#include "db_nodes.h"

#include <stdio.h>
#include <string.h>

/* Reads a port (1..65535, digits only) from s[0..len). Returns 0 or -1. */
static int parse_port(const char *s, size_t len, unsigned *port)
{
	unsigned long v = 0;
	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static int copy_addr(struct db_node *node, const char *s, size_t len)
{
	if (len == 0 || len >= sizeof(node->addr))
		return -1;
	memcpy(node->addr, s, len);
	node->addr[len] = '\0';
	return 0;
}

/* Parses one entry s[0..len), already trimmed. Returns 0, or -1 with the reason in *why. */
static int parse_entry(const char *s, size_t len, struct db_node *node, const char **why)
{
	memset(node, 0, sizeof(*node));
	if (len == 0) {
		*why = "empty entry";
		return -1;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (close == NULL || close == s + 1 || (size_t)(close - s) + 1 >= len ||
		    close[1] != ':') {
			*why = "an IPv6 node is [address]:port";
			return -1;
		}
		size_t alen = (size_t)(close - s) - 1;
		if (memchr(s + 1, '[', alen) != NULL || copy_addr(node, s + 1, alen) < 0 ||
		    parse_port(close + 2, len - (size_t)(close - s) - 2, &node->port) < 0) {
			*why = "an IPv6 node is [address]:port, port 1-65535";
			return -1;
		}
		node->tcp = true;
		return 0;
	}
	if (memchr(s, '/', len) != NULL) {
		if (copy_addr(node, s, len) < 0) {
			*why = "socket path too long";
			return -1;
		}
		return 0;
	}
	const char *colon = memchr(s, ':', len);
	if (colon == NULL) {
		*why = "a host needs :port (a socket path contains a '/', e.g. ./mysqld.sock)";
		return -1;
	}
	size_t hlen = (size_t)(colon - s);
	if (memchr(colon + 1, ':', len - hlen - 1) != NULL) {
		*why = "an IPv6 address goes in brackets: [address]:port";
		return -1;
	}
	for (size_t i = 0; i < hlen; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_')) {
			*why = "bad host name";
			return -1;
		}
	}
	if (copy_addr(node, s, hlen) < 0) {
		*why = "empty or too long host";
		return -1;
	}
	if (parse_port(colon + 1, len - hlen - 1, &node->port) < 0) {
		*why = "port must be 1-65535";
		return -1;
	}
	node->tcp = true;
	return 0;
}

int db_nodes_parse(const char *list, struct db_node *nodes, size_t max, size_t *n, char *err,
                   size_t errlen)
{
	const char *p = list;
	*n = 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *s = p;
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		const char *why = NULL;
		if (*n >= max) {
			snprintf(err, errlen, "more than %zu database nodes", max);
			return -1;
		}
		if (parse_entry(s, len, &nodes[*n], &why) < 0) {
			snprintf(err, errlen, "database node %zu: %s", *n + 1, why);
			return -1;
		}
		(*n)++;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

void db_node_format(const struct db_node *node, char *out, size_t outlen)
{
	if (!node->tcp)
		snprintf(out, outlen, "%s", node->addr);
	else if (strchr(node->addr, ':') != NULL)
		snprintf(out, outlen, "[%s]:%u", node->addr, node->port);
	else
		snprintf(out, outlen, "%s:%u", node->addr, node->port);
}
