/* ref_hello.c — bench reference: the smallest fair preforked libfcgi program (a fixed page).
 *
 * Usage: ref_hello SOCKET WORKERS
 *
 * The same skeleton as ditto's pool, minus everything a shop needs: the master opens SOCKET once
 * with FCGX_OpenSocket, forks WORKERS children that all loop on FCGX_Accept_r on it, then waits.
 * SIGTERM or SIGINT stops everyone; a child dying stops everyone too (no respawn to hide behind).
 */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64

static const char BODY[] = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                           "<title>hello</title></head>\n<body><p>Hello from libfcgi.</p></body>\n"
                           "</html>\n";

/* One worker's life: accept, answer the fixed page, repeat. Returns only on failure. */
static int serve(int listen_fd)
{
	char page[512];
	int len = snprintf(page, sizeof(page),
	                   "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	                   "Cache-Control: no-cache\r\nContent-Length: %zu\r\n\r\n%s",
	                   sizeof(BODY) - 1, BODY);
	if (len < 0 || (size_t)len >= sizeof(page))
		return 1;
	if (FCGX_Init() != 0)
		return 1;
	/* FCGX_Init may have claimed SIGTERM: the master's SIGTERM must simply end us. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	FCGX_Request req;
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		/* A vanished client makes this fail: nothing to do, next request. */
		(void)FCGX_PutStr(page, len, req.out);
		FCGX_Finish_r(&req);
	}
	fprintf(stderr, "ref_hello: accept failed: %s\n", strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ref_hello SOCKET WORKERS\n");
		return 2;
	}
	const char *path = argv[1];
	int nworkers = atoi(argv[2]);
	if (nworkers < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "ref_hello: WORKERS must be 1..%d\n", MAX_WORKERS);
		return 2;
	}

	/* Blocked before the first fork, so no stop request can slip between fork and sigwait. */
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stop, &old);

	unlink(path);
	int fd = FCGX_OpenSocket(path, 256);
	if (fd < 0) {
		fprintf(stderr, "ref_hello: cannot listen on %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Bench only: nginx's workers run as another user; the socket lives in a private dir. */
	if (chmod(path, 0666) != 0) {
		fprintf(stderr, "ref_hello: chmod %s: %s\n", path, strerror(errno));
		return 1;
	}

	pid_t kids[MAX_WORKERS];
	int nkids = 0;
	int status = 0;
	for (; nkids < nworkers; nkids++) {
		pid_t pid = fork();
		if (pid == 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
			_exit(serve(fd));
		}
		if (pid < 0) {
			fprintf(stderr, "ref_hello: fork: %s\n", strerror(errno));
			status = 1;
			break;
		}
		kids[nkids] = pid;
	}

	int sig = SIGTERM;
	if (status == 0 && sigwait(&stop, &sig) != 0)
		status = 1;
	if (sig == SIGCHLD) {
		fprintf(stderr, "ref_hello: a worker died, stopping\n");
		status = 1;
	}
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(path);
	return status;
}
