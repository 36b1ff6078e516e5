/* http.c — response helpers shared by all handlers: headers, cookies, redirects, error texts. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"

static bool header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

void http_header(struct response *res, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value))
		return;
	buf_puts(&res->headers, name);
	buf_puts(&res->headers, ": ");
	buf_puts(&res->headers, value);
	buf_puts(&res->headers, "\r\n");
}

bool http_secure_cookies(const struct request *req)
{
	static bool told;
	if (req->cfg->cookie_secure)
		return true;
	if (!req->https)
		return false;
	if (!told) {
		told = true;
		log_warn("a request came over HTTPS but cookie_secure is false: its cookies are "
		         "made Secure with the __Host- prefix anyway; set cookie_secure = true");
	}
	return true;
}

void http_set_cookie(struct response *res, const char *name, const char *value, long max_age,
                     bool secure)
{
	if (!header_safe(name) || !header_safe(value) || strpbrk(value, ";, ") != NULL)
		return;
	buf_printf(&res->headers, "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
	if (max_age >= 0)
		buf_printf(&res->headers, "; Max-Age=%ld", max_age);
	if (secure)
		buf_puts(&res->headers, "; Secure");
	buf_puts(&res->headers, "\r\n");
}

void http_redirect(struct response *res, const char *location)
{
	/* Only local paths: an open redirect would be a phishing aid. */
	if (location[0] != '/' || location[1] == '/' || location[1] == '\\')
		location = "/";
	http_header(res, "Location", location);
	res->status = 303;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 303:
		return "See Other";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 411:
		return "Length Required";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return status < 500 ? "Client Error" : "Internal Server Error";
	}
}

const char *http_error_message(int status)
{
	switch (status) {
	case 400:
		return "The request was malformed, so nothing was done.";
	case 403:
		return "You are not allowed to open this page.";
	case 404:
		return "There is no page at this address.";
	case 405:
		return "This page does not accept that kind of request.";
	case 411:
	case 413:
		return "The request was too large, so nothing was done.";
	case 415:
		return "The form was sent in a format this site does not accept.";
	case 503:
		return "The shop is briefly unavailable. Please try again in a minute.";
	default:
		return "Something went wrong on our side. Nothing you did caused it.";
	}
}

const char *http_param(const struct request *req, size_t i)
{
	return i < req->nparams ? req->params[i] : "";
}

/* Records "<kind>:<key>" once. The handlers' request is const to them, and the record is
 * bookkeeping that changes no answer, hence the cast. */
static void record_read(const struct request *req, char kind, const char *key)
{
	struct request *r = (struct request *)req;
	if (!r->record_reads || r->nread_names == HTTP_MAX_READ_NAMES)
		return;
	for (size_t i = 0; i < r->nread_names; i++)
		if (r->read_names[i][0] == kind && strcmp(r->read_names[i] + 2, key) == 0)
			return;
	size_t n = strlen(key);
	char *name = arena_alloc(r->arena, n + 3);
	name[0] = kind;
	name[1] = ':';
	memcpy(name + 2, key, n + 1);
	r->read_names[r->nread_names++] = name;
}

const char *http_query(const struct request *req, const char *key)
{
	record_read(req, 'q', key);
	return kv_get(&req->query, key);
}

const char *http_form(const struct request *req, const char *key)
{
	record_read(req, 'f', key);
	return kv_get(&req->form, key);
}

void http_read_names_header(const struct request *req, struct response *res)
{
	if (!req->record_reads || req->nread_names == 0)
		return;
	struct buf b = {0};
	for (size_t i = 0; i < req->nread_names; i++)
		buf_printf(&b, "%s%s", i ? " " : "", req->read_names[i]);
	http_header(res, "X-Ditto-Read", b.data);
	buf_free(&b);
}
