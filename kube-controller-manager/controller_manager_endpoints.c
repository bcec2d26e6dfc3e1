/*
 * controller_manager_endpoints: the endpoints and endpointslice
 * controllers. Both watch Services and pods (a pod change queues the
 * Services of its namespace that select it, before and after the change)
 * and reconcile one Service per key: the Endpoints object of the same name,
 * or the EndpointSlices labelled kubernetes.io/service-name and managed by
 * endpointslice-controller.k8s.io.
 */
#include "controller_manager_endpoints.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "controller_manager_endpoints_logic.h"
#include "controller_manager_queue.h"

typedef struct epc {
	controller_manager_ctx_t *ctx;
	bool slices;
	const kube_kind_t *svc_kind, *pod_kind, *out_kind, *node_kind;
	kube_informer_t *svcs, *pods, *outs, *nodes;
	controller_manager_queue_t *q;
} epc_t;

static void queue_services_of(epc_t *c, const kube_obj_t *pod)
{
	kube_obj_list_t svcs = { 0 };
	kube_informer_list(c->svcs, pod->namespace_, &svcs);
	for (size_t i = 0; i < svcs.n; i++)
		if (controller_manager_endpoints_matches(svcs.items[i]->json, pod->json))
			controller_manager_queue_add_obj(c->q, svcs.items[i]);
	kube_obj_list_clear(&svcs);
}

static void on_svc(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((epc_t *)arg)->q, obj);
}

static void on_svc_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((epc_t *)arg)->q, obj);
}

static void on_svc_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	controller_manager_queue_add_obj(((epc_t *)arg)->q, obj);
}

static void on_pod(kube_obj_t *obj, void *arg)
{
	queue_services_of(arg, obj);
}

static void on_pod_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	if (old != obj && kube_streq(old->resource_version, obj->resource_version))
		return;
	queue_services_of(arg, old);
	queue_services_of(arg, obj);
}

static void on_pod_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	queue_services_of(arg, obj);
}

/* Endpoints deleted by someone else: put them back. */
static void on_out_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	epc_t *c = arg;
	if (!c->slices) {
		controller_manager_queue_add_obj(c->q, obj);
		return;
	}
	const char *svc = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(kube_json_get(obj->json, "metadata.labels"), "kubernetes.io/service-name"));
	if (svc) {
		char *key = kube_asprintf("%s/%s", obj->namespace_, svc);
		controller_manager_queue_add(c->q, key);
		kube_free(key);
	}
}

static void list_pods(epc_t *c, const char *ns, kube_obj_list_t *pods, const cJSON ***ret)
{
	kube_informer_list(c->pods, ns, pods);
	*ret = kube_calloc(pods->n + 1, sizeof(**ret));
	for (size_t i = 0; i < pods->n; i++)
		(*ret)[i] = pods->items[i]->json;
}

static int64_t sync_endpoints(epc_t *c, const char *ns, const char *name, kube_obj_t *svc)
{
	kube_obj_t *ep = kube_informer_get(c->outs, ns, name);
	int r = 0;
	if (!svc) {
		if (ep)
			r = kube_client_delete(c->ctx->client, c->out_kind, ns, name, NULL, NULL, NULL);
		kube_obj_unref(ep);
		return r == -ENOENT ? 0 : r;
	}
	if (!controller_manager_endpoints_selects(svc->json)) {
		kube_obj_unref(ep);
		return 0;
	}
	kube_obj_list_t pods = { 0 };
	const cJSON **arr;
	list_pods(c, ns, &pods, &arr);
	cJSON *want = controller_manager_endpoints_build(svc->json, arr, pods.n);
	kube_free(arr);
	kube_obj_list_clear(&pods);
	if (ep && controller_manager_endpoints_same(ep->json, want)) {
		/* nothing to do */
	} else if (ep) {
		cJSON *upd = kube_json_dup(ep->json);
		kube_json_set(upd, "metadata.labels", kube_json_dup(kube_json_get(want, "metadata.labels")));
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "subsets");
		cJSON_AddItemToObject(upd, "subsets", kube_json_dup(kube_json_get(want, "subsets")));
		r = kube_client_update(c->ctx->client, c->out_kind, ns, NULL, upd, NULL, NULL);
		cJSON_Delete(upd);
	} else {
		r = kube_client_create(c->ctx->client, c->out_kind, ns, want, NULL, NULL);
		if (r == -EEXIST)
			r = -EAGAIN; /* the cache is behind: retry */
	}
	cJSON_Delete(want);
	kube_obj_unref(ep);
	return r;
}

/* Node zones for one sync; the node objects stay referenced until done. */
typedef struct zones {
	epc_t *c;
	kube_obj_t *held[64];
	size_t n;
} zones_t;

static const char *zone_of(const char *node, void *arg)
{
	zones_t *z = arg;
	kube_obj_t *n = kube_informer_get(z->c->nodes, NULL, node);
	if (!n)
		return NULL;
	const char *zone = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(kube_json_get(n->json, "metadata.labels"), "topology.kubernetes.io/zone"));
	if (!zone || z->n == ARRAY_SIZE(z->held)) {
		kube_obj_unref(n);
		return NULL;
	}
	z->held[z->n++] = n;
	return zone;
}

static int64_t sync_slices(epc_t *c, const char *ns, const char *name, kube_obj_t *svc)
{
	kube_obj_list_t all = { 0 };
	kube_informer_list(c->outs, ns, &all);
	const cJSON **mine = kube_calloc(all.n + 1, sizeof(*mine));
	size_t n_mine = 0;
	for (size_t i = 0; i < all.n; i++) {
		const cJSON *labels = kube_json_get(all.items[i]->json, "metadata.labels");
		if (kube_streq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "kubernetes.io/service-name")), name) &&
		    kube_streq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "endpointslice.kubernetes.io/managed-by")),
			       CONTROLLER_MANAGER_ENDPOINTSLICE_MANAGED_BY))
			mine[n_mine++] = all.items[i]->json;
	}
	int r = 0;
	if (!svc || !controller_manager_endpoints_selects(svc->json)) {
		for (size_t i = 0; !svc && i < n_mine; i++) {
			int e = kube_client_delete(c->ctx->client, c->out_kind, ns,
						   kube_json_get_str(mine[i], "metadata.name"), NULL, NULL, NULL);
			if (e < 0 && e != -ENOENT)
				r = e;
		}
		kube_free(mine);
		kube_obj_list_clear(&all);
		return r;
	}
	kube_obj_list_t pods = { 0 };
	const cJSON **arr;
	list_pods(c, ns, &pods, &arr);
	controller_manager_endpointslice_plan_t p = { 0 };
	zones_t zones = { .c = c };
	controller_manager_endpointslice_plan(svc->json, arr, pods.n, mine, n_mine, zone_of, &zones, &p);
	for (size_t i = 0; i < zones.n; i++)
		kube_obj_unref(zones.held[i]);
	kube_free(arr);
	kube_obj_list_clear(&pods);
	const cJSON *o;
	cJSON_ArrayForEach(o, p.update)
	{
		int e = kube_client_update(c->ctx->client, c->out_kind, ns, NULL, o, NULL, NULL);
		if (e < 0)
			r = e;
	}
	cJSON_ArrayForEach(o, p.create)
	{
		int e = kube_client_create(c->ctx->client, c->out_kind, ns, o, NULL, NULL);
		if (e < 0)
			r = e;
	}
	cJSON_ArrayForEach(o, p.remove)
	{
		int e = kube_client_delete(c->ctx->client, c->out_kind, ns, o->valuestring, NULL, NULL, NULL);
		if (e < 0 && e != -ENOENT)
			r = e;
	}
	bool wrote = cJSON_GetArraySize(p.create) > 0;
	controller_manager_endpointslice_plan_clear(&p);
	kube_free(mine);
	kube_obj_list_clear(&all);
	/* created slices have generated names: give the cache a moment before
	 * the next sync of this Service so it does not create them twice */
	if (wrote && r == 0) {
		for (int i = 0; i < 50; i++) {
			kube_obj_list_t now = { 0 };
			kube_informer_list(c->outs, ns, &now);
			size_t n = 0;
			for (size_t k = 0; k < now.n; k++)
				n += kube_streq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
							kube_json_get(now.items[k]->json, "metadata.labels"),
							"kubernetes.io/service-name")),
						name);
			kube_obj_list_clear(&now);
			if (n > n_mine)
				break;
			struct timespec ts = { 0, 20 * 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	return r;
}

static int64_t sync_svc(void *arg, const char *key)
{
	epc_t *c = arg;
	char *ns, *name;
	kube_obj_split_key(key, &ns, &name);
	kube_obj_t *svc = kube_informer_get(c->svcs, ns, name);
	int64_t r = c->slices ? sync_slices(c, ns, name, svc) : sync_endpoints(c, ns, name, svc);
	kube_obj_unref(svc);
	kube_free(ns);
	kube_free(name);
	return r;
}

static int start_common(controller_manager_ctx_t *ctx, bool slices, void **ret_state)
{
	epc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->slices = slices;
	c->svc_kind = kube_kinds_lookup("", "v1", "services");
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->out_kind = slices ? kube_kinds_lookup("discovery.k8s.io", "v1", "endpointslices")
			     : kube_kinds_lookup("", "v1", "endpoints");
	if (!c->svc_kind || !c->pod_kind || !c->out_kind) {
		kube_free(c);
		return -ENOENT;
	}
	c->svcs = kube_informer_factory_get(ctx->informers, c->svc_kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	c->outs = kube_informer_factory_get(ctx->informers, c->out_kind);
	if (slices) {
		c->node_kind = kube_kinds_lookup("", "v1", "nodes");
		c->nodes = kube_informer_factory_get(ctx->informers, c->node_kind);
	}
	c->q = controller_manager_queue_start(ctx, slices ? "endpointslice" : "endpoint",
					      slices ? ctx->opts->concurrent_service_endpoint_syncs
						     : ctx->opts->concurrent_endpoint_syncs,
					      sync_svc, c);
	kube_informer_handlers_t sh = { on_svc, on_svc_update, on_svc_delete, c };
	kube_informer_handlers_t ph = { on_pod, on_pod_update, on_pod_delete, c };
	kube_informer_handlers_t oh = { NULL, NULL, on_out_delete, c };
	kube_informer_add_handlers(c->svcs, &sh);
	kube_informer_add_handlers(c->pods, &ph);
	kube_informer_add_handlers(c->outs, &oh);
	*ret_state = c;
	return 0;
}

static int start_endpoints(controller_manager_ctx_t *ctx, void **ret_state)
{
	return start_common(ctx, false, ret_state);
}

static int start_slices(controller_manager_ctx_t *ctx, void **ret_state)
{
	return start_common(ctx, true, ret_state);
}

static void stop(void *state)
{
	epc_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	kube_informer_stop(c->svcs);
	kube_informer_stop(c->pods);
	kube_informer_stop(c->outs);
	controller_manager_queue_stop(c->q);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_endpoints_controller = {
	.name = "endpoint", .default_on = true, .start = start_endpoints, .stop = stop,
};

const controller_manager_controller_t controller_manager_endpointslice_controller = {
	.name = "endpointslice", .default_on = true, .start = start_slices, .stop = stop,
};
