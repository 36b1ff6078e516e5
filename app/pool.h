/* pool.h — the master process: socket, prefork, respawn, recycle, timeouts, reload, graceful stop.
 */
#ifndef DITTO_POOL_H
#define DITTO_POOL_H

struct config;
struct site;

/*
 * Runs the pool named pool_name of cfg, serving that pool's routes of site,
 * until SIGTERM/SIGINT: opens the
 * FastCGI socket (mode and group from the config), preforks the workers,
 * replaces any that exit, kills those stuck past request_timeout, re-reads
 * the configuration file and replaces all workers on SIGHUP (the socket
 * stays open, so no request fails), and on SIGTERM lets every in-flight
 * request finish before exiting.  Returns the process exit status.
 */
int pool_run(const struct site *site, struct config *cfg, const char *pool_name);

#endif
