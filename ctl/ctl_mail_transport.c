/* ctl_mail_transport.c — hands a formatted message to mail_command (sendmail-compatible) or to a
 * file in mail_dir. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_mail.h"

int mail_command_split(const char *command, char *buf, size_t cap,
                       char *argv[MAIL_COMMAND_ARGS + 1])
{
	if (snprintf(buf, cap, "%s", command) >= (int)cap)
		return -1;
	int n = 0;
	for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w != NULL;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == MAIL_COMMAND_ARGS)
			return -1;
		argv[n++] = w;
	}
	argv[n] = NULL;
	/* A bare name would be looked up in PATH, which cron sets differently: say where. */
	return n > 0 && argv[0][0] == '/' ? n : -1;
}

/* Milliseconds since an arbitrary start, for deadlines. */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: stdin from the pipe, nothing else open, then the command. Never returns. */
static void run_child(char *const argv[], int in)
{
	int null = open("/dev/null", O_RDWR);
	if (dup2(in, 0) < 0 || null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	/* The database connection and the mail directory are not the command's business. */
	closefrom(3);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	_exit(127);
}

/* Writes msg to fd (non-blocking) until done or deadline. Returns 0, or -1 with errno set
 * (ETIMEDOUT when the deadline passed). */
static int write_until(int fd, const char *msg, size_t len, long long deadline)
{
	size_t off = 0;
	while (off < len) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -1;
		ssize_t w = write(fd, msg + off, len - off);
		if (w > 0)
			off += (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
	}
	return 0;
}

/* Waits for pid until deadline, then kills it. Returns its wait status, or -1 when it had to
 * be killed. */
static int wait_until(pid_t pid, long long deadline)
{
	int status;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline)
			break;
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return -1;
}

enum mail_result mail_command_deliver(char *const argv[], const char *msg, size_t len, char *why,
                                      size_t whylen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "cannot make a pipe: %s", strerror(errno));
		return MAIL_FAILED;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "cannot start mail_command: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return MAIL_FAILED;
	}
	if (pid == 0)
		run_child(argv, fds[0]);
	close(fds[0]);
	long long deadline = now_ms() + MAIL_COMMAND_TIMEOUT * 1000LL;
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	/* SIGPIPE is ignored (mail send): a command that stops reading gives EPIPE here. */
	int werr = write_until(fds[1], msg, len, deadline) < 0 ? errno : 0;
	close(fds[1]);
	int status = wait_until(pid, deadline);
	if (status == -1) {
		snprintf(why, whylen, "mail_command took longer than %d s and was killed",
		         MAIL_COMMAND_TIMEOUT);
		return MAIL_FAILED;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, whylen, "mail_command was killed by signal %d", WTERMSIG(status));
		return MAIL_FAILED;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(why, whylen, "mail_command exited with status %d%s", WEXITSTATUS(status),
		         WEXITSTATUS(status) == 127 ? " (cannot run it?)" : "");
		return MAIL_FAILED;
	}
	if (werr != 0) {
		/* It said yes without reading all of the message: not a delivery to trust. */
		snprintf(why, whylen, "mail_command did not read the whole message: %s",
		         strerror(werr));
		return MAIL_FAILED;
	}
	return MAIL_SENT;
}

enum mail_result mail_file_deliver(int dirfd, long long id, const char *msg, size_t len, char *why,
                                   size_t whylen)
{
	char name[64], tmp[72];
	snprintf(name, sizeof(name), "%lld.eml", id);
	snprintf(tmp, sizeof(tmp), "%lld.eml.tmp", id);
	/* A leftover temporary of a sender that died mid-write is replaced: only the holder of
	 * the message's claim writes its files. */
	if (ctl_replace_file(dirfd, name, tmp, msg, len) == 0)
		return MAIL_SENT;
	snprintf(why, whylen, "cannot write %s: %s", name, strerror(errno));
	return MAIL_FAILED;
}
