/* export.c — a customer's data export: the parts of app/db/export.c as one JSON document, orders
 * with their lines, status history and payment nested in each order. */
#include "export.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "db/db.h"
#include "db/export.h"
#include "db/shop.h"

/* Cell c of row r as its JSON type. */
static json_t *cell_json(const struct export_part *p, size_t r, size_t c)
{
	const char *v = db_cell(&p->rows, r, c);
	if (v == NULL)
		return json_null();
	switch (p->columns[c].type) {
	case EXPORT_INT:
		return json_integer(strtoll(v, NULL, 10));
	case EXPORT_BOOL:
		return json_boolean(strcmp(v, "0") != 0);
	case EXPORT_TEXT:
		break;
	}
	return json_string(v);
}

/* Row r of part p as an object, from column first on. */
static json_t *row_json(const struct export_part *p, size_t r, size_t first)
{
	json_t *o = json_object();
	for (size_t c = first; c < p->ncols; c++)
		json_object_set_new(o, p->columns[c].name, cell_json(p, r, c));
	return o;
}

/* Nests child's rows into the objects of its parent (list objs, one per parent row): each
 * child row goes to the parent row whose first cell equals its own first cell. */
static void nest(const struct export_part *parent, json_t *objs, const struct export_part *child)
{
	for (size_t i = 0; i < parent->rows.nrows; i++) {
		const char *key = db_cell(&parent->rows, i, 0);
		json_t *obj = json_array_get(objs, i), *list = json_array(), *one = json_null();
		for (size_t r = 0; r < child->rows.nrows; r++) {
			const char *k = db_cell(&child->rows, r, 0);
			if (key == NULL || k == NULL || strcmp(key, k) != 0)
				continue;
			if (child->one_each) {
				json_decref(one);
				one = row_json(child, r, 1);
			} else
				json_array_append_new(list, row_json(child, r, 1));
		}
		if (child->one_each) {
			json_object_set_new(obj, child->name, one);
			json_decref(list);
		} else {
			json_object_set_new(obj, child->name, list);
			json_decref(one);
		}
	}
}

/* The document of parts p[0..EXPORT__MAX). */
static json_t *document(const struct export_part *p)
{
	json_t *root = json_object(), *lists[EXPORT__MAX] = {0};
	for (int i = 0; i < EXPORT__MAX; i++) {
		if (p[i].parent >= 0)
			continue;
		if (p[i].single) {
			json_object_set_new(root, p[i].name,
			                    p[i].rows.nrows ? row_json(&p[i], 0, 0) : json_null());
			continue;
		}
		lists[i] = json_array();
		for (size_t r = 0; r < p[i].rows.nrows; r++)
			json_array_append_new(lists[i], row_json(&p[i], r, 0));
		json_object_set_new(root, p[i].name, lists[i]);
	}
	for (int i = 0; i < EXPORT__MAX; i++)
		if (p[i].parent >= 0 && lists[p[i].parent] != NULL)
			nest(&p[p[i].parent], lists[p[i].parent], &p[i]);
	return root;
}

struct export_tx {
	struct arena *a;
	long long customer_id;
	struct export_part parts[EXPORT__MAX];
	int found; /* db_export_read's answer */
};

static int read_tx(struct db *db, void *ctx)
{
	struct export_tx *t = ctx;
	t->found = db_export_read(db, t->a, t->customer_id, t->parts);
	return t->found < 0 ? -1 : 0;
}

int customer_export_json(struct db *db, struct arena *a, long long customer_id, char **out)
{
	*out = NULL;
	struct export_tx t = {.a = a, .customer_id = customer_id};
	if (db_tx(db, read_tx, &t) < 0)
		return -1;
	if (t.found == DB_NOT_FOUND)
		return DB_NOT_FOUND;
	json_t *root = document(t.parts);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
	json_object_set_new(root, "exported_at", json_string(when));
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	if (text == NULL)
		return -1;
	size_t len = strlen(text);
	*out = realloc(text, len + 2);
	if (*out == NULL) {
		free(text);
		return -1;
	}
	memcpy(*out + len, "\n", 2);
	return 0;
}

int customer_export_sent(struct db *db, long long customer_id)
{
	return db_disclosure_insert(db, customer_id, 0, EXPORT_SENT_RECIPIENT, EXPORT_SENT_FIELDS,
	                            EXPORT_SENT_PURPOSE);
}
