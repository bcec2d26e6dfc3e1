/* kube_workqueue: client-go's rate-limited work queue (see header). */
#include "client/kube_workqueue.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "client/kube_strmap.h"
#include "core/kube_core.h"
#include "core/kube_metrics.h"

/* A delayed key: the heap may hold stale entries; the waiting map has the
 * current ready time of each key. */
typedef struct delayed {
	int64_t at;
	char *key;
} delayed_t;

struct kube_workqueue {
	char *name;
	int64_t base_ns, max_ns;
	double qps;
	int burst;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool shutting_down;
	int getters;

	/* FIFO of ready keys (owned copies). */
	char **fifo;
	size_t head, len, cap;
	kube_strmap_t dirty;	  /* queued or re-added while processing -> (intptr_t) add time */
	kube_strmap_t processing; /* handed out, done not called yet -> (intptr_t) start time */
	kube_workqueue_metrics_t metrics;

	delayed_t *heap;
	size_t nheap, heap_cap;
	kube_strmap_t waiting;	  /* key -> (int64_t *) ready time */

	kube_strmap_t failures;	  /* key -> (intptr_t) failure count */
	double tokens;
	int64_t last_ns;
};

kube_workqueue_t *kube_workqueue_new(const kube_workqueue_config_t *cfg)
{
	kube_workqueue_t *q = kube_calloc(1, sizeof(*q));
	pthread_condattr_t ca;

	q->name = kube_strdup(cfg && cfg->name ? cfg->name : "");
	q->base_ns = (cfg && cfg->base_delay_ms > 0 ? cfg->base_delay_ms : 5) * 1000000;
	q->max_ns = (cfg && cfg->max_delay_ms > 0 ? cfg->max_delay_ms : 1000000) * 1000000;
	q->qps = cfg && cfg->qps > 0 ? cfg->qps : 10;
	q->burst = cfg && cfg->burst > 0 ? cfg->burst : 100;
	q->tokens = q->burst;
	q->last_ns = kube_now_ns();
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

static void fifo_push(kube_workqueue_t *q, const char *key)
{
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 16;
		char **n = kube_malloc(ncap * sizeof(*n));

		for (size_t i = 0; i < q->len; i++)
			n[i] = q->fifo[(q->head + i) % q->cap];
		kube_free(q->fifo);
		q->fifo = n;
		q->head = 0;
		q->cap = ncap;
	}
	q->fifo[(q->head + q->len) % q->cap] = kube_strdup(key);
	q->len++;
}

static char *fifo_pop(kube_workqueue_t *q)
{
	char *k = q->fifo[q->head];

	q->head = (q->head + 1) % q->cap;
	q->len--;
	return k;
}

static const double wq_buckets[] = { 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10 };

void kube_workqueue_metrics_register(kube_metrics_t *m, kube_workqueue_metrics_t *ret)
{
	static const char *const labels[] = { "name", NULL };

	ret->adds = kube_metrics_counter(m, "workqueue_adds_total",
					 "[ALPHA] Total number of adds handled by workqueue", labels);
	ret->depth = kube_metrics_gauge(m, "workqueue_depth", "[ALPHA] Current depth of workqueue",
					labels);
	ret->retries = kube_metrics_counter(m, "workqueue_retries_total",
					    "[ALPHA] Total number of retries handled by workqueue",
					    labels);
	ret->queue_duration = kube_metrics_histogram(
		m, "workqueue_queue_duration_seconds",
		"[ALPHA] How long in seconds an item stays in workqueue before being requested.",
		labels, wq_buckets, ARRAY_SIZE(wq_buckets));
	ret->work_duration = kube_metrics_histogram(
		m, "workqueue_work_duration_seconds",
		"[ALPHA] How long in seconds processing an item from workqueue takes.", labels,
		wq_buckets, ARRAY_SIZE(wq_buckets));
}

void kube_workqueue_set_metrics(kube_workqueue_t *q, const kube_workqueue_metrics_t *wm)
{
	pthread_mutex_lock(&q->lock);
	if (wm)
		q->metrics = *wm;
	else
		memset(&q->metrics, 0, sizeof(q->metrics));
	pthread_mutex_unlock(&q->lock);
}

static void metric_add(kube_workqueue_t *q, kube_metric_t *mt, double v)
{
	if (mt)
		kube_metric_add(mt, (const char *const[]){ q->name, NULL }, v);
}

static void metric_observe(kube_workqueue_t *q, kube_metric_t *mt, int64_t since_ns)
{
	if (mt)
		kube_metric_observe(mt, (const char *const[]){ q->name, NULL },
				    (double)(kube_now_ns() - since_ns) / 1e9);
}

/* client-go's Add, under the lock. */
static void add_locked(kube_workqueue_t *q, const char *key)
{
	if (q->shutting_down || kube_strmap_has(&q->dirty, key))
		return;
	metric_add(q, q->metrics.adds, 1);
	kube_strmap_put(&q->dirty, key, (void *)(intptr_t)kube_now_ns());
	if (kube_strmap_has(&q->processing, key))
		return;
	fifo_push(q, key);
	metric_add(q, q->metrics.depth, 1);
	pthread_cond_signal(&q->cond);
}

static void heap_swap(delayed_t *a, delayed_t *b)
{
	delayed_t t = *a;

	*a = *b;
	*b = t;
}

static void heap_push(kube_workqueue_t *q, int64_t at, const char *key)
{
	size_t i;

	if (q->nheap == q->heap_cap) {
		q->heap_cap = q->heap_cap ? q->heap_cap * 2 : 16;
		q->heap = kube_realloc(q->heap, q->heap_cap * sizeof(*q->heap));
	}
	i = q->nheap++;
	q->heap[i].at = at;
	q->heap[i].key = kube_strdup(key);
	while (i > 0 && q->heap[(i - 1) / 2].at > q->heap[i].at) {
		heap_swap(&q->heap[(i - 1) / 2], &q->heap[i]);
		i = (i - 1) / 2;
	}
}

static delayed_t heap_pop(kube_workqueue_t *q)
{
	delayed_t top = q->heap[0];
	size_t i = 0;

	q->heap[0] = q->heap[--q->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->nheap && q->heap[l].at < q->heap[m].at)
			m = l;
		if (r < q->nheap && q->heap[r].at < q->heap[m].at)
			m = r;
		if (m == i)
			break;
		heap_swap(&q->heap[i], &q->heap[m]);
		i = m;
	}
	return top;
}

/* Move due delayed keys to the queue; returns the next ready time or 0. */
static int64_t promote_due(kube_workqueue_t *q)
{
	int64_t now = kube_now_ns();

	while (q->nheap > 0) {
		int64_t *cur;

		if (q->heap[0].at > now)
			return q->heap[0].at;
		delayed_t d = heap_pop(q);

		cur = kube_strmap_get(&q->waiting, d.key);
		if (cur && *cur == d.at) {
			kube_free(kube_strmap_remove(&q->waiting, d.key, NULL));
			add_locked(q, d.key);
		}
		kube_free(d.key);
	}
	return 0;
}

void kube_workqueue_add(kube_workqueue_t *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	add_locked(q, key);
	pthread_mutex_unlock(&q->lock);
}

static void add_after_locked(kube_workqueue_t *q, const char *key, int64_t delay_ns)
{
	int64_t at, *cur;

	if (q->shutting_down)
		return;
	if (delay_ns <= 0) {
		add_locked(q, key);
		return;
	}
	at = kube_now_ns() + delay_ns;
	cur = kube_strmap_get(&q->waiting, key);
	if (cur && *cur <= at)
		return; /* already due sooner */
	if (!cur) {
		cur = kube_malloc(sizeof(*cur));
		kube_strmap_put(&q->waiting, key, cur);
	}
	*cur = at;
	heap_push(q, at, key);
	pthread_cond_broadcast(&q->cond); /* getters re-arm their timeout */
}

void kube_workqueue_add_after(kube_workqueue_t *q, const char *key, int64_t delay_ms)
{
	pthread_mutex_lock(&q->lock);
	add_after_locked(q, key, delay_ms * 1000000);
	pthread_mutex_unlock(&q->lock);
}

void kube_workqueue_add_rate_limited(kube_workqueue_t *q, const char *key)
{
	intptr_t n;
	int64_t item_ns, bucket_ns = 0, now;

	pthread_mutex_lock(&q->lock);
	metric_add(q, q->metrics.retries, 1);
	/* per-item exponential backoff */
	n = (intptr_t)kube_strmap_get(&q->failures, key);
	kube_strmap_put(&q->failures, key, (void *)(n + 1));
	item_ns = n >= 62 ? q->max_ns : q->base_ns;
	for (intptr_t i = 0; i < n && item_ns < q->max_ns; i++)
		item_ns *= 2;
	if (item_ns > q->max_ns)
		item_ns = q->max_ns;
	/* overall token bucket (a reservation, as rate.Limiter.Reserve) */
	now = kube_now_ns();
	q->tokens += (double)(now - q->last_ns) / 1e9 * q->qps;
	if (q->tokens > q->burst)
		q->tokens = q->burst;
	q->last_ns = now;
	q->tokens -= 1;
	if (q->tokens < 0)
		bucket_ns = (int64_t)(-q->tokens / q->qps * 1e9);
	add_after_locked(q, key, KUBE_MAX(item_ns, bucket_ns));
	pthread_mutex_unlock(&q->lock);
}

void kube_workqueue_forget(kube_workqueue_t *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	kube_strmap_remove(&q->failures, key, NULL);
	pthread_mutex_unlock(&q->lock);
}

int kube_workqueue_num_requeues(kube_workqueue_t *q, const char *key)
{
	intptr_t n;

	pthread_mutex_lock(&q->lock);
	n = (intptr_t)kube_strmap_get(&q->failures, key);
	pthread_mutex_unlock(&q->lock);
	return (int)n;
}

char *kube_workqueue_get(kube_workqueue_t *q)
{
	char *key = NULL;

	pthread_mutex_lock(&q->lock);
	q->getters++;
	for (;;) {
		int64_t next;

		if (q->shutting_down)
			break;
		next = promote_due(q);
		if (q->len > 0) {
			key = fifo_pop(q);
			metric_add(q, q->metrics.depth, -1);
			metric_observe(q, q->metrics.queue_duration,
				       (intptr_t)kube_strmap_remove(&q->dirty, key, NULL));
			kube_strmap_put(&q->processing, key, (void *)(intptr_t)kube_now_ns());
			break;
		}
		if (next) {
			struct timespec ts = { next / 1000000000, next % 1000000000 };

			pthread_cond_timedwait(&q->cond, &q->lock, &ts);
		} else {
			pthread_cond_wait(&q->cond, &q->lock);
		}
	}
	q->getters--;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return key;
}

void kube_workqueue_done(kube_workqueue_t *q, char *key)
{
	if (!key)
		return;
	pthread_mutex_lock(&q->lock);
	metric_observe(q, q->metrics.work_duration,
		       (intptr_t)kube_strmap_remove(&q->processing, key, NULL));
	if (kube_strmap_has(&q->dirty, key) && !q->shutting_down) {
		fifo_push(q, key);
		metric_add(q, q->metrics.depth, 1);
		pthread_cond_signal(&q->cond);
	}
	pthread_cond_broadcast(&q->cond); /* free() waits for processing to drain */
	pthread_mutex_unlock(&q->lock);
	kube_free(key);
}

void kube_workqueue_shutdown(kube_workqueue_t *q)
{
	pthread_mutex_lock(&q->lock);
	q->shutting_down = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

bool kube_workqueue_shutting_down(kube_workqueue_t *q)
{
	bool r;

	pthread_mutex_lock(&q->lock);
	r = q->shutting_down;
	pthread_mutex_unlock(&q->lock);
	return r;
}

size_t kube_workqueue_len(kube_workqueue_t *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	promote_due(q);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}

void kube_workqueue_free(kube_workqueue_t *q)
{
	kube_strmap_entry_t *e;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->shutting_down = true;
	pthread_cond_broadcast(&q->cond);
	while (q->processing.count > 0 || q->getters > 0)
		pthread_cond_wait(&q->cond, &q->lock);
	pthread_mutex_unlock(&q->lock);

	while (q->len > 0)
		kube_free(fifo_pop(q));
	kube_free(q->fifo);
	for (size_t i = 0; i < q->nheap; i++)
		kube_free(q->heap[i].key);
	kube_free(q->heap);
	for (e = kube_strmap_first(&q->waiting); e; e = kube_strmap_next(&q->waiting, e))
		kube_free(e->value);
	kube_strmap_clear(&q->waiting);
	kube_strmap_clear(&q->dirty);
	kube_strmap_clear(&q->processing);
	kube_strmap_clear(&q->failures);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	kube_free(q->name);
	kube_free(q);
}
