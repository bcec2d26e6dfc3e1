/*
 * kube_http_client: the HTTP client every daemon and kubectl use.
 *
 * An asynchronous core on a libevent event_base: HTTP/1.1 with a keep-alive
 * pool of idle connections per scheme://host:port (or unix socket), request
 * bodies, Content-Length, chunked and read-until-close responses, bodies
 * either buffered or streamed to a callback as they arrive (watch, logs),
 * connect / whole-request / idle timeouts, and 101 Switching Protocols
 * handing the connection over (WebSocket, SPDY). HTTP/2 (nghttp2) when TLS
 * ALPN picks "h2" or with http2_prior_knowledge: one connection per host
 * then carries every call as a stream. On top of it, a blocking
 * call, kube_http_client_do(), that runs the client's private loop.
 *
 * URLs: "http://host[:port]/path?query" and "https://..." (host may be
 * "[v6addr]"). https:// goes through net/kube_tls (CA, client cert and key
 * files or PEM data, server name, insecure_skip_verify); ALPN offers "h2"
 * then "http/1.1" (only "http/1.1" with disable_http2), and a connection
 * whose server picks "h2" becomes the host's shared HTTP/2 connection;
 * IP addresses are checked against IP SANs. With config.unix_socket set, every
 * request connects to that socket and the URL's host only fills the Host
 * header. Names are resolved with a blocking getaddrinfo() when a
 * connection is made; each address is tried in turn until one accepts.
 *
 * Retries, as Go's transport does: an idempotent request that finds its
 * pooled keep-alive connection closed by the server before any response
 * byte is sent again once on a new connection; an HTTP/2 stream the server
 * refused unprocessed (GOAWAY, REFUSED_STREAM) is sent again (up to 4 times).
 *
 * Ownership: the client owns its connections and calls. A call lives until
 * its done callback returns (or it is cancelled). The response passed to a
 * callback belongs to the call; the done callback may move it out with
 * kube_http_response_move().
 *
 * Threading: a client and its calls belong to the thread running its
 * event_base. A client made with base NULL owns a private base and is for
 * the blocking API only; one blocking call at a time. Never free the client
 * from inside one of its callbacks.
 */
#ifndef KUBE_HTTP_CLIENT_H
#define KUBE_HTTP_CLIENT_H

#include "core/kube_core.h"
#include "core/kube_buf.h"

struct event_base;
struct bufferevent;

typedef struct kube_http_client kube_http_client_t;
typedef struct kube_http_call kube_http_call_t;

typedef struct kube_http_client_config {
	int connect_timeout_ms;	 /* default 30000 */
	int timeout_ms;		 /* whole request, 0 = none (default) */
	int idle_timeout_ms;	 /* no bytes received for this long while
				  * waiting for the response; 0 = none */
	int pool_idle_ms;	 /* keep idle connections this long; default 90000 */
	int max_idle_per_host;	 /* default 8; 0 keeps the default, -1 no reuse */
	size_t max_header_bytes; /* response head limit; default 1 MiB */
	size_t max_body_bytes;	 /* buffered body limit; default 256 MiB */
	const char *unix_socket; /* connect here instead of host:port */
	/* TLS for https:// (needs net/kube_tls): PEM file paths or PEM data. */
	const char *ca_file, *ca_pem;
	const char *cert_file, *cert_pem;
	const char *key_file, *key_pem;
	const char *server_name;     /* SNI and verification name; default host */
	bool insecure_skip_verify;
	bool disable_http2;	     /* do not offer "h2" in ALPN */
	bool http2_prior_knowledge;  /* speak HTTP/2 at once on plain http:// (h2c) */
} kube_http_client_config_t;

typedef struct kube_http_header {
	char *name;
	char *value;
} kube_http_header_t;

typedef struct kube_http_response {
	int status;	/* e.g. 200; 0 before the head arrived */
	int version;	/* 10, 11 or 20 */
	kube_http_header_t *headers;
	size_t header_count;
	kube_buf_t body;	 /* buffered body; empty when streamed */
	struct bufferevent *upgraded; /* 101: the connection, owned by whoever
				       * took the response; NULL otherwise */
} kube_http_response_t;

/* on_data: a piece of the body as it arrives (resp has status and headers).
 * Return 0 to go on, or a negative errno to abort the call with it. */
typedef int (*kube_http_data_fn)(const kube_http_response_t *resp, const void *data,
				 size_t len, void *arg);

typedef struct kube_http_request {
	const char *method;	     /* default "GET" */
	const char *url;
	const char *const *headers;  /* NULL-terminated name, value pairs */
	const void *body;
	size_t body_len;
	int timeout_ms;		     /* overrides config.timeout_ms when > 0 */
	kube_http_data_fn on_data;   /* stream the body instead of buffering */
	void *data_arg;
} kube_http_request_t;

/* The call ended: err 0 and a complete response (status may be any code),
 * or a negative errno (-ETIMEDOUT, -ECONNREFUSED, -ECONNRESET, -EPROTO for
 * a malformed response, -EMSGSIZE over a limit, or on_data's error). The
 * response belongs to the call (move it out to keep it). */
typedef void (*kube_http_done_fn)(kube_http_call_t *call, int err,
				  kube_http_response_t *resp, void *arg);

/* base NULL: a private base for the blocking API. cfg may be NULL; strings
 * in cfg are copied. Returns the client (never NULL). */
kube_http_client_t *kube_http_client_new(struct event_base *base,
					 const kube_http_client_config_t *cfg);
/* Cancel calls in flight (no callbacks), close connections, free. Accepts NULL.
 * On a caller's base, run it once (EVLOOP_NONBLOCK) before event_base_free():
 * libevent releases closed connections from deferred callbacks. */
void kube_http_client_free(kube_http_client_t *c);
struct event_base *kube_http_client_base(const kube_http_client_t *c);
/* Idle pooled connections (for tests and metrics). */
size_t kube_http_client_idle_connections(const kube_http_client_t *c);

/* Start a request. Everything in req is copied. Returns the call, or NULL
 * with *ret_err set (-EINVAL: bad URL, method or header). done runs once,
 * later, from the loop, never from inside this function. */
kube_http_call_t *kube_http_client_start(kube_http_client_t *c, const kube_http_request_t *req,
					 kube_http_done_fn done, void *arg, int *ret_err);
/* Abort a call: no more callbacks; its connection is closed (HTTP/1.1) or
 * its stream reset (HTTP/2). Not from inside the call's own callbacks (from
 * on_data, return an error instead). */
void kube_http_call_cancel(kube_http_call_t *call);

/* Blocking: run the request to its end on the client's own loop. Returns 0
 * and fills *ret_resp (caller clears it), or a negative errno. */
int kube_http_client_do(kube_http_client_t *c, const kube_http_request_t *req,
			kube_http_response_t *ret_resp);

/* First header value by name (case-insensitive), NULL if absent. */
const char *kube_http_response_header(const kube_http_response_t *resp, const char *name);
/* Move *src into *dst (dst must be empty), leaving src empty. */
void kube_http_response_move(kube_http_response_t *dst, kube_http_response_t *src);
/* Free everything a response holds (the upgraded bufferevent too). */
void kube_http_response_clear(kube_http_response_t *resp);

#endif
