/* plans.c — the hot statements with sample arguments and the plan each must keep. */
#include "plans.h"

#include "profile.h"

/* Sample queries: each yields one value of the data the statement is run against. */
#define SAMPLE_BIGGEST_CATEGORY                                                                    \
	"SELECT c.id FROM categories c LEFT JOIN products p ON p.category_id = c.id "              \
	"AND p.active = 1 GROUP BY c.id ORDER BY COUNT(p.id) DESC, c.id LIMIT 1"
#define SAMPLE_SMALLEST_CATEGORY                                                                   \
	"SELECT c.id FROM categories c LEFT JOIN products p ON p.category_id = c.id "              \
	"AND p.active = 1 GROUP BY c.id ORDER BY COUNT(p.id), c.id LIMIT 1"
#define SAMPLE_LIVE_SESSION                                                                        \
	"SELECT token_hash FROM sessions WHERE expires_at > UTC_TIMESTAMP(6) "                     \
	"ORDER BY last_seen_at DESC, id LIMIT 1"
#define SAMPLE_NEWEST_PRODUCT "SELECT MAX(id) FROM products WHERE active = 1"
#define SAMPLE_OLDEST_PRODUCT "SELECT MIN(id) FROM products WHERE active = 1"
#define SAMPLE_FULLEST_CART                                                                        \
	"SELECT customer_id FROM cart_items GROUP BY customer_id "                                 \
	"ORDER BY COUNT(*) DESC, customer_id LIMIT 1"
#define SAMPLE_EMPTY_CART                                                                          \
	"SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM cart_items ci "              \
	"WHERE ci.customer_id = c.id) ORDER BY c.id LIMIT 1"
#define SAMPLE_MOST_ORDERS                                                                         \
	"SELECT customer_id FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id "       \
	"ORDER BY COUNT(*) DESC, customer_id LIMIT 1"
#define SAMPLE_FEWEST_ORDERS                                                                       \
	"SELECT customer_id FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id "       \
	"ORDER BY COUNT(*), customer_id LIMIT 1"

/* The approved customer who viewed the most products (any approved one when nobody viewed any),
 * and one who viewed none. */
#define SAMPLE_MOST_VIEWS                                                                          \
	"SELECT COALESCE((SELECT v.customer_id FROM product_views v JOIN customers c "             \
	"ON c.id = v.customer_id AND c.status = 'approved' GROUP BY v.customer_id "                \
	"ORDER BY COUNT(*) DESC, v.customer_id LIMIT 1), "                                         \
	"(SELECT MIN(id) FROM customers WHERE status = 'approved'))"
#define SAMPLE_NO_VIEWS                                                                            \
	"SELECT MIN(c.id) FROM customers c WHERE c.status = 'approved' AND NOT EXISTS "            \
	"(SELECT 1 FROM product_views v WHERE v.customer_id = c.id)"

/* The purpose the statement checks. */
#define PROFILING FROM(DB_ARG_STR, "SELECT 'profiling'")

/* An argument read from the data, of type t; a constant one. */
#define FROM(t, q)                                                                                 \
	{                                                                                          \
		.value = {.type = (t)}, .sample = (q)                                              \
	}
#define CONST(v)                                                                                   \
	{                                                                                          \
		.value = DB_INT(v)                                                                 \
	}

/* A catalogue page: 20 rows (the default page size), the first and one deep in the list. */
#define PAGE_SIZE 20
#define DEEP_PAGE 2400

/* A sorted catalogue page: like the newest-first one, along the index holding that order. */
#define SORTED_ALL(title, text, index)                                                             \
	{                                                                                          \
		.name = (title), .sql = (text), .nargs = 2,                                        \
		.samples = {{"page 1", {CONST(PAGE_SIZE), CONST(0)}},                              \
		            {"deep page", {CONST(PAGE_SIZE), CONST(DEEP_PAGE)}}},                  \
		.nsamples = 2,                                                                     \
		.expect = {{"p", (index), false, false}, {"c", "PRIMARY", false, false}},          \
	}
#define SORTED_CATEGORY(title, text, index)                                                        \
	{                                                                                          \
		.name = (title), .sql = (text), .nargs = 3,                                        \
		.samples = {{"biggest category, page 1",                                           \
		             {FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY), CONST(PAGE_SIZE),         \
		              CONST(0)}},                                                          \
		            {"biggest category, deep page",                                        \
		             {FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY), CONST(PAGE_SIZE),         \
		              CONST(DEEP_PAGE)}},                                                  \
		            {"smallest category, page 1",                                          \
		             {FROM(DB_ARG_INT, SAMPLE_SMALLEST_CATEGORY), CONST(PAGE_SIZE),        \
		              CONST(0)}}},                                                         \
		.nsamples = 3,                                                                     \
		.expect = {{"p", (index), false, false}, {"c", "PRIMARY", false, false}},          \
	}

/* A search: the first word of the first product's name (in the seeded shop an eighth of it,
 * in the scratch one every product),
 * and a word none has; over all categories and one.  The fulltext index finds the matches, which
 * are then sorted (expect.sorts): only they are read, never the catalogue. */
#define SAMPLE_NAME_WORD "SELECT SUBSTRING_INDEX(name, ' ', 1) FROM products ORDER BY id LIMIT 1"
#define SEARCH_SAMPLES                                                                             \
	{                                                                                          \
		{"a word of names, all categories",                                                \
		 {FROM(DB_ARG_STR, SAMPLE_NAME_WORD), CONST(0), CONST(0)}},                        \
		    {"a word of names, biggest category",                                          \
		     {FROM(DB_ARG_STR, SAMPLE_NAME_WORD),                                          \
		      FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY),                                   \
		      FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY)}},                                 \
		{                                                                                  \
			"no match",                                                                \
			{                                                                          \
				FROM(DB_ARG_STR, "SELECT 'zzzqqqxxx'"), CONST(0), CONST(0)         \
			}                                                                          \
		}                                                                                  \
	}
#define SEARCH_PAGE(title, text)                                                                   \
	{                                                                                          \
		.name = (title), .sql = (text), .nargs = 5,                                        \
		.samples = {{"a word of names, page 1",                                            \
		             {FROM(DB_ARG_STR, SAMPLE_NAME_WORD), CONST(0), CONST(0),              \
		              CONST(PAGE_SIZE), CONST(0)}},                                        \
		            {"a word of names, biggest category",                                  \
		             {FROM(DB_ARG_STR, SAMPLE_NAME_WORD),                                  \
		              FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY),                           \
		              FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY), CONST(PAGE_SIZE),         \
		              CONST(0)}}},                                                         \
		.nsamples = 2,                                                                     \
		.expect = {{"p", "ft_products_search", false, true},                               \
		           {"c", "PRIMARY", false, false}},                                        \
	}

static const struct db_plan plans[] = {
    {
        .name = "session lookup",
        .sql = db_sql_session_get,
        .nargs = 2,
        .samples = {{"a live session", {FROM(DB_ARG_STR, SAMPLE_LIVE_SESSION), CONST(7200)}}},
        .nsamples = 1,
        .expect = {{"s", "uq_sessions_token", false, false},
                   {"c", "PRIMARY", false, false},
                   {"k", "PRIMARY", false, false},
                   {"n", "PRIMARY", false, false}},
    },
    {
        .name = "category list with counts",
        .sql = db_sql_category_list,
        .nargs = 0,
        .samples = {{"no arguments", {{.sample = NULL}}}},
        .nsamples = 1,
        /* Every category is listed: reading all of categories is the point. */
        .expect = {{"c", "ix_categories_name", true, false}, {"n", "PRIMARY", false, false}},
    },
    {
        .name = "catalogue page, all categories",
        .sql = db_sql_product_list_all,
        .nargs = 2,
        .samples = {{"page 1", {CONST(PAGE_SIZE), CONST(0)}},
                    {"deep page", {CONST(PAGE_SIZE), CONST(DEEP_PAGE)}}},
        .nsamples = 2,
        /* Newest first along (active, id), stopping after the page; each row's category by
         * its key. */
        .expect = {{"p", "ix_products_active_id", false, false}, {"c", "PRIMARY", false, false}},
    },
    {
        .name = "catalogue page, one category",
        .sql = db_sql_product_list_category,
        .nargs = 3,
        .samples =
            {{"biggest category, page 1",
              {FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY), CONST(PAGE_SIZE), CONST(0)}},
             {"biggest category, deep page",
              {FROM(DB_ARG_INT, SAMPLE_BIGGEST_CATEGORY), CONST(PAGE_SIZE), CONST(DEEP_PAGE)}},
             {"smallest category, page 1",
              {FROM(DB_ARG_INT, SAMPLE_SMALLEST_CATEGORY), CONST(PAGE_SIZE), CONST(0)}},
             {"smallest category, deep page",
              {FROM(DB_ARG_INT, SAMPLE_SMALLEST_CATEGORY), CONST(PAGE_SIZE), CONST(DEEP_PAGE)}}},
        .nsamples = 4,
        /* Newest first along (active, category_id, id): every row read is a row shown. */
        .expect = {{"p", "ix_products_active_category", false, false},
                   {"c", "PRIMARY", false, false}},
    },
    SORTED_ALL("catalogue page, all categories, cheapest first", db_sql_product_list_all_price,
               "ix_products_active_price"),
    SORTED_ALL("catalogue page, all categories, dearest first", db_sql_product_list_all_price_desc,
               "ix_products_active_price"),
    SORTED_ALL("catalogue page, all categories, by name", db_sql_product_list_all_name,
               "ix_products_active_name"),
    SORTED_CATEGORY("catalogue page, one category, cheapest first",
                    db_sql_product_list_category_price, "ix_products_active_category_price"),
    SORTED_CATEGORY("catalogue page, one category, dearest first",
                    db_sql_product_list_category_price_desc, "ix_products_active_category_price"),
    SORTED_CATEGORY("catalogue page, one category, by name", db_sql_product_list_category_name,
                    "ix_products_active_category_name"),
    {
        .name = "search, how many match",
        .sql = db_sql_product_search_count,
        .nargs = 3,
        .samples = SEARCH_SAMPLES,
        .nsamples = 3,
        .expect = {{"p", "ft_products_search", false, false}},
    },
    SEARCH_PAGE("search, newest first", db_sql_product_search_new),
    SEARCH_PAGE("search, cheapest first", db_sql_product_search_price),
    SEARCH_PAGE("search, dearest first", db_sql_product_search_price_desc),
    SEARCH_PAGE("search, by name", db_sql_product_search_name),
    {
        .name = "product images",
        .sql = db_sql_product_images,
        .nargs = 1,
        .samples = {{"newest product", {FROM(DB_ARG_INT, SAMPLE_NEWEST_PRODUCT)}},
                    {"oldest product", {FROM(DB_ARG_INT, SAMPLE_OLDEST_PRODUCT)}}},
        .nsamples = 2,
        /* In position order along the unique key: no sort. */
        .expect = {{"i", "uq_product_images_position", false, false}},
    },
    {
        .name = "product page",
        .sql = db_sql_product_get,
        .nargs = 1,
        .samples = {{"newest product", {FROM(DB_ARG_INT, SAMPLE_NEWEST_PRODUCT)}},
                    {"oldest product", {FROM(DB_ARG_INT, SAMPLE_OLDEST_PRODUCT)}}},
        .nsamples = 2,
        .expect = {{"p", "PRIMARY", false, false}, {"c", "PRIMARY", false, false}},
    },
    {
        .name = "cart",
        .sql = db_sql_cart_list,
        .nargs = 1,
        .samples = {{"fullest cart", {FROM(DB_ARG_INT, SAMPLE_FULLEST_CART)}},
                    {"empty cart", {FROM(DB_ARG_INT, SAMPLE_EMPTY_CART)}}},
        .nsamples = 2,
        .expect = {{"ci", "ix_cart_customer_added", false, false}, {"p", "PRIMARY", false, false}},
    },
    {
        .name = "recommended for you",
        .sql = db_sql_profile_recommend,
        .nargs = 2,
        .samples = {{"customer with the most viewed products",
                     {FROM(DB_ARG_INT, SAMPLE_MOST_VIEWS), PROFILING}},
                    {"customer without a profile", {FROM(DB_ARG_INT, SAMPLE_NO_VIEWS), PROFILING}}},
        .nsamples = 2,
        /* Every category is weighed (as the category list reads them all) and they, never
         * products, are sorted by weight; per category, the customer's views along
         * (customer_id, category_id), their interest by its key and the newest product off the
         * end of (active, category_id, id). */
        .expect = {{"cu", "PRIMARY", false, false},
                   {"c", NULL, true, true},
                   {"p", "PRIMARY", false, false},
                   {"v", "ix_views_customer_category", false, false},
                   {"i", "PRIMARY", false, false},
                   {"n", "ix_products_active_category", false, false}},
    },
    {
        .name = "order list",
        .sql = db_sql_order_list,
        .nargs = 1,
        .samples = {{"customer with the most orders", {FROM(DB_ARG_INT, SAMPLE_MOST_ORDERS)}},
                    {"customer with the fewest orders", {FROM(DB_ARG_INT, SAMPLE_FEWEST_ORDERS)}}},
        .nsamples = 2,
        /* The customer's orders newest first along (customer_id, id); lines by their key. */
        .expect = {{"o", "ix_orders_customer", false, false}, {"l", "PRIMARY", false, false}},
    },
};

size_t db_hot_plans(const struct db_plan **out)
{
	*out = plans;
	return sizeof(plans) / sizeof(plans[0]);
}
