/* ctl_mail.h — what `dittoctl mail send` and `dittoctl mail promotions` share: the transports a
 * message leaves by, and the promotions command. */
#ifndef DITTO_CTL_MAIL_H
#define DITTO_CTL_MAIL_H

#include <stddef.h>

/* Outcome of handing one message to a transport. */
enum mail_result {
	MAIL_SENT,
	MAIL_REFUSED, /* the message itself can never be sent: give it up */
	MAIL_FAILED,  /* the transport failed: try again after the backoff */
};

/* Longest a mail_command may take for one message; claims last well beyond it. */
#define MAIL_COMMAND_TIMEOUT 60
/* How long a sender's claim on a message lasts (must exceed MAIL_COMMAND_TIMEOUT by far). */
#define MAIL_CLAIM_SECONDS 600
/* Most words in mail_command. */
#define MAIL_COMMAND_ARGS 32

/*
 * Splits command (config mail_command) on spaces and tabs into argv (at
 * most MAIL_COMMAND_ARGS words, NULL-terminated; words point into buf, a
 * copy of command of cap bytes).  No quoting, no shell: the words are the
 * program's argv exactly.  Returns the number of words, or -1 when the
 * first is not an absolute path or there are too many.
 */
int mail_command_split(const char *command, char *buf, size_t cap,
                       char *argv[MAIL_COMMAND_ARGS + 1]);

/*
 * Runs argv (no shell, stdout and stderr to /dev/null: they could quote
 * the address) with msg on its standard input and waits at most
 * MAIL_COMMAND_TIMEOUT seconds (then kills it).  Exit status 0 means
 * delivered.  On failure *why is a short reason without message content.
 */
enum mail_result mail_command_deliver(char *const argv[], const char *msg, size_t len, char *why,
                                      size_t whylen);

/*
 * Writes <dirfd>/<id>.eml atomically and durably (ctl_replace_file): the
 * default transport when no mail_command is configured.  Rewriting the
 * same id replaces the file.  On failure *why says why.
 */
enum mail_result mail_file_deliver(int dirfd, long long id, const char *msg, size_t len, char *why,
                                   size_t whylen);

/* `dittoctl mail promotions` (ctl_mail_promotions.c); argv[0] is "promotions". */
extern const char ctl_mail_promotions_usage[];
int ctl_mail_promotions(int argc, char **argv);

#endif
