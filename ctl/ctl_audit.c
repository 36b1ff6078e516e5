/* ctl_audit.c — `dittoctl audit verify`: recomputes the audit log's hash chain. */
#include <stdio.h>

#include "../app/db/audit.h"
#include "../app/db/db.h"
#include "ctl.h"

static const char audit_usage[] =
    "usage: dittoctl audit verify\n"
    "Walks the audit log in id order and recomputes every row's hash from the row before it.\n"
    "Prints \"audit log intact: N rows checked\" and exits 0, or prints \"audit log broken at\n"
    "row ID: WHY\" on stderr and exits 1: a changed row (its hash), a deleted or reordered row\n"
    "(the next row's prev_hash), a deleted last row (the chain head), a customer id that is\n"
    "not the one the row's pseudonym names (audit_key_file).  Connects as\n"
    "db_cron_user, which may only read the log; run it daily from cron.";

static int audit_verify(int argc, char **argv)
{
	const char *operand;
	int rc = ctl_one_operand(argc, argv, "audit verify", audit_usage, &operand);
	if (rc >= 0)
		return rc;
	if (operand != NULL)
		return usage_fail("audit verify takes no argument (try: dittoctl audit --help)");
	/* Read-only work needs no more than the cron account: it reads the log, never writes. */
	struct db *db = ctl_cron_db();
	if (db == NULL)
		return CTL_ERR;
	/* Rows still naming their customer are checked against their pseudonym. */
	if (audit_key_load(cfg.audit_key_file) < 0) {
		db_free(db);
		return fail("cannot read the audit pseudonym key from %s", cfg.audit_key_file);
	}
	struct audit_check check;
	int found = db_audit_verify(db, &check);
	if (found < 0)
		rc = fail("cannot read the audit log as %s: %s", cfg.db_cron_user, db_error(db));
	else if (found > 0)
		rc = fail("audit log broken at row %lld: %s (%lld rows checked)", check.bad_id,
		          check.why, check.rows);
	else {
		printf("audit log intact: %lld rows checked\n", check.rows);
		rc = CTL_OK;
	}
	audit_key_clear();
	db_free(db);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "audit", "verify", audit_usage, audit_verify);
}
