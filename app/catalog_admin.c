/* catalog_admin.c — the catalogue's changes for dittoctl and the staff site alike: field checks,
 * one transaction per change with its audit row, and the image files around it. */
#include "catalog_admin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db/audit.h"
#include "db/db.h"
#include "log.h"
#include "validate.h"

const char *const product_field_names[PF__MAX] = {
    [PF_CATEGORY] = "category",       [PF_SKU] = "sku",       [PF_NAME] = "name",
    [PF_DESCRIPTION] = "description", [PF_PRICE] = "price",   [PF_STOCK] = "stock",
    [PF_WEIGHT] = "weight",           [PF_ACTIVE] = "active",
};

#define PRICE_MAX_CENTS 100000000LL /* 1,000,000.00 */
#define QUANTITY_MAX    1000000LL

/* A SKU: 1..SKU_MAX of [A-Za-z0-9._-], starting with a letter or digit. */
static bool valid_sku(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++) {
		char c = s[n];
		bool alnum =
		    (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
		if (!alnum && (n == 0 || (c != '-' && c != '_' && c != '.')))
			return false;
	}
	return n >= 1 && n <= SKU_MAX;
}

/* A whole number 0..QUANTITY_MAX, digits only. */
static bool valid_quantity(const char *s, long long *out)
{
	long long v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n >= 7)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0 || s[n] != '\0' || v > QUANTITY_MAX)
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (valid_checked(s)) {
		*out = true;
		return true;
	}
	if (strcmp(s, "0") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0 ||
	    strcmp(s, "false") == 0) {
		*out = false;
		return true;
	}
	return false;
}

int catalog_product_check(struct db *db, struct arena *a, const char *const in[PF__MAX],
                          bool adding, const struct admin_product *base, struct admin_product *out,
                          const char *err[PF__MAX])
{
	*out = *base;
	if (adding) {
		out->description = out->description != NULL ? out->description : "";
		out->active = true;
	}
	for (int f = 0; f < PF__MAX; f++)
		err[f] = NULL;
	static const char *const needed[PF__MAX] = {
	    [PF_CATEGORY] = "Choose the product's category.",
	    [PF_SKU] = "Enter the SKU.",
	    [PF_NAME] = "Enter the product's name.",
	    [PF_PRICE] = "Enter the price, for example 12.50.",
	};
	for (int f = 0; f < PF__MAX; f++)
		if (adding && needed[f] != NULL && (in[f] == NULL || in[f][0] == '\0'))
			err[f] = needed[f];
	if (in[PF_CATEGORY] != NULL && err[PF_CATEGORY] == NULL) {
		int rc = in[PF_CATEGORY][0] == '\0'
		             ? DB_NOT_FOUND
		             : db_admin_category_find(db, a, in[PF_CATEGORY], &out->category_id);
		if (rc < 0)
			return -1;
		if (rc == DB_NOT_FOUND)
			err[PF_CATEGORY] = "Choose a category that exists.";
	}
	if (in[PF_SKU] != NULL && err[PF_SKU] == NULL) {
		if (!valid_sku(in[PF_SKU]))
			err[PF_SKU] = "Enter a SKU of at most 32 letters, digits, dots, dashes or "
			              "underscores, starting with a letter or digit.";
		else
			out->sku = in[PF_SKU];
	}
	if (in[PF_NAME] != NULL && err[PF_NAME] == NULL) {
		if (!valid_text(in[PF_NAME], PRODUCT_NAME_MAX))
			err[PF_NAME] = "Enter a name of at most 200 characters on one line.";
		else
			out->name = in[PF_NAME];
	}
	if (in[PF_DESCRIPTION] != NULL) {
		if (in[PF_DESCRIPTION][0] != '\0' &&
		    !valid_text_lines(in[PF_DESCRIPTION], DESCRIPTION_MAX))
			err[PF_DESCRIPTION] = "Enter a description of at most 5000 characters.";
		else
			out->description = in[PF_DESCRIPTION];
	}
	if (in[PF_PRICE] != NULL && err[PF_PRICE] == NULL &&
	    !valid_amount(in[PF_PRICE], PRICE_MAX_CENTS, &out->price_cents))
		err[PF_PRICE] = "Enter a price of more than 0 and at most 1000000.00, for example "
		                "12.50.";
	if (in[PF_STOCK] != NULL && !adding)
		err[PF_STOCK] = "Change the stock by an adjustment with a reason.";
	else if (in[PF_STOCK] != NULL && in[PF_STOCK][0] != '\0' &&
	         !valid_quantity(in[PF_STOCK], &out->stock))
		err[PF_STOCK] = "Enter the stock as a whole number from 0 to 1000000.";
	if (in[PF_WEIGHT] != NULL && in[PF_WEIGHT][0] != '\0' &&
	    !valid_quantity(in[PF_WEIGHT], &out->weight_grams))
		err[PF_WEIGHT] = "Enter the weight in grams as a whole number from 0 to 1000000.";
	if (in[PF_ACTIVE] != NULL && !parse_bool(in[PF_ACTIVE], &out->active))
		err[PF_ACTIVE] = "Say whether the product is for sale: yes or no.";
	for (int f = 0; f < PF__MAX; f++)
		if (err[f] != NULL)
			return 0;
	return 1;
}

/* Appends ev (when there is one) with detail, in the change's transaction. Returns 0 or -1. */
static int audit_in_tx(struct db *db, struct audit_event *ev, const char *detail)
{
	if (ev == NULL)
		return 0;
	ev->detail = detail;
	return audit_append_in_tx(db, ev, 1);
}

struct product_change {
	const struct admin_product *p;
	struct audit_event *ev;
	bool adding;
	long long id;
	int outcome;
	char detail[96];
};

static int product_tx(struct db *db, void *vctx)
{
	struct product_change *x = vctx;
	x->outcome = x->adding ? db_admin_product_insert(db, x->p, &x->id)
	                       : db_admin_product_update(db, x->p);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	if (!x->adding)
		x->id = x->p->id;
	snprintf(x->detail, sizeof(x->detail), "product %lld sku %s", x->id, x->p->sku);
	return audit_in_tx(db, x->ev, x->detail);
}

int catalog_product_add(struct db *db, const struct admin_product *p, struct audit_event *ev,
                        long long *id)
{
	struct product_change x = {.p = p, .ev = ev, .adding = true};
	if (db_tx(db, product_tx, &x) < 0)
		return -1;
	*id = x.id;
	return x.outcome;
}

int catalog_product_edit(struct db *db, const struct admin_product *p, struct audit_event *ev)
{
	struct product_change x = {.p = p, .ev = ev};
	if (db_tx(db, product_tx, &x) < 0)
		return -1;
	return x.outcome;
}

struct stock_change {
	long long id, delta, after;
	const char *reason, *by;
	struct audit_event *ev;
	int outcome;
	char detail[STOCK_REASON_MAX * 4 + 96];
};

static int stock_tx(struct db *db, void *vctx)
{
	struct stock_change *x = vctx;
	x->outcome = db_admin_stock_adjust_in_tx(db, x->id, x->delta, x->reason, x->by, &x->after);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	snprintf(x->detail, sizeof(x->detail), "product %lld stock %+lld = %lld: %s", x->id,
	         x->delta, x->after, x->reason);
	return audit_in_tx(db, x->ev, x->detail);
}

int catalog_stock_adjust(struct db *db, long long id, long long delta, const char *reason,
                         const char *by, struct audit_event *ev, long long *after)
{
	struct stock_change x = {.id = id, .delta = delta, .reason = reason, .by = by, .ev = ev};
	if (db_tx(db, stock_tx, &x) < 0)
		return -1;
	*after = x.after;
	return x.outcome;
}

struct image_change {
	long long id;
	int position;
	const struct image_set *img;
	const char *alt;
	struct audit_event *ev;
	int outcome;
	int pos;
	char old_hash[IMAGE_HASH_HEX + 1];
	char detail[160];
};

static int image_put_tx(struct db *db, void *vctx)
{
	struct image_change *x = vctx;
	x->outcome = db_admin_image_put_in_tx(db, x->id, x->position, x->img->hash, x->img->width,
	                                      x->img->height, x->alt, &x->pos, x->old_hash);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	snprintf(x->detail, sizeof(x->detail), "product %lld image %d %s", x->id, x->pos,
	         x->img->hash);
	return audit_in_tx(db, x->ev, x->detail);
}

/* Removes hash's files when no image row names it any more (a failure is logged: an orphan
 * file is served by nobody's page, and the next upload of the same image reuses it). */
static void drop_unused(struct db *db, const char *image_dir, const char *hash)
{
	bool used = true;
	if (hash[0] == '\0')
		return;
	if (db_admin_image_hash_used(db, hash, &used) < 0) {
		log_error("cannot check whether image %s is used: %s", hash, db_error(db));
		return;
	}
	if (!used && image_remove_files(image_dir, hash) < 0)
		log_error("cannot remove the files of image %s: %s", hash, strerror(errno));
}

int catalog_image_add(struct db *db, const char *image_dir, long long id, const unsigned char *data,
                      size_t len, const char *alt, int position, struct audit_event *ev,
                      struct image_added *done)
{
	memset(done, 0, sizeof(*done));
	struct image_set img;
	done->refused = image_process(data, len, &img);
	if (done->refused == IMAGE_FAILED)
		return -1;
	if (done->refused != IMAGE_OK)
		return 0;
	snprintf(done->hash, sizeof(done->hash), "%s", img.hash);
	int rc = -1;
	if (image_write(image_dir, &img) < 0) {
		log_error("cannot write image %s into %s: %s", img.hash, image_dir,
		          strerror(errno));
		drop_unused(db, image_dir, img.hash);
		goto out;
	}
	struct image_change x = {
	    .id = id, .position = position, .img = &img, .alt = alt != NULL ? alt : "", .ev = ev};
	if (db_tx(db, image_put_tx, &x) < 0) {
		drop_unused(db, image_dir, img.hash);
		goto out;
	}
	done->outcome = x.outcome;
	done->position = x.pos;
	if (x.outcome != DB_CHANGED && x.outcome != DB_UNCHANGED)
		drop_unused(db, image_dir, img.hash);
	drop_unused(db, image_dir, x.old_hash);
	rc = 0;
out:
	image_set_free(&img);
	return rc;
}

struct image_removal {
	long long id;
	int position;
	struct audit_event *ev;
	int outcome;
	char old_hash[IMAGE_HASH_HEX + 1];
	char detail[160];
};

static int image_remove_tx(struct db *db, void *vctx)
{
	struct image_removal *x = vctx;
	x->outcome = db_admin_image_remove_in_tx(db, x->id, x->position, x->old_hash);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	snprintf(x->detail, sizeof(x->detail), "product %lld image %d removed %s", x->id,
	         x->position, x->old_hash);
	return audit_in_tx(db, x->ev, x->detail);
}

int catalog_image_remove(struct db *db, const char *image_dir, long long id, int position,
                         struct audit_event *ev)
{
	struct image_removal x = {.id = id, .position = position, .ev = ev};
	if (db_tx(db, image_remove_tx, &x) < 0)
		return -1;
	if (x.outcome == DB_CHANGED)
		drop_unused(db, image_dir, x.old_hash);
	return x.outcome;
}

struct category_change {
	const char *slug, *name;
	struct audit_event *ev;
	long long id;
	int outcome;
	char detail[96];
};

static int category_tx(struct db *db, void *vctx)
{
	struct category_change *x = vctx;
	x->outcome = db_admin_category_insert(db, x->slug, x->name, &x->id);
	if (x->outcome != DB_CHANGED)
		return x->outcome < 0 ? -1 : 0;
	snprintf(x->detail, sizeof(x->detail), "category %lld %s", x->id, x->slug);
	return audit_in_tx(db, x->ev, x->detail);
}

int catalog_category_add(struct db *db, const char *slug, const char *name, struct audit_event *ev,
                         long long *id)
{
	if (!valid_slug(slug) || !valid_text(name, 100))
		return DB_REFUSED;
	struct category_change x = {.slug = slug, .name = name, .ev = ev};
	if (db_tx(db, category_tx, &x) < 0)
		return -1;
	*id = x.id;
	return x.outcome;
}
