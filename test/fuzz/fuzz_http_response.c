/*
 * fuzz_http_response: the HTTP/1.1 response parser of kube_http_client
 * (status line, headers, Content-Length / chunked / until-close bodies,
 * limits), fed in two pieces. Includes the C file to reach its static
 * parser, as the unit tests of h2o do.
 */
#include "../../libkube/net/kube_http_client.c"

static int sink(const kube_http_response_t *resp, const void *data, size_t len, void *arg)
{
	size_t *total = arg;

	*total += len;
	return *total > 100000 ? -EMSGSIZE : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kube_http_client_t *c;
	kube_http_client_config_t cfg = { .max_header_bytes = 4096, .max_body_bytes = 65536 };
	kube_http_call_t call;
	struct evbuffer *in;
	size_t split, total = 0;
	int r;

	if (!c)
		c = kube_http_client_new(NULL, &cfg);
	if (size < 1)
		return 0;
	memset(&call, 0, sizeof(call));
	call.client = c;
	call.method = (char *)(data[0] & 1 ? "HEAD" : "GET");
	if (data[0] & 2) {
		call.on_data = sink;
		call.data_arg = &total;
	}
	call.state = ST_HEAD;
	split = 1 + (size > 1 ? data[0] % size : 0);
	in = evbuffer_new();
	evbuffer_add(in, data + 1, split - 1);
	r = parse(&call, in);
	if (r == 0) {
		evbuffer_add(in, data + split, size - split);
		r = parse(&call, in);
	}
	if (r == 1 && call.resp.status == 0)
		abort(); /* complete without a status line */
	if (call.resp.body.len > cfg.max_body_bytes)
		abort();
	kube_http_response_clear(&call.resp);
	evbuffer_free(in);
	return 0;
}
