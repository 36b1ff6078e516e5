/* test_audit.c — the audit log's row hash: the canonical encoding is unambiguous and covers
 * every member, the hashes chain, and events become rows the database stores byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "privacy/audit.h"

static const unsigned char ZERO[AUDIT_HASH_LEN];

/* A row with every member set. */
static struct audit_row sample(void)
{
	return (struct audit_row){
	    .version = AUDIT_CHAIN_V1,
	    .id = 7,
	    .created_at = "2026-11-30 12:34:56.123456",
	    .staff_id = 3,
	    .staff_username = "alice",
	    .role = "support",
	    .action = "view",
	    .customer_id = 42,
	    .fields = "name,email",
	    .route = "/admin/customers/{id}",
	    .request_id = "r-1",
	    .detail = "reason",
	};
}

static void hash_of(const unsigned char *prev, const struct audit_row *row,
                    unsigned char out[AUDIT_HASH_LEN])
{
	audit_row_hash(prev, row, out);
}

static bool same_hash(const struct audit_row *a, const struct audit_row *b)
{
	unsigned char ha[AUDIT_HASH_LEN], hb[AUDIT_HASH_LEN];
	hash_of(ZERO, a, ha);
	hash_of(ZERO, b, hb);
	return memcmp(ha, hb, AUDIT_HASH_LEN) == 0;
}

static void test_moving_a_field_boundary_changes_the_hash(void **state)
{
	(void)state;
	struct audit_row a = sample(), b = sample();
	a.staff_username = "ab";
	a.role = "c";
	b.staff_username = "a";
	b.role = "bc";
	assert_false(same_hash(&a, &b));
	a = sample();
	b = sample();
	a.route = "/admin/x,";
	a.request_id = "y";
	b.route = "/admin/x";
	b.request_id = ",y";
	assert_false(same_hash(&a, &b));
	/* Text that looks like an encoded length or tag moves no boundary either. */
	a = sample();
	b = sample();
	a.fields = "name";
	a.route = "\x02";
	b.fields = "name\x02";
	b.route = "";
	assert_false(same_hash(&a, &b));
}

static void test_null_and_empty_and_zero_hash_differently(void **state)
{
	(void)state;
	struct audit_row a = sample(), b = sample();
	a.detail = NULL;
	b.detail = "";
	assert_false(same_hash(&a, &b));
	a = sample();
	b = sample();
	a.customer_id = -1;
	b.customer_id = 0;
	assert_false(same_hash(&a, &b));
	a = sample();
	b = sample();
	a.role = NULL;
	b.role = "";
	assert_false(same_hash(&a, &b));
}

static void test_every_member_is_covered_by_the_hash(void **state)
{
	(void)state;
	struct audit_row base = sample(), r;
	r = base, r.id = 8;
	assert_false(same_hash(&base, &r));
	r = base, r.created_at = "2026-11-30 12:34:56.123457";
	assert_false(same_hash(&base, &r));
	r = base, r.staff_id = 4;
	assert_false(same_hash(&base, &r));
	r = base, r.staff_username = "alicf";
	assert_false(same_hash(&base, &r));
	r = base, r.role = "billing";
	assert_false(same_hash(&base, &r));
	r = base, r.action = "signin";
	assert_false(same_hash(&base, &r));
	r = base, r.customer_id = 43;
	assert_false(same_hash(&base, &r));
	r = base, r.fields = "name";
	assert_false(same_hash(&base, &r));
	r = base, r.route = "/admin/customers";
	assert_false(same_hash(&base, &r));
	r = base, r.request_id = "r-2";
	assert_false(same_hash(&base, &r));
	r = base, r.detail = "reasons";
	assert_false(same_hash(&base, &r));
	r = base;
	assert_true(same_hash(&base, &r));
}

static void test_changing_prev_changes_the_hash(void **state)
{
	(void)state;
	struct audit_row row = sample();
	unsigned char prev[AUDIT_HASH_LEN] = {0}, h1[AUDIT_HASH_LEN], h2[AUDIT_HASH_LEN];
	hash_of(prev, &row, h1);
	hash_of(prev, &row, h2);
	assert_memory_equal(h1, h2, AUDIT_HASH_LEN);
	prev[AUDIT_HASH_LEN - 1] ^= 1;
	hash_of(prev, &row, h2);
	assert_memory_not_equal(h1, h2, AUDIT_HASH_LEN);
}

static void put(unsigned char *buf, size_t *n, const void *p, size_t len)
{
	memcpy(buf + *n, p, len);
	*n += len;
}

static void put_be(unsigned char *buf, size_t *n, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		buf[(*n)++] = (unsigned char)(v >> (8 * i));
}

static void put_s(unsigned char *buf, size_t *n, const char *s)
{
	buf[(*n)++] = 2;
	put_be(buf, n, strlen(s));
	put(buf, n, s, strlen(s));
}

/* The encoding the header documents, built byte by byte: stored chains depend on it. */
static void test_hash_is_blake2b_256_of_the_documented_encoding(void **state)
{
	(void)state;
	unsigned char buf[1024], want[AUDIT_HASH_LEN], got[AUDIT_HASH_LEN], prev[AUDIT_HASH_LEN];
	size_t n = 0;
	for (size_t i = 0; i < AUDIT_HASH_LEN; i++)
		prev[i] = (unsigned char)i;
	struct audit_row row = sample();
	row.staff_id = -1;
	row.detail = NULL;
	put_s(buf, &n, "ditto.audit_log.v1");
	put(buf, &n, prev, AUDIT_HASH_LEN);
	buf[n++] = 1;
	put_be(buf, &n, 7);
	put_s(buf, &n, row.created_at);
	buf[n++] = 0; /* staff_id NULL */
	put_s(buf, &n, "alice");
	put_s(buf, &n, "support");
	put_s(buf, &n, "view");
	buf[n++] = 1;
	put_be(buf, &n, 42);
	put_s(buf, &n, "name,email");
	put_s(buf, &n, "/admin/customers/{id}");
	put_s(buf, &n, "r-1");
	buf[n++] = 0; /* detail NULL */
	crypto_generichash(want, AUDIT_HASH_LEN, buf, n, NULL, 0);
	audit_row_hash(prev, &row, got);
	assert_memory_equal(want, got, AUDIT_HASH_LEN);
}

static void test_fields_string_names_the_fields_in_table_order(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(audit_fields_string(a, 0), "");
	assert_string_equal(audit_fields_string(a, 1u << FIELD_NAME), "name");
	assert_string_equal(audit_fields_string(a, (1u << FIELD_EMAIL) | (1u << FIELD_NAME)),
	                    "name,email");
	assert_string_equal(
	    audit_fields_string(a, (1u << FIELD_BILLING_ADDRESS) | (1u << FIELD_PROFILE)),
	    "billing_address,profile");
	/* Bits past the table are no field. */
	assert_string_equal(audit_fields_string(a, (1u << FIELD__MAX) | (1u << FIELD_PHONE)),
	                    "phone");
	unsigned all = (1u << FIELD__MAX) - 1;
	assert_string_equal(audit_fields_string(a, all),
	                    "name,email,username,phone,billing_address,shipping_address,payment,"
	                    "orders,visits,profile");
	assert_true(strlen(audit_fields_string(a, all)) <= AUDIT_FIELDS_MAX);
	arena_free(a);
}

static const unsigned char KEY[AUDIT_KEY_LEN] = {1, 2, 3};

static void test_event_none_values_become_sql_null(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	audit_key_set(KEY);
	struct audit_event ev = {.role = -1, .action = AUDIT_SIGNIN_FAILED};
	struct audit_row row;
	assert_int_equal(audit_row_from_event(a, &ev, 5, "2026-11-30 00:00:00.000000", &row), 0);
	assert_int_equal(row.id, 5);
	assert_string_equal(row.created_at, "2026-11-30 00:00:00.000000");
	assert_int_equal(row.staff_id, -1);
	assert_string_equal(row.staff_username, "");
	assert_null(row.role);
	assert_string_equal(row.action, "signin_failed");
	assert_int_equal(row.customer_id, -1);
	assert_string_equal(row.fields, "");
	assert_string_equal(row.route, "");
	assert_string_equal(row.request_id, "");
	assert_null(row.detail);

	ev = (struct audit_event){.staff_id = 9,
	                          .staff_username = "bob",
	                          .role = ROLE_BILLING,
	                          .action = AUDIT_VIEW,
	                          .customer_id = 12,
	                          .fields = (1u << FIELD_BILLING_ADDRESS),
	                          .route = "/admin/customers/{id}",
	                          .request_id = "abc",
	                          .detail = ""};
	assert_int_equal(audit_row_from_event(a, &ev, 6, "t", &row), 0);
	assert_int_equal(row.staff_id, 9);
	assert_string_equal(row.role, "billing");
	assert_int_equal(row.customer_id, 12);
	assert_int_equal(row.version, AUDIT_CHAIN_V2);
	char ref[AUDIT_REF_HEX + 1];
	assert_int_equal(audit_customer_ref(12, ref), 0);
	assert_string_equal(row.customer_ref, ref);
	assert_string_equal(row.fields, "billing_address");
	assert_string_equal(row.detail, "");
	arena_free(a);
}

/* The pseudonym is keyed: without the key no row about a customer is built, and another key
 * names the same id differently. */
static void test_customer_ref_needs_the_key_and_depends_on_it(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct audit_event ev = {.role = -1, .action = AUDIT_VIEW, .customer_id = 12};
	struct audit_row row;
	char r1[AUDIT_REF_HEX + 1], r2[AUDIT_REF_HEX + 1], r3[AUDIT_REF_HEX + 1];
	audit_key_clear();
	assert_int_equal(audit_customer_ref(12, r1), -1);
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.customer_id = 0; /* no customer: no key needed */
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), 0);
	assert_null(row.customer_ref);
	audit_key_set(KEY);
	assert_int_equal(audit_customer_ref(12, r1), 0);
	assert_int_equal(audit_customer_ref(13, r2), 0);
	assert_int_equal(strlen(r1), AUDIT_REF_HEX);
	assert_string_not_equal(r1, r2);
	unsigned char other[AUDIT_KEY_LEN] = {9};
	audit_key_set(other);
	assert_int_equal(audit_customer_ref(12, r3), 0);
	assert_string_not_equal(r1, r3);
	assert_int_equal(audit_customer_ref(0, r3), -1);
	audit_key_clear();
	arena_free(a);
}

/* V2 hashes customer_ref in customer_id's place: erasing the id leaves the hash as it was. */
static void test_v2_hash_ignores_the_id_and_covers_the_ref(void **state)
{
	(void)state;
	struct audit_row a = sample(), b = sample();
	a.version = b.version = AUDIT_CHAIN_V2;
	a.customer_ref = b.customer_ref = "00ff";
	b.customer_id = -1;
	assert_true(same_hash(&a, &b));
	b.customer_ref = "00fe";
	assert_false(same_hash(&a, &b));
	/* The two encodings never agree, even on the same members. */
	b = a;
	b.version = AUDIT_CHAIN_V1;
	assert_false(same_hash(&a, &b));
}

static void test_malformed_events_are_refused(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct audit_row row;
	struct audit_event ev = {.role = -1, .action = NULL};
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.action = "";
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.action = "View";
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.action = "view'; --";
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.action = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; /* 41 */
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.action = AUDIT_VIEW;
	ev.role = ROLE__MAX;
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.role = -2;
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), -1);
	ev.role = ROLE_LEGAL;
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), 0);
	arena_free(a);
}

static void test_long_or_broken_text_is_stored_as_hashed(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct audit_row row;
	char route[400];
	/* 119 ASCII bytes and a two-byte character: the character does not fit in 120. */
	memset(route, 'r', 119);
	snprintf(route + 119, sizeof(route) - 119, "\xc3\xa9tail");
	struct audit_event ev = {.role = -1, .action = AUDIT_VIEW, .route = route};
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), 0);
	assert_int_equal(strlen(row.route), 119);
	/* Bytes that are not UTF-8 become '?': the database would refuse them. */
	ev.route = "/a\xff\xc3z\xed\xa0\x80\xe2\x82\xac";
	ev.staff_username = "\xc0\xaf";
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), 0);
	assert_string_equal(row.route, "/a??z???\xe2\x82\xac");
	assert_string_equal(row.staff_username, "??");
	char detail[1000];
	memset(detail, 'd', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	ev.detail = detail;
	assert_int_equal(audit_row_from_event(a, &ev, 1, "t", &row), 0);
	assert_int_equal(strlen(row.detail), AUDIT_DETAIL_MAX);
	arena_free(a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_moving_a_field_boundary_changes_the_hash),
	    cmocka_unit_test(test_null_and_empty_and_zero_hash_differently),
	    cmocka_unit_test(test_every_member_is_covered_by_the_hash),
	    cmocka_unit_test(test_changing_prev_changes_the_hash),
	    cmocka_unit_test(test_hash_is_blake2b_256_of_the_documented_encoding),
	    cmocka_unit_test(test_fields_string_names_the_fields_in_table_order),
	    cmocka_unit_test(test_event_none_values_become_sql_null),
	    cmocka_unit_test(test_customer_ref_needs_the_key_and_depends_on_it),
	    cmocka_unit_test(test_v2_hash_ignores_the_id_and_covers_the_ref),
	    cmocka_unit_test(test_malformed_events_are_refused),
	    cmocka_unit_test(test_long_or_broken_text_is_stored_as_hashed),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
