/* throttle.h — every "too many attempts" rule of both pools in one place.  A throttle never
 * waits: it answers whether a subject is over its rule now, and for how long it will be. */
#ifndef DITTO_THROTTLE_H
#define DITTO_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

enum throttle_kind {
	THROTTLE_LOGIN,       /* failed password checks of customers from one network */
	THROTTLE_STAFF_LOGIN, /* failed staff sign-ins from one network */
	THROTTLE_REGISTER,    /* registrations from one network */
	THROTTLE_MAIL,        /* unasked-for mails to one recipient (registration notices) */
	THROTTLE_ACCOUNT_PW,  /* wrong current passwords in My Account, per account */
	THROTTLE_LOCK,        /* failed passwords for one account from one network */
	THROTTLE_RESET,       /* password reset requests from one network */
	THROTTLE_RESET_MAIL,  /* password reset links mailed to one account */
	THROTTLE__MAX
};

/* The network a client address stands for: an IPv4 address as it is, an IPv6 address as its
 * /64 (one customer line hands out a whole /64).  Writes "" for anything else. */
void throttle_network(const char *addr, char *out, size_t cap);

/*
 * Whether subject (NULL: the request's network) is over kind's rule now; *retry_after gets the
 * seconds until it no longer is (0 when not over).  Returns 0 or -1 on a database error.
 */
int throttle_over(struct request *req, enum throttle_kind kind, const char *subject, bool *over,
                  int *retry_after);
/* Counts one attempt (failure, registration, mail) against subject (NULL: the network). */
int throttle_count(struct request *req, enum throttle_kind kind, const char *subject);
/* The request's network (throttle_network of its address) in the request's arena. */
const char *throttle_request_network(struct request *req);
/*
 * The lockout's subject for an account: its id and the request's network.  lockout_failures
 * bad passwords lock the account for that network only, so a stranger's guesses never lock
 * its owner out elsewhere (a lock is no weapon).
 */
const char *throttle_lock_subject(struct request *req, long long customer_id);
/* Forgets subject's count under kind (NULL: the network): the attempts it counted no longer
 * matter (a password reset lifts the lock its network earned against the old password). */
int throttle_clear(struct request *req, enum throttle_kind kind, const char *subject);

/* Sets 429 and Retry-After on res. */
void throttle_refuse(struct response *res, int retry_after);

/*
 * The login form's ticket: "unix-seconds.mac" under the site key.  A POST whose ticket is at
 * least THROTTLE_TICKET_WAIT seconds (and at most THROTTLE_TICKET_LIFE) old passes the network
 * throttle, so the owner of an account on a network that others hammer gets in after a short
 * wait that costs no worker: the waiting happens in the browser, not in a worker.
 */
#define THROTTLE_TICKET_WAIT 5
#define THROTTLE_TICKET_LIFE 900
const char *throttle_ticket(struct request *req);
bool throttle_ticket_ripe(const char *ticket, long long now);

#endif
