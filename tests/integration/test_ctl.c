/* test_ctl.c — dittoctl against the test stack: staff accounts, customer access changes, mail
 * delivery, help texts, one-line errors, and that concurrent runs do the work once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define STAFF_PASSWORD "a long enough passphrase 42"

/* Runs `dittoctl --config DIR/ditto.conf ARGS`, input (a line, or NULL) on stdin. */
static void ctl(struct ctl_run *r, const char *input, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ctl(struct ctl_run *r, const char *input, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(r, "ctl", input, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
}

/* Starts `dittoctl ARGS` twice at the same moment and waits for both. */
static void ctl_twice_at_once(struct ctl_run r[2], const char *input, const char *args)
{
	assert_int_equal(ctl_run_twice(r, "ctl", input, args), 0);
}

/* A customer inserted as the admin, in status (with a unique username and email). */
static const char *customer_in(const char *status)
{
	static char names[4][80];
	static int next;
	char *u = names[next++ % 4];
	snprintf(u, 80, "%s", unique("ctl"));
	assert_int_equal(sql_admin("INSERT INTO customers (username, email, name, password_hash, "
	                           "policy_version, status) VALUES ('%s', '%s', 'Ctl Test', 'x', "
	                           "(SELECT MAX(version) FROM policy_versions), '%s')",
	                           u, mail_of(u), status),
	                 0);
	return u;
}

static long long customer_count(const char *table, const char *u, const char *where)
{
	return sql_admin_int("SELECT COUNT(*) FROM %s t JOIN customers c ON c.id = t.customer_id "
	                     "WHERE c.username = '%s' AND %s",
	                     table, u, where);
}

/* A session row for u, as a login would leave it. */
static void add_session(const char *u)
{
	assert_int_equal(sql_admin("INSERT INTO sessions (token_hash, customer_id, csrf_token, "
	                           "expires_at) SELECT UNHEX(SHA2(UUID(), 256)), id, "
	                           "REPEAT('c', 43), UTC_TIMESTAMP() + INTERVAL 1 HOUR "
	                           "FROM customers WHERE username = '%s'",
	                           u),
	                 0);
}

/* The printed base32 TOTP secret (copied into out), or "" when none was printed. */
static void printed_secret(const char *out, char *secret, size_t cap)
{
	secret[0] = '\0';
	const char *p = strstr(out, "?secret=");
	if (p == NULL)
		return;
	p += strlen("?secret=");
	size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
	snprintf(secret, cap, "%.*s", (int)n, p);
}

static void test_staff_add_stores_argon2id_hash_and_prints_totp_secret(void **state)
{
	(void)state;
	const char *u = unique("staff");
	struct ctl_run r;
	ctl(&r, STAFF_PASSWORD, "staff add --role billing %s", u);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	char want[256], secret[64];
	snprintf(want, sizeof(want), "otpauth://totp/idem%%20ditto:%s?secret=", u);
	assert_non_null(strstr(r.out, want));
	assert_non_null(strstr(r.out, "&issuer=idem%20ditto\n"));
	printed_secret(r.out, secret, sizeof(secret));
	assert_int_equal(strlen(secret), 32); /* 20 random bytes, base32 without padding */
	assert_non_null(strstr(r.out, secret));
	/* Stored: argon2id with the configured cost, the same secret, the role, enabled. */
	assert_int_equal(
	    sql_admin_int("SELECT password_hash LIKE '$argon2id$v=19$m=%%,t=%%,p=%%$%%' "
	                  "FROM staff WHERE username = '%s'",
	                  u),
	    1);
	assert_int_equal(sql_admin_int("SELECT totp_secret = '%s' AND role = 'billing' AND "
	                               "disabled = 0 FROM staff WHERE username = '%s'",
	                               secret, u),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM staff WHERE password_hash LIKE "
	                               "'%%passphrase%%'"),
	                 0);
	/* An authenticator accepts the secret: oathtool computes a code from it. */
	assert_int_equal(sh("oathtool --totp -b '%s' >/dev/null 2>&1", secret), 0);
}

static void test_staff_add_refuses_weak_password(void **state)
{
	(void)state;
	const char *u = unique("weak");
	const char *weak[] = {"password1234", "short 1", "", "password"};
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		struct ctl_run r;
		ctl(&r, weak[i], "staff add --role support %s", u);
		assert_int_equal(r.status, 1);
		assert_int_equal(r.err_lines, 1);
		assert_non_null(strstr(r.err, "dittoctl: "));
		assert_null(strstr(r.out, "otpauth://"));
	}
	/* A password containing the username is refused too. */
	char pw[256];
	snprintf(pw, sizeof(pw), "%s and some more words", u);
	struct ctl_run r;
	ctl(&r, pw, "staff add --role support %s", u);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "password refused"));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM staff WHERE username = '%s'", u), 0);
}

static void test_staff_add_duplicate_fails_with_one_line(void **state)
{
	(void)state;
	const char *u = unique("dup");
	struct ctl_run r;
	ctl(&r, STAFF_PASSWORD, "staff add --role analyst %s", u);
	assert_int_equal(r.status, 0);
	ctl(&r, STAFF_PASSWORD, "staff add --role admin %s", u);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	assert_non_null(strstr(r.err, "already exists"));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM staff WHERE username = '%s' AND "
	                               "role = 'analyst'",
	                               u),
	                 1);
}

static void test_staff_add_twice_concurrently_creates_one_account(void **state)
{
	(void)state;
	const char *u = unique("race");
	char args[256];
	snprintf(args, sizeof(args), "staff add --role legal %s", u);
	struct ctl_run r[2];
	ctl_twice_at_once(r, STAFF_PASSWORD, args);
	assert_int_equal(r[0].status + r[1].status, 1); /* one succeeded, one failed */
	struct ctl_run *lost = r[0].status != 0 ? &r[0] : &r[1];
	assert_int_equal(lost->err_lines, 1);
	assert_non_null(strstr(lost->err, "already exists"));
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM staff WHERE username = '%s'", u), 1);
}

static void test_staff_list_shows_accounts_but_never_hashes_or_secrets(void **state)
{
	(void)state;
	const char *u = unique("list");
	struct ctl_run r;
	ctl(&r, STAFF_PASSWORD, "staff add --role representative %s", u);
	assert_int_equal(r.status, 0);
	char secret[64];
	printed_secret(r.out, secret, sizeof(secret));
	ctl(&r, NULL, "staff list");
	assert_int_equal(r.status, 0);
	const char *line = strstr(r.out, u);
	assert_non_null(line);
	assert_non_null(strstr(line, "representative"));
	assert_null(strstr(r.out, "$argon2id"));
	assert_null(strstr(r.out, secret));
}

static void test_staff_disable_sets_flag_and_a_second_run_changes_nothing(void **state)
{
	(void)state;
	const char *u = unique("off");
	struct ctl_run r;
	ctl(&r, STAFF_PASSWORD, "staff add --role support %s", u);
	assert_int_equal(r.status, 0);
	ctl(&r, NULL, "staff disable %s", u);
	assert_int_equal(r.status, 0);
	assert_int_equal(sql_admin_int("SELECT disabled FROM staff WHERE username = '%s'", u), 1);
	ctl(&r, NULL, "staff disable %s", u);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "already disabled"));
	ctl(&r, NULL, "staff disable %s", unique("nobody"));
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	assert_non_null(strstr(r.err, "no staff member"));
}

static void test_customer_approve_records_history_and_queues_mail(void **state)
{
	(void)state;
	const char *u = customer_in("pending");
	struct ctl_run r;
	ctl(&r, NULL, "customer approve %s --note 'called them back'", u);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_int_equal(
	    sql_admin_int("SELECT status = 'approved' AND status_changed_at IS NOT NULL "
	                  "FROM customers WHERE username = '%s'",
	                  u),
	    1);
	/* History: who (the OS user behind dittoctl), what, and the note. */
	struct passwd *pw = getpwuid(geteuid());
	assert_non_null(pw);
	char where[512];
	snprintf(where, sizeof(where),
	         "t.status = 'approved' AND t.changed_by = 'dittoctl:%s' AND "
	         "t.note = 'called them back'",
	         pw->pw_name);
	assert_int_equal(customer_count("customer_status_history", u, where), 1);
	/* The customer is told, at their address, where to log in. */
	snprintf(where, sizeof(where),
	         "t.kind = 'access_approved' AND t.recipient = c.email AND t.sent_at IS NULL AND "
	         "t.body LIKE '%%%s/login%%'",
	         env_web());
	assert_int_equal(customer_count("outbox", u, where), 1);
}

static void test_customer_deny_records_history_and_queues_mail(void **state)
{
	(void)state;
	const char *u = customer_in("pending");
	struct ctl_run r;
	ctl(&r, NULL, "customer deny %s", u);
	assert_int_equal(r.status, 0);
	assert_int_equal(
	    sql_admin_int("SELECT status = 'denied' FROM customers WHERE username = '%s'", u), 1);
	assert_int_equal(customer_count("customer_status_history", u,
	                                "t.status = 'denied' AND t.changed_by LIKE 'dittoctl:%' "
	                                "AND t.note IS NULL"),
	                 1);
	assert_int_equal(
	    customer_count("outbox", u, "t.kind = 'access_denied' AND t.recipient = c.email"), 1);
}

static void test_customer_cancel_ends_sessions(void **state)
{
	(void)state;
	const char *u = customer_in("approved");
	const char *other = customer_in("approved");
	add_session(u);
	add_session(u);
	add_session(other);
	struct ctl_run r;
	ctl(&r, NULL, "customer cancel %s", u);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "2 sessions ended"));
	assert_int_equal(customer_count("sessions", u, "1"), 0);
	assert_int_equal(customer_count("sessions", other, "1"), 1); /* nobody else's */
	assert_int_equal(sql_admin_int("SELECT status = 'cancelled' FROM customers WHERE "
	                               "username = '%s'",
	                               u),
	                 1);
	assert_int_equal(customer_count("outbox", u, "t.kind = 'access_cancelled'"), 1);
	assert_int_equal(customer_count("customer_status_history", u, "t.status = 'cancelled'"), 1);
}

static void test_customer_approve_reactivates_cancelled_and_deactivated(void **state)
{
	(void)state;
	const char *from[] = {"cancelled", "deactivated", "denied"};
	for (size_t i = 0; i < 3; i++) {
		const char *u = customer_in(from[i]);
		struct ctl_run r;
		ctl(&r, NULL, "customer approve %s", u);
		assert_int_equal(r.status, 0);
		assert_int_equal(sql_admin_int("SELECT status = 'approved' FROM customers WHERE "
		                               "username = '%s'",
		                               u),
		                 1);
	}
}

static void test_invalid_transition_fails(void **state)
{
	(void)state;
	static const struct {
		const char *from, *cmd;
	} bad[] = {
	    {"approved", "approve"}, {"approved", "deny"},   {"denied", "deny"},
	    {"denied", "cancel"},    {"deleted", "approve"}, {"cancelled", "cancel"},
	    {"deactivated", "deny"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *u = customer_in(bad[i].from);
		struct ctl_run r;
		ctl(&r, NULL, "customer %s %s", bad[i].cmd, u);
		assert_int_equal(r.status, 1);
		assert_int_equal(r.err_lines, 1);
		assert_non_null(strstr(r.err, bad[i].from)); /* names the current status */
		/* Nothing changed, nothing recorded, nobody told. */
		assert_int_equal(sql_admin_int("SELECT status = '%s' FROM customers WHERE "
		                               "username = '%s'",
		                               bad[i].from, u),
		                 1);
		assert_int_equal(customer_count("customer_status_history", u, "1"), 0);
		assert_int_equal(customer_count("outbox", u, "1"), 0);
	}
	struct ctl_run r;
	ctl(&r, NULL, "customer approve %s", unique("nobody"));
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	assert_non_null(strstr(r.err, "no customer"));
}

static void test_customer_approve_twice_concurrently_changes_once(void **state)
{
	(void)state;
	const char *u = customer_in("pending");
	char args[256];
	snprintf(args, sizeof(args), "customer approve %s", u);
	struct ctl_run r[2];
	ctl_twice_at_once(r, NULL, args);
	assert_int_equal(r[0].status + r[1].status, 1);
	struct ctl_run *lost = r[0].status != 0 ? &r[0] : &r[1];
	assert_int_equal(lost->err_lines, 1);
	assert_non_null(strstr(lost->err, "already approved"));
	assert_int_equal(customer_count("customer_status_history", u, "1"), 1);
	assert_int_equal(customer_count("outbox", u, "1"), 1);
}

/* The path of outbox message id's file. */
static void eml_path(char *buf, size_t cap, long long id, const char *suffix)
{
	snprintf(buf, cap, "%s/mail/%lld.eml%s", env_state(), id, suffix);
}

static void test_mail_send_writes_eml_and_marks_sent(void **state)
{
	(void)state;
	const char *to = mail_of(unique("mail"));
	const char *subject = "Grüße — your order ünd more";
	assert_int_equal(sql_admin("INSERT INTO outbox (kind, recipient, subject, body) VALUES "
	                           "('test', '%s', '%s', 'First line\\nSecond line: ü\\n')",
	                           to, subject),
	                 0);
	long long id = sql_admin_int("SELECT MAX(id) FROM outbox WHERE recipient = '%s'", to);
	assert_true(id > 0);
	struct ctl_run r;
	ctl(&r, NULL, "mail send");
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_non_null(strstr(r.out, "sent "));
	assert_int_equal(sql_admin_int("SELECT sent_at IS NOT NULL AND attempts = 0 FROM outbox "
	                               "WHERE id = %lld",
	                               id),
	                 1);
	char path[512], msg[8192], want[512];
	eml_path(path, sizeof(path), id, "");
	slurp_file(path, msg, sizeof(msg));
	snprintf(want, sizeof(want), "\r\nTo: %s\r\n", to);
	assert_non_null(strstr(msg, want));
	assert_true(strncmp(msg, "From: idem ditto <noreply@idemditto.invalid>\r\n", 46) == 0);
	assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?B?"));
	assert_non_null(strstr(msg, "\r\nDate: "));
	assert_non_null(strstr(msg, "\r\nMessage-ID: <"));
	assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(msg, "\r\nContent-Type: multipart/alternative; boundary="));
	assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(msg, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
	assert_non_null(strstr(msg, "\r\nContent-Transfer-Encoding: 8bit\r\n"));
	assert_non_null(strstr(msg, "\r\n\r\nFirst line\r\nSecond line: ü\r\n"));
	/* A mail parser reads the encoded subject back as it was queued, the plain part as the
	 * queued text followed by the shop's footer, and an HTML part beside it. */
	assert_int_equal(
	    sh("python3 -c 'import email, email.policy, sys; "
	       "m = email.message_from_binary_file(open(sys.argv[1], \"rb\"), "
	       "policy=email.policy.default); "
	       "t = m.get_body((\"plain\",)).get_content().replace(\"\\r\\n\", \"\\n\"); "
	       "h = m.get_body((\"html\",)).get_content(); "
	       "sys.exit(0 if m[\"Subject\"] == sys.argv[2] and "
	       "t.startswith(\"First line\\nSecond line: \\u00fc\\n\\n-- \\n\") and "
	       "\"support@idemditto.example\" in t and "
	       "\"Second line: \\u00fc<br>\" in h else 1)' "
	       "'%s' '%s'",
	       path, subject),
	    0);
	/* Written atomically (no temporary left), readable by owner and group only. */
	eml_path(want, sizeof(want), id, ".tmp");
	assert_int_not_equal(access(want, F_OK), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0007, 0);
	/* Sent once: the next run leaves it alone. */
	ctl(&r, NULL, "mail send");
	assert_int_equal(r.status, 0);
	assert_int_equal(sql_admin_int("SELECT attempts FROM outbox WHERE id = %lld", id), 0);
}

static long long sent_count(const struct ctl_run *r)
{
	const char *p = strstr(r->out, "sent ");
	return p != NULL ? atoll(p + 5) : -1;
}

static void test_mail_send_twice_concurrently_sends_once(void **state)
{
	(void)state;
	const char *tag = unique("burst");
	assert_int_equal(sql_admin("INSERT INTO outbox (kind, recipient, subject, body) SELECT "
	                           "'test', CONCAT('%s-', seq, '@example.com'), 'hello', 'body' "
	                           "FROM seq_1_to_250",
	                           tag),
	                 0);
	long long unsent = sql_admin_int(
	    "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL AND "
	    "(next_attempt_at IS NULL OR next_attempt_at <= UTC_TIMESTAMP(6)) AND "
	    "(claimed_by IS NULL OR claim_expires < UTC_TIMESTAMP(6))");
	assert_true(unsent >= 250);
	struct ctl_run r[2];
	ctl_twice_at_once(r, NULL, "mail send");
	assert_int_equal(r[0].status, 0);
	assert_int_equal(r[1].status, 0);
	assert_int_equal(r[0].err_lines + r[1].err_lines, 0);
	/* Together they sent each message exactly once. */
	assert_int_equal(sent_count(&r[0]) + sent_count(&r[1]), unsent);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE recipient LIKE '%s-%%' AND "
	                  "(sent_at IS NULL OR attempts > 0)",
	                  tag),
	    0);
	assert_int_equal(
	    sh("test $(grep -l -F 'To: %s-' '%s'/mail/*.eml | wc -l) -eq 250", tag, env_state()),
	    0);
}

static void test_mail_send_leaves_a_message_another_sender_claimed(void **state)
{
	(void)state;
	const char *to = mail_of(unique("claimed"));
	assert_int_equal(sql_admin("INSERT INTO outbox (kind, recipient, subject, body, "
	                           "claimed_by, claim_expires) VALUES ('test', '%s', 'hi', 'b', "
	                           "REPEAT('f', 32), UTC_TIMESTAMP(6) + INTERVAL 1 HOUR)",
	                           to),
	                 0);
	/* Another sender (on any database node) holds a live claim: not ours to send. */
	struct ctl_run r;
	ctl(&r, NULL, "mail send");
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_lines, 0);
	assert_int_equal(
	    sql_admin_int("SELECT sent_at IS NULL FROM outbox WHERE recipient = '%s'", to), 1);
	/* That sender died: once its claim lapses, the next run delivers the message. */
	assert_int_equal(sql_admin("UPDATE outbox SET claim_expires = UTC_TIMESTAMP(6) - INTERVAL "
	                           "1 SECOND WHERE recipient = '%s'",
	                           to),
	                 0);
	ctl(&r, NULL, "mail send");
	assert_int_equal(r.status, 0);
	assert_int_equal(sql_admin_int("SELECT sent_at IS NOT NULL AND claimed_by IS NULL FROM "
	                               "outbox WHERE recipient = '%s'",
	                               to),
	                 1);
}

static void test_mail_send_counts_failed_attempt_with_one_error_line(void **state)
{
	(void)state;
	const char *to = mail_of(unique("bad"));
	/* A line break in a subject would inject headers: never written, recorded instead. */
	assert_int_equal(
	    sql_admin("INSERT INTO outbox (kind, recipient, subject, body) VALUES "
	              "('test', '%s', CONCAT('x', CHAR(10), 'Bcc: a@example.com'), 'b')",
	              to),
	    0);
	long long id = sql_admin_int("SELECT MAX(id) FROM outbox WHERE recipient = '%s'", to);
	struct ctl_run r;
	ctl(&r, NULL, "mail send");
	assert_int_equal(r.status, 1);
	assert_int_equal(r.err_lines, 1);
	assert_non_null(strstr(r.err, "see outbox.last_error"));
	assert_int_equal(
	    sql_admin_int("SELECT sent_at IS NULL AND attempts = 1 AND last_error LIKE "
	                  "'%%control character%%' FROM outbox WHERE id = %lld",
	                  id),
	    1);
	char path[512];
	eml_path(path, sizeof(path), id, "");
	assert_int_not_equal(access(path, F_OK), 0);
	/* Leave no poisoned message for the other tests' mail runs. */
	assert_int_equal(sql_admin("DELETE FROM outbox WHERE id = %lld", id), 0);
}

static void test_every_subcommand_has_help(void **state)
{
	(void)state;
	static const char *const cmds[] = {
	    "",         "migrate",          "policy",          "policy publish",
	    "staff",    "staff add",        "staff list",      "staff disable",
	    "customer", "customer approve", "customer deny",   "customer cancel",
	    "mail",     "mail send",        "mail promotions", "customer list",
	    "order",    "order status",     "order list",
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct ctl_run r;
		/* No configuration needed: help never touches the database. */
		char cmd[512];
		snprintf(
		    cmd, sizeof(cmd),
		    "\"$BUILD\"/dittoctl --config /nonexistent %s --help >'%s/run/test-ctl-help' "
		    "2>&1",
		    cmds[i], env_state());
		r.status = sh("%s", cmd);
		char path[512];
		snprintf(path, sizeof(path), "%s/run/test-ctl-help", env_state());
		slurp_file(path, r.out, sizeof(r.out));
		assert_int_equal(r.status, 0);
		assert_true(strncmp(r.out, "usage: dittoctl", 15) == 0);
	}
	/* The top-level usage lists every command. */
	struct ctl_run r;
	ctl(&r, NULL, "--help");
	const char *listed[] = {"migrate",       "policy publish",   "staff add", "staff list",
	                        "staff disable", "customer approve", "mail send", "mail promotions",
	                        "customer list", "order list"};
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
		assert_non_null(strstr(r.out, listed[i]));
}

static void test_errors_are_one_line_and_nonzero(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "nosuch",
	    "staff",
	    "staff add",
	    "staff add --role boss someone",
	    "staff add --role admin 'bad name'",
	    "staff frobnicate",
	    "customer",
	    "customer approve",
	    "customer frobnicate someone",
	    "customer approve someone --note ''",
	    "mail",
	    "mail send --limit 0",
	    "mail send --limit x",
	    "mail promotions extra",
	    "policy publish",
	    "customer list --status nosuch",
	    "customer list --limit 0",
	    "customer list --status",
	    "customer list extra",
	    "order",
	    "order list --status pending",
	    "order list --limit x",
	    "order frobnicate",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctl_run r;
		ctl(&r, NULL, "%s", bad[i]);
		assert_int_not_equal(r.status, 0);
		assert_int_equal(r.err_lines, 1);
		assert_true(strncmp(r.err, "dittoctl: ", 10) == 0);
	}
	/* A configuration that cannot be read is one line too. */
	assert_int_equal(sh("\"$BUILD\"/dittoctl --config /nonexistent staff list 2>&1 >/dev/null "
	                    "| grep -c . | grep -qx 1"),
	                 0);
}

/* Runs `dittoctl ARGS` (a list, which outgrows struct ctl_run's buffers on a long-used stack)
 * with its output in a file; returns the exit status. The header line goes to head, the first
 * line holding u to line ("" when none); a u starting with "^" must start the line (after the
 * padding of a right-aligned first column). */
static int list_run(const char *args, const char *u, char *head, char *line, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/run/test-ctl-list-%d.out", env_state(), (int)getpid());
	int st = sh("\"$BUILD\"/dittoctl --config '%s/ditto.conf' %s >'%s' 2>/dev/null",
	            env_state(), args, path);
	head[0] = line[0] = '\0';
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char buf[1024];
	for (int n = 0; fgets(buf, sizeof(buf), f) != NULL; n++) {
		buf[strcspn(buf, "\n")] = '\0';
		if (n == 0)
			snprintf(head, cap, "%s", buf);
		else if (line[0] == '\0' &&
		         (u[0] == '^' ? strncmp(buf + strspn(buf, " "), u + 1, strlen(u + 1)) == 0
		                      : strstr(buf, u) != NULL))
			snprintf(line, cap, "%s", buf);
	}
	fclose(f);
	unlink(path);
	return st;
}

static void test_customer_list_shows_whom_to_approve(void **state)
{
	(void)state;
	const char *pending = customer_in("pending");
	char p[80], a[80], head[1024], line[1024];
	snprintf(p, sizeof(p), "%s", pending);
	snprintf(a, sizeof(a), "%s", customer_in("approved"));
	assert_int_equal(
	    list_run("customer list --status pending --limit 100000", p, head, line, sizeof(line)),
	    0);
	/* A header, then one aligned line per customer: the columns start where the header's do. */
	assert_non_null(strstr(head, "USERNAME"));
	assert_non_null(strstr(head, "EMAIL"));
	assert_true(line[0] != '\0');
	assert_non_null(strstr(line, mail_of(p)));
	assert_non_null(strstr(line, "pending"));
	assert_non_null(strstr(line, "Ctl Test"));
	size_t col = (size_t)(strstr(head, "USERNAME") - head);
	assert_true(strncmp(line + col, p, strlen(p)) == 0);
	col = (size_t)(strstr(head, "STATUS") - head);
	assert_true(strncmp(line + col, "pending", 7) == 0);
	/* Only pending ones. */
	assert_int_equal(
	    list_run("customer list --status pending --limit 100000", a, head, line, sizeof(line)),
	    0);
	assert_string_equal(line, "");
	/* Every status without the option. */
	assert_int_equal(list_run("customer list --limit 100000", a, head, line, sizeof(line)), 0);
	assert_non_null(strstr(line, "approved"));
	assert_int_equal(list_run("customer list --limit 100000", p, head, line, sizeof(line)), 0);
	assert_non_null(strstr(line, "pending"));
	/* Approved with the command the list leads to, it leaves the pending list. */
	struct ctl_run r;
	ctl(&r, NULL, "customer approve %s", p);
	assert_int_equal(r.status, 0);
	assert_int_equal(
	    list_run("customer list --status=pending --limit 100000", p, head, line, sizeof(line)),
	    0);
	assert_string_equal(line, "");
	/* Never a password hash. */
	assert_int_equal(
	    list_run("customer list --limit 100000", "argon2", head, line, sizeof(line)), 0);
	assert_string_equal(line, "");
}

static void test_customer_list_cuts_long_values_and_controls(void **state)
{
	(void)state;
	const char *u = customer_in("deactivated");
	assert_int_equal(sql_admin("UPDATE customers SET name = CONCAT('Tab', CHAR(9), 'Name ', "
	                           "REPEAT('x', 80)) WHERE username = '%s'",
	                           u),
	                 0);
	char head[1024], line[1024];
	assert_int_equal(list_run("customer list --status deactivated --limit 100000", u, head,
	                          line, sizeof(line)),
	                 0);
	assert_non_null(strstr(line, "Tab Name xxx"));
	assert_non_null(strstr(line, "x..."));
	assert_null(strchr(line, '\t'));
	assert_null(strstr(line, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
}

static void test_order_list_filters_by_status(void **state)
{
	(void)state;
	const char *u = customer_in("approved");
	long long cid = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", u);
	assert_int_equal(
	    sql_admin("SET @v = (SELECT MAX(version) FROM policy_versions);"
	              "INSERT INTO orders (customer_id, nonce, status, policy_version, "
	              "contact_name, contact_email, billing_line1, billing_city, billing_postcode, "
	              "billing_country, shipping_line1, shipping_city, shipping_postcode, "
	              "shipping_country, payment_mode, total_cents) VALUES "
	              "(%lld, RPAD('ol-a-%lld', 43, 'x'), 'placed', @v, 'N', 'n@example.com', 'l', "
	              "'c', 'p', 'UK', 'l', 'c', 'p', 'UK', 'invoice', 4321),"
	              "(%lld, RPAD('ol-b-%lld', 43, 'x'), 'shipped', @v, 'N', 'n@example.com', "
	              "'l', 'c', 'p', 'UK', 'l', 'c', 'p', 'UK', 'card', 999)",
	              cid, cid, cid, cid),
	    0);
	long long placed = sql_admin_int("SELECT id FROM orders WHERE nonce = RPAD('ol-a-%lld', "
	                                 "43, 'x')",
	                                 cid);
	char head[1024], line[1024];
	assert_int_equal(
	    list_run("order list --status placed --limit 100000", u, head, line, sizeof(line)), 0);
	assert_non_null(strstr(head, "TOTAL"));
	assert_true(line[0] != '\0');
	char id[32];
	snprintf(id, sizeof(id), "%lld ", placed);
	assert_non_null(strstr(line, id));
	assert_non_null(strstr(line, "invoice"));
	assert_non_null(strstr(line, "43.21"));
	assert_null(strstr(line, "shipped"));
	assert_int_equal(
	    list_run("order list --status shipped --limit 100000", u, head, line, sizeof(line)), 0);
	assert_non_null(strstr(line, "9.99"));
	assert_non_null(strstr(line, "shipped"));
	/* An erased account's order names nobody. */
	assert_int_equal(sql_admin("UPDATE orders SET customer_id = NULL WHERE id = %lld", placed),
	                 0);
	char id_col[32];
	snprintf(id_col, sizeof(id_col), "^%lld  ", placed);
	assert_int_equal(
	    list_run("order list --status placed --limit 100000", id_col, head, line, sizeof(line)),
	    0);
	assert_non_null(strstr(line, "(erased)"));
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-ctl-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_staff_add_stores_argon2id_hash_and_prints_totp_secret),
	    cmocka_unit_test(test_staff_add_refuses_weak_password),
	    cmocka_unit_test(test_staff_add_duplicate_fails_with_one_line),
	    cmocka_unit_test(test_staff_add_twice_concurrently_creates_one_account),
	    cmocka_unit_test(test_staff_list_shows_accounts_but_never_hashes_or_secrets),
	    cmocka_unit_test(test_staff_disable_sets_flag_and_a_second_run_changes_nothing),
	    cmocka_unit_test(test_customer_approve_records_history_and_queues_mail),
	    cmocka_unit_test(test_customer_deny_records_history_and_queues_mail),
	    cmocka_unit_test(test_customer_cancel_ends_sessions),
	    cmocka_unit_test(test_customer_approve_reactivates_cancelled_and_deactivated),
	    cmocka_unit_test(test_invalid_transition_fails),
	    cmocka_unit_test(test_customer_approve_twice_concurrently_changes_once),
	    cmocka_unit_test(test_mail_send_writes_eml_and_marks_sent),
	    cmocka_unit_test(test_mail_send_twice_concurrently_sends_once),
	    cmocka_unit_test(test_mail_send_leaves_a_message_another_sender_claimed),
	    cmocka_unit_test(test_mail_send_counts_failed_attempt_with_one_error_line),
	    cmocka_unit_test(test_customer_list_shows_whom_to_approve),
	    cmocka_unit_test(test_customer_list_cuts_long_values_and_controls),
	    cmocka_unit_test(test_order_list_filters_by_status),
	    cmocka_unit_test(test_every_subcommand_has_help),
	    cmocka_unit_test(test_errors_are_one_line_and_nonzero),
	};
	return cmocka_run_group_tests_name("ctl", tests, NULL, teardown);
}
