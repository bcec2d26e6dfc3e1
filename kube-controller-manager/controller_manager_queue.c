/* controller_manager_queue: a work queue and its workers, see the header. */
#include "controller_manager_queue.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "core/kube_core.h"
#include "core/kube_log.h"

struct controller_manager_queue {
	controller_manager_ctx_t *ctx;
	kube_workqueue_t *wq;
	char *name;
	controller_manager_queue_sync_fn fn;
	void *arg;
	pthread_t *threads;
	int n;
};

static void *worker(void *p)
{
	controller_manager_queue_t *q = p;
	while (!kube_informer_factory_wait_synced(q->ctx->informers, 500))
		if (atomic_load(&q->ctx->stopping) || kube_workqueue_shutting_down(q->wq))
			return NULL;
	for (;;) {
		char *key = kube_workqueue_get(q->wq);
		if (!key)
			break;
		int64_t r = q->fn(q->arg, key);
		if (r < 0) {
			klog_v(2, "%s: error syncing %s: %s (retrying)", q->name, key, strerror((int)-r));
			kube_workqueue_add_rate_limited(q->wq, key);
		} else {
			kube_workqueue_forget(q->wq, key);
			if (r > 0)
				kube_workqueue_add_after(q->wq, key, r);
		}
		kube_workqueue_done(q->wq, key);
	}
	return NULL;
}

controller_manager_queue_t *controller_manager_queue_start(controller_manager_ctx_t *ctx, const char *name,
							   int n, controller_manager_queue_sync_fn fn,
							   void *arg)
{
	controller_manager_queue_t *q = kube_calloc(1, sizeof(*q));
	q->ctx = ctx;
	q->name = kube_strdup(name);
	q->fn = fn;
	q->arg = arg;
	kube_workqueue_config_t cfg = { .name = q->name };
	q->wq = kube_workqueue_new(&cfg);
	if (n < 1)
		n = 1;
	q->threads = kube_calloc((size_t)n, sizeof(pthread_t));
	for (int i = 0; i < n; i++)
		if (pthread_create(&q->threads[q->n], NULL, worker, q) == 0)
			q->n++;
	return q;
}

void controller_manager_queue_stop(controller_manager_queue_t *q)
{
	if (!q)
		return;
	kube_workqueue_shutdown(q->wq);
	for (int i = 0; i < q->n; i++)
		pthread_join(q->threads[i], NULL);
	kube_workqueue_free(q->wq);
	kube_free(q->threads);
	kube_free(q->name);
	kube_free(q);
}

void controller_manager_queue_add(controller_manager_queue_t *q, const char *key)
{
	kube_workqueue_add(q->wq, key);
}

void controller_manager_queue_add_after(controller_manager_queue_t *q, const char *key, int64_t ms)
{
	kube_workqueue_add_after(q->wq, key, ms);
}

void controller_manager_queue_add_obj(controller_manager_queue_t *q, const kube_obj_t *obj)
{
	char *key = kube_obj_key(obj);
	kube_workqueue_add(q->wq, key);
	kube_free(key);
}

void controller_manager_queue_add_owner(controller_manager_queue_t *q, const kube_obj_t *obj, const char *kind)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, kube_json_get(obj->json, "metadata.ownerReferences"))
	{
		if (!kube_json_get_bool(r, "controller", false) || !kube_streq(kube_json_get_str(r, "kind"), kind))
			continue;
		const char *name = kube_json_get_str(r, "name");
		if (!name)
			return;
		char *key = obj->namespace_ && *obj->namespace_ ? kube_asprintf("%s/%s", obj->namespace_, name)
							       : kube_strdup(name);
		kube_workqueue_add(q->wq, key);
		kube_free(key);
		return;
	}
}

bool controller_manager_queue_wait_cache(kube_informer_t *inf, const char *ns, char *const *names,
					 size_t n, bool present, int64_t timeout_ms)
{
	int64_t deadline = kube_now_ns() + timeout_ms * 1000000;
	for (;;) {
		size_t ok = 0;
		for (size_t i = 0; i < n; i++) {
			kube_obj_t *o = kube_informer_get(inf, ns, names[i]);
			bool seen = o && !kube_json_get(o->json, "metadata.deletionTimestamp");
			kube_obj_unref(o);
			ok += seen == present;
		}
		if (ok == n)
			return true;
		if (kube_now_ns() > deadline)
			return false;
		struct timespec ts = { 0, 20 * 1000000 };
		nanosleep(&ts, NULL);
	}
}

void controller_manager_queue_wait_rv(kube_informer_t *inf, const char *ns, const char *name, const char *old_rv,
				      int64_t timeout_ms)
{
	if (!old_rv || !name)
		return;
	int64_t deadline = kube_now_ns() + timeout_ms * 1000000;
	for (;;) {
		kube_obj_t *o = kube_informer_get(inf, ns, name);
		bool done = !o || !kube_streq(o->resource_version, old_rv);
		kube_obj_unref(o);
		if (done || kube_now_ns() > deadline)
			return;
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
}
