#include "kube_test.h"
#include "api/kube_json.h"
#include "api/kube_selector.h"

static cJSON *P(const char *s)
{
	return kube_json_parse(s, strlen(s));
}

TEST(selector_parse_string_table)
{
	/* input -> canonical String() (sorted by key, values sorted) */
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "x=a", "x=a" },
		{ "x==a", "x==a" },
		{ "x!=a", "x!=a" },
		{ "y=b,x=a", "x=a,y=b" },
		{ "x in (b,a)", "x in (a,b)" },
		{ "x notin (a)", "x notin (a)" },
		{ "x", "x" },
		{ "!x", "!x" },
		{ " x , !y ", "x,!y" },
		{ "x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()" },
		{ "x=", "x=" },
		{ "x=,z= ", "x=,z=" },
		{ "x in (a,a)", "x in (a)" },
		{ "in in (in,notin)", "in in (in,notin)" },
		{ "x>1", "x>1" },
		{ "x<1", "x<1" },
		{ "app.kubernetes.io/name=web", "app.kubernetes.io/name=web" },
		{ "env in (prod,qa),tier notin (frontend),partition", "env in (prod,qa),partition,tier notin (frontend)" },
		{ "x=a,x!=b", "x=a,x!=b" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_selector_t *s = NULL;
		char *err = NULL;
		int r = kube_selector_parse(cases[i].in, &s, &err);
		if (r < 0)
			kube_test_fail(__FILE__, __LINE__, "%s: %s", cases[i].in, err);
		char *str = kube_selector_string(s);
		bool ok = strcmp(str, cases[i].out) == 0;
		if (!ok)
			fprintf(stderr, "  %s: got '%s' want '%s'\n", cases[i].in, str, cases[i].out);
		kube_free(str);
		kube_selector_free(s);
		ASSERT_TRUE(ok);
	}
}

TEST(selector_parse_errors)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
		{ "x=a)", "found ')', expected: ',' or 'end of string'" },
		{ "x=a,", "found '', expected: identifier after ','" },
		{ ",x", "found ',', expected: !, identifier, or 'end of string'" },
		{ "x in a", "unable to parse requirement: found 'a' expected: '('" },
		{ "x in (a", "unable to parse requirement: found '', expected: ',' or ')'" },
		{ "x notin ", "unable to parse requirement: found '' expected: '('" },
		{ "x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt" },
		{ "!x=a", "found '=', expected: ',' or 'end of string'" },
		{ "x=a b", "found 'b', expected: ',' or 'end of string'" },
		{ "x=(", "unable to parse requirement: found '(', expected: identifier" },
		{ "a$", "unable to parse requirement: <nil>: Invalid value: \"a$\": name part must consist of alphanumeric "
			"characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
			"'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')" },
		{ "a/b/c", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of" },
		{ "Foo.com/x", "unable to parse requirement: <nil>: Invalid value: \"Foo.com/x\": prefix part a lowercase RFC 1123 subdomain" },
		{ "/x", "unable to parse requirement: <nil>: Invalid value: \"/x\": prefix part must be non-empty" },
		{ "x=a$", "unable to parse requirement: values[0][x]: Invalid value: \"a$\": a valid label must be an empty "
			  "string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
			  "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
			  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" },
		{ "x in ($a,b$)", "unable to parse requirement: [values[0][x]: Invalid value: \"$a\": a valid label" },
		{ "x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer" },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "unable to parse requirement: <nil>: Invalid value: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": name part must be no more than 63 characters" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_selector_t *s = NULL;
		char *err = NULL;
		int r = kube_selector_parse(cases[i].in, &s, &err);
		bool ok = r == -EINVAL && s == NULL && err && strncmp(err, cases[i].err, strlen(cases[i].err)) == 0;
		if (!ok)
			fprintf(stderr, "  %s: rc %d err '%s'\n", cases[i].in, r, err ? err : "(null)");
		kube_free(err);
		kube_selector_free(s);
		ASSERT_TRUE(ok);
	}
	ASSERT_EQ(kube_selector_parse("x in", &(kube_selector_t *){ NULL }, NULL), -EINVAL);
}

TEST(selector_matches_table)
{
	static const struct {
		const char *sel, *labels;
		bool want;
	} cases[] = {
		{ "", "{}", true },
		{ "x=a", "{\"x\":\"a\"}", true },
		{ "x=a", "{\"x\":\"b\"}", false },
		{ "x=a", "{}", false },
		{ "x!=a", "{}", true },
		{ "x!=a", "{\"x\":\"a\"}", false },
		{ "x in (a,b)", "{\"x\":\"b\"}", true },
		{ "x notin (a,b)", "{\"x\":\"c\"}", true },
		{ "x notin (a,b)", "{}", true },
		{ "x notin (a,b)", "{\"x\":\"a\"}", false },
		{ "x", "{\"x\":\"\"}", true },
		{ "x", "{\"y\":\"\"}", false },
		{ "!x", "{\"y\":\"\"}", true },
		{ "!x", "{\"x\":\"\"}", false },
		{ "x=", "{\"x\":\"\"}", true },
		{ "x=a,y=b", "{\"x\":\"a\",\"y\":\"b\"}", true },
		{ "x=a,y=b", "{\"x\":\"a\",\"y\":\"c\"}", false },
		{ "x>5", "{\"x\":\"6\"}", true },
		{ "x>5", "{\"x\":\"5\"}", false },
		{ "x<5", "{\"x\":\"-1\"}", true },
		{ "x>5", "{\"x\":\"z\"}", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_selector_t *s = NULL;
		ASSERT_OK(kube_selector_parse(cases[i].sel, &s, NULL));
		cJSON *l = P(cases[i].labels);
		bool got = kube_selector_matches(s, l);
		if (got != cases[i].want)
			fprintf(stderr, "  %s on %s: got %d\n", cases[i].sel, cases[i].labels, got);
		cJSON_Delete(l);
		kube_selector_free(s);
		ASSERT_EQ(got, cases[i].want);
	}
	kube_selector_t *s = NULL;
	ASSERT_OK(kube_selector_parse("x", &s, NULL));
	ASSERT_FALSE(kube_selector_matches(s, NULL));
	kube_selector_free(s);
}

TEST(selector_from_json)
{
	static const struct {
		const char *json, *str, *labels;
		bool match;
	} cases[] = {
		{ "{}", "", "{}", true },
		{ "{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"}}", "a=1,b=2", "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}", true },
		{ "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"In\",\"values\":[\"z\",\"y\"]},"
		  "{\"key\":\"e\",\"operator\":\"DoesNotExist\"}],\"matchLabels\":{\"a\":\"1\"}}",
		  "a=1,!e,t in (y,z)", "{\"a\":\"1\",\"t\":\"y\"}", true },
		{ "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"NotIn\",\"values\":[\"z\"]},{\"key\":\"u\",\"operator\":\"Exists\"}]}",
		  "t notin (z),u", "{\"t\":\"z\",\"u\":\"\"}", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *j = P(cases[i].json), *l = P(cases[i].labels);
		kube_selector_t *s = NULL;
		char *err = NULL;
		ASSERT_OK(kube_selector_from_json(j, &s, &err));
		char *str = kube_selector_string(s);
		bool ok = strcmp(str, cases[i].str) == 0 && kube_selector_matches(s, l) == cases[i].match;
		if (!ok)
			fprintf(stderr, "  case %zu: %s\n", i, str);
		kube_free(str), kube_selector_free(s), cJSON_Delete(j), cJSON_Delete(l);
		ASSERT_TRUE(ok);
	}
	/* null selector matches nothing */
	kube_selector_t *s = NULL;
	ASSERT_OK(kube_selector_from_json(NULL, &s, NULL));
	ASSERT_FALSE(kube_selector_empty(s));
	ASSERT_FALSE(kube_selector_matches(s, NULL));
	kube_selector_free(s);

	static const struct {
		const char *json, *err;
	} bad[] = {
		{ "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"Foo\"}]}", "\"Foo\" is not a valid label selector operator" },
		{ "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"In\",\"values\":[]}]}",
		  "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty" },
		{ "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"Exists\",\"values\":[\"a\"]}]}",
		  "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does not exist" },
		{ "{\"matchLabels\":{\"a b\":\"1\"}}", "key: Invalid value: \"a b\": name part must consist of" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		cJSON *j = P(bad[i].json);
		char *err = NULL;
		s = NULL;
		int r = kube_selector_from_json(j, &s, &err);
		bool ok = r == -EINVAL && !s && err && strncmp(err, bad[i].err, strlen(bad[i].err)) == 0;
		if (!ok)
			fprintf(stderr, "  bad %zu: %s\n", i, err ? err : "(null)");
		kube_free(err), cJSON_Delete(j);
		ASSERT_TRUE(ok);
	}
}

static const char *pod_field(const char *f, void *ud)
{
	const cJSON *pod = ud;
	if (strcmp(f, "metadata.name") == 0)
		return kube_json_get_str(pod, "metadata.name");
	if (strcmp(f, "status.phase") == 0)
		return kube_json_get_str(pod, "status.phase");
	if (strcmp(f, "spec.nodeName") == 0)
		return kube_json_get_str(pod, "spec.nodeName");
	return NULL;
}

TEST(fieldsel_table)
{
	static const struct {
		const char *in, *str; /* str NULL: parse error */
		bool match;
	} cases[] = {
		{ "", "", true },
		{ "metadata.name=p1", "metadata.name=p1", true },
		{ "metadata.name==p1", "metadata.name=p1", true },
		{ "metadata.name!=p1", "metadata.name!=p1", false },
		{ "status.phase=Running,metadata.name=p1", "metadata.name=p1,status.phase=Running", true },
		{ "status.phase!=Running", "status.phase!=Running", false },
		{ "spec.nodeName=", "spec.nodeName=", true },
		{ "spec.nodeName!=", "spec.nodeName!=", false },
		{ "metadata.name=a\\,b", "metadata.name=a\\,b", false },
		{ "metadata.name=a\\=b\\\\", "metadata.name=a\\=b\\\\", false },
		{ "metadata.name=p1,,", "metadata.name=p1", true },
		{ "foo", NULL, false },
		{ "a=b=c", NULL, false },
		{ "a=b\\x", NULL, false },
		{ "a=b\\", NULL, false },
	};
	cJSON *pod = P("{\"metadata\":{\"name\":\"p1\"},\"status\":{\"phase\":\"Running\"}}");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_fieldsel_t *s = NULL;
		char *err = NULL;
		int r = kube_fieldsel_parse(cases[i].in, &s, &err);
		bool ok;
		if (!cases[i].str) {
			ok = r == -EINVAL && err && !s;
		} else {
			char *str = r == 0 ? kube_fieldsel_string(s) : NULL;
			ok = str && strcmp(str, cases[i].str) == 0 && kube_fieldsel_matches(s, pod_field, pod) == cases[i].match;
			if (!ok)
				fprintf(stderr, "  %s: got %s err %s\n", cases[i].in, str ? str : "-", err ? err : "-");
			kube_free(str);
		}
		kube_free(err), kube_fieldsel_free(s);
		if (!ok)
			cJSON_Delete(pod);
		ASSERT_TRUE(ok);
	}
	cJSON_Delete(pod);
}

TEST(fieldsel_errors_and_helpers)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
		{ "foo", "invalid selector: 'foo'; can't understand 'foo'" },
		{ "a=b,foo", "invalid selector: 'a=b,foo'; can't understand 'foo'" },
		{ "a=b=c", "invalid field selector: unescaped character in value: 61" },
		{ "a=b\\x", "invalid field selector: invalid escape sequence: \\x" },
		{ "a=b\\", "invalid field selector: invalid escape sequence: \\" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_fieldsel_t *s = NULL;
		char *err = NULL;
		ASSERT_EQ(kube_fieldsel_parse(cases[i].in, &s, &err), -EINVAL);
		bool ok = err && strcmp(err, cases[i].err) == 0;
		if (!ok)
			fprintf(stderr, "  %s: %s\n", cases[i].in, err ? err : "(null)");
		kube_free(err);
		ASSERT_TRUE(ok);
	}
	kube_fieldsel_t *s = NULL;
	static const char *const allowed[] = { "metadata.name", "metadata.namespace", NULL };
	ASSERT_OK(kube_fieldsel_parse("metadata.name=x,spec.foo!=y", &s, NULL));
	ASSERT_STREQ(kube_fieldsel_unsupported(s, allowed), "spec.foo");
	ASSERT_STREQ(kube_fieldsel_requires_exact(s, "metadata.name"), "x");
	ASSERT_NULL(kube_fieldsel_requires_exact(s, "spec.foo"));
	ASSERT_FALSE(kube_fieldsel_empty(s));
	kube_fieldsel_free(s);
	ASSERT_OK(kube_fieldsel_parse("metadata.namespace=x", &s, NULL));
	ASSERT_NULL(kube_fieldsel_unsupported(s, allowed));
	kube_fieldsel_free(s);
}
