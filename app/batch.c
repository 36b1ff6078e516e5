/* batch.c — the writes a worker defers (batch.h). */
#include "batch.h"

#include "db/db.h"
#include "db/sessions.h"
#include "db/shop.h"
#include "log.h"
#include "scoreboard.h"

enum batch_kind { BATCH_VIEW, BATCH_SEEN };

struct entry {
	enum batch_kind kind;
	long long a, b;   /* VIEW: customer, product; SEEN: session, new visit (0/1) */
	long long count;  /* VIEW: views */
	uint64_t last_ms; /* when the newest of them happened */
	uint64_t
	    first_ms; /* when the oldest of them happened (a profile cleared since drops all) */
};

/* Room past BATCH_MAX: a request notes at most two entries, and the worker writes the batch
 * after any request that left BATCH_MAX or more. */
static struct entry pending[2 * BATCH_MAX];
static size_t npending;
static uint64_t oldest_ms; /* when the first pending entry was noted */

/* Merges into the pending entry of the same key, or adds one. */
static void note(enum batch_kind kind, long long a, long long b, bool merge_b)
{
	uint64_t now = now_ms();
	for (size_t i = 0; i < npending; i++) {
		struct entry *e = &pending[i];
		if (e->kind == kind && e->a == a && (merge_b || e->b == b)) {
			e->count++;
			e->last_ms = now;
			if (merge_b && b)
				e->b = b; /* a new visit stays one */
			return;
		}
	}
	if (npending == sizeof(pending) / sizeof(pending[0]))
		return; /* cannot happen (see above); a request never waits for the database here */
	if (npending == 0)
		oldest_ms = now;
	pending[npending++] = (struct entry){kind, a, b, 1, now, now};
}

void batch_view(long long customer_id, long long product_id)
{
	note(BATCH_VIEW, customer_id, product_id, false);
}

void batch_seen(long long session_id, bool new_visit)
{
	note(BATCH_SEEN, session_id, new_visit ? 1 : 0, true);
}

size_t batch_pending(void)
{
	return npending;
}

int batch_due_in(uint64_t now)
{
	if (npending == 0)
		return -1;
	if (npending >= BATCH_MAX || now >= oldest_ms + BATCH_INTERVAL_MS)
		return 0;
	return (int)(oldest_ms + BATCH_INTERVAL_MS - now);
}

static int write_all(struct db *db, void *ctx)
{
	uint64_t now = *(const uint64_t *)ctx;
	for (size_t i = 0; i < npending; i++) {
		const struct entry *e = &pending[i];
		long long age_us = now > e->last_ms ? (long long)(now - e->last_ms) * 1000 : 0;
		long long first_us = now > e->first_ms ? (long long)(now - e->first_ms) * 1000 : 0;
		int rc = e->kind == BATCH_VIEW
		             ? db_product_viewed(db, e->a, e->b, e->count, age_us, first_us)
		             : db_session_seen(db, e->a, e->b != 0, age_us);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int batch_flush(struct db *db)
{
	if (npending == 0)
		return 0;
	uint64_t now = now_ms();
	int rc = db_tx(db, write_all, &now);
	if (rc < 0)
		log_warn("deferred writes lost: %zu profile views and session stamps (%s)",
		         npending, db_error(db));
	npending = 0;
	return rc;
}
