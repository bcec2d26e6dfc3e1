/*
 * controller_manager_nodeipam: node IPAM. With --allocate-node-cidrs, each
 * node without one gets spec.podCIDR/podCIDRs from --cluster-cidr (one per
 * family for dual-stack); the subnets nodes already hold are taken first
 * (the informer's initial list reaches the handlers before any sync), so
 * allocations are consistent across restarts.
 */
#include "controller_manager_nodeipam.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "controller_manager_cidrset.h"
#include "controller_manager_queue.h"

/* ---- node IPAM ---- */

typedef struct ipam {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *node_kind;
	kube_informer_t *nodes;
	kube_events_t *events;
	pthread_mutex_t lock;
	controller_manager_cidrset_t *sets[2];
	size_t n_sets;
	controller_manager_queue_t *q;
} ipam_t;

static void occupy_node(ipam_t *c, const kube_obj_t *node, bool release)
{
	const cJSON *cidrs = kube_json_get(node->json, "spec.podCIDRs"), *x;
	pthread_mutex_lock(&c->lock);
	cJSON_ArrayForEach(x, cidrs)
	{
		for (size_t i = 0; i < c->n_sets; i++) {
			if (release)
				controller_manager_cidrset_release(c->sets[i], cJSON_GetStringValue(x));
			else
				controller_manager_cidrset_occupy(c->sets[i], cJSON_GetStringValue(x));
		}
	}
	if (!cJSON_GetArraySize(cidrs) && kube_json_get_str(node->json, "spec.podCIDR"))
		for (size_t i = 0; i < c->n_sets; i++) {
			if (release)
				controller_manager_cidrset_release(c->sets[i], kube_json_get_str(node->json, "spec.podCIDR"));
			else
				controller_manager_cidrset_occupy(c->sets[i], kube_json_get_str(node->json, "spec.podCIDR"));
		}
	pthread_mutex_unlock(&c->lock);
}

static void on_node(kube_obj_t *obj, void *arg)
{
	ipam_t *c = arg;
	occupy_node(c, obj, false);
	if (!kube_json_get_str(obj->json, "spec.podCIDR"))
		controller_manager_queue_add_obj(c->q, obj);
}

static void on_node_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	on_node(obj, arg);
}

static void on_node_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	occupy_node(arg, obj, true);
}

static int64_t sync_node(void *arg, const char *key)
{
	ipam_t *c = arg;
	kube_obj_t *node = kube_informer_get_key(c->nodes, key);
	if (!node)
		return 0;
	if (kube_json_get_str(node->json, "spec.podCIDR")) {
		kube_obj_unref(node);
		return 0;
	}
	char *got[2] = { NULL, NULL };
	bool full = false;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n_sets; i++)
		if (!(got[i] = controller_manager_cidrset_allocate(c->sets[i])))
			full = true;
	if (full)
		for (size_t i = 0; i < c->n_sets; i++)
			if (got[i])
				controller_manager_cidrset_release(c->sets[i], got[i]);
	pthread_mutex_unlock(&c->lock);
	int64_t ret = 0;
	if (full) {
		kube_events_eventf_kind(c->events, node->json, "v1", "Node", "Normal", "CIDRNotAvailable",
					"Node %s status is now: CIDRNotAvailable", node->name);
		ret = -ENOSPC;
	} else {
		cJSON *patch = cJSON_CreateObject();
		kube_json_set_str(patch, "spec.podCIDR", got[0]);
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < c->n_sets; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(got[i]));
		kube_json_set(patch, "spec.podCIDRs", arr);
		char *body = kube_json_compact(patch);
		int r = kube_client_patch(c->ctx->client, c->node_kind, NULL, node->name, NULL,
					  "application/merge-patch+json", body, NULL, NULL, NULL);
		kube_free(body);
		cJSON_Delete(patch);
		if (r < 0) {
			pthread_mutex_lock(&c->lock);
			for (size_t i = 0; i < c->n_sets; i++)
				controller_manager_cidrset_release(c->sets[i], got[i]);
			pthread_mutex_unlock(&c->lock);
			ret = r == -ENOENT ? 0 : r;
		} else {
			klog_v(2, "node-ipam: set node %s podCIDR to %s", node->name, got[0]);
		}
	}
	kube_free(got[0]);
	kube_free(got[1]);
	kube_obj_unref(node);
	return ret;
}

static int ipam_start(controller_manager_ctx_t *ctx, void **ret_state)
{
	ipam_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	pthread_mutex_init(&c->lock, NULL);
	*ret_state = c;
	const controller_manager_options_t *o = ctx->opts;
	if (!o->allocate_node_cidrs || !o->cluster_cidr || !*o->cluster_cidr)
		return 0; /* as upstream: nothing to do without --allocate-node-cidrs */
	char *list = kube_strdup(o->cluster_cidr), *save = NULL;
	for (char *tok = strtok_r(list, ",", &save); tok && c->n_sets < 2; tok = strtok_r(NULL, ",", &save)) {
		bool v6 = strchr(tok, ':') != NULL;
		int mask = v6 ? (o->node_cidr_mask_size_ipv6 ? o->node_cidr_mask_size_ipv6 : 64)
			      : (o->node_cidr_mask_size_ipv4 ? o->node_cidr_mask_size_ipv4
							     : o->node_cidr_mask_size ? o->node_cidr_mask_size : 24);
		if (v6 && o->node_cidr_mask_size && !o->node_cidr_mask_size_ipv6 && !strchr(o->cluster_cidr, '.'))
			mask = o->node_cidr_mask_size;
		int r = controller_manager_cidrset_new(tok, mask, &c->sets[c->n_sets]);
		if (r < 0) {
			klog_error("node-ipam: invalid --cluster-cidr %s with mask size %d", tok, mask);
			kube_free(list);
			return r;
		}
		/* keep the service range out of node subnets */
		if (o->service_cluster_ip_range && *o->service_cluster_ip_range)
			controller_manager_cidrset_occupy(c->sets[c->n_sets], o->service_cluster_ip_range);
		c->n_sets++;
	}
	kube_free(list);
	c->node_kind = kube_kinds_lookup("", "v1", "nodes");
	c->nodes = kube_informer_factory_get(ctx->informers, c->node_kind);
	c->events = kube_events_new(ctx->client, "cidrAllocator", NULL);
	c->q = controller_manager_queue_start(ctx, "nodeipam", 1, sync_node, c);
	kube_informer_handlers_t h = { on_node, on_node_update, on_node_delete, c };
	kube_informer_add_handlers(c->nodes, &h);
	return 0;
}

static void ipam_stop(void *state)
{
	ipam_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	if (c->nodes)
		kube_informer_stop(c->nodes);
	controller_manager_queue_stop(c->q);
	kube_events_free(c->events);
	for (size_t i = 0; i < c->n_sets; i++)
		controller_manager_cidrset_free(c->sets[i]);
	pthread_mutex_destroy(&c->lock);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_nodeipam_controller = {
	.name = "nodeipam", .default_on = true, .start = ipam_start, .stop = ipam_stop,
};

