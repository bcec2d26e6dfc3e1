/*
 * kube_http1: the HTTP/1.x request-head parser used by the HTTP server,
 * kept apart from sockets so it can be unit-tested and fuzzed on bytes.
 *
 * It parses one complete request head (request line, header lines, the
 * empty line) strictly, as Go's net/http server does: a malformed request
 * line, a header name with spaces or control characters, obs-fold
 * continuation lines, or an unsupported version is an error. Lines may end
 * in CRLF or a bare LF. The parsed head owns copies of every string.
 */
#ifndef KUBE_HTTP1_H
#define KUBE_HTTP1_H

#include "core/kube_core.h"

typedef struct kube_http1_header {
	char *name;
	char *value;
} kube_http1_header_t;

typedef struct kube_http1_head {
	char *method;
	char *target; /* as sent, e.g. "/api/v1/pods?watch=1" */
	int version;  /* 10 or 11 */
	kube_http1_header_t *headers;
	size_t nheaders;
	/* Derived from the headers. */
	int64_t content_length; /* -1 when absent */
	bool chunked;		/* Transfer-Encoding: chunked */
	bool keep_alive;	/* per version and Connection */
	bool expect_continue;
	bool upgrade;		/* Connection: upgrade with an Upgrade header */
} kube_http1_head_t;

#define KUBE_HTTP1_MAX_HEADERS 512

/* Length of the head at the start of data (through the empty line), 0 if
 * it is not complete yet. Leading empty lines are part of the head. */
size_t kube_http1_head_length(const char *data, size_t len);

/* Parse a complete head of len bytes. Returns 0, or a negative errno with
 * *ret_status set to the HTTP status to answer (400, 431, 501, 505). */
int kube_http1_parse_head(const char *data, size_t len, kube_http1_head_t *ret,
			  int *ret_status);
void kube_http1_head_clear(kube_http1_head_t *h);

/* Case-insensitive header lookup: first value, or NULL. */
const char *kube_http1_head_get(const kube_http1_head_t *h, const char *name);

/* Percent-decode src[0..len) into a new string ('+' stays '+' unless
 * plus_is_space). Returns NULL on a bad escape or an encoded NUL. */
char *kube_http1_unescape(const char *src, size_t len, bool plus_is_space);

#endif
