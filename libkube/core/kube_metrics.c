/* kube_metrics: counters, gauges and histograms in Prometheus text format. */
#include "core/kube_metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kube_core.h"

enum metric_type { M_COUNTER, M_GAUGE, M_HISTOGRAM };

/* One series: a metric's value for one set of label values. Doubles are
 * kept as their bit patterns so that updates are atomic. */
struct child {
	struct child *next;
	char **values;			/* nlabels strings, then NULL */
	_Atomic uint64_t value;		/* counter/gauge: a double; histogram: the sum */
	_Atomic uint64_t count;		/* histogram observations */
	_Atomic uint64_t *buckets;	/* histogram: per-bucket (not cumulative) */
};

struct kube_metric {
	kube_metrics_t *reg;
	char *name, *help;
	enum metric_type type;
	char **labels;
	size_t nlabels;
	double *bounds;
	size_t nbounds;
	struct child *plain;	/* the series of a metric without labels */
	struct child *children; /* labelled series, newest first */
};

struct kube_metrics {
	pthread_mutex_t lock;
	kube_metric_t **metrics;
	size_t n;
};

static uint64_t dbits(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

static double bitsd(uint64_t u)
{
	double v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static void atomic_add_double(_Atomic uint64_t *p, double v)
{
	uint64_t old = atomic_load(p);

	while (!atomic_compare_exchange_weak(p, &old, dbits(bitsd(old) + v)))
		;
}

static struct child *child_new(const kube_metric_t *mt, const char *const *values)
{
	struct child *c = kube_calloc(1, sizeof(*c));

	atomic_init(&c->value, dbits(0));
	if (mt->nlabels) {
		c->values = kube_calloc(mt->nlabels + 1, sizeof(char *)); /* NULL-terminated */
		for (size_t i = 0; i < mt->nlabels; i++)
			c->values[i] = kube_strdup(values && values[i] ? values[i] : "");
	}
	if (mt->type == M_HISTOGRAM)
		c->buckets = kube_calloc(mt->nbounds + 1, sizeof(*c->buckets));
	return c;
}

static void child_free(struct child *c, size_t nlabels)
{
	for (size_t i = 0; c->values && i < nlabels; i++)
		kube_free(c->values[i]);
	kube_free(c->values);
	kube_free((void *)c->buckets);
	kube_free(c);
}

kube_metrics_t *kube_metrics_new(void)
{
	kube_metrics_t *m = kube_calloc(1, sizeof(*m));

	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void kube_metrics_free(kube_metrics_t *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		kube_metric_t *mt = m->metrics[i];

		while (mt->children) {
			struct child *c = mt->children;

			mt->children = c->next;
			child_free(c, mt->nlabels);
		}
		if (mt->plain)
			child_free(mt->plain, 0);
		for (size_t j = 0; j < mt->nlabels; j++)
			kube_free(mt->labels[j]);
		kube_free(mt->labels);
		kube_free(mt->bounds);
		kube_free(mt->name);
		kube_free(mt->help);
		kube_free(mt);
	}
	kube_free(m->metrics);
	pthread_mutex_destroy(&m->lock);
	kube_free(m);
}

static kube_metric_t *metric_new(kube_metrics_t *m, enum metric_type type, const char *name,
				 const char *help, const char *const *labels)
{
	kube_metric_t *mt = kube_calloc(1, sizeof(*mt));

	mt->reg = m;
	mt->type = type;
	mt->name = kube_strdup(name);
	mt->help = kube_strdup(help ? help : "");
	while (labels && labels[mt->nlabels])
		mt->nlabels++;
	if (mt->nlabels) {
		mt->labels = kube_calloc(mt->nlabels, sizeof(char *));
		for (size_t i = 0; i < mt->nlabels; i++)
			mt->labels[i] = kube_strdup(labels[i]);
	}
	return mt;
}

static kube_metric_t *metric_register(kube_metrics_t *m, kube_metric_t *mt)
{
	if (mt->nlabels == 0)
		mt->plain = child_new(mt, NULL);
	pthread_mutex_lock(&m->lock);
	m->metrics = kube_realloc(m->metrics, (m->n + 1) * sizeof(*m->metrics));
	m->metrics[m->n++] = mt;
	pthread_mutex_unlock(&m->lock);
	return mt;
}

kube_metric_t *kube_metrics_counter(kube_metrics_t *m, const char *name, const char *help,
				    const char *const *labels)
{
	return metric_register(m, metric_new(m, M_COUNTER, name, help, labels));
}

kube_metric_t *kube_metrics_gauge(kube_metrics_t *m, const char *name, const char *help,
				  const char *const *labels)
{
	return metric_register(m, metric_new(m, M_GAUGE, name, help, labels));
}

kube_metric_t *kube_metrics_histogram(kube_metrics_t *m, const char *name, const char *help,
				      const char *const *labels, const double *buckets,
				      size_t nbuckets)
{
	kube_metric_t *mt = metric_new(m, M_HISTOGRAM, name, help, labels);

	mt->nbounds = nbuckets;
	mt->bounds = kube_calloc(nbuckets ? nbuckets : 1, sizeof(double));
	if (nbuckets)
		memcpy(mt->bounds, buckets, nbuckets * sizeof(double));
	return metric_register(m, mt);
}

/* The series for values, created on first use. */
static struct child *series(kube_metric_t *mt, const char *const *values)
{
	struct child *c;

	if (mt->nlabels == 0)
		return mt->plain;
	pthread_mutex_lock(&mt->reg->lock);
	for (c = mt->children; c; c = c->next) {
		size_t i;

		for (i = 0; i < mt->nlabels; i++)
			if (strcmp(c->values[i], values && values[i] ? values[i] : "") != 0)
				break;
		if (i == mt->nlabels)
			break;
	}
	if (!c) {
		c = child_new(mt, values);
		c->next = mt->children;
		mt->children = c;
	}
	pthread_mutex_unlock(&mt->reg->lock);
	return c;
}

void kube_metric_add(kube_metric_t *mt, const char *const *values, double v)
{
	if (mt)
		atomic_add_double(&series(mt, values)->value, v);
}

void kube_metric_set(kube_metric_t *mt, const char *const *values, double v)
{
	if (mt)
		atomic_store(&series(mt, values)->value, dbits(v));
}

void kube_metric_observe(kube_metric_t *mt, const char *const *values, double v)
{
	struct child *c;
	size_t i = 0;

	if (!mt || mt->type != M_HISTOGRAM)
		return;
	c = series(mt, values);
	while (i < mt->nbounds && v > mt->bounds[i])
		i++;
	atomic_fetch_add(&c->buckets[i], 1);
	atomic_add_double(&c->value, v);
	atomic_fetch_add(&c->count, 1);
}

void kube_metrics_exp_buckets(double start, double factor, size_t count, double *out)
{
	for (size_t i = 0; i < count; i++) {
		out[i] = start;
		start *= factor;
	}
}

/* Shortest text that reads back as v, as Go's FormatFloat(v, 'g', -1). */
static void put_number(kube_buf_t *out, double v)
{
	char tmp[40];

	if (isinf(v)) {
		kube_buf_puts(out, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (isnan(v)) {
		kube_buf_puts(out, "NaN");
		return;
	}
	int nd = 1, exp;

	/* the fewest significant digits that read back as v */
	for (; nd < 17; nd++) {
		snprintf(tmp, sizeof(tmp), "%.*e", nd - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", nd - 1, v);
	exp = atoi(strchr(tmp, 'e') + 1);
	if (v != 0 && (exp < -4 || exp >= 6)) {
		kube_buf_puts(out, tmp); /* already in %e form */
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.*f", nd - 1 - exp > 0 ? nd - 1 - exp : 0, v);
	kube_buf_puts(out, tmp);
}

static void put_escaped(kube_buf_t *out, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			kube_buf_puts(out, "\\\\");
		else if (*s == '\n')
			kube_buf_puts(out, "\\n");
		else if (*s == '"' && quote)
			kube_buf_puts(out, "\\\"");
		else
			kube_buf_putc(out, *s);
	}
}

/* {a="x",b="y"} plus an optional le="..." label; nothing when empty. */
static void put_labels(kube_buf_t *out, const kube_metric_t *mt, const struct child *c,
		       const double *le)
{
	if (mt->nlabels == 0 && !le)
		return;
	kube_buf_putc(out, '{');
	for (size_t i = 0; i < mt->nlabels; i++) {
		kube_buf_printf(out, "%s%s=\"", i ? "," : "", mt->labels[i]);
		put_escaped(out, c->values[i], true);
		kube_buf_putc(out, '"');
	}
	if (le) {
		kube_buf_printf(out, "%sle=\"", mt->nlabels ? "," : "");
		put_number(out, *le);
		kube_buf_putc(out, '"');
	}
	kube_buf_putc(out, '}');
}

static void render_series(kube_buf_t *out, const kube_metric_t *mt, const struct child *c)
{
	if (mt->type != M_HISTOGRAM) {
		kube_buf_puts(out, mt->name);
		put_labels(out, mt, c, NULL);
		kube_buf_putc(out, ' ');
		put_number(out, bitsd(atomic_load(&c->value)));
		kube_buf_putc(out, '\n');
		return;
	}
	uint64_t cum = 0;
	double inf = INFINITY;

	for (size_t i = 0; i <= mt->nbounds; i++) {
		cum += atomic_load(&c->buckets[i]);
		kube_buf_printf(out, "%s_bucket", mt->name);
		put_labels(out, mt, c, i < mt->nbounds ? &mt->bounds[i] : &inf);
		kube_buf_printf(out, " %llu\n", (unsigned long long)cum);
	}
	kube_buf_printf(out, "%s_sum", mt->name);
	put_labels(out, mt, c, NULL);
	kube_buf_putc(out, ' ');
	put_number(out, bitsd(atomic_load(&c->value)));
	kube_buf_printf(out, "\n%s_count", mt->name);
	put_labels(out, mt, c, NULL);
	kube_buf_printf(out, " %llu\n", (unsigned long long)atomic_load(&c->count));
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(kube_metric_t *const *)a)->name, (*(kube_metric_t *const *)b)->name);
}

static int by_values(const void *a, const void *b)
{
	const struct child *x = *(struct child *const *)a, *y = *(struct child *const *)b;
	for (size_t i = 0; x->values[i] && y->values[i]; i++) {
		int r = strcmp(x->values[i], y->values[i]);
		if (r)
			return r;
	}
	return 0;
}

void kube_metrics_render(kube_metrics_t *m, kube_buf_t *out)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };
	kube_metric_t **sorted;
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->n;
	sorted = kube_calloc(n ? n : 1, sizeof(*sorted));
	memcpy(sorted, m->metrics, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_name);
	for (size_t i = 0; i < n; i++) {
		kube_metric_t *mt = sorted[i];
		struct child **cs = NULL;
		size_t nc = 0;

		if (mt->nlabels && !mt->children)
			continue; /* no series yet: nothing to expose */
		kube_buf_printf(out, "# HELP %s ", mt->name);
		put_escaped(out, mt->help, false);
		kube_buf_printf(out, "\n# TYPE %s %s\n", mt->name, types[mt->type]);
		if (!mt->nlabels) {
			render_series(out, mt, mt->plain);
			continue;
		}
		for (struct child *c = mt->children; c; c = c->next)
			nc++;
		cs = kube_calloc(nc, sizeof(*cs));
		nc = 0;
		for (struct child *c = mt->children; c; c = c->next)
			cs[nc++] = c;
		qsort(cs, nc, sizeof(*cs), by_values);
		for (size_t j = 0; j < nc; j++)
			render_series(out, mt, cs[j]);
		kube_free(cs);
	}
	pthread_mutex_unlock(&m->lock);
	kube_free(sorted);
}
