/* Tests for net/kube_tls: a server and a client wrapped over a socketpair. */
#include "kube_test.h"

#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "net/kube_tls.h"

#define TD "test/unit/testdata/tls/"

typedef struct side {
	struct bufferevent *bev;
	kube_tls_conn_t *conn;
	bool connected, error, eof;
	char got[256];
	size_t got_len;
} side_t;

static void side_read(struct bufferevent *bev, void *arg)
{
	side_t *s = arg;
	size_t room = sizeof(s->got) - 1 - s->got_len;
	int n = bufferevent_read(bev, s->got + s->got_len, room);
	if (n > 0)
		s->got_len += (size_t)n;
	s->got[s->got_len] = '\0';
}

static void side_event(struct bufferevent *bev, short what, void *arg)
{
	side_t *s = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		s->connected = kube_tls_conn_ready(s->conn);
	if (what & BEV_EVENT_ERROR)
		s->error = true;
	if (what & BEV_EVENT_EOF)
		s->eof = true;
}

typedef struct pair {
	struct event_base *base;
	side_t srv, cli;
	int raw_client_fd; /* when the client side is raw */
} pair_t;

static void run_for(struct event_base *base, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Run the loop until cond holds (checked every 10 ms) or 10 s passed. */
#define RUN_UNTIL(base, cond)                                                 \
	do {                                                                  \
		int64_t _end = kube_now_ns() + 10000000000LL;                 \
		while (!(cond) && kube_now_ns() < _end)                       \
			run_for((base), 10);                                  \
	} while (0)

static void pair_setup(pair_t *p, kube_tls_config_t *scfg, kube_tls_config_t *ccfg,
		       const char *name)
{
	int sv[2];

	memset(p, 0, sizeof(*p));
	p->base = event_base_new();
	ASSERT_NOT_NULL(p->base);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
	struct bufferevent *s = bufferevent_socket_new(p->base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	ASSERT_OK(kube_tls_wrap(scfg, s, NULL, &p->srv.bev, &p->srv.conn));
	bufferevent_setcb(p->srv.bev, side_read, NULL, side_event, &p->srv);
	if (ccfg) {
		struct bufferevent *c = bufferevent_socket_new(p->base, sv[1], BEV_OPT_CLOSE_ON_FREE);
		ASSERT_OK(kube_tls_wrap(ccfg, c, name, &p->cli.bev, &p->cli.conn));
		bufferevent_setcb(p->cli.bev, side_read, NULL, side_event, &p->cli);
		p->raw_client_fd = -1;
	} else {
		p->raw_client_fd = sv[1];
	}
}

static void pair_free(pair_t *p)
{
	if (p->srv.bev)
		bufferevent_free(p->srv.bev);
	if (p->cli.bev)
		bufferevent_free(p->cli.bev);
	if (p->raw_client_fd >= 0)
		close(p->raw_client_fd);
	event_base_free(p->base);
}

static kube_tls_config_t *server_cfg(kube_tls_client_auth_t auth)
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
	kube_tls_config_t *cfg = NULL;
	char *err = NULL;
	int r = kube_tls_config_new(&o, &cfg, &err);
	if (r < 0)
		fprintf(stderr, "server_cfg: %s\n", err);
	kube_free(err);
	return cfg;
}

static kube_tls_config_t *client_cfg(const char *ca, const char *cert, bool insecure,
				     const char *const *alpn)
{
	kube_tls_options_t o = {
		.ca_file = ca,
		.cert_file = cert ? kube_asprintf(TD "%s.crt", cert) : NULL,
		.key_file = cert ? kube_asprintf(TD "%s.key", cert) : NULL,
		.insecure_skip_verify = insecure,
		.alpn = alpn,
	};
	kube_tls_config_t *cfg = NULL;
	char *err = NULL;
	int r = kube_tls_config_new(&o, &cfg, &err);
	if (r < 0)
		fprintf(stderr, "client_cfg: %s\n", err);
	kube_free(err);
	kube_free((char *)o.cert_file);
	kube_free((char *)o.key_file);
	return cfg;
}

TEST(config_errors)
{
	kube_tls_options_t o = { .server = true };
	kube_tls_config_t *cfg = NULL;
	char *err = NULL;

	ASSERT_EQ(kube_tls_config_new(&o, &cfg, &err), -EINVAL);
	ASSERT_NOT_NULL(err);
	KUBE_FREE(err);
	o.cert_file = TD "nope.crt";
	o.key_file = TD "server.key";
	ASSERT_EQ(kube_tls_config_new(&o, &cfg, &err), -ENOENT);
	ASSERT_TRUE(strstr(err, "nope.crt") != NULL);
	KUBE_FREE(err);
	o.cert_file = TD "client.crt"; /* key does not match */
	ASSERT_EQ(kube_tls_config_new(&o, &cfg, &err), -EINVAL);
	ASSERT_TRUE(strstr(err, "does not match") != NULL);
	KUBE_FREE(err);
	o.cert_pem = "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n";
	ASSERT_EQ(kube_tls_config_new(&o, &cfg, &err), -EINVAL);
	KUBE_FREE(err);
	/* client without CA and without insecure */
	kube_tls_options_t c = { 0 };
	ASSERT_EQ(kube_tls_config_new(&c, &cfg, NULL), -EINVAL);
	ASSERT_NULL(cfg);
}

TEST(handshake_alpn_echo)
{
	static const char *const alpn[] = { "h2", NULL };
	kube_tls_config_t *s = server_cfg(KUBE_TLS_CLIENT_AUTH_NONE);
	kube_tls_config_t *c = client_cfg(TD "ca.crt", NULL, false, alpn);
	pair_t p;

	ASSERT_NOT_NULL(s);
	ASSERT_NOT_NULL(c);
	pair_setup(&p, s, c, "localhost");
	/* config references are held by the connections */
	kube_tls_config_free(s);
	kube_tls_config_free(c);
	/* written before the handshake: must arrive after it */
	bufferevent_write(p.cli.bev, "hello", 5);
	RUN_UNTIL(p.base, p.cli.connected && p.srv.got_len == 5);
	ASSERT_TRUE(p.cli.connected);
	ASSERT_TRUE(kube_tls_conn_ready(p.srv.conn));
	ASSERT_STREQ(kube_tls_conn_alpn(p.srv.conn), "h2");
	ASSERT_STREQ(kube_tls_conn_alpn(p.cli.conn), "h2");
	ASSERT_STREQ(p.srv.got, "hello");
	ASSERT_EQ(kube_tls_conn_peer_cert(p.srv.conn, NULL, NULL), -ENOENT);
	const uint8_t *der;
	size_t len;
	ASSERT_OK(kube_tls_conn_peer_cert(p.cli.conn, &der, &len));
	ASSERT_GT(len, 100);

	/* a large transfer */
	char *big = kube_malloc(200000);
	memset(big, 'x', 200000);
	bufferevent_write(p.srv.bev, big, 200000);
	kube_free(big);
	bufferevent_setcb(p.cli.bev, NULL, NULL, side_event, &p.cli);
	RUN_UNTIL(p.base, evbuffer_get_length(bufferevent_get_input(p.cli.bev)) == 200000);
	ASSERT_EQ(evbuffer_get_length(bufferevent_get_input(p.cli.bev)), 200000);

	/* close_notify gives EOF */
	kube_tls_conn_close_notify(p.cli.conn);
	RUN_UNTIL(p.base, p.srv.eof);
	ASSERT_TRUE(p.srv.eof);
	pair_free(&p);
}

TEST(client_cert_required)
{
	kube_tls_config_t *s = server_cfg(KUBE_TLS_CLIENT_AUTH_REQUIRE);
	kube_tls_config_t *good = client_cfg(TD "ca.crt", "client", false, NULL);
	kube_tls_config_t *bad = client_cfg(TD "ca.crt", "badclient", false, NULL);
	kube_tls_config_t *none = client_cfg(TD "ca.crt", NULL, false, NULL);
	pair_t p;

	pair_setup(&p, s, good, "127.0.0.1");
	RUN_UNTIL(p.base, p.cli.connected || p.cli.error || p.srv.error);
	run_for(p.base, 20);
	ASSERT_TRUE(p.cli.connected);
	ASSERT_TRUE(kube_tls_conn_ready(p.srv.conn));
	ASSERT_EQ(kube_tls_conn_alpn(p.srv.conn), NULL);
	const uint8_t *der;
	size_t len;
	ASSERT_OK(kube_tls_conn_peer_cert(p.srv.conn, &der, &len));
	ASSERT_GT(len, 100);
	pair_free(&p);

	pair_setup(&p, s, bad, "127.0.0.1");
	RUN_UNTIL(p.base, p.cli.connected || p.cli.error || p.srv.error);
	run_for(p.base, 20);
	ASSERT_FALSE(p.cli.connected);
	ASSERT_TRUE(p.srv.error);
	ASSERT_TRUE(kube_tls_conn_error(p.srv.conn)[0] != '\0');
	pair_free(&p);

	pair_setup(&p, s, none, "127.0.0.1");
	RUN_UNTIL(p.base, p.cli.connected || p.cli.error || p.srv.error);
	run_for(p.base, 20);
	ASSERT_TRUE(p.srv.error);
	ASSERT_FALSE(kube_tls_conn_ready(p.srv.conn));
	pair_free(&p);

	kube_tls_config_free(s);
	kube_tls_config_free(good);
	kube_tls_config_free(bad);
	kube_tls_config_free(none);
}

TEST(client_cert_requested)
{
	kube_tls_config_t *s = server_cfg(KUBE_TLS_CLIENT_AUTH_REQUEST);
	kube_tls_config_t *bad = client_cfg(TD "ca.crt", "badclient", false, NULL);
	kube_tls_config_t *none = client_cfg(TD "ca.crt", NULL, false, NULL);
	pair_t p;

	pair_setup(&p, s, none, "localhost");
	RUN_UNTIL(p.base, p.cli.connected || p.cli.error || p.srv.error);
	run_for(p.base, 20);
	ASSERT_TRUE(kube_tls_conn_ready(p.srv.conn));
	ASSERT_EQ(kube_tls_conn_peer_cert(p.srv.conn, NULL, NULL), -ENOENT);
	pair_free(&p);

	pair_setup(&p, s, bad, "localhost");
	RUN_UNTIL(p.base, p.cli.connected || p.cli.error || p.srv.error);
	run_for(p.base, 20);
	ASSERT_TRUE(p.srv.error);
	pair_free(&p);
	kube_tls_config_free(s);
	kube_tls_config_free(bad);
	kube_tls_config_free(none);
}

TEST(server_verification)
{
	static const struct {
		const char *ca;
		const char *name;
		bool insecure;
		bool ok;
	} cases[] = {
		{ TD "ca.crt", "localhost", false, true },
		{ TD "ca.crt", "127.0.0.1", false, true },
		{ TD "ca.crt", "127.0.0.2", false, false },
		{ TD "ca.crt", "example.com", false, false },
		{ TD "ca.crt", "::1", false, false },
		{ TD "other-ca.crt", "localhost", false, false },
		{ TD "other-ca.crt", "example.com", true, true },
		{ NULL, "127.0.0.9", true, true },
	};
	kube_tls_config_t *s = server_cfg(KUBE_TLS_CLIENT_AUTH_NONE);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_tls_config_t *c = client_cfg(cases[i].ca, NULL, cases[i].insecure, NULL);
		pair_t p;
		ASSERT_NOT_NULL(c);
		pair_setup(&p, s, c, cases[i].name);
		RUN_UNTIL(p.base, p.cli.connected || p.cli.error || p.srv.error);
	run_for(p.base, 20);
		if (cases[i].ok != p.cli.connected)
			fprintf(stderr, "case %zu: %s\n", i, kube_tls_conn_error(p.cli.conn));
		ASSERT_EQ(p.cli.connected, cases[i].ok);
		ASSERT_EQ(p.cli.error, !cases[i].ok);
		pair_free(&p);
		kube_tls_config_free(c);
	}
	kube_tls_config_free(s);
}

TEST(garbage_from_client)
{
	kube_tls_config_t *s = server_cfg(KUBE_TLS_CLIENT_AUTH_NONE);
	pair_t p;

	pair_setup(&p, s, NULL, NULL);
	ASSERT_EQ(write(p.raw_client_fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27), 27);
	RUN_UNTIL(p.base, p.srv.error);
	ASSERT_TRUE(p.srv.error);
	ASSERT_EQ(p.srv.got_len, 0);
	pair_free(&p);
	kube_tls_config_free(s);
}
