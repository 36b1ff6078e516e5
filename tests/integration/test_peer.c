/* test_peer.c — each pool serves only its configured peer_user (nginx) on its FastCGI socket:
 * a local process of another user that reaches the socket (here one in the socket's group, so
 * the file mode lets it connect) gets no answer, and the pool logs the refused uid. Needs root,
 * to become other users in forked children; skipped otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* The socket group and the peer user of the local stack when it runs as root (scripts/lib.sh). */
#define SOCKET_GROUP "www-data"
#define PEER_USER    "www-data"

/* What a child saw on the socket. */
enum outcome { SERVED = 10, REFUSED = 11, NO_CONNECT = 12, SETUP_FAILED = 13 };

/* In the child, as uid with the socket's group: one request; exits with an outcome. */
static void child_request(const char *sock, uid_t uid, gid_t gid)
{
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		_exit(SETUP_FAILED);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof(sa.sun_path))
		_exit(SETUP_FAILED);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		_exit(NO_CONNECT);
	unsigned char req[512];
	size_t n = fcgi_healthz_request(req);
	if (write(fd, req, n) != (ssize_t)n)
		_exit(REFUSED); /* closed under us */
	alarm(10);              /* a pool that neither answers nor closes fails the test */
	char got[4096];
	size_t total = 0;
	ssize_t r;
	while (total < sizeof(got) - 1 && (r = read(fd, got + total, sizeof(got) - 1 - total)) > 0)
		total += (size_t)r;
	got[total] = '\0';
	/* Any STDOUT record (type 6) carrying a status line means the pool answered. */
	_exit(total > 8 && got[1] == 6 && memmem(got, total, "Status: ", 8) != NULL ? SERVED
	                                                                            : REFUSED);
}

/* Runs child_request as user (with the socket group) against pool's socket. */
static int request_as(const char *pool, const char *user)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr = getgrnam(SOCKET_GROUP);
	if (pw == NULL || gr == NULL)
		harness_die("no user %s or group %s", user, SOCKET_GROUP);
	char sock[512];
	snprintf(sock, sizeof(sock), "%s/run/%s.sock", env_state(), pool);
	uid_t uid = pw->pw_uid;
	gid_t gid = gr->gr_gid;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child_request(sock, uid, gid);
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return SETUP_FAILED;
	return WEXITSTATUS(st);
}

static long rows_in_log(const char *pool, const char *needle)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/log/%s.log", env_state(), pool);
	FILE *f = fopen(path, "r");
	long n = 0;
	char line[2048];
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* The control: nginx's user gets an answer from this client, so a refusal below is the
 * pool's doing and not a broken client. */
static void peer_user_is_served(const char *pool)
{
	assert_int_equal(request_as(pool, PEER_USER), SERVED);
}

/* nobody, put in the socket's group, connects but gets no answer; the uid is logged. */
static void other_user_is_refused(const char *pool)
{
	struct passwd *pw = getpwnam("nobody");
	assert_non_null(pw);
	char needle[96];
	snprintf(needle, sizeof(needle), "refused a connection from uid %u", (unsigned)pw->pw_uid);
	long before = rows_in_log(pool, needle);
	assert_int_equal(request_as(pool, "nobody"), REFUSED);
	assert_true(rows_in_log(pool, needle) > before);
	/* The pool itself goes on serving nginx. */
	struct http_resp r;
	http_get(strcmp(pool, "web") == 0 ? env_web() : env_staff(), "/healthz", &r);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);
}

/* The cluster's pools listen on TCP, where peer_user does not apply: test_tcp proves their wall. */
#define TCP_POOLS                                                                                  \
	"the cluster's pools listen on TCP (no unix socket, no peer_user); test_tcp proves the "   \
	"web_servers wall"

static void test_web_serves_nginx(void **s)
{
	(void)s;
	skip_on_cluster(TCP_POOLS);
	peer_user_is_served("web");
}

static void test_web_refuses_others(void **s)
{
	(void)s;
	skip_on_cluster(TCP_POOLS);
	other_user_is_refused("web");
}

static void test_staff_serves_nginx(void **s)
{
	(void)s;
	skip_on_cluster(TCP_POOLS);
	peer_user_is_served("staff");
}

static void test_staff_refuses_others(void **s)
{
	(void)s;
	skip_on_cluster(TCP_POOLS);
	other_user_is_refused("staff");
}

int main(void)
{
	harness_require_stack();
	if (geteuid() != 0) {
		fprintf(stderr, "test_peer: needs root to connect as other users; skipped\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_web_serves_nginx),
	    cmocka_unit_test(test_web_refuses_others),
	    cmocka_unit_test(test_staff_serves_nginx),
	    cmocka_unit_test(test_staff_refuses_others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
