/*
 * controller_manager_podgc: the pod garbage collector. Every 20 s (as
 * upstream's gcCheckPeriod) it deletes terminated pods beyond
 * --terminated-pod-gc-threshold, pods bound to nodes that are gone (missing
 * for 40 s and confirmed by the API server) and unscheduled pods being
 * deleted (controller_manager_gc_logic).
 */
#include "controller_manager_podgc.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "client/kube_strmap.h"
#include "core/kube_log.h"
#include "controller_manager_gc_logic.h"
#include "controller_manager_podutil.h"

/* ---- pod GC ---- */

#define QUARANTINE_NS (40 * 1000000000LL) /* upstream's quarantineTime */

typedef struct podgc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *pod_kind, *node_kind;
	kube_informer_t *pods, *nodes;
	kube_strmap_t missing; /* node name -> first seen missing (int64_t*, monotonic ns); gc thread only */
	pthread_t thread;
	atomic_bool stop;
} podgc_t;

/* A node counts as gone once it has been missing from the cache for the
 * quarantine time and the API server confirms it (404), as upstream. */
static bool node_exists(const char *node, void *arg)
{
	podgc_t *c = arg;
	kube_obj_t *n = kube_informer_get(c->nodes, NULL, node);
	kube_obj_unref(n);
	if (n) {
		kube_free(kube_strmap_remove(&c->missing, node, NULL));
		return true;
	}
	int64_t now = kube_now_ns();
	int64_t *since = kube_strmap_get(&c->missing, node);
	if (!since) {
		since = kube_malloc(sizeof(*since));
		*since = now;
		kube_strmap_put(&c->missing, node, since);
	}
	if (now - *since < QUARANTINE_NS)
		return true;
	int r = kube_client_get(c->ctx->client, c->node_kind, NULL, node, NULL, NULL);
	return r != -ENOENT;
}

static void podgc_pass(podgc_t *c)
{
	kube_obj_list_t pods = { 0 };
	kube_informer_list(c->pods, NULL, &pods);
	const cJSON **arr = kube_calloc(pods.n + 1, sizeof(*arr));
	for (size_t i = 0; i < pods.n; i++)
		arr[i] = pods.items[i]->json;
	size_t *idx;
	size_t n = controller_manager_podgc_plan(arr, pods.n, c->ctx->opts->terminated_pod_gc_threshold,
						 node_exists, c, &idx);
	for (size_t i = 0; i < n; i++) {
		kube_obj_t *p = pods.items[idx[i]];
		bool force = !controller_manager_podutil_terminal(p->json);
		kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
		if (force)
			o.grace_period_seconds = 0;
		o.precondition_uid = p->uid;
		klog_info("podgc: deleting pod %s/%s", p->namespace_, p->name);
		int r = kube_client_delete(c->ctx->client, c->pod_kind, p->namespace_, p->name, &o, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			klog_v(2, "podgc: deleting pod %s/%s: %s", p->namespace_, p->name, strerror(-r));
	}
	kube_free(idx);
	kube_free(arr);
	kube_obj_list_clear(&pods);
}

static void *podgc_main(void *arg)
{
	podgc_t *c = arg;
	while (!kube_informer_factory_wait_synced(c->ctx->informers, 500))
		if (atomic_load(&c->stop) || atomic_load(&c->ctx->stopping))
			return NULL;
	while (!atomic_load(&c->stop) && !atomic_load(&c->ctx->stopping)) {
		podgc_pass(c);
		for (int i = 0; i < 200 && !atomic_load(&c->stop); i++) { /* 20 s, as upstream's gcCheckPeriod */
			struct timespec ts = { 0, 100 * 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

static int podgc_start(controller_manager_ctx_t *ctx, void **ret_state)
{
	podgc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->node_kind = kube_kinds_lookup("", "v1", "nodes");
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	c->nodes = kube_informer_factory_get(ctx->informers, c->node_kind);
	if (pthread_create(&c->thread, NULL, podgc_main, c) != 0) {
		kube_free(c);
		return -EAGAIN;
	}
	*ret_state = c;
	return 0;
}

static void podgc_stop(void *state)
{
	podgc_t *c = state;
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	for (kube_strmap_entry_t *e = kube_strmap_first(&c->missing); e; e = kube_strmap_next(&c->missing, e))
		kube_free(e->value);
	kube_strmap_clear(&c->missing);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_podgc_controller = {
	.name = "podgc", .default_on = true, .start = podgc_start, .stop = podgc_stop,
};

