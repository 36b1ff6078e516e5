/* lease.c — job leases in job_leases: take, renew, release. */
#include "lease.h"

#include <string.h>

#include "../arena.h"
#include "db.h"

static const char SQL_ENSURE[] = "INSERT IGNORE INTO job_leases (name) VALUES (?)";
static const char SQL_LOCK[] =
    "SELECT holder, expires_at > UTC_TIMESTAMP(6) FROM job_leases WHERE name = ? FOR UPDATE";
static const char SQL_SET[] = "UPDATE job_leases SET holder = ?, "
                              "expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE name = ?";
static const char SQL_RENEW[] =
    "UPDATE job_leases SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND "
    "WHERE name = ? AND holder = ?";
static const char SQL_RELEASE[] =
    "UPDATE job_leases SET holder = '', expires_at = '1970-01-01 00:00:00' "
    "WHERE name = ? AND holder = ?";

struct take_ctx {
	struct arena *a;
	const char *name, *holder;
	int seconds;
	bool (*gone)(const char *holder, void *ctx);
	void *gone_ctx;
	const char *other; /* set when another run holds it */
};

static int take_tx(struct db *db, void *vctx)
{
	struct take_ctx *c = vctx;
	struct db_rows r;
	c->other = NULL;
	if (db_query(db, c->a, SQL_LOCK, DB_ARGS(DB_STR(c->name)), &r) < 0)
		return -1;
	if (r.nrows != 1)
		return -1;
	const char *now = db_cell(&r, 0, 0);
	bool live = db_cell_int(&r, 0, 1) != 0;
	bool mine = now != NULL && strcmp(now, c->holder) == 0;
	if (live && !mine && !(c->gone != NULL && c->gone(now, c->gone_ctx))) {
		c->other = arena_strdup(c->a, now != NULL ? now : "");
		return 0; /* commit nothing changed: the row lock ends here */
	}
	return db_exec(db, SQL_SET, DB_ARGS(DB_STR(c->holder), DB_INT(c->seconds), DB_STR(c->name)),
	               NULL, NULL);
}

int db_lease_take(struct db *db, struct arena *a, const char *name, const char *holder, int seconds,
                  bool (*gone)(const char *holder, void *ctx), void *ctx, const char **other)
{
	struct take_ctx c = {.a = a,
	                     .name = name,
	                     .holder = holder,
	                     .seconds = seconds,
	                     .gone = gone,
	                     .gone_ctx = ctx};
	/* Outside the transaction: two first runs racing to create the row both find it after. */
	if (db_exec(db, SQL_ENSURE, DB_ARGS(DB_STR(name)), NULL, NULL) < 0)
		return -1;
	if (db_tx(db, take_tx, &c) < 0)
		return -1;
	*other = c.other;
	return c.other == NULL ? 1 : 0;
}

int db_lease_renew(struct db *db, const char *name, const char *holder, int seconds)
{
	unsigned long long n = 0;
	if (db_exec(db, SQL_RENEW, DB_ARGS(DB_INT(seconds), DB_STR(name), DB_STR(holder)), &n,
	            NULL) < 0)
		return -1;
	return n > 0 ? 1 : 0;
}

int db_lease_release(struct db *db, const char *name, const char *holder)
{
	return db_exec(db, SQL_RELEASE, DB_ARGS(DB_STR(name), DB_STR(holder)), NULL, NULL);
}
