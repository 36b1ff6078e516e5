/* image.h — product images: an upload decoded and re-encoded by libvips (never served as sent),
 * its sizes named by the hash of what ditto wrote, written atomically into image_dir. */
#ifndef DITTO_IMAGE_H
#define DITTO_IMAGE_H

#include <stddef.h>

#define IMAGE_MAX_BYTES  (20L * 1024 * 1024) /* an upload's size: refused above, unread */
#define IMAGE_MAX_PIXELS (40L * 1000 * 1000) /* width x height, from the header: refused above */
#define IMAGE_NWIDTHS    3
#define IMAGE_HASH_HEX   64

/* The widths written, smallest first: a file per width, `<hash>-<width>.webp`.  A source
 * narrower than a width gives that file at the source's own width (never upscaled), so the
 * three names always exist. */
extern const int image_widths[IMAGE_NWIDTHS];

/* Why an upload was refused (IMAGE_OK: it was not). */
enum image_result {
	IMAGE_OK = 0,
	IMAGE_EMPTY,     /* no bytes */
	IMAGE_TOO_LARGE, /* more than IMAGE_MAX_BYTES */
	IMAGE_NOT_IMAGE, /* not a JPEG, PNG, WebP or GIF */
	IMAGE_TOO_MANY_PIXELS /* more than IMAGE_MAX_PIXELS (a decompression bomb) */,
	IMAGE_UNREADABLE, /* the header was fine, the pixels were not */
	IMAGE_FAILED,     /* ours: libvips could not start or encode, a file not written */
};

/* One processed image: the encoded files, in memory until image_write. */
struct image_set {
	char hash[IMAGE_HASH_HEX + 1]; /* hex BLAKE2b-256 of the largest file */
	int width, height;             /* of the largest file */
	void *file[IMAGE_NWIDTHS];     /* g_malloc'd WebP bytes, per image_widths */
	size_t len[IMAGE_NWIDTHS];
};

/*
 * Starts libvips once per process (later calls return the first result):
 * one worker thread, no operation cache.  Only the processes that handle
 * images call it (dittoctl, the staff pool on an upload); the shop's workers
 * never do.  Returns 0, or -1 (logged).
 */
int image_init(void);

/*
 * Checks data[0..len) and re-encodes it: refuses more than IMAGE_MAX_BYTES
 * before reading it, an unknown format and more than IMAGE_MAX_PIXELS from
 * the header alone (before any pixel is decoded), then decodes, turns it
 * upright (EXIF orientation), and writes every width as WebP without any
 * metadata (EXIF, GPS, XMP, ICC, comments).  Returns IMAGE_OK with out
 * filled (free it with image_set_free), or the reason it refused (out is
 * then empty).
 */
enum image_result image_process(const unsigned char *data, size_t len, struct image_set *out);

/* Frees the files of s (a zeroed or freed set is a no-op). */
void image_set_free(struct image_set *s);

/* One line for the person who uploaded: what was wrong and what to do. */
const char *image_result_text(enum image_result r);

/*
 * Writes every file of s into dir (created if missing) as `<hash>-<width>.webp`,
 * each through a temporary file flushed to disk and renamed, so a name holds
 * either nothing or a whole file.  Returns 0, or -1 with errno set (files
 * already renamed stay: the caller removes them with image_remove_files
 * when no row names the hash).
 */
int image_write(const char *dir, const struct image_set *s);

/* Removes the files of hash from dir (a missing one is fine). Returns 0, or -1 with errno set. */
int image_remove_files(const char *dir, const char *hash);

/* True when s is 64 lowercase hex digits (a hash image_process made). */
int image_hash_ok(const char *s);

#endif
