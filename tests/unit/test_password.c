/* test_password.c — argon2id hashing, verification, re-hash policy and strength rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "password.h"

/* Cheap parameters keep the suite fast; one test runs at the real default cost. */
static const struct password_params CHEAP = {.m_kib = 1024, .t = 1, .p = 1};
static const struct password_params DEFAULT = {.m_kib = 19456, .t = 2, .p = 1};

#define PW "correct horse battery staple 9!"

static void hash_ok(const struct password_params *pp, const char *pw, char *out)
{
	assert_int_equal(password_hash(pp, pw, strlen(pw), out, PASSWORD_HASH_MAX), 0);
}

static void test_hash_is_argon2id_with_configured_params(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];
	const char *prefix = "$argon2id$v=19$m=1024,t=1,p=1$";

	hash_ok(&CHEAP, PW, out);
	assert_int_equal(strncmp(out, prefix, strlen(prefix)), 0);
	/* 16-byte salt and 32-byte hash, unpadded base64: 22 and 43 characters. */
	assert_int_equal(strlen(out), strlen(prefix) + 22 + 1 + 43);

	char tiny[16] = "junk";
	assert_int_equal(password_hash(&CHEAP, PW, strlen(PW), tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "");
}

static void test_verify_accepts_right_password(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];

	/* The one test at the production cost: the real parameters must round-trip. */
	hash_ok(&DEFAULT, PW, out);
	assert_int_equal(strncmp(out, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	assert_int_equal(password_verify(out, PW, strlen(PW)), 0);
	assert_false(password_needs_rehash(&DEFAULT, out));
}

static void test_verify_rejects_wrong_password(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];

	hash_ok(&CHEAP, PW, out);
	assert_int_equal(password_verify(out, "correct horse battery staple 9?", strlen(PW)), 1);
	assert_int_equal(password_verify(out, PW, strlen(PW) - 1), 1);
	assert_int_equal(password_verify(out, "", 0), 1);
}

static void test_verify_malformed_hash_is_error(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];

	assert_int_equal(password_verify("", PW, strlen(PW)), -1);
	assert_int_equal(password_verify("not a hash", PW, strlen(PW)), -1);
	assert_int_equal(password_verify("$argon2id$v=19$m=1024,t=1,p=1$", PW, strlen(PW)), -1);
	assert_int_equal(password_verify(NULL, PW, strlen(PW)), -1);

	/* A real hash cut short, or of another argon2 variant, is not a mismatch either. */
	hash_ok(&CHEAP, PW, out);
	out[strlen(out) - 10] = '\0';
	assert_int_equal(password_verify(out, PW, strlen(PW)), -1);
	hash_ok(&CHEAP, PW, out);
	memmove(out + 8, out + 9, strlen(out + 9) + 1); /* "$argon2id$" -> "$argon2i$" */
	assert_int_equal(password_verify(out, PW, strlen(PW)), -1);
}

static void test_two_hashes_of_same_password_differ(void **state)
{
	(void)state;
	char a[PASSWORD_HASH_MAX];
	char b[PASSWORD_HASH_MAX];

	hash_ok(&CHEAP, PW, a);
	hash_ok(&CHEAP, PW, b);
	assert_string_not_equal(a, b);
	assert_int_equal(password_verify(a, PW, strlen(PW)), 0);
	assert_int_equal(password_verify(b, PW, strlen(PW)), 0);
}

static void test_needs_rehash_when_params_change(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];
	struct password_params more_memory = CHEAP;
	struct password_params more_time = CHEAP;
	struct password_params more_lanes = CHEAP;

	more_memory.m_kib = 2048;
	more_time.t = 2;
	more_lanes.p = 2;
	hash_ok(&CHEAP, PW, out);
	assert_true(password_needs_rehash(&more_memory, out));
	assert_true(password_needs_rehash(&more_time, out));
	assert_true(password_needs_rehash(&more_lanes, out));
	assert_true(password_needs_rehash(&DEFAULT, out));

	/* m=1024 must not pass for m=10240 by prefix accident. */
	struct password_params m10240 = CHEAP;
	m10240.m_kib = 10240;
	assert_true(password_needs_rehash(&m10240, out));
}

static void test_no_rehash_when_params_same(void **state)
{
	(void)state;
	char out[PASSWORD_HASH_MAX];

	hash_ok(&CHEAP, PW, out);
	assert_false(password_needs_rehash(&CHEAP, out));
}

static void test_bcrypt_style_hash_needs_rehash(void **state)
{
	(void)state;
	const char *bcrypt = "$2y$10$abcdefghijklmnopqrstuuMZ0d0Zb8Yo5eDdkTZbGp7t5O7wW3Ke6";

	assert_true(password_needs_rehash(&CHEAP, bcrypt));
	assert_true(password_needs_rehash(&CHEAP, "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"));
	assert_true(password_needs_rehash(&CHEAP, ""));
	assert_true(password_needs_rehash(&CHEAP, NULL));
}

static const char *weakness(const char *pw)
{
	return password_weakness(pw, strlen(pw), NULL, NULL);
}

static void test_short_password_refused(void **state)
{
	(void)state;
	/* 11 emoji are 44 bytes but 11 characters: the limit counts code points. */
	const char *eleven = "🦊🌵🎻🧲🍋🚲🪁🦉🌋🧊🎲";

	assert_string_equal(weakness("x7#kQ9!mZ2@"), "Use at least 12 characters.");
	assert_string_equal(weakness(eleven), "Use at least 12 characters.");
	assert_string_equal(weakness(""), "Use at least 12 characters.");
}

static void test_twelve_unicode_chars_accepted(void **state)
{
	(void)state;
	assert_null(weakness("🦊🌵🎻🧲🍋🚲🪁🦉🌋🧊🎲🪴"));
	assert_null(weakness("漢字仮名交じり文章を書く"));
}

static void test_overlong_password_refused(void **state)
{
	(void)state;
	char pw[258 * 3 + 1];

	memset(pw, 'a', 257);
	pw[257] = '\0';
	assert_string_equal(weakness(pw), "Use at most 256 characters.");

	/* 257 three-byte characters: too long in characters, not only in bytes. */
	for (size_t i = 0; i < 257; i++)
		memcpy(pw + 3 * i, "字", 3);
	pw[257 * 3] = '\0';
	assert_string_equal(weakness(pw), "Use at most 256 characters.");
}

static void test_invalid_utf8_refused(void **state)
{
	(void)state;
	const char *msg = "Use only valid text (UTF-8, no NUL characters) in your password.";
	const char with_nul[] = "correct horse\0battery staple 9!";

	assert_string_equal(weakness("correct horse \xff battery staple"), msg);
	assert_string_equal(weakness("overlong slash \xc0\xaf is bad"), msg);
	assert_string_equal(weakness("surrogate \xed\xa0\x80 is not text"), msg);
	assert_string_equal(weakness("beyond unicode \xf4\x90\x80\x80 max"), msg);
	assert_string_equal(weakness("truncated at the end \xe6\xbc"), msg);
	assert_string_equal(password_weakness(with_nul, sizeof(with_nul) - 1, NULL, NULL), msg);
	assert_string_equal(password_weakness(NULL, 0, NULL, NULL), msg);
}

static void test_dictionary_password_refused(void **state)
{
	(void)state;
	const char *prefix = "This password is too easy to guess (";

	/* cracklib alone accepts this one; the padding around "password" is stripped first. */
	const char *w = weakness("password1234");
	assert_non_null(w);
	assert_int_equal(strncmp(w, prefix, strlen(prefix)), 0);
	assert_string_equal(
	    w, "This password is too easy to guess (it is based on a dictionary word).");

	w = weakness("relationship");
	assert_non_null(w);
	assert_string_equal(
	    w, "This password is too easy to guess (it is based on a dictionary word).");

	w = weakness("abcdefghijklmnop");
	assert_non_null(w);
	assert_int_equal(strncmp(w, prefix, strlen(prefix)), 0);
}

static void test_username_in_password_refused(void **state)
{
	(void)state;
	const char *msg = "Don't use your username or email address in your password.";
	const char *pw = "my Alice_W tuna casserole";

	assert_string_equal(password_weakness(pw, strlen(pw), "alice_w", NULL), msg);
	assert_string_equal(password_weakness(pw, strlen(pw), NULL, "ALICE_w@example.org"), msg);
	/* Names shorter than 3 are too common to forbid. */
	assert_null(password_weakness(pw, strlen(pw), "al", "my@example.org"));
}

static void test_strong_passphrase_accepted(void **state)
{
	(void)state;
	assert_null(password_weakness(PW, strlen(PW), "alice_w", "alice@example.org"));
	assert_null(weakness("pass word 1234 tuna"));
}

static void test_check_matches_and_treats_no_account_as_no_match(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX];
	hash_ok(&CHEAP, "correct horse battery", h);
	assert_int_equal(password_check(&CHEAP, h, "correct horse battery", 21), 0);
	assert_int_equal(password_check(&CHEAP, h, "correct horse batterx", 21), 1);
	/* No account: the dummy runs, and the answer is the same as a wrong password's. */
	assert_int_equal(password_check(&CHEAP, NULL, "correct horse battery", 21), 1);
	assert_int_equal(password_check(&CHEAP, "$argon2id$garbage", "x", 1), -1);
}

static void test_dummy_verify_runs(void **state)
{
	(void)state;
	password_verify_dummy(&CHEAP, PW, strlen(PW));
	password_verify_dummy(&CHEAP, "", 0);
	password_verify_dummy(&CHEAP, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_is_argon2id_with_configured_params),
	    cmocka_unit_test(test_verify_accepts_right_password),
	    cmocka_unit_test(test_verify_rejects_wrong_password),
	    cmocka_unit_test(test_verify_malformed_hash_is_error),
	    cmocka_unit_test(test_check_matches_and_treats_no_account_as_no_match),
	    cmocka_unit_test(test_two_hashes_of_same_password_differ),
	    cmocka_unit_test(test_needs_rehash_when_params_change),
	    cmocka_unit_test(test_no_rehash_when_params_same),
	    cmocka_unit_test(test_bcrypt_style_hash_needs_rehash),
	    cmocka_unit_test(test_short_password_refused),
	    cmocka_unit_test(test_twelve_unicode_chars_accepted),
	    cmocka_unit_test(test_overlong_password_refused),
	    cmocka_unit_test(test_invalid_utf8_refused),
	    cmocka_unit_test(test_dictionary_password_refused),
	    cmocka_unit_test(test_username_in_password_refused),
	    cmocka_unit_test(test_strong_passphrase_accepted),
	    cmocka_unit_test(test_dummy_verify_runs),
	};
	return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
