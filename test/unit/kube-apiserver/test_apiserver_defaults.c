/* Tests for kube-apiserver/apiserver_defaults.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "apiserver_defaults.h"

static cJSON *defaulted(const char *group, const char *version, const char *resource,
			const char *json)
{
	const kube_kind_t *k = kube_kinds_lookup(group, version, resource);
	if (!k)
		kube_test_fail(__FILE__, __LINE__, "no kind %s", resource);
	cJSON *o = kube_json_parse(json, strlen(json));
	if (!o)
		kube_test_fail(__FILE__, __LINE__, "bad json");
	apiserver_defaults_apply(k, o);
	return o;
}

#define S(o, p) kube_json_get_str(o, p)
#define I(o, p) kube_json_get_int64(o, p, -999)

TEST(pod)
{
	_cleanup_json_ cJSON *o = defaulted("", "v1", "pods",
		"{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\","
		"\"ports\":[{\"containerPort\":80}]},{\"name\":\"b\",\"image\":\"reg:5000/x:1.2\"},"
		"{\"name\":\"c\",\"image\":\"x:latest\",\"imagePullPolicy\":\"Never\"}]}}");
	ASSERT_STREQ(S(o, "spec.restartPolicy"), "Always");
	ASSERT_STREQ(S(o, "spec.dnsPolicy"), "ClusterFirst");
	ASSERT_STREQ(S(o, "spec.schedulerName"), "default-scheduler");
	ASSERT_EQ(I(o, "spec.terminationGracePeriodSeconds"), 30);
	ASSERT_TRUE(cJSON_IsObject(kube_json_get(o, "spec.securityContext")));
	ASSERT_TRUE(kube_json_get_bool(o, "spec.enableServiceLinks", false));
	ASSERT_STREQ(S(o, "spec.serviceAccountName"), "default");
	ASSERT_STREQ(S(o, "spec.serviceAccount"), "default");
	ASSERT_EQ(I(o, "spec.priority"), 0);
	ASSERT_STREQ(S(o, "spec.preemptionPolicy"), "PreemptLowerPriority");
	ASSERT_STREQ(S(o, "spec.containers[0].imagePullPolicy"), "Always");
	ASSERT_STREQ(S(o, "spec.containers[1].imagePullPolicy"), "IfNotPresent");
	ASSERT_STREQ(S(o, "spec.containers[2].imagePullPolicy"), "Never");
	ASSERT_STREQ(S(o, "spec.containers[0].terminationMessagePath"), "/dev/termination-log");
	ASSERT_STREQ(S(o, "spec.containers[0].terminationMessagePolicy"), "File");
	ASSERT_TRUE(cJSON_IsObject(kube_json_get(o, "spec.containers[0].resources")));
	ASSERT_STREQ(S(o, "spec.containers[0].ports[0].protocol"), "TCP");
	ASSERT_STREQ(S(o, "spec.tolerations[0].key"), "node.kubernetes.io/not-ready");
	ASSERT_STREQ(S(o, "spec.tolerations[0].operator"), "Exists");
	ASSERT_STREQ(S(o, "spec.tolerations[0].effect"), "NoExecute");
	ASSERT_EQ(I(o, "spec.tolerations[0].tolerationSeconds"), 300);
	ASSERT_STREQ(S(o, "spec.tolerations[1].key"), "node.kubernetes.io/unreachable");
	ASSERT_STREQ(S(o, "status.phase"), "Pending");
	ASSERT_STREQ(S(o, "status.qosClass"), "BestEffort");
}

TEST(pod_keeps_given_values_and_tolerations)
{
	_cleanup_json_ cJSON *o = defaulted("", "v1", "pods",
		"{\"spec\":{\"restartPolicy\":\"Never\",\"serviceAccountName\":\"sa\","
		"\"tolerations\":[{\"operator\":\"Exists\"}],\"containers\":[{\"name\":\"a\",\"image\":\"x@sha256:ab\"}]}}");
	ASSERT_STREQ(S(o, "spec.restartPolicy"), "Never");
	ASSERT_STREQ(S(o, "spec.serviceAccountName"), "sa");
	ASSERT_STREQ(S(o, "spec.serviceAccount"), "sa");
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(o, "spec.tolerations")), 1);
	ASSERT_STREQ(S(o, "spec.containers[0].imagePullPolicy"), "IfNotPresent");
}

TEST(pod_qos)
{
	static const struct {
		const char *containers;
		const char *qos;
	} cases[] = {
		{ "[{\"name\":\"a\"}]", "BestEffort" },
		{ "[{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]", "Burstable" },
		{ "[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]", "Guaranteed" },
		{ "[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},"
		  "\"requests\":{\"cpu\":\"1000m\",\"memory\":\"1024Mi\"}}}]", "Guaranteed" },
		{ "[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},"
		  "\"requests\":{\"cpu\":\"500m\"}}}]", "Burstable" },
		{ "[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}},{\"name\":\"b\"}]", "Burstable" },
		{ "[{\"name\":\"a\",\"resources\":{\"requests\":{\"ephemeral-storage\":\"1Gi\"}}}]", "BestEffort" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *j = kube_asprintf("{\"spec\":{\"containers\":%s}}", cases[i].containers);
		cJSON *o = defaulted("", "v1", "pods", j);
		kube_free(j);
		const char *got = S(o, "status.qosClass");
		if (!got || strcmp(got, cases[i].qos) != 0) {
			cJSON_Delete(o);
			kube_test_fail(__FILE__, __LINE__, "case %zu: %s", i, got ? got : "(null)");
		}
		cJSON_Delete(o);
	}
}

TEST(deployment)
{
	_cleanup_json_ cJSON *o = defaulted("apps", "v1", "deployments",
		"{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
		"\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}}}}");
	ASSERT_EQ(I(o, "spec.replicas"), 1);
	ASSERT_STREQ(S(o, "spec.strategy.type"), "RollingUpdate");
	ASSERT_STREQ(S(o, "spec.strategy.rollingUpdate.maxUnavailable"), "25%");
	ASSERT_STREQ(S(o, "spec.strategy.rollingUpdate.maxSurge"), "25%");
	ASSERT_EQ(I(o, "spec.revisionHistoryLimit"), 10);
	ASSERT_EQ(I(o, "spec.progressDeadlineSeconds"), 600);
	ASSERT_STREQ(S(o, "spec.template.spec.restartPolicy"), "Always");
	ASSERT_STREQ(S(o, "spec.template.spec.containers[0].imagePullPolicy"), "IfNotPresent");
	/* Pod-only defaults stay out of templates. */
	ASSERT_NULL(kube_json_get(o, "spec.template.spec.enableServiceLinks"));
	ASSERT_NULL(kube_json_get(o, "spec.template.spec.serviceAccountName"));
	ASSERT_NULL(kube_json_get(o, "spec.template.spec.tolerations"));
	ASSERT_NULL(kube_json_get(o, "status"));
}

TEST(deployment_recreate)
{
	_cleanup_json_ cJSON *o = defaulted("apps", "v1", "deployments",
		"{\"spec\":{\"replicas\":0,\"strategy\":{\"type\":\"Recreate\"}}}");
	ASSERT_EQ(I(o, "spec.replicas"), 0);
	ASSERT_NULL(kube_json_get(o, "spec.strategy.rollingUpdate"));
}

TEST(replicaset_rc)
{
	_cleanup_json_ cJSON *rs = defaulted("apps", "v1", "replicasets", "{\"spec\":{}}");
	ASSERT_EQ(I(rs, "spec.replicas"), 1);
	_cleanup_json_ cJSON *rc = defaulted("", "v1", "replicationcontrollers",
		"{\"metadata\":{\"name\":\"r\"},\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}}}}}");
	ASSERT_EQ(I(rc, "spec.replicas"), 1);
	ASSERT_STREQ(S(rc, "spec.selector.app"), "x");
	ASSERT_STREQ(S(rc, "metadata.labels.app"), "x");
}

TEST(statefulset)
{
	_cleanup_json_ cJSON *o = defaulted("apps", "v1", "statefulsets", "{\"spec\":{\"template\":{}}}");
	ASSERT_EQ(I(o, "spec.replicas"), 1);
	ASSERT_STREQ(S(o, "spec.podManagementPolicy"), "OrderedReady");
	ASSERT_STREQ(S(o, "spec.updateStrategy.type"), "RollingUpdate");
	ASSERT_EQ(I(o, "spec.updateStrategy.rollingUpdate.partition"), 0);
	ASSERT_EQ(I(o, "spec.revisionHistoryLimit"), 10);
	ASSERT_STREQ(S(o, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"), "Retain");
	ASSERT_STREQ(S(o, "spec.persistentVolumeClaimRetentionPolicy.whenScaled"), "Retain");
	ASSERT_STREQ(S(o, "spec.template.spec.dnsPolicy"), "ClusterFirst");
}

TEST(daemonset)
{
	_cleanup_json_ cJSON *o = defaulted("apps", "v1", "daemonsets", "{}");
	ASSERT_STREQ(S(o, "spec.updateStrategy.type"), "RollingUpdate");
	ASSERT_EQ(I(o, "spec.updateStrategy.rollingUpdate.maxUnavailable"), 1);
	ASSERT_EQ(I(o, "spec.updateStrategy.rollingUpdate.maxSurge"), 0);
	ASSERT_EQ(I(o, "spec.revisionHistoryLimit"), 10);
}

TEST(job)
{
	_cleanup_json_ cJSON *o = defaulted("batch", "v1", "jobs",
		"{\"metadata\":{\"name\":\"pi\",\"uid\":\"u-1\"},\"spec\":{\"template\":{\"spec\":{"
		"\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"perl\"}]}}}}");
	ASSERT_EQ(I(o, "spec.parallelism"), 1);
	ASSERT_EQ(I(o, "spec.completions"), 1);
	ASSERT_EQ(I(o, "spec.backoffLimit"), 6);
	ASSERT_STREQ(S(o, "spec.completionMode"), "NonIndexed");
	ASSERT_FALSE(kube_json_get_bool(o, "spec.suspend", true));
	ASSERT_STREQ(S(o, "spec.template.spec.restartPolicy"), "Never");
	ASSERT_STREQ(S(o, "spec.selector.matchLabels['batch.kubernetes.io/controller-uid']"), "u-1");
	ASSERT_STREQ(S(o, "spec.template.metadata.labels['batch.kubernetes.io/controller-uid']"), "u-1");
	ASSERT_STREQ(S(o, "spec.template.metadata.labels['batch.kubernetes.io/job-name']"), "pi");
	ASSERT_STREQ(S(o, "spec.template.metadata.labels.controller-uid"), "u-1");
	ASSERT_STREQ(S(o, "spec.template.metadata.labels.job-name"), "pi");
	ASSERT_STREQ(S(o, "metadata.labels.job-name"), "pi");
}

TEST(job_parallelism_only)
{
	_cleanup_json_ cJSON *o = defaulted("batch", "v1", "jobs",
		"{\"metadata\":{\"name\":\"w\",\"uid\":\"u\",\"labels\":{\"x\":\"y\"}},\"spec\":{\"parallelism\":3}}");
	ASSERT_EQ(I(o, "spec.parallelism"), 3);
	ASSERT_NULL(kube_json_get(o, "spec.completions"));
	ASSERT_STREQ(S(o, "metadata.labels.x"), "y");
	ASSERT_NULL(kube_json_get(o, "metadata.labels.job-name"));
}

TEST(cronjob)
{
	_cleanup_json_ cJSON *o = defaulted("batch", "v1", "cronjobs",
		"{\"spec\":{\"schedule\":\"* * * * *\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{"
		"\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}}}");
	ASSERT_STREQ(S(o, "spec.concurrencyPolicy"), "Allow");
	ASSERT_FALSE(kube_json_get_bool(o, "spec.suspend", true));
	ASSERT_EQ(I(o, "spec.successfulJobsHistoryLimit"), 3);
	ASSERT_EQ(I(o, "spec.failedJobsHistoryLimit"), 1);
	ASSERT_STREQ(S(o, "spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy"), "Always");
	ASSERT_NULL(kube_json_get(o, "spec.jobTemplate.spec.backoffLimit"));
}

TEST(service)
{
	_cleanup_json_ cJSON *o = defaulted("", "v1", "services",
		"{\"spec\":{\"ports\":[{\"port\":80},{\"port\":443,\"targetPort\":\"https\",\"protocol\":\"UDP\"}]}}");
	ASSERT_STREQ(S(o, "spec.type"), "ClusterIP");
	ASSERT_STREQ(S(o, "spec.sessionAffinity"), "None");
	ASSERT_STREQ(S(o, "spec.ports[0].protocol"), "TCP");
	ASSERT_EQ(I(o, "spec.ports[0].targetPort"), 80);
	ASSERT_STREQ(S(o, "spec.ports[1].targetPort"), "https");
	ASSERT_STREQ(S(o, "spec.ports[1].protocol"), "UDP");
	ASSERT_STREQ(S(o, "spec.ipFamilies[0]"), "IPv4");
	ASSERT_STREQ(S(o, "spec.ipFamilyPolicy"), "SingleStack");
	ASSERT_STREQ(S(o, "spec.internalTrafficPolicy"), "Cluster");
	ASSERT_NULL(kube_json_get(o, "spec.externalTrafficPolicy"));
	_cleanup_json_ cJSON *np = defaulted("", "v1", "services", "{\"spec\":{\"type\":\"NodePort\"}}");
	ASSERT_STREQ(S(np, "spec.externalTrafficPolicy"), "Cluster");
	_cleanup_json_ cJSON *en = defaulted("", "v1", "services",
		"{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"a.b\"}}");
	ASSERT_NULL(kube_json_get(en, "spec.ipFamilies"));
}

TEST(namespace_secret_priorityclass)
{
	_cleanup_json_ cJSON *ns = defaulted("", "v1", "namespaces", "{\"metadata\":{\"name\":\"dev\"}}");
	ASSERT_STREQ(S(ns, "spec.finalizers[0]"), "kubernetes");
	ASSERT_STREQ(S(ns, "status.phase"), "Active");
	ASSERT_STREQ(S(ns, "metadata.labels['kubernetes.io/metadata.name']"), "dev");
	_cleanup_json_ cJSON *s = defaulted("", "v1", "secrets", "{}");
	ASSERT_STREQ(S(s, "type"), "Opaque");
	_cleanup_json_ cJSON *s2 = defaulted("", "v1", "secrets", "{\"type\":\"kubernetes.io/tls\"}");
	ASSERT_STREQ(S(s2, "type"), "kubernetes.io/tls");
	_cleanup_json_ cJSON *pc = defaulted("scheduling.k8s.io", "v1", "priorityclasses", "{\"value\":5}");
	ASSERT_STREQ(S(pc, "preemptionPolicy"), "PreemptLowerPriority");
}

TEST(configmap_untouched)
{
	const char *j = "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"b\"}}";
	_cleanup_json_ cJSON *o = defaulted("", "v1", "configmaps", j);
	_cleanup_json_ cJSON *orig = kube_json_parse(j, strlen(j));
	ASSERT_TRUE(kube_json_equal(o, orig));
}
