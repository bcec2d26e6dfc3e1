/* scheduler_queue: active, backoff and unschedulable sub-queues (see header). */
#include "scheduler_queue.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { Q_INFLIGHT, Q_ACTIVE, Q_BACKOFF, Q_UNSCHED };

typedef struct qentry {
	char *key;
	scheduler_pod_t *pod;
	int where;
	size_t heap_idx;
	int attempts;
	int64_t timestamp;	/* queued (active order) / failed (backoff start) */
	int64_t queued_ns;	/* first entered the queue */
	int64_t unsched_since;
	bool deleted;		/* deleted while in flight */
	struct qentry *hnext;
} qentry_t;

typedef struct heap {
	qentry_t **v;
	size_t n, cap;
	bool (*less)(const qentry_t *, const qentry_t *);
} heap_t;

struct scheduler_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int64_t (*now)(void);
	int64_t max_unsched_ns;
	qentry_t **buckets;
	size_t nbuckets, nentries;
	heap_t active, backoff;
	size_t nunsched;
	int64_t cycle;
	int64_t move_request_cycle;
	int64_t last_leftover_flush;
	bool closed;
};

/* ---- heaps ---- */

static bool active_less(const qentry_t *a, const qentry_t *b)
{
	if (a->pod->priority != b->pod->priority)
		return a->pod->priority > b->pod->priority;
	return a->timestamp < b->timestamp;
}

static int64_t backoff_until(const qentry_t *e)
{
	return e->timestamp + scheduler_queue_backoff_ns(e->attempts);
}

static bool backoff_less(const qentry_t *a, const qentry_t *b)
{
	return backoff_until(a) < backoff_until(b);
}

static void heap_swap(heap_t *h, size_t i, size_t j)
{
	qentry_t *t = h->v[i];
	h->v[i] = h->v[j];
	h->v[j] = t;
	h->v[i]->heap_idx = i;
	h->v[j]->heap_idx = j;
}

static void heap_up(heap_t *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!h->less(h->v[i], h->v[p]))
			break;
		heap_swap(h, i, p);
		i = p;
	}
}

static void heap_down(heap_t *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && h->less(h->v[l], h->v[m]))
			m = l;
		if (r < h->n && h->less(h->v[r], h->v[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

static void heap_push(heap_t *h, qentry_t *e)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = kube_realloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n] = e;
	e->heap_idx = h->n++;
	heap_up(h, e->heap_idx);
}

static void heap_remove(heap_t *h, qentry_t *e)
{
	size_t i = e->heap_idx;
	h->n--;
	if (i != h->n) {
		h->v[i] = h->v[h->n];
		h->v[i]->heap_idx = i;
		heap_down(h, i);
		heap_up(h, i);
	}
}

/* ---- hash ---- */

static size_t hash(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static qentry_t *lookup(scheduler_queue_t *q, const char *key)
{
	for (qentry_t *e = q->buckets[hash(key) % q->nbuckets]; e; e = e->hnext)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void rehash(scheduler_queue_t *q)
{
	size_t nb = q->nbuckets * 2;
	qentry_t **b = kube_calloc(nb, sizeof(*b));
	for (size_t i = 0; i < q->nbuckets; i++)
		for (qentry_t *e = q->buckets[i], *next; e; e = next) {
			next = e->hnext;
			size_t k = hash(e->key) % nb;
			e->hnext = b[k];
			b[k] = e;
		}
	kube_free(q->buckets);
	q->buckets = b;
	q->nbuckets = nb;
}

static qentry_t *insert(scheduler_queue_t *q, const char *key)
{
	if (q->nentries + 1 > q->nbuckets)
		rehash(q);
	qentry_t *e = kube_calloc(1, sizeof(*e));
	e->key = kube_strdup(key);
	size_t k = hash(key) % q->nbuckets;
	e->hnext = q->buckets[k];
	q->buckets[k] = e;
	q->nentries++;
	return e;
}

static void unlink_entry(scheduler_queue_t *q, qentry_t *e)
{
	qentry_t **pp = &q->buckets[hash(e->key) % q->nbuckets];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	q->nentries--;
	scheduler_pod_unref(e->pod);
	kube_free(e->key);
	kube_free(e);
}

/* take e out of whichever sub-queue holds it */
static void detach(scheduler_queue_t *q, qentry_t *e)
{
	if (e->where == Q_ACTIVE)
		heap_remove(&q->active, e);
	else if (e->where == Q_BACKOFF)
		heap_remove(&q->backoff, e);
	else if (e->where == Q_UNSCHED)
		q->nunsched--;
	e->where = Q_INFLIGHT;
}

static void to_active(scheduler_queue_t *q, qentry_t *e, int64_t now)
{
	detach(q, e);
	e->where = Q_ACTIVE;
	e->timestamp = now;
	heap_push(&q->active, e);
	pthread_cond_broadcast(&q->cond);
}

static void to_backoff(scheduler_queue_t *q, qentry_t *e)
{
	detach(q, e);
	e->where = Q_BACKOFF;
	heap_push(&q->backoff, e);
}

static void to_unsched(scheduler_queue_t *q, qentry_t *e, int64_t now)
{
	detach(q, e);
	e->where = Q_UNSCHED;
	e->unsched_since = now;
	q->nunsched++;
}

/* to backoff while backing off, else active */
static void move_back(scheduler_queue_t *q, qentry_t *e, int64_t now)
{
	if (e->attempts > 0 && backoff_until(e) > now)
		to_backoff(q, e);
	else
		to_active(q, e, now);
}

/* ---- API ---- */

int64_t scheduler_queue_backoff_ns(int attempts)
{
	int64_t d = SCHEDULER_BACKOFF_INITIAL_NS;
	for (int i = 1; i < attempts && d < SCHEDULER_BACKOFF_MAX_NS; i++)
		d *= 2;
	return d > SCHEDULER_BACKOFF_MAX_NS ? SCHEDULER_BACKOFF_MAX_NS : d;
}

void scheduler_qitem_clear(scheduler_qitem_t *it)
{
	scheduler_pod_unref(it->pod);
	memset(it, 0, sizeof(*it));
}

scheduler_queue_t *scheduler_queue_new(int64_t (*now)(void), int64_t max_unschedulable_ns)
{
	scheduler_queue_t *q = kube_calloc(1, sizeof(*q));
	pthread_condattr_t ca;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	q->now = now ? now : kube_now_ns;
	q->max_unsched_ns = max_unschedulable_ns > 0 ? max_unschedulable_ns : 300LL * 1000000000LL;
	q->nbuckets = 64;
	q->buckets = kube_calloc(q->nbuckets, sizeof(*q->buckets));
	q->active.less = active_less;
	q->backoff.less = backoff_less;
	return q;
}

void scheduler_queue_free(scheduler_queue_t *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nbuckets; i++)
		for (qentry_t *e = q->buckets[i], *next; e; e = next) {
			next = e->hnext;
			scheduler_pod_unref(e->pod);
			kube_free(e->key);
			kube_free(e);
		}
	kube_free(q->buckets);
	kube_free(q->active.v);
	kube_free(q->backoff.v);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	kube_free(q);
}

static void set_pod(qentry_t *e, scheduler_pod_t *pod)
{
	scheduler_pod_t *old = e->pod;
	e->pod = scheduler_pod_ref(pod);
	scheduler_pod_unref(old);
}

void scheduler_queue_add(scheduler_queue_t *q, scheduler_pod_t *pod)
{
	char key[512];
	scheduler_pod_key(pod, key, sizeof(key));
	pthread_mutex_lock(&q->lock);
	qentry_t *e = lookup(q, key);
	int64_t now = q->now();
	if (!e) {
		e = insert(q, key);
		e->queued_ns = now;
		e->where = Q_INFLIGHT;
		set_pod(e, pod);
		to_active(q, e, now);
	} else {
		set_pod(e, pod);
		e->deleted = false;
		if (e->where != Q_INFLIGHT)
			to_active(q, e, now);
	}
	pthread_mutex_unlock(&q->lock);
}

void scheduler_queue_update(scheduler_queue_t *q, scheduler_pod_t *pod)
{
	char key[512];
	scheduler_pod_key(pod, key, sizeof(key));
	pthread_mutex_lock(&q->lock);
	qentry_t *e = lookup(q, key);
	if (!e) {
		pthread_mutex_unlock(&q->lock);
		scheduler_queue_add(q, pod);
		return;
	}
	set_pod(e, pod);
	if (e->where == Q_ACTIVE) {
		heap_down(&q->active, e->heap_idx);
		heap_up(&q->active, e->heap_idx);
	} else if (e->where == Q_UNSCHED) {
		move_back(q, e, q->now());
	}
	pthread_mutex_unlock(&q->lock);
}

void scheduler_queue_refresh(scheduler_queue_t *q, scheduler_pod_t *pod)
{
	char key[512];
	scheduler_pod_key(pod, key, sizeof(key));
	pthread_mutex_lock(&q->lock);
	qentry_t *e = lookup(q, key);
	if (e && e->pod->priority == pod->priority)
		set_pod(e, pod);
	pthread_mutex_unlock(&q->lock);
}

void scheduler_queue_delete(scheduler_queue_t *q, const char *ns, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s/%s", ns, name);
	pthread_mutex_lock(&q->lock);
	qentry_t *e = lookup(q, key);
	if (e) {
		if (e->where == Q_INFLIGHT) {
			e->deleted = true;
		} else {
			detach(q, e);
			unlink_entry(q, e);
		}
	}
	pthread_mutex_unlock(&q->lock);
}

static void flush_locked(scheduler_queue_t *q, int64_t now)
{
	while (q->backoff.n && backoff_until(q->backoff.v[0]) <= now)
		to_active(q, q->backoff.v[0], now);
	/* leftovers are looked for every 30 s, as upstream (a walk of every pod) */
	if (!q->nunsched || now - q->last_leftover_flush < 30LL * 1000000000LL)
		return;
	q->last_leftover_flush = now;
	for (size_t i = 0; i < q->nbuckets; i++)
		for (qentry_t *e = q->buckets[i]; e; e = e->hnext)
			if (e->where == Q_UNSCHED && now - e->unsched_since > q->max_unsched_ns)
				move_back(q, e, now);
}

void scheduler_queue_flush(scheduler_queue_t *q)
{
	pthread_mutex_lock(&q->lock);
	flush_locked(q, q->now());
	pthread_mutex_unlock(&q->lock);
}

int scheduler_queue_pop(scheduler_queue_t *q, int64_t timeout_ms, scheduler_qitem_t *ret)
{
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : kube_now_ns() + timeout_ms * 1000000LL;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		if (q->closed) {
			pthread_mutex_unlock(&q->lock);
			return -ESHUTDOWN;
		}
		flush_locked(q, q->now());
		if (q->active.n)
			break;
		int64_t real = kube_now_ns();
		if (real >= deadline) {
			pthread_mutex_unlock(&q->lock);
			return -ETIMEDOUT;
		}
		/* wake at the deadline, or in a second to flush backoffs */
		int64_t until = deadline - real > 1000000000LL ? real + 1000000000LL : deadline;
		struct timespec ts = { .tv_sec = until / 1000000000LL, .tv_nsec = until % 1000000000LL };
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
	}
	qentry_t *e = q->active.v[0];
	detach(q, e);
	e->attempts++;
	q->cycle++;
	ret->pod = scheduler_pod_ref(e->pod);
	ret->attempts = e->attempts;
	ret->cycle = q->cycle;
	ret->queued_ns = e->queued_ns;
	pthread_mutex_unlock(&q->lock);
	return 0;
}

static qentry_t *inflight(scheduler_queue_t *q, const scheduler_qitem_t *it)
{
	char key[512];
	scheduler_pod_key(it->pod, key, sizeof(key));
	qentry_t *e = lookup(q, key);
	return e && e->where == Q_INFLIGHT ? e : NULL;
}

void scheduler_queue_done(scheduler_queue_t *q, const scheduler_qitem_t *it)
{
	pthread_mutex_lock(&q->lock);
	qentry_t *e = inflight(q, it);
	if (e)
		unlink_entry(q, e);
	pthread_mutex_unlock(&q->lock);
}

void scheduler_queue_unschedulable(scheduler_queue_t *q, const scheduler_qitem_t *it, bool error)
{
	pthread_mutex_lock(&q->lock);
	qentry_t *e = inflight(q, it);
	if (e && e->deleted) {
		unlink_entry(q, e);
	} else if (e) {
		int64_t now = q->now();
		e->timestamp = now;
		if (error || q->move_request_cycle >= it->cycle)
			to_backoff(q, e);
		else
			to_unsched(q, e, now);
	}
	pthread_mutex_unlock(&q->lock);
}

size_t scheduler_queue_move_all(scheduler_queue_t *q, bool only_affinity)
{
	size_t n = 0;
	pthread_mutex_lock(&q->lock);
	int64_t now = q->now();
	for (size_t i = 0; i < q->nbuckets; i++)
		for (qentry_t *e = q->buckets[i]; e; e = e->hnext)
			if (e->where == Q_UNSCHED && (!only_affinity || e->pod->nreq_aff)) {
				move_back(q, e, now);
				n++;
			}
	if (!only_affinity)
		q->move_request_cycle = q->cycle;
	pthread_mutex_unlock(&q->lock);
	return n;
}

void scheduler_queue_lengths(scheduler_queue_t *q, size_t *active, size_t *backoff, size_t *unschedulable)
{
	pthread_mutex_lock(&q->lock);
	if (active)
		*active = q->active.n;
	if (backoff)
		*backoff = q->backoff.n;
	if (unschedulable)
		*unschedulable = q->nunsched;
	pthread_mutex_unlock(&q->lock);
}

void scheduler_queue_close(scheduler_queue_t *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}
