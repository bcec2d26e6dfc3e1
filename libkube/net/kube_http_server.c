/*
 * kube_http_server: the HTTP/1.1 server behind net/kube_http.h.
 *
 * One conn_t per accepted socket, on a bufferevent. A connection parses one
 * request at a time (pipelined requests wait in the input buffer) and keeps
 * reading while a request is in flight, so a client that goes away is seen
 * at once and reported through on_close. A request outlives its connection
 * until its handler finishes it.
 */
#include "net/kube_http.h"
#include "net/kube_http1.h"
#include "net/kube_tls.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define MAX_LISTENERS 8

typedef struct conn conn_t;

typedef enum {
	REQ_HANDLING = 0, /* handed to the handler, no response yet */
	REQ_STREAMING,	  /* stream started */
	REQ_DONE,
} req_state_t;

typedef struct param {
	char *name, *value;
} param_t;

struct kube_http_req {
	conn_t *conn; /* NULL once the connection is gone */
	kube_http1_head_t head;
	char *path;  /* decoded */
	const char *query;
	param_t *params;
	size_t nparams;
	bool params_parsed;
	kube_buf_t body;
	kube_buf_t resp_headers;
	req_state_t state;
	bool closed;
	bool tls;
	bool chunked_out;
	kube_http_close_fn on_close;
	void *on_close_arg;
	void *data;
	char remote[64];
};

typedef enum {
	CONN_IDLE = 0,	/* waiting for a request head */
	CONN_BODY,	/* reading a Content-Length body */
	CONN_CHUNK_SIZE, /* reading a chunked body: size line */
	CONN_CHUNK_DATA,
	CONN_CHUNK_CRLF,
	CONN_TRAILER,
	CONN_HANDLING,	/* a request is with the handler */
	CONN_CLOSING,	/* flushing the last bytes, then close */
} conn_state_t;

struct conn {
	kube_http_server_t *srv;
	struct bufferevent *bev;
	conn_t *prev, *next;
	conn_state_t state;
	kube_http_req_t *req; /* being read or handled */
	uint64_t remaining;   /* body or chunk bytes still to read */
	struct event *timer;
	bool timer_is_read;   /* read deadline (408) rather than idle */
	bool processing;      /* inside conn_process(): frees are deferred */
	bool dead;	      /* conn_free() was asked for while processing */
	bool tls;
	bool lingering;	      /* after an error answer: discard input until EOF */
	bool shut_wr;
	uint64_t discarded;
	char remote[64];
};

struct kube_http_server {
	struct event_base *base;
	kube_http_server_config_t cfg;
	kube_http_handler_fn handler;
	void *arg;
	struct evconnlistener *listeners[MAX_LISTENERS];
	int nlisteners;
	conn_t *conns;
	size_t nconns;
	size_t inflight; /* requests handed out and not finished */
	bool shutting_down;
	void (*shutdown_done)(void *arg);
	void *shutdown_arg;
};

static void conn_free(conn_t *c);
static void req_free(kube_http_req_t *r);
static void timer_stop(conn_t *c);
static void conn_process(conn_t *c);
static void server_check_shutdown(kube_http_server_t *srv);

/* ---- loop helpers ---- */

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
	post_t *p = arg;

	p->fn(p->arg);
	kube_free(p);
}

int kube_loop_post(struct event_base *base, void (*fn)(void *arg), void *arg)
{
	post_t *p = kube_malloc(sizeof(*p));
	struct timeval tv = { 0, 0 };

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
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

static void status_reason(int status, const char **reason, const char **message)
{
	switch (status) {
	case 408:
		*reason = "Timeout";
		*message = "request did not complete within the allowed duration";
		break;
	case 413:
		*reason = "RequestEntityTooLarge";
		*message = "the request is too large";
		break;
	case 431:
		*reason = "BadRequest";
		*message = "request header fields too large";
		break;
	case 501:
		*reason = "BadRequest";
		*message = "unsupported transfer encoding";
		break;
	case 505:
		*reason = "BadRequest";
		*message = "unsupported HTTP version";
		break;
	case 503:
		*reason = "ServiceUnavailable";
		*message = "the server is shutting down";
		break;
	default:
		*reason = "BadRequest";
		*message = "malformed HTTP request";
		break;
	}
}

/* Answer an error the server produced itself and close the connection. */
static void conn_fail(conn_t *c, int status)
{
	const char *reason, *message;
	kube_buf_t b = KUBE_BUF_INIT;
	struct evbuffer *out = bufferevent_get_output(c->bev);

	status_reason(status, &reason, &message);
	kube_buf_printf(&b,
			"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			"\"status\":\"Failure\",\"message\":\"%s\",\"reason\":\"%s\",\"code\":%d}\n",
			message, reason, status);
	evbuffer_add_printf(out,
			    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
			    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			    status, kube_http_status_text(status), b.len);
	evbuffer_add(out, b.data, b.len);
	kube_buf_clear(&b);
	if (c->req) {
		kube_http_req_t *r = c->req;
		c->req = NULL;
		req_free(r);
	}
	/* Linger: keep reading (and discarding) what the client is still
	 * sending, so it sees the answer rather than a reset. */
	c->state = CONN_CLOSING;
	c->lingering = true;
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	evbuffer_drain(bufferevent_get_input(c->bev), evbuffer_get_length(bufferevent_get_input(c->bev)));
	timer_stop(c);
	{
		struct timeval tv = { 2, 0 };
		c->timer_is_read = false;
		evtimer_add(c->timer, &tv);
	}
}

/* ---- timers ---- */

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	conn_t *c = arg;

	if (c->timer_is_read)
		conn_fail(c, 408);
	else
		conn_free(c);
}

static void timer_arm(conn_t *c, bool read_deadline)
{
	int ms = read_deadline ? c->srv->cfg.read_timeout_ms : c->srv->cfg.idle_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	c->timer_is_read = read_deadline;
	evtimer_add(c->timer, &tv);
}

static void timer_stop(conn_t *c)
{
	evtimer_del(c->timer);
}

/* ---- requests ---- */

static void req_free(kube_http_req_t *r)
{
	kube_http1_head_clear(&r->head);
	kube_free(r->path);
	for (size_t i = 0; i < r->nparams; i++) {
		kube_free(r->params[i].name);
		kube_free(r->params[i].value);
	}
	kube_free(r->params);
	kube_buf_clear(&r->body);
	kube_buf_clear(&r->resp_headers);
	kube_free(r);
}

/* The handler finished r: free it, and go on with the connection. */
static void req_finish(kube_http_req_t *r)
{
	conn_t *c = r->conn;
	kube_http_server_t *srv;
	bool keep;

	r->state = REQ_DONE;
	keep = r->head.keep_alive;
	if (!c) {
		req_free(r);
		return;
	}
	srv = c->srv;
	c->req = NULL;
	req_free(r);
	srv->inflight--;
	if (!keep || srv->shutting_down) {
		c->state = CONN_CLOSING;
		bufferevent_disable(c->bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			conn_free(c);
		server_check_shutdown(srv);
		return;
	}
	c->state = CONN_IDLE;
	bufferevent_enable(c->bev, EV_READ);
	conn_process(c);
}

static void dispatch(conn_t *c)
{
	kube_http_req_t *r = c->req;

	timer_stop(c);
	c->state = CONN_HANDLING;
	c->srv->inflight++;
	/* Keep reading to notice a disconnect, but bound what we buffer. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, c->srv->cfg.max_header_bytes + 4096);
	c->srv->handler(r, c->srv->arg);
}

static int req_start(conn_t *c, const char *head, size_t len)
{
	kube_http_req_t *r = kube_calloc(1, sizeof(*r));
	int status = 400;
	const char *target, *q;

	if (kube_http1_parse_head(head, len, &r->head, &status) < 0) {
		kube_free(r);
		conn_fail(c, status);
		return -EINVAL;
	}
	r->conn = c;
	r->tls = c->tls;
	kube_strlcpy(r->remote, c->remote, sizeof(r->remote));
	c->req = r;
	target = r->head.target;
	if (kube_startswith(target, "http://") || kube_startswith(target, "https://")) {
		const char *s = strchr(strstr(target, "//") + 2, '/');
		target = s ? s : "/";
	}
	q = strchr(target, '?');
	r->query = q ? q + 1 : "";
	r->path = kube_http1_unescape(target, q ? (size_t)(q - target) : strlen(target), false);
	if (!r->path) {
		conn_fail(c, 400);
		return -EINVAL;
	}
	if (r->head.content_length > (int64_t)c->srv->cfg.max_body_bytes) {
		conn_fail(c, 413);
		return -E2BIG;
	}
	if (r->head.expect_continue && (r->head.chunked || r->head.content_length > 0))
		evbuffer_add_printf(bufferevent_get_output(c->bev), "HTTP/1.1 100 Continue\r\n\r\n");
	if (r->head.chunked) {
		c->state = CONN_CHUNK_SIZE;
	} else if (r->head.content_length > 0) {
		c->state = CONN_BODY;
		c->remaining = (uint64_t)r->head.content_length;
	} else {
		return 1; /* complete: dispatch once the head is drained */
	}
	return 0;
}

static void conn_free_now(conn_t *c);

/* Parse as much buffered input as the state allows. */
static void process(conn_t *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	kube_http_server_t *srv = c->srv;

	for (;;) {
		size_t avail = evbuffer_get_length(in);

		switch (c->state) {
		case CONN_IDLE: {
			size_t scan, hl;
			const char *data;

			if (avail == 0) {
				if (!c->timer_is_read || !evtimer_pending(c->timer, NULL))
					timer_arm(c, false);
				return;
			}
			if (!c->timer_is_read || !evtimer_pending(c->timer, NULL))
				timer_arm(c, true);
			scan = KUBE_MIN(avail, srv->cfg.max_header_bytes + 4);
			data = (const char *)evbuffer_pullup(in, (ssize_t)scan);
			hl = kube_http1_head_length(data, scan);
			if (hl == 0) {
				if (avail > srv->cfg.max_header_bytes)
					conn_fail(c, 431);
				return;
			}
			if (hl > srv->cfg.max_header_bytes) {
				conn_fail(c, 431);
				return;
			}
			if (srv->shutting_down) {
				conn_fail(c, 503);
				return;
			}
			int r = req_start(c, data, hl);
			if (r < 0)
				return;
			evbuffer_drain(in, hl);
			if (r > 0)
				dispatch(c);
			break;
		}
		case CONN_BODY: {
			size_t n = (size_t)KUBE_MIN((uint64_t)avail, c->remaining);

			if (n == 0)
				return;
			kube_buf_reserve(&c->req->body, n);
			evbuffer_remove(in, c->req->body.data + c->req->body.len, n);
			c->req->body.len += n;
			c->req->body.data[c->req->body.len] = '\0';
			c->remaining -= n;
			if (c->remaining == 0)
				dispatch(c);
			break;
		}
		case CONN_CHUNK_SIZE:
		case CONN_TRAILER: {
			size_t n;
			char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);

			if (!line) {
				if (avail > 4096)
					conn_fail(c, 400);
				return;
			}
			if (c->state == CONN_TRAILER) {
				bool empty = n == 0;
				free(line);
				if (empty)
					dispatch(c);
				break;
			}
			char *end;
			unsigned long long sz = strtoull(line, &end, 16);
			bool ok = end != line && (*end == '\0' || *end == ';' || *end == ' ');
			free(line);
			if (!ok || sz > srv->cfg.max_body_bytes ||
			    c->req->body.len + sz > srv->cfg.max_body_bytes) {
				conn_fail(c, ok ? 413 : 400);
				return;
			}
			c->remaining = sz;
			c->state = sz ? CONN_CHUNK_DATA : CONN_TRAILER;
			break;
		}
		case CONN_CHUNK_DATA: {
			size_t n = (size_t)KUBE_MIN((uint64_t)avail, c->remaining);

			if (n == 0)
				return;
			kube_buf_reserve(&c->req->body, n);
			evbuffer_remove(in, c->req->body.data + c->req->body.len, n);
			c->req->body.len += n;
			c->req->body.data[c->req->body.len] = '\0';
			c->remaining -= n;
			if (c->remaining == 0)
				c->state = CONN_CHUNK_CRLF;
			break;
		}
		case CONN_CHUNK_CRLF: {
			size_t n;
			char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);

			if (!line) {
				if (avail > 2)
					conn_fail(c, 400);
				return;
			}
			free(line);
			if (n != 0) {
				conn_fail(c, 400);
				return;
			}
			c->state = CONN_CHUNK_SIZE;
			break;
		}
		case CONN_CLOSING:
			if (c->lingering && avail) {
				c->discarded += avail;
				evbuffer_drain(in, avail);
				if (c->discarded > ((uint64_t)srv->cfg.max_body_bytes << 2))
					conn_free(c);
			}
			return;
		case CONN_HANDLING:
			return;
		}
	}
}

/* Handlers may finish requests (and so close the connection) from inside
 * process(); the loop there goes on with pipelined requests, and a close
 * asked for meanwhile happens when it returns. */
static void conn_process(conn_t *c)
{
	if (c->processing)
		return;
	c->processing = true;
	process(c);
	c->processing = false;
	if (c->dead)
		conn_free_now(c);
}

/* ---- connection callbacks ---- */

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	conn_process(arg);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	conn_t *c = arg;

	if (c->state == CONN_CLOSING &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		if (!c->lingering) {
			conn_free(c);
		} else if (!c->shut_wr) {
			c->shut_wr = true;
			shutdown(bufferevent_getfd(bev), SHUT_WR);
		}
	}
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	conn_t *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_free(c);
}

static void conn_free(conn_t *c)
{
	if (c->processing) {
		c->dead = true;
		c->state = CONN_CLOSING;
		return;
	}
	conn_free_now(c);
}

static void conn_free_now(conn_t *c)
{
	kube_http_server_t *srv = c->srv;
	kube_http_req_t *r = c->req;

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	event_free(c->timer);
	if (c->bev)
		bufferevent_free(c->bev);
	c->req = NULL;
	if (r) {
		if (c->state == CONN_HANDLING) {
			/* The handler still owns it: tell it, and let it finish. */
			r->conn = NULL;
			r->closed = true;
			srv->inflight--;
			kube_free(c);
			if (r->on_close) {
				kube_http_close_fn cb = r->on_close;
				r->on_close = NULL;
				cb(r, r->on_close_arg);
			}
			server_check_shutdown(srv);
			return;
		}
		req_free(r); /* still being read */
	}
	kube_free(c);
	server_check_shutdown(srv);
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	kube_http_server_t *srv = arg;
	conn_t *c;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0, one = 1;

	if (srv->shutting_down || srv->nconns >= (size_t)srv->cfg.max_connections) {
		evutil_closesocket(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = kube_calloc(1, sizeof(*c));
	c->srv = srv;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(c->remote, sizeof(c->remote), "%s:%d", host, port);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(c->remote, sizeof(c->remote), "[%s]:%d", host, port);
	}
	if (srv->cfg.tls) {
		c->bev = kube_tls_wrap(srv->base, srv->cfg.tls, fd, NULL);
		c->tls = true;
	} else {
		c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (!c->bev) {
		evutil_closesocket(fd);
		kube_free(c);
		return;
	}
	c->timer = evtimer_new(srv->base, timer_cb, c);
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	timer_arm(c, false);
}

/* ---- server ---- */

kube_http_server_t *kube_http_server_new(struct event_base *base,
					 const kube_http_server_config_t *cfg,
					 kube_http_handler_fn handler, void *arg)
{
	kube_http_server_t *srv = kube_calloc(1, sizeof(*srv));

	if (cfg)
		srv->cfg = *cfg;
	if (!srv->cfg.max_header_bytes)
		srv->cfg.max_header_bytes = 1 << 20;
	if (!srv->cfg.max_body_bytes)
		srv->cfg.max_body_bytes = 3 << 20;
	if (!srv->cfg.read_timeout_ms)
		srv->cfg.read_timeout_ms = 60000;
	if (!srv->cfg.idle_timeout_ms)
		srv->cfg.idle_timeout_ms = 90000;
	if (!srv->cfg.max_connections)
		srv->cfg.max_connections = 10000;
	srv->base = base;
	srv->handler = handler;
	srv->arg = arg;
	return srv;
}

int kube_http_server_listen(kube_http_server_t *srv, const char *addr, int port, int *ret_port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	struct evconnlistener *l;

	if (srv->nlisteners >= MAX_LISTENERS)
		return -ENOSPC;
	if (!addr || !*addr || strcmp(addr, "0.0.0.0") == 0) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		sl = sizeof(*in);
	} else if (strchr(addr, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		char buf[INET6_ADDRSTRLEN];
		kube_strlcpy(buf, addr[0] == '[' ? addr + 1 : addr, sizeof(buf));
		if (buf[0] && buf[strlen(buf) - 1] == ']')
			buf[strlen(buf) - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, buf, &in6->sin6_addr) != 1)
			return -EINVAL;
		sl = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
			return -EINVAL;
		sl = sizeof(*in);
	}
	l = evconnlistener_new_bind(srv->base, accept_cb, srv,
				    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
				    1024, (struct sockaddr *)&ss, (int)sl);
	if (!l)
		return errno ? -errno : -EADDRINUSE;
	if (ret_port) {
		struct sockaddr_storage b;
		socklen_t bl = sizeof(b);
		getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&b, &bl);
		*ret_port = ntohs(b.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&b)->sin6_port
							 : ((struct sockaddr_in *)&b)->sin_port);
	}
	srv->listeners[srv->nlisteners++] = l;
	return 0;
}

static void server_check_shutdown(kube_http_server_t *srv)
{
	if (srv->shutting_down && srv->shutdown_done && srv->inflight == 0) {
		void (*done)(void *) = srv->shutdown_done;
		srv->shutdown_done = NULL;
		done(srv->shutdown_arg);
	}
}

void kube_http_server_shutdown(kube_http_server_t *srv, void (*done)(void *arg), void *arg)
{
	conn_t *c, *next;

	srv->shutting_down = true;
	srv->shutdown_done = done;
	srv->shutdown_arg = arg;
	for (int i = 0; i < srv->nlisteners; i++)
		evconnlistener_free(srv->listeners[i]);
	srv->nlisteners = 0;
	/* Idle connections go now; busy ones close after their request.
	 * Streams are told their client is going away. */
	for (c = srv->conns; c; c = next) {
		next = c->next;
		if (c->state == CONN_IDLE && evbuffer_get_length(bufferevent_get_input(c->bev)) == 0)
			conn_free(c);
		else if (c->state == CONN_HANDLING && c->req && c->req->state == REQ_STREAMING &&
			 c->req->on_close) {
			kube_http_close_fn cb = c->req->on_close;
			c->req->on_close = NULL;
			cb(c->req, c->req->on_close_arg);
		}
	}
	server_check_shutdown(srv);
}

void kube_http_server_free(kube_http_server_t *srv)
{
	if (!srv)
		return;
	srv->shutdown_done = NULL;
	for (int i = 0; i < srv->nlisteners; i++)
		evconnlistener_free(srv->listeners[i]);
	srv->nlisteners = 0;
	srv->shutting_down = true;
	while (srv->conns)
		conn_free(srv->conns);
	kube_free(srv);
}

size_t kube_http_server_connections(const kube_http_server_t *srv)
{
	return srv->nconns;
}

/* ---- request accessors ---- */

const char *kube_http_req_method(const kube_http_req_t *req)
{
	return req->head.method;
}

const char *kube_http_req_target(const kube_http_req_t *req)
{
	return req->head.target;
}

const char *kube_http_req_path(const kube_http_req_t *req)
{
	return req->path;
}

const char *kube_http_req_query(const kube_http_req_t *req)
{
	return req->query;
}

static void parse_params(kube_http_req_t *r)
{
	const char *p = r->query;
	size_t cap = 0;

	r->params_parsed = true;
	while (*p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		char *name, *value;

		if (end > p) {
			name = kube_http1_unescape(p, (size_t)((eq ? eq : end) - p), true);
			value = eq ? kube_http1_unescape(eq + 1, (size_t)(end - eq - 1), true)
				   : kube_strdup("");
			if (name && value) {
				if (r->nparams == cap) {
					cap = cap ? cap * 2 : 8;
					r->params = kube_realloc(r->params, cap * sizeof(*r->params));
				}
				r->params[r->nparams].name = name;
				r->params[r->nparams].value = value;
				r->nparams++;
			} else {
				kube_free(name);
				kube_free(value);
			}
		}
		p = amp ? amp + 1 : end;
	}
}

const char *kube_http_req_query_param(const kube_http_req_t *req, const char *name)
{
	kube_http_req_t *r = (kube_http_req_t *)req;

	if (!r->params_parsed)
		parse_params(r);
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

const char *kube_http_req_header(const kube_http_req_t *req, const char *name)
{
	return kube_http1_head_get(&req->head, name);
}

size_t kube_http_req_header_count(const kube_http_req_t *req)
{
	return req->head.nheaders;
}

void kube_http_req_header_at(const kube_http_req_t *req, size_t i, const char **ret_name,
			     const char **ret_value)
{
	*ret_name = req->head.headers[i].name;
	*ret_value = req->head.headers[i].value;
}

const char *kube_http_req_body(const kube_http_req_t *req, size_t *ret_len)
{
	if (ret_len)
		*ret_len = req->body.len;
	return kube_buf_str(&req->body);
}

const char *kube_http_req_remote_addr(const kube_http_req_t *req)
{
	return req->remote;
}

int kube_http_req_version(const kube_http_req_t *req)
{
	return req->head.version;
}

bool kube_http_req_is_tls(const kube_http_req_t *req)
{
	return req->tls;
}

int kube_http_req_peer_cert(const kube_http_req_t *req, const uint8_t **ret_der, size_t *ret_len)
{
	if (!req->tls || !req->conn)
		return -ENOENT;
	return kube_tls_peer_cert(req->conn->bev, ret_der, ret_len);
}

void kube_http_req_set_data(kube_http_req_t *req, void *data)
{
	req->data = data;
}

void *kube_http_req_get_data(const kube_http_req_t *req)
{
	return req->data;
}

void kube_http_req_on_close(kube_http_req_t *req, kube_http_close_fn cb, void *arg)
{
	req->on_close = cb;
	req->on_close_arg = arg;
}

bool kube_http_req_closed(const kube_http_req_t *req)
{
	return req->closed;
}

/* ---- responses ---- */

void kube_http_resp_header(kube_http_req_t *req, const char *name, const char *value)
{
	/* No CR/LF injection into the response head. */
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return;
	kube_buf_printf(&req->resp_headers, "%s: %s\r\n", name, value);
}

static void write_head(kube_http_req_t *r, struct evbuffer *out, int status,
		       const char *content_type)
{
	evbuffer_add_printf(out, "HTTP/1.%d %d %s\r\n", r->head.version == 10 ? 0 : 1, status,
			    kube_http_status_text(status));
	if (content_type)
		evbuffer_add_printf(out, "Content-Type: %s\r\n", content_type);
	if (r->resp_headers.len)
		evbuffer_add(out, r->resp_headers.data, r->resp_headers.len);
	if (r->head.version == 10 && r->head.keep_alive)
		evbuffer_add_printf(out, "Connection: keep-alive\r\n");
	else if (!r->head.keep_alive)
		evbuffer_add_printf(out, "Connection: close\r\n");
}

void kube_http_respond(kube_http_req_t *req, int status, const char *content_type,
		       const void *body, size_t len)
{
	if (req->state == REQ_DONE)
		return;
	if (req->conn && req->state == REQ_HANDLING) {
		struct evbuffer *out = bufferevent_get_output(req->conn->bev);
		bool head_only = strcmp(req->head.method, "HEAD") == 0;

		if (req->conn->srv->shutting_down)
			req->head.keep_alive = false;
		write_head(req, out, status, content_type);
		if (status != 204 && status != 304)
			evbuffer_add_printf(out, "Content-Length: %zu\r\n", len);
		evbuffer_add(out, "\r\n", 2);
		if (len && !head_only)
			evbuffer_add(out, body, len);
	}
	req_finish(req);
}

void kube_http_respond_buf(kube_http_req_t *req, int status, const char *content_type,
			   kube_buf_t *body)
{
	kube_http_respond(req, status, content_type, body->data, body->len);
	kube_buf_clear(body);
}

int kube_http_stream_start(kube_http_req_t *req, int status, const char *content_type)
{
	struct evbuffer *out;

	if (req->state != REQ_HANDLING)
		return -EINVAL;
	req->state = REQ_STREAMING;
	if (!req->conn)
		return -EPIPE;
	out = bufferevent_get_output(req->conn->bev);
	if (req->head.version == 10) {
		req->head.keep_alive = false; /* body ends at close */
	} else {
		req->chunked_out = true;
	}
	write_head(req, out, status, content_type);
	if (req->chunked_out)
		evbuffer_add_printf(out, "Transfer-Encoding: chunked\r\n");
	evbuffer_add(out, "\r\n", 2);
	return 0;
}

typedef struct ref_release {
	void (*release)(void *arg);
	void *arg;
} ref_release_t;

static void ref_cleanup(const void *data, size_t len, void *arg)
{
	ref_release_t *rr = arg;

	rr->release(rr->arg);
	kube_free(rr);
}

static int stream_write(kube_http_req_t *req, const void *data, size_t len,
			void (*release)(void *), void *rel_arg)
{
	struct evbuffer *out;

	if (req->state != REQ_STREAMING || !req->conn) {
		if (release)
			release(rel_arg);
		return -EPIPE;
	}
	if (len == 0) {
		if (release)
			release(rel_arg);
		return 0;
	}
	out = bufferevent_get_output(req->conn->bev);
	if (req->chunked_out)
		evbuffer_add_printf(out, "%zx\r\n", len);
	if (release) {
		ref_release_t *rr = kube_malloc(sizeof(*rr));
		rr->release = release;
		rr->arg = rel_arg;
		evbuffer_add_reference(out, data, len, ref_cleanup, rr);
	} else {
		evbuffer_add(out, data, len);
	}
	if (req->chunked_out)
		evbuffer_add(out, "\r\n", 2);
	return 0;
}

int kube_http_stream_write(kube_http_req_t *req, const void *data, size_t len)
{
	return stream_write(req, data, len, NULL, NULL);
}

int kube_http_stream_write_ref(kube_http_req_t *req, const void *data, size_t len,
			       void (*release)(void *rel_arg), void *rel_arg)
{
	return stream_write(req, data, len, release, rel_arg);
}

size_t kube_http_stream_pending(const kube_http_req_t *req)
{
	if (!req->conn)
		return 0;
	return evbuffer_get_length(bufferevent_get_output(req->conn->bev));
}

void kube_http_stream_end(kube_http_req_t *req)
{
	if (req->state == REQ_DONE)
		return;
	if (req->conn && req->state == REQ_STREAMING && req->chunked_out)
		evbuffer_add(bufferevent_get_output(req->conn->bev), "0\r\n\r\n", 5);
	req_finish(req);
}

int kube_http_upgrade(kube_http_req_t *req, const char *const *headers,
		      kube_http_upgrade_fn cb, void *arg)
{
	conn_t *c = req->conn;
	struct evbuffer *out;
	struct bufferevent *bev;

	if (req->state != REQ_HANDLING)
		return -EINVAL;
	if (!c) {
		req_finish(req);
		return -EPIPE;
	}
	out = bufferevent_get_output(c->bev);
	evbuffer_add_printf(out, "HTTP/1.1 101 Switching Protocols\r\n");
	for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2)
		evbuffer_add_printf(out, "%s: %s\r\n", headers[i], headers[i + 1]);
	evbuffer_add(out, "\r\n", 2);
	/* Detach the bufferevent from the connection and hand it over. */
	bev = c->bev;
	c->bev = NULL;
	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	c->state = CONN_IDLE;
	c->req = NULL;
	c->srv->inflight--;
	req->conn = NULL;
	req->state = REQ_DONE;
	req_free(req);
	conn_free(c);
	cb(bev, arg);
	return 0;
}
