/* Tests for libkube/pki/kube_pki.c: generate, write, re-read with mbedTLS,
 * verify the chain, the SANs, the subject and the key file mode. */
#include "kube_test.h"

#include "pki/kube_pki.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/kube_pki_testXXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? kube_strdup(d) : NULL;
}

static void rmrf(const char *dir)
{
	const char *names[] = { "ca.crt", "ca.key", "leaf.crt", "leaf.key", "apiserver.crt",
				"apiserver.key", "client.crt", "client.key" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = kube_asprintf("%s/%s", dir, names[i]);
		unlink(p);
		kube_free(p);
	}
	rmdir(dir);
}

static bool has_san(const mbedtls_x509_crt *crt, int type, const void *v, size_t len)
{
	for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s && s->buf.p; s = s->next)
		if (s->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | type) && s->buf.len == len &&
		    memcmp(s->buf.p, v, len) == 0)
			return true;
	return false;
}

static void ca_and_leaf(kube_pki_key_type_t type)
{
	const char *dns[] = { "kubernetes", "kubernetes.default.svc", NULL };
	const char *ips[] = { "10.254.0.1", "::1", NULL };
	kube_pki_spec_t ca_spec = { .common_name = "kubernetes-ca", .key_type = type };
	kube_pki_spec_t spec = { .common_name = "kube-apiserver", .dns_names = dns,
				 .ip_addresses = ips, .server_auth = true, .key_type = type,
				 .validity_seconds = 86400 };
	kube_pki_cert_t *ca = NULL, *leaf = NULL, *ca2 = NULL, *leaf2 = NULL;
	char *dir = tmpdir(), *ca_crt, *ca_key, *leaf_crt, *leaf_key;
	mbedtls_x509_crt crt, cacrt;
	uint32_t flags = 0;
	struct stat st;
	const unsigned char ip4[] = { 10, 254, 0, 1 };
	const unsigned char ip6[16] = { [15] = 1 };

	ASSERT_NOT_NULL(dir);
	ca_crt = kube_asprintf("%s/ca.crt", dir);
	ca_key = kube_asprintf("%s/ca.key", dir);
	leaf_crt = kube_asprintf("%s/leaf.crt", dir);
	leaf_key = kube_asprintf("%s/leaf.key", dir);

	ASSERT_EQ(kube_pki_ca_new(&ca_spec, &ca), 0);
	ASSERT_EQ(kube_pki_cert_new(ca, &spec, &leaf), 0);
	ASSERT_STREQ(kube_pki_cert_common_name(leaf), "kube-apiserver");
	ASSERT_EQ(kube_pki_cert_verify(leaf, ca, "kubernetes.default.svc"), 0);
	ASSERT_EQ(kube_pki_cert_verify(leaf, ca, "10.254.0.1"), 0);
	ASSERT_EQ(kube_pki_cert_verify(leaf, ca, "::1"), 0);
	ASSERT_EQ(kube_pki_cert_verify(leaf, ca, "evil.example.com"), -EINVAL);
	ASSERT_EQ(kube_pki_cert_verify(leaf, ca, "10.254.0.2"), -EINVAL);
	ASSERT_EQ(kube_pki_cert_verify(ca, leaf, NULL), -EINVAL);

	ASSERT_EQ(kube_pki_cert_write(ca, ca_crt, ca_key), 0);
	ASSERT_EQ(kube_pki_cert_write(leaf, leaf_crt, leaf_key), 0);
	ASSERT_EQ(stat(leaf_key, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_EQ(stat(leaf_crt, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0644);

	/* Re-read with mbedTLS directly. */
	mbedtls_x509_crt_init(&crt);
	mbedtls_x509_crt_init(&cacrt);
	ASSERT_EQ(mbedtls_x509_crt_parse_file(&crt, leaf_crt), 0);
	ASSERT_EQ(mbedtls_x509_crt_parse_file(&cacrt, ca_crt), 0);
	ASSERT_EQ(mbedtls_x509_crt_verify(&crt, &cacrt, NULL, "kubernetes", &flags, NULL, NULL), 0);
	ASSERT_TRUE(has_san(&crt, 2, "kubernetes", 10));
	ASSERT_TRUE(has_san(&crt, 2, "kubernetes.default.svc", 22));
	ASSERT_TRUE(has_san(&crt, 7, ip4, 4));
	ASSERT_TRUE(has_san(&crt, 7, ip6, 16));
	ASSERT_TRUE(cacrt.ca_istrue);
	ASSERT_FALSE(crt.ca_istrue);
	ASSERT_TRUE(crt.ext_types & MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE);
	ASSERT_EQ(mbedtls_x509_crt_check_extended_key_usage(&crt, MBEDTLS_OID_SERVER_AUTH,
							    MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)), 0);
	ASSERT_EQ(crt.valid_to.year - crt.valid_from.year <= 1, 1);
	mbedtls_x509_crt_free(&crt);
	mbedtls_x509_crt_free(&cacrt);

	/* And through our loader, with the key matching. */
	ASSERT_EQ(kube_pki_cert_load(ca_crt, ca_key, &ca2), 0);
	ASSERT_EQ(kube_pki_cert_load(leaf_crt, leaf_key, &leaf2), 0);
	ASSERT_EQ(kube_pki_cert_verify(leaf2, ca2, "kubernetes"), 0);
	ASSERT_STREQ(kube_pki_cert_common_name(ca2), "kubernetes-ca");
	kube_pki_cert_free(leaf2);
	leaf2 = NULL;
	ASSERT_EQ(kube_pki_cert_load(leaf_crt, ca_key, &leaf2), -EINVAL); /* wrong key */
	ASSERT_NULL(leaf2);
	kube_pki_cert_free(ca2);

	kube_pki_cert_free(leaf);
	kube_pki_cert_free(ca);
	rmrf(dir);
	kube_free(ca_crt);
	kube_free(ca_key);
	kube_free(leaf_crt);
	kube_free(leaf_key);
	kube_free(dir);
}

TEST(pki_ec_chain)
{
	ca_and_leaf(KUBE_PKI_KEY_EC_P256);
}

TEST(pki_rsa_chain)
{
	ca_and_leaf(KUBE_PKI_KEY_RSA_2048);
}

TEST(pki_client_cert_groups)
{
	const char *groups[] = { "system:masters", "devs", NULL };
	kube_pki_spec_t ca_spec = { .common_name = "ca" };
	kube_pki_spec_t spec = { .common_name = "admin", .organizations = groups, .client_auth = true };
	kube_pki_cert_t *ca = NULL, *c = NULL;
	kube_buf_t pem = KUBE_BUF_INIT;
	mbedtls_x509_crt crt;
	char dn[512];
	int n = 0;

	ASSERT_EQ(kube_pki_ca_new(&ca_spec, &ca), 0);
	ASSERT_EQ(kube_pki_cert_new(ca, &spec, &c), 0);
	ASSERT_EQ(kube_pki_cert_verify(c, ca, NULL), 0);
	ASSERT_EQ(kube_pki_cert_pem(c, &pem), 0);
	ASSERT_TRUE(kube_startswith(kube_buf_str(&pem), "-----BEGIN CERTIFICATE-----\n"));
	mbedtls_x509_crt_init(&crt);
	ASSERT_EQ(mbedtls_x509_crt_parse(&crt, (const unsigned char *)pem.data, pem.len + 1), 0);
	ASSERT_GT(mbedtls_x509_dn_gets(dn, sizeof(dn), &crt.subject), 0);
	ASSERT_STREQ(dn, "O=system:masters, O=devs, CN=admin");
	for (const mbedtls_x509_name *nm = &crt.subject; nm; nm = nm->next)
		n++;
	ASSERT_EQ(n, 3);
	ASSERT_EQ(mbedtls_x509_crt_check_extended_key_usage(&crt, MBEDTLS_OID_CLIENT_AUTH,
							    MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)), 0);
	mbedtls_x509_crt_free(&crt);
	kube_buf_clear(&pem);
	kube_pki_cert_free(c);
	kube_pki_cert_free(ca);
}

TEST(pki_bad_specs)
{
	const char *bad_ip[] = { "10.0.0.300", NULL };
	kube_pki_spec_t none = { 0 };
	kube_pki_spec_t ca_spec = { .common_name = "ca" };
	kube_pki_spec_t bad = { .common_name = "x", .ip_addresses = bad_ip };
	kube_pki_cert_t *ca = NULL, *c = NULL;

	ASSERT_EQ(kube_pki_ca_new(&none, &ca), -EINVAL);
	ASSERT_EQ(kube_pki_ca_new(&ca_spec, &ca), 0);
	ASSERT_EQ(kube_pki_cert_new(ca, &bad, &c), -EINVAL);
	ASSERT_NULL(c);
	ASSERT_EQ(kube_pki_cert_load("/nonexistent/x.crt", NULL, &c), -ENOENT);
	kube_pki_cert_free(ca);
}

TEST(pki_ensure_self_signed)
{
	const char *ips[] = { "10.254.0.1", NULL };
	const char *dns[] = { "kubernetes.default", NULL };
	char *dir = tmpdir(), *sub, *crt = NULL, *key = NULL;
	kube_pki_cert_t *c = NULL, *ca = NULL;
	struct stat st1, st2;
	kube_buf_t pem = KUBE_BUF_INIT;

	ASSERT_NOT_NULL(dir);
	sub = kube_asprintf("%s/certs", dir);
	ASSERT_EQ(kube_pki_ensure_self_signed(sub, "apiserver", "127.0.0.1", dns, ips, &crt, &key), 0);
	ASSERT_TRUE(kube_endswith(crt, "/certs/apiserver.crt"));
	ASSERT_TRUE(kube_endswith(key, "/certs/apiserver.key"));
	ASSERT_EQ(stat(key, &st1), 0);
	ASSERT_EQ(st1.st_mode & 0777, 0600);
	ASSERT_EQ(kube_pki_cert_load(crt, key, &c), 0);
	ASSERT_TRUE(kube_startswith(kube_pki_cert_common_name(c), "127.0.0.1@"));
	/* The CA follows the leaf in the file: the chain verifies against it. */
	ASSERT_EQ(kube_pki_cert_pem(c, &pem), 0);
	ASSERT_NOT_NULL(strstr(strstr(pem.data, "END CERTIFICATE") + 1, "BEGIN CERTIFICATE"));
	kube_buf_clear(&pem);
	kube_pki_cert_free(c);
	c = NULL;
	{
		mbedtls_x509_crt chain;
		uint32_t flags = 0;
		mbedtls_x509_crt_init(&chain);
		ASSERT_EQ(mbedtls_x509_crt_parse_file(&chain, crt), 0);
		ASSERT_NOT_NULL(chain.next);
		ASSERT_EQ(mbedtls_x509_crt_verify(&chain, chain.next, NULL, "localhost", &flags, NULL, NULL), 0);
		ASSERT_EQ(mbedtls_x509_crt_verify(&chain, chain.next, NULL, "kubernetes.default", &flags, NULL, NULL), 0);
		mbedtls_x509_crt_free(&chain);
	}
	(void)ca;
	/* A second call reuses the files. */
	kube_free(crt);
	kube_free(key);
	ASSERT_EQ(kube_pki_ensure_self_signed(sub, "apiserver", "127.0.0.1", NULL, NULL, &crt, &key), 0);
	ASSERT_EQ(stat(key, &st2), 0);
	ASSERT_EQ(st1.st_ino, st2.st_ino);
	kube_free(crt);
	kube_free(key);
	{
		char *p = kube_asprintf("%s/apiserver.crt", sub);
		unlink(p);
		kube_free(p);
		p = kube_asprintf("%s/apiserver.key", sub);
		unlink(p);
		kube_free(p);
	}
	rmdir(sub);
	rmrf(dir);
	kube_free(sub);
	kube_free(dir);
}
