/*
 * kube_tls: mbedTLS under a libevent filter bufferevent.
 *
 * The input filter feeds ciphertext from the socket's input buffer to
 * mbedtls_ssl_read() (handshake first) and appends plaintext for the owner;
 * the output filter encrypts what the owner wrote. mbedTLS's send callback
 * always appends to the socket's output buffer, so handshake messages and
 * alerts go out whichever side drove them.
 */
#include "net/kube_tls.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#define MAX_ALPN 8

struct kube_tls_config {
	mbedtls_ssl_config conf;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt cert, ca;
	mbedtls_pk_context key;
	const char *alpn[MAX_ALPN + 1];
	char *alpn_store[MAX_ALPN];
	pthread_mutex_t drbg_lock;
};

typedef struct tls_conn {
	mbedtls_ssl_context ssl;
	struct bufferevent *under; /* the socket bufferevent */
	struct bufferevent *filter;
	struct evbuffer *rsrc;	   /* where mbedTLS reads ciphertext now */
	bool handshake_done;
	bool failed;
	struct tls_conn *next_in_bucket;
} tls_conn_t;

/* filter bufferevent -> connection, for kube_tls_alpn() and friends */
#define NBUCKETS 1024
static tls_conn_t *buckets[NBUCKETS];
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t bucket_of(const void *p)
{
	return ((uintptr_t)p >> 4) % NBUCKETS;
}

static void reg_add(tls_conn_t *c)
{
	size_t b = bucket_of(c->filter);

	pthread_mutex_lock(&reg_lock);
	c->next_in_bucket = buckets[b];
	buckets[b] = c;
	pthread_mutex_unlock(&reg_lock);
}

static void reg_del(tls_conn_t *c)
{
	size_t b = bucket_of(c->filter);

	pthread_mutex_lock(&reg_lock);
	for (tls_conn_t **pp = &buckets[b]; *pp; pp = &(*pp)->next_in_bucket) {
		if (*pp == c) {
			*pp = c->next_in_bucket;
			break;
		}
	}
	pthread_mutex_unlock(&reg_lock);
}

static tls_conn_t *reg_find(struct bufferevent *bev)
{
	tls_conn_t *c;

	pthread_mutex_lock(&reg_lock);
	for (c = buckets[bucket_of(bev)]; c && c->filter != bev; c = c->next_in_bucket)
		;
	pthread_mutex_unlock(&reg_lock);
	return c;
}

/* ---- config ---- */

static int locked_random(void *arg, unsigned char *out, size_t len)
{
	kube_tls_config_t *cfg = arg;
	int r;

	pthread_mutex_lock(&cfg->drbg_lock);
	r = mbedtls_ctr_drbg_random(&cfg->drbg, out, len);
	pthread_mutex_unlock(&cfg->drbg_lock);
	return r;
}

int kube_tls_config_new(const kube_tls_options_t *o, kube_tls_config_t **ret, const char **ret_err)
{
	kube_tls_config_t *cfg = kube_calloc(1, sizeof(*cfg));
	const char *err = NULL;
	int r = 0;

	mbedtls_ssl_config_init(&cfg->conf);
	mbedtls_entropy_init(&cfg->entropy);
	mbedtls_ctr_drbg_init(&cfg->drbg);
	mbedtls_x509_crt_init(&cfg->cert);
	mbedtls_x509_crt_init(&cfg->ca);
	mbedtls_pk_init(&cfg->key);
	pthread_mutex_init(&cfg->drbg_lock, NULL);

	if (mbedtls_ctr_drbg_seed(&cfg->drbg, mbedtls_entropy_func, &cfg->entropy,
				  (const unsigned char *)"kube_tls", 8) != 0) {
		err = "cannot seed the random generator";
		r = -EIO;
		goto out;
	}
	if (mbedtls_ssl_config_defaults(&cfg->conf, o->server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
					MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
		err = "cannot set TLS defaults";
		r = -EINVAL;
		goto out;
	}
	mbedtls_ssl_conf_rng(&cfg->conf, locked_random, cfg);
	mbedtls_ssl_conf_min_version(&cfg->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	if (o->cert_file && o->key_file) {
		if (access(o->cert_file, R_OK) < 0 || access(o->key_file, R_OK) < 0) {
			err = "cannot read the certificate or key file";
			r = -ENOENT;
			goto out;
		}
		if (mbedtls_x509_crt_parse_file(&cfg->cert, o->cert_file) != 0) {
			err = "cannot parse the certificate file";
			r = -EINVAL;
			goto out;
		}
		if (mbedtls_pk_parse_keyfile(&cfg->key, o->key_file, NULL) != 0) {
			err = "cannot parse the key file";
			r = -EINVAL;
			goto out;
		}
		if (mbedtls_ssl_conf_own_cert(&cfg->conf, &cfg->cert, &cfg->key) != 0) {
			err = "the key does not match the certificate";
			r = -EINVAL;
			goto out;
		}
	} else if (o->server) {
		err = "a server needs a certificate and a key";
		r = -EINVAL;
		goto out;
	}
	if (o->ca_file && *o->ca_file) {
		if (mbedtls_x509_crt_parse_file(&cfg->ca, o->ca_file) != 0) {
			err = "cannot parse the CA file";
			r = -EINVAL;
			goto out;
		}
		mbedtls_ssl_conf_ca_chain(&cfg->conf, &cfg->ca, NULL);
	}
	if (o->server) {
		int mode = o->client_auth == KUBE_TLS_CLIENT_CERT_REQUIRE ? MBEDTLS_SSL_VERIFY_REQUIRED
			   : o->client_auth == KUBE_TLS_CLIENT_CERT_VERIFY_IF_GIVEN ? MBEDTLS_SSL_VERIFY_OPTIONAL
										  : MBEDTLS_SSL_VERIFY_NONE;
		mbedtls_ssl_conf_authmode(&cfg->conf, mode);
	} else {
		mbedtls_ssl_conf_authmode(&cfg->conf, o->insecure_skip_verify ? MBEDTLS_SSL_VERIFY_NONE
									       : MBEDTLS_SSL_VERIFY_REQUIRED);
	}
	for (size_t i = 0; o->alpn && o->alpn[i] && i < MAX_ALPN; i++) {
		cfg->alpn_store[i] = kube_strdup(o->alpn[i]);
		cfg->alpn[i] = cfg->alpn_store[i];
	}
	if (cfg->alpn[0] && mbedtls_ssl_conf_alpn_protocols(&cfg->conf, cfg->alpn) != 0) {
		err = "bad ALPN list";
		r = -EINVAL;
	}
out:
	if (r < 0) {
		kube_tls_config_free(cfg);
		if (ret_err)
			*ret_err = err;
		return r;
	}
	*ret = cfg;
	return 0;
}

void kube_tls_config_free(kube_tls_config_t *cfg)
{
	if (!cfg)
		return;
	mbedtls_ssl_config_free(&cfg->conf);
	mbedtls_ctr_drbg_free(&cfg->drbg);
	mbedtls_entropy_free(&cfg->entropy);
	mbedtls_x509_crt_free(&cfg->cert);
	mbedtls_x509_crt_free(&cfg->ca);
	mbedtls_pk_free(&cfg->key);
	for (size_t i = 0; i < MAX_ALPN; i++)
		kube_free(cfg->alpn_store[i]);
	pthread_mutex_destroy(&cfg->drbg_lock);
	kube_free(cfg);
}

/* ---- BIO over evbuffers ---- */

static int bio_send(void *arg, const unsigned char *buf, size_t len)
{
	tls_conn_t *c = arg;

	if (evbuffer_add(bufferevent_get_output(c->under), buf, len) < 0)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	return (int)len;
}

static int bio_recv(void *arg, unsigned char *buf, size_t len)
{
	tls_conn_t *c = arg;
	int n;

	if (!c->rsrc || evbuffer_get_length(c->rsrc) == 0)
		return MBEDTLS_ERR_SSL_WANT_READ;
	n = evbuffer_remove(c->rsrc, buf, len);
	return n > 0 ? n : MBEDTLS_ERR_SSL_WANT_READ;
}

/* ---- filters ---- */

static enum bufferevent_filter_result in_filter(struct evbuffer *src, struct evbuffer *dst,
						 ev_ssize_t limit, enum bufferevent_flush_mode mode,
						 void *arg)
{
	tls_conn_t *c = arg;
	unsigned char buf[16384];
	int r;

	if (c->failed)
		return BEV_ERROR;
	c->rsrc = src;
	if (!c->handshake_done) {
		r = mbedtls_ssl_handshake(&c->ssl);
		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) {
			c->rsrc = NULL;
			return BEV_NEED_MORE;
		}
		if (r != 0) {
			c->failed = true;
			c->rsrc = NULL;
			return BEV_ERROR;
		}
		c->handshake_done = true;
		/* Anything the owner wrote during the handshake can go now. */
		bufferevent_flush(c->filter, EV_WRITE, BEV_NORMAL);
	}
	for (;;) {
		r = mbedtls_ssl_read(&c->ssl, buf, sizeof(buf));
		if (r > 0) {
			evbuffer_add(dst, buf, (size_t)r);
			continue;
		}
		break;
	}
	c->rsrc = NULL;
	if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
		return evbuffer_get_length(dst) ? BEV_OK : BEV_NEED_MORE;
	if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == 0)
		return evbuffer_get_length(dst) ? BEV_OK : BEV_ERROR;
	c->failed = true;
	return BEV_ERROR;
}

static enum bufferevent_filter_result out_filter(struct evbuffer *src, struct evbuffer *dst,
						  ev_ssize_t limit, enum bufferevent_flush_mode mode,
						  void *arg)
{
	tls_conn_t *c = arg;

	if (c->failed)
		return BEV_ERROR;
	if (!c->handshake_done)
		return BEV_NEED_MORE; /* flushed when the handshake completes */
	while (evbuffer_get_length(src)) {
		size_t n = KUBE_MIN(evbuffer_get_length(src), (size_t)16384);
		unsigned char *p = evbuffer_pullup(src, (ev_ssize_t)n);
		int r = mbedtls_ssl_write(&c->ssl, p, n);

		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			return BEV_OK;
		if (r < 0) {
			c->failed = true;
			return BEV_ERROR;
		}
		evbuffer_drain(src, (size_t)r);
	}
	return BEV_OK;
}

static void conn_free_ctx(void *arg)
{
	tls_conn_t *c = arg;

	reg_del(c);
	mbedtls_ssl_free(&c->ssl);
	kube_free(c);
}

struct bufferevent *kube_tls_wrap(struct event_base *base, const kube_tls_config_t *cfg, int fd,
				  const char *server_name)
{
	tls_conn_t *c = kube_calloc(1, sizeof(*c));

	mbedtls_ssl_init(&c->ssl);
	if (mbedtls_ssl_setup(&c->ssl, &cfg->conf) != 0 ||
	    (server_name && mbedtls_ssl_set_hostname(&c->ssl, server_name) != 0)) {
		mbedtls_ssl_free(&c->ssl);
		kube_free(c);
		return NULL;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	c->under = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->under) {
		mbedtls_ssl_free(&c->ssl);
		kube_free(c);
		return NULL;
	}
	c->filter = bufferevent_filter_new(c->under, in_filter, out_filter, BEV_OPT_CLOSE_ON_FREE,
					   conn_free_ctx, c);
	if (!c->filter) {
		bufferevent_free(c->under);
		mbedtls_ssl_free(&c->ssl);
		kube_free(c);
		return NULL;
	}
	reg_add(c);
	if (cfg->conf.endpoint == MBEDTLS_SSL_IS_CLIENT) {
		/* A client speaks first. */
		mbedtls_ssl_handshake(&c->ssl);
	}
	return c->filter;
}

const char *kube_tls_alpn(struct bufferevent *bev)
{
	tls_conn_t *c = reg_find(bev);

	return c && c->handshake_done ? mbedtls_ssl_get_alpn_protocol(&c->ssl) : NULL;
}

int kube_tls_peer_cert(struct bufferevent *bev, const uint8_t **ret_der, size_t *ret_len)
{
	tls_conn_t *c = reg_find(bev);
	const mbedtls_x509_crt *crt;

	if (!c || !c->handshake_done)
		return -ENOENT;
	crt = mbedtls_ssl_get_peer_cert(&c->ssl);
	if (!crt || mbedtls_ssl_get_verify_result(&c->ssl) != 0)
		return -ENOENT;
	*ret_der = crt->raw.p;
	*ret_len = crt->raw.len;
	return 0;
}

bool kube_tls_handshake_done(struct bufferevent *bev)
{
	tls_conn_t *c = reg_find(bev);

	return c && c->handshake_done;
}
