/* kube_http2: HTTP/2 server sessions (nghttp2) behind the kube_http API. */
#include "net/kube_http_int.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include <nghttp2/nghttp2.h>

#include "core/kube_log.h"

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

bool kube_http2_is_preface(const uint8_t *data, size_t len, bool *ret_complete)
{
	size_t n = KUBE_MIN(len, sizeof(preface) - 1);

	if (len == 0 || memcmp(data, preface, n) != 0)
		return false;
	*ret_complete = len >= sizeof(preface) - 1;
	return true;
}

static void stream_unlink(kube_http_conn_t *c, kube_http_req_t *r)
{
	if (r->h2_sprev)
		r->h2_sprev->h2_snext = r->h2_snext;
	else if (c->h2_streams == r)
		c->h2_streams = r->h2_snext;
	if (r->h2_snext)
		r->h2_snext->h2_sprev = r->h2_sprev;
	r->h2_snext = r->h2_sprev = NULL;
	c->h2_nstreams--;
	if (r->h2_queued) {
		kube_http_req_t **pp = &c->h2_ready;
		while (*pp && *pp != r)
			pp = &(*pp)->h2_next;
		if (*pp)
			*pp = r->h2_next;
		r->h2_queued = false;
	}
}

static int on_begin_headers(nghttp2_session *s, const nghttp2_frame *frame, void *user)
{
	kube_http_conn_t *c = user;
	kube_http_req_t *r;

	if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	r = kube_http_req_new_(c);
	r->stream_id = frame->hd.stream_id;
	r->version = 20;
	r->h2_snext = c->h2_streams;
	if (c->h2_streams)
		c->h2_streams->h2_sprev = r;
	c->h2_streams = r;
	c->h2_nstreams++;
	nghttp2_session_set_stream_user_data(s, frame->hd.stream_id, r);
	return 0;
}

static void add_header(kube_http_req_t *r, const uint8_t *name, size_t nlen,
		       const uint8_t *value, size_t vlen)
{
	if (r->nheaders == r->h2_cap) {
		r->h2_cap = r->h2_cap ? 2 * r->h2_cap : 16;
		r->h2_headers = kube_realloc(r->h2_headers, r->h2_cap * sizeof(*r->h2_headers));
	}
	r->h2_headers[r->nheaders].name = kube_strndup((const char *)name, nlen);
	r->h2_headers[r->nheaders].value = kube_strndup((const char *)value, vlen);
	r->nheaders++;
	r->headers = r->h2_headers;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
		     size_t nlen, const uint8_t *value, size_t vlen, uint8_t flags, void *user)
{
	kube_http_conn_t *c = user;
	kube_http_req_t *r;
	char **slot = NULL;
	(void)flags;

	if (frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	r = nghttp2_session_get_stream_user_data(s, frame->hd.stream_id);
	if (!r || r->state != REQ_READING)
		return 0;
	r->h2_header_bytes += nlen + vlen + 32;
	if (r->h2_header_bytes > c->srv->cfg.max_header_bytes || r->nheaders >= 1000)
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	if (nlen > 0 && name[0] == ':') {
		if (nlen == 7 && memcmp(name, ":method", 7) == 0)
			slot = &r->h2_method;
		else if (nlen == 5 && memcmp(name, ":path", 5) == 0)
			slot = &r->h2_path;
		else if (nlen == 10 && memcmp(name, ":authority", 10) == 0)
			slot = &r->h2_authority;
		else if (nlen == 7 && memcmp(name, ":scheme", 7) == 0)
			slot = &r->h2_scheme;
		if (slot && !*slot)
			*slot = kube_strndup((const char *)value, vlen);
		if (slot == &r->h2_authority)
			add_header(r, (const uint8_t *)"host", 4, value, vlen);
		return 0;
	}
	if (nlen == 4 && memcmp(name, "host", 4) == 0 && r->h2_authority)
		return 0;
	add_header(r, name, nlen, value, vlen);
	return 0;
}

static int on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t stream_id,
			 const uint8_t *data, size_t len, void *user)
{
	kube_http_conn_t *c = user;
	kube_http_req_t *r = nghttp2_session_get_stream_user_data(s, stream_id);
	(void)flags;

	if (!r || r->state != REQ_READING || r->h2_body_too_large)
		return 0;
	if (r->body.len + len > c->srv->cfg.max_body_bytes) {
		r->h2_body_too_large = true;
		kube_buf_clear(&r->body);
		return 0;
	}
	kube_buf_append(&r->body, data, len);
	return 0;
}

static int on_frame_recv(nghttp2_session *s, const nghttp2_frame *frame, void *user)
{
	kube_http_conn_t *c = user;
	kube_http_req_t *r, **pp;

	if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
	    !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	r = nghttp2_session_get_stream_user_data(s, frame->hd.stream_id);
	if (!r || r->state != REQ_READING || r->h2_queued)
		return 0;
	/* queue in arrival order */
	r->h2_queued = true;
	r->h2_next = NULL;
	for (pp = &c->h2_ready; *pp; pp = &(*pp)->h2_next)
		;
	*pp = r;
	return 0;
}

static int on_stream_close(nghttp2_session *s, int32_t stream_id, uint32_t error_code,
			   void *user)
{
	kube_http_conn_t *c = user;
	kube_http_req_t *r = nghttp2_session_get_stream_user_data(s, stream_id);
	(void)error_code;

	if (!r)
		return 0;
	nghttp2_session_set_stream_user_data(s, stream_id, NULL);
	stream_unlink(c, r);
	r->stream_id = 0;
	if (r->state == REQ_READING || r->state == REQ_DONE) {
		kube_http_req_free_(r);
	} else {
		r->conn = NULL;
		kube_http_req_cut_(r);
	}
	if (c->srv->shutting_down && c->h2_nstreams == 0)
		c->h2_want_send = true;
	return 0;
}

static ssize_t data_read(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t length,
			 uint32_t *flags, nghttp2_data_source *src, void *user)
{
	kube_http_req_t *r = src->ptr;
	int n;
	(void)s;
	(void)stream_id;
	(void)user;

	n = evbuffer_remove(r->h2_out, buf, length);
	if (n < 0)
		n = 0;
	if (evbuffer_get_length(r->h2_out) == 0) {
		if (r->h2_eof)
			*flags |= NGHTTP2_DATA_FLAG_EOF;
		else if (n == 0) {
			r->h2_deferred = true;
			return NGHTTP2_ERR_DEFERRED;
		}
	}
	return n;
}

int kube_http2_conn_start(kube_http_conn_t *c)
{
	nghttp2_session_callbacks *cbs;
	nghttp2_session *s;
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 250 },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, (uint32_t)c->srv->cfg.max_header_bytes },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1024 * 1024 },
	};
	int r;

	if (nghttp2_session_callbacks_new(&cbs) != 0)
		return -ENOMEM;
	nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
	r = nghttp2_session_server_new(&s, cbs, c);
	nghttp2_session_callbacks_del(cbs);
	if (r != 0)
		return -ENOMEM;
	c->h2 = s;
	nghttp2_submit_settings(s, NGHTTP2_FLAG_NONE, iv, ARRAY_SIZE(iv));
	return 0;
}

void kube_http2_conn_send(kube_http_conn_t *c)
{
	nghttp2_session *s = c->h2;

	if (!s || c->closing)
		return;
	if (c->h2_busy) {
		c->h2_want_send = true;
		return;
	}
	c->h2_busy = true;
	c->h2_want_send = false;
	while (kube_http_conn_pending_(c) < KUBE_HTTP_SEND_HIGH) {
		const uint8_t *data;
		ssize_t n = nghttp2_session_mem_send(s, &data);
		if (n < 0) {
			klog_v(4, "http2: %s: send: %s", c->remote, nghttp2_strerror((int)n));
			c->h2_busy = false;
			kube_http_conn_close_(c);
			return;
		}
		if (n == 0)
			break;
		bufferevent_write(c->bev, data, (size_t)n);
	}
	c->h2_busy = false;
	if (nghttp2_session_want_write(s))
		c->h2_want_send = true; /* resumed by the drain callback */
	if ((!nghttp2_session_want_read(s) && !nghttp2_session_want_write(s)) ||
	    (c->srv->shutting_down && c->h2_nstreams == 0))
		kube_http_conn_close_(c);
}

void kube_http2_conn_read(kube_http_conn_t *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	nghttp2_session *s = c->h2;
	kube_http_req_t *r;

	if (!s || c->closing)
		return;
	c->h2_busy = true;
	while (evbuffer_get_length(in) > 0) {
		struct evbuffer_iovec v;
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
			break;
		ssize_t n = nghttp2_session_mem_recv(s, v.iov_base, v.iov_len);
		if (n < 0) {
			klog_v(4, "http2: %s: %s", c->remote, nghttp2_strerror((int)n));
			evbuffer_drain(in, evbuffer_get_length(in));
			c->h2_busy = false;
			kube_http2_conn_send(c); /* GOAWAY */
			kube_http_conn_close_(c);
			return;
		}
		evbuffer_drain(in, (size_t)n);
	}
	/* Dispatch complete requests (outside nghttp2 callbacks). */
	while ((r = c->h2_ready) != NULL && !c->closing) {
		c->h2_ready = r->h2_next;
		r->h2_queued = false;
		r->h2_next = NULL;
		if (r->h2_body_too_large) {
			kube_http_req_t *rr = r;
			rr->state = REQ_HANDLING;
			kube_buf_t b = KUBE_BUF_INIT;
			kube_http_status_body_(&b, 413, kube_http_status_message_(413));
			kube_http_respond_buf(rr, 413, "application/json", &b);
			continue;
		}
		if (kube_http_req_set_h2_(r) < 0) {
			kube_buf_t b = KUBE_BUF_INIT;
			r->state = REQ_HANDLING;
			kube_http_status_body_(&b, 400, kube_http_status_message_(400));
			kube_http_respond_buf(r, 400, "application/json", &b);
			continue;
		}
		kube_http_req_dispatch_(r);
	}
	c->h2_busy = false;
	kube_http2_conn_send(c);
}

void kube_http2_conn_free(kube_http_conn_t *c)
{
	kube_http_req_t *cut = NULL, *r, *next;

	if (!c->h2)
		return;
	nghttp2_session_del(c->h2);
	c->h2 = NULL;
	for (r = c->h2_streams; r; r = next) {
		next = r->h2_snext;
		r->h2_snext = r->h2_sprev = NULL;
		r->conn = NULL;
		r->stream_id = 0;
		if (r->state == REQ_READING || r->state == REQ_DONE) {
			kube_http_req_free_(r);
		} else {
			r->h2_next = cut;
			cut = r;
		}
	}
	c->h2_streams = NULL;
	c->h2_ready = NULL;
	c->h2_nstreams = 0;
	for (r = cut; r; r = next) {
		next = r->h2_next;
		r->h2_next = NULL;
		kube_http_req_cut_(r);
	}
}

void kube_http2_conn_goaway(kube_http_conn_t *c)
{
	nghttp2_session *s = c->h2;

	if (!s)
		return;
	nghttp2_submit_goaway(s, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(s),
			      NGHTTP2_NO_ERROR, NULL, 0);
	kube_http2_conn_send(c);
}

bool kube_http2_conn_idle(const kube_http_conn_t *c)
{
	return c->h2_nstreams == 0;
}

static char *lower_dup(const char *s)
{
	char *d = kube_strdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

#define NV(n, v, nl, vl) \
	{ (uint8_t *)(n), (uint8_t *)(v), (nl), (vl), NGHTTP2_NV_FLAG_NONE }

int kube_http2_submit(kube_http_req_t *req, int status, const char *content_type,
		      bool has_body)
{
	kube_http_conn_t *c = req->conn;
	size_t n = 0, cap = req->nresp_headers + 4;
	nghttp2_nv *nva;
	char **lowered;
	char st[8], clen[24];
	nghttp2_data_provider prov = { .source.ptr = req, .read_callback = data_read };
	int r;

	if (!c || !c->h2 || req->stream_id == 0)
		return -EPIPE;
	nva = kube_calloc(cap, sizeof(*nva));
	lowered = kube_calloc(req->nresp_headers + 1, sizeof(char *));
	snprintf(st, sizeof(st), "%d", status);
	nva[n++] = (nghttp2_nv)NV(":status", st, 7, strlen(st));
	if (content_type) {
		bool have = false;
		for (size_t i = 0; i < req->nresp_headers; i++)
			if (strcasecmp(req->resp_headers[i].name, "content-type") == 0)
				have = true;
		if (!have)
			nva[n++] = (nghttp2_nv)NV("content-type", content_type, 12,
						  strlen(content_type));
	}
	for (size_t i = 0; i < req->nresp_headers; i++) {
		lowered[i] = lower_dup(req->resp_headers[i].name);
		if (strcmp(lowered[i], "connection") == 0 ||
		    strcmp(lowered[i], "transfer-encoding") == 0 ||
		    strcmp(lowered[i], "keep-alive") == 0 || strcmp(lowered[i], "upgrade") == 0)
			continue;
		nva[n++] = (nghttp2_nv)NV(lowered[i], req->resp_headers[i].value,
					  strlen(lowered[i]), strlen(req->resp_headers[i].value));
	}
	if (req->h2_eof && req->h2_out && status != 204 && status != 304) {
		snprintf(clen, sizeof(clen), "%zu", evbuffer_get_length(req->h2_out));
		nva[n++] = (nghttp2_nv)NV("content-length", clen, 14, strlen(clen));
	}
	r = nghttp2_submit_response(c->h2, req->stream_id, nva, n, has_body ? &prov : NULL);
	for (size_t i = 0; i < req->nresp_headers; i++)
		kube_free(lowered[i]);
	kube_free(lowered);
	kube_free(nva);
	if (r != 0) {
		klog_v(4, "http2: submit: %s", nghttp2_strerror(r));
		return -EIO;
	}
	kube_http2_conn_send(c);
	return 0;
}

void kube_http2_data_added(kube_http_req_t *req)
{
	kube_http_conn_t *c = req->conn;

	if (!c || !c->h2 || req->stream_id == 0)
		return;
	if (req->h2_deferred) {
		req->h2_deferred = false;
		nghttp2_session_resume_data(c->h2, req->stream_id);
	}
	kube_http2_conn_send(c);
}
