/* ref_catalog.c — bench reference: GET /catalog's two queries in the plainest libfcgi program.
 *
 * Usage: ref_catalog SOCKET WORKERS DB_SOCKET PASSWORD_FILE
 *
 * ref_hello's prefork skeleton plus one MariaDB connection per worker (user ditto_web, database
 * ditto, utf8mb4) with SQL_CATEGORY_LIST and SQL_PRODUCT_LIST_ALL of app/db/catalog.c prepared
 * once per worker and executed per request with page 1's arguments (24, 0); the total is the sum
 * of the category counts, as ditto computes it. Rows are streamed (no store_result) into a reused
 * buffer as simple HTML. This is the bar ditto's /catalog is measured against: what libfcgi +
 * Connector/C cost with nothing else around them.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <mysql.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define CELL_MAX    1024 /* VARCHAR(200) in utf8mb4 is at most 800 bytes */

/* Copied from app/db/catalog.c: the same text, so the server does the same work. */
static const char SQL_CATEGORY_LIST[] =
    "SELECT c.id, c.slug, c.name, COALESCE(n.cnt, 0) FROM categories c "
    "LEFT JOIN (SELECT category_id, COUNT(*) AS cnt FROM products WHERE active = 1 "
    "GROUP BY category_id) n ON n.category_id = c.id ORDER BY c.name";
/* Copied from app/db/sessions.c: what ditto asks for the customer's session on every
 * signed-in request (used with the "session" argument). */
static const char SQL_SESSION_GET[] =
    "SELECT s.id, s.customer_id, s.csrf_token, c.status, c.name, c.username, "
    "s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND, "
    "s.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 30 MINUTE "
    "FROM sessions s JOIN customers c ON c.id = s.customer_id "
    "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP(6) "
    "AND s.last_seen_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND";
static const char SQL_PRODUCT_LIST_ALL[] =
    "SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.price_cents, p.stock "
    "FROM products p JOIN categories c ON c.id = p.category_id "
    "WHERE p.active = 1 ORDER BY p.id DESC LIMIT ? OFFSET ?";

/* A growable output buffer, reused across requests. */
struct out {
	char *p;
	size_t len, cap;
	int oom;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 16384;
		while (cap < o->len + n)
			cap *= 2;
		char *p = realloc(o->p, cap);
		if (p == NULL) {
			o->oom = 1;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* Minimal HTML escaping: enough for text and double-quoted attributes. */
static void out_esc(struct out *o, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = NULL;
		switch (s[i]) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		default:
			continue;
		}
		out_put(o, s + from, i - from);
		out_str(o, e);
		from = i + 1;
	}
	out_put(o, s + from, n - from);
}

static void out_num(struct out *o, long long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", v);
	out_put(o, b, (size_t)n);
}

/* A result column: an integer or a text cell. */
struct col {
	long long i;
	char s[CELL_MAX];
	unsigned long len;
	my_bool null, trunc;
};

static void bind_col(MYSQL_BIND *b, struct col *c, int text)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = text ? MYSQL_TYPE_STRING : MYSQL_TYPE_LONGLONG;
	b->buffer = text ? (void *)c->s : (void *)&c->i;
	b->buffer_length = text ? sizeof(c->s) : sizeof(c->i);
	b->length = &c->len;
	b->is_null = &c->null;
	b->error = &c->trunc;
}

struct worker {
	MYSQL *db;
	MYSQL_STMT *cats, *prods, *sess; /* sess: NULL unless run with "session" */
	unsigned char token_hash[32];
	unsigned long token_hash_len;
	long long idle;
	MYSQL_BIND sess_args[2];
	MYSQL_BIND prod_args[2];
	long long limit, offset;
	struct col col[8];
	MYSQL_BIND res[8];
	struct out body, resp;
};

static int fail_stmt(MYSQL_STMT *st, const char *what)
{
	fprintf(stderr, "ref_catalog: %s: %s\n", what, mysql_stmt_error(st));
	return -1;
}

/* Connects and prepares the statements. Returns 0, or -1 with the reason on stderr. */
static int worker_open(struct worker *w, const char *db_socket, const char *password,
                       int with_session)
{
	w->db = mysql_init(NULL);
	if (w->db == NULL)
		return -1;
	mysql_optionsv(w->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(w->db, NULL, "ditto_web", password, "ditto", 0, db_socket, 0) ==
	    NULL) {
		fprintf(stderr, "ref_catalog: connect: %s\n", mysql_error(w->db));
		return -1;
	}
	w->cats = mysql_stmt_init(w->db);
	w->prods = mysql_stmt_init(w->db);
	if (w->cats == NULL || w->prods == NULL)
		return -1;
	if (mysql_stmt_prepare(w->cats, SQL_CATEGORY_LIST, sizeof(SQL_CATEGORY_LIST) - 1) != 0)
		return fail_stmt(w->cats, "prepare categories");
	if (mysql_stmt_prepare(w->prods, SQL_PRODUCT_LIST_ALL, sizeof(SQL_PRODUCT_LIST_ALL) - 1) !=
	    0)
		return fail_stmt(w->prods, "prepare products");
	/* Page 1 of every category: (24, 0), bound once. */
	memset(w->prod_args, 0, sizeof(w->prod_args));
	w->limit = 24;
	w->offset = 0;
	w->prod_args[0].buffer_type = MYSQL_TYPE_LONGLONG;
	w->prod_args[0].buffer = &w->limit;
	w->prod_args[1].buffer_type = MYSQL_TYPE_LONGLONG;
	w->prod_args[1].buffer = &w->offset;
	if (mysql_stmt_bind_param(w->prods, w->prod_args) != 0)
		return fail_stmt(w->prods, "bind products");
	if (!with_session)
		return 0;
	w->sess = mysql_stmt_init(w->db);
	if (w->sess == NULL ||
	    mysql_stmt_prepare(w->sess, SQL_SESSION_GET, sizeof(SQL_SESSION_GET) - 1) != 0)
		return fail_stmt(w->sess, "prepare session");
	memset(w->sess_args, 0, sizeof(w->sess_args));
	w->idle = 7200;
	w->token_hash_len = sizeof(w->token_hash);
	w->sess_args[0].buffer_type = MYSQL_TYPE_STRING;
	w->sess_args[0].buffer = w->token_hash;
	w->sess_args[0].buffer_length = sizeof(w->token_hash);
	w->sess_args[0].length = &w->token_hash_len;
	w->sess_args[1].buffer_type = MYSQL_TYPE_LONGLONG;
	w->sess_args[1].buffer = &w->idle;
	if (mysql_stmt_bind_param(w->sess, w->sess_args) != 0)
		return fail_stmt(w->sess, "bind session");
	return 0;
}

static int run(struct worker *w, MYSQL_STMT *st, const int *text, int ncols);
static int next_row(MYSQL_STMT *st);

/* Looks the request's "ditto" cookie up the way ditto does. Returns 1 signed in, 0 not, -1 error.
 */
static int session_ok(struct worker *w, const char *cookie)
{
	static const int sess_text[] = {0, 0, 1, 1, 1, 1, 0, 0};
	const char *t = cookie ? strstr(cookie, "ditto=") : NULL;
	if (t == NULL)
		return 0;
	t += 6;
	crypto_generichash(w->token_hash, sizeof(w->token_hash), (const unsigned char *)t,
	                   strcspn(t, "; "), NULL, 0);
	if (run(w, w->sess, sess_text, 8) < 0)
		return -1;
	int rows = 0, r;
	while ((r = next_row(w->sess)) > 0)
		rows++;
	return r < 0 ? -1 : rows > 0;
}

/* Executes st with result columns bound (1 = text, 0 = integer). Returns 0 or -1. */
static int run(struct worker *w, MYSQL_STMT *st, const int *text, int ncols)
{
	if (mysql_stmt_execute(st) != 0)
		return fail_stmt(st, "execute");
	for (int c = 0; c < ncols; c++)
		bind_col(&w->res[c], &w->col[c], text[c]);
	if (mysql_stmt_bind_result(st, w->res) != 0) {
		fail_stmt(st, "bind result");
		mysql_stmt_free_result(st);
		return -1;
	}
	return 0;
}

/* Fetches the next row: 1 for a row, 0 at the end, -1 on error or truncation. */
static int next_row(MYSQL_STMT *st)
{
	int f = mysql_stmt_fetch(st);
	if (f == 0)
		return 1;
	if (f == MYSQL_NO_DATA)
		return 0;
	if (f == MYSQL_DATA_TRUNCATED)
		fprintf(stderr, "ref_catalog: cell longer than %d bytes\n", CELL_MAX);
	else
		fail_stmt(st, "fetch");
	mysql_stmt_free_result(st);
	return -1;
}

#define TXT(w, c) (w)->col[c].s, (w)->col[c].len

/* Renders the page into w->body. Returns 0, or -1 (answer 500). */
static int render(struct worker *w)
{
	struct out *o = &w->body;
	static const int cat_text[] = {0, 1, 1, 0};
	static const int prod_text[] = {0, 0, 1, 1, 1, 1, 0, 0};
	long long total = 0; /* page 1 of all categories: the sum of the category counts */
	int r;

	o->len = 0;
	out_str(o, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	           "<title>Catalogue</title>\n</head>\n<body>\n<h1>Catalogue</h1>\n"
	           "<nav class=\"categories\">\n<a href=\"/catalog\">All</a>\n");
	if (run(w, w->cats, cat_text, 4) < 0)
		return -1;
	while ((r = next_row(w->cats)) > 0) {
		total += w->col[3].i;
		out_str(o, "<a href=\"/catalog?category=");
		out_esc(o, TXT(w, 1));
		out_str(o, "\">");
		out_esc(o, TXT(w, 2));
		out_str(o, "</a>\n");
	}
	if (r < 0)
		return -1;
	out_str(o, "</nav>\n<ul class=\"products\">\n");
	if (run(w, w->prods, prod_text, 8) < 0)
		return -1;
	while ((r = next_row(w->prods)) > 0) {
		long long cents = w->col[6].i;
		out_str(o, "<li><a href=\"/product/");
		out_num(o, w->col[0].i);
		out_str(o, "\">");
		out_esc(o, TXT(w, 5));
		out_str(o, "</a> <span class=\"cat\">");
		out_esc(o, TXT(w, 3));
		out_str(o, "</span> <span class=\"price\">€");
		char price[32];
		int n = snprintf(price, sizeof(price), "%lld.%02lld", cents / 100, cents % 100);
		out_put(o, price, (size_t)n);
		out_str(o, w->col[7].i > 0 ? "</span></li>\n" : "</span> sold out</li>\n");
	}
	if (r < 0)
		return -1;
	out_str(o, "</ul>\n<p class=\"meta\">");
	out_num(o, total);
	out_str(o, " products.</p>\n</body>\n</html>\n");
	return o->oom ? -1 : 0;
}

static void respond(struct worker *w, FCGX_Request *req)
{
	static const char ERR[] =
	    "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 6\r\n\r\nerror\n";
	struct out *r = &w->resp;
	if (w->sess != NULL && session_ok(w, FCGX_GetParam("HTTP_COOKIE", req->envp)) != 1) {
		(void)FCGX_PutStr(ERR, sizeof(ERR) - 1, req->out);
		return;
	}
	if (render(w) < 0) {
		(void)FCGX_PutStr(ERR, sizeof(ERR) - 1, req->out);
		return;
	}
	char head[160];
	int n = snprintf(head, sizeof(head),
	                 "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	                 "Cache-Control: no-cache\r\nContent-Length: %zu\r\n\r\n",
	                 w->body.len);
	r->len = 0;
	out_put(r, head, (size_t)n);
	out_put(r, w->body.p, w->body.len);
	if (r->oom) {
		(void)FCGX_PutStr(ERR, sizeof(ERR) - 1, req->out);
		return;
	}
	/* A vanished client makes this fail: nothing to do, next request. */
	(void)FCGX_PutStr(r->p, (int)r->len, req->out);
}

/* One worker's life. Returns only on failure. */
static int serve(int listen_fd, const char *db_socket, const char *password, int with_session)
{
	static struct worker w; /* the cells are big: not on the stack */
	if (FCGX_Init() != 0)
		return 1;
	/* FCGX_Init may have claimed SIGTERM: the master's SIGTERM must simply end us. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (worker_open(&w, db_socket, password, with_session) < 0)
		return 1;
	FCGX_Request req;
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		respond(&w, &req);
		FCGX_Finish_r(&req);
	}
	fprintf(stderr, "ref_catalog: accept failed: %s\n", strerror(errno));
	return 1;
}

/* Reads the first line of path into buf. Returns 0 or -1. */
static int read_secret(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	char *line = fgets(buf, (int)size, f);
	fclose(f);
	if (line == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "session") == 0)) {
		fprintf(stderr,
		        "usage: ref_catalog SOCKET WORKERS DB_SOCKET PASSWORD_FILE [session]\n");
		return 2;
	}
	int with_session = argc == 6;
	const char *path = argv[1];
	int nworkers = atoi(argv[2]);
	if (nworkers < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "ref_catalog: WORKERS must be 1..%d\n", MAX_WORKERS);
		return 2;
	}
	char password[256];
	if (read_secret(argv[4], password, sizeof(password)) < 0) {
		fprintf(stderr, "ref_catalog: cannot read %s\n", argv[4]);
		return 1;
	}

	/* Blocked before the first fork, so no stop request can slip between fork and sigwait. */
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stop, &old);

	unlink(path);
	int fd = FCGX_OpenSocket(path, 256);
	if (fd < 0) {
		fprintf(stderr, "ref_catalog: cannot listen on %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Bench only: nginx's workers run as another user; the socket lives in a private dir. */
	if (chmod(path, 0666) != 0) {
		fprintf(stderr, "ref_catalog: chmod %s: %s\n", path, strerror(errno));
		return 1;
	}

	pid_t kids[MAX_WORKERS];
	int nkids = 0;
	int status = 0;
	for (; nkids < nworkers; nkids++) {
		pid_t pid = fork();
		if (pid == 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
			_exit(serve(fd, argv[3], password, with_session));
		}
		if (pid < 0) {
			fprintf(stderr, "ref_catalog: fork: %s\n", strerror(errno));
			status = 1;
			break;
		}
		kids[nkids] = pid;
	}
	explicit_bzero(password, sizeof(password)); /* the workers have their copies */

	int sig = SIGTERM;
	if (status == 0 && sigwait(&stop, &sig) != 0)
		status = 1;
	if (sig == SIGCHLD) {
		fprintf(stderr, "ref_catalog: a worker died, stopping\n");
		status = 1;
	}
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(path);
	return status;
}
