/*
 * controller_manager_resourcequota: the resource quota controller. It
 * writes each ResourceQuota's status (hard and used) on pod changes in the
 * namespace and every --resource-quota-sync-period (object counts are
 * listed from the API server); usage rules in controller_manager_gc_logic.
 */
#include "controller_manager_resourcequota.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "controller_manager_gc_logic.h"
#include "controller_manager_queue.h"

/* ---- resource quota ---- */

typedef struct rq {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *rq_kind;
	kube_informer_t *quotas, *pods;
	controller_manager_queue_t *q;
} rq_t;

static void rq_queue_ns(rq_t *c, const char *ns)
{
	kube_obj_list_t l = { 0 };
	kube_informer_list(c->quotas, ns, &l);
	for (size_t i = 0; i < l.n; i++)
		controller_manager_queue_add_obj(c->q, l.items[i]);
	kube_obj_list_clear(&l);
}

static void rq_on_quota(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((rq_t *)arg)->q, obj);
}

static void rq_on_quota_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	if (old == obj || !kube_json_equal(kube_json_get(old->json, "spec"), kube_json_get(obj->json, "spec")))
		controller_manager_queue_add_obj(((rq_t *)arg)->q, obj);
}

static void rq_on_pod(kube_obj_t *obj, void *arg)
{
	rq_queue_ns(arg, obj->namespace_);
}

static void rq_on_pod_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	if (old != obj && kube_streq(kube_json_get_str(old->json, "status.phase"), kube_json_get_str(obj->json, "status.phase")))
		return;
	rq_queue_ns(arg, obj->namespace_);
}

static void rq_on_pod_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	rq_queue_ns(arg, obj->namespace_);
}

typedef struct count_ctx {
	rq_t *c;
	const char *ns;
} count_ctx_t;

static int64_t count_objects(const char *resource, void *arg)
{
	count_ctx_t *cc = arg;
	char *res = kube_strdup(resource), *dot = strchr(res, '.');
	const char *group = "";
	const char *filter = NULL;
	if (kube_streq(resource, "services.loadbalancers") || kube_streq(resource, "services.nodeports")) {
		filter = strchr(resource, '.') + 1;
		*dot = '\0';
	} else if (dot) {
		*dot = '\0';
		group = dot + 1;
	}
	const kube_kind_t *k = NULL;
	size_t n;
	const kube_kind_t *all = kube_kinds_all(&n);
	for (size_t i = 0; i < n && !k; i++)
		if (kube_streq(all[i].resource, res) && kube_streq(all[i].group, group) && all[i].namespaced)
			k = &all[i];
	int64_t count = -1;
	cJSON *list = NULL;
	if (k && kube_client_list_all(cc->c->ctx->client, k, cc->ns, NULL, &list, NULL) == 0) {
		count = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "items"))
		{
			const char *type = kube_json_get_str(it, "spec.type");
			if (!filter || (kube_streq(filter, "loadbalancers") && kube_streq(type, "LoadBalancer")) ||
			    (kube_streq(filter, "nodeports") &&
			     (kube_streq(type, "NodePort") || kube_streq(type, "LoadBalancer"))))
				count++;
		}
	}
	cJSON_Delete(list);
	kube_free(res);
	return count;
}

static int64_t rq_sync(void *arg, const char *key)
{
	rq_t *c = arg;
	kube_obj_t *quota = kube_informer_get_key(c->quotas, key);
	if (!quota)
		return 0;
	kube_obj_list_t pods = { 0 };
	kube_informer_list(c->pods, quota->namespace_, &pods);
	const cJSON **arr = kube_calloc(pods.n + 1, sizeof(*arr));
	for (size_t i = 0; i < pods.n; i++)
		arr[i] = pods.items[i]->json;
	count_ctx_t cc = { c, quota->namespace_ };
	cJSON *st = controller_manager_resourcequota_status(quota->json, arr, pods.n, count_objects, &cc);
	kube_free(arr);
	kube_obj_list_clear(&pods);
	int64_t ret = 0;
	if (!kube_json_equal(st, kube_json_get(quota->json, "status"))) {
		cJSON *upd = kube_json_dup(quota->json);
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "status");
		cJSON_AddItemToObject(upd, "status", st);
		st = NULL;
		ret = kube_client_update(c->ctx->client, c->rq_kind, quota->namespace_, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
	}
	cJSON_Delete(st);
	kube_obj_unref(quota);
	if (ret == 0) /* object counts have no informer: look again after the sync period */
		ret = c->ctx->opts->resource_quota_sync_period_ns > 0 ? c->ctx->opts->resource_quota_sync_period_ns / 1000000
								     : 300000;
	return ret;
}

static int rq_start(controller_manager_ctx_t *ctx, void **ret_state)
{
	rq_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->rq_kind = kube_kinds_lookup("", "v1", "resourcequotas");
	c->quotas = kube_informer_factory_get(ctx->informers, c->rq_kind);
	c->pods = kube_informer_factory_get(ctx->informers, kube_kinds_lookup("", "v1", "pods"));
	c->q = controller_manager_queue_start(ctx, "resourcequota", ctx->opts->concurrent_resource_quota_syncs, rq_sync, c);
	kube_informer_handlers_t qh = { rq_on_quota, rq_on_quota_update, NULL, c };
	kube_informer_handlers_t ph = { rq_on_pod, rq_on_pod_update, rq_on_pod_delete, c };
	kube_informer_add_handlers(c->quotas, &qh);
	kube_informer_add_handlers(c->pods, &ph);
	*ret_state = c;
	return 0;
}

static void rq_stop(void *state)
{
	rq_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	kube_informer_stop(c->quotas);
	kube_informer_stop(c->pods);
	controller_manager_queue_stop(c->q);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_resourcequota_controller = {
	.name = "resourcequota", .default_on = true, .start = rq_start, .stop = rq_stop,
};
