/* kubectl_auth: `auth can-i` (a SelfSubjectAccessReview) and `explain`
 * (from the server's OpenAPI v3 documents). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"

static struct {
	bool quiet, all_namespaces, recursive;
	char *subresource, *api_version;
} au;

static void auth_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "quiet", 'q', &au.quiet, "If true, suppress output and just return the exit code.");
	kube_flag_bool(fs, "all-namespaces", 'A', &au.all_namespaces, "If true, check the specified action in all namespaces.");
	kube_flag_string(fs, "subresource", 0, &au.subresource, "SubResource such as pod/log or deployment/scale");
	kube_flag_ignored(fs, "list", true, "If true, prints all allowed actions.");
	kube_flag_ignored(fs, "no-headers", true, "If true, prints allowed actions without headers");
}

/* POST a body to path; 0 with *ret, or 1 after reporting. */
static int post_json(kubectl_ctx_t *ctx, const char *path, const cJSON *body, cJSON **ret)
{
	char *text = kube_json_compact(body), *rb = NULL;
	kube_client_raw_t req = { .method = "POST", .path = path, .body = text };
	size_t len = 0;
	int code = 0, r = kube_client_raw(ctx->client, &req, &code, &rb, &len);

	kube_free(text);
	if (r < 0)
		return kubectl_report(ctx, r, NULL, NULL);
	if (code / 100 != 2) {
		kube_client_status_t st = { .code = code };
		cJSON *j = kube_json_parse(rb ? rb : "", len);

		st.reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st.message = kube_strdup(kube_json_get_str(j, "message") ?: "the server could not find the requested resource");
		cJSON_Delete(j);
		kube_free(rb);
		kubectl_report(ctx, -EIO, &st, NULL);
		kube_client_status_clear(&st);
		return 1;
	}
	*ret = kube_json_parse(rb ? rb : "", len);
	kube_free(rb);
	return *ret ? 0 : kubectl_errorf(ctx, "invalid answer from %s", path);
}

static int can_i(kubectl_ctx_t *ctx)
{
	const char *verb, *what, *name;
	cJSON *rev, *ret = NULL, *ra;
	int rc;

	if (ctx->nargs < 3) {
		fprintf(ctx->err, "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n");
		return 1;
	}
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	verb = ctx->args[1];
	what = ctx->args[2];
	name = ctx->nargs > 3 ? ctx->args[3] : NULL;
	rev = cJSON_CreateObject();
	cJSON_AddStringToObject(rev, "apiVersion", "authorization.k8s.io/v1");
	cJSON_AddStringToObject(rev, "kind", "SelfSubjectAccessReview");
	ra = cJSON_CreateObject();
	if (what[0] == '/') {
		kube_json_set(rev, "spec.nonResourceAttributes", ra);
		cJSON_AddStringToObject(ra, "path", what);
		cJSON_AddStringToObject(ra, "verb", verb);
	} else {
		char *res = kube_strdup(what), *slash = strchr(res, '/');
		const kube_kind_t *k;

		if (slash) {
			*slash = 0;
			name = slash + 1;
		}
		k = kubectl_discovery_resolve(ctx->disc, res);
		if (!k)
			fprintf(ctx->err, "Warning: the server doesn't have a resource type '%s'\n\n", res);
		kube_json_set(rev, "spec.resourceAttributes", ra);
		if (!au.all_namespaces && (!k || k->namespaced))
			cJSON_AddStringToObject(ra, "namespace", ctx->ns);
		cJSON_AddStringToObject(ra, "verb", verb);
		cJSON_AddStringToObject(ra, "group", k ? k->group : "");
		cJSON_AddStringToObject(ra, "resource", k ? k->resource : res);
		if (au.subresource)
			cJSON_AddStringToObject(ra, "subresource", au.subresource);
		if (name)
			cJSON_AddStringToObject(ra, "name", name);
		kube_free(res);
	}
	rc = post_json(ctx, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", rev, &ret);
	cJSON_Delete(rev);
	if (rc)
		return rc;
	if (kube_json_get_bool(ret, "status.allowed", false)) {
		if (!au.quiet)
			fprintf(ctx->out, "yes\n");
		rc = 0;
	} else {
		if (!au.quiet) {
			const char *why = kube_json_get_str(ret, "status.reason");

			fprintf(ctx->out, "no%s%s\n", why && *why ? " - " : "", why && *why ? why : "");
		}
		rc = 1;
	}
	cJSON_Delete(ret);
	return rc;
}

static int auth_run(kubectl_ctx_t *ctx)
{
	const char *sub = ctx->nargs ? ctx->args[0] : "";

	if (!kubectl_ctx_client(ctx))
		return 1;
	if (strcmp(sub, "can-i") == 0)
		return can_i(ctx);
	if (strcmp(sub, "whoami") == 0) {
		fprintf(ctx->err, "error: the selfsubjectreviews API is not enabled in the cluster\n"
				  "enable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API\n");
		return 1;
	}
	return kubectl_errorf(ctx, "unknown command \"%s\" for \"kubectl auth\"", sub);
}

const kubectl_command_t kubectl_cmd_auth = {
	"auth", "Inspect authorization", auth_setup, auth_run,
};

/* ---- explain ------------------------------------------------------------ */

static void explain_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "recursive", 0, &au.recursive, "When true, print the name of all the fields recursively.");
	kube_flag_string(fs, "api-version", 0, &au.api_version, "Use given api-version (group/version) of the resource.");
	kube_flag_ignored(fs, "output", false, "Format in which to render the schema.");
}

static const cJSON *schema_for(const cJSON *doc, const kube_kind_t *k)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, kube_json_get(doc, "components.schemas")) {
		const cJSON *g;

		cJSON_ArrayForEach(g, cJSON_GetObjectItem(s, "x-kubernetes-group-version-kind"))
			if (kube_streq(kube_json_get_str(g, "kind"), k->kind) &&
			    kube_streq(kube_json_get_str(g, "group"), k->group) &&
			    kube_streq(kube_json_get_str(g, "version"), k->version))
				return s;
	}
	return NULL;
}

/* The schema a property points at ($ref, or allOf with one $ref), or the
 * property itself; *ret_name gets the last component of the ref's name. */
static const cJSON *schema_deref(const cJSON *doc, const cJSON *p, const char **ret_name)
{
	const cJSON *all = cJSON_GetObjectItem(p, "allOf");
	const char *ref = kube_json_get_str(p, "$ref");
	const char *name;

	if (!ref && cJSON_IsArray(all) && cJSON_GetArraySize(all) == 1)
		ref = kube_json_get_str(all->child, "$ref");
	if (ret_name)
		*ret_name = NULL;
	if (!ref)
		return p;
	name = strrchr(ref, '/');
	name = name ? name + 1 : ref;
	if (ret_name) {
		const char *dot = strrchr(name, '.');
		*ret_name = dot ? dot + 1 : name;
	}
	return cJSON_GetObjectItem(kube_json_get(doc, "components.schemas"), name);
}

/* kubectl's type names: string, []Container, map[string]Quantity, Object. */
static void type_name(const cJSON *doc, const cJSON *p, bool prim_refs, kube_buf_t *out)
{
	const char *ref, *type;

	p = schema_deref(doc, p, &ref);
	type = kube_json_get_str(p, "type");
	/* --recursive names a ref to a primitive (Time) by its type */
	if (ref && !(prim_refs && type && !kube_streq(type, "object") && !kube_streq(type, "array"))) {
		kube_buf_puts(out, ref);
		return;
	}
	if (kube_streq(type, "array")) {
		kube_buf_puts(out, "[]");
		type_name(doc, cJSON_GetObjectItem(p, "items"), prim_refs, out);
	} else if (kube_streq(type, "object") && cJSON_IsObject(cJSON_GetObjectItem(p, "additionalProperties"))) {
		kube_buf_puts(out, "map[string]");
		type_name(doc, cJSON_GetObjectItem(p, "additionalProperties"), prim_refs, out);
	} else if (type && !kube_streq(type, "object")) {
		kube_buf_puts(out, type);
	} else {
		kube_buf_puts(out, "Object");
	}
}

/* The schema a field's values have: through refs, array items and map values. */
static const cJSON *value_schema(const cJSON *doc, const cJSON *p)
{
	for (int i = 0; p && i < 8; i++) {
		const char *type;

		p = schema_deref(doc, p, NULL);
		type = kube_json_get_str(p, "type");
		if (kube_streq(type, "array"))
			p = cJSON_GetObjectItem(p, "items");
		else if (kube_streq(type, "object") && cJSON_IsObject(cJSON_GetObjectItem(p, "additionalProperties")))
			p = cJSON_GetObjectItem(p, "additionalProperties");
		else
			return p;
	}
	return p;
}

/* Word-wrap text at 76 columns, each line indented by 4, as kubectl does. */
static void put_wrapped(FILE *out, const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		while (len > 76) {
			size_t cut = 76;

			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				for (cut = 76; cut < len && text[cut] != ' '; cut++)
					;
			fprintf(out, "    %.*s\n", (int)cut, text);
			while (cut < len && text[cut] == ' ')
				cut++;
			text += cut;
			len -= cut;
		}
		fprintf(out, "    %.*s\n", (int)len, text);
		text += len;
		if (*text == '\n')
			text++;
	}
}

/* "  enum: a, b" under a field, at its indent. */
static void put_enum(FILE *out, const cJSON *enums, int indent)
{
	const cJSON *e;

	if (!cJSON_IsArray(enums))
		return;
	int i = 0;

	fprintf(out, "%*senum: ", indent, "");
	/* as upstream: four values at most, then ", ...." */
	cJSON_ArrayForEach(e, enums) {
		if (i++ == 4) {
			fputs(", ....", out);
			break;
		}
		fprintf(out, "%s%s", e == enums->child ? "" : ", ", cJSON_IsString(e) ? e->valuestring : "");
	}
	fputc('\n', out);
}

static int cmp_json_names(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* The properties of schema, sorted by name (caller frees the array). */
static const cJSON **sorted_props(const cJSON *schema, size_t *ret_n)
{
	const cJSON *props = cJSON_GetObjectItem(schema, "properties"), *f;
	const cJSON **v = kube_calloc((size_t)cJSON_GetArraySize(props) + 1, sizeof(*v));
	size_t n = 0;

	cJSON_ArrayForEach(f, props)
		v[n++] = f;
	qsort(v, n, sizeof(*v), cmp_json_names);
	*ret_n = n;
	return v;
}

static bool is_required(const cJSON *schema, const char *name)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(schema, "required"))
		if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
			return true;
	return false;
}

static void explain_recursive(FILE *out, const cJSON *doc, const cJSON *schema, int depth)
{
	size_t n;
	const cJSON **props;

	if (depth > 12)
		return;
	props = sorted_props(schema, &n);
	for (size_t i = 0; i < n; i++) {
		kube_buf_t t = KUBE_BUF_INIT;
		const cJSON *enums = cJSON_GetObjectItem(schema_deref(doc, props[i], NULL), "enum");

		type_name(doc, props[i], true, &t);
		fprintf(out, "%*s%s\t<%s>%s\n", 2 * depth + 2, "", props[i]->string, kube_buf_str(&t),
			is_required(schema, props[i]->string) ? " -required-" : "");
		kube_buf_clear(&t);
		put_enum(out, enums, 2 * depth + 2);
		explain_recursive(out, doc, value_schema(doc, props[i]), depth + 1);
	}
	kube_free(props);
}

static int explain_run(kubectl_ctx_t *ctx)
{
	const kube_kind_t *k;
	cJSON *index = NULL, *doc = NULL;
	const cJSON *schema, *field = NULL;
	char *res, *dot, *path, *gv, *fname = NULL;
	int rc = 0;

	if (ctx->nargs < 1)
		return kubectl_usage_error(ctx, "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.");
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	res = kube_strdup(ctx->args[0]);
	/* the longest prefix naming a resource ("deployments.apps"), then fields */
	k = NULL;
	dot = NULL;
	for (char *cut = res + strlen(res); cut && !k;) {
		char saved = *cut;

		*cut = 0;
		k = kubectl_discovery_resolve(ctx->disc, res);
		*cut = saved;
		if (k) {
			dot = *cut ? cut + 1 : NULL;
			*cut = 0;
			break;
		}
		while (cut > res && *--cut != '.')
			;
		if (cut == res)
			cut = NULL;
	}
	if (!k) {
		dot = strchr(res, '.');
		if (dot)
			*dot = 0;
		/* upstream prints this one without "error: " */
		fprintf(ctx->err, "the server doesn't have a resource type \"%s\"\n", res);
		rc = 1;
		goto out;
	}
	if (kubectl_get_json(ctx, "/openapi/v3", NULL, &index)) {
		rc = 1;
		goto out;
	}
	gv = *k->group ? kube_asprintf("apis/%s/%s", k->group, k->version) : kube_asprintf("api/%s", k->version);
	path = kube_strdup(kube_json_get_str(cJSON_GetObjectItem(kube_json_get(index, "paths"), gv), "serverRelativeURL") ?: "");
	kube_free(gv);
	if (!*path || kubectl_get_json(ctx, path, NULL, &doc)) {
		if (!*path)
			rc = kubectl_errorf(ctx, "couldn't find resource for \"%s\"", ctx->args[0]);
		else
			rc = 1;
		kube_free(path);
		goto out;
	}
	kube_free(path);
	schema = schema_for(doc, k);
	if (*k->group)
		fprintf(ctx->out, "GROUP:      %s\n", k->group);
	fprintf(ctx->out, "KIND:       %s\nVERSION:    %s\n\n", k->kind, k->version);
	fflush(ctx->out);
	/* walk the field path: pod.spec.containers */
	for (char *seg = dot, *next; seg && *seg; seg = next) {
		next = strchr(seg, '.');
		if (next)
			*next++ = 0;
		field = cJSON_GetObjectItem(cJSON_GetObjectItem(schema, "properties"), seg);
		if (!field) {
			rc = kubectl_errorf(ctx, "field \"%s\" does not exist", seg);
			goto out;
		}
		kube_free(fname);
		fname = kube_strdup(seg);
		schema = value_schema(doc, field);
	}
	if (field) {
		kube_buf_t t = KUBE_BUF_INIT;
		const cJSON *e, *enums = cJSON_GetObjectItem(schema_deref(doc, field, NULL), "enum");

		type_name(doc, field, true, &t);
		fprintf(ctx->out, "FIELD: %s <%s>\n", fname, kube_buf_str(&t));
		kube_buf_clear(&t);
		if (cJSON_IsArray(enums)) {
			fputs("ENUM:\n", ctx->out);
			cJSON_ArrayForEach(e, enums)
				if (cJSON_IsString(e))
					fprintf(ctx->out, "    %s\n", e->valuestring);
		} else {
			fputc('\n', ctx->out);
		}
		fputc('\n', ctx->out);
	}
	fputs("DESCRIPTION:\n", ctx->out);
	if (field) {
		const char *ref;

		put_wrapped(ctx->out, kube_json_get_str(field, "description"));
		schema_deref(doc, field, &ref);
		if (!ref) /* arrays and maps of a type: that type's description too */
			ref = "";
		if (schema != field && schema != schema_deref(doc, field, NULL))
			put_wrapped(ctx->out, kube_json_get_str(schema, "description"));
		else if (*ref)
			put_wrapped(ctx->out, kube_json_get_str(schema, "description"));
	} else if (kube_json_get_str(schema, "description")) {
		put_wrapped(ctx->out, kube_json_get_str(schema, "description"));
	} else {
		fputs("    <empty>\n", ctx->out); /* and, as upstream, no blank line */
	}
	if (field || kube_json_get_str(schema, "description"))
		fputs("    \n", ctx->out);
	if (cJSON_GetObjectItem(schema, "properties")) {
		size_t n;
		const cJSON **props;

		fputs("FIELDS:\n", ctx->out);
		if (au.recursive) {
			explain_recursive(ctx->out, doc, schema, 0);
		} else {
			props = sorted_props(schema, &n);
			for (size_t i = 0; i < n; i++) {
				kube_buf_t t = KUBE_BUF_INIT;
				const cJSON *enums = cJSON_GetObjectItem(schema_deref(doc, props[i], NULL), "enum");

				type_name(doc, props[i], true, &t);
				fprintf(ctx->out, "  %s\t<%s>%s\n", props[i]->string, kube_buf_str(&t),
					is_required(schema, props[i]->string) ? " -required-" : "");
				kube_buf_clear(&t);
				put_enum(ctx->out, enums, 2);
				put_wrapped(ctx->out, kube_json_get_str(props[i], "description") ?: "<no description>");
				fputc('\n', ctx->out);
			}
			kube_free(props);
		}
	}
	fputc('\n', ctx->out);
out:
	kube_free(res);
	kube_free(fname);
	cJSON_Delete(index);
	cJSON_Delete(doc);
	return rc;
}

const kubectl_command_t kubectl_cmd_explain = {
	"explain", "Get documentation for a resource", explain_setup, explain_run,
};
