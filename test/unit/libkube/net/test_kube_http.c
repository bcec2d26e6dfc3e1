/* The HTTP/1.1 server, driven over real sockets on 127.0.0.1. */
#include "kube_test.h"
#include "net/kube_http.h"

#include <arpa/inet.h>
#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct srv_fixture {
	struct event_base *base;
	kube_http_server_t *srv;
	pthread_t thread;
	int port;
	atomic_int closes;
} srv_fixture_t;

static void stream_tick(void *arg)
{
	kube_http_req_t *req = arg;

	kube_http_stream_write(req, "{\"n\":2}\n", 8);
	kube_http_stream_end(req);
}

static void on_close(kube_http_req_t *req, void *arg)
{
	srv_fixture_t *f = arg;

	atomic_fetch_add(&f->closes, 1);
	kube_http_stream_end(req);
}

static void upgraded_written(struct bufferevent *bev, void *arg)
{
	bufferevent_free(bev);
}

static void upgraded(struct bufferevent *bev, void *arg)
{
	/* Say one line after the 101, then close once it is sent. */
	bufferevent_setcb(bev, NULL, upgraded_written, NULL, NULL);
	bufferevent_enable(bev, EV_WRITE);
	bufferevent_write(bev, "hello-upgraded\n", 15);
}

static void handler(kube_http_req_t *req, void *arg)
{
	srv_fixture_t *f = arg;
	const char *path = kube_http_req_path(req);
	kube_buf_t b = KUBE_BUF_INIT;

	if (strcmp(path, "/stream") == 0) {
		kube_http_stream_start(req, 200, "application/json");
		kube_http_stream_write(req, "{\"n\":1}\n", 8);
		kube_loop_post(f->base, stream_tick, req);
		return;
	}
	if (strcmp(path, "/hold") == 0) {
		kube_http_stream_start(req, 200, "text/plain");
		kube_http_req_on_close(req, on_close, f);
		return;
	}
	if (strcmp(path, "/upgrade") == 0) {
		static const char *const h[] = { "Upgrade", "test", "Connection", "Upgrade", NULL };
		kube_http_upgrade(req, h, upgraded, f);
		return;
	}
	size_t blen;
	const char *body = kube_http_req_body(req, &blen);
	const char *q = kube_http_req_query_param(req, "q");
	kube_buf_printf(&b, "%s %s q=%s body=%zu:%s", kube_http_req_method(req), path,
			q ? q : "-", blen, body);
	kube_http_resp_header(req, "X-Test", "yes");
	kube_http_respond_buf(req, 200, "text/plain", &b);
}

static void *loop_thread(void *arg)
{
	srv_fixture_t *f = arg;

	event_base_loop(f->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static void fixture_start(srv_fixture_t *f, const kube_http_server_config_t *cfg)
{
	memset(f, 0, sizeof(*f));
	kube_loop_init();
	f->base = event_base_new();
	f->srv = kube_http_server_new(f->base, cfg, handler, f);
	ASSERT_OK(kube_http_server_listen(f->srv, "127.0.0.1", 0, &f->port));
	ASSERT_GT(f->port, 0);
	pthread_create(&f->thread, NULL, loop_thread, f);
}

static void stop_cb(void *arg)
{
	srv_fixture_t *f = arg;

	kube_http_server_free(f->srv);
	event_base_loopbreak(f->base);
}

static void fixture_stop(srv_fixture_t *f)
{
	kube_loop_post(f->base, stop_cb, f);
	pthread_join(f->thread, NULL);
	event_base_free(f->base);
	/* libevent keeps some allocations of its own; ours are all freed. */
}

static int dial(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { 5, 0 };

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Read until `until` appears or EOF; returns bytes read into buf. */
static size_t read_until(int fd, char *buf, size_t size, const char *until)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (until && strstr(buf, until))
			break;
	}
	buf[n] = '\0';
	return n;
}

TEST(keepalive_and_pipelining)
{
	srv_fixture_t f;
	char buf[8192];
	int fd;

	fixture_start(&f, NULL);
	fd = dial(f.port);
	ASSERT_GE(fd, 0);
	send_all(fd, "GET /a?q=x%20y HTTP/1.1\r\nHost: h\r\n\r\n"
		     "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
		     "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
		     "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n",
		 strlen("GET /a?q=x%20y HTTP/1.1\r\nHost: h\r\n\r\n"
			"POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
			"POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
			"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), NULL); /* until the server closes */
	close(fd);
	fixture_stop(&f);
	ASSERT_NOT_NULL(strstr(buf, "GET /a q=x y body=0:"));
	ASSERT_NOT_NULL(strstr(buf, "POST /b q=- body=5:hello"));
	ASSERT_NOT_NULL(strstr(buf, "POST /c q=- body=5:abcde"));
	ASSERT_NOT_NULL(strstr(buf, "X-Test: yes\r\n"));
	ASSERT_NOT_NULL(strstr(buf, "Connection: close\r\n"));
	/* Order kept. */
	ASSERT_TRUE(strstr(buf, "/a q=") < strstr(buf, "/b q=") && strstr(buf, "/b q=") < strstr(buf, "/c q="));
}

TEST(streaming_chunked)
{
	srv_fixture_t f;
	char buf[4096];
	int fd;

	fixture_start(&f, NULL);
	fd = dial(f.port);
	send_all(fd, "GET /stream HTTP/1.1\r\nHost: h\r\n\r\n", strlen("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), "0\r\n\r\n");
	close(fd);
	fixture_stop(&f);
	ASSERT_NOT_NULL(strstr(buf, "Transfer-Encoding: chunked\r\n"));
	ASSERT_NOT_NULL(strstr(buf, "\r\n\r\n8\r\n{\"n\":1}\n\r\n8\r\n{\"n\":2}\n\r\n0\r\n\r\n"));
}

TEST(disconnect_notifies)
{
	srv_fixture_t f;
	char buf[1024];
	int fd;

	fixture_start(&f, NULL);
	fd = dial(f.port);
	send_all(fd, "GET /hold HTTP/1.1\r\nHost: h\r\n\r\n", strlen("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), "\r\n\r\n");
	ASSERT_NOT_NULL(strstr(buf, "200 OK"));
	close(fd);
	for (int i = 0; i < 200 && atomic_load(&f.closes) == 0; i++)
		usleep(5000);
	fixture_stop(&f);
	ASSERT_EQ(atomic_load(&f.closes), 1);
}

TEST(limits_and_errors)
{
	srv_fixture_t f;
	kube_http_server_config_t cfg = { .max_header_bytes = 1024, .max_body_bytes = 100,
					  .read_timeout_ms = 300 };
	char buf[4096], big[2048];
	int fd;

	fixture_start(&f, &cfg);
	/* Body too large. */
	fd = dial(f.port);
	send_all(fd, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", strlen("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), NULL);
	close(fd);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 413 Request Entity Too Large"));
	ASSERT_NOT_NULL(strstr(buf, "\"reason\":\"RequestEntityTooLarge\",\"code\":413"));
	/* Chunked body too large. */
	fd = dial(f.port);
	send_all(fd, "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", strlen("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n"));
	read_until(fd, buf, sizeof(buf), NULL);
	close(fd);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 413"));
	/* Header too large. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fd = dial(f.port);
	send_all(fd, "GET / HTTP/1.1\r\nX: ", strlen("GET / HTTP/1.1\r\nX: "));
	send_all(fd, big, strlen(big));
	read_until(fd, buf, sizeof(buf), NULL);
	close(fd);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 431"));
	/* Malformed. */
	fd = dial(f.port);
	send_all(fd, "GARBAGE\r\n\r\n", strlen("GARBAGE\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), NULL);
	close(fd);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 400 Bad Request"));
	ASSERT_NOT_NULL(strstr(buf, "\"kind\":\"Status\""));
	/* Slowloris: a head that never ends gets 408 after the read timeout. */
	fd = dial(f.port);
	send_all(fd, "GET / HTTP/1.1\r\nHost: h\r\n", strlen("GET / HTTP/1.1\r\nHost: h\r\n"));
	int64_t t0 = kube_now_ns();
	read_until(fd, buf, sizeof(buf), NULL);
	int64_t dt = (kube_now_ns() - t0) / 1000000;
	close(fd);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 408"));
	ASSERT_GE(dt, 200);
	ASSERT_LT(dt, 3000);
	/* The server still serves. */
	fd = dial(f.port);
	send_all(fd, "GET /ok HTTP/1.0\r\n\r\n", strlen("GET /ok HTTP/1.0\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), NULL);
	close(fd);
	fixture_stop(&f);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.0 200 OK"));
	ASSERT_NOT_NULL(strstr(buf, "GET /ok q=- body=0:"));
}

TEST(expect_continue_and_upgrade)
{
	srv_fixture_t f;
	char buf[4096];
	int fd;

	fixture_start(&f, NULL);
	fd = dial(f.port);
	send_all(fd, "PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n", strlen("PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), "100 Continue\r\n\r\n");
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 100 Continue"));
	send_all(fd, "ok", strlen("ok"));
	read_until(fd, buf, sizeof(buf), "body=2:ok");
	ASSERT_NOT_NULL(strstr(buf, "PUT /e q=- body=2:ok"));
	send_all(fd, "GET /upgrade HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n", strlen("GET /upgrade HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n"));
	read_until(fd, buf, sizeof(buf), "hello-upgraded\n");
	close(fd);
	fixture_stop(&f);
	ASSERT_NOT_NULL(strstr(buf, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\n"));
	ASSERT_NOT_NULL(strstr(buf, "hello-upgraded\n"));
}

/* TLS: a self-signed certificate from kube_pki, and curl as the client. */
#include "net/kube_tls.h"
#include "pki/kube_pki.h"

#include <stdlib.h>

TEST(tls_serves_https)
{
	char tmpl[] = "/tmp/kube-http-tls-XXXXXX";
	char *dir = mkdtemp(tmpl), *cert = NULL, *key = NULL, cmd[1024], out[4096] = { 0 };
	kube_tls_config_t *tls = NULL;
	const char *why = NULL;
	srv_fixture_t f;
	FILE *p;
	size_t n;

	ASSERT_NOT_NULL(dir);
	ASSERT_OK(kube_pki_ensure_self_signed(dir, "srv", "localhost", NULL, NULL, &cert, &key));
	kube_tls_options_t o = { .server = true, .cert_file = cert, .key_file = key,
				 .alpn = (const char *const[]){ "http/1.1", NULL } };
	ASSERT_OK(kube_tls_config_new(&o, &tls, &why));
	kube_tls_options_t bad = { .server = true, .cert_file = "/nonexistent", .key_file = key };
	kube_tls_config_t *t2 = NULL;
	ASSERT_EQ(kube_tls_config_new(&bad, &t2, &why), -ENOENT);
	kube_http_server_config_t cfg = { .tls = tls };
	fixture_start(&f, &cfg);
	snprintf(cmd, sizeof(cmd),
		 "curl -s --cacert %s https://localhost:%d/tls?q=1 -d hello -o - -w ' %%{http_code}' 2>&1; "
		 "curl -sk https://127.0.0.1:%d/a https://127.0.0.1:%d/b -w ' %%{http_code}' 2>&1",
		 cert, f.port, f.port, f.port);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	pclose(p);
	out[n] = '\0';
	/* garbage instead of a ClientHello: the connection is closed, nothing breaks */
	int fd = dial(f.port);
	send_all(fd, "GET / HTTP/1.1\r\n\r\n", 18);
	char buf[256];
	ssize_t got = read(fd, buf, sizeof(buf));
	close(fd);
	fixture_stop(&f);
	kube_tls_config_free(tls);
	unlink(cert);
	unlink(key);
	rmdir(dir);
	kube_free(cert);
	kube_free(key);
	ASSERT_NOT_NULL(strstr(out, "POST /tls q=1 body=5:hello 200"));
	ASSERT_NOT_NULL(strstr(out, "GET /a q=- body=0: 200GET /b q=- body=0: 200"));
	ASSERT_LE(got, 64); /* at most a TLS alert, never an HTTP answer */
}
