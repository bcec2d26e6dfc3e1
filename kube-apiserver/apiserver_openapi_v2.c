/*
 * apiserver_openapi_v2: /openapi/v2, the Swagger 2.0 view of the same
 * documents (see apiserver_openapi.h). kubectl up to 1.27 reads it (as the
 * gnostic openapi_v2.Document protobuf) to learn that PATCH takes
 * fieldValidation and for its patch metadata; newer ones fall back to it.
 * It is derived from the v3 documents: `allOf:[{$ref}]` becomes `$ref`,
 * `#/components/schemas/` becomes `#/definitions/`, and request bodies
 * become body parameters. Served as JSON, or as protobuf when asked for.
 */
#include "apiserver_openapi.h"

#include <string.h>

#include "api/kube_json.h"

/* ---- v3 -> v2 JSON ---- */

static void rewrite_refs(cJSON *s)
{
	cJSON *c;

	if (cJSON_IsObject(s)) {
		cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
		cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
		cJSON_DeleteItemFromObjectCaseSensitive(s, "default");
		if (cJSON_GetObjectItemCaseSensitive(s, "oneOf")) {
			/* Quantity, IntOrString: v2 has one type */
			cJSON_DeleteItemFromObjectCaseSensitive(s, "oneOf");
			cJSON_AddStringToObject(s, "type", "string");
		}
		if (cJSON_IsArray(all) && cJSON_GetArraySize(all) == 1 &&
		    cJSON_GetObjectItemCaseSensitive(all->child, "$ref")) {
			cJSON *r = cJSON_DetachItemFromObjectCaseSensitive(all->child, "$ref");
			cJSON_DeleteItemFromObjectCaseSensitive(s, "allOf");
			cJSON_AddItemToObject(s, "$ref", r);
			ref = r;
		}
		if (cJSON_IsString(ref) && kube_startswith(ref->valuestring, "#/components/schemas/")) {
			char *v = kube_asprintf("#/definitions/%s", ref->valuestring + strlen("#/components/schemas/"));
			cJSON_SetValuestring(ref, v);
			kube_free(v);
		}
	}
	cJSON_ArrayForEach(c, s)
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			rewrite_refs(c);
}

static cJSON *v2_params(const cJSON *params)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *p;

	cJSON_ArrayForEach(p, params) {
		cJSON *q = cJSON_CreateObject();
		cJSON_AddStringToObject(q, "description", kube_json_get_str(p, "description") ?: "");
		cJSON_AddStringToObject(q, "in", kube_json_get_str(p, "in"));
		cJSON_AddStringToObject(q, "name", kube_json_get_str(p, "name"));
		if (kube_json_get_bool(p, "required", false))
			cJSON_AddTrueToObject(q, "required");
		cJSON_AddStringToObject(q, "type", "string");
		cJSON_AddTrueToObject(q, "uniqueItems");
		cJSON_AddItemToArray(out, q);
	}
	return out;
}

static cJSON *v2_operation(const cJSON *op)
{
	cJSON *o = cJSON_CreateObject(), *params, *resp = cJSON_CreateObject();
	const cJSON *c, *rb = cJSON_GetObjectItemCaseSensitive(op, "requestBody");

	cJSON_AddStringToObject(o, "description", kube_json_get_str(op, "description") ?: "");
	params = v2_params(cJSON_GetObjectItemCaseSensitive(op, "parameters"));
	if (rb) {
		cJSON *body = cJSON_CreateObject(), *consumes = cJSON_CreateArray();
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(rb, "content");
		cJSON_AddStringToObject(body, "in", "body");
		cJSON_AddStringToObject(body, "name", "body");
		cJSON_AddTrueToObject(body, "required");
		cJSON_ArrayForEach(c, content) {
			if (!cJSON_GetObjectItemCaseSensitive(body, "schema"))
				cJSON_AddItemToObject(body, "schema",
						      kube_json_dup(cJSON_GetObjectItemCaseSensitive(c, "schema")));
			if (strcmp(c->string, "*/*") != 0)
				cJSON_AddItemToArray(consumes, cJSON_CreateString(c->string));
		}
		cJSON_InsertItemInArray(params, 0, body);
		if (cJSON_GetArraySize(consumes))
			cJSON_AddItemToObject(o, "consumes", consumes);
		else
			cJSON_Delete(consumes);
	}
	cJSON_AddItemToObject(o, "parameters", params);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "produces"), cJSON_CreateString("application/json"));
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(op, "responses")) {
		cJSON *r = cJSON_AddObjectToObject(resp, c->string);
		const cJSON *sch = kube_json_get(c, "content");
		cJSON_AddStringToObject(r, "description", kube_json_get_str(c, "description") ?: "");
		if (sch && sch->child)
			cJSON_AddItemToObject(r, "schema", kube_json_dup(cJSON_GetObjectItemCaseSensitive(sch->child, "schema")));
	}
	cJSON_AddItemToObject(o, "responses", resp);
	cJSON_ArrayForEach(c, op)
		if (kube_startswith(c->string, "x-"))
			cJSON_AddItemToObject(o, c->string, kube_json_dup(c));
	return o;
}

/* Merge one v3 group/version document into the v2 document. */
static void merge_v3(cJSON *v2, const cJSON *v3)
{
	cJSON *paths = cJSON_GetObjectItemCaseSensitive(v2, "paths");
	cJSON *defs = cJSON_GetObjectItemCaseSensitive(v2, "definitions");
	const cJSON *p, *op;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(v3, "paths")) {
		cJSON *item = cJSON_AddObjectToObject(paths, p->string);
		cJSON_ArrayForEach(op, p) {
			if (strcmp(op->string, "parameters") == 0)
				cJSON_AddItemToObject(item, "parameters", v2_params(op));
			else
				cJSON_AddItemToObject(item, op->string, v2_operation(op));
		}
	}
	cJSON_ArrayForEach(p, kube_json_get(v3, "components.schemas"))
		if (!cJSON_GetObjectItemCaseSensitive(defs, p->string))
			cJSON_AddItemToObject(defs, p->string, kube_json_dup(p));
}

/* ---- gnostic openapi_v2 protobuf ---- */

static void pb_varint(kube_buf_t *b, uint64_t v)
{
	while (v >= 0x80) {
		kube_buf_putc(b, (char)(v | 0x80));
		v >>= 7;
	}
	kube_buf_putc(b, (char)v);
}

static void pb_bytes(kube_buf_t *b, unsigned field, const void *data, size_t len)
{
	pb_varint(b, field << 3 | 2);
	pb_varint(b, len);
	kube_buf_append(b, data, len);
}

static void pb_str(kube_buf_t *b, unsigned field, const char *s)
{
	if (s && *s)
		pb_bytes(b, field, s, strlen(s));
}

static void pb_bool(kube_buf_t *b, unsigned field, bool v)
{
	if (v) {
		pb_varint(b, field << 3);
		pb_varint(b, 1);
	}
}

/* Append sub as a length-delimited field and clear it. */
static void pb_msg(kube_buf_t *b, unsigned field, kube_buf_t *sub)
{
	pb_bytes(b, field, sub->data ? sub->data : "", sub->len);
	kube_buf_clear(sub);
}

static void yaml_scalar(kube_buf_t *y, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		if (!*v->valuestring)
			kube_buf_puts(y, "\"\"");
		else
			kube_buf_puts(y, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		kube_buf_puts(y, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		kube_json_number_buf(y, v->valuedouble);
	} else {
		kube_buf_puts(y, "null");
	}
}

/* The YAML text gnostic keeps for extension values (flat shapes only). */
static void yaml_value(kube_buf_t *y, const cJSON *v)
{
	const cJSON *c, *e;

	if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(c, v) {
			kube_buf_printf(y, "%s: ", c->string);
			yaml_scalar(y, c);
			kube_buf_putc(y, '\n');
		}
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v) {
			bool first = true;
			if (!cJSON_IsObject(e)) {
				kube_buf_puts(y, "- ");
				yaml_scalar(y, e);
				kube_buf_putc(y, '\n');
				continue;
			}
			cJSON_ArrayForEach(c, e) {
				kube_buf_printf(y, "%s%s: ", first ? "- " : "  ", c->string);
				yaml_scalar(y, c);
				kube_buf_putc(y, '\n');
				first = false;
			}
		}
	} else {
		yaml_scalar(y, v);
		kube_buf_putc(y, '\n');
	}
}

static void pb_any(kube_buf_t *b, unsigned field, const cJSON *v)
{
	kube_buf_t any = KUBE_BUF_INIT, y = KUBE_BUF_INIT;

	yaml_value(&y, v);
	pb_str(&any, 2, y.data);
	kube_buf_clear(&y);
	pb_msg(b, field, &any);
}

static void pb_extensions(kube_buf_t *b, unsigned field, const cJSON *obj)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, obj) {
		kube_buf_t na = KUBE_BUF_INIT;
		if (!kube_startswith(c->string, "x-"))
			continue;
		pb_str(&na, 1, c->string);
		pb_any(&na, 2, c);
		pb_msg(b, field, &na);
	}
}

static void pb_schema(kube_buf_t *b, const cJSON *s)
{
	const cJSON *c;

	pb_str(b, 1, kube_json_get_str(s, "$ref"));
	pb_str(b, 2, kube_json_get_str(s, "format"));
	pb_str(b, 4, kube_json_get_str(s, "description"));
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s, "required"))
		pb_str(b, 19, c->valuestring);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s, "enum"))
		pb_any(b, 20, c);
	if ((c = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties"))) {
		kube_buf_t api = KUBE_BUF_INIT, sub = KUBE_BUF_INIT;
		if (cJSON_IsObject(c)) {
			pb_schema(&sub, c);
			pb_msg(&api, 1, &sub);
		} else {
			pb_bool(&api, 2, cJSON_IsTrue(c));
		}
		pb_msg(b, 21, &api);
	}
	if (kube_json_get_str(s, "type")) {
		kube_buf_t t = KUBE_BUF_INIT;
		pb_str(&t, 1, kube_json_get_str(s, "type"));
		pb_msg(b, 22, &t);
	}
	if ((c = cJSON_GetObjectItemCaseSensitive(s, "items"))) {
		kube_buf_t it = KUBE_BUF_INIT, sub = KUBE_BUF_INIT;
		pb_schema(&sub, c);
		pb_msg(&it, 1, &sub);
		pb_msg(b, 23, &it);
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s, "allOf")) {
		kube_buf_t sub = KUBE_BUF_INIT;
		pb_schema(&sub, c);
		pb_msg(b, 24, &sub);
	}
	if ((c = cJSON_GetObjectItemCaseSensitive(s, "properties"))) {
		kube_buf_t props = KUBE_BUF_INIT;
		const cJSON *p;
		cJSON_ArrayForEach(p, c) {
			kube_buf_t ns = KUBE_BUF_INIT, sub = KUBE_BUF_INIT;
			pb_str(&ns, 1, p->string);
			pb_schema(&sub, p);
			pb_msg(&ns, 2, &sub);
			pb_msg(&props, 1, &ns);
		}
		pb_msg(b, 25, &props);
	}
	pb_extensions(b, 31, s);
}

static void pb_parameter(kube_buf_t *b, const cJSON *p)
{
	kube_buf_t item = KUBE_BUF_INIT, param = KUBE_BUF_INIT, sub = KUBE_BUF_INIT, nb = KUBE_BUF_INIT;
	const char *in = kube_json_get_str(p, "in");
	bool required = kube_json_get_bool(p, "required", false);

	if (strcmp(in, "body") == 0) {
		kube_buf_t sch = KUBE_BUF_INIT;
		pb_str(&sub, 1, kube_json_get_str(p, "description"));
		pb_str(&sub, 2, kube_json_get_str(p, "name"));
		pb_str(&sub, 3, in);
		pb_bool(&sub, 4, required);
		pb_schema(&sch, cJSON_GetObjectItemCaseSensitive(p, "schema"));
		pb_msg(&sub, 5, &sch);
		pb_msg(&param, 1, &sub);
	} else {
		bool path = strcmp(in, "path") == 0;
		pb_bool(&sub, 1, required);
		pb_str(&sub, 2, in);
		pb_str(&sub, 3, kube_json_get_str(p, "description"));
		pb_str(&sub, 4, kube_json_get_str(p, "name"));
		pb_str(&sub, path ? 5 : 6, kube_json_get_str(p, "type"));
		pb_bool(&sub, path ? 19 : 20, kube_json_get_bool(p, "uniqueItems", false));
		pb_msg(&nb, path ? 4 : 3, &sub);
		pb_msg(&param, 2, &nb);
	}
	pb_msg(&item, 1, &param);
	pb_msg(b, 8, &item);
}

static void pb_operation(kube_buf_t *b, const cJSON *op)
{
	const cJSON *c;

	pb_str(b, 3, kube_json_get_str(op, "description"));
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(op, "produces"))
		pb_str(b, 6, c->valuestring);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(op, "consumes"))
		pb_str(b, 7, c->valuestring);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(op, "parameters"))
		pb_parameter(b, c);
	if ((c = cJSON_GetObjectItemCaseSensitive(op, "responses"))) {
		kube_buf_t resps = KUBE_BUF_INIT;
		const cJSON *r;
		cJSON_ArrayForEach(r, c) {
			kube_buf_t nrv = KUBE_BUF_INIT, rv = KUBE_BUF_INIT, resp = KUBE_BUF_INIT;
			const cJSON *sch = cJSON_GetObjectItemCaseSensitive(r, "schema");
			pb_str(&resp, 1, kube_json_get_str(r, "description"));
			if (sch) {
				kube_buf_t si = KUBE_BUF_INIT, s = KUBE_BUF_INIT;
				pb_schema(&s, sch);
				pb_msg(&si, 1, &s);
				pb_msg(&resp, 2, &si);
			}
			pb_msg(&rv, 1, &resp);
			pb_str(&nrv, 1, r->string);
			pb_msg(&nrv, 2, &rv);
			pb_msg(&resps, 1, &nrv);
		}
		pb_msg(b, 9, &resps);
	}
	pb_extensions(b, 13, op);
}

static void pb_document(kube_buf_t *b, const cJSON *doc)
{
	kube_buf_t info = KUBE_BUF_INIT, paths = KUBE_BUF_INIT, defs = KUBE_BUF_INIT;
	static const struct { const char *name; unsigned field; } ops[] = {
		{ "get", 2 }, { "put", 3 }, { "post", 4 }, { "delete", 5 }, { "patch", 8 },
	};
	const cJSON *p, *c;

	pb_str(b, 1, kube_json_get_str(doc, "swagger"));
	pb_str(&info, 1, kube_json_get_str(doc, "info.title"));
	pb_str(&info, 2, kube_json_get_str(doc, "info.version"));
	pb_msg(b, 2, &info);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "paths")) {
		kube_buf_t npi = KUBE_BUF_INIT, pi = KUBE_BUF_INIT;
		for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
			kube_buf_t op = KUBE_BUF_INIT;
			if (!(c = cJSON_GetObjectItemCaseSensitive(p, ops[i].name)))
				continue;
			pb_operation(&op, c);
			pb_msg(&pi, ops[i].field, &op);
		}
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(p, "parameters")) {
			/* path-level parameters: field 9, ParametersItem */
			kube_buf_t tmp = KUBE_BUF_INIT;
			pb_parameter(&tmp, c); /* encodes as field 8; re-tag as 9 */
			if (tmp.len > 0) {
				tmp.data[0] = (char)(9 << 3 | 2);
				kube_buf_append(&pi, tmp.data, tmp.len);
			}
			kube_buf_clear(&tmp);
		}
		pb_str(&npi, 1, p->string);
		pb_msg(&npi, 2, &pi);
		pb_msg(&paths, 2, &npi);
	}
	pb_msg(b, 8, &paths);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "definitions")) {
		kube_buf_t ns = KUBE_BUF_INIT, s = KUBE_BUF_INIT;
		pb_str(&ns, 1, p->string);
		pb_schema(&s, p);
		pb_msg(&ns, 2, &s);
		pb_msg(&defs, 1, &ns);
	}
	pb_msg(b, 9, &defs);
}

/* ---- public ---- */

int apiserver_openapi_render_v2(kube_buf_t *json_out, kube_buf_t *pb_out)
{
	size_t n;
	const kube_group_version_t *gvs = kube_kinds_group_versions(&n);
	cJSON *v2 = cJSON_CreateObject(), *info;
	char *text;

	cJSON_AddStringToObject(v2, "swagger", "2.0");
	info = cJSON_AddObjectToObject(v2, "info");
	cJSON_AddStringToObject(info, "title", "Kubernetes");
	cJSON_AddStringToObject(info, "version", "v1.32.0");
	cJSON_AddObjectToObject(v2, "paths");
	cJSON_AddObjectToObject(v2, "definitions");
	for (size_t i = 0; i < n; i++) {
		kube_buf_t b = KUBE_BUF_INIT;
		cJSON *v3;
		apiserver_openapi_render_gv(&b, gvs[i].group, gvs[i].version);
		v3 = kube_json_parse(b.data, b.len);
		kube_buf_clear(&b);
		if (v3)
			merge_v3(v2, v3);
		cJSON_Delete(v3);
	}
	rewrite_refs(cJSON_GetObjectItemCaseSensitive(v2, "paths"));
	rewrite_refs(cJSON_GetObjectItemCaseSensitive(v2, "definitions"));
	text = cJSON_PrintUnformatted(v2);
	kube_buf_puts(json_out, text);
	cJSON_free(text);
	pb_document(pb_out, v2);
	cJSON_Delete(v2);
	return 0;
}
