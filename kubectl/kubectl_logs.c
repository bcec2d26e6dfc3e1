/* kubectl_logs: `logs` through the API server's pods/log subresource
 * (-c, --tail, --previous, --timestamps, --since, --limit-bytes, -f; a
 * workload name picks one of its pods as upstream does). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"

static struct {
	char *container, *since;
	int64_t tail, limit_bytes;
	bool previous, timestamps, follow, all_containers;
} lg = { .tail = -1 };

static void logs_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "container", 'c', &lg.container, "Print the logs of this container");
	kube_flag_string(fs, "since", 0, &lg.since, "Only return logs newer than a relative duration like 5s, 2m, or 3h.");
	kube_flag_int64(fs, "tail", &lg.tail, "Lines of recent log file to display.");
	kube_flag_int64(fs, "limit-bytes", &lg.limit_bytes, "Maximum bytes of logs to return.");
	kube_flag_bool(fs, "previous", 'p', &lg.previous, "If true, print the logs for the previous instance of the container in a pod if it exists.");
	kube_flag_bool(fs, "timestamps", 0, &lg.timestamps, "Include timestamps on each line in the log output");
	kube_flag_bool(fs, "follow", 'f', &lg.follow, "Specify if the logs should be streamed.");
	kube_flag_bool(fs, "all-containers", 0, &lg.all_containers, "Get all containers' logs in the pod(s).");
	kube_flag_ignored(fs, "selector", false, "Selector (label query) to filter on.");
	kube_flag_ignored(fs, "prefix", true, "Prefix each log line with the log source (pod name and container name)");
	kube_flag_ignored(fs, "pod-running-timeout", false, "The length of time to wait until at least one pod is running");
}

/* The builder's wording for a failed GET: "error: error from server
 * (NotFound): pods "x" not found in namespace "ns"". */
static void not_found(kubectl_ctx_t *ctx, int r, const kube_client_status_t *st)
{
	if (st->code && st->reason && *st->reason)
		fprintf(ctx->err, "error: error from server (%s): %s in namespace \"%s\"\n", st->reason,
			st->message ? st->message : "", ctx->ns);
	else
		kubectl_report(ctx, r, st, NULL);
}

/* The pod a workload's selector picks; NULL after printing an error. */
static char *pick_pod(kubectl_ctx_t *ctx, const kube_kind_t *k, const char *name)
{
	const kube_kind_t *pk = kubectl_discovery_resolve(ctx->disc, "pods");
	kube_client_status_t st = { 0 };
	cJSON *obj = NULL, *list = NULL;
	const cJSON *sel, *c;
	kube_buf_t q = KUBE_BUF_INIT;
	kube_client_list_opts_t lo = { 0 };
	char *pod = NULL;
	int r = kube_client_get(ctx->client, k, ctx->ns, name, &obj, &st);

	if (r < 0) {
		not_found(ctx, r, &st);
		kube_client_status_clear(&st);
		return NULL;
	}
	sel = kube_json_get(obj, "spec.selector.matchLabels");
	if (!sel)
		sel = kube_json_get(obj, "spec.selector");
	cJSON_ArrayForEach(c, sel)
		if (cJSON_IsString(c))
			kube_buf_printf(&q, "%s%s=%s", q.len ? "," : "", c->string, c->valuestring);
	if (!q.len) {
		kubectl_errorf(ctx, "cannot get the logs from %s: selector is empty", k->kind);
		goto out;
	}
	lo.label_selector = kube_buf_str(&q);
	if (kube_client_list_all(ctx->client, pk, ctx->ns, &lo, &list, &st) < 0 ||
	    !cJSON_GetArraySize(kube_json_get(list, "items"))) {
		kubectl_errorf(ctx, "timed out waiting for the condition");
		goto out;
	}
	pod = kube_strdup(kube_json_get_str(cJSON_GetArrayItem(kube_json_get(list, "items"), 0), "metadata.name") ?: "");
	if (cJSON_GetArraySize(kube_json_get(list, "items")) > 1)
		fprintf(ctx->err, "Found %d pods, using pod/%s\n", cJSON_GetArraySize(kube_json_get(list, "items")), pod);
out:
	kube_client_status_clear(&st);
	kube_buf_clear(&q);
	cJSON_Delete(obj);
	cJSON_Delete(list);
	return pod;
}

static int logs_run(kubectl_ctx_t *ctx)
{
	const kube_kind_t *pk;
	kubectl_targets_t ts;
	char *pod = NULL, *path, *e;
	kube_buf_t q = KUBE_BUF_INIT;
	kube_client_raw_t req = { .method = "GET" };
	char *body = NULL;
	size_t len = 0;
	int code = 0, r, rc = 0;

	if (ctx->nargs < 1) {
		fprintf(ctx->err, "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n");
		return 1;
	}
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	pk = kubectl_discovery_resolve(ctx->disc, "pods");
	if (strchr(ctx->args[0], '/')) {
		if (kubectl_targets_resolve(ctx, ctx->args, 1, &ts))
			return 1;
		if (strcmp(ts.t[0].k->kind, "Pod") == 0)
			pod = kube_strdup(ts.t[0].names[0]);
		else
			pod = pick_pod(ctx, ts.t[0].k, ts.t[0].names[0]);
		kubectl_targets_free(&ts);
		if (!pod)
			return 1;
	} else {
		pod = kube_strdup(ctx->args[0]);
	}
	{
		kube_client_status_t st = { 0 };
		cJSON *obj = NULL;

		r = kube_client_get(ctx->client, pk, ctx->ns, pod, &obj, &st);
		cJSON_Delete(obj);
		if (r < 0) {
			not_found(ctx, r, &st);
			kube_client_status_clear(&st);
			kube_free(pod);
			return 1;
		}
	}
	if (ctx->nargs > 1 && !lg.container)
		lg.container = ctx->args[1];
	if (lg.container && *lg.container) {
		e = kube_client_query_escape(lg.container);
		kube_buf_printf(&q, "container=%s&", e);
		kube_free(e);
	}
	if (lg.follow)
		kube_buf_puts(&q, "follow=true&");
	if (lg.limit_bytes > 0)
		kube_buf_printf(&q, "limitBytes=%lld&", (long long)lg.limit_bytes);
	if (lg.previous)
		kube_buf_puts(&q, "previous=true&");
	if (lg.since && *lg.since) {
		int64_t ns = 0;

		if (kube_parse_duration(lg.since, &ns) == 0)
			kube_buf_printf(&q, "sinceSeconds=%lld&", (long long)((ns + 999999999) / 1000000000));
	}
	if (lg.tail >= 0)
		kube_buf_printf(&q, "tailLines=%lld&", (long long)lg.tail);
	if (lg.timestamps)
		kube_buf_puts(&q, "timestamps=true&");
	if (q.len)
		q.data[--q.len] = 0;
	path = kube_client_path(pk, ctx->ns, pod, "log", q.len ? kube_buf_str(&q) : NULL);
	req.path = path;
	req.accept = "*/*";
	r = kube_client_raw(ctx->client, &req, &code, &body, &len);
	if (r < 0) {
		rc = kubectl_report(ctx, r, NULL, NULL);
	} else if (code / 100 != 2) {
		kube_client_status_t st = { .code = code };
		cJSON *j = kube_json_parse(body ? body : "", len);

		st.reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st.message = kube_strdup(kube_json_get_str(j, "message") ?: (body ? body : ""));
		cJSON_Delete(j);
		rc = kubectl_report(ctx, -EIO, &st, NULL);
		kube_client_status_clear(&st);
	} else {
		fwrite(body, 1, len, ctx->out);
	}
	kube_free(body);
	kube_free(path);
	kube_free(pod);
	kube_buf_clear(&q);
	return rc;
}

const kubectl_command_t kubectl_cmd_logs = {
	"logs", "Print the logs for a container in a pod", logs_setup, logs_run,
};

/* ---- exec --------------------------------------------------------------- */

static struct {
	char *container;
	bool stdin_, tty, quiet;
} ex;

static void exec_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "container", 'c', &ex.container, "Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen");
	kube_flag_bool(fs, "stdin", 'i', &ex.stdin_, "Pass stdin to the container");
	kube_flag_bool(fs, "tty", 't', &ex.tty, "Stdin is a TTY");
	kube_flag_bool(fs, "quiet", 'q', &ex.quiet, "Only print output from the remote session");
	kube_flag_ignored(fs, "filename", false, "to use to exec into the resource");
	kube_flag_ignored(fs, "pod-running-timeout", false, "The length of time to wait until at least one pod is running");
}

/* The exec request as upstream's SPDY fallback sends it (POST with the
 * command in the query). Streaming the session needs the kubelet; until
 * it serves exec, the API server's answer is reported. */
static int exec_run(kubectl_ctx_t *ctx)
{
	const kube_kind_t *pk;
	kube_client_status_t st = { 0 };
	cJSON *pod = NULL;
	kube_buf_t q = KUBE_BUF_INIT;
	const char *name, *container;
	char *path, *body = NULL;
	kube_client_raw_t req = { .method = "POST" };
	size_t len = 0;
	int code = 0, r, rc = 0, first_cmd = 1;

	if (ctx->nargs < 1)
		return kubectl_usage_error(ctx, "pod, type/name or --filename must be specified");
	if (ctx->nargs < 2)
		return kubectl_errorf(ctx, "you must specify at least one command for the container");
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	pk = kubectl_discovery_resolve(ctx->disc, "pods");
	name = strncmp(ctx->args[0], "pod/", 4) == 0 ? ctx->args[0] + 4 : ctx->args[0];
	r = kube_client_get(ctx->client, pk, ctx->ns, name, &pod, &st);
	if (r < 0) {
		rc = kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return rc;
	}
	container = ex.container && *ex.container ? ex.container
						   : kube_json_get_str(pod, "spec.containers[0].name") ?: "";
	if (!ex.container && cJSON_GetArraySize(kube_json_get(pod, "spec.containers")) > 1) {
		const cJSON *c;
		kube_buf_t all = KUBE_BUF_INIT;

		cJSON_ArrayForEach(c, kube_json_get(pod, "spec.containers"))
			kube_buf_printf(&all, "%s%s", all.len ? ", " : "", kube_json_get_str(c, "name") ?: "");
		fprintf(ctx->err, "Defaulted container \"%s\" out of: %s\n", container, kube_buf_str(&all));
		kube_buf_clear(&all);
	}
	for (int i = first_cmd; i < ctx->nargs; i++) {
		char *e = kube_client_query_escape(ctx->args[i]);

		kube_buf_printf(&q, "command=%s&", e);
		kube_free(e);
	}
	{
		char *e = kube_client_query_escape(container);

		kube_buf_printf(&q, "container=%s&stderr=true&stdout=true", e);
		kube_free(e);
	}
	if (ex.stdin_)
		kube_buf_puts(&q, "&stdin=true");
	if (ex.tty && !isatty(0)) {
		fprintf(ctx->err, "Unable to use a TTY - input is not a terminal or the right kind of file\n");
		ex.tty = false;
	}
	if (ex.tty)
		kube_buf_puts(&q, "&tty=true");
	path = kube_client_path(pk, ctx->ns, name, "exec", kube_buf_str(&q));
	req.path = path;
	r = kube_client_raw(ctx->client, &req, &code, &body, &len);
	if (r < 0) {
		rc = kubectl_report(ctx, r, NULL, NULL);
	} else if (code / 100 != 2) {
		cJSON *j = kube_json_parse(body ? body : "", len);

		st.code = code;
		st.reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st.message = kube_strdup(kube_json_get_str(j, "message") ?: (body ? body : ""));
		cJSON_Delete(j);
		rc = kubectl_report(ctx, -EIO, &st, NULL);
		kube_client_status_clear(&st);
	} else {
		rc = kubectl_errorf(ctx, "unable to upgrade connection: the exec stream needs the kubelet");
	}
	kube_free(body);
	kube_free(path);
	kube_buf_clear(&q);
	cJSON_Delete(pod);
	return rc;
}

const kubectl_command_t kubectl_cmd_exec = {
	"exec", "Execute a command in a container", exec_setup, exec_run,
};
