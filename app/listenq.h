/* listenq.h — how many connections wait in a unix socket's accept queue, as the kernel's
 * sock_diag netlink interface tells it (what `ss -xl` shows as Recv-Q). */
#ifndef DITTO_LISTENQ_H
#define DITTO_LISTENQ_H

/*
 * Finds the listening unix socket bound at path (matched by the inode and
 * device of the path) and stores its accept queue's length in *queued and
 * its backlog in *backlog.  Returns 0, or -1 when the kernel will not say
 * (no netlink: a sandbox without AF_NETLINK, no unix_diag module) or no
 * socket listens there: the answer is then "unknown", never a guess.
 */
int listenq_unix(const char *path, long *queued, long *backlog);

struct listen_addr;

/* The same for a listening TCP socket bound at la's address and port (inet_diag). */
int listenq_tcp(const struct listen_addr *la, long *queued, long *backlog);

/* listenq_unix or listenq_tcp, as a pool's socket value names a path or a HOST:PORT. */
int listenq_socket(const char *socket, long *queued, long *backlog);

#endif
