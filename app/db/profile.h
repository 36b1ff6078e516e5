/* profile.h — the customer's viewing profile: the list they read, clearing it, and the
 * "Recommended for you" it directs. */
#ifndef DITTO_DB_PROFILE_H
#define DITTO_DB_PROFILE_H

#include <stddef.h>

#include "catalog.h"

struct arena;
struct db;

/* One viewed product, as My Account lists it. */
struct profile_view {
	long long product_id;
	const char *product;  /* the product's name */
	const char *category; /* the category it was viewed in, or "" */
	long long views;
	const char *last_viewed_at; /* "YYYY-MM-DD HH:MM" UTC */
	const char *weight;         /* views x 0.5^(age in days / 14), "12.34" */
};

/* The profile's half-life: a view counts half after this many days. */
#define PROFILE_HALF_LIFE_DAYS 14
/* Products listed on My Account, most recently viewed first. */
#define PROFILE_LIST_MAX 200
/* Products in "Recommended for you". */
#define PROFILE_RECOMMEND_MAX 4

/* The statement of db_profile_recommend, for the plan registry (plans.c). */
extern const char db_sql_profile_recommend[];

/*
 * The customer's viewed products, most recently viewed first, at most PROFILE_LIST_MAX, into
 * *out (arena-allocated). Returns 0 or -1.
 */
int db_profile_list(struct db *db, struct arena *a, long long customer_id,
                    struct profile_view **out, size_t *n);

/*
 * Clears the profile: deletes every viewed product and records the moment, so a view a worker
 * noted before it and writes after it (batch.c) is dropped. One transaction. Returns 0 or -1.
 */
int db_profile_clear(struct db *db, long long customer_id);
/* The same two statements inside the caller's transaction (db_tx). Returns 0 or -1. */
int db_profile_clear_in_tx(struct db *db, long long customer_id);

/*
 * "Recommended for you", in one statement: the newest active product of each category the
 * customer's profile (views decayed by PROFILE_HALF_LIFE_DAYS) and chosen interests (one fresh
 * view each) weigh most, at most PROFILE_RECOMMEND_MAX. None (n = 0) unless the customer is
 * approved, kept the profile on and accepted a policy version that allows profiling.
 * Listings' fields only (no description, no images). Returns 0 or -1.
 */
int db_profile_recommend(struct db *db, struct arena *a, long long customer_id,
                         struct product **out, size_t *n);

#endif
