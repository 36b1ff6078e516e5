/* export.h — a customer's data export as JSON: the one function behind /account/export and
 * `dittoctl export`, and the record made when an operator sends an export to the customer. */
#ifndef DITTO_EXPORT_H
#define DITTO_EXPORT_H

struct arena;
struct db;

/* How a sent export is recorded among the customer's disclosures. */
#define EXPORT_SENT_RECIPIENT "you (the customer)"
#define EXPORT_SENT_FIELDS    "everything in your data export"
#define EXPORT_SENT_PURPOSE   "data access request"

/*
 * Everything held about customer_id as JSON (two-space indented, keys
 * sorted, one trailing newline), read in one transaction so the parts agree
 * with each other, into *out (malloc'd: the caller frees it).  The only key
 * that differs between two exports of unchanged data is "exported_at" (UTC).
 * db may be the shop's account or the administrative one: both read the
 * same columns.  Strings of arena a are used while building.  Returns 0;
 * DB_NOT_FOUND when there is no such customer; -1 on a database error or
 * out of memory.
 */
int customer_export_json(struct db *db, struct arena *a, long long customer_id, char **out);

/*
 * Records that an export of customer_id left the company to the customer
 * (a disclosure they then see on /account/disclosures).  Writing the file is
 * not a disclosure: it is still in the company's hands until an operator
 * sends it, and only the operator knows when that happened.  Returns 0, or
 * -1 on a database error.
 */
int customer_export_sent(struct db *db, long long customer_id);

#endif
