/* controller_manager_worker: worker pools and expectations (see the header). */
#include "controller_manager_worker.h"

#include <pthread.h>
#include <string.h>

#include "core/kube_core.h"
#include "core/kube_log.h"

struct controller_manager_workers {
	controller_manager_ctx_t *ctx;
	kube_workqueue_t *q;
	char *name;
	controller_manager_sync_fn fn;
	void *arg;
	pthread_t *threads;
	int n;
};

static void *worker_main(void *p)
{
	controller_manager_workers_t *w = p;
	while (!kube_informer_factory_wait_synced(w->ctx->informers, 500)) {
		if (atomic_load(&w->ctx->stopping) || kube_workqueue_shutting_down(w->q))
			return NULL;
	}
	for (;;) {
		char *key = kube_workqueue_get(w->q);
		if (!key)
			break;
		int64_t t0 = kube_now_ns();
		int r = w->fn(w->arg, key);
		if (r < 0) {
			klog_v(2, "%s: error syncing %s: %s (retrying)", w->name, key, strerror(-r));
			kube_workqueue_add_rate_limited(w->q, key);
		} else {
			kube_workqueue_forget(w->q, key);
		}
		klog_v(4, "%s: finished syncing %s (%.3fms)", w->name, key,
		       (double)(kube_now_ns() - t0) / 1e6);
		kube_workqueue_done(w->q, key);
	}
	return NULL;
}

controller_manager_workers_t *controller_manager_workers_start(controller_manager_ctx_t *ctx,
							       kube_workqueue_t *q, int n,
							       const char *name,
							       controller_manager_sync_fn fn, void *arg)
{
	controller_manager_workers_t *w = kube_calloc(1, sizeof(*w));
	w->ctx = ctx;
	w->q = q;
	w->name = kube_strdup(name);
	w->fn = fn;
	w->arg = arg;
	if (n < 1)
		n = 1;
	w->threads = kube_calloc((size_t)n, sizeof(pthread_t));
	for (int i = 0; i < n; i++) {
		if (pthread_create(&w->threads[w->n], NULL, worker_main, w) == 0)
			w->n++;
	}
	return w;
}

void controller_manager_workers_stop(controller_manager_workers_t *w)
{
	if (!w)
		return;
	kube_workqueue_shutdown(w->q);
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	kube_free(w->threads);
	kube_free(w->name);
	kube_free(w);
}

void controller_manager_enqueue(kube_workqueue_t *q, const kube_obj_t *obj)
{
	char *key = kube_obj_key(obj);
	kube_workqueue_add(q, key);
	kube_free(key);
}

#define EXPECT_TTL_NS (5LL * 60 * 1000000000LL)

typedef struct expect_entry {
	struct expect_entry *next;
	char *key;
	int adds, dels;
	int64_t at;
} expect_entry_t;

struct controller_manager_expect {
	pthread_mutex_t mu;
	expect_entry_t *head;
};

controller_manager_expect_t *controller_manager_expect_new(void)
{
	controller_manager_expect_t *e = kube_calloc(1, sizeof(*e));
	pthread_mutex_init(&e->mu, NULL);
	return e;
}

void controller_manager_expect_free(controller_manager_expect_t *e)
{
	if (!e)
		return;
	for (expect_entry_t *x = e->head, *n; x; x = n) {
		n = x->next;
		kube_free(x->key);
		kube_free(x);
	}
	pthread_mutex_destroy(&e->mu);
	kube_free(e);
}

static expect_entry_t **find(controller_manager_expect_t *e, const char *key)
{
	expect_entry_t **pp = &e->head;
	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

void controller_manager_expect_set(controller_manager_expect_t *e, const char *key, int adds, int dels)
{
	pthread_mutex_lock(&e->mu);
	expect_entry_t **pp = find(e, key);
	if (!*pp) {
		*pp = kube_calloc(1, sizeof(**pp));
		(*pp)->key = kube_strdup(key);
	}
	(*pp)->adds = adds;
	(*pp)->dels = dels;
	(*pp)->at = kube_now_ns();
	pthread_mutex_unlock(&e->mu);
}

static void lower(controller_manager_expect_t *e, const char *key, int da, int dd)
{
	pthread_mutex_lock(&e->mu);
	expect_entry_t *x = *find(e, key);
	if (x) {
		x->adds -= da;
		x->dels -= dd;
	}
	pthread_mutex_unlock(&e->mu);
}

void controller_manager_expect_add_seen(controller_manager_expect_t *e, const char *key)
{
	lower(e, key, 1, 0);
}

void controller_manager_expect_del_seen(controller_manager_expect_t *e, const char *key)
{
	lower(e, key, 0, 1);
}

bool controller_manager_expect_satisfied(controller_manager_expect_t *e, const char *key)
{
	pthread_mutex_lock(&e->mu);
	expect_entry_t *x = *find(e, key);
	bool ok = !x || (x->adds <= 0 && x->dels <= 0) || kube_now_ns() - x->at > EXPECT_TTL_NS;
	pthread_mutex_unlock(&e->mu);
	return ok;
}

void controller_manager_expect_forget(controller_manager_expect_t *e, const char *key)
{
	pthread_mutex_lock(&e->mu);
	expect_entry_t **pp = find(e, key);
	if (*pp) {
		expect_entry_t *x = *pp;
		*pp = x->next;
		kube_free(x->key);
		kube_free(x);
	}
	pthread_mutex_unlock(&e->mu);
}
