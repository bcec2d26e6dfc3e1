#include "kube_test.h"
#include "api/kube_fieldset.h"
#include "api/kube_json.h"
#include "api/kube_schema.h"

static cJSON *P(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "parse %s", s);
	return j;
}

static void expect_json(const cJSON *got, const char *want)
{
	cJSON *w = P(want);
	if (!kube_json_equal(got, w)) {
		char *g = kube_json_compact(got);
		kube_test_fail(__FILE__, __LINE__, "got %s\nwant %s", g, want);
	}
	cJSON_Delete(w);
}

#define DEP(replicas, image) \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"labels\":{\"a\":\"1\"}}," \
	"\"spec\":{\"replicas\":" replicas ",\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"" image "\"," \
	"\"args\":[\"x\"]}]}}}}"

TEST(fieldset_of_applied_config)
{
	cJSON *cfg = P(DEP("2", "nginx"));
	cJSON *fs = kube_fieldset_of(kube_schema_for("apps/v1", "Deployment"), cfg);

	expect_json(fs, "{\"f:metadata\":{\"f:labels\":{\"f:a\":{}}},\"f:spec\":{\"f:replicas\":{},\"f:template\":"
			"{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:name\":{},"
			"\"f:image\":{},\"f:args\":{}}}}}}}");
	cJSON_Delete(fs);
	cJSON_Delete(cfg);
	cfg = P("{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}");
	fs = kube_fieldset_of(kube_schema_for("v1", "ConfigMap"), cfg);
	expect_json(fs, "{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a\\\"\":{},\"v:\\\"b\\\"\":{}}}}");
	cJSON_Delete(fs);
	cJSON_Delete(cfg);
}

TEST(fieldset_conflicts_only_on_changed_values)
{
	const kube_protobuf_message_t *m = kube_schema_for("apps/v1", "Deployment");
	cJSON *live = P(DEP("2", "nginx")), *mine = P(DEP("3", "nginx")), *theirs = P(DEP("2", "nginx"));
	cJSON *fs_mine = kube_fieldset_of(m, mine), *fs_theirs = kube_fieldset_of(m, theirs);
	char **paths = NULL;
	size_t n = 0;

	ASSERT_EQ(kube_fieldset_conflicts(fs_mine, fs_theirs, mine, live, false, &paths, &n), 1);
	ASSERT_STREQ(paths[0], ".spec.replicas");
	kube_fieldset_paths_free(paths, n);
	cJSON_Delete(mine);
	cJSON_Delete(fs_mine);

	/* a keyed list element's field */
	mine = P(DEP("2", "nginx:2"));
	fs_mine = kube_fieldset_of(m, mine);
	paths = NULL, n = 0;
	ASSERT_EQ(kube_fieldset_conflicts(fs_mine, fs_theirs, mine, live, true, &paths, &n), 1);
	ASSERT_STREQ(paths[0], ".spec.template.spec.containers[name=\"web\"].image");
	kube_fieldset_paths_free(paths, n);
	/* taken over: the other set no longer has it */
	{
		const cJSON *c = fs_theirs;
		const char *keys[] = { "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}" };
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			c = cJSON_GetObjectItemCaseSensitive(c, keys[i]);
		ASSERT_NOT_NULL(c);
		ASSERT_NULL(cJSON_GetObjectItemCaseSensitive(c, "f:image"));
		ASSERT_NOT_NULL(cJSON_GetObjectItemCaseSensitive(c, "f:args"));
	}
	cJSON_Delete(mine);
	cJSON_Delete(fs_mine);
	cJSON_Delete(fs_theirs);
	cJSON_Delete(theirs);
	cJSON_Delete(live);
}

TEST(fieldset_prune_dropped_fields)
{
	const kube_protobuf_message_t *m = kube_schema_for("apps/v1", "Deployment");
	cJSON *obj = P(DEP("2", "nginx")), *old_cfg = P(DEP("2", "nginx"));
	cJSON *new_cfg = P("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}}}");
	cJSON *other_cfg = P("{\"metadata\":{\"labels\":{\"a\":\"1\"}}}");
	cJSON *old = kube_fieldset_of(m, old_cfg), *applied = kube_fieldset_of(m, new_cfg);
	cJSON *other = kube_fieldset_of(m, other_cfg);
	const cJSON *others[] = { other };

	kube_fieldset_prune(obj, old, applied, others, 1);
	/* replicas and args went; the label stays (another manager owns it) */
	ASSERT_NULL(kube_json_get(obj, "spec.replicas"));
	{
		const cJSON *c = cJSON_GetArrayItem(kube_json_get(obj, "spec.template.spec.containers"), 0);
		ASSERT_NULL(cJSON_GetObjectItemCaseSensitive(c, "args"));
		ASSERT_STREQ(kube_json_get_str(c, "image"), "nginx");
	}
	ASSERT_STREQ(kube_json_get_str(obj, "metadata.labels.a"), "1");
	cJSON_Delete(obj);
	cJSON_Delete(old_cfg);
	cJSON_Delete(new_cfg);
	cJSON_Delete(other_cfg);
	cJSON_Delete(old);
	cJSON_Delete(applied);
	cJSON_Delete(other);
}
