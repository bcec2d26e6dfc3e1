/*
 * kube_http: the HTTP server and the one request/response API handlers use.
 *
 * A server runs on one libevent event_base and speaks HTTP/1.1 (keep-alive,
 * pipelining-safe parsing, chunked streaming) and, over TLS with ALPN "h2"
 * (or h2c prior knowledge), HTTP/2 through nghttp2. A handler sees the same
 * kube_http_req_t whichever protocol carried the request.
 *
 * Request lifecycle: the handler is called once the request head and the
 * whole body have arrived. It must finish the request exactly once, now or
 * later from the loop thread: with kube_http_respond*(), with
 * kube_http_stream_end() after kube_http_stream_start(), or by
 * kube_http_upgrade(). A request is valid until it is finished, even if the
 * client went away (then responding only frees it); the on_close callback
 * tells a long-running handler (watch, logs) that the client disconnected.
 *
 * Limits: request head over max_header_bytes -> 431; body over
 * max_body_bytes -> 413; head or body not received within read_timeout_ms
 * -> 408 and close; idle keep-alive connections close after idle_timeout_ms.
 * Malformed requests -> 400 and close. Errors produced by the server itself
 * are sent as a Kubernetes Status JSON body.
 *
 * Threading: a server and its requests belong to the thread running its
 * event_base. Another thread hands work back with kube_loop_post(). The
 * program must call evthread_use_pthreads() before creating bases
 * (kube_loop_init() does).
 */
#ifndef KUBE_HTTP_H
#define KUBE_HTTP_H

#include "core/kube_core.h"
#include "core/kube_buf.h"

struct event_base;
struct bufferevent;

typedef struct kube_http_server kube_http_server_t;
typedef struct kube_http_req kube_http_req_t;
typedef struct kube_tls_config kube_tls_config_t; /* net/kube_tls.h */

typedef void (*kube_http_handler_fn)(kube_http_req_t *req, void *arg);
typedef void (*kube_http_close_fn)(kube_http_req_t *req, void *arg);
/* After kube_http_upgrade(): bev carries the plaintext byte stream of the
 * connection (TLS already removed) and now belongs to the callback. */
typedef void (*kube_http_upgrade_fn)(struct bufferevent *bev, void *arg);

typedef struct kube_http_server_config {
	size_t max_header_bytes; /* default 1 MiB */
	size_t max_body_bytes;	 /* default 3 MiB */
	int read_timeout_ms;	 /* default 60000 */
	int idle_timeout_ms;	 /* default 90000 */
	int max_connections;	 /* default 10000; more are closed at accept */
	const kube_tls_config_t *tls; /* NULL for plain TCP */
} kube_http_server_config_t;

/* Event-loop helpers (libevent). */
void kube_loop_init(void); /* evthread_use_pthreads(), once per process */
/* Run fn(arg) on base's thread soon; callable from any thread. */
int kube_loop_post(struct event_base *base, void (*fn)(void *arg), void *arg);

/* cfg may be NULL for defaults; zero fields take their defaults. */
kube_http_server_t *kube_http_server_new(struct event_base *base,
					 const kube_http_server_config_t *cfg,
					 kube_http_handler_fn handler, void *arg);
/* Listen on addr:port (addr NULL or "" = all, "0.0.0.0"/"::" accepted; port 0
 * picks a free port). ret_port receives the bound port. May be called more
 * than once. Returns 0 or -errno (e.g. -EADDRINUSE). */
int kube_http_server_listen(kube_http_server_t *srv, const char *addr, int port,
			    int *ret_port);
/* Stop accepting; finished requests' connections close; done(arg) runs once
 * every in-flight request has finished (streams are told via on_close). */
void kube_http_server_shutdown(kube_http_server_t *srv, void (*done)(void *arg),
			       void *arg);
/* Close every connection at once and free. Accepts NULL. */
void kube_http_server_free(kube_http_server_t *srv);
/* Open connections and in-flight requests (for metrics). */
size_t kube_http_server_connections(const kube_http_server_t *srv);

/* ---- request ---- */
const char *kube_http_req_method(const kube_http_req_t *req);
/* The raw request target, e.g. "/api/v1/pods?watch=1". */
const char *kube_http_req_target(const kube_http_req_t *req);
/* The percent-decoded path without the query. */
const char *kube_http_req_path(const kube_http_req_t *req);
/* The raw query string after '?', "" when none. */
const char *kube_http_req_query(const kube_http_req_t *req);
/* First value of query parameter name, percent- and '+'-decoded; NULL if absent. */
const char *kube_http_req_query_param(const kube_http_req_t *req, const char *name);
/* First header with that name (case-insensitive); NULL if absent. */
const char *kube_http_req_header(const kube_http_req_t *req, const char *name);
size_t kube_http_req_header_count(const kube_http_req_t *req);
void kube_http_req_header_at(const kube_http_req_t *req, size_t i,
			     const char **ret_name, const char **ret_value);
/* The body, NUL-terminated (len excludes the NUL); "" when none. */
const char *kube_http_req_body(const kube_http_req_t *req, size_t *ret_len);
/* "ip:port" of the peer. */
const char *kube_http_req_remote_addr(const kube_http_req_t *req);
/* 10, 11 or 20. */
int kube_http_req_version(const kube_http_req_t *req);
bool kube_http_req_is_tls(const kube_http_req_t *req);
/* The verified client certificate (DER), or -ENOENT. */
int kube_http_req_peer_cert(const kube_http_req_t *req, const uint8_t **ret_der,
			    size_t *ret_len);
/* A pointer the handler may attach to the request. */
void kube_http_req_set_data(kube_http_req_t *req, void *data);
void *kube_http_req_get_data(const kube_http_req_t *req);
/* cb runs once if the client goes away (or the server shuts down) before the
 * request is finished. The handler must still finish the request. */
void kube_http_req_on_close(kube_http_req_t *req, kube_http_close_fn cb, void *arg);
/* True once the client went away. */
bool kube_http_req_closed(const kube_http_req_t *req);

/* ---- response ---- */
/* Add a response header before the response starts. */
void kube_http_resp_header(kube_http_req_t *req, const char *name, const char *value);
/* Send a complete response and finish the request. body may be NULL. */
void kube_http_respond(kube_http_req_t *req, int status, const char *content_type,
		       const void *body, size_t len);
/* Same, taking the buffer's storage (no copy); body is left empty. */
void kube_http_respond_buf(kube_http_req_t *req, int status,
			   const char *content_type, kube_buf_t *body);
/* Start a streaming response (HTTP/1.1 chunked, HTTP/2 DATA frames). */
int kube_http_stream_start(kube_http_req_t *req, int status, const char *content_type);
/* Queue data and flush it as soon as the socket takes it. -EPIPE when the
 * client is gone. */
int kube_http_stream_write(kube_http_req_t *req, const void *data, size_t len);
/* Queue bytes by reference: release(rel_arg) runs when they are sent or
 * dropped. For one event fanned out to many watchers. */
int kube_http_stream_write_ref(kube_http_req_t *req, const void *data, size_t len,
			       void (*release)(void *rel_arg), void *rel_arg);
/* Bytes queued for this stream but not yet written to the socket. */
size_t kube_http_stream_pending(const kube_http_req_t *req);
/* End the stream and finish the request. */
void kube_http_stream_end(kube_http_req_t *req);
/* HTTP/1.1 only: answer 101 with the given extra headers (NULL-terminated
 * name, value pairs) and hand the connection to cb. Returns -ENOTSUP on
 * HTTP/2 (the request is then still to be finished by the caller). */
int kube_http_upgrade(kube_http_req_t *req, const char *const *headers,
		      kube_http_upgrade_fn cb, void *arg);

/* Reason phrase for a status code ("OK", "Not Found", ...). */
const char *kube_http_status_text(int status);

#endif
