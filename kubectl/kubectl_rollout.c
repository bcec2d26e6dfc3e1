/* kubectl_rollout: `rollout status|history|undo|restart|pause|resume` for
 * Deployments, with upstream's progress messages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "core/kube_time.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"
#include "kubectl_printer.h"

static struct {
	bool watch;
	int64_t timeout_ns;
	int64_t revision;
} ropt = { .watch = true };

static void rollout_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "watch", 'w', &ropt.watch, "Watch the status of the rollout until it's done.");
	kube_flag_duration(fs, "timeout", &ropt.timeout_ns, "The length of time to wait before ending watch, zero means never.");
	kube_flag_int64(fs, "revision", &ropt.revision, "Pin to a specific revision for showing its status or rolling back.");
	kube_flag_ignored(fs, "filename", false, "Filename, directory, or URL to files identifying the resource to get from a server.");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "selector", false, "Selector (label query) to filter on.");
	kube_flag_ignored(fs, "output", false, "Output format.");
	kube_flag_ignored(fs, "field-manager", false, "Name of the manager used to track field ownership.");
}

/* DeploymentStatusViewer.Status. *done set when rolled out; error text in
 * *err (static) for a progress deadline. */
static void deployment_status(const cJSON *d, kube_buf_t *msg, bool *done, bool *failed)
{
	const char *name = kube_json_get_str(d, "metadata.name") ?: "";
	int64_t gen = kube_json_get_int64(d, "metadata.generation", 0);
	int64_t obs = kube_json_get_int64(d, "status.observedGeneration", 0);
	int64_t want = kube_json_get_int64(d, "spec.replicas", 1);
	int64_t updated = kube_json_get_int64(d, "status.updatedReplicas", 0);
	int64_t replicas = kube_json_get_int64(d, "status.replicas", 0);
	int64_t available = kube_json_get_int64(d, "status.availableReplicas", 0);
	const cJSON *c;

	*done = *failed = false;
	if (gen > obs) {
		kube_buf_puts(msg, "Waiting for deployment spec update to be observed...\n");
		return;
	}
	cJSON_ArrayForEach(c, kube_json_get(d, "status.conditions"))
		if (kube_streq(kube_json_get_str(c, "type"), "Progressing") &&
		    kube_streq(kube_json_get_str(c, "reason"), "ProgressDeadlineExceeded")) {
			kube_buf_printf(msg, "deployment \"%s\" exceeded its progress deadline", name);
			*failed = true;
			return;
		}
	if (updated < want)
		kube_buf_printf(msg, "Waiting for deployment \"%s\" rollout to finish: %lld out of %lld new replicas have been updated...\n",
				name, (long long)updated, (long long)want);
	else if (replicas > updated)
		kube_buf_printf(msg, "Waiting for deployment \"%s\" rollout to finish: %lld old replicas are pending termination...\n",
				name, (long long)(replicas - updated));
	else if (available < updated)
		kube_buf_printf(msg, "Waiting for deployment \"%s\" rollout to finish: %lld of %lld updated replicas are available...\n",
				name, (long long)available, (long long)updated);
	else {
		kube_buf_printf(msg, "deployment \"%s\" successfully rolled out\n", name);
		*done = true;
	}
}

static void daemonset_status(const cJSON *d, kube_buf_t *msg, bool *done, bool *failed)
{
	const char *name = kube_json_get_str(d, "metadata.name") ?: "";
	int64_t desired = kube_json_get_int64(d, "status.desiredNumberScheduled", 0);
	int64_t updated = kube_json_get_int64(d, "status.updatedNumberScheduled", 0);
	int64_t available = kube_json_get_int64(d, "status.numberAvailable", 0);
	const char *strategy = kube_json_get_str(d, "spec.updateStrategy.type") ?: "RollingUpdate";

	*done = *failed = false;
	if (strcmp(strategy, "RollingUpdate") != 0) {
		kube_buf_puts(msg, "rollout status is only available for RollingUpdate strategy type");
		*failed = true;
		return;
	}
	if (kube_json_get_int64(d, "metadata.generation", 0) > kube_json_get_int64(d, "status.observedGeneration", 0))
		kube_buf_puts(msg, "Waiting for daemon set spec update to be observed...\n");
	else if (updated < desired)
		kube_buf_printf(msg, "Waiting for daemon set \"%s\" rollout to finish: %lld out of %lld new pods have been updated...\n",
				name, (long long)updated, (long long)desired);
	else if (available < desired)
		kube_buf_printf(msg, "Waiting for daemon set \"%s\" rollout to finish: %lld of %lld updated pods are available...\n",
				name, (long long)available, (long long)desired);
	else {
		kube_buf_printf(msg, "daemon set \"%s\" successfully rolled out\n", name);
		*done = true;
	}
}

static void statefulset_status(const cJSON *s, kube_buf_t *msg, bool *done, bool *failed)
{
	const char *strategy = kube_json_get_str(s, "spec.updateStrategy.type") ?: "RollingUpdate";
	int64_t obs = kube_json_get_int64(s, "status.observedGeneration", 0);
	int64_t want = kube_json_get_int64(s, "spec.replicas", 1);
	int64_t ready = kube_json_get_int64(s, "status.readyReplicas", 0);
	const char *cur = kube_json_get_str(s, "status.currentRevision") ?: "";
	const char *upd = kube_json_get_str(s, "status.updateRevision") ?: "";

	*done = *failed = false;
	if (strcmp(strategy, "RollingUpdate") != 0) {
		kube_buf_puts(msg, "rollout status is only available for RollingUpdate strategy type");
		*failed = true;
		return;
	}
	if (obs == 0 || kube_json_get_int64(s, "metadata.generation", 0) > obs)
		kube_buf_puts(msg, "Waiting for statefulset spec update to be observed...\n");
	else if (ready < want)
		kube_buf_printf(msg, "Waiting for %lld pods to be ready...\n", (long long)(want - ready));
	else if (kube_json_get(s, "spec.updateStrategy.rollingUpdate.partition")) {
		int64_t part = kube_json_get_int64(s, "spec.updateStrategy.rollingUpdate.partition", 0);
		int64_t updated = kube_json_get_int64(s, "status.updatedReplicas", 0);

		if (updated < want - part)
			kube_buf_printf(msg, "Waiting for partitioned roll out to finish: %lld out of %lld new pods have been updated...\n",
					(long long)updated, (long long)(want - part));
		else {
			kube_buf_printf(msg, "partitioned roll out complete: %lld new pods have been updated...\n",
					(long long)updated);
			*done = true;
		}
	} else if (strcmp(upd, cur) != 0)
		kube_buf_printf(msg, "waiting for statefulset rolling update to complete %lld pods at revision %s...\n",
				(long long)kube_json_get_int64(s, "status.updatedReplicas", 0), upd);
	else {
		kube_buf_printf(msg, "statefulset rolling update complete %lld pods at revision %s...\n",
				(long long)kube_json_get_int64(s, "status.currentReplicas", 0), cur);
		*done = true;
	}
}

static int one_target(kubectl_ctx_t *ctx, int skip, const kube_kind_t **rk, char **rname)
{
	kubectl_targets_t ts;

	if (kubectl_targets_resolve(ctx, ctx->args + skip, ctx->nargs - skip, &ts))
		return 1;
	if (ts.n != 1 || ts.t[0].nnames != 1) {
		kubectl_targets_free(&ts);
		return kubectl_errorf(ctx, "required resource not specified");
	}
	*rk = ts.t[0].k;
	*rname = kube_strdup(ts.t[0].names[0]);
	kubectl_targets_free(&ts);
	if (strcmp((*rk)->kind, "Deployment") != 0 && strcmp((*rk)->kind, "DaemonSet") != 0 &&
	    strcmp((*rk)->kind, "StatefulSet") != 0) {
		kube_free(*rname);
		return kubectl_errorf(ctx, "no status viewer has been implemented for %s", (*rk)->kind);
	}
	return 0;
}

static int rollout_status(kubectl_ctx_t *ctx, const kube_kind_t *k, const char *name)
{
	int64_t deadline = ropt.timeout_ns > 0 ? kube_now_ns() + ropt.timeout_ns : INT64_MAX;
	kube_buf_t last = KUBE_BUF_INIT;
	int rc = 0;

	for (;;) {
		kube_client_status_t st = { 0 };
		kube_buf_t msg = KUBE_BUF_INIT;
		cJSON *d = NULL;
		bool done, failed;
		int r = kube_client_get(ctx->client, k, ctx->ns, name, &d, &st);

		if (r < 0) {
			rc = kubectl_report(ctx, r, &st, NULL);
			kube_client_status_clear(&st);
			break;
		}
		if (strcmp(k->kind, "DaemonSet") == 0)
			daemonset_status(d, &msg, &done, &failed);
		else if (strcmp(k->kind, "StatefulSet") == 0)
			statefulset_status(d, &msg, &done, &failed);
		else
			deployment_status(d, &msg, &done, &failed);
		cJSON_Delete(d);
		if (failed) {
			rc = kubectl_errorf(ctx, "%s", kube_buf_str(&msg));
			kube_buf_clear(&msg);
			break;
		}
		if (!kube_streq(kube_buf_str(&msg), kube_buf_str(&last)))
			fputs(kube_buf_str(&msg), ctx->out), fflush(ctx->out);
		kube_buf_clear(&last);
		last = msg;
		if (done || !ropt.watch)
			break;
		if (kube_now_ns() >= deadline) {
			rc = kubectl_errorf(ctx, "timed out waiting for the condition");
			break;
		}
		struct timespec ts = { 0, 200 * 1000000 };

		nanosleep(&ts, NULL);
	}
	kube_buf_clear(&last);
	return rc;
}

/* ReplicaSets controlled by deployment d, sorted by revision. */
static cJSON *owned_rs(kubectl_ctx_t *ctx, const cJSON *d)
{
	const kube_kind_t *rs = kubectl_discovery_resolve(ctx->disc, "replicasets.apps");
	kube_client_list_opts_t lo = { .limit = 500 };
	cJSON *list = NULL, *out = cJSON_CreateArray(), *it, *next;
	const char *uid = kube_json_get_str(d, "metadata.uid");

	if (!rs || kube_client_list_all(ctx->client, rs, ctx->ns, &lo, &list, NULL) < 0)
		return out;
	for (it = kube_json_get(list, "items") ? kube_json_get(list, "items")->child : NULL; it; it = next) {
		const cJSON *o;
		bool mine = false;

		next = it->next;
		cJSON_ArrayForEach(o, kube_json_get(it, "metadata.ownerReferences"))
			if (kube_streq(kube_json_get_str(o, "uid"), uid) && kube_json_get_bool(o, "controller", false))
				mine = true;
		if (mine)
			cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(kube_json_get(list, "items"), it));
	}
	cJSON_Delete(list);
	return out;
}

static int64_t revision_of(const cJSON *o)
{
	const cJSON *a = kube_json_get(o, "metadata.annotations");
	const cJSON *v = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, "deployment.kubernetes.io/revision") : NULL;

	return cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10) : 0;
}

static int rollout_history(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *d)
{
	cJSON *rss = owned_rs(ctx, d), *it;
	kube_buf_t b = KUBE_BUF_INIT;
	int64_t revs[256];
	const cJSON *objs[256];
	size_t n = 0;

	kubectl_obj_ref(k, d, &b);
	fprintf(ctx->out, "%s \n", kube_buf_str(&b));
	kube_buf_clear(&b);
	cJSON_ArrayForEach(it, rss)
		if (n < 256 && revision_of(it) > 0) {
			size_t i = n++;

			while (i > 0 && revs[i - 1] > revision_of(it)) {
				revs[i] = revs[i - 1];
				objs[i] = objs[i - 1];
				i--;
			}
			revs[i] = revision_of(it);
			objs[i] = it;
		}
	if (!n) {
		fprintf(ctx->out, "No rollout history found.\n");
	} else {
		fprintf(ctx->out, "REVISION  CHANGE-CAUSE\n");
		for (size_t i = 0; i < n; i++) {
			const cJSON *a = kube_json_get(objs[i], "metadata.annotations");
			const cJSON *cc = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, "kubernetes.io/change-cause") : NULL;
			char rev[32];

			snprintf(rev, sizeof(rev), "%lld", (long long)revs[i]);
			fprintf(ctx->out, "%-8s  %s\n", rev, cJSON_IsString(cc) ? cc->valuestring : "<none>");
		}
		fputc('\n', ctx->out);
	}
	cJSON_Delete(rss);
	return 0;
}

static int rollout_undo(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *d)
{
	cJSON *rss = owned_rs(ctx, d), *it, *best = NULL;
	int64_t cur = revision_of(d), bestrev = 0;
	int rc = 0;

	cJSON_ArrayForEach(it, rss) {
		int64_t r = revision_of(it);

		if (ropt.revision > 0 ? r == ropt.revision : (r < cur && r > bestrev)) {
			best = it;
			bestrev = r;
		}
	}
	if (!cJSON_GetArraySize(rss)) {
		rc = kubectl_errorf(ctx, "no rollout history found for deployment \"%s\"", kube_json_get_str(d, "metadata.name"));
	} else if (!best) {
		if (ropt.revision > 0)
			rc = kubectl_errorf(ctx, "unable to find specified revision %lld in history", (long long)ropt.revision);
		else
			rc = kubectl_errorf(ctx, "no revision found for deployment \"%s\"", kube_json_get_str(d, "metadata.name"));
	} else {
		cJSON *tmpl = kube_json_dup(kube_json_get(best, "spec.template"));
		cJSON *patch = cJSON_CreateObject();
		kube_buf_t b = KUBE_BUF_INIT;
		char *body;

		kube_json_delete(tmpl, "metadata.labels.pod-template-hash");
		kube_json_set(patch, "spec.template", tmpl);
		body = kube_json_compact(patch);
		cJSON_Delete(patch);
		rc = kubectl_patch_obj(ctx, k, d, "application/merge-patch+json", body, NULL);
		kube_free(body);
		if (rc == 0) {
			kubectl_obj_ref(k, d, &b);
			fprintf(ctx->out, "%s rolled back\n", kube_buf_str(&b));
			kube_buf_clear(&b);
		}
	}
	cJSON_Delete(rss);
	return rc;
}

static int rollout_restart(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *d)
{
	char now[KUBE_TIME_RFC3339_SIZE], *body;
	const cJSON *a = kube_json_get(d, "spec.template.metadata.annotations");
	const cJSON *cur = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, "kubectl.kubernetes.io/restartedAt") : NULL;
	kube_buf_t b = KUBE_BUF_INIT;
	int rc;

	kube_time_format_rfc3339(kube_wall_ns(), now, sizeof(now));
	if (cJSON_IsString(cur) && strcmp(cur->valuestring, now) == 0)
		return kubectl_errorf(ctx, "failed to create patch for %s: if restart has already been triggered within the past second, please wait before attempting to trigger another",
				      kube_json_get_str(d, "metadata.name"));
	body = kube_asprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}", now);
	rc = kubectl_patch_obj(ctx, k, d, "application/strategic-merge-patch+json", body, NULL);
	kube_free(body);
	if (rc == 0) {
		kubectl_obj_ref(k, d, &b);
		fprintf(ctx->out, "%s restarted\n", kube_buf_str(&b));
		kube_buf_clear(&b);
	}
	return rc;
}

static int rollout_pause(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *d, bool pause)
{
	bool cur = kube_json_get_bool(d, "spec.paused", false);
	kube_buf_t b = KUBE_BUF_INIT;
	int rc;

	if (cur == pause) {
		kubectl_qualified(k, &b);
		rc = kubectl_errorf(ctx, "%s \"%s\" is %s", kube_buf_str(&b), kube_json_get_str(d, "metadata.name"),
				    pause ? "already paused" : "not paused");
		kube_buf_clear(&b);
		return rc;
	}
	rc = kubectl_patch_obj(ctx, k, d, "application/strategic-merge-patch+json",
			       pause ? "{\"spec\":{\"paused\":true}}" : "{\"spec\":{\"paused\":null}}", NULL);
	if (rc == 0) {
		kubectl_obj_ref(k, d, &b);
		fprintf(ctx->out, "%s %s\n", kube_buf_str(&b), pause ? "paused" : "resumed");
		kube_buf_clear(&b);
	}
	return rc;
}

static int rollout_run(kubectl_ctx_t *ctx)
{
	const char *sub = ctx->nargs ? ctx->args[0] : "";
	const kube_kind_t *k = NULL;
	kube_client_status_t st = { 0 };
	char *name = NULL;
	cJSON *d = NULL;
	int rc, r;

	if (strcmp(sub, "status") && strcmp(sub, "history") && strcmp(sub, "undo") &&
	    strcmp(sub, "restart") && strcmp(sub, "pause") && strcmp(sub, "resume"))
		return kubectl_errorf(ctx, "unknown command \"%s\" for \"kubectl rollout\"", sub);
	if (!kubectl_ctx_client(ctx) || one_target(ctx, 1, &k, &name))
		return 1;
	if (strcmp(sub, "status") == 0) {
		rc = rollout_status(ctx, k, name);
		kube_free(name);
		return rc;
	}
	r = kube_client_get(ctx->client, k, ctx->ns, name, &d, &st);
	kube_free(name);
	if (r < 0) {
		rc = kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return rc;
	}
	if (strcmp(sub, "history") == 0)
		rc = rollout_history(ctx, k, d);
	else if (strcmp(sub, "undo") == 0)
		rc = rollout_undo(ctx, k, d);
	else if (strcmp(sub, "restart") == 0)
		rc = rollout_restart(ctx, k, d);
	else
		rc = rollout_pause(ctx, k, d, strcmp(sub, "pause") == 0);
	cJSON_Delete(d);
	return rc;
}

const kubectl_command_t kubectl_cmd_rollout = {
	"rollout", "Manage the rollout of a resource", rollout_setup, rollout_run,
};
