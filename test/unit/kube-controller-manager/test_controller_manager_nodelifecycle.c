/* Tests for kube-controller-manager/controller_manager_nodelifecycle_logic.c
 * and the toleration helpers of controller_manager_podutil.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_nodelifecycle_logic.h"
#include "controller_manager_podutil.h"

#define T0 1796256000 /* 2026-12-03T00:00:00Z */
#define NEVER 999999

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

static const struct {
	const char *tol, *taint;
	bool want;
} tol_cases[] = {
	{ "{\"operator\":\"Exists\"}", "{\"key\":\"a\",\"effect\":\"NoExecute\"}", true },
	{ "{\"key\":\"a\",\"operator\":\"Exists\"}", "{\"key\":\"a\",\"value\":\"x\",\"effect\":\"NoSchedule\"}", true },
	{ "{\"key\":\"a\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}", "{\"key\":\"a\",\"effect\":\"NoExecute\"}", false },
	{ "{\"key\":\"a\",\"value\":\"x\"}", "{\"key\":\"a\",\"value\":\"x\",\"effect\":\"NoExecute\"}", true },
	{ "{\"key\":\"a\",\"operator\":\"Equal\",\"value\":\"y\"}", "{\"key\":\"a\",\"value\":\"x\",\"effect\":\"NoExecute\"}", false },
	{ "{\"key\":\"b\",\"operator\":\"Exists\"}", "{\"key\":\"a\",\"effect\":\"NoExecute\"}", false },
	{ "{\"key\":\"a\"}", "{\"key\":\"a\",\"effect\":\"NoExecute\"}", true },
};

TEST(tolerations)
{
	for (size_t i = 0; i < ARRAY_SIZE(tol_cases); i++) {
		cJSON *tol = parse(tol_cases[i].tol), *taint = parse(tol_cases[i].taint);
		bool got = controller_manager_podutil_tolerates(tol, taint);
		cJSON_Delete(tol);
		cJSON_Delete(taint);
		if (got != tol_cases[i].want)
			printf("case %zu\n", i);
		ASSERT_EQ(got, tol_cases[i].want);
	}
}

static const struct {
	const char *tols;
	int64_t want; /* relative to T0; NEVER; 0 at once */
} evict_cases[] = {
	{ "[]", 0 },
	{ "[{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]", 300 - 10 },
	{ "[{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]", NEVER },
	{ "[{\"operator\":\"Exists\",\"tolerationSeconds\":5},{\"operator\":\"Exists\",\"tolerationSeconds\":60}]", 5 - 10 },
	{ "[{\"key\":\"other\",\"operator\":\"Exists\"}]", 0 },
};

TEST(eviction_time)
{
	cJSON *taints = parse("[{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoExecute\",\"timeAdded\":\"2026-12-02T23:59:50Z\"},"
			      "{\"key\":\"x\",\"effect\":\"NoSchedule\"}]");
	for (size_t i = 0; i < ARRAY_SIZE(evict_cases); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), "{\"spec\":{\"tolerations\":%s}}", evict_cases[i].tols);
		cJSON *pod = parse(buf);
		int64_t got = controller_manager_nodelc_eviction_time(pod, taints, T0);
		cJSON_Delete(pod);
		int64_t want = evict_cases[i].want == NEVER ? -1 : T0 + evict_cases[i].want;
		if (got != want)
			printf("case %zu: %lld\n", i, (long long)(got - T0));
		ASSERT_EQ(got, want);
	}
	cJSON *none = parse("[{\"key\":\"x\",\"effect\":\"NoSchedule\"}]");
	cJSON *pod = parse("{}");
	ASSERT_EQ(controller_manager_nodelc_eviction_time(pod, none, T0), -1);
	cJSON_Delete(pod);
	cJSON_Delete(none);
	cJSON_Delete(taints);
}

static const char *ready_node =
	"{\"metadata\":{\"name\":\"n1\",\"creationTimestamp\":\"2026-12-01T00:00:00Z\"},"
	"\"spec\":{\"taints\":[{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoSchedule\"},{\"key\":\"mine\",\"effect\":\"NoSchedule\"}]},"
	"\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastHeartbeatTime\":\"2026-12-02T23:59:00Z\","
	"\"lastTransitionTime\":\"2026-12-01T00:00:00Z\",\"reason\":\"KubeletReady\"},"
	"{\"type\":\"MemoryPressure\",\"status\":\"False\"}]}}";

TEST(heartbeat_and_taints)
{
	cJSON *node = parse(ready_node);
	cJSON *lease = parse("{\"spec\":{\"renewTime\":\"2026-12-02T23:59:59.000000Z\"}}");
	controller_manager_nodelc_health_t h = { 0 };
	controller_manager_nodelc_observe(&h, node, lease, T0);
	ASSERT_EQ(h.probe, T0);

	/* fresh: the stale not-ready NoSchedule taint goes, "mine" stays */
	controller_manager_nodelc_plan_t p;
	controller_manager_nodelc_plan(node, &h, T0 + 10, 40, 60, &p);
	ASSERT_NULL(p.status);
	ASSERT_NOT_NULL(p.taints);
	char *s = kube_json_compact(p.taints);
	ASSERT_STREQ(s, "[{\"key\":\"mine\",\"effect\":\"NoSchedule\"}]");
	kube_free(s);
	ASSERT_EQ(p.recheck_after, 31);
	controller_manager_nodelc_plan_clear(&p);

	/* the lease renews: the probe moves on */
	kube_json_set_str(lease, "spec.renewTime", "2026-12-03T00:00:30.000000Z");
	controller_manager_nodelc_observe(&h, node, lease, T0 + 30);
	ASSERT_EQ(h.probe, T0 + 30);
	/* the same renewTime later: no change */
	controller_manager_nodelc_observe(&h, node, lease, T0 + 60);
	ASSERT_EQ(h.probe, T0 + 30);

	/* 41 s without news: Unknown, unreachable NoExecute + NoSchedule */
	controller_manager_nodelc_plan(node, &h, T0 + 71, 40, 60, &p);
	ASSERT_TRUE(p.became_unknown);
	ASSERT_NOT_NULL(p.status);
	cJSON *view = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(view, "status", p.status);
	const cJSON *ready = controller_manager_podutil_condition(view, "Ready");
	ASSERT_STREQ(kube_json_get_str(ready, "status"), "Unknown");
	ASSERT_STREQ(kube_json_get_str(ready, "reason"), "NodeStatusUnknown");
	ASSERT_STREQ(kube_json_get_str(ready, "message"), "Kubelet stopped posting node status.");
	ASSERT_STREQ(kube_json_get_str(ready, "lastHeartbeatTime"), "2026-12-02T23:59:00Z");
	ASSERT_STREQ(kube_json_get_str(ready, "lastTransitionTime"), "2026-12-03T00:01:11Z");
	ASSERT_STREQ(kube_json_get_str(controller_manager_podutil_condition(view, "MemoryPressure"), "status"), "Unknown");
	ASSERT_STREQ(kube_json_get_str(controller_manager_podutil_condition(view, "DiskPressure"), "reason"),
		     "NodeStatusNeverUpdated");
	cJSON_Delete(view);
	s = kube_json_compact(p.taints);
	ASSERT_STREQ(s, "[{\"key\":\"mine\",\"effect\":\"NoSchedule\"},"
			"{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoExecute\",\"timeAdded\":\"2026-12-03T00:01:11Z\"},"
			"{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoSchedule\"}]");
	kube_free(s);

	/* written back: a second pass changes nothing */
	cJSON_ReplaceItemInObject(node, "status", p.status);
	p.status = NULL;
	kube_json_set(node, "spec.taints", p.taints);
	p.taints = NULL;
	controller_manager_nodelc_plan_clear(&p);
	controller_manager_nodelc_plan(node, &h, T0 + 80, 40, 60, &p);
	ASSERT_NULL(p.status);
	ASSERT_NULL(p.taints);
	controller_manager_nodelc_plan_clear(&p);

	/* the kubelet comes back Ready: taints removed */
	cJSON *r = (cJSON *)controller_manager_podutil_condition(node, "Ready");
	kube_json_set_str(r, "status", "True");
	kube_json_set_str(r, "lastHeartbeatTime", "2026-12-03T00:01:30Z");
	controller_manager_nodelc_observe(&h, node, lease, T0 + 90);
	controller_manager_nodelc_plan(node, &h, T0 + 90, 40, 60, &p);
	s = kube_json_compact(p.taints);
	ASSERT_STREQ(s, "[{\"key\":\"mine\",\"effect\":\"NoSchedule\"}]");
	kube_free(s);
	controller_manager_nodelc_plan_clear(&p);

	/* Ready False: not-ready NoExecute */
	kube_json_set_str(r, "status", "False");
	controller_manager_nodelc_plan(node, &h, T0 + 91, 40, 60, &p);
	s = kube_json_compact(p.taints);
	ASSERT_TRUE(strstr(s, "{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoExecute\"") != NULL);
	kube_free(s);
	controller_manager_nodelc_plan_clear(&p);

	controller_manager_nodelc_health_clear(&h);
	cJSON_Delete(lease);
	cJSON_Delete(node);
}

TEST(never_posted_uses_startup_grace)
{
	cJSON *node = parse("{\"metadata\":{\"name\":\"n2\",\"creationTimestamp\":\"2026-12-03T00:00:00Z\"},\"spec\":{\"unschedulable\":true}}");
	controller_manager_nodelc_health_t h = { 0 };
	controller_manager_nodelc_observe(&h, node, NULL, T0);
	controller_manager_nodelc_plan_t p;
	controller_manager_nodelc_plan(node, &h, T0 + 50, 40, 60, &p);
	ASSERT_NULL(p.status);
	char *s = kube_json_compact(p.taints);
	ASSERT_STREQ(s, "[{\"key\":\"node.kubernetes.io/unschedulable\",\"effect\":\"NoSchedule\"}]");
	kube_free(s);
	controller_manager_nodelc_plan_clear(&p);
	controller_manager_nodelc_plan(node, &h, T0 + 61, 40, 60, &p);
	ASSERT_NOT_NULL(p.status);
	ASSERT_STREQ(kube_json_get_str(p.status, "conditions[0].reason"), "NodeStatusNeverUpdated");
	ASSERT_STREQ(kube_json_get_str(p.status, "conditions[0].message"), "Kubelet never posted node status.");
	controller_manager_nodelc_plan_clear(&p);
	controller_manager_nodelc_health_clear(&h);
	cJSON_Delete(node);
}

TEST(zones)
{
	ASSERT_EQ(controller_manager_nodelc_zone_state(0, 1, 0.55), CONTROLLER_MANAGER_ZONE_FULL);
	ASSERT_EQ(controller_manager_nodelc_zone_state(0, 0, 0.55), CONTROLLER_MANAGER_ZONE_NORMAL);
	ASSERT_EQ(controller_manager_nodelc_zone_state(2, 2, 0.55), CONTROLLER_MANAGER_ZONE_NORMAL);
	ASSERT_EQ(controller_manager_nodelc_zone_state(2, 3, 0.55), CONTROLLER_MANAGER_ZONE_PARTIAL);
	ASSERT_EQ(controller_manager_nodelc_zone_state(10, 3, 0.55), CONTROLLER_MANAGER_ZONE_NORMAL);
	ASSERT_TRUE(controller_manager_nodelc_zone_rate(CONTROLLER_MANAGER_ZONE_NORMAL, 5, 0.1, 0.01, 50) == 0.1);
	ASSERT_TRUE(controller_manager_nodelc_zone_rate(CONTROLLER_MANAGER_ZONE_FULL, 5, 0.1, 0.01, 50) == 0.1);
	ASSERT_TRUE(controller_manager_nodelc_zone_rate(CONTROLLER_MANAGER_ZONE_PARTIAL, 5, 0.1, 0.01, 50) == 0);
	ASSERT_TRUE(controller_manager_nodelc_zone_rate(CONTROLLER_MANAGER_ZONE_PARTIAL, 51, 0.1, 0.01, 50) == 0.01);

	cJSON *n = parse("{\"metadata\":{\"labels\":{\"topology.kubernetes.io/region\":\"r1\",\"topology.kubernetes.io/zone\":\"z1\"}}}");
	char *k = controller_manager_nodelc_zone_key(n);
	ASSERT_STREQ(k, "r1:|:z1");
	kube_free(k);
	cJSON_Delete(n);
	n = parse("{\"metadata\":{}}");
	k = controller_manager_nodelc_zone_key(n);
	ASSERT_STREQ(k, "");
	kube_free(k);
	cJSON_Delete(n);

	cJSON *old = parse("[{\"key\":\"mine\",\"effect\":\"NoSchedule\"}]");
	cJSON *want = parse("[{\"key\":\"mine\",\"effect\":\"NoSchedule\"},"
			    "{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoExecute\",\"timeAdded\":\"2026-12-03T00:00:00Z\"},"
			    "{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoSchedule\"}]");
	ASSERT_TRUE(controller_manager_nodelc_adds_noexecute(want, old));
	ASSERT_FALSE(controller_manager_nodelc_adds_noexecute(want, want));
	/* held back: the NoSchedule taint still goes on */
	ASSERT_FALSE(controller_manager_nodelc_hold_noexecute(want, old, false));
	char *s = kube_json_compact(want);
	ASSERT_STREQ(s, "[{\"key\":\"mine\",\"effect\":\"NoSchedule\"},{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoSchedule\"}]");
	kube_free(s);
	cJSON_Delete(want);
	/* every zone down: existing NoExecute taints are lifted */
	cJSON *cur = parse("[{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoExecute\"}]");
	cJSON *plan = kube_json_dup(cur);
	ASSERT_FALSE(controller_manager_nodelc_hold_noexecute(plan, cur, true));
	ASSERT_EQ(cJSON_GetArraySize(plan), 0);
	cJSON_Delete(plan);
	plan = kube_json_dup(old);
	ASSERT_TRUE(controller_manager_nodelc_hold_noexecute(plan, old, true));
	cJSON_Delete(plan);
	cJSON_Delete(cur);
	cJSON_Delete(old);
}
