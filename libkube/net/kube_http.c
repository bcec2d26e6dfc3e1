/* kube_http: the HTTP server, requests and HTTP/1.1 (see kube_http.h). */
#include "net/kube_http_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/thread.h>

#include "core/kube_log.h"

/* Read-ahead allowed while a request is being handled (pipelining). */
#define MAX_PIPELINE_BYTES (256 * 1024)

static void conn_destroy(kube_http_conn_t *c);
static void h1_process(kube_http_conn_t *c);

/* ---- event loop helpers ---- */

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;

static void loop_init_once(void)
{
	evthread_use_pthreads();
}

void kube_loop_init(void)
{
	pthread_once(&loop_once, loop_init_once);
}

typedef struct post {
	void (*fn)(void *arg);
	void *arg;
} post_t;

static void post_cb(evutil_socket_t fd, short what, void *arg)
{
	post_t p = *(post_t *)arg;
	(void)fd;
	(void)what;
	kube_free(arg);
	p.fn(p.arg);
}

int kube_loop_post(struct event_base *base, void (*fn)(void *arg), void *arg)
{
	post_t *p;
	struct timeval tv = { 0, 0 };

	if (!base || !fn)
		return -EINVAL;
	p = kube_malloc(sizeof(*p));
	p->fn = fn;
	p->arg = arg;
	if (event_base_once(base, -1, EV_TIMEOUT, post_cb, p, &tv) < 0) {
		kube_free(p);
		return -ENOMEM;
	}
	return 0;
}

/* ---- status texts and error bodies ---- */

const char *kube_http_status_text(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Request Entity Too Large";
	case 414: return "Request URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Entity";
	case 426: return "Upgrade Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

const char *kube_http_status_message_(int status)
{
	switch (status) {
	case 400: return "the server could not parse the request";
	case 408: return "the request timed out before it was received";
	case 413: return "the request is too large";
	case 417: return "the expectation given in the Expect header is not supported";
	case 431: return "the request headers are too large";
	case 501: return "the Transfer-Encoding is not supported";
	case 505: return "the HTTP version is not supported";
	case 503: return "the server is shutting down";
	default: return kube_http_status_text(status);
	}
}

static const char *status_reason(int status)
{
	switch (status) {
	case 400: return "BadRequest";
	case 408: return "Timeout";
	case 413: return "RequestEntityTooLarge";
	case 503: return "ServiceUnavailable";
	default: return NULL;
	}
}

void kube_http_status_body_(kube_buf_t *out, int status, const char *message)
{
	const char *reason = status_reason(status);

	kube_buf_puts(out, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			   "\"status\":\"Failure\",\"message\":");
	kube_buf_json_string(out, message);
	if (reason)
		kube_buf_printf(out, ",\"reason\":\"%s\"", reason);
	kube_buf_printf(out, ",\"code\":%d}", status);
}

/* "Date: ..." value, cached per second. Loop threads only read their own. */
static __thread time_t date_sec;
static __thread char date_buf[40];

static const char *http_date(void)
{
	time_t now = time(NULL);

	if (now != date_sec) {
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(date_buf, sizeof(date_buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		date_sec = now;
	}
	return date_buf;
}

/* ---- requests ---- */

kube_http_req_t *kube_http_req_new_(kube_http_conn_t *c)
{
	kube_http_req_t *r = kube_calloc(1, sizeof(*r));

	r->srv = c->srv;
	r->conn = c;
	return r;
}

static void req_unlist(kube_http_req_t *r)
{
	if (!r->on_list)
		return;
	if (r->prev)
		r->prev->next = r->next;
	else if (r->srv)
		r->srv->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	r->on_list = false;
	if (r->srv)
		r->srv->nreqs--;
}

void kube_http_req_free_(kube_http_req_t *r)
{
	if (!r)
		return;
	req_unlist(r);
	kube_http1_head_clear(&r->head);
	for (size_t i = 0; i < r->nheaders && r->h2_headers; i++) {
		kube_free((char *)r->h2_headers[i].name);
		kube_free((char *)r->h2_headers[i].value);
	}
	kube_free(r->h2_headers);
	kube_free(r->h2_method);
	kube_free(r->h2_path);
	kube_free(r->h2_authority);
	kube_free(r->h2_scheme);
	kube_free(r->path);
	kube_buf_clear(&r->body);
	for (size_t i = 0; i < 2 * r->nqparams; i++)
		kube_free(r->qparams[i]);
	kube_free(r->qparams);
	for (size_t i = 0; i < r->nresp_headers; i++) {
		kube_free(r->resp_headers[i].name);
		kube_free(r->resp_headers[i].value);
	}
	kube_free(r->resp_headers);
	if (r->h2_out)
		evbuffer_free(r->h2_out);
	kube_free(r);
}

static void server_check_done(kube_http_server_t *srv)
{
	if (srv && srv->shutting_down && srv->nreqs == 0 && srv->done && srv->done_ev)
		event_active(srv->done_ev, EV_TIMEOUT, 1);
}

void kube_http_req_dispatch_(kube_http_req_t *r)
{
	kube_http_server_t *srv = r->srv;

	r->state = REQ_HANDLING;
	r->on_list = true;
	r->next = srv->reqs;
	if (srv->reqs)
		srv->reqs->prev = r;
	srv->reqs = r;
	srv->nreqs++;
	srv->handler(r, srv->arg);
}

void kube_http_req_finished_(kube_http_req_t *r)
{
	kube_http_server_t *srv = r->srv;

	r->state = REQ_DONE;
	req_unlist(r);
	server_check_done(srv);
}

void kube_http_req_cut_(kube_http_req_t *r)
{
	if (r->closed)
		return;
	r->closed = true;
	if (r->on_close) {
		kube_http_close_fn cb = r->on_close;
		r->on_close = NULL;
		cb(r, r->on_close_arg);
	}
}

/* Split the target into path and query and decode the path. */
static int req_set_target(kube_http_req_t *r, const char *target)
{
	const char *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target);
	const char *hash = memchr(target, '#', plen);

	r->target = target;
	if (hash)
		plen = (size_t)(hash - target);
	r->query = q ? q + 1 : "";
	r->path = kube_http1_unescape(target, plen, false);
	return r->path ? 0 : -EINVAL;
}

int kube_http_req_set_h2_(kube_http_req_t *r)
{
	if (!r->h2_method || !r->h2_path || !r->h2_path[0])
		return -EINVAL;
	if (r->h2_path[0] != '/' && strcmp(r->h2_path, "*") != 0)
		return -EINVAL;
	r->method = r->h2_method;
	r->version = 20;
	r->keep_alive = true;
	r->is_head = strcmp(r->method, "HEAD") == 0;
	r->headers = r->h2_headers;
	return req_set_target(r, r->h2_path);
}

const char *kube_http_req_method(const kube_http_req_t *req) { return req->method; }
const char *kube_http_req_target(const kube_http_req_t *req) { return req->target; }
const char *kube_http_req_path(const kube_http_req_t *req) { return req->path; }
const char *kube_http_req_query(const kube_http_req_t *req) { return req->query; }
int kube_http_req_version(const kube_http_req_t *req) { return req->version; }
void kube_http_req_set_data(kube_http_req_t *req, void *data) { req->data = data; }
void *kube_http_req_get_data(const kube_http_req_t *req) { return req->data; }
bool kube_http_req_closed(const kube_http_req_t *req) { return req->closed; }

const char *kube_http_req_query_param(const kube_http_req_t *req, const char *name)
{
	kube_http_req_t *r = (kube_http_req_t *)req;

	if (!r->qparsed) {
		const char *p = r->query;
		size_t cap = 0;
		r->qparsed = true;
		while (*p) {
			const char *amp = strchr(p, '&');
			size_t len = amp ? (size_t)(amp - p) : strlen(p);
			const char *eq = memchr(p, '=', len);
			size_t nlen = eq ? (size_t)(eq - p) : len;
			char *n, *v;
			if (len > 0 && r->nqparams < 1000) {
				n = kube_http1_unescape(p, nlen, true);
				v = eq ? kube_http1_unescape(eq + 1, len - nlen - 1, true)
				       : kube_strdup("");
				if (n && v) {
					if (r->nqparams == cap) {
						cap = cap ? cap * 2 : 8;
						r->qparams = kube_realloc(r->qparams,
									  2 * cap * sizeof(char *));
					}
					r->qparams[2 * r->nqparams] = n;
					r->qparams[2 * r->nqparams + 1] = v;
					r->nqparams++;
				} else {
					kube_free(n);
					kube_free(v);
				}
			}
			p += len;
			if (*p == '&')
				p++;
		}
	}
	for (size_t i = 0; i < r->nqparams; i++)
		if (strcmp(r->qparams[2 * i], name) == 0)
			return r->qparams[2 * i + 1];
	return NULL;
}

const char *kube_http_req_header(const kube_http_req_t *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

size_t kube_http_req_header_count(const kube_http_req_t *req)
{
	return req->nheaders;
}

void kube_http_req_header_at(const kube_http_req_t *req, size_t i, const char **ret_name,
			     const char **ret_value)
{
	if (i >= req->nheaders)
		return;
	if (ret_name)
		*ret_name = req->headers[i].name;
	if (ret_value)
		*ret_value = req->headers[i].value;
}

const char *kube_http_req_body(const kube_http_req_t *req, size_t *ret_len)
{
	if (ret_len)
		*ret_len = req->body.len;
	return kube_buf_str(&req->body);
}

const char *kube_http_req_remote_addr(const kube_http_req_t *req)
{
	return req->conn ? req->conn->remote : "";
}

bool kube_http_req_is_tls(const kube_http_req_t *req)
{
	return req->conn && req->conn->tls;
}

int kube_http_req_peer_cert(const kube_http_req_t *req, const uint8_t **ret_der,
			    size_t *ret_len)
{
	if (!req->conn || !req->conn->tls)
		return -ENOENT;
	return kube_tls_conn_peer_cert(req->conn->tls, ret_der, ret_len);
}

void kube_http_req_on_close(kube_http_req_t *req, kube_http_close_fn cb, void *arg)
{
	req->on_close = cb;
	req->on_close_arg = arg;
}

/* ---- responses ---- */

void kube_http_resp_header(kube_http_req_t *req, const char *name, const char *value)
{
	if (req->state >= REQ_STREAMING || !name || !value)
		return;
	/* no header injection */
	if (strpbrk(name, "\r\n: ") || strpbrk(value, "\r\n"))
		return;
	req->resp_headers = kube_realloc(req->resp_headers,
					 (req->nresp_headers + 1) * sizeof(*req->resp_headers));
	req->resp_headers[req->nresp_headers].name = kube_strdup(name);
	req->resp_headers[req->nresp_headers].value = kube_strdup(value);
	req->nresp_headers++;
}

static bool resp_has_header(const kube_http_req_t *req, const char *name)
{
	for (size_t i = 0; i < req->nresp_headers; i++)
		if (strcasecmp(req->resp_headers[i].name, name) == 0)
			return true;
	return false;
}

/* The HTTP/1.1 status line and headers. length < 0: chunked (or close-delimited). */
static void h1_head(kube_http_req_t *req, kube_buf_t *b, int status, const char *ctype,
		    int64_t length, bool close)
{
	kube_buf_printf(b, "HTTP/1.1 %d %s\r\n", status, kube_http_status_text(status));
	for (size_t i = 0; i < req->nresp_headers; i++)
		kube_buf_printf(b, "%s: %s\r\n", req->resp_headers[i].name,
				req->resp_headers[i].value);
	if (ctype && !resp_has_header(req, "Content-Type"))
		kube_buf_printf(b, "Content-Type: %s\r\n", ctype);
	kube_buf_printf(b, "Date: %s\r\n", http_date());
	if (status == 101) {
		/* headers come from the caller */
	} else if (length >= 0) {
		if (status != 204 && status != 304)
			kube_buf_printf(b, "Content-Length: %lld\r\n", (long long)length);
	} else if (req->version == 11) {
		kube_buf_puts(b, "Transfer-Encoding: chunked\r\n");
	}
	if (close)
		kube_buf_puts(b, "Connection: close\r\n");
	else if (req->version == 10)
		kube_buf_puts(b, "Connection: keep-alive\r\n");
	kube_buf_puts(b, "\r\n");
}

static void conn_arm(kube_http_conn_t *c, int mode)
{
	int ms;

	c->timer_mode = mode;
	if (mode == TIMER_OFF) {
		event_del(c->timer);
		return;
	}
	ms = mode == TIMER_READ ? c->srv->cfg.read_timeout_ms : c->srv->cfg.idle_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	event_add(c->timer, &tv);
}

size_t kube_http_conn_pending_(const kube_http_conn_t *c)
{
	struct bufferevent *u;
	size_t n;

	if (!c || !c->bev)
		return 0;
	n = evbuffer_get_length(bufferevent_get_output(c->bev));
	u = bufferevent_get_underlying(c->bev);
	if (u)
		n += evbuffer_get_length(bufferevent_get_output(u));
	return n;
}

void kube_http_conn_kick_(kube_http_conn_t *c)
{
	event_active(c->kick, EV_TIMEOUT, 1);
}

/* Close the connection once everything queued has been written. */
void kube_http_conn_close_(kube_http_conn_t *c)
{
	if (!c->closing) {
		/* Keep reading (and discarding) what the client still sends, so
		 * it reads our answer instead of a reset (lingering close). */
		c->closing = true;
		conn_arm(c, TIMER_IDLE); /* bound the drain time */
	}
	if (kube_http_conn_pending_(c) == 0)
		kube_http_conn_kick_(c);
}

/* The request is done on an HTTP/1.1 connection: next one or close. */
static void h1_request_done(kube_http_conn_t *c, kube_http_req_t *req)
{
	bool keep = req->keep_alive && !c->peer_eof && !c->srv->shutting_down;

	c->cur = NULL;
	c->req_started = false;
	if (!keep) {
		kube_http_conn_close_(c);
		return;
	}
	if (c->read_paused) {
		c->read_paused = false;
		bufferevent_enable(c->bev, EV_READ);
		bufferevent_flush(c->bev, EV_READ, BEV_NORMAL);
	}
	conn_arm(c, TIMER_IDLE);
	if (!c->in_process)
		h1_process(c);
}

/* Send a server-made error and close the connection. */
static void h1_error(kube_http_conn_t *c, int status)
{
	kube_buf_t body = KUBE_BUF_INIT, out = KUBE_BUF_INIT;

	kube_http_status_body_(&body, status, kube_http_status_message_(status));
	kube_buf_printf(&out,
			"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
			"Date: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
			status, kube_http_status_text(status), http_date(), body.len,
			kube_buf_str(&body));
	bufferevent_write(c->bev, out.data, out.len);
	kube_buf_clear(&body);
	kube_buf_clear(&out);
	if (c->cur && c->cur->state == REQ_READING) {
		kube_http_req_free_(c->cur);
		c->cur = NULL;
	}
	kube_http_conn_close_(c);
}

static void buf_free_cleanup(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	kube_free((void *)data);
}

/* body_owned: allocated with kube_malloc, ownership taken. */
static void respond_common(kube_http_req_t *req, int status, const char *ctype,
			   const void *body, size_t len, char *body_owned)
{
	kube_http_conn_t *c = req->conn;

	if (req->state == REQ_DONE || req->state == REQ_STREAMING) {
		kube_free(body_owned);
		return;
	}
	if (!c) {
		kube_free(body_owned);
		kube_http_req_finished_(req);
		kube_http_req_free_(req);
		return;
	}
	if (c->proto == PROTO_H2) {
		if (!req->h2_out)
			req->h2_out = evbuffer_new();
		if (body_owned && len)
			evbuffer_add_reference(req->h2_out, body_owned, len, buf_free_cleanup, NULL);
		else {
			if (len)
				evbuffer_add(req->h2_out, body, len);
			kube_free(body_owned);
		}
		req->h2_eof = true;
		if (req->is_head)
			evbuffer_drain(req->h2_out, evbuffer_get_length(req->h2_out));
		kube_http_req_finished_(req);
		kube_http2_submit(req, status, ctype, len > 0 && !req->is_head);
		return;
	}
	bool close = !req->keep_alive || c->peer_eof || c->srv->shutting_down;
	kube_buf_t head = KUBE_BUF_INIT;
	h1_head(req, &head, status, ctype, (int64_t)len, close);
	bufferevent_write(c->bev, head.data, head.len);
	kube_buf_clear(&head);
	if (len && !req->is_head) {
		if (body_owned) {
			evbuffer_add_reference(bufferevent_get_output(c->bev), body_owned, len,
					       buf_free_cleanup, NULL);
			body_owned = NULL;
		} else {
			bufferevent_write(c->bev, body, len);
		}
	}
	kube_free(body_owned);
	kube_http_req_finished_(req);
	h1_request_done(c, req);
	kube_http_req_free_(req);
}

void kube_http_respond(kube_http_req_t *req, int status, const char *content_type,
		       const void *body, size_t len)
{
	respond_common(req, status, content_type, body, body ? len : 0, NULL);
}

void kube_http_respond_buf(kube_http_req_t *req, int status, const char *content_type,
			   kube_buf_t *body)
{
	size_t len = body ? body->len : 0;
	char *data = body && body->data ? kube_buf_steal(body) : NULL;

	respond_common(req, status, content_type, data, len, data);
}

int kube_http_stream_start(kube_http_req_t *req, int status, const char *content_type)
{
	kube_http_conn_t *c = req->conn;

	if (req->state != REQ_HANDLING)
		return -EINVAL;
	req->state = REQ_STREAMING;
	if (!c || req->closed)
		return -EPIPE;
	if (c->proto == PROTO_H2) {
		req->h2_out = req->h2_out ? req->h2_out : evbuffer_new();
		return kube_http2_submit(req, status, content_type, true);
	}
	/* HTTP/1.0 has no chunking: the body ends with the connection. */
	if (req->version == 10)
		req->keep_alive = false;
	kube_buf_t head = KUBE_BUF_INIT;
	h1_head(req, &head, status, content_type, -1, !req->keep_alive || c->srv->shutting_down);
	bufferevent_write(c->bev, head.data, head.len);
	kube_buf_clear(&head);
	return 0;
}

typedef struct ref_release {
	void (*release)(void *arg);
	void *arg;
} ref_release_t;

static void ref_cleanup(const void *data, size_t len, void *extra)
{
	ref_release_t *rr = extra;
	(void)data;
	(void)len;
	rr->release(rr->arg);
	kube_free(rr);
}

static int stream_write(kube_http_req_t *req, const void *data, size_t len,
			void (*release)(void *), void *rel_arg)
{
	kube_http_conn_t *c = req->conn;
	struct evbuffer *out;
	int r = 0;

	if (req->state != REQ_STREAMING)
		r = -EINVAL;
	else if (!c || req->closed)
		r = -EPIPE;
	if (r < 0 || len == 0 || req->is_head) {
		if (release)
			release(rel_arg);
		return r;
	}
	bool chunk = c->proto == PROTO_H1 && req->version == 11;
	out = c->proto == PROTO_H2 ? req->h2_out : bufferevent_get_output(c->bev);
	if (chunk) {
		char hdr[24];
		int n = snprintf(hdr, sizeof(hdr), "%zx\r\n", len);
		evbuffer_add(out, hdr, (size_t)n);
	}
	if (release) {
		ref_release_t *rr = kube_malloc(sizeof(*rr));
		rr->release = release;
		rr->arg = rel_arg;
		evbuffer_add_reference(out, data, len, ref_cleanup, rr);
	} else {
		evbuffer_add(out, data, len);
	}
	if (chunk)
		evbuffer_add(out, "\r\n", 2);
	if (c->proto == PROTO_H2)
		kube_http2_data_added(req);
	return 0;
}

int kube_http_stream_write(kube_http_req_t *req, const void *data, size_t len)
{
	return stream_write(req, data, len, NULL, NULL);
}

int kube_http_stream_write_ref(kube_http_req_t *req, const void *data, size_t len,
			       void (*release)(void *rel_arg), void *rel_arg)
{
	if (!release)
		return -EINVAL;
	return stream_write(req, data, len, release, rel_arg);
}

size_t kube_http_stream_pending(const kube_http_req_t *req)
{
	if (!req->conn)
		return 0;
	if (req->conn->proto == PROTO_H2)
		return req->h2_out ? evbuffer_get_length(req->h2_out) : 0;
	return kube_http_conn_pending_(req->conn);
}

void kube_http_stream_end(kube_http_req_t *req)
{
	kube_http_conn_t *c = req->conn;

	if (req->state != REQ_STREAMING)
		return;
	if (!c) {
		kube_http_req_finished_(req);
		kube_http_req_free_(req);
		return;
	}
	if (c->proto == PROTO_H2) {
		req->h2_eof = true;
		kube_http_req_finished_(req);
		kube_http2_data_added(req);
		return;
	}
	if (req->version == 11 && !req->is_head)
		bufferevent_write(c->bev, "0\r\n\r\n", 5);
	kube_http_req_finished_(req);
	h1_request_done(c, req);
	kube_http_req_free_(req);
}

int kube_http_upgrade(kube_http_req_t *req, const char *const *headers,
		      kube_http_upgrade_fn cb, void *arg)
{
	kube_http_conn_t *c = req->conn;
	kube_buf_t head = KUBE_BUF_INIT;

	if (req->state != REQ_HANDLING || !cb)
		return -EINVAL;
	if (c && c->proto == PROTO_H2)
		return -ENOTSUP;
	if (!c || c->peer_eof) {
		kube_http_req_finished_(req);
		kube_http_req_free_(req);
		return -EPIPE;
	}
	kube_buf_printf(&head, "HTTP/1.1 101 %s\r\n", kube_http_status_text(101));
	for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2)
		kube_buf_printf(&head, "%s: %s\r\n", headers[i], headers[i + 1]);
	for (size_t i = 0; i < req->nresp_headers; i++)
		kube_buf_printf(&head, "%s: %s\r\n", req->resp_headers[i].name,
				req->resp_headers[i].value);
	kube_buf_puts(&head, "\r\n");
	bufferevent_write(c->bev, head.data, head.len);
	kube_buf_clear(&head);
	c->upgrade_cb = cb;
	c->upgrade_arg = arg;
	c->cur = NULL;
	conn_arm(c, TIMER_OFF);
	kube_http_req_finished_(req);
	kube_http_req_free_(req);
	kube_http_conn_kick_(c); /* hand off from a fresh callback */
	return 0;
}

/* ---- HTTP/1.1 connection processing ---- */

/* Consume body bytes of c->cur; returns true when the body is complete. */
static bool h1_read_body(kube_http_conn_t *c, struct evbuffer *in)
{
	kube_http_req_t *r = c->cur;
	size_t max = c->srv->cfg.max_body_bytes;

	if (r->chunked_body) {
		for (;;) {
			size_t avail = evbuffer_get_length(in);
			if (avail == 0)
				return false;
			struct evbuffer_iovec v;
			if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
				return false;
			bool done = false;
			ssize_t n = kube_http1_chunked_feed(&c->chunked, v.iov_base, v.iov_len,
							    &r->body, max, &done);
			if (n < 0) {
				h1_error(c, n == -EMSGSIZE ? 413 : 400);
				return false;
			}
			evbuffer_drain(in, (size_t)n);
			if (done)
				return true;
		}
	}
	if (c->body_left > 0) {
		size_t n = KUBE_MIN((uint64_t)evbuffer_get_length(in), (uint64_t)c->body_left);
		if (n) {
			kube_buf_reserve(&r->body, n);
			evbuffer_remove(in, r->body.data + r->body.len, n);
			r->body.len += n;
			r->body.data[r->body.len] = '\0';
			c->body_left -= (int64_t)n;
		}
	}
	return c->body_left == 0;
}

static int h1_start_request(kube_http_conn_t *c, kube_http1_head_t *head)
{
	kube_http_req_t *r = kube_http_req_new_(c);

	r->head = *head;
	memset(head, 0, sizeof(*head));
	r->method = r->head.method;
	r->version = r->head.version;
	r->headers = r->head.headers;
	r->nheaders = r->head.nheaders;
	r->keep_alive = r->head.keep_alive;
	r->is_head = strcmp(r->method, "HEAD") == 0;
	r->chunked_body = r->head.chunked;
	r->expect_continue = r->head.expect_continue;
	r->upgrade_requested = r->head.upgrade;
	c->cur = r;
	if (req_set_target(r, r->head.target) < 0)
		return 400;
	c->body_left = r->head.content_length > 0 ? r->head.content_length : 0;
	if ((uint64_t)c->body_left > c->srv->cfg.max_body_bytes)
		return 413;
	memset(&c->chunked, 0, sizeof(c->chunked));
	return 0;
}

static void h1_process(kube_http_conn_t *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	const kube_http_server_config_t *cfg = &c->srv->cfg;

	c->in_process++;
	while (!c->closing && !c->upgrade_cb) {
		size_t len = evbuffer_get_length(in);

		if (c->cur && c->cur->state != REQ_READING) {
			/* handling: bound read-ahead of pipelined requests */
			if (len > MAX_PIPELINE_BYTES && !c->read_paused) {
				c->read_paused = true;
				bufferevent_disable(c->bev, EV_READ);
			}
			break;
		}
		if (c->cur) {
			if (!h1_read_body(c, in))
				break;
			kube_http_req_t *r = c->cur;
			conn_arm(c, TIMER_OFF);
			kube_http_req_dispatch_(r);
			continue;
		}
		if (len == 0)
			break;
		if (!c->req_started) {
			c->req_started = true;
			conn_arm(c, TIMER_READ);
		}
		size_t want = KUBE_MIN(len, cfg->max_header_bytes + 64);
		const char *data = (const char *)evbuffer_pullup(in, (ev_ssize_t)want);
		kube_http1_head_t head;
		int status = 0;
		int n = kube_http1_parse_head(data, want, cfg->max_header_bytes, &head, &status);
		if (n == 0)
			break;
		if (n < 0) {
			klog_v(4, "http: %s: bad request head (%d)", c->remote, status);
			h1_error(c, status);
			break;
		}
		evbuffer_drain(in, (size_t)n);
		status = h1_start_request(c, &head);
		if (status) {
			h1_error(c, status);
			break;
		}
		if (c->cur->expect_continue && c->cur->version == 11 &&
		    (c->body_left > 0 || c->cur->chunked_body) && evbuffer_get_length(in) == 0)
			bufferevent_write(c->bev, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	}
	c->in_process--;
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	kube_http_conn_t *c = arg;
	(void)bev;

	if (c->closing) {
		struct evbuffer *in = bufferevent_get_input(c->bev);
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	if (c->proto == PROTO_NONE) {
		const char *alpn = c->tls ? kube_tls_conn_alpn(c->tls) : NULL;
		struct evbuffer *in = bufferevent_get_input(c->bev);
		size_t len = evbuffer_get_length(in);
		bool complete = false;

		if (alpn && strcmp(alpn, "h2") == 0) {
			c->proto = PROTO_H2;
		} else if (!c->tls && kube_http2_is_preface(evbuffer_pullup(in, (ev_ssize_t)KUBE_MIN(len, 24)),
							  KUBE_MIN(len, 24), &complete)) {
			if (!complete) {
				conn_arm(c, TIMER_READ);
				return;
			}
			c->proto = PROTO_H2;
		} else {
			c->proto = PROTO_H1;
		}
		if (c->proto == PROTO_H2) {
			conn_arm(c, TIMER_IDLE);
			if (kube_http2_conn_start(c) < 0) {
				conn_destroy(c);
				return;
			}
		}
	}
	if (c->proto == PROTO_H2)
		kube_http2_conn_read(c);
	else
		h1_process(c);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	kube_http_conn_t *c = arg;
	(void)bev;

	if (what & BEV_EVENT_CONNECTED)
		return; /* TLS handshake done */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) && c->proto == PROTO_H1 &&
	    c->cur && c->cur->state != REQ_READING && !c->closing) {
		/* The client went away (or half-closed) while its request is being
		 * handled: tell the handler, keep the socket for its answer. */
		c->peer_eof = true;
		bufferevent_disable(c->bev, EV_READ);
		kube_http_req_cut_(c->cur);
		return;
	}
	klog_v(5, "http: %s: connection closed (0x%x)%s%s", c->remote, what,
	       c->tls ? " " : "", c->tls ? kube_tls_conn_error(c->tls) : "");
	conn_destroy(c);
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_http_conn_t *c = arg;
	(void)fd;
	(void)what;

	if (c->timer_mode == TIMER_READ && c->proto == PROTO_H1 && !c->closing &&
	    (c->req_started || c->cur)) {
		klog_v(4, "http: %s: read timeout", c->remote);
		h1_error(c, 408);
		return;
	}
	if (c->proto == PROTO_H2 && !c->closing && !kube_http2_conn_idle(c)) {
		conn_arm(c, TIMER_IDLE);
		return;
	}
	conn_destroy(c);
}

static void conn_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_http_conn_t *c = arg;
	(void)fd;
	(void)what;

	if (c->upgrade_cb) {
		if (kube_http_conn_pending_(c) > 0 && !c->tls) {
			/* let the 101 go out first for plain sockets? not needed:
			 * the bufferevent keeps it queued in order. */
		}
		kube_http_upgrade_fn cb = c->upgrade_cb;
		void *arg2 = c->upgrade_arg;
		struct bufferevent *bev = c->bev;
		evbuffer_remove_cb_entry(c->drain_buf, c->drain_cb);
		bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
		c->bev = NULL;
		conn_destroy(c);
		cb(bev, arg2);
		return;
	}
	if (c->proto == PROTO_H2 && !c->closing) {
		kube_http2_conn_send(c);
		return;
	}
	if (c->closing && kube_http_conn_pending_(c) == 0) {
		int sock = c->tls ? -1 : bufferevent_getfd(c->bev);
		/* Plain TCP: half-close and wait for the client's EOF (or the
		 * idle timer); TLS: done. */
		if (sock < 0 || c->shut_wr) {
			if (sock < 0)
				conn_destroy(c);
			return;
		}
		c->shut_wr = true;
		shutdown(sock, SHUT_WR);
	}
}

static void conn_drain_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	kube_http_conn_t *c = arg;
	(void)buf;

	if (info->n_deleted == 0)
		return;
	if (c->closing ? kube_http_conn_pending_(c) == 0
		       : (c->proto == PROTO_H2 && c->h2_want_send &&
			  kube_http_conn_pending_(c) < KUBE_HTTP_SEND_HIGH / 2))
		kube_http_conn_kick_(c);
}

static void conn_destroy(kube_http_conn_t *c)
{
	kube_http_server_t *srv = c->srv;
	kube_http_req_t *cut[1] = { NULL };

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	if (c->h2)
		kube_http2_conn_free(c); /* cuts its streams */
	if (c->cur) {
		kube_http_req_t *r = c->cur;
		c->cur = NULL;
		r->conn = NULL;
		if (r->state == REQ_READING)
			kube_http_req_free_(r);
		else
			cut[0] = r;
	}
	if (c->bev)
		bufferevent_free(c->bev);
	event_free(c->timer);
	event_free(c->kick);
	kube_free(c);
	if (cut[0])
		kube_http_req_cut_(cut[0]);
	server_check_done(srv);
}

/* ---- server ---- */

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	kube_http_server_t *srv = arg;
	kube_http_conn_t *c;
	struct bufferevent *bev;
	int one = 1;
	(void)l;
	(void)salen;

	if (srv->shutting_down || srv->nconns >= (size_t)srv->cfg.max_connections) {
		klog_v(4, "http: connection limit reached, closing");
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	evutil_make_socket_nonblocking(fd);
	bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		close(fd);
		return;
	}
	c = kube_calloc(1, sizeof(*c));
	c->srv = srv;
	if (srv->tls) {
		if (kube_tls_wrap(srv->tls, bev, NULL, &c->bev, &c->tls) < 0) {
			kube_free(c);
			return;
		}
	} else {
		c->bev = bev;
	}
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(c->remote, sizeof(c->remote), "%s:%u", ip, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		char ip[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(c->remote, sizeof(c->remote), "[%s]:%u", ip, ntohs(in6->sin6_port));
	}
	c->timer = evtimer_new(srv->base, conn_timer_cb, c);
	c->kick = event_new(srv->base, -1, 0, conn_kick_cb, c);
	struct bufferevent *low = bufferevent_get_underlying(c->bev);
	c->drain_buf = bufferevent_get_output(low ? low : c->bev);
	c->drain_cb = evbuffer_add_cb(c->drain_buf, conn_drain_cb, c);
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	/* TLS: the handshake must finish within the read timeout. */
	conn_arm(c, c->tls ? TIMER_READ : TIMER_IDLE);
}

static void done_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_http_server_t *srv = arg;
	void (*done)(void *) = srv->done;
	(void)fd;
	(void)what;

	if (!done || srv->nreqs > 0)
		return;
	srv->done = NULL;
	done(srv->done_arg);
}

kube_http_server_t *kube_http_server_new(struct event_base *base,
					 const kube_http_server_config_t *cfg,
					 kube_http_handler_fn handler, void *arg)
{
	kube_http_server_t *srv;

	if (!base || !handler)
		return NULL;
	srv = kube_calloc(1, sizeof(*srv));
	srv->base = base;
	srv->handler = handler;
	srv->arg = arg;
	if (cfg)
		srv->cfg = *cfg;
	if (!srv->cfg.max_header_bytes)
		srv->cfg.max_header_bytes = 1024 * 1024;
	if (!srv->cfg.max_body_bytes)
		srv->cfg.max_body_bytes = 3 * 1024 * 1024;
	if (srv->cfg.read_timeout_ms <= 0)
		srv->cfg.read_timeout_ms = 60000;
	if (srv->cfg.idle_timeout_ms <= 0)
		srv->cfg.idle_timeout_ms = 90000;
	if (srv->cfg.max_connections <= 0)
		srv->cfg.max_connections = 10000;
	if (srv->cfg.tls)
		srv->tls = kube_tls_config_ref((kube_tls_config_t *)srv->cfg.tls);
	srv->done_ev = event_new(base, -1, 0, done_cb, srv);
	return srv;
}

int kube_http_server_listen(kube_http_server_t *srv, const char *addr, int port,
			    int *ret_port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, r;
	bool any = !addr || !*addr;

	if (!srv || port < 0 || port > 65535)
		return -EINVAL;
	if (srv->nlisteners >= KUBE_HTTP_MAX_LISTENERS)
		return -EMFILE;
	memset(&ss, 0, sizeof(ss));
	if (any || strcmp(addr, "::") == 0) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*s6);
	} else {
		char tmp[64];
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		kube_strlcpy(tmp, addr[0] == '[' ? addr + 1 : addr, sizeof(tmp));
		tmp[strcspn(tmp, "]")] = '\0';
		if (inet_pton(AF_INET, tmp, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			sl = sizeof(*s4);
		} else if (inet_pton(AF_INET6, tmp, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			sl = sizeof(*s6);
		} else {
			return -EINVAL;
		}
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && any && errno == EAFNOSUPPORT) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		memset(&ss, 0, sizeof(ss));
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6) {
		int v6only = any ? 0 : 1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1024) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	struct evconnlistener *l = evconnlistener_new(srv->base, accept_cb, srv,
						      LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (!l) {
		close(fd);
		return -ENOMEM;
	}
	srv->listeners[srv->nlisteners++] = l;
	if (ret_port)
		*ret_port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
							  : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

size_t kube_http_server_connections(const kube_http_server_t *srv)
{
	return srv ? srv->nconns : 0;
}

void kube_http_server_shutdown(kube_http_server_t *srv, void (*done)(void *arg), void *arg)
{
	kube_http_conn_t *c, *next;

	if (!srv)
		return;
	for (size_t i = 0; i < srv->nlisteners; i++)
		evconnlistener_free(srv->listeners[i]);
	srv->nlisteners = 0;
	srv->shutting_down = true;
	srv->done = done;
	srv->done_arg = arg;
	for (c = srv->conns; c; c = next) {
		next = c->next;
		if (c->proto == PROTO_H2) {
			kube_http2_conn_goaway(c);
		} else if (!c->cur || c->cur->state == REQ_READING) {
			kube_http_conn_close_(c);
		}
	}
	/* Tell long-running requests (watches) to finish. */
	kube_http_req_t *r = srv->reqs;
	while (r) {
		kube_http_req_t *rn = r->next;
		if (r->state == REQ_STREAMING)
			kube_http_req_cut_(r);
		r = rn;
	}
	server_check_done(srv);
}

void kube_http_server_free(kube_http_server_t *srv)
{
	if (!srv)
		return;
	for (size_t i = 0; i < srv->nlisteners; i++)
		evconnlistener_free(srv->listeners[i]);
	srv->nlisteners = 0;
	srv->done = NULL;
	while (srv->conns)
		conn_destroy(srv->conns);
	/* Requests still held by handlers outlive the server. */
	for (kube_http_req_t *r = srv->reqs; r; r = r->next) {
		r->srv = NULL;
		r->on_list = false;
	}
	event_free(srv->done_ev);
	kube_tls_config_free(srv->tls);
	kube_free(srv);
}
