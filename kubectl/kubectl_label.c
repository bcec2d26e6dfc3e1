/* kubectl_label: `label` and `annotate` (key=value, key- removal,
 * --overwrite, --all, -l), as upstream reports them. */
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_args.h"

static struct {
	bool overwrite, all, all_namespaces, list;
	char *selector, *output, *resource_version;
} lopt;

static void label_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "overwrite", 0, &lopt.overwrite, "If true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels.");
	kube_flag_bool(fs, "all", 0, &lopt.all, "Select all resources, in the namespace of the specified resource types");
	kube_flag_bool(fs, "all-namespaces", 'A', &lopt.all_namespaces, "If true, check the specified action in all namespaces.");
	kube_flag_bool(fs, "list", 0, &lopt.list, "If true, display the labels for a given resource.");
	kube_flag_string(fs, "selector", 'l', &lopt.selector, "Selector (label query) to filter on.");
	kube_flag_string(fs, "output", 'o', &lopt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_string(fs, "resource-version", 0, &lopt.resource_version, "If non-empty, the labels update will only succeed if this is the current resource-version for the object.");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "field-manager", false, "Name of the manager used to track field ownership.");
	kube_flag_ignored(fs, "field-selector", false, "Selector (field query) to filter on.");
	kube_flag_ignored(fs, "local", true, "If true, label will NOT contact api-server but run locally.");
}

typedef struct label_job {
	bool annotate;
	char **set_k, **set_v, **del;
	size_t nset, ndel;
} label_job_t;

static int label_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	label_job_t *j = arg;
	const char *field = j->annotate ? "annotations" : "labels";
	cJSON *meta = kube_json_get(obj, "metadata"), *old, *neu, *patch;
	kube_buf_t ref = KUBE_BUF_INIT;
	char *po, *pn, *body;
	const char *msg;
	int rc = 0;

	old = cJSON_GetObjectItemCaseSensitive(meta, field);
	old = cJSON_IsObject(old) ? kube_json_dup(old) : cJSON_CreateObject();
	neu = kube_json_dup(old);
	if (lopt.list) {
		const cJSON *c;

		cJSON_ArrayForEach(c, old)
			fprintf(ctx->out, "%s=%s\n", c->string, cJSON_IsString(c) ? c->valuestring : "");
		cJSON_Delete(old);
		cJSON_Delete(neu);
		return 0;
	}
	for (size_t i = 0; i < j->nset; i++) {
		const cJSON *cur = cJSON_GetObjectItemCaseSensitive(old, j->set_k[i]);

		if (cur && !lopt.overwrite && !(cJSON_IsString(cur) && strcmp(cur->valuestring, j->set_v[i]) == 0)) {
			if (j->annotate)
				fprintf(ctx->err, "error: --overwrite is false but found the following declared annotation(s): '%s' already has a value (%s)\n",
					j->set_k[i], cJSON_IsString(cur) ? cur->valuestring : "");
			else
				fprintf(ctx->err, "error: '%s' already has a value (%s), and --overwrite is false\n",
					j->set_k[i], cJSON_IsString(cur) ? cur->valuestring : "");
			cJSON_Delete(old);
			cJSON_Delete(neu);
			return 1;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(neu, j->set_k[i]);
		cJSON_AddItemToObject(neu, j->set_k[i], cJSON_CreateString(j->set_v[i]));
	}
	for (size_t i = 0; i < j->ndel; i++) {
		if (!cJSON_GetObjectItemCaseSensitive(neu, j->del[i])) {
			if (!j->annotate)
				fprintf(ctx->out, "label \"%s\" not found.\n", j->del[i]);
			continue;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(neu, j->del[i]);
	}
	po = kube_json_canonical(old);
	pn = kube_json_canonical(neu);
	if (j->annotate)
		msg = "annotated";
	else if (strcmp(po, pn) == 0)
		msg = "not labeled";
	else if (!lopt.overwrite && strlen(pn) < strlen(po))
		msg = "unlabeled";
	else
		msg = "labeled";
	if (strcmp(po, pn) != 0) {
		/* a merge patch: changed keys, null for removed ones */
		cJSON *diff = cJSON_CreateObject();
		const cJSON *c;

		cJSON_ArrayForEach(c, neu) {
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(old, c->string);

			if (!o || !kube_json_equal(o, c))
				cJSON_AddItemToObject(diff, c->string, kube_json_dup(c));
		}
		cJSON_ArrayForEach(c, old)
			if (!cJSON_GetObjectItemCaseSensitive(neu, c->string))
				cJSON_AddItemToObject(diff, c->string, cJSON_CreateNull());
		patch = cJSON_CreateObject();
		kube_json_set(patch, j->annotate ? "metadata.annotations" : "metadata.labels", diff);
		if (lopt.resource_version)
			kube_json_set_str(patch, "metadata.resourceVersion", lopt.resource_version);
		body = kube_json_compact(patch);
		cJSON_Delete(patch);
		rc = kubectl_patch_obj(ctx, k, obj, "application/merge-patch+json", body, NULL);
		kube_free(body);
	}
	if (rc == 0) {
		kubectl_obj_ref(k, obj, &ref);
		if (kube_streq(lopt.output, "name"))
			fprintf(ctx->out, "%s\n", kube_buf_str(&ref));
		else
			fprintf(ctx->out, "%s %s\n", kube_buf_str(&ref), msg);
	}
	kube_buf_clear(&ref);
	kube_free(po);
	kube_free(pn);
	cJSON_Delete(old);
	cJSON_Delete(neu);
	return rc;
}

static int run(kubectl_ctx_t *ctx, bool annotate)
{
	label_job_t j = { .annotate = annotate };
	char **res = kube_calloc((size_t)ctx->nargs + 1, sizeof(char *));
	int nres = 0, rc;
	bool pairs_started = false;

	j.set_k = kube_calloc((size_t)ctx->nargs + 1, sizeof(char *));
	j.set_v = kube_calloc((size_t)ctx->nargs + 1, sizeof(char *));
	j.del = kube_calloc((size_t)ctx->nargs + 1, sizeof(char *));
	for (int i = 0; i < ctx->nargs; i++) {
		char *a = ctx->args[i], *eq = strchr(a, '=');

		if (eq) {
			*eq = 0;
			j.set_k[j.nset] = a;
			j.set_v[j.nset++] = eq + 1;
			pairs_started = true;
		} else if (kube_endswith(a, "-") && (pairs_started || i > 0)) {
			a[strlen(a) - 1] = 0;
			j.del[j.ndel++] = a;
			pairs_started = true;
		} else {
			res[nres++] = a;
		}
	}
	if (!j.nset && !j.ndel && !lopt.list)
		rc = kubectl_usage_error(ctx, annotate ? "at least one annotation update is required"
						       : "at least one label update is required");
	else if (kubectl_ctx_client(ctx) == NULL)
		rc = 1;
	else
		rc = kubectl_visit_args(ctx, res, nres, lopt.selector, lopt.all, lopt.all_namespaces,
					label_one, &j);
	kube_free(res);
	kube_free(j.set_k);
	kube_free(j.set_v);
	kube_free(j.del);
	return rc;
}

static int label_run(kubectl_ctx_t *ctx)
{
	return run(ctx, false);
}

static int annotate_run(kubectl_ctx_t *ctx)
{
	return run(ctx, true);
}

const kubectl_command_t kubectl_cmd_label = {
	"label", "Update the labels on a resource", label_setup, label_run,
};

const kubectl_command_t kubectl_cmd_annotate = {
	"annotate", "Update the annotations on a resource", label_setup, annotate_run,
};
