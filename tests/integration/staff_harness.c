/* staff_harness.c — staff members for integration tests: made by dittoctl, signed in through
 * nginx with a TOTP code from oathtool. */
#include "staff_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs `dittoctl ARGS` with input on stdin into r (the harness's scratch files, tag "staff"). */
void staff_ctl(struct ctl_run *r, const char *input, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ctl_run_v(r, "staff", input, fmt, ap);
	va_end(ap);
	assert_int_equal(rc, 0);
}

/* A new staff account of role, made by `dittoctl staff add`, with its printed TOTP secret. */
void member_new(struct member *m, enum staff_role role)
{
	static struct ctl_run r;
	snprintf(m->username, sizeof(m->username), "%s", unique(privacy_role_name(role)));
	m->role = role;
	staff_ctl(&r, STAFF_PASSWORD, "staff add --role %s %s", privacy_role_name(role),
	          m->username);
	assert_int_equal(r.status, 0);
	const char *s = strstr(r.out, "?secret=");
	assert_non_null(s);
	s += strlen("?secret=");
	snprintf(m->secret, sizeof(m->secret), "%.*s",
	         (int)strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), s);
	assert_int_equal(strlen(m->secret), 32);
}

/* Sets column (last_seen_at or expires_at) of user's staff sessions to now + interval (an SQL
 * interval, e.g. "- INTERVAL 16 MINUTE"): time passing, without waiting for it. */
void age_sessions(const char *user, const char *column, const char *interval)
{
	assert_int_equal(sql_admin("UPDATE staff_sessions s JOIN staff m ON m.id = s.staff_id "
	                           "SET s.%s = UTC_TIMESTAMP(6) %s WHERE m.username = '%s'",
	                           column, interval, user),
	                 0);
}

/* The TOTP code of secret at now + offset seconds (oathtool, as the SPEC allows tests). */
void totp(const char *secret, int offset, char code[8])
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "oathtool --totp -b -N 'now %+d seconds' %s", offset, secret);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(code, 8, p));
	code[strcspn(code, "\n")] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_int_equal(strlen(code), 6);
}

/* POSTs /admin/login with the form's csrf; returns the status (r keeps the answer). */
long staff_login_with(struct client *c, const char *user, const char *password, const char *code,
                      struct http_resp *r)
{
	struct http_resp f;
	assert_int_equal(client_get(c, env_staff(), "/admin/login", &f), 0);
	char *csrf = html_csrf(f.body);
	assert_non_null(csrf);
	http_resp_free(&f);
	char body[1024];
	snprintf(body, sizeof(body), "csrf=%s&username=%s", csrf, urlenc(user));
	size_t len = strlen(body);
	snprintf(body + len, sizeof(body) - len, "&password=%s", urlenc(password));
	len = strlen(body);
	snprintf(body + len, sizeof(body) - len, "&totp=%s", code);
	free(csrf);
	assert_int_equal(client_post(c, env_staff(), "/admin/login", body, r), 0);
	return r->status;
}

/* True when a sign-in's answer r sends the member to acknowledge the policy first. */
bool staff_asked_to_acknowledge(const struct http_resp *r)
{
	char *loc = http_header_value(r, "Location");
	bool asked = loc != NULL && strstr(loc, STAFF_ACK_PATH) != NULL;
	free(loc);
	return asked;
}

long staff_acknowledge(struct client *c, struct http_resp *r)
{
	struct http_resp f;
	assert_int_equal(staff_get(c, STAFF_ACK_PATH, &f), 200);
	char *csrf = html_csrf(f.body);
	const char *v = strstr(f.body, "name=\"version\" value=\"");
	if (csrf == NULL || v == NULL) {
		free(csrf);
		http_resp_free(&f);
		r->status = 0;
		r->body = r->headers = NULL;
		return 0; /* nothing to acknowledge: the page shows no form */
	}
	v += strlen("name=\"version\" value=\"");
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&version=%.*s", csrf, (int)strspn(v, "0123456789"), v);
	free(csrf);
	http_resp_free(&f);
	assert_int_equal(client_post(c, env_staff(), STAFF_ACK_PATH, body, r), 0);
	return r->status;
}

/* Signs m in with the current code and, when the site asks, acknowledges the newest policy
 * version (as every member does before personal pages open); asserts it worked. */
void staff_login(struct client *c, const struct member *m)
{
	char code[8];
	struct http_resp r;
	totp(m->secret, 0, code);
	long st = staff_login_with(c, m->username, STAFF_PASSWORD, code, &r);
	if (st != 303)
		fprintf(stderr, "staff login of %s answered %ld: %s\n", m->username, st, r.body);
	assert_int_equal(st, 303);
	bool asked = staff_asked_to_acknowledge(&r);
	http_resp_free(&r);
	if (asked) {
		assert_int_equal(staff_acknowledge(c, &r), 303);
		http_resp_free(&r);
	}
}

long staff_get(struct client *c, const char *path, struct http_resp *r)
{
	assert_int_equal(client_get(c, env_staff(), path, r), 0);
	return r->status;
}
