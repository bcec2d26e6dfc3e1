/*
 * Tests for net/kube_http: a real server on 127.0.0.1 in a loop thread,
 * driven with raw sockets (HTTP/1.1) and curl (TLS, HTTP/2).
 */
#include "kube_test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "core/kube_log.h"
#include "net/kube_http.h"
#include "net/kube_tls.h"

#define TD "test/unit/testdata/tls/"

/* ---- the server under test, on its own thread ---- */

typedef struct tsrv {
	struct event_base *base;
	kube_http_server_t *srv;
	pthread_t thread;
	int port;
	kube_tls_config_t *tls;
	/* handler state (loop thread writes, test thread polls) */
	kube_http_req_t *held;
	atomic_int closed_calls;
	atomic_int done_calls;
	atomic_int upgraded;
	atomic_int requests;
} tsrv_t;

static tsrv_t S;

static void on_close_cb(kube_http_req_t *req, void *arg)
{
	(void)req;
	(void)arg;
	atomic_fetch_add(&S.closed_calls, 1);
}

/* on_close for streams during shutdown: end the stream. */
static void on_close_end(kube_http_req_t *req, void *arg)
{
	(void)arg;
	atomic_fetch_add(&S.closed_calls, 1);
	if (S.held == req)
		S.held = NULL;
	kube_http_stream_end(req);
}

static void upgraded_read(struct bufferevent *bev, void *arg)
{
	char buf[256];
	size_t n;
	(void)arg;
	while ((n = bufferevent_read(bev, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 32);
		bufferevent_write(bev, buf, n);
	}
}

static void upgraded_event(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

static void upgrade_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	atomic_fetch_add(&S.upgraded, 1);
	bufferevent_setcb(bev, upgraded_read, NULL, upgraded_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	upgraded_read(bev, NULL); /* bytes that came with the request */
}

static void handler(kube_http_req_t *req, void *arg)
{
	const char *path = kube_http_req_path(req);
	(void)arg;

	atomic_fetch_add(&S.requests, 1);
	if (strcmp(path, "/hello") == 0) {
		kube_http_respond(req, 200, "text/plain", "hello", 5);
	} else if (strcmp(path, "/echo") == 0) {
		size_t len;
		const char *body = kube_http_req_body(req, &len);
		char n[32];
		snprintf(n, sizeof(n), "%zu", len);
		kube_http_resp_header(req, "X-Method", kube_http_req_method(req));
		kube_http_resp_header(req, "X-Len", n);
		kube_http_respond(req, 200, "application/octet-stream", body, len);
	} else if (strcmp(path, "/query x") == 0) {
		kube_buf_t b = KUBE_BUF_INIT;
		const char *a = kube_http_req_query_param(req, "a");
		kube_buf_printf(&b, "%s|%s|%s|%s", kube_http_req_path(req), a ? a : "(null)",
				kube_http_req_query(req), kube_http_req_header(req, "X-Test") ?: "");
		kube_http_respond_buf(req, 200, "text/plain", &b);
	} else if (strcmp(path, "/stream") == 0) {
		kube_http_stream_start(req, 200, "application/json");
		kube_http_stream_write(req, "first\n", 6);
		kube_http_req_on_close(req, on_close_end, NULL);
		S.held = req;
	} else if (strcmp(path, "/stream3") == 0) {
		kube_http_stream_start(req, 200, "text/plain");
		kube_http_stream_write(req, "one\n", 4);
		kube_http_stream_write(req, "two\n", 4);
		kube_http_stream_write_ref(req, "three\n", 6, free, strdup("x"));
		kube_http_stream_end(req);
	} else if (strcmp(path, "/big") == 0) {
		static char chunk[16384];
		memset(chunk, 'b', sizeof(chunk));
		kube_http_stream_start(req, 200, "application/octet-stream");
		for (int i = 0; i < 64; i++)
			kube_http_stream_write(req, chunk, sizeof(chunk));
		kube_http_stream_end(req);
	} else if (strcmp(path, "/hang") == 0) {
		kube_http_req_on_close(req, on_close_cb, NULL);
		S.held = req;
	} else if (strcmp(path, "/upgrade") == 0) {
		static const char *const h[] = { "Upgrade", "test", "Connection", "Upgrade", NULL };
		if (kube_http_upgrade(req, h, upgrade_cb, NULL) < 0)
			kube_http_respond(req, 400, "text/plain", "no", 2);
	} else if (strcmp(path, "/cert") == 0) {
		const uint8_t *der;
		size_t len;
		int r = kube_http_req_peer_cert(req, &der, &len);
		char out[64];
		snprintf(out, sizeof(out), "tls=%d cert=%d v=%d", kube_http_req_is_tls(req),
			 r == 0 && len > 0, kube_http_req_version(req));
		kube_http_respond(req, 200, "text/plain", out, strlen(out));
	} else {
		kube_http_respond(req, 404, "text/plain", "nope", 4);
	}
}

static void *loop_thread(void *arg)
{
	(void)arg;
	event_base_loop(S.base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static void srv_start(const kube_http_server_config_t *cfg)
{
	memset(&S, 0, sizeof(S));
	if (getenv("TEST_V"))
		kube_log_set_verbosity(atoi(getenv("TEST_V")));
	kube_loop_init();
	S.base = event_base_new();
	ASSERT_NOT_NULL(S.base);
	S.srv = kube_http_server_new(S.base, cfg, handler, NULL);
	ASSERT_NOT_NULL(S.srv);
	ASSERT_OK(kube_http_server_listen(S.srv, "127.0.0.1", 0, &S.port));
	ASSERT_GT(S.port, 0);
	ASSERT_EQ(pthread_create(&S.thread, NULL, loop_thread, NULL), 0);
}

static void stop_fn(void *arg)
{
	(void)arg;
	kube_http_server_free(S.srv);
	S.srv = NULL;
	if (S.held) {
		/* a request the test left unfinished: finishing it only frees it */
		kube_http_req_t *r = S.held;
		S.held = NULL;
		kube_http_respond(r, 200, NULL, NULL, 0);
	}
	event_base_loopbreak(S.base);
}

static void srv_stop(void)
{
	kube_loop_post(S.base, stop_fn, NULL);
	pthread_join(S.thread, NULL);
	event_base_free(S.base);
	kube_tls_config_free(S.tls);
	S.tls = NULL;
}

/* Run fn on the loop thread and wait for it. */
typedef struct call {
	void (*fn)(void);
	atomic_int done;
} call_t;

static void call_fn(void *arg)
{
	call_t *c = arg;
	c->fn();
	atomic_store(&c->done, 1);
}

static void on_loop(void (*fn)(void))
{
	call_t c = { fn, 0 };
	ASSERT_OK(kube_loop_post(S.base, call_fn, &c));
	for (int i = 0; i < 5000 && !atomic_load(&c.done); i++)
		usleep(1000);
	ASSERT_TRUE(atomic_load(&c.done));
}

static bool wait_for(atomic_int *v, int want)
{
	for (int i = 0; i < 5000; i++) {
		if (atomic_load(v) >= want)
			return true;
		usleep(1000);
	}
	return false;
}

/* ---- a raw HTTP/1.1 client ---- */

typedef struct client {
	int fd;
	char buf[1 << 20];
	size_t len;
} client_t;

typedef struct resp {
	int status;
	char head[4096];
	char *body; /* malloc'd (libc), NUL-terminated */
	size_t body_len;
	bool chunked;
} resp_t;

static client_t *cli_connect(void)
{
	client_t *c = calloc(1, sizeof(*c));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)S.port) };
	struct timeval tv = { 5, 0 };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(c->fd);
		free(c);
		return NULL;
	}
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return c;
}

static void cli_close(client_t *c)
{
	if (c) {
		close(c->fd);
		free(c);
	}
}

static void cli_send(client_t *c, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		data += n;
		len -= (size_t)n;
	}
}

#define SEND(c, s) cli_send((c), (s), strlen(s))

/* Read more bytes; 0 on EOF/timeout. */
static ssize_t cli_fill(client_t *c)
{
	if (c->len >= sizeof(c->buf))
		return -1;
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n > 0)
		c->len += (size_t)n;
	return n;
}

static void cli_consume(client_t *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Wait for n bytes (or EOF); returns whether they are there. */
static bool cli_need(client_t *c, size_t n)
{
	while (c->len < n)
		if (cli_fill(c) <= 0)
			return false;
	return true;
}

/* Is the connection closed by the server (EOF within 5 s)? */
static bool cli_eof(client_t *c)
{
	for (;;) {
		char tmp[4096];
		ssize_t n = recv(c->fd, tmp, sizeof(tmp), 0);
		if (n == 0)
			return true;
		if (n < 0)
			return errno == ECONNRESET;
	}
}

static const char *find_header(const resp_t *r, const char *name)
{
	static char val[512];
	const char *p = r->head;
	size_t nl = strlen(name);
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t l = strcspn(v, "\r\n");
			if (l >= sizeof(val))
				l = sizeof(val) - 1;
			memcpy(val, v, l);
			val[l] = '\0';
			return val;
		}
	}
	return NULL;
}

/* Read one response head (skipping 1xx unless want_1xx). */
static bool cli_read_head(client_t *c, resp_t *r)
{
	char *end;
	memset(r, 0, sizeof(*r));
	for (;;) {
		c->buf[c->len < sizeof(c->buf) ? c->len : sizeof(c->buf) - 1] = '\0';
		end = c->len ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
		if (end)
			break;
		if (cli_fill(c) <= 0)
			return false;
	}
	size_t hl = (size_t)(end - c->buf) + 4;
	size_t copy = hl < sizeof(r->head) ? hl : sizeof(r->head) - 1;
	memcpy(r->head, c->buf, copy);
	r->head[copy] = '\0';
	cli_consume(c, hl);
	r->status = atoi(r->head + 9);
	return true;
}

static bool cli_read_chunk(client_t *c, char **ret, size_t *ret_len)
{
	char *nl;
	for (;;) {
		nl = c->len ? memmem(c->buf, c->len, "\r\n", 2) : NULL;
		if (nl)
			break;
		if (cli_fill(c) <= 0)
			return false;
	}
	size_t size = strtoul(c->buf, NULL, 16);
	size_t hl = (size_t)(nl - c->buf) + 2;
	if (!cli_need(c, hl + size + 2))
		return false;
	*ret = malloc(size + 1);
	memcpy(*ret, c->buf + hl, size);
	(*ret)[size] = '\0';
	*ret_len = size;
	cli_consume(c, hl + size + 2);
	return true;
}

/* Read a whole response: Content-Length, chunked, or to EOF. */
static bool cli_read(client_t *c, resp_t *r)
{
	if (!cli_read_head(c, r))
		return false;
	const char *cl = find_header(r, "Content-Length");
	const char *te = find_header(r, "Transfer-Encoding");
	if (te && strcmp(te, "chunked") == 0) {
		r->chunked = true;
		r->body = calloc(1, 1);
		for (;;) {
			char *ch;
			size_t n;
			if (!cli_read_chunk(c, &ch, &n))
				return false;
			if (n == 0) {
				free(ch);
				return true;
			}
			r->body = realloc(r->body, r->body_len + n + 1);
			memcpy(r->body + r->body_len, ch, n + 1);
			r->body_len += n;
			free(ch);
		}
	}
	size_t len = cl ? strtoul(cl, NULL, 10) : 0;
	if (!cl && r->status >= 200 && r->status != 204 && r->status != 304) {
		while (cli_fill(c) > 0)
			;
		len = c->len;
	}
	if (!cli_need(c, len))
		return false;
	r->body = malloc(len + 1);
	memcpy(r->body, c->buf, len);
	r->body[len] = '\0';
	r->body_len = len;
	cli_consume(c, len);
	return true;
}

static void resp_clear(resp_t *r)
{
	free(r->body);
	r->body = NULL;
}

/* ---- tests ---- */

TEST(keep_alive)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	resp_t r;
	ASSERT_NOT_NULL(c);
	for (int i = 0; i < 3; i++) {
		SEND(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
		ASSERT_TRUE(cli_read(c, &r));
		ASSERT_EQ(r.status, 200);
		ASSERT_STREQ(r.body, "hello");
		ASSERT_STREQ(find_header(&r, "Content-Type"), "text/plain");
		ASSERT_NOT_NULL(find_header(&r, "Date"));
		resp_clear(&r);
	}
	/* HTTP/1.0 without keep-alive closes */
	SEND(c, "GET /hello HTTP/1.0\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(r.body, "hello");
	resp_clear(&r);
	ASSERT_TRUE(cli_eof(c));
	cli_close(c);
	ASSERT_EQ(atomic_load(&S.requests), 4);
	srv_stop();
}

TEST(pipelined_requests)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	resp_t r;
	SEND(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
		"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
		"GET /query%20x?a=b%2Bc+d&z HTTP/1.1\r\nHost: x\r\nX-Test:  v  \r\n\r\n"
		"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
		"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(r.body, "hello");
	resp_clear(&r);
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(r.body, "abcde");
	ASSERT_STREQ(find_header(&r, "X-Method"), "POST");
	resp_clear(&r);
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_STREQ(r.body, "/query x|b+c d|a=b%2Bc+d&z|v");
	resp_clear(&r);
	ASSERT_TRUE(cli_read_head(c, &r)); /* HEAD: length but no body */
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(find_header(&r, "Content-Length"), "5");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_STREQ(r.body, "hello");
	ASSERT_STREQ(find_header(&r, "Connection"), "close");
	resp_clear(&r);
	ASSERT_TRUE(cli_eof(c));
	cli_close(c);
	srv_stop();
}

TEST(chunked_request_body)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	resp_t r;
	SEND(c, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
	usleep(20000);
	SEND(c, "lo\r\n7;ext=1\r\n, world\r\n");
	usleep(20000);
	SEND(c, "0\r\nTrailer: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(r.body, "hello, world");
	ASSERT_STREQ(find_header(&r, "X-Len"), "12");
	resp_clear(&r);
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_STREQ(r.body, "hello");
	resp_clear(&r);
	/* malformed chunk size */
	SEND(c, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 400);
	resp_clear(&r);
	ASSERT_TRUE(cli_eof(c));
	cli_close(c);
	srv_stop();
}

TEST(expect_continue)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	resp_t r;
	SEND(c, "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
	ASSERT_TRUE(cli_read_head(c, &r));
	ASSERT_EQ(r.status, 100);
	SEND(c, "xyz");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(r.body, "xyz");
	resp_clear(&r);
	cli_close(c);
	srv_stop();
}

static void stream_more(void)
{
	ASSERT_NOT_NULL(S.held);
	ASSERT_EQ(kube_http_stream_write(S.held, "more\n", 5), 0);
}

static void stream_finish(void)
{
	kube_http_req_t *r = S.held;
	S.held = NULL;
	kube_http_stream_end(r);
}

TEST(streaming_response)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	resp_t r;
	char *ch;
	size_t n;
	SEND(c, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read_head(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(find_header(&r, "Transfer-Encoding"), "chunked");
	ASSERT_STREQ(find_header(&r, "Content-Type"), "application/json");
	ASSERT_TRUE(cli_read_chunk(c, &ch, &n));
	ASSERT_STREQ(ch, "first\n");
	free(ch);
	on_loop(stream_more);
	ASSERT_TRUE(cli_read_chunk(c, &ch, &n));
	ASSERT_STREQ(ch, "more\n");
	free(ch);
	on_loop(stream_finish);
	ASSERT_TRUE(cli_read_chunk(c, &ch, &n));
	ASSERT_EQ(n, 0);
	free(ch);
	ASSERT_EQ(c->len, 0);
	/* the connection is still usable */
	SEND(c, "GET /stream3 HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_TRUE(r.chunked);
	ASSERT_STREQ(r.body, "one\ntwo\nthree\n");
	resp_clear(&r);
	cli_close(c);
	srv_stop();
}

static const char status_413[] =
	"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	"\"message\":\"the request is too large\",\"reason\":\"RequestEntityTooLarge\",\"code\":413}";

TEST(limits)
{
	kube_http_server_config_t cfg = { .max_header_bytes = 4096, .max_body_bytes = 1000 };
	srv_start(&cfg);
	resp_t r;
	client_t *c = cli_connect();

	/* header too large */
	char *big = malloc(9000);
	memset(big, 'a', 8999);
	big[8999] = '\0';
	SEND(c, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ");
	SEND(c, big);
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 431);
	resp_clear(&r);
	ASSERT_TRUE(cli_eof(c));
	cli_close(c);

	/* Content-Length too large: 413 at once with a Status body */
	c = cli_connect();
	SEND(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 413);
	ASSERT_STREQ(find_header(&r, "Content-Type"), "application/json");
	ASSERT_STREQ(r.body, status_413);
	resp_clear(&r);
	ASSERT_TRUE(cli_eof(c));
	cli_close(c);

	/* chunked body growing too large */
	c = cli_connect();
	SEND(c, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 3; i++) {
		SEND(c, "200\r\n");
		cli_send(c, big, 0x200);
		SEND(c, "\r\n");
	}
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 413);
	resp_clear(&r);
	cli_close(c);

	/* exactly at the limit is fine */
	c = cli_connect();
	SEND(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
	cli_send(c, big, 1000);
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(r.body_len, 1000);
	resp_clear(&r);
	cli_close(c);
	free(big);
	srv_stop();
}

TEST(malformed_requests)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{ "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1 x\r\nHost: x\r\n\r\n", 400 },
		{ "G@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
		{ "GET / HTTP/1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET foo HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-A : x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-A: x\r\n  folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12a\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417 },
		{ "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400 },
	};
	srv_start(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		client_t *c = cli_connect();
		resp_t r;
		SEND(c, cases[i].req);
		if (!cli_read(c, &r))
			kube_test_fail(__FILE__, __LINE__, "case %zu: no response", i);
		if (r.status != cases[i].status)
			kube_test_fail(__FILE__, __LINE__, "case %zu: status %d", i, r.status);
		ASSERT_TRUE(strstr(r.body, "\"kind\":\"Status\"") != NULL);
		ASSERT_STREQ(find_header(&r, "Connection"), "close");
		resp_clear(&r);
		ASSERT_TRUE(cli_eof(c));
		cli_close(c);
	}
	ASSERT_EQ(atomic_load(&S.requests), 0);
	srv_stop();
}

TEST(slowloris_and_idle_timeouts)
{
	kube_http_server_config_t cfg = { .read_timeout_ms = 300, .idle_timeout_ms = 400 };
	srv_start(&cfg);
	resp_t r;
	int64_t t0 = kube_now_ns();
	client_t *c = cli_connect();
	SEND(c, "GET /hello HTTP/1.1\r\nHo");
	usleep(100000);
	SEND(c, "st: x\r\n"); /* trickling does not extend the deadline */
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 408);
	ASSERT_TRUE(strstr(r.body, "\"reason\":\"Timeout\"") != NULL);
	resp_clear(&r);
	ASSERT_TRUE(cli_eof(c));
	int64_t ms = (kube_now_ns() - t0) / 1000000;
	ASSERT_GE(ms, 250);
	ASSERT_LT(ms, 3000);
	cli_close(c);

	/* slow body */
	c = cli_connect();
	SEND(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_EQ(r.status, 408);
	resp_clear(&r);
	cli_close(c);

	/* idle keep-alive connection: closed silently */
	c = cli_connect();
	SEND(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	resp_clear(&r);
	t0 = kube_now_ns();
	ASSERT_TRUE(cli_eof(c));
	ASSERT_EQ(c->len, 0);
	ms = (kube_now_ns() - t0) / 1000000;
	ASSERT_GE(ms, 300);
	cli_close(c);
	srv_stop();
}

static void finish_held(void)
{
	kube_http_req_t *r = S.held;
	S.held = NULL;
	ASSERT_TRUE(kube_http_req_closed(r));
	kube_http_respond(r, 200, "text/plain", "late", 4);
}

TEST(client_disconnect)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	SEND(c, "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(wait_for(&S.requests, 1));
	usleep(20000);
	ASSERT_EQ(atomic_load(&S.closed_calls), 0);
	cli_close(c);
	ASSERT_TRUE(wait_for(&S.closed_calls, 1));
	on_loop(finish_held);

	/* a streaming request is told too, and writes then fail */
	c = cli_connect();
	SEND(c, "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(wait_for(&S.requests, 2));
	shutdown(c->fd, SHUT_WR); /* half-close also means gone */
	ASSERT_TRUE(wait_for(&S.closed_calls, 2));
	on_loop(finish_held);
	cli_close(c);
	ASSERT_EQ(atomic_load(&S.closed_calls), 2);
	srv_stop();
}

TEST(upgrade)
{
	srv_start(NULL);
	client_t *c = cli_connect();
	resp_t r;
	SEND(c, "GET /upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nearly");
	ASSERT_TRUE(cli_read_head(c, &r));
	ASSERT_EQ(r.status, 101);
	ASSERT_STREQ(find_header(&r, "Upgrade"), "test");
	ASSERT_TRUE(cli_need(c, 5));
	ASSERT_MEMEQ(c->buf, "EARLY", 5);
	cli_consume(c, 5);
	SEND(c, "abc");
	ASSERT_TRUE(cli_need(c, 3));
	ASSERT_MEMEQ(c->buf, "ABC", 3);
	ASSERT_EQ(atomic_load(&S.upgraded), 1);
	cli_close(c);
	usleep(20000);
	srv_stop();
}

TEST(max_connections)
{
	kube_http_server_config_t cfg = { .max_connections = 2 };
	srv_start(&cfg);
	client_t *a = cli_connect(), *b = cli_connect();
	resp_t r;
	SEND(a, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read(a, &r));
	resp_clear(&r);
	SEND(b, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read(b, &r));
	resp_clear(&r);
	client_t *c = cli_connect();
	ASSERT_NOT_NULL(c);
	ASSERT_TRUE(cli_eof(c));
	cli_close(c);
	cli_close(a);
	cli_close(b);
	srv_stop();
}

static void do_shutdown_done(void *arg)
{
	(void)arg;
	atomic_fetch_add(&S.done_calls, 1);
}

static void do_shutdown(void)
{
	kube_http_server_shutdown(S.srv, do_shutdown_done, NULL);
}

TEST(graceful_shutdown)
{
	srv_start(NULL);
	client_t *c = cli_connect(), *idle = cli_connect();
	resp_t r;
	char *ch;
	size_t n;
	SEND(c, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read_head(c, &r));
	ASSERT_TRUE(cli_read_chunk(c, &ch, &n));
	free(ch);
	on_loop(do_shutdown);
	/* the watcher is told, ends its stream, the connection closes */
	ASSERT_TRUE(cli_read_chunk(c, &ch, &n));
	ASSERT_EQ(n, 0);
	free(ch);
	ASSERT_TRUE(cli_eof(c));
	ASSERT_TRUE(cli_eof(idle));
	ASSERT_TRUE(wait_for(&S.done_calls, 1));
	ASSERT_EQ(atomic_load(&S.closed_calls), 1);
	/* no new connections */
	ASSERT_NULL(cli_connect());
	cli_close(c);
	cli_close(idle);
	srv_stop();
}

/* ---- TLS and HTTP/2 through curl ---- */

static bool have_curl(void)
{
	return access("/usr/bin/curl", X_OK) == 0;
}

/* Run argv, capture stdout into out; returns the exit status. */
static int run(char *const argv[], char *out, size_t outsz)
{
	int p[2];
	pid_t pid;
	size_t len = 0;
	int st;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		int devnull = open("/dev/null", O_WRONLY);
		if (!getenv("TEST_CURL_STDERR")) dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], out + len, outsz - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void tls_start(kube_tls_client_auth_t auth)
{
	static const char *const alpn[] = { "h2", "http/1.1", NULL };
	kube_tls_options_t o = {
		.server = true,
		.cert_file = TD "server.crt",
		.key_file = TD "server.key",
		.ca_file = auth ? TD "ca.crt" : NULL,
		.client_auth = auth,
		.alpn = alpn,
	};
	kube_tls_config_t *tls = NULL;
	ASSERT_OK(kube_tls_config_new(&o, &tls, NULL));
	kube_http_server_config_t cfg = { .tls = tls };
	srv_start(&cfg);
	S.tls = tls;
}

TEST(tls_http1_and_h2)
{
	char url[128], out[4096];
	if (!have_curl()) {
		printf("skip: no curl\n");
		return;
	}
	tls_start(KUBE_TLS_CLIENT_AUTH_NONE);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/cert", S.port);
	char *h1[] = { "/usr/bin/curl", "-sS", "--http1.1", "--cacert", TD "ca.crt", url, NULL };
	ASSERT_EQ(run(h1, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "tls=1 cert=0 v=11");
	char *h2[] = { "/usr/bin/curl", "-sS", "--http2", "--cacert", TD "ca.crt", url, NULL };
	ASSERT_EQ(run(h2, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "tls=1 cert=0 v=20");
	/* h2: a body, a streamed response, a 1 MiB stream under flow control */
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/echo", S.port);
	char *post[] = { "/usr/bin/curl", "-sS", "--http2", "--cacert", TD "ca.crt",
			 "--data-binary", "payload", url, NULL };
	ASSERT_EQ(run(post, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "payload");
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/stream3", S.port);
	ASSERT_EQ(run(h2, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "one\ntwo\nthree\n");
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/big", S.port);
	char *big[] = { "/usr/bin/curl", "-sS", "--http2", "--cacert", TD "ca.crt", "-o",
			"/dev/null", "-o", "/dev/null", "-w", "%{size_download} %{http_version};",
			url, url, NULL };
	ASSERT_EQ(run(big, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "1048576 2;1048576 2;"); /* two streams, one connection */
	/* an untrusted server name fails verification */
	snprintf(url, sizeof(url), "https://127.0.0.2:%d/cert", S.port);
	char *bad[] = { "/usr/bin/curl", "-sS", "--cacert", TD "other-ca.crt", url, NULL };
	ASSERT_NE(run(bad, out, sizeof(out)), 0);
	srv_stop();
}

TEST(tls_client_cert)
{
	char url[128], out[4096];
	if (!have_curl()) {
		printf("skip: no curl\n");
		return;
	}
	tls_start(KUBE_TLS_CLIENT_AUTH_REQUIRE);
	snprintf(url, sizeof(url), "https://localhost:%d/cert", S.port);
	char *ok[] = { "/usr/bin/curl", "-sS", "--cacert", TD "ca.crt", "--cert", TD "client.crt",
		       "--key", TD "client.key", url, NULL };
	ASSERT_EQ(run(ok, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "tls=1 cert=1 v=20");
	char *none[] = { "/usr/bin/curl", "-sS", "--cacert", TD "ca.crt", url, NULL };
	ASSERT_NE(run(none, out, sizeof(out)), 0);
	char *bad[] = { "/usr/bin/curl", "-sS", "--cacert", TD "ca.crt", "--cert",
			TD "badclient.crt", "--key", TD "badclient.key", url, NULL };
	ASSERT_NE(run(bad, out, sizeof(out)), 0);
	srv_stop();
}

TEST(h2c_prior_knowledge)
{
	char url[128], out[4096];
	if (!have_curl()) {
		printf("skip: no curl\n");
		return;
	}
	srv_start(NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", S.port);
	char *post[] = { "/usr/bin/curl", "-sS", "--http2-prior-knowledge", "-D", "-",
			 "--data-binary", "h2c-body", url, NULL };
	ASSERT_EQ(run(post, out, sizeof(out)), 0);
	ASSERT_TRUE(strncmp(out, "HTTP/2 200", 10) == 0);
	ASSERT_TRUE(strstr(out, "x-method: POST") != NULL);
	ASSERT_TRUE(strstr(out, "\r\n\r\nh2c-body") != NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/big", S.port);
	/* (one URL: curl 7.88 fails to reuse an h2c prior-knowledge
	 * connection, against nginx too) */
	char *big[] = { "/usr/bin/curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null",
			"-w", "%{size_download} %{http_version}", url, NULL };
	ASSERT_EQ(run(big, out, sizeof(out)), 0);
	ASSERT_STREQ(out, "1048576 2");
	/* plain HTTP/1.1 on the same port still works */
	client_t *c = cli_connect();
	resp_t r;
	SEND(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	ASSERT_TRUE(cli_read(c, &r));
	ASSERT_STREQ(r.body, "hello");
	resp_clear(&r);
	cli_close(c);
	srv_stop();
}
