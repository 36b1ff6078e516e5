/* scoreboard.h — shared-memory table of workers: one slot each, written by the worker, read by the
 * master and /admin/status. */
#ifndef DITTO_SCOREBOARD_H
#define DITTO_SCOREBOARD_H

#include <stdint.h>
#include <sys/types.h>

#define SB_MAX_SLOTS 512
#define SB_URI_LEN   96

enum sb_stage { SB_FREE = 0, SB_STARTING, SB_IDLE, SB_BUSY, SB_EXITING };

struct sb_slot {
	volatile pid_t pid;             /* 0 when free */
	volatile int generation;        /* bumped by every reload */
	volatile int stage;             /* enum sb_stage */
	volatile uint64_t started_ms;   /* monotonic ms when the worker started */
	volatile uint64_t req_start_ms; /* monotonic ms when the current request began */
	volatile uint64_t requests;     /* requests served */
	volatile long rss_kb;           /* resident memory after the last request */
	char method[8];
	char uri[SB_URI_LEN]; /* path only: never the query string */
};

struct scoreboard {
	uint64_t master_started_ms;
	volatile uint64_t accepted;    /* requests accepted by all workers */
	volatile uint64_t killed_slow; /* workers killed for request_timeout */
	volatile uint64_t respawns;
	int nslots;
	struct sb_slot slots[SB_MAX_SLOTS];
};

/* Maps a zeroed scoreboard shared with future children; NULL on failure. */
struct scoreboard *scoreboard_new(void);
/* Monotonic milliseconds. */
uint64_t now_ms(void);

#endif
