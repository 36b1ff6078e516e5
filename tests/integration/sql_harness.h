/* sql_harness.h — a test's own MariaDB connection to the stack's database, over its socket. */
#ifndef DITTO_TEST_SQL_HARNESS_H
#define DITTO_TEST_SQL_HARNESS_H

#include <mysql.h>

/* Connects to the stack's database "ditto" as user (password NULL: none) over DIR/run/mysqld.sock,
 * utf8mb4.  Aborts (harness_die) when it cannot. */
MYSQL *harness_connect_as(const char *user, const char *password);

/* The first cell of the first row of a query on m as an integer (-1 when there is none or it is
 * NULL). A failing query ends the test program (harness_die). */
long long harness_sql_int(MYSQL *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
