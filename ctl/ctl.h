/* ctl.h — what every dittoctl sub-command shares: configuration, connections, errors, locks. */
#ifndef DITTO_CTL_H
#define DITTO_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "../app/config.h"

struct db;
struct tmpl_set;

/* Exit statuses of every sub-command. */
#define CTL_OK    0 /* done (or nothing to do) */
#define CTL_ERR   1 /* failed: one line on stderr says why */
#define CTL_USAGE 2 /* bad arguments: one line on stderr says which */

/* The configuration, valid after ctl_config() returned 0. */
extern struct config cfg;

/* Remembers which configuration file ctl_config() reads (main's --config). */
void ctl_set_config_path(const char *path);

/*
 * Loads the configuration file once (later calls return the first result).
 * Sub-commands call it after parsing their arguments, so --help works
 * without a configuration.  Returns 0, or -1 after printing one error line.
 */
int ctl_config(void);

/*
 * Prints "dittoctl: <message>" on stderr as exactly one line (line breaks
 * and control characters in the arguments become spaces) and returns CTL_ERR.
 */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like fail() for bad arguments, but returns CTL_USAGE. */
int usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True for "--help" and "-h". */
bool ctl_is_help(const char *arg);

/*
 * Parses the arguments of a command that takes at most one operand and no
 * options (argv[0] is its name; command is its full name, such as
 * "shipments export", for the error line).  Stores the operand in *operand
 * (NULL when none) and returns -1 for the caller to go on; otherwise the
 * caller returns what it returns: CTL_OK after printing usage for
 * --help/-h, CTL_USAGE after one line naming an unexpected argument.
 */
int ctl_one_operand(int argc, char **argv, const char *command, const char *usage,
                    const char **operand);

/*
 * The command `dittoctl GROUP SUB ...` of a group with one sub-command:
 * prints usage for --help/-h, runs fn(argc - 1, argv + 1) for SUB, and
 * fails with CTL_USAGE (one line naming GROUP and SUB) otherwise.
 */
int ctl_one_subcommand(int argc, char **argv, const char *group, const char *sub, const char *usage,
                       int (*fn)(int argc, char **argv));

/*
 * Returns a handle for the administrative account (db_admin_user over the
 * unix socket, no password: MariaDB's unix_socket authentication), or NULL
 * after printing one error line (also when it cannot connect, or the
 * configuration cannot be read: it calls ctl_config() first).
 */
struct db *ctl_admin_db(void);

/*
 * Returns a handle for the cron account (db_cron_user, password from
 * db_cron_password_file, its default role), or NULL after printing one
 * error line (also when it cannot connect, or the configuration cannot be
 * read: it calls ctl_config() first).
 */
struct db *ctl_cron_db(void);

/* A job's lease row (job_leases, app/db/lease.h): one run at a time on the whole cluster. */
struct ctl_lease {
	char name[40];
	char holder[120]; /* "host pid N tag" */
	int seconds;
};

/* Writes "host pid N tag", this run's name on a lease row, into out. */
void ctl_lease_holder(char *out, size_t outlen);
/* A holder is gone when it ran on this host and its process no longer exists (or is a
 * zombie): a run killed with -9 here is taken over at once; elsewhere only the expiry tells. */
bool ctl_lease_holder_gone(const char *holder, void *ctx);

/*
 * For a cron run: takes the lease name for seconds, trying again for up to wait seconds (0:
 * once) while another live run holds it.  Returns 1 when taken; 0 when another run holds it,
 * after printing "busy (holder)" on stdout (busy NULL: nothing); -1 after printing "cannot
 * take the <name> lease: <error>".
 */
int ctl_lease_or_yield(struct db *db, struct ctl_lease *l, const char *name, int seconds, int wait,
                       const char *busy);
/* Renews l (inside a transaction: also locks its row until the commit). Returns 1 while this
 * run holds it, 0 when another run took it over, -1 on a database error. */
int ctl_lease_held(struct db *db, const struct ctl_lease *l);
/* Frees l (a warning on stderr when it cannot: it then expires on its own). */
void ctl_lease_free(struct db *db, const struct ctl_lease *l);

/*
 * Reads a whole file into a malloc'd, NUL-terminated buffer (the caller
 * frees it) and stores its length.  Returns NULL on error (errno is set).
 */
char *ctl_read_file(const char *path, size_t *len);

/* Login name of the effective user ("uid1234" if it has none). Static storage. */
const char *ctl_os_user(void);

/*
 * "dittoctl:<login name>" (see ctl_os_user), the changed_by of a status
 * history row written by hand.  Static storage.
 */
const char *ctl_changed_by(void);

/*
 * The templates of cfg.templates, loaded at the first call (later calls
 * return the same set), for the messages sub-commands queue with
 * app/notify.h.  Returns NULL after printing one error line.
 */
const struct tmpl_set *ctl_views(void);

/*
 * Runs tx in one transaction (db_tx) on an administrative connection
 * (ctl_admin_db), then closes it.  When the transaction fails, prints
 * refused (the buffer tx fills in with why it refused) or, when that is
 * empty, "cannot <what>: <the database error>".  Returns CTL_OK or CTL_ERR.
 */
int ctl_admin_tx(int (*tx)(struct db *db, void *ctx), void *ctx, const char *refused,
                 const char *what);

/* Writes all of data to fd (retrying after EINTR). Returns 0, or -1 with errno set. */
int ctl_write_all(int fd, const char *data, size_t len);

/*
 * Creates path and its missing parents (mode 0750), then opens it as a
 * directory (O_RDONLY | O_DIRECTORY | O_CLOEXEC).  Returns the descriptor,
 * or -1 with errno set.
 */
int ctl_open_dir(const char *path);

/*
 * Writes data to a new file tmp (mode 0640; a leftover tmp is removed
 * first, and a link there is never followed) in dirfd and flushes it to
 * disk.  Returns 0, or -1 with errno set (and no tmp left behind).
 */
int ctl_write_tmp(int dirfd, const char *tmp, const char *data, size_t len);

/*
 * Replaces name in dirfd with data atomically and durably: writes tmp
 * (ctl_write_tmp), renames it to name, then flushes the directory, so name
 * is either the old or the whole new file after a crash.  Returns 0, or -1
 * with errno set (and no tmp left behind).
 */
int ctl_replace_file(int dirfd, const char *name, const char *tmp, const char *data, size_t len);

/* The lease every shipments run holds, so an import never meets a half-done export. */
#define CTL_SHIP_LEASE         "shipments" /* job_leases row (035) */
#define CTL_SHIP_LEASE_SECONDS 600
/* The recipient of the manifest, as disclosures and the status history name it. */
#define CTL_SHIP_RECIPIENT "shipping company"

/* The usage texts of `dittoctl shipments export` and `... import`. */
extern const char ctl_shipments_export_usage[];
extern const char ctl_shipments_import_usage[];

/* The widest a table cell is shown, in characters; a longer value is cut, ending in "...". */
#define CTL_TABLE_CELL_MAX 40
/*
 * Prints a table on stdout (ctl_table.c): the header row head[0..ncols), then nrows rows of
 * cells (row-major; NULL prints as empty), each column padded to its widest cell in
 * characters, two spaces between columns; the columns whose bit is set in right are
 * right-aligned (numbers).  Control characters print as spaces.
 */
void ctl_table_print(size_t ncols, const char *const *head, unsigned right,
                     const char *const *cells, size_t nrows);

/* The lists of `dittoctl customer list` and `dittoctl order list` (ctl_lists.c); argv[0] is
 * "list". */
extern const char ctl_customer_list_usage[];
extern const char ctl_order_list_usage[];
int ctl_customer_list(int argc, char **argv);
int ctl_order_list(int argc, char **argv);

/* Sub-commands: argv[0] is the command's own name. They return a CTL_ status. */
int cmd_migrate(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_affiliates(int argc, char **argv);
int cmd_staff(int argc, char **argv);
int cmd_customer(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_shipments(int argc, char **argv);
int cmd_shipments_export(int argc, char **argv);
int cmd_shipments_import(int argc, char **argv);
int cmd_order(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_messages(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_traffic(int argc, char **argv);
int cmd_product(int argc, char **argv);
int cmd_category(int argc, char **argv);

#endif
