/* config.h — the ditto configuration file: global settings and one section per pool. */
#ifndef DITTO_CONFIG_H
#define DITTO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "listen_addr.h"
#include "password.h"

#define CONFIG_STR 256

/* The two pools: the shop and the staff site. */
enum pool_kind { POOL_WEB, POOL_STAFF, POOL__MAX };

/* An image upload's body: the 20 MB the image may have, and room for the form around it.
 * nginx's limit on the upload route is the same (deploy/nginx*). */
#define CONFIG_MAX_UPLOAD_DEFAULT (21L * 1024 * 1024)

/* Settings of one FastCGI pool ([pool.web] or [pool.staff]). */
struct pool_config {
	enum pool_kind kind;
	char name[32];                /* "web" or "staff": pool_kind_name(kind) */
	char socket[CONFIG_STR];      /* unix socket path, or HOST:PORT / [IPv6]:PORT for TCP */
	struct listen_addr listen;    /* socket parsed (config_load) */
	char web_servers[CONFIG_STR]; /* TCP only: the addresses allowed to connect */
	struct ip_allow allow;        /* web_servers parsed (config_load) */
	char socket_group[64];        /* group allowed to connect (nginx's) */
	unsigned socket_mode;         /* octal, default 0660 */
	char peer_user[64];   /* unix socket only: the only user served (nginx's: www-data) */
	uid_t peer_uid;       /* peer_user resolved (peer_resolve), checked per connection */
	int workers;          /* preforked children */
	long max_requests;    /* recycle a worker after this many */
	int request_timeout;  /* seconds before a stuck worker is killed */
	long slow_request_ms; /* a request taking this long is logged and counted as slow */
	char db_user[64];     /* MariaDB account of this pool */
	char db_role[64]; /* its own MariaDB role, active between requests (ditto_<pool>_role) */
	char db_password_file[CONFIG_STR]; /* file holding its password */
	char pid_file[CONFIG_STR];         /* master pid, optional */
};

/* Everything read from the configuration file. */
struct config {
	char path[CONFIG_STR];      /* where it was read from */
	char db_socket[CONFIG_STR]; /* MariaDB unix socket: the one node when db_hosts is "" */
	char db_hosts[1024];        /* nodes in order of preference: socket, host:port, [v6]:port */
	char db_tls_ca[CONFIG_STR]; /* TCP nodes: CA of the servers' certs (verified) */
	char db_tls_cert[CONFIG_STR]; /* TCP nodes: our client certificate and its key */
	char db_tls_key[CONFIG_STR];
	int db_failback_seconds; /* a failed node is passed over this long (30) */
	char db_name[64];
	char db_admin_user[64]; /* migrations (unix_socket auth) */
	char db_cron_user[64];
	char db_cron_password_file[CONFIG_STR];
	char templates[CONFIG_STR];  /* views directory */
	char schema_dir[CONFIG_STR]; /* dittoctl migrate's migrations; "": schema/, or
	                                /usr/share/ditto/schema with production = true */
	char mail_dir[CONFIG_STR];   /* outbox delivery directory (when no mail_command) */
	char
	    mail_command[CONFIG_STR]; /* sendmail-compatible argv, split on spaces; "" = mail_dir */
	char mail_from[CONFIG_STR];   /* the From header of every message */
	int mail_max_attempts;        /* failed deliveries before a message is given up (10) */
	int mail_retry_seconds;       /* wait after the first failure, doubled after each (300) */
	char log_level[16];
	bool cookie_secure;         /* behind HTTPS: Secure + __Host- cookies */
	size_t max_body;            /* bytes of request body accepted */
	size_t max_upload;          /* bytes of a multipart body, on ROUTE_UPLOAD routes only */
	char image_dir[CONFIG_STR]; /* product images, re-encoded (<hash>-<width>.webp) */
	int page_size;              /* catalogue page size */
	struct password_params
	    argon2;             /* argon2_memory_kib, argon2_iterations, argon2_parallelism */
	int session_idle;       /* seconds without a request before a session ends (default 7200) */
	int session_max;        /* seconds a session lives at most (default 43200) */
	int staff_session_idle; /* the same for staff sessions (default 900: 15 minutes) */
	int staff_session_max;  /* (default 28800: 8 hours) */
	int lockout_failures;   /* failed logins that lock an account (default 10) */
	int lockout_minutes;    /* how long it stays locked (default 15) */
	char base_url[CONFIG_STR];        /* public shop URL for links in mail */
	char contact_address[CONFIG_STR]; /* the shop's postal address, on /contact */
	char contact_email[CONFIG_STR];   /* the shop's address for mail, on /contact */
	char contact_phone[64];           /* the shop's phone number, on /contact */
	char invoice_payee[CONFIG_STR];   /* whom an invoice order's bank transfer goes to */
	char invoice_bank[CONFIG_STR];    /* the account it goes to (IBAN, BIC), one line */
	int contact_per_hour;         /* contact form messages one customer may send an hour (5) */
	char secret_file[CONFIG_STR]; /* 32-byte key (hex) for keyed hashes of client addresses */
	char audit_key_file[CONFIG_STR]; /* 32-byte key (hex): audit rows' customer pseudonyms */
	int retention_deactivated_days;  /* deactivated/denied accounts kept this long (30) */
	int retention_unverified_days;   /* registrations with an unconfirmed email (7) */
	int retention_mail_days;         /* bodies and recipients of delivered mail (90) */
	int retention_lockout_days;      /* lockout records after the lock ended (30) */
	int retention_traffic_days;      /* raw traffic state (open visits) kept this long (30) */
	char traffic_log[CONFIG_STR];    /* nginx's shop traffic log, read by traffic ingest */
	char asn_database[CONFIG_STR];   /* MaxMind-format ASN database for ISPs ("": none) */
	char processor[32];              /* card processor adapter ("sandbox") */
	int processor_timeout_ms;        /* bound on one processor call (default 3000) */
	char sandbox_ledger[CONFIG_STR]; /* the sandbox processor's books of captures and refunds */
	bool production;    /* a real shop: refuse what only a test shop may run (the sandbox) */
	bool allow_sandbox; /* production anyway runs the sandbox processor (a staging shop) */
	bool test_routes;   /* expose /_test/ routes: test stacks only, never production */
	char throttle_relaxed_addr[64]; /* with test_routes only: an address the throttles spare */
	struct pool_config web;
	struct pool_config staff;
};

/*
 * Reads path into cfg after filling defaults.  Relative paths in the file
 * are kept as written (they resolve against the working directory).
 * Returns 0, or -1 after writing "path:line: problem" into err.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/*
 * Refuses a configuration that would take real orders through the sandbox processor: with
 * production = true or cookie_secure = true (a shop behind HTTPS is a real one), processor =
 * sandbox needs allow_sandbox = true.  Returns 0, or -1 with one line in err.
 */
int config_check_payments(const struct config *cfg, char *err, size_t errlen);

/* The database nodes: db_hosts, or db_socket when db_hosts is not set. */
const char *config_db_hosts(const struct config *cfg);

/* Returns the pool named name ("web" or "staff"), or NULL. */
struct pool_config *config_pool(struct config *cfg, const char *name);
/* The pool's name as the configuration and the command line spell it ("web", "staff"). */
const char *pool_kind_name(enum pool_kind kind);

/*
 * Reads the first line of a secret file into out (without the newline). A path of the form
 * "credential:NAME" names the file NAME in $CREDENTIALS_DIRECTORY, where systemd's
 * LoadCredential= puts the secrets of one unit: each service then reads only its own.
 * Returns 0, or -1 if it cannot be read or is empty.
 */
int config_read_secret(const char *path, char *out, size_t outlen);

#endif
