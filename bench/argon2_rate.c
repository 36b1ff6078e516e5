/* argon2_rate.c — raw single-thread argon2id rate, the ceiling for logins per second. */
#include <argon2.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define SALT_LEN 16
#define HASH_LEN 32
#define PASSWORD "correct horse battery staple 9!"

/* Parses a decimal uint32 greater than zero into *v.  Returns 0, or -1. */
static int parse_u32(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v == 0 || *v > max || s[0] == '-')
		return -1;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Usage: argon2_rate M_KIB T P SECONDS.  Hashes a fixed password with a fresh
 * random salt per hash (as password_hash does) until SECONDS have passed, and
 * prints "hashes_per_sec <float>".  Exits 2 on bad arguments, 1 on failure.
 */
int main(int argc, char **argv)
{
	unsigned long m, t, p, seconds;
	unsigned char salt[SALT_LEN];
	char encoded[128];
	unsigned long count = 0;
	double start, elapsed;

	if (argc != 5 || parse_u32(argv[1], 0xffffffffUL, &m) != 0 ||
	    parse_u32(argv[2], 0xffffffffUL, &t) != 0 || parse_u32(argv[3], 0xffffffUL, &p) != 0 ||
	    parse_u32(argv[4], 86400UL, &seconds) != 0) {
		fputs("usage: argon2_rate M_KIB T P SECONDS\n", stderr);
		return 2;
	}

	start = now();
	do {
		if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt)) {
			perror("argon2_rate: getrandom");
			return 1;
		}
		int rc = argon2id_hash_encoded((uint32_t)t, (uint32_t)m, (uint32_t)p, PASSWORD,
		                               strlen(PASSWORD), salt, sizeof(salt), HASH_LEN,
		                               encoded, sizeof(encoded));
		if (rc != ARGON2_OK) {
			fprintf(stderr, "argon2_rate: %s\n", argon2_error_message(rc));
			return 1;
		}
		count++;
		elapsed = now() - start;
	} while (elapsed < (double)seconds);

	printf("hashes_per_sec %.3f\n", (double)count / elapsed);
	return 0;
}
