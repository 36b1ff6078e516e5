/* scoreboard.h — the table of a pool's workers: one slot each, written by the worker, read by the
 * master and, through a file beside the pool's socket, by /admin/status in either pool. */
#ifndef DITTO_SCOREBOARD_H
#define DITTO_SCOREBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SB_MAX_SLOTS 512
#define SB_URI_LEN   96
#define SB_MAGIC     0x64736231u /* "dsb1": a file of another format is refused, not misread */

enum sb_stage { SB_FREE = 0, SB_STARTING, SB_IDLE, SB_BUSY, SB_EXITING };

struct sb_slot {
	volatile pid_t pid;             /* 0 when free */
	volatile int generation;        /* bumped by every reload */
	volatile int stage;             /* enum sb_stage */
	volatile uint64_t started_ms;   /* monotonic ms when the worker started */
	volatile uint64_t req_start_ms; /* monotonic ms when the current request began */
	volatile uint64_t last_ms;      /* how long the last finished request took */
	volatile uint64_t requests;     /* requests served */
	volatile long rss_kb;           /* resident memory after the last request */
	char method[8];
	char uri[SB_URI_LEN]; /* path only: never the query string */
};

struct scoreboard {
	uint32_t magic;                /* SB_MAGIC once the header is filled */
	uint32_t size;                 /* sizeof(struct scoreboard) of the writer */
	pid_t master_pid;              /* the pool's master */
	uint64_t master_start_ticks;   /* its start in /proc/PID/stat: a reused pid is not it */
	int64_t master_started_unix;   /* wall clock, for people */
	uint64_t master_started_ms;    /* monotonic, for the uptime */
	char pool[16];                 /* "web" or "staff" */
	volatile int workers_wanted;   /* configured workers (changes on reload) */
	volatile long slow_ms;         /* a request at least this long counts as slow */
	volatile uint64_t accepted;    /* requests accepted by all workers */
	volatile uint64_t errors_5xx;  /* answers with a 5xx status written by a worker */
	volatile uint64_t slow;        /* requests that took slow_ms or longer */
	volatile uint64_t killed_slow; /* workers killed for request_timeout */
	volatile uint64_t respawns;    /* workers started to replace one that exited */
	volatile uint64_t reloads;     /* SIGHUPs that replaced the workers */
	int nslots;
	struct sb_slot slots[SB_MAX_SLOTS];
};

/*
 * Where pool's scoreboard file lives: beside its socket (the pool's run
 * directory), "<dir of socket>/<pool>.scoreboard", so both pools of one
 * configuration find each other's.  Returns 0, or -1 when it does not fit.
 */
int scoreboard_path(const char *socket, const char *pool, char *out, size_t outlen);

/*
 * Maps a zeroed scoreboard of pool, shared with future children and backed
 * by a new file renamed to path (readers never see a half-written header;
 * one still mapping an old file keeps it).  With path NULL, or when the
 * file cannot be made (logged), the mapping is anonymous: the pool runs,
 * and the status page shows it as down.  Returns NULL on failure.
 */
struct scoreboard *scoreboard_new(const char *path, const char *pool);
/* Removes path if it is still this process's scoreboard (a newer master may own it). */
void scoreboard_remove(const char *path);

/* What scoreboard_read found. */
enum sb_read {
	SB_READ_OK,      /* a live master's scoreboard */
	SB_READ_MISSING, /* no file: the pool is not running */
	SB_READ_STALE,   /* its master is gone (killed, or a pid now used by another process) */
	SB_READ_INVALID, /* not a scoreboard of this version */
};

/* Copies the scoreboard at path into out (read-only mapping, unmapped again), and checks that
 * the master it names still runs. out is filled only for SB_READ_OK and SB_READ_STALE. */
enum sb_read scoreboard_read(const char *path, struct scoreboard *out);

/* The name of stage for people and monitoring ("idle", "busy", ...). */
const char *sb_stage_name(int stage);
/* Monotonic milliseconds (the same clock in every process of the machine). */
uint64_t now_ms(void);

#endif
