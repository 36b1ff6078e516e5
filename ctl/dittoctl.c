/* dittoctl.c — the operator CLI: migrations, policy versions (more commands come with their
 * issues). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <mysql.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/config.h"
#include "../app/db/db.h"

static struct config cfg;

static int fail(const char *fmt, const char *arg)
{
	fputs("dittoctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

/* Connects as the administrative account with multi-statements on (migrations only). */
static MYSQL *admin_connect(void)
{
	MYSQL *m = mysql_init(NULL);
	if (m == NULL)
		return NULL;
	my_bool off = 0;
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(m, NULL, cfg.db_admin_user, NULL, cfg.db_name, 0, cfg.db_socket,
	                       CLIENT_MULTI_STATEMENTS) == NULL) {
		fprintf(stderr, "dittoctl: cannot connect to %s as %s: %s\n", cfg.db_socket,
		        cfg.db_admin_user, mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

static int run_sql(MYSQL *m, const char *sql, size_t len, const char *what)
{
	if (mysql_real_query(m, sql, (unsigned long)len) != 0) {
		fprintf(stderr, "dittoctl: %s: %s\n", what, mysql_error(m));
		return -1;
	}
	/* Drain every result of a multi-statement batch; an error stops it. */
	int st;
	do {
		MYSQL_RES *r = mysql_store_result(m);
		if (r != NULL)
			mysql_free_result(r);
		st = mysql_next_result(m);
		if (st > 0) {
			fprintf(stderr, "dittoctl: %s: %s\n", what, mysql_error(m));
			return -1;
		}
	} while (st == 0);
	return 0;
}

static char *read_file(const char *path, size_t *len)
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
		return NULL;
	}
	if (b.data == NULL)
		buf_append(&b, "", 0);
	*len = b.len;
	return b.data;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool applied(MYSQL *m, const char *name)
{
	/* The name comes from our own schema directory and was checked to be [0-9a-z_.]. */
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT 1 FROM schema_migrations WHERE name = '%s'", name);
	if (mysql_real_query(m, sql, strlen(sql)) != 0)
		return false;
	MYSQL_RES *r = mysql_store_result(m);
	bool yes = r != NULL && mysql_num_rows(r) > 0;
	if (r != NULL)
		mysql_free_result(r);
	return yes;
}

static bool migration_name_ok(const char *n)
{
	size_t len = strlen(n);
	if (len < 8 || len > 100 || strcmp(n + len - 4, ".sql") != 0)
		return false;
	for (size_t i = 0; i < 3; i++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '_' ||
		      n[i] == '.'))
			return false;
	return true;
}

static int cmd_migrate(int argc, char **argv)
{
	const char *dir = "schema";
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: dittoctl migrate [SCHEMA_DIR]\n"
		     "Applies every numbered migration (NNN_name.sql) of SCHEMA_DIR (default "
		     "schema/)\n"
		     "not yet recorded in schema_migrations, in order. Safe to run twice at once.");
		return 0;
	}
	if (argc > 1)
		dir = argv[1];
	DIR *d = opendir(dir);
	if (d == NULL)
		return fail("cannot open schema directory %s", dir);
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 512)
		if (migration_name_ok(e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);

	MYSQL *m = admin_connect();
	int rc = 1;
	if (m == NULL)
		goto out;
	static const char lock[] = "SELECT GET_LOCK('ditto.migrate', 120)";
	if (run_sql(m, lock, sizeof(lock) - 1, "lock") < 0)
		goto out;
	static const char table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                            " name VARCHAR(100) NOT NULL PRIMARY KEY,"
	                            " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
	                            ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
	if (run_sql(m, table, sizeof(table) - 1, "schema_migrations") < 0)
		goto out;
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		if (applied(m, names[i]))
			continue;
		char path[1024];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		char *sql = read_file(path, &len);
		if (sql == NULL) {
			fail("cannot read %s", path);
			goto out;
		}
		/* DDL commits on its own in MariaDB: migrations are written to be
		 * re-runnable (IF NOT EXISTS), and recorded only after they succeed. */
		int r = run_sql(m, sql, len, names[i]);
		free(sql);
		if (r < 0)
			goto out;
		char rec[256];
		snprintf(rec, sizeof(rec), "INSERT INTO schema_migrations (name) VALUES ('%s')",
		         names[i]);
		if (run_sql(m, rec, strlen(rec), "record") < 0)
			goto out;
		printf("applied %s\n", names[i]);
		count++;
	}
	printf("%d migration%s applied, schema up to date\n", count, count == 1 ? "" : "s");
	rc = 0;
out:
	if (m != NULL)
		mysql_close(m);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

static struct db *admin_db(void)
{
	struct db_params p = {
	    .socket = cfg.db_socket,
	    .name = cfg.db_name,
	    .user = cfg.db_admin_user,
	    .password = "",
	};
	return db_new(&p);
}

struct publish {
	const char *title;
	const char *body;
	size_t body_len;
	char *purposes;
	long long version;
};

static int publish_tx(struct db *db, void *vctx)
{
	struct publish *p = vctx;
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	static const char next[] =
	    "SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions FOR UPDATE";
	if (db_query(db, a, next, NULL, 0, &r) < 0)
		goto out;
	p->version = db_cell_int(&r, 0, 0);
	static const char ins[] =
	    "INSERT INTO policy_versions (version, title, body) VALUES (?, ?, ?)";
	struct db_arg args[] = {DB_INT(p->version), DB_STR(p->title),
	                        DB_STRN(p->body, p->body_len)};
	if (db_exec(db, ins, args, 3, NULL, NULL) < 0)
		goto out;
	static const char purp[] = "INSERT INTO policy_purposes (version, purpose) VALUES (?, ?)";
	char *save = NULL;
	for (char *t = strtok_r(p->purposes, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		struct db_arg pa[] = {DB_INT(p->version), DB_STR(t)};
		if (db_exec(db, purp, pa, 2, NULL, NULL) < 0)
			goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

static bool purposes_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' || *s == ','))
			return false;
	return true;
}

static int cmd_policy(int argc, char **argv)
{
	static const char usage[] =
	    "usage: dittoctl policy publish --purposes LIST [--title TITLE] FILE\n"
	    "Publishes FILE (UTF-8 text) as the next policy version. LIST names the purposes\n"
	    "this version allows, comma-separated (e.g. account,orders,marketing,profiling).";
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		puts(usage);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "publish") != 0)
		return fail("unknown policy command '%s' (try: dittoctl policy --help)", argv[1]);
	struct publish p = {.title = "Privacy policy"};
	const char *file = NULL, *purposes = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			puts(usage);
			return 0;
		} else if (strcmp(argv[i], "--purposes") == 0 && i + 1 < argc)
			purposes = argv[++i];
		else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc)
			p.title = argv[++i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return fail("unexpected argument '%s'", argv[i]);
	}
	if (file == NULL || purposes == NULL)
		return fail("%s", "policy publish needs --purposes and a FILE");
	if (!purposes_ok(purposes))
		return fail("purposes must be lowercase words separated by commas: '%s'", purposes);
	char *body = read_file(file, &p.body_len);
	if (body == NULL)
		return fail("cannot read %s", file);
	p.body = body;
	p.purposes = strdup(purposes);
	struct db *db = admin_db();
	int rc = db != NULL && db_tx(db, publish_tx, &p) == 0 ? 0 : 1;
	if (rc == 0)
		printf("published policy version %lld\n", p.version);
	else
		fprintf(stderr, "dittoctl: publish failed: %s\n", db ? db_error(db) : "no memory");
	db_free(db);
	free(body);
	free(p.purposes);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: dittoctl [--config FILE] COMMAND [ARGS]\n"
	      "commands:\n"
	      "  migrate           apply pending schema migrations\n"
	      "  policy publish    publish a new privacy-policy version\n"
	      "Run 'dittoctl COMMAND --help' for a command's options.\n"
	      "Without --config, var/ditto.conf (made by scripts/run) is used.\n",
	      f);
}

int main(int argc, char **argv)
{
	const char *config_path = "var/ditto.conf";
	int i = 1;
	if (i < argc && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
		config_path = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return fail("%s", "libsodium failed to initialise");
	char err[512];
	if (config_load(&cfg, config_path, err, sizeof(err)) < 0)
		return fail("%s", err);
	const char *cmd = argv[i];
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(argc - i, argv + i);
	if (strcmp(cmd, "policy") == 0)
		return cmd_policy(argc - i, argv + i);
	return fail("unknown command '%s' (try: dittoctl --help)", cmd);
}
