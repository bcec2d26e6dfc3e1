/*
 * kube_http1: the HTTP/1.1 request parser used by the server (kube_http),
 * with no I/O so that it can be fuzzed and tested on bytes.
 *
 * kube_http1_parse_head() parses one request head (request line and header
 * fields, RFC 9112) strictly: a token method, an origin-form, absolute-form
 * or "*" target without spaces or control bytes, "HTTP/1.0" or "HTTP/1.1",
 * header names that are tokens with no space before ':', no obs-fold, no
 * control bytes in values, at most one Content-Length (digits only) and one
 * Host (required for HTTP/1.1), Transfer-Encoding only "chunked" and never
 * together with Content-Length. Line ends are CRLF or a bare LF (as Go and
 * nginx accept); a bare CR is an error. Empty lines before the request line
 * are skipped.
 *
 * kube_http1_chunked_feed() decodes a chunked request body incrementally.
 * Both own nothing but what they return. Not thread-safe per object.
 */
#ifndef KUBE_HTTP1_H
#define KUBE_HTTP1_H

#include <sys/types.h>

#include "core/kube_core.h"
#include "core/kube_buf.h"

typedef struct kube_http1_header {
	const char *name; /* as sent */
	const char *value; /* without surrounding whitespace */
} kube_http1_header_t;

typedef struct kube_http1_head {
	char *raw; /* one allocation holding every string below */
	const char *method;
	const char *target;
	int version; /* 10 or 11 */
	kube_http1_header_t *headers;
	size_t nheaders;
	int64_t content_length; /* -1 when absent */
	bool chunked;
	bool keep_alive;	/* after Connection and the version */
	bool expect_continue;	/* Expect: 100-continue */
	bool upgrade;		/* Connection: upgrade with an Upgrade header */
} kube_http1_head_t;

/* Parse a head from the start of data[0..len). Returns the number of bytes
 * it took (head plus any skipped leading empty lines) with *ret filled (free
 * with kube_http1_head_clear()); 0 when the head is not complete yet (and
 * fits max_bytes); -EBADMSG when the request must be rejected, with
 * *ret_status set to 400 (malformed), 431 (head over max_bytes), 417
 * (unsupported Expect), 501 (unsupported Transfer-Encoding) or 505
 * (unsupported HTTP version). */
int kube_http1_parse_head(const char *data, size_t len, size_t max_bytes,
			  kube_http1_head_t *ret, int *ret_status);
void kube_http1_head_clear(kube_http1_head_t *h);
/* First header named name (case-insensitive), NULL if absent. */
const char *kube_http1_head_header(const kube_http1_head_t *h, const char *name);

typedef struct kube_http1_chunked {
	int state;
	uint64_t size;	 /* bytes left in the current chunk, or the size being read */
	size_t line_len; /* bytes of the current size-extension or trailer line */
	size_t trailer_bytes;
	int digits;
} kube_http1_chunked_t;

#define KUBE_HTTP1_CHUNKED_INIT { 0, 0, 0, 0, 0 }

/* Decode chunked data: appends the payload to out and returns the number of
 * bytes of data consumed (it stops right after the final CRLF, so what
 * follows belongs to the next request); *ret_done becomes true when the
 * body is complete. -EBADMSG on malformed framing, -EMSGSIZE when out would
 * grow past max_body. */
ssize_t kube_http1_chunked_feed(kube_http1_chunked_t *c, const char *data, size_t len,
				kube_buf_t *out, size_t max_body, bool *ret_done);

/* Percent-decode src[0..len) into an allocated string. plus_space turns '+'
 * into ' ' (query strings). Returns NULL on a bad escape or an encoded NUL. */
char *kube_http1_unescape(const char *src, size_t len, bool plus_space);

#endif
