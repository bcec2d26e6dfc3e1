/* Tests for kubectl/kubectl_discovery.c and kubectl_apply's merge: name
 * resolution as upstream's RESTMapper does it, and the three-way patch. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "kubectl_apply.h"
#include "kubectl_discovery.h"

#define J(s) kube_json_parse(s, strlen(s))

static kubectl_discovery_t *make(void)
{
	cJSON *groups = J("{\"groups\":[{\"name\":\"\",\"versions\":[{\"groupVersion\":\"v1\",\"version\":\"v1\"}],"
			  "\"preferredVersion\":{\"groupVersion\":\"v1\",\"version\":\"v1\"}},"
			  "{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
			  "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}},"
			  "{\"name\":\"events.k8s.io\",\"versions\":[{\"groupVersion\":\"events.k8s.io/v1\",\"version\":\"v1\"}],"
			  "\"preferredVersion\":{\"groupVersion\":\"events.k8s.io/v1\",\"version\":\"v1\"}}]}");
	cJSON *lists[3] = {
		J("{\"groupVersion\":\"v1\",\"resources\":["
		  "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"]},"
		  "{\"name\":\"pods/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\"]},"
		  "{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\",\"verbs\":[\"get\"],\"shortNames\":[\"ev\"]},"
		  "{\"name\":\"nodes\",\"singularName\":\"node\",\"namespaced\":false,\"kind\":\"Node\",\"verbs\":[\"get\"],\"shortNames\":[\"no\"]}]}"),
		J("{\"groupVersion\":\"events.k8s.io/v1\",\"resources\":["
		  "{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\",\"verbs\":[\"get\"],\"shortNames\":[\"ev\"]}]}"),
		J("{\"groupVersion\":\"apps/v1\",\"resources\":["
		  "{\"name\":\"deployments\",\"singularName\":\"deployment\",\"namespaced\":true,\"kind\":\"Deployment\",\"verbs\":[\"get\"],\"shortNames\":[\"deploy\"],\"categories\":[\"all\"]}]}"),
	};
	kubectl_discovery_t *d = kubectl_discovery_from_docs(groups, lists, 3);

	cJSON_Delete(groups);
	for (int i = 0; i < 3; i++)
		cJSON_Delete(lists[i]);
	return d;
}

TEST(resolve_names)
{
	kubectl_discovery_t *d = make();
	const kube_kind_t *k;

	ASSERT_EQ(d->nres, 5); /* subresources skipped */
	ASSERT_STREQ(kubectl_discovery_resolve(d, "po")->resource, "pods");
	ASSERT_STREQ(kubectl_discovery_resolve(d, "pod")->resource, "pods");
	ASSERT_STREQ(kubectl_discovery_resolve(d, "Pod")->resource, "pods");
	ASSERT_STREQ(kubectl_discovery_resolve(d, "PODS")->resource, "pods");
	k = kubectl_discovery_resolve(d, "deploy");
	ASSERT_STREQ(k->group, "apps");
	ASSERT_STREQ(kubectl_discovery_resolve(d, "deployments.apps")->kind, "Deployment");
	ASSERT_STREQ(kubectl_discovery_resolve(d, "deployment.v1.apps")->kind, "Deployment");
	ASSERT_NULL(kubectl_discovery_resolve(d, "deployments.batch"));
	/* core wins over a later group */
	ASSERT_STREQ(kubectl_discovery_resolve(d, "events")->group, "");
	ASSERT_STREQ(kubectl_discovery_resolve(d, "events.events.k8s.io")->group, "events.k8s.io");
	ASSERT_NULL(kubectl_discovery_resolve(d, "foo"));
	ASSERT_FALSE(kubectl_discovery_resolve(d, "no")->namespaced);
	ASSERT_STREQ(kubectl_discovery_by_kind(d, "apps/v1", "Deployment")->resource, "deployments");
	ASSERT_NULL(kubectl_discovery_by_kind(d, "v1", "Frob"));
	kubectl_discovery_free(d);
}

TEST(categories_and_prefix)
{
	kubectl_discovery_t *d = make();
	const kube_kind_t *ks[8];
	kube_buf_t b = KUBE_BUF_INIT;

	ASSERT_EQ(kubectl_discovery_category(d, "all", ks, 8), 2);
	ASSERT_STREQ(ks[0]->resource, "pods");
	ASSERT_STREQ(ks[1]->resource, "deployments");
	kubectl_kind_prefix(ks[1], &b);
	ASSERT_STREQ(kube_buf_str(&b), "deployment.apps");
	kube_buf_clear(&b);
	kubectl_discovery_free(d);
}

TEST(cache_path)
{
	char *p = kubectl_discovery_cache_path("/home/u/.kube/cache", "https://10.0.0.1:6443/");

	ASSERT_STREQ(p, "/home/u/.kube/cache/discovery/10.0.0.1_6443");
	kube_free(p);
}

static char *patch(const char *o, const char *m, const char *c)
{
	cJSON *jo = o ? J(o) : NULL, *jm = J(m), *jc = J(c);
	cJSON *p = kubectl_three_way_patch(jo, jm, jc);
	char *s = kube_json_canonical(p);

	cJSON_Delete(jo);
	cJSON_Delete(jm);
	cJSON_Delete(jc);
	cJSON_Delete(p);
	return s;
}

TEST(three_way_patch)
{
	char *s;

	/* unchanged despite server defaults inside lists */
	s = patch("{\"spec\":{\"c\":[{\"name\":\"x\"}]}}", "{\"spec\":{\"c\":[{\"name\":\"x\"}]}}",
		  "{\"spec\":{\"c\":[{\"name\":\"x\",\"policy\":\"Always\"}]},\"status\":{}}");
	ASSERT_STREQ(s, "{}");
	kube_free(s);
	/* changed value, removed field, added field */
	s = patch("{\"data\":{\"a\":\"1\",\"b\":\"2\"}}", "{\"data\":{\"a\":\"3\",\"c\":\"4\"}}",
		  "{\"data\":{\"a\":\"1\",\"b\":\"2\",\"live\":\"x\"}}");
	ASSERT_STREQ(s, "{\"data\":{\"a\":\"3\",\"b\":null,\"c\":\"4\"}}");
	kube_free(s);
	/* a list that changed is sent whole */
	s = patch(NULL, "{\"l\":[1,2]}", "{\"l\":[1]}");
	ASSERT_STREQ(s, "{\"l\":[1,2]}");
	kube_free(s);
}

TEST(last_applied)
{
	cJSON *o = J("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}");

	kubectl_set_last_applied(o);
	ASSERT_STREQ(kube_json_get_str(kube_json_get(o, "metadata.annotations"), NULL) ? "" :
		     cJSON_GetObjectItem(kube_json_get(o, "metadata.annotations"), KUBECTL_LAST_APPLIED)->valuestring,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"x\"}}\n");
	cJSON_Delete(o);
}
