/* apiserver_openapi: OpenAPI v3 from the schema (see apiserver_openapi.h). */
#include "apiserver_openapi.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_schema.h"

#define REF_PREFIX "#/components/schemas/"
#define META "io.k8s.apimachinery.pkg.apis.meta.v1."

/* ---- component schemas ---- */

static void add_str(cJSON *o, const char *k, const char *v)
{
	cJSON_AddItemToObject(o, k, cJSON_CreateString(v));
}

static cJSON *ref_schema(const char *def)
{
	cJSON *s = cJSON_CreateObject(), *all = cJSON_AddArrayToObject(s, "allOf"), *r = cJSON_CreateObject();
	char *ref = kube_asprintf(REF_PREFIX "%s", def);

	add_str(r, "$ref", ref);
	kube_free(ref);
	cJSON_AddItemToArray(all, r);
	return s;
}

/* Components for the special wire types, added on first use. */
static const char *special_def(cJSON *schemas, uint8_t type)
{
	const char *name = NULL, *desc = NULL, *format = NULL;

	switch (type) {
	case KUBE_PB_TIME:
		name = META "Time", format = "date-time";
		desc = "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON (RFC 3339).";
		break;
	case KUBE_PB_MICROTIME:
		name = META "MicroTime", format = "date-time";
		desc = "MicroTime is version of Time with microsecond level precision.";
		break;
	case KUBE_PB_QUANTITY:
		name = "io.k8s.apimachinery.pkg.api.resource.Quantity";
		desc = "Quantity is a fixed-point representation of a number, such as 100m, 1Gi or 2.5.";
		break;
	case KUBE_PB_INTORSTRING:
		name = "io.k8s.apimachinery.pkg.util.intstr.IntOrString", format = "int-or-string";
		desc = "IntOrString is a type that can hold an int32 or a string.";
		break;
	case KUBE_PB_RAWEXTENSION:
		name = "io.k8s.apimachinery.pkg.runtime.RawExtension";
		desc = "RawExtension holds an arbitrary JSON object.";
		break;
	default:
		return NULL;
	}
	if (!cJSON_GetObjectItemCaseSensitive(schemas, name)) {
		cJSON *s = cJSON_AddObjectToObject(schemas, name);
		add_str(s, "description", desc);
		if (format)
			add_str(s, "format", format);
		if (type == KUBE_PB_QUANTITY || type == KUBE_PB_INTORSTRING) {
			/* v3 gives these two JSON types, as upstream (explain then
			 * prints their names); the v2 view turns oneOf into string */
			cJSON *one = cJSON_AddArrayToObject(s, "oneOf"), *t = cJSON_CreateObject(), *u = cJSON_CreateObject();
			add_str(t, "type", type == KUBE_PB_QUANTITY ? "string" : "integer");
			add_str(u, "type", type == KUBE_PB_QUANTITY ? "number" : "string");
			cJSON_AddItemToArray(one, t);
			cJSON_AddItemToArray(one, u);
		} else {
			add_str(s, "type", type == KUBE_PB_RAWEXTENSION ? "object" : "string");
		}
	}
	return name;
}

static const char *add_message(cJSON *schemas, const kube_protobuf_message_t *m);

/* The schema of one value of field f (no array/map wrapping). */
static cJSON *value_schema(cJSON *schemas, const kube_protobuf_field_t *f, bool *is_ref)
{
	cJSON *s;
	const char *def;

	*is_ref = false;
	if (f->type == KUBE_PB_MESSAGE) {
		def = add_message(schemas, f->message);
		*is_ref = true;
		return ref_schema(def ? def : "io.k8s.unknown");
	}
	if ((def = special_def(schemas, f->type))) {
		*is_ref = true;
		return ref_schema(def);
	}
	s = cJSON_CreateObject();
	switch (f->type) {
	case KUBE_PB_INT32:
		add_str(s, "type", "integer");
		add_str(s, "format", "int32");
		break;
	case KUBE_PB_INT64:
		add_str(s, "type", "integer");
		add_str(s, "format", "int64");
		break;
	case KUBE_PB_BOOL:
		add_str(s, "type", "boolean");
		break;
	case KUBE_PB_DOUBLE:
		add_str(s, "type", "number");
		add_str(s, "format", "double");
		break;
	case KUBE_PB_BYTES:
		add_str(s, "type", "string");
		add_str(s, "format", "byte");
		break;
	default:
		add_str(s, "type", "string");
	}
	return s;
}

static void add_enum(cJSON *s, const char *enums)
{
	cJSON *a = cJSON_AddArrayToObject(s, "enum");
	const char *p = enums;

	while (*p) {
		size_t n = strcspn(p, " ");
		char *v = kube_asprintf("%.*s", (int)n, p);
		cJSON_AddItemToArray(a, cJSON_CreateString(v));
		kube_free(v);
		p += n;
		while (*p == ' ')
			p++;
	}
}

static cJSON *field_schema(cJSON *schemas, const kube_protobuf_message_t *owner, const kube_protobuf_field_t *f)
{
	const kube_schema_note_t *n = kube_schema_note(owner, f->json);
	bool is_ref;
	cJSON *v = value_schema(schemas, f, &is_ref), *s;

	if (f->flags & (KUBE_PB_REPEATED | KUBE_PB_MAP)) {
		s = cJSON_CreateObject();
		if (n && n->description)
			add_str(s, "description", n->description);
		add_str(s, "type", f->flags & KUBE_PB_MAP ? "object" : "array");
		if (f->type == KUBE_PB_MESSAGE) {
			cJSON_AddItemToObject(v, "default", cJSON_CreateObject());
		} else if (f->type == KUBE_PB_STRING) {
			add_str(v, "default", "");
		} else if (is_ref) {
			/* a bare reference, as upstream (explain prints its name) */
			cJSON *all = cJSON_DetachItemFromObjectCaseSensitive(v, "allOf");
			cJSON *ref = cJSON_DetachItemFromObjectCaseSensitive(all->child, "$ref");
			cJSON_AddItemToObject(v, "$ref", ref);
			cJSON_Delete(all);
		}
		if (n && n->enums)
			add_enum(v, n->enums);
		cJSON_AddItemToObject(s, f->flags & KUBE_PB_MAP ? "additionalProperties" : "items", v);
		if (n && n->merge_key)
			add_str(s, "x-kubernetes-patch-merge-key", n->merge_key);
		if (n && n->strategy)
			add_str(s, "x-kubernetes-patch-strategy", n->strategy);
		return s;
	}
	s = v;
	if (n && n->description)
		add_str(s, "description", n->description);
	if (f->type == KUBE_PB_MESSAGE && !(f->flags & KUBE_PB_KEEP))
		cJSON_AddItemToObject(s, "default", cJSON_CreateObject());
	if (n && n->enums)
		add_enum(s, n->enums);
	if (n && n->strategy)
		add_str(s, "x-kubernetes-patch-strategy", n->strategy);
	(void)is_ref;
	return s;
}

static void add_properties(cJSON *schemas, const kube_protobuf_message_t *m, cJSON *props, cJSON *required)
{
	for (size_t i = 0; i < m->n_fields; i++) {
		const kube_protobuf_field_t *f = &m->fields[i];
		const kube_schema_note_t *n;
		if (f->flags & KUBE_PB_INLINE) {
			add_properties(schemas, f->message, props, required);
			continue;
		}
		if (cJSON_GetObjectItemCaseSensitive(props, f->json))
			continue;
		cJSON_AddItemToObject(props, f->json, field_schema(schemas, m, f));
		n = kube_schema_note(m, f->json);
		if (n && (n->flags & KUBE_SCHEMA_REQUIRED))
			cJSON_AddItemToArray(required, cJSON_CreateString(f->json));
	}
}

static void fill_message(cJSON *schemas, cJSON *s, const kube_protobuf_message_t *m)
{
	const kube_schema_note_t *n = kube_schema_note(m, NULL);
	cJSON *props = cJSON_CreateObject(), *required = cJSON_CreateArray();

	if (n && n->description)
		add_str(s, "description", n->description);
	add_str(s, "type", "object");
	add_properties(schemas, m, props, required);
	cJSON_AddItemToObject(s, "properties", props);
	if (cJSON_GetArraySize(required))
		cJSON_AddItemToObject(s, "required", required);
	else
		cJSON_Delete(required);
}

static const char *add_message(cJSON *schemas, const kube_protobuf_message_t *m)
{
	const char *def = kube_schema_definition(m);
	cJSON *s;

	if (!def)
		return NULL;
	if (cJSON_GetObjectItemCaseSensitive(schemas, def))
		return def;
	s = cJSON_AddObjectToObject(schemas, def); /* placeholder first: recursion */
	fill_message(schemas, s, m);
	return def;
}

/* "io.k8s.api.apps.v1" for a group/version. */
static char *package_of(const char *group, const char *version)
{
	size_t n = strcspn(group, ".");

	if (!*group)
		return kube_asprintf("io.k8s.api.core.%s", version);
	if (strcmp(group, "rbac.authorization.k8s.io") == 0)
		return kube_asprintf("io.k8s.api.rbac.%s", version);
	return kube_asprintf("io.k8s.api.%.*s.%s", (int)n, group, version);
}

static void add_gvk(cJSON *o, const char *key, const kube_kind_t *k, bool list)
{
	cJSON *g = cJSON_CreateObject();

	add_str(g, "group", k->group);
	add_str(g, "kind", k->kind);
	add_str(g, "version", k->version);
	if (list) {
		cJSON *a = cJSON_AddArrayToObject(o, key);
		cJSON_AddItemToArray(a, g);
	} else {
		cJSON_AddItemToObject(o, key, g);
	}
}

/* The top-level schema of a served kind; returns its definition name. */
static char *add_kind(cJSON *schemas, const kube_kind_t *k)
{
	kube_buf_t av = KUBE_BUF_INIT;
	const kube_protobuf_message_t *m, *status_msg;
	char *pkg = package_of(k->group, k->version), *def = kube_asprintf("%s.%s", pkg, k->kind);
	cJSON *s, *props, *p;

	kube_kinds_api_version(k, &av);
	m = kube_schema_for(av.data, k->kind);
	status_msg = kube_protobuf_schema_status(av.data, k->kind);
	kube_buf_clear(&av);
	kube_free(pkg);
	if (cJSON_GetObjectItemCaseSensitive(schemas, def))
		cJSON_DeleteItemFromObjectCaseSensitive(schemas, def); /* shared message: own name */
	s = cJSON_AddObjectToObject(schemas, def);
	if (m) {
		fill_message(schemas, s, m);
	} else {
		char *d = kube_asprintf("%s is served by this API server.", k->kind);
		add_str(s, "description", d);
		kube_free(d);
		add_str(s, "type", "object");
		cJSON_AddObjectToObject(s, "properties");
	}
	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	p = cJSON_CreateObject();
	add_str(p, "description", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.");
	add_str(p, "type", "string");
	cJSON_AddItemToObject(props, "apiVersion", p);
	p = cJSON_CreateObject();
	add_str(p, "description", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.");
	add_str(p, "type", "string");
	cJSON_AddItemToObject(props, "kind", p);
	if (!cJSON_GetObjectItemCaseSensitive(props, "metadata")) {
		p = ref_schema(META "ObjectMeta");
		add_message(schemas, kube_schema_field(kube_schema_for("v1", "Pod"), "metadata", NULL)->message);
		cJSON_AddItemToObject(props, "metadata", p);
	}
	p = cJSON_GetObjectItemCaseSensitive(props, "metadata");
	if (!cJSON_GetObjectItemCaseSensitive(p, "description"))
		add_str(p, "description", "Standard object's metadata.");
	p = cJSON_GetObjectItemCaseSensitive(props, "spec");
	if (p && !cJSON_GetObjectItemCaseSensitive(p, "description")) {
		char *d = kube_asprintf("Specification of the desired behavior of the %s.", k->kind);
		add_str(p, "description", d);
		kube_free(d);
	}
	if (!m) {
		p = cJSON_CreateObject();
		add_str(p, "type", "object");
		cJSON_AddTrueToObject(p, "x-kubernetes-preserve-unknown-fields");
		add_str(p, "description", "Specification of the desired behavior.");
		cJSON_AddItemToObject(props, "spec", p);
	}
	if (status_msg) {
		const char *sdef = add_message(schemas, status_msg);
		p = ref_schema(sdef ? sdef : "io.k8s.unknown");
		add_str(p, "description", "Most recently observed status, populated by the system. Read-only.");
		cJSON_AddItemToObject(p, "default", cJSON_CreateObject());
		cJSON_AddItemToObject(props, "status", p);
	} else if (kube_kinds_subresource(k, "status")) {
		p = cJSON_CreateObject();
		add_str(p, "description", "Most recently observed status, populated by the system. Read-only.");
		add_str(p, "type", "object");
		cJSON_AddTrueToObject(p, "x-kubernetes-preserve-unknown-fields");
		cJSON_AddItemToObject(props, "status", p);
	}
	add_gvk(s, "x-kubernetes-group-version-kind", k, true);
	return def;
}

/* ---- paths ---- */

static cJSON *param(const char *name, const char *in, bool required, const char *desc)
{
	cJSON *p = cJSON_CreateObject(), *sch = cJSON_CreateObject();

	add_str(p, "name", name);
	add_str(p, "in", in);
	add_str(p, "description", desc);
	if (required)
		cJSON_AddTrueToObject(p, "required");
	add_str(sch, "type", "string");
	cJSON_AddItemToObject(sch, "uniqueItems", cJSON_CreateTrue());
	cJSON_AddItemToObject(p, "schema", sch);
	return p;
}

static void write_params(cJSON *params)
{
	cJSON_AddItemToArray(params, param("dryRun", "query", false,
		"When present, indicates that modifications should not be persisted. Valid value: All."));
	cJSON_AddItemToArray(params, param("fieldManager", "query", false,
		"A name associated with the actor or entity that is making these changes."));
	cJSON_AddItemToArray(params, param("fieldValidation", "query", false,
		"How the server handles objects with unknown or duplicate fields: Ignore, Warn (the default) or Strict."));
}

static cJSON *json_response(const char *def, const char *code_desc)
{
	cJSON *r = cJSON_CreateObject(), *c = cJSON_CreateObject(), *j = cJSON_CreateObject();
	char *ref = kube_asprintf(REF_PREFIX "%s", def);
	cJSON *sch = cJSON_CreateObject();

	add_str(sch, "$ref", ref);
	kube_free(ref);
	cJSON_AddItemToObject(j, "schema", sch);
	cJSON_AddItemToObject(c, "application/json", j);
	add_str(r, "description", code_desc);
	cJSON_AddItemToObject(r, "content", c);
	return r;
}

static cJSON *operation(const kube_kind_t *k, const char *def, const char *action, const char *verb_word)
{
	cJSON *op = cJSON_CreateObject(), *resp = cJSON_CreateObject(), *params;
	char *desc = kube_asprintf("%s the specified %s", verb_word, k->kind);

	add_str(op, "description", desc);
	kube_free(desc);
	if (strcmp(action, "get") != 0 && strcmp(action, "list") != 0) {
		params = cJSON_AddArrayToObject(op, "parameters");
		write_params(params);
	}
	if (strcmp(action, "patch") == 0 || strcmp(action, "put") == 0 || strcmp(action, "post") == 0) {
		static const char *const patch_types[] = {
			"application/apply-patch+yaml", "application/json-patch+json",
			"application/merge-patch+json", "application/strategic-merge-patch+json",
		};
		cJSON *rb = cJSON_AddObjectToObject(op, "requestBody"), *c = cJSON_AddObjectToObject(rb, "content");
		char *ref = kube_asprintf(REF_PREFIX "%s", def);
		if (strcmp(action, "patch") == 0) {
			for (size_t i = 0; i < ARRAY_SIZE(patch_types); i++) {
				cJSON *t = cJSON_AddObjectToObject(c, patch_types[i]);
				cJSON *sch = cJSON_AddObjectToObject(t, "schema");
				add_str(sch, "$ref", REF_PREFIX META "Patch");
			}
		} else {
			cJSON *t = cJSON_AddObjectToObject(c, "*/*");
			cJSON *sch = cJSON_AddObjectToObject(t, "schema");
			add_str(sch, "$ref", ref);
		}
		cJSON_AddTrueToObject(rb, "required");
		kube_free(ref);
	}
	cJSON_AddItemToObject(resp, "200", json_response(def, "OK"));
	if (strcmp(action, "post") == 0 || strcmp(action, "patch") == 0)
		cJSON_AddItemToObject(resp, "201", json_response(def, "Created"));
	cJSON_AddItemToObject(op, "responses", resp);
	add_str(op, "x-kubernetes-action", action);
	add_gvk(op, "x-kubernetes-group-version-kind", k, false);
	return op;
}

static void add_paths(cJSON *paths, const kube_kind_t *k, const char *def)
{
	kube_buf_t base = KUBE_BUF_INIT, item = KUBE_BUF_INIT;
	cJSON *p;

	if (*k->group)
		kube_buf_printf(&base, "/apis/%s/%s/", k->group, k->version);
	else
		kube_buf_printf(&base, "/api/%s/", k->version);
	if (k->namespaced)
		kube_buf_puts(&base, "namespaces/{namespace}/");
	kube_buf_puts(&base, k->resource);
	kube_buf_printf(&item, "%s/{name}", base.data);

	p = cJSON_AddObjectToObject(paths, item.data);
	if (kube_kinds_has_verb(k, "get"))
		cJSON_AddItemToObject(p, "get", operation(k, def, "get", "read"));
	if (kube_kinds_has_verb(k, "update"))
		cJSON_AddItemToObject(p, "put", operation(k, def, "put", "replace"));
	if (kube_kinds_has_verb(k, "patch"))
		cJSON_AddItemToObject(p, "patch", operation(k, def, "patch", "partially update"));
	{
		cJSON *params = cJSON_AddArrayToObject(p, "parameters");
		cJSON_AddItemToArray(params, param("name", "path", true, "name of the object"));
		if (k->namespaced)
			cJSON_AddItemToArray(params, param("namespace", "path", true,
				"object name and auth scope, such as for teams and projects"));
	}
	if (kube_kinds_has_verb(k, "create") || kube_kinds_has_verb(k, "list")) {
		p = cJSON_AddObjectToObject(paths, base.data);
		if (kube_kinds_has_verb(k, "create"))
			cJSON_AddItemToObject(p, "post", operation(k, def, "post", "create"));
		if (k->namespaced) {
			cJSON *params = cJSON_AddArrayToObject(p, "parameters");
			cJSON_AddItemToArray(params, param("namespace", "path", true,
				"object name and auth scope, such as for teams and projects"));
		}
	}
	kube_buf_clear(&base);
	kube_buf_clear(&item);
}

int apiserver_openapi_render_gv(kube_buf_t *out, const char *group, const char *version)
{
	size_t n;
	const kube_kind_t *kinds = kube_kinds_all(&n);
	cJSON *doc, *info, *paths, *schemas, *patch;
	char *json;

	if (!kube_kinds_group_version_served(group, version))
		return -ENOENT;
	doc = cJSON_CreateObject();
	add_str(doc, "openapi", "3.0.0");
	info = cJSON_AddObjectToObject(doc, "info");
	add_str(info, "title", "Kubernetes");
	add_str(info, "version", "v1.32.0");
	paths = cJSON_AddObjectToObject(doc, "paths");
	schemas = cJSON_AddObjectToObject(cJSON_AddObjectToObject(doc, "components"), "schemas");
	patch = cJSON_AddObjectToObject(schemas, META "Patch");
	add_str(patch, "description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.");
	add_str(patch, "type", "object");
	for (size_t i = 0; i < n; i++) {
		const kube_kind_t *k = &kinds[i];
		char *def;
		if (strcmp(k->group, group) != 0 || strcmp(k->version, version) != 0)
			continue;
		def = add_kind(schemas, k);
		add_paths(paths, k, def);
		kube_free(def);
	}
	json = cJSON_PrintUnformatted(doc);
	kube_buf_puts(out, json);
	cJSON_free(json);
	cJSON_Delete(doc);
	return 0;
}

/* ---- serving ---- */

typedef struct gv_doc {
	char *path;  /* "api/v1", "apis/apps/v1" */
	char *body;
	size_t len;
	char hash[33];
} gv_doc_t;

static gv_doc_t *docs;
static size_t ndocs;
static char *index_body;
static gv_doc_t v2_json, v2_pb;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static void build(void)
{
	size_t n;
	const kube_group_version_t *gvs = kube_kinds_group_versions(&n);
	kube_buf_t idx = KUBE_BUF_INIT;

	docs = kube_calloc(n, sizeof(*docs));
	kube_buf_puts(&idx, "{\"paths\":{");
	for (size_t i = 0; i < n; i++) {
		kube_buf_t b = KUBE_BUF_INIT;
		gv_doc_t *d = &docs[ndocs++];
		apiserver_openapi_render_gv(&b, gvs[i].group, gvs[i].version);
		d->len = b.len;
		d->body = kube_buf_steal(&b);
		d->path = *gvs[i].group ? kube_asprintf("apis/%s/%s", gvs[i].group, gvs[i].version)
					: kube_asprintf("api/%s", gvs[i].version);
		snprintf(d->hash, sizeof(d->hash), "%016llX%016llX",
			 (unsigned long long)fnv(d->body, d->len, 0xcbf29ce484222325ULL),
			 (unsigned long long)fnv(d->body, d->len, 0x84222325cbf29ce4ULL));
		kube_buf_printf(&idx, "%s\"%s\":{\"serverRelativeURL\":\"/openapi/v3/%s?hash=%s\"}",
				i ? "," : "", d->path, d->path, d->hash);
	}
	kube_buf_puts(&idx, "}}");
	index_body = kube_buf_steal(&idx);
	{
		kube_buf_t j = KUBE_BUF_INIT, pb = KUBE_BUF_INIT;
		apiserver_openapi_render_v2(&j, &pb);
		v2_json.len = j.len;
		v2_json.body = kube_buf_steal(&j);
		v2_pb.len = pb.len;
		v2_pb.body = kube_buf_steal(&pb);
		snprintf(v2_json.hash, sizeof(v2_json.hash), "%016llX",
			 (unsigned long long)fnv(v2_json.body, v2_json.len, 0xcbf29ce484222325ULL));
		snprintf(v2_pb.hash, sizeof(v2_pb.hash), "%016llX",
			 (unsigned long long)fnv(v2_pb.body, v2_pb.len, 0xcbf29ce484222325ULL));
	}
}

static void respond_ct(kube_http_req_t *req, const char *ct, const char *body, size_t len, const char *etag,
		       bool immutable)
{
	const char *inm = kube_http_req_header(req, "If-None-Match");
	char tag[48];

	snprintf(tag, sizeof(tag), "\"%s\"", etag);
	kube_http_resp_header(req, "Etag", tag);
	kube_http_resp_header(req, "Vary", "Accept");
	kube_http_resp_header(req, "Cache-Control", immutable ? "public, immutable" : "no-cache, private");
	if (inm && strcmp(inm, tag) == 0) {
		kube_http_respond(req, 304, ct, "", 0);
		return;
	}
	kube_http_respond(req, 200, ct, body, len);
}

static void respond(kube_http_req_t *req, const char *body, size_t len, const char *etag, bool immutable)
{
	respond_ct(req, "application/json", body, len, etag, immutable);
}

void apiserver_openapi_serve(apiserver_t *s, kube_http_req_t *req, const char *path)
{
	const char *method = kube_http_req_method(req);
	int64_t start = kube_now_ns();

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		apiserver_respond_status(s, req, kube_status_method_not_allowed());
		return;
	}
	pthread_once(&once, build);
	if (strcmp(path, "/openapi/v3") == 0) {
		char tag[17];
		snprintf(tag, sizeof(tag), "%016llX",
			 (unsigned long long)fnv(index_body, strlen(index_body), 0xcbf29ce484222325ULL));
		respond(req, index_body, strlen(index_body), tag, false);
		apiserver_metrics_observe(s, "get", "", 200, start);
		return;
	}
	if (kube_startswith(path, "/openapi/v3/")) {
		const char *gv = path + strlen("/openapi/v3/");
		for (size_t i = 0; i < ndocs; i++) {
			const char *hash;
			if (strcmp(docs[i].path, gv) != 0)
				continue;
			hash = kube_http_req_query_param(req, "hash");
			if (hash && *hash && strcmp(hash, docs[i].hash) != 0) {
				/* an old hash: redirect to the current document, as upstream */
				char *loc = kube_asprintf("/openapi/v3/%s?hash=%s", docs[i].path, docs[i].hash);
				kube_http_resp_header(req, "Location", loc);
				kube_free(loc);
				kube_http_respond(req, 301, "text/plain", "", 0);
				return;
			}
			respond(req, docs[i].body, docs[i].len, docs[i].hash, hash && *hash);
			apiserver_metrics_observe(s, "get", "", 200, start);
			return;
		}
	}
	if (strcmp(path, "/openapi/v2") == 0) {
		const char *accept = kube_http_req_header(req, "Accept");
		if (accept && strstr(accept, "protobuf"))
			respond_ct(req, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
				   v2_pb.body, v2_pb.len, v2_pb.hash, false);
		else
			respond(req, v2_json.body, v2_json.len, v2_json.hash, false);
		apiserver_metrics_observe(s, "get", "", 200, start);
		return;
	}
	/* unknown group/versions */
	apiserver_respond_status(s, req, kube_status_path_not_found());
}
