/* kubectl_auth: `auth can-i` (a SelfSubjectAccessReview) and `explain`
 * (from the server's OpenAPI v3 documents). */
#include <ctype.h>
#include <errno.h>
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

static int explain_run(kubectl_ctx_t *ctx)
{
	const kube_kind_t *k;
	cJSON *index = NULL, *doc = NULL;
	const cJSON *schema, *f;
	char *res, *dot, *path, *gv;
	int rc = 0;

	if (ctx->nargs < 1)
		return kubectl_usage_error(ctx, "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.");
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	res = kube_strdup(ctx->args[0]);
	dot = strchr(res, '.');
	if (dot)
		*dot = 0;
	k = kubectl_discovery_resolve(ctx->disc, res);
	if (!k) {
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
	fprintf(ctx->out, "KIND:       %s\nVERSION:    %s%s%s\n\n", k->kind, k->group, *k->group ? "/" : "", k->version);
	fprintf(ctx->out, "DESCRIPTION:\n    %s\n    \nFIELDS:\n", kube_json_get_str(schema, "description") ?: "<empty>");
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(schema, "properties")) {
		const char *type = kube_json_get_str(f, "type") ?: "Object";

		fprintf(ctx->out, "  %s\t<%s>\n    %s\n\n", f->string, type, kube_json_get_str(f, "description") ?: "");
	}
out:
	kube_free(res);
	cJSON_Delete(index);
	cJSON_Delete(doc);
	return rc;
}

const kubectl_command_t kubectl_cmd_explain = {
	"explain", "Get documentation for a resource", explain_setup, explain_run,
};
