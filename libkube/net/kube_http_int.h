/*
 * kube_http_int: private structures shared by the HTTP server files
 * (kube_http.c: server, connections, requests, HTTP/1.1; kube_http2.c:
 * HTTP/2 sessions). Not for use outside libkube/net/kube_http*.c.
 * Threading: everything here belongs to the server's event_base thread.
 */
#ifndef KUBE_HTTP_INT_H
#define KUBE_HTTP_INT_H

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "net/kube_http.h"
#include "net/kube_http1.h"
#include "net/kube_tls.h"

#define KUBE_HTTP_MAX_LISTENERS 8
/* Stop producing HTTP/2 frames while this much is queued on the socket. */
#define KUBE_HTTP_SEND_HIGH (256 * 1024)

typedef struct kube_http_conn kube_http_conn_t;

enum { PROTO_NONE = 0, PROTO_H1 = 1, PROTO_H2 = 2 };
enum { TIMER_OFF = 0, TIMER_IDLE, TIMER_READ, TIMER_DRAIN };
enum { REQ_READING = 0, REQ_HANDLING, REQ_STREAMING, REQ_DONE };

struct kube_http_server {
	struct event_base *base;
	kube_http_server_config_t cfg;
	kube_tls_config_t *tls;
	kube_http_handler_fn handler;
	void *arg;
	struct evconnlistener *listeners[KUBE_HTTP_MAX_LISTENERS];
	size_t nlisteners;
	kube_http_conn_t *conns;
	size_t nconns;
	kube_http_req_t *reqs; /* dispatched, unfinished requests */
	size_t nreqs;
	bool shutting_down;
	void (*done)(void *arg);
	void *done_arg;
	struct event *done_ev;
};

struct kube_http_conn {
	kube_http_server_t *srv;
	kube_http_conn_t *prev, *next;
	struct bufferevent *bev;
	kube_tls_conn_t *tls;
	struct evbuffer_cb_entry *drain_cb;
	struct evbuffer *drain_buf;
	struct event *timer;
	struct event *kick; /* deferred work: close, upgrade hand-off, h2 send */
	char remote[64];
	int proto;
	int timer_mode;
	bool closing;	/* close once the output drained */
	bool shut_wr;	/* closing: our side is shut; discard input until EOF */
	bool peer_eof;
	bool read_paused;
	int in_process;
	/* HTTP/1.1 */
	kube_http_req_t *cur;	  /* the request being read or handled */
	kube_http1_chunked_t chunked;
	int64_t body_left; /* Content-Length bytes still to read */
	bool req_started;  /* bytes of the next request arrived */
	kube_http_upgrade_fn upgrade_cb;
	void *upgrade_arg;
	/* HTTP/2 */
	void *h2; /* nghttp2_session */
	bool h2_busy;
	bool h2_want_send;
	kube_http_req_t *h2_ready; /* complete requests to dispatch */
	kube_http_req_t *h2_streams; /* every request with an open stream */
	size_t h2_nstreams;
};

typedef struct kube_http_hdr {
	char *name;
	char *value;
} kube_http_hdr_t;

struct kube_http_req {
	kube_http_server_t *srv;
	kube_http_conn_t *conn; /* NULL once the connection is gone */
	kube_http_req_t *prev, *next; /* srv->reqs */
	kube_http_req_t *h2_next;     /* conn->h2_ready */
	int state;
	bool closed;
	bool on_list;
	bool is_head;
	bool keep_alive;
	bool expect_continue;
	bool upgrade_requested;
	bool chunked_body;
	int version;
	/* request */
	kube_http1_head_t head; /* HTTP/1.1: owns method, target, headers */
	const char *method;
	const char *target;
	char *path;
	const char *query;
	const kube_http1_header_t *headers;
	size_t nheaders;
	kube_http1_header_t *h2_headers; /* HTTP/2: owned strings */
	size_t h2_cap;
	size_t h2_header_bytes;
	kube_buf_t body;
	char **qparams; /* decoded name, value pairs */
	size_t nqparams;
	bool qparsed;
	/* response */
	kube_http_hdr_t *resp_headers;
	size_t nresp_headers;
	kube_http_close_fn on_close;
	void *on_close_arg;
	void *data;
	/* HTTP/2 stream */
	int32_t stream_id;
	kube_http_req_t *h2_snext, *h2_sprev; /* conn->h2_streams */
	char *h2_method, *h2_path, *h2_authority, *h2_scheme;
	bool h2_queued;
	struct evbuffer *h2_out;
	bool h2_eof;
	bool h2_deferred;
	bool h2_body_too_large;
};

/* kube_http.c, for kube_http2.c */
kube_http_req_t *kube_http_req_new_(kube_http_conn_t *c);
void kube_http_req_free_(kube_http_req_t *req);
void kube_http_req_dispatch_(kube_http_req_t *req);
/* Finish bookkeeping common to both protocols (list, shutdown). */
void kube_http_req_finished_(kube_http_req_t *req);
/* The request was cut (stream reset or connection gone): tell the handler. */
void kube_http_req_cut_(kube_http_req_t *req);
void kube_http_conn_kick_(kube_http_conn_t *c);
/* Close the connection once its output is written. */
void kube_http_conn_close_(kube_http_conn_t *c);
/* Set method, target, path from an HTTP/2 request; -EINVAL if invalid. */
int kube_http_req_set_h2_(kube_http_req_t *req);
size_t kube_http_conn_pending_(const kube_http_conn_t *c);
void kube_http_status_body_(kube_buf_t *out, int status, const char *message);
const char *kube_http_status_message_(int status);

/* kube_http2.c */
bool kube_http2_is_preface(const uint8_t *data, size_t len, bool *ret_complete);
int kube_http2_conn_start(kube_http_conn_t *c);
/* Feed the connection's input to the session and send. */
void kube_http2_conn_read(kube_http_conn_t *c);
/* Send what nghttp2 has; close the connection when the session is over. */
void kube_http2_conn_send(kube_http_conn_t *c);
void kube_http2_conn_free(kube_http_conn_t *c);
/* Stop taking new streams (graceful shutdown). */
void kube_http2_conn_goaway(kube_http_conn_t *c);
/* Responses: body and extra headers come from req. end: no more data. */
int kube_http2_submit(kube_http_req_t *req, int status, const char *content_type,
		      bool has_body);
void kube_http2_data_added(kube_http_req_t *req);
bool kube_http2_conn_idle(const kube_http_conn_t *c);

#endif
