/* server.c — the database server's own state for the status page. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "../scoreboard.h"
#include "db.h"

#define SQL_SERVER_VERSION "SELECT VERSION(), @@max_connections"
#define SQL_SERVER_STATUS                                                                          \
	"SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "              \
	"WHERE VARIABLE_NAME IN ('UPTIME', 'THREADS_CONNECTED', 'THREADS_RUNNING')"

int db_server_state(struct db *db, struct arena *a, struct db_server_state *out)
{
	struct db_rows r;
	memset(out, 0, sizeof(*out));
	uint64_t start = now_ms();
	if (db_query(db, a, SQL_SERVER_VERSION, DB_NOARGS, &r) < 0 || r.nrows != 1)
		return -1;
	out->version = db_cell(&r, 0, 0);
	out->max_connections = db_cell_int(&r, 0, 1);
	if (db_query(db, a, SQL_SERVER_STATUS, DB_NOARGS, &r) < 0)
		return -1;
	out->query_ms = (long long)(now_ms() - start);
	for (size_t i = 0; i < r.nrows; i++) {
		const char *name = db_cell(&r, i, 0);
		long long v = db_cell_int(&r, i, 1);
		if (name == NULL)
			continue;
		if (strcmp(name, "UPTIME") == 0)
			out->uptime_s = v;
		else if (strcmp(name, "THREADS_CONNECTED") == 0)
			out->threads_connected = v;
		else if (strcmp(name, "THREADS_RUNNING") == 0)
			out->threads_running = v;
	}
	return 0;
}
