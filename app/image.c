/* image.c — product images through libvips: checked from the header, decoded, turned upright,
 * stripped of every metadata block and re-encoded as WebP at three widths, named by the
 * BLAKE2b-256 of the largest file. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>
#include <webp/encode.h>

#include "log.h"

const int image_widths[IMAGE_NWIDTHS] = {320, 640, 1280};

/* The formats a product photo comes in; everything else libvips could read (SVG, PDF, TIFF,
 * HEIF, its own format...) is more parser than a shop needs to expose. */
static const char *const loaders[] = {"VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",
                                      "VipsForeignLoadWebpBuffer", "VipsForeignLoadNsgifBuffer",
                                      "VipsForeignLoadGifBuffer"};

int image_init(void)
{
	static int state; /* 0 not yet, 1 up, -1 failed */
	if (state != 0)
		return state > 0 ? 0 : -1;
	if (VIPS_INIT("ditto") != 0) {
		log_error("libvips: cannot start: %s", vips_error_buffer());
		vips_error_clear();
		state = -1;
		return -1;
	}
	/* One thread and no cache: an upload is rare, and a worker's memory must stay small. */
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	state = 1;
	return 0;
}

const char *image_result_text(enum image_result r)
{
	switch (r) {
	case IMAGE_OK:
		return "The image was added.";
	case IMAGE_EMPTY:
		return "Choose an image file to upload.";
	case IMAGE_TOO_LARGE:
		return "The file is larger than 20 MB. Upload a smaller image.";
	case IMAGE_NOT_IMAGE:
		return "The file is not an image we can use. Upload a JPEG, PNG, WebP or GIF.";
	case IMAGE_TOO_MANY_PIXELS:
		return "The image has more than 40 megapixels. Upload a smaller image.";
	case IMAGE_UNREADABLE:
		return "The image is damaged and could not be read. Upload another copy.";
	case IMAGE_FAILED:
		break;
	}
	return "The image could not be processed. Try again later.";
}

void image_set_free(struct image_set *s)
{
	for (int i = 0; i < IMAGE_NWIDTHS; i++) {
		g_free(s->file[i]);
		s->file[i] = NULL;
		s->len[i] = 0;
	}
}

/* The loader libvips would use for data, if it is one we accept; NULL otherwise. */
static const char *accepted_loader(const unsigned char *data, size_t len)
{
	const char *name = vips_foreign_find_load_buffer(data, len);
	vips_error_clear(); /* "not a known format" is our answer, not a log line */
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (strcmp(name, loaders[i]) == 0)
			return name;
	return NULL;
}

/* Width and height from the header only: opening a buffer image reads no pixel until one is
 * asked for.  Returns IMAGE_OK, or why not. */
static enum image_result header_size(const unsigned char *data, size_t len, int *w, int *h)
{
	VipsImage *im =
	    vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
	if (im == NULL) {
		vips_error_clear();
		return IMAGE_NOT_IMAGE;
	}
	*w = vips_image_get_width(im);
	*h = vips_image_get_height(im);
	g_object_unref(im);
	if (*w <= 0 || *h <= 0)
		return IMAGE_NOT_IMAGE;
	if ((long long)*w * (long long)*h > IMAGE_MAX_PIXELS)
		return IMAGE_TOO_MANY_PIXELS;
	return IMAGE_OK;
}

/* One width: decoded with shrink-on-load, turned upright, in sRGB 8-bit, encoded by libwebp's
 * simple API, which writes the pixels and nothing else (no EXIF, XMP or ICC chunk).  libvips'
 * own WebP writer was not used: in Debian's 8.14.1 it kept the EXIF block, GPS included,
 * with strip set.  Returns 0, or -1 (a vips error is left, or none for libwebp's). */
static int encode_width(const unsigned char *data, size_t len, int width, void **buf, size_t *blen,
                        int *ow, int *oh)
{
	VipsImage *t = NULL, *rgb = NULL, *u8 = NULL;
	void *pixels = NULL;
	int rc = -1;
	/* A box width wide and unboundedly tall; never upscaled.  thumbnail_buffer turns the
	 * image by its EXIF orientation (auto-rotate) and imports any ICC profile to sRGB. */
	if (vips_thumbnail_buffer((void *)data, len, &t, width, "height", VIPS_MAX_COORD, "size",
	                          VIPS_SIZE_DOWN, "option_string", "fail_on=error", NULL) != 0)
		goto out;
	if (vips_colourspace(t, &rgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
	    vips_cast_uchar(rgb, &u8, NULL) != 0)
		goto out;
	int bands = vips_image_get_bands(u8);
	if (bands != 3 && bands != 4)
		goto out;
	size_t size;
	pixels = vips_image_write_to_memory(u8, &size);
	if (pixels == NULL)
		goto out;
	int w = vips_image_get_width(u8), h = vips_image_get_height(u8);
	uint8_t *webp = NULL;
	size_t n = bands == 4 ? WebPEncodeRGBA(pixels, w, h, w * 4, 82, &webp)
	                      : WebPEncodeRGB(pixels, w, h, w * 3, 82, &webp);
	if (n == 0)
		goto out;
	*buf = g_memdup2(webp, n);
	*blen = n;
	WebPFree(webp);
	*ow = w;
	*oh = h;
	rc = 0;
out:
	g_free(pixels);
	if (u8 != NULL)
		g_object_unref(u8);
	if (rgb != NULL)
		g_object_unref(rgb);
	if (t != NULL)
		g_object_unref(t);
	return rc;
}

enum image_result image_process(const unsigned char *data, size_t len, struct image_set *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return IMAGE_EMPTY;
	if (len > IMAGE_MAX_BYTES)
		return IMAGE_TOO_LARGE;
	if (image_init() < 0)
		return IMAGE_FAILED;
	if (accepted_loader(data, len) == NULL)
		return IMAGE_NOT_IMAGE;
	int w, h;
	enum image_result r = header_size(data, len, &w, &h);
	if (r != IMAGE_OK)
		return r;
	int prev_w = 0;
	for (int i = 0; i < IMAGE_NWIDTHS; i++) {
		int ow, oh;
		/* A narrow source gives the same file for the larger widths: encoded once. */
		if (i > 0 && prev_w < image_widths[i - 1]) {
			out->file[i] = g_memdup2(out->file[i - 1], out->len[i - 1]);
			out->len[i] = out->len[i - 1];
			continue;
		}
		if (encode_width(data, len, image_widths[i], &out->file[i], &out->len[i], &ow,
		                 &oh) != 0) {
			log_info("image refused: %s", vips_error_buffer());
			vips_error_clear();
			image_set_free(out);
			return IMAGE_UNREADABLE;
		}
		prev_w = ow;
		out->width = ow;
		out->height = oh;
	}
	unsigned char hash[32];
	crypto_generichash(hash, sizeof(hash), out->file[IMAGE_NWIDTHS - 1],
	                   out->len[IMAGE_NWIDTHS - 1], NULL, 0);
	sodium_bin2hex(out->hash, sizeof(out->hash), hash, sizeof(hash));
	return IMAGE_OK;
}

/* Writes data to a fresh temporary file in dirfd, flushed, and renames it to name. */
static int write_one(int dirfd, const char *name, const void *data, size_t len)
{
	char tmp[128];
	unsigned char rnd[8];
	char hex[17];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	/* Not a .webp name: nginx never serves a half-written file. */
	snprintf(tmp, sizeof(tmp), ".tmp-%s", hex);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		goto fail;
	return 0;
fail:;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	errno = saved;
	return -1;
}

/* Opens dir, creating it and its missing parents (0755: nginx reads it). Returns the
 * descriptor, or -1 with errno set. */
static int open_dir(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int image_write(const char *dir, const struct image_set *s)
{
	int dirfd = open_dir(dir);
	if (dirfd < 0)
		return -1;
	int rc = 0;
	for (int i = 0; rc == 0 && i < IMAGE_NWIDTHS; i++) {
		char name[IMAGE_HASH_HEX + 32];
		snprintf(name, sizeof(name), "%s-%d.webp", s->hash, image_widths[i]);
		rc = write_one(dirfd, name, s->file[i], s->len[i]);
	}
	int saved = errno;
	if (rc == 0 && fsync(dirfd) < 0)
		rc = -1, saved = errno;
	close(dirfd);
	errno = saved;
	return rc;
}

int image_hash_ok(const char *s)
{
	size_t i = 0;
	for (; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == IMAGE_HASH_HEX;
}

int image_remove_files(const char *dir, const char *hash)
{
	if (!image_hash_ok(hash)) {
		errno = EINVAL;
		return -1;
	}
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	int rc = 0;
	for (int i = 0; i < IMAGE_NWIDTHS; i++) {
		char name[IMAGE_HASH_HEX + 32];
		snprintf(name, sizeof(name), "%s-%d.webp", hash, image_widths[i]);
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			rc = -1;
	}
	int saved = errno;
	close(dirfd);
	errno = saved;
	return rc;
}
