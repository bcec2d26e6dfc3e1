/* kubectl_wait: `wait --for=condition=X[=v]|delete|jsonpath={...}=v`. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_jsonpath.h"

static struct {
	char *for_, *selector;
	bool all, all_namespaces;
	int64_t timeout_ns;
} wopt = { .timeout_ns = 30LL * 1000000000LL };

static void wait_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "for", 0, &wopt.for_, "The condition to wait on: [delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]|create].");
	kube_flag_string(fs, "selector", 'l', &wopt.selector, "Selector (label query) to filter on.");
	kube_flag_bool(fs, "all", 0, &wopt.all, "Select all resources in the namespace of the specified resource types");
	kube_flag_bool(fs, "all-namespaces", 'A', &wopt.all_namespaces, "If present, list the requested object(s) across all namespaces.");
	kube_flag_duration(fs, "timeout", &wopt.timeout_ns, "The length of time to wait before giving up.  Zero means check once and don't wait, negative means wait for a week.");
	kube_flag_ignored(fs, "filename", false, "identifying the resource.");
	kube_flag_ignored(fs, "field-selector", false, "Selector (field query) to filter on.");
	kube_flag_ignored(fs, "output", false, "Output format.");
	kube_flag_ignored(fs, "local", true, "If true, annotation will NOT contact api-server but run locally.");
}

typedef struct wait_job {
	int kind;		/* 0 condition, 1 delete, 2 jsonpath */
	char *cond, *value;	/* condition name / jsonpath expr, wanted value */
	int64_t deadline;
} wait_job_t;

static bool satisfied(const wait_job_t *j, const cJSON *obj)
{
	if (j->kind == 0) {
		const cJSON *c;

		cJSON_ArrayForEach(c, kube_json_get(obj, "status.conditions"))
			if (kube_json_get_str(c, "type") && strcasecmp(kube_json_get_str(c, "type"), j->cond) == 0)
				return kube_json_get_str(c, "status") &&
				       strcasecmp(kube_json_get_str(c, "status"), j->value) == 0;
		return false;
	}
	{
		kube_buf_t b = KUBE_BUF_INIT;
		bool ok = kubectl_jsonpath_exec(j->cond, obj, &b, NULL) == 0 &&
			  (j->value ? strcmp(kube_buf_str(&b), j->value) == 0 : b.len > 0);

		kube_buf_clear(&b);
		return ok;
	}
}

static int wait_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	wait_job_t *j = arg;
	const char *ns = kube_json_get_str(obj, "metadata.namespace");
	const char *name = kube_json_get_str(obj, "metadata.name");
	char *uid = kube_strdup(kube_json_get_str(obj, "metadata.uid") ?: "");
	kube_buf_t ref = KUBE_BUF_INIT;
	cJSON *cur = kube_json_dup(obj);
	int rc = 0;

	kubectl_obj_ref(k, obj, &ref);
	for (;;) {
		bool ok;

		if (j->kind == 1)
			ok = !cur || !kube_streq(kube_json_get_str(cur, "metadata.uid"), uid);
		else
			ok = cur && satisfied(j, cur);
		if (ok) {
			fprintf(ctx->out, "%s condition met\n", kube_buf_str(&ref));
			break;
		}
		if (kube_now_ns() >= j->deadline) {
			rc = kubectl_errorf(ctx, "timed out waiting for the condition on %s/%s", k->resource, name);
			break;
		}
		{
			struct timespec ts = { 0, 100 * 1000000 };
			kube_client_status_t st = { 0 };
			int r;

			nanosleep(&ts, NULL);
			cJSON_Delete(cur);
			cur = NULL;
			r = kube_client_get(ctx->client, k, ns, name, &cur, &st);
			kube_client_status_clear(&st);
			if (r < 0 && r != -ENOENT) {
				rc = kubectl_report(ctx, r, NULL, NULL);
				break;
			}
		}
	}
	cJSON_Delete(cur);
	kube_buf_clear(&ref);
	kube_free(uid);
	return rc;
}

static int wait_run(kubectl_ctx_t *ctx)
{
	wait_job_t j = { 0 };
	char *spec, *p;
	kubectl_targets_t ts;
	int rc;

	if (!wopt.for_ || !*wopt.for_)
		return kubectl_errorf(ctx, "--for must be set");
	spec = kube_strdup(wopt.for_);
	if (strcmp(spec, "delete") == 0) {
		j.kind = 1;
	} else if (kube_startswith(spec, "condition=")) {
		j.cond = spec + 10;
		p = strchr(j.cond, '=');
		j.value = p ? (*p = 0, p + 1) : "true";
	} else if (kube_startswith(spec, "jsonpath=")) {
		j.kind = 2;
		j.cond = spec + 9;
		p = strrchr(j.cond, '}');
		if (p && p[1] == '=') {
			p[1] = 0;
			j.value = p + 2;
		}
	} else {
		kube_free(spec);
		return kubectl_errorf(ctx, "unrecognized condition: \"%s\"", wopt.for_);
	}
	j.deadline = kube_now_ns() + (wopt.timeout_ns < 0 ? 7LL * 86400 * 1000000000LL : wopt.timeout_ns);
	if (!kubectl_ctx_client(ctx) || kubectl_targets_resolve(ctx, ctx->args, ctx->nargs, &ts)) {
		kube_free(spec);
		return 1;
	}
	if (j.kind == 1) {
		/* a missing object is already deleted */
		rc = 0;
		for (size_t i = 0; i < ts.n; i++) {
			kubectl_targets_t one = { .t = &ts.t[i], .n = 1 };

			for (size_t n = 0; n < ts.t[i].nnames; n++) {
				cJSON *obj = NULL;
				int r = kube_client_get(ctx->client, ts.t[i].k, kubectl_ns_for(ctx, ts.t[i].k, false),
							ts.t[i].names[n], &obj, NULL);

				if (r == 0)
					rc |= wait_one(ctx, ts.t[i].k, obj, &j);
				else if (r != -ENOENT)
					rc = kubectl_report(ctx, r, NULL, NULL);
				cJSON_Delete(obj);
			}
			if (!ts.t[i].nnames)
				rc |= kubectl_targets_visit(ctx, &one, wopt.selector, wopt.all, wopt.all_namespaces, wait_one, &j);
		}
	} else {
		rc = kubectl_targets_visit(ctx, &ts, wopt.selector, wopt.all, wopt.all_namespaces, wait_one, &j);
	}
	kubectl_targets_free(&ts);
	kube_free(spec);
	return rc;
}

const kubectl_command_t kubectl_cmd_wait = {
	"wait", "Experimental: Wait for a specific condition on one or many resources", wait_setup, wait_run,
};
