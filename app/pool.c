/* pool.c — the master process: socket, prefork, respawn, recycle, timeouts, reload, graceful stop.
 */
#include "pool.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "peer.h"
#include "site.h"
#include "scoreboard.h"
#include "template.h"
#include "worker.h"

#define STOP_GRACE_EXTRA_MS 5000 /* beyond request_timeout before SIGKILL at stop */
#define BACKOFF_MAX_MS      30000
#define QUICK_DEATH_MS      5000 /* a worker dying younger than this counts as a crash loop */

static int sig_pipe[2] = {-1, -1};

/* Signal handlers only write the signal number to the self-pipe; the loop acts. */
static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t w = write(sig_pipe[1], &b, 1);
	(void)w; /* pipe full: a wake-up is already pending */
	errno = saved;
}

struct pool {
	const struct site *site; /* the application's route tables */
	struct config *cfg;
	struct pool_config *pc;
	int listen_fd;
	struct scoreboard *sb;
	char sb_path[CONFIG_STR + 32]; /* its file, read by /admin/status; "" when anonymous */
	int first_left;                /* workers of the first start still to spawn */
	int generation;
	int crash_streak;       /* consecutive quick abnormal deaths */
	uint64_t next_spawn_ms; /* backoff: no spawn before this */
	bool stopping;
	uint64_t stop_deadline_ms;
	uint64_t last_term_ms; /* when SIGTERM was last (re)sent to exiting workers */
	/* The master's own record of its children, slot by slot: the scoreboard is shared with
	 * the workers, so a worker could write any pid or generation into it; the master
	 * signals and counts only what it forked, from here. */
	pid_t kid[SB_MAX_SLOTS];
	int kid_generation[SB_MAX_SLOTS];
	uint64_t kid_started_ms[SB_MAX_SLOTS];
};

/* A TCP pool's socket, bound to exactly the address written (listen_addr.c says why not
 * through FCGX_OpenSocket). Who may connect is checked per connection (web_servers). */
static int open_tcp(const struct pool_config *pc)
{
	int fd = listen_tcp_open(&pc->listen, 256);
	if (fd < 0) {
		log_error("cannot listen on %s: %s", pc->socket, strerror(errno));
		return -1;
	}
	/* As for a unix socket below: inherited by the workers, non-blocking for accept(). */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int open_socket(const struct pool_config *pc)
{
	if (pc->listen.tcp)
		return open_tcp(pc);
	struct stat st;
	if (lstat(pc->socket, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_error("%s exists and is not a socket", pc->socket);
			return -1;
		}
		unlink(pc->socket); /* stale from a previous run */
	}
	/* Created with no access for others from the first instant. */
	mode_t old = umask(0177);
	int fd = FCGX_OpenSocket(pc->socket, 256);
	umask(old);
	if (fd < 0) {
		log_error("cannot listen on %s: %s", pc->socket, strerror(errno));
		return -1;
	}
	fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) & ~FD_CLOEXEC);
	/* Workers wait in ppoll() and may lose the race for a connection: accept() must then
	 * say EAGAIN instead of sleeping with SIGTERM blocked. (Accepted sockets do not inherit
	 * the flag on Linux, so libfcgi's reads stay blocking.) */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (pc->socket_group[0] != '\0') {
		struct group *g = getgrnam(pc->socket_group);
		/* Under systemd the socket's directory is setgid to socket_group, so the socket is
		 * born with it and no chown(2) is made: the units forbid it (~@privileged). */
		struct stat sst;
		bool has_group =
		    g != NULL && stat(pc->socket, &sst) == 0 && sst.st_gid == g->gr_gid;
		if (g == NULL || (!has_group && chown(pc->socket, (uid_t)-1, g->gr_gid) != 0)) {
			log_error("cannot give %s to group %s", pc->socket, pc->socket_group);
			close(fd);
			return -1;
		}
	}
	if (chmod(pc->socket, pc->socket_mode) != 0) {
		log_error("chmod %s: %s", pc->socket, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The index of a slot no child of ours holds; -1 when all are taken. */
static int free_slot(const struct pool *p)
{
	for (int i = 0; i < p->sb->nslots; i++)
		if (p->kid[i] == 0)
			return i;
	return -1;
}

/* The slot of our child pid; -1 when pid is none of ours. */
static int slot_of(const struct pool *p, pid_t pid)
{
	for (int i = 0; i < p->sb->nslots; i++)
		if (p->kid[i] == pid)
			return i;
	return -1;
}

static int live_current(const struct pool *p)
{
	int n = 0;
	for (int i = 0; i < p->sb->nslots; i++)
		if (p->kid[i] != 0 && p->kid_generation[i] == p->generation &&
		    p->sb->slots[i].stage != SB_EXITING)
			n++;
	return n;
}

static int live_total(const struct pool *p)
{
	int n = 0;
	for (int i = 0; i < p->sb->nslots; i++)
		if (p->kid[i] != 0)
			n++;
	return n;
}

/* Forks one worker into a free slot. replacement: it takes the place of one that exited (the
 * status page's respawns), not one of the first start or of a reload's new set. */
static void spawn(struct pool *p, bool replacement)
{
	int i = free_slot(p);
	if (i < 0) {
		log_error("scoreboard full");
		return;
	}
	struct sb_slot *slot = &p->sb->slots[i];
	memset(slot, 0, sizeof(*slot));
	slot->generation = p->generation;
	slot->stage = SB_STARTING;
	uint64_t started = now_ms();
	slot->started_ms = started;
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		p->next_spawn_ms = now_ms() + 1000;
		return;
	}
	if (pid == 0) {
		struct sigaction sa = {0};
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGCHLD, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		slot->pid = getpid();
		struct worker_ctx w = {
		    .listen_fd = p->listen_fd,
		    .cfg = p->cfg,
		    .pool = p->pc,
		    .sb = p->sb,
		    .slot = slot,
		};
		w.site = p->site;
		w.routes = p->site->pools[p->pc->kind].routes;
		w.nroutes = site_route_count(p->site, p->pc->kind, p->cfg->test_routes);
		_exit(worker_run(&w));
	}
	slot->pid = pid;
	p->kid[i] = pid;
	p->kid_generation[i] = p->generation;
	p->kid_started_ms[i] = started;
	if (replacement)
		p->sb->respawns++;
	log_info("worker %d started (generation %d)", (int)pid, p->generation);
}

static void reap(struct pool *p)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int i = slot_of(p, pid);
		if (i < 0) {
			log_warn("reaped unknown child %d", (int)pid);
			continue;
		}
		struct sb_slot *slot = &p->sb->slots[i];
		uint64_t age = now_ms() - p->kid_started_ms[i];
		bool planned = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (planned) {
			log_info("worker %d exited after %llu requests", (int)pid,
			         (unsigned long long)slot->requests);
			p->crash_streak = 0;
		} else {
			if (slot->stage == SB_BUSY)
				log_error("worker %d died (%s %d) while serving %.*s %.*s",
				          (int)pid, WIFSIGNALED(status) ? "signal" : "status",
				          WIFSIGNALED(status) ? WTERMSIG(status)
				                              : WEXITSTATUS(status),
				          (int)sizeof(slot->method), slot->method,
				          (int)sizeof(slot->uri), slot->uri);
			else
				log_error("worker %d died (%s %d)", (int)pid,
				          WIFSIGNALED(status) ? "signal" : "status",
				          WIFSIGNALED(status) ? WTERMSIG(status)
				                              : WEXITSTATUS(status));
			if (age < QUICK_DEATH_MS) {
				p->crash_streak++;
				uint64_t delay = 100u
				                 << (p->crash_streak < 9 ? p->crash_streak : 9);
				if (delay > BACKOFF_MAX_MS)
					delay = BACKOFF_MAX_MS;
				p->next_spawn_ms = now_ms() + delay;
				log_warn("workers keep dying; next start in %llu ms",
				         (unsigned long long)delay);
			} else {
				p->crash_streak = 0;
			}
		}
		memset(slot, 0, sizeof(*slot));
		p->kid[i] = 0;
	}
}

static void kill_stuck(struct pool *p)
{
	uint64_t now = now_ms();
	uint64_t limit = (uint64_t)p->pc->request_timeout * 1000u;
	for (int i = 0; i < p->sb->nslots; i++) {
		struct sb_slot *s = &p->sb->slots[i];
		if (p->kid[i] == 0 || s->stage != SB_BUSY || now - s->req_start_ms <= limit)
			continue;
		log_error("worker %d stuck %llu ms on %.*s %.*s: killing it", (int)p->kid[i],
		          (unsigned long long)(now - s->req_start_ms), (int)sizeof(s->method),
		          s->method, (int)sizeof(s->uri), s->uri);
		kill(p->kid[i], SIGKILL);
		s->stage = SB_EXITING;
		p->sb->killed_slow++;
	}
}

/* Asks every worker of an older generation (or all, when stopping) to finish and exit. */
static void retire(struct pool *p, bool all)
{
	for (int i = 0; i < p->sb->nslots; i++) {
		struct sb_slot *s = &p->sb->slots[i];
		if (p->kid[i] == 0 || (!all && p->kid_generation[i] == p->generation))
			continue;
		if (s->stage != SB_BUSY)
			s->stage = SB_EXITING;
		/* Sent again every second: a worker entering accept() just as the
		 * first one arrived would otherwise sleep until the next request. */
		kill(p->kid[i], SIGTERM);
	}
	p->last_term_ms = now_ms();
}

static bool any_old(struct pool *p)
{
	for (int i = 0; i < p->sb->nslots; i++)
		if (p->kid[i] != 0 && p->kid_generation[i] != p->generation)
			return true;
	return false;
}

static void reload(struct pool *p)
{
	static struct config fresh;
	char err[512];
	if (config_load(&fresh, p->cfg->path, err, sizeof(err)) < 0) {
		log_error("reload refused, keeping the running configuration: %s", err);
		return;
	}
	/* A template error would kill every new worker at start: refuse it here instead, and
	 * the running workers keep serving. */
	struct tmpl_set *views = tmpl_set_load(fresh.templates, err, sizeof(err));
	if (views == NULL) {
		log_error("reload refused, keeping the running configuration: templates: %s", err);
		return;
	}
	tmpl_set_free(views);
	struct pool_config *npc = config_pool(&fresh, p->pc->name);
	if (peer_resolve(npc, err, sizeof(err)) < 0) {
		log_error("reload refused, keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(npc->socket, p->pc->socket) != 0) {
		log_warn("reload: socket change needs a restart; keeping %s", p->pc->socket);
		/* A kept socket of the other kind (unix, TCP) keeps its own check too: the new
		 * file's web_servers or peer_user was written for the other kind. */
		if (npc->listen.tcp != p->pc->listen.tcp) {
			snprintf(npc->web_servers, sizeof(npc->web_servers), "%s",
			         p->pc->web_servers);
			npc->allow = p->pc->allow;
			npc->peer_uid = p->pc->peer_uid;
			snprintf(npc->peer_user, sizeof(npc->peer_user), "%s", p->pc->peer_user);
		}
		snprintf(npc->socket, sizeof(npc->socket), "%s", p->pc->socket);
		npc->listen = p->pc->listen;
	}
	*p->cfg = fresh;
	p->pc = config_pool(p->cfg, npc->name);
	p->generation++;
	p->crash_streak = 0;
	p->next_spawn_ms = 0;
	log_info("reloading: generation %d", p->generation);
	/* New workers first; the old ones then finish what they are doing. */
	p->sb->workers_wanted = p->pc->workers;
	p->sb->slow_ms = p->pc->slow_request_ms;
	p->sb->reloads++;
	for (int i = 0; i < p->pc->workers; i++)
		spawn(p, false);
	retire(p, false);
}

static void install_signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void write_pid_file(const char *path)
{
	if (path[0] == '\0')
		return;
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		log_warn("cannot write pid file %s", path);
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/* Removes the pid file only while it still names this process (a newer master may own it). */
static void remove_pid_file(const char *path)
{
	if (path[0] == '\0')
		return;
	FILE *f = fopen(path, "r");
	int pid = 0;
	if (f == NULL)
		return;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid == (int)getpid())
		unlink(path);
}

int pool_run(const struct site *site, struct config *cfg, const char *pool_name)
{
	struct pool p = {0};
	p.site = site;
	p.cfg = cfg;
	p.pc = config_pool(cfg, pool_name);
	if (p.pc == NULL) {
		log_error("unknown pool '%s' (web or staff)", pool_name);
		return 2;
	}
	char err[512];
	if (peer_resolve(p.pc, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_error("pipe: %s", strerror(errno));
		return 1;
	}
	/* A TCP pool has no socket file: its scoreboard lies beside its pid file, if any. */
	const char *anchor = p.pc->listen.tcp ? p.pc->pid_file : p.pc->socket;
	if (anchor[0] == '\0' ||
	    scoreboard_path(anchor, p.pc->name, p.sb_path, sizeof(p.sb_path)) < 0)
		p.sb_path[0] = '\0';
	p.sb = scoreboard_new(p.sb_path[0] != '\0' ? p.sb_path : NULL, p.pc->name);
	if (p.sb == NULL) {
		log_error("cannot map the scoreboard");
		return 1;
	}
	p.sb->workers_wanted = p.pc->workers;
	p.sb->slow_ms = p.pc->slow_request_ms;
	p.first_left = p.pc->workers;
	p.listen_fd = open_socket(p.pc);
	if (p.listen_fd < 0)
		return 1;
	install_signals();
	write_pid_file(p.pc->pid_file);
	log_info("pool %s listening on %s with %d workers", p.pc->name, p.pc->socket,
	         p.pc->workers);

	for (;;) {
		if (!p.stopping && now_ms() >= p.next_spawn_ms) {
			while (live_current(&p) < p.pc->workers) {
				spawn(&p, p.first_left == 0);
				if (p.first_left > 0)
					p.first_left--;
				if (p.crash_streak > 0)
					break; /* one at a time while backing off */
			}
		}
		struct pollfd pfd = {.fd = sig_pipe[0], .events = POLLIN};
		int n = poll(&pfd, 1, 250);
		if (n < 0 && errno != EINTR)
			log_error("poll: %s", strerror(errno));
		unsigned char sigs[64];
		ssize_t got;
		while ((got = read(sig_pipe[0], sigs, sizeof(sigs))) > 0) {
			for (ssize_t i = 0; i < got; i++) {
				switch (sigs[i]) {
				case SIGCHLD:
					break;
				case SIGHUP:
					if (!p.stopping)
						reload(&p);
					break;
				default: /* SIGTERM, SIGINT, SIGQUIT */
					if (!p.stopping) {
						log_info("stopping: letting requests finish");
						p.stopping = true;
						p.stop_deadline_ms =
						    now_ms() +
						    (uint64_t)p.pc->request_timeout * 1000u +
						    STOP_GRACE_EXTRA_MS;
						retire(&p, true);
					}
				}
			}
		}
		reap(&p);
		kill_stuck(&p);
		if (now_ms() - p.last_term_ms >= 1000 && (p.stopping || any_old(&p)))
			retire(&p, p.stopping);
		if (p.stopping) {
			if (live_total(&p) == 0)
				break;
			if (now_ms() > p.stop_deadline_ms) {
				for (int i = 0; i < p.sb->nslots; i++)
					if (p.kid[i] != 0)
						kill(p.kid[i], SIGKILL);
			}
		}
	}
	close(p.listen_fd);
	if (!p.pc->listen.tcp)
		unlink(p.pc->socket);
	if (p.sb_path[0] != '\0')
		scoreboard_remove(p.sb_path);
	remove_pid_file(p.pc->pid_file);
	log_info("stopped");
	return 0;
}
