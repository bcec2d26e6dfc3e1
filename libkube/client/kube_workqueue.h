/*
 * kube_workqueue: client-go's rate-limited work queue. Keys (strings,
 * usually "ns/name") are de-duplicated: a key queued twice before a worker
 * takes it is handed out once; a key re-added while a worker processes it
 * is handed out again only after that worker calls done (so one key is
 * never processed by two workers at once).
 *
 * Rate limiting follows client-go's DefaultControllerRateLimiter: the
 * maximum of a per-item exponential backoff (base_delay doubling per
 * failure up to max_delay; forget() resets it) and an overall token bucket
 * (qps, burst) for add_rate_limited. add_after delays a key by a duration.
 *
 * Threading: every function is thread-safe. get() blocks until a key is
 * ready or the queue shuts down.
 */
#ifndef KUBE_WORKQUEUE_H
#define KUBE_WORKQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kube_workqueue kube_workqueue_t;

typedef struct kube_workqueue_config {
	const char *name;	 /* for metrics and logs */
	int64_t base_delay_ms;	 /* default 5 */
	int64_t max_delay_ms;	 /* default 1000 s */
	double qps;		 /* default 10 */
	int burst;		 /* default 100 */
} kube_workqueue_config_t;

/* Upstream's work queue metrics, labelled by the queue's name, registered
 * once per registry (core/kube_metrics.h) and shared by every queue:
 *   workqueue_adds_total, workqueue_depth, workqueue_retries_total,
 *   workqueue_queue_duration_seconds, workqueue_work_duration_seconds. */
typedef struct kube_metrics kube_metrics_t;
typedef struct kube_metric kube_metric_t;
typedef struct kube_workqueue_metrics {
	kube_metric_t *adds, *depth, *retries, *queue_duration, *work_duration;
} kube_workqueue_metrics_t;
void kube_workqueue_metrics_register(kube_metrics_t *m, kube_workqueue_metrics_t *ret);
/* Report this queue (the metrics must outlive it); before it is shared. */
void kube_workqueue_set_metrics(kube_workqueue_t *q, const kube_workqueue_metrics_t *wm);

/* cfg may be NULL (defaults). */
kube_workqueue_t *kube_workqueue_new(const kube_workqueue_config_t *cfg);
/* Shut down (wakes every get()) and free once no worker holds a key.
 * Accepts NULL. */
void kube_workqueue_free(kube_workqueue_t *q);

void kube_workqueue_add(kube_workqueue_t *q, const char *key);
void kube_workqueue_add_after(kube_workqueue_t *q, const char *key, int64_t delay_ms);
/* Add after the key's rate-limit delay (and count a failure). */
void kube_workqueue_add_rate_limited(kube_workqueue_t *q, const char *key);
/* Reset the key's failure count. */
void kube_workqueue_forget(kube_workqueue_t *q, const char *key);
int kube_workqueue_num_requeues(kube_workqueue_t *q, const char *key);

/* Block until a key is ready; returns it (kube_malloc'd; pass it to
 * done(), which frees it) or NULL once the queue is shut down. */
char *kube_workqueue_get(kube_workqueue_t *q);
/* The worker finished key (from get); frees it. */
void kube_workqueue_done(kube_workqueue_t *q, char *key);

/* Stop handing out keys: get() returns NULL from now on. */
void kube_workqueue_shutdown(kube_workqueue_t *q);
bool kube_workqueue_shutting_down(kube_workqueue_t *q);
/* Keys ready now (not delayed, not in processing). */
size_t kube_workqueue_len(kube_workqueue_t *q);

#endif
