/* peer.c — the FastCGI socket's peer check (SO_PEERCRED). */
#include "peer.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "config.h"

int peer_resolve(struct pool_config *pc, char *err, size_t errlen)
{
	if (pc->listen.tcp)
		return 0; /* peer_user is a unix socket's check; a TCP pool has web_servers */
	char *end;
	errno = 0;
	unsigned long n = strtoul(pc->peer_user, &end, 10);
	if (pc->peer_user[0] >= '0' && pc->peer_user[0] <= '9' && *end == '\0' && errno == 0 &&
	    n < (unsigned long)(uid_t)-1) {
		pc->peer_uid = (uid_t)n;
		return 0;
	}
	struct passwd *pw = getpwnam(pc->peer_user);
	if (pw == NULL) {
		snprintf(err, errlen, "[pool.%s] peer_user: no user '%s'", pc->name, pc->peer_user);
		return -1;
	}
	pc->peer_uid = pw->pw_uid;
	return 0;
}

bool peer_allowed(int fd, uid_t allowed, uid_t *got)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	*got = (uid_t)-1;
	/* A socket that cannot name its peer (not AF_UNIX, or already reset) is refused too. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred))
		return false;
	*got = cred.uid;
	return cred.uid == allowed;
}
