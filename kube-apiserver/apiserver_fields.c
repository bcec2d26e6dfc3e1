/* apiserver_fields: field-selector fields per resource (see apiserver_fields.h). */
#include "apiserver_fields.h"

#include "api/kube_json.h"

#include <string.h>

typedef struct field_table {
	const char *resource;
	const char *const *fields;
} field_table_t;

static const char *const pod_fields[] = {
	"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
	"spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName", NULL,
};
static const char *const event_fields[] = {
	"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
	"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
	"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NULL,
};
static const char *const node_fields[] = { "spec.unschedulable", NULL };
static const char *const ns_fields[] = { "status.phase", NULL };
static const char *const secret_fields[] = { "type", NULL };
static const char *const replicas_fields[] = { "status.replicas", NULL };
static const char *const job_fields[] = { "status.successful", NULL };

static const field_table_t tables[] = {
	{ "pods", pod_fields },
	{ "events", event_fields },
	{ "nodes", node_fields },
	{ "namespaces", ns_fields },
	{ "secrets", secret_fields },
	{ "replicasets", replicas_fields },
	{ "replicationcontrollers", replicas_fields },
	{ "jobs", job_fields },
};

bool apiserver_fields_supported(const kube_kind_t *k, const char *field)
{
	if (strcmp(field, "metadata.name") == 0)
		return true;
	if (strcmp(field, "metadata.namespace") == 0)
		return k->namespaced || strcmp(k->resource, "namespaces") == 0;
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		if (strcmp(tables[i].resource, k->resource) != 0)
			continue;
		for (const char *const *f = tables[i].fields; *f; f++)
			if (strcmp(*f, field) == 0)
				return true;
	}
	return false;
}

char *apiserver_fields_value(const kube_kind_t *k, const cJSON *obj, const char *field)
{
	const cJSON *v;

	if (!apiserver_fields_supported(k, field))
		return NULL;
	if (strcmp(k->resource, "events") == 0 && strcmp(field, "source") == 0) {
		const char *rc = kube_json_get_str(obj, "reportingComponent");
		const char *sc = kube_json_get_str(obj, "source.component");
		return kube_strdup(sc && *sc ? sc : rc ? rc : "");
	}
	if (strcmp(k->resource, "namespaces") == 0 && strcmp(field, "metadata.namespace") == 0)
		field = "metadata.name";
	v = kube_json_get(obj, field);
	if (!v || cJSON_IsNull(v))
		return kube_strdup(strcmp(field, "spec.hostNetwork") == 0 ||
				   strcmp(field, "spec.unschedulable") == 0 ? "false" : "");
	if (cJSON_IsString(v))
		return kube_strdup(v->valuestring);
	if (cJSON_IsBool(v))
		return kube_strdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v))
		return kube_asprintf("%lld", (long long)v->valuedouble);
	return kube_strdup("");
}

typedef struct field_ctx {
	const kube_kind_t *k;
	const cJSON *obj;
	char *vals[16];
	int nvals;
} field_ctx_t;

/* Values live until the match ends: the selector compares them after get. */
static const char *field_get(const char *field, void *userdata)
{
	field_ctx_t *fc = userdata;
	char *v;

	if (fc->nvals == (int)ARRAY_SIZE(fc->vals))
		return NULL;
	v = apiserver_fields_value(fc->k, fc->obj, field);
	fc->vals[fc->nvals++] = v;
	return v;
}

bool apiserver_fields_match(const kube_kind_t *k, const kube_fieldsel_t *fs, const cJSON *obj)
{
	field_ctx_t fc = { .k = k, .obj = obj };
	bool ok = kube_fieldsel_matches(fs, field_get, &fc);

	for (int i = 0; i < fc.nvals; i++)
		kube_free(fc.vals[i]);
	return ok;
}
