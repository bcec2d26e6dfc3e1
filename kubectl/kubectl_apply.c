/* kubectl_apply: client-side apply with the last-applied annotation. */
#include "kubectl_apply.h"

#include <errno.h>
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_cmd.h"
#include "kubectl_discovery.h"
#include "kubectl_manifest.h"

bool kubectl_json_contained(const cJSON *sub, const cJSON *sup)
{
	const cJSON *c;

	if (!sup)
		return false;
	if (cJSON_IsObject(sub)) {
		if (!cJSON_IsObject(sup))
			return false;
		cJSON_ArrayForEach(c, sub)
			if (!kubectl_json_contained(c, cJSON_GetObjectItemCaseSensitive(sup, c->string)))
				return false;
		return true;
	}
	if (cJSON_IsArray(sub)) {
		int i = 0;

		if (!cJSON_IsArray(sup) || cJSON_GetArraySize(sub) != cJSON_GetArraySize(sup))
			return false;
		cJSON_ArrayForEach(c, sub)
			if (!kubectl_json_contained(c, cJSON_GetArrayItem(sup, i++)))
				return false;
		return true;
	}
	return kube_json_equal(sub, sup);
}

cJSON *kubectl_three_way_patch(const cJSON *original, const cJSON *modified, const cJSON *current)
{
	cJSON *patch = cJSON_CreateObject();
	const cJSON *c;

	cJSON_ArrayForEach(c, modified) {
		const cJSON *cur = cJSON_IsObject(current) ? cJSON_GetObjectItemCaseSensitive(current, c->string) : NULL;
		const cJSON *orig = cJSON_IsObject(original) ? cJSON_GetObjectItemCaseSensitive(original, c->string) : NULL;

		if (cJSON_IsObject(c) && cJSON_IsObject(cur)) {
			cJSON *sub = kubectl_three_way_patch(orig, c, cur);

			if (sub->child)
				cJSON_AddItemToObject(patch, c->string, sub);
			else
				cJSON_Delete(sub);
			continue;
		}
		if (cJSON_IsNull(c)) {
			if (cur)
				cJSON_AddItemToObject(patch, c->string, cJSON_CreateNull());
			continue;
		}
		if (!kubectl_json_contained(c, cur))
			cJSON_AddItemToObject(patch, c->string, kube_json_dup(c));
	}
	/* deletions: in original, gone from modified, still live */
	cJSON_ArrayForEach(c, original) {
		if (!c->string || cJSON_GetObjectItemCaseSensitive(modified, c->string))
			continue;
		if (cJSON_IsObject(current) && cJSON_GetObjectItemCaseSensitive(current, c->string))
			cJSON_AddItemToObject(patch, c->string, cJSON_CreateNull());
	}
	return patch;
}

void kubectl_set_last_applied(cJSON *obj)
{
	cJSON *copy = kube_json_dup(obj), *ann;
	char *text, *val;

	ann = kube_json_get(copy, "metadata.annotations");
	if (cJSON_IsObject(ann))
		cJSON_DeleteItemFromObjectCaseSensitive(ann, KUBECTL_LAST_APPLIED);
	else
		kube_json_set(copy, "metadata.annotations", cJSON_CreateObject());
	text = kube_json_canonical(copy);
	val = kube_asprintf("%s\n", text);
	ann = kube_json_get(obj, "metadata.annotations");
	if (!cJSON_IsObject(ann)) {
		kube_json_set(obj, "metadata.annotations", cJSON_CreateObject());
		ann = kube_json_get(obj, "metadata.annotations");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(ann, KUBECTL_LAST_APPLIED);
	cJSON_AddItemToObject(ann, KUBECTL_LAST_APPLIED, cJSON_CreateString(val));
	kube_free(val);
	kube_free(text);
	cJSON_Delete(copy);
}

static struct {
	kube_strv_t filename;
	bool recursive, server_side, force_conflicts;
	char *output, *field_manager, *dry_run;
} aopt = { .field_manager = "kubectl" };

static void apply_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_list(fs, "filename", &aopt.filename, "The files that contain the configurations to apply.");
	kube_flag_set_shorthand(fs, "filename", 'f');
	kube_flag_bool(fs, "recursive", 'R', &aopt.recursive, "Process the directory used in -f, --filename recursively.");
	kube_flag_bool(fs, "server-side", 0, &aopt.server_side, "If true, apply runs in the server instead of the client.");
	kube_flag_bool(fs, "force-conflicts", 0, &aopt.force_conflicts, "If true, server-side apply will force the changes against conflicts.");
	kube_flag_string(fs, "output", 'o', &aopt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_string(fs, "field-manager", 0, &aopt.field_manager, "Name of the manager used to track field ownership.");
	kube_flag_ignored_default(fs, "validate", NULL, "strict", "Must be one of: strict (or true), warn, ignore (or false).");
	kube_flag_string(fs, "dry-run", 0, &aopt.dry_run, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "prune", true, "Automatically delete resource objects.");
	kube_flag_ignored(fs, "overwrite", true, "Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration");
	kube_flag_ignored(fs, "selector", false, "Selector (label query) to filter on.");
}

static void say(kubectl_ctx_t *ctx, const kubectl_mobj_t *o, const char *name, const char *verb)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kubectl_mobj_ref(o, &b);
	if (kube_streq(aopt.output, "name"))
		fprintf(ctx->out, "%s/%s\n", kube_buf_str(&b), name);
	else
		fprintf(ctx->out, "%s/%s %s%s\n", kube_buf_str(&b), name, verb,
			kube_streq(aopt.dry_run, "client") ? " (dry run)" :
			kube_streq(aopt.dry_run, "server") ? " (server dry run)" : "");
	kube_buf_clear(&b);
}

/* POST with ?dryRun=All. */
static int dry_run_create(kubectl_ctx_t *ctx, const kubectl_mobj_t *o, kube_client_status_t *st)
{
	char *path = kube_client_path(o->k, o->ns, NULL, NULL, "dryRun=All");
	char *body = kube_json_compact(o->obj), *rb = NULL;
	kube_client_raw_t req = { .method = "POST", .path = path, .body = body };
	int code = 0, r = kube_client_raw(ctx->client, &req, &code, &rb, NULL);

	if (r == 0 && code / 100 != 2) {
		cJSON *j = kube_json_parse(rb ? rb : "", rb ? strlen(rb) : 0);

		st->code = code;
		st->reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st->message = kube_strdup(kube_json_get_str(j, "message") ?: "");
		r = kube_client_errno(code, st->reason);
		cJSON_Delete(j);
	}
	kube_free(rb);
	kube_free(body);
	kube_free(path);
	return r;
}

static int apply_one(kubectl_ctx_t *ctx, kubectl_mobj_t *o)
{
	const char *name = kube_json_get_str(o->obj, "metadata.name");
	kube_client_status_t st = { 0 };
	cJSON *cur = NULL, *ret = NULL, *orig = NULL, *patch;
	char *prefix = NULL;
	int r, rc = 0;

	if (!name || !*name)
		return kubectl_errorf(ctx, "error when retrieving current configuration of:\nResource: \"%s\", from \"%s\": resource name may not be empty", o->k->resource, o->source);
	if (o->ns && !kube_json_get_str(o->obj, "metadata.namespace"))
		kube_json_set_str(o->obj, "metadata.namespace", o->ns);
	if (aopt.server_side) {
		char *body = kube_json_compact(o->obj);
		char *q = kube_asprintf("fieldManager=%s%s", aopt.field_manager,
					aopt.force_conflicts ? "&force=true" : "");

		r = kube_client_patch(ctx->client, o->k, o->ns, name, NULL, "application/apply-patch+yaml",
				      body, q, &ret, &st);
		kube_free(body);
		kube_free(q);
		if (r == 0)
			say(ctx, o, name, "serverside-applied");
		else if (st.code == 415) {
			fprintf(ctx->err, "Server-side apply not available on the server: (%s)\n", st.message ? st.message : "");
			rc = 1;
		} else {
			prefix = kube_asprintf("error when applying patch from \"%s\": ", o->source);
			rc = kubectl_report(ctx, r, &st, prefix);
		}
		goto out;
	}
	kubectl_set_last_applied(o->obj);
	r = kube_client_get(ctx->client, o->k, o->ns, name, &cur, &st);
	if (r == -ENOENT) {
		kube_client_status_clear(&st);
		if (kube_streq(aopt.dry_run, "client"))
			r = 0;
		else if (kube_streq(aopt.dry_run, "server"))
			r = dry_run_create(ctx, o, &st);
		else
			r = kube_client_create(ctx->client, o->k, o->ns, o->obj, &ret, &st);
		if (r == 0)
			say(ctx, o, name, "created");
		else {
			prefix = kube_asprintf("error when creating \"%s\": ", o->source);
			rc = kubectl_report(ctx, r, &st, prefix);
		}
		goto out;
	}
	if (r < 0) {
		prefix = kube_asprintf("error when retrieving current configuration of:\nResource: \"%s\", GroupVersionKind: \"%s\"\nName: \"%s\", Namespace: \"%s\"\nfrom server for: \"%s\": ",
				       o->k->resource, o->k->kind, name, o->ns ? o->ns : "", o->source);
		rc = kubectl_report(ctx, r, &st, prefix);
		goto out;
	}
	{
		const char *la = kube_json_get_str(kube_json_get(cur, "metadata.annotations"), NULL);
		const cJSON *ann = kube_json_get(cur, "metadata.annotations");
		const cJSON *lac = cJSON_IsObject(ann) ? cJSON_GetObjectItemCaseSensitive(ann, KUBECTL_LAST_APPLIED) : NULL;

		(void)la;
		if (cJSON_IsString(lac))
			orig = kube_json_parse(lac->valuestring, strlen(lac->valuestring));
		else if (!kube_streq(aopt.dry_run, "client")) /* as upstream: not on client dry-run */
			fprintf(ctx->err, "Warning: resource %s/%s is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
				o->k->resource, name);
	}
	patch = kubectl_three_way_patch(orig, o->obj, cur);
	if (!patch->child) {
		/* client dry-run does not tell unchanged from configured */
		say(ctx, o, name, kube_streq(aopt.dry_run, "client") ? "configured" : "unchanged");
		cJSON_Delete(patch);
		goto out;
	}
	{
		char *body = kube_json_compact(patch);

		if (kube_streq(aopt.dry_run, "client"))
			r = 0;
		else
			r = kube_client_patch(ctx->client, o->k, o->ns, name, NULL, "application/merge-patch+json",
					      body, kube_streq(aopt.dry_run, "server") ? "dryRun=All" : NULL, &ret, &st);
		kube_free(body);
	}
	cJSON_Delete(patch);
	if (r == 0)
		say(ctx, o, name, "configured");
	else {
		prefix = kube_asprintf("error when applying patch:\n\nto:\nResource: \"%s\", GroupVersionKind: \"%s\"\nName: \"%s\", Namespace: \"%s\"\nfor: \"%s\": ",
				       o->k->resource, o->k->kind, name, o->ns ? o->ns : "", o->source);
		rc = kubectl_report(ctx, r, &st, prefix);
	}
out:
	kube_free(prefix);
	kube_client_status_clear(&st);
	cJSON_Delete(cur);
	cJSON_Delete(ret);
	cJSON_Delete(orig);
	return rc;
}

static int apply_run(kubectl_ctx_t *ctx)
{
	kubectl_manifest_t m;
	int rc = 0;

	if (!aopt.filename)
		return kubectl_errorf(ctx, "must specify one of -f and -k");
	if (kubectl_manifest_read(ctx, aopt.filename, aopt.recursive, &m))
		return 1;
	for (size_t i = 0; i < m.n; i++)
		rc |= apply_one(ctx, &m.o[i]);
	kubectl_manifest_free(&m);
	return rc;
}

const kubectl_command_t kubectl_cmd_apply = {
	"apply", "Apply a configuration to a resource by file name or stdin", apply_setup, apply_run,
};
