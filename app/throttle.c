/* throttle.c — attempt counting per network, account or recipient (see throttle.h). */
#include "throttle.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "db/sessions.h"
#include "session.h"

struct throttle_rule {
	const char *name; /* part of the hashed key: the kinds never share a counter */
	int max;          /* attempts in the window before the subject is over */
	int window_min;   /* minutes; the window restarts after one without attempts */
	bool relaxable;   /* test stacks may lift it for their own loopback address */
};

static const struct throttle_rule RULES[THROTTLE__MAX] = {
    [THROTTLE_LOGIN] = {"login", 10, 15, true},
    [THROTTLE_STAFF_LOGIN] = {"staff-login", 20, 15, true},
    [THROTTLE_REGISTER] = {"register", 5, 60, true},
    [THROTTLE_MAIL] = {"mail", 3, 60, true},
    [THROTTLE_ACCOUNT_PW] = {"account-password", 10, 15, true},
    /* The lockout's numbers come from the configuration (lockout_failures/_minutes). */
    [THROTTLE_LOCK] = {"lock", 0, 0, false},
    [THROTTLE_RESET] = {"reset", 10, 60, true},
    /* Keyed by the account, not by who asks: no test address may lift it. */
    [THROTTLE_RESET_MAIL] = {"reset-mail", 3, 60, false},
};

void throttle_network(const char *addr, char *out, size_t cap)
{
	struct in6_addr a6;
	struct in_addr a4;
	char buf[INET6_ADDRSTRLEN];
	out[0] = '\0';
	if (addr == NULL)
		return;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		snprintf(out, cap, "%s", addr);
		return;
	}
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return;
	/* Only the first 64 bits name the network; the rest the host picks at will. */
	memset(a6.s6_addr + 8, 0, 8);
	if (inet_ntop(AF_INET6, &a6, buf, sizeof(buf)) != NULL)
		snprintf(out, cap, "%s/64", buf);
}

const char *throttle_request_network(struct request *req)
{
	char net[INET6_ADDRSTRLEN + 4];
	throttle_network(req->remote_addr, net, sizeof(net));
	return arena_strdup(req->arena, net);
}

static void rule_of(const struct request *req, enum throttle_kind kind, int *max, int *window)
{
	const struct throttle_rule *r = &RULES[kind];
	*max = kind == THROTTLE_LOCK ? req->cfg->lockout_failures : r->max;
	*window = kind == THROTTLE_LOCK ? req->cfg->lockout_minutes : r->window_min;
	/* Integration tests sign in and register hundreds of times from 127.0.0.1; they lift
	 * the limits for that one address.  Honoured only where test routes are on. */
	if (r->relaxable && req->cfg->test_routes && req->cfg->throttle_relaxed_addr[0] != '\0' &&
	    req->remote_addr != NULL &&
	    strcmp(req->remote_addr, req->cfg->throttle_relaxed_addr) == 0)
		*max *= 1000;
}

/* The row key: a keyed hash of kind and subject, so the table holds no address or name. */
static void key_of(struct request *req, enum throttle_kind kind, const char *subject,
                   unsigned char key[16])
{
	if (subject == NULL)
		subject = throttle_request_network(req);
	session_addr_hash(arena_printf(req->arena, "%s|%s", RULES[kind].name, subject), key);
}

int throttle_over(struct request *req, enum throttle_kind kind, const char *subject, bool *over,
                  int *retry_after)
{
	unsigned char key[16];
	long long count, age;
	int max, window;
	rule_of(req, kind, &max, &window);
	key_of(req, kind, subject, key);
	*over = false;
	*retry_after = 0;
	if (db_throttle_get(req->db, req->arena, key, window, &count, &age) < 0)
		return -1;
	if (count < max)
		return 0;
	*over = true;
	long long left = (long long)window * 60 - age;
	*retry_after = left > 1 ? (int)left : 1;
	return 0;
}

int throttle_count(struct request *req, enum throttle_kind kind, const char *subject)
{
	unsigned char key[16];
	int max, window;
	rule_of(req, kind, &max, &window);
	key_of(req, kind, subject, key);
	return db_throttle_fail(req->db, key, window);
}

int throttle_clear(struct request *req, enum throttle_kind kind, const char *subject)
{
	unsigned char key[16];
	key_of(req, kind, subject, key);
	return db_throttle_clear(req->db, key);
}

const char *throttle_lock_subject(struct request *req, long long customer_id)
{
	return arena_printf(req->arena, "%lld|%s", customer_id, throttle_request_network(req));
}

void throttle_refuse(struct response *res, int retry_after)
{
	char secs[24];
	snprintf(secs, sizeof(secs), "%d", retry_after);
	http_header(res, "Retry-After", secs);
	res->status = 429;
}

static const char TICKET_PURPOSE[] = "login-ticket";

const char *throttle_ticket(struct request *req)
{
	char stamp[24], hex[crypto_auth_BYTES * 2 + 1];
	unsigned char mac[crypto_auth_BYTES];
	snprintf(stamp, sizeof(stamp), "%lld", (long long)time(NULL));
	session_site_mac(TICKET_PURPOSE, stamp, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	return arena_printf(req->arena, "%s.%s", stamp, hex);
}

bool throttle_ticket_ripe(const char *ticket, long long now)
{
	char stamp[24], hex[crypto_auth_BYTES * 2 + 1];
	unsigned char mac[crypto_auth_BYTES];
	const char *dot = ticket != NULL ? strchr(ticket, '.') : NULL;
	if (dot == NULL || dot == ticket || (size_t)(dot - ticket) >= sizeof(stamp))
		return false;
	memcpy(stamp, ticket, (size_t)(dot - ticket));
	stamp[dot - ticket] = '\0';
	session_site_mac(TICKET_PURPOSE, stamp, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	if (strlen(dot + 1) != strlen(hex) || sodium_memcmp(dot + 1, hex, strlen(hex)) != 0)
		return false;
	char *end;
	long long t = strtoll(stamp, &end, 10);
	return *end == '\0' && now - t >= THROTTLE_TICKET_WAIT && now - t <= THROTTLE_TICKET_LIFE;
}
