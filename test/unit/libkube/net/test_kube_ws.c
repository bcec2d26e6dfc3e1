#include "kube_test.h"
#include "net/kube_ws.h"

#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

/* RFC 6455 section 5.7 examples. */
static const uint8_t hello_unmasked[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
static const uint8_t hello_masked[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					0x7f, 0x9f, 0x4d, 0x51, 0x58 };
static const uint8_t hel_lo[] = { 0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f };
static const uint8_t ping_hello[] = { 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
static const uint8_t pong_masked[] = { 0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d,
				       0x7f, 0x9f, 0x4d, 0x51, 0x58 };

TEST(ws_accept_key_rfc)
{
	char out[29];

	ASSERT_OK(kube_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out));
	ASSERT_STREQ(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	ASSERT_EQ(kube_ws_accept_key("short", out), -EINVAL);
	ASSERT_EQ(kube_ws_accept_key("!!!!!!!!!!!!!!!!!!!!!!==", out), -EINVAL);
	ASSERT_EQ(kube_ws_accept_key(NULL, out), -EINVAL);
}

TEST(ws_client_key)
{
	char k1[25], k2[25], acc[29];

	kube_ws_client_key(k1);
	kube_ws_client_key(k2);
	ASSERT_EQ(strlen(k1), 24);
	ASSERT_TRUE(strcmp(k1, k2) != 0);
	ASSERT_OK(kube_ws_accept_key(k1, acc));
}

TEST(ws_frame_parse_rfc)
{
	kube_ws_frame_t f;

	ASSERT_EQ(kube_ws_frame_parse(hello_unmasked, 1, &f), 0);
	ASSERT_EQ(kube_ws_frame_parse(hello_unmasked, sizeof(hello_unmasked), &f), 2);
	ASSERT_TRUE(f.fin);
	ASSERT_EQ(f.opcode, KUBE_WS_OP_TEXT);
	ASSERT_FALSE(f.masked);
	ASSERT_EQ(f.payload_len, 5);

	ASSERT_EQ(kube_ws_frame_parse(hello_masked, 5, &f), 0);
	ASSERT_EQ(kube_ws_frame_parse(hello_masked, sizeof(hello_masked), &f), 6);
	ASSERT_TRUE(f.masked);
	ASSERT_EQ(f.mask[0], 0x37);
	ASSERT_EQ(f.mask[3], 0x3d);

	static const uint8_t b256[] = { 0x82, 0x7e, 0x01, 0x00 };
	ASSERT_EQ(kube_ws_frame_parse(b256, sizeof(b256), &f), 4);
	ASSERT_EQ(f.payload_len, 256);
	ASSERT_EQ(f.opcode, KUBE_WS_OP_BINARY);
	static const uint8_t b64k[] = { 0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0 };
	ASSERT_EQ(kube_ws_frame_parse(b64k, sizeof(b64k), &f), 10);
	ASSERT_EQ(f.payload_len, 65536);

	/* non-minimal lengths and the 64-bit top bit are errors */
	static const uint8_t bad16[] = { 0x82, 0x7e, 0x00, 0x05 };
	ASSERT_EQ(kube_ws_frame_parse(bad16, sizeof(bad16), &f), -EPROTO);
	static const uint8_t bad64[] = { 0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	ASSERT_EQ(kube_ws_frame_parse(bad64, sizeof(bad64), &f), -EPROTO);
	static const uint8_t top64[] = { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 1, 0, 0 };
	ASSERT_EQ(kube_ws_frame_parse(top64, sizeof(top64), &f), -EPROTO);
}

TEST(ws_frame_write_roundtrip)
{
	static const uint8_t mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
	static const size_t sizes[] = { 0, 5, 125, 126, 65535, 65536, 70000 };
	kube_buf_t out = KUBE_BUF_INIT;

	kube_ws_frame_write(&out, true, KUBE_WS_OP_TEXT, "Hello", 5, NULL);
	ASSERT_EQ(out.len, sizeof(hello_unmasked));
	ASSERT_MEMEQ(out.data, hello_unmasked, sizeof(hello_unmasked));
	kube_buf_reset(&out);
	kube_ws_frame_write(&out, true, KUBE_WS_OP_TEXT, "Hello", 5, mask);
	ASSERT_EQ(out.len, sizeof(hello_masked));
	ASSERT_MEMEQ(out.data, hello_masked, sizeof(hello_masked));

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t *payload = kube_malloc(sizes[i] + 1);
		kube_ws_frame_t f;
		int h;

		for (size_t k = 0; k < sizes[i]; k++)
			payload[k] = (uint8_t)(k * 7);
		kube_buf_reset(&out);
		kube_ws_frame_write(&out, false, KUBE_WS_OP_BINARY, payload, sizes[i],
				    i % 2 ? mask : NULL);
		h = kube_ws_frame_parse((const uint8_t *)out.data, out.len, &f);
		ASSERT_GT(h, 0);
		ASSERT_FALSE(f.fin);
		ASSERT_EQ(f.payload_len, sizes[i]);
		ASSERT_EQ((size_t)h + sizes[i], out.len);
		if (f.masked)
			kube_ws_mask((uint8_t *)out.data + h, sizes[i], f.mask, 0);
		ASSERT_TRUE(sizes[i] == 0 || memcmp(out.data + h, payload, sizes[i]) == 0);
		kube_free(payload);
	}
	kube_buf_clear(&out);
}

static int decode_all(kube_ws_role_t role, const void *data, size_t len, kube_buf_t *log,
		      size_t max_frame, size_t max_msg, unsigned *ret_code)
{
	kube_ws_decoder_t *d = kube_ws_decoder_new(role, max_frame, max_msg);
	kube_ws_message_t m;
	int r;

	/* feed byte by byte to exercise partial input */
	for (size_t i = 0; i < len; i++) {
		kube_ws_decoder_feed(d, (const uint8_t *)data + i, 1);
		while ((r = kube_ws_decoder_next(d, &m)) == 1) {
			kube_buf_printf(log, "%x:", m.opcode);
			kube_buf_append(log, m.data, m.len);
			kube_buf_putc(log, ';');
		}
		if (r < 0) {
			*ret_code = kube_ws_decoder_close_code(d);
			kube_ws_decoder_free(d);
			return r;
		}
	}
	kube_ws_decoder_free(d);
	return 0;
}

TEST(ws_decoder_table)
{
	static const struct {
		const char *name;
		kube_ws_role_t role;
		const uint8_t *data;
		size_t len;
		int ret;
		unsigned code;
		const char *log;
	} cases[] = {
		{ "client unmasked text", KUBE_WS_CLIENT, hello_unmasked, sizeof(hello_unmasked), 0, 0, "1:Hello;" },
		{ "server masked text", KUBE_WS_SERVER, hello_masked, sizeof(hello_masked), 0, 0, "1:Hello;" },
		{ "server rejects unmasked", KUBE_WS_SERVER, hello_unmasked, sizeof(hello_unmasked), -EPROTO, 1002, "" },
		{ "client rejects masked", KUBE_WS_CLIENT, hello_masked, sizeof(hello_masked), -EPROTO, 1002, "" },
		{ "fragments", KUBE_WS_CLIENT, hel_lo, sizeof(hel_lo), 0, 0, "1:Hello;" },
		{ "ping", KUBE_WS_CLIENT, ping_hello, sizeof(ping_hello), 0, 0, "9:Hello;" },
		{ "masked pong", KUBE_WS_SERVER, pong_masked, sizeof(pong_masked), 0, 0, "a:Hello;" },
		{ "ping between fragments", KUBE_WS_CLIENT,
		  (const uint8_t *)"\x01\x03Hel\x89\x01x\x80\x02lo", 12, 0, 0, "9:x;1:Hello;" },
		{ "continuation without start", KUBE_WS_CLIENT, (const uint8_t *)"\x80\x02lo", 4, -EPROTO, 1002, "" },
		{ "new message inside fragments", KUBE_WS_CLIENT,
		  (const uint8_t *)"\x01\x01H\x81\x01x", 6, -EPROTO, 1002, "" },
		{ "reserved opcode", KUBE_WS_CLIENT, (const uint8_t *)"\x83\x00", 2, -EPROTO, 1002, "" },
		{ "rsv bit", KUBE_WS_CLIENT, (const uint8_t *)"\xc1\x00", 2, -EPROTO, 1002, "" },
		{ "fragmented control", KUBE_WS_CLIENT, (const uint8_t *)"\x09\x00", 2, -EPROTO, 1002, "" },
		{ "long control", KUBE_WS_CLIENT, (const uint8_t *)"\x89\x7e\x00\x7e", 4, -EPROTO, 1002, "" },
		{ "bad utf8", KUBE_WS_CLIENT, (const uint8_t *)"\x81\x02\xc0\xaf", 4, -EILSEQ, 1007, "" },
		{ "utf8 split across fragments", KUBE_WS_CLIENT,
		  (const uint8_t *)"\x01\x01\xc3\x80\x01\xa9", 6, 0, 0, "1:\xc3\xa9;" },
		{ "close with code", KUBE_WS_CLIENT, (const uint8_t *)"\x88\x04\x03\xe8ok", 6, 0, 0, "8:\x03\xe8ok;" },
		{ "close empty", KUBE_WS_CLIENT, (const uint8_t *)"\x88\x00", 2, 0, 0, "8:;" },
		{ "close one byte", KUBE_WS_CLIENT, (const uint8_t *)"\x88\x01\x03", 3, -EPROTO, 1002, "" },
		{ "close code 1005", KUBE_WS_CLIENT, (const uint8_t *)"\x88\x02\x03\xed", 4, -EPROTO, 1002, "" },
		{ "frame too big", KUBE_WS_CLIENT, (const uint8_t *)"\x82\x7e\x01\x00", 4, -EMSGSIZE, 1009, "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_buf_t log = KUBE_BUF_INIT;
		unsigned code = 0;
		int r = decode_all(cases[i].role, cases[i].data, cases[i].len, &log, 200, 1000, &code);

		if (r != cases[i].ret || code != cases[i].code ||
		    strcmp(kube_buf_str(&log), cases[i].log) != 0)
			fprintf(stderr, "case %s: r=%d code=%u log=%s\n", cases[i].name, r, code,
				kube_buf_str(&log));
		ASSERT_EQ(r, cases[i].ret);
		ASSERT_EQ(code, cases[i].code);
		ASSERT_STREQ(kube_buf_str(&log), cases[i].log);
		kube_buf_clear(&log);
	}
}

TEST(ws_decoder_message_limit)
{
	kube_buf_t in = KUBE_BUF_INIT, log = KUBE_BUF_INIT;
	unsigned code = 0;

	/* three 100-byte fragments against a 250-byte message limit */
	char chunk[100];
	memset(chunk, 'a', sizeof(chunk));
	kube_ws_frame_write(&in, false, KUBE_WS_OP_BINARY, chunk, 100, NULL);
	kube_ws_frame_write(&in, false, KUBE_WS_OP_CONT, chunk, 100, NULL);
	kube_ws_frame_write(&in, true, KUBE_WS_OP_CONT, chunk, 100, NULL);
	ASSERT_EQ(decode_all(KUBE_WS_CLIENT, in.data, in.len, &log, 200, 250, &code), -EMSGSIZE);
	ASSERT_EQ(code, 1009);
	kube_buf_reset(&log);
	ASSERT_EQ(decode_all(KUBE_WS_CLIENT, in.data, in.len, &log, 200, 300, &code), 0);
	ASSERT_EQ(log.len, 2 + 300 + 1);
	kube_buf_clear(&in);
	kube_buf_clear(&log);
}

TEST(ws_close_payload)
{
	kube_buf_t p = KUBE_BUF_INIT;
	unsigned code;
	const char *reason;
	size_t rlen;
	char longr[300];

	kube_ws_close_build(&p, 1000, "bye");
	ASSERT_EQ(p.len, 5);
	ASSERT_OK(kube_ws_close_parse((const uint8_t *)p.data, p.len, &code, &reason, &rlen));
	ASSERT_EQ(code, 1000);
	ASSERT_EQ(rlen, 3);
	ASSERT_MEMEQ(reason, "bye", 3);
	memset(longr, 'x', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = 0;
	kube_ws_close_build(&p, 4000, longr);
	ASSERT_EQ(p.len, 125);
	ASSERT_TRUE(kube_ws_close_code_valid(1000));
	ASSERT_TRUE(kube_ws_close_code_valid(4999));
	ASSERT_FALSE(kube_ws_close_code_valid(1004));
	ASSERT_FALSE(kube_ws_close_code_valid(1005));
	ASSERT_FALSE(kube_ws_close_code_valid(1006));
	ASSERT_FALSE(kube_ws_close_code_valid(1015));
	ASSERT_FALSE(kube_ws_close_code_valid(2999));
	ASSERT_FALSE(kube_ws_close_code_valid(5000));
	kube_buf_clear(&p);
}

TEST(ws_utf8)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{ "plain", true }, { "\xc3\xa9", true }, { "\xe2\x82\xac", true },
		{ "\xf0\x9f\x98\x80", true }, { "\xc0\x80", false }, { "\xe0\x80\x80", false },
		{ "\xed\xa0\x80", false }, { "\xf4\x90\x80\x80", false }, { "\xc3", false },
		{ "\x80", false }, { "\xff", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ASSERT_EQ(kube_ws_utf8_valid((const uint8_t *)cases[i].s, strlen(cases[i].s)),
			  cases[i].ok);
}

TEST(ws_subprotocol)
{
	static const char *const sup[] = { KUBE_WS_PROTO_V5_CHANNEL, KUBE_WS_PROTO_V4_CHANNEL,
					   KUBE_WS_PROTO_BASE64_CHANNEL, KUBE_WS_PROTO_CHANNEL, NULL };

	ASSERT_STREQ(kube_ws_select_subprotocol("v4.channel.k8s.io, v5.channel.k8s.io", sup),
		     "v4.channel.k8s.io");
	ASSERT_STREQ(kube_ws_select_subprotocol("foo,  base64.channel.k8s.io ", sup),
		     "base64.channel.k8s.io");
	ASSERT_STREQ(kube_ws_select_subprotocol("channel.k8s.io", sup), "channel.k8s.io");
	ASSERT_NULL(kube_ws_select_subprotocol("v9.channel.k8s.io", sup));
	ASSERT_NULL(kube_ws_select_subprotocol("", sup));
	ASSERT_NULL(kube_ws_select_subprotocol(NULL, sup));
	ASSERT_NULL(kube_ws_select_subprotocol("v4.channel.k8s.i", sup));
}

/* ---- connection over a socketpair ---- */

struct conn_state {
	kube_ws_conn_t *conn;
	kube_buf_t got;
	unsigned closed_code;
	int closed;
	bool echo;
};

static void on_msg(kube_ws_conn_t *c, uint8_t op, const uint8_t *data, size_t len, void *arg)
{
	struct conn_state *s = arg;

	kube_buf_printf(&s->got, "%x:", op);
	kube_buf_append(&s->got, data, len);
	kube_buf_putc(&s->got, ';');
	if (s->echo)
		kube_ws_conn_send(c, op, data, len);
	else if (len == 3 && memcmp(data, "end", 3) == 0)
		kube_ws_conn_close(c, 4000, "done");
}

static void on_closed(kube_ws_conn_t *c, unsigned code, const char *reason, void *arg)
{
	struct conn_state *s = arg;

	s->closed++;
	s->closed_code = code;
}

TEST(ws_conn_echo_and_close)
{
	struct event_base *base = event_base_new();
	int sv[2];
	struct conn_state srv = { .echo = true }, cli = { 0 };
	kube_ws_conn_config_t scfg = { .role = KUBE_WS_SERVER }, ccfg = { .role = KUBE_WS_CLIENT };
	struct bufferevent *b0, *b1;

	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	b0 = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	b1 = bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	srv.conn = kube_ws_conn_new(b0, &scfg, on_msg, on_closed, &srv);
	cli.conn = kube_ws_conn_new(b1, &ccfg, on_msg, on_closed, &cli);
	ASSERT_OK(kube_ws_conn_send(cli.conn, KUBE_WS_OP_TEXT, "hi", 2));
	ASSERT_OK(kube_ws_conn_send(cli.conn, KUBE_WS_OP_BINARY, "end", 3));
	event_base_dispatch(base);
	/* server echoed both; the client closed with 4000 on "end" */
	ASSERT_STREQ(kube_buf_str(&srv.got), "1:hi;2:end;");
	ASSERT_STREQ(kube_buf_str(&cli.got), "1:hi;2:end;");
	ASSERT_EQ(srv.closed, 1);
	ASSERT_EQ(cli.closed, 1);
	ASSERT_EQ(srv.closed_code, 4000);
	ASSERT_EQ(cli.closed_code, 4000);
	ASSERT_EQ(kube_ws_conn_send(cli.conn, KUBE_WS_OP_TEXT, "x", 1), -EPIPE);
	kube_ws_conn_free(srv.conn);
	kube_ws_conn_free(cli.conn);
	kube_buf_clear(&srv.got);
	kube_buf_clear(&cli.got);
	event_base_free(base);
}

TEST(ws_conn_protocol_error)
{
	struct event_base *base = event_base_new();
	int sv[2];
	struct conn_state srv = { 0 };
	kube_ws_conn_config_t scfg = { .role = KUBE_WS_SERVER };
	struct bufferevent *b0;
	uint8_t reply[16];
	ssize_t n;

	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	b0 = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	srv.conn = kube_ws_conn_new(b0, &scfg, on_msg, on_closed, &srv);
	/* an unmasked frame from a client is a protocol error */
	ASSERT_EQ(write(sv[1], hello_unmasked, sizeof(hello_unmasked)), (ssize_t)sizeof(hello_unmasked));
	event_base_dispatch(base);
	ASSERT_EQ(srv.closed, 1);
	ASSERT_EQ(srv.closed_code, 1002);
	n = read(sv[1], reply, sizeof(reply));
	ASSERT_GE(n, 4);
	ASSERT_EQ(reply[0], 0x88);
	ASSERT_EQ(reply[2], 0x03);
	ASSERT_EQ(reply[3], 0xea);
	close(sv[1]);
	kube_ws_conn_free(srv.conn);
	kube_buf_clear(&srv.got);
	event_base_free(base);
}

TEST(ws_handshake_checks)
{
	static const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
	static const struct {
		const char *method;
		int ver;
		const char *upgrade, *connection, *version, *key;
		int want;
	} srv[] = {
		{ "GET", 11, "websocket", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==", 0 },
		{ "GET", 11, "WebSocket", "keep-alive, Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==", 0 },
		{ "POST", 11, "websocket", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==", -EINVAL },
		{ "GET", 10, "websocket", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==", -EINVAL },
		{ "GET", 11, "h2c", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==", -EINVAL },
		{ "GET", 11, "websocket", "close", "13", "dGhlIHNhbXBsZSBub25jZQ==", -EINVAL },
		{ "GET", 11, "websocket", "Upgrade", "8", "dGhlIHNhbXBsZSBub25jZQ==", -EPROTONOSUPPORT },
		{ "GET", 11, "websocket", "Upgrade", "13", "short", -EINVAL },
		{ "GET", 11, NULL, NULL, NULL, NULL, -EINVAL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(srv); i++)
		ASSERT_EQ(kube_ws_server_check(srv[i].method, srv[i].ver, srv[i].upgrade,
					       srv[i].connection, srv[i].version, srv[i].key),
			  srv[i].want);
	ASSERT_OK(kube_ws_client_check(key, 101, "websocket", "Upgrade",
				       "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
	ASSERT_EQ(kube_ws_client_check(key, 200, "websocket", "Upgrade",
				       "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), -EPROTO);
	ASSERT_EQ(kube_ws_client_check(key, 101, "websocket", "Upgrade", "wrong"), -EPROTO);
	ASSERT_EQ(kube_ws_client_check(key, 101, NULL, "Upgrade", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
		  -EPROTO);
}

/* ---- a whole client session: HTTP upgrade through kube_http_client, then
 * kube_ws_conn, against a raw-socket server thread using the codec ---- */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>

#include "net/kube_http_client.h"

struct ws_server {
	int lfd, port;
	pthread_t thr;
	char protocol[64];
};

static void *ws_server_main(void *arg)
{
	struct ws_server *s = arg;
	char buf[4096] = "", resp[512], acc[29], key[64] = "";
	size_t have = 0;
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	kube_ws_decoder_t *d;
	kube_ws_message_t m;
	kube_buf_t out = KUBE_BUF_INIT;
	bool closed = false;

	if (fd < 0)
		return NULL;
	while (!strstr(buf, "\r\n\r\n") && have < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = 0;
	}
	char *k = strcasestr(buf, "Sec-WebSocket-Key: ");
	if (k)
		sscanf(k + 19, "%63[^\r]", key);
	char *pr = strcasestr(buf, "Sec-WebSocket-Protocol: ");
	static const char *const sup[] = { KUBE_WS_PROTO_V5_CHANNEL, KUBE_WS_PROTO_V4_CHANNEL, NULL };
	char offered[128] = "";
	if (pr)
		sscanf(pr + 24, "%127[^\r]", offered);
	const char *chosen = kube_ws_select_subprotocol(offered, sup);
	if (kube_ws_accept_key(key, acc) < 0 || !chosen) {
		close(fd);
		return NULL;
	}
	snprintf(s->protocol, sizeof(s->protocol), "%s", chosen);
	snprintf(resp, sizeof(resp),
		 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: %s\r\n\r\n", acc, chosen);
	write(fd, resp, strlen(resp));
	/* channel 1 (stdout) greeting right after the head */
	kube_ws_frame_write(&out, true, KUBE_WS_OP_BINARY, "\x01hello", 6, NULL);
	write(fd, out.data, out.len);
	d = kube_ws_decoder_new(KUBE_WS_SERVER, 0, 0);
	while (!closed) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r <= 0)
			break;
		kube_ws_decoder_feed(d, buf, (size_t)r);
		int rr;
		while ((rr = kube_ws_decoder_next(d, &m)) == 1) {
			kube_buf_reset(&out);
			if (m.opcode == KUBE_WS_OP_CLOSE) {
				kube_ws_frame_write(&out, true, KUBE_WS_OP_CLOSE, m.data, m.len, NULL);
				closed = true;
			} else {
				kube_ws_frame_write(&out, true, m.opcode, m.data, m.len, NULL);
			}
			write(fd, out.data, out.len);
		}
		if (rr < 0)
			break;
	}
	kube_ws_decoder_free(d);
	kube_buf_clear(&out);
	close(fd);
	return NULL;
}

struct cli_state {
	kube_buf_t got;
	int msgs;
	int closed;
	unsigned code;
};

static void cli_msg(kube_ws_conn_t *c, uint8_t op, const uint8_t *data, size_t len, void *arg)
{
	struct cli_state *s = arg;

	s->msgs++;
	kube_buf_append(&s->got, data, len);
	kube_buf_putc(&s->got, '|');
	if (s->msgs == 2)
		kube_ws_conn_close(c, KUBE_WS_CLOSE_NORMAL, "bye");
}

static void cli_closed(kube_ws_conn_t *c, unsigned code, const char *reason, void *arg)
{
	struct cli_state *s = arg;

	s->closed++;
	s->code = code;
}

TEST(ws_client_over_http_upgrade)
{
	struct ws_server s = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	char key[25];
	kube_http_client_t *c;
	kube_http_response_t r = { 0 };
	struct cli_state st = { 0 };
	kube_ws_conn_config_t cfg = { .role = KUBE_WS_CLIENT };
	kube_ws_conn_t *ws;

	s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_OK(bind(s.lfd, (struct sockaddr *)&sin, sizeof(sin)));
	getsockname(s.lfd, (struct sockaddr *)&sin, &sl);
	s.port = ntohs(sin.sin_port);
	listen(s.lfd, 4);
	pthread_create(&s.thr, NULL, ws_server_main, &s);

	kube_ws_client_key(key);
	const char *hdrs[] = { "Upgrade", "websocket", "Connection", "Upgrade",
			       "Sec-WebSocket-Key", key, "Sec-WebSocket-Version", "13",
			       "Sec-WebSocket-Protocol", "v4.channel.k8s.io, v5.channel.k8s.io", NULL };
	_cleanup_free_ char *u = kube_asprintf("http://127.0.0.1:%d/api/v1/namespaces/default/pods/p/exec",
					      s.port);
	kube_http_request_t req = { .url = u, .headers = hdrs };
	c = kube_http_client_new(NULL, NULL);
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_OK(kube_ws_client_check(key, r.status, kube_http_response_header(&r, "Upgrade"),
				       kube_http_response_header(&r, "Connection"),
				       kube_http_response_header(&r, "Sec-WebSocket-Accept")));
	ASSERT_STREQ(kube_http_response_header(&r, "Sec-WebSocket-Protocol"), "v4.channel.k8s.io");
	ws = kube_ws_conn_new(TAKE_PTR(r.upgraded), &cfg, cli_msg, cli_closed, &st);
	kube_http_response_clear(&r);
	ASSERT_OK(kube_ws_conn_send(ws, KUBE_WS_OP_BINARY, "\x00ls\n", 4));
	for (int i = 0; i < 500 && !st.closed; i++)
		event_base_loop(kube_http_client_base(c), EVLOOP_ONCE);
	ASSERT_EQ(st.closed, 1);
	ASSERT_EQ(st.code, KUBE_WS_CLOSE_NORMAL);
	ASSERT_EQ(st.msgs, 2);
	ASSERT_EQ(st.got.len, 6 + 1 + 4 + 1);
	ASSERT_MEMEQ(st.got.data, "\x01hello|\x00ls\n|", 12);
	kube_ws_conn_free(ws);
	kube_http_client_free(c);
	pthread_join(s.thr, NULL);
	close(s.lfd);
	ASSERT_STREQ(s.protocol, "v4.channel.k8s.io");
	kube_buf_clear(&st.got);
}
