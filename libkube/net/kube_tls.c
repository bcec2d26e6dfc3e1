/* kube_tls: mbedTLS over a libevent filter bufferevent (see kube_tls.h). */
#include "net/kube_tls.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "core/kube_log.h"

#define MAX_ALPN 8

struct kube_tls_config {
	atomic_int refs;
	bool server;
	bool insecure;
	bool have_own_cert;
	bool have_ca;
	kube_tls_client_auth_t client_auth;
	char *server_name;
	mbedtls_ssl_config conf;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt own_cert;
	mbedtls_pk_context own_key;
	mbedtls_x509_crt ca;
	char *alpn_store[MAX_ALPN + 1];
	const char *alpn[MAX_ALPN + 1];
};

struct kube_tls_conn {
	kube_tls_config_t *cfg;
	struct bufferevent *bev;  /* the filter (plaintext) */
	struct bufferevent *sock; /* the socket bufferevent */
	mbedtls_ssl_context ssl;
	bool ready;
	bool failed;
	bool eof;
	bool ip_name;
	uint8_t ip[16];
	size_t ip_len;
	char error[160];
};

static void set_err(char **ret_err, const char *what, const char *path, int mret)
{
	char buf[128] = "";

	if (!ret_err)
		return;
	if (mret)
		mbedtls_strerror(mret, buf, sizeof(buf));
	*ret_err = kube_asprintf("%s%s%s%s%s", what, path ? " " : "", path ? path : "",
				 mret ? ": " : "", buf);
}

static int load_crt(mbedtls_x509_crt *crt, const char *pem, const char *file,
		    const char *what, char **ret_err)
{
	int r;

	if (pem)
		r = mbedtls_x509_crt_parse(crt, (const unsigned char *)pem, strlen(pem) + 1);
	else {
		struct stat st;
		if (stat(file, &st) < 0) {
			int e = errno;
			set_err(ret_err, what, file, 0);
			return -e;
		}
		r = mbedtls_x509_crt_parse_file(crt, file);
	}
	if (r != 0) {
		set_err(ret_err, what, file, r);
		return -EINVAL;
	}
	return 0;
}

static int load_key(kube_tls_config_t *c, const char *pem, const char *file, char **ret_err)
{
	int r;

	if (pem)
		r = mbedtls_pk_parse_key(&c->own_key, (const unsigned char *)pem,
					 strlen(pem) + 1, NULL, 0);
	else {
		struct stat st;
		if (stat(file, &st) < 0) {
			int e = errno;
			set_err(ret_err, "cannot read key", file, 0);
			return -e;
		}
		r = mbedtls_pk_parse_keyfile(&c->own_key, file, NULL);
	}
	if (r != 0) {
		set_err(ret_err, "bad private key", file, r);
		return -EINVAL;
	}
	return 0;
}

static void config_destroy(kube_tls_config_t *c)
{
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_x509_crt_free(&c->own_cert);
	mbedtls_pk_free(&c->own_key);
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_ctr_drbg_free(&c->drbg);
	mbedtls_entropy_free(&c->entropy);
	for (size_t i = 0; c->alpn_store[i]; i++)
		kube_free(c->alpn_store[i]);
	kube_free(c->server_name);
	kube_free(c);
}

int kube_tls_config_new(const kube_tls_options_t *o, kube_tls_config_t **ret_cfg,
			char **ret_err)
{
	static const char pers[] = "kube_tls";
	kube_tls_config_t *c;
	int r;

	if (!o || !ret_cfg)
		return -EINVAL;
	c = kube_calloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->server = o->server;
	c->insecure = o->insecure_skip_verify;
	c->client_auth = o->client_auth;
	if (o->server_name)
		c->server_name = kube_strdup(o->server_name);
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_x509_crt_init(&c->own_cert);
	mbedtls_pk_init(&c->own_key);
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_ctr_drbg_init(&c->drbg);
	mbedtls_entropy_init(&c->entropy);

	r = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
				  (const unsigned char *)pers, sizeof(pers) - 1);
	if (r != 0) {
		set_err(ret_err, "cannot seed the random generator", NULL, r);
		r = -EIO;
		goto fail;
	}

	if (o->cert_pem || o->cert_file) {
		if (!(o->key_pem || o->key_file)) {
			set_err(ret_err, "a certificate needs a key", NULL, 0);
			r = -EINVAL;
			goto fail;
		}
		r = load_crt(&c->own_cert, o->cert_pem, o->cert_file, "bad certificate", ret_err);
		if (r < 0)
			goto fail;
		r = load_key(c, o->key_pem, o->key_file, ret_err);
		if (r < 0)
			goto fail;
		r = mbedtls_pk_check_pair(&c->own_cert.pk, &c->own_key);
		if (r != 0) {
			set_err(ret_err, "private key does not match the certificate",
				o->key_file, r);
			r = -EINVAL;
			goto fail;
		}
		c->have_own_cert = true;
	} else if (o->server) {
		set_err(ret_err, "a TLS server needs a certificate and key", NULL, 0);
		r = -EINVAL;
		goto fail;
	}

	if (o->ca_pem || o->ca_file) {
		r = load_crt(&c->ca, o->ca_pem, o->ca_file, "bad CA bundle", ret_err);
		if (r < 0)
			goto fail;
		c->have_ca = true;
	} else if ((o->server && o->client_auth != KUBE_TLS_CLIENT_AUTH_NONE) ||
		   (!o->server && !o->insecure_skip_verify)) {
		set_err(ret_err, "a CA bundle is needed to verify the peer", NULL, 0);
		r = -EINVAL;
		goto fail;
	}

	r = mbedtls_ssl_config_defaults(&c->conf,
					o->server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
					MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (r != 0) {
		set_err(ret_err, "mbedtls_ssl_config_defaults", NULL, r);
		r = -EINVAL;
		goto fail;
	}
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
	mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	if (c->have_own_cert) {
		r = mbedtls_ssl_conf_own_cert(&c->conf, &c->own_cert, &c->own_key);
		if (r != 0) {
			set_err(ret_err, "mbedtls_ssl_conf_own_cert", NULL, r);
			r = -EINVAL;
			goto fail;
		}
	}
	if (c->have_ca)
		mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
	if (o->server) {
		switch (o->client_auth) {
		case KUBE_TLS_CLIENT_AUTH_REQUIRE:
			mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
			break;
		case KUBE_TLS_CLIENT_AUTH_REQUEST:
			mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
			break;
		default:
			mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
		}
	} else {
		mbedtls_ssl_conf_authmode(&c->conf, o->insecure_skip_verify
							    ? MBEDTLS_SSL_VERIFY_NONE
							    : MBEDTLS_SSL_VERIFY_REQUIRED);
	}
	if (o->alpn) {
		size_t n = 0;
		for (; o->alpn[n] && n < MAX_ALPN; n++) {
			c->alpn_store[n] = kube_strdup(o->alpn[n]);
			c->alpn[n] = c->alpn_store[n];
		}
		if (n > 0 && mbedtls_ssl_conf_alpn_protocols(&c->conf, c->alpn) != 0) {
			set_err(ret_err, "bad ALPN list", NULL, 0);
			r = -EINVAL;
			goto fail;
		}
	}
	*ret_cfg = c;
	return 0;
fail:
	config_destroy(c);
	return r;
}

kube_tls_config_t *kube_tls_config_ref(kube_tls_config_t *cfg)
{
	if (cfg)
		atomic_fetch_add(&cfg->refs, 1);
	return cfg;
}

void kube_tls_config_free(kube_tls_config_t *cfg)
{
	if (!cfg)
		return;
	if (atomic_fetch_sub(&cfg->refs, 1) == 1)
		config_destroy(cfg);
}

bool kube_tls_config_is_server(const kube_tls_config_t *cfg)
{
	return cfg && cfg->server;
}

/* ---- BIO over the socket bufferevent's buffers ---- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	kube_tls_conn_t *c = ctx;

	if (evbuffer_add(bufferevent_get_output(c->sock), buf, len) < 0)
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	kube_tls_conn_t *c = ctx;
	int n = evbuffer_remove(bufferevent_get_input(c->sock), buf, len);

	if (n <= 0)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return n;
}

/* ---- IP SAN check (mbedTLS 2.28 only matches DNS names) ---- */

static bool crt_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t ip_len)
{
	unsigned char *p = crt->v3_ext.p, *end;
	size_t len;

	if (!p || crt->v3_ext.len == 0)
		return false;
	end = p + crt->v3_ext.len;
	/* [3] EXPLICIT Extensions ::= SEQUENCE OF Extension */
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC |
							MBEDTLS_ASN1_CONSTRUCTED | 3) == 0)
		end = p + len;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
		return false;
	end = p + len;
	while (p < end) {
		unsigned char *ext_end, *oid;
		size_t oid_len;
		int crit;

		if (mbedtls_asn1_get_tag(&p, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return false;
		ext_end = p + len;
		if (mbedtls_asn1_get_tag(&p, ext_end, &oid_len, MBEDTLS_ASN1_OID))
			return false;
		oid = p;
		p += oid_len;
		if (mbedtls_asn1_get_bool(&p, ext_end, &crit) != 0 &&
		    mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) == 0) {
			/* no critical flag: p is at the octet string contents */
		} else if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING)) {
			return false;
		}
		if (oid_len == MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME) &&
		    memcmp(oid, MBEDTLS_OID_SUBJECT_ALT_NAME, oid_len) == 0) {
			unsigned char *q = p, *qend = p + len;
			size_t slen;

			if (mbedtls_asn1_get_tag(&q, qend, &slen, MBEDTLS_ASN1_CONSTRUCTED |
									  MBEDTLS_ASN1_SEQUENCE))
				return false;
			qend = q + slen;
			while (q < qend) {
				unsigned char tag = *q++;
				size_t glen;
				if (mbedtls_asn1_get_len(&q, qend, &glen))
					return false;
				if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && glen == ip_len &&
				    memcmp(q, ip, ip_len) == 0)
					return true;
				q += glen;
			}
			return false;
		}
		p = ext_end;
	}
	return false;
}

static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	kube_tls_conn_t *c = ctx;

	if (depth == 0 && c->ip_name && !crt_has_ip(crt, c->ip, c->ip_len))
		*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	return 0;
}

/* ---- filters ---- */

static void fail_conn(kube_tls_conn_t *c, const char *what, int mret)
{
	char buf[100] = "";

	if (c->failed)
		return;
	c->failed = true;
	if (mret)
		mbedtls_strerror(mret, buf, sizeof(buf));
	snprintf(c->error, sizeof(c->error), "%s%s%s", what, mret ? ": " : "", buf);
	klog_v(4, "tls: %s", c->error);
	bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_READING,
				  BEV_TRIG_DEFER_CALLBACKS);
}

static bool handshake_step(kube_tls_conn_t *c)
{
	int r = mbedtls_ssl_handshake(&c->ssl);

	if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
		return false;
	if (r != 0) {
		if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
			char vb[256];
			uint32_t fl = mbedtls_ssl_get_verify_result(&c->ssl);
			mbedtls_x509_crt_verify_info(vb, sizeof(vb), "", fl);
			vb[strcspn(vb, "\n")] = '\0';
			fail_conn(c, vb[0] ? vb : "certificate verify failed", 0);
		} else {
			fail_conn(c, "TLS handshake failed", r);
		}
		return false;
	}
	if (c->cfg->server && c->cfg->client_auth == KUBE_TLS_CLIENT_AUTH_REQUEST &&
	    mbedtls_ssl_get_peer_cert(&c->ssl) && mbedtls_ssl_get_verify_result(&c->ssl) != 0) {
		fail_conn(c, "client certificate verify failed", 0);
		return false;
	}
	c->ready = true;
	bufferevent_trigger_event(c->bev, BEV_EVENT_CONNECTED, BEV_TRIG_DEFER_CALLBACKS);
	return true;
}

static enum bufferevent_filter_result filter_in(struct evbuffer *src, struct evbuffer *dst,
						ev_ssize_t limit,
						enum bufferevent_flush_mode mode, void *ctx)
{
	kube_tls_conn_t *c = ctx;
	bool produced = false;
	unsigned char buf[16384];

	if (c->failed || c->eof) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return BEV_ERROR;
	}
	if (!c->ready) {
		if (!handshake_step(c)) {
			if (c->failed)
				evbuffer_drain(src, evbuffer_get_length(src));
			return c->failed ? BEV_ERROR : BEV_NEED_MORE;
		}
		/* Send what the user queued before the handshake finished. */
		bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
	}
	for (;;) {
		int r = mbedtls_ssl_read(&c->ssl, buf, sizeof(buf));
		if (r > 0) {
			evbuffer_add(dst, buf, (size_t)r);
			produced = true;
			continue;
		}
		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
		if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
			c->eof = true;
			evbuffer_drain(src, evbuffer_get_length(src));
			bufferevent_trigger_event(c->bev, BEV_EVENT_EOF | BEV_EVENT_READING,
						  BEV_TRIG_DEFER_CALLBACKS);
			return produced ? BEV_OK : BEV_ERROR;
		}
		evbuffer_drain(src, evbuffer_get_length(src));
		fail_conn(c, "TLS read failed", r);
		return produced ? BEV_OK : BEV_ERROR;
	}
	(void)limit;
	(void)mode;
	return produced ? BEV_OK : BEV_NEED_MORE;
}

static enum bufferevent_filter_result filter_out(struct evbuffer *src, struct evbuffer *dst,
						 ev_ssize_t limit,
						 enum bufferevent_flush_mode mode, void *ctx)
{
	kube_tls_conn_t *c = ctx;
	bool wrote = false;

	(void)dst;
	(void)limit;
	(void)mode;
	if (c->failed)
		return BEV_ERROR;
	if (!c->ready)
		return BEV_NEED_MORE;
	while (evbuffer_get_length(src) > 0) {
		struct evbuffer_iovec v[8];
		int n = evbuffer_peek(src, 16384, NULL, v, 8);
		size_t done = 0;

		for (int i = 0; i < n && i < 8; i++) {
			size_t off = 0;
			while (off < v[i].iov_len) {
				size_t chunk = KUBE_MIN(v[i].iov_len - off, (size_t)16384);
				int r = mbedtls_ssl_write(&c->ssl,
							  (unsigned char *)v[i].iov_base + off,
							  chunk);
				if (r <= 0) {
					evbuffer_drain(src, done);
					fail_conn(c, "TLS write failed", r);
					return BEV_ERROR;
				}
				off += (size_t)r;
				done += (size_t)r;
			}
		}
		evbuffer_drain(src, done);
		wrote = true;
	}
	return wrote ? BEV_OK : BEV_NEED_MORE;
}

static void conn_free(void *ctx)
{
	kube_tls_conn_t *c = ctx;

	if (!c)
		return;
	mbedtls_ssl_free(&c->ssl);
	kube_tls_config_free(c->cfg);
	kube_free(c);
}

int kube_tls_wrap(kube_tls_config_t *cfg, struct bufferevent *sock, const char *server_name,
		  struct bufferevent **ret_bev, kube_tls_conn_t **ret_conn)
{
	kube_tls_conn_t *c;
	int r;

	if (!cfg || !sock || !ret_bev) {
		if (sock)
			bufferevent_free(sock);
		return -EINVAL;
	}
	c = kube_calloc(1, sizeof(*c));
	c->cfg = kube_tls_config_ref(cfg);
	c->sock = sock;
	mbedtls_ssl_init(&c->ssl);
	r = mbedtls_ssl_setup(&c->ssl, &cfg->conf);
	if (r != 0) {
		conn_free(c);
		bufferevent_free(sock);
		return -ENOMEM;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	if (!cfg->server) {
		const char *name = server_name ? server_name : cfg->server_name;
		if (name && *name) {
			char tmp[64];
			kube_strlcpy(tmp, name, sizeof(tmp));
			/* strip brackets of "[::1]" */
			if (tmp[0] == '[') {
				memmove(tmp, tmp + 1, strlen(tmp));
				tmp[strcspn(tmp, "]")] = '\0';
			}
			if (inet_pton(AF_INET, tmp, c->ip) == 1) {
				c->ip_name = true;
				c->ip_len = 4;
			} else if (inet_pton(AF_INET6, tmp, c->ip) == 1) {
				c->ip_name = true;
				c->ip_len = 16;
			} else if (mbedtls_ssl_set_hostname(&c->ssl, name) != 0) {
				conn_free(c);
				bufferevent_free(sock);
				return -EINVAL;
			}
		}
		if (c->ip_name && !cfg->insecure)
			mbedtls_ssl_set_verify(&c->ssl, verify_cb, c);
	}
	c->bev = bufferevent_filter_new(sock, filter_in, filter_out, BEV_OPT_CLOSE_ON_FREE,
					conn_free, c);
	if (!c->bev) {
		conn_free(c);
		bufferevent_free(sock);
		return -ENOMEM;
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (!cfg->server)
		handshake_step(c); /* ClientHello */
	*ret_bev = c->bev;
	if (ret_conn)
		*ret_conn = c;
	return 0;
}

bool kube_tls_conn_ready(const kube_tls_conn_t *conn)
{
	return conn && conn->ready;
}

const char *kube_tls_conn_alpn(const kube_tls_conn_t *conn)
{
	if (!conn || !conn->ready)
		return NULL;
	return mbedtls_ssl_get_alpn_protocol(&conn->ssl);
}

int kube_tls_conn_peer_cert(const kube_tls_conn_t *conn, const uint8_t **ret_der,
			    size_t *ret_len)
{
	const mbedtls_x509_crt *crt;

	if (!conn || !conn->ready)
		return -ENOENT;
	if (conn->cfg->server ? conn->cfg->client_auth == KUBE_TLS_CLIENT_AUTH_NONE
			      : conn->cfg->insecure)
		return -ENOENT;
	crt = mbedtls_ssl_get_peer_cert(&conn->ssl);
	if (!crt || mbedtls_ssl_get_verify_result(&conn->ssl) != 0)
		return -ENOENT;
	if (ret_der)
		*ret_der = crt->raw.p;
	if (ret_len)
		*ret_len = crt->raw.len;
	return 0;
}

const char *kube_tls_conn_error(const kube_tls_conn_t *conn)
{
	return conn ? conn->error : "";
}

void kube_tls_conn_close_notify(kube_tls_conn_t *conn)
{
	if (conn && conn->ready && !conn->failed)
		mbedtls_ssl_close_notify(&conn->ssl);
}
