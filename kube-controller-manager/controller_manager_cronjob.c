/*
 * controller_manager_cronjob: the CronJob controller. Watches CronJobs and
 * Jobs; for a CronJob key it gathers the Jobs it controls, asks
 * controller_manager_cronjob_logic what to do, deletes and creates Jobs,
 * writes status (adding the new Job to status.active), records events and
 * comes back at the next scheduled time.
 */
#include "controller_manager_cronjob.h"

#include <errno.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_cronjob_logic.h"
#include "controller_manager_podutil.h"
#include "controller_manager_queue.h"

#define INDEX_OWNER "kcm-controller-uid"

typedef struct cronc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *cj_kind, *job_kind;
	kube_informer_t *cjs, *jobs;
	kube_events_t *events;
	controller_manager_queue_t *q;
} cronc_t;

static void index_owner(const kube_obj_t *obj, void (*emit)(const char *, void *), void *ctx)
{
	const char *uid = controller_manager_podutil_controller_uid(obj->json);
	if (uid)
		emit(uid, ctx);
}

static void on_cj(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((cronc_t *)arg)->q, obj);
}

static void on_cj_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((cronc_t *)arg)->q, obj);
}

static void on_job(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((cronc_t *)arg)->q, obj, "CronJob");
}

static void on_job_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((cronc_t *)arg)->q, obj, "CronJob");
}

static void on_job_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	controller_manager_queue_add_owner(((cronc_t *)arg)->q, obj, "CronJob");
}

static int64_t sync_cj(void *arg, const char *key)
{
	cronc_t *c = arg;
	kube_obj_t *cj = kube_informer_get_key(c->cjs, key);
	if (!cj)
		return 0;
	kube_obj_list_t jobs = { 0 };
	if (cj->uid)
		kube_informer_by_index(c->jobs, INDEX_OWNER, cj->uid, &jobs);
	const cJSON **arr = kube_calloc(jobs.n + 1, sizeof(*arr));
	for (size_t i = 0; i < jobs.n; i++)
		arr[i] = jobs.items[i]->json;
	int64_t now = kube_wall_ns() / KUBE_NS_PER_SEC;
	controller_manager_cronjob_plan_t p;
	controller_manager_cronjob_plan(cj->json, arr, jobs.n, now, &p);
	kube_free(arr);
	kube_obj_list_clear(&jobs);

	int64_t ret = 0;
	const char *ns = cj->namespace_;
	for (size_t i = 0; i < p.n_events; i++)
		kube_events_eventf_kind(c->events, cj->json, "batch/v1", "CronJob", p.events[i].type,
					p.events[i].reason, "%s", p.events[i].message);
	for (size_t i = 0; i < p.n_deletes; i++) {
		kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
		o.propagation_policy = "Background";
		int r = kube_client_delete(c->ctx->client, c->job_kind, ns, p.deletes[i], &o, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			ret = r;
	}
	if (p.create && ret == 0) {
		cJSON *out = NULL;
		int r = kube_client_create(c->ctx->client, c->job_kind, ns, p.create, &out, NULL);
		if (r == -EEXIST) {
			cJSON_Delete(out);
			out = NULL;
			r = kube_client_get(c->ctx->client, c->job_kind, ns,
					    kube_json_get_str(p.create, "metadata.name"), &out, NULL);
			/* someone else's Job by that name: leave it */
			if (r == 0 && !kube_streq(controller_manager_podutil_controller_uid(out), cj->uid))
				r = -EEXIST;
		} else if (r == 0) {
			kube_events_eventf_kind(c->events, cj->json, "batch/v1", "CronJob", "Normal",
						"SuccessfulCreate", "Created job %s",
						kube_json_get_str(out, "metadata.name"));
		}
		if (r < 0) {
			kube_events_eventf_kind(c->events, cj->json, "batch/v1", "CronJob", "Warning",
						"FailedCreate", "Error creating job: %s", strerror(-r));
			ret = r;
		} else {
			if (!p.status)
				p.status = kube_json_dup(kube_json_get(cj->json, "status"));
			if (!cJSON_IsObject(p.status)) {
				cJSON_Delete(p.status);
				p.status = cJSON_CreateObject();
			}
			cJSON *active = cJSON_GetObjectItemCaseSensitive(p.status, "active");
			if (!cJSON_IsArray(active)) {
				cJSON_DeleteItemFromObjectCaseSensitive(p.status, "active");
				active = cJSON_AddArrayToObject(p.status, "active");
			}
			cJSON_AddItemToArray(active, controller_manager_cronjob_job_ref(out));
		}
		cJSON_Delete(out);
	}
	if (p.status) {
		cJSON *upd = kube_json_dup(cj->json);
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "status");
		cJSON_AddItemToObject(upd, "status", p.status);
		p.status = NULL;
		int r = kube_client_update(c->ctx->client, c->cj_kind, ns, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
		if (r == 0)
			controller_manager_queue_wait_rv(c->cjs, ns, cj->name, cj->resource_version, 1000);
		if (r < 0 && ret == 0)
			ret = r;
	}
	if (ret == 0 && p.requeue_after >= 0)
		ret = p.requeue_after * 1000 + 100;
	controller_manager_cronjob_plan_clear(&p);
	kube_obj_unref(cj);
	return ret;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	cronc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->cj_kind = kube_kinds_lookup("batch", "v1", "cronjobs");
	c->job_kind = kube_kinds_lookup("batch", "v1", "jobs");
	c->cjs = kube_informer_factory_get(ctx->informers, c->cj_kind);
	c->jobs = kube_informer_factory_get(ctx->informers, c->job_kind);
	kube_informer_add_index(c->jobs, INDEX_OWNER, index_owner);
	c->events = kube_events_new(ctx->client, "cronjob-controller", NULL);
	c->q = controller_manager_queue_start(ctx, "cronjob", ctx->opts->concurrent_cron_job_syncs, sync_cj, c);
	kube_informer_handlers_t ch = { on_cj, on_cj_update, NULL, c };
	kube_informer_handlers_t jh = { on_job, on_job_update, on_job_delete, c };
	kube_informer_add_handlers(c->cjs, &ch);
	kube_informer_add_handlers(c->jobs, &jh);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	cronc_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	kube_informer_stop(c->cjs);
	kube_informer_stop(c->jobs);
	controller_manager_queue_stop(c->q);
	kube_events_free(c->events);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_cronjob_controller = {
	.name = "cronjob", .default_on = true, .start = start, .stop = stop,
};
