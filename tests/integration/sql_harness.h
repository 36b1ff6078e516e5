/* sql_harness.h — a test's own MariaDB connection to the stack's database, over its socket. */
#ifndef DITTO_TEST_SQL_HARNESS_H
#define DITTO_TEST_SQL_HARNESS_H

#include <mysql.h>

/* Connects to the stack's database "ditto" as user (password NULL: none) over DIR/run/mysqld.sock,
 * utf8mb4.  Aborts (harness_die) when it cannot. */
MYSQL *harness_connect_as(const char *user, const char *password);

#endif
