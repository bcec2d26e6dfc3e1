/* Tests for kube-controller-manager/controller_manager_podutil.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

TEST(conditions)
{
	cJSON *st = cJSON_CreateObject();
	ASSERT_TRUE(controller_manager_podutil_set_condition(st, "Ready", "True", "R", "m", 100, false));
	ASSERT_FALSE(controller_manager_podutil_set_condition(st, "Ready", "True", "R", "m", 200, false));
	/* same status, new reason: lastTransitionTime kept */
	ASSERT_TRUE(controller_manager_podutil_set_condition(st, "Ready", "True", "R2", NULL, 300, true));
	ASSERT_STREQ(kube_json_get_str(st, "conditions[0].lastTransitionTime"), "1970-01-01T00:01:40Z");
	ASSERT_STREQ(kube_json_get_str(st, "conditions[0].lastProbeTime"), "1970-01-01T00:05:00Z");
	ASSERT_NULL(kube_json_get(st, "conditions[0].message"));
	/* a new status moves it */
	ASSERT_TRUE(controller_manager_podutil_set_condition(st, "Ready", "False", "R2", NULL, 400, false));
	ASSERT_STREQ(kube_json_get_str(st, "conditions[0].lastTransitionTime"), "1970-01-01T00:06:40Z");
	cJSON *view = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(view, "status", st);
	ASSERT_FALSE(controller_manager_podutil_ready(view));
	ASSERT_NOT_NULL(controller_manager_podutil_condition(view, "Ready"));
	ASSERT_NULL(controller_manager_podutil_condition(view, "Other"));
	cJSON_Delete(view);
	cJSON_Delete(st);
}

TEST(pods)
{
	cJSON *p = parse("{\"metadata\":{\"name\":\"p\",\"uid\":\"u\",\"creationTimestamp\":\"2026-12-03T00:00:00Z\","
			 "\"ownerReferences\":[{\"uid\":\"x\"},{\"uid\":\"o\",\"controller\":true}]},"
			 "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"state\":{\"terminated\":{\"finishedAt\":\"2026-12-03T00:00:07Z\"}}},"
			 "{\"state\":{\"terminated\":{\"finishedAt\":\"2026-12-03T00:00:09Z\"}}}]}}");
	ASSERT_TRUE(controller_manager_podutil_active(p));
	ASSERT_FALSE(controller_manager_podutil_terminal(p));
	ASSERT_STREQ(controller_manager_podutil_controller_uid(p), "o");
	ASSERT_EQ(controller_manager_podutil_finish_time(p), 1796256009);
	kube_json_set_str(p, "metadata.deletionTimestamp", "2026-12-03T00:01:00Z");
	ASSERT_TRUE(controller_manager_podutil_deleting(p));
	ASSERT_FALSE(controller_manager_podutil_active(p));
	kube_json_delete(p, "status.containerStatuses");
	ASSERT_EQ(controller_manager_podutil_finish_time(p), 1796256000);
	cJSON *ref = controller_manager_owner_ref(p, "v1", "Pod");
	char *s = kube_json_compact(ref);
	ASSERT_STREQ(s, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"p\",\"uid\":\"u\",\"controller\":true,\"blockOwnerDeletion\":true}");
	kube_free(s);
	cJSON_Delete(ref);
	cJSON_Delete(p);
}
