/* template.h — the template renderer: HTML-escaped by default, plain text for mail, parsed once
 * per worker. */
#ifndef DITTO_TEMPLATE_H
#define DITTO_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

/*
 * Syntax (a small, logic-less subset of Mustache):
 *   {{name}}            value of name, HTML-escaped
 *   {{{name}}}          value of name, raw (the explicit exception)
 *   {{#name}}..{{/name}} section: repeated once per item when name is a
 *                       list; shown once when name is a non-empty string or
 *                       true flag; skipped when missing/empty/false/empty list
 *   {{^name}}..{{/name}} inverted: shown only when the section would be skipped
 *   {{> partial}}       another template of the same set, rendered with the
 *                       current context
 *   {{! comment }}      nothing
 * Names may be dotted (a.b) to reach into nested dictionaries. Lookup walks
 * from the innermost section's item outwards to the root dictionary.
 */

/* A render context: a dictionary of strings, flags, lists and dictionaries,
 * allocated in an arena (nothing to free). */
struct tdict;
struct tlist;

struct tdict *tdict_new(struct arena *a);
/* Sets key to a copy of val (NULL sets the empty string). */
void tdict_set(struct tdict *d, const char *key, const char *val);
/* Sets key without copying: val must outlive the render. */
void tdict_set_ref(struct tdict *d, const char *key, const char *val);
/* Like tdict_set_ref, but a NULL val sets nothing: the template's {{#key}} section then shows
 * nothing at all (a field the viewer was not given has no empty cell either). */
void tdict_set_ref_if(struct tdict *d, const char *key, const char *val);
void tdict_setf(struct tdict *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tdict_set_bool(struct tdict *d, const char *key, bool on);
/* Creates (or returns) the list under key. */
struct tlist *tdict_list(struct tdict *d, const char *key);
/* Creates (or returns) the nested dictionary under key. */
struct tdict *tdict_dict(struct tdict *d, const char *key);
/* Appends a new empty item dictionary to l and returns it. */
struct tdict *tlist_add(struct tlist *l);

/* A set of parsed templates, loaded once per worker. */
struct tmpl_set;

/*
 * Loads every *.html file in dir and every *.txt file in dir/mail (if that
 * folder exists) and parses them; a page's name is the file name without
 * ".html", a mail's is "mail/" and the file name without ".txt".  Templates
 * named "mail/..." are plain text: {{x}} inserts the value as it is.
 * Returns NULL on error after writing one line naming the file, line and
 * problem into err (errlen bytes).
 */
struct tmpl_set *tmpl_set_load(const char *dir, char *err, size_t errlen);
/* Parses one template from memory under name into set (creating the set if
 * *set is NULL). Returns 0 or -1 with err filled. Used by tests and fuzzers. */
int tmpl_set_add(struct tmpl_set **set, const char *name, const char *src, size_t len, char *err,
                 size_t errlen);
void tmpl_set_free(struct tmpl_set *set);

/* Renders template name with ctx, appending to out. Returns 0, or -1 when
 * name is unknown (or a partial is missing, or partials nest deeper than 16). */
int tmpl_render(const struct tmpl_set *set, const char *name, const struct tdict *ctx,
                struct buf *out);

#endif
