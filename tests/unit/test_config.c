/* test_config.c — the configuration reader fills defaults, reads sections and names bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "peer.h"

static char path[64];

static void write_conf(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/ditto-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_defaults_without_keys(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	write_conf("# nothing\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.web.workers, 4);
	assert_string_equal(c.web.db_user, "ditto_web");
	assert_string_equal(c.staff.db_user, "ditto_staff");
	assert_int_equal(c.web.socket_mode, 0660);
	unlink(path);
}

static void test_sections_set_their_pool(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	write_conf("db_socket = /x/y.sock\ncookie_secure = true\n[pool.web]\nworkers = 7\n"
	           "socket_mode = 0600\n[pool.staff]\nworkers = 2\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.db_socket, "/x/y.sock");
	assert_true(c.cookie_secure);
	assert_int_equal(c.web.workers, 7);
	assert_int_equal(c.web.socket_mode, 0600);
	assert_int_equal(c.staff.workers, 2);
	unlink(path);
}

static void test_db_hosts(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	/* Without db_hosts, the one node is db_socket. */
	write_conf("db_socket = /x/y.sock\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(config_db_hosts(&c), "/x/y.sock");
	assert_int_equal(c.db_failback_seconds, 30);
	unlink(path);
	write_conf("db_hosts = /x/a.sock, 127.0.0.1:3307\ndb_failback_seconds = 5\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(config_db_hosts(&c), "/x/a.sock, 127.0.0.1:3307");
	assert_int_equal(c.db_failback_seconds, 5);
	unlink(path);
	/* A bad list is named. */
	write_conf("db_hosts = /x/a.sock, db2\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "db_hosts: database node 2"));
	unlink(path);
	/* A node over the network needs TLS. */
	write_conf("db_hosts = 10.0.0.2:3306\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "db_tls_ca"));
	unlink(path);
	write_conf("db_hosts = 10.0.0.2:3306\ndb_tls_ca = /etc/ca.pem\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	write_conf("db_hosts = 10.0.0.2:3306\ndb_tls_ca = /etc/ca.pem\ndb_tls_cert = /c.pem\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "db_tls_key"));
	unlink(path);
}

static void test_unknown_key_names_the_line(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	write_conf("db_name = ditto\nbogus = 1\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: unknown key 'bogus'"));
	unlink(path);
}

static void test_out_of_range_value_rejected(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	write_conf("[pool.web]\nworkers = 0\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad value for 'workers'"));
	unlink(path);
}

static void test_unknown_section_rejected(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	write_conf("[pool.other]\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	unlink(path);
}

/* The sandbox approves any card: only a test shop, or a production one that says so, runs it. */
static void test_production_refuses_the_sandbox_unless_allowed(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int want;
	} cases[] = {
	    {"# a test shop\n", 0},
	    {"production = true\n", -1},
	    {"cookie_secure = true\n", -1},
	    {"production = true\nallow_sandbox = true\n", 0},
	    {"production = true\nprocessor = acme\n", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c;
		char err[512] = "";
		write_conf(cases[i].text);
		assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
		assert_int_equal(config_check_payments(&c, err, sizeof(err)), cases[i].want);
		if (cases[i].want < 0)
			assert_non_null(strstr(err, "allow_sandbox = true"));
	}
}

static void test_secret_first_line_only(void **state)
{
	(void)state;
	char out[64];
	write_conf("s3cret\nsecond\n");
	assert_int_equal(config_read_secret(path, out, sizeof(out)), 0);
	assert_string_equal(out, "s3cret");
	unlink(path);
	assert_int_equal(config_read_secret("/nonexistent/ditto", out, sizeof(out)), -1);
}

/* "credential:NAME" reads NAME in systemd's $CREDENTIALS_DIRECTORY, and nothing outside it. */
static void test_secret_from_credentials_directory(void **state)
{
	(void)state;
	char dir[] = "/tmp/ditto-cred-XXXXXX", file[96], out[64];
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/ditto_web", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("from-systemd\n", f);
	fclose(f);
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(config_read_secret("credential:ditto_web", out, sizeof(out)), -1);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	assert_int_equal(config_read_secret("credential:ditto_web", out, sizeof(out)), 0);
	assert_string_equal(out, "from-systemd");
	assert_int_equal(config_read_secret("credential:../ditto_web", out, sizeof(out)), -1);
	assert_int_equal(config_read_secret("credential:", out, sizeof(out)), -1);
	assert_int_equal(config_read_secret("credential:ditto_staff", out, sizeof(out)), -1);
	unsetenv("CREDENTIALS_DIRECTORY");
	unlink(file);
	rmdir(dir);
}

/* peer_user defaults to nginx's www-data, takes a name or a number, and never nothing. */
static void test_peer_user(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	write_conf("[pool.web]\npeer_user = 4242\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.staff.peer_user, "www-data");
	assert_int_equal(peer_resolve(&c.web, err, sizeof(err)), 0);
	assert_int_equal(c.web.peer_uid, 4242);
	unlink(path);
	write_conf("[pool.web]\npeer_user = no-such-user-here\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(peer_resolve(&c.web, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-user-here"));
	unlink(path);
	write_conf("[pool.web]\npeer_user =\n");
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	unlink(path);
}

/* The peer's uid comes from the kernel: our own uid is allowed only when it is the one set. */
static void test_peer_allowed_by_uid(void **state)
{
	(void)state;
	int sv[2];
	uid_t got;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_true(peer_allowed(sv[0], getuid(), &got));
	assert_int_equal(got, getuid());
	assert_false(peer_allowed(sv[0], getuid() + 1, &got));
	assert_int_equal(got, getuid());
	close(sv[0]);
	close(sv[1]);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_false(peer_allowed(fds[0], getuid(), &got)); /* no socket: no peer, refused */
	assert_int_equal(got, (uid_t)-1);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_without_keys),
	    cmocka_unit_test(test_sections_set_their_pool),
	    cmocka_unit_test(test_unknown_key_names_the_line),
	    cmocka_unit_test(test_out_of_range_value_rejected),
	    cmocka_unit_test(test_unknown_section_rejected),
	    cmocka_unit_test(test_secret_first_line_only),
	    cmocka_unit_test(test_secret_from_credentials_directory),
	    cmocka_unit_test(test_peer_user),
	    cmocka_unit_test(test_peer_allowed_by_uid),
	    cmocka_unit_test(test_production_refuses_the_sandbox_unless_allowed),
	    cmocka_unit_test(test_db_hosts),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
