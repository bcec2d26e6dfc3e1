#include "kube_test.h"
#include "api/kube_json.h"
#include "api/kube_selector.h"

static bool sel_matches(const char *sel, const char *labels_json)
{
	kube_selector_t *s = NULL;
	char *err = NULL;
	cJSON *labels = kube_json_parse(labels_json, strlen(labels_json));
	bool m;

	if (kube_selector_parse(sel, &s, &err) < 0) {
		kube_free(err);
		cJSON_Delete(labels);
		kube_test_fail(__FILE__, __LINE__, "parse failed: %s", sel);
	}
	m = kube_selector_matches(s, labels);
	kube_selector_free(s);
	cJSON_Delete(labels);
	return m;
}

TEST(label_selector_matching)
{
	static const struct {
		const char *sel, *labels;
		bool want;
	} cases[] = {
		{ "", "{}", true },
		{ "a=b", "{\"a\":\"b\"}", true },
		{ "a==b", "{\"a\":\"b\"}", true },
		{ "a!=b", "{\"a\":\"b\"}", false },
		{ "a!=b", "{}", true },
		{ "a in (x,y)", "{\"a\":\"y\"}", true },
		{ "a notin (x,y)", "{\"a\":\"y\"}", false },
		{ "a", "{\"a\":\"\"}", true },
		{ "!a", "{\"a\":\"1\"}", false },
		{ "a=b,c=d", "{\"a\":\"b\",\"c\":\"e\"}", false },
		{ "app.kubernetes.io/name=web", "{\"app.kubernetes.io/name\":\"web\"}", true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (sel_matches(cases[i].sel, cases[i].labels) != cases[i].want)
			kube_test_fail(__FILE__, __LINE__, "case %zu (%s)", i, cases[i].sel);
}

TEST(label_selector_errors_and_string)
{
	kube_selector_t *s = NULL;
	char *err = NULL, *str;

	ASSERT_TRUE(kube_selector_parse("a in (", &s, &err) < 0);
	ASSERT_NOT_NULL(err);
	kube_free(err);
	err = NULL;
	ASSERT_TRUE(kube_selector_parse("=x", &s, &err) < 0);
	kube_free(err);
	err = NULL;
	ASSERT_OK(kube_selector_parse("b=2,a in (y,x)", &s, &err));
	str = kube_selector_string(s);
	ASSERT_STREQ(str, "a in (x,y),b=2");
	kube_free(str);
	kube_selector_free(s);
}

TEST(label_selector_from_json)
{
	const char *j = "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\"]}]}";
	cJSON *ls = kube_json_parse(j, strlen(j));
	kube_selector_t *s = NULL;
	char *err = NULL, *str;

	ASSERT_OK(kube_selector_from_json(ls, &s, &err));
	str = kube_selector_string(s);
	ASSERT_STREQ(str, "app=web,tier in (fe)");
	kube_free(str);
	kube_selector_free(s);
	cJSON_Delete(ls);
}

static const char *get_field(const char *key, void *arg)
{
	return strcmp(key, "status.phase") == 0 ? "Running" : NULL;
}

TEST(field_selector)
{
	kube_fieldsel_t *f = NULL;
	char *err = NULL;

	ASSERT_OK(kube_fieldsel_parse("status.phase=Running,metadata.name!=x", &f, &err));
	ASSERT_EQ(f->n, 2);
	ASSERT_TRUE(kube_fieldsel_matches(f, get_field, NULL));
	kube_fieldsel_free(f);
	ASSERT_OK(kube_fieldsel_parse("status.phase==Pending", &f, &err));
	ASSERT_FALSE(kube_fieldsel_matches(f, get_field, NULL));
	kube_fieldsel_free(f);
	ASSERT_TRUE(kube_fieldsel_parse("novalue", &f, &err) < 0);
	kube_free(err);
}
