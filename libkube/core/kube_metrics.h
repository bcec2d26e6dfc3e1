/*
 * kube_metrics: a Prometheus metrics registry. Counters, gauges and
 * histograms, each optionally with label values, rendered in the text
 * exposition format (version 0.0.4) with HELP and TYPE lines, as the
 * component-base metrics of upstream daemons are.
 *
 * Metrics are registered once at start-up and live as long as the
 * registry. Updating a metric is lock-free (atomics) for metrics without
 * labels; labelled children are found under a mutex.
 *
 * Threading: every function is thread-safe.
 */
#ifndef KUBE_METRICS_H
#define KUBE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/kube_buf.h"

typedef struct kube_metrics kube_metrics_t;
typedef struct kube_metric kube_metric_t;

kube_metrics_t *kube_metrics_new(void);
void kube_metrics_free(kube_metrics_t *m);

/* labels: NULL-terminated label names (NULL for none). Histogram buckets
 * are upper bounds in ascending order (+Inf is implicit). The metric is
 * owned by the registry. */
kube_metric_t *kube_metrics_counter(kube_metrics_t *m, const char *name, const char *help,
				    const char *const *labels);
kube_metric_t *kube_metrics_gauge(kube_metrics_t *m, const char *name, const char *help,
				  const char *const *labels);
kube_metric_t *kube_metrics_histogram(kube_metrics_t *m, const char *name, const char *help,
				      const char *const *labels, const double *buckets,
				      size_t nbuckets);

/* Label values: NULL-terminated, as many as the metric's label names (or
 * NULL for a metric without labels). */
void kube_metric_add(kube_metric_t *mt, const char *const *values, double v);
void kube_metric_set(kube_metric_t *mt, const char *const *values, double v);
void kube_metric_observe(kube_metric_t *mt, const char *const *values, double v);
#define kube_metric_inc(mt) kube_metric_add((mt), NULL, 1)

/* Append the text exposition of every metric, sorted by name. */
void kube_metrics_render(kube_metrics_t *m, kube_buf_t *out);

/* Upstream's exponential buckets (start, factor, count) into out. */
void kube_metrics_exp_buckets(double start, double factor, size_t count, double *out);

#endif
