/*
 * fuzz_http1: the HTTP/1.1 request parser (net/kube_http1) on arbitrary
 * bytes: parse heads one after another as a pipelining server would, decode
 * chunked bodies, and percent-decode targets. Checks invariants: a parsed
 * head never takes more than it was given, a chunked decoder never
 * consumes more than offered nor produces more than the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/kube_http1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t left = size;

	for (int i = 0; i < 8 && left > 0; i++) {
		kube_http1_head_t h;
		int status = 0;
		int n = kube_http1_parse_head(p, left, 4096, &h, &status);
		if (n <= 0) {
			if (n < 0 && status != 400 && status != 431 && status != 417 &&
			    status != 501 && status != 505)
				abort();
			break;
		}
		if ((size_t)n > left)
			abort();
		p += n;
		left -= (size_t)n;
		/* every header is reachable and NUL-terminated */
		for (size_t k = 0; k < h.nheaders; k++)
			if (strlen(h.headers[k].name) == 0)
				abort();
		char *path = kube_http1_unescape(h.target, strlen(h.target), false);
		kube_free(path);
		if (h.chunked) {
			kube_http1_chunked_t c = KUBE_HTTP1_CHUNKED_INIT;
			kube_buf_t body = KUBE_BUF_INIT;
			bool done = false;
			/* feed in two pieces to exercise the state machine */
			size_t half = left / 2;
			ssize_t a = kube_http1_chunked_feed(&c, p, half, &body, 65536, &done);
			if (a >= 0 && !done) {
				ssize_t b = kube_http1_chunked_feed(&c, p + a, left - (size_t)a,
								    &body, 65536, &done);
				if (b >= 0)
					a += b;
				else
					a = b;
			}
			if (a > (ssize_t)left || body.len > 65536)
				abort();
			kube_buf_clear(&body);
			kube_http1_head_clear(&h);
			if (a < 0 || !done)
				break;
			p += a;
			left -= (size_t)a;
			continue;
		}
		if (h.content_length > 0) {
			size_t skip = (uint64_t)h.content_length < left ? (size_t)h.content_length : left;
			p += skip;
			left -= skip;
		}
		kube_http1_head_clear(&h);
	}
	return 0;
}
