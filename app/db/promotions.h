/* promotions.h — data access for marketing mail: who may receive it (purpose binding) and which
 * new products each customer has not been told of. */
#ifndef DITTO_DB_PROMOTIONS_H
#define DITTO_DB_PROMOTIONS_H

#include <stddef.h>

struct arena;
struct db;

/*
 * Which datum's version counts: marketing uses two data of a customer, the
 * interest (their choice of a category: the consent) and the email address
 * (registration data, customers.policy_version).  Each was collected under
 * its own policy version, and each must allow `marketing`: a choice made
 * under a version without marketing is no consent to it, and an address
 * given under such a version was not given for it.  Every query here asks
 * PURPOSE_ALLOWS of both.
 *
 * The viewing profile (product_views) is a second source: the customer's top 3 categories by
 * decayed views, only while they have not opted out of profiling and their registration
 * version allows both `profiling` (the profile is used) and `marketing` (the address is), and
 * only products added in the last 30 days.  Unsubscribing from a category removes the interest
 * and adds a promotion_exclusions row (category 0: all), which keeps the profile from bringing
 * the category back.
 */

/* One product to announce. */
struct promo_product {
	long long id;
	const char *name;
	long long price_cents;
	long long category_id;
	const char *category; /* the category's name */
};

/*
 * Lists up to limit ids above after of approved customers with a new
 * product to hear of: an active product in a category they chose, added
 * after they chose it and newer than the last one they were told of, with
 * both the interest's and the customer's policy version allowing
 * marketing.  Ascending, into arena a.  Returns 0 (*n in *ids), or -1.
 */
int db_promo_customers(struct db *db, struct arena *a, long long after, long long limit,
                       long long **ids, size_t *n);

/*
 * Inside the caller's transaction: locks customer_id's watermark (creating
 * it), so that concurrent runs queue one message between them, and reads
 * what to tell them: *email (NULL when they may no longer receive
 * marketing) and the new products (*n in *out, by category name then id;
 * none when there is nothing new).  Returns 0, or -1.
 */
int db_promo_lock_customer(struct db *db, struct arena *a, long long customer_id,
                           const char **email, struct promo_product **out, size_t *n);

/* Records that customer_id was told of every product up to last_product_id. Returns 0 or -1. */
int db_promo_watermark_set(struct db *db, long long customer_id, long long last_product_id);

/*
 * The unsubscribe link's data access (the shop's account): the name of
 * category_id into *name (NULL when there is none), for the confirmation
 * page.  Returns 0, or -1.
 */
int db_promo_category_name(struct db *db, struct arena *a, long long category_id,
                           const char **name);

/*
 * Withdraws customer_id's interest in category_id (0: every interest) and
 * excludes the category (0: all) from profile-derived promotions, so no
 * promotion is about it any more.  *removed gets how many interests and
 * exclusions changed (0: already unsubscribed).  Returns 0, or -1.
 */
int db_promo_unsubscribe(struct db *db, long long customer_id, long long category_id,
                         long long *removed);

#endif
