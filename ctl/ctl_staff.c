/* ctl_staff.c — `dittoctl staff add|list|disable`: staff accounts with a password and TOTP. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>
#include <stdbool.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/staff.h"
#include "../app/password.h"
#include "../app/staff_accounts.h"
#include "../app/validate.h"
#include "ctl.h"

#define PASSWORD_LINE_MAX 1024 /* bytes; the shop's form takes no more either */

/*
 * Prints uri as a QR code drawn with block characters, two modules per
 * character cell, for an authenticator app to scan off the terminal.  Only
 * on a terminal: a log or a pipe gets the URI line alone.
 */
static void print_qr(const char *uri)
{
	if (!isatty(STDOUT_FILENO))
		return;
	struct arena *a = arena_new();
	int w, quiet = 2;
	const unsigned char *q = staff_totp_qr(a, uri, &w);
	/* Dark modules print as spaces on a light block background: scanners want dark on light. */
	for (int y = -quiet; q != NULL && y < w + quiet; y += 2) {
		for (int x = -quiet; x < w + quiet; x++) {
			bool top = y >= 0 && y < w && x >= 0 && x < w && q[y * w + x];
			bool bot = y + 1 >= 0 && y + 1 < w && x >= 0 && x < w && q[(y + 1) * w + x];
			fputs(top && bot ? " "
			      : top      ? "\u2584"
			      : bot      ? "\u2580"
			                 : "\u2588",
			      stdout);
		}
		putchar('\n');
	}
	arena_free(a);
}

/* Prints the TOTP secret, its otpauth:// URI and (on a terminal) its QR code. */
static void print_enrolment(const char *username, const char *secret)
{
	struct arena *a = arena_new();
	const char *uri = staff_totp_uri(a, username, secret);
	printf("TOTP secret: %s\n%s\n", secret, uri);
	print_qr(uri);
	fflush(stdout);
	arena_wipe(a); /* the URI holds the secret */
	arena_free(a);
}

/* The terminal's settings while echo is off, restored on exit or on a signal. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

static void restore_tty(void)
{
	if (tty_changed) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_changed = 0;
	}
}

static void on_signal(int sig)
{
	/* tcsetattr is async-signal-safe; leave the terminal as we found it. */
	if (tty_changed)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Reads one line from stdin into out (NUL-terminated, without the line
 * break), byte by byte so that no copy stays in a stdio buffer.  On a
 * terminal, prompts on /dev/tty and turns echo off meanwhile.  Returns
 * the length, -1 on a read error, -2 when the line exceeds max bytes.
 */
static ssize_t read_secret_line(const char *prompt, char *out, size_t max)
{
	bool tty = isatty(STDIN_FILENO);
	if (tty) {
		int fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t w = write(fd, prompt, strlen(prompt));
			(void)w; /* a prompt that cannot be shown is no reason to stop */
			close(fd);
		}
		if (tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
			struct termios t = saved_tty;
			t.c_lflag &= ~(tcflag_t)ECHO;
			t.c_lflag |= ECHONL; /* the user still sees their Enter */
			signal(SIGINT, on_signal);
			signal(SIGTERM, on_signal);
			signal(SIGHUP, on_signal);
			if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0)
				tty_changed = 1;
		}
	}
	size_t len = 0;
	ssize_t rc = 0;
	int saved_errno = 0;
	bool too_long = false;
	for (;;) {
		char c;
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -1;
			saved_errno = errno;
			break;
		}
		if (n == 0 || c == '\n')
			break;
		if (len < max)
			out[len++] = c;
		else
			too_long = true; /* keep reading to the end of the line, store nothing */
	}
	if (len > 0 && out[len - 1] == '\r')
		len--;
	out[len] = '\0';
	restore_tty();
	if (rc < 0) {
		errno = saved_errno;
		return -1;
	}
	return too_long ? -2 : (ssize_t)len;
}

static const char add_usage[] =
    "usage: dittoctl staff add --role ROLE USERNAME\n"
    "Adds a staff member. ROLE is one of representative, billing, support, analyst,\n"
    "admin, legal. The password is read from standard input (one line; on a terminal\n"
    "it is asked for twice without echo) and refused if it is weak. Prints the TOTP\n"
    "secret (and an otpauth:// URI for an authenticator app) the member signs in with.\n"
    "USERNAME: 3-64 of A-Z a-z 0-9 . _ - starting with a letter or digit.";

/* Returns 1 when username exists, 0 when not, -1 on error (one line printed). */
static int staff_exists(struct db *db, const char *username)
{
	struct arena *a = arena_new();
	bool exists = false;
	int rc = -1;
	if (db_staff_exists(db, a, username, &exists) < 0)
		fail("cannot read staff accounts: %s", db_error(db));
	else
		rc = exists;
	arena_free(a);
	return rc;
}

static int staff_add(int argc, char **argv)
{
	const char *role_arg = NULL, *username = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(add_usage);
			return CTL_OK;
		} else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_arg = argv[++i];
		else if (strncmp(argv[i], "--role=", 7) == 0)
			role_arg = argv[i] + 7;
		else if (username == NULL && argv[i][0] != '-')
			username = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl staff add --help)", argv[i]);
	}
	if (role_arg == NULL || username == NULL)
		return usage_fail("staff add needs --role ROLE and a USERNAME (try: dittoctl staff "
		                  "add --help)");
	int role = privacy_role_parse(role_arg);
	if (role < 0) {
		char names[128] = "";
		for (int r = 0; r < ROLE__MAX; r++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			         r ? ", " : "", privacy_role_name((enum staff_role)r));
		return usage_fail("unknown role '%s' (one of %s)", role_arg, names);
	}
	if (!valid_username(username))
		return usage_fail("invalid username '%s' (3-64 of A-Z a-z 0-9 . _ -, starting with "
		                  "a letter or digit)",
		                  username);
	if (ctl_config() < 0)
		return CTL_ERR;

	int rc = CTL_ERR;
	char pw[PASSWORD_LINE_MAX + 1], again[PASSWORD_LINE_MAX + 1];
	char secret[STAFF_TOTP_SECRET_CHARS + 1] = "";
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;

	/* Before asking for a password nobody would need; the insert still catches a race. */
	int exists = staff_exists(db, username);
	if (exists < 0)
		goto out;
	if (exists) {
		fail("staff member '%s' already exists", username);
		goto out;
	}

	ssize_t len = read_secret_line("Password: ", pw, PASSWORD_LINE_MAX);
	if (len == -2) {
		fail("password too long (at most %d bytes)", PASSWORD_LINE_MAX);
		goto out;
	}
	if (len < 0) {
		fail("cannot read the password from standard input: %s", strerror(errno));
		goto out;
	}
	if (len == 0) {
		fail("no password given (one line on standard input)");
		goto out;
	}
	if (isatty(STDIN_FILENO)) {
		ssize_t len2 = read_secret_line("Repeat password: ", again, PASSWORD_LINE_MAX);
		bool same = len2 == len && sodium_memcmp(pw, again, (size_t)len) == 0;
		sodium_memzero(again, sizeof(again));
		if (!same) {
			fail("the passwords do not match");
			goto out;
		}
	}
	const char *weak = password_weakness(pw, (size_t)len, username, NULL);
	if (weak != NULL) {
		fail("password refused: %s", weak);
		goto out;
	}
	int added = staff_account_add(db, &cfg.argon2, username, (enum staff_role)role, pw,
	                              (size_t)len, NULL, secret);
	sodium_memzero(pw, sizeof(pw));
	if (added != DB_CHANGED) {
		if (added == DB_UNCHANGED) /* a concurrent add won */
			fail("staff member '%s' already exists", username);
		else if (added == STAFF_ERR_CRYPTO)
			fail("cannot hash the password or make a TOTP secret");
		else
			fail("cannot add staff member '%s': %s", username, db_error(db));
		goto out;
	}
	printf("added staff member %s (%s)\n", username, privacy_role_name((enum staff_role)role));
	print_enrolment(username, secret);
	rc = CTL_OK;
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	sodium_memzero(secret, sizeof(secret));
	db_free(db);
	return rc;
}

static const char list_usage[] = "usage: dittoctl staff list\n"
                                 "Lists staff accounts: username, role, whether disabled, "
                                 "when created (UTC),\nand the newest privacy-policy version "
                                 "each acknowledged, and when (UTC).\n"
                                 "Never shows password hashes or TOTP secrets.";

static int staff_list(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(list_usage);
			return CTL_OK;
		}
		return usage_fail("unexpected argument '%s' (try: dittoctl staff list --help)",
		                  argv[i]);
	}
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct staff_member *v;
	size_t n;
	int rc = CTL_ERR;
	if (db_staff_list(db, a, &v, &n) < 0) {
		fail("cannot list staff accounts: %s", db_error(db));
		goto out;
	}
	printf("%-32s %-15s %-9s %-19s %-7s %s\n", "USERNAME", "ROLE", "DISABLED", "CREATED (UTC)",
	       "POLICY", "ACKNOWLEDGED (UTC)");
	for (size_t i = 0; i < n; i++) {
		char acked[24] = "-";
		if (v[i].policy_acked > 0)
			snprintf(acked, sizeof(acked), "%lld", v[i].policy_acked);
		printf("%-32s %-15s %-9s %-19s %-7s %s\n", v[i].username, v[i].role,
		       v[i].disabled ? "yes" : "no", v[i].created_at, acked,
		       v[i].policy_acked_at ? v[i].policy_acked_at : "-");
	}
	rc = CTL_OK;
out:
	arena_free(a);
	db_free(db);
	return rc;
}

static const char disable_usage[] =
    "usage: dittoctl staff disable USERNAME\n"
    "Stops USERNAME from signing in to the staff site; the account and its history stay.\n"
    "Disabling an already disabled account succeeds and changes nothing.";

static int staff_disable(int argc, char **argv)
{
	const char *username = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(disable_usage);
			return CTL_OK;
		} else if (username == NULL && argv[i][0] != '-')
			username = argv[i];
		else
			return usage_fail("unexpected argument '%s' (try: dittoctl staff disable "
			                  "--help)",
			                  argv[i]);
	}
	if (username == NULL)
		return usage_fail("staff disable needs a USERNAME (try: dittoctl staff disable "
		                  "--help)");
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	int rc = CTL_ERR;
	int st = staff_account_disable(db, username, 0, NULL);
	if (st < 0)
		fail("cannot disable '%s': %s", username, db_error(db));
	else if (st == DB_NOT_FOUND)
		fail("no staff member named '%s'", username);
	else if (st == DB_UNCHANGED)
		printf("staff member %s was already disabled\n", username);
	else
		printf("disabled staff member %s\n", username);
	if (st == DB_CHANGED || st == DB_UNCHANGED)
		rc = CTL_OK;
	db_free(db);
	return rc;
}

static const char reset_usage[] =
    "usage: dittoctl staff reset-totp USERNAME\n"
    "Gives USERNAME a new TOTP secret and prints it (with its otpauth:// URI): codes from\n"
    "the old secret stop working and the member's sessions end. For a member who lost\n"
    "their authenticator (the staff page of the staff site does the same, for any member\n"
    "but the admin using it).";

static int staff_reset_totp(int argc, char **argv)
{
	const char *username = NULL;
	int rc = ctl_one_operand(argc, argv, "staff reset-totp", reset_usage, &username);
	if (rc >= 0)
		return rc;
	if (username == NULL)
		return usage_fail("staff reset-totp needs a USERNAME (try: dittoctl staff "
		                  "reset-totp --help)");
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	char secret[STAFF_TOTP_SECRET_CHARS + 1];
	rc = CTL_ERR;
	int st = staff_account_reset_totp(db, username, -1, 0, NULL, secret);
	if (st == DB_CHANGED) {
		printf("new second factor for staff member %s\n", username);
		print_enrolment(username, secret);
		rc = CTL_OK;
	} else if (st == DB_NOT_FOUND)
		fail("no staff member named '%s'", username);
	else if (st == STAFF_ERR_CRYPTO)
		fail("cannot make a TOTP secret");
	else
		fail("cannot reset the second factor of '%s': %s", username, db_error(db));
	sodium_memzero(secret, sizeof(secret));
	db_free(db);
	return rc;
}

static const char staff_usage[] = "usage: dittoctl staff add --role ROLE USERNAME\n"
                                  "       dittoctl staff list\n"
                                  "       dittoctl staff disable USERNAME\n"
                                  "       dittoctl staff reset-totp USERNAME\n"
                                  "Manages staff accounts as db_admin_user. Run 'dittoctl "
                                  "staff SUBCOMMAND --help' for details.";

int cmd_staff(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail(
		    "staff needs a sub-command: add, list, disable or reset-totp (try: "
		    "dittoctl staff --help)");
	if (ctl_is_help(argv[1])) {
		puts(staff_usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return staff_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return staff_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0)
		return staff_disable(argc - 1, argv + 1);
	if (strcmp(argv[1], "reset-totp") == 0)
		return staff_reset_totp(argc - 1, argv + 1);
	return usage_fail("unknown staff command '%s' (try: dittoctl staff --help)", argv[1]);
}
