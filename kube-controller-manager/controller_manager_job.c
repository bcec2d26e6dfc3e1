/*
 * controller_manager_job: the Job controller. Watches Jobs and pods; for a
 * Job key it lists the pods it controls (an index on the controller uid),
 * asks controller_manager_job_logic what to do, creates and deletes pods,
 * writes status, records upstream's events, deletes finished Jobs past
 * ttlSecondsAfterFinished, and comes back when a deadline, backoff or TTL
 * falls due.
 */
#include "controller_manager_job.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_job_logic.h"
#include "controller_manager_podutil.h"
#include "controller_manager_queue.h"

#define INDEX_OWNER "kcm-controller-uid"

typedef struct jobc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *job_kind, *pod_kind;
	kube_informer_t *jobs, *pods;
	kube_events_t *events;
	controller_manager_queue_t *q;
} jobc_t;

static void index_owner(const kube_obj_t *obj, void (*emit)(const char *, void *), void *ctx)
{
	const char *uid = controller_manager_podutil_controller_uid(obj->json);
	if (uid)
		emit(uid, ctx);
}

static void on_job(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((jobc_t *)arg)->q, obj);
}

static void on_job_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((jobc_t *)arg)->q, obj);
}

static void on_pod(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((jobc_t *)arg)->q, obj, "Job");
}

static void on_pod_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((jobc_t *)arg)->q, obj, "Job");
}

static void on_pod_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	controller_manager_queue_add_owner(((jobc_t *)arg)->q, obj, "Job");
}

static int64_t sync_job(void *arg, const char *key)
{
	jobc_t *c = arg;
	kube_obj_t *job = kube_informer_get_key(c->jobs, key);
	if (!job)
		return 0;
	kube_obj_list_t pods = { 0 };
	if (job->uid)
		kube_informer_by_index(c->pods, INDEX_OWNER, job->uid, &pods);
	const cJSON **arr = kube_calloc(pods.n + 1, sizeof(*arr));
	for (size_t i = 0; i < pods.n; i++)
		arr[i] = pods.items[i]->json;
	int64_t now = kube_wall_ns() / KUBE_NS_PER_SEC;
	controller_manager_job_plan_t p;
	controller_manager_job_plan(job->json, arr, pods.n, now, &p);
	kube_free(arr);
	kube_obj_list_clear(&pods);

	int64_t ret = 0;
	const char *ns = job->namespace_;
	int n_create = p.create + (int)p.n_indexes;
	char **created = kube_calloc((size_t)n_create + 1, sizeof(char *));
	size_t n_created = 0;
	for (int i = 0; i < n_create; i++) {
		cJSON *pod = controller_manager_job_pod(job->json, i < p.create ? -1 : p.indexes[i - p.create]);
		if (i >= p.create && p.index_failures && p.index_failures[i - p.create] > 0) {
			char n[16];
			snprintf(n, sizeof(n), "%d", p.index_failures[i - p.create]);
			kube_json_set(pod, "metadata.annotations['" CONTROLLER_MANAGER_JOB_INDEX_FAILURES_KEY "']",
				      cJSON_CreateString(n));
		}
		cJSON *out = NULL;
		int r = kube_client_create(c->ctx->client, c->pod_kind, ns, pod, &out, NULL);
		cJSON_Delete(pod);
		if (r < 0) {
			kube_events_eventf_kind(c->events, job->json, "batch/v1", "Job", "Warning", "FailedCreate",
						"Error creating: %s", strerror(-r));
			ret = r;
			cJSON_Delete(out);
			break;
		}
		const char *name = kube_json_get_str(out, "metadata.name");
		if (name) {
			created[n_created++] = kube_strdup(name);
			kube_events_eventf_kind(c->events, job->json, "batch/v1", "Job", "Normal", "SuccessfulCreate",
						"Created pod: %s", name);
		}
		cJSON_Delete(out);
	}
	for (size_t i = 0; i < p.n_deletes; i++) {
		int r = kube_client_delete(c->ctx->client, c->pod_kind, ns, p.deletes[i], NULL, NULL, NULL);
		if (r < 0 && r != -ENOENT) {
			kube_events_eventf_kind(c->events, job->json, "batch/v1", "Job", "Warning", "FailedDelete",
						"Error deleting: %s", strerror(-r));
			ret = r;
		} else {
			kube_events_eventf_kind(c->events, job->json, "batch/v1", "Job", "Normal", "SuccessfulDelete",
						"Deleted pod: %s", p.deletes[i]);
		}
	}
	/* let the cache catch up so the next sync does not act twice */
	controller_manager_queue_wait_cache(c->pods, ns, created, n_created, true, 3000);
	controller_manager_queue_wait_cache(c->pods, ns, p.deletes, p.n_deletes, false, 3000);
	for (size_t i = 0; i < n_created; i++)
		kube_free(created[i]);
	kube_free(created);

	if (p.status && ret == 0) {
		cJSON *upd = kube_json_dup(job->json);
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "status");
		cJSON_AddItemToObject(upd, "status", p.status);
		p.status = NULL;
		int r = kube_client_update(c->ctx->client, c->job_kind, ns, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
		if (r == 0)
			controller_manager_queue_wait_rv(c->jobs, ns, job->name, job->resource_version, 1000);
		if (r < 0)
			ret = r;
	}
	if (p.event_reason && ret == 0)
		kube_events_eventf_kind(c->events, job->json, "batch/v1", "Job", p.event_type, p.event_reason,
					"%s", p.event_message);
	if (p.delete_job) {
		kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
		o.propagation_policy = "Background";
		o.precondition_uid = job->uid;
		klog_v(2, "job %s: ttlSecondsAfterFinished passed, deleting", key);
		int r = kube_client_delete(c->ctx->client, c->job_kind, ns, job->name, &o, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			ret = r;
	}
	if (ret == 0 && p.requeue_after >= 0)
		ret = p.requeue_after * 1000 + 100;
	controller_manager_job_plan_clear(&p);
	kube_obj_unref(job);
	return ret;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	jobc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->job_kind = kube_kinds_lookup("batch", "v1", "jobs");
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->jobs = kube_informer_factory_get(ctx->informers, c->job_kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	kube_informer_add_index(c->pods, INDEX_OWNER, index_owner);
	c->events = kube_events_new(ctx->client, "job-controller", NULL);
	c->q = controller_manager_queue_start(ctx, "job", ctx->opts->concurrent_job_syncs, sync_job, c);
	kube_informer_handlers_t jh = { on_job, on_job_update, NULL, c };
	kube_informer_handlers_t ph = { on_pod, on_pod_update, on_pod_delete, c };
	kube_informer_add_handlers(c->jobs, &jh);
	kube_informer_add_handlers(c->pods, &ph);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	jobc_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	kube_informer_stop(c->jobs);
	kube_informer_stop(c->pods);
	controller_manager_queue_stop(c->q);
	kube_events_free(c->events);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_job_controller = {
	.name = "job", .default_on = true, .start = start, .stop = stop,
};
