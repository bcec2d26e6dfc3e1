/*
 * kube_pki: X.509 certificates for a cluster's own PKI, with mbedTLS 2.28.
 *
 * Generates keys (ECDSA P-256 or RSA 2048), a self-signed CA, and serving or
 * client certificates signed by a CA, with a subject (CN, and O for each
 * group of a client certificate), subject alternative names (DNS names and
 * IP addresses), key usages, extended key usages and validity. Writes and
 * reads PEM files (the key file mode 0600, written atomically).
 *
 * A kube_pki_cert_t owns its certificate (DER and parsed), its private key
 * when it has one, and the chain it was loaded with. Each function uses its
 * own random generator; distinct objects may be used from distinct threads,
 * one object from one thread at a time.
 */
#ifndef KUBE_PKI_H
#define KUBE_PKI_H

#include "core/kube_core.h"
#include "core/kube_buf.h"

typedef struct kube_pki_cert kube_pki_cert_t;

typedef enum {
	KUBE_PKI_KEY_EC_P256 = 0,
	KUBE_PKI_KEY_RSA_2048,
} kube_pki_key_type_t;

typedef struct kube_pki_spec {
	const char *common_name;
	const char *const *organizations; /* NULL-terminated, or NULL; groups for client certs */
	const char *const *dns_names;	  /* NULL-terminated SANs, or NULL */
	const char *const *ip_addresses;  /* NULL-terminated SANs ("10.0.0.1", "::1"), or NULL */
	int64_t not_before;		  /* Unix seconds; 0 = now */
	int64_t validity_seconds;	  /* 0 = one year */
	bool server_auth;		  /* extended key usage serverAuth */
	bool client_auth;		  /* extended key usage clientAuth */
	kube_pki_key_type_t key_type;
} kube_pki_spec_t;

/* A self-signed CA (basicConstraints CA:TRUE, keyCertSign|cRLSign). Returns 0
 * or -EINVAL (bad spec) / -EIO (mbedTLS failure). */
int kube_pki_ca_new(const kube_pki_spec_t *spec, kube_pki_cert_t **ret);
/* A leaf certificate signed by ca (which must hold its key). */
int kube_pki_cert_new(const kube_pki_cert_t *ca, const kube_pki_spec_t *spec, kube_pki_cert_t **ret);
void kube_pki_cert_free(kube_pki_cert_t *c);

/* PEM of the certificate (followed by its chain, if any) and of the key. */
int kube_pki_cert_pem(const kube_pki_cert_t *c, kube_buf_t *ret_cert_pem);
int kube_pki_key_pem(const kube_pki_cert_t *c, kube_buf_t *ret_key_pem);
/* Append issuer's certificate to c's chain (written after c's own PEM). */
void kube_pki_cert_add_chain(kube_pki_cert_t *c, const kube_pki_cert_t *issuer);

/* Write cert (0644) and key (0600) PEM files, each through a temporary file
 * and rename. key_path may be NULL. Returns 0 or -errno. */
int kube_pki_cert_write(const kube_pki_cert_t *c, const char *cert_path, const char *key_path);
/* Load a certificate file (first certificate; the rest is its chain) and
 * optionally its key (key_path NULL: none). Returns 0, -ENOENT, or -EINVAL
 * for unparsable files or a key not matching the certificate. */
int kube_pki_cert_load(const char *cert_path, const char *key_path, kube_pki_cert_t **ret);

/* Accessors: common name, validity (Unix seconds). Strings owned by c. */
const char *kube_pki_cert_common_name(const kube_pki_cert_t *c);
int64_t kube_pki_cert_not_after(const kube_pki_cert_t *c);
/* Verify that c chains to ca and, if name is non-NULL, is valid for that DNS
 * name (or IP address text) as TLS would check it. 0 or -EINVAL. */
int kube_pki_cert_verify(const kube_pki_cert_t *c, const kube_pki_cert_t *ca, const char *name);

/* What upstream's API server does without --tls-cert-file: make (or reuse,
 * if present, loadable and unexpired) <cert_dir>/<name>.crt and .key: a
 * certificate for host (CN "<host>@<time>", SANs: host, the extra DNS names
 * and IPs, "localhost", 127.0.0.1) signed by a fresh CA ("<host>-ca@<time>"),
 * the CA appended to the cert file. Creates cert_dir (0755) if missing.
 * Returns 0 or -errno; *ret_cert_path and *ret_key_path (caller frees) on
 * success, each may be NULL if not wanted. */
int kube_pki_ensure_self_signed(const char *cert_dir, const char *name, const char *host,
				const char *const *dns_names, const char *const *ip_addresses,
				char **ret_cert_path, char **ret_key_path);

#endif
