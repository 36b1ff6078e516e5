/* fcgi_wipe.h — zeroes what libfcgi read from the web server before it frees it. */
#ifndef DITTO_FCGI_WIPE_H
#define DITTO_FCGI_WIPE_H

#include <fcgiapp.h>

/*
 * Zeroes the input stream's buffer of fr (the raw FastCGI records: the parameters and the
 * request body, card numbers included), which libfcgi frees without zeroing. Call before
 * FCGX_Finish_r on every request. Returns 0, or -1 (logged once) when the stream does not
 * look like the libfcgi layout this was written against: nothing is touched then.
 */
int fcgi_wipe_input(FCGX_Request *fr);

#endif
