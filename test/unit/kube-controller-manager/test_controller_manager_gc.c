/* Tests for kube-controller-manager/controller_manager_cidrset.c and
 * controller_manager_gc_logic.c (podgc, resource quota usage). */
#include "kube_test.h"

#include <errno.h>

#include "api/kube_json.h"
#include "controller_manager_cidrset.h"
#include "controller_manager_gc_logic.h"

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

TEST(cidrset_v4)
{
	controller_manager_cidrset_t *s;
	ASSERT_EQ(controller_manager_cidrset_new("10.244.0.0/16", 16, &s), -EINVAL);
	ASSERT_EQ(controller_manager_cidrset_new("10.244.0.0/8", 30, &s), -EINVAL);
	ASSERT_EQ(controller_manager_cidrset_new("bogus", 24, &s), -EINVAL);
	ASSERT_OK(controller_manager_cidrset_new("10.244.0.0/22", 24, &s));
	/* existing nodes first: consistent across restarts */
	ASSERT_OK(controller_manager_cidrset_occupy(s, "10.244.1.0/24"));
	ASSERT_EQ(controller_manager_cidrset_occupy(s, "10.245.0.0/24"), -ERANGE);
	ASSERT_EQ(controller_manager_cidrset_occupy(s, "fd00::/64"), -EINVAL);
	char *a = controller_manager_cidrset_allocate(s), *b = controller_manager_cidrset_allocate(s);
	char *c = controller_manager_cidrset_allocate(s), *d = controller_manager_cidrset_allocate(s);
	ASSERT_STREQ(a, "10.244.0.0/24");
	ASSERT_STREQ(b, "10.244.2.0/24");
	ASSERT_STREQ(c, "10.244.3.0/24");
	ASSERT_NULL(d);
	ASSERT_EQ(controller_manager_cidrset_used(s), 4);
	ASSERT_OK(controller_manager_cidrset_release(s, b));
	d = controller_manager_cidrset_allocate(s);
	ASSERT_STREQ(d, "10.244.2.0/24");
	kube_free(a);
	kube_free(b);
	kube_free(c);
	kube_free(d);
	/* a wider CIDR occupies every subnet inside it */
	ASSERT_OK(controller_manager_cidrset_release(s, "10.244.0.0/22"));
	ASSERT_EQ(controller_manager_cidrset_used(s), 0);
	ASSERT_OK(controller_manager_cidrset_occupy(s, "10.244.2.0/23"));
	ASSERT_EQ(controller_manager_cidrset_used(s), 2);
	controller_manager_cidrset_free(s);
}

TEST(cidrset_v6)
{
	controller_manager_cidrset_t *s;
	ASSERT_OK(controller_manager_cidrset_new("fd00:10:244::/56", 64, &s));
	char *a = controller_manager_cidrset_allocate(s), *b = controller_manager_cidrset_allocate(s);
	ASSERT_STREQ(a, "fd00:10:244::/64");
	ASSERT_STREQ(b, "fd00:10:244:1::/64");
	kube_free(a);
	kube_free(b);
	controller_manager_cidrset_free(s);
}

static bool node_exists(const char *node, void *arg)
{
	return strcmp(node, "gone") != 0;
}

TEST(podgc)
{
	cJSON *arr = parse("["
			   "{\"metadata\":{\"name\":\"t1\",\"creationTimestamp\":\"2026-12-01T00:00:03Z\"},\"spec\":{\"nodeName\":\"n\"},\"status\":{\"phase\":\"Succeeded\"}},"
			   "{\"metadata\":{\"name\":\"t2\",\"creationTimestamp\":\"2026-12-01T00:00:01Z\"},\"spec\":{\"nodeName\":\"n\"},\"status\":{\"phase\":\"Failed\"}},"
			   "{\"metadata\":{\"name\":\"t3\",\"creationTimestamp\":\"2026-12-01T00:00:02Z\"},\"spec\":{\"nodeName\":\"n\"},\"status\":{\"phase\":\"Failed\"}},"
			   "{\"metadata\":{\"name\":\"run\"},\"spec\":{\"nodeName\":\"n\"},\"status\":{\"phase\":\"Running\"}},"
			   "{\"metadata\":{\"name\":\"orphan\"},\"spec\":{\"nodeName\":\"gone\"},\"status\":{\"phase\":\"Running\"}},"
			   "{\"metadata\":{\"name\":\"pending\"},\"spec\":{},\"status\":{\"phase\":\"Pending\"}},"
			   "{\"metadata\":{\"name\":\"unsched-del\",\"deletionTimestamp\":\"2026-12-01T00:00:00Z\"},\"spec\":{},\"status\":{\"phase\":\"Pending\"}}"
			   "]");
	const cJSON *pods[7];
	for (int i = 0; i < 7; i++)
		pods[i] = cJSON_GetArrayItem(arr, i);
	size_t *idx;
	size_t n = controller_manager_podgc_plan(pods, 7, 1, node_exists, NULL, &idx);
	ASSERT_EQ(n, 4);
	ASSERT_STREQ(kube_json_get_str(pods[idx[0]], "metadata.name"), "t2");
	ASSERT_STREQ(kube_json_get_str(pods[idx[1]], "metadata.name"), "t3");
	ASSERT_STREQ(kube_json_get_str(pods[idx[2]], "metadata.name"), "orphan");
	ASSERT_STREQ(kube_json_get_str(pods[idx[3]], "metadata.name"), "unsched-del");
	kube_free(idx);
	n = controller_manager_podgc_plan(pods, 7, 0, node_exists, NULL, &idx);
	ASSERT_EQ(n, 2);
	kube_free(idx);
	cJSON_Delete(arr);
}

static int64_t count(const char *res, void *arg)
{
	if (strcmp(res, "services") == 0)
		return 2;
	if (strcmp(res, "deployments.apps") == 0)
		return 5;
	return -1;
}

TEST(quota_usage)
{
	cJSON *quota = parse("{\"spec\":{\"hard\":{\"pods\":\"10\",\"requests.cpu\":\"4\",\"limits.memory\":\"4Gi\",\"memory\":\"2Gi\","
			     "\"services\":\"5\",\"count/deployments.apps\":\"9\",\"count/widgets.example.com\":\"1\",\"bogus\":\"1\"}}}");
	cJSON *arr = parse("["
			   "{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"64Mi\"},\"limits\":{\"memory\":\"128Mi\"}}},"
			   "{\"resources\":{\"requests\":{\"cpu\":\"250m\"}}}],"
			   "\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]},\"status\":{\"phase\":\"Running\"}},"
			   "{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}],\"overhead\":{\"cpu\":\"10m\"}},\"status\":{\"phase\":\"Pending\"}},"
			   "{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"8\"}}}]},\"status\":{\"phase\":\"Succeeded\"}}"
			   "]");
	const cJSON *pods[3] = { cJSON_GetArrayItem(arr, 0), cJSON_GetArrayItem(arr, 1), cJSON_GetArrayItem(arr, 2) };
	cJSON *st = controller_manager_resourcequota_status(quota, pods, 3, count, NULL);
	char *s = kube_json_compact(kube_json_get(st, "used"));
	ASSERT_STREQ(s, "{\"pods\":\"2\",\"requests.cpu\":\"1110m\",\"limits.memory\":\"128Mi\",\"memory\":\"128Mi\","
			"\"services\":\"2\",\"count/deployments.apps\":\"5\"}");
	kube_free(s);
	ASSERT_STREQ(kube_json_get_str(st, "hard.pods"), "10");
	cJSON_Delete(st);
	/* BestEffort scope: only pods without requests or limits */
	kube_json_set(quota, "spec.scopes", parse("[\"BestEffort\"]"));
	st = controller_manager_resourcequota_status(quota, pods, 3, count, NULL);
	ASSERT_STREQ(kube_json_get_str(st, "used.pods"), "0");
	cJSON_Delete(st);
	cJSON_Delete(arr);
	cJSON_Delete(quota);
}
