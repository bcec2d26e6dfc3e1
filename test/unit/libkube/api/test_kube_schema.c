#include "kube_test.h"
#include "api/kube_json.h"
#include "api/kube_schema.h"

static cJSON *P(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "parse %s", s);
	return j;
}

TEST(schema_lookups)
{
	const kube_protobuf_message_t *pod = kube_schema_for("v1", "Pod"), *owner = NULL;
	const kube_protobuf_field_t *f;
	const kube_schema_note_t *n;

	ASSERT_NOT_NULL(pod);
	ASSERT_NOT_NULL(kube_schema_for("apps/v1", "Deployment"));
	ASSERT_NOT_NULL(kube_schema_for("coordination.k8s.io/v1", "Lease")); /* no protobuf generator */
	ASSERT_NULL(kube_protobuf_schema_lookup("coordination.k8s.io/v1", "Lease"));
	ASSERT_NULL(kube_schema_for("example.com/v1", "Widget"));
	ASSERT_STREQ(kube_schema_definition(pod), "io.k8s.api.core.v1.Pod");
	f = kube_schema_field(pod, "spec", NULL);
	ASSERT_NOT_NULL(f);
	ASSERT_STREQ(kube_schema_definition(f->message), "io.k8s.api.core.v1.PodSpec");
	f = kube_schema_field(f->message, "containers", &owner);
	n = kube_schema_note(owner, "containers");
	ASSERT_NOT_NULL(n);
	ASSERT_STREQ(n->merge_key, "name");
	ASSERT_STREQ(n->strategy, "merge");
	ASSERT_TRUE(n->flags & KUBE_SCHEMA_REQUIRED);
	/* inlined: ConfigMapKeySelector.name comes from LocalObjectReference */
	f = kube_schema_field(f->message, "env", NULL);
	f = kube_schema_field(f->message, "valueFrom", NULL);
	f = kube_schema_field(f->message, "configMapKeyRef", NULL);
	ASSERT_NOT_NULL(kube_schema_field(f->message, "name", &owner));
	ASSERT_STREQ(owner->name, "LocalObjectReference");
	ASSERT_STREQ(kube_schema_definition(kube_schema_field(pod, "metadata", NULL)->message),
		     "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
}

TEST(schema_every_message_has_a_definition)
{
	size_t n;
	const kube_protobuf_schema_def_t *d = kube_protobuf_schema_defs(&n);

	ASSERT_GT(n, 150);
	for (size_t i = 0; i < n; i++) {
		ASSERT_TRUE(kube_startswith(d[i].definition, "io.k8s."));
		for (size_t j = 0; j < d[i].message->n_fields; j++) {
			const kube_protobuf_field_t *f = &d[i].message->fields[j];
			if (f->type == KUBE_PB_MESSAGE && !kube_schema_definition(f->message))
				kube_test_fail(__FILE__, __LINE__, "%s.%s: message without definition",
					       d[i].message->name, f->json ? f->json : "(inline)");
		}
	}
}

TEST(schema_notes_name_real_fields)
{
	size_t n;
	const kube_protobuf_schema_def_t *d = kube_protobuf_schema_defs(&n);
	extern const kube_schema_note_t kube_schema_notes[];
	extern const size_t kube_schema_notes_count;

	for (size_t i = 0; i < kube_schema_notes_count; i++) {
		const kube_schema_note_t *note = &kube_schema_notes[i];
		bool found = false;
		for (size_t j = 0; j < n && !found; j++) {
			const kube_protobuf_message_t *owner = NULL;
			if (strcmp(d[j].message->name, note->message) != 0)
				continue;
			found = !note->field || (kube_schema_field(d[j].message, note->field, &owner) &&
						 strcmp(owner->name, note->message) == 0);
		}
		if (!found)
			kube_test_fail(__FILE__, __LINE__, "note %s.%s names no field", note->message,
				       note->field ? note->field : "");
	}
}

TEST(schema_check_fields_unknown_and_duplicate)
{
	const kube_protobuf_message_t *d = kube_schema_for("apps/v1", "Deployment");
	cJSON *obj = P("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"status\":{\"anything\":1},"
		       "\"metadata\":{\"name\":\"web\",\"labels\":{\"a\":\"1\",\"a\":\"2\"}},"
		       "\"spec\":{\"replicas\":1,\"foo\":1,\"replicas\":3,\"template\":{\"spec\":{\"containers\":"
		       "[{\"name\":\"a\"},{\"name\":\"b\",\"bogus\":true,\"ports\":[{\"containerPort\":1,\"x\":2}]}]}}}}");
	char **probs;
	size_t n = kube_schema_check_fields(d, obj, &probs);

	ASSERT_EQ(n, 5);
	ASSERT_STREQ(probs[0], "duplicate field \"metadata.labels.a\"");
	ASSERT_STREQ(probs[1], "duplicate field \"spec.replicas\"");
	ASSERT_STREQ(probs[2], "unknown field \"spec.foo\"");
	ASSERT_STREQ(probs[3], "unknown field \"spec.template.spec.containers[1].bogus\"");
	ASSERT_STREQ(probs[4], "unknown field \"spec.template.spec.containers[1].ports[0].x\"");
	/* the last duplicate wins, as Go's decoder */
	ASSERT_EQ(kube_json_get_int64(obj, "spec.replicas", 0), 3);
	ASSERT_STREQ(kube_json_get_str(obj, "metadata.labels.a"), "2");
	kube_schema_problems_free(probs, n);
	cJSON_Delete(obj);

	obj = P("{\"kind\":\"Deployment\",\"spec\":{\"replicas\":1}}");
	ASSERT_EQ(kube_schema_check_fields(d, obj, &probs), 0);
	kube_schema_problems_free(probs, 0);
	cJSON_Delete(obj);
}

TEST(schema_check_fields_inline_and_top_level)
{
	const kube_protobuf_message_t *pod = kube_schema_for("v1", "Pod");
	cJSON *obj = P("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"extra\":1,\"spec\":{\"volumes\":"
		       "[{\"name\":\"v\",\"configMap\":{\"name\":\"c\"}},{\"name\":\"w\",\"emptyDir\":{}}]}}");
	char **probs;
	size_t n = kube_schema_check_fields(pod, obj, &probs);

	ASSERT_EQ(n, 1);
	ASSERT_STREQ(probs[0], "unknown field \"extra\"");
	kube_schema_problems_free(probs, n);
	cJSON_Delete(obj);
}

static void expect_type_error(const char *api_version, const char *kind, const char *json, const char *want)
{
	cJSON *obj = P(json);
	char *err = NULL;
	int r = kube_schema_check_types(kube_schema_for(api_version, kind), obj, &err);

	if (!want) {
		if (r != 0)
			kube_test_fail(__FILE__, __LINE__, "unexpected: %s", err);
	} else if (r != -EINVAL || strcmp(err, want) != 0) {
		kube_test_fail(__FILE__, __LINE__, "got %s\nwant %s", err ? err : "(none)", want);
	}
	kube_free(err);
	cJSON_Delete(obj);
}

TEST(schema_check_types_as_go)
{
	expect_type_error("apps/v1", "Deployment", "{\"spec\":{\"replicas\":\"two\"}}",
			  "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
	expect_type_error("apps/v1", "Deployment", "{\"spec\":{\"replicas\":1.5}}",
			  "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
	expect_type_error("v1", "Pod", "{\"metadata\":{\"labels\":{\"a\":1}}}",
			  "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");
	expect_type_error("v1", "Pod", "{\"spec\":{\"containers\":{}}}",
			  "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container");
	expect_type_error("v1", "Pod", "{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":\"80\"}]}]}}",
			  "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32");
	expect_type_error("v1", "Pod", "{\"kind\":1}",
			  "json: cannot unmarshal number into Go struct field TypeMeta.kind of type string");
	/* fine: nulls, quantities and int-or-strings as numbers or strings, status, unknown fields */
	expect_type_error("v1", "Pod",
			  "{\"metadata\":{\"creationTimestamp\":null,\"labels\":null},\"status\":{\"phase\":1},\"bogus\":[1],"
			  "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"cpu\":1,\"memory\":\"1Gi\"}},"
			  "\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}},\"readinessProbe\":{\"tcpSocket\":{\"port\":80}}}]}}",
			  NULL);
	expect_type_error("v1", "Secret", "{\"data\":{\"a\":\"YQ==\"},\"stringData\":{\"b\":\"c\"}}", NULL);
}
