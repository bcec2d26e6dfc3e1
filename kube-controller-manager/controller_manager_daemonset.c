/*
 * controller_manager_daemonset: the DaemonSet controller. Watches
 * DaemonSets, their pods, nodes and ControllerRevisions; for a DaemonSet
 * key it records the current template as a ControllerRevision, then
 * creates, deletes and counts daemon pods as
 * controller_manager_daemonset_logic decides. A node change queues every
 * DaemonSet.
 */
#include "controller_manager_daemonset.h"

#include <errno.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_daemonset_logic.h"
#include "controller_manager_podutil.h"
#include "controller_manager_queue.h"
#include "controller_manager_revision.h"

#define INDEX_OWNER "kcm-controller-uid"

typedef struct dsc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *ds_kind, *pod_kind, *node_kind, *rev_kind;
	kube_informer_t *dss, *pods, *nodes, *revs;
	kube_events_t *events;
	controller_manager_queue_t *q;
} dsc_t;

static void index_owner(const kube_obj_t *obj, void (*emit)(const char *, void *), void *ctx)
{
	const char *uid = controller_manager_podutil_controller_uid(obj->json);
	if (uid)
		emit(uid, ctx);
}

static void on_ds(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((dsc_t *)arg)->q, obj);
}

static void on_ds_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((dsc_t *)arg)->q, obj);
}

static void on_pod(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((dsc_t *)arg)->q, obj, "DaemonSet");
}

static void on_pod_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((dsc_t *)arg)->q, obj, "DaemonSet");
}

static void on_pod_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	controller_manager_queue_add_owner(((dsc_t *)arg)->q, obj, "DaemonSet");
}

static void queue_all(dsc_t *c)
{
	kube_obj_list_t l = { 0 };
	kube_informer_list(c->dss, NULL, &l);
	for (size_t i = 0; i < l.n; i++)
		controller_manager_queue_add_obj(c->q, l.items[i]);
	kube_obj_list_clear(&l);
}

static void on_node(kube_obj_t *obj, void *arg)
{
	queue_all(arg);
}

static void on_node_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	/* heartbeats change only status: labels, taints and spec matter */
	if (old != obj && kube_json_equal(kube_json_get(old->json, "metadata.labels"), kube_json_get(obj->json, "metadata.labels")) &&
	    kube_json_equal(kube_json_get(old->json, "spec"), kube_json_get(obj->json, "spec")))
		return;
	queue_all(arg);
}

static void on_node_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	queue_all(arg);
}

static int64_t sync_ds(void *arg, const char *key)
{
	dsc_t *c = arg;
	kube_obj_t *ds = kube_informer_get_key(c->dss, key);
	if (!ds)
		return 0;
	if (controller_manager_podutil_deleting(ds->json)) {
		kube_obj_unref(ds);
		return 0;
	}
	char *hash = controller_manager_daemonset_hash(kube_json_get(ds->json, "spec.template"),
						       kube_json_get_int64(ds->json, "status.collisionCount", 0));
	int64_t ret = controller_manager_revision_ensure(c->ctx->client, c->revs, ds->json, "apps/v1", "DaemonSet", hash);
	kube_obj_list_t pods = { 0 }, nodes = { 0 };
	if (ds->uid)
		kube_informer_by_index(c->pods, INDEX_OWNER, ds->uid, &pods);
	kube_informer_list(c->nodes, NULL, &nodes);
	const cJSON **pa = kube_calloc(pods.n + 1, sizeof(*pa)), **na = kube_calloc(nodes.n + 1, sizeof(*na));
	for (size_t i = 0; i < pods.n; i++)
		pa[i] = pods.items[i]->json;
	for (size_t i = 0; i < nodes.n; i++)
		na[i] = nodes.items[i]->json;
	controller_manager_daemonset_plan_t p;
	controller_manager_daemonset_plan(ds->json, na, nodes.n, pa, pods.n, hash, kube_wall_ns() / KUBE_NS_PER_SEC, &p);
	if (ret == 0) {
		const char **keep = kube_calloc(pods.n + 1, sizeof(char *));
		char **owned = kube_calloc(pods.n + 1, sizeof(char *));
		size_t nk = 0;
		owned[0] = kube_asprintf("%s-%s", ds->name, hash);
		keep[nk++] = owned[0];
		for (size_t i = 0; i < pods.n; i++) {
			const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				kube_json_get(pa[i], "metadata.labels"), "controller-revision-hash"));
			if (h && nk < pods.n + 1) {
				owned[nk] = kube_asprintf("%s-%s", ds->name, h);
				keep[nk] = owned[nk];
				nk++;
			}
		}
		controller_manager_revision_trim(c->ctx->client, c->revs, ds->json, keep, nk);
		for (size_t i = 0; i < nk; i++)
			kube_free(owned[i]);
		kube_free(owned);
		kube_free(keep);
	}
	kube_free(pa);
	kube_free(na);
	kube_obj_list_clear(&pods);
	kube_obj_list_clear(&nodes);

	const char *ns = ds->namespace_;
	/* deletions first: a surge replaces the old pod before the next one starts */
	for (size_t i = 0; i < p.n_deletes; i++) {
		int r = kube_client_delete(c->ctx->client, c->pod_kind, ns, p.deletes[i], NULL, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			ret = r;
		else
			kube_events_eventf_kind(c->events, ds->json, "apps/v1", "DaemonSet", "Normal", "SuccessfulDelete",
						"Deleted pod: %s", p.deletes[i]);
	}
	char **created = kube_calloc(p.n_create + 1, sizeof(char *));
	size_t n_created = 0;
	for (size_t i = 0; i < p.n_create; i++) {
		cJSON *pod = controller_manager_daemonset_pod(ds->json, p.create_on[i], hash);
		cJSON *out = NULL;
		int r = kube_client_create(c->ctx->client, c->pod_kind, ns, pod, &out, NULL);
		cJSON_Delete(pod);
		if (r < 0) {
			kube_events_eventf_kind(c->events, ds->json, "apps/v1", "DaemonSet", "Warning", "FailedCreate",
						"Error creating: %s", strerror(-r));
			ret = r;
		} else {
			const char *name = kube_json_get_str(out, "metadata.name");
			kube_events_eventf_kind(c->events, ds->json, "apps/v1", "DaemonSet", "Normal", "SuccessfulCreate",
						"Created pod: %s", name ? name : "");
			if (name)
				created[n_created++] = kube_strdup(name);
		}
		cJSON_Delete(out);
	}
	controller_manager_queue_wait_cache(c->pods, ns, created, n_created, true, 3000);
	controller_manager_queue_wait_cache(c->pods, ns, p.deletes, p.n_deletes, false, 3000);
	for (size_t i = 0; i < n_created; i++)
		kube_free(created[i]);
	kube_free(created);
	if (p.status) {
		cJSON *upd = kube_json_dup(ds->json);
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "status");
		cJSON_AddItemToObject(upd, "status", p.status);
		p.status = NULL;
		int r = kube_client_update(c->ctx->client, c->ds_kind, ns, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
		if (r == 0)
			controller_manager_queue_wait_rv(c->dss, ns, ds->name, ds->resource_version, 1000);
		if (r < 0 && ret == 0)
			ret = r;
	}
	/* minReadySeconds: look again when pods may have become available */
	if (ret == 0 && kube_json_get_int64(ds->json, "spec.minReadySeconds", 0) > 0)
		ret = kube_json_get_int64(ds->json, "spec.minReadySeconds", 0) * 1000;
	controller_manager_daemonset_plan_clear(&p);
	kube_free(hash);
	kube_obj_unref(ds);
	return ret;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	dsc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->ds_kind = kube_kinds_lookup("apps", "v1", "daemonsets");
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->node_kind = kube_kinds_lookup("", "v1", "nodes");
	c->rev_kind = kube_kinds_lookup("apps", "v1", "controllerrevisions");
	c->dss = kube_informer_factory_get(ctx->informers, c->ds_kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	c->nodes = kube_informer_factory_get(ctx->informers, c->node_kind);
	c->revs = kube_informer_factory_get(ctx->informers, c->rev_kind);
	kube_informer_add_index(c->pods, INDEX_OWNER, index_owner);
	c->events = kube_events_new(ctx->client, "daemonset-controller", NULL);
	c->q = controller_manager_queue_start(ctx, "daemonset", ctx->opts->concurrent_daemonset_syncs, sync_ds, c);
	kube_informer_handlers_t dh = { on_ds, on_ds_update, NULL, c };
	kube_informer_handlers_t ph = { on_pod, on_pod_update, on_pod_delete, c };
	kube_informer_handlers_t nh = { on_node, on_node_update, on_node_delete, c };
	kube_informer_add_handlers(c->dss, &dh);
	kube_informer_add_handlers(c->pods, &ph);
	kube_informer_add_handlers(c->nodes, &nh);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	dsc_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	kube_informer_stop(c->dss);
	kube_informer_stop(c->pods);
	kube_informer_stop(c->nodes);
	controller_manager_queue_stop(c->q);
	kube_events_free(c->events);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_daemonset_controller = {
	.name = "daemonset", .default_on = true, .start = start, .stop = stop,
};
