#include "kube_test.h"
#include "api/kube_json.h"
#include "api/kube_yaml.h"

static char *yaml_to_compact(const char *y)
{
	char *err = NULL;
	cJSON *j = kube_yaml_parse(y, strlen(y), &err);
	char *s;

	if (!j) {
		s = kube_asprintf("ERR %s", err ? err : "?");
		kube_free(err);
		return s;
	}
	s = kube_json_compact(j);
	cJSON_Delete(j);
	return s;
}

TEST(yaml_typing)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "a: 1", "{\"a\":1}" },
		{ "a: \"1\"", "{\"a\":\"1\"}" },
		{ "a: '1'", "{\"a\":\"1\"}" },
		{ "a: true\nb: yes\nc: off\nd: \"true\"", "{\"a\":true,\"b\":true,\"c\":false,\"d\":\"true\"}" },
		{ "a: ~\nb: null\nc:", "{\"a\":null,\"b\":null,\"c\":null}" },
		{ "a: 0x1f\nb: 017\nc: 1_000\nd: -5", "{\"a\":31,\"b\":15,\"c\":1000,\"d\":-5}" },
		{ "a: 1.5\nb: 1e3\nc: .5", "{\"a\":1.5,\"b\":1000,\"c\":0.5}" },
		{ "a: 1.2.3\nb: 08\nc: nginx:1.25", "{\"a\":\"1.2.3\",\"b\":8,\"c\":\"nginx:1.25\"}" }, /* yaml.v2: 08 is a float */
		{ "a: !!int \"12\"", "{\"a\":12}" },
		{ "a: |\n  x\n  y\n", "{\"a\":\"x\\ny\\n\"}" },
		{ "a: >-\n  x\n  y\n", "{\"a\":\"x y\"}" },
		{ "1: a\ntrue: b", "{\"1\":\"a\",\"true\":\"b\"}" },
		{ "l: [1, two, {x: y}]", "{\"l\":[1,\"two\",{\"x\":true}]}" }, /* yaml.v2: y is a bool */
		{ "base: &b {p: 1, q: 2}\nd:\n  <<: *b\n  q: 3\nr: *b",
		  "{\"base\":{\"p\":1,\"q\":2},\"d\":{\"q\":3,\"p\":1},\"r\":{\"p\":1,\"q\":2}}" },
		{ "y: 1", "{\"true\":1}" }, /* yaml.v2's famous key */
		{ "a: 1\na: 2", "{\"a\":2}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = yaml_to_compact(cases[i].in);
		bool ok = strcmp(got, cases[i].out) == 0;
		if (!ok) {
			printf("  case %zu: got %s\n", i, got);
			kube_free(got);
			kube_test_fail(__FILE__, __LINE__, "case %zu", i);
		}
		kube_free(got);
	}
}

TEST(yaml_multi_document_and_errors)
{
	const char *y = "---\napiVersion: v1\nkind: A\n---\n\n---\nkind: B\n...\n";
	cJSON **docs = NULL;
	size_t n = 0;
	char *err = NULL;

	ASSERT_OK(kube_yaml_to_json(y, strlen(y), &docs, &n, &err));
	ASSERT_EQ(n, 2);
	ASSERT_STREQ(kube_json_get_str(docs[1], "kind"), "B");
	kube_yaml_docs_free(docs, n);
	y = "a: b\nc: d: e\n";
	ASSERT_EQ(kube_yaml_to_json(y, strlen(y), &docs, &n, &err), -EINVAL);
	ASSERT_STREQ(err, "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context");
	kube_free(err);
	err = NULL;
	y = "a: [1, 2\n";
	ASSERT_EQ(kube_yaml_to_json(y, strlen(y), &docs, &n, &err), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "yaml: line"));
	kube_free(err);
	err = NULL;
	/* alias bombs are refused, not expanded without bound */
	kube_buf_t b = KUBE_BUF_INIT;
	kube_buf_puts(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		kube_buf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
				i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	ASSERT_EQ(kube_yaml_to_json(b.data, b.len, &docs, &n, &err), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "too large"));
	kube_free(err);
	kube_buf_clear(&b);
}

TEST(yaml_output_like_kubectl)
{
	const char *j = "{\"metadata\":{\"name\":\"web\",\"resourceVersion\":\"12\",\"creationTimestamp\":\"2026-11-22T18:00:00Z\","
			"\"labels\":{\"app\":\"web\"}},\"kind\":\"Pod\",\"apiVersion\":\"v1\","
			"\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"args\":[\"a b\",\"true\"]}],"
			"\"tolerations\":[],\"x\":{},\"n\":1.5,\"b\":false,\"z\":null,\"s\":\"line1\\nline2\"}}";
	cJSON *obj = kube_json_parse(j, strlen(j));
	kube_buf_t out = KUBE_BUF_INIT;

	ASSERT_OK(kube_yaml_from_json(&out, obj));
	ASSERT_STREQ(out.data,
		     "apiVersion: v1\n"
		     "kind: Pod\n"
		     "metadata:\n"
		     "  creationTimestamp: \"2026-11-22T18:00:00Z\"\n"
		     "  labels:\n"
		     "    app: web\n"
		     "  name: web\n"
		     "  resourceVersion: \"12\"\n"
		     "spec:\n"
		     "  b: false\n"
		     "  containers:\n"
		     "  - args:\n"
		     "    - a b\n"
		     "    - \"true\"\n"
		     "    image: nginx\n"
		     "    name: c\n"
		     "  \"n\": 1.5\n" /* yaml.v2 quotes keys that read as bools */
		     "  s: |-\n"
		     "    line1\n"
		     "    line2\n"
		     "  tolerations: []\n"
		     "  x: {}\n"
		     "  z: null\n");
	/* and it reads back the same */
	char *err = NULL;
	cJSON *back = kube_yaml_parse(out.data, out.len, &err);
	ASSERT_NOT_NULL(back);
	ASSERT_TRUE(kube_json_equal(back, obj));
	cJSON_Delete(back);
	cJSON_Delete(obj);
	kube_buf_clear(&out);
}

TEST(yaml_merge_keys)
{
	const char *y = "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n";
	cJSON **docs = NULL;
	size_t n = 0;
	char *err = NULL;

	ASSERT_OK(kube_yaml_to_json(y, strlen(y), &docs, &n, &err));
	ASSERT_EQ(kube_json_get_int64(docs[0], "x.a", 0), 1);
	ASSERT_EQ(kube_json_get_int64(docs[0], "x.b", 0), 3);
	kube_yaml_docs_free(docs, n);
	/* found by fuzz_yaml: merging a sequence of sequences leaked */
	y = "<<:\n  -  -";
	ASSERT_EQ(kube_yaml_to_json(y, strlen(y), &docs, &n, &err), -EINVAL);
	ASSERT_STREQ(err, "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
	kube_free(err);
	err = NULL;
	y = "<<: 5\n";
	ASSERT_EQ(kube_yaml_to_json(y, strlen(y), &docs, &n, &err), -EINVAL);
	kube_free(err);
}
