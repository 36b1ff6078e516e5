/* contacts.h — data access for representatives' contact attempts with an applicant: the note
 * kept on the registration (the message itself went to the outbox). */
#ifndef DITTO_DB_CONTACTS_H
#define DITTO_DB_CONTACTS_H

#include <stddef.h>

struct arena;
struct db;

/* One contact attempt as the customer page lists it. */
struct customer_contact {
	const char *contacted_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *staff_username;
	const char *note;
};

/*
 * Records that staff_id wrote to customer_id, with the internal note, under
 * the form's one-time nonce, inside the caller's transaction.  Returns
 * DB_CHANGED; DB_UNCHANGED when this nonce was recorded already (a second
 * submit of the same form: the caller sends nothing); -1 on a database
 * error.
 */
int db_contact_insert(struct db *db, long long customer_id, long long staff_id, const char *nonce,
                      const char *note);

/*
 * The contact attempts about customer_id, newest first, at most limit, into
 * arena a.  Returns 0, or -1 on a database error.
 */
int db_contact_list(struct db *db, struct arena *a, long long customer_id, int limit,
                    struct customer_contact **out, size_t *n);

#endif
