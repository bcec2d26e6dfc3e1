#include "kube_test.h"
#include "api/kube_json.h"
#include "api/kube_schema.h"
#include "api/kube_smp.h"

static cJSON *P(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "parse %s", s);
	return j;
}

/* Patch doc with patch under kind's schema and compare with want. */
static void check(const char *api_version, const char *kind, const char *doc, const char *patch, const char *want)
{
	cJSON *d = P(doc), *p = P(patch), *w = P(want), *out;
	char *err = NULL;

	out = kube_smp_apply(kube_schema_for(api_version, kind), d, p, &err);
	if (!out)
		kube_test_fail(__FILE__, __LINE__, "patch failed: %s", err);
	if (!kube_json_equal(out, w)) {
		char *got = kube_json_compact(out);
		kube_test_fail(__FILE__, __LINE__, "got %s\nwant %s", got, want);
	}
	cJSON_Delete(out);
	cJSON_Delete(d);
	cJSON_Delete(p);
	cJSON_Delete(w);
}

#define POD(containers) "{\"spec\":{\"containers\":" containers "}}"

TEST(smp_merges_containers_by_name)
{
	check("v1", "Pod",
	      POD("[{\"name\":\"a\",\"image\":\"x:1\",\"ports\":[{\"containerPort\":80}]},{\"name\":\"b\",\"image\":\"y\"}]"),
	      "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
	      "\"containers\":[{\"name\":\"a\",\"image\":\"x:2\"}]}}",
	      POD("[{\"name\":\"a\",\"image\":\"x:2\",\"ports\":[{\"containerPort\":80}]},{\"name\":\"b\",\"image\":\"y\"}]"));
}

TEST(smp_appends_deletes_and_orders)
{
	check("v1", "Pod", POD("[{\"name\":\"a\"},{\"name\":\"b\"}]"),
	      "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"},{\"name\":\"b\"}],"
	      "\"containers\":[{\"name\":\"c\",\"image\":\"z\"},{\"$patch\":\"delete\",\"name\":\"a\"}]}}",
	      POD("[{\"name\":\"c\",\"image\":\"z\"},{\"name\":\"b\"}]"));
	/* a nested keyed list: container ports by containerPort */
	check("v1", "Pod", POD("[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"name\":\"http\"}]}]"),
	      "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":443}]}]}}",
	      POD("[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"name\":\"http\"},{\"containerPort\":443}]}]"));
}

TEST(smp_replaces_unkeyed_lists_and_deletes_nulls)
{
	check("v1", "Pod", POD("[{\"name\":\"a\",\"args\":[\"1\",\"2\"]}]"),
	      "{\"metadata\":{\"labels\":{\"x\":null,\"y\":\"1\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}]}}",
	      "{\"metadata\":{\"labels\":{\"y\":\"1\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}]}}");
	/* tolerations have no merge key: replaced */
	check("v1", "Pod", "{\"spec\":{\"tolerations\":[{\"key\":\"a\"}]}}",
	      "{\"spec\":{\"tolerations\":[{\"key\":\"b\"}]}}", "{\"spec\":{\"tolerations\":[{\"key\":\"b\"}]}}");
}

TEST(smp_directives)
{
	/* finalizers: a set; $deleteFromPrimitiveList removes */
	check("v1", "ConfigMap", "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}",
	      "{\"metadata\":{\"finalizers\":[\"c\",\"a\"],\"$deleteFromPrimitiveList/finalizers\":[\"b\"]}}",
	      "{\"metadata\":{\"finalizers\":[\"a\",\"c\"]}}");
	/* $patch: replace on an object, $retainKeys */
	check("apps/v1", "Deployment",
	      "{\"spec\":{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1}},\"selector\":{\"matchLabels\":{\"a\":\"1\"}}}}",
	      "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"},"
	      "\"selector\":{\"$patch\":\"replace\",\"matchLabels\":{\"b\":\"2\"}}}}",
	      "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"},\"selector\":{\"matchLabels\":{\"b\":\"2\"}}}}");
	/* $patch: replace in a list */
	check("v1", "Pod", POD("[{\"name\":\"a\"},{\"name\":\"b\"}]"),
	      "{\"spec\":{\"containers\":[{\"name\":\"c\"},{\"$patch\":\"replace\"}]}}", POD("[{\"name\":\"c\"}]"));
	/* no schema: a merge patch */
	check("example.com/v1", "Widget", "{\"a\":[1],\"b\":{\"c\":1}}", "{\"a\":[2],\"b\":{\"d\":2}}",
	      "{\"a\":[2],\"b\":{\"c\":1,\"d\":2}}");
}

TEST(smp_errors)
{
	cJSON *d = P("{}"), *p = P("[1]"), *q = P("{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}");
	cJSON *cur = P(POD("[{\"name\":\"a\"}]"));
	char *err = NULL;

	ASSERT_NULL(kube_smp_apply(NULL, d, p, &err));
	ASSERT_NOT_NULL(err);
	kube_free(err);
	err = NULL;
	ASSERT_NULL(kube_smp_apply(kube_schema_for("v1", "Pod"), cur, q, &err));
	ASSERT_STREQ(err, "map in list does not contain the merge key: name");
	kube_free(err);
	cJSON_Delete(d);
	cJSON_Delete(p);
	cJSON_Delete(q);
	cJSON_Delete(cur);
}
