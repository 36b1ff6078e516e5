/* test_staff_reps.c — the representative's work on the staff site through nginx: the queue of
 * pending registrations, approve, deny with a reason the applicant is told, contact with a
 * note kept, cancel (a signed-in customer is out at once) and restore; double submits change
 * nothing; every other role gets 403 on every representative action and changes nothing; the
 * audit chain still verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

/* The representative every test acts as (signed in once). */
static struct member rep;
static struct client rep_c;

/* A fresh pending registration through the shop's form; its username in user (80 bytes). */
static long long registered(char *user)
{
	snprintf(user, 80, "%s", unique("appl"));
	assert_int_equal(do_register(user, mail_of(user), urlenc(TEST_PASSWORD)), 200);
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
	assert_true(id > 0);
	assert_int_equal(
	    sql_admin_int("SELECT status = 'pending' FROM customers WHERE id = %lld", id), 1);
	return id;
}

/* The staff session's csrf token, from any page of the staff site. */
static char *staff_csrf(struct client *c)
{
	struct http_resp r;
	assert_int_equal(staff_get(c, "/admin", &r), 200);
	char *t = html_csrf(r.body);
	assert_non_null(t);
	http_resp_free(&r);
	return t;
}

/* POSTs fields (urlencoded, may be "") to /admin/customers/<id>/<verb> as c, with its csrf.
 * Returns the status; r keeps the answer. */
static long act(struct client *c, long long id, const char *verb, const char *fields,
                struct http_resp *r)
{
	char *csrf = staff_csrf(c);
	char path[96], body[8192];
	snprintf(path, sizeof(path), "/admin/customers/%lld/%s", id, verb);
	snprintf(body, sizeof(body), "csrf=%s%s%s", csrf, *fields ? "&" : "", fields);
	free(csrf);
	assert_int_equal(client_post(c, env_staff(), path, body, r), 0);
	return r->status;
}

/* Like act, for a status the answer should have, freeing it; returns nothing. */
static void act_expect(struct client *c, long long id, const char *verb, const char *fields,
                       long want, const char *body_has)
{
	struct http_resp r;
	long st = act(c, id, verb, fields, &r);
	if (st != want || (body_has != NULL && strstr(r.body, body_has) == NULL))
		fprintf(stderr, "%s %lld: %ld, wanted %ld with \"%s\": %.600s\n", verb, id, st,
		        want, body_has ? body_has : "", r.body);
	assert_int_equal(st, want);
	if (body_has != NULL)
		assert_non_null(strstr(r.body, body_has));
	http_resp_free(&r);
}

/* Everything a representative action may change about customer id, as one fingerprint. */
struct snapshot {
	long long status_changed, history, outbox, contacts, sessions, audit_actions;
	char status[16];
};

static void snap(long long id, struct snapshot *s)
{
	/* The status as a number (its position in the ENUM), so that sql_admin_int can read it. */
	long long st = sql_admin_int("SELECT status + 0 FROM customers WHERE id = %lld", id);
	snprintf(s->status, sizeof(s->status), "%lld", st);
	s->status_changed = sql_admin_int(
	    "SELECT COALESCE(UNIX_TIMESTAMP(status_changed_at), 0) FROM customers WHERE id = %lld",
	    id);
	s->history = sql_admin_int(
	    "SELECT COUNT(*) FROM customer_status_history WHERE customer_id = %lld", id);
	s->outbox = sql_admin_int("SELECT COUNT(*) FROM outbox WHERE customer_id = %lld", id);
	s->contacts =
	    sql_admin_int("SELECT COUNT(*) FROM customer_contacts WHERE customer_id = %lld", id);
	s->sessions = sql_admin_int("SELECT COUNT(*) FROM sessions WHERE customer_id = %lld", id);
	s->audit_actions = sql_admin_int(
	    "SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld AND action LIKE 'customer_%%'",
	    id);
}

static void assert_unchanged(const struct snapshot *a, const struct snapshot *b)
{
	assert_string_equal(a->status, b->status);
	assert_int_equal(a->status_changed, b->status_changed);
	assert_int_equal(a->history, b->history);
	assert_int_equal(a->outbox, b->outbox);
	assert_int_equal(a->contacts, b->contacts);
	assert_int_equal(a->sessions, b->sessions);
	assert_int_equal(a->audit_actions, b->audit_actions);
}

static long long count_audit(long long id, const char *action)
{
	return sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld AND "
	                     "action = '%s' AND staff_username = '%s' AND role = 'representative'",
	                     id, action, rep.username);
}

static const char *status_of(long long id)
{
	static char s[16];
	static const char *const names[] = {"?",         "pending",     "approved", "denied",
	                                    "cancelled", "deactivated", "deleted"};
	long long n = sql_admin_int("SELECT status + 0 FROM customers WHERE id = %lld", id);
	snprintf(s, sizeof(s), "%s", n >= 1 && n <= 6 ? names[n] : "?");
	return s;
}

/* The page and position where the queue lists username (page 0: not listed). */
struct place {
	int page;
	long offset;
};

static struct place queue_place(struct client *c, const char *username, char *waited, size_t cap)
{
	for (int page = 1; page < 200; page++) {
		char path[64];
		snprintf(path, sizeof(path), "/admin/registrations?page=%d", page);
		struct http_resp r;
		assert_int_equal(staff_get(c, path, &r), 200);
		char needle[128];
		snprintf(needle, sizeof(needle), "<dd class=\"f-username\">%s</dd>", username);
		const char *at = strstr(r.body, needle);
		if (at != NULL) {
			/* The wait is in the heading of the applicant's section, before the fields.
			 */
			const char *sec = at;
			while (sec > r.body &&
			       strncmp(sec, "<section class=\"applicant\">", 27) != 0)
				sec--;
			const char *w = strstr(sec, "waiting ");
			if (waited != NULL && w != NULL && w < at)
				snprintf(waited, cap, "%.*s", (int)strcspn(w, "<"), w);
			struct place p = {page, at - r.body};
			http_resp_free(&r);
			return p;
		}
		bool more = strstr(r.body, ">Next</a>") != NULL;
		http_resp_free(&r);
		if (!more)
			break;
	}
	return (struct place){0, 0};
}

static int setup(void **state)
{
	(void)state;
	sql_admin("DELETE FROM login_throttle");
	member_new(&rep, ROLE_REPRESENTATIVE);
	staff_login(&rep_c, &rep);
	return 0;
}

/* ---- the queue and approval ----------------------------------------------------------- */

static void
test_queue_lists_pending_oldest_first_with_wait_and_approved_applicant_signs_in(void **state)
{
	(void)state;
	char older[80], newer[80];
	long long old_id = registered(older), new_id = registered(newer);
	assert_int_equal(sql_admin("UPDATE customers SET registered_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 3 DAY - INTERVAL 2 HOUR WHERE id = %lld",
	                           old_id),
	                 0);
	assert_int_equal(sql_admin("UPDATE customers SET registered_at = UTC_TIMESTAMP(6) - "
	                           "INTERVAL 5 HOUR - INTERVAL 10 MINUTE WHERE id = %lld",
	                           new_id),
	                 0);
	long long views_before = sql_admin_int(
	    "SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld AND action = 'view'", old_id);
	char w_old[64] = "", w_new[64] = "";
	struct place p_old = queue_place(&rep_c, older, w_old, sizeof(w_old));
	struct place p_new = queue_place(&rep_c, newer, w_new, sizeof(w_new));
	assert_true(p_old.page > 0 && p_new.page > 0);
	assert_true(p_old.page < p_new.page ||
	            (p_old.page == p_new.page && p_old.offset < p_new.offset));
	assert_string_equal(w_old, "waiting 3 days");
	assert_string_equal(w_new, "waiting 5 hours");
	/* The queue showed the applicant's fields in full: an audit row per page view. */
	assert_true(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE customer_id = %lld AND "
	                          "action = 'view' AND fields LIKE 'name,email,username%%' AND "
	                          "route = '/admin/registrations'",
	                          old_id) > views_before);

	/* Approve from the queue: back to the queue, the applicant is no longer in it. */
	struct http_resp r;
	assert_int_equal(act(&rep_c, old_id, "approve", "from=registrations&reason=", &r), 303);
	char *loc = http_header_value(&r, "Location");
	assert_non_null(loc);
	assert_non_null(strstr(loc, "/admin/registrations"));
	free(loc);
	http_resp_free(&r);
	assert_string_equal(status_of(old_id), "approved");
	assert_int_equal(queue_place(&rep_c, older, NULL, 0).page, 0);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_status_history WHERE "
	                               "customer_id = %lld AND status = 'approved' AND "
	                               "changed_by = 'staff:%s'",
	                               old_id, rep.username),
	                 1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM outbox o JOIN customers c ON "
	                               "c.id = o.customer_id WHERE o.customer_id = %lld AND "
	                               "o.kind = 'access_approved' AND o.recipient = c.email",
	                               old_id),
	                 1);
	assert_int_equal(count_audit(old_id, "customer_approve"), 1);

	/* The applicant signs in on the shop. */
	struct client shop = {0};
	assert_int_equal(do_login(&shop, older, TEST_PASSWORD, NULL), 303);
	assert_int_equal(client_get(&shop, env_web(), "/catalog", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);

	/* Approving again changes nothing and says so. */
	struct snapshot before, after;
	snap(old_id, &before);
	act_expect(&rep_c, old_id, "approve", "reason=", 409, "already approved");
	snap(old_id, &after);
	assert_unchanged(&before, &after);
}

static void test_deny_mails_the_reason_and_the_applicant_cannot_sign_in(void **state)
{
	(void)state;
	char user[80];
	long long id = registered(user);
	struct snapshot before, after;
	snap(id, &before);
	/* No reason: the form again with a message beside the field, nothing changed. */
	act_expect(&rep_c, id, "deny", "reason=", 422, "Give the reason the customer will be told");
	act_expect(&rep_c, id, "deny", "reason=%20%20", 422, "Give the reason");
	snap(id, &after);
	assert_unchanged(&before, &after);

	act_expect(&rep_c, id, "deny", "reason=We+could+not+confirm+the+address+you+gave", 303,
	           NULL);
	assert_string_equal(status_of(id), "denied");
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE customer_id = %lld AND kind = "
	                  "'access_denied' AND body LIKE '%%We could not confirm the address you "
	                  "gave%%'",
	                  id),
	    1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_status_history WHERE "
	                               "customer_id = %lld AND status = 'denied' AND reason = "
	                               "'We could not confirm the address you gave'",
	                               id),
	                 1);
	assert_int_equal(count_audit(id, "customer_deny"), 1);
	struct client shop = {0};
	assert_true(do_login(&shop, user, TEST_PASSWORD, NULL) != 303);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM sessions WHERE customer_id = %lld", id), 0);

	snap(id, &before);
	act_expect(&rep_c, id, "deny", "reason=again", 409, "already denied");
	/* A denied account is no pending registration: nothing to cancel either. */
	act_expect(&rep_c, id, "cancel", "reason=again", 409,
	           "only pending or approved accounts can be cancelled");
	snap(id, &after);
	assert_unchanged(&before, &after);
}

/* The value of the first hidden nonce field in body, malloc'd. */
static char *html_nonce(const char *body)
{
	const char *p = strstr(body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	return strndup(p, strcspn(p, "\""));
}

static void test_contact_queues_the_message_and_keeps_the_note_once(void **state)
{
	(void)state;
	char user[80];
	long long id = registered(user);
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", id);
	struct http_resp r;
	assert_int_equal(staff_get(&rep_c, path, &r), 200);
	char *nonce = html_nonce(r.body);
	/* A pending registration gets approve, deny and contact; no cancel or restore. */
	assert_non_null(strstr(r.body, "/approve\""));
	assert_non_null(strstr(r.body, "/deny\""));
	assert_non_null(strstr(r.body, "/contact\""));
	assert_null(strstr(r.body, "/restore\""));
	assert_null(strstr(r.body, "/cancel\""));
	http_resp_free(&r);

	struct snapshot before, after;
	snap(id, &before);
	char fields[512];
	snprintf(fields, sizeof(fields), "nonce=%s&message=&note=", nonce);
	act_expect(&rep_c, id, "contact", fields, 422, "Write the message to the applicant");
	snap(id, &after);
	assert_unchanged(&before, &after);

	snprintf(fields, sizeof(fields),
	         "nonce=%s&message=Could+you+tell+us+your+shop%%27s+name%%3F%%0D%%0AThank+you."
	         "&note=Asked+for+the+shop+name+by+mail",
	         nonce);
	act_expect(&rep_c, id, "contact", fields, 303, NULL);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox o JOIN customers c ON c.id = o.customer_id "
	                  "WHERE o.customer_id = %lld AND o.kind = 'access_contact' AND "
	                  "o.recipient = c.email AND o.body LIKE '%%Could you tell us your "
	                  "shop''s name?%%Thank you.%%' AND o.body NOT LIKE '%%Asked for%%'",
	                  id),
	    1);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_contacts k JOIN staff s ON "
	                               "s.id = k.staff_id WHERE k.customer_id = %lld AND k.note = "
	                               "'Asked for the shop name by mail' AND s.username = '%s'",
	                               id, rep.username),
	                 1);
	assert_int_equal(count_audit(id, "customer_contact"), 1);
	assert_string_equal(status_of(id), "pending");

	/* The same form again sends nothing and says so. */
	snap(id, &before);
	act_expect(&rep_c, id, "contact", fields, 409, "sent already");
	snap(id, &after);
	assert_unchanged(&before, &after);
	free(nonce);

	/* The note is on the customer page for the next representative. */
	assert_int_equal(staff_get(&rep_c, path, &r), 200);
	assert_non_null(strstr(r.body, "Asked for the shop name by mail"));
	http_resp_free(&r);
}

static void test_cancel_ends_a_signed_in_customer_at_once_and_restore_lets_them_back(void **state)
{
	(void)state;
	char user[80];
	snprintf(user, sizeof(user), "%s", approved_user());
	long long id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", user);
	struct client shop = {0};
	assert_int_equal(do_login(&shop, user, TEST_PASSWORD, NULL), 303);
	struct http_resp r;
	assert_int_equal(client_get(&shop, env_web(), "/catalog", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);

	/* An approved account's page offers cancel only. */
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", id);
	assert_int_equal(staff_get(&rep_c, path, &r), 200);
	assert_non_null(strstr(r.body, "/cancel\""));
	assert_null(strstr(r.body, "/approve\""));
	assert_null(strstr(r.body, "/restore\""));
	http_resp_free(&r);

	struct snapshot before, after;
	snap(id, &before);
	act_expect(&rep_c, id, "cancel", "reason=", 422, "Give the reason");
	snap(id, &after);
	assert_unchanged(&before, &after);
	assert_int_equal(client_get(&shop, env_web(), "/catalog", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);

	act_expect(&rep_c, id, "cancel", "reason=Repeated+chargebacks", 303, NULL);
	assert_string_equal(status_of(id), "cancelled");
	/* The customer's very next request is refused: the session is gone. */
	assert_int_equal(client_get(&shop, env_web(), "/catalog", &r), 0);
	assert_int_not_equal(r.status, 200);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM sessions WHERE customer_id = %lld", id), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM outbox WHERE customer_id = %lld AND kind = "
	                  "'access_cancelled' AND body LIKE '%%Repeated chargebacks%%'",
	                  id),
	    1);
	assert_int_equal(count_audit(id, "customer_cancel"), 1);
	struct client again = {0};
	assert_true(do_login(&again, user, TEST_PASSWORD, NULL) != 303);

	snap(id, &before);
	act_expect(&rep_c, id, "cancel", "reason=twice", 409, "already cancelled");
	snap(id, &after);
	assert_unchanged(&before, &after);

	/* A cancelled account's page offers restore. */
	assert_int_equal(staff_get(&rep_c, path, &r), 200);
	assert_non_null(strstr(r.body, "/restore\""));
	assert_null(strstr(r.body, "/cancel\""));
	http_resp_free(&r);
	act_expect(&rep_c, id, "restore", "reason=Chargebacks+were+the+bank%27s+error", 303, NULL);
	assert_string_equal(status_of(id), "approved");
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM customer_status_history WHERE "
	                               "customer_id = %lld AND status = 'approved' AND note = "
	                               "'Chargebacks were the bank''s error' AND reason IS NULL",
	                               id),
	                 1);
	assert_int_equal(count_audit(id, "customer_restore"), 1);
	struct client back = {0};
	assert_int_equal(do_login(&back, user, TEST_PASSWORD, NULL), 303);
	assert_int_equal(client_get(&back, env_web(), "/catalog", &r), 0);
	assert_int_equal(r.status, 200);
	http_resp_free(&r);

	snap(id, &before);
	act_expect(&rep_c, id, "restore", "", 409, "already approved");
	snap(id, &after);
	assert_unchanged(&before, &after);
	/* Restore is for accounts that had access: a pending registration is approved instead. */
	char other[80];
	long long pending = registered(other);
	snap(pending, &before);
	act_expect(&rep_c, pending, "restore", "", 409, "only cancelled or deactivated");
	snap(pending, &after);
	assert_unchanged(&before, &after);
}

static void test_unknown_customer_is_not_found(void **state)
{
	(void)state;
	long long none = sql_admin_int("SELECT COALESCE(MAX(id), 0) + 1000 FROM customers");
	act_expect(&rep_c, none, "approve", "", 404, NULL);
	act_expect(&rep_c, none, "cancel", "reason=x", 404, NULL);
}

/* ---- every other role ---------------------------------------------------------------- */

/* Posts every representative action of the ACTIONS table as role on a pending and an approved
 * customer: 403 each, and nothing about either changed. */
static void check_role_refused(enum staff_role role, long long pending, long long approved)
{
	struct member m;
	member_new(&m, role);
	struct client c = {0};
	staff_login(&c, &m);
	struct http_resp r;
	assert_int_equal(staff_get(&c, "/admin/registrations", &r), 403);
	http_resp_free(&r);
	/* The customer page, for a role that opens it, offers no form. */
	char path[64];
	snprintf(path, sizeof(path), "/admin/customers/%lld", pending);
	long st = staff_get(&c, path, &r);
	if (st == 200) {
		assert_null(strstr(r.body, "/approve\""));
		assert_null(strstr(r.body, "/deny\""));
		assert_null(strstr(r.body, "/contact\""));
		assert_null(strstr(r.body, "name=\"reason\""));
	}
	http_resp_free(&r);
	const long long ids[] = {pending, approved};
	for (int a = 0; a < ACTION__MAX; a++) {
		const struct staff_action_info *ai = privacy_action(a);
		if (strncmp(ai->pattern, "/admin/customers/", 17) != 0 ||
		    privacy_action_allowed(a, role))
			continue;
		const char *verb = strrchr(ai->pattern, '/') + 1;
		for (size_t k = 0; k < 2; k++) {
			struct snapshot before, after;
			snap(ids[k], &before);
			char fields[256];
			snprintf(fields, sizeof(fields),
			         "reason=because&message=hello&note=n&nonce=%s", unique("n"));
			long got = act(&c, ids[k], verb, fields, &r);
			if (got != 403)
				fprintf(stderr, "%s as %s: %ld\n", ai->pattern,
				        privacy_role_name(role), got);
			assert_int_equal(got, 403);
			http_resp_free(&r);
			snap(ids[k], &after);
			assert_unchanged(&before, &after);
		}
	}
}

static void test_every_other_role_gets_403_and_changes_nothing(void **state)
{
	(void)state;
	char p[80], a[80];
	long long pending = registered(p);
	snprintf(a, sizeof(a), "%s", approved_user());
	long long approved = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", a);
	/* A live shop session, so that an ended one would show. */
	struct client shop = {0};
	assert_int_equal(do_login(&shop, a, TEST_PASSWORD, NULL), 303);
	int checked = 0;
	for (int role = 0; role < ROLE__MAX; role++) {
		if (privacy_page_allowed(PAGE_REGISTRATIONS, role))
			continue;
		check_role_refused((enum staff_role)role, pending, approved);
		checked++;
	}
	assert_int_equal(checked, ROLE__MAX - 1);
	assert_string_equal(status_of(pending), "pending");
	assert_string_equal(status_of(approved), "approved");
}

/* ---- the chain ------------------------------------------------------------------------ */

static void test_audit_chain_verifies_after_all_of_it(void **state)
{
	(void)state;
	struct ctl_run run;
	staff_ctl(&run, NULL, "audit verify");
	if (run.status != 0)
		fprintf(stderr, "%s%s", run.out, run.err);
	assert_int_equal(run.status, 0);
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -f '%s'/run/test-staff-*", env_state());
	return 0;
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_queue_lists_pending_oldest_first_with_wait_and_approved_applicant_signs_in),
	    cmocka_unit_test(test_deny_mails_the_reason_and_the_applicant_cannot_sign_in),
	    cmocka_unit_test(test_contact_queues_the_message_and_keeps_the_note_once),
	    cmocka_unit_test(
	        test_cancel_ends_a_signed_in_customer_at_once_and_restore_lets_them_back),
	    cmocka_unit_test(test_unknown_customer_is_not_found),
	    cmocka_unit_test(test_every_other_role_gets_403_and_changes_nothing),
	    cmocka_unit_test(test_audit_chain_verifies_after_all_of_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
