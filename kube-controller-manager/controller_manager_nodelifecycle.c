/*
 * controller_manager_nodelifecycle: one monitor thread. Every
 * --node-monitor-period it notes each node's heartbeat and Lease, marks
 * nodes not heard from within the grace period Unknown (and their pods not
 * Ready), and keeps the condition taints in step, adding NoExecute taints
 * at each zone's rate (none while every zone is fully disrupted). Every second it runs the
 * NoExecute taint manager: pods on tainted nodes that do not tolerate a
 * taint, or whose tolerationSeconds ran out, are deleted.
 */
#include "controller_manager_nodelifecycle.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "client/kube_strmap.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_nodelifecycle_logic.h"
#include "controller_manager_podutil.h"

#define INDEX_NODE "kcm-node-name"

typedef struct nlc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *node_kind, *lease_kind, *pod_kind;
	kube_informer_t *nodes, *leases, *pods;
	kube_events_t *events;
	kube_strmap_t health; /* node name -> controller_manager_nodelc_health_t*, monitor thread only */
	kube_strmap_t zones;  /* zone key -> zone_t*, monitor thread only */
	bool all_disrupted;   /* every zone fully disrupted in this pass */
	pthread_t thread;
	bool started;
	atomic_bool stop;
} nlc_t;

/* A zone's NoExecute tainting budget: a token bucket of burst 1. */
typedef struct zone {
	controller_manager_nodelc_zone_state_t state;
	int ready, not_ready;
	double rate, tokens;
	int64_t last_ns;
	bool seen;
} zone_t;

static void zones_update(nlc_t *c, kube_obj_list_t *nodes)
{
	const controller_manager_options_t *o = c->ctx->opts;
	for (kube_strmap_entry_t *e = kube_strmap_first(&c->zones); e; e = kube_strmap_next(&c->zones, e)) {
		zone_t *z = e->value;
		z->ready = z->not_ready = 0;
		z->seen = false;
	}
	for (size_t i = 0; i < nodes->n; i++) {
		char *key = controller_manager_nodelc_zone_key(nodes->items[i]->json);
		zone_t *z = kube_strmap_get(&c->zones, key);
		if (!z) {
			z = kube_calloc(1, sizeof(*z));
			z->tokens = 1;
			z->last_ns = kube_now_ns();
			kube_strmap_put(&c->zones, key, z);
		}
		z->seen = true;
		if (controller_manager_podutil_ready(nodes->items[i]->json))
			z->ready++;
		else
			z->not_ready++;
		kube_free(key);
	}
	bool all_full = c->zones.count > 0;
	int64_t now = kube_now_ns();
	for (kube_strmap_entry_t *e = kube_strmap_first(&c->zones); e; e = kube_strmap_next(&c->zones, e)) {
		zone_t *z = e->value;
		if (!z->seen)
			continue;
		controller_manager_nodelc_zone_state_t st =
			controller_manager_nodelc_zone_state(z->ready, z->not_ready, o->unhealthy_zone_threshold);
		if (st != z->state)
			klog_info("node-lifecycle: zone \"%s\" is now in state %s", e->key,
				  st == CONTROLLER_MANAGER_ZONE_FULL ? "FullDisruption"
				  : st == CONTROLLER_MANAGER_ZONE_PARTIAL ? "PartialDisruption" : "Normal");
		z->state = st;
		/* refill at the old rate, then switch */
		z->tokens += (double)(now - z->last_ns) / 1e9 * z->rate;
		if (z->tokens > 1)
			z->tokens = 1;
		z->last_ns = now;
		z->rate = controller_manager_nodelc_zone_rate(st, z->ready + z->not_ready, o->node_eviction_rate,
							      o->secondary_node_eviction_rate,
							      o->large_cluster_size_threshold);
		all_full &= st == CONTROLLER_MANAGER_ZONE_FULL;
	}
	if (all_full && !c->all_disrupted)
		klog_info("node-lifecycle: every zone is fully disrupted; not tainting nodes NoExecute");
	c->all_disrupted = all_full;
}

/* Whether the node's zone may add a NoExecute taint now (takes a token). */
static bool zone_allows(nlc_t *c, const cJSON *node)
{
	char *key = controller_manager_nodelc_zone_key(node);
	zone_t *z = kube_strmap_get(&c->zones, key);
	kube_free(key);
	if (!z)
		return true;
	int64_t now = kube_now_ns();
	z->tokens += (double)(now - z->last_ns) / 1e9 * z->rate;
	if (z->tokens > 1)
		z->tokens = 1;
	z->last_ns = now;
	if (z->tokens < 1)
		return false;
	z->tokens -= 1;
	return true;
}

static void index_node(const kube_obj_t *obj, void (*emit)(const char *, void *), void *ctx)
{
	const char *n = kube_json_get_str(obj->json, "spec.nodeName");
	if (n && *n)
		emit(n, ctx);
}

static void mark_pods_not_ready(nlc_t *c, const char *node)
{
	kube_obj_list_t pods = { 0 };
	kube_informer_by_index(c->pods, INDEX_NODE, node, &pods);
	int64_t now = kube_wall_ns() / KUBE_NS_PER_SEC;
	for (size_t i = 0; i < pods.n; i++) {
		const cJSON *pod = pods.items[i]->json;
		if (!controller_manager_podutil_ready(pod) || controller_manager_podutil_terminal(pod))
			continue;
		cJSON *upd = kube_json_dup(pod);
		cJSON *st = cJSON_GetObjectItemCaseSensitive(upd, "status");
		controller_manager_podutil_set_condition(st, "Ready", "False", NULL, NULL, now, false);
		int r = kube_client_update(c->ctx->client, c->pod_kind, pods.items[i]->namespace_, "status", upd,
					   NULL, NULL);
		if (r < 0)
			klog_v(2, "node-lifecycle: marking pod %s/%s not ready: %s", pods.items[i]->namespace_,
			       pods.items[i]->name, strerror(-r));
		cJSON_Delete(upd);
	}
	kube_obj_list_clear(&pods);
}

static void monitor_node(nlc_t *c, kube_obj_t *node, int64_t now)
{
	controller_manager_nodelc_health_t *h = kube_strmap_get(&c->health, node->name);
	if (!h) {
		h = kube_calloc(1, sizeof(*h));
		kube_strmap_put(&c->health, node->name, h);
	}
	kube_obj_t *lease = kube_informer_get(c->leases, "kube-node-lease", node->name);
	controller_manager_nodelc_observe(h, node->json, lease ? lease->json : NULL, now);
	kube_obj_unref(lease);
	const controller_manager_options_t *o = c->ctx->opts;
	controller_manager_nodelc_plan_t p;
	controller_manager_nodelc_plan(node->json, h, now, o->node_monitor_grace_period_ns / KUBE_NS_PER_SEC,
				       o->node_startup_grace_period_ns / KUBE_NS_PER_SEC, &p);
	if (p.status) {
		cJSON *upd = kube_json_dup(node->json);
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "status");
		cJSON_AddItemToObject(upd, "status", p.status);
		p.status = NULL;
		int r = kube_client_update(c->ctx->client, c->node_kind, NULL, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
		if (r < 0) {
			klog_v(2, "node-lifecycle: updating node %s status: %s", node->name, strerror(-r));
		} else if (p.became_unknown) {
			klog_info("node %s hasn't been updated for more than the grace period; marking it Unknown",
				  node->name);
			kube_events_eventf_kind(c->events, node->json, "v1", "Node", "Normal", "NodeNotReady",
						"Node %s status is now: NodeNotReady", node->name);
			mark_pods_not_ready(c, node->name);
		}
	}
	const cJSON *old_taints = kube_json_get(node->json, "spec.taints");
	if (c->all_disrupted) {
		if (!p.taints)
			p.taints = cJSON_IsArray(old_taints) ? kube_json_dup(old_taints) : cJSON_CreateArray();
		if (controller_manager_nodelc_hold_noexecute(p.taints, old_taints, true)) {
			cJSON_Delete(p.taints);
			p.taints = NULL;
		}
	} else if (p.taints && controller_manager_nodelc_adds_noexecute(p.taints, old_taints) &&
		   !zone_allows(c, node->json)) {
		klog_v(2, "node-lifecycle: rate limiting the NoExecute taint of node %s", node->name);
		if (controller_manager_nodelc_hold_noexecute(p.taints, old_taints, false)) {
			cJSON_Delete(p.taints);
			p.taints = NULL;
		}
	}
	if (p.taints) {
		cJSON *patch = cJSON_CreateObject();
		kube_json_set_str(patch, "metadata.resourceVersion", node->resource_version);
		kube_json_set(patch, "spec.taints", p.taints);
		p.taints = NULL;
		char *body = kube_json_compact(patch);
		int r = kube_client_patch(c->ctx->client, c->node_kind, NULL, node->name, NULL,
					  "application/merge-patch+json", body, NULL, NULL, NULL);
		if (r < 0)
			klog_v(2, "node-lifecycle: tainting node %s: %s", node->name, strerror(-r));
		kube_free(body);
		cJSON_Delete(patch);
	}
	controller_manager_nodelc_plan_clear(&p);
}

static void evict_from(nlc_t *c, kube_obj_t *node, int64_t now)
{
	const cJSON *taints = kube_json_get(node->json, "spec.taints");
	bool any = false;
	const cJSON *t;
	cJSON_ArrayForEach(t, taints)
	{
		any |= kube_streq(kube_json_get_str(t, "effect"), "NoExecute");
	}
	if (!any)
		return;
	kube_obj_list_t pods = { 0 };
	kube_informer_by_index(c->pods, INDEX_NODE, node->name, &pods);
	for (size_t i = 0; i < pods.n; i++) {
		const cJSON *pod = pods.items[i]->json;
		if (controller_manager_podutil_deleting(pod))
			continue;
		int64_t at = controller_manager_nodelc_eviction_time(pod, taints, now);
		if (at < 0 || at > now)
			continue;
		klog_info("taint manager: deleting pod %s/%s from node %s", pods.items[i]->namespace_,
			  pods.items[i]->name, node->name);
		kube_events_eventf_kind(c->events, pod, "v1", "Pod", "Normal", "TaintManagerEviction",
					"Marking for deletion Pod %s/%s", pods.items[i]->namespace_,
					pods.items[i]->name);
		/* upstream adds the DisruptionTarget condition first */
		cJSON *upd = kube_json_dup(pod);
		controller_manager_podutil_set_condition(cJSON_GetObjectItemCaseSensitive(upd, "status"),
							 "DisruptionTarget", "True", "DeletionByTaintManager",
							 "Taint manager: deleting due to NoExecute taint", now, false);
		kube_client_update(c->ctx->client, c->pod_kind, pods.items[i]->namespace_, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
		int r = kube_client_delete(c->ctx->client, c->pod_kind, pods.items[i]->namespace_,
					   pods.items[i]->name, NULL, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			klog_v(2, "taint manager: deleting pod %s/%s: %s", pods.items[i]->namespace_,
			       pods.items[i]->name, strerror(-r));
	}
	kube_obj_list_clear(&pods);
}

static void forget_gone(nlc_t *c)
{
	for (;;) {
		char *gone = NULL;
		for (kube_strmap_entry_t *e = kube_strmap_first(&c->health); e; e = kube_strmap_next(&c->health, e)) {
			kube_obj_t *n = kube_informer_get(c->nodes, NULL, e->key);
			kube_obj_unref(n);
			if (!n) {
				gone = kube_strdup(e->key);
				break;
			}
		}
		if (!gone)
			return;
		controller_manager_nodelc_health_t *h = kube_strmap_remove(&c->health, gone, NULL);
		controller_manager_nodelc_health_clear(h);
		kube_free(h);
		kube_free(gone);
	}
}

static void *monitor(void *arg)
{
	nlc_t *c = arg;
	while (!kube_informer_factory_wait_synced(c->ctx->informers, 500))
		if (atomic_load(&c->stop) || atomic_load(&c->ctx->stopping))
			return NULL;
	int64_t period = c->ctx->opts->node_monitor_period_ns;
	if (period <= 0)
		period = 5 * KUBE_NS_PER_SEC;
	int64_t next_monitor = 0;
	while (!atomic_load(&c->stop) && !atomic_load(&c->ctx->stopping)) {
		int64_t mono = kube_now_ns();
		int64_t now = kube_wall_ns() / KUBE_NS_PER_SEC;
		kube_obj_list_t nodes = { 0 };
		kube_informer_list(c->nodes, NULL, &nodes);
		if (mono >= next_monitor) {
			zones_update(c, &nodes);
			for (size_t i = 0; i < nodes.n; i++)
				monitor_node(c, nodes.items[i], now);
			forget_gone(c);
			next_monitor = mono + period;
		}
		for (size_t i = 0; i < nodes.n; i++)
			evict_from(c, nodes.items[i], now);
		kube_obj_list_clear(&nodes);
		for (int i = 0; i < 10 && !atomic_load(&c->stop); i++) {
			struct timespec ts = { 0, 100 * 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	nlc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->node_kind = kube_kinds_lookup("", "v1", "nodes");
	c->lease_kind = kube_kinds_lookup("coordination.k8s.io", "v1", "leases");
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->nodes = kube_informer_factory_get(ctx->informers, c->node_kind);
	c->leases = kube_informer_factory_get(ctx->informers, c->lease_kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	kube_informer_add_index(c->pods, INDEX_NODE, index_node);
	c->events = kube_events_new(ctx->client, "node-controller", NULL);
	if (pthread_create(&c->thread, NULL, monitor, c) != 0) {
		kube_events_free(c->events);
		kube_free(c);
		return -EAGAIN;
	}
	c->started = true;
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	nlc_t *c = state;
	atomic_store(&c->stop, true);
	if (c->started)
		pthread_join(c->thread, NULL);
	for (kube_strmap_entry_t *e = kube_strmap_first(&c->health); e; e = kube_strmap_next(&c->health, e)) {
		controller_manager_nodelc_health_clear(e->value);
		kube_free(e->value);
	}
	kube_strmap_clear(&c->health);
	for (kube_strmap_entry_t *e = kube_strmap_first(&c->zones); e; e = kube_strmap_next(&c->zones, e))
		kube_free(e->value);
	kube_strmap_clear(&c->zones);
	kube_events_free(c->events);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_nodelifecycle_controller = {
	.name = "nodelifecycle", .default_on = true, .start = start, .stop = stop,
};
