/* kubectl_delete: `kubectl delete` by names, -f, -l and --all. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"
#include "kubectl_manifest.h"

static struct {
	kube_strv_t filename;
	bool recursive, all, all_namespaces, now, force, wait, ignore_not_found;
	char *selector, *field_selector, *cascade, *output;
	int grace_period;
	int64_t timeout_ns;
} dopt = { .cascade = "background", .grace_period = -1, .wait = true };

static void delete_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_list(fs, "filename", &dopt.filename, "containing the resource to delete.");
	kube_flag_set_shorthand(fs, "filename", 'f');
	kube_flag_bool(fs, "recursive", 'R', &dopt.recursive, "Process the directory used in -f, --filename recursively.");
	kube_flag_bool(fs, "all", 0, &dopt.all, "Delete all resources, in the namespace of the specified resource types.");
	kube_flag_bool(fs, "all-namespaces", 'A', &dopt.all_namespaces, "If present, list the requested object(s) across all namespaces.");
	kube_flag_bool(fs, "now", 0, &dopt.now, "If true, resources are signaled for immediate shutdown (same as --grace-period=1).");
	kube_flag_bool(fs, "force", 0, &dopt.force, "If true, immediately remove resources from API and bypass graceful deletion.");
	kube_flag_bool(fs, "wait", 0, &dopt.wait, "If true, wait for resources to be gone before returning. This waits for finalizers.");
	kube_flag_bool(fs, "ignore-not-found", 0, &dopt.ignore_not_found, "Treat \"resource not found\" as a successful delete.");
	kube_flag_string(fs, "selector", 'l', &dopt.selector, "Selector (label query) to filter on.");
	kube_flag_string(fs, "field-selector", 0, &dopt.field_selector, "Selector (field query) to filter on.");
	kube_flag_string(fs, "cascade", 0, &dopt.cascade, "Must be \"background\", \"orphan\", or \"foreground\".");
	kube_flag_string(fs, "output", 'o', &dopt.output, "Output mode. Use \"-o name\" for shorter output (resource/name).");
	kube_flag_int(fs, "grace-period", 0, &dopt.grace_period, "Period of time in seconds given to the resource to terminate gracefully.");
	kube_flag_duration(fs, "timeout", &dopt.timeout_ns, "The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "interactive", true, "If true, delete resource only when user confirms.");
	kube_flag_ignored(fs, "raw", false, "Raw URI to DELETE to the server.");
}

typedef struct del_item {
	const kube_kind_t *k;
	char *ns, *name;
	const char *source;
} del_item_t;

static int wait_gone(kubectl_ctx_t *ctx, const del_item_t *it, const char *uid)
{
	int64_t deadline = kube_now_ns() + (dopt.timeout_ns > 0 ? dopt.timeout_ns : 7LL * 24 * 3600 * 1000000000LL);

	while (kube_now_ns() < deadline) {
		cJSON *obj = NULL;
		int r = kube_client_get(ctx->client, it->k, it->ns, it->name, &obj, NULL);
		bool same = r == 0 && (!uid || kube_streq(kube_json_get_str(obj, "metadata.uid"), uid));

		cJSON_Delete(obj);
		if (r == -ENOENT || (r == 0 && !same))
			return 0;
		if (r < 0)
			return kubectl_report(ctx, r, NULL, NULL);
		struct timespec ts = { 0, 100 * 1000000 };

		nanosleep(&ts, NULL);
	}
	return kubectl_errorf(ctx, "timed out waiting for the condition on %s/%s", it->k->resource, it->name);
}

static int delete_items(kubectl_ctx_t *ctx, del_item_t *items, size_t n)
{
	kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
	char **uids = kube_calloc(n + 1, sizeof(char *));
	bool *done = kube_calloc(n + 1, sizeof(bool));
	int rc = 0;

	if (strcmp(dopt.cascade, "background") == 0 || strcmp(dopt.cascade, "true") == 0)
		o.propagation_policy = "Background";
	else if (strcmp(dopt.cascade, "foreground") == 0)
		o.propagation_policy = "Foreground";
	else if (strcmp(dopt.cascade, "orphan") == 0 || strcmp(dopt.cascade, "false") == 0)
		o.propagation_policy = "Orphan";
	else {
		kube_free(uids);
		kube_free(done);
		return kubectl_errorf(ctx, "invalid cascade value (%s). Must be \"background\", \"foreground\", or \"orphan\"", dopt.cascade);
	}
	if (dopt.now)
		o.grace_period_seconds = 1;
	if (dopt.grace_period >= 0)
		o.grace_period_seconds = dopt.grace_period;
	if (dopt.force && dopt.grace_period < 0)
		o.grace_period_seconds = 0;
	if (dopt.force && o.grace_period_seconds == 0)
		fprintf(ctx->err, "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
	for (size_t i = 0; i < n; i++) {
		kube_client_status_t st = { 0 };
		cJSON *ret = NULL;
		kube_buf_t b = KUBE_BUF_INIT;
		int r = kube_client_delete(ctx->client, items[i].k, items[i].ns, items[i].name, &o, &ret, &st);

		if (r < 0) {
			if (!(r == -ENOENT && dopt.ignore_not_found)) {
				char *prefix = items[i].source ? kube_asprintf("error when deleting \"%s\": ", items[i].source) : NULL;

				kubectl_report(ctx, r, &st, prefix);
				kube_free(prefix);
				rc = 1;
			}
			kube_client_status_clear(&st);
			cJSON_Delete(ret);
			continue;
		}
		if (kube_json_get_str(ret, "metadata.uid"))
			uids[i] = kube_strdup(kube_json_get_str(ret, "metadata.uid"));
		cJSON_Delete(ret);
		done[i] = true;
		kubectl_kind_prefix(items[i].k, &b);
		if (kube_streq(dopt.output, "name"))
			fprintf(ctx->out, "%s/%s\n", kube_buf_str(&b), items[i].name);
		else
			fprintf(ctx->out, "%s \"%s\" %sdeleted\n", kube_buf_str(&b), items[i].name,
				dopt.force && o.grace_period_seconds == 0 ? "force " : "");
		fflush(ctx->out);
		kube_buf_clear(&b);
	}
	if (dopt.wait)
		for (size_t i = 0; i < n; i++)
			if (done[i] && wait_gone(ctx, &items[i], uids[i]))
				rc = 1;
	for (size_t i = 0; i < n; i++)
		kube_free(uids[i]);
	kube_free(uids);
	kube_free(done);
	return rc;
}

static void add_item(del_item_t **items, size_t *n, const kube_kind_t *k, const char *ns,
		     const char *name, const char *source)
{
	*items = kube_realloc(*items, (*n + 1) * sizeof(**items));
	(*items)[*n].k = k;
	(*items)[*n].ns = ns ? kube_strdup(ns) : NULL;
	(*items)[*n].name = kube_strdup(name);
	(*items)[*n].source = source;
	(*n)++;
}

static int delete_run(kubectl_ctx_t *ctx)
{
	del_item_t *items = NULL;
	size_t n = 0;
	int rc = 0;
	kubectl_manifest_t m = { 0 };
	kubectl_targets_t ts = { 0 };

	if (dopt.filename) {
		if (kubectl_manifest_read(ctx, dopt.filename, dopt.recursive, &m))
			return 1;
		for (size_t i = 0; i < m.n; i++)
			add_item(&items, &n, m.o[i].k, m.o[i].ns,
				 kube_json_get_str(m.o[i].obj, "metadata.name") ?: "", m.o[i].source);
	} else {
		if (ctx->nargs == 0) {
			fprintf(ctx->err, "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
			return 1;
		}
		if (kubectl_targets_resolve(ctx, ctx->args, ctx->nargs, &ts))
			return 1;
		for (size_t i = 0; i < ts.n && rc == 0; i++) {
			const kubectl_target_t *t = &ts.t[i];
			const char *ns = kubectl_ns_for(ctx, t->k, dopt.all_namespaces);

			if (t->nnames) {
				for (size_t j = 0; j < t->nnames; j++)
					add_item(&items, &n, t->k, ns, t->names[j], NULL);
				continue;
			}
			if (!dopt.all && !dopt.selector && !dopt.field_selector) {
				fprintf(ctx->err, "error: resource(s) were provided, but no name was specified\n");
				rc = 1;
				break;
			}
			{
				kube_client_list_opts_t lo = { .label_selector = dopt.selector,
							       .field_selector = dopt.field_selector,
							       .limit = 500 };
				kube_client_status_t st = { 0 };
				cJSON *list = NULL;
				const cJSON *it;
				int r = kube_client_list_all(ctx->client, t->k, ns, &lo, &list, &st);

				if (r < 0) {
					rc = kubectl_report(ctx, r, &st, NULL);
					kube_client_status_clear(&st);
					break;
				}
				cJSON_ArrayForEach(it, kube_json_get(list, "items"))
					add_item(&items, &n, t->k, kube_json_get_str(it, "metadata.namespace"),
						 kube_json_get_str(it, "metadata.name") ?: "", NULL);
				cJSON_Delete(list);
			}
		}
		if (rc == 0 && n == 0) {
			fprintf(ctx->out, "No resources found\n");
		}
	}
	if (rc == 0)
		rc = delete_items(ctx, items, n);
	for (size_t i = 0; i < n; i++) {
		kube_free(items[i].ns);
		kube_free(items[i].name);
	}
	kube_free(items);
	kubectl_manifest_free(&m);
	kubectl_targets_free(&ts);
	return rc;
}

const kubectl_command_t kubectl_cmd_delete = {
	"delete", "Delete resources by file names, stdin, resources and names, or by resources and label selector",
	delete_setup, delete_run,
};
