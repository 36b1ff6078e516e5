/* arena.h — per-request bump allocator and growable byte buffer. */
#ifndef DITTO_ARENA_H
#define DITTO_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * An arena hands out memory that lives until arena_reset() or arena_free().
 * Handlers allocate from the request's arena and never call free(); the
 * worker resets the arena after each response.  Allocation failure aborts
 * the process (the pool replaces the worker), so callers never check NULL.
 */
struct arena;

/* Returns a new arena; aborts on out-of-memory. Free with arena_free(). */
struct arena *arena_new(void);
/* Releases every chunk and the arena itself. NULL is a no-op. */
void arena_free(struct arena *a);
/* Forgets all allocations but keeps the first chunk for reuse. */
void arena_reset(struct arena *a);
/* Returns n bytes aligned for any type, zero-filled. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies s (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Copies n bytes of s and appends a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Zeroes every byte handed out so far (secrets in a request body) before a reset. */
void arena_wipe(struct arena *a);
/* Total bytes currently held (for the status page and benchmarks). */
size_t arena_bytes(const struct arena *a);

/* A growable byte buffer on the heap, reused across requests by its owner. */
struct buf {
	char *data; /* NUL-terminated after every append */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated */
};

/* Appends n bytes; aborts on out-of-memory. */
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' replaced by HTML entities. */
void buf_append_html(struct buf *b, const char *s, size_t n);
/* Empties the buffer, keeping its allocation. */
void buf_reset(struct buf *b);
/* Frees the allocation and zeroes the struct. */
void buf_free(struct buf *b);

#endif
