/* test_storefront.c — the catalogue as a customer uses it: search, sort orders, numbered pages,
 * product images, "add to cart" adding, the header's cart count and sold-out cart lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct client me; /* an approved, signed-in customer */
static long long me_id;
static long page_size = 24; /* the stack's page_size (config.c's default unless set) */

static int sign_in(void **state)
{
	(void)state;
	const char *u = approved_user();
	me_id = sql_admin_int("SELECT id FROM customers WHERE username = '%s'", u);
	char conf[65536], path[512];
	snprintf(path, sizeof(path), "%s/ditto.conf", env_state());
	slurp_file(path, conf, sizeof(conf));
	const char *ps = strstr(conf, "\npage_size");
	if (ps != NULL)
		page_size = strtol(strchr(ps, '=') + 1, NULL, 10);
	return do_login(&me, u, TEST_PASSWORD, NULL) == 303 ? 0 : -1;
}

/* GET as the signed-in customer; returns the status. */
static long get(const char *path, struct http_resp *r)
{
	assert_int_equal(client_get(&me, env_web(), path, r), 0);
	return r->status;
}

static long status_of(const char *path)
{
	struct http_resp r;
	long s = get(path, &r);
	http_resp_free(&r);
	return s;
}

/* A word made of letters only (the fulltext parser splits on anything else), unique to this
 * run: prefix and the pid spelled in letters. */
static const char *word(const char *prefix, int n)
{
	static char buf[4][48];
	char *b = buf[n % 4];
	int len = snprintf(b, 48, "%s", prefix);
	for (unsigned v = (unsigned)getpid() * 7u + (unsigned)n; v > 0 && len < 40; v /= 26)
		b[len++] = (char)('a' + v % 26);
	b[len] = '\0';
	return b;
}

/* Adds an active product named name (description desc) to category slug; returns its id. */
static long long product_add(const char *slug, const char *name, const char *desc, long long price,
                             long long stock)
{
	assert_int_equal(sql_admin("INSERT INTO products (category_id, sku, name, description, "
	                           "price_cents, stock) SELECT id, LEFT(CONCAT('ST-', '%s'), 32), "
	                           "'%s', '%s', %lld, %lld FROM categories WHERE slug = '%s'",
	                           name, name, desc, price, stock, slug),
	                 0);
	return sql_admin_int("SELECT id FROM products WHERE name = '%s'", name);
}

/* The product ids the page's grid links to, in page order; returns how many (at most max). */
static size_t ids_of(const char *body, long long *ids, size_t max)
{
	const char *p = strstr(body, "class=\"product-grid\"");
	const char *end = p != NULL ? strstr(p, "</ul>") : NULL;
	size_t n = 0;
	while (p != NULL && n < max && (p = strstr(p, "href=\"/product/")) != NULL && p < end) {
		p += strlen("href=\"/product/");
		ids[n++] = strtoll(p, NULL, 10);
	}
	return n;
}

/* The csrf token of the customer's forms. */
static char *csrf(void)
{
	return form_csrf(&me, "/account");
}

static long post(const char *body, struct http_resp *r)
{
	return post_form(&me, "/cart", body, r);
}

static void cart_empty(void)
{
	assert_int_equal(sql_admin("DELETE FROM cart_items WHERE customer_id = %lld", me_id), 0);
}

/* POSTs "Add to cart" of qty x product id as the product page's form does. Returns status. */
static long add_to_cart(long long id, int qty, struct http_resp *r)
{
	char *t = csrf();
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&product_id=%lld&add=1&quantity=%d", t, id, qty);
	free(t);
	return post(body, r);
}

static void test_search_finds_words_of_name_and_description(void **state)
{
	(void)state;
	char name[96], desc[160];
	const char *in_name = word("zephyr", 1);
	snprintf(name, sizeof(name), "Lantern %s", in_name);
	char in_desc[48];
	snprintf(in_desc, sizeof(in_desc), "%s", word("glimmer", 2));
	snprintf(desc, sizeof(desc), "A lamp of %s glass.", in_desc);
	long long id = product_add("mugs", name, desc, 1234, 7);
	struct http_resp r;
	char path[160], want[64];
	snprintf(want, sizeof(want), "href=\"/product/%lld\"", id);

	snprintf(path, sizeof(path), "/catalog?q=%s", in_name);
	assert_int_equal(get(path, &r), 200);
	assert_non_null(strstr(r.body, "1 product matches"));
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, name));
	long long ids[64];
	assert_int_equal(ids_of(r.body, ids, 64), 1);
	http_resp_free(&r);

	/* A word of the description only, combined with the product's category and a sort. */
	snprintf(path, sizeof(path), "/catalog?q=%s&category=mugs&sort=-price", in_desc);
	assert_int_equal(get(path, &r), 200);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "value=\"-price\"")); /* the search form keeps the sort */
	http_resp_free(&r);
	/* ... and not in another category. */
	snprintf(path, sizeof(path), "/catalog?q=%s&category=caps", in_desc);
	assert_int_equal(get(path, &r), 200);
	assert_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "No products match"));
	http_resp_free(&r);

	/* A common word finds many, each of which has it. */
	assert_int_equal(get("/catalog?q=Vintage&sort=price", &r), 200);
	long long n = sql_admin_int("SELECT COUNT(*) FROM products WHERE active = 1 AND "
	                            "MATCH (name, description) AGAINST ('Vintage')");
	char count[64];
	snprintf(count, sizeof(count), "%lld products match", n);
	assert_true(n > page_size);
	assert_non_null(strstr(r.body, count));
	size_t got = ids_of(r.body, ids, 64);
	assert_int_equal(got, page_size);
	for (size_t i = 0; i < got; i++)
		assert_int_equal(sql_admin_int("SELECT name LIKE '%%Vintage%%' FROM products WHERE "
		                               "id = %lld",
		                               ids[i]),
		                 1);
	http_resp_free(&r);
}

static void test_search_without_match_says_so_and_suggests(void **state)
{
	(void)state;
	struct http_resp r;
	char path[160], q[96];
	snprintf(q, sizeof(q), "%s %s", word("nowhere", 3), word("nothing", 4));
	snprintf(path, sizeof(path), "/catalog?category=mugs&q=%s", urlenc(q));
	assert_int_equal(get(path, &r), 200);
	char want[160];
	snprintf(want, sizeof(want), "No products match “%s” in Mugs.", q);
	assert_non_null(strstr(r.body, want));
	/* The same words in every category, each word alone, the categories and everything. */
	snprintf(want, sizeof(want), "href=\"/catalog?q=%s+%s\"", word("nowhere", 3),
	         word("nothing", 4));
	assert_non_null(strstr(r.body, want));
	snprintf(want, sizeof(want), "href=\"/catalog?q=%s\"", word("nowhere", 3));
	assert_non_null(strstr(r.body, want));
	snprintf(want, sizeof(want), "href=\"/catalog?q=%s\"", word("nothing", 4));
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, ">Enamel pins</a>"));
	assert_non_null(strstr(r.body, "href=\"/catalog\">the whole catalogue"));
	long long ids[4];
	assert_int_equal(ids_of(r.body, ids, 4), 0);
	http_resp_free(&r);
	/* Its page 2 does not exist. */
	snprintf(path, sizeof(path), "/catalog?q=%s&page=2", urlenc(q));
	assert_int_equal(status_of(path), 404);
}

static void test_bad_search_or_sort_is_400_and_empty_search_is_none(void **state)
{
	(void)state;
	assert_int_equal(status_of("/catalog?sort=cheap"), 400);
	assert_int_equal(status_of("/catalog?sort=PRICE"), 400);
	assert_int_equal(status_of("/catalog?q=a%01b"), 400);
	char path[256] = "/catalog?q=";
	memset(path + strlen(path), 'x', 101);
	assert_int_equal(status_of(path), 400);
	struct http_resp r;
	assert_int_equal(get("/catalog?q=&sort=", &r), 200);
	assert_non_null(strstr(r.body, "<h1>Catalogue</h1>"));
	assert_null(strstr(r.body, "match"));
	http_resp_free(&r);
	assert_int_equal(get("/catalog?q=+++", &r), 200);
	assert_non_null(strstr(r.body, "<h1>Catalogue</h1>"));
	http_resp_free(&r);
}

/* Page page of /catalog in sort (and category slug, or NULL) equals the same page of the
 * products ordered by order_sql in MariaDB. */
static void expect_order(const char *sort, const char *slug, const char *order_sql, int page)
{
	char path[128], where[96] = "";
	snprintf(path, sizeof(path), "/catalog?sort=%s&page=%d%s%s", sort, page,
	         slug ? "&category=" : "", slug ? slug : "");
	if (slug != NULL)
		snprintf(where, sizeof(where),
		         " AND category_id = (SELECT id FROM categories WHERE slug = '%s')", slug);
	struct http_resp r;
	assert_int_equal(get(path, &r), 200);
	long long ids[64];
	size_t n = ids_of(r.body, ids, 64);
	http_resp_free(&r);
	assert_int_equal(n, page_size);
	for (size_t i = 0; i < n; i++) {
		long long want =
		    sql_admin_int("SELECT id FROM products WHERE active = 1%s ORDER BY %s "
		                  "LIMIT 1 OFFSET %zu",
		                  where, order_sql, (size_t)(page - 1) * page_size + i);
		if (ids[i] != want)
			fail_msg("sort=%s%s page %d, place %zu: product %lld, expected %lld", sort,
			         slug ? slug : "", page, i, ids[i], want);
	}
}

static void test_each_sort_order_is_really_ordered(void **state)
{
	(void)state;
	/* Ties in the demo catalogue's prices and names' prefixes: the id breaks them. */
	expect_order("new", NULL, "id DESC", 1);
	expect_order("price", NULL, "price_cents, id", 1);
	expect_order("price", NULL, "price_cents, id", 3);
	expect_order("-price", NULL, "price_cents DESC, id DESC", 1);
	expect_order("-price", NULL, "price_cents DESC, id DESC", 2);
	expect_order("name", NULL, "name, id", 1);
	expect_order("name", NULL, "name, id", 4);
	expect_order("price", "socks", "price_cents, id", 2);
	expect_order("-price", "socks", "price_cents DESC, id DESC", 1);
	expect_order("name", "socks", "name, id", 1);
	/* And the prices on the page really rise. */
	struct http_resp r;
	assert_int_equal(get("/catalog?sort=price", &r), 200);
	double last = 0;
	int seen = 0;
	for (const char *p = r.body; (p = strstr(p, "class=\"price\">€")) != NULL; seen++) {
		p += strlen("class=\"price\">€");
		double v = strtod(p, NULL);
		assert_true(v >= last);
		last = v;
	}
	assert_int_equal(seen, page_size);
	http_resp_free(&r);
}

static void test_page_numbers_and_a_page_past_the_last_is_404(void **state)
{
	(void)state;
	long long n = sql_admin_int("SELECT COUNT(*) FROM products p JOIN categories c ON c.id = "
	                            "p.category_id WHERE p.active = 1 AND c.slug = 'mugs'");
	long pages = (long)((n + page_size - 1) / page_size);
	assert_true(pages >= 4);
	struct http_resp r;
	char want[160], path[96];
	assert_int_equal(get("/catalog?category=mugs&sort=name", &r), 200);
	snprintf(want, sizeof(want), "page 1 of %ld.", pages);
	assert_non_null(strstr(r.body, want));
	/* The current page, a window after it, Next and Last (keeping category and sort). */
	assert_non_null(strstr(r.body, "aria-current=\"page\" class=\"current\">1</a>"));
	assert_non_null(strstr(r.body, "href=\"/catalog?category=mugs&amp;sort=name&amp;page=2\" "
	                               "aria-label=\"Page 2\">2</a>"));
	assert_non_null(strstr(r.body, ">3</a>"));
	assert_non_null(strstr(r.body,
	                       "rel=\"next\" href=\"/catalog?category=mugs&amp;sort=name&amp;"
	                       "page=2\">Next</a>"));
	snprintf(want, sizeof(want),
	         "href=\"/catalog?category=mugs&amp;sort=name&amp;page=%ld\">Last</a>", pages);
	assert_non_null(strstr(r.body, want));
	assert_null(strstr(r.body, ">First</a>"));
	assert_null(strstr(r.body, ">Previous</a>"));
	http_resp_free(&r);

	/* The last page: First and Previous, no Next or Last. */
	snprintf(path, sizeof(path), "/catalog?category=mugs&page=%ld", pages);
	assert_int_equal(get(path, &r), 200);
	snprintf(want, sizeof(want), "page %ld of %ld.", pages, pages);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "href=\"/catalog?category=mugs\">First</a>"));
	assert_null(strstr(r.body, ">Next</a>"));
	assert_null(strstr(r.body, ">Last</a>"));
	long long ids[64];
	assert_int_equal(ids_of(r.body, ids, 64), (size_t)(n - (pages - 1) * page_size));
	http_resp_free(&r);

	/* One past the last, and far past it: not found, never "page 999 of 42". */
	snprintf(path, sizeof(path), "/catalog?category=mugs&page=%ld", pages + 1);
	assert_int_equal(status_of(path), 404);
	assert_int_equal(status_of("/catalog?page=999"), 404);
	assert_int_equal(status_of("/catalog?sort=-price&page=999"), 404);
	assert_int_equal(status_of("/catalog?q=Vintage&page=999"), 404);
}

static void test_product_page_shows_its_images_with_srcset_and_cards_show_the_first(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof(name), "Pictured %s", word("pic", 5));
	long long id = product_add("posters", name, "A poster with pictures.", 2500, 3);
	char h1[65], h2[65];
	memset(h1, 'a', 64);
	memset(h2, 'b', 64);
	h1[64] = h2[64] = '\0';
	h1[0] = '1';
	h2[0] = '2';
	/* Inserted out of order: the page shows them in position order. */
	assert_int_equal(sql_admin("INSERT INTO product_images (product_id, position, hash, width, "
	                           "height, alt) VALUES (%lld, 2, '%s', 1280, 960, 'The back'), "
	                           "(%lld, 1, '%s', 1000, 1250, '')",
	                           id, h2, id, h1),
	                 0);
	assert_int_equal(sql_admin("UPDATE products SET image_hash = '%s' WHERE id = %lld", h1, id),
	                 0);
	struct http_resp r;
	char path[64], want[512];
	snprintf(path, sizeof(path), "/product/%lld", id);
	assert_int_equal(get(path, &r), 200);
	const char *first = strstr(r.body, h1), *second = strstr(r.body, h2);
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	snprintf(want, sizeof(want),
	         "srcset=\"/img/%s-320.webp 320w, /img/%s-640.webp 640w, /img/%s-1280.webp 1280w\"",
	         h1, h1, h1);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "sizes=\""));
	/* The first has no words of its own: the product's name is its alt text. */
	snprintf(want, sizeof(want), "width=\"1000\" height=\"1250\" alt=\"%s\">", name);
	assert_non_null(strstr(r.body, want));
	assert_non_null(
	    strstr(r.body, "width=\"1280\" height=\"960\" alt=\"The back\" loading=\"lazy\">"));
	http_resp_free(&r);

	/* The newest posters page shows its card with the first image; a product without one
	 * gets the placeholder. */
	assert_int_equal(get("/catalog?category=posters", &r), 200);
	snprintf(want, sizeof(want), "<img src=\"/img/%s-320.webp\" srcset=", h1);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "class=\"card-placeholder\" aria-hidden=\"true\">"));
	http_resp_free(&r);

	/* Without images: the placeholder on the product page too. */
	long long plain = sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1 AND "
	                                "image_hash IS NULL");
	snprintf(path, sizeof(path), "/product/%lld", plain);
	assert_int_equal(get(path, &r), 200);
	assert_non_null(strstr(r.body, "class=\"card-placeholder\" role=\"img\""));
	assert_null(strstr(r.body, "<img"));
	http_resp_free(&r);
	/* Its made-up image files do not exist: out of the shop for the tests that follow. */
	assert_int_equal(sql_admin("UPDATE products SET active = 0 WHERE id = %lld", id), 0);
}

static void test_add_to_cart_twice_gives_quantity_two_and_says_so(void **state)
{
	(void)state;
	cart_empty();
	long long id = sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1");
	assert_int_equal(
	    sql_admin("UPDATE products SET stock = GREATEST(stock, 10) WHERE id = %lld", id), 0);
	struct http_resp r;
	char want[256];
	assert_int_equal(add_to_cart(id, 1, &r), 303);
	char *loc = http_header_value(&r, "Location");
	snprintf(want, sizeof(want), "/cart?added=%lld", id);
	assert_non_null(loc);
	assert_non_null(strstr(loc, want));
	free(loc);
	http_resp_free(&r);
	assert_int_equal(add_to_cart(id, 1, &r), 303);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT quantity FROM cart_items WHERE customer_id = %lld "
	                               "AND product_id = %lld",
	                               me_id, id),
	                 2);
	snprintf(want, sizeof(want), "/cart?added=%lld", id);
	assert_int_equal(get(want, &r), 200);
	/* "2 × <name> in your cart." with the product's own name. */
	const char *m = strstr(r.body, "role=\"status\">2 × ");
	assert_non_null(m);
	assert_non_null(strstr(m, " in your cart.</p>"));
	http_resp_free(&r);
	/* The cart's own form still sets the quantity; adding past the stock is refused. */
	char *t = csrf();
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&product_id=%lld&quantity=1", t, id);
	free(t);
	assert_int_equal(post(body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT quantity FROM cart_items WHERE customer_id = %lld "
	                               "AND product_id = %lld",
	                               me_id, id),
	                 1);
	assert_int_equal(sql_admin("UPDATE products SET stock = 2 WHERE id = %lld", id), 0);
	assert_int_equal(add_to_cart(id, 2, &r), 422);
	assert_non_null(strstr(r.body, "your cart holds 1"));
	http_resp_free(&r);
	assert_int_equal(add_to_cart(id, 0, &r), 422);
	http_resp_free(&r);
	assert_int_equal(sql_admin("UPDATE products SET stock = 10 WHERE id = %lld", id), 0);
	cart_empty();
}

/* The number in the header's cart link, or -1 when it shows none. */
static long header_count(const char *path)
{
	struct http_resp r;
	assert_int_equal(get(path, &r), 200);
	const char *p = strstr(r.body, "class=\"cart-count\">");
	long n = p != NULL ? strtol(p + strlen("class=\"cart-count\">"), NULL, 10) : -1;
	http_resp_free(&r);
	return n;
}

static void test_header_counts_the_items_in_the_cart(void **state)
{
	(void)state;
	cart_empty();
	assert_int_equal(header_count("/catalog"), -1);
	long long a = sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1");
	long long b =
	    sql_admin_int("SELECT MIN(id) FROM products WHERE active = 1 AND id > %lld", a);
	assert_int_equal(sql_admin("UPDATE products SET stock = GREATEST(stock, 10) WHERE id IN "
	                           "(%lld, %lld)",
	                           a, b),
	                 0);
	struct http_resp r;
	assert_int_equal(add_to_cart(a, 2, &r), 303);
	http_resp_free(&r);
	assert_int_equal(add_to_cart(b, 1, &r), 303);
	http_resp_free(&r);
	/* On every page, from the one statement the session costs (no second query). */
	assert_int_equal(header_count("/catalog"), 3);
	assert_int_equal(header_count("/orders"), 3);
	assert_int_equal(header_count("/cart"), 3);
	/* Changed by the cart's form, and by a removal. */
	char *t = csrf();
	char body[256];
	snprintf(body, sizeof(body), "csrf=%s&product_id=%lld&quantity=5", t, a);
	assert_int_equal(post(body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(header_count("/catalog?sort=name"), 6);
	snprintf(body, sizeof(body), "csrf=%s&product_id=%lld&quantity=0", t, b);
	free(t);
	assert_int_equal(post(body, &r), 303);
	http_resp_free(&r);
	assert_int_equal(header_count("/catalog"), 5);
	assert_int_equal(
	    sql_admin_int("SELECT items FROM cart_counts WHERE customer_id = %lld", me_id),
	    sql_admin_int("SELECT SUM(quantity) FROM cart_items WHERE customer_id = %lld", me_id));
	cart_empty();
	assert_int_equal(header_count("/catalog"), -1);
}

static void
test_sold_out_line_is_flagged_left_out_of_the_total_and_refused_at_checkout(void **state)
{
	(void)state;
	cart_empty();
	long long a = product_add("caps", word("keptcap", 6), "A cap that stays.", 1500, 10);
	long long b = product_add("caps", word("gonecap", 7), "A cap that sells out.", 2200, 10);
	struct http_resp r;
	assert_int_equal(add_to_cart(a, 1, &r), 303);
	http_resp_free(&r);
	assert_int_equal(add_to_cart(b, 2, &r), 303);
	http_resp_free(&r);
	assert_int_equal(get("/cart", &r), 200);
	assert_non_null(strstr(r.body, "<th>€59.00</th>"));
	http_resp_free(&r);
	assert_int_equal(sql_admin("UPDATE products SET stock = 0 WHERE id = %lld", b), 0);
	assert_int_equal(get("/cart", &r), 200);
	assert_non_null(strstr(r.body, "Sold out: not in the total."));
	assert_non_null(strstr(r.body, "not counted in the total"));
	assert_non_null(strstr(r.body, "<th>€15.00</th>"));
	http_resp_free(&r);
	/* Fewer left than the line asks for: flagged the same way. */
	assert_int_equal(sql_admin("UPDATE products SET stock = 1 WHERE id = %lld", b), 0);
	assert_int_equal(get("/cart", &r), 200);
	assert_non_null(strstr(r.body, "Only 1 left: not in the total."));
	assert_non_null(strstr(r.body, "<th>€15.00</th>"));
	http_resp_free(&r);

	/* Checkout refuses the cart with a clear message; no order. */
	assert_int_equal(get("/checkout", &r), 200);
	assert_non_null(strstr(r.body, "not in the total"));
	const char *p = strstr(r.body, "name=\"nonce\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"nonce\" value=\"");
	char nonce[64];
	snprintf(nonce, sizeof(nonce), "%.*s", (int)(strchr(p, '"') - p), p);
	http_resp_free(&r);
	long long orders = sql_admin_int("SELECT COUNT(*) FROM orders");
	char *t = csrf();
	char body[1024];
	snprintf(body, sizeof(body),
	         "csrf=%s&nonce=%s&name=Pat+Buyer&email=pat%%40example.com&billing_line1=1+Main+St"
	         "&billing_line2=&billing_city=Leeds&billing_postcode=LS1+1AA&billing_country=UK"
	         "&shipping_same=1&payment_mode=invoice",
	         t, nonce);
	free(t);
	assert_int_equal(post_form(&me, "/checkout", body, &r), 422);
	assert_non_null(strstr(r.body, "is short of stock. Remove it from your cart or lower the "
	                               "quantity"));
	http_resp_free(&r);
	assert_int_equal(sql_admin_int("SELECT COUNT(*) FROM orders"), orders);
	assert_int_equal(sql_admin("UPDATE products SET active = 0 WHERE id IN (%lld, %lld)", a, b),
	                 0);
	cart_empty();
}

int main(void)
{
	harness_require_stack();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_search_finds_words_of_name_and_description),
	    cmocka_unit_test(test_search_without_match_says_so_and_suggests),
	    cmocka_unit_test(test_bad_search_or_sort_is_400_and_empty_search_is_none),
	    cmocka_unit_test(test_each_sort_order_is_really_ordered),
	    cmocka_unit_test(test_page_numbers_and_a_page_past_the_last_is_404),
	    cmocka_unit_test(
	        test_product_page_shows_its_images_with_srcset_and_cards_show_the_first),
	    cmocka_unit_test(test_add_to_cart_twice_gives_quantity_two_and_says_so),
	    cmocka_unit_test(test_header_counts_the_items_in_the_cart),
	    cmocka_unit_test(
	        test_sold_out_line_is_flagged_left_out_of_the_total_and_refused_at_checkout),
	};
	return cmocka_run_group_tests_name("storefront", tests, sign_in, NULL);
}
