/* ctl_schema.c — `dittoctl migrate` (numbered schema migrations) and `dittoctl policy publish`. */
#include <dirent.h>
#include <errno.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/db/audit.h"
#include "../app/db/db.h"
#include "../app/policy_publish.h"
#include "../app/privacy/grants.h"
#include "ctl.h"

#define MIGRATE_WAIT          120 /* seconds a migrate waits for another */
#define MIGRATE_LEASE_SECONDS 900 /* a killed run elsewhere frees the lease after this */

/*
 * Connects as the administrative account with multi-statements on (migrations only: a
 * migration file is a batch of DDL, the one place dittoctl sends SQL that is not a prepared
 * statement).  Returns NULL after printing one error line.
 */
static MYSQL *admin_connect(void)
{
	MYSQL *m = mysql_init(NULL);
	if (m == NULL) {
		fail("out of memory");
		return NULL;
	}
	my_bool off = 0;
	/* A migration file must never make the client send one of its files (LOAD DATA LOCAL). */
	unsigned no_local_infile = 0;
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(m, NULL, cfg.db_admin_user, NULL, cfg.db_name, 0, cfg.db_socket,
	                       CLIENT_MULTI_STATEMENTS) == NULL) {
		fail("cannot connect to %s as %s: %s", cfg.db_socket, cfg.db_admin_user,
		     mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* Runs a batch and drains its results. Returns 0, or -1 after printing one error line. */
static int run_sql(MYSQL *m, const char *sql, size_t len, const char *what)
{
	if (mysql_real_query(m, sql, (unsigned long)len) != 0) {
		fail("%s: %s", what, mysql_error(m));
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
			fail("%s: %s", what, mysql_error(m));
			return -1;
		}
	} while (st == 0);
	return 0;
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

/* Whether MariaDB has the account user@localhost (user is a checked plain identifier): returns
 * 1 or 0, or -1 after printing one error line. */
static int account_exists(MYSQL *m, const char *user)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT 1 FROM mysql.global_priv WHERE User = '%s' AND Host = 'localhost'", user);
	if (mysql_real_query(m, sql, strlen(sql)) != 0) {
		fail("staff account: %s", mysql_error(m));
		return -1;
	}
	MYSQL_RES *r = mysql_store_result(m);
	int yes = r != NULL && mysql_num_rows(r) > 0;
	if (r != NULL)
		mysql_free_result(r);
	return yes;
}

/*
 * Applies the grants and views generated from the privacy table (app/privacy/grants.h), every
 * run: the database's second wall always matches the table the binary was built with.  The
 * staff pool's account is granted the staff roles once it exists (the deployment creates it
 * after the first migrate, then migrates again).  Returns 0, or -1 after printing one line.
 */
static int apply_privacy_grants(MYSQL *m)
{
	const char *user = cfg.staff.db_user;
	struct arena *a = arena_new();
	int rc = -1;
	size_t n;
	const char **sql = privacy_grants_sql(a, user, &n);
	if (sql == NULL) {
		fail("[pool.staff] db_user '%s' is not a plain MariaDB user name", user);
		goto out;
	}
	int exists = account_exists(m, user);
	if (exists < 0)
		goto out;
	if (!exists)
		sql = privacy_grants_sql(a, NULL, &n);
	/* The masking views hold backslash escapes: parse them the default way. */
	static const char mode[] =
	    "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')";
	if (run_sql(m, mode, sizeof(mode) - 1, "privacy grants") < 0)
		goto out;
	size_t views = 0;
	for (size_t i = 0; i < n; i++) {
		if (run_sql(m, sql[i], strlen(sql[i]), "privacy grants") < 0)
			goto out;
		views += strncmp(sql[i], "CREATE OR REPLACE", 17) == 0;
	}
	printf("privacy grants applied: %d staff roles, %zu views, %s\n", ROLE__MAX, views,
	       exists ? "roles granted to the staff account" : "no staff account yet");
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/*
 * Re-chains audit rows written before customer pseudonyms (db_audit_rechain): once, and a
 * no-op afterwards.  Without the key there is nothing it could do, so a missing key file is an
 * error only when rows are waiting.  Returns 0, or -1 after printing one line.
 */
static int audit_rechain(void)
{
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return -1;
	int rc = -1;
	/* A missing key matters only when rows wait (db_audit_rechain then fails). */
	(void)audit_key_load(cfg.audit_key_file);
	char by[AUDIT_USERNAME_MAX + 1];
	snprintf(by, sizeof(by), "dittoctl:%s", ctl_os_user());
	long long rows = 0;
	struct audit_check check;
	int found = db_audit_rechain(db, by, &rows, &check);
	if (found < 0)
		fail("cannot re-chain the audit log: %s%s", db_error(db),
		     db_errno(db) == 0 ? " (is audit_key_file readable?)" : "");
	else if (found > 0)
		fail("audit log broken at row %lld: %s; not re-chained", check.bad_id, check.why);
	else {
		if (rows > 0)
			printf("audit log re-chained: %lld rows under customer pseudonyms\n", rows);
		rc = 0;
	}
	audit_key_clear();
	db_free(db);
	return rc;
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

int cmd_migrate(int argc, char **argv)
{
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(
			    "usage: dittoctl migrate [SCHEMA_DIR]\n"
			    "Applies every numbered migration (NNN_name.sql) of SCHEMA_DIR "
			    "(default:\n"
			    "the configuration's schema_dir; without one, schema/ of this "
			    "checkout, or\n"
			    "/usr/share/ditto/schema with production = true)\n"
			    "not yet recorded in schema_migrations, in order, as db_admin_user,\n"
			    "then the staff roles' grants and views generated from the privacy "
			    "table\n"
			    "(and grants those roles to the staff pool's account once it exists).\n"
			    "Audit rows written before customer pseudonyms are re-chained once "
			    "with\n"
			    "audit_key_file (recorded in an audit_rechain row).\n"
			    "Safe to run twice at once, on one node or two: a run waits up to "
			    "120 s\n"
			    "for the lease 'migrate' (a job_leases row) of another.");
			return CTL_OK;
		}
	}
	if (argc > 2)
		return usage_fail("migrate takes at most one SCHEMA_DIR (try: dittoctl migrate "
		                  "--help)");
	if (argc > 1)
		dir = argv[1];
	if (ctl_config() < 0)
		return CTL_ERR;
	/* A production host never takes its migrations from whatever directory it runs in. */
	if (dir == NULL)
		dir = cfg.schema_dir[0] != '\0' ? cfg.schema_dir
		      : cfg.production          ? "/usr/share/ditto/schema"
		                                : "schema";
	DIR *d = opendir(dir);
	if (d == NULL)
		return fail("cannot open schema directory %s: %s", dir, strerror(errno));
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 512)
		if (migration_name_ok(e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);

	MYSQL *m = admin_connect();
	struct db *ldb = NULL;
	struct ctl_lease lease;
	int rc = CTL_ERR, leased = 0;
	if (m == NULL)
		goto out;
	/* One run at a time on the whole cluster: a lease row (GET_LOCK is per node).  Its table
	 * is the one 016_purge.sql creates, made here first on a new database. */
	static const char leases[] =
	    "CREATE TABLE IF NOT EXISTS job_leases ("
	    " name VARCHAR(40) NOT NULL,"
	    " holder VARCHAR(120) NOT NULL DEFAULT '',"
	    " expires_at DATETIME(6) NOT NULL DEFAULT '1970-01-01 00:00:00',"
	    " PRIMARY KEY (name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
	if (run_sql(m, leases, sizeof(leases) - 1, "job_leases") < 0)
		goto out;
	ldb = ctl_admin_db();
	if (ldb == NULL)
		goto out;
	leased = ctl_lease_or_yield(ldb, &lease, "migrate", MIGRATE_LEASE_SECONDS, MIGRATE_WAIT,
	                            "another migrate holds the lease");
	if (leased <= 0) {
		if (leased == 0)
			fail("another migrate still runs after %d s; nothing applied",
			     MIGRATE_WAIT);
		goto out;
	}
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
		char *sql = ctl_read_file(path, &len);
		if (sql == NULL) {
			fail("cannot read %s: %s", path, strerror(errno));
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
	if (audit_rechain() < 0)
		goto out;
	if (apply_privacy_grants(m) < 0)
		goto out;
	rc = CTL_OK;
out:
	if (leased > 0)
		ctl_lease_free(ldb, &lease);
	db_free(ldb);
	if (m != NULL)
		mysql_close(m);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

static const char policy_usage[] =
    "usage: dittoctl policy publish --purposes LIST [--title TITLE] FILE\n"
    "       dittoctl policy notify\n"
    "publish: publishes FILE (UTF-8 text) as the next policy version. LIST names the\n"
    "purposes this version allows, comma-separated (e.g. account,orders,marketing,profiling),\n"
    "each one word of a-z and _, none twice (the staff site's policy page: the same rule).\n"
    "Then queues the site notice (views/mail/policy_changed.txt) to every approved\n"
    "customer in the outbox, 500 a transaction. Connects as db_admin_user. Safe to run\n"
    "twice at once: each run gets its own version.\n"
    "notify: finishes the notice mailings a publication left unfinished (the staff site\n"
    "queues a bounded number in its request; a killed run leaves its cursor), from cron.\n"
    "Connects as db_cron_user; safe to run twice at once, on any database node.\n"
    "Prints \"queued N notice(s)\".";

/* Queues every unfinished notice mailing to the end. Returns 0, or -1 after one error line. */
static int notify(struct db *db)
{
	const struct tmpl_set *views = ctl_views();
	long long queued = 0;
	bool finished;
	if (views == NULL)
		return -1;
	if (policy_notify_run(db, views, cfg.base_url, -1, &queued, &finished) < 0) {
		fail("cannot queue the policy notices (%lld queued): %s", queued, db_error(db));
		return -1;
	}
	printf("queued %lld notice(s)\n", queued);
	return 0;
}

static int policy_publish_cmd(int argc, char **argv)
{
	struct policy_draft d = {.title = "Privacy policy"};
	const char *file = NULL, *purposes = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(policy_usage);
			return CTL_OK;
		} else if (strcmp(argv[i], "--purposes") == 0 && i + 1 < argc)
			purposes = argv[++i];
		else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc)
			d.title = argv[++i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return usage_fail("unexpected argument '%s' (try: dittoctl policy --help)",
			                  argv[i]);
	}
	if (file == NULL || purposes == NULL)
		return usage_fail(
		    "policy publish needs --purposes and a FILE (try: dittoctl policy "
		    "--help)");
	struct arena *a = arena_new();
	const char *why = policy_purposes_check(a, purposes, &d.purposes);
	if (why != NULL) {
		arena_free(a);
		return usage_fail("purposes '%s' refused: %s", purposes, why);
	}
	char *body = NULL;
	struct db *db = NULL;
	int rc = CTL_ERR;
	if (ctl_config() < 0)
		goto out;
	body = ctl_read_file(file, &d.body_len);
	if (body == NULL) {
		fail("cannot read %s: %s", file, strerror(errno));
		goto out;
	}
	d.body = body;
	db = ctl_admin_db();
	if (db == NULL)
		goto out;
	long long version;
	if (policy_publish(db, &d, -1, NULL, &version) != DB_CHANGED) {
		fail("publish failed: %s", db_error(db));
		goto out;
	}
	printf("published policy version %lld\n", version);
	if (notify(db) < 0)
		goto out;
	rc = CTL_OK;
out:
	db_free(db);
	free(body);
	arena_free(a);
	return rc;
}

static int policy_notify_cmd(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(policy_usage);
			return CTL_OK;
		}
		return usage_fail("unexpected argument '%s' (try: dittoctl policy --help)",
		                  argv[i]);
	}
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	int rc = notify(db) < 0 ? CTL_ERR : CTL_OK;
	db_free(db);
	return rc;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("policy needs a sub-command: publish or notify (try: dittoctl "
		                  "policy --help)");
	if (ctl_is_help(argv[1])) {
		puts(policy_usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], "publish") == 0)
		return policy_publish_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "notify") == 0)
		return policy_notify_cmd(argc - 1, argv + 1);
	return usage_fail("policy has no sub-command '%s' (try: dittoctl policy --help)", argv[1]);
}
