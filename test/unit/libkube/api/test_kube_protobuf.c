#include "kube_test.h"
#include "api/kube_json.h"
#include "api/kube_protobuf.h"
#include "core/kube_buf.h"

/* ---- a tiny protobuf encoder for hand-built bodies ---- */

static void varint(kube_buf_t *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		if (v)
			c |= 0x80;
		kube_buf_append(b, &c, 1);
	} while (v);
}

static void tag(kube_buf_t *b, uint32_t num, unsigned wt)
{
	varint(b, (uint64_t)num << 3 | wt);
}

static void pb_int(kube_buf_t *b, uint32_t num, int64_t v)
{
	tag(b, num, 0);
	varint(b, (uint64_t)v);
}

static void pb_bytes(kube_buf_t *b, uint32_t num, const void *p, size_t n)
{
	tag(b, num, 2);
	varint(b, n);
	kube_buf_append(b, p, n);
}

static void pb_str(kube_buf_t *b, uint32_t num, const char *s)
{
	pb_bytes(b, num, s, strlen(s));
}

/* Append sub as a length-delimited field and clear it. */
static void pb_msg(kube_buf_t *b, uint32_t num, kube_buf_t *sub)
{
	pb_bytes(b, num, sub->data, sub->len);
	kube_buf_clear(sub);
}

static void pb_map_str(kube_buf_t *b, uint32_t num, const char *k, const char *v)
{
	kube_buf_t e = KUBE_BUF_INIT;
	pb_str(&e, 1, k);
	pb_str(&e, 2, v);
	pb_msg(b, num, &e);
}

static void pb_quantity(kube_buf_t *b, uint32_t num, const char *s)
{
	kube_buf_t q = KUBE_BUF_INIT;
	pb_str(&q, 1, s);
	pb_msg(b, num, &q);
}

static void pb_map_qty(kube_buf_t *b, uint32_t num, const char *k, const char *v)
{
	kube_buf_t e = KUBE_BUF_INIT, q = KUBE_BUF_INIT;
	pb_str(&e, 1, k);
	pb_str(&q, 1, v);
	pb_msg(&e, 2, &q);
	pb_msg(b, num, &e);
}

static void pb_intstr_int(kube_buf_t *b, uint32_t num, int32_t v)
{
	kube_buf_t i = KUBE_BUF_INIT;
	pb_int(&i, 1, 0);
	pb_int(&i, 2, v);
	pb_msg(b, num, &i);
}

static void pb_intstr_str(kube_buf_t *b, uint32_t num, const char *s)
{
	kube_buf_t i = KUBE_BUF_INIT;
	pb_int(&i, 1, 1);
	pb_str(&i, 3, s);
	pb_msg(b, num, &i);
}

/* metadata {name, namespace?, labels...} */
static void pb_meta(kube_buf_t *b, const char *name, const char *ns)
{
	kube_buf_t m = KUBE_BUF_INIT;
	pb_str(&m, 1, name);
	if (ns)
		pb_str(&m, 3, ns);
	pb_msg(b, 1, &m);
}

/* "k8s\0" + Unknown{typeMeta, raw}; clears raw. */
static void envelope(kube_buf_t *out, const char *api_version, const char *kind, kube_buf_t *raw)
{
	kube_buf_t tm = KUBE_BUF_INIT, u = KUBE_BUF_INIT;
	pb_str(&tm, 1, api_version);
	pb_str(&tm, 2, kind);
	pb_msg(&u, 1, &tm);
	pb_msg(&u, 2, raw);
	pb_str(&u, 4, "application/vnd.kubernetes.protobuf");
	kube_buf_append(out, KUBE_PROTOBUF_MAGIC, KUBE_PROTOBUF_MAGIC_LEN);
	kube_buf_append(out, u.data, u.len);
	kube_buf_clear(&u);
}

/* Decode an envelope and compare with the expected JSON (key order ignored). */
#define EXPECT_JSON(buf, want) expect_json(__FILE__, __LINE__, buf, want)
static void expect_json(const char *file, int line, kube_buf_t *buf, const char *want)
{
	cJSON *obj = NULL, *w;
	char *err = NULL, *got_s, *want_s;
	int r = kube_protobuf_decode(buf->data, buf->len, &obj, &err);

	kube_buf_clear(buf);
	if (r < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "decode failed (%d): %s", r, err ? err : "?");
		kube_free(err);
		kube_test_fail(file, line, "%s", msg);
	}
	w = kube_json_parse(want, strlen(want));
	if (!w) {
		cJSON_Delete(obj);
		kube_test_fail(file, line, "bad expected JSON");
	}
	got_s = kube_json_canonical(obj);
	want_s = kube_json_canonical(w);
	cJSON_Delete(obj);
	cJSON_Delete(w);
	if (strcmp(got_s, want_s) != 0) {
		char msg[4096];
		snprintf(msg, sizeof(msg), "\n got: %s\nwant: %s", got_s, want_s);
		kube_free(got_s);
		kube_free(want_s);
		kube_test_fail(file, line, "%s", msg);
	}
	kube_free(got_s);
	kube_free(want_s);
}

/* Decode must fail with r and an error containing substr. */
#define EXPECT_ERR(buf, r, substr) expect_err(__FILE__, __LINE__, buf, r, substr)
static void expect_err(const char *file, int line, kube_buf_t *buf, int want_r, const char *substr)
{
	cJSON *obj = NULL;
	char *err = NULL;
	int r = kube_protobuf_decode(buf->data, buf->len, &obj, &err);
	bool ok = r == want_r && obj == NULL && err && strstr(err, substr);
	char msg[512];

	kube_buf_clear(buf);
	snprintf(msg, sizeof(msg), "r=%d err=%s (want %d, \"%s\")", r, err ? err : "(null)", want_r, substr);
	kube_free(err);
	cJSON_Delete(obj);
	if (!ok)
		kube_test_fail(file, line, "%s", msg);
}

/* A container {name, image, resources{}} as kubectl create deployment sends. */
static void pb_container(kube_buf_t *b, uint32_t num, const char *name, const char *image)
{
	kube_buf_t c = KUBE_BUF_INIT, res = KUBE_BUF_INIT;
	pb_str(&c, 1, name);
	pb_str(&c, 2, image);
	pb_str(&c, 5, "");
	pb_msg(&c, 8, &res);
	pb_str(&c, 13, "");
	pb_str(&c, 14, "");
	tag(&c, 16, 0);
	varint(&c, 0);
	pb_msg(b, num, &c);
}

TEST(protobuf_deployment_from_create_deployment)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, meta = KUBE_BUF_INIT, spec = KUBE_BUF_INIT,
		   sel = KUBE_BUF_INIT, tmpl = KUBE_BUF_INIT, tmeta = KUBE_BUF_INIT, pspec = KUBE_BUF_INIT,
		   strat = KUBE_BUF_INIT, status = KUBE_BUF_INIT, ts = KUBE_BUF_INIT;

	pb_str(&meta, 1, "web");
	pb_str(&meta, 2, "");
	pb_int(&meta, 7, 0);
	pb_msg(&meta, 8, &ts); /* zero Time: empty message */
	pb_map_str(&meta, 11, "app", "web");
	pb_msg(&raw, 1, &meta);

	pb_int(&spec, 1, 3);
	pb_map_str(&sel, 1, "app", "web");
	pb_msg(&spec, 2, &sel);
	pb_map_str(&tmeta, 11, "app", "web");
	pb_msg(&tmpl, 1, &tmeta);
	pb_container(&pspec, 2, "busybox", "busybox");
	pb_str(&pspec, 3, "");
	pb_msg(&tmpl, 2, &pspec);
	pb_msg(&spec, 3, &tmpl);
	pb_msg(&spec, 4, &strat);
	pb_int(&spec, 5, 0);
	pb_int(&spec, 7, 0);
	pb_msg(&raw, 2, &spec);
	pb_msg(&raw, 3, &status);
	envelope(&body, "apps/v1", "Deployment", &raw);
	EXPECT_JSON(&body,
		    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		    "\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},"
		    "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
		    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
		    "\"spec\":{\"containers\":[{\"name\":\"busybox\",\"image\":\"busybox\",\"resources\":{}}]}},"
		    "\"strategy\":{}}}");
}

TEST(protobuf_pointer_fields_keep_zero)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, jt = KUBE_BUF_INIT,
		   js = KUBE_BUF_INIT, tmpl = KUBE_BUF_INIT, ps = KUBE_BUF_INIT;

	pb_meta(&raw, "cj", NULL);
	pb_str(&spec, 1, "*/5 * * * *");
	pb_int(&spec, 4, 0);	/* suspend: *bool false is kept */
	pb_int(&spec, 2, 0);	/* startingDeadlineSeconds: *int64 0 is kept */
	pb_str(&spec, 3, "");	/* concurrencyPolicy "" omitted */
	pb_int(&ps, 21, 0);	/* automountServiceAccountToken=false kept */
	pb_int(&ps, 11, 0);	/* hostNetwork=false omitted */
	pb_int(&ps, 4, 30);
	pb_str(&ps, 3, "OnFailure");
	pb_container(&ps, 2, "cj", "busybox");
	pb_msg(&tmpl, 2, &ps);
	pb_msg(&js, 6, &tmpl);
	pb_int(&js, 7, 0);	/* backoffLimit 0 kept */
	pb_msg(&jt, 2, &js);
	pb_msg(&spec, 5, &jt);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "batch/v1", "CronJob", &raw);
	EXPECT_JSON(&body,
		    "{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":\"cj\"},"
		    "\"spec\":{\"schedule\":\"*/5 * * * *\",\"suspend\":false,\"startingDeadlineSeconds\":0,"
		    "\"jobTemplate\":{\"spec\":{\"backoffLimit\":0,\"template\":{\"spec\":{"
		    "\"automountServiceAccountToken\":false,\"terminationGracePeriodSeconds\":30,"
		    "\"restartPolicy\":\"OnFailure\","
		    "\"containers\":[{\"name\":\"cj\",\"image\":\"busybox\",\"resources\":{}}]}}}}}}");
}

TEST(protobuf_job_namespace_configmap_serviceaccount)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, tmpl = KUBE_BUF_INIT,
		   ps = KUBE_BUF_INIT, c = KUBE_BUF_INIT;

	pb_meta(&raw, "j1", "default");
	pb_str(&c, 1, "j1");
	pb_str(&c, 2, "busybox");
	pb_str(&c, 3, "echo");
	pb_str(&c, 3, "hi");
	pb_msg(&ps, 2, &c);
	pb_str(&ps, 3, "Never");
	pb_msg(&tmpl, 2, &ps);
	pb_msg(&spec, 6, &tmpl);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "batch/v1", "Job", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"j1\","
			   "\"namespace\":\"default\"},\"spec\":{\"template\":{\"spec\":{\"containers\":"
			   "[{\"name\":\"j1\",\"image\":\"busybox\",\"command\":[\"echo\",\"hi\"]}],"
			   "\"restartPolicy\":\"Never\"}}}}");

	pb_meta(&raw, "ns1", NULL);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "v1", "Namespace", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns1\"},\"spec\":{}}");

	pb_meta(&raw, "cm", NULL);
	pb_map_str(&raw, 2, "a", "b");
	pb_map_str(&raw, 2, "c", "");
	pb_bytes(&raw, 3, "\x0a\x03" "bin\x12\x02\xff\x00", 9);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},"
			   "\"data\":{\"a\":\"b\",\"c\":\"\"},\"binaryData\":{\"bin\":\"/wA=\"}}");

	pb_meta(&raw, "sa", NULL);
	pb_int(&raw, 4, 0);
	envelope(&body, "v1", "ServiceAccount", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"sa\"},"
			   "\"automountServiceAccountToken\":false}");
}

TEST(protobuf_secret_bytes_are_base64)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, e = KUBE_BUF_INIT;

	pb_meta(&raw, "s1", NULL);
	pb_str(&e, 1, "user");
	pb_str(&e, 2, "admin");
	pb_msg(&raw, 2, &e);
	pb_str(&e, 1, "k1");
	pb_bytes(&e, 2, "a", 1);
	pb_msg(&raw, 2, &e);
	pb_str(&e, 1, "k2");
	pb_bytes(&e, 2, "ab", 2);
	pb_msg(&raw, 2, &e);
	pb_str(&e, 1, "empty");
	pb_msg(&raw, 2, &e);
	pb_map_str(&raw, 4, "plain", "text");
	pb_str(&raw, 3, "Opaque");
	pb_int(&raw, 5, 1);
	envelope(&body, "v1", "Secret", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"},"
			   "\"data\":{\"user\":\"YWRtaW4=\",\"k1\":\"YQ==\",\"k2\":\"YWI=\",\"empty\":\"\"},"
			   "\"stringData\":{\"plain\":\"text\"},\"type\":\"Opaque\",\"immutable\":true}");
}

TEST(protobuf_service_ports_intorstring)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, port = KUBE_BUF_INIT;

	pb_meta(&raw, "np", NULL);
	pb_str(&port, 1, "80-8080");
	pb_str(&port, 2, "TCP");
	pb_int(&port, 3, 80);
	pb_intstr_int(&port, 4, 8080);
	pb_int(&port, 5, 30080);
	pb_msg(&spec, 1, &port);
	pb_str(&port, 1, "web");
	pb_int(&port, 3, 0);
	pb_intstr_str(&port, 4, "http");
	pb_int(&port, 5, 0);
	pb_msg(&spec, 1, &port);
	pb_map_str(&spec, 2, "app", "np");
	pb_str(&spec, 3, "None");
	pb_str(&spec, 4, "NodePort");
	pb_str(&spec, 10, "");
	pb_msg(&raw, 2, &spec);
	envelope(&body, "v1", "Service", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"np\"},"
			   "\"spec\":{\"ports\":[{\"name\":\"80-8080\",\"protocol\":\"TCP\",\"port\":80,"
			   "\"targetPort\":8080,\"nodePort\":30080},{\"name\":\"web\",\"port\":0,"
			   "\"targetPort\":\"http\"}],\"selector\":{\"app\":\"np\"},\"clusterIP\":\"None\","
			   "\"type\":\"NodePort\"}}");
}

TEST(protobuf_quota_quantities)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, e = KUBE_BUF_INIT,
		   q = KUBE_BUF_INIT;

	pb_meta(&raw, "q1", "default");
	pb_map_qty(&spec, 1, "pods", "10");
	pb_map_qty(&spec, 1, "cpu", "500m");
	pb_str(&e, 1, "memory");
	pb_msg(&e, 2, &q); /* empty Quantity is "0" */
	pb_msg(&spec, 1, &e);
	pb_str(&spec, 2, "BestEffort");
	pb_msg(&raw, 2, &spec);
	envelope(&body, "v1", "ResourceQuota", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":\"q1\","
			   "\"namespace\":\"default\"},\"spec\":{\"hard\":{\"pods\":\"10\",\"cpu\":\"500m\","
			   "\"memory\":\"0\"},\"scopes\":[\"BestEffort\"]}}");
}

TEST(protobuf_pdb_and_priorityclass)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, sel = KUBE_BUF_INIT,
		   req = KUBE_BUF_INIT;

	pb_meta(&raw, "pdb", NULL);
	pb_intstr_str(&spec, 1, "50%");
	pb_map_str(&sel, 1, "app", "x");
	pb_str(&req, 1, "tier");
	pb_str(&req, 2, "In");
	pb_str(&req, 3, "a");
	pb_str(&req, 3, "b");
	pb_msg(&sel, 2, &req);
	pb_msg(&spec, 2, &sel);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "policy/v1", "PodDisruptionBudget", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":"
			   "{\"name\":\"pdb\"},\"spec\":{\"minAvailable\":\"50%\",\"selector\":{\"matchLabels\":"
			   "{\"app\":\"x\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\","
			   "\"values\":[\"a\",\"b\"]}]}}}");

	pb_meta(&raw, "pdb2", NULL);
	pb_intstr_int(&spec, 3, 0);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "policy/v1", "PodDisruptionBudget", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":"
			   "{\"name\":\"pdb2\"},\"spec\":{\"maxUnavailable\":0}}");

	pb_meta(&raw, "pc", NULL);
	pb_int(&raw, 2, 0);
	pb_int(&raw, 3, 1);
	pb_str(&raw, 4, "desc");
	pb_str(&raw, 5, "Never");
	envelope(&body, "scheduling.k8s.io/v1", "PriorityClass", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":"
			   "{\"name\":\"pc\"},\"value\":0,\"globalDefault\":true,\"description\":\"desc\","
			   "\"preemptionPolicy\":\"Never\"}");
}

TEST(protobuf_rbac)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, rule = KUBE_BUF_INIT, sub = KUBE_BUF_INIT,
		   ref = KUBE_BUF_INIT;

	pb_meta(&raw, "r1", NULL);
	pb_str(&rule, 1, "get");
	pb_str(&rule, 2, "");
	pb_str(&rule, 3, "pods");
	pb_msg(&raw, 2, &rule);
	envelope(&body, "rbac.authorization.k8s.io/v1", "Role", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":"
			   "{\"name\":\"r1\"},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
			   "\"resources\":[\"pods\"]}]}");

	pb_meta(&raw, "crb", NULL);
	pb_str(&sub, 1, "User");
	pb_str(&sub, 2, "rbac.authorization.k8s.io");
	pb_str(&sub, 3, "bob");
	pb_msg(&raw, 2, &sub);
	pb_str(&ref, 1, "rbac.authorization.k8s.io");
	pb_str(&ref, 2, "ClusterRole");
	pb_str(&ref, 3, "view");
	pb_msg(&raw, 3, &ref);
	envelope(&body, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRoleBinding\","
			   "\"metadata\":{\"name\":\"crb\"},\"subjects\":[{\"kind\":\"User\",\"apiGroup\":"
			   "\"rbac.authorization.k8s.io\",\"name\":\"bob\"}],\"roleRef\":{\"apiGroup\":"
			   "\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"view\"}}");
}

TEST(protobuf_ingress_inline_rule_value)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, rule = KUBE_BUF_INIT,
		   rv = KUBE_BUF_INIT, http = KUBE_BUF_INIT, path = KUBE_BUF_INIT, be = KUBE_BUF_INIT,
		   svc = KUBE_BUF_INIT, port = KUBE_BUF_INIT, tls = KUBE_BUF_INIT;

	pb_meta(&raw, "ing", NULL);
	pb_str(&rule, 1, "foo.com");
	pb_str(&path, 1, "/bar");
	pb_str(&path, 3, "Exact");
	pb_str(&svc, 1, "svc1");
	pb_int(&port, 2, 80);
	pb_msg(&svc, 2, &port);
	pb_msg(&be, 4, &svc);
	pb_msg(&path, 2, &be);
	pb_msg(&http, 1, &path);
	pb_msg(&rv, 1, &http);
	pb_msg(&rule, 2, &rv);
	pb_msg(&spec, 3, &rule);
	pb_str(&tls, 1, "foo.com");
	pb_str(&tls, 2, "cert");
	pb_msg(&spec, 2, &tls);
	pb_str(&spec, 4, "nginx");
	pb_msg(&raw, 2, &spec);
	envelope(&body, "networking.k8s.io/v1", "Ingress", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":"
			   "{\"name\":\"ing\"},\"spec\":{\"ingressClassName\":\"nginx\",\"tls\":[{\"hosts\":"
			   "[\"foo.com\"],\"secretName\":\"cert\"}],\"rules\":[{\"host\":\"foo.com\",\"http\":"
			   "{\"paths\":[{\"path\":\"/bar\",\"pathType\":\"Exact\",\"backend\":{\"service\":"
			   "{\"name\":\"svc1\",\"port\":{\"number\":80}}}}]}}]}}");
}

TEST(protobuf_token_hpa_ssar)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, ref = KUBE_BUF_INIT;

	pb_meta(&raw, "sa1", "default");
	pb_str(&spec, 1, "api");
	pb_int(&spec, 4, 3600);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "authentication.k8s.io/v1", "TokenRequest", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"metadata\":"
			   "{\"name\":\"sa1\",\"namespace\":\"default\"},\"spec\":{\"audiences\":[\"api\"],"
			   "\"expirationSeconds\":3600}}");

	pb_meta(&raw, "web", NULL);
	pb_str(&ref, 1, "Deployment");
	pb_str(&ref, 2, "web");
	pb_str(&ref, 3, "apps/v1");
	pb_msg(&spec, 1, &ref);
	pb_int(&spec, 3, 5);
	pb_int(&spec, 4, 50);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "autoscaling/v1", "HorizontalPodAutoscaler", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":"
			   "{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":"
			   "\"web\",\"apiVersion\":\"apps/v1\"},\"maxReplicas\":5,"
			   "\"targetCPUUtilizationPercentage\":50}}");

	kube_buf_t meta = KUBE_BUF_INIT;
	pb_msg(&raw, 1, &meta);
	pb_str(&ref, 1, "default");
	pb_str(&ref, 2, "get");
	pb_str(&ref, 5, "pods");
	pb_msg(&spec, 1, &ref);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "authorization.k8s.io/v1", "SelfSubjectAccessReview", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
			   "\"metadata\":{},\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\","
			   "\"verb\":\"get\",\"resource\":\"pods\"}}}");
}

TEST(protobuf_times_raw_and_owner_refs)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, meta = KUBE_BUF_INIT, t = KUBE_BUF_INIT,
		   mf = KUBE_BUF_INIT, fv = KUBE_BUF_INIT, own = KUBE_BUF_INIT;

	pb_str(&meta, 1, "x");
	pb_int(&t, 1, 1700000000);
	pb_int(&t, 2, 123456789);
	pb_msg(&meta, 8, &t);
	pb_int(&meta, 10, 0); /* deletionGracePeriodSeconds: *int64 kept */
	pb_str(&own, 5, "apps/v1");
	pb_str(&own, 1, "ReplicaSet");
	pb_str(&own, 3, "rs");
	pb_str(&own, 4, "u1");
	pb_int(&own, 6, 1);
	pb_int(&own, 7, 0);
	pb_msg(&meta, 13, &own);
	pb_str(&meta, 14, "f1");
	pb_str(&mf, 1, "kubectl");
	pb_str(&mf, 2, "Update");
	pb_int(&t, 1, 0);
	pb_msg(&mf, 4, &t);
	pb_str(&mf, 6, "FieldsV1");
	pb_str(&fv, 1, "{\"f:data\":{}}");
	pb_msg(&mf, 7, &fv);
	pb_msg(&meta, 17, &mf);
	pb_msg(&raw, 1, &meta);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\","
			   "\"creationTimestamp\":\"2023-11-14T22:13:20Z\",\"deletionGracePeriodSeconds\":0,"
			   "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs\","
			   "\"uid\":\"u1\",\"controller\":true,\"blockOwnerDeletion\":false}],\"finalizers\":[\"f1\"],"
			   "\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\",\"time\":"
			   "\"1970-01-01T00:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{}}}]}}");
}

/* Special types through a test-only descriptor. */
static const kube_protobuf_field_t special_fields[] = {
	{ 1, "d", KUBE_PB_DURATION, 0, NULL },
	{ 2, "mt", KUBE_PB_MICROTIME, 0, NULL },
	{ 3, "dbl", KUBE_PB_DOUBLE, 0, NULL },
	{ 4, "nums", KUBE_PB_INT32, KUBE_PB_REPEATED, NULL },
	{ 5, "i64", KUBE_PB_INT64, 0, NULL },
	{ 6, "s", KUBE_PB_STRING, 0, NULL },
};
static const kube_protobuf_message_t special = { "Special", special_fields, 6 };

static char *decode_special(kube_buf_t *b)
{
	cJSON *obj = NULL;
	char *err = NULL, *s;

	if (kube_protobuf_decode_message(&special, b->data, b->len, &obj, &err) < 0) {
		kube_buf_clear(b);
		return err;
	}
	kube_buf_clear(b);
	s = kube_json_canonical(obj);
	cJSON_Delete(obj);
	return s;
}

TEST(protobuf_special_types)
{
	static const struct {
		int64_t ns;
		const char *want;
	} durs[] = {
		{ 3600000000000LL, "{\"d\":\"1h0m0s\"}" },	 { 1500000000LL, "{\"d\":\"1.5s\"}" },
		{ 1500000LL, "{\"d\":\"1.5ms\"}" },		 { 100, "{\"d\":\"100ns\"}" },
		{ 0, "{\"d\":\"0s\"}" },			 { -90000000000LL, "{\"d\":\"-1m30s\"}" },
		{ 2000, "{\"d\":\"2µs\"}" },			 { 3723000000000LL, "{\"d\":\"1h2m3s\"}" },
	};
	kube_buf_t b = KUBE_BUF_INIT, sub = KUBE_BUF_INIT;
	char *s;

	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		pb_int(&sub, 1, durs[i].ns);
		pb_msg(&b, 1, &sub);
		s = decode_special(&b);
		ASSERT_STREQ(s, durs[i].want);
		kube_free(s);
	}

	pb_int(&sub, 1, 1700000000);
	pb_int(&sub, 2, 123456789);
	pb_msg(&b, 2, &sub);
	s = decode_special(&b);
	ASSERT_STREQ(s, "{\"mt\":\"2023-11-14T22:13:20.123456Z\"}");
	kube_free(s);

	/* double (fixed64), packed and unpacked repeated int32, negative int64 */
	double dv = 2.5;
	uint64_t bits;
	memcpy(&bits, &dv, sizeof(bits));
	tag(&b, 3, 1);
	for (int i = 0; i < 8; i++) {
		uint8_t c = (uint8_t)(bits >> (8 * i));
		kube_buf_append(&b, &c, 1);
	}
	pb_int(&b, 4, 1);
	varint(&sub, 2);
	varint(&sub, (uint64_t)-3);
	pb_msg(&b, 4, &sub);
	pb_int(&b, 5, -7);
	s = decode_special(&b);
	ASSERT_STREQ(s, "{\"dbl\":2.5,\"i64\":-7,\"nums\":[1,2,-3]}");
	kube_free(s);

	/* last scalar wins; a zero value clears an earlier one */
	pb_str(&b, 6, "a");
	pb_str(&b, 6, "b");
	pb_int(&b, 5, 9);
	pb_int(&b, 5, 0);
	s = decode_special(&b);
	ASSERT_STREQ(s, "{\"s\":\"b\"}");
	kube_free(s);

	/* invalid UTF-8 becomes U+FFFD; strings stop at NUL */
	pb_bytes(&b, 6, "a\xff" "b\0c", 5);
	s = decode_special(&b);
	ASSERT_STREQ(s, "{\"s\":\"a\xef\xbf\xbd" "b\"}");
	kube_free(s);
}

TEST(protobuf_unknown_fields_are_skipped)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT;

	pb_meta(&raw, "cm", NULL);
	pb_int(&raw, 99, 12345);
	tag(&raw, 98, 1);
	kube_buf_append(&raw, "12345678", 8);
	tag(&raw, 97, 5);
	kube_buf_append(&raw, "1234", 4);
	pb_str(&raw, 96, "ignored");
	pb_map_str(&raw, 2, "k", "v");
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},"
			   "\"data\":{\"k\":\"v\"}}");
}

TEST(protobuf_message_seen_twice_merges)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, meta = KUBE_BUF_INIT;

	pb_str(&meta, 1, "cm");
	pb_msg(&raw, 1, &meta);
	pb_map_str(&meta, 11, "a", "1");
	pb_msg(&raw, 1, &meta);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_JSON(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\","
			   "\"labels\":{\"a\":\"1\"}}}");
}

TEST(protobuf_malformed_input)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, meta = KUBE_BUF_INIT, sub = KUBE_BUF_INIT;

	/* no magic */
	kube_buf_puts(&body, "{\"kind\":\"Pod\"}");
	EXPECT_ERR(&body, -EINVAL, "expected prefix [107 56 115 0]");
	kube_buf_append(&body, "k8s", 3);
	EXPECT_ERR(&body, -EINVAL, "expected prefix");

	/* truncated envelope */
	kube_buf_append(&body, "k8s\0\x12\x05" "ab", 8);
	EXPECT_ERR(&body, -EINVAL, "malformed runtime.Unknown");

	/* no kind */
	kube_buf_append(&body, "k8s\0", 4);
	EXPECT_ERR(&body, -EINVAL, "'Kind' is missing");

	/* kind without a schema: -ENOTSUP */
	pb_meta(&raw, "x", NULL);
	envelope(&body, "example.com/v1", "Widget", &raw);
	EXPECT_ERR(&body, -ENOTSUP, "example.com/v1, Kind=Widget");

	/* truncated length inside metadata */
	kube_buf_append(&meta, "\x0a\x09" "abc", 5);
	pb_msg(&raw, 1, &meta);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "metadata");

	/* truncated varint */
	kube_buf_append(&raw, "\x20\xff\xff", 3);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "immutable: truncated varint");

	/* overlong varint (11 bytes) */
	kube_buf_append(&raw, "\x20\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "immutable: truncated varint");

	/* wrong wire type for a known string field (varint for metadata.name) */
	pb_int(&meta, 1, 5);
	pb_msg(&raw, 1, &meta);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "metadata.name: wrong wire type 0");

	/* groups are not supported */
	tag(&raw, 50, 3);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "unsupported wire type 3");

	/* field number 0 */
	kube_buf_append(&raw, "\x02\x00", 2);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "invalid field number 0");

	/* impossible IntOrString type */
	pb_int(&sub, 1, 2);
	kube_buf_t spec = KUBE_BUF_INIT;
	pb_msg(&spec, 1, &sub);
	pb_msg(&raw, 2, &spec);
	envelope(&body, "policy/v1", "PodDisruptionBudget", &raw);
	EXPECT_ERR(&body, -EINVAL, "spec.minAvailable: impossible IntOrString.Type 2");

	/* time out of range */
	pb_int(&sub, 1, 400000000000LL);
	pb_msg(&meta, 8, &sub);
	pb_msg(&raw, 1, &meta);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "metadata.creationTimestamp: timestamp 400000000000 out of range");

	/* fieldsV1 that is not JSON */
	kube_buf_t mf = KUBE_BUF_INIT;
	pb_str(&sub, 1, "{nope");
	pb_msg(&mf, 7, &sub);
	pb_msg(&meta, 17, &mf);
	pb_msg(&raw, 1, &meta);
	envelope(&body, "v1", "ConfigMap", &raw);
	EXPECT_ERR(&body, -EINVAL, "fieldsV1: embedded object is not JSON");

	/* contentEncoding set */
	kube_buf_t u = KUBE_BUF_INIT;
	pb_str(&u, 3, "gzip");
	kube_buf_append(&body, "k8s\0", 4);
	kube_buf_append(&body, u.data, u.len);
	kube_buf_clear(&u);
	EXPECT_ERR(&body, -EINVAL, "contentEncoding");
}

TEST(protobuf_schema_lookup)
{
	ASSERT_NOT_NULL(kube_protobuf_schema_lookup("apps/v1", "Deployment"));
	ASSERT_NOT_NULL(kube_protobuf_schema_lookup("v1", "Secret"));
	ASSERT_NULL(kube_protobuf_schema_lookup("apps/v1", "Secret"));
	ASSERT_NOT_NULL(kube_protobuf_schema_lookup("v1", "Pod"));
	ASSERT_NOT_NULL(kube_protobuf_schema_lookup("apps/v1", "DaemonSet"));
	ASSERT_NULL(kube_protobuf_schema_lookup("v1", "Node"));
	ASSERT_NULL(kube_protobuf_schema_lookup(NULL, "Pod"));
}

TEST(protobuf_podspec_details)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, spec = KUBE_BUF_INIT, tmpl = KUBE_BUF_INIT,
		   ps = KUBE_BUF_INIT, c = KUBE_BUF_INIT, port = KUBE_BUF_INIT, env = KUBE_BUF_INIT,
		   vf = KUBE_BUF_INIT, ref = KUBE_BUF_INIT, ef = KUBE_BUF_INIT, res = KUBE_BUF_INIT,
		   vol = KUBE_BUF_INIT, vs = KUBE_BUF_INIT, ed = KUBE_BUF_INIT, vm = KUBE_BUF_INIT,
		   tol = KUBE_BUF_INIT, lor = KUBE_BUF_INIT;

	pb_meta(&raw, "d", NULL);
	pb_str(&c, 1, "app");
	pb_str(&c, 2, "nginx");
	pb_int(&port, 3, 80);
	pb_str(&port, 4, "TCP");
	pb_msg(&c, 6, &port);
	pb_str(&env, 1, "A");
	pb_str(&env, 2, "1");
	pb_msg(&c, 7, &env);
	pb_str(&env, 1, "B");
	pb_str(&lor, 1, "cm");
	pb_msg(&ref, 1, &lor); /* embedded LocalObjectReference: inlined */
	pb_str(&ref, 2, "key");
	pb_msg(&vf, 3, &ref);
	pb_msg(&env, 3, &vf);
	pb_msg(&c, 7, &env);
	pb_str(&ef, 1, "P_");
	pb_str(&lor, 1, "sec");
	pb_msg(&ref, 1, &lor);
	pb_int(&ref, 2, 1);
	pb_msg(&ef, 3, &ref);
	pb_msg(&c, 19, &ef);
	pb_map_qty(&res, 1, "cpu", "1");
	pb_map_qty(&res, 2, "memory", "64Mi");
	pb_msg(&c, 8, &res);
	pb_str(&vm, 1, "scratch");
	pb_str(&vm, 3, "/tmp");
	pb_msg(&c, 9, &vm);
	pb_msg(&ps, 2, &c);
	pb_str(&vol, 1, "scratch");
	pb_quantity(&ed, 2, "1Gi");
	pb_msg(&vs, 2, &ed);
	pb_msg(&vol, 2, &vs); /* embedded VolumeSource: inlined */
	pb_msg(&ps, 1, &vol);
	pb_map_str(&ps, 7, "disk", "ssd");
	pb_str(&tol, 1, "k");
	pb_str(&tol, 2, "Exists");
	pb_int(&tol, 5, 0);
	pb_msg(&ps, 22, &tol);
	pb_msg(&tmpl, 2, &ps);
	pb_msg(&spec, 3, &tmpl);
	pb_int(&spec, 1, 0); /* replicas: *int32 0 kept */
	pb_msg(&raw, 2, &spec);
	envelope(&body, "apps/v1", "Deployment", &raw);
	EXPECT_JSON(&body,
		    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
		    "\"spec\":{\"replicas\":0,\"template\":{\"spec\":{"
		    "\"containers\":[{\"name\":\"app\",\"image\":\"nginx\","
		    "\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],"
		    "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"valueFrom\":{\"configMapKeyRef\":"
		    "{\"name\":\"cm\",\"key\":\"key\"}}}],"
		    "\"envFrom\":[{\"prefix\":\"P_\",\"secretRef\":{\"name\":\"sec\",\"optional\":true}}],"
		    "\"resources\":{\"limits\":{\"cpu\":\"1\"},\"requests\":{\"memory\":\"64Mi\"}},"
		    "\"volumeMounts\":[{\"name\":\"scratch\",\"mountPath\":\"/tmp\"}]}],"
		    "\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{\"sizeLimit\":\"1Gi\"}}],"
		    "\"nodeSelector\":{\"disk\":\"ssd\"},"
		    "\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"tolerationSeconds\":0}]}}}}");
}

TEST(protobuf_pod_probes_and_volumes)
{
	kube_buf_t body = KUBE_BUF_INIT, raw = KUBE_BUF_INIT, ps = KUBE_BUF_INIT, c = KUBE_BUF_INIT,
		   probe = KUBE_BUF_INIT, h = KUBE_BUF_INIT, get = KUBE_BUF_INIT, lc = KUBE_BUF_INIT,
		   ex = KUBE_BUF_INIT, vol = KUBE_BUF_INIT, vs = KUBE_BUF_INIT, src = KUBE_BUF_INIT,
		   kp = KUBE_BUF_INIT, lor = KUBE_BUF_INIT, proj = KUBE_BUF_INIT, vp = KUBE_BUF_INIT,
		   sat = KUBE_BUF_INIT, ha = KUBE_BUF_INIT;

	pb_meta(&raw, "p", "default");
	pb_str(&c, 1, "app");
	pb_str(&c, 2, "nginx");
	pb_str(&get, 1, "/healthz");
	pb_intstr_str(&get, 2, "http");
	pb_msg(&h, 2, &get);
	pb_msg(&probe, 1, &h); /* the handler is embedded: inlined */
	pb_int(&probe, 2, 5);
	pb_int(&probe, 4, 10);
	pb_msg(&c, 10, &probe);
	pb_str(&ex, 1, "sh");
	pb_str(&ex, 1, "-c");
	pb_str(&ex, 1, "sleep 1");
	pb_msg(&h, 1, &ex);
	pb_msg(&lc, 2, &h);
	pb_msg(&c, 12, &lc);
	pb_msg(&ps, 2, &c);

	pb_str(&vol, 1, "cfg");
	pb_str(&lor, 1, "settings");
	pb_msg(&src, 1, &lor);
	pb_str(&kp, 1, "a");
	pb_str(&kp, 2, "a.conf");
	pb_int(&kp, 3, 0400);
	pb_msg(&src, 2, &kp);
	pb_int(&src, 3, 0644);
	pb_msg(&vs, 19, &src);
	pb_msg(&vol, 2, &vs);
	pb_msg(&ps, 1, &vol);

	pb_str(&vol, 1, "tok");
	pb_str(&sat, 1, "api");
	pb_int(&sat, 2, 3600);
	pb_str(&sat, 3, "token");
	pb_msg(&vp, 4, &sat);
	pb_msg(&proj, 1, &vp);
	pb_msg(&vs, 26, &proj);
	pb_msg(&vol, 2, &vs);
	pb_msg(&ps, 1, &vol);

	pb_str(&ha, 1, "10.0.0.1");
	pb_str(&ha, 2, "db");
	pb_msg(&ps, 23, &ha);
	pb_msg(&raw, 2, &ps);
	envelope(&body, "v1", "Pod", &raw);
	EXPECT_JSON(&body,
		    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},"
		    "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\","
		    "\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":\"http\"},"
		    "\"initialDelaySeconds\":5,\"periodSeconds\":10},"
		    "\"lifecycle\":{\"preStop\":{\"exec\":{\"command\":[\"sh\",\"-c\",\"sleep 1\"]}}}}],"
		    "\"volumes\":[{\"name\":\"cfg\",\"configMap\":{\"name\":\"settings\",\"items\":[{\"key\":\"a\","
		    "\"path\":\"a.conf\",\"mode\":256}],\"defaultMode\":420}},{\"name\":\"tok\",\"projected\":"
		    "{\"sources\":[{\"serviceAccountToken\":{\"audience\":\"api\",\"expirationSeconds\":3600,"
		    "\"path\":\"token\"}}]}}],"
		    "\"hostAliases\":[{\"ip\":\"10.0.0.1\",\"hostnames\":[\"db\"]}]}}");
}
