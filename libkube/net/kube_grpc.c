/*
 * kube_grpc: gRPC client over nghttp2 on libevent. See kube_grpc.h.
 */
#include "net/kube_grpc.h"
#include "net/kube_tls.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/tcp.h>
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
#include <protobuf-c/protobuf-c.h>

#include "core/kube_log.h"

/* Small request/response exchanges must not wait for Nagle + delayed ACK. */
static void set_nodelay(struct bufferevent *bev)
{
	evutil_socket_t fd = bufferevent_getfd(bev);
	int one = 1;

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

#define DEFAULT_CONNECT_MS 20000
#define DEFAULT_MAX_MESSAGE (64u << 20)
#define WINDOW_SIZE (16 << 20)
#define RETRY_KEEP_MAX (1u << 20)
#define MAX_REFUSED_RETRIES 4
#define MAX_ADDRS 16
#define MAX_ENDPOINTS 16

struct gconn;

struct kube_grpc_channel {
	struct event_base *base;
	bool own_base;
	char **hosts;	   /* TCP endpoints (several: failover), none for unix */
	int *ports;
	int nhosts;
	int pref_host;	   /* endpoint to try first: the last one that worked */
	char *unix_path;
	bool tls;
	kube_tls_config_t *tlscfg; /* https:// targets */
	char *server_name;	   /* TLS verification name; default the host */
	char *authority;
	int connect_timeout_ms;
	int keepalive_time_ms;
	int keepalive_timeout_ms;
	size_t max_message;
	struct gconn *cur; /* connection new calls go to */
	struct gconn *conns;
	kube_grpc_call_t *calls;
};

/* One HTTP/2 connection. */
struct gconn {
	kube_grpc_channel_t *ch;
	struct gconn *next;
	struct bufferevent *bev;
	nghttp2_session *session;
	struct event *connect_ev;
	struct event *ping_ev;	   /* keepalive: next PING, or PING ACK deadline */
	bool ping_outstanding;
	size_t ncalls;
	bool connected;
	bool tls_wrapped; /* bev is kube_tls's plaintext side */
	bool dead;     /* failed or GOAWAY: no new calls */
	int in_recv;   /* inside nghttp2_session_mem_recv */
	/* addresses tried in turn until one accepts */
	struct sockaddr_storage addrs[MAX_ADDRS];
	socklen_t addrlens[MAX_ADDRS];
	int addr_host[MAX_ADDRS]; /* which endpoint each address belongs to */
	int naddrs, addr_idx;
};

struct kube_grpc_call {
	kube_grpc_channel_t *ch;
	kube_grpc_call_t *prev, *next;
	struct gconn *conn;
	int32_t stream_id;
	kube_grpc_message_fn on_message;
	kube_grpc_done_fn done;
	void *arg;
	kube_buf_t out;	     /* framed messages not yet taken by nghttp2 */
	size_t out_pos;
	bool send_closed;
	bool deferred;	     /* data provider is waiting for bytes */
	kube_buf_t in;	     /* received DATA not yet split into messages */
	int http_status;
	int grpc_status;     /* -1 until seen */
	char *grpc_message;
	struct event *deadline_ev;
	struct event *defer_ev;
	int pending_code;
	char *pending_msg;
	bool finished;
	int busy;
	bool free_pending;
	char *method;
	char **metadata;   /* NULL-terminated name, value copies */
	int timeout_ms;
	int64_t deadline_ns;
	bool retryable;	   /* sent bytes are kept until the server answers */
	int retries;	   /* times sent again after the server refused it */
};

static void conn_release(struct gconn *gc);
static void conn_flush(struct gconn *gc);
static int call_submit(kube_grpc_call_t *call);
static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static int conn_open(struct gconn *gc);
static void arm_ping(struct gconn *gc, int ms);
static void conn_fail(struct gconn *gc, const char *why);

/* ---- helpers ---- */

const char *kube_grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
		"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
		"UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
	};

	if (code < 0 || (size_t)code >= ARRAY_SIZE(names))
		return "UNKNOWN";
	return names[code];
}

void kube_grpc_timeout_format(int64_t ms, char *out, size_t size)
{
	/* at most 8 digits (gRPC spec) */
	if (ms < 0)
		ms = 0;
	if (ms < 100000000)
		snprintf(out, size, "%lldm", (long long)ms);
	else if (ms / 1000 < 100000000)
		snprintf(out, size, "%lldS", (long long)(ms / 1000));
	else
		snprintf(out, size, "%lldH", (long long)KUBE_MIN(ms / 3600000, 99999999));
}

/* grpc-message is percent-encoded. */
static char *percent_decode(const uint8_t *s, size_t len)
{
	char *out = kube_malloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len + 0 && isxdigit(s[i + 1]) && isxdigit(s[i + 2])) {
			char hex[3] = { (char)s[i + 1], (char)s[i + 2], 0 };

			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			out[o++] = (char)s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static int http_to_grpc(int status)
{
	switch (status) {
	case 400: return KUBE_GRPC_INTERNAL;
	case 401: return KUBE_GRPC_UNAUTHENTICATED;
	case 403: return KUBE_GRPC_PERMISSION_DENIED;
	case 404: return KUBE_GRPC_UNIMPLEMENTED;
	case 429: case 502: case 503: case 504: return KUBE_GRPC_UNAVAILABLE;
	default: return KUBE_GRPC_UNKNOWN;
	}
}

/* ---- call lifecycle ---- */

static void call_unlink(kube_grpc_call_t *call)
{
	kube_grpc_channel_t *ch = call->ch;

	if (call->prev)
		call->prev->next = call->next;
	else if (ch->calls == call)
		ch->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

static void call_destroy(kube_grpc_call_t *call)
{
	if (call->deadline_ev)
		event_free(call->deadline_ev);
	if (call->defer_ev)
		event_free(call->defer_ev);
	kube_buf_clear(&call->out);
	kube_buf_clear(&call->in);
	kube_free(call->grpc_message);
	kube_free(call->pending_msg);
	kube_free(call->method);
	for (size_t i = 0; call->metadata && call->metadata[i]; i++)
		kube_free(call->metadata[i]);
	kube_free(call->metadata);
	kube_free(call);
}

/* Detach the call from its stream (resetting the stream if it is still
 * open) and from its connection. */
static void call_detach(kube_grpc_call_t *call)
{
	struct gconn *gc = call->conn;

	if (!gc)
		return;
	call->conn = NULL;
	if (gc->session && call->stream_id > 0) {
		nghttp2_session_set_stream_user_data(gc->session, call->stream_id, NULL);
		if (gc->bev)
			nghttp2_submit_rst_stream(gc->session, NGHTTP2_FLAG_NONE, call->stream_id,
						  NGHTTP2_CANCEL);
		call->stream_id = -1;
		conn_flush(gc); /* we still count in ncalls: gc stays allocated */
	}
	gc->ncalls--;
	conn_release(gc);
}

/* End the call with a status: run done once, then free (unless a callback
 * is running higher up the stack, which frees it when it returns). */
static void call_end(kube_grpc_call_t *call, int code, const char *msg)
{
	if (call->finished)
		return;
	call->finished = true;
	if (call->deadline_ev)
		evtimer_del(call->deadline_ev);
	call_unlink(call);
	call_detach(call);
	klog_v(5, "grpc: call ended %s: %s", kube_grpc_code_name(code), msg ? msg : "");
	call->busy++;
	call->done(call, code, msg ? msg : "", call->arg);
	call->busy--;
	if (call->busy == 0)
		call_destroy(call);
	else
		call->free_pending = true;
}

static void defer_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_grpc_call_t *call = arg;

	call_end(call, call->pending_code, call->pending_msg);
}

static void end_later(kube_grpc_call_t *call, int code, const char *msg)
{
	struct timeval tv = { 0, 0 };

	if (call->finished || (call->defer_ev && evtimer_pending(call->defer_ev, NULL)))
		return;
	call->pending_code = code;
	kube_free(call->pending_msg);
	call->pending_msg = kube_strdup(msg);
	if (!call->defer_ev)
		call->defer_ev = evtimer_new(call->ch->base, defer_cb, call);
	evtimer_add(call->defer_ev, &tv);
}

/* ---- connection ---- */

static void conn_flush(struct gconn *gc);

static void conn_free(struct gconn *gc)
{
	kube_grpc_channel_t *ch = gc->ch;

	for (struct gconn **pp = &ch->conns; *pp; pp = &(*pp)->next) {
		if (*pp == gc) {
			*pp = gc->next;
			break;
		}
	}
	if (ch->cur == gc)
		ch->cur = NULL;
	if (gc->session)
		nghttp2_session_del(gc->session);
	if (gc->connect_ev)
		event_free(gc->connect_ev);
	if (gc->ping_ev)
		event_free(gc->ping_ev);
	if (gc->bev)
		bufferevent_free(gc->bev);
	kube_free(gc);
}

/* Free a dead connection once no call uses it. */
static void conn_release(struct gconn *gc)
{
	if (gc->dead && gc->ncalls == 0 && gc->in_recv == 0)
		conn_free(gc);
}

/* The connection failed: end every call on it with UNAVAILABLE. */
static void conn_fail(struct gconn *gc, const char *why)
{
	kube_grpc_channel_t *ch = gc->ch;
	kube_grpc_call_t *call, *next;

	klog_v(4, "grpc: connection to %s failed: %s", ch->authority, why);
	gc->dead = true;
	if (ch->cur == gc)
		ch->cur = NULL;
	if (gc->ping_ev)
		evtimer_del(gc->ping_ev);
	if (gc->bev) {
		bufferevent_free(gc->bev);
		gc->bev = NULL;
	}
	gc->ncalls++; /* hold it while calls end */
	for (call = ch->calls; call; call = next) {
		next = call->next;
		if (call->conn == gc)
			call_end(call, KUBE_GRPC_UNAVAILABLE, why);
	}
	gc->ncalls--;
	conn_release(gc);
}

static void conn_flush(struct gconn *gc)
{
	if (!gc->session || !gc->bev || gc->in_recv || !gc->connected)
		return;
	for (;;) {
		const uint8_t *data;
		ssize_t n = nghttp2_session_mem_send(gc->session, &data);

		if (n < 0) {
			conn_fail(gc, nghttp2_strerror((int)n));
			return;
		}
		if (n == 0)
			break;
		bufferevent_write(gc->bev, data, (size_t)n);
	}
	if (!nghttp2_session_want_read(gc->session) && !nghttp2_session_want_write(gc->session) &&
	    evbuffer_get_length(bufferevent_get_output(gc->bev)) == 0)
		conn_fail(gc, "connection closed");
}

static kube_grpc_call_t *stream_call(nghttp2_session *s, int32_t stream_id)
{
	return nghttp2_session_get_stream_user_data(s, stream_id);
}

/* Keepalive: every keepalive_time_ms send a PING; no ACK within
 * keepalive_timeout_ms means the peer is gone (a half-open TCP connection
 * would otherwise hang calls forever). */
static void ping_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gconn *gc = arg;

	if (gc->ping_outstanding) {
		conn_fail(gc, "connection error: keepalive ping not answered");
		return;
	}
	if (!gc->session || !gc->bev || gc->dead)
		return;
	if (gc->ncalls == 0) { /* idle: servers dislike pings without calls */
		arm_ping(gc, gc->ch->keepalive_time_ms);
		return;
	}
	nghttp2_submit_ping(gc->session, NGHTTP2_FLAG_NONE, NULL);
	gc->ping_outstanding = true;
	arm_ping(gc, gc->ch->keepalive_timeout_ms);
	conn_flush(gc);
}

static void arm_ping(struct gconn *gc, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (gc->ch->keepalive_time_ms <= 0)
		return;
	if (!gc->ping_ev)
		gc->ping_ev = evtimer_new(gc->ch->base, ping_cb, gc);
	evtimer_add(gc->ping_ev, &tv);
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
		     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
		     void *user)
{
	kube_grpc_call_t *call;

	if (frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	call = stream_call(s, frame->hd.stream_id);
	if (!call)
		return 0;
	if (namelen == 7 && !memcmp(name, ":status", 7)) {
		call->http_status = atoi((const char *)value);
	} else if (namelen == 11 && !memcmp(name, "grpc-status", 11)) {
		call->grpc_status = atoi((const char *)value);
		if (call->grpc_status < 0 || call->grpc_status > 16)
			call->grpc_status = KUBE_GRPC_UNKNOWN;
	} else if (namelen == 12 && !memcmp(name, "grpc-message", 12)) {
		kube_free(call->grpc_message);
		call->grpc_message = percent_decode(value, valuelen);
	} else if (namelen == 13 && !memcmp(name, "grpc-encoding", 13) &&
		   !(valuelen == 8 && !memcmp(value, "identity", 8))) {
		/* we never offer compression */
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	}
	return 0;
}

/* Split received bytes into messages and deliver them. */
static int deliver(kube_grpc_call_t *call)
{
	while (call->in.len >= 5 && !call->finished) {
		const uint8_t *p = (const uint8_t *)call->in.data;
		uint32_t len = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];

		if (p[0] != 0) {
			call->grpc_status = KUBE_GRPC_INTERNAL;
			return -EPROTO;
		}
		if (len > call->ch->max_message)
			return -EMSGSIZE;
		if (call->in.len < 5 + (size_t)len)
			break;
		if (call->on_message) {
			call->busy++;
			call->on_message(call, p + 5, len, call->arg);
			call->busy--;
			if (call->free_pending)
				return -ECANCELED;
		}
		kube_buf_consume(&call->in, 5 + (size_t)len);
	}
	return 0;
}

static int on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t stream_id,
			 const uint8_t *data, size_t len, void *user)
{
	kube_grpc_call_t *call = stream_call(s, stream_id);
	int r;

	if (!call || call->finished)
		return 0;
	if (call->in.len + len > call->ch->max_message + 5) {
		call_end(call, KUBE_GRPC_RESOURCE_EXHAUSTED, "received message larger than max");
		return 0;
	}
	kube_buf_append(&call->in, data, len);
	r = deliver(call);
	if (r == -ECANCELED) {
		/* cancelled from on_message: free now that we are out of it */
		call_destroy(call);
	} else if (r == -EMSGSIZE) {
		call_end(call, KUBE_GRPC_RESOURCE_EXHAUSTED, "received message larger than max");
	} else if (r < 0) {
		call_end(call, KUBE_GRPC_INTERNAL, "compressed message without grpc-encoding");
	}
	return 0;
}

static int on_frame_recv(nghttp2_session *s, const nghttp2_frame *frame, void *user)
{
	struct gconn *gc = user;

	if (frame->hd.type == NGHTTP2_GOAWAY) {
		gc->dead = true; /* running streams finish; new calls reconnect */
		if (gc->ch->cur == gc)
			gc->ch->cur = NULL;
	} else if (frame->hd.type == NGHTTP2_PING && (frame->hd.flags & NGHTTP2_FLAG_ACK) &&
		   gc->ping_outstanding) {
		gc->ping_outstanding = false;
		arm_ping(gc, gc->ch->keepalive_time_ms);
	}
	return 0;
}

static int on_stream_close(nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *user)
{
	kube_grpc_call_t *call = stream_call(s, stream_id);
	_cleanup_free_ char *msg = NULL;

	if (!call || call->finished)
		return 0;
	nghttp2_session_set_stream_user_data(s, stream_id, NULL);
	call->stream_id = -1;
	if (call->grpc_status >= 0) {
		if (call->grpc_status == 0 && call->in.len)
			call_end(call, KUBE_GRPC_INTERNAL, "truncated message");
		else
			call_end(call, call->grpc_status, call->grpc_message);
	} else if (call->http_status && call->http_status != 200) {
		msg = kube_asprintf("unexpected HTTP status code %d", call->http_status);
		call_end(call, http_to_grpc(call->http_status), msg);
	} else if (error_code == NGHTTP2_REFUSED_STREAM && call->retryable && call->retries < MAX_REFUSED_RETRIES &&
		   !call->http_status) {
		/* not processed by the server (GOAWAY or refused): send it again,
		 * on a new connection if this one is going away */
		struct gconn *gc = call->conn;

		call->retries++;
		call->conn = NULL;
		gc->ncalls--;
		conn_release(gc);
		call->out_pos = 0;
		call->deferred = false;
		call_submit(call);
	} else if (error_code == NGHTTP2_REFUSED_STREAM) {
		call_end(call, KUBE_GRPC_UNAVAILABLE, "stream refused");
	} else if (error_code == NGHTTP2_CANCEL) {
		call_end(call, KUBE_GRPC_CANCELLED, "stream cancelled by server");
	} else if (error_code != NGHTTP2_NO_ERROR) {
		msg = kube_asprintf("stream reset: %s", nghttp2_http2_strerror(error_code));
		call_end(call, KUBE_GRPC_INTERNAL, msg);
	} else {
		call_end(call, KUBE_GRPC_INTERNAL, "server closed the stream without grpc-status");
	}
	return 0;
}

static ssize_t data_read(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t length,
			 uint32_t *data_flags, nghttp2_data_source *source, void *user)
{
	kube_grpc_call_t *call = stream_call(s, stream_id);
	size_t avail, n;

	if (!call || call->finished) {
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
		return 0;
	}
	if (call->retryable && (call->http_status || call->out.len > RETRY_KEEP_MAX))
		call->retryable = false; /* answered, or too much to keep */
	avail = call->out.len - call->out_pos;
	if (avail == 0) {
		if (!call->retryable) {
			kube_buf_reset(&call->out);
			call->out_pos = 0;
		}
		if (call->send_closed) {
			*data_flags |= NGHTTP2_DATA_FLAG_EOF;
			return 0;
		}
		call->deferred = true;
		return NGHTTP2_ERR_DEFERRED;
	}
	n = KUBE_MIN(avail, length);
	memcpy(buf, call->out.data + call->out_pos, n);
	call->out_pos += n;
	if (call->out_pos == call->out.len && call->send_closed)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct gconn *gc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	ssize_t r = 0;

	gc->in_recv++;
	while (evbuffer_get_length(in) > 0 && gc->session) {
		size_t n = evbuffer_get_contiguous_space(in);
		const uint8_t *p = evbuffer_pullup(in, (ssize_t)n);

		r = nghttp2_session_mem_recv(gc->session, p, n);
		if (r < 0)
			break;
		evbuffer_drain(in, n);
	}
	gc->in_recv--;
	if (r < 0) {
		conn_fail(gc, nghttp2_strerror((int)r));
		return;
	}
	if (gc->dead && gc->ncalls == 0) {
		conn_release(gc);
		return;
	}
	conn_flush(gc);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct gconn *gc = arg;

	if ((what & BEV_EVENT_CONNECTED) && gc->ch->tls && !gc->tls_wrapped) {
		/* TCP is up: put TLS on it; its handshake ends in CONNECTED again. */
		kube_grpc_channel_t *ch = gc->ch;
		const char *name = ch->server_name ? ch->server_name
				   : ch->nhosts ? ch->hosts[gc->addr_host[gc->addr_idx]] : "localhost";
		struct bufferevent *tls_bev = NULL;

		if (kube_tls_wrap(ch->tlscfg, gc->bev, name, &tls_bev, NULL) < 0) {
			conn_fail(gc, "connection error: TLS setup failed");
			return;
		}
		gc->bev = tls_bev;
		gc->tls_wrapped = true;
		bufferevent_setcb(gc->bev, conn_read_cb, NULL, conn_event_cb, gc);
		bufferevent_enable(gc->bev, EV_READ | EV_WRITE);
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		gc->connected = true;
		gc->ch->pref_host = gc->addr_host[gc->addr_idx];
		evtimer_del(gc->connect_ev);
		arm_ping(gc, gc->ch->keepalive_time_ms);
		conn_flush(gc);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		int e = EVUTIL_SOCKET_ERROR();
		_cleanup_free_ char *msg = NULL;

		/* not connected yet: try the next address; frames wait in the session */
		if (!gc->connected && (what & BEV_EVENT_ERROR) && gc->addr_idx + 1 < gc->naddrs) {
			gc->addr_idx++;
			if (conn_open(gc) == 0)
				return;
		}

		if (what & BEV_EVENT_EOF)
			msg = kube_strdup("connection closed by server");
		else if (!gc->connected)
			msg = kube_asprintf("connection error: dial %s: %s", gc->ch->authority,
					    strerror(e > 0 ? e : ECONNREFUSED));
		else
			msg = kube_asprintf("connection error: %s", strerror(e > 0 ? e : ECONNRESET));
		conn_fail(gc, msg);
	}
}

static void connect_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	conn_fail(arg, "connection error: connect timeout");
}

/* Connect gc->bev to the first address from addr_idx on that does not fail
 * at once. Returns 0 or -errno. */
static int conn_open(struct gconn *gc)
{
	int e = ECONNREFUSED;

	for (; gc->addr_idx < gc->naddrs; gc->addr_idx++) {
		struct sockaddr *sa = (struct sockaddr *)&gc->addrs[gc->addr_idx];

		if (gc->bev)
			bufferevent_free(gc->bev);
		gc->bev = bufferevent_socket_new(gc->ch->base, -1, BEV_OPT_CLOSE_ON_FREE);
		if (!gc->bev)
			return -ENOMEM;
		errno = 0;
		if (bufferevent_socket_connect(gc->bev, sa, (int)gc->addrlens[gc->addr_idx]) == 0) {
			if (sa->sa_family != AF_UNIX)
				set_nodelay(gc->bev);
			bufferevent_setcb(gc->bev, conn_read_cb, NULL, conn_event_cb, gc);
			bufferevent_enable(gc->bev, EV_READ | EV_WRITE);
			return 0;
		}
		e = errno ? errno : ECONNREFUSED;
	}
	return -e;
}

static int conn_new(kube_grpc_channel_t *ch, struct gconn **ret)
{
	nghttp2_session_callbacks *cbs;
	nghttp2_settings_entry settings[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, WINDOW_SIZE },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 1 << 20 },
	};
	struct gconn *gc;
	struct timeval tv = { ch->connect_timeout_ms / 1000, (ch->connect_timeout_ms % 1000) * 1000 };
	int r;

	gc = kube_calloc(1, sizeof(*gc));
	gc->ch = ch;
	if (ch->unix_path) {
		struct sockaddr_un *un = (struct sockaddr_un *)&gc->addrs[0];

		un->sun_family = AF_UNIX;
		kube_strlcpy(un->sun_path, ch->unix_path, sizeof(un->sun_path));
		gc->addrlens[0] = sizeof(*un);
		gc->naddrs = 1;
	} else {
		/* every endpoint's addresses, starting with the preferred endpoint */
		for (int k = 0; k < ch->nhosts; k++) {
			int h = (ch->pref_host + k) % ch->nhosts;
			struct evutil_addrinfo hints = { 0 }, *ai = NULL;
			char port[16];

			hints.ai_family = AF_UNSPEC;
			hints.ai_socktype = SOCK_STREAM;
			snprintf(port, sizeof(port), "%d", ch->ports[h]);
			if (evutil_getaddrinfo(ch->hosts[h], port, &hints, &ai) != 0 || !ai)
				continue;
			for (struct evutil_addrinfo *a = ai; a && gc->naddrs < MAX_ADDRS; a = a->ai_next) {
				if (a->ai_addrlen > sizeof(gc->addrs[0]))
					continue;
				memcpy(&gc->addrs[gc->naddrs], a->ai_addr, a->ai_addrlen);
				gc->addr_host[gc->naddrs] = h;
				gc->addrlens[gc->naddrs++] = (socklen_t)a->ai_addrlen;
			}
			evutil_freeaddrinfo(ai);
		}
		if (gc->naddrs == 0) {
			kube_free(gc);
			return -EHOSTUNREACH;
		}
	}
	r = conn_open(gc);
	if (r < 0) {
		if (gc->bev)
			bufferevent_free(gc->bev);
		kube_free(gc);
		return r;
	}
	nghttp2_session_callbacks_new(&cbs);
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
	nghttp2_session_client_new(&gc->session, cbs, gc);
	nghttp2_session_callbacks_del(cbs);
	nghttp2_submit_settings(gc->session, NGHTTP2_FLAG_NONE, settings, ARRAY_SIZE(settings));
	nghttp2_session_set_local_window_size(gc->session, NGHTTP2_FLAG_NONE, 0, WINDOW_SIZE);
	bufferevent_setcb(gc->bev, conn_read_cb, NULL, conn_event_cb, gc);
	bufferevent_enable(gc->bev, EV_READ | EV_WRITE);
	gc->connect_ev = evtimer_new(ch->base, connect_timeout_cb, gc);
	evtimer_add(gc->connect_ev, &tv);
	gc->next = ch->conns;
	ch->conns = gc;
	*ret = gc;
	return 0;
}

/* ---- channel ---- */

/* One "host:port" / "http://host:port" / "https://host:port" endpoint. */
static int parse_endpoint(const char *t, size_t len, bool *ret_tls, char **ret_host,
			  int *ret_port, char **ret_authority)
{
	_cleanup_free_ char *item = kube_strndup(t, len);
	const char *p = item, *colon;
	char *end;
	long port;
	bool tls = false;

	if (kube_startswith(item, "http://"))
		p = item + 7;
	else if (kube_startswith(item, "https://")) {
		p = item + 8;
		tls = true;
	}
	if (*p == '[') {
		const char *rb = strchr(p, ']');

		if (!rb || rb[1] != ':' || rb == p + 1)
			return -EINVAL;
		colon = rb + 1;
	} else {
		colon = strrchr(p, ':');
		if (!colon || colon == p)
			return -EINVAL;
	}
	port = strtol(colon + 1, &end, 10);
	if ((*end != '\0' && strcmp(end, "/") != 0) || port <= 0 || port > 65535 ||
	    end == colon + 1)
		return -EINVAL;
	*ret_tls = tls;
	*ret_host = *p == '[' ? kube_strndup(p + 1, (size_t)(colon - 1 - (p + 1)))
			      : kube_strndup(p, (size_t)(colon - p));
	*ret_port = (int)port;
	*ret_authority = kube_strndup(p, strcspn(p, "/"));
	return 0;
}

static int parse_target(kube_grpc_channel_t *ch, const char *t)
{
	const char *p;

	if (kube_startswith(t, "unix:")) {
		p = kube_startswith(t, "unix://") ? t + 7 : t + 5;
		if (*p != '/' || strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return -EINVAL;
		ch->unix_path = kube_strdup(p);
		return 0;
	}
	/* a comma-separated list of endpoints (etcd --etcd-servers style) */
	for (p = t; *p;) {
		size_t len = strcspn(p, ",");
		bool tls;
		char *host, *authority;
		int port;

		if (ch->nhosts >= MAX_ENDPOINTS || parse_endpoint(p, len, &tls, &host, &port,
								   &authority) < 0)
			return -EINVAL;
		if (ch->nhosts > 0 && tls != ch->tls) {
			kube_free(host);
			kube_free(authority);
			return -EINVAL; /* all https or none */
		}
		ch->tls = tls;
		ch->hosts = kube_realloc(ch->hosts, (size_t)(ch->nhosts + 1) * sizeof(char *));
		ch->ports = kube_realloc(ch->ports, (size_t)(ch->nhosts + 1) * sizeof(int));
		ch->hosts[ch->nhosts] = host;
		ch->ports[ch->nhosts++] = port;
		if (!ch->authority)
			ch->authority = authority;
		else
			kube_free(authority);
		p += len;
		if (*p == ',')
			p++;
	}
	return ch->nhosts > 0 ? 0 : -EINVAL;
}

static void channel_free_targets(kube_grpc_channel_t *ch)
{
	for (int i = 0; i < ch->nhosts; i++)
		kube_free(ch->hosts[i]);
	kube_free(ch->hosts);
	kube_free(ch->ports);
	kube_free(ch->unix_path);
	kube_free(ch->authority);
}

kube_grpc_channel_t *kube_grpc_channel_new(struct event_base *base, const kube_grpc_config_t *cfg,
					   int *ret_err)
{
	kube_grpc_channel_t *ch;

	if (!cfg || !cfg->target) {
		*ret_err = -EINVAL;
		return NULL;
	}
	ch = kube_calloc(1, sizeof(*ch));
	if (parse_target(ch, cfg->target) < 0) {
		channel_free_targets(ch);
		kube_free(ch);
		*ret_err = -EINVAL;
		return NULL;
	}
	if (cfg->authority) {
		kube_free(ch->authority);
		ch->authority = kube_strdup(cfg->authority);
	} else if (!ch->authority) {
		ch->authority = kube_strdup("localhost");
	}
	ch->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
							     : DEFAULT_CONNECT_MS;
	ch->max_message = cfg->max_message ? cfg->max_message : DEFAULT_MAX_MESSAGE;
	ch->keepalive_time_ms = cfg->keepalive_time_ms;
	ch->keepalive_timeout_ms = cfg->keepalive_timeout_ms > 0 ? cfg->keepalive_timeout_ms : 20000;
	if (ch->tls) {
		static const char *const alpn[] = { "h2", NULL };
		kube_tls_options_t o = {
			.cert_file = cfg->cert_file, .key_file = cfg->key_file, .ca_file = cfg->ca_file,
			.insecure_skip_verify = cfg->insecure_skip_verify, .alpn = alpn,
		};
		char *why = NULL;

		if (kube_tls_config_new(&o, &ch->tlscfg, &why) < 0) {
			klog_v(4, "grpc: TLS config: %s", why ? why : "");
			kube_free(why);
			channel_free_targets(ch);
			kube_free(ch);
			*ret_err = -EINVAL;
			return NULL;
		}
		ch->server_name = cfg->server_name ? kube_strdup(cfg->server_name) : NULL;
	}
	if (base) {
		ch->base = base;
	} else {
		ch->base = event_base_new();
		if (!ch->base)
			abort();
		ch->own_base = true;
	}
	return ch;
}

struct event_base *kube_grpc_channel_base(const kube_grpc_channel_t *ch)
{
	return ch->base;
}

size_t kube_grpc_channel_connections(const kube_grpc_channel_t *ch)
{
	size_t n = 0;

	for (const struct gconn *gc = ch->conns; gc; gc = gc->next)
		n += gc->bev != NULL;
	return n;
}

void kube_grpc_channel_free(kube_grpc_channel_t *ch)
{
	if (!ch)
		return;
	while (ch->calls)
		kube_grpc_call_cancel(ch->calls);
	while (ch->conns)
		conn_free(ch->conns);
	channel_free_targets(ch);
	kube_tls_config_free(ch->tlscfg);
	kube_free(ch->server_name);
	if (ch->own_base)
		event_base_free(ch->base);
	kube_free(ch);
}

/* ---- calls ---- */

static void deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	call_end(arg, KUBE_GRPC_DEADLINE_EXCEEDED, "context deadline exceeded");
}

static bool valid_header_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return false;
	return true;
}

static bool valid_header_value(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

#define NV(n, v)                                                                       \
	(nghttp2_nv)                                                                   \
	{                                                                              \
		(uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE \
	}

/* Open the call's stream on the current connection (made if needed).
 * Returns 0, or ends the call later and returns -1. */
static int call_submit(kube_grpc_call_t *call)
{
	kube_grpc_channel_t *ch = call->ch;
	nghttp2_nv nva[40];
	size_t n = 0;
	char tmo[24];
	nghttp2_data_provider prd;
	int r;

	if (!ch->cur || ch->cur->dead) {
		r = conn_new(ch, &ch->cur);
		if (r < 0) {
			_cleanup_free_ char *msg = kube_asprintf("connection error: dial %s: %s",
								 ch->authority, strerror(-r));
			end_later(call, KUBE_GRPC_UNAVAILABLE, msg);
			return -1;
		}
	}
	call->conn = ch->cur;
	call->conn->ncalls++;

	nva[n++] = NV(":method", "POST");
	nva[n++] = NV(":scheme", ch->tls ? "https" : "http");
	nva[n++] = NV(":path", call->method);
	nva[n++] = NV(":authority", ch->authority);
	nva[n++] = NV("content-type", "application/grpc");
	nva[n++] = NV("te", "trailers");
	nva[n++] = NV("user-agent", "kube-c-grpc/" KUBE_VERSION_MAJOR "." KUBE_VERSION_MINOR);
	if (call->timeout_ms > 0) {
		int64_t left = (call->deadline_ns - kube_now_ns()) / 1000000;

		kube_grpc_timeout_format(left > 0 ? left : 1, tmo, sizeof(tmo));
		nva[n++] = NV("grpc-timeout", tmo);
	}
	for (size_t i = 0; call->metadata && call->metadata[i]; i += 2)
		nva[n++] = NV(call->metadata[i], call->metadata[i + 1]);

	prd.source.ptr = NULL; /* data_read finds the call by stream id */
	prd.read_callback = data_read;
	call->stream_id = nghttp2_submit_request(call->conn->session, NULL, nva, n, &prd, call);
	if (call->stream_id < 0) {
		end_later(call, KUBE_GRPC_UNAVAILABLE, nghttp2_strerror(call->stream_id));
		return -1;
	}
	conn_flush(call->conn);
	return 0;
}

kube_grpc_call_t *kube_grpc_call_start(kube_grpc_channel_t *ch, const char *method,
				       int timeout_ms, const char *const *metadata,
				       kube_grpc_message_fn on_message, kube_grpc_done_fn done,
				       void *arg)
{
	kube_grpc_call_t *call = kube_calloc(1, sizeof(*call));
	size_t n = 0;

	call->ch = ch;
	call->on_message = on_message;
	call->done = done;
	call->arg = arg;
	call->grpc_status = -1;
	call->stream_id = -1;
	call->next = ch->calls;
	if (ch->calls)
		ch->calls->prev = call;
	ch->calls = call;

	if (!method || method[0] != '/' || !valid_header_value(method)) {
		end_later(call, KUBE_GRPC_INTERNAL, "malformed method name");
		return call;
	}
	for (size_t i = 0; metadata && metadata[i]; i += 2) {
		if (!metadata[i + 1] || !valid_header_name(metadata[i]) ||
		    !valid_header_value(metadata[i + 1]) || n >= 30) {
			end_later(call, KUBE_GRPC_INTERNAL, "invalid metadata");
			return call;
		}
		n += 2;
	}
	call->method = kube_strdup(method);
	call->metadata = kube_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		call->metadata[i] = kube_strdup(metadata[i]);
	call->retryable = true;
	if (timeout_ms > 0) {
		struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

		call->timeout_ms = timeout_ms;
		call->deadline_ns = kube_now_ns() + (int64_t)timeout_ms * 1000000;
		call->deadline_ev = evtimer_new(ch->base, deadline_cb, call);
		evtimer_add(call->deadline_ev, &tv);
	}
	call_submit(call);
	return call;
}

static void resume(kube_grpc_call_t *call)
{
	struct gconn *gc = call->conn;

	if (!gc || !gc->session || call->stream_id <= 0)
		return;
	if (call->deferred) {
		call->deferred = false;
		nghttp2_session_resume_data(gc->session, call->stream_id);
	}
	conn_flush(gc);
}

int kube_grpc_call_send(kube_grpc_call_t *call, const void *msg, size_t len)
{
	uint8_t hdr[5];

	if (call->finished || call->send_closed || len > UINT32_MAX)
		return -EPIPE;
	hdr[0] = 0;
	hdr[1] = (uint8_t)(len >> 24);
	hdr[2] = (uint8_t)(len >> 16);
	hdr[3] = (uint8_t)(len >> 8);
	hdr[4] = (uint8_t)len;
	kube_buf_append(&call->out, hdr, 5);
	if (len)
		kube_buf_append(&call->out, msg, len);
	resume(call);
	return 0;
}

int kube_grpc_call_send_pb(kube_grpc_call_t *call, const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = kube_malloc(len + 1);
	int r;

	protobuf_c_message_pack(msg, buf);
	r = kube_grpc_call_send(call, buf, len);
	kube_free(buf);
	return r;
}

int kube_grpc_call_close_send(kube_grpc_call_t *call)
{
	if (call->finished || call->send_closed)
		return -EPIPE;
	call->send_closed = true;
	resume(call);
	return 0;
}

void kube_grpc_call_cancel(kube_grpc_call_t *call)
{
	if (!call || call->finished)
		return; /* already ending: freed by whoever runs its callback */
	call->finished = true;
	call_unlink(call);
	call_detach(call);
	if (call->busy)
		call->free_pending = true;
	else
		call_destroy(call);
}

/* ---- blocking helpers ---- */

struct unary_state {
	bool done;
	int code;
	char *message;
	kube_buf_t resp;
	int nmsg;
};

static void unary_message(kube_grpc_call_t *call, const uint8_t *data, size_t len, void *arg)
{
	struct unary_state *s = arg;

	if (s->nmsg++ == 0)
		kube_buf_append(&s->resp, data, len);
}

static void unary_done(kube_grpc_call_t *call, int code, const char *message, void *arg)
{
	struct unary_state *s = arg;

	s->done = true;
	s->code = code;
	s->message = kube_strdup(message);
	if (code == KUBE_GRPC_OK && s->nmsg != 1) {
		s->code = KUBE_GRPC_INTERNAL;
		kube_free(s->message);
		s->message = kube_strdup(s->nmsg ? "too many response messages for unary call"
						 : "no response message for unary call");
	}
}

int kube_grpc_unary(kube_grpc_channel_t *ch, const char *method, const void *req, size_t len,
		    int timeout_ms, kube_buf_t *ret_resp, char **ret_message)
{
	struct unary_state s = { 0 };
	kube_grpc_call_t *call;

	if (!ch || !method || !ret_resp)
		return -EINVAL;
	call = kube_grpc_call_start(ch, method, timeout_ms, NULL, unary_message, unary_done, &s);
	if (!s.done) {
		kube_grpc_call_send(call, req, len);
		kube_grpc_call_close_send(call);
	}
	while (!s.done)
		event_base_loop(ch->base, EVLOOP_ONCE);
	if (s.code == KUBE_GRPC_OK)
		*ret_resp = s.resp;
	else
		kube_buf_clear(&s.resp);
	if (ret_message)
		*ret_message = s.message;
	else
		kube_free(s.message);
	return s.code;
}

int kube_grpc_unary_pb(kube_grpc_channel_t *ch, const char *method, const ProtobufCMessage *req,
		       const ProtobufCMessageDescriptor *resp_desc, int timeout_ms,
		       ProtobufCMessage **ret_resp, char **ret_message)
{
	kube_buf_t resp = KUBE_BUF_INIT;
	size_t len;
	uint8_t *packed;
	ProtobufCMessage *m;
	char *msg = NULL;
	int code;

	if (!req || !resp_desc || !ret_resp)
		return -EINVAL;
	len = protobuf_c_message_get_packed_size(req);
	packed = kube_malloc(len + 1);
	protobuf_c_message_pack(req, packed);
	code = kube_grpc_unary(ch, method, packed, len, timeout_ms, &resp, &msg);
	kube_free(packed);
	if (code == KUBE_GRPC_OK) {
		m = protobuf_c_message_unpack(resp_desc, NULL, resp.len,
					      (const uint8_t *)kube_buf_str(&resp));
		kube_buf_clear(&resp);
		if (!m) {
			code = KUBE_GRPC_INTERNAL;
			kube_free(msg);
			msg = kube_strdup("failed to unmarshal the response");
		} else {
			*ret_resp = m;
		}
	}
	if (ret_message)
		*ret_message = msg;
	else
		kube_free(msg);
	return code;
}
