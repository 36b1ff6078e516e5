/* test_images.c — product images and the admin's catalogue through nginx against the real
 * database: a JPEG carrying GPS EXIF, uploaded on /admin/products and with `dittoctl product
 * image`, comes back from /img/ at 320, 640 and 1280 px with no metadata left; a non-image, a
 * file over 20 MB (and 50 MB, which nginx refuses) and a decompression bomb are refused with a
 * clear message and leave no file and no row; every other role gets 403; stock adjustments
 * keep their history; the add and edit forms come back with their errors and typed values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/privacy/privacy.h"
#include "harness.h"
#include "staff_harness.h"

static char tmpdir[256];
static struct member admin;
static struct client admin_c;

/* A form body built one urlencoded field at a time (urlenc has a single buffer). */
struct form {
	char s[8192];
};

static void form_add(struct form *f, const char *key, const char *value)
{
	size_t len = strlen(f->s);
	snprintf(f->s + len, sizeof(f->s) - len, "%s%s=", len ? "&" : "", key);
	len = strlen(f->s);
	snprintf(f->s + len, sizeof(f->s) - len, "%s", urlenc(value));
}

/* The csrf token of c's staff session (from the staff home page), in *csrf (malloc'd). */
static char *session_csrf(struct client *c)
{
	struct http_resp r;
	assert_int_equal(staff_get(c, "/admin", &r), 200);
	char *csrf = html_csrf(r.body);
	assert_non_null(csrf);
	http_resp_free(&r);
	return csrf;
}

static long post(struct client *c, const char *path, const struct form *f, struct http_resp *r)
{
	assert_int_equal(client_post(c, env_staff(), path, f->s, r), 0);
	return r->status;
}

static size_t collect(char *p, size_t size, size_t n, void *vbuf)
{
	struct http_resp *r = vbuf;
	size_t add = size * n;
	char *b = realloc(r->body, r->len + add + 1);
	if (b == NULL)
		return 0;
	memcpy(b + r->len, p, add);
	r->len += add;
	b[r->len] = '\0';
	r->body = b;
	return add;
}

/* POSTs a multipart form to the staff site's path as c: csrf, the file at file (field
 * "image") and alt.  Returns the status (0 when the connection failed); r keeps the body. */
static long upload(struct client *c, const char *path, const char *file, const char *alt,
                   struct http_resp *r)
{
	char *csrf = session_csrf(c);
	char url[512], cookie[2048];
	snprintf(url, sizeof(url), "%s%s", env_staff(), path);
	snprintf(cookie, sizeof(cookie), "%s", client_cookie(c));
	memset(r, 0, sizeof(*r));
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, csrf, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "alt");
	curl_mime_data(p, alt, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "image");
	curl_mime_filedata(p, file);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(h, CURLOPT_COOKIE, cookie);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body == NULL)
		r->body = strdup("");
	curl_mime_free(m);
	curl_easy_cleanup(h);
	free(csrf);
	return r->status;
}

/* One line of text from a SELECT run as the database's root (the test's view of the rows). */
static void sql_text(char *out, size_t cap, const char *stmt)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "mariadb --defaults-file='%s/my.cnf' -uroot -N -B ditto -e \"%s\"", env_state(),
	         stmt);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (fgets(out, (int)cap, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* Files in image_dir (the stack's, DIR/images). */
static int image_files(void)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/images", env_state());
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.' || strncmp(e->d_name, ".tmp", 4) == 0)
			n++;
	closedir(d);
	return n;
}

/* A new product by dittoctl (its SKU in sku); returns its id. */
static long long product_new(char sku[64])
{
	struct ctl_run r;
	snprintf(sku, 64, "IMG-%d-%ld", (int)getpid() % 100000, random() % 1000000);
	staff_ctl(&r, NULL,
	          "product add --category tees --sku %s --name 'Test piece %s' --price 12.50 "
	          "--stock 10 --weight 200",
	          sku, sku);
	assert_int_equal(r.status, 0);
	long long id = atoll(r.out);
	assert_true(id > 0);
	return id;
}

/* The JPEG of the tests: 1600x1200 with GPS position, an artist's name and a comment; a colour
 * of its own per call and run, so its files are no other test's. */
static void make_gps_jpeg(char path[512])
{
	static int calls;
	int shade = (int)((getpid() * 7 + calls++ * 31) % 200);
	snprintf(path, 512, "%s/gps.jpg", tmpdir);
	assert_int_equal(sh("vips black '%s/b.v' 1600 1200 --bands 3 && vips linear '%s/b.v' '%s' "
	                    "'1 1 1' '%d 90 40' --uchar",
	                    tmpdir, tmpdir, path, shade + 20),
	                 0);
	assert_int_equal(sh("exiftool -q -overwrite_original -GPSLatitude=51.5 -GPSLatitudeRef=N "
	                    "-GPSLongitude=0.12 -GPSLongitudeRef=W -Artist='Secret Person' "
	                    "-Comment='taken at home' '%s'",
	                    path),
	                 0);
	/* The source really carries them: the check below would prove nothing otherwise. */
	assert_int_equal(sh("exiftool -a -G1 '%s' | grep -q 'GPS Latitude'", path), 0);
}

/* GETs /img/<hash>-<width>.webp from the shop into a file and checks it: 200, cached for a
 * year, wide as expected (the width, or a narrower source's own), and not one metadata item
 * (EXIF, GPS, XMP, ICC, comment). */
static void served_clean(const char *hash, int width, int expected)
{
	char file[512], url[512];
	snprintf(file, sizeof(file), "%s/got-%d.webp", tmpdir, width);
	snprintf(url, sizeof(url), "%s/img/%s-%d.webp", env_web(), hash, width);
	assert_int_equal(sh("curl -sf -D '%s.h' -o '%s' '%s'", file, file, url), 0);
	assert_int_equal(
	    sh("grep -qi '^Cache-Control: public, max-age=31536000, immutable' '%s.h'", file), 0);
	assert_int_equal(sh("grep -qi '^Content-Type: image/webp' '%s.h'", file), 0);
	assert_int_equal(sh("test \"$(vipsheader -f width '%s')\" = %d", file, expected), 0);
	/* Nothing but the pixels: vips lists no metadata item, exiftool finds no EXIF, GPS,
	 * XMP, ICC or comment, and the file is a plain (not extended) WebP. */
	assert_int_equal(
	    sh("vipsheader -a '%s' | grep -qiE 'exif|xmp|icc|iptc|gps|comment|orientation'", file),
	    1);
	assert_int_equal(sh("exiftool -a -G1 '%s' | grep -v '^\\[ExifTool\\]' | grep -qiE "
	                    "'gps|exif|xmp|icc|artist|comment|Secret|Extended'",
	                    file),
	                 1);
}

static int setup(void **state)
{
	(void)state;
	harness_require_stack();
	snprintf(tmpdir, sizeof(tmpdir), "%s/run/test-images-%d", env_state(), (int)getpid());
	if (sh("mkdir -p '%s'", tmpdir) != 0)
		return -1;
	member_new(&admin, ROLE_ADMIN);
	staff_login(&admin_c, &admin);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", tmpdir);
	return 0;
}

static void test_jpeg_with_gps_uploaded_on_the_staff_site_comes_back_without_metadata(void **s)
{
	(void)s;
	char sku[64], jpeg[512], path[128], hash[80], q[256];
	long long id = product_new(sku);
	make_gps_jpeg(jpeg);
	long long version = sql_admin_int("SELECT catalog_version FROM site_state WHERE id = 1");
	snprintf(path, sizeof(path), "/admin/products/%lld/images", id);
	struct http_resp r;
	assert_int_equal(upload(&admin_c, path, jpeg, "An orange block", &r), 303);
	http_resp_free(&r);
	snprintf(q, sizeof(q), "SELECT hash FROM product_images WHERE product_id = %lld", id);
	sql_text(hash, sizeof(hash), q);
	assert_int_equal(strlen(hash), 64);
	/* The product row names its first image, and the shop's catalogue moved on. */
	snprintf(q, sizeof(q), "SELECT image_hash FROM products WHERE id = %lld", id);
	char first[80];
	sql_text(first, sizeof(first), q);
	assert_string_equal(first, hash);
	assert_true(sql_admin_int("SELECT catalog_version FROM site_state WHERE id = 1") > version);
	served_clean(hash, 320, 320);
	served_clean(hash, 640, 640);
	served_clean(hash, 1280, 1280);
	/* The same upload again adds nothing and says so on the product's page. */
	assert_int_equal(upload(&admin_c, path, jpeg, "An orange block", &r), 303);
	http_resp_free(&r);
	char page[160];
	snprintf(page, sizeof(page), "/admin/products/%lld?done=image_exists", id);
	assert_int_equal(staff_get(&admin_c, page, &r), 200);
	assert_non_null(strstr(r.body, "has this image already"));
	assert_non_null(strstr(r.body, "alt=\"An orange block\""));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM product_images WHERE product_id = %lld", id), 1);
	/* Removing it removes its row and (no other product uses them) its files. */
	struct form f = {0};
	char *csrf = session_csrf(&admin_c);
	form_add(&f, "csrf", csrf);
	free(csrf);
	snprintf(path, sizeof(path), "/admin/products/%lld/images/0/remove", id);
	assert_int_equal(post(&admin_c, path, &f, &r), 303);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM product_images WHERE product_id = %lld", id), 0);
	assert_int_equal(
	    sql_admin_int("SELECT image_hash IS NULL FROM products WHERE id = %lld", id), 1);
	assert_int_equal(sh("test -e '%s/images/%s-320.webp'", env_state(), hash), 1);
	assert_int_equal(sh("curl -sf -o /dev/null '%s/img/%s-320.webp'", env_web(), hash), 22);
}

static void test_jpeg_with_gps_added_by_dittoctl_comes_back_without_metadata(void **s)
{
	(void)s;
	char sku[64], jpeg[512], q[256], hash[80];
	long long id = product_new(sku);
	make_gps_jpeg(jpeg);
	/* Turned on its side by EXIF: the files must come out upright, 1200 wide and 1600 high
	 * (never upscaled to 1280). */
	assert_int_equal(sh("exiftool -q -overwrite_original -Orientation#=6 '%s'", jpeg), 0);
	struct ctl_run r;
	staff_ctl(&r, NULL, "product image %s '%s' --alt 'A block'", sku, jpeg);
	assert_int_equal(r.status, 0);
	snprintf(q, sizeof(q), "SELECT hash FROM product_images WHERE product_id = %lld", id);
	sql_text(hash, sizeof(hash), q);
	assert_int_equal(strlen(hash), 64);
	assert_non_null(strstr(r.out, hash));
	assert_int_equal(
	    sql_admin_int("SELECT width * 10000 + height FROM product_images WHERE product_id = "
	                  "%lld",
	                  id),
	    1200 * 10000 + 1600);
	served_clean(hash, 320, 320);
	served_clean(hash, 640, 640);
	served_clean(hash, 1280, 1200);
	/* Run again: the product has the image already, nothing is added. */
	staff_ctl(&r, NULL, "product image %s '%s'", sku, jpeg);
	assert_int_equal(r.status, 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM product_images WHERE product_id = %lld", id), 1);
}

/* Files that are no acceptable image: text, a file over 20 MB, a PNG whose header declares
 * 30000 x 30000 pixels (900 megapixels) in a few hundred bytes. */
static void make_bad_files(char text[512], char big[512], char bomb[512])
{
	snprintf(text, 512, "%s/notes.jpg", tmpdir);
	snprintf(big, 512, "%s/big.jpg", tmpdir);
	snprintf(bomb, 512, "%s/bomb.png", tmpdir);
	assert_int_equal(sh("printf 'not an image at all\\n' > '%s'", text), 0);
	/* A real JPEG start, then 20.5 MiB: past 20 MB, within the upload route's 21 MiB. */
	assert_int_equal(
	    sh("{ printf '\\377\\330\\377\\340'; head -c 21495808 /dev/urandom; } > '%s'", big), 0);
	assert_int_equal(
	    sh("python3 -c \"import zlib,struct\n"
	       "def c(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d))\n"
	       "h=struct.pack('>IIBBBBB',30000,30000,8,2,0,0,0)\n"
	       "open('%s','wb').write(b'\\x89PNG\\r\\n\\x1a\\n'+c(b'IHDR',h)+"
	       "c(b'IDAT',zlib.compress(bytes(360000),9))+c(b'IEND',b''))\"",
	       bomb),
	    0);
	assert_int_equal(sh("test $(stat -c %%s '%s') -lt 4096", bomb), 0);
}

static void test_bad_uploads_are_refused_and_leave_no_file_and_no_row(void **s)
{
	(void)s;
	char sku[64], text[512], big[512], bomb[512], path[128], fifty[512];
	long long id = product_new(sku);
	make_bad_files(text, big, bomb);
	snprintf(path, sizeof(path), "/admin/products/%lld/images", id);
	int files = image_files();
	long long rows = sql_admin_int("SELECT COUNT(*) FROM product_images");
	struct {
		const char *file;
		long status;
		const char *message;
	} cases[] = {
	    {text, 422, "not an image we can use"},
	    {big, 413, "larger than 20 MB"},
	    {bomb, 422, "more than 40 megapixels"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_resp r;
		assert_int_equal(upload(&admin_c, path, cases[i].file, "", &r), cases[i].status);
		assert_non_null(strstr(r.body, cases[i].message));
		assert_non_null(strstr(r.body, "<title>Error:"));
		http_resp_free(&r);
		struct ctl_run c;
		staff_ctl(&c, NULL, "product image %s '%s'", sku, cases[i].file);
		assert_int_equal(c.status, 1);
		assert_int_equal(c.err_lines, 1);
		assert_non_null(strstr(c.err, cases[i].message));
		assert_int_equal(image_files(), files);
		assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM product_images"), rows);
	}
	/* 50 MB: nginx refuses it before the pool sees it, with our page, not a reset. */
	snprintf(fifty, sizeof(fifty), "%s/fifty.jpg", tmpdir);
	assert_int_equal(sh("head -c 52428800 /dev/zero > '%s'", fifty), 0);
	struct http_resp r;
	assert_int_equal(upload(&admin_c, path, fifty, "", &r), 413);
	assert_non_null(strstr(r.body, "The file is too large"));
	http_resp_free(&r);
	assert_int_equal(image_files(), files);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM product_images"), rows);
}

static void test_only_the_admin_opens_products(void **s)
{
	(void)s;
	char sku[64], path[128];
	long long id = product_new(sku);
	snprintf(path, sizeof(path), "/admin/products/%lld", id);
	struct http_resp r;
	assert_int_equal(staff_get(&admin_c, "/admin", &r), 200);
	assert_non_null(strstr(r.body, "href=\"/admin/products\""));
	http_resp_free(&r);
	assert_int_equal(staff_get(&admin_c, path, &r), 200);
	http_resp_free(&r);
	for (int role = 0; role < ROLE__MAX; role++) {
		if (role == ROLE_ADMIN)
			continue;
		struct member m;
		struct client c = {0};
		member_new(&m, (enum staff_role)role);
		staff_login(&c, &m);
		assert_int_equal(staff_get(&c, "/admin", &r), 200);
		assert_null(strstr(r.body, "/admin/products"));
		http_resp_free(&r);
		assert_int_equal(staff_get(&c, "/admin/products", &r), 403);
		http_resp_free(&r);
		assert_int_equal(staff_get(&c, path, &r), 403);
		http_resp_free(&r);
		struct form f = {0};
		char *csrf = session_csrf(&c);
		form_add(&f, "csrf", csrf);
		free(csrf);
		form_add(&f, "delta", "5");
		form_add(&f, "reason", "should not happen");
		char stock[160];
		snprintf(stock, sizeof(stock), "%s/stock", path);
		assert_int_equal(post(&c, stock, &f, &r), 403);
		http_resp_free(&r);
		char jpeg[512];
		snprintf(jpeg, sizeof(jpeg), "%s/tiny.png", tmpdir);
		assert_int_equal(sh("vips black '%s' 8 8", jpeg), 0);
		char images[160];
		snprintf(images, sizeof(images), "%s/images", path);
		assert_int_equal(upload(&c, images, jpeg, "", &r), 403);
		http_resp_free(&r);
	}
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM stock_adjustments WHERE product_id = %lld", id), 0);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM product_images WHERE product_id = %lld", id), 0);
}

static void test_stock_adjustments_keep_their_history(void **s)
{
	(void)s;
	char sku[64], path[128];
	long long id = product_new(sku);
	snprintf(path, sizeof(path), "/admin/products/%lld/stock", id);
	struct form f = {0};
	char *csrf = session_csrf(&admin_c);
	form_add(&f, "csrf", csrf);
	form_add(&f, "delta", "+5");
	form_add(&f, "reason", "Delivery from the workshop");
	struct http_resp r;
	assert_int_equal(post(&admin_c, path, &f, &r), 303);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT stock FROM products WHERE id = %lld", id), 15);
	/* Below 0 is refused, the form keeps what was typed, the stock stays. */
	f.s[0] = '\0';
	form_add(&f, "csrf", csrf);
	form_add(&f, "delta", "-16");
	form_add(&f, "reason", "Too many");
	assert_int_equal(post(&admin_c, path, &f, &r), 422);
	assert_non_null(strstr(r.body, "below 0"));
	assert_non_null(strstr(r.body, "value=\"-16\""));
	http_resp_free(&r);
	/* A reason is needed. */
	f.s[0] = '\0';
	form_add(&f, "csrf", csrf);
	form_add(&f, "delta", "-1");
	form_add(&f, "reason", "");
	assert_int_equal(post(&admin_c, path, &f, &r), 422);
	http_resp_free(&r);
	free(csrf);
	assert_int_equal(sql_admin_int("SELECT stock FROM products WHERE id = %lld", id), 15);
	struct ctl_run c;
	staff_ctl(&c, NULL, "product stock %s --delta -3 --reason 'Damaged in the showroom'", sku);
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "12\n");
	staff_ctl(&c, NULL, "product stock %s --delta -13 --reason 'More than there is'", sku);
	assert_int_equal(c.status, 1);
	assert_int_equal(c.err_lines, 1);
	assert_int_equal(sql_admin_int("SELECT stock FROM products WHERE id = %lld", id), 12);
	/* Both adjustments, newest first, with reason, stock after and who made them. */
	char page[128];
	snprintf(page, sizeof(page), "/admin/products/%lld", id);
	assert_int_equal(staff_get(&admin_c, page, &r), 200);
	const char *a = strstr(r.body, "Damaged in the showroom");
	const char *b = strstr(r.body, "Delivery from the workshop");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	assert_non_null(strstr(r.body, admin.username));
	assert_non_null(strstr(r.body, "dittoctl:"));
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT COUNT(*) FROM stock_adjustments WHERE product_id = %lld", id), 2);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action = "
	                               "'product_stock' AND detail LIKE 'product %lld %%'",
	                               id),
	                 1);
}

static void test_add_and_edit_forms_show_field_errors_with_typed_values(void **s)
{
	(void)s;
	char *csrf = session_csrf(&admin_c);
	const char *sku = unique("NEW");
	char sku_up[64];
	snprintf(sku_up, sizeof(sku_up), "%s", sku);
	struct form f = {0};
	form_add(&f, "csrf", csrf);
	form_add(&f, "category", "tees");
	form_add(&f, "sku", sku_up);
	form_add(&f, "name", "");
	form_add(&f, "description", "Typed <b>text</b>");
	form_add(&f, "price", "12.345");
	form_add(&f, "stock", "3");
	form_add(&f, "weight", "100");
	form_add(&f, "active", "yes");
	struct http_resp r;
	assert_int_equal(post(&admin_c, "/admin/products", &f, &r), 422);
	assert_non_null(strstr(r.body, "<title>Error:"));
	assert_non_null(strstr(r.body, "href=\"#name\""));
	assert_non_null(strstr(r.body, "href=\"#price\""));
	assert_non_null(strstr(r.body, "value=\"12.345\""));
	assert_non_null(strstr(r.body, sku_up));
	assert_non_null(strstr(r.body, "Typed &lt;b&gt;text&lt;/b&gt;"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM products WHERE sku = '%s'", sku_up),
	                 0);
	/* Fixed, it is added and its page opens. */
	f.s[0] = '\0';
	form_add(&f, "csrf", csrf);
	form_add(&f, "category", "tees");
	form_add(&f, "sku", sku_up);
	form_add(&f, "name", "A new piece");
	form_add(&f, "description", "");
	form_add(&f, "price", "12.34");
	form_add(&f, "stock", "3");
	form_add(&f, "weight", "100");
	form_add(&f, "active", "yes");
	assert_int_equal(post(&admin_c, "/admin/products", &f, &r), 303);
	http_resp_free(&r);
	long long id = sql_admin_int("SELECT id FROM products WHERE sku = '%s'", sku_up);
	assert_true(id > 0);
	assert_int_equal(sql_admin_int("SELECT price_cents FROM products WHERE id = %lld", id),
	                 1234);
	/* The same SKU again is refused. */
	assert_int_equal(post(&admin_c, "/admin/products", &f, &r), 422);
	assert_non_null(strstr(r.body, "exists already"));
	http_resp_free(&r);
	/* An edit with a bad price keeps what was typed and stores nothing. */
	char path[128];
	snprintf(path, sizeof(path), "/admin/products/%lld", id);
	f.s[0] = '\0';
	form_add(&f, "csrf", csrf);
	form_add(&f, "category", "tees");
	form_add(&f, "sku", sku_up);
	form_add(&f, "name", "A renamed piece");
	form_add(&f, "description", "");
	form_add(&f, "price", "free");
	form_add(&f, "weight", "100");
	form_add(&f, "active", "no");
	assert_int_equal(post(&admin_c, path, &f, &r), 422);
	assert_non_null(strstr(r.body, "value=\"free\""));
	assert_non_null(strstr(r.body, "value=\"A renamed piece\""));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT active FROM products WHERE id = %lld", id), 1);
	/* A good edit is stored, audited, and the shop's catalogue moves on. */
	long long version = sql_admin_int("SELECT catalog_version FROM site_state WHERE id = 1");
	f.s[0] = '\0';
	form_add(&f, "csrf", csrf);
	form_add(&f, "category", "mugs");
	form_add(&f, "sku", sku_up);
	form_add(&f, "name", "A renamed piece");
	form_add(&f, "description", "Now a mug");
	form_add(&f, "price", "9.90");
	form_add(&f, "weight", "300");
	form_add(&f, "active", "no");
	assert_int_equal(post(&admin_c, path, &f, &r), 303);
	http_resp_free(&r);
	assert_int_equal(
	    sql_admin_int("SELECT price_cents + active FROM products WHERE id = %lld", id), 990);
	assert_true(sql_admin_int("SELECT catalog_version FROM site_state WHERE id = 1") > version);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM audit_log WHERE action IN "
	                               "('product_add', 'product_edit') AND detail = "
	                               "'product %lld sku %s'",
	                               id, sku_up),
	                 2);
	free(csrf);
	/* And dittoctl's own field errors are one line each. */
	struct ctl_run c;
	staff_ctl(&c, NULL, "product edit %s --price -1", sku_up);
	assert_int_equal(c.status, 1);
	assert_int_equal(c.err_lines, 1);
	assert_non_null(strstr(c.err, "--price"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_jpeg_with_gps_uploaded_on_the_staff_site_comes_back_without_metadata),
	    cmocka_unit_test(test_jpeg_with_gps_added_by_dittoctl_comes_back_without_metadata),
	    cmocka_unit_test(test_bad_uploads_are_refused_and_leave_no_file_and_no_row),
	    cmocka_unit_test(test_only_the_admin_opens_products),
	    cmocka_unit_test(test_stock_adjustments_keep_their_history),
	    cmocka_unit_test(test_add_and_edit_forms_show_field_errors_with_typed_values),
	};
	return cmocka_run_group_tests_name("images", tests, setup, teardown);
}
