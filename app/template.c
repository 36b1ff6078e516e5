/* template.c — parses Mustache-subset templates once into node arrays and renders them escaped
 * (HTML pages) or as they are (plain-text mail). */
#include "template.h"

#include "arena.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMPL_MAX_DEPTH   32         /* section nesting within one template */
#define TMPL_MAX_PARTIAL 16         /* partial nesting at render time */
#define TMPL_MAX_NAME    255        /* bytes in one tag's name; bounds nseg to uint8_t */
#define TMPL_MAX_SIZE    (1u << 30) /* keeps every offset and node index in uint32_t */

/* ---- render context -------------------------------------------------------- */

enum tval_kind { TVAL_STR, TVAL_BOOL, TVAL_LIST, TVAL_DICT };

/* One key/value pair. Entries form a list newest first, so a later set of the
 * same key shadows the earlier one without any search at set time. */
struct tentry {
	struct tentry *older; /* entry set before this one */
	const char *key;      /* copied into the arena */
	size_t klen;
	enum tval_kind kind;
	union {
		struct {
			const char *s;
			size_t len;
		} str;
		bool on;
		struct tlist *list;
		struct tdict *dict;
	} v;
};

struct tdict {
	struct arena *a;     /* where entries, copies and children go */
	struct tentry *last; /* newest entry */
	struct tdict *next;  /* next item when this dictionary is in a list */
};

struct tlist {
	struct arena *a;
	struct tdict *head; /* first item */
	struct tdict *tail; /* last item, for O(1) append */
};

struct tdict *tdict_new(struct arena *a)
{
	struct tdict *d = arena_alloc(a, sizeof(*d));
	d->a = a;
	return d;
}

/* Adds an entry for key with room for extra bytes after the key (for a value
 * copy), all in one arena allocation. */
static struct tentry *tdict_push(struct tdict *d, const char *key, enum tval_kind kind,
                                 size_t extra, char **room)
{
	size_t klen = strlen(key);
	struct tentry *e = arena_alloc(d->a, sizeof(*e) + klen + 1 + extra);
	char *k = (char *)(e + 1);
	memcpy(k, key, klen);
	e->key = k;
	e->klen = klen;
	e->kind = kind;
	e->older = d->last;
	d->last = e;
	if (room != NULL)
		*room = k + klen + 1;
	return e;
}

/* Returns the newest entry for key in d, or NULL. */
static const struct tentry *tdict_find(const struct tdict *d, const char *key, size_t klen)
{
	for (const struct tentry *e = d->last; e != NULL; e = e->older)
		if (e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e;
	return NULL;
}

void tdict_set(struct tdict *d, const char *key, const char *val)
{
	size_t len = val != NULL ? strlen(val) : 0;
	char *copy;
	struct tentry *e = tdict_push(d, key, TVAL_STR, len + 1, &copy);
	if (len > 0)
		memcpy(copy, val, len);
	e->v.str.s = copy;
	e->v.str.len = len;
}

void tdict_set_ref(struct tdict *d, const char *key, const char *val)
{
	struct tentry *e = tdict_push(d, key, TVAL_STR, 0, NULL);
	/* The length is taken now: the caller promises val outlives the render
	 * unchanged, and rendering then needs no strlen. */
	e->v.str.s = val != NULL ? val : "";
	e->v.str.len = val != NULL ? strlen(val) : 0;
}

void tdict_set_ref_if(struct tdict *d, const char *key, const char *val)
{
	if (val != NULL)
		tdict_set_ref(d, key, val);
}

void tdict_setf(struct tdict *d, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(d->a, fmt, ap);
	va_end(ap);
	tdict_set_ref(d, key, s);
}

void tdict_set_bool(struct tdict *d, const char *key, bool on)
{
	struct tentry *e = tdict_push(d, key, TVAL_BOOL, 0, NULL);
	e->v.on = on;
}

struct tlist *tdict_list(struct tdict *d, const char *key)
{
	const struct tentry *old = tdict_find(d, key, strlen(key));
	if (old != NULL && old->kind == TVAL_LIST)
		return old->v.list;
	struct tentry *e = tdict_push(d, key, TVAL_LIST, 0, NULL);
	e->v.list = arena_alloc(d->a, sizeof(*e->v.list));
	e->v.list->a = d->a;
	return e->v.list;
}

struct tdict *tdict_dict(struct tdict *d, const char *key)
{
	const struct tentry *old = tdict_find(d, key, strlen(key));
	if (old != NULL && old->kind == TVAL_DICT)
		return old->v.dict;
	struct tentry *e = tdict_push(d, key, TVAL_DICT, 0, NULL);
	e->v.dict = tdict_new(d->a);
	return e->v.dict;
}

struct tdict *tlist_add(struct tlist *l)
{
	struct tdict *item = tdict_new(l->a);
	if (l->tail != NULL)
		l->tail->next = item;
	else
		l->head = item;
	l->tail = item;
	return item;
}

/* ---- parsed templates ------------------------------------------------------ */

enum tnode_kind { TN_TEXT, TN_VAR, TN_RAW, TN_SECTION, TN_INVERTED, TN_PARTIAL };

struct tnode {
	uint32_t off; /* TEXT: the bytes; PARTIAL: the template name; offset into src */
	uint32_t len; /* bytes at off */
	uint32_t end; /* SECTION, INVERTED: index of the node after the section */
	uint32_t seg; /* VAR, RAW, SECTION, INVERTED: first name part in segs */
	uint8_t nseg; /* number of name parts (a.b.c has three) */
	uint8_t kind; /* enum tnode_kind */
};

/* One part of a dotted name, as an offset into src. */
struct tseg {
	uint32_t off;
	uint32_t len;
};

struct tmpl {
	struct tmpl *next; /* template added before this one */
	const char *name;
	size_t namelen;
	const char *src;           /* copy of the source text */
	const struct tnode *nodes; /* nnodes nodes in document order */
	uint32_t nnodes;
	const struct tseg *segs;
	bool plain; /* a "mail/" template: plain text, {{x}} is not HTML-escaped */
};

struct tmpl_set {
	struct arena *a;   /* holds every template of the set */
	struct tmpl *head; /* newest template first */
};

static struct tmpl_set *tmpl_set_new(void)
{
	struct arena *a = arena_new();
	struct tmpl_set *set = arena_alloc(a, sizeof(*set));
	set->a = a;
	return set;
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (set != NULL)
		arena_free(set->a);
}

/* Returns the newest template called name, or NULL. */
static const struct tmpl *tmpl_find(const struct tmpl_set *set, const char *name, size_t len)
{
	for (const struct tmpl *t = set->head; t != NULL; t = t->next)
		if (t->namelen == len && memcmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

/* ---- parser ---------------------------------------------------------------- */

struct parser {
	const char *label; /* template or file name for error messages */
	const char *src;
	size_t len;
	char *err;
	size_t errlen;
	struct tnode *nodes; /* heap scratch, copied into the set on success */
	size_t nnodes, capnodes;
	struct tseg *segs;
	size_t nsegs, capsegs;
};

/* An open section waiting for its close tag. */
struct open_section {
	uint32_t node; /* index of the SECTION or INVERTED node */
	unsigned line; /* where it was opened */
	size_t off;    /* its name, for matching the close */
	size_t len;
	char sigil; /* '#' or '^' */
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap != 0 ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	p = realloc(p, n * size);
	if (p == NULL) {
		fputs("ditto: out of memory\n", stderr);
		abort();
	}
	*cap = n;
	return p;
}

/* Writes "label:line: message" into err and returns -1. */
static int parse_fail(const struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int parse_fail(const struct parser *p, unsigned line, const char *fmt, ...)
{
	if (p->err == NULL || p->errlen == 0)
		return -1;
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->label, line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static struct tnode *parse_node(struct parser *p, enum tnode_kind kind, size_t off, size_t len)
{
	p->nodes = grow(p->nodes, &p->capnodes, p->nnodes + 1, sizeof(*p->nodes));
	struct tnode *n = &p->nodes[p->nnodes++];
	*n = (struct tnode){.off = (uint32_t)off, .len = (uint32_t)len, .kind = (uint8_t)kind};
	return n;
}

static unsigned count_lines(const char *s, size_t n)
{
	unsigned lines = 0;
	for (const char *q = s, *end = s + n; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		lines++;
	return lines;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Reports c, which cannot appear in a name, and returns -1. */
static int parse_fail_char(const struct parser *p, unsigned line, char c)
{
	unsigned char u = (unsigned char)c;
	if (u > 0x20 && u < 0x7f)
		return parse_fail(p, line, "invalid character '%c' in name", c);
	return parse_fail(p, line, "invalid character 0x%02x in name", u);
}

/* Splits the dotted name at [off, off+len) into parts for node n. */
static int parse_name(struct parser *p, unsigned line, struct tnode *n, size_t off, size_t len)
{
	n->seg = (uint32_t)p->nsegs;
	size_t start = off;
	for (size_t i = off; i <= off + len; i++) {
		if (i < off + len && p->src[i] != '.') {
			if (!is_name_char(p->src[i]))
				return parse_fail_char(p, line, p->src[i]);
			continue;
		}
		if (i == start)
			return parse_fail(p, line, "empty part in name \"%.*s\"", (int)len,
			                  p->src + off);
		p->segs = grow(p->segs, &p->capsegs, p->nsegs + 1, sizeof(*p->segs));
		p->segs[p->nsegs++] = (struct tseg){(uint32_t)start, (uint32_t)(i - start)};
		n->nseg++;
		start = i + 1;
	}
	return 0;
}

/* Returns the offset of the next "{{" at or after from, or len. */
static size_t find_open(const char *s, size_t len, size_t from)
{
	while (from + 1 < len) {
		const char *q = memchr(s + from, '{', len - from - 1);
		if (q == NULL)
			break;
		from = (size_t)(q - s);
		if (s[from + 1] == '{')
			return from;
		from++;
	}
	return len;
}

/* Returns the offset of the next "}}" at or after from, or len. */
static size_t find_close(const char *s, size_t len, size_t from)
{
	while (from + 1 < len) {
		const char *q = memchr(s + from, '}', len - from - 1);
		if (q == NULL)
			break;
		from = (size_t)(q - s);
		if (s[from + 1] == '}')
			return from;
		from++;
	}
	return len;
}

/* Parses p->src into p->nodes and p->segs. Returns 0 or -1 with err filled. */
static int parse(struct parser *p)
{
	struct open_section stack[TMPL_MAX_DEPTH];
	unsigned depth = 0;
	unsigned line = 1;
	const char *s = p->src;
	size_t pos = 0;

	while (pos < p->len) {
		size_t open = find_open(s, p->len, pos);
		if (open > pos) {
			parse_node(p, TN_TEXT, pos, open - pos);
			line += count_lines(s + pos, open - pos);
		}
		if (open == p->len)
			break;

		unsigned tagline = line;
		bool triple = open + 2 < p->len && s[open + 2] == '{';
		size_t a = open + (triple ? 3 : 2);
		size_t b = find_close(s, p->len, a);
		if (b == p->len)
			return parse_fail(p, tagline, "unclosed tag: \"%s\" without \"%s\"",
			                  triple ? "{{{" : "{{", triple ? "}}}" : "}}");
		size_t next = b + 2;
		if (triple) {
			if (next >= p->len || s[next] != '}')
				return parse_fail(p, tagline,
				                  "\"{{{\" closed by \"}}\", not \"}}}\"");
			next++;
		}
		line += count_lines(s + open, next - open);
		pos = next;

		while (a < b && is_space(s[a]))
			a++;
		char sigil = 0;
		if (!triple && a < b && memchr("#^/>!", s[a], 5) != NULL)
			sigil = s[a++];
		if (sigil == '!')
			continue;
		while (a < b && is_space(s[a]))
			a++;
		while (b > a && is_space(s[b - 1]))
			b--;
		size_t nlen = b - a;
		if (nlen == 0)
			return parse_fail(p, tagline, "empty name in tag");
		if (nlen > TMPL_MAX_NAME)
			return parse_fail(p, tagline, "name longer than %d bytes", TMPL_MAX_NAME);

		struct tnode *n;
		switch (sigil) {
		case '#':
		case '^':
			if (depth == TMPL_MAX_DEPTH)
				return parse_fail(p, tagline, "sections nested deeper than %d",
				                  TMPL_MAX_DEPTH);
			stack[depth++] =
			    (struct open_section){(uint32_t)p->nnodes, tagline, a, nlen, sigil};
			n = parse_node(p, sigil == '#' ? TN_SECTION : TN_INVERTED, a, nlen);
			if (parse_name(p, tagline, n, a, nlen) < 0)
				return -1;
			break;
		case '/': {
			if (depth == 0)
				return parse_fail(p, tagline, "{{/%.*s}} closes no open section",
				                  (int)nlen, s + a);
			const struct open_section *o = &stack[depth - 1];
			if (o->len != nlen || memcmp(s + o->off, s + a, nlen) != 0)
				return parse_fail(
				    p, tagline, "{{/%.*s}} does not close {{%c%.*s}} from line %u",
				    (int)nlen, s + a, o->sigil, (int)o->len, s + o->off, o->line);
			p->nodes[o->node].end = (uint32_t)p->nnodes;
			depth--;
			break;
		}
		case '>':
			for (size_t i = a; i < b; i++)
				if (!is_name_char(s[i]) && s[i] != '.')
					return parse_fail_char(p, tagline, s[i]);
			parse_node(p, TN_PARTIAL, a, nlen);
			break;
		default:
			n = parse_node(p, triple ? TN_RAW : TN_VAR, a, nlen);
			if (parse_name(p, tagline, n, a, nlen) < 0)
				return -1;
			break;
		}
	}
	if (depth > 0) {
		const struct open_section *o = &stack[depth - 1];
		return parse_fail(p, o->line, "unclosed section {{%c%.*s}}", o->sigil, (int)o->len,
		                  s + o->off);
	}
	return 0;
}

/* Parses src under name into set; label names the source in errors. */
static int tmpl_set_add_labeled(struct tmpl_set *set, const char *name, size_t namelen,
                                const char *label, const char *src, size_t len, char *err,
                                size_t errlen)
{
	struct parser p = {.label = label, .src = src, .len = len, .err = err, .errlen = errlen};
	int rc = -1;

	if (len > TMPL_MAX_SIZE) {
		parse_fail(&p, 1, "template larger than %u bytes", TMPL_MAX_SIZE);
		goto out;
	}
	if (parse(&p) < 0)
		goto out;

	/* Only a fully parsed template touches the set, so a failure leaves it as it was. */
	struct tmpl *t = arena_alloc(set->a, sizeof(*t));
	t->name = arena_strndup(set->a, name, namelen);
	t->namelen = namelen;
	t->src = arena_strndup(set->a, src, len);
	struct tnode *nodes = arena_alloc(set->a, p.nnodes * sizeof(*nodes));
	if (p.nnodes > 0)
		memcpy(nodes, p.nodes, p.nnodes * sizeof(*nodes));
	t->nodes = nodes;
	t->nnodes = (uint32_t)p.nnodes;
	struct tseg *segs = arena_alloc(set->a, p.nsegs * sizeof(*segs));
	if (p.nsegs > 0)
		memcpy(segs, p.segs, p.nsegs * sizeof(*segs));
	t->segs = segs;
	t->plain = namelen > 5 && memcmp(name, "mail/", 5) == 0;
	t->next = set->head;
	set->head = t;
	rc = 0;
out:
	free(p.nodes);
	free(p.segs);
	return rc;
}

int tmpl_set_add(struct tmpl_set **set, const char *name, const char *src, size_t len, char *err,
                 size_t errlen)
{
	bool created = false;
	if (*set == NULL) {
		*set = tmpl_set_new();
		created = true;
	}
	int rc = tmpl_set_add_labeled(*set, name, strlen(name), name, src, len, err, errlen);
	if (rc < 0 && created) {
		/* Do not hand back a set the caller did not have before the failure. */
		tmpl_set_free(*set);
		*set = NULL;
	}
	return rc;
}

/* Reads the whole regular file at path into a heap buffer (*len bytes).
 * Returns NULL with err filled; the caller frees the result. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	char *data = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((uintmax_t)st.st_size > TMPL_MAX_SIZE) {
		snprintf(err, errlen, "%s:1: template larger than %u bytes", path, TMPL_MAX_SIZE);
		goto fail;
	}
	size_t size = (size_t)st.st_size;
	data = malloc(size + 1);
	if (data == NULL) {
		fputs("ditto: out of memory\n", stderr);
		abort();
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break; /* truncated while we read: parse what is there */
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return data;
fail:
	free(data);
	close(fd);
	return NULL;
}

/*
 * Adds every file of dir whose name ends in ext to set, named prefix + the
 * file name without ext.  A missing dir is fine when optional.  Returns 0,
 * or -1 with err filled.
 */
static int load_dir(struct tmpl_set *set, const char *dir, const char *ext, const char *prefix,
                    bool optional, char *err, size_t errlen)
{
	size_t elen = strlen(ext), plen = strlen(prefix);
	int rc = -1;
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (de == NULL) {
			if (errno != 0) {
				snprintf(err, errlen, "%s: %s", dir, strerror(errno));
				goto out;
			}
			break;
		}
		size_t nlen = strlen(de->d_name);
		/* Dot files are editor droppings (e.g. emacs' ".#x.html" lock links). */
		if (de->d_name[0] == '.' || nlen <= elen ||
		    strcmp(de->d_name + nlen - elen, ext) != 0)
			continue;
		char path[4096], name[TMPL_MAX_NAME + 1];
		int n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		int m =
		    snprintf(name, sizeof(name), "%s%.*s", prefix, (int)(nlen - elen), de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path) || m < 0 || (size_t)m >= sizeof(name)) {
			snprintf(err, errlen, "%s/%s: path too long", dir, de->d_name);
			goto out;
		}
		size_t len;
		char *src = read_file(path, &len, err, errlen);
		if (src == NULL)
			goto out;
		int added = tmpl_set_add_labeled(set, name, plen + nlen - elen, path, src, len, err,
		                                 errlen);
		free(src);
		if (added < 0)
			goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

struct tmpl_set *tmpl_set_load(const char *dir, char *err, size_t errlen)
{
	/* The shop's pages, the staff site's pages (admin/), and plain-text mail (mail/). */
	static const struct {
		const char *sub, *ext, *prefix;
		bool optional;
	} parts[] = {
	    {"", ".html", "", false},
	    {"/admin", ".html", "admin/", true},
	    {"/mail", ".txt", "mail/", true},
	};
	char dummy[1], path[4096];
	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	struct tmpl_set *set = tmpl_set_new();
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int n = snprintf(path, sizeof(path), "%s%s", dir, parts[i].sub);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			snprintf(err, errlen, "%s: path too long", dir);
			goto fail;
		}
		if (load_dir(set, path, parts[i].ext, parts[i].prefix, parts[i].optional, err,
		             errlen) < 0)
			goto fail;
	}
	return set;
fail:
	tmpl_set_free(set);
	return NULL;
}

/* ---- renderer -------------------------------------------------------------- */

/* One level of the context stack; frames live on the C stack of render_nodes. */
struct frame {
	const struct tdict *dict;
	const struct frame *up; /* enclosing context, NULL at the root */
};

/* Finds a dotted name: the first part from the innermost frame outwards, the
 * rest inside the dictionaries found. Returns NULL when missing. */
static const struct tentry *lookup(const struct tmpl *t, const struct tnode *n,
                                   const struct frame *f)
{
	const struct tseg *seg = &t->segs[n->seg];
	const struct tentry *e = NULL;
	for (; f != NULL && e == NULL; f = f->up)
		e = tdict_find(f->dict, t->src + seg[0].off, seg[0].len);
	for (unsigned i = 1; e != NULL && i < n->nseg; i++) {
		if (e->kind != TVAL_DICT)
			return NULL;
		e = tdict_find(e->v.dict, t->src + seg[i].off, seg[i].len);
	}
	return e;
}

static bool truthy(const struct tentry *e)
{
	if (e == NULL)
		return false;
	switch (e->kind) {
	case TVAL_STR:
		return e->v.str.len > 0;
	case TVAL_BOOL:
		return e->v.on;
	case TVAL_LIST:
		return e->v.list->head != NULL;
	case TVAL_DICT:
		return true;
	}
	return false;
}

/* Renders nodes [i, end) of t; depth counts the partials entered so far.
 * Returns 0, or -1 on a missing or too deeply nested partial. */
static int render_nodes(const struct tmpl_set *set, const struct tmpl *t, uint32_t i, uint32_t end,
                        const struct frame *f, unsigned depth, struct buf *out)
{
	while (i < end) {
		const struct tnode *n = &t->nodes[i];
		const struct tentry *e;
		switch ((enum tnode_kind)n->kind) {
		case TN_TEXT:
			buf_append(out, t->src + n->off, n->len);
			i++;
			break;
		case TN_VAR:
		case TN_RAW:
			/* Flags, lists and dictionaries print nothing: only strings are text. */
			e = lookup(t, n, f);
			if (e != NULL && e->kind == TVAL_STR) {
				if (n->kind == TN_VAR && !t->plain)
					buf_append_html(out, e->v.str.s, e->v.str.len);
				else
					buf_append(out, e->v.str.s, e->v.str.len);
			}
			i++;
			break;
		case TN_SECTION:
			e = lookup(t, n, f);
			if (!truthy(e)) {
				/* skipped */
			} else if (e->kind == TVAL_LIST) {
				for (const struct tdict *it = e->v.list->head; it != NULL;
				     it = it->next) {
					struct frame inner = {it, f};
					if (render_nodes(set, t, i + 1, n->end, &inner, depth,
					                 out) < 0)
						return -1;
				}
			} else if (e->kind == TVAL_DICT) {
				struct frame inner = {e->v.dict, f};
				if (render_nodes(set, t, i + 1, n->end, &inner, depth, out) < 0)
					return -1;
			} else if (render_nodes(set, t, i + 1, n->end, f, depth, out) < 0) {
				return -1;
			}
			i = n->end;
			break;
		case TN_INVERTED:
			if (!truthy(lookup(t, n, f)) &&
			    render_nodes(set, t, i + 1, n->end, f, depth, out) < 0)
				return -1;
			i = n->end;
			break;
		case TN_PARTIAL: {
			/* The depth limit is what stops a template that includes itself. */
			if (depth >= TMPL_MAX_PARTIAL)
				return -1;
			const struct tmpl *p = tmpl_find(set, t->src + n->off, n->len);
			if (p == NULL || render_nodes(set, p, 0, p->nnodes, f, depth + 1, out) < 0)
				return -1;
			i++;
			break;
		}
		default:
			return -1;
		}
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *set, const char *name, const struct tdict *ctx,
                struct buf *out)
{
	if (set == NULL || name == NULL)
		return -1;
	const struct tmpl *t = tmpl_find(set, name, strlen(name));
	if (t == NULL)
		return -1;
	struct frame root = {ctx, NULL};
	return render_nodes(set, t, 0, t->nnodes, ctx != NULL ? &root : NULL, 0, out);
}
