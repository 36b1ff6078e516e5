/* server.h — the database server's own state for the status page: version, uptime, threads.
 * Read from VERSION(), @@max_connections and information_schema.GLOBAL_STATUS, which every
 * account may read: no privilege is needed, so any staff role's connection can ask. */
#ifndef DITTO_DB_SERVER_H
#define DITTO_DB_SERVER_H

struct arena;
struct db;

struct db_server_state {
	const char *version;         /* "10.11.6-MariaDB-0+deb12u1" */
	long long uptime_s;          /* since the server started */
	long long threads_connected; /* open connections, all accounts */
	long long threads_running;   /* of them, running a statement now */
	long long max_connections;
	long long query_ms; /* how long these two statements took from here */
};

/* Fills out (strings in arena a). Returns 0, or -1 when the server cannot be asked (db_error
 * says why). */
int db_server_state(struct db *db, struct arena *a, struct db_server_state *out);

#endif
