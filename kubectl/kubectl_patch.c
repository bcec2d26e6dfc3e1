/* kubectl_patch: `patch`, `scale`, `set image`, `cordon`, `uncordon` and
 * `taint`: commands that read an object and send a PATCH. */
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"
#include "kubectl_args.h"

static struct {
	char *patch, *patch_file, *type, *output, *selector, *subresource;
	int replicas;
	bool all, overwrite, all_namespaces;
} popt = { .type = "strategic", .replicas = -1 };

/* set env */
static bool env_list;
static char *env_container;

static void patch_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "patch", 'p', &popt.patch, "The patch to be applied to the resource JSON file.");
	kube_flag_string(fs, "patch-file", 0, &popt.patch_file, "A file containing a patch to be applied to the resource.");
	kube_flag_string(fs, "type", 0, &popt.type, "The type of patch being provided; one of [json merge strategic]");
	kube_flag_string(fs, "output", 'o', &popt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_string(fs, "subresource", 0, &popt.subresource, "If specified, patch will operate on the subresource of the requested object.");
	kube_flag_string(fs, "selector", 'l', &popt.selector, "Selector (label query) to filter on.");
	kube_flag_bool(fs, "all", 0, &popt.all, "Select all resources in the namespace of the specified resource types");
	kube_flag_ignored(fs, "filename", false, "Filename, directory, or URL to files identifying the resource to update");
	kube_flag_ignored(fs, "local", true, "If true, patch will operate on the content of the file, not the server-side resource.");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "field-manager", false, "Name of the manager used to track field ownership.");
}

static const char *patch_ctype(const char *t)
{
	if (strcmp(t, "json") == 0)
		return "application/json-patch+json";
	if (strcmp(t, "merge") == 0)
		return "application/merge-patch+json";
	if (strcmp(t, "strategic") == 0)
		return "application/strategic-merge-patch+json";
	return NULL;
}

static void print_done(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *obj, const char *verb)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kubectl_obj_ref(k, obj, &b);
	if (kube_streq(popt.output, "name"))
		fprintf(ctx->out, "%s\n", kube_buf_str(&b));
	else if (kube_streq(popt.output, "json")) {
		cJSON *d = kube_json_dup(obj);

		kubectl_print_json(ctx->out, d);
		cJSON_Delete(d);
	} else if (kube_streq(popt.output, "yaml")) {
		cJSON *d = kube_json_dup(obj);

		kubectl_json_sort(d);
		kubectl_print_yaml(ctx->out, d);
		cJSON_Delete(d);
	} else
		fprintf(ctx->out, "%s %s\n", kube_buf_str(&b), verb);
	kube_buf_clear(&b);
}

static int patch_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	const char *body = arg;
	kube_client_status_t st = { 0 };
	cJSON *ret = NULL;
	int r = kube_client_patch(ctx->client, k, kube_json_get_str(obj, "metadata.namespace"),
				  kube_json_get_str(obj, "metadata.name"), popt.subresource,
				  patch_ctype(popt.type), body, NULL, &ret, &st);
	bool same;

	if (r < 0) {
		kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return 1;
	}
	same = kube_streq(kube_json_get_str(obj, "metadata.resourceVersion"),
			  kube_json_get_str(ret, "metadata.resourceVersion"));
	print_done(ctx, k, ret, same ? "patched (no change)" : "patched");
	cJSON_Delete(ret);
	return 0;
}

static int patch_run(kubectl_ctx_t *ctx)
{
	char *text = NULL, *err = NULL, *body;
	cJSON *j;
	int rc;

	if (!patch_ctype(popt.type))
		return kubectl_errorf(ctx, "--type must be one of [json merge strategic], not \"%s\"", popt.type);
	if (popt.patch_file) {
		FILE *f = fopen(popt.patch_file, "r");
		kube_buf_t b = KUBE_BUF_INIT;
		char chunk[4096];
		size_t n;

		if (!f)
			return kubectl_errorf(ctx, "unable to read patch file: open %s: no such file or directory", popt.patch_file);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			kube_buf_append(&b, chunk, n);
		fclose(f);
		text = kube_buf_steal(&b);
	} else if (popt.patch) {
		text = kube_strdup(popt.patch);
	} else {
		return kubectl_usage_error(ctx, "must specify --patch or --patch-file containing the contents of the patch");
	}
	j = kube_json_parse(text, strlen(text));
	if (!j)
		j = kube_yaml_parse(text, strlen(text), &err);
	kube_free(text);
	if (!j) {
		rc = kubectl_errorf(ctx, "unable to parse \"%s\": %s", popt.patch ? popt.patch : "", err ? err : "invalid JSON");
		kube_free(err);
		return rc;
	}
	kube_free(err);
	body = kube_json_compact(j);
	cJSON_Delete(j);
	rc = kubectl_ctx_client(ctx) ? kubectl_visit_args(ctx, ctx->args, ctx->nargs, popt.selector, popt.all,
							 false, patch_one, body)
				     : 1;
	kube_free(body);
	return rc;
}

const kubectl_command_t kubectl_cmd_patch = {
	"patch", "Update fields of a resource", patch_setup, patch_run,
};

/* ---- scale -------------------------------------------------------------- */

static void scale_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_int(fs, "replicas", 0, &popt.replicas, "The new desired number of replicas. Required.");
	kube_flag_string(fs, "output", 'o', &popt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_string(fs, "selector", 'l', &popt.selector, "Selector (label query) to filter on.");
	kube_flag_bool(fs, "all", 0, &popt.all, "Select all resources in the namespace of the specified resource types");
	kube_flag_ignored(fs, "current-replicas", false, "Precondition for current size.");
	kube_flag_ignored(fs, "resource-version", false, "Precondition for resource version.");
	kube_flag_ignored(fs, "timeout", false, "The length of time to wait before giving up on a scale operation.");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "filename", false, "Filename, directory, or URL to files identifying the resource to set a new size");
}

static int scale_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	kube_client_status_t st = { 0 };
	char *body = kube_asprintf("{\"spec\":{\"replicas\":%d}}", popt.replicas);
	int r = kube_client_patch(ctx->client, k, kube_json_get_str(obj, "metadata.namespace"),
				  kube_json_get_str(obj, "metadata.name"), "scale",
				  "application/merge-patch+json", body, NULL, NULL, &st);

	(void)arg;
	kube_free(body);
	if (r < 0) {
		kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return 1;
	}
	print_done(ctx, k, obj, "scaled");
	return 0;
}

static int scale_run(kubectl_ctx_t *ctx)
{
	if (popt.replicas < 0)
		return kubectl_usage_error(ctx, "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
	if (!kubectl_ctx_client(ctx))
		return 1;
	return kubectl_visit_args(ctx, ctx->args, ctx->nargs, popt.selector, popt.all, false, scale_one, NULL);
}

const kubectl_command_t kubectl_cmd_scale = {
	"scale", "Set a new size for a deployment, replica set, or replication controller", scale_setup,
	scale_run,
};

/* ---- set image ---------------------------------------------------------- */

typedef struct image_job {
	char **names, **images;
	size_t n;
} image_job_t;

static const char *pod_spec_path(const kube_kind_t *k)
{
	if (strcmp(k->kind, "Pod") == 0)
		return "spec";
	if (strcmp(k->kind, "CronJob") == 0)
		return "spec.jobTemplate.spec.template.spec";
	return "spec.template.spec";
}

static int image_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	image_job_t *j = arg;
	const char *sp = pod_spec_path(k);
	cJSON *spec = kube_json_get(obj, sp), *patch, *arrs[2];
	static const char *const lists[] = { "initContainers", "containers" };
	bool changed = false;
	int rc = 0;

	patch = cJSON_CreateObject();
	for (size_t i = 0; i < j->n; i++) {
		bool found = false;

		for (int l = 0; l < 2; l++) {
			cJSON *c;

			cJSON_ArrayForEach(c, cJSON_GetObjectItem(spec, lists[l])) {
				const char *name = kube_json_get_str(c, "name");

				if (!name || (strcmp(j->names[i], "*") && strcmp(j->names[i], name)))
					continue;
				found = true;
				if (!kube_streq(kube_json_get_str(c, "image"), j->images[i])) {
					cJSON *e = cJSON_CreateObject();
					char *path = kube_asprintf("%s.%s", sp, lists[l]);

					cJSON_AddStringToObject(e, "image", j->images[i]);
					cJSON_AddStringToObject(e, "name", name);
					if (!kube_json_get(patch, path))
						kube_json_set(patch, path, cJSON_CreateArray());
					cJSON_AddItemToArray(kube_json_get(patch, path), e);
					kube_free(path);
					changed = true;
				}
			}
		}
		if (!found) {
			cJSON_Delete(patch);
			return kubectl_errorf(ctx, "unable to find container named \"%s\"", j->names[i]);
		}
	}
	(void)arrs;
	if (changed) {
		char *body = kube_json_compact(patch);

		rc = kubectl_patch_obj(ctx, k, obj, "application/strategic-merge-patch+json", body, NULL);
		kube_free(body);
		if (rc == 0)
			print_done(ctx, k, obj, "image updated");
	}
	cJSON_Delete(patch);
	return rc;
}

static void set_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "output", 'o', &popt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_string(fs, "selector", 'l', &popt.selector, "Selector (label query) to filter on.");
	kube_flag_bool(fs, "all", 0, &popt.all, "Select all resources, in the namespace of the specified resource types");
	kube_flag_ignored(fs, "local", true, "If true, set image will NOT contact api-server but run locally.");
	kube_flag_bool(fs, "list", 0, &env_list, "If true, display the environment and any changes in the standard format.");
	kube_flag_string(fs, "containers", 'c', &env_container, "The names of containers in the selected pod templates to change - may use wildcards");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "filename", false, "Filename, directory, or URL to files identifying the resource to get from a server.");
}

/* ---- set env ----------------------------------------------------------- */


static int env_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	image_job_t *j = arg; /* names: KEY, images: value or NULL for removal */
	const char *sp = pod_spec_path(k);
	cJSON *spec = kube_json_get(obj, sp), *c, *patch = cJSON_CreateObject();
	char *path = kube_asprintf("%s.containers", sp);
	bool changed = false;
	int rc = 0;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(spec, "containers")) {
		const char *cname = kube_json_get_str(c, "name") ?: "";
		cJSON *env = kube_json_dup(cJSON_GetObjectItem(c, "env")), *e, *next;
		bool mine = false;

		if (env_container && strcmp(env_container, "*") && strcmp(env_container, cname)) {
			cJSON_Delete(env);
			continue;
		}
		if (env_list) {
			fprintf(ctx->out, "# %s %s, container %s\n", k->kind, kube_json_get_str(obj, "metadata.name"), cname);
			cJSON_ArrayForEach(e, env)
				fprintf(ctx->out, "%s=%s\n", kube_json_get_str(e, "name") ?: "", kube_json_get_str(e, "value") ?: "");
			cJSON_Delete(env);
			continue;
		}
		if (!cJSON_IsArray(env)) {
			cJSON_Delete(env);
			env = cJSON_CreateArray();
		}
		for (size_t i = 0; i < j->n; i++) {
			bool found = false;

			for (e = env->child; e; e = next) {
				next = e->next;
				if (!kube_streq(kube_json_get_str(e, "name"), j->names[i]))
					continue;
				found = true;
				if (!j->images[i]) {
					cJSON_Delete(cJSON_DetachItemViaPointer(env, e));
					mine = true;
				} else if (!kube_streq(kube_json_get_str(e, "value"), j->images[i])) {
					cJSON_ReplaceItemInObject(e, "value", cJSON_CreateString(j->images[i]));
					mine = true;
				}
			}
			if (!found && j->images[i]) {
				e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "name", j->names[i]);
				cJSON_AddStringToObject(e, "value", j->images[i]);
				cJSON_AddItemToArray(env, e);
				mine = true;
			}
		}
		if (mine) {
			cJSON *pc = cJSON_CreateObject();

			cJSON_AddStringToObject(pc, "name", cname);
			cJSON_AddItemToObject(pc, "env", env);
			if (!kube_json_get(patch, path))
				kube_json_set(patch, path, cJSON_CreateArray());
			cJSON_AddItemToArray(kube_json_get(patch, path), pc);
			changed = true;
		} else {
			cJSON_Delete(env);
		}
	}
	if (changed) {
		/* the containers list is replaced whole by a merge patch: send the
		 * full list with the changed env */
		cJSON *full = kube_json_dup(cJSON_GetObjectItem(spec, "containers")), *pc;
		char *body;

		cJSON_ArrayForEach(pc, kube_json_get(patch, path)) {
			cJSON *fc;

			cJSON_ArrayForEach(fc, full)
				if (kube_streq(kube_json_get_str(fc, "name"), kube_json_get_str(pc, "name"))) {
					cJSON_DeleteItemFromObject(fc, "env");
					if (cJSON_GetArraySize(cJSON_GetObjectItem(pc, "env")))
						cJSON_AddItemToObject(fc, "env", kube_json_dup(cJSON_GetObjectItem(pc, "env")));
				}
		}
		cJSON_Delete(patch);
		patch = cJSON_CreateObject();
		kube_json_set(patch, path, full);
		body = kube_json_compact(patch);
		rc = kubectl_patch_obj(ctx, k, obj, "application/merge-patch+json", body, NULL);
		kube_free(body);
		if (rc == 0)
			print_done(ctx, k, obj, "env updated");
	}
	cJSON_Delete(patch);
	kube_free(path);
	return rc;
}

static int set_env(kubectl_ctx_t *ctx, char **res, int nres, image_job_t *j)
{
	if (!j->n && !env_list)
		return kubectl_usage_error(ctx, "at least one environment variable must be provided");
	return kubectl_ctx_client(ctx) ? kubectl_visit_args(ctx, res, nres, popt.selector, popt.all, false, env_one, j) : 1;
}

static int set_run(kubectl_ctx_t *ctx)
{
	image_job_t j = { 0 };
	char **res;
	int nres = 0, rc;

	if (ctx->nargs < 1 || (strcmp(ctx->args[0], "image") != 0 && strcmp(ctx->args[0], "env") != 0))
		return kubectl_errorf(ctx, "unknown command \"%s\" for \"kubectl set\"", ctx->nargs ? ctx->args[0] : "");
	res = kube_calloc((size_t)ctx->nargs, sizeof(char *));
	j.names = kube_calloc((size_t)ctx->nargs, sizeof(char *));
	j.images = kube_calloc((size_t)ctx->nargs, sizeof(char *));
	for (int i = 1; i < ctx->nargs; i++) {
		char *eq = strchr(ctx->args[i], '=');

		if (eq) {
			*eq = 0;
			j.names[j.n] = ctx->args[i];
			j.images[j.n++] = eq + 1;
		} else if (strcmp(ctx->args[0], "env") == 0 && nres > 0 && kube_endswith(ctx->args[i], "-")) {
			ctx->args[i][strlen(ctx->args[i]) - 1] = 0;
			j.names[j.n] = ctx->args[i];
			j.images[j.n++] = NULL;
		} else {
			res[nres++] = ctx->args[i];
		}
	}
	if (strcmp(ctx->args[0], "env") == 0)
		rc = set_env(ctx, res, nres, &j);
	else if (!j.n)
		rc = kubectl_usage_error(ctx, "at least one image update is required");
	else
		rc = kubectl_ctx_client(ctx) ? kubectl_visit_args(ctx, res, nres, popt.selector, popt.all, false, image_one, &j) : 1;
	kube_free(res);
	kube_free(j.names);
	kube_free(j.images);
	return rc;
}

const kubectl_command_t kubectl_cmd_set = {
	"set", "Set specific features on objects", set_setup, set_run,
};

/* ---- cordon / uncordon -------------------------------------------------- */

static int cordon_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	bool want = arg != NULL;
	bool cur = kube_json_get_bool(obj, "spec.unschedulable", false);
	kube_buf_t b = KUBE_BUF_INIT;
	int rc = 0;

	kubectl_obj_ref(k, obj, &b);
	if (cur == want) {
		fprintf(ctx->out, "%s already %s\n", kube_buf_str(&b), want ? "cordoned" : "uncordoned");
	} else {
		rc = kubectl_patch_obj(ctx, k, obj, "application/strategic-merge-patch+json",
				       want ? "{\"spec\":{\"unschedulable\":true}}"
					    : "{\"spec\":{\"unschedulable\":null}}", NULL);
		if (rc == 0)
			fprintf(ctx->out, "%s %s\n", kube_buf_str(&b), want ? "cordoned" : "uncordoned");
	}
	kube_buf_clear(&b);
	return rc;
}

static void cordon_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "selector", 'l', &popt.selector, "Selector (label query) to filter on");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
}

static int cordon_common(kubectl_ctx_t *ctx, bool want)
{
	char **args;
	int rc;

	if (!kubectl_ctx_client(ctx))
		return 1;
	if (ctx->nargs == 0 && !popt.selector)
		return kubectl_usage_error(ctx, "USAGE: cordon NODE [flags]");
	args = kube_calloc((size_t)ctx->nargs + 2, sizeof(char *));
	args[0] = "nodes";
	for (int i = 0; i < ctx->nargs; i++)
		args[i + 1] = ctx->args[i];
	rc = kubectl_visit_args(ctx, args, ctx->nargs + 1, popt.selector, false, false, cordon_one,
				want ? (void *)1 : NULL);
	kube_free(args);
	return rc;
}

static int cordon_run(kubectl_ctx_t *ctx)
{
	return cordon_common(ctx, true);
}

static int uncordon_run(kubectl_ctx_t *ctx)
{
	return cordon_common(ctx, false);
}

const kubectl_command_t kubectl_cmd_cordon = {
	"cordon", "Mark node as unschedulable", cordon_setup, cordon_run,
};

const kubectl_command_t kubectl_cmd_uncordon = {
	"uncordon", "Mark node as schedulable", cordon_setup, uncordon_run,
};

/* ---- taint -------------------------------------------------------------- */

typedef struct taint_spec {
	char *key, *value, *effect; /* effect may be "" for removal of every effect */
	bool remove;
} taint_spec_t;

typedef struct taint_job {
	taint_spec_t *t;
	size_t n;
} taint_job_t;

static int taint_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	taint_job_t *j = arg;
	cJSON *taints = kube_json_dup(kube_json_get(obj, "spec.taints"));
	kube_buf_t b = KUBE_BUF_INIT;
	bool added = false, removed = false, modified = false;
	int rc = 0;

	if (!cJSON_IsArray(taints)) {
		cJSON_Delete(taints);
		taints = cJSON_CreateArray();
	}
	for (size_t i = 0; i < j->n && rc == 0; i++) {
		taint_spec_t *t = &j->t[i];
		int idx = 0;
		bool hit = false;
		cJSON *c, *next;

		for (c = taints->child; c; c = next, idx++) {
			next = c->next;
			if (!kube_streq(kube_json_get_str(c, "key"), t->key))
				continue;
			if (*t->effect && !kube_streq(kube_json_get_str(c, "effect"), t->effect))
				continue;
			hit = true;
			if (t->remove) {
				cJSON_Delete(cJSON_DetachItemViaPointer(taints, c));
				removed = true;
			} else if (!popt.overwrite) {
				rc = kubectl_errorf(ctx, "node %s already has %s taint(s) with same effect(s) and --overwrite is false",
						    kube_json_get_str(obj, "metadata.name"), t->key);
			} else {
				cJSON_DeleteItemFromObject(c, "value");
				if (t->value)
					cJSON_AddStringToObject(c, "value", t->value);
				modified = true;
			}
		}
		if (t->remove && !hit)
			rc = kubectl_errorf(ctx, "taint \"%s%s%s\" not found", t->key, *t->effect ? ":" : "", t->effect);
		if (!t->remove && !hit) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "effect", t->effect);
			cJSON_AddStringToObject(e, "key", t->key);
			if (t->value)
				cJSON_AddStringToObject(e, "value", t->value);
			cJSON_AddItemToArray(taints, e);
			added = true;
		}
	}
	if (rc == 0) {
		cJSON *patch = cJSON_CreateObject();
		char *body;

		kube_json_set(patch, "spec.taints", cJSON_GetArraySize(taints) ? taints : cJSON_CreateNull());
		if (!cJSON_GetArraySize(taints))
			cJSON_Delete(taints);
		taints = NULL;
		body = kube_json_compact(patch);
		cJSON_Delete(patch);
		rc = kubectl_patch_obj(ctx, k, obj, "application/merge-patch+json", body, NULL);
		kube_free(body);
		if (rc == 0) {
			kubectl_obj_ref(k, obj, &b);
			fprintf(ctx->out, "%s %s\n", kube_buf_str(&b),
				modified ? "modified" : removed && !added ? "untainted" : "tainted");
			kube_buf_clear(&b);
		}
	}
	cJSON_Delete(taints);
	return rc;
}

static void taint_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "overwrite", 0, &popt.overwrite, "If true, allow taints to be overwritten, otherwise reject taint updates that overwrite existing taints.");
	kube_flag_bool(fs, "all", 0, &popt.all, "Select all nodes in the cluster");
	kube_flag_string(fs, "selector", 'l', &popt.selector, "Selector (label query) to filter on.");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "validate", false, "Must be one of: strict (or true), warn, ignore (or false).");
}

static int taint_run(kubectl_ctx_t *ctx)
{
	taint_job_t j = { 0 };
	char **res;
	int nres = 0, rc = 0;

	res = kube_calloc((size_t)ctx->nargs + 1, sizeof(char *));
	j.t = kube_calloc((size_t)ctx->nargs + 1, sizeof(*j.t));
	for (int i = 0; i < ctx->nargs; i++) {
		char *a = ctx->args[i];
		bool is_spec = strchr(a, '=') || strchr(a, ':') || (i >= 2 && kube_endswith(a, "-"));

		if (!is_spec || (i == 0)) {
			res[nres++] = a;
			continue;
		}
		{
			taint_spec_t *t = &j.t[j.n++];
			char *colon, *eq;

			if (kube_endswith(a, "-")) {
				t->remove = true;
				a[strlen(a) - 1] = 0;
			}
			colon = strrchr(a, ':');
			t->effect = colon ? (*colon = 0, colon + 1) : "";
			eq = strchr(a, '=');
			t->value = eq ? (*eq = 0, eq + 1) : NULL;
			t->key = a;
			if (!t->remove && !*t->effect) {
				rc = kubectl_errorf(ctx, "unknown taint spec: %s", ctx->args[i]);
				break;
			}
			if (*t->effect && strcmp(t->effect, "NoSchedule") && strcmp(t->effect, "PreferNoSchedule") &&
			    strcmp(t->effect, "NoExecute")) {
				char *m = kube_asprintf("invalid taint effect: %s, unsupported taint effect", t->effect);

				rc = kubectl_usage_error(ctx, m);
				kube_free(m);
				break;
			}
		}
	}
	if (rc == 0 && !j.n)
		rc = kubectl_usage_error(ctx, "at least one taint update is required");
	if (rc == 0)
		rc = kubectl_ctx_client(ctx) ? kubectl_visit_args(ctx, res, nres, popt.selector, popt.all, false, taint_one, &j) : 1;
	kube_free(res);
	kube_free(j.t);
	return rc;
}

const kubectl_command_t kubectl_cmd_taint = {
	"taint", "Update the taints on one or more nodes", taint_setup, taint_run,
};
