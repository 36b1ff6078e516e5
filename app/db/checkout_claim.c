/* checkout_claim.c — a checkout's claim of its form nonce: a row in checkout_claims. */
#include "checkout_claim.h"

#include <string.h>

#include "../arena.h"
#include "db.h"

static const char SQL_LOCK[] = "SELECT holder, claimed_until > UTC_TIMESTAMP(6) FROM "
                               "checkout_claims WHERE customer_id = ? AND nonce = ? FOR UPDATE";
static const char SQL_INSERT[] =
    "INSERT INTO checkout_claims (customer_id, nonce, holder, claimed_until) "
    "VALUES (?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND)";
static const char SQL_TAKE[] =
    "UPDATE checkout_claims SET holder = ?, claimed_until = UTC_TIMESTAMP(6) + INTERVAL ? "
    "SECOND WHERE customer_id = ? AND nonce = ?";
static const char SQL_FREE[] =
    "DELETE FROM checkout_claims WHERE customer_id = ? AND ((nonce = ? AND holder = ?) OR "
    "claimed_until < UTC_TIMESTAMP(6) - INTERVAL 1 DAY)";

struct claim_ctx {
	long long customer_id;
	const char *nonce, *holder;
	int seconds;
	int claimed; /* 1 or 0, decided by the last run of claim_tx */
};

static int claim_tx(struct db *db, void *vctx)
{
	struct claim_ctx *c = vctx;
	struct arena *a = arena_new();
	struct db_rows r;
	int rc = -1;
	if (a == NULL)
		return -1;
	c->claimed = 0;
	if (db_query(db, a, SQL_LOCK, DB_ARGS(DB_INT(c->customer_id), DB_STR(c->nonce)), &r) < 0)
		goto out;
	if (r.nrows == 0) {
		/* Two first submits on one node: the second waits on the key, then fails with a
		 * duplicate (answered as busy below); on two nodes, certification fails one at
		 * COMMIT and db_tx runs it again, when it finds the other's row. */
		rc = db_exec(db, SQL_INSERT,
		             DB_ARGS(DB_INT(c->customer_id), DB_STR(c->nonce), DB_STR(c->holder),
		                     DB_INT(c->seconds)),
		             NULL, NULL);
		if (rc < 0 && db_errno(db) == DB_ER_DUP_ENTRY)
			rc = 0; /* another claim won: nothing written, commit nothing */
		else if (rc == 0)
			c->claimed = 1;
		goto out;
	}
	const char *holder = db_cell(&r, 0, 0);
	bool live = db_cell_int(&r, 0, 1) != 0;
	if (live && (holder == NULL || strcmp(holder, c->holder) != 0)) {
		rc = 0; /* held by a live checkout */
		goto out;
	}
	rc = db_exec(db, SQL_TAKE,
	             DB_ARGS(DB_STR(c->holder), DB_INT(c->seconds), DB_INT(c->customer_id),
	                     DB_STR(c->nonce)),
	             NULL, NULL);
	if (rc == 0)
		c->claimed = 1;
out:
	arena_free(a);
	return rc;
}

int db_checkout_claim(struct db *db, long long customer_id, const char *nonce, const char *holder,
                      int seconds)
{
	struct claim_ctx c = {
	    .customer_id = customer_id, .nonce = nonce, .holder = holder, .seconds = seconds};
	/* At READ COMMITTED the SELECT ... FOR UPDATE of a claim not there yet locks no gap: a
	 * gap lock on this nearly empty table held every other customer's claim, and on a Galera
	 * node Galera's applier inserting a claim from another node. */
	if (db_tx_read_committed(db, claim_tx, &c) < 0)
		return -1;
	return c.claimed;
}

int db_checkout_unclaim(struct db *db, long long customer_id, const char *nonce, const char *holder)
{
	return db_exec(db, SQL_FREE, DB_ARGS(DB_INT(customer_id), DB_STR(nonce), DB_STR(holder)),
	               NULL, NULL);
}
