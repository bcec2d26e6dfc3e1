/* controller_manager_replicaset: ReplicaSets and ReplicationControllers
 * (see the header). */
#include "controller_manager_replicaset.h"

#include <pthread.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "api/kube_selector.h"
#include "client/kube_events.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_pods.h"
#include "controller_manager_worker.h"

#define BURST_REPLICAS 500

typedef struct rsc {
	controller_manager_ctx_t *ctx;
	const controller_manager_rs_kind_t *k;
	const kube_kind_t *kind, *pod_kind;
	kube_informer_t *sets, *pods;
	kube_workqueue_t *q;
	controller_manager_expect_t *exp;
	kube_events_t *events;
	controller_manager_workers_t *workers;
} rsc_t;

static kube_selector_t *set_selector(const rsc_t *c, const cJSON *set)
{
	kube_selector_t *sel = NULL;
	if (c->k->map_selector) {
		const cJSON *m = kube_json_get(set, "spec.selector");
		if (!m)
			m = kube_json_get(set, "spec.template.metadata.labels");
		cJSON *ls = cJSON_CreateObject();
		if (m)
			cJSON_AddItemToObject(ls, "matchLabels", kube_json_dup(m));
		if (kube_selector_from_json(ls, &sel, NULL) < 0)
			sel = NULL;
		cJSON_Delete(ls);
	} else if (kube_selector_from_json(kube_json_get(set, "spec.selector"), &sel, NULL) < 0) {
		sel = NULL;
	}
	return sel;
}

/* The set a controllerRef names, if it is of our kind and uid. */
static kube_obj_t *resolve_ref(rsc_t *c, const char *ns, const cJSON *ref)
{
	if (!ref || !kube_streq(kube_json_get_str(ref, "kind"), c->k->kind))
		return NULL;
	kube_obj_t *set = kube_informer_get(c->sets, ns, kube_json_get_str(ref, "name"));
	if (set && !kube_streq(set->uid, kube_json_get_str(ref, "uid"))) {
		kube_obj_unref(set);
		return NULL;
	}
	return set;
}

/* Queue every set of pod's namespace whose selector matches it. */
static void enqueue_matching(rsc_t *c, const kube_obj_t *pod)
{
	kube_obj_list_t l = { 0 };
	kube_informer_list(c->sets, pod->namespace_, &l);
	const cJSON *labels = kube_json_get(pod->json, "metadata.labels");
	for (size_t i = 0; i < l.n; i++) {
		kube_selector_t *sel = set_selector(c, l.items[i]->json);
		if (sel && !kube_selector_empty(sel) && kube_selector_matches(sel, labels))
			controller_manager_enqueue(c->q, l.items[i]);
		kube_selector_free(sel);
	}
	kube_obj_list_clear(&l);
}

static void pod_deleted(rsc_t *c, const kube_obj_t *pod)
{
	kube_obj_t *set = resolve_ref(c, pod->namespace_, controller_manager_controller_ref(pod->json));
	if (!set)
		return;
	char *key = kube_obj_key(set);
	controller_manager_expect_del_seen(c->exp, key);
	kube_workqueue_add(c->q, key);
	kube_free(key);
	kube_obj_unref(set);
}

static void on_pod_add(kube_obj_t *pod, void *arg)
{
	rsc_t *c = arg;
	if (kube_json_get(pod->json, "metadata.deletionTimestamp")) {
		pod_deleted(c, pod);
		return;
	}
	const cJSON *ref = controller_manager_controller_ref(pod->json);
	if (ref) {
		kube_obj_t *set = resolve_ref(c, pod->namespace_, ref);
		if (set) {
			char *key = kube_obj_key(set);
			controller_manager_expect_add_seen(c->exp, key);
			kube_workqueue_add(c->q, key);
			kube_free(key);
			kube_obj_unref(set);
		}
		return;
	}
	enqueue_matching(c, pod);
}

static void on_pod_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	rsc_t *c = arg;
	if (kube_streq(old->resource_version, new_->resource_version))
		return;
	bool labels_changed = !kube_json_equal(kube_json_get(old->json, "metadata.labels"),
					       kube_json_get(new_->json, "metadata.labels"));
	if (kube_json_get(new_->json, "metadata.deletionTimestamp") &&
	    !kube_json_get(old->json, "metadata.deletionTimestamp")) {
		pod_deleted(c, new_);
		if (labels_changed)
			enqueue_matching(c, old);
		return;
	}
	const cJSON *oref = controller_manager_controller_ref(old->json);
	const cJSON *nref = controller_manager_controller_ref(new_->json);
	bool ref_changed = !kube_json_equal(oref, nref);
	if (ref_changed && oref) {
		kube_obj_t *set = resolve_ref(c, old->namespace_, oref);
		if (set)
			controller_manager_enqueue(c->q, set);
		kube_obj_unref(set);
	}
	if (nref) {
		kube_obj_t *set = resolve_ref(c, new_->namespace_, nref);
		if (set) {
			int64_t mrs = kube_json_get_int64(set->json, "spec.minReadySeconds", 0);
			controller_manager_enqueue(c->q, set);
			if (mrs > 0 && !controller_manager_pod_ready(old->json) &&
			    controller_manager_pod_ready(new_->json)) {
				char *key = kube_obj_key(set);
				kube_workqueue_add_after(c->q, key, mrs * 1000 + 100);
				kube_free(key);
			}
			kube_obj_unref(set);
		}
		return;
	}
	if (labels_changed || ref_changed)
		enqueue_matching(c, new_);
}

static void on_pod_delete(kube_obj_t *pod, bool unknown, void *arg)
{
	rsc_t *c = arg;
	/* a pod that was already terminating was counted then */
	if (!unknown && kube_json_get(pod->json, "metadata.deletionTimestamp")) {
		kube_obj_t *set = resolve_ref(c, pod->namespace_,
					      controller_manager_controller_ref(pod->json));
		if (set)
			controller_manager_enqueue(c->q, set);
		kube_obj_unref(set);
		return;
	}
	pod_deleted(c, pod);
}

static void on_set_add(kube_obj_t *obj, void *arg)
{
	controller_manager_enqueue(((rsc_t *)arg)->q, obj);
}

static void on_set_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	controller_manager_enqueue(((rsc_t *)arg)->q, new_);
}

static void on_set_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	rsc_t *c = arg;
	char *key = kube_obj_key(obj);
	controller_manager_expect_forget(c->exp, key);
	kube_workqueue_add(c->q, key);
	kube_free(key);
}

static cJSON *pod_from_template(const rsc_t *c, const cJSON *set)
{
	const cJSON *t = kube_json_get(set, "spec.template");
	const char *name = kube_json_get_str(set, "metadata.name");
	cJSON *pod = cJSON_CreateObject();
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON *meta = cJSON_AddObjectToObject(pod, "metadata");
	char *gen = kube_asprintf("%s-", name ? name : "pod");
	cJSON_AddStringToObject(meta, "generateName", gen);
	kube_free(gen);
	cJSON_AddStringToObject(meta, "namespace", kube_json_get_str(set, "metadata.namespace"));
	static const char *const copy[] = { "labels", "annotations", "finalizers" };
	for (size_t i = 0; i < ARRAY_SIZE(copy); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(kube_json_get(t, "metadata"), copy[i]);
		if (v)
			cJSON_AddItemToObject(meta, copy[i], kube_json_dup(v));
	}
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(set, c->k->api_version, c->k->kind));
	const cJSON *spec = kube_json_get(t, "spec");
	cJSON_AddItemToObject(pod, "spec", spec ? kube_json_dup(spec) : cJSON_CreateObject());
	return pod;
}

/* One slow-start batch of creations, shared by a few threads (upstream
 * runs a batch's creations in parallel). */
#define CREATE_THREADS 8

typedef struct create_job {
	rsc_t *c;
	const cJSON *set, *pod;
	const char *ns, *key;
	pthread_mutex_t mu;
	int64_t todo, ok;
	int err;
	char *errmsg;
} create_job_t;

static void *create_worker(void *arg)
{
	create_job_t *j = arg;
	rsc_t *c = j->c;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		bool more = j->todo > 0 && !atomic_load(&c->ctx->stopping);
		if (more)
			j->todo--;
		pthread_mutex_unlock(&j->mu);
		if (!more)
			break;
		cJSON *made = NULL;
		kube_client_status_t st = { 0 };
		int r = kube_client_create(c->ctx->client, c->pod_kind, j->ns, j->pod, &made, &st);
		/* a generateName suffix that was taken: try another, as upstream's
		 * API server does itself (RetryGenerateName) */
		for (int retry = 0; r == -EEXIST && retry < 7; retry++) {
			kube_client_status_clear(&st);
			r = kube_client_create(c->ctx->client, c->pod_kind, j->ns, j->pod, &made, &st);
		}
		const char *msg = st.message ? st.message : strerror(-r);
		if (r < 0) {
			controller_manager_expect_add_seen(c->exp, j->key);
			kube_events_eventf_kind(c->events, j->set, c->k->api_version, c->k->kind,
						"Warning", "FailedCreate", "Error creating: %s", msg);
			pthread_mutex_lock(&j->mu);
			j->err = r;
			if (!j->errmsg)
				j->errmsg = kube_strdup(msg);
			pthread_mutex_unlock(&j->mu);
		} else {
			kube_events_eventf_kind(c->events, j->set, c->k->api_version, c->k->kind,
						"Normal", "SuccessfulCreate", "Created pod: %s",
						kube_json_get_str(made, "metadata.name"));
			pthread_mutex_lock(&j->mu);
			j->ok++;
			pthread_mutex_unlock(&j->mu);
		}
		kube_client_status_clear(&st);
		cJSON_Delete(made);
	}
	return NULL;
}

/* Create or delete pods; *ret_create_err: a creation failed (message). */
static int manage(rsc_t *c, const char *key, const cJSON *set, const cJSON **pods, size_t n,
		  char **ret_create_err)
{
	int64_t want = kube_json_get_int64(set, "spec.replicas", 1);
	int64_t diff = controller_manager_pods_diff(pods, n, want, BURST_REPLICAS, kube_wall_ns());
	const char *ns = kube_json_get_str(set, "metadata.namespace");
	int err = 0;

	if (diff > 0) {
		int64_t need = diff;
		controller_manager_expect_set(c->exp, key, (int)need, 0);
		klog_v(2, "Too few replicas for %s %s, need %lld, creating %lld", c->k->kind, key,
		       (long long)want, (long long)need);
		cJSON *pod = pod_from_template(c, set);
		int64_t batch = 0, left = need;
		while (left > 0) {
			batch = controller_manager_pods_next_batch(batch, left);
			create_job_t job = { .c = c, .set = set, .pod = pod, .ns = ns, .key = key,
					     .todo = batch };
			pthread_mutex_init(&job.mu, NULL);
			int nt = (int)KUBE_MIN(batch, CREATE_THREADS);
			pthread_t th[CREATE_THREADS];
			int started = 0;
			for (int i = 1; i < nt; i++)
				if (pthread_create(&th[started], NULL, create_worker, &job) == 0)
					started++;
			create_worker(&job);
			for (int i = 0; i < started; i++)
				pthread_join(th[i], NULL);
			pthread_mutex_destroy(&job.mu);
			if (job.err) {
				err = job.err;
				if (!*ret_create_err)
					*ret_create_err = job.errmsg;
				else
					kube_free(job.errmsg);
			}
			left -= batch;
			if (job.ok < batch) {
				/* slow start: skip the rest, they are not coming */
				for (int64_t i = 0; i < left; i++)
					controller_manager_expect_add_seen(c->exp, key);
				break;
			}
		}
		cJSON_Delete(pod);
	} else if (diff < 0) {
		int64_t del = -diff;
		klog_v(2, "Too many replicas for %s %s, need %lld, deleting %lld", c->k->kind, key,
		       (long long)want, (long long)del);
		controller_manager_expect_set(c->exp, key, 0, (int)del);
		for (int64_t i = 0; i < del; i++) {
			const char *pname = kube_json_get_str(pods[i], "metadata.name");
			kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
			o.precondition_uid = kube_json_get_str(pods[i], "metadata.uid");
			int r = kube_client_delete(c->ctx->client, c->pod_kind, ns, pname, &o, NULL, NULL);
			if (r < 0) {
				controller_manager_expect_del_seen(c->exp, key);
				if (r != -ENOENT)
					err = r;
				kube_events_eventf_kind(c->events, set, c->k->api_version, c->k->kind,
							"Warning", "FailedDelete", "Error deleting: %s",
							strerror(-r));
			} else {
				kube_events_eventf_kind(c->events, set, c->k->api_version, c->k->kind,
							"Normal", "SuccessfulDelete", "Deleted pod: %s", pname);
			}
		}
	}
	return err;
}

static bool labels_superset(const cJSON *labels, const cJSON *want)
{
	const cJSON *w;
	cJSON_ArrayForEach(w, want) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, w->string);
		if (!cJSON_IsString(v) || !cJSON_IsString(w) || strcmp(v->valuestring, w->valuestring))
			return false;
	}
	return true;
}

static void set_or_omit(cJSON *st, const char *name, int64_t v, bool omit_zero)
{
	cJSON_DeleteItemFromObjectCaseSensitive(st, name);
	if (v || !omit_zero)
		cJSON_AddNumberToObject(st, name, (double)v);
}

static int update_status(rsc_t *c, const cJSON *set, const cJSON **pods, size_t n,
			 const char *create_err, int64_t *ret_ready, int64_t *ret_avail)
{
	const cJSON *old = kube_json_get(set, "status");
	cJSON *st = old ? kube_json_dup(old) : cJSON_CreateObject();
	const cJSON *tl = kube_json_get(set, "spec.template.metadata.labels");
	int64_t mrs = kube_json_get_int64(set, "spec.minReadySeconds", 0), now = kube_wall_ns();
	int64_t fully = 0, ready = 0, avail = 0;
	for (size_t i = 0; i < n; i++) {
		if (labels_superset(kube_json_get(pods[i], "metadata.labels"), tl))
			fully++;
		if (controller_manager_pod_ready(pods[i])) {
			ready++;
			if (controller_manager_pod_available(pods[i], mrs, now))
				avail++;
		}
	}
	set_or_omit(st, "replicas", (int64_t)n, false);
	set_or_omit(st, "fullyLabeledReplicas", fully, true);
	set_or_omit(st, "readyReplicas", ready, true);
	set_or_omit(st, "availableReplicas", avail, true);
	set_or_omit(st, "observedGeneration", kube_json_get_int64(set, "metadata.generation", 0), true);
	/* the ReplicaFailure condition */
	cJSON *conds = cJSON_GetObjectItemCaseSensitive(st, "conditions");
	int idx = -1, i = 0;
	cJSON *cd;
	cJSON_ArrayForEach(cd, conds) {
		if (kube_streq(kube_json_get_str(cd, "type"), "ReplicaFailure"))
			idx = i;
		i++;
	}
	if (create_err && idx < 0) {
		if (!conds)
			conds = cJSON_AddArrayToObject(st, "conditions");
		cJSON *nc = cJSON_CreateObject();
		char ts[64];
		kube_time_format_rfc3339(now, ts, sizeof(ts));
		cJSON_AddStringToObject(nc, "type", "ReplicaFailure");
		cJSON_AddStringToObject(nc, "status", "True");
		cJSON_AddStringToObject(nc, "lastTransitionTime", ts);
		cJSON_AddStringToObject(nc, "reason", "FailedCreate");
		cJSON_AddStringToObject(nc, "message", create_err);
		cJSON_AddItemToArray(conds, nc);
	} else if (!create_err && idx >= 0) {
		cJSON_DeleteItemFromArray(conds, idx);
		if (!cJSON_GetArraySize(conds))
			cJSON_DeleteItemFromObjectCaseSensitive(st, "conditions");
	}
	*ret_ready = ready;
	*ret_avail = avail;
	int r = 0;
	if (!old || !kube_json_equal(old, st)) {
		cJSON *obj = kube_json_dup(set);
		kube_json_set(obj, "status", st);
		st = NULL;
		r = kube_client_update(c->ctx->client, c->kind, NULL, "status", obj, NULL, NULL);
		cJSON_Delete(obj);
		if (r == -ENOENT)
			r = 0;
	}
	cJSON_Delete(st);
	return r;
}

static int sync_set(void *arg, const char *key)
{
	rsc_t *c = arg;
	kube_obj_t *set = kube_informer_get_key(c->sets, key);
	if (!set) {
		controller_manager_expect_forget(c->exp, key);
		return 0;
	}
	bool need_sync = controller_manager_expect_satisfied(c->exp, key);
	bool deleting = kube_json_get(set->json, "metadata.deletionTimestamp") != NULL;
	kube_selector_t *sel = set_selector(c, set->json);
	kube_obj_list_t all = { 0 };
	kube_informer_list(c->pods, set->namespace_, &all);
	const cJSON **pods = kube_calloc(all.n ? all.n : 1, sizeof(*pods));
	size_t n = 0;
	cJSON *ref = controller_manager_owner_ref(set->json, c->k->api_version, c->k->kind);
	int err = 0;
	for (size_t i = 0; i < all.n; i++) {
		const cJSON *p = all.items[i]->json;
		if (!controller_manager_pod_active(p))
			continue;
		char *patch = NULL;
		int r;
		switch (controller_manager_claim(p, set->uid, sel, deleting)) {
		case CM_CLAIM_OWNED:
			pods[n++] = p;
			break;
		case CM_CLAIM_ADOPT:
			patch = controller_manager_adopt_patch(p, ref);
			r = kube_client_patch(c->ctx->client, c->pod_kind, set->namespace_,
					      all.items[i]->name, NULL, "application/merge-patch+json",
					      patch, NULL, NULL, NULL);
			if (r == 0)
				pods[n++] = p;
			else if (r != -ENOENT)
				err = r;
			break;
		case CM_CLAIM_RELEASE:
			patch = controller_manager_release_patch(p, set->uid);
			r = kube_client_patch(c->ctx->client, c->pod_kind, set->namespace_,
					      all.items[i]->name, NULL, "application/merge-patch+json",
					      patch, NULL, NULL, NULL);
			if (r < 0 && r != -ENOENT)
				err = r;
			break;
		case CM_CLAIM_IGNORE:
			break;
		}
		kube_free(patch);
	}
	cJSON_Delete(ref);
	char *create_err = NULL;
	if (need_sync && !deleting && sel) {
		int r = manage(c, key, set->json, pods, n, &create_err);
		if (r < 0)
			err = r;
	}
	int64_t ready = 0, avail = 0;
	int r = update_status(c, set->json, pods, n, create_err, &ready, &avail);
	if (r < 0 && !err)
		err = r;
	int64_t mrs = kube_json_get_int64(set->json, "spec.minReadySeconds", 0);
	if (!err && mrs > 0 && ready != avail)
		kube_workqueue_add_after(c->q, key, mrs * 1000 + 100);
	kube_free(create_err);
	kube_free(pods);
	kube_obj_list_clear(&all);
	kube_selector_free(sel);
	kube_obj_unref(set);
	return err;
}

int controller_manager_replicaset_start_kind(controller_manager_ctx_t *ctx,
					     const controller_manager_rs_kind_t *k, int workers,
					     void **ret_state)
{
	rsc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->k = k;
	c->kind = kube_kinds_lookup(k->group, "v1", k->resource);
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	if (!c->kind || !c->pod_kind) {
		kube_free(c);
		return -ENOENT;
	}
	c->sets = kube_informer_factory_get(ctx->informers, c->kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	kube_workqueue_config_t qc = { .name = k->resource };
	c->q = kube_workqueue_new(&qc);
	c->exp = controller_manager_expect_new();
	c->events = kube_events_new(ctx->client, k->component, NULL);
	kube_informer_handlers_t sh = { on_set_add, on_set_update, on_set_delete, c };
	kube_informer_handlers_t ph = { on_pod_add, on_pod_update, on_pod_delete, c };
	kube_informer_add_handlers(c->sets, &sh);
	kube_informer_add_handlers(c->pods, &ph);
	c->workers = controller_manager_workers_start(ctx, c->q, workers, k->component, sync_set, c);
	*ret_state = c;
	return 0;
}

void controller_manager_replicaset_stop(void *state)
{
	rsc_t *c = state;
	if (!c)
		return;
	kube_informer_stop(c->sets);
	kube_informer_stop(c->pods);
	controller_manager_workers_stop(c->workers);
	kube_workqueue_free(c->q);
	kube_events_free(c->events);
	controller_manager_expect_free(c->exp);
	kube_free(c);
}

static const controller_manager_rs_kind_t rs_kind = {
	.group = "apps", .resource = "replicasets", .api_version = "apps/v1",
	.kind = "ReplicaSet", .component = "replicaset-controller",
};

static int start_rs(controller_manager_ctx_t *ctx, void **ret_state)
{
	return controller_manager_replicaset_start_kind(ctx, &rs_kind,
							ctx->opts->concurrent_replicaset_syncs, ret_state);
}

const controller_manager_controller_t controller_manager_replicaset_controller = {
	.name = "replicaset", .default_on = true,
	.start = start_rs, .stop = controller_manager_replicaset_stop,
};
