/* Tests for kube-controller-manager/controller_manager_pods.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_pods.h"

static cJSON *J(const char *s)
{
	return kube_json_parse(s, strlen(s));
}

#define READY "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]"

TEST(active_ready_available)
{
	cJSON *p = J("{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Running\"," READY "}}");
	ASSERT_TRUE(controller_manager_pod_active(p));
	ASSERT_TRUE(controller_manager_pod_ready(p));
	int64_t t0 = controller_manager_pod_ready_since(p);
	ASSERT_GT(t0, 0);
	ASSERT_TRUE(controller_manager_pod_available(p, 0, t0));
	ASSERT_FALSE(controller_manager_pod_available(p, 10, t0 + 5000000000LL));
	ASSERT_TRUE(controller_manager_pod_available(p, 10, t0 + 10000000000LL));
	cJSON_Delete(p);
	p = J("{\"status\":{\"phase\":\"Succeeded\"}}");
	ASSERT_FALSE(controller_manager_pod_active(p));
	cJSON_Delete(p);
	p = J("{\"metadata\":{\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},\"status\":{\"phase\":\"Running\"}}");
	ASSERT_FALSE(controller_manager_pod_active(p));
	ASSERT_FALSE(controller_manager_pod_ready(p));
	cJSON_Delete(p);
}

/* Each case: pods in some order; the expected deletion order by name. */
static void check_rank(const char *const *pods, size_t n, const char *want, int line)
{
	cJSON *objs[8];
	const cJSON *ptrs[8];
	for (size_t i = 0; i < n; i++) {
		objs[i] = J(pods[i]);
		ptrs[i] = objs[i];
	}
	int64_t now = 0;
	controller_manager_pods_rank_for_deletion(ptrs, n, now);
	char got[64] = "";
	for (size_t i = 0; i < n; i++) {
		strcat(got, kube_json_get_str(ptrs[i], "metadata.name"));
		if (i + 1 < n)
			strcat(got, ",");
	}
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(objs[i]);
	if (strcmp(got, want) != 0)
		kube_test_fail(__FILE__, line, "order %s, want %s", got, want);
}

TEST(rank_for_deletion)
{
	const char *unassigned_first[] = {
		"{\"metadata\":{\"name\":\"bound\",\"uid\":\"1\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}",
		"{\"metadata\":{\"name\":\"free\",\"uid\":\"2\"},\"spec\":{},\"status\":{\"phase\":\"Pending\"}}",
	};
	check_rank(unassigned_first, 2, "free,bound", __LINE__);
	const char *phase[] = {
		"{\"metadata\":{\"name\":\"run\",\"uid\":\"1\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}",
		"{\"metadata\":{\"name\":\"unk\",\"uid\":\"2\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Unknown\"}}",
		"{\"metadata\":{\"name\":\"pend\",\"uid\":\"3\"},\"spec\":{\"nodeName\":\"n3\"},\"status\":{\"phase\":\"Pending\"}}",
	};
	check_rank(phase, 3, "pend,unk,run", __LINE__);
	const char *ready[] = {
		"{\"metadata\":{\"name\":\"ready\",\"uid\":\"1\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"," READY "}}",
		"{\"metadata\":{\"name\":\"notready\",\"uid\":\"2\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
	};
	check_rank(ready, 2, "notready,ready", __LINE__);
	const char *cost[] = {
		"{\"metadata\":{\"name\":\"high\",\"uid\":\"1\",\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"100\"}},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}",
		"{\"metadata\":{\"name\":\"low\",\"uid\":\"2\",\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"-5\"}},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
	};
	check_rank(cost, 2, "low,high", __LINE__);
	const char *doubled[] = {
		"{\"metadata\":{\"name\":\"alone\",\"uid\":\"1\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}",
		"{\"metadata\":{\"name\":\"pair1\",\"uid\":\"2\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
		"{\"metadata\":{\"name\":\"pair2\",\"uid\":\"3\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
	};
	check_rank(doubled, 3, "pair1,pair2,alone", __LINE__);
	const char *age[] = {
		"{\"metadata\":{\"name\":\"old\",\"uid\":\"1\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}",
		"{\"metadata\":{\"name\":\"new\",\"uid\":\"2\",\"creationTimestamp\":\"2026-01-02T00:00:00Z\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
	};
	check_rank(age, 2, "new,old", __LINE__);
	const char *restarts[] = {
		"{\"metadata\":{\"name\":\"calm\",\"uid\":\"1\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"restartCount\":0}]}}",
		"{\"metadata\":{\"name\":\"crashy\",\"uid\":\"2\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"restartCount\":7}]}}",
	};
	check_rank(restarts, 2, "crashy,calm", __LINE__);
}

TEST(diff_table)
{
	static const char *const js[] = {
		"{\"metadata\":{\"name\":\"r1\",\"uid\":\"1\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"," READY "}}",
		"{\"metadata\":{\"name\":\"p\",\"uid\":\"2\"},\"spec\":{},\"status\":{\"phase\":\"Pending\"}}",
		"{\"metadata\":{\"name\":\"r2\",\"uid\":\"3\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
	};
	static const struct {
		int64_t want, burst, diff;
		const char *first; /* first pod to delete */
	} cases[] = {
		{ 3, 500, 0, NULL },
		{ 5, 500, 2, NULL },
		{ 1000, 500, 500, NULL },	/* creations capped at burst */
		{ 2, 500, -1, "p" },		/* unscheduled goes first */
		{ 0, 500, -3, "p" },
		{ 0, 2, -2, "p" },		/* deletions capped too */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *objs[3];
		const cJSON *ptrs[3];
		for (size_t j = 0; j < 3; j++)
			ptrs[j] = objs[j] = J(js[j]);
		int64_t d = controller_manager_pods_diff(ptrs, 3, cases[i].want, cases[i].burst, 0);
		bool ok = d == cases[i].diff &&
			  (!cases[i].first || kube_streq(kube_json_get_str(ptrs[0], "metadata.name"), cases[i].first));
		/* after the unscheduled pod, the not-ready one */
		if (ok && cases[i].diff <= -2)
			ok = kube_streq(kube_json_get_str(ptrs[1], "metadata.name"), "r2");
		for (size_t j = 0; j < 3; j++)
			cJSON_Delete(objs[j]);
		if (!ok)
			kube_test_fail(__FILE__, __LINE__, "case %zu: diff %lld", i, (long long)d);
	}
}

TEST(slow_start_batches)
{
	int64_t left = 20, prev = 0, sizes[8], n = 0;
	while (left > 0) {
		prev = controller_manager_pods_next_batch(prev, left);
		sizes[n++] = prev;
		left -= prev;
	}
	ASSERT_EQ(n, 5);
	ASSERT_EQ(sizes[0], 1);
	ASSERT_EQ(sizes[1], 2);
	ASSERT_EQ(sizes[2], 4);
	ASSERT_EQ(sizes[3], 8);
	ASSERT_EQ(sizes[4], 5);
}

TEST(claim_table)
{
	kube_selector_t *sel = NULL;
	ASSERT_OK(kube_selector_parse("app=web", &sel, NULL));
	static const struct {
		const char *pod;
		bool deleting;
		controller_manager_claim_t want;
	} cases[] = {
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}", false, CM_CLAIM_ADOPT },
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}", true, CM_CLAIM_IGNORE },
		{ "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}", false, CM_CLAIM_IGNORE },
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"}}", false, CM_CLAIM_IGNORE },
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"ownerReferences\":[{\"uid\":\"me\",\"controller\":true}]}}", false, CM_CLAIM_OWNED },
		{ "{\"metadata\":{\"labels\":{\"app\":\"db\"},\"ownerReferences\":[{\"uid\":\"me\",\"controller\":true}]}}", false, CM_CLAIM_RELEASE },
		{ "{\"metadata\":{\"labels\":{\"app\":\"db\"},\"ownerReferences\":[{\"uid\":\"me\",\"controller\":true}]}}", true, CM_CLAIM_IGNORE },
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"ownerReferences\":[{\"uid\":\"other\",\"controller\":true}]}}", false, CM_CLAIM_IGNORE },
		/* a non-controller ref does not make it owned */
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"ownerReferences\":[{\"uid\":\"other\"}]}}", false, CM_CLAIM_ADOPT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *p = J(cases[i].pod);
		controller_manager_claim_t got = controller_manager_claim(p, "me", sel, cases[i].deleting);
		cJSON_Delete(p);
		if (got != cases[i].want)
			kube_test_fail(__FILE__, __LINE__, "case %zu: %d, want %d", i, got, cases[i].want);
	}
	kube_selector_free(sel);
}

TEST(owner_ref_and_patches)
{
	cJSON *rs = J("{\"metadata\":{\"name\":\"web-1\",\"uid\":\"u1\"}}");
	cJSON *ref = controller_manager_owner_ref(rs, "apps/v1", "ReplicaSet");
	char *s = kube_json_compact(ref);
	ASSERT_STREQ(s, "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-1\",\"uid\":\"u1\",\"controller\":true,\"blockOwnerDeletion\":true}");
	kube_free(s);
	cJSON *pod = J("{\"metadata\":{\"uid\":\"p\",\"resourceVersion\":\"7\",\"ownerReferences\":[{\"uid\":\"x\"}]}}");
	s = controller_manager_adopt_patch(pod, ref);
	cJSON *p = J(s);
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(p, "metadata.ownerReferences")), 2);
	ASSERT_STREQ(kube_json_get_str(p, "metadata.uid"), "p");
	cJSON_Delete(p);
	kube_free(s);
	s = controller_manager_release_patch(pod, "x");
	ASSERT_STREQ(s, "{\"metadata\":{\"ownerReferences\":[],\"uid\":\"p\",\"resourceVersion\":\"7\"}}");
	kube_free(s);
	cJSON_Delete(pod);
	cJSON_Delete(ref);
	cJSON_Delete(rs);
}
