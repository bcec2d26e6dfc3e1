#include "kube_test.h"
#include "api/kube_json.h"

static cJSON *P(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "parse %s", s);
	return j;
}

TEST(json_hooks_count_allocations)
{
	long before = kube_alloc_live();
	cJSON *j = P("{\"a\":[1,2,3]}");
	ASSERT_GT(kube_alloc_live(), before);
	cJSON_Delete(j);
	ASSERT_EQ(kube_alloc_live(), before);
}

TEST(json_parse_rejects_trailing)
{
	ASSERT_NULL(kube_json_parse("{} x", 4));
	ASSERT_NULL(kube_json_parse("{", 1));
	cJSON *j = kube_json_parse("{}  \n", 5);
	ASSERT_NOT_NULL(j);
	cJSON_Delete(j);
	/* not NUL-terminated */
	j = kube_json_parse("[1]]]", 3);
	ASSERT_NOT_NULL(j);
	cJSON_Delete(j);
}

TEST(json_path_get_table)
{
	_cleanup_json_ cJSON *j = P("{\"metadata\":{\"name\":\"web\",\"labels\":{\"app.kubernetes.io/name\":\"x\"},"
				   "\"annotations\":{\"a[b]\":\"q\"}},"
				   "\"spec\":{\"replicas\":3,\"paused\":true,\"template\":{\"spec\":{\"containers\":"
				   "[{\"name\":\"c0\",\"image\":\"nginx\"},{\"name\":\"c1\",\"image\":\"busybox\"}]}}}}");
	static const struct {
		const char *path, *want;
	} cases[] = {
		{ "metadata.name", "web" },
		{ ".metadata.name", "web" },
		{ "spec.template.spec.containers[0].image", "nginx" },
		{ "spec.template.spec.containers[1].name", "c1" },
		{ "spec.template.spec.containers[2].name", NULL },
		{ "metadata.labels.app\\.kubernetes\\.io/name", "x" },
		{ "metadata.labels['app.kubernetes.io/name']", "x" },
		{ "metadata[\"labels\"][\"app.kubernetes.io/name\"]", "x" },
		{ "metadata.annotations['a[b]']", "q" },
		{ "metadata.missing", NULL },
		{ "metadata..name", NULL },
		{ "metadata.name.", NULL },
		{ "spec.replicas", NULL }, /* not a string */
		{ "spec[0]", NULL },
		{ "spec.template.spec.containers[x]", NULL },
		{ "spec.template.spec.containers[0", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = kube_json_get_str(j, cases[i].path);
		if (!kube_streq(got, cases[i].want))
			kube_test_fail(__FILE__, __LINE__, "%s: got %s want %s", cases[i].path,
				       got ? got : "(null)", cases[i].want ? cases[i].want : "(null)");
	}
	ASSERT_EQ(kube_json_get_int64(j, "spec.replicas", -1), 3);
	ASSERT_EQ(kube_json_get_int64(j, "spec.nope", -1), -1);
	ASSERT_EQ(kube_json_get_int64(j, "metadata.name", 7), 7);
	ASSERT_TRUE(kube_json_get_bool(j, "spec.paused", false));
	ASSERT_FALSE(kube_json_get_bool(j, "spec.x", false));
	ASSERT_TRUE(kube_json_get(j, "") == j);
	ASSERT_OK(kube_json_path_check("a.b[0].c"));
	ASSERT_EQ(kube_json_path_check("a..b"), -EINVAL);
	ASSERT_EQ(kube_json_path_check("a]"), -EINVAL);
}

TEST(json_int64_exact_to_2_53)
{
	_cleanup_json_ cJSON *j = P("{\"a\":9007199254740992,\"b\":-9007199254740991,\"c\":4294967296,\"d\":1.5}");
	ASSERT_TRUE(kube_json_get_int64(j, "a", 0) == 9007199254740992LL);
	ASSERT_TRUE(kube_json_get_int64(j, "b", 0) == -9007199254740991LL);
	ASSERT_TRUE(kube_json_get_int64(j, "c", 0) == 4294967296LL);
	ASSERT_EQ(kube_json_get_int64(j, "d", 9), 9);
	_cleanup_free_ char *s = kube_json_canonical(j);
	ASSERT_STREQ(s, "{\"a\":9007199254740992,\"b\":-9007199254740991,\"c\":4294967296,\"d\":1.5}");
}

TEST(json_set_creates)
{
	_cleanup_json_ cJSON *j = cJSON_CreateObject();
	ASSERT_OK(kube_json_set_str(j, "spec.template.spec.containers[0].image", "nginx"));
	ASSERT_OK(kube_json_set_str(j, "spec.template.spec.containers[0].name", "c"));
	ASSERT_OK(kube_json_set_str(j, "spec.template.spec.containers[1].name", "d"));
	ASSERT_OK(kube_json_set_int64(j, "spec.replicas", 5000000000LL));
	ASSERT_OK(kube_json_set_bool(j, "spec.paused", true));
	ASSERT_OK(kube_json_set_str(j, "metadata.labels['a.b/c']", "v"));
	ASSERT_OK(kube_json_set_str(j, "metadata.labels['a.b/c']", "w")); /* replace */
	ASSERT_EQ(kube_json_set_str(j, "spec.template.spec.containers[5].name", "x"), -ERANGE);
	ASSERT_EQ(kube_json_set_str(j, "spec.replicas.x", "x"), -ENOTDIR);
	ASSERT_EQ(kube_json_set_str(j, "spec[0]", "x"), -ENOTDIR);
	ASSERT_EQ(kube_json_set_str(j, "", "x"), -EINVAL);
	ASSERT_EQ(kube_json_set_str(j, "a..b", "x"), -EINVAL);
	_cleanup_free_ char *s = kube_json_canonical(j);
	ASSERT_STREQ(s, "{\"metadata\":{\"labels\":{\"a.b/c\":\"w\"}},\"spec\":{\"paused\":true,\"replicas\":5000000000,"
			"\"template\":{\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"c\"},{\"name\":\"d\"}]}}}}");
	ASSERT_OK(kube_json_delete(j, "spec.template"));
	ASSERT_EQ(kube_json_delete(j, "spec.template"), -ENOENT);
	ASSERT_OK(kube_json_delete(j, "metadata.labels['a.b/c']"));
	_cleanup_free_ char *s2 = kube_json_canonical(j);
	ASSERT_STREQ(s2, "{\"metadata\":{\"labels\":{}},\"spec\":{\"paused\":true,\"replicas\":5000000000}}");
}

TEST(json_set_over_null)
{
	_cleanup_json_ cJSON *j = P("{\"metadata\":{\"labels\":null}}");
	ASSERT_OK(kube_json_set_str(j, "metadata.labels.a", "b"));
	ASSERT_STREQ(kube_json_get_str(j, "metadata.labels.a"), "b");
}

TEST(json_dup_equal)
{
	_cleanup_json_ cJSON *a = P("{\"a\":1,\"b\":{\"x\":[1,2,{\"k\":null}],\"y\":\"s\"}}");
	_cleanup_json_ cJSON *b = P("{\"b\":{\"y\":\"s\",\"x\":[1,2,{\"k\":null}]},\"a\":1.0}");
	_cleanup_json_ cJSON *c = P("{\"b\":{\"y\":\"s\",\"x\":[2,1,{\"k\":null}]},\"a\":1}");
	_cleanup_json_ cJSON *d = P("{\"b\":{\"y\":\"s\",\"x\":[1,2,{\"k\":null}]},\"a\":1,\"z\":0}");
	_cleanup_json_ cJSON *e = kube_json_dup(a);
	ASSERT_TRUE(kube_json_equal(a, b));
	ASSERT_TRUE(kube_json_equal(a, e));
	ASSERT_FALSE(kube_json_equal(a, c));
	ASSERT_FALSE(kube_json_equal(a, d));
	ASSERT_FALSE(kube_json_equal(d, a));
	ASSERT_TRUE(kube_json_equal(NULL, NULL));
	ASSERT_FALSE(kube_json_equal(a, NULL));
	ASSERT_NULL(kube_json_dup(NULL));
}

TEST(json_canonical_table)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "{\"b\":1,\"a\":2,\"B\":3}", "{\"B\":3,\"a\":2,\"b\":1}" },
		{ "[ 1 , 2.50, -0.000001, 1e-7, 1e21, 1e20, 123456789012, 1.0, 1e3 ]",
		  "[1,2.5,-0.000001,1e-7,1e+21,100000000000000000000,123456789012,1,1000]" },
		{ "\"<a href=\\\"x\\\">&amp;</a>\"", "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\"" },
		{ "\"tab\\tnl\\nbs\\bff\\f\\u0001\\u001f\"", "\"tab\\tnl\\nbs\\bff\\f\\u0001\\u001f\"" },
		{ "\"caf\\u00e9 \\u2028 \\u2029 \\ud83d\\ude00\"", "\"caf\xc3\xa9 \\u2028 \\u2029 \xf0\x9f\x98\x80\"" },
		{ "{}", "{}" },
		{ "[]", "[]" },
		{ "{\"a\":{},\"b\":[],\"c\":null,\"d\":false,\"e\":true}", "{\"a\":{},\"b\":[],\"c\":null,\"d\":false,\"e\":true}" },
		{ "0.1", "0.1" },
		{ "1.7976931348623157e308", "1.7976931348623157e+308" },
		{ "5e-324", "5e-324" },
		{ "-1.5e-10", "-1.5e-10" },
		{ "9223372036854775807", "9223372036854776000" },
		{ "-9007199254740991", "-9007199254740991" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *j = P(cases[i].in);
		char *s = kube_json_canonical(j);
		bool ok = strcmp(s, cases[i].out) == 0;
		if (!ok) {
			fprintf(stderr, "  case %zu: got %s want %s\n", i, s, cases[i].out);
		}
		kube_free(s);
		cJSON_Delete(j);
		ASSERT_TRUE(ok);
	}
}

TEST(json_invalid_utf8)
{
	_cleanup_json_ cJSON *j = cJSON_CreateString("a\xff" "b\xc3");
	_cleanup_free_ char *s = kube_json_canonical(j);
	ASSERT_STREQ(s, "\"a\\ufffdb\\ufffd\"");
}

TEST(json_pretty)
{
	_cleanup_json_ cJSON *j = P("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{},\"spec\":{\"c\":[1,{\"a\":\"<\"}],\"e\":[]}}");
	_cleanup_free_ char *s = kube_json_pretty(j);
	ASSERT_STREQ(s, "{\n"
			"    \"kind\": \"Pod\",\n"
			"    \"apiVersion\": \"v1\",\n"
			"    \"metadata\": {},\n"
			"    \"spec\": {\n"
			"        \"c\": [\n"
			"            1,\n"
			"            {\n"
			"                \"a\": \"\\u003c\"\n"
			"            }\n"
			"        ],\n"
			"        \"e\": []\n"
			"    }\n"
			"}");
	_cleanup_free_ char *c = kube_json_compact(j);
	ASSERT_STREQ(c, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{},\"spec\":{\"c\":[1,{\"a\":\"\\u003c\"}],\"e\":[]}}");
}

TEST(json_merge_patch_rfc7386)
{
	/* RFC 7386 appendix A */
	static const struct {
		const char *doc, *patch, *want;
	} cases[] = {
		{ "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
		{ "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
		{ "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
		{ "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
		{ "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
		{ "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
		{ "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}" },
		{ "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
		{ "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]" },
		{ "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]" },
		{ "{\"a\":\"foo\"}", "null", "null" },
		{ "{\"a\":\"foo\"}", "\"bar\"", "\"bar\"" },
		{ "{\"e\":null}", "{\"a\":1}", "{\"a\":1,\"e\":null}" },
		{ "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}" },
		{ "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *d = P(cases[i].doc), *p = P(cases[i].patch);
		cJSON *r = kube_json_merge_patch(d, p);
		char *s = kube_json_canonical(r);
		bool ok = strcmp(s, cases[i].want) == 0;
		if (!ok)
			fprintf(stderr, "  case %zu: got %s want %s\n", i, s, cases[i].want);
		kube_free(s);
		cJSON_Delete(d), cJSON_Delete(p), cJSON_Delete(r);
		ASSERT_TRUE(ok);
	}
}

TEST(json_patch_rfc6902)
{
	static const struct {
		const char *doc, *patch, *want; /* want NULL: error */
	} cases[] = {
		{ "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]", "{\"baz\":\"qux\",\"foo\":\"bar\"}" },
		{ "{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}" },
		{ "{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":\"x\"}]", "{\"foo\":[\"bar\",\"x\"]}" },
		{ "{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}" },
		{ "{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}" },
		{ "{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", "{\"baz\":\"boo\",\"foo\":\"bar\"}" },
		{ "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
		  "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
		  "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}" },
		{ "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
		  "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}" },
		{ "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
		  "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
		  "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}" },
		{ "{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", NULL },
		{ "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
		  "{\"child\":{\"grandchild\":{}},\"foo\":\"bar\"}" },
		{ "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", NULL },
		{ "{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10},{\"op\":\"copy\",\"from\":\"/~1\",\"path\":\"/c\"}]",
		  "{\"/\":9,\"c\":9,\"~1\":10}" },
		{ "{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/5\",\"value\":1}]", NULL },
		{ "{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/01\",\"value\":1}]", NULL },
		{ "{\"foo\":1}", "[{\"op\":\"replace\",\"path\":\"/bar\",\"value\":1}]", NULL },
		{ "{\"foo\":1}", "[{\"op\":\"remove\",\"path\":\"/bar\"}]", NULL },
		{ "{\"foo\":1}", "[{\"op\":\"frob\",\"path\":\"/bar\"}]", NULL },
		{ "{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":[1]}]", "[1]" },
		{ "{\"foo\":{\"a\":1}}", "[{\"op\":\"move\",\"from\":\"/foo\",\"path\":\"/foo/b\"}]", NULL },
		{ "{\"foo\":1}", "{\"op\":\"add\"}", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *d = P(cases[i].doc), *p = P(cases[i].patch), *r = NULL;
		char *err = NULL, *s = NULL;
		int rc = kube_json_patch_apply(d, p, &r, &err);
		bool ok;
		if (cases[i].want) {
			s = rc == 0 ? kube_json_canonical(r) : NULL;
			ok = s && strcmp(s, cases[i].want) == 0;
		} else {
			ok = rc == -EINVAL && err && r == NULL;
		}
		if (!ok)
			fprintf(stderr, "  case %zu: rc %d got %s err %s\n", i, rc, s ? s : "-", err ? err : "-");
		kube_free(s), kube_free(err);
		cJSON_Delete(d), cJSON_Delete(p), cJSON_Delete(r);
		ASSERT_TRUE(ok);
	}
}
