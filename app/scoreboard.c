/* scoreboard.c — the table of a pool's workers, shared through a file beside the pool's socket. */
#include "scoreboard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int scoreboard_path(const char *socket, const char *pool, char *out, size_t outlen)
{
	const char *slash = strrchr(socket, '/');
	int dirlen = slash != NULL ? (int)(slash - socket) : 1;
	const char *dir = slash != NULL ? socket : ".";
	if (slash == socket)
		dirlen = 0; /* a socket in "/": the file goes there too */
	int n = snprintf(out, outlen, "%.*s/%s.scoreboard", dirlen, dir, pool);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* When pid started, in clock ticks since boot (field 22 of /proc/PID/stat); 0 if unknown. */
static uint64_t proc_start_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses: count from the last ')'. */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return 0;
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (field == 22)
			return strtoull(p, NULL, 10);
		p += strcspn(p, " ");
	}
	return 0;
}

static struct scoreboard *map_anonymous(void)
{
	void *p = mmap(NULL, sizeof(struct scoreboard), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* A new file of the scoreboard's size at tmp, mapped shared; NULL (logged) on failure. */
static struct scoreboard *map_file(const char *tmp)
{
	/* Group-readable: both pools run as the same user and group; nobody else reads it. */
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		log_warn("scoreboard: cannot create %s: %s", tmp, strerror(errno));
		return NULL;
	}
	void *p = MAP_FAILED;
	if (ftruncate(fd, (off_t)sizeof(struct scoreboard)) == 0)
		p = mmap(NULL, sizeof(struct scoreboard), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		         0);
	close(fd); /* the mapping keeps the file */
	if (p == MAP_FAILED) {
		log_warn("scoreboard: cannot map %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return NULL;
	}
	return p;
}

static void fill_header(struct scoreboard *sb, const char *pool)
{
	memset(sb, 0, sizeof(*sb));
	sb->size = (uint32_t)sizeof(*sb);
	sb->nslots = SB_MAX_SLOTS;
	sb->master_pid = getpid();
	sb->master_start_ticks = proc_start_ticks(sb->master_pid);
	sb->master_started_unix = (int64_t)time(NULL);
	sb->master_started_ms = now_ms();
	snprintf(sb->pool, sizeof(sb->pool), "%s", pool);
	__atomic_store_n(&sb->magic, SB_MAGIC, __ATOMIC_RELEASE);
}

struct scoreboard *scoreboard_new(const char *path, const char *pool)
{
	char tmp[4096 + 32];
	struct scoreboard *sb = NULL;
	if (path != NULL) {
		snprintf(tmp, sizeof(tmp), "%s.%d.new", path, (int)getpid());
		sb = map_file(tmp);
	}
	if (sb != NULL) {
		fill_header(sb, pool);
		/* Placed only once filled: a reader never finds a half-written header. */
		if (rename(tmp, path) == 0)
			return sb;
		log_warn("scoreboard: cannot place %s: %s", path, strerror(errno));
		unlink(tmp);
		munmap(sb, sizeof(*sb));
	}
	sb = map_anonymous();
	if (sb != NULL)
		fill_header(sb, pool);
	return sb;
}

/* Reads the master pid out of the file at path without mapping it; 0 when unreadable. */
static pid_t file_master(const char *path)
{
	unsigned char head[offsetof(struct scoreboard, pool)];
	uint32_t magic;
	pid_t pid;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	ssize_t n = pread(fd, head, sizeof(head), 0);
	close(fd);
	if (n != (ssize_t)sizeof(head))
		return 0;
	memcpy(&magic, head + offsetof(struct scoreboard, magic), sizeof(magic));
	memcpy(&pid, head + offsetof(struct scoreboard, master_pid), sizeof(pid));
	return magic == SB_MAGIC ? pid : 0;
}

void scoreboard_remove(const char *path)
{
	if (path != NULL && file_master(path) == getpid())
		unlink(path);
}

/* True while the master named in sb runs: the pid exists and, when its start was recorded,
 * started then (after a crash the pid may belong to someone else). */
static bool master_alive(const struct scoreboard *sb)
{
	if (sb->master_pid <= 0)
		return false;
	if (kill(sb->master_pid, 0) != 0 && errno != EPERM)
		return false;
	if (sb->master_start_ticks == 0)
		return true;
	uint64_t now = proc_start_ticks(sb->master_pid);
	return now == 0 || now == sb->master_start_ticks;
}

enum sb_read scoreboard_read(const char *path, struct scoreboard *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? SB_READ_MISSING : SB_READ_INVALID;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != sizeof(struct scoreboard)) {
		close(fd);
		return SB_READ_INVALID;
	}
	void *p = mmap(NULL, sizeof(struct scoreboard), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return SB_READ_INVALID;
	const struct scoreboard *sb = p;
	bool ok = __atomic_load_n(&sb->magic, __ATOMIC_ACQUIRE) == SB_MAGIC &&
	          sb->size == sizeof(struct scoreboard);
	/* A snapshot: workers go on writing their slots; each field is read once, from here. */
	if (ok)
		memcpy(out, p, sizeof(*out));
	munmap(p, sizeof(struct scoreboard));
	if (!ok)
		return SB_READ_INVALID;
	return master_alive(out) ? SB_READ_OK : SB_READ_STALE;
}

const char *sb_stage_name(int stage)
{
	switch (stage) {
	case SB_STARTING:
		return "starting";
	case SB_IDLE:
		return "idle";
	case SB_BUSY:
		return "busy";
	case SB_EXITING:
		return "exiting";
	default:
		return "free";
	}
}

uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
