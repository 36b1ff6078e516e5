/* ctl.c — dittoctl's shared helpers: configuration, connections, one-line errors, user locks. */
#include "ctl.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/db.h"

struct config cfg;

static const char *config_path = "var/ditto.conf";
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

/* Connects db now, so that a wrong password or a stopped server is reported as such. */
static struct db *connected(struct db *db, const char *user)
{
	if (db == NULL) {
		fail("out of memory");
		return NULL;
	}
	if (db_ping(db) < 0) {
		fail("cannot connect to the database at %s as %s: %s", cfg.db_socket, user,
		     db_error(db));
		db_free(db);
		return NULL;
	}
	return db;
}

struct db *ctl_admin_db(void)
{
	struct db_params p = {
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
	if (config_read_secret(cfg.db_cron_password_file, password, sizeof(password)) < 0) {
		fail("cannot read the password of %s from %s", cfg.db_cron_user,
		     cfg.db_cron_password_file);
		return NULL;
	}
	/* No SET ROLE: the account's default role (ditto_cron_role) applies. */
	struct db_params p = {
	    .socket = cfg.db_socket,
	    .name = cfg.db_name,
	    .user = cfg.db_cron_user,
	    .password = password,
	};
	struct db *db = db_new(&p);
	sodium_memzero(password, sizeof(password));
	return connected(db, cfg.db_cron_user);
}

static const char SQL_GET_LOCK[] = "SELECT GET_LOCK(?, ?)";
static const char SQL_LOCK_HELD[] = "SELECT IS_USED_LOCK(?) = CONNECTION_ID()";
static const char SQL_RELEASE_LOCK[] = "SELECT RELEASE_LOCK(?)";

/* Runs a one-cell lock query; returns the cell as 1/0, or -1 (NULL counts as 0 for held). */
static int lock_query(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
                      int if_null)
{
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	if (db_query(db, a, sql, args, nargs, &r) == 0 && r.nrows == 1 && r.ncols == 1) {
		const char *v = db_cell(&r, 0, 0);
		rc = v == NULL ? if_null : (strcmp(v, "1") == 0 ? 1 : 0);
	}
	arena_free(a);
	return rc;
}

int ctl_lock(struct db *db, const char *name, int timeout)
{
	struct db_arg args[] = {DB_STR(name), DB_INT(timeout)};
	/* GET_LOCK answers NULL only on an error such as being killed. */
	return lock_query(db, SQL_GET_LOCK, args, 2, -1);
}

int ctl_lock_held(struct db *db, const char *name)
{
	struct db_arg args[] = {DB_STR(name)};
	return lock_query(db, SQL_LOCK_HELD, args, 1, 0);
}

void ctl_unlock(struct db *db, const char *name)
{
	struct db_arg args[] = {DB_STR(name)};
	(void)lock_query(db, SQL_RELEASE_LOCK, args, 1, 0);
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
