/* ctl_mail.c — `dittoctl mail send`: delivers the outbox through mail_command or as files in
 * mail_dir, claiming each message in the database so that no message goes out twice. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../app/arena.h"
#include "../app/db/db.h"
#include "../app/db/outbox.h"
#include "../app/mail.h"
#include "../app/mail_message.h"
#include "../app/validate.h"
#include "ctl.h"
#include "ctl_mail.h"

#define MAIL_BATCH 100
/* Consecutive transport failures after which a run stops: the transport is down, and every
 * further message would only spend one of its attempts. */
#define MAIL_STOP_AFTER 3
/* The longest wait between two attempts, however many failed. */
#define MAIL_RETRY_MAX_SECONDS (24 * 3600)

/* One run of mail send: where messages go and what happened to them. */
struct sender {
	struct db *db;
	char run_id[OUTBOX_RUN_ID_LEN + 1];
	char cmdbuf[CONFIG_STR];
	char *argv[MAIL_COMMAND_ARGS + 1]; /* argv[0] NULL: files in mail_dir */
	int dirfd;
	long long sent, retried, given_up, lost;
	int failing;                  /* consecutive transport failures */
	const struct tmpl_set *views; /* the footer and the HTML part's templates */
};

/* The wait before attempt number attempts + 1: mail_retry_seconds, doubled per failure. */
static long long backoff(int attempts)
{
	long long s = cfg.mail_retry_seconds;
	for (int i = 1; i < attempts && s < MAIL_RETRY_MAX_SECONDS; i++)
		s *= 2;
	return s < MAIL_RETRY_MAX_SECONDS ? s : MAIL_RETRY_MAX_SECONDS;
}

/* Formats m and hands it to the run's transport. *why is set on failure. */
static enum mail_result deliver(struct sender *s, const struct outbox_message *m, char *why,
                                size_t whylen)
{
	struct buf b = {0}, text = {0}, html = {0};
	enum mail_result r;
	/* Every message leaves with the shop's footer and an HTML part (app/mail.h). */
	if (mail_delivery_parts(s->views, &cfg, m->subject, m->body, m->body_len, &text, &html) <
	    0) {
		snprintf(why, whylen, "the mail templates cannot be rendered");
		r = MAIL_FAILED;
		goto out;
	}
	const struct mail_message mm = {
	    .id = m->id,
	    .created = m->created,
	    .from = cfg.mail_from,
	    .recipient = m->recipient,
	    .subject = m->subject,
	    .body = text.data,
	    .body_len = text.len,
	    .list_unsubscribe = m->list_unsubscribe,
	    .html = html.data,
	    .html_len = html.len,
	};
	const char *bad = mail_message_format(&mm, &b);
	if (bad != NULL) {
		snprintf(why, whylen, "%s", bad);
		r = MAIL_REFUSED;
	} else if (s->argv[0] != NULL) {
		mail_message_to_lf(&b);
		r = mail_command_deliver(s->argv, b.data, b.len, why, whylen);
	} else {
		r = mail_file_deliver(s->dirfd, m->id, b.data, b.len, why, whylen);
	}
out:
	/* The buffers held a message to a person: leave nothing of it in freed memory. */
	struct buf *bufs[] = {&b, &text, &html};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
		if (bufs[i]->data != NULL)
			sodium_memzero(bufs[i]->data, bufs[i]->cap);
		buf_free(bufs[i]);
	}
	return r;
}

/* Records what delivering m did. Returns 0, or -1 after printing why (a database error). */
static int record(struct sender *s, const struct outbox_message *m, enum mail_result r,
                  const char *why)
{
	if (r == MAIL_SENT) {
		s->failing = 0;
		int rc = db_outbox_mark_sent(s->db, m->id, s->run_id);
		if (rc < 0) {
			fail("delivered message %lld but cannot mark it sent: %s", m->id,
			     db_error(s->db));
			return -1;
		}
		s->sent++;
		/* Our claim lapsed while delivering: another sender may send it again. */
		s->lost += rc == 1;
		return 0;
	}
	int attempts = m->attempts + 1;
	bool give_up = r == MAIL_REFUSED || attempts >= cfg.mail_max_attempts;
	if (db_outbox_mark_failed(s->db, m->id, s->run_id, why, attempts, backoff(attempts),
	                          give_up) < 0) {
		fail("cannot record the failure of message %lld: %s", m->id, db_error(s->db));
		return -1;
	}
	if (give_up)
		s->given_up++;
	else
		s->retried++;
	if (r == MAIL_FAILED)
		s->failing++;
	return 0;
}

/* Claims, delivers and records message id. Returns 0 (also when another sender has it), or
 * -1 after printing why. */
static int send_one(struct sender *s, struct arena *a, long long id)
{
	int c = db_outbox_claim(s->db, id, s->run_id, MAIL_CLAIM_SECONDS);
	if (c <= 0) {
		if (c < 0)
			fail("cannot claim message %lld as %s: %s", id, cfg.db_cron_user,
			     db_error(s->db));
		return c;
	}
	struct outbox_message m;
	int got = db_outbox_get_claimed(s->db, a, id, s->run_id, &m);
	if (got != 0) {
		if (got < 0)
			fail("cannot read message %lld: %s", id, db_error(s->db));
		return got < 0 ? -1 : 0;
	}
	char why[200] = "";
	enum mail_result r = deliver(s, &m, why, sizeof(why));
	return record(s, &m, r, why);
}

/* Delivers due messages until none is left, limit is reached or the transport keeps
 * failing. Returns 0, or -1 after printing why. */
static int send_all(struct sender *s, long long limit)
{
	struct arena *list = arena_new(), *a = arena_new();
	int rc = 0;
	/* The cursor moves past every listed message, so one run tries each at most once. */
	long long after = 0, done = 0;
	while (rc == 0 && s->failing < MAIL_STOP_AFTER) {
		long long want = MAIL_BATCH;
		if (limit >= 0 && limit - done < want)
			want = limit - done;
		if (want <= 0)
			break;
		arena_reset(list);
		long long *ids;
		size_t n;
		if (db_outbox_list_due(s->db, list, after, want, &ids, &n) < 0) {
			fail("cannot read the outbox as %s: %s", cfg.db_cron_user, db_error(s->db));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n && rc == 0 && s->failing < MAIL_STOP_AFTER; i++) {
			after = ids[i];
			long long before = s->sent + s->retried + s->given_up;
			rc = send_one(s, a, ids[i]);
			done += s->sent + s->retried + s->given_up - before;
			/* Bodies are personal messages: wipe each before the next. */
			arena_wipe(a);
			arena_reset(a);
		}
	}
	arena_wipe(a);
	arena_free(a);
	arena_free(list);
	return rc;
}

/* Prepares s's transport from the configuration. Returns 0, or -1 after printing why. */
static int sender_open(struct sender *s)
{
	unsigned char raw[OUTBOX_RUN_ID_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(s->run_id, sizeof(s->run_id), raw, sizeof(raw));
	s->dirfd = -1;
	if ((s->views = ctl_views()) == NULL)
		return -1;
	if (cfg.mail_command[0] != '\0') {
		if (mail_command_split(cfg.mail_command, s->cmdbuf, sizeof(s->cmdbuf), s->argv) < 0)
			return fail("mail_command must start with an absolute path and have at "
			            "most %d words",
			            MAIL_COMMAND_ARGS);
		/* A command that exits early must not kill us mid-write: EPIPE instead. */
		signal(SIGPIPE, SIG_IGN);
		return 0;
	}
	if ((s->dirfd = ctl_open_dir(cfg.mail_dir)) < 0)
		return fail("cannot use mail directory %s: %s", cfg.mail_dir, strerror(errno));
	return 0;
}

/* Prints the run's summary; returns the exit status. */
static int report(const struct sender *s, int rc)
{
	printf("sent %lld message(s)\n", s->sent);
	if (rc < 0)
		return CTL_ERR;
	if (s->lost > 0)
		return fail("%lld message(s) were delivered after their claim lapsed (a slow "
		            "mail_command?): they may arrive twice",
		            s->lost);
	if (s->failing >= MAIL_STOP_AFTER)
		return fail("the transport failed %d times in a row, so this run stopped; %lld "
		            "message(s) will be retried, %lld given up; see outbox.last_error",
		            MAIL_STOP_AFTER, s->retried, s->given_up);
	if (s->retried + s->given_up > 0)
		return fail("%lld message(s) could not be sent: %lld will be retried, %lld given "
		            "up; see outbox.last_error",
		            s->retried + s->given_up, s->retried, s->given_up);
	return CTL_OK;
}

static const char mail_usage[] =
    "usage: dittoctl mail send [--limit N]\n"
    "       dittoctl mail promotions [--dry-run]\n"
    "send: delivers the outbox messages that are due, oldest first: through mail_command\n"
    "(a sendmail-compatible program such as \"/usr/sbin/sendmail -t -i\", run without a shell,\n"
    "the message on its standard input; exit status 0 means delivered) or, when none is\n"
    "configured, as RFC 5322 files mail_dir/<id>.eml (written atomically). Each message is\n"
    "claimed in the database first, so runs at the same time (on any database node) never\n"
    "send one twice. A failed message waits mail_retry_seconds, doubled after each failure,\n"
    "and is given up after mail_max_attempts (or at once when it has no recipient any more\n"
    "or cannot be formatted); outbox.last_error says why. After 3 failures in a row the run\n"
    "stops. --limit N stops after N messages. Prints \"sent N message(s)\"; exits 1 when a\n"
    "message failed. Connects as db_cron_user.\n"
    "promotions: see dittoctl mail promotions --help.";

static int mail_send(int argc, char **argv)
{
	long long limit = -1;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(mail_usage);
			return CTL_OK;
		}
		const char *v = NULL;
		if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--limit=", 8) == 0)
			v = argv[i] + 8;
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl mail send --help)", argv[i]);
		if (!valid_id(v, &limit) || limit > 100000000)
			return usage_fail("--limit needs a positive number, not '%s'", v);
	}
	struct sender s = {0};
	if ((s.db = ctl_cron_db()) == NULL)
		return CTL_ERR;
	int rc = sender_open(&s);
	if (rc == 0)
		rc = report(&s, send_all(&s, limit));
	else
		rc = CTL_ERR;
	if (s.dirfd >= 0)
		close(s.dirfd);
	db_free(s.db);
	return rc;
}

int cmd_mail(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("mail needs a sub-command: send or promotions (try: dittoctl "
		                  "mail --help)");
	if (ctl_is_help(argv[1])) {
		puts(mail_usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], "send") == 0)
		return mail_send(argc - 1, argv + 1);
	if (strcmp(argv[1], "promotions") == 0)
		return ctl_mail_promotions(argc - 1, argv + 1);
	return usage_fail("unknown mail command '%s' (try: dittoctl mail --help)", argv[1]);
}
