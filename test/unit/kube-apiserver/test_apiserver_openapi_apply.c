#include "kube_test.h"
#include "api/kube_json.h"
#include "apiserver_openapi_apply.h"

static cJSON *P(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "parse %s", s);
	return j;
}

#define CM(data) "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":" data "}"

TEST(apply_creates_then_updates_and_prunes)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "configmaps");
	cJSON *cfg = P(CM("{\"a\":\"1\",\"b\":\"2\"}")), *obj, *next, *cfg2;
	kube_status_t *st = NULL;

	obj = apiserver_apply(k, NULL, cfg, "m1", false, "c", &st);
	ASSERT_NOT_NULL(obj);
	ASSERT_STREQ(kube_json_get_str(obj, "data.b"), "2");
	ASSERT_STREQ(kube_json_get_str(cJSON_GetArrayItem(kube_json_get(obj, "metadata.managedFields"), 0), "operation"),
		     "Apply");
	/* the same manager drops b and changes a */
	cfg2 = P(CM("{\"a\":\"3\"}"));
	next = apiserver_apply(k, obj, cfg2, "m1", false, "c", &st);
	ASSERT_NOT_NULL(next);
	ASSERT_STREQ(kube_json_get_str(next, "data.a"), "3");
	ASSERT_NULL(kube_json_get(next, "data.b"));
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(next, "metadata.managedFields")), 1);
	cJSON_Delete(obj);
	cJSON_Delete(cfg);
	cJSON_Delete(cfg2);

	/* another manager changing a conflicts; with force it takes a over */
	cfg = P(CM("{\"a\":\"4\"}"));
	ASSERT_NULL(apiserver_apply(k, next, cfg, "m2", false, "c", &st));
	ASSERT_NOT_NULL(st);
	ASSERT_EQ(st->code, 409);
	ASSERT_STREQ(st->message, "Apply failed with 1 conflict: conflict with \"m1\" using v1: .data.a");
	kube_status_free(st);
	st = NULL;
	obj = apiserver_apply(k, next, cfg, "m2", true, "c", &st);
	ASSERT_NOT_NULL(obj);
	ASSERT_STREQ(kube_json_get_str(obj, "data.a"), "4");
	/* m1 owned only data.a: its entry is gone */
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(obj, "metadata.managedFields")), 1);
	ASSERT_STREQ(kube_json_get_str(cJSON_GetArrayItem(kube_json_get(obj, "metadata.managedFields"), 0), "manager"),
		     "m2");
	cJSON_Delete(obj);
	cJSON_Delete(next);
	cJSON_Delete(cfg);
}

TEST(apply_same_value_is_no_conflict)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "configmaps");
	cJSON *cfg = P(CM("{\"a\":\"1\"}")), *obj, *next;
	kube_status_t *st = NULL;

	obj = apiserver_apply(k, NULL, cfg, "m1", false, "c", &st);
	next = apiserver_apply(k, obj, cfg, "m2", false, "c", &st);
	ASSERT_NOT_NULL(next);
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(next, "metadata.managedFields")), 2);
	cJSON_Delete(obj);
	cJSON_Delete(next);
	cJSON_Delete(cfg);
}
