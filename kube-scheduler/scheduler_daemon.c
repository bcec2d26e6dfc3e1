/* scheduler_daemon: informers, the scheduling loop, binding (see header). */
#include "scheduler_daemon.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "client/kube_client.h"
#include "client/kube_events.h"
#include "client/kube_informer.h"
#include "client/kube_kubeconfig.h"
#include "client/kube_leader.h"
#include "core/kube_log.h"
#include "core/kube_metrics.h"
#include "core/kube_time.h"
#include "core/kube_notify.h"
#include "daemon/kube_healthz.h"
#include "scheduler_algo.h"
#include "scheduler_cache.h"
#include "scheduler_preempt.h"
#include "scheduler_queue.h"

#define NBINDERS 8

typedef struct bind_task {
	scheduler_qitem_t it;
	char *node;
	int64_t start_ns;	/* attempt start */
	struct bind_task *next;
} bind_task_t;

typedef struct daemon {
	const scheduler_options_t *o;
	const char *name;		/* our schedulerName */
	kube_client_t *client;
	const kube_kind_t *pods_kind, *nodes_kind, *pcs_kind;
	kube_informer_t *pods, *nodes, *pcs;
	kube_informer_t *svcs, *rss, *sss, *rcs;	/* for the default spread selector */
	kube_informer_t *pdbs;				/* for preemption */
	scheduler_cache_t *cache;
	scheduler_queue_t *queue;
	scheduler_algo_t algo;
	kube_events_t *events;
	kube_leader_t *leader;
	kube_healthz_t *healthz;
	kube_metrics_t *metrics;
	kube_metric_t *m_attempts, *m_attempt_duration, *m_pending, *m_preempt_attempts,
		*m_preempt_victims, *m_e2e, *m_algorithm;
	pthread_t loop;
	bool loop_started;
	atomic_bool stopping;
	/* binders */
	pthread_mutex_t bind_lock;
	pthread_cond_t bind_cond;
	bind_task_t *bind_head, **bind_tail;
	bool bind_stop;
	pthread_t binders[NBINDERS];
} daemon_t;

static const char *const result_labels[] = { "result", "profile", NULL };
static const char *const queue_labels[] = { "queue", NULL };

/* ---- metrics ---- */

static void metrics_init(daemon_t *d)
{
	double b[20];
	d->metrics = kube_metrics_new();
	d->m_attempts = kube_metrics_counter(d->metrics, "scheduler_schedule_attempts_total",
		"[STABLE] Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
		result_labels);
	kube_metrics_exp_buckets(0.001, 2, 15, b);
	d->m_attempt_duration = kube_metrics_histogram(d->metrics, "scheduler_scheduling_attempt_duration_seconds",
		"[STABLE] Scheduling attempt latency in seconds (scheduling algorithm + binding)", result_labels, b, 15);
	d->m_algorithm = kube_metrics_histogram(d->metrics, "scheduler_scheduling_algorithm_duration_seconds",
		"[ALPHA] Scheduling algorithm latency in seconds", NULL, b, 15);
	d->m_e2e = kube_metrics_histogram(d->metrics, "scheduler_pod_scheduling_sli_duration_seconds",
		"[BETA] E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.",
		(const char *const[]){ "attempts", NULL }, b, 15);
	d->m_pending = kube_metrics_gauge(d->metrics, "scheduler_pending_pods",
		"[STABLE] Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
		queue_labels);
	d->m_preempt_attempts = kube_metrics_counter(d->metrics, "scheduler_preemption_attempts_total",
		"[STABLE] Total preemption attempts in the cluster till now", NULL);
	kube_metrics_exp_buckets(1, 2, 7, b);
	d->m_preempt_victims = kube_metrics_histogram(d->metrics, "scheduler_preemption_victims",
		"[STABLE] Number of selected preemption victims", NULL, b, 7);
}

static void update_pending(daemon_t *d)
{
	size_t a, b, u;
	scheduler_queue_lengths(d->queue, &a, &b, &u);
	kube_metric_set(d->m_pending, (const char *const[]){ "active", NULL }, (double)a);
	kube_metric_set(d->m_pending, (const char *const[]){ "backoff", NULL }, (double)b);
	kube_metric_set(d->m_pending, (const char *const[]){ "unschedulable", NULL }, (double)u);
	kube_metric_set(d->m_pending, (const char *const[]){ "gated", NULL }, 0);
}

static void observe(daemon_t *d, const char *result, int64_t start_ns)
{
	const char *const v[] = { result, d->name, NULL };
	kube_metric_add(d->m_attempts, v, 1);
	kube_metric_observe(d->m_attempt_duration, v, (double)(kube_now_ns() - start_ns) / 1e9);
}

/* ---- informer handlers ---- */

static bool ours(const daemon_t *d, const cJSON *pod)
{
	const char *s = kube_json_get_str(pod, "spec.schedulerName");
	return kube_streq(s && *s ? s : "default-scheduler", d->name);
}

static bool assigned(const cJSON *pod)
{
	const char *n = kube_json_get_str(pod, "spec.nodeName");
	return n && *n;
}

static bool terminating(const cJSON *pod)
{
	const cJSON *t = kube_json_get(pod, "metadata.deletionTimestamp");
	return t && !cJSON_IsNull(t);
}

/* The priority of a pod from its PriorityClass, or the globalDefault one
 * when it names none: what upstream's Priority admission plugin puts in
 * spec.priority (our API server only defaults it to 0). Only used when
 * spec.priority is 0 or absent, so it agrees with a full API server. */
static bool class_priority(daemon_t *d, const cJSON *pod, int32_t *ret)
{
	if (kube_json_get_int64(pod, "spec.priority", 0) != 0)
		return false;
	const char *cls = kube_json_get_str(pod, "spec.priorityClassName");
	if (cls && *cls) {
		kube_obj_t *pc = kube_informer_get(d->pcs, NULL, cls);
		if (!pc)
			return false;
		*ret = (int32_t)kube_json_get_int64(pc->json, "value", 0);
		kube_obj_unref(pc);
		return true;
	}
	kube_obj_list_t l = { 0 };
	bool found = false;
	kube_informer_list(d->pcs, NULL, &l);
	for (size_t i = 0; i < l.n; i++)
		if (kube_json_get_bool(l.items[i]->json, "globalDefault", false)) {
			int32_t v = (int32_t)kube_json_get_int64(l.items[i]->json, "value", 0);
			if (!found || v < *ret)
				*ret = v;
			found = true;
		}
	kube_obj_list_clear(&l);
	return found;
}

/* upstream's PodSchedulingReadiness: gated pods are not scheduled */
static bool gated(const cJSON *pod)
{
	return cJSON_GetArraySize(kube_json_get(pod, "spec.schedulingGates")) > 0;
}

static void release_obj(void *o)
{
	kube_obj_unref(o);
}

/* the informer's cached object, shared (it is immutable) */
static scheduler_pod_t *shared_pod(daemon_t *d, kube_obj_t *obj)
{
	scheduler_pod_t *p = scheduler_pod_new_shared(obj->json, kube_obj_ref(obj), release_obj);
	class_priority(d, obj->json, &p->priority);
	return p;
}

static void pod_add(kube_obj_t *obj, void *arg)
{
	daemon_t *d = arg;
	if (assigned(obj->json)) {
		scheduler_pod_t *p = shared_pod(d, obj);
		scheduler_cache_add_pod(d->cache, p);
		scheduler_queue_delete(d->queue, p->namespace_, p->name);
		if (p->nreq_aff || p->npref_aff || p->nreq_anti)
			scheduler_queue_move_all(d->queue, true);
		scheduler_pod_unref(p);
	} else if (ours(d, obj->json) && !terminating(obj->json) && !gated(obj->json)) {
		scheduler_pod_t *p = shared_pod(d, obj);
		scheduler_queue_add(d->queue, p);
		scheduler_pod_unref(p);
	}
}

/* upstream's isPodUpdated: a change other than status, resourceVersion,
 * generation, managedFields and finalizers */
static bool pod_changed(const cJSON *a, const cJSON *b)
{
	static const char *const keep[] = { "labels", "annotations", "name", "namespace", "deletionTimestamp" };
	if (!kube_json_equal(kube_json_get(a, "spec"), kube_json_get(b, "spec")))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (!kube_json_equal(cJSON_GetObjectItemCaseSensitive(kube_json_get(a, "metadata"), keep[i]),
				     cJSON_GetObjectItemCaseSensitive(kube_json_get(b, "metadata"), keep[i])))
			return true;
	return false;
}

static void pod_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	daemon_t *d = arg;
	if (old == new_ || kube_streq(old->resource_version, new_->resource_version))
		return; /* resync */
	if (assigned(new_->json)) {
		pod_add(new_, arg);
		return;
	}
	if (!ours(d, new_->json) || terminating(new_->json) || gated(new_->json)) {
		scheduler_queue_delete(d->queue, new_->namespace_, new_->name);
		return;
	}
	scheduler_pod_t *p = shared_pod(d, new_);
	if (pod_changed(old->json, new_->json))
		scheduler_queue_update(d->queue, p);
	else
		scheduler_queue_refresh(d->queue, p); /* status only: keep it where it is */
	scheduler_pod_unref(p);
}

static void pod_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	daemon_t *d = arg;
	(void)unknown;
	scheduler_queue_delete(d->queue, obj->namespace_, obj->name);
	/* a bound pod frees room; a nominated one frees what it reserved */
	bool helps = scheduler_cache_has_pod(d->cache, obj->namespace_, obj->name) ||
		     kube_json_get_str(obj->json, "status.nominatedNodeName");
	scheduler_cache_remove_pod(d->cache, obj->namespace_, obj->name);
	if (helps)
		scheduler_queue_move_all(d->queue, false);
}

static void node_add(kube_obj_t *obj, void *arg)
{
	daemon_t *d = arg;
	scheduler_cache_set_node_shared(d->cache, obj->json, kube_obj_ref(obj), release_obj);
	scheduler_queue_move_all(d->queue, false);
}

/* a change that may make a pod fit (upstream's node update events) */
static bool node_changed(const cJSON *a, const cJSON *b)
{
	return !kube_json_equal(kube_json_get(a, "metadata.labels"), kube_json_get(b, "metadata.labels")) ||
	       !kube_json_equal(kube_json_get(a, "spec"), kube_json_get(b, "spec")) ||
	       !kube_json_equal(kube_json_get(a, "status.allocatable"), kube_json_get(b, "status.allocatable")) ||
	       !kube_json_equal(kube_json_get(a, "status.images"), kube_json_get(b, "status.images"));
}

static void node_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	daemon_t *d = arg;
	if (old == new_ || kube_streq(old->resource_version, new_->resource_version))
		return;
	bool changed = node_changed(old->json, new_->json);
	if (changed)
		scheduler_cache_set_node_shared(d->cache, new_->json, kube_obj_ref(new_), release_obj);
	if (changed)
		scheduler_queue_move_all(d->queue, false);
}

static void node_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	daemon_t *d = arg;
	(void)unknown;
	scheduler_cache_remove_node(d->cache, obj->name);
}

/* ---- the system-default spread selector ---- */

static void merge_labels(cJSON *into, const cJSON *labels)
{
	const cJSON *l;
	cJSON_ArrayForEach(l, labels)
		if (cJSON_IsString(l) && !cJSON_GetObjectItemCaseSensitive(into, l->string))
			cJSON_AddStringToObject(into, l->string, l->valuestring);
}

static bool labels_select(const cJSON *sel, const cJSON *labels)
{
	const cJSON *l;
	if (cJSON_GetArraySize(sel) == 0)
		return false;
	cJSON_ArrayForEach(l, sel) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, l->string);
		if (!cJSON_IsString(l) || !cJSON_IsString(v) || strcmp(v->valuestring, l->valuestring) != 0)
			return false;
	}
	return true;
}

/* upstream's helper.DefaultSelector: the selectors of the Services that
 * select the pod, and of its controller (ReplicationController,
 * ReplicaSet or StatefulSet), ANDed. NULL when there is none. */
static kube_selector_t *default_selector(daemon_t *d, const scheduler_pod_t *p)
{
	_cleanup_json_ cJSON *ls = cJSON_CreateObject();
	cJSON *ml = cJSON_AddObjectToObject(ls, "matchLabels");
	cJSON *me = cJSON_AddArrayToObject(ls, "matchExpressions");
	kube_obj_list_t svcs = { 0 };
	const cJSON *ref, *e;

	kube_informer_list(d->svcs, p->namespace_, &svcs);
	for (size_t i = 0; i < svcs.n; i++) {
		const cJSON *sel = kube_json_get(svcs.items[i]->json, "spec.selector");
		if (labels_select(sel, p->labels))
			merge_labels(ml, sel);
	}
	kube_obj_list_clear(&svcs);
	cJSON_ArrayForEach(ref, kube_json_get(p->json, "metadata.ownerReferences")) {
		if (!kube_json_get_bool(ref, "controller", false))
			continue;
		const char *kind = kube_json_get_str(ref, "kind"), *name = kube_json_get_str(ref, "name");
		const char *av = kube_json_get_str(ref, "apiVersion");
		kube_informer_t *inf = NULL;
		if (kube_streq(av, "v1") && kube_streq(kind, "ReplicationController"))
			inf = d->rcs;
		else if (kube_streq(av, "apps/v1") && kube_streq(kind, "ReplicaSet"))
			inf = d->rss;
		else if (kube_streq(av, "apps/v1") && kube_streq(kind, "StatefulSet"))
			inf = d->sss;
		kube_obj_t *o = inf && name ? kube_informer_get(inf, p->namespace_, name) : NULL;
		if (o && inf == d->rcs) {
			merge_labels(ml, kube_json_get(o->json, "spec.selector"));
		} else if (o) {
			merge_labels(ml, kube_json_get(o->json, "spec.selector.matchLabels"));
			cJSON_ArrayForEach(e, kube_json_get(o->json, "spec.selector.matchExpressions"))
				cJSON_AddItemToArray(me, kube_json_dup(e));
		}
		kube_obj_unref(o);
		break;
	}
	if (cJSON_GetArraySize(ml) == 0 && cJSON_GetArraySize(me) == 0)
		return NULL;
	kube_selector_t *s = NULL;
	if (kube_selector_from_json(ls, &s, NULL) < 0)
		return NULL;
	return s;
}

/* ---- binding ---- */

static int bind_pod(daemon_t *d, const scheduler_pod_t *p, const char *node, char **ret_err)
{
	kube_client_status_t st = { 0 };
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "apiVersion", "v1");
	cJSON_AddStringToObject(b, "kind", "Binding");
	cJSON *md = cJSON_AddObjectToObject(b, "metadata");
	cJSON_AddStringToObject(md, "name", p->name);
	cJSON_AddStringToObject(md, "namespace", p->namespace_);
	if (*p->uid)
		cJSON_AddStringToObject(md, "uid", p->uid);
	cJSON *t = cJSON_AddObjectToObject(b, "target");
	cJSON_AddStringToObject(t, "apiVersion", "v1");
	cJSON_AddStringToObject(t, "kind", "Node");
	cJSON_AddStringToObject(t, "name", node);
	int r = kube_client_create_sub(d->client, d->pods_kind, p->namespace_, p->name, "binding", b, NULL, &st);
	cJSON_Delete(b);
	if (r < 0)
		*ret_err = kube_strdup(st.message ? st.message : strerror(-r));
	kube_client_status_clear(&st);
	return r;
}

static void bind_done(daemon_t *d, bind_task_t *t)
{
	scheduler_pod_t *p = t->it.pod;
	char *err = NULL;
	int r = bind_pod(d, p, t->node, &err);
	if (r == 0) {
		observe(d, "scheduled", t->start_ns);
		char attempts[16];
		snprintf(attempts, sizeof(attempts), "%d", t->it.attempts);
		kube_metric_observe(d->m_e2e, (const char *const[]){ attempts, NULL },
				    (double)(kube_now_ns() - t->it.queued_ns) / 1e9);
		kube_events_eventf_kind(d->events, p->json, "v1", "Pod", "Normal", "Scheduled",
					"Successfully assigned %s/%s to %s", p->namespace_, p->name, t->node);
		klog_v(2, "\"Successfully bound pod to node\" pod=\"%s/%s\" node=\"%s\"", p->namespace_, p->name,
		       t->node);
		scheduler_queue_done(d->queue, &t->it);
	} else {
		observe(d, "error", t->start_ns);
		klog_error("\"Failed to bind pod\" pod=\"%s/%s\" node=\"%s\" err=\"%s\"", p->namespace_, p->name,
			   t->node, err);
		scheduler_cache_forget(d->cache, p->namespace_, p->name);
		if (r == -ENOENT || r == -EEXIST || r == -ESTALE) {
			/* gone, or bound by someone else meanwhile */
			scheduler_queue_done(d->queue, &t->it);
		} else {
			kube_events_eventf_kind(d->events, p->json, "v1", "Pod", "Warning", "FailedScheduling",
						"Binding rejected: %s", err);
			scheduler_queue_unschedulable(d->queue, &t->it, true);
		}
	}
	kube_free(err);
}

static void *binder(void *arg)
{
	daemon_t *d = arg;
	for (;;) {
		pthread_mutex_lock(&d->bind_lock);
		while (!d->bind_head && !d->bind_stop)
			pthread_cond_wait(&d->bind_cond, &d->bind_lock);
		bind_task_t *t = d->bind_head;
		if (!t) {
			pthread_mutex_unlock(&d->bind_lock);
			return NULL;
		}
		d->bind_head = t->next;
		if (!d->bind_head)
			d->bind_tail = &d->bind_head;
		pthread_mutex_unlock(&d->bind_lock);
		bind_done(d, t);
		scheduler_qitem_clear(&t->it);
		kube_free(t->node);
		kube_free(t);
	}
}

static void bind_async(daemon_t *d, scheduler_qitem_t *it, const char *node, int64_t start_ns)
{
	bind_task_t *t = kube_calloc(1, sizeof(*t));
	t->it = *it;
	memset(it, 0, sizeof(*it));
	t->node = kube_strdup(node);
	t->start_ns = start_ns;
	pthread_mutex_lock(&d->bind_lock);
	*d->bind_tail = t;
	d->bind_tail = &t->next;
	pthread_cond_signal(&d->bind_cond);
	pthread_mutex_unlock(&d->bind_lock);
}

/* ---- failures and preemption ---- */

static void set_unschedulable_condition(daemon_t *d, const scheduler_pod_t *p, const char *msg,
					const char *nominated)
{
	char now[64];
	kube_time_format_rfc3339(kube_wall_ns(), now, sizeof(now));
	cJSON *patch = cJSON_CreateObject();
	cJSON *status = cJSON_AddObjectToObject(patch, "status");
	cJSON *conds = cJSON_AddArrayToObject(status, "conditions");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "PodScheduled");
	cJSON_AddStringToObject(c, "status", "False");
	cJSON_AddNullToObject(c, "lastProbeTime");
	cJSON_AddStringToObject(c, "lastTransitionTime", now);
	cJSON_AddStringToObject(c, "reason", "Unschedulable");
	cJSON_AddStringToObject(c, "message", msg);
	cJSON_AddItemToArray(conds, c);
	if (nominated)
		cJSON_AddStringToObject(status, "nominatedNodeName", nominated);
	char *body = kube_json_compact(patch);
	cJSON_Delete(patch);
	int r = kube_client_patch(d->client, d->pods_kind, p->namespace_, p->name, "status",
				  "application/strategic-merge-patch+json", body, NULL, NULL, NULL);
	if (r < 0)
		klog_v(2, "\"Error updating pod status\" pod=\"%s/%s\" err=%d", p->namespace_, p->name, r);
	kube_free(body);
}

static void delete_victim(daemon_t *d, const scheduler_pod_t *pod, const scheduler_pod_t *v, const char *node)
{
	kube_client_delete_opts_t opts = KUBE_CLIENT_DELETE_OPTS_INIT;
	char now[64];
	kube_time_format_rfc3339(kube_wall_ns(), now, sizeof(now));
	/* upstream marks the victim with a DisruptionTarget condition first */
	char *patch = kube_asprintf("{\"status\":{\"conditions\":[{\"type\":\"DisruptionTarget\",\"status\":\"True\","
				    "\"lastTransitionTime\":\"%s\",\"reason\":\"PreemptionByScheduler\","
				    "\"message\":\"%s: preempting to accommodate a higher priority pod\"}]}}",
				    now, d->name);
	kube_client_patch(d->client, d->pods_kind, v->namespace_, v->name, "status",
			  "application/strategic-merge-patch+json", patch, NULL, NULL, NULL);
	kube_free(patch);
	int r = kube_client_delete(d->client, d->pods_kind, v->namespace_, v->name, &opts, NULL, NULL);
	if (r < 0 && r != -ENOENT) {
		klog_error("\"Error preempting victim\" pod=\"%s/%s\" err=%d", v->namespace_, v->name, r);
		return;
	}
	kube_events_eventf_kind(d->events, v->json, "v1", "Pod", "Normal", "Preempted",
				"Preempted by pod %s on node %s", pod->uid, node);
}

static void unschedulable(daemon_t *d, scheduler_qitem_t *it, scheduler_result_t *res, int rc, int64_t start)
{
	scheduler_pod_t *p = it->pod;
	scheduler_preempt_result_t pr = { 0 };
	char *msg, *node = NULL;
	scheduler_pod_t **victims = NULL;
	size_t nvictims = 0;

	if (rc == -ENOSPC) {
		size_t n;
		scheduler_nodeinfo_t *const *nodes = scheduler_cache_nodes_locked(d->cache, &n);
		kube_metric_inc(d->m_preempt_attempts);
		kube_obj_list_t pl = { 0 };
		kube_informer_list(d->pdbs, NULL, &pl);
		const cJSON **items = kube_calloc(pl.n + 1, sizeof(*items));
		for (size_t i = 0; i < pl.n; i++)
			items[i] = pl.items[i]->json;
		scheduler_pdbs_t pdbs = { items, pl.n };
		int prc = scheduler_preempt(p, nodes, n, res->codes, &pdbs, &pr);
		klog_v(4, "\"Preemption\" pod=\"%s/%s\" pdbs=%zu rc=%d node=\"%s\" victims=%zu violations=%zu",
		       p->namespace_, p->name, pl.n, prc, prc == 0 ? pr.node->name : "", pr.nvictims, pr.pdb_violations);
		kube_free(items);
		kube_obj_list_clear(&pl);
		if (prc == 0) {
			node = kube_strdup(pr.node->name);
			victims = pr.victims;
			nvictims = pr.nvictims;
			pr.victims = NULL;
			pr.nvictims = 0;
		}
		msg = scheduler_fit_error(&res->diag, pr.message);
	} else {
		msg = kube_strdup("no nodes available to schedule pods");
	}
	scheduler_cache_unlock(d->cache);

	if (node) {
		kube_metric_observe(d->m_preempt_victims, NULL, (double)nvictims);
		scheduler_cache_nominate(d->cache, p, node);
		for (size_t i = 0; i < nvictims; i++)
			delete_victim(d, p, victims[i], node);
	}
	klog_v(2, "\"Unable to schedule pod; no fit; waiting\" pod=\"%s/%s\" err=\"%s\"", p->namespace_, p->name, msg);
	kube_events_eventf_kind(d->events, p->json, "v1", "Pod", "Warning", "FailedScheduling", "%s", msg);
	set_unschedulable_condition(d, p, msg, node);
	observe(d, "unschedulable", start);
	scheduler_queue_unschedulable(d->queue, it, false);
	for (size_t i = 0; i < nvictims; i++)
		scheduler_pod_unref(victims[i]);
	kube_free(victims);
	kube_free(node);
	kube_free(msg);
	scheduler_preempt_result_clear(&pr);
}

/* ---- the loop ---- */

static void schedule_one(daemon_t *d, scheduler_qitem_t *it)
{
	scheduler_pod_t *p = it->pod;
	int64_t start = kube_now_ns();
	scheduler_result_t res;
	size_t n, nn;

	/* skip pods bound or deleted meanwhile (upstream's skipPodSchedule) */
	kube_obj_t *cur = kube_informer_get(d->pods, p->namespace_, p->name);
	bool skip = !cur || assigned(cur->json) || terminating(cur->json) ||
		    !kube_streq(cur->uid, p->uid);
	kube_obj_unref(cur);
	if (skip || scheduler_cache_has_pod(d->cache, p->namespace_, p->name)) {
		scheduler_queue_done(d->queue, it);
		return;
	}

	if (cJSON_GetArraySize(kube_json_get(p->json, "spec.topologySpreadConstraints")) == 0) {
		kube_selector_free(p->default_selector);
		p->default_selector = default_selector(d, p);
	}

	scheduler_cache_lock(d->cache);
	scheduler_nodeinfo_t *const *nodes = scheduler_cache_nodes_locked(d->cache, &n);
	scheduler_pod_t *const *nom = scheduler_cache_nominated_locked(d->cache, &nn);
	int rc = scheduler_algo_schedule(&d->algo, p, nodes, n, nom, nn, &res);
	kube_metric_observe(d->m_algorithm, NULL, (double)(kube_now_ns() - start) / 1e9);
	if (rc < 0) {
		unschedulable(d, it, &res, rc, start); /* unlocks */
		scheduler_result_clear(&res);
		return;
	}
	/* assume: the cache counts the pod on the node before the bind lands */
	cJSON *j = kube_json_dup(p->json);
	kube_json_set_str(j, "spec.nodeName", res.node->name);
	scheduler_pod_t *assumed = scheduler_pod_new(j);
	assumed->priority = p->priority;
	char *node = kube_strdup(res.node->name);
	scheduler_cache_assume_locked(d->cache, assumed, node);
	scheduler_cache_unlock(d->cache);
	scheduler_pod_unref(assumed);
	scheduler_result_clear(&res);
	scheduler_cache_nominate(d->cache, p, NULL);
	bind_async(d, it, node, start);
	kube_free(node);
}

static void *loop_main(void *arg)
{
	daemon_t *d = arg;
	int64_t last = 0;
	klog_info("\"Starting scheduling loop\"");
	while (!atomic_load(&d->stopping)) {
		scheduler_qitem_t it;
		int r = scheduler_queue_pop(d->queue, 500, &it);
		if (kube_now_ns() - last > 1000000000LL) {
			update_pending(d);
			last = kube_now_ns();
		}
		if (r == -ESHUTDOWN)
			break;
		if (r < 0)
			continue;
		schedule_one(d, &it);
		scheduler_qitem_clear(&it);
	}
	return NULL;
}

static void start_loop(daemon_t *d)
{
	if (d->loop_started)
		return;
	if (pthread_create(&d->loop, NULL, loop_main, d) == 0)
		d->loop_started = true;
}

/* ---- leader election ---- */

static void started_leading(void *arg)
{
	daemon_t *d = arg;
	klog_info("\"Started leading\" lease=\"%s/%s\"", d->o->le.resource_namespace, d->o->le.resource_name);
	start_loop(d);
}

static void stopped_leading(void *arg)
{
	daemon_t *d = arg;
	if (atomic_load(&d->stopping))
		return;
	/* upstream: klog.FatalS "leaderelection lost" */
	klog_error("\"Leaderelection lost\"");
	fflush(stderr);
	_exit(1);
}

static void new_leader(const char *identity, void *arg)
{
	(void)arg;
	klog_info("\"New leader elected\" identity=\"%s\"", identity);
}

/* ---- healthz ---- */

static int check_synced(kube_buf_t *reason, void *arg)
{
	daemon_t *d = arg;
	if (kube_informer_has_synced(d->pods) && kube_informer_has_synced(d->nodes))
		return 0;
	kube_buf_puts(reason, "informers not synced");
	return -EAGAIN;
}

static int start_healthz(daemon_t *d, char **ret_err)
{
	char bind[64];
	kube_format_ip(&d->o->bind_address, bind, sizeof(bind));
	kube_healthz_config_t hc = {
		.component = SCHEDULER_NAME,
		.insecure_address = d->o->address,
		.insecure_port = d->o->port,
		.secure_address = bind,
		.secure_port = d->o->secure_port,
		.tls_cert_file = d->o->tls_cert_file,
		.tls_key_file = d->o->tls_private_key_file,
		.cert_dir = d->o->cert_dir && *d->o->cert_dir ? d->o->cert_dir : NULL,
		.metrics = d->metrics,
	};
	if (!hc.insecure_port && !hc.secure_port)
		return 0;
	int r = kube_healthz_start(&hc, &d->healthz, ret_err);
	return r;
}

/* ---- run ---- */

int scheduler_daemon_run(const scheduler_options_t *o)
{
	daemon_t dd = { .o = o }, *d = &dd;
	char *err = NULL;
	sigset_t sigs;
	int sig, rc = 1, exit_code = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	d->name = o->scheduler_name && *o->scheduler_name ? o->scheduler_name : "default-scheduler";
	d->algo.seed = (unsigned int)kube_now_ns();
	d->algo.hard_weight = o->hard_pod_affinity_symmetric_weight;
	d->algo.percentage = o->percentage_of_nodes_to_score;
	d->pods_kind = kube_kinds_lookup("", "v1", "pods");
	d->nodes_kind = kube_kinds_lookup("", "v1", "nodes");
	d->pcs_kind = kube_kinds_lookup("scheduling.k8s.io", "v1", "priorityclasses");
	pthread_mutex_init(&d->bind_lock, NULL);
	pthread_cond_init(&d->bind_cond, NULL);
	d->bind_tail = &d->bind_head;

	if (kube_kubeconfig_client(o->kubeconfig, o->master, o->kube_api_qps, o->kube_api_burst,
				   NULL, &d->client, &err) < 0) {
		fprintf(stderr, "E0000 %s: %s\n", SCHEDULER_NAME, err ? err : "cannot make a client");
		kube_free(err);
		return 1;
	}
	metrics_init(d);
	if (start_healthz(d, &err) < 0) {
		klog_error("\"Unable to start healthz server\" err=\"%s\"", err ? err : "");
		kube_free(err);
		goto out;
	}
	d->cache = scheduler_cache_new();
	d->queue = scheduler_queue_new(NULL, o->pod_max_in_unschedulable_pods_duration_ns);
	d->events = kube_events_new(d->client, d->name, NULL);

	kube_informer_config_t pc = { .kind = d->pods_kind,
				      .field_selector = "status.phase!=Succeeded,status.phase!=Failed" };
	kube_informer_config_t nc = { .kind = d->nodes_kind };
	d->pods = kube_informer_new(d->client, &pc);
	d->nodes = kube_informer_new(d->client, &nc);
	d->pcs = kube_informer_new(d->client, &(kube_informer_config_t){ .kind = d->pcs_kind });
	d->svcs = kube_informer_new(d->client, &(kube_informer_config_t){
		.kind = kube_kinds_lookup("", "v1", "services") });
	d->rcs = kube_informer_new(d->client, &(kube_informer_config_t){
		.kind = kube_kinds_lookup("", "v1", "replicationcontrollers") });
	d->rss = kube_informer_new(d->client, &(kube_informer_config_t){
		.kind = kube_kinds_lookup("apps", "v1", "replicasets") });
	d->sss = kube_informer_new(d->client, &(kube_informer_config_t){
		.kind = kube_kinds_lookup("apps", "v1", "statefulsets") });
	d->pdbs = kube_informer_new(d->client, &(kube_informer_config_t){
		.kind = kube_kinds_lookup("policy", "v1", "poddisruptionbudgets") });
	if (d->healthz)
		kube_healthz_add_check(d->healthz, "sched-handler-sync", true, check_synced, d);
	kube_informer_add_handlers(d->nodes, &(kube_informer_handlers_t){ node_add, node_update, node_delete, d });
	kube_informer_add_handlers(d->pods, &(kube_informer_handlers_t){ pod_add, pod_update, pod_delete, d });
	kube_informer_start(d->pcs);
	kube_informer_start(d->svcs);
	kube_informer_start(d->rcs);
	kube_informer_start(d->rss);
	kube_informer_start(d->sss);
	kube_informer_start(d->pdbs);
	/* the listers the scheduling loop reads are complete before it starts */
	kube_informer_t *aux[] = { d->pcs, d->svcs, d->rcs, d->rss, d->sss, d->pdbs };
	for (size_t i = 0; i < ARRAY_SIZE(aux); i++)
		kube_informer_wait_synced(aux[i], 10000);
	kube_informer_start(d->nodes);
	kube_informer_start(d->pods);
	for (int i = 0; i < NBINDERS; i++)
		pthread_create(&d->binders[i], NULL, binder, d);
	/* serving health and watching: systemd's Type=notify may go on */
	kube_notify(false, "READY=1");
	/* upstream waits for the caches before scheduling */
	while (!kube_informer_wait_synced(d->nodes, 1000) || !kube_informer_wait_synced(d->pods, 1000)) {
		struct timespec ts = { 0, 0 };
		if (sigtimedwait(&sigs, NULL, &ts) > 0)
			goto stop;
	}
	klog_info("\"Caches synced\" nodes=%zu pods=%zu", scheduler_cache_node_count(d->cache),
		  scheduler_cache_pod_count(d->cache));

	if (o->le.leader_elect) {
		kube_leader_config_t lc = {
			.namespace_ = o->le.resource_namespace,
			.name = o->le.resource_name,
			.lease_duration_ms = o->le.lease_duration_ns / 1000000,
			.renew_deadline_ms = o->le.renew_deadline_ns / 1000000,
			.retry_period_ms = o->le.retry_period_ns / 1000000,
			.release_on_cancel = true,	/* as upstream's scheduler: a clean stop hands over at once */
			.on_started_leading = started_leading,
			.on_stopped_leading = stopped_leading,
			.on_new_leader = new_leader,
			.arg = d,
		};
		klog_info("\"Attempting to acquire leader lease\" lease=\"%s/%s\"", lc.namespace_, lc.name);
		if (kube_leader_start(d->client, &lc, &d->leader) < 0) {
			klog_error("\"Invalid leader election configuration\"");
			exit_code = 1;
			goto stop;
		}
	} else {
		start_loop(d);
	}
	do
		sig = sigwaitinfo(&sigs, NULL);
	while (sig < 0);
	klog_info("\"Received signal, shutting down\" signal=%d", sig);
stop:
	rc = exit_code;
	kube_notify(false, "STOPPING=1");
	atomic_store(&d->stopping, true);
	/* no check may run on what is freed below */
	kube_healthz_stop(d->healthz);
	d->healthz = NULL;
	scheduler_queue_close(d->queue);
	if (d->loop_started)
		pthread_join(d->loop, NULL);
	if (d->leader) {
		kube_leader_stop(d->leader);
		kube_leader_free(d->leader);
	}
	pthread_mutex_lock(&d->bind_lock);
	d->bind_stop = true;
	pthread_cond_broadcast(&d->bind_cond);
	pthread_mutex_unlock(&d->bind_lock);
	for (int i = 0; i < NBINDERS; i++)
		if (d->binders[i])
			pthread_join(d->binders[i], NULL);
	kube_informer_free(d->pods);
	kube_informer_free(d->nodes);
	kube_informer_free(d->pcs);
	kube_informer_free(d->svcs);
	kube_informer_free(d->rcs);
	kube_informer_free(d->rss);
	kube_informer_free(d->sss);
	kube_informer_free(d->pdbs);
	kube_events_free(d->events);
	scheduler_queue_free(d->queue);
	scheduler_cache_free(d->cache);
out:
	kube_healthz_stop(d->healthz);
	kube_metrics_free(d->metrics);
	kube_client_free(d->client);
	pthread_cond_destroy(&d->bind_cond);
	pthread_mutex_destroy(&d->bind_lock);
	return rc;
}
