/*
 * kube_tls: TLS through mbedTLS as a libevent bufferevent. A TLS connection
 * is a filter bufferevent over the socket's bufferevent: what its owner
 * reads and writes is plaintext, so HTTP (and an upgraded connection handed
 * on after a 101) works the same over TCP and TLS.
 *
 * A kube_tls_config_t holds the certificate, key, CA chain and ALPN list,
 * and is shared read-only by every connection made from it; it must outlive
 * them. Connections belong to the thread of their event_base.
 */
#ifndef KUBE_TLS_H
#define KUBE_TLS_H

#include "core/kube_core.h"

struct event_base;
struct bufferevent;

typedef struct kube_tls_config kube_tls_config_t;

typedef enum {
	KUBE_TLS_CLIENT_CERT_NONE = 0, /* do not ask */
	KUBE_TLS_CLIENT_CERT_VERIFY_IF_GIVEN, /* ask; verify against client_ca when given */
	KUBE_TLS_CLIENT_CERT_REQUIRE,
} kube_tls_client_auth_t;

typedef struct kube_tls_options {
	bool server;
	const char *cert_file, *key_file; /* PEM; server: required; client: optional */
	const char *ca_file;		  /* server: client CA; client: server CA */
	kube_tls_client_auth_t client_auth;
	bool insecure_skip_verify;	  /* client */
	const char *const *alpn;	  /* NULL-terminated, e.g. {"http/1.1", NULL} */
} kube_tls_options_t;

/* Returns 0 or -errno (-ENOENT unreadable file, -EINVAL bad PEM); *ret_err
 * (static text) says what failed. */
int kube_tls_config_new(const kube_tls_options_t *o, kube_tls_config_t **ret, const char **ret_err);
void kube_tls_config_free(kube_tls_config_t *cfg);

/* Wrap a connected socket (taken over: closed when the bufferevent is
 * freed). server_name is the SNI and verification name for clients.
 * Returns the plaintext bufferevent, or NULL. */
struct bufferevent *kube_tls_wrap(struct event_base *base, const kube_tls_config_t *cfg, int fd,
				  const char *server_name);
/* After the handshake: the negotiated ALPN protocol (NULL if none), the
 * peer's certificate as DER (-ENOENT when none). bev is kube_tls_wrap's. */
const char *kube_tls_alpn(struct bufferevent *bev);
int kube_tls_peer_cert(struct bufferevent *bev, const uint8_t **ret_der, size_t *ret_len);
bool kube_tls_handshake_done(struct bufferevent *bev);

#endif
