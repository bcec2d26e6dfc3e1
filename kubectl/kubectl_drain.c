/* kubectl_drain: `drain NODE`: cordon, then evict the node's pods through
 * the Eviction API and wait for them to go, with upstream's filters
 * (DaemonSet-managed, no controller, emptyDir, mirror pods) and messages. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"

static struct {
	bool force, ignore_daemonsets, delete_emptydir_data, disable_eviction;
	int grace_period;
	int64_t timeout_ns;
	char *selector, *pod_selector;
} dr = { .grace_period = -1 };

static void drain_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "force", 0, &dr.force, "Continue even if there are pods that do not declare a controller.");
	kube_flag_bool(fs, "ignore-daemonsets", 0, &dr.ignore_daemonsets, "Ignore DaemonSet-managed pods.");
	kube_flag_bool(fs, "delete-emptydir-data", 0, &dr.delete_emptydir_data, "Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained).");
	kube_flag_bool(fs, "disable-eviction", 0, &dr.disable_eviction, "Force drain to use delete, even if eviction is supported.");
	kube_flag_int(fs, "grace-period", 0, &dr.grace_period, "Period of time in seconds given to each pod to terminate gracefully.");
	kube_flag_duration(fs, "timeout", &dr.timeout_ns, "The length of time to wait before giving up, zero means infinite");
	kube_flag_string(fs, "selector", 'l', &dr.selector, "Selector (label query) to filter on");
	kube_flag_string(fs, "pod-selector", 0, &dr.pod_selector, "Label selector to filter pods on the node");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "skip-wait-for-delete-timeout", false, "If pod DeletionTimestamp older than N seconds, skip waiting for the pod.");
	kube_flag_ignored(fs, "chunk-size", false, "Return large lists in chunks rather than all at once.");
}

static const cJSON *controller_of(const cJSON *pod)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, kube_json_get(pod, "metadata.ownerReferences"))
		if (kube_json_get_bool(o, "controller", false))
			return o;
	return NULL;
}

static bool has_emptydir(const cJSON *pod)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, kube_json_get(pod, "spec.volumes"))
		if (kube_json_get(v, "emptyDir"))
			return true;
	return false;
}

static void ref(kube_buf_t *b, const cJSON *pod)
{
	kube_buf_printf(b, "%s%s/%s", b->len ? ", " : "", kube_json_get_str(pod, "metadata.namespace") ?: "",
			kube_json_get_str(pod, "metadata.name") ?: "");
}

static int drain_node(kubectl_ctx_t *ctx, const kube_kind_t *nk, cJSON *node)
{
	const kube_kind_t *pk = kubectl_discovery_resolve(ctx->disc, "pods");
	const char *name = kube_json_get_str(node, "metadata.name");
	kube_buf_t nocontroller = KUBE_BUF_INIT, ds = KUBE_BUF_INIT, emptydir = KUBE_BUF_INIT;
	kube_buf_t ignored = KUBE_BUF_INIT, errs = KUBE_BUF_INIT;
	cJSON *list = NULL, *evict = cJSON_CreateArray(), *p;
	char *fs = kube_asprintf("spec.nodeName=%s", name);
	kube_client_list_opts_t lo = { .field_selector = fs, .label_selector = dr.pod_selector, .limit = 500 };
	kube_client_status_t st = { 0 };
	int rc = 0, r;

	if (kube_json_get_bool(node, "spec.unschedulable", false)) {
		fprintf(ctx->out, "node/%s already cordoned\n", name);
	} else {
		if (kubectl_patch_obj(ctx, nk, node, "application/strategic-merge-patch+json",
				      "{\"spec\":{\"unschedulable\":true}}", NULL)) {
			rc = 1;
			goto out;
		}
		fprintf(ctx->out, "node/%s cordoned\n", name);
	}
	fflush(ctx->out);
	r = kube_client_list_all(ctx->client, pk, NULL, &lo, &list, &st);
	if (r < 0) {
		rc = kubectl_report(ctx, r, &st, NULL);
		goto out;
	}
	cJSON_ArrayForEach(p, kube_json_get(list, "items")) {
		const cJSON *ann = kube_json_get(p, "metadata.annotations");
		const cJSON *c = controller_of(p);
		const char *phase = kube_json_get_str(p, "status.phase") ?: "";
		bool done = !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed");

		if (cJSON_IsObject(ann) && cJSON_GetObjectItemCaseSensitive(ann, "kubernetes.io/config.mirror"))
			continue;
		if (!done && c && kube_streq(kube_json_get_str(c, "kind"), "DaemonSet")) {
			ref(dr.ignore_daemonsets ? &ignored : &ds, p);
			continue;
		}
		if (!done && !c) {
			if (!dr.force) {
				ref(&nocontroller, p);
				continue;
			}
		}
		if (!done && has_emptydir(p) && !dr.delete_emptydir_data) {
			ref(&emptydir, p);
			continue;
		}
		cJSON_AddItemToArray(evict, kube_json_dup(p));
	}
	if (ds.len)
		kube_buf_printf(&errs, "%scannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): %s",
				errs.len ? ", " : "", kube_buf_str(&ds));
	if (nocontroller.len)
		kube_buf_printf(&errs, "%scannot delete Pods that declare no controller (use --force to override): %s",
				errs.len ? ", " : "", kube_buf_str(&nocontroller));
	if (emptydir.len)
		kube_buf_printf(&errs, "%scannot delete Pods with local storage (use --delete-emptydir-data to override): %s",
				errs.len ? ", " : "", kube_buf_str(&emptydir));
	if (errs.len) {
		fprintf(ctx->err, "error: unable to drain node \"%s\" due to error: cannot delete %s, continuing command...\n"
				  "There are pending nodes to be drained:\n %s\ncannot delete %s\n",
			name, kube_buf_str(&errs), name, kube_buf_str(&errs));
		rc = 1;
		goto out;
	}
	if (ignored.len)
		fprintf(ctx->err, "Warning: ignoring DaemonSet-managed Pods: %s\n", kube_buf_str(&ignored));
	if (dr.force) {
		kube_buf_t w = KUBE_BUF_INIT;

		cJSON_ArrayForEach(p, evict)
			if (!controller_of(p))
				ref(&w, p);
		if (w.len)
			fprintf(ctx->err, "Warning: deleting Pods that declare no controller: %s\n", kube_buf_str(&w));
		kube_buf_clear(&w);
	}
	cJSON_ArrayForEach(p, evict) {
		const char *pns = kube_json_get_str(p, "metadata.namespace"), *pn = kube_json_get_str(p, "metadata.name");
		cJSON *ev = cJSON_CreateObject();

		cJSON_AddStringToObject(ev, "apiVersion", "policy/v1");
		cJSON_AddStringToObject(ev, "kind", "Eviction");
		kube_json_set_str(ev, "metadata.name", pn);
		kube_json_set_str(ev, "metadata.namespace", pns);
		if (dr.grace_period >= 0)
			kube_json_set_int64(ev, "deleteOptions.gracePeriodSeconds", dr.grace_period);
		fprintf(ctx->out, "evicting pod %s/%s\n", pns, pn);
		fflush(ctx->out);
		if (dr.disable_eviction) {
			kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;

			o.grace_period_seconds = dr.grace_period;
			r = kube_client_delete(ctx->client, pk, pns, pn, &o, NULL, &st);
		} else {
			r = kube_client_create_sub(ctx->client, pk, pns, pn, "eviction", ev, NULL, &st);
		}
		cJSON_Delete(ev);
		if (r < 0 && r != -ENOENT) {
			kube_buf_t m = KUBE_BUF_INIT;

			kubectl_format_error(ctx, r, &st, NULL, &m);
			fprintf(ctx->err, "error when evicting pods/\"%s\" -n \"%s\" (will retry after 5s): %s\n", pn, pns, kube_buf_str(&m));
			kube_buf_clear(&m);
			kube_client_status_clear(&st);
			rc = 1;
			goto out;
		}
		kube_client_status_clear(&st);
	}
	/* wait for them to go */
	{
		int64_t deadline = dr.timeout_ns > 0 ? kube_now_ns() + dr.timeout_ns : INT64_MAX;

		cJSON_ArrayForEach(p, evict) {
			const char *pns = kube_json_get_str(p, "metadata.namespace"), *pn = kube_json_get_str(p, "metadata.name");
			const char *uid = kube_json_get_str(p, "metadata.uid");

			for (;;) {
				cJSON *cur = NULL;

				r = kube_client_get(ctx->client, pk, pns, pn, &cur, NULL);
				if (r == -ENOENT || (r == 0 && !kube_streq(kube_json_get_str(cur, "metadata.uid"), uid))) {
					cJSON_Delete(cur);
					fprintf(ctx->out, "pod/%s evicted\n", pn);
					fflush(ctx->out);
					break;
				}
				cJSON_Delete(cur);
				if (kube_now_ns() >= deadline) {
					fprintf(ctx->err, "There are pending pods in node \"%s\" when an error occurred: error when waiting for pod \"%s\" in namespace \"%s\" to terminate: context deadline exceeded\n",
						name, pn, pns);
					fprintf(ctx->err, "pod/%s\n", pn);
					fprintf(ctx->err, "error: unable to drain node \"%s\" due to error: error when waiting for pod \"%s\" in namespace \"%s\" to terminate: context deadline exceeded, continuing command...\n"
							  "There are pending nodes to be drained:\n %s\nerror when waiting for pod \"%s\" in namespace \"%s\" to terminate: context deadline exceeded\n",
						name, pn, pns, name, pn, pns);
					rc = 1;
					goto out;
				}
				struct timespec ts = { 0, 100 * 1000000 };

				nanosleep(&ts, NULL);
			}
		}
	}
	fprintf(ctx->out, "node/%s drained\n", name);
out:
	kube_client_status_clear(&st);
	cJSON_Delete(list);
	cJSON_Delete(evict);
	kube_free(fs);
	kube_buf_clear(&nocontroller);
	kube_buf_clear(&ds);
	kube_buf_clear(&emptydir);
	kube_buf_clear(&ignored);
	kube_buf_clear(&errs);
	return rc;
}

static int drain_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	(void)arg;
	return drain_node(ctx, k, obj);
}

static int drain_run(kubectl_ctx_t *ctx)
{
	char **args;
	int rc;

	if (ctx->nargs == 0 && !dr.selector)
		return kubectl_usage_error(ctx, "USAGE: drain NODE [flags]");
	if (!kubectl_ctx_client(ctx))
		return 1;
	args = kube_calloc((size_t)ctx->nargs + 2, sizeof(char *));
	args[0] = "nodes";
	for (int i = 0; i < ctx->nargs; i++)
		args[i + 1] = ctx->args[i];
	rc = kubectl_visit_args(ctx, args, ctx->nargs + 1, dr.selector, false, false, drain_one, NULL);
	kube_free(args);
	return rc;
}

const kubectl_command_t kubectl_cmd_drain = {
	"drain", "Drain node in preparation for maintenance", drain_setup, drain_run,
};
