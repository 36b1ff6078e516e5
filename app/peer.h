/* peer.h — who may talk to a pool: the FastCGI socket's peer, checked with SO_PEERCRED. */
#ifndef DITTO_PEER_H
#define DITTO_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pool_config;

/*
 * Resolves the pool's peer_user (a user name or a numeric uid) into pc->peer_uid, so workers
 * compare numbers and never ask NSS per request. Returns 0, or -1 after writing why into err.
 */
int peer_resolve(struct pool_config *pc, char *err, size_t errlen);

/*
 * True when the process at the other end of the connected unix socket fd runs as uid
 * allowed. The socket's mode and group keep other users out already; this holds when a
 * member of that group, or a wrongly set mode, would let another local process in. *got is
 * the peer's uid (or (uid_t)-1 when the kernel could not tell), for the log.
 */
bool peer_allowed(int fd, uid_t allowed, uid_t *got);

#endif
