/* catalog_admin.h — changing the catalogue, the same for `dittoctl product|category` and the
 * staff site's /admin/products: the fields checked once, each change in one transaction with
 * its audit row (when there is an actor), image files written before and removed after. */
#ifndef DITTO_CATALOG_ADMIN_H
#define DITTO_CATALOG_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "db/products_admin.h"
#include "image.h"

struct arena;
struct audit_event;
struct db;

/* The product fields as typed: NULL leaves a field as it is (edit) or takes its default (add:
 * description "", stock 0, weight 0, active yes; category, sku, name and price are needed). */
enum product_field {
	PF_CATEGORY, /* a category's slug */
	PF_SKU,
	PF_NAME,
	PF_DESCRIPTION,
	PF_PRICE, /* "12.34" */
	PF_STOCK, /* add only: afterwards stock moves by adjustments */
	PF_WEIGHT,
	PF_ACTIVE, /* "1"/"yes"/"on"/"true" or "0"/"no"/"off"/"false" */
	PF__MAX
};

/* The form's names of the fields ("category", "sku", ...). */
extern const char *const product_field_names[PF__MAX];

#define SKU_MAX          32
#define PRODUCT_NAME_MAX 200
#define DESCRIPTION_MAX  5000
#define STOCK_REASON_MAX 200
#define IMAGE_ALT_MAX    200

/*
 * Checks the typed fields in[] over base (the product as stored, or a
 * zeroed one for a new product; its id is kept) into out; each refused
 * field gets a plain message in err[field] (others stay NULL).  The
 * category is looked up on db.  Returns 1 when all passed, 0 when some did
 * not, -1 on a database error.
 */
int catalog_product_check(struct db *db, struct arena *a, const char *const in[PF__MAX],
                          bool adding, const struct admin_product *base, struct admin_product *out,
                          const char *err[PF__MAX]);

/* Adds p in one transaction with ev's audit row (ev NULL: none; its detail is filled). Returns
 * DB_CHANGED (*id), DB_UNCHANGED (the SKU is taken), DB_REFUSED (no such category) or -1. */
int catalog_product_add(struct db *db, const struct admin_product *p, struct audit_event *ev,
                        long long *id);
/* Writes p over product p->id, like catalog_product_add; DB_UNCHANGED: nothing differed, no
 * audit row; DB_REFUSED: the SKU is another product's. */
int catalog_product_edit(struct db *db, const struct admin_product *p, struct audit_event *ev);

/* Moves product id's stock by delta (never below 0) with reason, recorded as by. Returns
 * DB_CHANGED (*after), DB_REFUSED (*after the stock that stays), DB_NOT_FOUND or -1. */
int catalog_stock_adjust(struct db *db, long long id, long long delta, const char *reason,
                         const char *by, struct audit_event *ev, long long *after);

/* What catalog_image_add did. */
struct image_added {
	enum image_result refused; /* IMAGE_OK unless the upload itself was refused */
	int outcome;               /* DB_CHANGED, DB_UNCHANGED, DB_REFUSED, DB_NOT_FOUND */
	int position;
	char hash[IMAGE_HASH_HEX + 1];
};

/*
 * Processes data[0..len) (image_process), writes its files into image_dir,
 * and puts it on product id at position (-1: last) with alt, with ev's
 * audit row, in one transaction.  Files that no row names after the
 * transaction (it failed or refused; an image it replaced) are removed.
 * Returns 0 with *done saying what happened (refused upload: done->refused;
 * else done->outcome), or -1 (database or file error, logged; nothing of
 * this upload is left).
 */
int catalog_image_add(struct db *db, const char *image_dir, long long id, const unsigned char *data,
                      size_t len, const char *alt, int position, struct audit_event *ev,
                      struct image_added *done);
/* Removes product id's image at position (and its files, when no other row names them).
 * Returns DB_CHANGED, DB_NOT_FOUND or -1. */
int catalog_image_remove(struct db *db, const char *image_dir, long long id, int position,
                         struct audit_event *ev);

/* Adds a category (slug: valid_slug; name: 1..100 characters). Returns DB_CHANGED (*id),
 * DB_UNCHANGED (the slug exists: *id), DB_REFUSED (bad slug or name) or -1. */
int catalog_category_add(struct db *db, const char *slug, const char *name, struct audit_event *ev,
                         long long *id);

#endif
