/* Tests for kube-apiserver/apiserver_validation.c: objects are defaulted
 * (as the API server does) and validated; causes are compared exactly. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "api/kube_status.h"
#include "apiserver_defaults.h"
#include "apiserver_validation.h"

typedef struct vcase {
	const char *group, *resource;
	const char *obj;
	const char *old; /* NULL on create */
	const char *want; /* "reason|field|message" lines, "" when valid */
} vcase_t;

#define POD(spec) "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":" spec "}"
#define C1 "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}"
#define SUBDOMAIN_MSG                                                                           \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' " \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "     \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_MSG                                                                               \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "  \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "  \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035_MSG                                                                             \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with " \
	"an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "   \
	"'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define DEPLOY(sel, labels, extra)                                                              \
	"{\"metadata\":{\"name\":\"d\",\"namespace\":\"default\"},\"spec\":{" extra "\"selector\":" sel \
	",\"template\":{\"metadata\":{\"labels\":" labels "},\"spec\":" C1 "}}}"

static const vcase_t cases[] = {
	{ "", "pods", POD(C1), NULL, "" },
	{ "", "pods", "{\"metadata\":{\"namespace\":\"default\"},\"spec\":" C1 "}", NULL,
	  "FieldValueRequired|metadata.name|Required value: name or generateName is required" },
	{ "", "pods", "{\"metadata\":{\"name\":\"Bad_Name\",\"namespace\":\"default\"},\"spec\":" C1 "}", NULL,
	  "FieldValueInvalid|metadata.name|Invalid value: \"Bad_Name\": " SUBDOMAIN_MSG },
	{ "", "pods", POD("{}"), NULL, "FieldValueRequired|spec.containers|Required value" },
	{ "", "pods", POD("{\"containers\":[{\"name\":\"c\"}]}"), NULL,
	  "FieldValueRequired|spec.containers[0].image|Required value" },
	{ "", "pods", POD("{\"containers\":[{\"name\":\"C\",\"image\":\"x\"}]}"), NULL,
	  "FieldValueInvalid|spec.containers[0].name|Invalid value: \"C\": " LABEL_MSG },
	{ "", "pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"x\"},{\"name\":\"c\",\"image\":\"y\"}]}"), NULL,
	  "FieldValueDuplicate|spec.containers[1].name|Duplicate value: \"c\"" },
	{ "", "pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"ports\":[{\"containerPort\":70000}]}]}"), NULL,
	  "FieldValueInvalid|spec.containers[0].ports[0].containerPort|Invalid value: 70000: must be between 1 and 65535, inclusive" },
	{ "", "pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"ports\":[{\"containerPort\":80,\"protocol\":\"HTTP\"}]}]}"), NULL,
	  "FieldValueNotSupported|spec.containers[0].ports[0].protocol|Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"" },
	{ "", "pods", POD("{\"restartPolicy\":\"Sometimes\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}"), NULL,
	  "FieldValueNotSupported|spec.restartPolicy|Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"" },
	{ "", "pods", "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\",\"labels\":{\"a/b/c\":\"x\",\"ok\":\"-bad\"}},\"spec\":" C1 "}", NULL,
	  "FieldValueInvalid|metadata.labels|Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"
	  "FieldValueInvalid|metadata.labels|Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" },
	/* Pod updates: image may change; anything else may not. */
	{ "", "pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}]}"), POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}"), "" },
	{ "", "pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}],\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}"), POD(C1), "" },
	{ "", "pods", POD("{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}"), POD(C1),
	  "FieldValueForbidden|spec|Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)" },
	{ "", "namespaces", "{\"metadata\":{\"name\":\"a.b\"}}", NULL,
	  "FieldValueInvalid|metadata.name|Invalid value: \"a.b\": " LABEL_MSG },
	{ "", "namespaces", "{\"metadata\":{\"name\":\"dev\"}}", NULL, "" },
	{ "", "services", "{\"metadata\":{\"name\":\"1svc\",\"namespace\":\"default\"},\"spec\":{\"ports\":[{\"port\":80}]}}", NULL,
	  "FieldValueInvalid|metadata.name|Invalid value: \"1svc\": " DNS1035_MSG },
	{ "", "services", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{}}", NULL,
	  "FieldValueRequired|spec.ports|Required value" },
	{ "", "services", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{\"clusterIP\":\"None\"}}", NULL, "" },
	{ "", "services", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}", NULL, "" },
	{ "", "services", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{\"type\":\"Magic\",\"ports\":[{\"port\":80,\"protocol\":\"ICMP\"}]}}", NULL,
	  "FieldValueNotSupported|spec.type|Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n"
	  "FieldValueNotSupported|spec.ports[0].protocol|Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"" },
	{ "", "services", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"a\",\"port\":81},{\"port\":70000}]}}", NULL,
	  "FieldValueDuplicate|spec.ports[1].name|Duplicate value: \"a\"\n"
	  "FieldValueRequired|spec.ports[2].name|Required value\n"
	  "FieldValueInvalid|spec.ports[2].port|Invalid value: 70000: must be between 1 and 65535, inclusive\n"
	  "FieldValueInvalid|spec.ports[2].targetPort|Invalid value: 70000: must be between 1 and 65535, inclusive" },
	{ "", "configmaps", "{\"metadata\":{\"name\":\"c\",\"namespace\":\"default\"},\"data\":{\"a b\":\"x\",\"ok.key\":\"y\"}}", NULL,
	  "FieldValueInvalid|data[a b]|Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')" },
	{ "", "secrets", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"data\":{\"..x\":\"eA==\"}}", NULL,
	  "FieldValueInvalid|data[..x]|Invalid value: \"..x\": must not start with '..'" },
	{ "apps", "deployments", DEPLOY("{\"matchLabels\":{\"app\":\"a\"}}", "{\"app\":\"a\"}", ""), NULL, "" },
	{ "apps", "deployments", "{\"metadata\":{\"name\":\"d\",\"namespace\":\"default\"},\"spec\":{\"template\":{\"spec\":" C1 "}}}", NULL,
	  "FieldValueRequired|spec.selector|Required value" },
	{ "apps", "deployments", DEPLOY("{\"matchLabels\":{\"app\":\"a\"}}", "{\"app\":\"b\",\"x\":\"y\"}", "\"replicas\":-1,"), NULL,
	  "FieldValueInvalid|spec.template.metadata.labels|Invalid value: map[string]string{\"app\":\"b\", \"x\":\"y\"}: `selector` does not match template `labels`\n"
	  "FieldValueInvalid|spec.replicas|Invalid value: -1: must be greater than or equal to 0" },
	{ "apps", "deployments", DEPLOY("{\"matchLabels\":{\"app\":\"a\",\"v\":\"1\"}}", "{\"app\":\"a\",\"v\":\"1\"}", ""),
	  DEPLOY("{\"matchLabels\":{\"app\":\"a\"}}", "{\"app\":\"a\"}", ""),
	  "FieldValueInvalid|spec.selector|Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"a\", \"v\":\"1\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable" },
	{ "apps", "replicasets", "{\"metadata\":{\"name\":\"r\",\"namespace\":\"default\"},\"spec\":{\"selector\":{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]},\"template\":{\"metadata\":{\"labels\":{\"app\":\"b\"}},\"spec\":" C1 "}}}", NULL, "" },
	{ "apps", "daemonsets", "{\"metadata\":{\"name\":\"r\",\"namespace\":\"default\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}", NULL,
	  "FieldValueNotSupported|spec.template.spec.restartPolicy|Unsupported value: \"Never\": supported values: \"Always\"" },
	{ "batch", "jobs", "{\"metadata\":{\"name\":\"j\",\"namespace\":\"default\",\"uid\":\"u1\"},\"spec\":{\"template\":{\"spec\":" C1 "}}}", NULL,
	  "FieldValueNotSupported|spec.template.spec.restartPolicy|Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"" },
	{ "batch", "jobs", "{\"metadata\":{\"name\":\"j\",\"namespace\":\"default\",\"uid\":\"u1\"},\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}", NULL, "" },
	{ "batch", "cronjobs", "{\"metadata\":{\"name\":\"cj\",\"namespace\":\"default\"},\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}}}", NULL,
	  "FieldValueRequired|spec.schedule|Required value" },
	{ "", "nodes", "{\"metadata\":{\"name\":\"node-1\"}}", NULL, "" },
	{ "", "nodes", "{\"metadata\":{\"name\":\"node-1\",\"namespace\":\"x\"}}", NULL,
	  "FieldValueForbidden|metadata.namespace|Forbidden: not allowed on this type" },
	{ "", "events", "{\"metadata\":{\"name\":\"e.1\",\"namespace\":\"default\"},\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"other\",\"name\":\"p\"}}", NULL,
	  "FieldValueInvalid|involvedObject.namespace|Invalid value: \"other\": does not match event.namespace" },
	{ "", "events", "{\"metadata\":{\"name\":\"e.1\",\"namespace\":\"default\"},\"involvedObject\":{\"kind\":\"Node\",\"name\":\"n\"}}", NULL, "" },
	{ "coordination.k8s.io", "leases", "{\"metadata\":{\"name\":\"l\",\"namespace\":\"kube-node-lease\"},\"spec\":{\"leaseDurationSeconds\":0}}", NULL,
	  "FieldValueInvalid|spec.leaseDurationSeconds|Invalid value: 0: must be greater than 0" },
};

static cJSON *parse_defaulted(const kube_kind_t *k, const char *s)
{
	cJSON *o = kube_json_parse(s, strlen(s));
	if (!o)
		kube_test_fail(__FILE__, __LINE__, "bad json: %s", s);
	apiserver_defaults_apply(k, o);
	return o;
}

TEST(cases)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const vcase_t *c = &cases[i];
		const kube_kind_t *k = kube_kinds_lookup(c->group, "v1", c->resource);
		ASSERT_NOT_NULL(k);
		cJSON *obj = parse_defaulted(k, c->obj);
		cJSON *old = c->old ? parse_defaulted(k, c->old) : NULL;
		kube_status_t *st = kube_status_invalid_new();
		apiserver_validate(k, obj, old, st);
		kube_buf_t got = KUBE_BUF_INIT;
		kube_buf_puts(&got, "");
		for (size_t j = 0; j < st->ncauses; j++)
			kube_buf_printf(&got, "%s%s|%s|%s", j ? "\n" : "", st->causes[j].reason,
					st->causes[j].field ? st->causes[j].field : "", st->causes[j].message);
		bool ok = strcmp(kube_buf_str(&got), c->want) == 0;
		if (!ok)
			fprintf(stderr, "case %zu (%s):\n got: %s\nwant: %s\n", i, c->resource,
				kube_buf_str(&got), c->want);
		kube_buf_clear(&got);
		kube_status_free(st);
		cJSON_Delete(obj);
		cJSON_Delete(old);
		ASSERT_TRUE(ok);
	}
}

TEST(invalid_message)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "pods");
	_cleanup_json_ cJSON *o = parse_defaulted(k, POD("{\"containers\":[{\"name\":\"c\"}]}"));
	kube_status_t *st = kube_status_invalid_new();
	apiserver_validate(k, o, NULL, st);
	ASSERT_EQ(st->ncauses, 1);
	kube_status_invalid_finish(st, k, "p");
	ASSERT_STREQ(st->message, "Pod \"p\" is invalid: spec.containers[0].image: Required value");
	kube_status_free(st);
}

TEST(name_helpers)
{
	ASSERT_NULL(apiserver_validation_dns1123_subdomain("a.b-c"));
	ASSERT_NOT_NULL(apiserver_validation_dns1123_subdomain("A"));
	ASSERT_NOT_NULL(apiserver_validation_dns1123_subdomain(""));
	ASSERT_NULL(apiserver_validation_dns1123_label("abc-1"));
	ASSERT_NOT_NULL(apiserver_validation_dns1123_label("a.b"));
	ASSERT_NULL(apiserver_validation_dns1035_label("abc"));
	ASSERT_NOT_NULL(apiserver_validation_dns1035_label("1abc"));
	char longname[70];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ASSERT_STREQ(apiserver_validation_dns1123_label(longname), "must be no more than 63 characters");
}
