/*
 * apiserver_fields: per-resource field selector labels, as upstream's
 * registry strategies' GetAttrs/ToSelectableFields expose them.
 */
#include <stdio.h>
#include <string.h>

#include "apiserver_fields.h"

#include "api/kube_json.h"
#include "core/kube_core.h"

enum ftype { F_STR, F_BOOL, F_INT };

typedef struct field {
	const char *label; /* selector label */
	const char *path;  /* kube_json path in the object */
	enum ftype type;
} field_t;

typedef struct resource_fields {
	const char *group;
	const char *resource;
	const field_t *fields; /* NULL label terminated */
} resource_fields_t;

static const field_t pod_fields[] = {
	{ "spec.nodeName", "spec.nodeName", F_STR },
	{ "spec.restartPolicy", "spec.restartPolicy", F_STR },
	{ "spec.schedulerName", "spec.schedulerName", F_STR },
	{ "spec.serviceAccountName", "spec.serviceAccountName", F_STR },
	{ "spec.hostNetwork", "spec.hostNetwork", F_BOOL },
	{ "status.phase", "status.phase", F_STR },
	{ "status.podIP", "status.podIP", F_STR },
	{ "status.nominatedNodeName", "status.nominatedNodeName", F_STR },
	{ NULL, NULL, F_STR },
};

static const field_t event_fields[] = {
	{ "involvedObject.kind", "involvedObject.kind", F_STR },
	{ "involvedObject.namespace", "involvedObject.namespace", F_STR },
	{ "involvedObject.name", "involvedObject.name", F_STR },
	{ "involvedObject.uid", "involvedObject.uid", F_STR },
	{ "involvedObject.apiVersion", "involvedObject.apiVersion", F_STR },
	{ "involvedObject.resourceVersion", "involvedObject.resourceVersion", F_STR },
	{ "involvedObject.fieldPath", "involvedObject.fieldPath", F_STR },
	{ "reason", "reason", F_STR },
	{ "reportingComponent", "reportingComponent", F_STR },
	{ "source", "source.component", F_STR },
	{ "type", "type", F_STR },
	{ NULL, NULL, F_STR },
};

/* events.k8s.io/v1 names the same fields after its own schema. */
static const field_t event_v1_fields[] = {
	{ "regarding.kind", "regarding.kind", F_STR },
	{ "regarding.namespace", "regarding.namespace", F_STR },
	{ "regarding.name", "regarding.name", F_STR },
	{ "regarding.uid", "regarding.uid", F_STR },
	{ "regarding.apiVersion", "regarding.apiVersion", F_STR },
	{ "regarding.resourceVersion", "regarding.resourceVersion", F_STR },
	{ "regarding.fieldPath", "regarding.fieldPath", F_STR },
	{ "reason", "reason", F_STR },
	{ "reportingController", "reportingController", F_STR },
	{ "deprecatedSource.component", "deprecatedSource.component", F_STR },
	{ "type", "type", F_STR },
	{ NULL, NULL, F_STR },
};

static const field_t node_fields[] = {
	{ "spec.unschedulable", "spec.unschedulable", F_BOOL },
	{ NULL, NULL, F_STR },
};

static const field_t namespace_fields[] = {
	{ "status.phase", "status.phase", F_STR },
	{ NULL, NULL, F_STR },
};

static const field_t secret_fields[] = {
	{ "type", "type", F_STR },
	{ NULL, NULL, F_STR },
};

static const field_t replicas_fields[] = {
	{ "status.replicas", "status.replicas", F_INT },
	{ NULL, NULL, F_STR },
};

static const field_t job_fields[] = {
	{ "status.successful", "status.succeeded", F_INT },
	{ NULL, NULL, F_STR },
};

static const resource_fields_t resources[] = {
	{ "", "pods", pod_fields },
	{ "", "events", event_fields },
	{ "events.k8s.io", "events", event_v1_fields },
	{ "", "nodes", node_fields },
	{ "", "namespaces", namespace_fields },
	{ "", "secrets", secret_fields },
	{ "apps", "replicasets", replicas_fields },
	{ "", "replicationcontrollers", replicas_fields },
	{ "batch", "jobs", job_fields },
};

static const field_t meta_name = { "metadata.name", "metadata.name", F_STR };
static const field_t meta_namespace = { "metadata.namespace", "metadata.namespace", F_STR };

static const field_t *lookup(const kube_kind_t *k, const char *label)
{
	if (!k || !label)
		return NULL;
	if (strcmp(label, "metadata.name") == 0)
		return &meta_name;
	if (strcmp(label, "metadata.namespace") == 0)
		return k->namespaced ? &meta_namespace : NULL;
	for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		if (strcmp(resources[i].group, k->group) != 0 ||
		    strcmp(resources[i].resource, k->resource) != 0)
			continue;
		for (const field_t *f = resources[i].fields; f->label; f++)
			if (strcmp(f->label, label) == 0)
				return f;
	}
	return NULL;
}

bool apiserver_fields_supported(const kube_kind_t *k, const char *field)
{
	return lookup(k, field) != NULL;
}

char *apiserver_fields_value(const kube_kind_t *k, const cJSON *obj, const char *field)
{
	const field_t *f = lookup(k, field);
	if (!f)
		return NULL;
	const cJSON *v = kube_json_get(obj, f->path);
	switch (f->type) {
	case F_BOOL:
		return kube_strdup(cJSON_IsTrue(v) ? "true" : "false");
	case F_INT:
		return kube_asprintf("%lld", (long long)kube_json_get_int64(obj, f->path, 0));
	case F_STR:
	default:
		if (cJSON_IsString(v))
			return kube_strdup(v->valuestring);
		return kube_strdup("");
	}
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
