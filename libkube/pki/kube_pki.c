/* kube_pki: CA and certificate generation with mbedTLS 2.28 (see kube_pki.h). */
#include "pki/kube_pki.h"

#include "core/kube_time.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_crt.h>

#define PEM_MAX (16 * 1024)
#define MAX_SANS 256
#define MAX_NAME 1024

struct kube_pki_cert {
	mbedtls_x509_crt crt; /* the certificate, then its chain */
	mbedtls_pk_context key;
	bool has_key;
	char *cn;
};

typedef struct rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
} rng_t;

static int rng_init(rng_t *r)
{
	static const char pers[] = "kube_pki";

	mbedtls_entropy_init(&r->entropy);
	mbedtls_ctr_drbg_init(&r->drbg);
	if (mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy,
				  (const unsigned char *)pers, sizeof(pers) - 1) != 0)
		return -EIO;
	return 0;
}

static void rng_free(rng_t *r)
{
	mbedtls_ctr_drbg_free(&r->drbg);
	mbedtls_entropy_free(&r->entropy);
}

static kube_pki_cert_t *cert_alloc(void)
{
	kube_pki_cert_t *c = kube_calloc(1, sizeof(*c));

	mbedtls_x509_crt_init(&c->crt);
	mbedtls_pk_init(&c->key);
	return c;
}

void kube_pki_cert_free(kube_pki_cert_t *c)
{
	if (!c)
		return;
	mbedtls_x509_crt_free(&c->crt);
	mbedtls_pk_free(&c->key);
	kube_free(c->cn);
	kube_free(c);
}

static char *name_value(const mbedtls_x509_name *n, const char *oid, size_t oid_len)
{
	for (; n; n = n->next)
		if (n->oid.len == oid_len && memcmp(n->oid.p, oid, oid_len) == 0)
			return kube_strndup((const char *)n->val.p, n->val.len);
	return NULL;
}

static void cert_cache(kube_pki_cert_t *c)
{
	kube_free(c->cn);
	c->cn = name_value(&c->crt.subject, MBEDTLS_OID_AT_CN, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_CN));
}

static int gen_key(mbedtls_pk_context *pk, kube_pki_key_type_t type, rng_t *r)
{
	if (type == KUBE_PKI_KEY_RSA_2048) {
		if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0 ||
		    mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk), mbedtls_ctr_drbg_random, &r->drbg,
					2048, 65537) != 0)
			return -EIO;
		return 0;
	}
	if (type != KUBE_PKI_KEY_EC_P256)
		return -EINVAL;
	if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk),
				mbedtls_ctr_drbg_random, &r->drbg) != 0)
		return -EIO;
	return 0;
}

/* Prepend one attribute to a name list (freed by mbedtls with the writer). */
static int name_prepend(mbedtls_asn1_named_data **head, const char *oid, size_t oid_len,
			int tag, const unsigned char *val, size_t val_len)
{
	mbedtls_asn1_named_data *n = mbedtls_calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->oid.tag = MBEDTLS_ASN1_OID;
	n->oid.len = oid_len;
	n->oid.p = mbedtls_calloc(1, oid_len);
	n->val.tag = tag;
	n->val.len = val_len;
	n->val.p = mbedtls_calloc(1, val_len ? val_len : 1);
	if (!n->oid.p || !n->val.p) {
		mbedtls_free(n->oid.p);
		mbedtls_free(n->val.p);
		mbedtls_free(n);
		return -ENOMEM;
	}
	memcpy(n->oid.p, oid, oid_len);
	memcpy(n->val.p, val, val_len);
	n->next = *head;
	*head = n;
	return 0;
}

/* Subject in Go's order: O (each), then CN. */
static int build_subject(mbedtls_asn1_named_data **head, const kube_pki_spec_t *spec)
{
	int r;

	for (size_t i = 0; spec->organizations && spec->organizations[i]; i++) {
		const char *o = spec->organizations[i];
		if (strlen(o) > MAX_NAME)
			return -EINVAL;
		r = name_prepend(head, MBEDTLS_OID_AT_ORGANIZATION,
				 MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORGANIZATION), MBEDTLS_ASN1_UTF8_STRING,
				 (const unsigned char *)o, strlen(o));
		if (r < 0)
			return r;
	}
	if (strlen(spec->common_name) > MAX_NAME)
		return -EINVAL;
	return name_prepend(head, MBEDTLS_OID_AT_CN, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_CN),
			    MBEDTLS_ASN1_UTF8_STRING, (const unsigned char *)spec->common_name,
			    strlen(spec->common_name));
}

/* Copy a parsed name keeping its DER order and string types. */
static int copy_name(mbedtls_asn1_named_data **head, const mbedtls_x509_name *n)
{
	mbedtls_asn1_named_data *rev = NULL;
	int r = 0;

	/* Prepending reverses; the writer reverses again. */
	for (; n; n = n->next) {
		r = name_prepend(&rev, (const char *)n->oid.p, n->oid.len, n->val.tag, n->val.p,
				 n->val.len);
		if (r < 0)
			break;
	}
	*head = rev;
	return r;
}

static void der_len(kube_buf_t *b, size_t len)
{
	if (len < 0x80) {
		kube_buf_putc(b, (char)len);
	} else if (len < 0x100) {
		kube_buf_putc(b, (char)0x81);
		kube_buf_putc(b, (char)len);
	} else {
		kube_buf_putc(b, (char)0x82);
		kube_buf_putc(b, (char)(len >> 8));
		kube_buf_putc(b, (char)(len & 0xff));
	}
}

static void der_tlv(kube_buf_t *b, unsigned char tag, const void *p, size_t len)
{
	kube_buf_putc(b, (char)tag);
	der_len(b, len);
	kube_buf_append(b, p, len);
}

/* subjectAltName: SEQUENCE OF GeneralName ([2] dNSName, [7] iPAddress). */
static int build_san(kube_buf_t *out, const kube_pki_spec_t *spec)
{
	kube_buf_t inner = KUBE_BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; spec->dns_names && spec->dns_names[i]; i++, n++) {
		size_t len = strlen(spec->dns_names[i]);
		if (len == 0 || len > 253 || n >= MAX_SANS) {
			kube_buf_clear(&inner);
			return -EINVAL;
		}
		der_tlv(&inner, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2, spec->dns_names[i], len);
	}
	for (size_t i = 0; spec->ip_addresses && spec->ip_addresses[i]; i++, n++) {
		unsigned char a[16];
		if (n >= MAX_SANS) {
			kube_buf_clear(&inner);
			return -EINVAL;
		}
		if (inet_pton(AF_INET, spec->ip_addresses[i], a) == 1) {
			der_tlv(&inner, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7, a, 4);
		} else if (inet_pton(AF_INET6, spec->ip_addresses[i], a) == 1) {
			der_tlv(&inner, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7, a, 16);
		} else {
			kube_buf_clear(&inner);
			return -EINVAL;
		}
	}
	if (n)
		der_tlv(out, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, inner.data, inner.len);
	kube_buf_clear(&inner);
	return (int)n;
}

static void build_eku(kube_buf_t *out, const kube_pki_spec_t *spec)
{
	kube_buf_t inner = KUBE_BUF_INIT;

	if (spec->server_auth)
		der_tlv(&inner, MBEDTLS_ASN1_OID, MBEDTLS_OID_SERVER_AUTH,
			MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH));
	if (spec->client_auth)
		der_tlv(&inner, MBEDTLS_ASN1_OID, MBEDTLS_OID_CLIENT_AUTH,
			MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH));
	if (inner.len)
		der_tlv(out, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, inner.data, inner.len);
	kube_buf_clear(&inner);
}

static void x509_time(int64_t secs, char out[32])
{
	time_t t = (time_t)secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Make a certificate for spec; issuer NULL = self-signed CA. */
static int make_cert(const kube_pki_cert_t *issuer, const kube_pki_spec_t *spec, bool is_ca,
		     kube_pki_cert_t **ret)
{
	mbedtls_x509write_cert w;
	mbedtls_mpi serial;
	rng_t rng;
	kube_pki_cert_t *c = NULL;
	kube_buf_t san = KUBE_BUF_INIT, eku = KUBE_BUF_INIT;
	unsigned char serial_bytes[16], *der = NULL;
	char from[32], to[32];
	int64_t nb, validity;
	int r, len;

	if (!spec || !spec->common_name || !*spec->common_name || !ret)
		return -EINVAL;
	if (issuer && !issuer->has_key)
		return -EINVAL;
	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	r = rng_init(&rng);
	if (r < 0)
		goto out;
	c = cert_alloc();
	r = gen_key(&c->key, spec->key_type, &rng);
	if (r < 0)
		goto out;
	c->has_key = true;

	r = -EIO;
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	if (mbedtls_ctr_drbg_random(&rng.drbg, serial_bytes, sizeof(serial_bytes)) != 0)
		goto out;
	serial_bytes[0] &= 0x7f;
	serial_bytes[0] |= 0x01; /* positive, non-zero */
	if (mbedtls_mpi_read_binary(&serial, serial_bytes, sizeof(serial_bytes)) != 0 ||
	    mbedtls_x509write_crt_set_serial(&w, &serial) != 0)
		goto out;
	nb = spec->not_before ? spec->not_before : kube_wall_ns() / KUBE_NS_PER_SEC - 3600;
	validity = spec->validity_seconds > 0 ? spec->validity_seconds : 365LL * 86400;
	x509_time(nb, from);
	x509_time(nb + validity, to);
	if (mbedtls_x509write_crt_set_validity(&w, from, to) != 0)
		goto out;
	r = build_subject(&w.subject, spec);
	if (r < 0)
		goto out;
	r = issuer ? copy_name(&w.issuer, &issuer->crt.subject) : build_subject(&w.issuer, spec);
	if (r < 0)
		goto out;
	r = -EIO;
	mbedtls_x509write_crt_set_subject_key(&w, &c->key);
	mbedtls_x509write_crt_set_issuer_key(&w, issuer ? (mbedtls_pk_context *)&issuer->key : &c->key);
	if (mbedtls_x509write_crt_set_basic_constraints(&w, is_ca, is_ca ? 0 : -1) != 0 ||
	    mbedtls_x509write_crt_set_subject_key_identifier(&w) != 0 ||
	    mbedtls_x509write_crt_set_authority_key_identifier(&w) != 0)
		goto out;
	if (mbedtls_x509write_crt_set_key_usage(&w, is_ca ? MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
							   MBEDTLS_X509_KU_KEY_ENCIPHERMENT |
							   MBEDTLS_X509_KU_KEY_CERT_SIGN
							 : MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
							   MBEDTLS_X509_KU_KEY_ENCIPHERMENT) != 0)
		goto out;
	r = build_san(&san, spec);
	if (r < 0)
		goto out;
	r = -EIO;
	if (san.len && mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
							   MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME),
							   0, (unsigned char *)san.data, san.len) != 0)
		goto out;
	build_eku(&eku, spec);
	if (eku.len && mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
							   MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE),
							   0, (unsigned char *)eku.data, eku.len) != 0)
		goto out;

	der = kube_malloc(PEM_MAX);
	len = mbedtls_x509write_crt_der(&w, der, PEM_MAX, mbedtls_ctr_drbg_random, &rng.drbg);
	if (len <= 0)
		goto out;
	/* The DER is written at the end of the buffer. */
	if (mbedtls_x509_crt_parse_der(&c->crt, der + PEM_MAX - len, (size_t)len) != 0)
		goto out;
	cert_cache(c);
	*ret = TAKE_PTR(c);
	r = 0;
out:
	kube_free(der);
	kube_buf_clear(&san);
	kube_buf_clear(&eku);
	kube_pki_cert_free(c);
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&w);
	rng_free(&rng);
	return r;
}

int kube_pki_ca_new(const kube_pki_spec_t *spec, kube_pki_cert_t **ret)
{
	return make_cert(NULL, spec, true, ret);
}

int kube_pki_cert_new(const kube_pki_cert_t *ca, const kube_pki_spec_t *spec, kube_pki_cert_t **ret)
{
	if (!ca)
		return -EINVAL;
	return make_cert(ca, spec, false, ret);
}

void kube_pki_cert_add_chain(kube_pki_cert_t *c, const kube_pki_cert_t *issuer)
{
	(void)mbedtls_x509_crt_parse_der(&c->crt, issuer->crt.raw.p, issuer->crt.raw.len);
}

int kube_pki_cert_pem(const kube_pki_cert_t *c, kube_buf_t *out)
{
	unsigned char *buf = kube_malloc(PEM_MAX);
	int r = 0;

	for (const mbedtls_x509_crt *x = &c->crt; x && x->raw.p; x = x->next) {
		size_t olen = 0;
		if (mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n",
					     "-----END CERTIFICATE-----\n", x->raw.p, x->raw.len,
					     buf, PEM_MAX, &olen) != 0) {
			r = -EIO;
			break;
		}
		kube_buf_append(out, buf, olen ? olen - 1 : 0); /* olen counts the NUL */
	}
	kube_free(buf);
	return r;
}

int kube_pki_key_pem(const kube_pki_cert_t *c, kube_buf_t *out)
{
	unsigned char *buf;
	int r = 0;

	if (!c->has_key)
		return -ENOENT;
	buf = kube_calloc(1, PEM_MAX);
	if (mbedtls_pk_write_key_pem((mbedtls_pk_context *)&c->key, buf, PEM_MAX) != 0)
		r = -EIO;
	else
		kube_buf_puts(out, (const char *)buf);
	mbedtls_platform_zeroize(buf, PEM_MAX);
	kube_free(buf);
	return r;
}

static int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	char *tmp = kube_asprintf("%s.tmp.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC), r = 0;

	if (fd < 0) {
		r = -errno;
		kube_free(tmp);
		return r;
	}
	if (fchmod(fd, mode) < 0)
		r = -errno;
	while (r == 0 && len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		data += w;
		len -= (size_t)w;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	kube_free(tmp);
	return r;
}

int kube_pki_cert_write(const kube_pki_cert_t *c, const char *cert_path, const char *key_path)
{
	kube_buf_t b = KUBE_BUF_INIT;
	int r;

	if (key_path) {
		r = kube_pki_key_pem(c, &b);
		if (r == 0)
			r = write_file_atomic(key_path, kube_buf_str(&b), b.len, 0600);
		if (b.data)
			mbedtls_platform_zeroize(b.data, b.len);
		kube_buf_clear(&b);
		if (r < 0)
			return r;
	}
	r = kube_pki_cert_pem(c, &b);
	if (r == 0)
		r = write_file_atomic(cert_path, kube_buf_str(&b), b.len, 0644);
	kube_buf_clear(&b);
	return r;
}

int kube_pki_cert_load(const char *cert_path, const char *key_path, kube_pki_cert_t **ret)
{
	kube_pki_cert_t *c;

	if (access(cert_path, R_OK) < 0 || (key_path && access(key_path, R_OK) < 0))
		return errno == ENOENT ? -ENOENT : -errno;
	c = cert_alloc();
	if (mbedtls_x509_crt_parse_file(&c->crt, cert_path) != 0 || !c->crt.raw.p) {
		kube_pki_cert_free(c);
		return -EINVAL;
	}
	if (key_path) {
		if (mbedtls_pk_parse_keyfile(&c->key, key_path, NULL) != 0 ||
		    mbedtls_pk_check_pair(&c->crt.pk, &c->key) != 0) {
			kube_pki_cert_free(c);
			return -EINVAL;
		}
		c->has_key = true;
	}
	cert_cache(c);
	*ret = c;
	return 0;
}

const char *kube_pki_cert_common_name(const kube_pki_cert_t *c)
{
	return c->cn;
}

int64_t kube_pki_cert_not_after(const kube_pki_cert_t *c)
{
	const mbedtls_x509_time *t = &c->crt.valid_to;

	return kube_time_days_from_civil(t->year, (unsigned)t->mon, (unsigned)t->day) * 86400 +
	       t->hour * 3600 + t->min * 60 + t->sec;
}

static bool san_has_ip(const mbedtls_x509_crt *crt, const unsigned char *a, size_t len)
{
	for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s && s->buf.p; s = s->next)
		if (s->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && s->buf.len == len &&
		    memcmp(s->buf.p, a, len) == 0)
			return true;
	return false;
}

int kube_pki_cert_verify(const kube_pki_cert_t *c, const kube_pki_cert_t *ca, const char *name)
{
	unsigned char a[16];
	size_t alen = 0;
	uint32_t flags = 0;

	if (name && inet_pton(AF_INET, name, a) == 1)
		alen = 4;
	else if (name && inet_pton(AF_INET6, name, a) == 1)
		alen = 16;
	if (mbedtls_x509_crt_verify((mbedtls_x509_crt *)&c->crt, (mbedtls_x509_crt *)&ca->crt, NULL,
				    alen ? NULL : name, &flags, NULL, NULL) != 0)
		return -EINVAL;
	if (alen && !san_has_ip(&c->crt, a, alen))
		return -EINVAL;
	return 0;
}

int kube_pki_ensure_self_signed(const char *cert_dir, const char *name, const char *host,
				const char *const *dns_names, const char *const *ip_addresses,
				char **ret_cert_path, char **ret_key_path)
{
	_cleanup_free_ char *cert_path = NULL, *key_path = NULL, *ca_cn = NULL, *cn = NULL;
	const char *dns[MAX_SANS + 3], *ips[MAX_SANS + 2];
	kube_pki_cert_t *existing = NULL, *ca = NULL, *leaf = NULL;
	size_t nd = 0, ni = 0;
	unsigned char tmp[16];
	int64_t now = kube_wall_ns() / KUBE_NS_PER_SEC;
	int r;

	if (!cert_dir || !name || !host || !*host || strchr(name, '/'))
		return -EINVAL;
	cert_path = kube_asprintf("%s/%s.crt", cert_dir, name);
	key_path = kube_asprintf("%s/%s.key", cert_dir, name);
	if (kube_pki_cert_load(cert_path, key_path, &existing) == 0) {
		bool fresh = kube_pki_cert_not_after(existing) > now;
		kube_pki_cert_free(existing);
		if (fresh)
			goto done;
	}
	if (mkdir(cert_dir, 0755) < 0 && errno != EEXIST)
		return -errno;

	/* SANs: host (as an IP or a name), the extras, localhost, 127.0.0.1. */
	if (inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1)
		ips[ni++] = host;
	else
		dns[nd++] = host;
	for (size_t i = 0; dns_names && dns_names[i] && nd < MAX_SANS; i++)
		dns[nd++] = dns_names[i];
	for (size_t i = 0; ip_addresses && ip_addresses[i] && ni < MAX_SANS; i++)
		ips[ni++] = ip_addresses[i];
	dns[nd++] = "localhost";
	ips[ni++] = "127.0.0.1";
	dns[nd] = NULL;
	ips[ni] = NULL;

	ca_cn = kube_asprintf("%s-ca@%lld", host, (long long)now);
	cn = kube_asprintf("%s@%lld", host, (long long)now);
	kube_pki_spec_t ca_spec = { .common_name = ca_cn };
	kube_pki_spec_t spec = { .common_name = cn, .dns_names = dns, .ip_addresses = ips,
				 .server_auth = true };
	r = kube_pki_ca_new(&ca_spec, &ca);
	if (r == 0)
		r = kube_pki_cert_new(ca, &spec, &leaf);
	if (r == 0) {
		kube_pki_cert_add_chain(leaf, ca);
		r = kube_pki_cert_write(leaf, cert_path, key_path);
	}
	kube_pki_cert_free(leaf);
	kube_pki_cert_free(ca);
	if (r < 0)
		return r;
done:
	if (ret_cert_path)
		*ret_cert_path = TAKE_PTR(cert_path);
	if (ret_key_path)
		*ret_key_path = TAKE_PTR(key_path);
	return 0;
}
