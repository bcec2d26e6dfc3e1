/* The watch cache's object record: bytes plus the parsed fields selectors
 * need (kube-apiserver/apiserver_cache.c). */
#include "kube_test.h"
#include "apiserver.h"

#include "api/kube_json.h"

#include <string.h>

static apiserver_obj_t *obj(const char *json, int64_t rev)
{
	cJSON *t = kube_json_parse(json, strlen(json));
	return t ? apiserver_obj_new("/registry/pods/ns1/p1", t, rev) : NULL;
}

TEST(obj_bytes_carry_resource_version)
{
	apiserver_obj_t *o = obj("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p1\",\"namespace\":\"ns1\"}}", 42);
	ASSERT_NOT_NULL(o);
	ASSERT_STREQ(o->name, "p1");
	ASSERT_STREQ(o->ns, "ns1");
	ASSERT_EQ(o->rev, 42);
	ASSERT_EQ(o->len, strlen(o->json));
	ASSERT_NOT_NULL(strstr(o->json, "\"resourceVersion\":\"42\""));
	ASSERT_NULL(o->labels);
	ASSERT_FALSE(o->terminating);
	cJSON *t = apiserver_obj_tree(o);
	ASSERT_NOT_NULL(t);
	ASSERT_STREQ(kube_json_get_str(t, "metadata.resourceVersion"), "42");
	cJSON_Delete(t);
	apiserver_obj_unref(o);
}

TEST(obj_label_selectors)
{
	static const struct {
		const char *sel;
		bool match;
	} cases[] = {
		{ "app=web", true },	 { "app==web", true },	   { "app!=web", false },
		{ "tier", true },	 { "!tier", false },	   { "missing", false },
		{ "!missing", true },	 { "app in (a,web)", true }, { "app notin (web)", false },
		{ "app=web,tier=fe", true }, { "app=web,tier=be", false }, { "", true },
	};
	apiserver_obj_t *o = obj("{\"metadata\":{\"name\":\"p1\",\"labels\":{\"app\":\"web\",\"tier\":\"fe\"}}}", 1);
	ASSERT_NOT_NULL(o);
	ASSERT_NOT_NULL(o->labels);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_selector_t *sel = NULL;
		char *err = NULL;
		ASSERT_OK(kube_selector_parse(cases[i].sel, &sel, &err));
		ASSERT_EQ(apiserver_obj_labels_match(o, sel), cases[i].match);
		kube_selector_free(sel);
		kube_free(err);
	}
	ASSERT_TRUE(apiserver_obj_labels_match(o, NULL));
	apiserver_obj_unref(o);
}

TEST(obj_fields_on_demand)
{
	const kube_kind_t *pods = kube_kinds_lookup("", "v1", "pods");
	apiserver_obj_t *o = obj("{\"metadata\":{\"name\":\"p1\",\"namespace\":\"ns1\"},"
				 "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}", 7);
	ASSERT_NOT_NULL(pods);
	ASSERT_NOT_NULL(o);
	ASSERT_STREQ(apiserver_obj_field(o, pods, "metadata.name"), "p1");
	ASSERT_STREQ(apiserver_obj_field(o, pods, "metadata.namespace"), "ns1");
	ASSERT_NULL(o->fields);
	const char *node = apiserver_obj_field(o, pods, "spec.nodeName");
	ASSERT_STREQ(node, "n1");
	ASSERT_NOT_NULL(o->fields);
	/* computed once: the same storage the second time */
	ASSERT_TRUE(apiserver_obj_field(o, pods, "spec.nodeName") == node);
	ASSERT_STREQ(apiserver_obj_field(o, pods, "status.phase"), "Running");
	ASSERT_STREQ(apiserver_obj_field(o, pods, "status.podIP"), "");
	ASSERT_NULL(apiserver_obj_field(o, pods, "spec.nope"));
	apiserver_obj_unref(o);
}

TEST(obj_terminating_flag)
{
	apiserver_obj_t *a = obj("{\"metadata\":{\"name\":\"x\",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"}}", 1);
	apiserver_obj_t *b = obj("{\"metadata\":{\"name\":\"x\"},\"status\":{\"phase\":\"Terminating\"}}", 1);
	apiserver_obj_t *c = obj("{\"metadata\":{\"name\":\"x\"},\"status\":{\"phase\":\"Active\"}}", 1);
	ASSERT_TRUE(a->terminating);
	ASSERT_TRUE(b->terminating);
	ASSERT_FALSE(c->terminating);
	apiserver_obj_unref(a);
	apiserver_obj_unref(b);
	apiserver_obj_unref(c);
}

TEST(obj_refcount)
{
	apiserver_obj_t *o = obj("{\"metadata\":{\"name\":\"x\"}}", 1);
	apiserver_obj_ref(o);
	apiserver_obj_unref(o);
	ASSERT_STREQ(o->name, "x");
	apiserver_obj_unref(o);
	apiserver_obj_unref(NULL);
}
