/* scoreboard.c — shared-memory worker table. */
#include "scoreboard.h"

#include <string.h>
#include <sys/mman.h>
#include <time.h>

struct scoreboard *scoreboard_new(void)
{
	void *p = mmap(NULL, sizeof(struct scoreboard), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct scoreboard *sb = p;
	memset(sb, 0, sizeof(*sb));
	sb->nslots = SB_MAX_SLOTS;
	sb->master_started_ms = now_ms();
	return sb;
}

uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
