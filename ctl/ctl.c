/* ctl.c — dittoctl's shared helpers: configuration, connections, one-line errors, user locks
 * and durable files. */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <signal.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/lease.h"
#include "../app/template.h"

struct config cfg;

/* Without --config: the installed configuration when the host has one (a production host never
 * reads a configuration from whatever directory dittoctl runs in), else the checkout's local
 * instance (var/ditto.conf, made by scripts/run). */
#define INSTALLED_CONFIG "/etc/ditto/ditto.conf"
static const char *config_path;
static int config_state; /* 0 not read, 1 read, -1 failed */

void ctl_set_config_path(const char *path)
{
	config_path = path;
}

int ctl_config(void)
{
	if (config_state != 0)
		return config_state > 0 ? 0 : -1;
	char err[512];
	if (config_path == NULL)
		config_path =
		    access(INSTALLED_CONFIG, F_OK) == 0 ? INSTALLED_CONFIG : "var/ditto.conf";
	if (config_load(&cfg, config_path, err, sizeof(err)) < 0) {
		fail("%s", err);
		config_state = -1;
		return -1;
	}
	config_state = 1;
	return 0;
}

static void vreport(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		snprintf(line, sizeof(line), "error (message could not be formatted)");
	/* One line, whatever the database or the user put into the arguments. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	fflush(stdout);
	fprintf(stderr, "dittoctl: %s\n", line);
}

int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return CTL_ERR;
}

int usage_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return CTL_USAGE;
}

bool ctl_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int ctl_one_operand(int argc, char **argv, const char *command, const char *usage,
                    const char **operand)
{
	*operand = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(usage);
			return CTL_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (*operand == NULL && argv[i][0] != '-' && argv[i][0] != '\0')
			*operand = argv[i];
		else
			return usage_fail("unexpected argument '%s' (try: dittoctl %s --help)",
			                  argv[i], command);
	}
	return -1;
}

int ctl_one_subcommand(int argc, char **argv, const char *group, const char *sub, const char *usage,
                       int (*fn)(int argc, char **argv))
{
	if (argc < 2)
		return usage_fail("%s needs a sub-command: %s (try: dittoctl %s --help)", group,
		                  sub, group);
	if (ctl_is_help(argv[1])) {
		puts(usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], sub) == 0)
		return fn(argc - 1, argv + 1);
	return usage_fail("unknown %s command '%s' (try: dittoctl %s --help)", group, argv[1],
	                  group);
}

/* Connects db now, so that a wrong password or a stopped server is reported as such. */
static struct db *connected(struct db *db, const char *user)
{
	if (db == NULL) {
		fail("out of memory");
		return NULL;
	}
	if (db_ping(db) < 0) {
		fail("cannot connect to the database at %s as %s: %s", config_db_hosts(&cfg), user,
		     db_error(db));
		db_free(db);
		return NULL;
	}
	return db;
}

struct db *ctl_admin_db(void)
{
	if (ctl_config() < 0)
		return NULL;
	struct db_params p = {
	    /* unix_socket authentication: the local node's socket, never db_hosts. */
	    .socket = cfg.db_socket,
	    .name = cfg.db_name,
	    .user = cfg.db_admin_user,
	    .password = "",
	};
	return connected(db_new(&p), cfg.db_admin_user);
}

struct db *ctl_cron_db(void)
{
	char password[256];
	if (ctl_config() < 0)
		return NULL;
	if (config_read_secret(cfg.db_cron_password_file, password, sizeof(password)) < 0) {
		fail("cannot read the password of %s from %s", cfg.db_cron_user,
		     cfg.db_cron_password_file);
		return NULL;
	}
	/* No SET ROLE: the account's default role (ditto_cron_role) applies. */
	struct db_params p = {
	    .hosts = config_db_hosts(&cfg),
	    .tls_ca = cfg.db_tls_ca,
	    .tls_cert = cfg.db_tls_cert,
	    .tls_key = cfg.db_tls_key,
	    .failback_seconds = cfg.db_failback_seconds,
	    .name = cfg.db_name,
	    .user = cfg.db_cron_user,
	    .password = password,
	};
	struct db *db = db_new(&p);
	sodium_memzero(password, sizeof(password));
	return connected(db, cfg.db_cron_user);
}

void ctl_lease_holder(char *out, size_t outlen)
{
	char host[64] = "?";
	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, outlen, "%s pid %ld %08x", host, (long)getpid(), randombytes_random());
}

bool ctl_lease_holder_gone(const char *holder, void *ctx)
{
	(void)ctx;
	char host[64] = "", theirs[64] = "";
	long pid = 0;
	if (gethostname(host, sizeof(host)) < 0)
		return false;
	host[sizeof(host) - 1] = '\0';
	if (sscanf(holder, "%63s pid %ld", theirs, &pid) != 2 || pid <= 0 ||
	    strcmp(theirs, host) != 0)
		return false;
	if (kill((pid_t)pid, 0) < 0)
		return errno == ESRCH;
	/* A killed run not yet reaped by its parent is a zombie: it holds nothing any more. */
	char path[64], stat[256] = "";
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	bool zombie = fgets(stat, sizeof(stat), f) != NULL && strstr(stat, ") Z ") != NULL;
	fclose(f);
	return zombie;
}

int ctl_lease_or_yield(struct db *db, struct ctl_lease *l, const char *name, int seconds, int wait,
                       const char *busy)
{
	struct arena *a = arena_new();
	const char *other = NULL;
	int got = -1;
	if (a == NULL)
		return fail("out of memory"), -1;
	snprintf(l->name, sizeof(l->name), "%s", name);
	ctl_lease_holder(l->holder, sizeof(l->holder));
	l->seconds = seconds;
	time_t until = time(NULL) + wait;
	for (;;) {
		got = db_lease_take(db, a, l->name, l->holder, seconds, ctl_lease_holder_gone, NULL,
		                    &other);
		if (got != 0 || time(NULL) >= until)
			break;
		struct timespec pause = {0, 200 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	if (got < 0)
		fail("cannot take the %s lease: %s", name, db_error(db));
	else if (got == 0 && busy != NULL)
		printf("%s (%s)\n", busy, other != NULL ? other : "");
	arena_free(a);
	return got;
}

int ctl_lease_held(struct db *db, const struct ctl_lease *l)
{
	return db_lease_renew(db, l->name, l->holder, l->seconds);
}

void ctl_lease_free(struct db *db, const struct ctl_lease *l)
{
	if (db_lease_release(db, l->name, l->holder) < 0)
		fprintf(stderr, "dittoctl: cannot free the %s lease (it expires in %d s): %s\n",
		        l->name, l->seconds, db_error(db));
}

const struct tmpl_set *ctl_views(void)
{
	static struct tmpl_set *views;
	if (views == NULL) {
		char err[512];
		views = tmpl_set_load(cfg.templates, err, sizeof(err));
		if (views == NULL)
			fail("cannot load the templates in %s: %s", cfg.templates, err);
	}
	return views;
}

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_free(&b);
		errno = EIO;
		return NULL;
	}
	if (b.data == NULL)
		buf_append(&b, "", 0);
	*len = b.len;
	return b.data;
}

const char *ctl_os_user(void)
{
	static char name[64];
	struct passwd *pw = getpwuid(geteuid());
	if (pw != NULL && pw->pw_name != NULL && strlen(pw->pw_name) < sizeof(name))
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	else
		snprintf(name, sizeof(name), "uid%u", (unsigned)geteuid());
	return name;
}

const char *ctl_changed_by(void)
{
	static char changed_by[80];
	snprintf(changed_by, sizeof(changed_by), "dittoctl:%s", ctl_os_user());
	return changed_by;
}

int ctl_admin_tx(int (*tx)(struct db *db, void *ctx), void *ctx, const char *refused,
                 const char *what)
{
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	int rc = CTL_OK;
	if (db_tx(db, tx, ctx) < 0) {
		if (refused[0] != '\0')
			fail("%s", refused);
		else
			fail("cannot %s: %s", what, db_error(db));
		rc = CTL_ERR;
	}
	db_free(db);
	return rc;
}

int ctl_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates path and its missing parents (mode 0750). Returns 0, or -1 with errno set. */
static int mkdir_p(const char *path)
{
	char p[CONFIG_STR];
	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (mkdir(p, 0750) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int ctl_open_dir(const char *path)
{
	if (mkdir_p(path) < 0)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int ctl_write_tmp(int dirfd, const char *tmp, const char *data, size_t len)
{
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -1;
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (ctl_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	if (close(fd) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

int ctl_replace_file(int dirfd, const char *name, const char *tmp, const char *data, size_t len)
{
	if (ctl_write_tmp(dirfd, tmp, data, len) < 0)
		return -1;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return fsync(dirfd);
}
