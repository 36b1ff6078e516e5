/* config.c — reads the INI-style ditto configuration file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_nodes.h"
#include "log.h"

static const char *const pool_names[POOL__MAX] = {[POOL_WEB] = "web", [POOL_STAFF] = "staff"};

const char *pool_kind_name(enum pool_kind kind)
{
	return (unsigned)kind < POOL__MAX ? pool_names[kind] : "?";
}

static void pool_defaults(struct pool_config *p, enum pool_kind kind)
{
	const char *name = pool_kind_name(kind);
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->socket, sizeof(p->socket), "var/run/%s.sock", name);
	snprintf(p->socket_group, sizeof(p->socket_group), "www-data");
	snprintf(p->peer_user, sizeof(p->peer_user), "www-data");
	p->socket_mode = 0660;
	p->workers = 4;
	p->max_requests = 10000;
	p->request_timeout = 25;
	p->slow_request_ms = 1000;
	snprintf(p->db_user, sizeof(p->db_user), "ditto_%s", name);
	snprintf(p->db_role, sizeof(p->db_role), "ditto_%s_role", name);
	snprintf(p->db_password_file, sizeof(p->db_password_file), "var/secrets/ditto_%s", name);
}

static void defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->db_socket, sizeof(c->db_socket), "var/run/mysqld.sock");
	c->db_failback_seconds = 30;
	snprintf(c->db_name, sizeof(c->db_name), "ditto");
	snprintf(c->db_admin_user, sizeof(c->db_admin_user), "root");
	snprintf(c->db_cron_user, sizeof(c->db_cron_user), "ditto_cron");
	snprintf(c->db_cron_password_file, sizeof(c->db_cron_password_file),
	         "var/secrets/ditto_cron");
	snprintf(c->templates, sizeof(c->templates), "views");
	snprintf(c->mail_dir, sizeof(c->mail_dir), "var/mail");
	snprintf(c->mail_from, sizeof(c->mail_from), "idem ditto <noreply@idemditto.invalid>");
	c->mail_max_attempts = 10;
	c->mail_retry_seconds = 300;
	snprintf(c->log_level, sizeof(c->log_level), "info");
	c->max_body = 64 * 1024;
	c->max_upload = CONFIG_MAX_UPLOAD_DEFAULT;
	snprintf(c->image_dir, sizeof(c->image_dir), "var/images");
	c->argon2.m_kib = 19456;
	c->argon2.t = 2;
	c->argon2.p = 1;
	c->session_idle = 7200;
	c->session_max = 43200;
	c->staff_session_idle = 900;
	c->staff_session_max = 28800;
	c->lockout_failures = 10;
	c->lockout_minutes = 15;
	snprintf(c->processor, sizeof(c->processor), "sandbox");
	c->processor_timeout_ms = 3000;
	snprintf(c->sandbox_ledger, sizeof(c->sandbox_ledger), "var/sandbox-ledger");
	snprintf(c->base_url, sizeof(c->base_url), "http://127.0.0.1:8080");
	snprintf(c->secret_file, sizeof(c->secret_file), "var/secrets/ditto_key");
	snprintf(c->audit_key_file, sizeof(c->audit_key_file), "var/secrets/audit_key");
	c->retention_deactivated_days = 30;
	c->retention_unverified_days = 7;
	c->retention_mail_days = 90;
	c->retention_lockout_days = 30;
	c->retention_traffic_days = 30;
	snprintf(c->traffic_log, sizeof(c->traffic_log), "var/log/traffic.log");
	c->page_size = 24;
	c->contact_per_hour = 5;
	pool_defaults(&c->web, POOL_WEB);
	pool_defaults(&c->staff, POOL_STAFF);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set_str(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int set_long(long *dst, const char *v, long min, long max, int base)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, base);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*dst = n;
	return 0;
}

static int set_bool(bool *dst, const char *v)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0)
		*dst = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0)
		*dst = false;
	else
		return -1;
	return 0;
}

#define STR(field) set_str(field, sizeof(field), v)

static int set_pool(struct pool_config *p, const char *k, const char *v)
{
	long n;
	if (strcmp(k, "socket") == 0)
		return STR(p->socket);
	if (strcmp(k, "socket_group") == 0)
		return STR(p->socket_group);
	if (strcmp(k, "web_servers") == 0)
		return STR(p->web_servers);
	if (strcmp(k, "peer_user") == 0)
		return v[0] != '\0' ? STR(p->peer_user) : -1;
	if (strcmp(k, "db_user") == 0)
		return STR(p->db_user);
	if (strcmp(k, "db_role") == 0)
		return STR(p->db_role);
	if (strcmp(k, "db_password_file") == 0)
		return STR(p->db_password_file);
	if (strcmp(k, "pid_file") == 0)
		return STR(p->pid_file);
	if (strcmp(k, "socket_mode") == 0) {
		if (set_long(&n, v, 0, 0777, 8) < 0)
			return -1;
		p->socket_mode = (unsigned)n;
		return 0;
	}
	if (strcmp(k, "workers") == 0) {
		if (set_long(&n, v, 1, 256, 10) < 0)
			return -1;
		p->workers = (int)n;
		return 0;
	}
	if (strcmp(k, "max_requests") == 0)
		return set_long(&p->max_requests, v, 1, 1000000000L, 10);
	if (strcmp(k, "slow_request_ms") == 0)
		return set_long(&p->slow_request_ms, v, 1, 3600L * 1000, 10);
	if (strcmp(k, "request_timeout") == 0) {
		if (set_long(&n, v, 1, 3600, 10) < 0)
			return -1;
		p->request_timeout = (int)n;
		return 0;
	}
	return -2;
}

/* A retention_*_days key: 0 (erase at the next purge) to 100 years. Returns 0, -1 or -2. */
static int set_retention(struct config *c, const char *k, const char *v)
{
	int *dst = strcmp(k, "retention_deactivated_days") == 0  ? &c->retention_deactivated_days
	           : strcmp(k, "retention_unverified_days") == 0 ? &c->retention_unverified_days
	           : strcmp(k, "retention_mail_days") == 0       ? &c->retention_mail_days
	           : strcmp(k, "retention_lockout_days") == 0    ? &c->retention_lockout_days
	           : strcmp(k, "retention_traffic_days") == 0    ? &c->retention_traffic_days
	                                                         : NULL;
	long n;
	if (dst == NULL)
		return -2;
	if (set_long(&n, v, 0, 36500, 10) < 0)
		return -1;
	*dst = (int)n;
	return 0;
}

static int set_global(struct config *c, const char *k, const char *v)
{
	long n;
	if (strcmp(k, "db_socket") == 0)
		return STR(c->db_socket);
	if (strcmp(k, "db_hosts") == 0)
		return STR(c->db_hosts);
	if (strcmp(k, "db_tls_ca") == 0)
		return STR(c->db_tls_ca);
	if (strcmp(k, "db_tls_cert") == 0)
		return STR(c->db_tls_cert);
	if (strcmp(k, "db_tls_key") == 0)
		return STR(c->db_tls_key);
	if (strcmp(k, "db_failback_seconds") == 0) {
		if (set_long(&n, v, 1, 3600, 10) < 0)
			return -1;
		c->db_failback_seconds = (int)n;
		return 0;
	}
	if (strcmp(k, "db_name") == 0)
		return STR(c->db_name);
	if (strcmp(k, "db_admin_user") == 0)
		return STR(c->db_admin_user);
	if (strcmp(k, "db_cron_user") == 0)
		return STR(c->db_cron_user);
	if (strcmp(k, "db_cron_password_file") == 0)
		return STR(c->db_cron_password_file);
	if (strcmp(k, "templates") == 0)
		return STR(c->templates);
	if (strcmp(k, "schema_dir") == 0)
		return STR(c->schema_dir);
	if (strcmp(k, "mail_dir") == 0)
		return STR(c->mail_dir);
	if (strcmp(k, "traffic_log") == 0)
		return STR(c->traffic_log);
	if (strcmp(k, "asn_database") == 0)
		return STR(c->asn_database);
	if (strcmp(k, "mail_command") == 0)
		return STR(c->mail_command);
	if (strcmp(k, "mail_from") == 0)
		return strchr(v, '@') != NULL ? STR(c->mail_from) : -1;
	if (strcmp(k, "mail_max_attempts") == 0) {
		if (set_long(&n, v, 1, 1000, 10) < 0)
			return -1;
		c->mail_max_attempts = (int)n;
		return 0;
	}
	if (strcmp(k, "mail_retry_seconds") == 0) {
		if (set_long(&n, v, 1, 86400, 10) < 0)
			return -1;
		c->mail_retry_seconds = (int)n;
		return 0;
	}
	if (strcmp(k, "log_level") == 0)
		return STR(c->log_level);
	if (strcmp(k, "cookie_secure") == 0)
		return set_bool(&c->cookie_secure, v);
	if (strcmp(k, "base_url") == 0)
		return STR(c->base_url);
	if (strcmp(k, "secret_file") == 0)
		return STR(c->secret_file);
	if (strcmp(k, "contact_address") == 0)
		return STR(c->contact_address);
	if (strcmp(k, "contact_email") == 0)
		return STR(c->contact_email);
	if (strcmp(k, "contact_phone") == 0)
		return STR(c->contact_phone);
	if (strcmp(k, "invoice_payee") == 0)
		return STR(c->invoice_payee);
	if (strcmp(k, "invoice_bank") == 0)
		return STR(c->invoice_bank);
	if (strcmp(k, "contact_per_hour") == 0) {
		if (set_long(&n, v, 1, 1000, 10) < 0)
			return -1;
		c->contact_per_hour = (int)n;
		return 0;
	}
	if (strcmp(k, "audit_key_file") == 0)
		return STR(c->audit_key_file);
	if (strncmp(k, "retention_", 10) == 0)
		return set_retention(c, k, v);
	if (strcmp(k, "argon2_memory_kib") == 0 || strcmp(k, "argon2_iterations") == 0 ||
	    strcmp(k, "argon2_parallelism") == 0) {
		bool mem = k[7] == 'm', it = k[7] == 'i';
		if (set_long(&n, v, mem ? 1024 : 1, mem ? 4L * 1024 * 1024 : 64, 10) < 0)
			return -1;
		if (mem)
			c->argon2.m_kib = (uint32_t)n;
		else if (it)
			c->argon2.t = (uint32_t)n;
		else
			c->argon2.p = (uint32_t)n;
		return 0;
	}
	if (strcmp(k, "session_idle") == 0 || strcmp(k, "session_max") == 0) {
		if (set_long(&n, v, 60, 30L * 24 * 3600, 10) < 0)
			return -1;
		*(k[8] == 'i' ? &c->session_idle : &c->session_max) = (int)n;
		return 0;
	}
	if (strcmp(k, "staff_session_idle") == 0 || strcmp(k, "staff_session_max") == 0) {
		if (set_long(&n, v, 60, 24L * 3600, 10) < 0)
			return -1;
		*(k[14] == 'i' ? &c->staff_session_idle : &c->staff_session_max) = (int)n;
		return 0;
	}
	if (strcmp(k, "lockout_failures") == 0 || strcmp(k, "lockout_minutes") == 0) {
		if (set_long(&n, v, 1, 100000, 10) < 0)
			return -1;
		*(k[8] == 'f' ? &c->lockout_failures : &c->lockout_minutes) = (int)n;
		return 0;
	}
	if (strcmp(k, "processor") == 0)
		return STR(c->processor);
	if (strcmp(k, "sandbox_ledger") == 0)
		return STR(c->sandbox_ledger);
	if (strcmp(k, "processor_timeout_ms") == 0) {
		if (set_long(&n, v, 100, 20000, 10) < 0)
			return -1;
		c->processor_timeout_ms = (int)n;
		return 0;
	}
	if (strcmp(k, "production") == 0)
		return set_bool(&c->production, v);
	if (strcmp(k, "allow_sandbox") == 0)
		return set_bool(&c->allow_sandbox, v);
	if (strcmp(k, "test_routes") == 0)
		return set_bool(&c->test_routes, v);
	if (strcmp(k, "throttle_relaxed_addr") == 0)
		return STR(c->throttle_relaxed_addr);
	if (strcmp(k, "max_body") == 0) {
		if (set_long(&n, v, 1024, 16L * 1024 * 1024, 10) < 0)
			return -1;
		c->max_body = (size_t)n;
		return 0;
	}
	if (strcmp(k, "max_upload") == 0) {
		if (set_long(&n, v, 64 * 1024, 64L * 1024 * 1024, 10) < 0)
			return -1;
		c->max_upload = (size_t)n;
		return 0;
	}
	if (strcmp(k, "image_dir") == 0)
		return STR(c->image_dir);
	if (strcmp(k, "page_size") == 0) {
		if (set_long(&n, v, 1, 200, 10) < 0)
			return -1;
		c->page_size = (int)n;
		return 0;
	}
	return -2;
}

/* Parses a pool's socket and web_servers: a TCP pool must name the web servers it serves (a
 * FastCGI port is never open to anyone), a unix one must not (its peer check is peer_user). */
static int check_listen(struct pool_config *p, const char *path, char *err, size_t errlen)
{
	char why[CONFIG_STR + 128];
	if (listen_addr_parse(p->socket, &p->listen, why, sizeof(why)) < 0 ||
	    ip_allow_parse(p->web_servers, &p->allow, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: [pool.%s] %s", path, p->name, why);
		return -1;
	}
	if (p->listen.tcp && p->allow.n == 0) {
		snprintf(err, errlen,
		         "%s: [pool.%s] socket = %s listens on TCP: web_servers must list the "
		         "addresses of the web servers allowed to connect",
		         path, p->name, p->socket);
		return -1;
	}
	if (!p->listen.tcp && p->allow.n > 0) {
		snprintf(err, errlen,
		         "%s: [pool.%s] web_servers applies to a TCP socket (HOST:PORT) only; a "
		         "unix socket's peer is checked with peer_user",
		         path, p->name);
		return -1;
	}
	return 0;
}

static int check_db_hosts(const struct config *cfg, char *err, size_t errlen);

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	defaults(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	struct pool_config *pool = NULL;
	bool global = true;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || e[1] != '\0') {
				snprintf(err, errlen, "%s:%d: bad section header", path, lineno);
				rc = -1;
				break;
			}
			*e = '\0';
			global = strcmp(s + 1, "global") == 0;
			pool = NULL;
			if (strncmp(s + 1, "pool.", 5) == 0)
				pool = config_pool(cfg, s + 6);
			if (!global && pool == NULL) {
				snprintf(err, errlen, "%s:%d: unknown section [%s]", path, lineno,
				         s + 1);
				rc = -1;
				break;
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		int r = pool != NULL ? set_pool(pool, k, v) : set_global(cfg, k, v);
		if (r == -2) {
			snprintf(err, errlen, "%s:%d: unknown key '%s'", path, lineno, k);
			rc = -1;
			break;
		}
		if (r < 0) {
			snprintf(err, errlen, "%s:%d: bad value for '%s'", path, lineno, k);
			rc = -1;
			break;
		}
	}
	fclose(f);
	for (int k = 0; rc == 0 && k < POOL__MAX; k++)
		rc = check_listen(k == POOL_WEB ? &cfg->web : &cfg->staff, path, err, errlen);
	if (rc == 0 && log_level_parse(cfg->log_level) < 0) {
		snprintf(err, errlen, "%s: log_level must be error, warn, info or debug", path);
		rc = -1;
	}
	if (rc == 0)
		rc = check_db_hosts(cfg, err, errlen);
	return rc;
}

static bool loopback(const char *addr)
{
	return strcmp(addr, "localhost") == 0 || strcmp(addr, "::1") == 0 ||
	       strncmp(addr, "127.", 4) == 0;
}

/* db_hosts must parse, and a node reached over the network needs TLS. */
static int check_db_hosts(const struct config *cfg, char *err, size_t errlen)
{
	struct db_node nodes[DB_MAX_NODES];
	size_t n;
	char why[160];
	if (db_nodes_parse(config_db_hosts(cfg), nodes, DB_MAX_NODES, &n, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: db_hosts: %s", cfg->path, why);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].tcp && !loopback(nodes[i].addr) && cfg->db_tls_ca[0] == '\0') {
			snprintf(err, errlen,
			         "%s: db_hosts: node %zu (%s) is reached over the network: set "
			         "db_tls_ca (and db_tls_cert, db_tls_key) for TLS",
			         cfg->path, i + 1, nodes[i].addr);
			return -1;
		}
	}
	if ((cfg->db_tls_cert[0] == '\0') != (cfg->db_tls_key[0] == '\0')) {
		snprintf(err, errlen, "%s: db_tls_cert and db_tls_key go together", cfg->path);
		return -1;
	}
	return 0;
}

const char *config_db_hosts(const struct config *cfg)
{
	return cfg->db_hosts[0] != '\0' ? cfg->db_hosts : cfg->db_socket;
}

int config_check_payments(const struct config *cfg, char *err, size_t errlen)
{
	bool real_shop = cfg->production || cfg->cookie_secure;
	if (!real_shop || strcmp(cfg->processor, "sandbox") != 0 || cfg->allow_sandbox)
		return 0;
	snprintf(err, errlen,
	         "%s: processor = sandbox approves any card number and charges nobody; a "
	         "production shop (%s) refuses it unless allow_sandbox = true",
	         cfg->path, cfg->production ? "production = true" : "cookie_secure = true");
	return -1;
}

struct pool_config *config_pool(struct config *cfg, const char *name)
{
	if (strcmp(name, pool_names[POOL_WEB]) == 0)
		return &cfg->web;
	if (strcmp(name, pool_names[POOL_STAFF]) == 0)
		return &cfg->staff;
	return NULL;
}

#define CREDENTIAL_PREFIX "credential:"

/* "credential:NAME" -> $CREDENTIALS_DIRECTORY/NAME; a NAME with a slash, or no such
 * directory (started outside systemd), is no credential. Returns 0, or -1. */
static int credential_path(const char *name, char *out, size_t outlen)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir == NULL || dir[0] != '/' || name[0] == '\0' || name[0] == '.' ||
	    strchr(name, '/') != NULL)
		return -1;
	int n = snprintf(out, outlen, "%s/%s", dir, name);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

int config_read_secret(const char *path, char *out, size_t outlen)
{
	char cred[CONFIG_STR * 2];
	if (strncmp(path, CREDENTIAL_PREFIX, strlen(CREDENTIAL_PREFIX)) == 0) {
		if (credential_path(path + strlen(CREDENTIAL_PREFIX), cred, sizeof(cred)) < 0)
			return -1;
		path = cred;
	}
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char *r = fgets(out, (int)outlen, f);
	fclose(f);
	if (r == NULL)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] == '\0' ? -1 : 0;
}
