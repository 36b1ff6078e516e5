/* db_nodes.h — the database nodes of db_hosts: unix socket paths or host:port, in order of
 * preference. */
#ifndef DITTO_DB_NODES_H
#define DITTO_DB_NODES_H

#include <stdbool.h>
#include <stddef.h>

#define DB_MAX_NODES    8
#define DB_NODE_STR_MAX 256

/* One node: a unix socket (tcp false, addr the path) or a TCP address (addr the host name or
 * address, IPv6 without brackets, and port). */
struct db_node {
	bool tcp;
	char addr[DB_NODE_STR_MAX];
	unsigned port;
};

/*
 * Parses list, comma-separated entries each of which is
 *   - a unix socket path: it contains a '/' ("/run/mysqld/mysqld.sock", "./my.sock");
 *   - "host:port" (a name or an IPv4 address);
 *   - "[IPv6 address]:port".
 * Spaces around an entry are ignored; an empty entry, a host without a port, a bare IPv6
 * address or more than max entries are refused.  Fills nodes[0..*n).  Returns 0, or -1 with
 * one line in err.
 */
int db_nodes_parse(const char *list, struct db_node *nodes, size_t max, size_t *n, char *err,
                   size_t errlen);

/* Writes the node as db_hosts spells it ("path", "host:port", "[v6]:port") into out. */
void db_node_format(const struct db_node *node, char *out, size_t outlen);

#endif
