/* Tests for kube-controller-manager/controller_manager_statefulset_logic.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_statefulset_logic.h"

#define NOW 1796256000

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

/* pods: "<ordinal><state><rev>" triples separated by spaces: state r=running
 * ready, p=pending, f=failed, d=deleting; rev a (web-a) or b (web-b). */
static const struct {
	const char *name, *spec, *pods, *want_create, *want_delete;
} cases[] = {
	{ "first pod", "{\"replicas\":3}", "", "0", "" },
	{ "waits for web-0", "{\"replicas\":3}", "0pb", "", "" },
	{ "next in order", "{\"replicas\":3}", "0rb", "1", "" },
	{ "parallel creates all", "{\"replicas\":3,\"podManagementPolicy\":\"Parallel\"}", "", "0,1,2", "" },
	{ "failed pod replaced", "{\"replicas\":2}", "0rb 1fb", "", "web-1" },
	{ "scale down highest first", "{\"replicas\":1}", "0rb 1rb 2rb", "", "web-2" },
	{ "scale down waits for termination", "{\"replicas\":1}", "0rb 1rb 2db", "", "" },
	{ "scale down waits for health", "{\"replicas\":2}", "0rb 1pb 2rb", "", "" },
	{ "parallel scale down", "{\"replicas\":1,\"podManagementPolicy\":\"Parallel\"}", "0rb 1rb 2rb", "", "web-2,web-1" },
	{ "rolling update from the top", "{\"replicas\":3}", "0ra 1ra 2ra", "", "web-2" },
	{ "rolling update next", "{\"replicas\":3}", "0ra 1ra 2rb", "", "web-1" },
	{ "rolling update waits", "{\"replicas\":3}", "0ra 1pb 2rb", "", "" },
	{ "partition", "{\"replicas\":3,\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":2}}}",
	  "0ra 1ra 2rb", "", "" },
	{ "on delete", "{\"replicas\":3,\"updateStrategy\":{\"type\":\"OnDelete\"}}", "0ra 1ra 2ra", "", "" },
	{ "ordinals start", "{\"replicas\":2,\"ordinals\":{\"start\":5}}", "5rb", "6", "" },
};

static cJSON *pod(const char *spec3)
{
	char buf[600];
	int o = spec3[0] - '0';
	char st = spec3[1], rev = spec3[2];
	snprintf(buf, sizeof(buf),
		 "{\"metadata\":{\"name\":\"web-%d\",\"labels\":{\"controller-revision-hash\":\"web-%c\"}%s},"
		 "\"status\":{\"phase\":\"%s\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\",\"lastTransitionTime\":\"2026-12-01T00:00:00Z\"}]}}",
		 o, rev, st == 'd' ? ",\"deletionTimestamp\":\"2026-12-01T00:00:00Z\"" : "",
		 st == 'f' ? "Failed" : st == 'p' ? "Pending" : "Running", st == 'r' || st == 'd' ? "True" : "False");
	return parse(buf);
}

TEST(plan_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), "{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"s1\",\"generation\":1},"
					   "\"spec\":%s,\"status\":{\"currentRevision\":\"web-a\"}}", cases[i].spec);
		cJSON *sts = parse(buf);
		cJSON *arr = cJSON_CreateArray();
		const cJSON *pods[8];
		size_t n = 0;
		for (const char *s = cases[i].pods; *s; s += s[3] ? 4 : 3) {
			cJSON *pd = pod(s);
			cJSON_AddItemToArray(arr, pd);
			pods[n++] = pd;
			if (!s[3])
				break;
		}
		controller_manager_statefulset_plan_t p;
		controller_manager_statefulset_plan(sts, pods, n, "web-b", NOW, &p);
		char creates[64] = "", deletes[128] = "";
		for (size_t k = 0; k < p.n_create; k++)
			snprintf(creates + strlen(creates), sizeof(creates) - strlen(creates), "%s%lld", k ? "," : "",
				 (long long)p.create[k]);
		for (size_t k = 0; k < p.n_deletes; k++)
			snprintf(deletes + strlen(deletes), sizeof(deletes) - strlen(deletes), "%s%s", k ? "," : "",
				 p.deletes[k]);
		bool ok = strcmp(creates, cases[i].want_create) == 0 && strcmp(deletes, cases[i].want_delete) == 0;
		if (!ok)
			printf("%s: create [%s] delete [%s]\n", cases[i].name, creates, deletes);
		controller_manager_statefulset_plan_clear(&p);
		cJSON_Delete(arr);
		cJSON_Delete(sts);
		ASSERT_TRUE(ok);
	}
}

TEST(status_and_pod)
{
	cJSON *sts = parse("{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"s1\",\"generation\":3},"
			   "\"spec\":{\"replicas\":2,\"serviceName\":\"nginx\",\"template\":{\"metadata\":{\"labels\":{\"app\":\"w\"}},"
			   "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}},\"status\":{\"currentRevision\":\"web-a\"}}");
	cJSON *a = pod("0rb"), *b = pod("1rb");
	const cJSON *pods[2] = { a, b };
	controller_manager_statefulset_plan_t p;
	controller_manager_statefulset_plan(sts, pods, 2, "web-b", NOW, &p);
	char *s = kube_json_compact(p.status);
	ASSERT_STREQ(s, "{\"observedGeneration\":3,\"replicas\":2,\"readyReplicas\":2,\"currentReplicas\":2,"
			"\"updatedReplicas\":2,\"availableReplicas\":2,\"currentRevision\":\"web-b\",\"updateRevision\":\"web-b\","
			"\"collisionCount\":0}");
	kube_free(s);
	controller_manager_statefulset_plan_clear(&p);
	cJSON_Delete(a);
	cJSON_Delete(b);

	cJSON *pd = controller_manager_statefulset_pod(sts, 1, "web-b");
	ASSERT_STREQ(kube_json_get_str(pd, "metadata.name"), "web-1");
	ASSERT_STREQ(kube_json_get_str(pd, "spec.hostname"), "web-1");
	ASSERT_STREQ(kube_json_get_str(pd, "spec.subdomain"), "nginx");
	ASSERT_STREQ(kube_json_get_str(pd, "metadata.labels.app"), "w");
	ASSERT_STREQ(kube_json_get_str(pd, "metadata.labels['controller-revision-hash']"), "web-b");
	ASSERT_STREQ(kube_json_get_str(pd, "metadata.labels['statefulset.kubernetes.io/pod-name']"), "web-1");
	ASSERT_STREQ(kube_json_get_str(pd, "metadata.labels['apps.kubernetes.io/pod-index']"), "1");
	ASSERT_STREQ(kube_json_get_str(pd, "metadata.ownerReferences[0].kind"), "StatefulSet");
	cJSON_Delete(pd);
	cJSON_Delete(sts);

	ASSERT_EQ(controller_manager_statefulset_ordinal("web", "web-12"), 12);
	ASSERT_EQ(controller_manager_statefulset_ordinal("web", "web-012"), -1);
	ASSERT_EQ(controller_manager_statefulset_ordinal("web", "web-x"), -1);
	ASSERT_EQ(controller_manager_statefulset_ordinal("web", "webx-1"), -1);
	ASSERT_EQ(controller_manager_statefulset_ordinal("web", "web-"), -1);
}

TEST(claims)
{
	cJSON *sts = parse("{\"metadata\":{\"name\":\"db\",\"namespace\":\"ns\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"db\"}},"
			   "\"template\":{\"spec\":{\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}],\"containers\":[{\"name\":\"c\"}]}},"
			   "\"volumeClaimTemplates\":[{\"metadata\":{\"name\":\"data\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
			   "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}]}}");
	cJSON *claims = controller_manager_statefulset_claims(sts, 2);
	ASSERT_EQ(cJSON_GetArraySize(claims), 1);
	cJSON *c = cJSON_GetArrayItem(claims, 0);
	ASSERT_STREQ(kube_json_get_str(c, "metadata.name"), "data-db-2");
	ASSERT_STREQ(kube_json_get_str(c, "metadata.namespace"), "ns");
	ASSERT_STREQ(kube_json_get_str(c, "metadata.labels.app"), "db");
	ASSERT_STREQ(kube_json_get_str(c, "spec.resources.requests.storage"), "1Gi");
	cJSON_Delete(claims);
	cJSON *pd = controller_manager_statefulset_pod(sts, 2, "db-x");
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(pd, "spec.volumes")), 1);
	ASSERT_STREQ(kube_json_get_str(pd, "spec.volumes[0].persistentVolumeClaim.claimName"), "data-db-2");
	cJSON_Delete(pd);
	cJSON_Delete(sts);
}
