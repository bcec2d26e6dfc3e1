/*
 * kube_http_client: HTTP/1.1 client core on libevent, with a keep-alive pool
 * and a blocking wrapper. See kube_http_client.h.
 */
#include "net/kube_http_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>
#include <nghttp2/nghttp2.h>

#include "core/kube_log.h"
#include "net/kube_tls.h"

/* Small request/response exchanges must not wait for Nagle + delayed ACK. */
static void set_nodelay(struct bufferevent *bev)
{
	evutil_socket_t fd = bufferevent_getfd(bev);
	int one = 1;

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

#define DEFAULT_CONNECT_MS 30000
#define DEFAULT_POOL_IDLE_MS 90000
#define DEFAULT_MAX_IDLE 8
#define DEFAULT_MAX_HEADER (1u << 20)
#define DEFAULT_MAX_BODY (256u << 20)
#define MAX_HEADERS 1000
#define MAX_ADDRS 4
#define MAX_REFUSED_RETRIES 4

struct pool;

struct conn {
	kube_http_client_t *client;
	struct pool *pool;
	struct bufferevent *bev;
	struct conn *next; /* in pool->idle */
	struct event *idle_ev;
	bool reused;
	/* HTTP/2: one connection shared by many calls (streams) */
	nghttp2_session *h2;
	size_t nstreams;
	bool connected;
	bool dead;   /* failed or GOAWAY: no new streams */
	int in_recv; /* inside nghttp2_session_mem_recv */
	/* addresses to try in turn until one accepts ("localhost" -> ::1, 127.0.0.1) */
	struct sockaddr_storage addrs[MAX_ADDRS];
	socklen_t addrlens[MAX_ADDRS];
	int naddrs, addr_idx;
	bool tls_wrapped; /* bev is kube_tls's plaintext filter */
	kube_tls_conn_t *tls; /* its TLS state (owned by bev), for ALPN */
};

struct pool {
	char *key;
	struct conn *idle;
	size_t n_idle;
	struct conn *h2; /* the shared HTTP/2 connection, if any */
	struct pool *next;
};

struct kube_http_client {
	struct event_base *base;
	bool own_base;
	kube_http_client_config_t cfg; /* strings owned */
	struct pool *pools;
	kube_http_call_t *calls; /* in flight */
	kube_tls_config_t *tls;	 /* made on the first https:// call */
};

enum { ST_CONNECTING, ST_HEAD, ST_BODY, ST_DONE };
enum { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_CLOSE };
enum { CH_SIZE, CH_DATA, CH_DATA_CRLF, CH_TRAILER };

struct kube_http_call {
	kube_http_client_t *client;
	kube_http_call_t *prev, *next;
	char *method;
	char *host; /* for connecting (no brackets) */
	int port;
	bool tls;
	char *pool_key;
	kube_buf_t reqbuf; /* serialized head + body */
	size_t body_off;   /* where the body starts in reqbuf */
	size_t body_pos;   /* HTTP/2: body bytes already sent */
	kube_http_header_t *h2hdrs; /* HTTP/2 request header list */
	size_t n_h2hdrs;
	int32_t stream_id; /* HTTP/2 stream, -1 when none or closed */
	kube_http_data_fn on_data;
	void *data_arg;
	kube_http_done_fn done;
	void *arg;
	int timeout_ms;
	struct conn *conn;
	struct event *deadline_ev; /* whole request */
	struct event *timer_ev;	   /* connect, then idle */
	struct event *defer_ev;	   /* finish with pending_err from the loop */
	int pending_err;
	int state;
	kube_http_response_t resp;
	size_t header_bytes;
	int body_mode;
	uint64_t remaining;
	int chunk_state;
	bool keep_alive;
	bool got_bytes;
	bool retried;
	bool req_close; /* the request said Connection: close */
	int refused;	/* HTTP/2 streams refused unprocessed, sent again */
};

static char *kstrdup0(const char *s)
{
	return s ? kube_strdup(s) : NULL;
}

kube_http_client_t *kube_http_client_new(struct event_base *base,
					 const kube_http_client_config_t *cfg)
{
	kube_http_client_t *c = kube_calloc(1, sizeof(*c));

	if (cfg)
		c->cfg = *cfg;
	if (c->cfg.connect_timeout_ms <= 0)
		c->cfg.connect_timeout_ms = DEFAULT_CONNECT_MS;
	if (c->cfg.pool_idle_ms <= 0)
		c->cfg.pool_idle_ms = DEFAULT_POOL_IDLE_MS;
	if (c->cfg.max_idle_per_host == 0)
		c->cfg.max_idle_per_host = DEFAULT_MAX_IDLE;
	if (!c->cfg.max_header_bytes)
		c->cfg.max_header_bytes = DEFAULT_MAX_HEADER;
	if (!c->cfg.max_body_bytes)
		c->cfg.max_body_bytes = DEFAULT_MAX_BODY;
	c->cfg.unix_socket = kstrdup0(c->cfg.unix_socket);
	c->cfg.ca_file = kstrdup0(c->cfg.ca_file);
	c->cfg.ca_pem = kstrdup0(c->cfg.ca_pem);
	c->cfg.cert_file = kstrdup0(c->cfg.cert_file);
	c->cfg.cert_pem = kstrdup0(c->cfg.cert_pem);
	c->cfg.key_file = kstrdup0(c->cfg.key_file);
	c->cfg.key_pem = kstrdup0(c->cfg.key_pem);
	c->cfg.server_name = kstrdup0(c->cfg.server_name);
	if (base) {
		c->base = base;
	} else {
		c->base = event_base_new();
		if (!c->base) {
			klog_fatal("event_base_new failed");
			abort();
		}
		c->own_base = true;
	}
	return c;
}

struct event_base *kube_http_client_base(const kube_http_client_t *c)
{
	return c->base;
}

/* ---- connections and the pool ---- */

static void conn_free(struct conn *cn)
{
	if (!cn)
		return;
	if (cn->idle_ev)
		event_free(cn->idle_ev);
	if (cn->bev)
		bufferevent_free(cn->bev);
	if (cn->h2)
		nghttp2_session_del(cn->h2);
	kube_free(cn);
}

static struct pool *pool_get(kube_http_client_t *c, const char *key)
{
	struct pool *p;

	for (p = c->pools; p; p = p->next)
		if (strcmp(p->key, key) == 0)
			return p;
	p = kube_calloc(1, sizeof(*p));
	p->key = kube_strdup(key);
	p->next = c->pools;
	c->pools = p;
	return p;
}

static void pool_remove(struct conn *cn)
{
	struct pool *p = cn->pool;

	for (struct conn **pp = &p->idle; *pp; pp = &(*pp)->next) {
		if (*pp == cn) {
			*pp = cn->next;
			p->n_idle--;
			cn->next = NULL;
			return;
		}
	}
}

/* An idle pooled connection became readable (data or EOF) or errored: the
 * server closed it or misbehaves; drop it. */
static void idle_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *cn = arg;

	pool_remove(cn);
	conn_free(cn);
}

static void idle_event_cb(struct bufferevent *bev, short what, void *arg)
{
	idle_read_cb(bev, arg);
}

static void idle_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	idle_read_cb(NULL, arg);
}

static void pool_put(struct conn *cn)
{
	kube_http_client_t *c = cn->client;
	struct pool *p = cn->pool;
	struct timeval tv = { c->cfg.pool_idle_ms / 1000, (c->cfg.pool_idle_ms % 1000) * 1000 };

	if (c->cfg.max_idle_per_host < 0 || p->n_idle >= (size_t)c->cfg.max_idle_per_host) {
		conn_free(cn);
		return;
	}
	bufferevent_setcb(cn->bev, idle_read_cb, NULL, idle_event_cb, cn);
	bufferevent_set_timeouts(cn->bev, NULL, NULL);
	bufferevent_enable(cn->bev, EV_READ);
	if (!cn->idle_ev)
		cn->idle_ev = evtimer_new(c->base, idle_timer_cb, cn);
	evtimer_add(cn->idle_ev, &tv);
	cn->next = p->idle;
	p->idle = cn;
	p->n_idle++;
}

static struct conn *pool_take(kube_http_client_t *c, const char *key)
{
	struct pool *p = pool_get(c, key);
	struct conn *cn = p->idle;

	if (!cn)
		return NULL;
	p->idle = cn->next;
	p->n_idle--;
	cn->next = NULL;
	evtimer_del(cn->idle_ev);
	cn->reused = true;
	return cn;
}

size_t kube_http_client_idle_connections(const kube_http_client_t *c)
{
	size_t n = 0;

	for (struct pool *p = c->pools; p; p = p->next)
		n += p->n_idle;
	return n;
}

/* ---- responses ---- */

const char *kube_http_response_header(const kube_http_response_t *resp, const char *name)
{
	for (size_t i = 0; i < resp->header_count; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

void kube_http_response_move(kube_http_response_t *dst, kube_http_response_t *src)
{
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

void kube_http_response_clear(kube_http_response_t *resp)
{
	if (!resp)
		return;
	for (size_t i = 0; i < resp->header_count; i++) {
		kube_free(resp->headers[i].name);
		kube_free(resp->headers[i].value);
	}
	kube_free(resp->headers);
	kube_buf_clear(&resp->body);
	if (resp->upgraded)
		bufferevent_free(resp->upgraded);
	memset(resp, 0, sizeof(*resp));
}

static void resp_add_header(kube_http_response_t *r, const char *name, size_t nlen,
			    const char *value)
{
	r->headers = kube_realloc(r->headers, (r->header_count + 1) * sizeof(*r->headers));
	r->headers[r->header_count].name = kube_strndup(name, nlen);
	r->headers[r->header_count].value = kube_strdup(value);
	r->header_count++;
}

/* ---- calls ---- */

static void h2_detach(kube_http_call_t *call);

static void call_free(kube_http_call_t *call)
{
	if (call->deadline_ev)
		event_free(call->deadline_ev);
	if (call->timer_ev)
		event_free(call->timer_ev);
	if (call->defer_ev)
		event_free(call->defer_ev);
	if (call->conn && call->conn->h2)
		h2_detach(call);
	else
		conn_free(call->conn);
	kube_http_response_clear(&call->resp);
	kube_buf_clear(&call->reqbuf);
	for (size_t i = 0; i < call->n_h2hdrs; i++) {
		kube_free(call->h2hdrs[i].name);
		kube_free(call->h2hdrs[i].value);
	}
	kube_free(call->h2hdrs);
	kube_free(call->method);
	kube_free(call->host);
	kube_free(call->pool_key);
	kube_free(call);
}

static void call_unlink(kube_http_call_t *call)
{
	kube_http_client_t *c = call->client;

	if (call->prev)
		call->prev->next = call->next;
	else if (c->calls == call)
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

/* End the call: hand the connection back (or close it), run done, free. */
static void call_finish(kube_http_call_t *call, int err)
{
	struct conn *cn = call->conn;

	call->state = ST_DONE;
	if (call->deadline_ev)
		evtimer_del(call->deadline_ev);
	if (call->timer_ev)
		evtimer_del(call->timer_ev);
	if (cn && cn->h2) {
		h2_detach(call);
		cn = NULL;
	}
	call->conn = NULL;
	if (cn) {
		if (err == 0 && call->resp.status == 101) {
			bufferevent_setcb(cn->bev, NULL, NULL, NULL, NULL);
			bufferevent_set_timeouts(cn->bev, NULL, NULL);
			bufferevent_disable(cn->bev, EV_READ);
			call->resp.upgraded = cn->bev;
			cn->bev = NULL;
			conn_free(cn);
		} else if (err == 0 && call->keep_alive &&
			   evbuffer_get_length(bufferevent_get_input(cn->bev)) == 0) {
			pool_put(cn);
		} else {
			conn_free(cn);
		}
	}
	call_unlink(call);
	if (err)
		klog_v(4, "http client: %s %s:%d: %s", call->method, call->host, call->port,
		       strerror(-err));
	call->done(call, err, err ? NULL : &call->resp, call->arg);
	call_free(call);
}

static void defer_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_http_call_t *call = arg;

	call_finish(call, call->pending_err);
}

static void finish_later(kube_http_call_t *call, int err)
{
	struct timeval tv = { 0, 0 };

	call->pending_err = err;
	if (!call->defer_ev)
		call->defer_ev = evtimer_new(call->client->base, defer_cb, call);
	evtimer_add(call->defer_ev, &tv);
}

static void arm_ms(struct event *ev, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

static void deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	call_finish(arg, -ETIMEDOUT);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	call_finish(arg, -ETIMEDOUT);
}

static bool idempotent(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS") ||
	       !strcmp(m, "TRACE") || !strcmp(m, "PUT") || !strcmp(m, "DELETE");
}

static void conn_read_cb(struct bufferevent *bev, void *arg);
static bool call_input(kube_http_call_t *call, struct bufferevent *bev);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static int call_connect(kube_http_call_t *call);
static void h2_start(struct conn *cn);
static int call_dispatch(kube_http_call_t *call);
static int h2_submit(kube_http_call_t *call);
static void h2_read_cb(struct bufferevent *bev, void *arg);

/* Attach a connection and send the request. */
static void call_send(kube_http_call_t *call)
{
	struct conn *cn = call->conn;

	bufferevent_setcb(cn->bev, conn_read_cb, NULL, conn_event_cb, call);
	bufferevent_write(cn->bev, call->reqbuf.data, call->reqbuf.len);
	bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
}

/* Connect cn->bev to the first address from addr_idx on that does not fail
 * at once. Returns 0 or -errno. */
static int conn_open(struct conn *cn)
{
	int e = ECONNREFUSED;

	for (; cn->addr_idx < cn->naddrs; cn->addr_idx++) {
		struct sockaddr *sa = (struct sockaddr *)&cn->addrs[cn->addr_idx];

		if (cn->bev)
			bufferevent_free(cn->bev);
		cn->bev = bufferevent_socket_new(cn->client->base, -1, BEV_OPT_CLOSE_ON_FREE);
		if (!cn->bev)
			return -ENOMEM;
		errno = 0;
		if (bufferevent_socket_connect(cn->bev, sa, (int)cn->addrlens[cn->addr_idx]) == 0) {
			if (sa->sa_family != AF_UNIX)
				set_nodelay(cn->bev);
			return 0;
		}
		e = errno ? errno : ECONNREFUSED;
	}
	return -e;
}

/* The connect to the current address failed: go on with the next one.
 * Returns true if an attempt is under way. */
static bool conn_try_next(struct conn *cn)
{
	if (cn->addr_idx + 1 >= cn->naddrs)
		return false;
	cn->addr_idx++;
	return conn_open(cn) == 0;
}

static int call_connect(kube_http_call_t *call)
{
	kube_http_client_t *c = call->client;
	struct conn *cn;
	int r;

	if (call->tls && !c->tls) {
		static const char *const alpn_h1[] = { "http/1.1", NULL };
		static const char *const alpn_h2[] = { "h2", "http/1.1", NULL };
		kube_tls_options_t o = {
			.cert_file = c->cfg.cert_file, .key_file = c->cfg.key_file,
			.ca_file = c->cfg.ca_file, .insecure_skip_verify = c->cfg.insecure_skip_verify,
			.alpn = c->cfg.disable_http2 ? alpn_h1 : alpn_h2,
		};
		char *why = NULL;

		o.cert_pem = c->cfg.cert_pem;
		o.key_pem = c->cfg.key_pem;
		o.ca_pem = c->cfg.ca_pem;
		r = kube_tls_config_new(&o, &c->tls, &why);
		if (r < 0) {
			klog_v(4, "http client: TLS config: %s", why ? why : "");
			kube_free(why);
			return r;
		}
	}
	cn = kube_calloc(1, sizeof(*cn));
	cn->client = c;
	if (c->cfg.unix_socket) {
		struct sockaddr_un *un = (struct sockaddr_un *)&cn->addrs[0];

		if (strlen(c->cfg.unix_socket) >= sizeof(un->sun_path)) {
			kube_free(cn);
			return -ENAMETOOLONG;
		}
		un->sun_family = AF_UNIX;
		kube_strlcpy(un->sun_path, c->cfg.unix_socket, sizeof(un->sun_path));
		cn->addrlens[0] = sizeof(*un);
		cn->naddrs = 1;
	} else {
		struct evutil_addrinfo hints = { 0 }, *ai = NULL;
		char port[16];

		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
		snprintf(port, sizeof(port), "%d", call->port);
		if (evutil_getaddrinfo(call->host, port, &hints, &ai) != 0 || !ai) {
			kube_free(cn);
			return -EHOSTUNREACH;
		}
		for (struct evutil_addrinfo *a = ai; a && cn->naddrs < MAX_ADDRS; a = a->ai_next) {
			if (a->ai_addrlen > sizeof(cn->addrs[0]))
				continue;
			memcpy(&cn->addrs[cn->naddrs], a->ai_addr, a->ai_addrlen);
			cn->addrlens[cn->naddrs++] = (socklen_t)a->ai_addrlen;
		}
		evutil_freeaddrinfo(ai);
	}
	r = conn_open(cn);
	if (r < 0) {
		conn_free(cn);
		return r;
	}
	cn->pool = pool_get(c, call->pool_key);
	call->conn = cn;
	call->state = ST_CONNECTING;
	arm_ms(call->timer_ev, c->cfg.connect_timeout_ms);
	if (call->tls) {
		/* TCP first; TLS is wrapped around the socket once connected */
		bufferevent_setcb(cn->bev, conn_read_cb, NULL, conn_event_cb, call);
		bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
		return 0;
	}
	if (c->cfg.http2_prior_knowledge) {
		h2_start(cn);
		return h2_submit(call);
	}
	call_send(call); /* libevent holds the bytes until connected */
	return 0;
}

/* Try again on a fresh connection when a reused one turned out dead before
 * any response byte (the server closed it while idle). */
static bool maybe_retry(kube_http_call_t *call)
{
	int r;

	if (!call->conn || !call->conn->reused || call->got_bytes || call->retried ||
	    !idempotent(call->method))
		return false;
	call->retried = true;
	conn_free(call->conn);
	call->conn = NULL;
	r = call_connect(call);
	if (r < 0)
		call_finish(call, r);
	return true;
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	kube_http_call_t *call = arg;

	if ((what & BEV_EVENT_CONNECTED) && call->tls && !call->conn->tls_wrapped) {
		struct conn *cn = call->conn;
		kube_http_client_t *c = call->client;
		const char *sni = c->cfg.server_name ? c->cfg.server_name : call->host;
		struct bufferevent *tls_bev = NULL;

		/* TLS goes on top of the connected socket; the plaintext side
		 * owns it from now on. */
		if (kube_tls_wrap(c->tls, cn->bev, sni, &tls_bev, &cn->tls) < 0) {
			call_finish(call, -EPROTO);
			return;
		}
		cn->bev = tls_bev;
		cn->tls_wrapped = true;
		/* the request waits for the handshake: ALPN picks the protocol */
		bufferevent_setcb(cn->bev, conn_read_cb, NULL, conn_event_cb, call);
		bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
		return;
	}
	if ((what & BEV_EVENT_CONNECTED) && call->tls && call->state == ST_CONNECTING) {
		struct conn *cn = call->conn;
		const char *proto = kube_tls_conn_alpn(cn->tls);
		int r;

		if (proto && strcmp(proto, "h2") == 0) {
			/* HTTP/2 over TLS: this connection becomes the host's
			 * shared one; the call is its first stream. */
			cn->connected = true;
			h2_start(cn);
			call->state = ST_HEAD;
			evtimer_del(call->timer_ev);
			if (call->client->cfg.idle_timeout_ms > 0)
				arm_ms(call->timer_ev, call->client->cfg.idle_timeout_ms);
			r = h2_submit(call);
			if (r < 0) {
				call_finish(call, r);
				return;
			}
			/* frames that arrived before CONNECTED */
			if (evbuffer_get_length(bufferevent_get_input(cn->bev)) > 0)
				h2_read_cb(cn->bev, cn);
			return;
		}
		call_send(call);
	}
	if (what & BEV_EVENT_CONNECTED) {
		call->state = ST_HEAD;
		evtimer_del(call->timer_ev);
		if (call->client->cfg.idle_timeout_ms > 0)
			arm_ms(call->timer_ev, call->client->cfg.idle_timeout_ms);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* read what is left; a read-until-close body ends here */
		if (call_input(call, bev))
			return; /* ended and freed */
		if (call->state == ST_BODY && call->body_mode == BODY_CLOSE) {
			call->keep_alive = false;
			call_finish(call, 0);
			return;
		}
		if (!maybe_retry(call))
			call_finish(call, -ECONNRESET);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		int e = EVUTIL_SOCKET_ERROR();

		if (call->state == ST_CONNECTING && !call->conn->tls_wrapped &&
		    conn_try_next(call->conn)) {
			if (call->tls) {
				bufferevent_setcb(call->conn->bev, conn_read_cb, NULL, conn_event_cb, call);
				bufferevent_enable(call->conn->bev, EV_READ | EV_WRITE);
			} else {
				call_send(call);
			}
			return;
		}
		if (call->state == ST_CONNECTING || !maybe_retry(call))
			call_finish(call, e > 0 ? -e : -ECONNRESET);
	}
}

static int parse_status_line(kube_http_call_t *call, const char *line)
{
	int major, minor, status;
	char sp;

	if (sscanf(line, "HTTP/%1d.%1d %3d%c", &major, &minor, &status, &sp) < 3 || major != 1 ||
	    status < 100 || status > 999)
		return -EPROTO;
	if (strlen(line) > 12 && line[12] != ' ')
		return -EPROTO;
	call->resp.version = major * 10 + minor;
	call->resp.status = status;
	return 0;
}

static bool token_in_list(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, tok, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t' || p[n] == ';'))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/* The head is complete: decide how the body is framed. */
static int head_done(kube_http_call_t *call)
{
	kube_http_response_t *r = &call->resp;
	const char *te = kube_http_response_header(r, "Transfer-Encoding");
	const char *connh = kube_http_response_header(r, "Connection");
	int n_cl = 0;
	uint64_t cl = 0;

	call->keep_alive = !call->req_close &&
			   (r->version >= 11 ? !token_in_list(connh, "close")
					     : token_in_list(connh, "keep-alive"));
	for (size_t i = 0; i < r->header_count; i++) {
		const char *v = r->headers[i].value;
		uint64_t x = 0;

		if (strcasecmp(r->headers[i].name, "Content-Length") != 0)
			continue;
		if (!*v)
			return -EPROTO;
		for (const char *p = v; *p; p++) {
			if (*p < '0' || *p > '9' || x > (UINT64_MAX >> 4))
				return -EPROTO;
			x = x * 10 + (uint64_t)(*p - '0');
		}
		if (n_cl++ && x != cl)
			return -EPROTO;
		cl = x;
	}
	if (r->status == 101)
		return 1; /* upgrade */
	if (!strcmp(call->method, "HEAD") || r->status == 204 || r->status == 304) {
		call->body_mode = BODY_NONE;
	} else if (te) {
		const char *last = strrchr(te, ',');

		last = last ? last + 1 : te;
		while (*last == ' ' || *last == '\t')
			last++;
		if (strncasecmp(last, "chunked", 7) != 0) {
			call->body_mode = BODY_CLOSE;
			call->keep_alive = false;
		} else {
			call->body_mode = BODY_CHUNKED;
			call->chunk_state = CH_SIZE;
		}
	} else if (n_cl) {
		call->body_mode = cl ? BODY_LENGTH : BODY_NONE;
		call->remaining = cl;
	} else {
		call->body_mode = BODY_CLOSE;
		call->keep_alive = false;
	}
	return 0;
}

/* Deliver body bytes: stream or buffer. Returns 0 or negative errno. */
static int body_bytes(kube_http_call_t *call, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	if (call->on_data)
		return call->on_data(&call->resp, data, len, call->data_arg);
	if (call->resp.body.len + len > call->client->cfg.max_body_bytes)
		return -EMSGSIZE;
	kube_buf_append(&call->resp.body, data, len);
	return 0;
}

/* Move up to max bytes from in to the body. */
static int body_from(kube_http_call_t *call, struct evbuffer *in, size_t max, size_t *ret_n)
{
	size_t n = KUBE_MIN(evbuffer_get_length(in), max);
	int r = 0;

	if (n) {
		const uint8_t *p = evbuffer_pullup(in, (ssize_t)n);

		r = body_bytes(call, p, n);
		evbuffer_drain(in, n);
	}
	*ret_n = n;
	return r;
}

/* Read a line; returns it (free()) or NULL when incomplete. Counts toward
 * the head limit; *ret_err is set past it. */
static char *read_line(kube_http_call_t *call, struct evbuffer *in, int *ret_err)
{
	size_t n = 0;
	char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);

	if (!line) {
		if (call->header_bytes + evbuffer_get_length(in) > call->client->cfg.max_header_bytes)
			*ret_err = -EMSGSIZE;
		return NULL;
	}
	call->header_bytes += n + 2;
	if (call->header_bytes > call->client->cfg.max_header_bytes) {
		free(line);
		*ret_err = -EMSGSIZE;
		return NULL;
	}
	return line;
}

/* Parse what the buffer holds. Returns 1 when the response is complete,
 * 0 for more input, negative on error. */
static int parse(kube_http_call_t *call, struct evbuffer *in)
{
	int err = 0, r;

	while (call->state == ST_HEAD) {
		char *line = read_line(call, in, &err);

		if (!line)
			return err;
		if (call->resp.status == 0) {
			r = parse_status_line(call, line);
			free(line);
			if (r < 0)
				return r;
			continue;
		}
		if (*line == '\0') {
			free(line);
			if (call->resp.status >= 100 && call->resp.status < 200 &&
			    call->resp.status != 101) {
				/* interim response: skip it */
				kube_http_response_clear(&call->resp);
				continue;
			}
			r = head_done(call);
			if (r < 0)
				return r;
			if (r == 1 || call->body_mode == BODY_NONE)
				return 1;
			call->state = ST_BODY;
			break;
		}
		if (*line == ' ' || *line == '\t' || call->resp.header_count >= MAX_HEADERS) {
			free(line); /* obsolete folding or too many headers */
			return -EPROTO;
		}
		char *colon = strchr(line, ':');
		if (!colon || colon == line) {
			free(line);
			return -EPROTO;
		}
		char *v = colon + 1, *e;
		while (*v == ' ' || *v == '\t')
			v++;
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		resp_add_header(&call->resp, line, (size_t)(colon - line), v);
		free(line);
	}

	while (call->state == ST_BODY) {
		size_t n;

		switch (call->body_mode) {
		case BODY_LENGTH:
			r = body_from(call, in, call->remaining, &n);
			if (r < 0)
				return r;
			call->remaining -= n;
			if (call->remaining == 0)
				return 1;
			return 0;
		case BODY_CLOSE:
			r = body_from(call, in, SIZE_MAX, &n);
			return r < 0 ? r : 0;
		case BODY_CHUNKED:
			if (call->chunk_state == CH_DATA) {
				r = body_from(call, in, call->remaining, &n);
				if (r < 0)
					return r;
				call->remaining -= n;
				if (call->remaining)
					return 0;
				call->chunk_state = CH_DATA_CRLF;
				continue;
			}
			char *line = read_line(call, in, &err);
			if (!line)
				return err;
			call->header_bytes = 0; /* chunk lines: limit per line */
			if (call->chunk_state == CH_DATA_CRLF) {
				bool ok = *line == '\0';

				free(line);
				if (!ok)
					return -EPROTO;
				call->chunk_state = CH_SIZE;
			} else if (call->chunk_state == CH_SIZE) {
				uint64_t sz = 0;
				const char *p = line;
				int digits = 0;

				for (; *p; p++, digits++) {
					int d;

					if (*p >= '0' && *p <= '9')
						d = *p - '0';
					else if (*p >= 'a' && *p <= 'f')
						d = *p - 'a' + 10;
					else if (*p >= 'A' && *p <= 'F')
						d = *p - 'A' + 10;
					else
						break;
					if (digits >= 15) {
						free(line);
						return -EPROTO;
					}
					sz = sz << 4 | (uint64_t)d;
				}
				bool ok = digits > 0 && (*p == '\0' || *p == ';' || *p == ' ' || *p == '\t');
				free(line);
				if (!ok)
					return -EPROTO;
				if (sz == 0) {
					call->chunk_state = CH_TRAILER;
				} else {
					call->remaining = sz;
					call->chunk_state = CH_DATA;
				}
			} else { /* trailer lines until the empty one */
				bool end = *line == '\0';

				free(line);
				if (end)
					return 1;
			}
			break;
		default:
			return 1;
		}
	}
	return 0;
}

/* Parse what arrived. Returns true if the call ended (and is freed). */
static bool call_input(kube_http_call_t *call, struct bufferevent *bev)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	int r;

	if (evbuffer_get_length(in) > 0)
		call->got_bytes = true;
	if (call->state == ST_CONNECTING)
		call->state = ST_HEAD;
	if (call->client->cfg.idle_timeout_ms > 0)
		arm_ms(call->timer_ev, call->client->cfg.idle_timeout_ms);
	r = parse(call, in);
	if (r == 0)
		return false;
	call_finish(call, r < 0 ? r : 0);
	return true;
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	kube_http_call_t *call = arg;

	/* TLS: the peer may speak (an HTTP/2 SETTINGS frame) before our
	 * deferred CONNECTED event has picked the protocol; keep it. */
	if (call->state == ST_CONNECTING)
		return;
	call_input(call, bev);
}

/* ---- HTTP/2 ---- */

static void h2_flush(struct conn *cn);

/* Free a dead HTTP/2 connection once no stream uses it. */
static void h2_release(struct conn *cn)
{
	if (cn->dead && cn->nstreams == 0 && cn->in_recv == 0) {
		if (cn->pool->h2 == cn)
			cn->pool->h2 = NULL;
		conn_free(cn);
	}
}

/* Take the call off its stream (reset it if still open) and connection. */
static void h2_detach(kube_http_call_t *call)
{
	struct conn *cn = call->conn;

	if (!cn)
		return;
	call->conn = NULL;
	if (call->stream_id > 0) {
		nghttp2_session_set_stream_user_data(cn->h2, call->stream_id, NULL);
		if (cn->bev)
			nghttp2_submit_rst_stream(cn->h2, NGHTTP2_FLAG_NONE, call->stream_id,
						  NGHTTP2_CANCEL);
		call->stream_id = -1;
		h2_flush(cn); /* still counted in nstreams: cn stays allocated */
	}
	cn->nstreams--;
	h2_release(cn);
}

/* The connection failed: every stream on it ends with err. */
static void h2_fail(struct conn *cn, int err)
{
	kube_http_client_t *c = cn->client;
	kube_http_call_t *call, *next;

	cn->dead = true;
	if (cn->pool->h2 == cn)
		cn->pool->h2 = NULL;
	if (cn->bev) {
		bufferevent_free(cn->bev);
		cn->bev = NULL;
	}
	cn->nstreams++; /* hold cn while calls end */
	for (call = c->calls; call; call = next) {
		next = call->next;
		if (call->conn == cn)
			call_finish(call, err);
	}
	cn->nstreams--;
	h2_release(cn);
}

static void h2_flush(struct conn *cn)
{
	/* frames wait in the session until connected (the address may change) */
	if (!cn->bev || cn->in_recv || !cn->connected)
		return;
	for (;;) {
		const uint8_t *data;
		ssize_t n = nghttp2_session_mem_send(cn->h2, &data);

		if (n < 0) {
			h2_fail(cn, -EPROTO);
			return;
		}
		if (n == 0)
			break;
		bufferevent_write(cn->bev, data, (size_t)n);
	}
	if (!nghttp2_session_want_read(cn->h2) && !nghttp2_session_want_write(cn->h2) &&
	    evbuffer_get_length(bufferevent_get_output(cn->bev)) == 0)
		h2_fail(cn, -ECONNRESET);
}

static kube_http_call_t *h2_call(nghttp2_session *s, int32_t id)
{
	kube_http_call_t *call = nghttp2_session_get_stream_user_data(s, id);

	return call && call->state != ST_DONE ? call : NULL;
}

static int h2_on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
			size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
			void *user)
{
	kube_http_call_t *call;
	kube_http_response_t *r;

	if (frame->hd.type != NGHTTP2_HEADERS || !(call = h2_call(s, frame->hd.stream_id)))
		return 0;
	r = &call->resp;
	call->got_bytes = true;
	call->header_bytes += namelen + valuelen + 32;
	if (call->header_bytes > call->client->cfg.max_header_bytes || r->header_count >= MAX_HEADERS) {
		call->pending_err = -EMSGSIZE;
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* resets the stream */
	}
	if (namelen == 7 && !memcmp(name, ":status", 7)) {
		/* a final status after an interim 1xx replaces what came before */
		kube_http_response_clear(r);
		r->status = atoi((const char *)value);
		r->version = 20;
		call->state = ST_HEAD;
	} else if (name[0] != ':' && call->state == ST_HEAD) {
		resp_add_header(r, (const char *)name, namelen, (const char *)value);
	}
	return 0;
}

static int h2_on_frame_recv(nghttp2_session *s, const nghttp2_frame *frame, void *user)
{
	struct conn *cn = user;
	kube_http_call_t *call;

	if (frame->hd.type == NGHTTP2_GOAWAY) {
		cn->dead = true; /* running streams finish; new calls connect anew */
		if (cn->pool->h2 == cn)
			cn->pool->h2 = NULL;
	} else if (frame->hd.type == NGHTTP2_HEADERS && (call = h2_call(s, frame->hd.stream_id)) &&
		   call->state == ST_HEAD && call->resp.status >= 200) {
		call->state = ST_BODY; /* the rest are trailers */
	}
	return 0;
}

static int h2_on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data,
			    size_t len, void *user)
{
	kube_http_call_t *call = h2_call(s, id);
	int r;

	if (!call)
		return 0;
	if (call->client->cfg.idle_timeout_ms > 0)
		arm_ms(call->timer_ev, call->client->cfg.idle_timeout_ms);
	r = body_bytes(call, data, len);
	if (r < 0)
		call_finish(call, r); /* resets the stream */
	return 0;
}

static int h2_on_stream_close(nghttp2_session *s, int32_t id, uint32_t error_code, void *user)
{
	kube_http_call_t *call = h2_call(s, id);

	if (!call)
		return 0;
	nghttp2_session_set_stream_user_data(s, id, NULL);
	call->stream_id = -1;
	if (call->pending_err)
		call_finish(call, call->pending_err);
	else if (error_code == NGHTTP2_NO_ERROR && call->resp.status >= 200)
		call_finish(call, 0);
	else if (error_code == NGHTTP2_REFUSED_STREAM && call->refused < MAX_REFUSED_RETRIES &&
		 call->resp.status == 0) {
		/* not processed (GOAWAY or refused): safe to send again elsewhere */
		int r;

		h2_detach(call);
		call->refused++;
		call->body_pos = 0;
		call->header_bytes = 0;
		r = call_dispatch(call);
		if (r < 0)
			call_finish(call, r);
	} else if (error_code == NGHTTP2_REFUSED_STREAM)
		call_finish(call, -ECONNREFUSED);
	else
		call_finish(call, error_code == NGHTTP2_NO_ERROR ? -EPROTO : -ECONNRESET);
	return 0;
}

static ssize_t h2_body_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t length,
			    uint32_t *data_flags, nghttp2_data_source *source, void *user)
{
	kube_http_call_t *call = h2_call(s, id);
	size_t avail, n;

	if (!call) {
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
		return 0;
	}
	avail = call->reqbuf.len - call->body_off - call->body_pos;
	n = KUBE_MIN(avail, length);
	memcpy(buf, call->reqbuf.data + call->body_off + call->body_pos, n);
	call->body_pos += n;
	if (call->body_pos == call->reqbuf.len - call->body_off)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static void h2_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *cn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	ssize_t r = 0;

	cn->in_recv++;
	while (evbuffer_get_length(in) > 0) {
		size_t n = evbuffer_get_contiguous_space(in);

		r = nghttp2_session_mem_recv(cn->h2, evbuffer_pullup(in, (ssize_t)n), n);
		if (r < 0)
			break;
		evbuffer_drain(in, n);
	}
	cn->in_recv--;
	if (r < 0) {
		h2_fail(cn, -EPROTO);
		return;
	}
	if (cn->dead && cn->nstreams == 0) {
		h2_release(cn);
		return;
	}
	h2_flush(cn);
}

static void h2_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *cn = arg;

	if (what & BEV_EVENT_CONNECTED) {
		kube_http_client_t *c = cn->client;

		cn->connected = true;
		for (kube_http_call_t *call = c->calls; call; call = call->next) {
			if (call->conn != cn || call->state != ST_CONNECTING)
				continue;
			call->state = ST_HEAD;
			evtimer_del(call->timer_ev);
			if (c->cfg.idle_timeout_ms > 0)
				arm_ms(call->timer_ev, c->cfg.idle_timeout_ms);
		}
		h2_flush(cn);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		int e = EVUTIL_SOCKET_ERROR();

		if (!cn->connected && (what & BEV_EVENT_ERROR) && conn_try_next(cn)) {
			bufferevent_setcb(cn->bev, h2_read_cb, NULL, h2_event_cb, cn);
			bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
			return;
		}
		if (what & BEV_EVENT_EOF)
			h2_fail(cn, -ECONNRESET);
		else
			h2_fail(cn, e > 0 ? -e : (cn->connected ? -ECONNRESET : -ECONNREFUSED));
	}
}

/* Make cn an HTTP/2 connection (prior knowledge or ALPN "h2") shared by
 * its pool. */
static void h2_start(struct conn *cn)
{
	nghttp2_session_callbacks *cbs;
	nghttp2_settings_entry settings[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 4 << 20 },
	};

	nghttp2_session_callbacks_new(&cbs);
	nghttp2_session_callbacks_set_on_header_callback(cbs, h2_on_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, h2_on_frame_recv);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, h2_on_data_chunk);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, h2_on_stream_close);
	nghttp2_session_client_new(&cn->h2, cbs, cn);
	nghttp2_session_callbacks_del(cbs);
	nghttp2_submit_settings(cn->h2, NGHTTP2_FLAG_NONE, settings, ARRAY_SIZE(settings));
	nghttp2_session_set_local_window_size(cn->h2, NGHTTP2_FLAG_NONE, 0, 16 << 20);
	if (!cn->pool->h2)
		cn->pool->h2 = cn;
	bufferevent_setcb(cn->bev, h2_read_cb, NULL, h2_event_cb, cn);
	bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
}

/* Open the call's stream on its (HTTP/2) connection. */
static int h2_submit(kube_http_call_t *call)
{
	struct conn *cn = call->conn;
	nghttp2_nv *nva = kube_calloc(call->n_h2hdrs, sizeof(*nva));
	/* h2_body_read finds the call by stream id (cleared when it detaches) */
	nghttp2_data_provider prd = { .source.ptr = NULL, .read_callback = h2_body_read };
	bool has_body = call->reqbuf.len > call->body_off;

	for (size_t i = 0; i < call->n_h2hdrs; i++) {
		nva[i].name = (uint8_t *)call->h2hdrs[i].name;
		nva[i].value = (uint8_t *)call->h2hdrs[i].value;
		nva[i].namelen = strlen(call->h2hdrs[i].name);
		nva[i].valuelen = strlen(call->h2hdrs[i].value);
		nva[i].flags = NGHTTP2_NV_FLAG_NONE;
	}
	cn->nstreams++;
	call->stream_id = nghttp2_submit_request(cn->h2, NULL, nva, call->n_h2hdrs,
						 has_body ? &prd : NULL, call);
	kube_free(nva);
	if (call->stream_id < 0) {
		call->stream_id = -1;
		return -EPROTO;
	}
	h2_flush(cn);
	return 0;
}

static bool h2_forbidden(const char *name)
{
	static const char *const names[] = { "connection", "keep-alive", "proxy-connection",
					     "transfer-encoding", "upgrade", "host", "te" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(name, names[i]))
			return true;
	return false;
}

static void h2_add(kube_http_call_t *call, const char *name, const char *value)
{
	call->h2hdrs = kube_realloc(call->h2hdrs, (call->n_h2hdrs + 1) * sizeof(*call->h2hdrs));
	call->h2hdrs[call->n_h2hdrs].name = kube_strdup(name);
	for (char *p = call->h2hdrs[call->n_h2hdrs].name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	call->h2hdrs[call->n_h2hdrs].value = kube_strdup(value);
	call->n_h2hdrs++;
}

/* Put the call on a connection: the host's shared HTTP/2 connection, an
 * idle HTTP/1.1 one, or a new one. */
static int call_dispatch(kube_http_call_t *call)
{
	kube_http_client_t *c = call->client;
	struct pool *pl = pool_get(c, call->pool_key);

	if (pl->h2 && !pl->h2->dead) {
		call->conn = pl->h2;
		call->state = pl->h2->connected ? ST_HEAD : ST_CONNECTING;
		evtimer_del(call->timer_ev);
		if (call->state == ST_CONNECTING)
			arm_ms(call->timer_ev, c->cfg.connect_timeout_ms);
		else if (c->cfg.idle_timeout_ms > 0)
			arm_ms(call->timer_ev, c->cfg.idle_timeout_ms);
		return h2_submit(call);
	}
	call->conn = pool_take(c, call->pool_key);
	if (call->conn) {
		call->state = ST_HEAD;
		if (c->cfg.idle_timeout_ms > 0)
			arm_ms(call->timer_ev, c->cfg.idle_timeout_ms);
		call_send(call);
		return 0;
	}
	return call_connect(call);
}

/* ---- starting calls ---- */

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(strchr("!#$%&'*+-.^_`|~", *s) || (*s >= '0' && *s <= '9') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/* Split url into scheme, host, port, path. hostport is what goes in Host. */
static int parse_url(const char *url, bool *ret_tls, char **ret_host, char **ret_hostport,
		     int *ret_port, const char **ret_path)
{
	const char *p, *hs, *he, *slash;
	bool tls;
	long port;

	if (kube_startswith(url, "http://")) {
		tls = false;
		p = url + 7;
	} else if (kube_startswith(url, "https://")) {
		tls = true;
		p = url + 8;
	} else {
		return -EINVAL;
	}
	slash = p + strcspn(p, "/?#");
	if (slash == p || has_ctl(url) || strchr(url, ' '))
		return -EINVAL;
	if (memchr(p, '@', (size_t)(slash - p)))
		return -EINVAL; /* userinfo is not supported */
	hs = p;
	if (*p == '[') {
		he = memchr(p, ']', (size_t)(slash - p));
		if (!he)
			return -EINVAL;
		hs = p + 1;
		p = he + 1;
	} else {
		he = memchr(p, ':', (size_t)(slash - p));
		if (!he)
			he = slash;
		p = he;
	}
	port = tls ? 443 : 80;
	if (p < slash) {
		char *end;

		if (*p != ':' || p + 1 == slash)
			return -EINVAL;
		port = strtol(p + 1, &end, 10);
		if (end != slash || port <= 0 || port > 65535)
			return -EINVAL;
	}
	if (he == hs)
		return -EINVAL;
	*ret_tls = tls;
	*ret_host = kube_strndup(hs, (size_t)(he - hs));
	*ret_hostport = kube_strndup(url + (tls ? 8 : 7), (size_t)(slash - (url + (tls ? 8 : 7))));
	*ret_port = (int)port;
	*ret_path = slash;
	return 0;
}

kube_http_call_t *kube_http_client_start(kube_http_client_t *c, const kube_http_request_t *req,
					 kube_http_done_fn done, void *arg, int *ret_err)
{
	kube_http_call_t *call;
	const char *method = req->method ? req->method : "GET";
	_cleanup_free_ char *host = NULL, *hostport = NULL;
	const char *path;
	bool tls, have_host = false, have_cl = false, req_close = false;
	int port, r;

	r = parse_url(req->url ? req->url : "", &tls, &host, &hostport, &port, &path);
	if (r < 0 || !is_token(method)) {
		*ret_err = -EINVAL;
		return NULL;
	}
	for (size_t i = 0; req->headers && req->headers[i]; i += 2) {
		if (!req->headers[i + 1] || !is_token(req->headers[i]) || has_ctl(req->headers[i + 1])) {
			*ret_err = -EINVAL;
			return NULL;
		}
		if (!strcasecmp(req->headers[i], "Host"))
			have_host = true;
		if (!strcasecmp(req->headers[i], "Content-Length"))
			have_cl = true;
		if (!strcasecmp(req->headers[i], "Connection") && token_in_list(req->headers[i + 1], "close"))
			req_close = true;
	}

	call = kube_calloc(1, sizeof(*call));
	call->client = c;
	call->method = kube_strdup(method);
	call->req_close = req_close;
	call->host = TAKE_PTR(host);
	call->port = port;
	call->tls = tls;
	call->pool_key = kube_asprintf("%s://%s:%d", tls ? "https" : "http", call->host, port);
	call->on_data = req->on_data;
	call->data_arg = req->data_arg;
	call->done = done;
	call->arg = arg;
	call->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->cfg.timeout_ms;
	call->timer_ev = evtimer_new(c->base, timer_cb, call);
	call->deadline_ev = evtimer_new(c->base, deadline_cb, call);

	kube_buf_printf(&call->reqbuf, "%s %s%.*s HTTP/1.1\r\n", method, *path == '/' ? "" : "/",
			(int)strcspn(path, "#"), path);
	if (!have_host)
		kube_buf_printf(&call->reqbuf, "Host: %s\r\n", hostport);
	for (size_t i = 0; req->headers && req->headers[i]; i += 2)
		kube_buf_printf(&call->reqbuf, "%s: %s\r\n", req->headers[i], req->headers[i + 1]);
	if (!have_cl && (req->body_len || !strcmp(method, "POST") || !strcmp(method, "PUT") ||
			 !strcmp(method, "PATCH")))
		kube_buf_printf(&call->reqbuf, "Content-Length: %zu\r\n", req->body_len);
	kube_buf_puts(&call->reqbuf, "\r\n");
	call->body_off = call->reqbuf.len;
	if (req->body_len)
		kube_buf_append(&call->reqbuf, req->body, req->body_len);

	/* the same request as an HTTP/2 header list */
	_cleanup_free_ char *h2path = kube_asprintf("%s%.*s", *path == '/' ? "" : "/",
						    (int)strcspn(path, "#"), path);
	h2_add(call, ":method", method);
	h2_add(call, ":scheme", tls ? "https" : "http");
	h2_add(call, ":path", h2path);
	h2_add(call, ":authority", hostport);
	for (size_t i = 0; req->headers && req->headers[i]; i += 2) {
		if (!strcasecmp(req->headers[i], "Host"))
			kube_free(call->h2hdrs[3].value),
				call->h2hdrs[3].value = kube_strdup(req->headers[i + 1]);
		else if (!h2_forbidden(req->headers[i]))
			h2_add(call, req->headers[i], req->headers[i + 1]);
	}
	call->stream_id = -1;

	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;

	if (call->timeout_ms > 0)
		arm_ms(call->deadline_ev, call->timeout_ms);
	r = call_dispatch(call);
	if (r < 0)
		finish_later(call, r);
	return call;
}

void kube_http_call_cancel(kube_http_call_t *call)
{
	if (!call)
		return;
	call_unlink(call);
	call_free(call);
}

void kube_http_client_free(kube_http_client_t *c)
{
	if (!c)
		return;
	while (c->calls)
		kube_http_call_cancel(c->calls);
	while (c->pools) {
		struct pool *p = c->pools;

		c->pools = p->next;
		while (p->idle) {
			struct conn *cn = p->idle;

			p->idle = cn->next;
			conn_free(cn);
		}
		conn_free(p->h2);
		kube_free(p->key);
		kube_free(p);
	}
	kube_free((char *)c->cfg.unix_socket);
	kube_free((char *)c->cfg.ca_file);
	kube_free((char *)c->cfg.ca_pem);
	kube_free((char *)c->cfg.cert_file);
	kube_free((char *)c->cfg.cert_pem);
	kube_free((char *)c->cfg.key_file);
	kube_free((char *)c->cfg.key_pem);
	kube_free((char *)c->cfg.server_name);
	kube_tls_config_free(c->tls);
	if (c->own_base) {
		/* deferred bufferevent callbacks hold references: let them go */
		event_base_loop(c->base, EVLOOP_NONBLOCK);
		event_base_free(c->base);
	}
	kube_free(c);
}

/* ---- blocking ---- */

struct sync_state {
	bool done;
	int err;
	kube_http_response_t resp;
};

static void sync_done(kube_http_call_t *call, int err, kube_http_response_t *resp, void *arg)
{
	struct sync_state *s = arg;

	s->done = true;
	s->err = err;
	if (!err)
		kube_http_response_move(&s->resp, resp);
}

int kube_http_client_do(kube_http_client_t *c, const kube_http_request_t *req,
			kube_http_response_t *ret_resp)
{
	struct sync_state s = { 0 };
	int err = 0;

	if (!kube_http_client_start(c, req, sync_done, &s, &err))
		return err;
	while (!s.done)
		event_base_loop(c->base, EVLOOP_ONCE);
	if (s.err)
		return s.err;
	*ret_resp = s.resp;
	return 0;
}
