/*
 * kube_tls: TLS (mbedTLS 2.28) for servers and clients, as a libevent
 * bufferevent that carries plaintext.
 *
 * A kube_tls_config_t holds what is shared by many connections: our
 * certificate chain and key, the CA bundle (a server uses it to verify client
 * certificates, a client to verify the server), the ALPN list and the random
 * generator. It is reference counted: every connection holds a reference, so
 * kube_tls_config_free() may be called while connections are still open.
 * A config may be used from several threads at once (mbedTLS is built with
 * MBEDTLS_THREADING_PTHREAD; the DRBG locks itself).
 *
 * Transport design: kube_tls_wrap() takes a socket bufferevent (connected or
 * connecting) and returns a libevent *filter* bufferevent on top of it
 * (bufferevent_filter_new, BEV_OPT_CLOSE_ON_FREE). mbedTLS reads ciphertext
 * straight from the socket bufferevent's input buffer and appends records to
 * its output buffer (BIO callbacks over evbuffers, no extra copies or
 * sockets). The input filter drives the handshake and decrypts every
 * complete record into the filter's input; the output filter encrypts what
 * the user wrote once the handshake is done (data written earlier waits).
 * Everything is owned by the returned bufferevent: bufferevent_free() on it
 * frees the TLS state, the socket bufferevent and (with CLOSE_ON_FREE on the
 * socket bufferevent) the socket. The kube_tls_conn_t handle is valid exactly
 * as long as that bufferevent.
 *
 * Events on the plaintext bufferevent:
 *  - BEV_EVENT_CONNECTED once the TLS handshake completed (a client that
 *    wraps a connecting socket also sees the TCP connect forwarded: check
 *    kube_tls_conn_ready());
 *  - BEV_EVENT_ERROR|BEV_EVENT_READING on a handshake failure, a bad record
 *    or a failed verification (kube_tls_conn_error() says why);
 *  - BEV_EVENT_EOF on the peer's close_notify or TCP EOF.
 * Libevent's filter bufferevent does not look at ciphertext that arrived
 * while EV_READ was disabled until more arrives: after re-enabling EV_READ,
 * call bufferevent_flush(bev, EV_READ, BEV_NORMAL) and then look at the
 * input buffer (harmless on a plain socket bufferevent, so callers need not
 * know whether TLS is in use). Bytes not yet on the wire are
 * evbuffer_get_length() of the plaintext output plus that of
 * bufferevent_get_underlying(bev)'s output.
 *
 * Threading: a wrapped bufferevent belongs to its event_base's thread.
 */
#ifndef KUBE_TLS_H
#define KUBE_TLS_H

#include "core/kube_core.h"

struct bufferevent;

typedef struct kube_tls_config kube_tls_config_t;
typedef struct kube_tls_conn kube_tls_conn_t;

typedef enum kube_tls_client_auth {
	KUBE_TLS_CLIENT_AUTH_NONE = 0, /* do not ask for a client certificate */
	KUBE_TLS_CLIENT_AUTH_REQUEST,  /* ask; verify it if one is sent (Go's VerifyClientCertIfGiven) */
	KUBE_TLS_CLIENT_AUTH_REQUIRE,  /* a verified client certificate is required */
} kube_tls_client_auth_t;

typedef struct kube_tls_options {
	bool server; /* server or client side */
	/* Our certificate chain and key: file paths or PEM text (PEM wins).
	 * Required for a server; optional client certificate for a client. */
	const char *cert_file, *key_file;
	const char *cert_pem, *key_pem;
	/* CA bundle: server = client CAs (needed for client_auth != NONE);
	 * client = CAs to verify the server (required unless
	 * insecure_skip_verify). File path or PEM text (PEM wins). */
	const char *ca_file;
	const char *ca_pem;
	kube_tls_client_auth_t client_auth; /* server only */
	/* Client only: the name to verify (DNS name or IP address; an IP is
	 * matched against the certificate's IP SANs) and to send as SNI.
	 * kube_tls_wrap() may override it per connection. */
	const char *server_name;
	bool insecure_skip_verify; /* client only: do not verify the server */
	/* ALPN protocols in preference order, NULL-terminated; NULL for none.
	 * E.g. { "h2", "http/1.1", NULL }. Copied. */
	const char *const *alpn;
} kube_tls_options_t;

/* Build a config. Returns 0 and *ret_cfg, or -ENOENT (a file is missing),
 * -EINVAL (bad PEM/DER, key does not match, missing required part). On
 * failure *ret_err (when not NULL) receives an allocated message naming the
 * file and the mbedTLS error; the caller frees it. */
int kube_tls_config_new(const kube_tls_options_t *opts, kube_tls_config_t **ret_cfg,
			char **ret_err);
/* Drop the caller's reference. Accepts NULL. */
void kube_tls_config_free(kube_tls_config_t *cfg);
/* Take another reference (returns cfg). */
kube_tls_config_t *kube_tls_config_ref(kube_tls_config_t *cfg);
/* True for a server-side config. */
bool kube_tls_config_is_server(const kube_tls_config_t *cfg);

/* Put TLS on sock (a socket bufferevent; ownership passes to the result,
 * also on failure, when sock is freed). server_name overrides the config's
 * for a client (NULL keeps it). A client starts its handshake at once
 * (ClientHello waits in sock's output if it is still connecting). Returns 0
 * with *ret_bev (the plaintext bufferevent, EV_READ|EV_WRITE enabled) and,
 * when ret_conn is not NULL, *ret_conn; -ENOMEM/-EINVAL otherwise. */
int kube_tls_wrap(kube_tls_config_t *cfg, struct bufferevent *sock,
		  const char *server_name, struct bufferevent **ret_bev,
		  kube_tls_conn_t **ret_conn);

/* Handshake done and the connection usable. */
bool kube_tls_conn_ready(const kube_tls_conn_t *conn);
/* The negotiated ALPN protocol ("h2", "http/1.1"), NULL if none (yet). */
const char *kube_tls_conn_alpn(const kube_tls_conn_t *conn);
/* The peer certificate (DER, leaf) if one was sent and verified (server with
 * client_auth, or a verifying client). The bytes live as long as conn.
 * Returns 0 or -ENOENT. */
int kube_tls_conn_peer_cert(const kube_tls_conn_t *conn, const uint8_t **ret_der,
			    size_t *ret_len);
/* Why the connection failed ("" when it did not); owned by conn. */
const char *kube_tls_conn_error(const kube_tls_conn_t *conn);
/* Queue a close_notify alert (the socket is not closed). */
void kube_tls_conn_close_notify(kube_tls_conn_t *conn);

#endif
