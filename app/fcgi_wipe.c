/* fcgi_wipe.c — zeroes what libfcgi read from the web server before it frees it.
 *
 * libfcgi reads every record of a request (parameters, then the body) straight from the socket
 * into one heap buffer per input stream, and FCGX_Finish_r frees that buffer as it is: a card
 * number posted to /checkout stayed in the worker's heap until the allocator happened to reuse
 * the bytes. The buffer is private to libfcgi, reached through FCGX_Stream.data; its layout is
 * mirrored here from fcgiapp.c (unchanged from 2.4.0 to 2.4.7) and checked against the public
 * pointers of the stream before anything is written. */
#include "fcgi_wipe.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#include "log.h"

/* fcgiapp.c's FCGX_Stream_Data, field for field. */
struct fcgi_stream_data {
	unsigned char *buff;     /* buffer after alignment */
	int bufflen;             /* bytes buff can store */
	unsigned char *mBuff;    /* the buffer as malloc returned it */
	unsigned char *buffStop; /* reader: last valid byte + 1 of the whole buffer */
	int type;
	int eorStop;
	int skip;
	int contentLen;
	int paddingLen;
	int isAnythingWritten;
	int rawWrite;
	FCGX_Request *reqDataPtr;
};

/* libfcgi asks for 8192 bytes and rounds to 8; it never exceeds a record's maximum (65535). */
#define FCGI_BUFF_MAX (65535 + 1 + 8)

static bool within(const unsigned char *p, const unsigned char *lo, const unsigned char *hi)
{
	return (uintptr_t)p >= (uintptr_t)lo && (uintptr_t)p <= (uintptr_t)hi;
}

/* True when d is what a reader stream of fr holds: a buffer that every public pointer of the
 * stream points into, and that belongs to this request. */
static bool layout_ok(const FCGX_Request *fr, const FCGX_Stream *s,
                      const struct fcgi_stream_data *d)
{
	if (d == NULL || d->reqDataPtr != fr || d->buff == NULL || d->mBuff == NULL)
		return false;
	if (d->bufflen < 32 || d->bufflen > FCGI_BUFF_MAX ||
	    !within(d->buff, d->mBuff, d->mBuff + 8))
		return false;
	const unsigned char *end = d->buff + d->bufflen;
	return s->isReader && within(d->buffStop, d->buff, end) &&
	       within(s->rdNext, d->buff, end) && within(s->stop, d->buff, end);
}

int fcgi_wipe_input(FCGX_Request *fr)
{
	static bool warned;
	FCGX_Stream *s = fr->in;
	if (s == NULL)
		return 0;
	struct fcgi_stream_data *d = s->data;
	if (!layout_ok(fr, s, d)) {
		if (!warned)
			log_error(
			    "libfcgi's input stream has an unknown layout: request bodies are not "
			    "wiped from its buffer");
		warned = true;
		return -1;
	}
	/* From mBuff: the alignment gap before buff is part of the same allocation. */
	sodium_memzero(d->mBuff, (size_t)(d->buff - d->mBuff) + (size_t)d->bufflen);
	/* What was left unread is gone: the stream is at its end. */
	s->rdNext = s->stop = s->stopUnget = d->buffStop = d->buff;
	return 0;
}
