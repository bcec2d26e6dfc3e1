/* Tests for kubectl/kubectl_jsonpath.c: templates as kubectl runs them. */
#include "kube_test.h"

#include <errno.h>

#include "api/kube_json.h"
#include "kubectl_jsonpath.h"

static const char *DOC =
	"{\"kind\":\"List\",\"items\":["
	"{\"metadata\":{\"name\":\"a\",\"labels\":{\"z\":\"1\",\"app\":\"web\"}},\"spec\":{\"replicas\":2,"
	"\"containers\":[{\"name\":\"c1\",\"image\":\"nginx\"},{\"name\":\"c2\",\"image\":\"redis\"}]}},"
	"{\"metadata\":{\"name\":\"b\",\"labels\":{\"app\":\"db\",\"k.io/x\":\"dot\"}},\"spec\":{\"replicas\":1,"
	"\"containers\":[{\"name\":\"c3\",\"image\":\"pg\"}]}}]}";

static char *run(const char *tmpl)
{
	cJSON *d = kube_json_parse(DOC, strlen(DOC));
	kube_buf_t b = KUBE_BUF_INIT;
	char *err = NULL;
	int r = kubectl_jsonpath_exec(tmpl, d, &b, &err);

	cJSON_Delete(d);
	if (r < 0) {
		kube_buf_clear(&b);
		return err;
	}
	return kube_buf_steal(&b);
}

#define CHECK(tmpl, want)                   \
	do {                                \
		char *_s = run(tmpl);       \
		ASSERT_STREQ(_s, want);     \
		kube_free(_s);              \
	} while (0)

TEST(fields_and_indexes)
{
	CHECK("{.kind}", "List");
	CHECK("{.items[0].metadata.name}", "a");
	CHECK("{.items[-1].metadata.name}", "b");
	CHECK("{.items[*].metadata.name}", "a b");
	CHECK("{.items[0:1].metadata.name}", "a");
	CHECK("{.items[*].spec.containers[*].image}", "nginx redis pg");
	CHECK("{.items[0].spec.replicas}", "2");
	CHECK("{.items[0].metadata.labels}", "{\"app\":\"web\",\"z\":\"1\"}");
	CHECK("{.items[0].metadata['labels'].app}", "web");
	CHECK("{.missing.field}", "");
	CHECK("x{$.kind}y", "xListy");
	CHECK("{.items[0].metadata.labels.app}", "web");
}

TEST(range_filter_recursive)
{
	CHECK("{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.replicas}{\"\\n\"}{end}", "a\t2\nb\t1\n");
	CHECK("{range.items[*]}[{.metadata.name}]{end}", "[a][b]");
	CHECK("{.items[?(@.metadata.name==\"b\")].spec.containers[0].image}", "pg");
	CHECK("{.items[?(@.spec.replicas>1)].metadata.name}", "a");
	CHECK("{..image}", "nginx redis pg");
	CHECK("{.items[0].spec.containers[*]['name']}", "c1 c2");
	CHECK("{.items[1].metadata.labels.k\\.io/x}", "dot");
}

TEST(errors)
{
	cJSON *d = kube_json_parse(DOC, strlen(DOC));
	kube_buf_t b = KUBE_BUF_INIT;
	char *err = NULL;

	ASSERT_EQ(kubectl_jsonpath_exec("{.kind", d, &b, &err), -EINVAL);
	ASSERT_STREQ(err, "unclosed action");
	kube_free(err);
	err = NULL;
	ASSERT_EQ(kubectl_jsonpath_exec("{range .items[*]}{.kind}", d, &b, &err), -EINVAL);
	kube_free(err);
	err = NULL;
	ASSERT_EQ(kubectl_jsonpath_exec("{.items[9]}", d, &b, &err), -EINVAL);
	kube_free(err);
	kube_buf_clear(&b);
	cJSON_Delete(d);
}

TEST(eval_collects_copies)
{
	cJSON *d = kube_json_parse(DOC, strlen(DOC)), *res = NULL;

	ASSERT_EQ(kubectl_jsonpath_eval(".items[*].metadata.name", d, &res, NULL), 0);
	ASSERT_EQ(cJSON_GetArraySize(res), 2);
	ASSERT_STREQ(cJSON_GetArrayItem(res, 1)->valuestring, "b");
	cJSON_Delete(res);
	cJSON_Delete(d);
}
