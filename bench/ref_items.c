/* ref_items.c — bench reference: the bare page, two statements on its own table in plain libfcgi.
 *
 * Usage: ref_items SOCKET WORKERS DB_SOCKET PASSWORD_FILE
 *
 * ref_hello's prefork skeleton plus one MariaDB connection per worker (user and database
 * dittobench, utf8mb4, made by scripts/bench) with two statements prepared once per worker:
 * one item by primary key, and a page of 20 items by primary key after a given id. Each request
 * runs both (the ids move on per request so the server cannot answer from one hot row), streams
 * the rows into a reused buffer as a small HTML page and sends it. No session, no cookie, no
 * ditto code or schema: this is what libfcgi + Connector/C + the least a catalogue page needs
 * cost, independent of any plan ditto's statements get.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <mysql.h>
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
#define ITEMS       1000 /* rows scripts/bench puts in dittobench.items */
#define PAGE        20

static const char SQL_ITEM_GET[] = "SELECT id, name, price_cents, stock FROM items WHERE id = ?";
static const char SQL_ITEM_PAGE[] =
    "SELECT id, name, price_cents, stock FROM items WHERE id > ? ORDER BY id LIMIT 20";

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

static void out_price(struct out *o, long long cents)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "€%lld.%02lld", cents / 100, cents % 100);
	out_put(o, b, (size_t)n);
}

struct worker {
	MYSQL *db;
	MYSQL_STMT *get, *page;
	long long arg_id, arg_after; /* bound once as the statements' parameters */
	MYSQL_BIND get_args[1], page_args[1];
	long long id, cents, stock; /* one result row, bound once */
	char name[CELL_MAX];
	unsigned long name_len;
	my_bool null[4], trunc[4];
	MYSQL_BIND res[4];
	unsigned long served;
	struct out body, resp;
};

static int fail_stmt(MYSQL_STMT *st, const char *what)
{
	fprintf(stderr, "ref_items: %s: %s\n", what, mysql_stmt_error(st));
	return -1;
}

static void bind_int(MYSQL_BIND *b, long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

/* Prepares sql into *st with one integer parameter and the row's four columns bound.
 * Returns 0, or -1 with the reason on stderr. */
static int prepare(struct worker *w, MYSQL_STMT **st, const char *sql, size_t len, MYSQL_BIND *args,
                   long long *arg)
{
	*st = mysql_stmt_init(w->db);
	if (*st == NULL)
		return -1;
	if (mysql_stmt_prepare(*st, sql, len) != 0)
		return fail_stmt(*st, "prepare");
	bind_int(&args[0], arg);
	if (mysql_stmt_bind_param(*st, args) != 0)
		return fail_stmt(*st, "bind parameters");
	if (mysql_stmt_bind_result(*st, w->res) != 0)
		return fail_stmt(*st, "bind result");
	return 0;
}

/* Connects and prepares both statements. Returns 0, or -1 with the reason on stderr. */
static int worker_open(struct worker *w, const char *db_socket, const char *password)
{
	w->db = mysql_init(NULL);
	if (w->db == NULL)
		return -1;
	mysql_optionsv(w->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(w->db, NULL, "dittobench", password, "dittobench", 0, db_socket,
	                       0) == NULL) {
		fprintf(stderr, "ref_items: connect: %s\n", mysql_error(w->db));
		return -1;
	}
	memset(w->res, 0, sizeof(w->res));
	bind_int(&w->res[0], &w->id);
	w->res[1].buffer_type = MYSQL_TYPE_STRING;
	w->res[1].buffer = w->name;
	w->res[1].buffer_length = sizeof(w->name);
	w->res[1].length = &w->name_len;
	bind_int(&w->res[2], &w->cents);
	bind_int(&w->res[3], &w->stock);
	for (int c = 0; c < 4; c++) {
		w->res[c].is_null = &w->null[c];
		w->res[c].error = &w->trunc[c];
	}
	if (prepare(w, &w->get, SQL_ITEM_GET, sizeof(SQL_ITEM_GET) - 1, w->get_args, &w->arg_id) <
	    0)
		return -1;
	return prepare(w, &w->page, SQL_ITEM_PAGE, sizeof(SQL_ITEM_PAGE) - 1, w->page_args,
	               &w->arg_after);
}

/* Executes st (parameters and result already bound). Returns 0 or -1. */
static int run(MYSQL_STMT *st)
{
	if (mysql_stmt_execute(st) != 0)
		return fail_stmt(st, "execute");
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
		fprintf(stderr, "ref_items: cell longer than %d bytes\n", CELL_MAX);
	else
		fail_stmt(st, "fetch");
	mysql_stmt_free_result(st);
	return -1;
}

/* Renders the page for the worker's next ids into w->body. Returns 0, or -1 (answer 500). */
static int render(struct worker *w)
{
	struct out *o = &w->body;
	int r, found = 0;

	w->arg_id = (long long)(w->served % ITEMS) + 1;
	w->arg_after = (long long)((w->served * PAGE) % (ITEMS - PAGE + 1));
	w->served++;
	o->len = 0;
	out_str(o, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	           "<title>Items</title>\n</head>\n<body>\n<h1>Items</h1>\n");
	if (run(w->get) < 0)
		return -1;
	while ((r = next_row(w->get)) > 0) {
		found = 1;
		out_str(o, "<section class=\"featured\"><h2>");
		out_esc(o, w->name, w->name_len);
		out_str(o, "</h2> <span class=\"price\">");
		out_price(o, w->cents);
		out_str(o, w->stock > 0 ? "</span></section>\n" : "</span> sold out</section>\n");
	}
	if (r < 0 || !found)
		return -1;
	out_str(o, "<ul class=\"items\">\n");
	if (run(w->page) < 0)
		return -1;
	while ((r = next_row(w->page)) > 0) {
		out_str(o, "<li><a href=\"/item/");
		out_num(o, w->id);
		out_str(o, "\">");
		out_esc(o, w->name, w->name_len);
		out_str(o, "</a> <span class=\"price\">");
		out_price(o, w->cents);
		out_str(o, w->stock > 0 ? "</span></li>\n" : "</span> sold out</li>\n");
	}
	if (r < 0)
		return -1;
	out_str(o, "</ul>\n</body>\n</html>\n");
	return o->oom ? -1 : 0;
}

static void respond(struct worker *w, FCGX_Request *req)
{
	static const char ERR[] =
	    "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 6\r\n\r\nerror\n";
	struct out *r = &w->resp;
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
static int serve(int listen_fd, const char *db_socket, const char *password, int index)
{
	static struct worker w; /* the name cell is big: not on the stack */
	if (FCGX_Init() != 0)
		return 1;
	/* FCGX_Init may have claimed SIGTERM: the master's SIGTERM must simply end us. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (worker_open(&w, db_socket, password) < 0)
		return 1;
	/* Workers start at different ids, so they do not all read the same rows in step. */
	w.served = (unsigned long)index * 251u;
	FCGX_Request req;
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		respond(&w, &req);
		FCGX_Finish_r(&req);
	}
	fprintf(stderr, "ref_items: accept failed: %s\n", strerror(errno));
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
	if (argc != 5) {
		fprintf(stderr, "usage: ref_items SOCKET WORKERS DB_SOCKET PASSWORD_FILE\n");
		return 2;
	}
	const char *path = argv[1];
	int nworkers = atoi(argv[2]);
	if (nworkers < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "ref_items: WORKERS must be 1..%d\n", MAX_WORKERS);
		return 2;
	}
	char password[256];
	if (read_secret(argv[4], password, sizeof(password)) < 0) {
		fprintf(stderr, "ref_items: cannot read %s\n", argv[4]);
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
		fprintf(stderr, "ref_items: cannot listen on %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Bench only: nginx's workers run as another user; the socket lives in a private dir. */
	if (chmod(path, 0666) != 0) {
		fprintf(stderr, "ref_items: chmod %s: %s\n", path, strerror(errno));
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
			_exit(serve(fd, argv[3], password, nkids));
		}
		if (pid < 0) {
			fprintf(stderr, "ref_items: fork: %s\n", strerror(errno));
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
		fprintf(stderr, "ref_items: a worker died, stopping\n");
		status = 1;
	}
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(path);
	return status;
}
