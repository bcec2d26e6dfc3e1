/* Tests for kube-controller-manager/controller_manager_daemonset_logic.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_daemonset_logic.h"

#define NOW 1796256000

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

static const struct {
	const char *tmpl_spec, *node;
	bool run, cont;
} run_cases[] = {
	{ "{}", "{\"metadata\":{\"name\":\"n1\"}}", true, true },
	{ "{\"nodeSelector\":{\"disk\":\"ssd\"}}", "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\"}}}", true, true },
	{ "{\"nodeSelector\":{\"disk\":\"ssd\"}}", "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"hdd\"}}}", false, false },
	{ "{\"nodeName\":\"n2\"}", "{\"metadata\":{\"name\":\"n1\"}}", false, false },
	{ "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
	  "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]},"
	  "{\"matchExpressions\":[{\"key\":\"gpu\",\"operator\":\"Exists\"}]}]}}}}",
	  "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"gpu\":\"1\"}}}", true, true },
	{ "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
	  "{\"matchExpressions\":[{\"key\":\"cpus\",\"operator\":\"Gt\",\"values\":[\"8\"]}]}]}}}}",
	  "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"cpus\":\"4\"}}}", false, false },
	{ "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
	  "{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"NotIn\",\"values\":[\"n1\"]}]}]}}}}",
	  "{\"metadata\":{\"name\":\"n1\"}}", false, false },
	/* default tolerations: unschedulable, not-ready NoExecute, pressures */
	{ "{}", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"node.kubernetes.io/unschedulable\",\"effect\":\"NoSchedule\"},"
	  "{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoExecute\"},{\"key\":\"node.kubernetes.io/disk-pressure\",\"effect\":\"NoSchedule\"}]}}",
	  true, true },
	{ "{}", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"node.kubernetes.io/network-unavailable\",\"effect\":\"NoSchedule\"}]}}",
	  false, true },
	{ "{\"hostNetwork\":true}", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"node.kubernetes.io/network-unavailable\",\"effect\":\"NoSchedule\"}]}}",
	  true, true },
	{ "{}", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"value\":\"x\",\"effect\":\"NoSchedule\"}]}}", false, true },
	{ "{}", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"effect\":\"NoExecute\"}]}}", false, false },
	{ "{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]}",
	  "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"effect\":\"NoExecute\"}]}}", true, true },
	{ "{}", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"soft\",\"effect\":\"PreferNoSchedule\"}]}}", true, true },
};

TEST(should_run)
{
	for (size_t i = 0; i < ARRAY_SIZE(run_cases); i++) {
		char buf[2048];
		snprintf(buf, sizeof(buf), "{\"metadata\":{\"name\":\"ds\"},\"spec\":{\"template\":{\"spec\":%s}}}",
			 run_cases[i].tmpl_spec);
		cJSON *ds = parse(buf), *node = parse(run_cases[i].node);
		bool cont;
		bool run = controller_manager_daemonset_should_run(ds, node, &cont);
		cJSON_Delete(ds);
		cJSON_Delete(node);
		if (run != run_cases[i].run || cont != run_cases[i].cont)
			printf("case %zu: run %d cont %d\n", i, run, cont);
		ASSERT_EQ(run, run_cases[i].run);
		ASSERT_EQ(cont, run_cases[i].cont);
	}
}

static cJSON *dpod(const char *name, const char *node, const char *hash, bool ready, const char *created)
{
	char buf[1024];
	snprintf(buf, sizeof(buf),
		 "{\"metadata\":{\"name\":\"%s\",\"creationTimestamp\":\"%s\",\"labels\":{\"controller-revision-hash\":\"%s\"}},"
		 "\"spec\":{\"nodeName\":\"%s\"},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\","
		 "\"lastTransitionTime\":\"2026-12-01T00:00:00Z\"}]}}",
		 name, created, hash, node, ready ? "True" : "False");
	return parse(buf);
}

TEST(plan_and_rolling_update)
{
	cJSON *ds = parse("{\"metadata\":{\"name\":\"ds\",\"namespace\":\"kube-system\",\"uid\":\"d1\",\"generation\":2},"
			  "\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1}},"
			  "\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}");
	cJSON *nodes_arr = parse("[{\"metadata\":{\"name\":\"n1\"}},{\"metadata\":{\"name\":\"n2\"}},{\"metadata\":{\"name\":\"n3\"}},"
				 "{\"metadata\":{\"name\":\"n4\",\"labels\":{}},\"spec\":{\"taints\":[{\"key\":\"x\",\"effect\":\"NoExecute\"}]}}]");
	const cJSON *nodes[4];
	for (int i = 0; i < 4; i++)
		nodes[i] = cJSON_GetArrayItem(nodes_arr, i);
	cJSON *pod_arr = cJSON_CreateArray();
	cJSON_AddItemToArray(pod_arr, dpod("p1", "n1", "old", true, "2026-12-01T00:00:00Z"));
	cJSON_AddItemToArray(pod_arr, dpod("p2", "n2", "old", true, "2026-12-01T00:00:00Z"));
	cJSON_AddItemToArray(pod_arr, dpod("p2b", "n2", "old", true, "2026-12-01T00:00:05Z"));
	cJSON_AddItemToArray(pod_arr, dpod("p4", "n4", "new", true, "2026-12-01T00:00:00Z"));
	cJSON_AddItemToArray(pod_arr, dpod("pgone", "n9", "new", true, "2026-12-01T00:00:00Z"));
	const cJSON *pods[5];
	for (int i = 0; i < 5; i++)
		pods[i] = cJSON_GetArrayItem(pod_arr, i);
	controller_manager_daemonset_plan_t p;
	controller_manager_daemonset_plan(ds, nodes, 4, pods, 5, "new", NOW, &p);
	/* n3 gets a pod; n2's younger duplicate, n4's untolerated pod and the
	 * pod on a gone node go; n3 being unavailable uses the budget of 1, so
	 * no old available pod is replaced yet */
	ASSERT_EQ(p.n_create, 1);
	ASSERT_STREQ(p.create_on[0], "n3");
	char *dels = NULL;
	for (size_t i = 0; i < p.n_deletes; i++) {
		char *n = kube_asprintf("%s%s%s", dels ? dels : "", dels ? "," : "", p.deletes[i]);
		kube_free(dels);
		dels = n;
	}
	ASSERT_STREQ(dels, "p2b,p4,pgone");
	kube_free(dels);
	char *st = kube_json_compact(p.status);
	ASSERT_STREQ(st, "{\"currentNumberScheduled\":2,\"numberMisscheduled\":0,\"desiredNumberScheduled\":3,"
			 "\"numberReady\":2,\"observedGeneration\":2,\"numberAvailable\":2,\"numberUnavailable\":1}");
	kube_free(st);
	controller_manager_daemonset_plan_clear(&p);

	/* all three placed (n3 new and ready): one old pod replaced at a time */
	cJSON_AddItemToArray(pod_arr, dpod("p3", "n3", "new", true, "2026-12-01T00:00:00Z"));
	const cJSON *pods2[4] = { pods[0], pods[1], cJSON_GetArrayItem(pod_arr, 5), NULL };
	controller_manager_daemonset_plan(ds, nodes, 3, pods2, 3, "new", NOW, &p);
	ASSERT_EQ(p.n_create, 0);
	ASSERT_EQ(p.n_deletes, 1);
	ASSERT_STREQ(p.deletes[0], "p1");
	controller_manager_daemonset_plan_clear(&p);

	/* OnDelete: old pods stay */
	kube_json_set_str(ds, "spec.updateStrategy.type", "OnDelete");
	controller_manager_daemonset_plan(ds, nodes, 3, pods2, 3, "new", NOW, &p);
	ASSERT_EQ(p.n_deletes, 0);
	controller_manager_daemonset_plan_clear(&p);

	cJSON *pod = controller_manager_daemonset_pod(ds, "n3", "new");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.generateName"), "ds-");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.labels['controller-revision-hash']"), "new");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.labels['pod-template-generation']"), "2");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.labels.app"), "d");
	ASSERT_STREQ(kube_json_get_str(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
					    "nodeSelectorTerms[0].matchFields[0].values[0]"), "n3");
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(pod, "spec.tolerations")), 6);
	cJSON_Delete(pod);

	char *h1 = controller_manager_daemonset_hash(kube_json_get(ds, "spec.template"), 0);
	char *h2 = controller_manager_daemonset_hash(kube_json_get(ds, "spec.template"), 1);
	ASSERT_TRUE(strcmp(h1, h2) != 0);
	ASSERT_TRUE(strspn(h1, "bcdfghjklmnpqrstvwxz2456789") == strlen(h1));
	kube_free(h1);
	kube_free(h2);
	cJSON_Delete(pod_arr);
	cJSON_Delete(nodes_arr);
	cJSON_Delete(ds);
}

TEST(scaled)
{
	cJSON *v = cJSON_CreateString("25%");
	ASSERT_EQ(controller_manager_daemonset_scaled(v, 10, true, 1), 3);
	ASSERT_EQ(controller_manager_daemonset_scaled(v, 10, false, 1), 2);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(4);
	ASSERT_EQ(controller_manager_daemonset_scaled(v, 10, true, 1), 4);
	cJSON_Delete(v);
	ASSERT_EQ(controller_manager_daemonset_scaled(NULL, 10, true, 1), 1);
}

TEST(surge)
{
	cJSON *ds = parse("{\"metadata\":{\"name\":\"ds\",\"uid\":\"d1\"},\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\","
			  "\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}},\"template\":{\"spec\":{}}}}");
	cJSON *nodes_arr = parse("[{\"metadata\":{\"name\":\"n1\"}},{\"metadata\":{\"name\":\"n2\"}}]");
	const cJSON *nodes[2] = { cJSON_GetArrayItem(nodes_arr, 0), cJSON_GetArrayItem(nodes_arr, 1) };
	cJSON *arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, dpod("o1", "n1", "old", true, "2026-12-01T00:00:00Z"));
	cJSON_AddItemToArray(arr, dpod("o2", "n2", "old", true, "2026-12-01T00:00:00Z"));
	cJSON_AddItemToArray(arr, dpod("new1", "n1", "new", false, "2026-12-02T00:00:00Z"));
	const cJSON *pods[3] = { cJSON_GetArrayItem(arr, 0), cJSON_GetArrayItem(arr, 1), cJSON_GetArrayItem(arr, 2) };
	controller_manager_daemonset_plan_t p;
	/* one surge pod at a time, the old pods stay */
	controller_manager_daemonset_plan(ds, nodes, 2, pods, 2, "new", NOW, &p);
	ASSERT_EQ(p.n_create, 1);
	ASSERT_STREQ(p.create_on[0], "n1");
	ASSERT_EQ(p.n_deletes, 0);
	controller_manager_daemonset_plan_clear(&p);
	/* the surge pod is not ready yet: wait */
	controller_manager_daemonset_plan(ds, nodes, 2, pods, 3, "new", NOW, &p);
	ASSERT_EQ(p.n_create, 0);
	ASSERT_EQ(p.n_deletes, 0);
	ASSERT_EQ(kube_json_get_int64(p.status, "numberAvailable", 0), 2);
	controller_manager_daemonset_plan_clear(&p);
	/* ready: the old pod on n1 goes and n2 surges */
	cJSON_ReplaceItemInArray(arr, 2, dpod("new1", "n1", "new", true, "2026-12-02T00:00:00Z"));
	pods[2] = cJSON_GetArrayItem(arr, 2);
	controller_manager_daemonset_plan(ds, nodes, 2, pods, 3, "new", NOW, &p);
	ASSERT_EQ(p.n_deletes, 1);
	ASSERT_STREQ(p.deletes[0], "o1");
	ASSERT_EQ(p.n_create, 1);
	ASSERT_STREQ(p.create_on[0], "n2");
	controller_manager_daemonset_plan_clear(&p);
	cJSON_Delete(arr);
	cJSON_Delete(nodes_arr);
	cJSON_Delete(ds);
}
