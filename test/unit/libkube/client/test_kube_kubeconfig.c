#include "kube_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "client/kube_kubeconfig.h"

static const char kc_yaml[] =
	"apiVersion: v1\n"
	"kind: Config\n"
	"current-context: dev\n"
	"clusters:\n"
	"- name: c1\n"
	"  cluster:\n"
	"    server: https://10.0.0.1:6443\n"
	"    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"
	"    tls-server-name: kubernetes\n"
	"- name: c2\n"
	"  cluster:\n"
	"    server: http://127.0.0.1:8080\n"
	"    certificate-authority: ca.crt\n"
	"    insecure-skip-tls-verify: true\n"
	"contexts:\n"
	"- name: dev\n"
	"  context: {cluster: c1, user: alice, namespace: team-a}\n"
	"- name: other\n"
	"  context: {cluster: c2, user: bob}\n"
	"- name: broken\n"
	"  context: {cluster: nope, user: bob}\n"
	"users:\n"
	"- name: alice\n"
	"  user:\n"
	"    client-certificate-data: Y2VydA==\n"
	"    client-key-data: a2V5\n"
	"- name: bob\n"
	"  user:\n"
	"    token: s3cret\n"
	"    client-key: /abs/key.pem\n"
	"    client-certificate: rel/cert.pem\n";

TEST(kubeconfig_parse_resolve_current_context)
{
	kube_kubeconfig_t kc;
	kube_kubeconfig_resolved_t r;
	char *err = NULL;

	ASSERT_EQ(kube_kubeconfig_parse(kc_yaml, sizeof(kc_yaml) - 1, "/etc/kube", &kc, &err), 0);
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, NULL, &r, &err), 0);
	ASSERT_STREQ(r.client.server, "https://10.0.0.1:6443");
	ASSERT_STREQ(r.client.ca_pem, "-----BEGIN CERTIFICATE-----\n");
	ASSERT_STREQ(r.client.cert_pem, "cert");
	ASSERT_STREQ(r.client.key_pem, "key");
	ASSERT_STREQ(r.client.server_name, "kubernetes");
	ASSERT_FALSE(r.client.insecure_skip_verify);
	ASSERT_NULL(r.client.token);
	ASSERT_STREQ(r.namespace_, "team-a");
	ASSERT_STREQ(r.context_name, "dev");
	kube_kubeconfig_resolved_clear(&r);
	kube_kubeconfig_clear(&kc);
	ASSERT_NULL(err);
}

TEST(kubeconfig_context_override_paths_and_token)
{
	kube_kubeconfig_t kc;
	kube_kubeconfig_resolved_t r;
	kube_kubeconfig_overrides_t ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	char *err = NULL;

	ASSERT_EQ(kube_kubeconfig_parse(kc_yaml, sizeof(kc_yaml) - 1, "/etc/kube", &kc, &err), 0);
	ov.context = "other";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), 0);
	ASSERT_STREQ(r.client.server, "http://127.0.0.1:8080");
	ASSERT_TRUE(r.client.insecure_skip_verify);
	ASSERT_NULL(r.client.ca_file); /* insecure drops the CA */
	ASSERT_STREQ(r.client.token, "s3cret");
	ASSERT_STREQ(r.client.cert_file, "/etc/kube/rel/cert.pem");
	ASSERT_STREQ(r.client.key_file, "/abs/key.pem");
	ASSERT_STREQ(r.namespace_, "default");
	kube_kubeconfig_resolved_clear(&r);

	/* --server, --token, --namespace, --insecure-skip-tls-verify=false */
	ov.server = "https://1.2.3.4";
	ov.token = "tok";
	ov.namespace_ = "ns9";
	ov.insecure_skip_tls_verify = 0;
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), 0);
	ASSERT_STREQ(r.client.server, "https://1.2.3.4");
	ASSERT_STREQ(r.client.token, "tok");
	ASSERT_STREQ(r.client.ca_file, "/etc/kube/ca.crt");
	ASSERT_FALSE(r.client.insecure_skip_verify);
	ASSERT_STREQ(r.namespace_, "ns9");
	kube_kubeconfig_resolved_clear(&r);

	/* --server drops the file's tls-server-name */
	ov = (kube_kubeconfig_overrides_t)KUBE_KUBECONFIG_OVERRIDES_INIT;
	ov.server = "https://5.6.7.8";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), 0);
	ASSERT_NULL(r.client.server_name);
	ASSERT_NOT_NULL(r.client.ca_pem);
	kube_kubeconfig_resolved_clear(&r);

	/* --certificate-authority turns the file's insecure-skip-tls-verify off */
	ov = (kube_kubeconfig_overrides_t)KUBE_KUBECONFIG_OVERRIDES_INIT;
	ov.context = "other";
	ov.certificate_authority = "/x/ca.crt";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), 0);
	ASSERT_FALSE(r.client.insecure_skip_verify);
	ASSERT_STREQ(r.client.ca_file, "/x/ca.crt");
	kube_kubeconfig_resolved_clear(&r);
	kube_kubeconfig_clear(&kc);
}

TEST(kubeconfig_missing_names)
{
	kube_kubeconfig_t kc;
	kube_kubeconfig_resolved_t r;
	kube_kubeconfig_overrides_t ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	char *err = NULL;

	ASSERT_EQ(kube_kubeconfig_parse(kc_yaml, sizeof(kc_yaml) - 1, NULL, &kc, &err), 0);
	ov.context = "x";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), -ENOENT);
	ASSERT_STREQ(err, "context \"x\" does not exist");
	KUBE_FREE(err);
	ov.context = "broken";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), -ENOENT);
	ASSERT_STREQ(err, "cluster \"nope\" does not exist");
	KUBE_FREE(err);
	ov.context = "dev";
	ov.user = "carol";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), -ENOENT);
	ASSERT_STREQ(err, "auth info \"carol\" does not exist");
	KUBE_FREE(err);
	kube_kubeconfig_clear(&kc);
}

TEST(kubeconfig_empty_and_errors)
{
	kube_kubeconfig_t kc;
	kube_kubeconfig_resolved_t r;
	kube_kubeconfig_overrides_t ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	char *err = NULL;

	ASSERT_EQ(kube_kubeconfig_parse("", 0, NULL, &kc, &err), 0);
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, NULL, &r, &err), -EDESTADDRREQ);
	ASSERT_TRUE(kube_startswith(err, "invalid configuration: no configuration has been provided"));
	KUBE_FREE(err);
	ov.server = "http://127.0.0.1:1";
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, &ov, &r, &err), 0);
	ASSERT_STREQ(r.client.server, "http://127.0.0.1:1");
	ASSERT_STREQ(r.namespace_, "default");
	ASSERT_STREQ(r.context_name, "");
	kube_kubeconfig_resolved_clear(&r);
	kube_kubeconfig_clear(&kc);

	ASSERT_EQ(kube_kubeconfig_parse("a: [", 4, NULL, &kc, &err), -EINVAL);
	ASSERT_NOT_NULL(err);
	KUBE_FREE(err);
	ASSERT_EQ(kube_kubeconfig_parse("- 1\n", 4, NULL, &kc, &err), -EINVAL);
	KUBE_FREE(err);
	ASSERT_EQ(kube_kubeconfig_parse("clusters: 3\n", 12, NULL, &kc, &err), -EINVAL);
	KUBE_FREE(err);
	ASSERT_EQ(kube_kubeconfig_parse("users: [{user: {}}]\n", 20, NULL, &kc, &err), -EINVAL);
	KUBE_FREE(err);

	/* JSON works too; bad base64 is an error at resolve. */
	{
		const char *j = "{\"clusters\":[{\"name\":\"a\",\"cluster\":{\"server\":\"https://h\","
				"\"certificate-authority-data\":\"!!!\"}}],\"current-context\":\"c\","
				"\"contexts\":[{\"name\":\"c\",\"context\":{\"cluster\":\"a\"}}]}";

		ASSERT_EQ(kube_kubeconfig_parse(j, strlen(j), NULL, &kc, &err), 0);
		ASSERT_EQ(kube_kubeconfig_resolve(&kc, NULL, &r, &err), -EINVAL);
		ASSERT_NOT_NULL(strstr(err, "certificate-authority-data"));
		KUBE_FREE(err);
		kube_kubeconfig_clear(&kc);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

TEST(kubeconfig_load_env_merge)
{
	char dir[] = "/tmp/kubeconfig-test.XXXXXX";
	char a[128], b[128], missing[128], env[512];
	kube_kubeconfig_t kc;
	kube_kubeconfig_resolved_t r;
	char *err = NULL;
	const char *old = getenv("KUBECONFIG");
	char *saved = old ? strdup(old) : NULL;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	write_file(a, "clusters:\n- name: c\n  cluster: {server: 'http://first:1'}\n"
		      "contexts:\n- name: x\n  context: {cluster: c, user: u}\n");
	write_file(b, "current-context: x\nclusters:\n- name: c\n  cluster: {server: 'http://second:2'}\n"
		      "- name: d\n  cluster: {server: 'http://d'}\n"
		      "users:\n- name: u\n  user: {tokenFile: tok}\n");
	snprintf(env, sizeof(env), "%s:%s:%s", missing, a, b);
	setenv("KUBECONFIG", env, 1);
	ASSERT_EQ(kube_kubeconfig_load(NULL, &kc, &err), 0);
	ASSERT_EQ(kc.nfiles, 2);
	ASSERT_STREQ(kc.first_file, missing);
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, NULL, &r, &err), 0);
	ASSERT_STREQ(r.client.server, "http://first:1"); /* first file wins */
	snprintf(env, sizeof(env), "%s/tok", dir);
	ASSERT_STREQ(r.client.token_file, env);
	kube_kubeconfig_resolved_clear(&r);
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(kc.doc, "clusters")), 2);
	kube_kubeconfig_clear(&kc);

	/* An explicit path is read alone and must exist. */
	ASSERT_EQ(kube_kubeconfig_load(missing, &kc, &err), -ENOENT);
	ASSERT_NOT_NULL(strstr(err, "no such file or directory"));
	KUBE_FREE(err);
	ASSERT_EQ(kube_kubeconfig_load(b, &kc, &err), 0);
	ASSERT_EQ(kc.nfiles, 1);
	ASSERT_EQ(kube_kubeconfig_resolve(&kc, NULL, &r, &err), -ENOENT); /* context x not in b */
	KUBE_FREE(err);
	kube_kubeconfig_clear(&kc);

	if (saved) {
		setenv("KUBECONFIG", saved, 1);
		free(saved);
	} else {
		unsetenv("KUBECONFIG");
	}
	unlink(a);
	unlink(b);
	rmdir(dir);
}

TEST(kubeconfig_client_master)
{
	kube_client_t *c = NULL;
	char *err = NULL;

	ASSERT_EQ(kube_kubeconfig_client(NULL, "127.0.0.1:8080", 50, 100, NULL, &c, &err), 0);
	ASSERT_STREQ(kube_client_server(c), "http://127.0.0.1:8080");
	kube_client_free(c);
	ASSERT_EQ(kube_kubeconfig_client(NULL, NULL, 0, 0, NULL, &c, &err), -EDESTADDRREQ);
	KUBE_FREE(err);
	ASSERT_EQ(kube_kubeconfig_client("/nonexistent/kc", "http://x", 0, 0, NULL, &c, &err),
		  -ENOENT);
	KUBE_FREE(err);
}
