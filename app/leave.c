/* leave.c — signing and checking the exit page's links (leave.h). */
#include "leave.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <uriparser/Uri.h>

#include "arena.h"
#include "form.h"
#include "session.h"

/* The site key's purpose for exit links: a MAC made for another use never verifies here. */
#define LEAVE_PURPOSE "ditto leave link v1"
#define SIG_LEN       sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)

/* Whether the range r of the URI is non-empty and equals s, ignoring case. */
static bool range_is(const UriTextRangeA *r, const char *s)
{
	size_t n = strlen(s);
	return r->first != NULL && (size_t)(r->afterLast - r->first) == n &&
	       strncasecmp(r->first, s, n) == 0;
}

bool leave_url_ok(const char *url)
{
	if (url == NULL)
		return false;
	size_t len = strlen(url);
	if (len == 0 || len > LEAVE_URL_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return false;
	UriUriA uri;
	const char *err;
	if (uriParseSingleUriA(&uri, url, &err) != URI_SUCCESS)
		return false;
	bool ok = (range_is(&uri.scheme, "http") || range_is(&uri.scheme, "https")) &&
	          uri.hostText.first != NULL && uri.hostText.afterLast > uri.hostText.first &&
	          uri.userInfo.first == NULL;
	uriFreeUriMembersA(&uri);
	return ok;
}

const char *leave_host(struct arena *a, const char *url)
{
	if (!leave_url_ok(url))
		return NULL;
	UriUriA uri;
	const char *err;
	if (uriParseSingleUriA(&uri, url, &err) != URI_SUCCESS)
		return NULL;
	size_t len = (size_t)(uri.hostText.afterLast - uri.hostText.first);
	const char *host = "other-host";
	if (uri.hostData.ip6 == NULL && uri.hostData.ipFuture.first == NULL && len > 0 &&
	    len <= LEAVE_HOST_MAX) {
		char *h = arena_alloc(a, len + 1);
		bool plain = true;
		for (size_t i = 0; i < len; i++) {
			char ch = uri.hostText.first[i];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			plain = plain && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			                  ch == '.' || ch == '-');
			h[i] = ch;
		}
		h[len] = '\0';
		if (plain)
			host = h;
	}
	uriFreeUriMembersA(&uri);
	return host;
}

/* The URL-safe base64 signature of to, NUL-terminated. */
static void sign(const char *to, char out[SIG_LEN])
{
	unsigned char mac[32];
	session_site_mac(LEAVE_PURPOSE, to, mac);
	sodium_bin2base64(out, SIG_LEN, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

const char *leave_href(struct arena *a, const char *url)
{
	if (!leave_url_ok(url))
		return NULL;
	char sig[SIG_LEN];
	sign(url, sig);
	return arena_printf(a, "/leave?to=%s&sig=%s", form_escape(a, url), sig);
}

bool leave_verify(const char *to, const char *sig)
{
	if (!leave_url_ok(to) || sig == NULL || strlen(sig) != SIG_LEN - 1)
		return false;
	char want[SIG_LEN];
	sign(to, want);
	return sodium_memcmp(want, sig, SIG_LEN - 1) == 0;
}
