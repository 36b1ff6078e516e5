/* sql_harness.c — a test's own MariaDB connection to the stack's database. */
#include "sql_harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

long long harness_sql_int(MYSQL *m, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (mysql_query(m, sql) != 0)
		harness_die("%s: %s", sql, mysql_error(m));
	MYSQL_RES *r = mysql_store_result(m);
	MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
	long long v = row && row[0] ? atoll(row[0]) : -1;
	if (r != NULL)
		mysql_free_result(r);
	return v;
}
