#include "kube_test.h"
#include "api/kube_json.h"
#include "apiserver_openapi.h"

static cJSON *render(const char *group, const char *version)
{
	kube_buf_t b = KUBE_BUF_INIT;
	cJSON *doc;

	ASSERT_EQ(apiserver_openapi_render_gv(&b, group, version), 0);
	doc = kube_json_parse(b.data, b.len);
	kube_buf_clear(&b);
	ASSERT_NOT_NULL(doc);
	return doc;
}

static const cJSON *item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		kube_test_fail(__FILE__, __LINE__, "no %s", key);
	return v;
}

TEST(openapi_patch_operation_carries_gvk_and_field_validation)
{
	cJSON *doc = render("apps", "v1");
	const cJSON *patch = item(item(item(doc, "paths"), "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"), "patch");
	const cJSON *gvk = item(patch, "x-kubernetes-group-version-kind"), *p;
	bool fv = false;

	ASSERT_STREQ(kube_json_get_str(doc, "openapi"), "3.0.0");
	ASSERT_STREQ(kube_json_get_str(gvk, "group"), "apps");
	ASSERT_STREQ(kube_json_get_str(gvk, "kind"), "Deployment");
	ASSERT_STREQ(kube_json_get_str(gvk, "version"), "v1");
	cJSON_ArrayForEach(p, item(patch, "parameters"))
		if (strcmp(kube_json_get_str(p, "name"), "fieldValidation") == 0 &&
		    strcmp(kube_json_get_str(p, "in"), "query") == 0)
			fv = true;
	ASSERT_TRUE(fv);
	ASSERT_NOT_NULL(cJSON_GetObjectItemCaseSensitive(item(item(patch, "requestBody"), "content"),
							 "application/strategic-merge-patch+json"));
	cJSON_Delete(doc);
}

TEST(openapi_components_named_as_upstream)
{
	cJSON *doc = render("", "v1");
	const cJSON *schemas = item(item(doc, "components"), "schemas");
	const cJSON *pod = item(schemas, "io.k8s.api.core.v1.Pod"), *containers, *gvk;

	gvk = cJSON_GetArrayItem(item(pod, "x-kubernetes-group-version-kind"), 0);
	ASSERT_STREQ(kube_json_get_str(gvk, "kind"), "Pod");
	ASSERT_STREQ(kube_json_get_str(gvk, "group"), "");
	ASSERT_STREQ(kube_json_get_str(item(item(item(pod, "properties"), "spec"), "allOf")->child, "$ref"),
		     "#/components/schemas/io.k8s.api.core.v1.PodSpec");
	containers = item(item(item(schemas, "io.k8s.api.core.v1.PodSpec"), "properties"), "containers");
	ASSERT_STREQ(kube_json_get_str(containers, "type"), "array");
	ASSERT_STREQ(kube_json_get_str(containers, "x-kubernetes-patch-merge-key"), "name");
	ASSERT_STREQ(kube_json_get_str(containers, "x-kubernetes-patch-strategy"), "merge");
	ASSERT_NOT_NULL(kube_json_get_str(containers, "description"));
	ASSERT_NOT_NULL(item(schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
	ASSERT_NOT_NULL(item(schemas, "io.k8s.api.core.v1.Container"));
	ASSERT_STREQ(cJSON_GetArrayItem(item(item(schemas, "io.k8s.api.core.v1.Container"), "required"), 0)->valuestring,
		     "name");
	/* a kind without protobuf generator has its schema too */
	ASSERT_NOT_NULL(item(schemas, "io.k8s.api.core.v1.Node"));
	cJSON_Delete(doc);
}

TEST(openapi_shared_message_gets_the_kind_name)
{
	cJSON *doc = render("rbac.authorization.k8s.io", "v1");
	const cJSON *schemas = item(item(doc, "components"), "schemas");
	const cJSON *crb = item(schemas, "io.k8s.api.rbac.v1.ClusterRoleBinding");

	ASSERT_STREQ(kube_json_get_str(cJSON_GetArrayItem(item(crb, "x-kubernetes-group-version-kind"), 0), "kind"),
		     "ClusterRoleBinding");
	ASSERT_NOT_NULL(item(schemas, "io.k8s.api.rbac.v1.RoleBinding"));
	cJSON_Delete(doc);
}

TEST(openapi_unserved_group_version)
{
	kube_buf_t b = KUBE_BUF_INIT;

	ASSERT_EQ(apiserver_openapi_render_gv(&b, "example.com", "v1"), -ENOENT);
	ASSERT_EQ(b.len, 0);
}

TEST(openapi_v2_view)
{
	kube_buf_t j = KUBE_BUF_INIT, pb = KUBE_BUF_INIT;
	cJSON *doc;
	const cJSON *defs, *patch, *p;
	bool fv = false;

	ASSERT_EQ(apiserver_openapi_render_v2(&j, &pb), 0);
	doc = kube_json_parse(j.data, j.len);
	ASSERT_NOT_NULL(doc);
	ASSERT_STREQ(kube_json_get_str(doc, "swagger"), "2.0");
	defs = item(doc, "definitions");
	/* allOf [{$ref}] became $ref into #/definitions */
	ASSERT_STREQ(kube_json_get_str(item(item(item(defs, "io.k8s.api.core.v1.Pod"), "properties"), "spec"), "$ref"),
		     "#/definitions/io.k8s.api.core.v1.PodSpec");
	ASSERT_STREQ(kube_json_get_str(item(defs, "io.k8s.apimachinery.pkg.api.resource.Quantity"), "type"), "string");
	ASSERT_NULL(cJSON_GetObjectItemCaseSensitive(item(defs, "io.k8s.apimachinery.pkg.api.resource.Quantity"), "oneOf"));
	patch = item(item(item(doc, "paths"), "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"), "patch");
	cJSON_ArrayForEach(p, item(patch, "parameters"))
		if (strcmp(kube_json_get_str(p, "name"), "fieldValidation") == 0)
			fv = true;
	ASSERT_TRUE(fv);
	ASSERT_STREQ(kube_json_get_str(item(patch, "x-kubernetes-group-version-kind"), "kind"), "Deployment");
	/* gnostic Document: 1 swagger "2.0", then 2 info */
	ASSERT_GT(pb.len, 1000);
	ASSERT_MEMEQ(pb.data, "\x0a\x03" "2.0\x12", 6);
	ASSERT_NOT_NULL(memmem(pb.data, pb.len, "group: apps\nkind: Deployment\nversion: v1\n", 41));
	cJSON_Delete(doc);
	kube_buf_clear(&j);
	kube_buf_clear(&pb);
}
