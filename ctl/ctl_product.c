/* ctl_product.c — `dittoctl product add|edit|stock|image` and `dittoctl category add`: the
 * catalogue changed through app/catalog_admin.c, the same code as the staff site's
 * /admin/products. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/arena.h"
#include "../app/catalog_admin.h"
#include "../app/db/db.h"
#include "../app/validate.h"
#include "ctl.h"

static const char product_usage[] =
    "usage: dittoctl product add|edit|stock|image ...\n"
    "  product add --category SLUG --sku SKU --name NAME --price AMOUNT\n"
    "              [--description TEXT] [--stock N] [--weight GRAMS] [--active yes|no]\n"
    "  product edit SKU [--category SLUG] [--sku NEW] [--name NAME] [--price AMOUNT]\n"
    "              [--description TEXT] [--weight GRAMS] [--active yes|no]\n"
    "  product stock SKU --delta N --reason TEXT\n"
    "  product image SKU FILE [--alt TEXT] [--position N]\n"
    "  product image SKU --remove --position N\n"
    "Run 'dittoctl product SUBCOMMAND --help' for details.";

static const char add_usage[] =
    "usage: dittoctl product add --category SLUG --sku SKU --name NAME --price AMOUNT\n"
    "                            [--description TEXT] [--stock N] [--weight GRAMS]\n"
    "                            [--active yes|no]\n"
    "Adds a product (for sale unless --active no; stock 0 and weight 0 unless given).\n"
    "AMOUNT is in the shop's currency, e.g. 12.50.  A SKU that exists already is refused.\n"
    "Prints the new product's id.  Connects as db_admin_user.";

static const char edit_usage[] =
    "usage: dittoctl product edit SKU [--category SLUG] [--sku NEW] [--name NAME]\n"
    "                                 [--price AMOUNT] [--description TEXT]\n"
    "                                 [--weight GRAMS] [--active yes|no]\n"
    "Changes the given fields of the product with SKU (stock moves with 'product stock').\n"
    "The shop shows the change on its next request.  Connects as db_admin_user.";

static const char stock_usage[] =
    "usage: dittoctl product stock SKU --delta N --reason TEXT\n"
    "Moves the product's stock by N (negative to take units away; never below 0) and records\n"
    "the adjustment with its reason and who made it.  Prints the new stock.  Two runs at once\n"
    "both apply, one after the other.  Connects as db_admin_user.";

static const char image_usage[] =
    "usage: dittoctl product image SKU FILE [--alt TEXT] [--position N]\n"
    "       dittoctl product image SKU --remove --position N\n"
    "Adds the image in FILE (JPEG, PNG, WebP or GIF; at most 20 MB and 40 megapixels) to the\n"
    "product: it is decoded, turned upright, stripped of all metadata and written as WebP at\n"
    "320, 640 and 1280 px into image_dir, named by its hash.  Without --position it goes\n"
    "last (an image the product has already is not added again); --position N puts it at N\n"
    "(0 is the main image), replacing what was there.  --remove takes the image at N away.\n"
    "Connects as db_admin_user.";

static const char category_usage[] =
    "usage: dittoctl category add SLUG NAME\n"
    "Adds a category (SLUG: 1-64 of a-z 0-9 -).  A slug that exists already changes nothing.\n"
    "Connects as db_admin_user.";

/* Parses "--name VALUE" at argv[*i] for one of the product fields. Returns true when taken. */
static bool field_option(int argc, char **argv, int *i, const char *in[PF__MAX])
{
	static const char *const opts[PF__MAX] = {
	    [PF_CATEGORY] = "--category",       [PF_SKU] = "--sku",       [PF_NAME] = "--name",
	    [PF_DESCRIPTION] = "--description", [PF_PRICE] = "--price",   [PF_STOCK] = "--stock",
	    [PF_WEIGHT] = "--weight",           [PF_ACTIVE] = "--active",
	};
	for (int f = 0; f < PF__MAX; f++) {
		if (strcmp(argv[*i], opts[f]) == 0 && *i + 1 < argc) {
			in[f] = argv[++*i];
			return true;
		}
	}
	return false;
}

/* The first refused field's message, as one error line. */
static int field_errors(const char *err[PF__MAX])
{
	for (int f = 0; f < PF__MAX; f++)
		if (err[f] != NULL)
			return fail("--%s: %s", product_field_names[f], err[f]);
	return CTL_ERR;
}

static int product_add(int argc, char **argv)
{
	const char *in[PF__MAX] = {0};
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(add_usage);
			return CTL_OK;
		}
		if (!field_option(argc, argv, &i, in))
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl product add --help)", argv[i]);
	}
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct admin_product base = {0}, p;
	const char *err[PF__MAX];
	long long id = 0;
	int rc = CTL_ERR;
	int ok = catalog_product_check(db, a, in, true, &base, &p, err);
	if (ok < 0) {
		fail("cannot read the categories: %s", db_error(db));
		goto out;
	}
	if (ok == 0) {
		rc = field_errors(err);
		goto out;
	}
	switch (catalog_product_add(db, &p, NULL, &id)) {
	case DB_CHANGED:
		printf("%lld\n", id);
		rc = CTL_OK;
		break;
	case DB_UNCHANGED:
		fail("a product with SKU %s exists already (change it with: dittoctl product edit)",
		     p.sku);
		break;
	case DB_REFUSED:
		fail("no category %s", in[PF_CATEGORY]);
		break;
	default:
		fail("cannot add the product: %s", db_error(db));
	}
out:
	arena_free(a);
	db_free(db);
	return rc;
}

/* Finds the product with sku into *p. Returns CTL_OK, or CTL_ERR after one line. */
static int find_product(struct db *db, struct arena *a, const char *sku, struct admin_product *p)
{
	int got = db_admin_product_get(db, a, 0, sku, p);
	if (got < 0)
		return fail("cannot read product %s: %s", sku, db_error(db));
	if (got == DB_NOT_FOUND)
		return fail("no product with SKU %s", sku);
	return CTL_OK;
}

static int product_edit(int argc, char **argv)
{
	const char *in[PF__MAX] = {0};
	const char *sku = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(edit_usage);
			return CTL_OK;
		}
		if (field_option(argc, argv, &i, in))
			continue;
		if (sku == NULL && argv[i][0] != '-')
			sku = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl product edit --help)",
			    argv[i]);
	}
	if (sku == NULL)
		return usage_fail("product edit needs the SKU (try: dittoctl product edit --help)");
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct admin_product base, p;
	const char *err[PF__MAX];
	int rc = find_product(db, a, sku, &base);
	if (rc != CTL_OK)
		goto out;
	rc = CTL_ERR;
	int ok = catalog_product_check(db, a, in, false, &base, &p, err);
	if (ok < 0) {
		fail("cannot read the categories: %s", db_error(db));
		goto out;
	}
	if (ok == 0) {
		rc = field_errors(err);
		goto out;
	}
	switch (catalog_product_edit(db, &p, NULL)) {
	case DB_CHANGED:
		printf("product %s changed\n", p.sku);
		rc = CTL_OK;
		break;
	case DB_UNCHANGED:
		printf("product %s unchanged: it has these values already\n", p.sku);
		rc = CTL_OK;
		break;
	case DB_NOT_FOUND:
		fail("no product with SKU %s", sku);
		break;
	case DB_REFUSED:
		fail("SKU %s belongs to another product, or the category is gone", p.sku);
		break;
	default:
		fail("cannot change the product: %s", db_error(db));
	}
out:
	arena_free(a);
	db_free(db);
	return rc;
}

/* A signed whole number of at most 7 digits ("+5", "-3", "12"), not 0. */
static bool parse_delta(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v < -1000000 || v > 1000000)
		return false;
	*out = v;
	return true;
}

static int product_stock(int argc, char **argv)
{
	const char *sku = NULL, *delta_arg = NULL, *reason = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(stock_usage);
			return CTL_OK;
		}
		if (strcmp(argv[i], "--delta") == 0 && i + 1 < argc)
			delta_arg = argv[++i];
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (sku == NULL && argv[i][0] != '-')
			sku = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl product stock --help)",
			    argv[i]);
	}
	long long delta;
	if (sku == NULL || delta_arg == NULL || reason == NULL)
		return usage_fail("product stock needs SKU, --delta N and --reason TEXT (try: "
		                  "dittoctl product stock --help)");
	if (!parse_delta(delta_arg, &delta))
		return usage_fail("--delta must be a whole number from -1000000 to 1000000, not 0");
	if (!valid_text(reason, STOCK_REASON_MAX))
		return usage_fail("--reason must be one line of at most 200 characters");
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	struct arena *a = arena_new();
	struct admin_product p;
	long long after = 0;
	int rc = find_product(db, a, sku, &p);
	if (rc != CTL_OK)
		goto out;
	rc = CTL_ERR;
	switch (catalog_stock_adjust(db, p.id, delta, reason, ctl_changed_by(), NULL, &after)) {
	case DB_CHANGED:
		printf("%lld\n", after);
		rc = CTL_OK;
		break;
	case DB_REFUSED:
		fail("product %s has %lld in stock: %+lld would take it below 0 (or above 1000000)",
		     sku, after, delta);
		break;
	case DB_NOT_FOUND:
		fail("no product with SKU %s", sku);
		break;
	default:
		fail("cannot adjust the stock: %s", db_error(db));
	}
out:
	arena_free(a);
	db_free(db);
	return rc;
}

/* A position 0..PRODUCT_MAX_IMAGES - 1. */
static bool parse_position(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 0 || v >= PRODUCT_MAX_IMAGES || s[0] == '+' ||
	    s[0] == '-')
		return false;
	*out = (int)v;
	return true;
}

static int product_image(int argc, char **argv)
{
	const char *sku = NULL, *file = NULL, *alt = "", *pos_arg = NULL;
	bool remove = false;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(image_usage);
			return CTL_OK;
		}
		if (strcmp(argv[i], "--alt") == 0 && i + 1 < argc)
			alt = argv[++i];
		else if (strcmp(argv[i], "--position") == 0 && i + 1 < argc)
			pos_arg = argv[++i];
		else if (strcmp(argv[i], "--remove") == 0)
			remove = true;
		else if (sku == NULL && argv[i][0] != '-')
			sku = argv[i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl product image --help)",
			    argv[i]);
	}
	int position = -1;
	if (sku == NULL || (remove ? file != NULL || pos_arg == NULL : file == NULL))
		return usage_fail("product image needs SKU and FILE, or SKU --remove --position N "
		                  "(try: dittoctl product image --help)");
	if (pos_arg != NULL && !parse_position(pos_arg, &position))
		return usage_fail("--position must be a whole number from 0 to %d",
		                  PRODUCT_MAX_IMAGES - 1);
	if (alt[0] != '\0' && !valid_text(alt, IMAGE_ALT_MAX))
		return usage_fail("--alt must be one line of at most 200 characters");
	size_t len = 0;
	unsigned char *data = NULL;
	if (!remove) {
		data = (unsigned char *)ctl_read_file(file, &len);
		if (data == NULL)
			return fail("cannot read %s: %s", file, strerror(errno));
	}
	struct db *db = ctl_admin_db();
	if (db == NULL) {
		free(data);
		return CTL_ERR;
	}
	struct arena *a = arena_new();
	struct admin_product p;
	int rc = find_product(db, a, sku, &p);
	if (rc != CTL_OK)
		goto out;
	rc = CTL_ERR;
	if (remove) {
		int got = catalog_image_remove(db, cfg.image_dir, p.id, position, NULL);
		if (got == DB_CHANGED) {
			printf("image %d of %s removed\n", position, sku);
			rc = CTL_OK;
		} else if (got == DB_NOT_FOUND) {
			fail("product %s has no image at position %d", sku, position);
		} else {
			fail("cannot remove the image: %s", db_error(db));
		}
		goto out;
	}
	struct image_added done;
	if (catalog_image_add(db, cfg.image_dir, p.id, data, len, alt, position, NULL, &done) < 0) {
		fail("cannot add the image (see the errors above, or: %s)", db_error(db));
		goto out;
	}
	if (done.refused != IMAGE_OK) {
		fail("%s: %s", file, image_result_text(done.refused));
		goto out;
	}
	switch (done.outcome) {
	case DB_CHANGED:
		printf("%s %d\n", done.hash, done.position);
		rc = CTL_OK;
		break;
	case DB_UNCHANGED:
		printf("%s %d (already there)\n", done.hash, done.position);
		rc = CTL_OK;
		break;
	case DB_REFUSED:
		fail("product %s has fewer images than position %d needs, or %d images already",
		     sku, position, PRODUCT_MAX_IMAGES);
		break;
	default:
		fail("no product with SKU %s", sku);
	}
out:
	free(data);
	arena_free(a);
	db_free(db);
	return rc;
}

int cmd_product(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("product needs a sub-command: add, edit, stock or image (try: "
		                  "dittoctl product --help)");
	if (ctl_is_help(argv[1])) {
		puts(product_usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return product_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "edit") == 0)
		return product_edit(argc - 1, argv + 1);
	if (strcmp(argv[1], "stock") == 0)
		return product_stock(argc - 1, argv + 1);
	if (strcmp(argv[1], "image") == 0)
		return product_image(argc - 1, argv + 1);
	return usage_fail("unknown product command '%s' (try: dittoctl product --help)", argv[1]);
}

static int category_add(int argc, char **argv)
{
	const char *slug = NULL, *name = NULL;
	for (int i = 1; i < argc; i++) {
		if (ctl_is_help(argv[i])) {
			puts(category_usage);
			return CTL_OK;
		}
		if (slug == NULL && argv[i][0] != '-')
			slug = argv[i];
		else if (name == NULL && argv[i][0] != '-')
			name = argv[i];
		else
			return usage_fail(
			    "unexpected argument '%s' (try: dittoctl category add --help)",
			    argv[i]);
	}
	if (slug == NULL || name == NULL)
		return usage_fail("category add needs SLUG and NAME (try: dittoctl category add "
		                  "--help)");
	if (!valid_slug(slug))
		return usage_fail("invalid slug '%s' (1-64 of a-z 0-9 -)", slug);
	if (!valid_text(name, 100))
		return usage_fail("the name must be one line of at most 100 characters");
	struct db *db = ctl_admin_db();
	if (db == NULL)
		return CTL_ERR;
	long long id = 0;
	int rc = CTL_OK;
	switch (catalog_category_add(db, slug, name, NULL, &id)) {
	case DB_CHANGED:
		printf("%lld\n", id);
		break;
	case DB_UNCHANGED:
		printf("%lld (category %s exists already)\n", id, slug);
		break;
	default:
		rc = fail("cannot add the category: %s", db_error(db));
	}
	db_free(db);
	return rc;
}

int cmd_category(int argc, char **argv)
{
	return ctl_one_subcommand(argc, argv, "category", "add", category_usage, category_add);
}
