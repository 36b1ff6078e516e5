/* listenq.c — a unix socket's accept queue through sock_diag (NETLINK_SOCK_DIAG).
 *
 * Linux has no getsockopt or ioctl for a listening unix socket's queue (SIOCINQ answers EINVAL)
 * and /proc/net/unix does not show it; the unix_diag dump does, for any user. */
#include "listenq.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "listen_addr.h"

#define TCP_LISTEN_STATE 10 /* the kernel's TCP_LISTEN, which unix sockets share */

struct target {
	ino_t ino;
	dev_t dev;
	const struct listen_addr *tcp; /* a TCP socket's address, instead of ino and dev */
	long *queued;
	long *backlog;
	bool found;
};

static int send_request(int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {0};
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = 1u << TCP_LISTEN_STATE;
	msg.req.udiag_show = UDIAG_SHOW_VFS | UDIAG_SHOW_RQLEN;
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
	return sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl)) ==
	               (ssize_t)sizeof(msg)
	           ? 0
	           : -1;
}

/* The inet_diag dump of listening TCP sockets of la's family and port. */
static int send_inet_request(int fd, const struct listen_addr *la)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {0};
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = (__u8)la->family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = 1u << TCP_LISTEN_STATE;
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
	return sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl)) ==
	               (ssize_t)sizeof(msg)
	           ? 0
	           : -1;
}

/* One TCP socket of the dump: for a listening socket, idiag_rqueue is its accept queue and
 * idiag_wqueue its backlog (what `ss -tl` shows as Recv-Q and Send-Q). */
static void check_inet_socket(struct target *t, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	const struct listen_addr *la = t->tcp;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_family != la->family ||
	    ntohs(m->id.idiag_sport) != la->port)
		return;
	const void *want = la->family == AF_INET
	                       ? (const void *)&((const struct sockaddr_in *)&la->sa)->sin_addr
	                       : (const void *)&((const struct sockaddr_in6 *)&la->sa)->sin6_addr;
	if (memcmp(m->id.idiag_src, want, la->family == AF_INET ? 4 : 16) != 0)
		return;
	*t->queued = m->idiag_rqueue;
	*t->backlog = m->idiag_wqueue;
	t->found = true;
}

/* Looks at one socket of the dump; records the queue when it is the target's. */
static void check_socket(struct target *t, const struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct unix_diag_vfs *vfs = NULL;
	const struct unix_diag_rqlen *rq = NULL;
	for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof(*vfs))
			vfs = RTA_DATA(a);
		else if (a->rta_type == UNIX_DIAG_RQLEN && RTA_PAYLOAD(a) >= sizeof(*rq))
			rq = RTA_DATA(a);
	}
	if (vfs == NULL || rq == NULL || vfs->udiag_vfs_ino != t->ino)
		return;
	/* The kernel's own dev_t layout (major << 20 | minor), not stat's. */
	if (vfs->udiag_vfs_dev >> 20 != major(t->dev) ||
	    (vfs->udiag_vfs_dev & 0xfffff) != minor(t->dev))
		return;
	*t->queued = rq->udiag_rqueue;
	*t->backlog = rq->udiag_wqueue;
	t->found = true;
}

/* Reads the dump to its end. Returns 0, or -1 on an error from the socket or the kernel. */
static int read_dump(int fd, struct target *t)
{
	static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		/* NLMSG_OK and NLMSG_NEXT by hand, in size_t: the macros compare the header's
		 * unsigned length with a signed one (a warning under clang), and NLMSG_NEXT's
		 * subtraction would wrap on a last message shorter than its alignment. */
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     left >= sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= left;) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
				if (t->tcp != NULL)
					check_inet_socket(t, h);
				else
					check_socket(t, h);
			}
			size_t step = NLMSG_ALIGN(h->nlmsg_len);
			if (step >= left)
				break;
			left -= step;
			h = (struct nlmsghdr *)((char *)h + step);
		}
	}
}

int listenq_unix(const char *path, long *queued, long *backlog)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return -1;
	struct target t = {
	    .ino = st.st_ino, .dev = st.st_dev, .queued = queued, .backlog = backlog};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	int rc = send_request(fd) == 0 && read_dump(fd, &t) == 0 && t.found ? 0 : -1;
	close(fd);
	return rc;
}

int listenq_tcp(const struct listen_addr *la, long *queued, long *backlog)
{
	if (!la->tcp)
		return -1;
	struct target t = {.tcp = la, .queued = queued, .backlog = backlog};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	int rc = send_inet_request(fd, la) == 0 && read_dump(fd, &t) == 0 && t.found ? 0 : -1;
	close(fd);
	return rc;
}

int listenq_socket(const char *socket, long *queued, long *backlog)
{
	struct listen_addr la;
	char err[256];
	if (listen_addr_parse(socket, &la, err, sizeof(err)) < 0)
		return -1;
	return la.tcp ? listenq_tcp(&la, queued, backlog) : listenq_unix(socket, queued, backlog);
}
