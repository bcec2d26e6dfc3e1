#include "kube_test.h"
#include "net/kube_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

/*
 * A small scripted HTTP/1.1 server on raw sockets: one thread accepts, one
 * thread per connection answers by path, keep-alive until the client closes.
 */
struct test_server {
	int lfd;
	int port;
	char unix_path[108];
	pthread_t accept_thr;
	pthread_t conn_thr[64];
	atomic_int n_conns;
	atomic_bool stop;
};

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void writes(int fd, const char *s)
{
	write_all(fd, s, strlen(s));
}

/* Read one request; returns 0 or -1 on EOF. path and body are filled. */
static int read_request(int fd, char *buf, size_t cap, size_t *have, char *method, char *path,
			char **ret_body, size_t *ret_blen)
{
	char *end;
	size_t head, clen = 0;

	for (;;) {
		buf[*have] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (end)
			break;
		ssize_t r = recv(fd, buf + *have, cap - 1 - *have, 0);
		if (r <= 0)
			return -1;
		*have += (size_t)r;
	}
	head = (size_t)(end - buf) + 4;
	if (sscanf(buf, "%15s %255s", method, path) != 2)
		return -1;
	char *cl = strcasestr(buf, "\r\nContent-Length:");
	if (cl && cl < end)
		clen = strtoul(cl + 17, NULL, 10);
	while (*have < head + clen) {
		ssize_t r = recv(fd, buf + *have, cap - 1 - *have, 0);
		if (r <= 0)
			return -1;
		*have += (size_t)r;
	}
	*ret_body = malloc(clen + 1);
	memcpy(*ret_body, buf + head, clen);
	(*ret_body)[clen] = 0;
	*ret_blen = clen;
	memmove(buf, buf + head + clen, *have - head - clen);
	*have -= head + clen;
	return 0;
}

static void *conn_main(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static char bufs[64][65536];
	static atomic_int slot;
	char *buf = bufs[atomic_fetch_add(&slot, 1) % 64];
	size_t have = 0;
	char method[16], path[256];
	char *body;
	size_t blen;

	while (read_request(fd, buf, 65536, &have, method, path, &body, &blen) == 0) {
		char hdr[512];
		bool close_after = false;

		if (!strcmp(path, "/hello")) {
			writes(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: a b \r\n\r\nhello");
		} else if (!strcmp(path, "/hello-close-after")) {
			writes(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
			close_after = true; /* server drops the idle connection */
		} else if (!strcmp(path, "/conn-close")) {
			writes(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
			close_after = true;
		} else if (!strcmp(path, "/chunked")) {
			writes(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n");
		} else if (!strcmp(path, "/until-close")) {
			writes(fd, "HTTP/1.0 200 OK\r\n\r\nuntil close");
			close_after = true;
		} else if (!strcmp(path, "/echo")) {
			snprintf(hdr, sizeof(hdr), "HTTP/1.1 201 Created\r\nContent-Length: %zu\r\nX-Method: %s\r\n\r\n",
				 blen, method);
			writes(fd, hdr);
			write_all(fd, body, blen);
		} else if (!strcmp(path, "/slow")) {
			usleep(600 * 1000);
			writes(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
		} else if (!strcmp(path, "/stream")) {
			writes(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
			for (int i = 0; i < 4; i++) {
				snprintf(hdr, sizeof(hdr), "6\r\nevent%d\r\n", i);
				writes(fd, hdr);
				usleep(30 * 1000);
			}
			writes(fd, "0\r\n\r\n");
		} else if (!strcmp(path, "/big")) {
			char *big = malloc(200000);
			memset(big, 'b', 200000);
			writes(fd, "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n");
			write_all(fd, big, 200000);
			free(big);
		} else if (!strcmp(path, "/continue")) {
			writes(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
		} else if (!strcmp(path, "/bad")) {
			writes(fd, "HTTP/1.1 abc\r\n\r\n");
			close_after = true;
		} else if (!strcmp(path, "/bad-chunk")) {
			writes(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
			close_after = true;
		} else if (!strcmp(path, "/huge-header")) {
			writes(fd, "HTTP/1.1 200 OK\r\nX-Big: ");
			char *big = malloc(100000);
			memset(big, 'h', 100000);
			write_all(fd, big, 100000);
			free(big);
			writes(fd, "\r\nContent-Length: 0\r\n\r\n");
		} else if (!strcmp(path, "/truncated")) {
			writes(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
			close_after = true;
		} else if (!strcmp(path, "/upgrade")) {
			writes(fd, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nearly");
			/* then echo raw bytes back until EOF */
			for (;;) {
				char b[256];
				ssize_t r = recv(fd, b, sizeof(b), 0);
				if (r <= 0)
					break;
				write_all(fd, b, (size_t)r);
			}
			close_after = true;
		} else {
			writes(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
		}
		free(body);
		if (close_after)
			break;
	}
	close(fd);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct test_server *s = arg;

	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		int n;

		if (fd < 0 || atomic_load(&s->stop)) {
			if (fd >= 0)
				close(fd);
			break;
		}
		n = atomic_fetch_add(&s->n_conns, 1);
		if (n >= 64) {
			close(fd);
			continue;
		}
		pthread_create(&s->conn_thr[n], NULL, conn_main, (void *)(intptr_t)fd);
	}
	return NULL;
}

static void server_start(struct test_server *s, bool unix_sock)
{
	memset(s, 0, sizeof(*s));
	if (unix_sock) {
		struct sockaddr_un un = { .sun_family = AF_UNIX };

		snprintf(s->unix_path, sizeof(s->unix_path), "/tmp/kube-http-test-%d.sock", getpid());
		unlink(s->unix_path);
		kube_strlcpy(un.sun_path, s->unix_path, sizeof(un.sun_path));
		s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (bind(s->lfd, (struct sockaddr *)&un, sizeof(un)) < 0)
			abort();
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sin);

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			abort();
		getsockname(s->lfd, (struct sockaddr *)&sin, &sl);
		s->port = ntohs(sin.sin_port);
	}
	listen(s->lfd, 64);
	pthread_create(&s->accept_thr, NULL, accept_main, s);
}

static void server_stop(struct test_server *s)
{
	atomic_store(&s->stop, true);
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->accept_thr, NULL);
	close(s->lfd);
	for (int i = 0; i < KUBE_MIN(atomic_load(&s->n_conns), 64); i++)
		pthread_join(s->conn_thr[i], NULL);
	if (s->unix_path[0])
		unlink(s->unix_path);
}

static char *url(struct test_server *s, const char *path)
{
	return kube_asprintf("http://127.0.0.1:%d%s", s->port, path);
}

static int get(kube_http_client_t *c, struct test_server *s, const char *path,
	       kube_http_response_t *resp)
{
	_cleanup_free_ char *u = url(s, path);
	kube_http_request_t req = { .url = u };

	return kube_http_client_do(c, &req, resp);
}

TEST(http_client_get_and_reuse)
{
	struct test_server s;
	kube_http_client_t *c;
	kube_http_response_t r = { 0 };

	server_start(&s, false);
	c = kube_http_client_new(NULL, NULL);
	for (int i = 0; i < 3; i++) {
		ASSERT_OK(get(c, &s, "/hello", &r));
		ASSERT_EQ(r.status, 200);
		ASSERT_EQ(r.version, 11);
		ASSERT_STREQ(kube_buf_str(&r.body), "hello");
		ASSERT_STREQ(kube_http_response_header(&r, "x-test"), "a b");
		ASSERT_NULL(kube_http_response_header(&r, "missing"));
		kube_http_response_clear(&r);
		ASSERT_EQ(kube_http_client_idle_connections(c), 1);
	}
	/* three requests, one connection */
	ASSERT_EQ(atomic_load(&s.n_conns), 1);
	ASSERT_OK(get(c, &s, "/nope", &r));
	ASSERT_EQ(r.status, 404);
	ASSERT_STREQ(kube_buf_str(&r.body), "not found");
	kube_http_response_clear(&r);
	ASSERT_EQ(atomic_load(&s.n_conns), 1);
	/* a request saying Connection: close does not go back to the pool */
	static const char *const close_hdr[] = { "Connection", "close", NULL };
	_cleanup_free_ char *u = url(&s, "/hello");
	kube_http_request_t creq = { .url = u, .headers = close_hdr };
	ASSERT_OK(kube_http_client_do(c, &creq, &r));
	ASSERT_EQ(r.status, 200);
	kube_http_response_clear(&r);
	ASSERT_EQ(kube_http_client_idle_connections(c), 0);
	kube_http_client_free(c);
	server_stop(&s);
}

TEST(http_client_body_framings)
{
	static const struct {
		const char *path;
		int status;
		const char *body;
		size_t idle_after;
	} cases[] = {
		{ "/chunked", 200, "hello 0123456789", 1 },
		{ "/until-close", 200, "until close", 0 },
		{ "/conn-close", 200, "ok", 0 },
		{ "/continue", 204, "", 1 },
	};
	struct test_server s;

	server_start(&s, false);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_http_client_t *c = kube_http_client_new(NULL, NULL);
		kube_http_response_t r = { 0 };

		ASSERT_OK(get(c, &s, cases[i].path, &r));
		ASSERT_EQ(r.status, cases[i].status);
		ASSERT_STREQ(kube_buf_str(&r.body), cases[i].body);
		ASSERT_EQ(kube_http_client_idle_connections(c), cases[i].idle_after);
		kube_http_response_clear(&r);
		kube_http_client_free(c);
	}
	server_stop(&s);
}

TEST(http_client_post_body)
{
	struct test_server s;
	kube_http_client_t *c;
	kube_http_response_t r = { 0 };
	_cleanup_free_ char *u = NULL;
	static const char *const hdrs[] = { "Content-Type", "application/json", NULL };
	char *big = kube_malloc(50000);

	server_start(&s, false);
	u = url(&s, "/echo");
	c = kube_http_client_new(NULL, NULL);
	kube_http_request_t req = { .method = "POST", .url = u, .headers = hdrs,
				    .body = "{\"a\":1}", .body_len = 7 };
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.status, 201);
	ASSERT_STREQ(kube_buf_str(&r.body), "{\"a\":1}");
	ASSERT_STREQ(kube_http_response_header(&r, "X-Method"), "POST");
	kube_http_response_clear(&r);

	memset(big, 'x', 50000);
	req.method = "PUT";
	req.body = big;
	req.body_len = 50000;
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.body.len, 50000);
	ASSERT_MEMEQ(r.body.data, big, 50000);
	kube_http_response_clear(&r);

	/* an empty POST still sends Content-Length: 0 */
	req.method = "POST";
	req.body = NULL;
	req.body_len = 0;
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.status, 201);
	ASSERT_EQ(r.body.len, 0);
	kube_http_response_clear(&r);
	ASSERT_EQ(atomic_load(&s.n_conns), 1);

	ASSERT_OK(get(c, &s, "/big", &r));
	ASSERT_EQ(r.body.len, 200000);
	kube_http_response_clear(&r);
	kube_free(big);
	kube_http_client_free(c);
	server_stop(&s);
}

struct stream_state {
	int calls;
	kube_buf_t got;
	int status;
};

static int on_data(const kube_http_response_t *resp, const void *data, size_t len, void *arg)
{
	struct stream_state *st = arg;

	st->calls++;
	st->status = resp->status;
	kube_buf_append(&st->got, data, len);
	return 0;
}

static int on_data_abort(const kube_http_response_t *resp, const void *data, size_t len, void *arg)
{
	on_data(resp, data, len, arg);
	return -ECANCELED;
}

TEST(http_client_streaming)
{
	struct test_server s;
	kube_http_client_t *c;
	kube_http_response_t r = { 0 };
	struct stream_state st = { 0 };
	_cleanup_free_ char *u = NULL;

	server_start(&s, false);
	u = url(&s, "/stream");
	c = kube_http_client_new(NULL, NULL);
	kube_http_request_t req = { .url = u, .on_data = on_data, .data_arg = &st };
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(r.body.len, 0);
	ASSERT_EQ(st.status, 200);
	ASSERT_STREQ(kube_buf_str(&st.got), "event0event1event2event3");
	ASSERT_GE(st.calls, 2); /* delivered as it arrived, not at the end */
	kube_http_response_clear(&r);
	kube_buf_clear(&st.got);

	/* on_data's error ends the call */
	memset(&st, 0, sizeof(st));
	req.on_data = on_data_abort;
	ASSERT_EQ(kube_http_client_do(c, &req, &r), -ECANCELED);
	ASSERT_EQ(st.calls, 1);
	kube_buf_clear(&st.got);
	kube_http_client_free(c);
	server_stop(&s);
}

TEST(http_client_errors)
{
	static const struct {
		const char *path;
		int err;
	} cases[] = {
		{ "/bad", -EPROTO },
		{ "/bad-chunk", -EPROTO },
		{ "/huge-header", -EMSGSIZE },
		{ "/truncated", -ECONNRESET },
		{ "/big", -EMSGSIZE },
	};
	struct test_server s;
	kube_http_client_config_t cfg = { .max_header_bytes = 50000, .max_body_bytes = 100000 };
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;

	server_start(&s, false);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		c = kube_http_client_new(NULL, &cfg);
		ASSERT_EQ(get(c, &s, cases[i].path, &r), cases[i].err);
		ASSERT_EQ(r.status, 0);
		kube_http_client_free(c);
	}

	/* bad URLs and headers are refused up front */
	c = kube_http_client_new(NULL, NULL);
	static const char *const bad_urls[] = { "ftp://x/", "http://", "http:///x", "http://h:99999/",
						"http://h:x/", "http://a b/", "http://u@h/", "http://h/\r\n" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_urls); i++) {
		kube_http_request_t req = { .url = bad_urls[i] };
		ASSERT_EQ(kube_http_client_do(c, &req, &r), -EINVAL);
	}
	static const char *const bad_hdr[] = { "X-A", "v\r\nInjected: 1", NULL };
	_cleanup_free_ char *u = url(&s, "/hello");
	kube_http_request_t req = { .url = u, .headers = bad_hdr };
	ASSERT_EQ(kube_http_client_do(c, &req, &r), -EINVAL);
	req.headers = NULL;
	req.method = "GE T";
	ASSERT_EQ(kube_http_client_do(c, &req, &r), -EINVAL);
	kube_http_client_free(c);
	server_stop(&s);
}

TEST(http_client_refused_and_timeout)
{
	struct test_server s;
	kube_http_client_config_t cfg = { .timeout_ms = 200 };
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;
	int port, fd;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int64_t t0;

	/* a port nobody listens on: bind, read the port, close */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(fd);
	c = kube_http_client_new(NULL, NULL);
	_cleanup_free_ char *u = kube_asprintf("http://127.0.0.1:%d/", port);
	kube_http_request_t req = { .url = u };
	ASSERT_EQ(kube_http_client_do(c, &req, &r), -ECONNREFUSED);
	kube_http_client_free(c);

	server_start(&s, false);
	c = kube_http_client_new(NULL, &cfg);
	t0 = kube_now_ns();
	ASSERT_EQ(get(c, &s, "/slow", &r), -ETIMEDOUT);
	ASSERT_LT(kube_now_ns() - t0, 500 * 1000000LL);
	/* the per-request timeout overrides the client's */
	_cleanup_free_ char *u2 = url(&s, "/slow");
	kube_http_request_t req2 = { .url = u2, .timeout_ms = 3000 };
	ASSERT_OK(kube_http_client_do(c, &req2, &r));
	ASSERT_EQ(r.status, 200);
	kube_http_response_clear(&r);
	kube_http_client_free(c);

	/* idle timeout: no byte for 200 ms */
	kube_http_client_config_t icfg = { .idle_timeout_ms = 200 };
	c = kube_http_client_new(NULL, &icfg);
	ASSERT_EQ(get(c, &s, "/slow", &r), -ETIMEDOUT);
	ASSERT_OK(get(c, &s, "/stream", &r)); /* 30 ms gaps are fine */
	kube_http_response_clear(&r);
	kube_http_client_free(c);
	server_stop(&s);
}

TEST(http_client_stale_connection_retry)
{
	struct test_server s;
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;

	server_start(&s, false);
	c = kube_http_client_new(NULL, NULL);
	ASSERT_OK(get(c, &s, "/hello-close-after", &r));
	kube_http_response_clear(&r);
	ASSERT_EQ(kube_http_client_idle_connections(c), 1);
	usleep(50 * 1000); /* the server has closed it by now */
	ASSERT_OK(get(c, &s, "/hello", &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(kube_buf_str(&r.body), "hello");
	kube_http_response_clear(&r);
	ASSERT_EQ(atomic_load(&s.n_conns), 2);
	kube_http_client_free(c);
	server_stop(&s);
}

TEST(http_client_unix_socket)
{
	struct test_server s;
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;

	server_start(&s, true);
	kube_http_client_config_t cfg = { .unix_socket = s.unix_path };
	c = kube_http_client_new(NULL, &cfg);
	kube_http_request_t req = { .url = "http://localhost/hello" };
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(kube_buf_str(&r.body), "hello");
	kube_http_response_clear(&r);
	kube_http_client_free(c);
	server_stop(&s);
}

TEST(http_client_upgrade)
{
	struct test_server s;
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;
	char buf[64];
	size_t n;

	server_start(&s, false);
	c = kube_http_client_new(NULL, NULL);
	ASSERT_OK(get(c, &s, "/upgrade", &r));
	ASSERT_EQ(r.status, 101);
	ASSERT_NOT_NULL(r.upgraded);
	ASSERT_STREQ(kube_http_response_header(&r, "Upgrade"), "test");
	/* bytes after the head stay in the handed-over connection */
	bufferevent_write(r.upgraded, "ping", 4);
	bufferevent_enable(r.upgraded, EV_READ);
	for (int i = 0; i < 100 && evbuffer_get_length(bufferevent_get_input(r.upgraded)) < 9; i++)
		event_base_loop(kube_http_client_base(c), EVLOOP_ONCE);
	n = bufferevent_read(r.upgraded, buf, sizeof(buf) - 1);
	buf[n] = 0;
	ASSERT_STREQ(buf, "earlyping");
	kube_http_response_clear(&r);
	ASSERT_EQ(kube_http_client_idle_connections(c), 0);
	kube_http_client_free(c);
	server_stop(&s);
}

/* Async API on a caller's base: several calls in flight at once. */
struct async_state {
	int done;
	int ok;
	int want;
	struct event_base *base;
};

static void async_done(kube_http_call_t *call, int err, kube_http_response_t *resp, void *arg)
{
	struct async_state *st = arg;

	st->done++;
	if (!err && resp->status == 200 && !strcmp(kube_buf_str(&resp->body), "hello"))
		st->ok++;
	if (st->done == 5)
		event_base_loopbreak(st->base);
}

TEST(http_client_async_parallel)
{
	struct test_server s;
	struct event_base *base = event_base_new();
	kube_http_client_t *c;
	struct async_state st = { .base = base };
	int err = 0;

	server_start(&s, false);
	c = kube_http_client_new(base, NULL);
	_cleanup_free_ char *u = url(&s, "/hello");
	kube_http_request_t req = { .url = u };
	for (int i = 0; i < 5; i++)
		ASSERT_NOT_NULL(kube_http_client_start(c, &req, async_done, &st, &err));
	/* a cancelled call never calls back */
	kube_http_call_cancel(kube_http_client_start(c, &req, async_done, &st, &err));
	event_base_dispatch(base);
	ASSERT_EQ(st.done, 5);
	ASSERT_EQ(st.ok, 5);
	ASSERT_EQ(kube_http_client_idle_connections(c), 5);
	/* a call still in flight at free is cancelled */
	ASSERT_NOT_NULL(kube_http_client_start(c, &req, async_done, &st, &err));
	kube_http_client_free(c);
	ASSERT_EQ(st.done, 5);
	event_base_free(base);
	server_stop(&s);
}

/* ---- HTTP/2 against nginx (nginx-light has http_v2 and ssl) ---- */

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct nginx {
	pid_t pid;
	int port;
	char dir[64];
};

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void run_argv(char *const argv[])
{
	pid_t p = fork();

	if (p == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(p, NULL, 0);
}

/* Start nginx on a free port. listen_opts: "http2" (h2c prior knowledge)
 * or "ssl http2" (then DIR/server.crt and DIR/server.key must exist). */
static void nginx_start(struct nginx *n, const char *listen_opts, bool make_dir)
{
	char path[128], conf[2048];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd;

	if (make_dir) {
		snprintf(n->dir, sizeof(n->dir), "/tmp/kube-http-nginx-XXXXXX");
		if (!mkdtemp(n->dir))
			abort();
	}
	snprintf(path, sizeof(path), "%s/www", n->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/www/big", n->dir);
	{
		char *big = malloc(300000);

		for (int i = 0; i < 300000; i++)
			big[i] = (char)('a' + i % 26);
		write_file(path, big, 300000);
		free(big);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	n->port = ntohs(sin.sin_port);
	close(fd);
	snprintf(conf, sizeof(conf),
		 "master_process off; daemon off; error_log %1$s/error.log; pid %1$s/nginx.pid;\n"
		 "events { worker_connections 64; }\n"
		 "http {\n"
		 " log_format c '$connection $server_protocol $request';\n"
		 " access_log %1$s/access.log c;\n"
		 " client_body_temp_path %1$s; proxy_temp_path %1$s; fastcgi_temp_path %1$s;\n"
		 " uwsgi_temp_path %1$s; scgi_temp_path %1$s;\n"
		 " server {\n"
		 "  listen 127.0.0.1:%2$d %3$s;\n"
		 "  ssl_certificate %1$s/server.crt; ssl_certificate_key %1$s/server.key;\n"
		 "  root %1$s/www;\n"
		 "  keepalive_requests 3;\n"
		 "  location = /hello { add_header X-Proto $server_protocol; return 200 \"hello\"; }\n"
		 "  location = /post { return 201 \"created\"; }\n"
		 " }\n"
		 "}\n",
		 n->dir, n->port, listen_opts);
	if (!strstr(listen_opts, "ssl")) {
		/* drop the ssl lines when not needed: no cert files then */
		char *p = strstr(conf, "  ssl_certificate");
		char *e = strchr(p, '\n');
		memmove(p, e + 1, strlen(e + 1) + 1);
	}
	snprintf(path, sizeof(path), "%s/nginx.conf", n->dir);
	write_file(path, conf, strlen(conf));
	n->pid = fork();
	if (n->pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 1);
		dup2(nul, 2);
		execl("/usr/sbin/nginx", "nginx", "-p", n->dir, "-c", path, (char *)NULL);
		_exit(127);
	}
	/* wait until it accepts */
	for (int i = 0; i < 200; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)n->port) };
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ok = connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(s);
		if (ok)
			return;
		usleep(20 * 1000);
	}
	abort();
}

static void nginx_stop(struct nginx *n)
{
	char *argv[] = { "/bin/rm", "-rf", n->dir, NULL };

	if (n->pid > 0) {
		kill(n->pid, SIGTERM);
		waitpid(n->pid, NULL, 0);
		n->pid = 0;
	}
	run_argv(argv);
}

/* Distinct connections nginx logged (first field of each access-log line). */
static int nginx_connections(struct nginx *n, const char *proto)
{
	char path[128], line[512];
	long seen[256];
	int nseen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/access.log", n->dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long id = strtol(line, NULL, 10);
		bool dup = false;

		if (proto && !strstr(line, proto))
			return fclose(f), -2;
		for (int i = 0; i < nseen; i++)
			dup |= seen[i] == id;
		if (!dup && nseen < 256)
			seen[nseen++] = id;
	}
	fclose(f);
	return nseen;
}

TEST(http_client_h2c_prior_knowledge)
{
	struct nginx n = { 0 };
	kube_http_client_config_t cfg = { .http2_prior_knowledge = true };
	kube_http_client_t *c;
	kube_http_response_t r = { 0 };
	struct event_base *base;
	struct async_state st;
	int err;

	nginx_start(&n, "http2", true);
	c = kube_http_client_new(NULL, &cfg);
	_cleanup_free_ char *u = kube_asprintf("http://127.0.0.1:%d/hello", n.port);
	kube_http_request_t req = { .url = u };
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.version, 20);
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(kube_buf_str(&r.body), "hello");
	ASSERT_STREQ(kube_http_response_header(&r, "x-proto"), "HTTP/2.0");
	kube_http_response_clear(&r);

	/* a request body (nginx discards it but must read it) */
	_cleanup_free_ char *up = kube_asprintf("http://127.0.0.1:%d/post", n.port);
	char body[70000];
	memset(body, 'p', sizeof(body));
	kube_http_request_t preq = { .method = "POST", .url = up, .body = body,
				     .body_len = sizeof(body) };
	ASSERT_OK(kube_http_client_do(c, &preq, &r));
	ASSERT_EQ(r.status, 201);
	ASSERT_STREQ(kube_buf_str(&r.body), "created");
	kube_http_response_clear(&r);

	/* a 300 KB body crosses flow-control windows */
	_cleanup_free_ char *ub = kube_asprintf("http://127.0.0.1:%d/big", n.port);
	kube_http_request_t breq = { .url = ub };
	ASSERT_OK(kube_http_client_do(c, &breq, &r));
	ASSERT_EQ(r.body.len, 300000);
	ASSERT_EQ(r.body.data[299999], 'a' + 299999 % 26);
	kube_http_response_clear(&r);
	ASSERT_OK(get(c, &(struct test_server){ .port = n.port }, "/missing", &r));
	ASSERT_EQ(r.status, 404);
	kube_http_response_clear(&r);
	kube_http_client_free(c);

	/* five calls at once on a caller's base share a connection */
	base = event_base_new();
	c = kube_http_client_new(base, &cfg);
	memset(&st, 0, sizeof(st));
	st.base = base;
	for (int i = 0; i < 5; i++)
		ASSERT_NOT_NULL(kube_http_client_start(c, &req, async_done, &st, &err));
	event_base_dispatch(base);
	ASSERT_EQ(st.ok, 5);
	kube_http_client_free(c);
	event_base_free(base);
	usleep(50 * 1000); /* let nginx write its log */
	/* nginx ends a connection after 3 requests (GOAWAY); refused streams
	 * are sent again on a new connection: 4 requests -> 2 connections,
	 * then 5 at once -> 2 more */
	ASSERT_EQ(nginx_connections(&n, "HTTP/2.0"), 4);
	nginx_stop(&n);
}

TEST(http_client_https_nginx)
{
	struct nginx n = { 0 };
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;
	char ca[128], cert[128], key[128];
	char *gen[] = { "/bin/sh", "test/unit/libkube/net/gen_test_certs.sh", n.dir, NULL };

	snprintf(n.dir, sizeof(n.dir), "/tmp/kube-http-nginx-XXXXXX");
	ASSERT_NOT_NULL(mkdtemp(n.dir));
	gen[2] = n.dir;
	run_argv(gen);
	snprintf(ca, sizeof(ca), "%s/ca.crt", n.dir);
	snprintf(cert, sizeof(cert), "%s/client.crt", n.dir);
	snprintf(key, sizeof(key), "%s/client.key", n.dir);
	ASSERT_EQ(access(ca, R_OK), 0);
	nginx_start(&n, "ssl", false);
	/* "localhost": mbedTLS 2.28 matches DNS names only, not IP SANs */
	_cleanup_free_ char *u = kube_asprintf("https://localhost:%d/hello", n.port);
	kube_http_request_t req = { .url = u };

	/* verified against the CA, with a client certificate; reused */
	kube_http_client_config_t cfg = { .ca_file = ca, .cert_file = cert, .key_file = key };
	c = kube_http_client_new(NULL, &cfg);
	for (int i = 0; i < 2; i++) {
		ASSERT_OK(kube_http_client_do(c, &req, &r));
		ASSERT_EQ(r.status, 200);
		ASSERT_STREQ(kube_buf_str(&r.body), "hello");
		kube_http_response_clear(&r);
	}
	ASSERT_EQ(kube_http_client_idle_connections(c), 1);
	kube_http_client_free(c);

	/* an untrusted server is refused unless verification is skipped */
	c = kube_http_client_new(NULL, NULL);
	ASSERT_LT(kube_http_client_do(c, &req, &r), 0);
	kube_http_client_free(c);
	kube_http_client_config_t other = { .ca_file = ca, .server_name = "other.example" };
	c = kube_http_client_new(NULL, &other);
	ASSERT_LT(kube_http_client_do(c, &req, &r), 0);
	kube_http_client_free(c);
	kube_http_client_config_t insecure = { .insecure_skip_verify = true };
	c = kube_http_client_new(NULL, &insecure);
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.status, 200);
	kube_http_response_clear(&r);
	kube_http_client_free(c);
	usleep(50 * 1000);
	ASSERT_EQ(nginx_connections(&n, "HTTP/1.1"), 2);
	nginx_stop(&n);
}

/* ALPN: a server offering h2 over TLS gets HTTP/2 (one shared connection);
 * disable_http2 keeps HTTP/1.1. */
static void h2_async_done(kube_http_call_t *call, int err, kube_http_response_t *resp, void *arg)
{
	struct async_state *st = arg;

	st->done++;
	if (!err && resp->status == 200 && resp->version == 20 &&
	    !strcmp(kube_buf_str(&resp->body), "hello"))
		st->ok++;
	else
		fprintf(stderr, "h2 call: err %d status %d version %d\n", err, resp ? resp->status : 0,
			resp ? resp->version : 0);
	if (st->done == st->want)
		event_base_loopbreak(st->base);
}

TEST(http_client_https_alpn_h2)
{
	struct nginx n = { 0 };
	kube_http_response_t r = { 0 };
	kube_http_client_t *c;
	struct event_base *base;
	struct async_state st;
	char ca[128];
	int err;
	char *gen[] = { "/bin/sh", "test/unit/libkube/net/gen_test_certs.sh", n.dir, NULL };

	snprintf(n.dir, sizeof(n.dir), "/tmp/kube-http-nginx-XXXXXX");
	ASSERT_NOT_NULL(mkdtemp(n.dir));
	gen[2] = n.dir;
	run_argv(gen);
	snprintf(ca, sizeof(ca), "%s/ca.crt", n.dir);
	nginx_start(&n, "ssl http2", false);
	_cleanup_free_ char *u = kube_asprintf("https://localhost:%d/hello", n.port);
	kube_http_request_t req = { .url = u };

	kube_http_client_config_t cfg = { .ca_file = ca };
	c = kube_http_client_new(NULL, &cfg);
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.version, 20);
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(kube_buf_str(&r.body), "hello");
	ASSERT_STREQ(kube_http_response_header(&r, "x-proto"), "HTTP/2.0");
	kube_http_response_clear(&r);
	_cleanup_free_ char *ub = kube_asprintf("https://localhost:%d/big", n.port);
	kube_http_request_t breq = { .url = ub };
	ASSERT_OK(kube_http_client_do(c, &breq, &r));
	ASSERT_EQ(r.version, 20);
	ASSERT_EQ(r.body.len, 300000);
	kube_http_response_clear(&r);
	kube_http_client_free(c);

	/* three at once on a caller's base, after the first connection is up */
	base = event_base_new();
	c = kube_http_client_new(base, &cfg);
	memset(&st, 0, sizeof(st));
	st.base = base;
	st.want = 1;
	ASSERT_NOT_NULL(kube_http_client_start(c, &req, h2_async_done, &st, &err));
	event_base_dispatch(base);
	ASSERT_EQ(st.ok, 1);
	memset(&st, 0, sizeof(st));
	st.base = base;
	st.want = 2;
	for (int i = 0; i < 2; i++)
		ASSERT_NOT_NULL(kube_http_client_start(c, &req, h2_async_done, &st, &err));
	event_base_dispatch(base);
	ASSERT_EQ(st.ok, 2);
	kube_http_client_free(c);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_free(base);

	kube_http_client_config_t h1 = { .ca_file = ca, .disable_http2 = true };
	c = kube_http_client_new(NULL, &h1);
	ASSERT_OK(kube_http_client_do(c, &req, &r));
	ASSERT_EQ(r.version, 11);
	ASSERT_STREQ(kube_http_response_header(&r, "x-proto"), "HTTP/1.1");
	kube_http_response_clear(&r);
	kube_http_client_free(c);
	usleep(50 * 1000);
	/* 2 requests on one h2 connection, 3 (1 + 2 sharing) on another, and the
	 * HTTP/1.1 one: 3 connections */
	ASSERT_EQ(nginx_connections(&n, NULL), 3);
	nginx_stop(&n);
}
