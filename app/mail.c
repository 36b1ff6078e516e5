/* mail.c — renders a mail template and queues the message in the outbox. */
#include "mail.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db/customers.h"
#include "log.h"
#include "template.h"

void mail_shop_url(char *buf, size_t cap, const char *base_url, const char *path)
{
	size_t n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	snprintf(buf, cap, "%.*s%s", (int)n, base_url, path);
}

int mail_queue(struct db *db, const struct tmpl_set *views, long long customer_id, const char *kind,
               const char *recipient, const struct tdict *ctx)
{
	char name[128];
	struct buf text = {0};
	int rc = -1;
	snprintf(name, sizeof(name), "mail/%s", kind);
	if (tmpl_render(views, name, ctx, &text) < 0 || text.data == NULL) {
		log_error("mail template %s is missing", name);
		goto out;
	}
	/* "Subject: ...\n\n<body>": the subject is one line, so no value can add a header. */
	char *subject = text.data, *eol = strchr(text.data, '\n');
	if (strncmp(subject, "Subject: ", 9) != 0 || eol == NULL || eol[1] != '\n') {
		log_error("mail template %s must start with \"Subject: \" and an empty line", name);
		goto out;
	}
	*eol = '\0';
	subject += 9;
	if (strchr(subject, '\r') != NULL) {
		log_error("mail template %s: the subject holds a line break", name);
		goto out;
	}
	rc = db_outbox_insert(db, customer_id, kind, recipient, subject, eol + 2);
out:
	if (text.data != NULL)
		sodium_memzero(text.data, text.cap);
	buf_free(&text);
	return rc;
}
