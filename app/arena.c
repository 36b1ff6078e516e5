/* arena.c — per-request bump allocator and growable byte buffer. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next; /* older chunk */
	size_t size;        /* usable bytes in data[] */
	size_t used;        /* bytes handed out */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head; /* newest chunk; the last in the list is the first */
	size_t bytes;       /* sum of chunk sizes */
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL) {
		fputs("ditto: out of memory\n", stderr);
		abort();
	}
	return p;
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *arena_new(void)
{
	struct arena *a = xmalloc(sizeof(*a));
	a->head = chunk_new(ARENA_CHUNK);
	a->bytes = ARENA_CHUNK;
	return a;
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	struct chunk *c = a->head;
	while (c != NULL) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
	free(a);
}

void arena_reset(struct arena *a)
{
	/* Keep only the oldest chunk: it is the standard size. */
	struct chunk *c = a->head;
	while (c->next != NULL) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
	c->used = 0;
	a->head = c;
	a->bytes = c->size;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n) {
		fputs("ditto: arena overflow\n", stderr);
		abort();
	}
	struct chunk *c = a->head;
	if (c->size - c->used < need) {
		size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = chunk_new(size);
		/* New chunks go in front; the oldest (standard size) stays last for reset. */
		c->next = a->head;
		a->head = c;
		a->bytes += size;
	}
	void *p = c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char probe[1];
	if (fmt == NULL) /* never true; tells GCC 12's UBSan build the format is set */
		return arena_strdup(a, "");
	va_copy(ap2, ap);
	int n = vsnprintf(probe, sizeof(probe), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_wipe(struct arena *a)
{
	for (struct chunk *c = a->head; c != NULL; c = c->next)
		sodium_memzero(c->data, c->used);
}

size_t arena_bytes(const struct arena *a)
{
	return a->bytes;
}

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len <= extra) {
		if (cap > SIZE_MAX / 2) {
			fputs("ditto: buffer overflow\n", stderr);
			abort();
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (p == NULL) {
		fputs("ditto: out of memory\n", stderr);
		abort();
	}
	b->data = p;
	b->cap = cap;
}

void buf_append(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char probe[1];
	va_start(ap, fmt);
	int n = vsnprintf(probe, sizeof(probe), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_append_html(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
