/*
 * kube_ws: WebSocket framing codec, decoder and bufferevent connection.
 * See kube_ws.h.
 */
#include "net/kube_ws.h"

#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <mbedtls/base64.h>
#include <mbedtls/sha1.h>

#include "core/kube_log.h"

#define DEFAULT_LIMIT (32u << 20)

int kube_ws_frame_parse(const uint8_t *data, size_t len, kube_ws_frame_t *ret_frame)
{
	kube_ws_frame_t f = { 0 };
	size_t need = 2;
	uint64_t plen;

	if (len < 2)
		return 0;
	f.fin = data[0] & 0x80;
	f.rsv = (data[0] >> 4) & 0x7;
	f.opcode = data[0] & 0x0f;
	f.masked = data[1] & 0x80;
	plen = data[1] & 0x7f;
	if (plen == 126)
		need += 2;
	else if (plen == 127)
		need += 8;
	if (f.masked)
		need += 4;
	if (len < need)
		return 0;
	if (plen == 126) {
		plen = (uint64_t)data[2] << 8 | data[3];
		if (plen < 126)
			return -EPROTO;
	} else if (plen == 127) {
		plen = 0;
		for (int i = 0; i < 8; i++)
			plen = plen << 8 | data[2 + i];
		if (plen >> 63 || plen <= 0xffff)
			return -EPROTO;
	}
	if (f.masked)
		memcpy(f.mask, data + need - 4, 4);
	f.payload_len = plen;
	f.header_len = need;
	*ret_frame = f;
	return (int)need;
}

void kube_ws_mask(uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset)
{
	for (size_t i = 0; i < len; i++)
		data[i] ^= mask[(offset + i) & 3];
}

void kube_ws_frame_write(kube_buf_t *out, bool fin, uint8_t opcode, const void *payload,
			 size_t len, const uint8_t *mask)
{
	uint8_t h[KUBE_WS_MAX_HEADER];
	size_t n = 0, start;

	h[n++] = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
	if (len < 126) {
		h[n++] = (uint8_t)len;
	} else if (len <= 0xffff) {
		h[n++] = 126;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	} else {
		h[n++] = 127;
		for (int i = 7; i >= 0; i--)
			h[n++] = (uint8_t)((uint64_t)len >> (8 * i));
	}
	if (mask) {
		h[1] |= 0x80;
		memcpy(h + n, mask, 4);
		n += 4;
	}
	kube_buf_append(out, h, n);
	start = out->len;
	if (len)
		kube_buf_append(out, payload, len);
	if (mask)
		kube_ws_mask((uint8_t *)out->data + start, len, mask, 0);
}

bool kube_ws_close_code_valid(unsigned code)
{
	if (code >= 3000 && code <= 4999)
		return true;
	switch (code) {
	case 1000: case 1001: case 1002: case 1003:
	case 1007: case 1008: case 1009: case 1010: case 1011:
		return true;
	default:
		return false;
	}
}

int kube_ws_close_parse(const uint8_t *payload, size_t len, unsigned *ret_code,
			const char **ret_reason, size_t *ret_reason_len)
{
	unsigned code;

	if (len == 0) {
		*ret_code = KUBE_WS_CLOSE_NO_STATUS;
		*ret_reason = "";
		*ret_reason_len = 0;
		return 0;
	}
	if (len < 2)
		return -EPROTO;
	code = (unsigned)payload[0] << 8 | payload[1];
	if (!kube_ws_close_code_valid(code) || !kube_ws_utf8_valid(payload + 2, len - 2))
		return -EPROTO;
	*ret_code = code;
	*ret_reason = (const char *)payload + 2;
	*ret_reason_len = len - 2;
	return 0;
}

void kube_ws_close_build(kube_buf_t *out, unsigned code, const char *reason)
{
	uint8_t c[2] = { (uint8_t)(code >> 8), (uint8_t)code };
	size_t rlen = reason ? strlen(reason) : 0;

	kube_buf_reset(out);
	kube_buf_append(out, c, 2);
	if (rlen > 123) {
		rlen = 123;
		/* do not cut a UTF-8 sequence in half */
		while (rlen > 0 && ((uint8_t)reason[rlen] & 0xc0) == 0x80)
			rlen--;
	}
	if (rlen)
		kube_buf_append(out, reason, rlen);
}

bool kube_ws_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

int kube_ws_accept_key(const char *key, char out[29])
{
	uint8_t raw[32], digest[20];
	size_t n = 0, klen;
	mbedtls_sha1_context ctx;
	unsigned char b64[32];

	if (!key)
		return -EINVAL;
	klen = strlen(key);
	if (klen != 24 ||
	    mbedtls_base64_decode(raw, sizeof(raw), &n, (const unsigned char *)key, klen) != 0 ||
	    n != 16)
		return -EINVAL;
	mbedtls_sha1_init(&ctx);
	mbedtls_sha1_starts_ret(&ctx);
	mbedtls_sha1_update_ret(&ctx, (const unsigned char *)key, klen);
	mbedtls_sha1_update_ret(&ctx, (const unsigned char *)KUBE_WS_GUID, strlen(KUBE_WS_GUID));
	mbedtls_sha1_finish_ret(&ctx, digest);
	mbedtls_sha1_free(&ctx);
	if (mbedtls_base64_encode(b64, sizeof(b64), &n, digest, sizeof(digest)) != 0 || n != 28)
		return -EINVAL;
	memcpy(out, b64, 28);
	out[28] = '\0';
	return 0;
}

static void random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t r = getrandom(p, len, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* getrandom cannot fail on Linux >= 3.17 with a valid buffer */
			for (size_t i = 0; i < len; i++)
				p[i] = (uint8_t)(kube_now_ns() >> (i % 8));
			return;
		}
		p += r;
		len -= (size_t)r;
	}
}

void kube_ws_client_key(char out[25])
{
	uint8_t raw[16];
	unsigned char b64[32];
	size_t n = 0;

	random_bytes(raw, sizeof(raw));
	mbedtls_base64_encode(b64, sizeof(b64), &n, raw, sizeof(raw));
	memcpy(out, b64, 24);
	out[24] = '\0';
}

const char *kube_ws_select_subprotocol(const char *offered, const char *const *supported)
{
	const char *p = offered;

	if (!offered || !supported)
		return NULL;
	while (*p) {
		const char *end;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		end = p;
		while (*end && *end != ',')
			end++;
		n = (size_t)(end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		for (size_t i = 0; n > 0 && supported[i]; i++)
			if (strlen(supported[i]) == n && memcmp(supported[i], p, n) == 0)
				return supported[i];
		p = end;
	}
	return NULL;
}

/* True if the comma-separated list contains tok (case-insensitive). */
static bool list_has(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, tok, n) == 0) {
			const char *e = p + n;

			while (*e == ' ' || *e == '\t')
				e++;
			if (*e == '\0' || *e == ',')
				return true;
		}
		p = strchr(p, ',');
	}
	return false;
}

int kube_ws_server_check(const char *method, int http_version, const char *upgrade,
			 const char *connection, const char *version, const char *key)
{
	char acc[29];

	if (!method || strcmp(method, "GET") != 0 || http_version < 11)
		return -EINVAL;
	if (!list_has(upgrade, "websocket") || !list_has(connection, "upgrade"))
		return -EINVAL;
	if (!version || strcmp(version, "13") != 0)
		return -EPROTONOSUPPORT;
	if (kube_ws_accept_key(key, acc) < 0)
		return -EINVAL;
	return 0;
}

int kube_ws_client_check(const char *key, int status, const char *upgrade,
			 const char *connection, const char *accept)
{
	char want[29];

	if (status != 101 || !list_has(upgrade, "websocket") || !list_has(connection, "upgrade"))
		return -EPROTO;
	if (kube_ws_accept_key(key, want) < 0 || !accept || strcmp(accept, want) != 0)
		return -EPROTO;
	return 0;
}

/* ---- decoder ---- */

struct kube_ws_decoder {
	kube_ws_role_t role;
	size_t max_frame, max_message;
	kube_buf_t in;	   /* received bytes; in.data[pos..] not yet parsed */
	size_t pos;
	kube_buf_t msg;	   /* reassembled fragments */
	uint8_t frag_op;   /* opcode of the message being reassembled, 0 if none */
	bool msg_done;	   /* msg was returned; reset on next call */
	int err;
	unsigned close_code;
};

kube_ws_decoder_t *kube_ws_decoder_new(kube_ws_role_t role, size_t max_frame,
				       size_t max_message)
{
	kube_ws_decoder_t *d = kube_calloc(1, sizeof(*d));

	d->role = role;
	d->max_frame = max_frame ? max_frame : DEFAULT_LIMIT;
	d->max_message = max_message ? max_message : DEFAULT_LIMIT;
	return d;
}

void kube_ws_decoder_free(kube_ws_decoder_t *d)
{
	if (!d)
		return;
	kube_buf_clear(&d->in);
	kube_buf_clear(&d->msg);
	kube_free(d);
}

static void compact(kube_ws_decoder_t *d)
{
	if (d->pos) {
		kube_buf_consume(&d->in, d->pos);
		d->pos = 0;
	}
}

void kube_ws_decoder_feed(kube_ws_decoder_t *d, const void *data, size_t len)
{
	compact(d);
	if (d->msg_done) {
		kube_buf_reset(&d->msg);
		d->msg_done = false;
	}
	kube_buf_append(&d->in, data, len);
}

static int fail(kube_ws_decoder_t *d, int err, unsigned code)
{
	d->err = err;
	d->close_code = code;
	return err;
}

unsigned kube_ws_decoder_close_code(const kube_ws_decoder_t *d)
{
	return d->close_code;
}

int kube_ws_decoder_next(kube_ws_decoder_t *d, kube_ws_message_t *ret_msg)
{
	if (d->err)
		return d->err;
	if (d->msg_done) {
		kube_buf_reset(&d->msg);
		d->msg_done = false;
	}
	for (;;) {
		kube_ws_frame_t f;
		size_t avail = d->in.len - d->pos;
		uint8_t *p = (uint8_t *)d->in.data + d->pos;
		int r;

		r = kube_ws_frame_parse(p, avail, &f);
		if (r < 0)
			return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
		if (r == 0)
			return 0;
		if (f.rsv)
			return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
		if ((f.opcode > KUBE_WS_OP_BINARY && f.opcode < KUBE_WS_OP_CLOSE) ||
		    f.opcode > KUBE_WS_OP_PONG)
			return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
		if (f.masked != (d->role == KUBE_WS_SERVER))
			return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
		if ((f.opcode & 0x8) && (!f.fin || f.payload_len > 125))
			return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
		if (f.payload_len > d->max_frame)
			return fail(d, -EMSGSIZE, KUBE_WS_CLOSE_TOO_BIG);
		if (avail - f.header_len < f.payload_len)
			return 0;
		p += f.header_len;
		if (f.masked)
			kube_ws_mask(p, (size_t)f.payload_len, f.mask, 0);
		d->pos += f.header_len + (size_t)f.payload_len;

		if (f.opcode & 0x8) {
			if (f.opcode == KUBE_WS_OP_CLOSE) {
				unsigned code;
				const char *reason;
				size_t rlen;

				if (kube_ws_close_parse(p, (size_t)f.payload_len, &code, &reason,
							&rlen) < 0)
					return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
			}
			ret_msg->opcode = f.opcode;
			ret_msg->data = p;
			ret_msg->len = (size_t)f.payload_len;
			return 1;
		}
		if (f.opcode == KUBE_WS_OP_CONT) {
			if (!d->frag_op)
				return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
		} else {
			if (d->frag_op)
				return fail(d, -EPROTO, KUBE_WS_CLOSE_PROTOCOL);
			if (f.fin) {
				/* whole message in one frame: hand out the input bytes */
				if (f.payload_len > d->max_message)
					return fail(d, -EMSGSIZE, KUBE_WS_CLOSE_TOO_BIG);
				if (f.opcode == KUBE_WS_OP_TEXT &&
				    !kube_ws_utf8_valid(p, (size_t)f.payload_len))
					return fail(d, -EILSEQ, KUBE_WS_CLOSE_INVALID_DATA);
				ret_msg->opcode = f.opcode;
				ret_msg->data = p;
				ret_msg->len = (size_t)f.payload_len;
				return 1;
			}
			d->frag_op = f.opcode;
		}
		if (d->msg.len + f.payload_len > d->max_message)
			return fail(d, -EMSGSIZE, KUBE_WS_CLOSE_TOO_BIG);
		kube_buf_append(&d->msg, p, (size_t)f.payload_len);
		if (f.fin) {
			uint8_t op = d->frag_op;

			d->frag_op = 0;
			d->msg_done = true;
			if (op == KUBE_WS_OP_TEXT &&
			    !kube_ws_utf8_valid((const uint8_t *)d->msg.data, d->msg.len))
				return fail(d, -EILSEQ, KUBE_WS_CLOSE_INVALID_DATA);
			ret_msg->opcode = op;
			ret_msg->data = (const uint8_t *)kube_buf_str(&d->msg);
			ret_msg->len = d->msg.len;
			return 1;
		}
	}
}

/* ---- connection ---- */

struct kube_ws_conn {
	struct bufferevent *bev;
	kube_ws_role_t role;
	kube_ws_decoder_t *dec;
	kube_ws_message_fn on_message;
	kube_ws_closed_fn on_closed;
	void *arg;
	struct event *close_timer;
	int close_timeout_ms;
	bool close_sent;   /* we sent a close frame */
	bool closing_done; /* close exchange done: drain output, then finish */
	bool finished;	   /* on_closed was called */
	int busy;	   /* inside a callback */
	bool free_pending;
	unsigned code;
	char *reason;
};

static void conn_destroy(kube_ws_conn_t *c)
{
	if (c->close_timer)
		event_free(c->close_timer);
	if (c->bev)
		bufferevent_free(c->bev);
	kube_ws_decoder_free(c->dec);
	kube_free(c->reason);
	kube_free(c);
}

void kube_ws_conn_free(kube_ws_conn_t *c)
{
	if (!c)
		return;
	if (c->busy) {
		c->free_pending = true;
		c->finished = true; /* no more callbacks */
		return;
	}
	conn_destroy(c);
}

/* End the connection: drop the transport and tell the owner once. Returns
 * true if the connection was freed meanwhile. */
static bool conn_finish(kube_ws_conn_t *c, unsigned code, const char *reason)
{
	if (c->bev) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	if (c->close_timer)
		event_del(c->close_timer);
	if (c->finished)
		return c->free_pending;
	c->finished = true;
	if (c->on_closed) {
		c->busy++;
		c->on_closed(c, code, reason ? reason : "", c->arg);
		c->busy--;
	}
	return c->free_pending;
}

static void send_frame(kube_ws_conn_t *c, uint8_t opcode, const void *data, size_t len)
{
	kube_buf_t out = KUBE_BUF_INIT;
	uint8_t mask[4];

	if (c->role == KUBE_WS_CLIENT)
		random_bytes(mask, sizeof(mask));
	kube_ws_frame_write(&out, true, opcode, data, len,
			    c->role == KUBE_WS_CLIENT ? mask : NULL);
	bufferevent_write(c->bev, out.data, out.len);
	kube_buf_clear(&out);
}

int kube_ws_conn_send(kube_ws_conn_t *c, uint8_t opcode, const void *data, size_t len)
{
	if (!c->bev || c->close_sent || c->finished)
		return -EPIPE;
	send_frame(c, opcode, data, len);
	return 0;
}

static void send_close(kube_ws_conn_t *c, unsigned code, const char *reason)
{
	kube_buf_t p = KUBE_BUF_INIT;

	if (code == KUBE_WS_CLOSE_NO_STATUS)
		send_frame(c, KUBE_WS_OP_CLOSE, NULL, 0);
	else {
		kube_ws_close_build(&p, code, reason);
		send_frame(c, KUBE_WS_OP_CLOSE, p.data, p.len);
	}
	kube_buf_clear(&p);
	c->close_sent = true;
}

static void close_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_ws_conn_t *c = arg;

	if (conn_finish(c, c->code ? c->code : KUBE_WS_CLOSE_ABNORMAL, c->reason))
		conn_destroy(c);
}

static void arm_close_timer(kube_ws_conn_t *c)
{
	struct timeval tv = { c->close_timeout_ms / 1000, (c->close_timeout_ms % 1000) * 1000 };

	if (!c->close_timer)
		c->close_timer = evtimer_new(bufferevent_get_base(c->bev), close_timeout_cb, c);
	evtimer_add(c->close_timer, &tv);
}

/* Output drained after the close exchange: end the connection. */
static void write_cb(struct bufferevent *bev, void *arg)
{
	kube_ws_conn_t *c = arg;

	if (c->closing_done && conn_finish(c, c->code, c->reason))
		conn_destroy(c);
}

static void set_result(kube_ws_conn_t *c, unsigned code, const char *reason, size_t rlen)
{
	c->code = code;
	kube_free(c->reason);
	c->reason = kube_strndup(reason ? reason : "", rlen);
}

void kube_ws_conn_close(kube_ws_conn_t *c, unsigned code, const char *reason)
{
	if (!c->bev || c->close_sent || c->finished)
		return;
	send_close(c, code, reason);
	set_result(c, code, reason, reason ? strlen(reason) : 0);
	arm_close_timer(c);
}

/* Returns true if the connection was freed. */
static bool handle_input(kube_ws_conn_t *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	kube_ws_message_t m;
	int r;

	while (evbuffer_get_length(in) > 0) {
		size_t n = evbuffer_get_length(in);
		uint8_t *p = evbuffer_pullup(in, (ssize_t)n);

		kube_ws_decoder_feed(c->dec, p, n);
		evbuffer_drain(in, n);
	}
	while (!c->finished && !c->closing_done && (r = kube_ws_decoder_next(c->dec, &m)) != 0) {
		if (r < 0) {
			unsigned code = kube_ws_decoder_close_code(c->dec);

			klog_v(4, "websocket: protocol error %d, closing with %u", r, code);
			if (!c->close_sent)
				send_close(c, code, NULL);
			set_result(c, code, "protocol error", strlen("protocol error"));
			c->closing_done = true;
			break;
		}
		switch (m.opcode) {
		case KUBE_WS_OP_PING:
			if (!c->close_sent)
				send_frame(c, KUBE_WS_OP_PONG, m.data, m.len);
			break;
		case KUBE_WS_OP_PONG:
			break;
		case KUBE_WS_OP_CLOSE: {
			unsigned code = KUBE_WS_CLOSE_NO_STATUS;
			const char *reason = "";
			size_t rlen = 0;

			kube_ws_close_parse(m.data, m.len, &code, &reason, &rlen);
			if (!c->close_sent)
				send_close(c, code, NULL);
			set_result(c, code, reason, rlen);
			c->closing_done = true;
			break;
		}
		default:
			if (c->close_sent)
				break; /* ignore data after our close */
			c->busy++;
			c->on_message(c, m.opcode, m.data, m.len, c->arg);
			c->busy--;
			if (c->free_pending) {
				conn_destroy(c);
				return true;
			}
			break;
		}
	}
	if (c->closing_done && c->bev &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		if (conn_finish(c, c->code, c->reason)) {
			conn_destroy(c);
			return true;
		}
	}
	return false;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	handle_input(arg);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	kube_ws_conn_t *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		unsigned code = c->closing_done || c->close_sent ? c->code : KUBE_WS_CLOSE_ABNORMAL;

		if (!c->closing_done && !c->close_sent)
			set_result(c, KUBE_WS_CLOSE_ABNORMAL, "", 0);
		if (conn_finish(c, code ? code : KUBE_WS_CLOSE_ABNORMAL, c->reason))
			conn_destroy(c);
	}
}

kube_ws_conn_t *kube_ws_conn_new(struct bufferevent *bev, const kube_ws_conn_config_t *cfg,
				 kube_ws_message_fn on_message, kube_ws_closed_fn on_closed,
				 void *arg)
{
	kube_ws_conn_t *c = kube_calloc(1, sizeof(*c));

	c->bev = bev;
	c->role = cfg ? cfg->role : KUBE_WS_SERVER;
	c->dec = kube_ws_decoder_new(c->role, cfg ? cfg->max_frame : 0, cfg ? cfg->max_message : 0);
	c->close_timeout_ms = cfg && cfg->close_timeout_ms > 0 ? cfg->close_timeout_ms : 5000;
	c->on_message = on_message;
	c->on_closed = on_closed;
	c->arg = arg;
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	/* bytes that came with the handshake: parse them from the loop */
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	return c;
}
