/* sql_harness.c — a test's own MariaDB connection to the stack's database. */
#include "sql_harness.h"

#include <stdio.h>

#include "harness.h"

MYSQL *harness_connect_as(const char *user, const char *password)
{
	char sock[512];
	snprintf(sock, sizeof(sock), "%s/run/mysqld.sock", env_state());
	MYSQL *m = mysql_init(NULL);
	if (m == NULL)
		harness_die("out of memory");
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(m, NULL, user, password, "ditto", 0, sock, 0) == NULL)
		harness_die("cannot connect as %s: %s", user, mysql_error(m));
	return m;
}
