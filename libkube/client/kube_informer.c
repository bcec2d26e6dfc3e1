/* kube_informer: list+watch into an indexed cache with handlers (see header). */
#include "client/kube_informer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "client/kube_strmap.h"
#include "core/kube_log.h"

#define BACKOFF_MIN_MS 800
#define BACKOFF_MAX_MS 30000
#define NS_INDEX "namespace"

typedef struct index {
	char *name;
	kube_informer_index_fn fn;
	kube_strmap_t values; /* value -> kube_strmap_t * (set of keys) */
} index_t;

struct kube_informer {
	kube_client_t *c;
	const kube_kind_t *kind;
	char *ns, *label_selector, *field_selector;
	int64_t resync_ms;
	int64_t page_size;

	pthread_mutex_t hlock; /* handlers, held while calling them */
	kube_informer_handlers_t *handlers;
	size_t nhandlers;
	index_t *indexes;
	size_t nindexes;

	pthread_rwlock_t cache_lock;
	kube_strmap_t cache; /* key -> kube_obj_t * */
	char *last_rv;

	pthread_mutex_t lock; /* state below */
	pthread_cond_t cond;
	pthread_t thread;
	bool started, stopping, synced, joined;
	kube_client_cancel_t *cancel;
};

static void ns_index(const kube_obj_t *obj, void (*emit)(const char *value, void *ctx), void *ctx)
{
	emit(obj->namespace_, ctx);
}

kube_informer_t *kube_informer_new(kube_client_t *c, const kube_informer_config_t *cfg)
{
	kube_informer_t *inf = kube_calloc(1, sizeof(*inf));
	pthread_condattr_t ca;

	inf->c = c;
	inf->kind = cfg->kind;
	inf->ns = cfg->namespace_ && *cfg->namespace_ ? kube_strdup(cfg->namespace_) : NULL;
	inf->label_selector = cfg->label_selector ? kube_strdup(cfg->label_selector) : NULL;
	inf->field_selector = cfg->field_selector ? kube_strdup(cfg->field_selector) : NULL;
	inf->resync_ms = cfg->resync_ms > 0 ? cfg->resync_ms : 0;
	inf->page_size = cfg->page_size > 0 ? cfg->page_size : 500;
	inf->last_rv = kube_strdup("");
	pthread_rwlock_init(&inf->cache_lock, NULL);
	pthread_mutex_init(&inf->lock, NULL);
	pthread_mutex_init(&inf->hlock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&inf->cond, &ca);
	pthread_condattr_destroy(&ca);
	inf->cancel = kube_client_cancel_new();
	kube_informer_add_index(inf, NS_INDEX, ns_index);
	return inf;
}

void kube_informer_add_handlers(kube_informer_t *inf, const kube_informer_handlers_t *h)
{
	kube_obj_list_t l = { 0 };

	pthread_mutex_lock(&inf->hlock);
	inf->handlers = kube_realloc(inf->handlers, (inf->nhandlers + 1) * sizeof(*inf->handlers));
	inf->handlers[inf->nhandlers++] = *h;
	/* Added to a running informer: the new set sees the cache as adds,
	 * as client-go's AddEventHandler does. */
	if (inf->started && h->on_add) {
		kube_informer_list(inf, NULL, &l);
		for (size_t i = 0; i < l.n; i++)
			h->on_add(l.items[i], h->arg);
		kube_obj_list_clear(&l);
	}
	pthread_mutex_unlock(&inf->hlock);
}

int kube_informer_add_index(kube_informer_t *inf, const char *name, kube_informer_index_fn fn)
{
	if (inf->started)
		return -EBUSY;
	for (size_t i = 0; i < inf->nindexes; i++)
		if (strcmp(inf->indexes[i].name, name) == 0)
			return -EEXIST;
	inf->indexes = kube_realloc(inf->indexes, (inf->nindexes + 1) * sizeof(*inf->indexes));
	inf->indexes[inf->nindexes] = (index_t){ .name = kube_strdup(name), .fn = fn };
	inf->nindexes++;
	return 0;
}

/* ---- cache and indexes (writer holds cache_lock for writing) ---- */

typedef struct emit_ctx {
	index_t *idx;
	const char *key;
	bool add;
} emit_ctx_t;

static void index_emit(const char *value, void *arg)
{
	emit_ctx_t *e = arg;
	kube_strmap_t *set = kube_strmap_get(&e->idx->values, value);

	if (e->add) {
		if (!set) {
			set = kube_calloc(1, sizeof(*set));
			kube_strmap_put(&e->idx->values, value, set);
		}
		kube_strmap_put(set, e->key, NULL);
	} else if (set) {
		kube_strmap_remove(set, e->key, NULL);
		if (set->count == 0) {
			kube_strmap_remove(&e->idx->values, value, NULL);
			kube_strmap_clear(set);
			kube_free(set);
		}
	}
}

static void index_update(kube_informer_t *inf, const char *key, const kube_obj_t *o, bool add)
{
	for (size_t i = 0; i < inf->nindexes; i++) {
		emit_ctx_t e = { .idx = &inf->indexes[i], .key = key, .add = add };

		inf->indexes[i].fn(o, index_emit, &e);
	}
}

/* Put o (a reference taken over) under key; returns the old object (a
 * reference the caller drops) or NULL. */
static kube_obj_t *cache_put(kube_informer_t *inf, const char *key, kube_obj_t *o)
{
	kube_obj_t *old = kube_strmap_put(&inf->cache, key, o);

	if (old)
		index_update(inf, key, old, false);
	index_update(inf, key, o, true);
	return old;
}

static kube_obj_t *cache_remove(kube_informer_t *inf, const char *key)
{
	kube_obj_t *old = kube_strmap_remove(&inf->cache, key, NULL);

	if (old)
		index_update(inf, key, old, false);
	return old;
}

static void set_last_rv(kube_informer_t *inf, const char *rv)
{
	if (!rv || !*rv)
		return;
	pthread_rwlock_wrlock(&inf->cache_lock);
	kube_free(inf->last_rv);
	inf->last_rv = kube_strdup(rv);
	pthread_rwlock_unlock(&inf->cache_lock);
}

/* ---- handlers ---- */

static void notify_add(kube_informer_t *inf, kube_obj_t *o)
{
	pthread_mutex_lock(&inf->hlock);
	for (size_t i = 0; i < inf->nhandlers; i++)
		if (inf->handlers[i].on_add)
			inf->handlers[i].on_add(o, inf->handlers[i].arg);
	pthread_mutex_unlock(&inf->hlock);
}

static void notify_update(kube_informer_t *inf, kube_obj_t *old, kube_obj_t *o)
{
	pthread_mutex_lock(&inf->hlock);
	for (size_t i = 0; i < inf->nhandlers; i++)
		if (inf->handlers[i].on_update)
			inf->handlers[i].on_update(old, o, inf->handlers[i].arg);
	pthread_mutex_unlock(&inf->hlock);
}

static void notify_delete(kube_informer_t *inf, kube_obj_t *o, bool unknown)
{
	pthread_mutex_lock(&inf->hlock);
	for (size_t i = 0; i < inf->nhandlers; i++)
		if (inf->handlers[i].on_delete)
			inf->handlers[i].on_delete(o, unknown, inf->handlers[i].arg);
	pthread_mutex_unlock(&inf->hlock);
}

/* ---- list (replace) ---- */

/* Replace the cache with the list's items; handlers see the differences. */
static void replace(kube_informer_t *inf, cJSON *list)
{
	cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
	kube_strmap_t fresh = KUBE_STRMAP_INIT;
	kube_strmap_entry_t *e;
	kube_obj_list_t gone = { 0 };
	kube_obj_t **news = NULL, **olds = NULL;
	size_t n = 0;
	const char *rv = kube_json_get_str(list, "metadata.resourceVersion");

	/* Build objects, keyed; duplicates keep the last. */
	while (cJSON_IsArray(items) && items->child) {
		cJSON *it = cJSON_DetachItemViaPointer(items, items->child);
		kube_obj_t *o, *prev;
		char *key;

		if (!cJSON_IsObject(it)) {
			cJSON_Delete(it);
			continue;
		}
		o = kube_obj_new(it);
		key = kube_obj_key(o);
		prev = kube_strmap_put(&fresh, key, o);
		kube_obj_unref(prev);
		kube_free(key);
	}

	news = kube_calloc(fresh.count + 1, sizeof(*news));
	olds = kube_calloc(fresh.count + 1, sizeof(*olds));
	pthread_rwlock_wrlock(&inf->cache_lock);
	/* Deleted while we were not watching. */
	for (e = kube_strmap_first(&inf->cache); e; e = kube_strmap_next(&inf->cache, e)) {
		if (!kube_strmap_has(&fresh, e->key)) {
			gone.items = kube_realloc(gone.items, (gone.n + 1) * sizeof(*gone.items));
			gone.items[gone.n++] = kube_obj_ref(e->value);
		}
	}
	for (size_t i = 0; i < gone.n; i++) {
		char *key = kube_obj_key(gone.items[i]);

		kube_obj_unref(cache_remove(inf, key));
		kube_free(key);
	}
	for (e = kube_strmap_first(&fresh); e; e = kube_strmap_next(&fresh, e)) {
		kube_obj_t *o = e->value;
		kube_obj_t *old = kube_strmap_get(&inf->cache, e->key);

		if (old && o->resource_version[0] &&
		    strcmp(old->resource_version, o->resource_version) == 0) {
			kube_obj_unref(o);
			continue;
		}
		news[n] = kube_obj_ref(o);
		olds[n] = cache_put(inf, e->key, o);
		n++;
	}
	kube_free(inf->last_rv);
	inf->last_rv = kube_strdup(rv ? rv : "");
	pthread_rwlock_unlock(&inf->cache_lock);
	kube_strmap_clear(&fresh);

	for (size_t i = 0; i < gone.n; i++)
		notify_delete(inf, gone.items[i], true);
	for (size_t i = 0; i < n; i++) {
		if (olds[i])
			notify_update(inf, olds[i], news[i]);
		else
			notify_add(inf, news[i]);
		kube_obj_unref(olds[i]);
		kube_obj_unref(news[i]);
	}
	kube_obj_list_clear(&gone);
	kube_free(news);
	kube_free(olds);
}

/* ---- watch ---- */

typedef struct watch_ctx {
	kube_informer_t *inf;
	int events;
	bool gone;	 /* 410: re-list */
	bool error;	 /* another ERROR event */
} watch_ctx_t;

static int on_event(const char *type, cJSON *obj, void *arg)
{
	watch_ctx_t *w = arg;
	kube_informer_t *inf = w->inf;
	kube_obj_t *o, *old;
	cJSON *json;
	char *key;

	if (strcmp(type, "ERROR") == 0) {
		int code = (int)kube_json_get_int64(obj, "code", 0);

		klog_v(4, "informer %s: watch error %d: %s", inf->kind->resource, code,
		       kube_json_get_str(obj, "message") ? kube_json_get_str(obj, "message") : "");
		if (code == 410)
			w->gone = true;
		else
			w->error = true;
		return 1;
	}
	if (strcmp(type, "BOOKMARK") == 0) {
		set_last_rv(inf, kube_json_get_str(obj, "metadata.resourceVersion"));
		return 0;
	}
	if (!cJSON_IsObject(obj))
		return 0;
	w->events++;
	/* Take the event's object: move its members into a tree of our own. */
	json = cJSON_CreateObject();
	json->child = obj->child;
	obj->child = NULL;
	o = kube_obj_new(json);
	key = kube_obj_key(o);

	pthread_rwlock_wrlock(&inf->cache_lock);
	if (strcmp(type, "DELETED") == 0)
		old = cache_remove(inf, key);
	else
		old = cache_put(inf, key, kube_obj_ref(o));
	if (o->resource_version[0]) {
		kube_free(inf->last_rv);
		inf->last_rv = kube_strdup(o->resource_version);
	}
	pthread_rwlock_unlock(&inf->cache_lock);

	if (strcmp(type, "DELETED") == 0)
		notify_delete(inf, o, false);
	else if (old)
		notify_update(inf, old, o);
	else
		notify_add(inf, o);
	kube_obj_unref(old);
	kube_obj_unref(o);
	kube_free(key);
	return 0;
}

/* ---- the informer thread ---- */

static bool stopping(kube_informer_t *inf)
{
	bool s;

	pthread_mutex_lock(&inf->lock);
	s = inf->stopping;
	pthread_mutex_unlock(&inf->lock);
	return s;
}

/* Sleep ms unless stopped; returns false when stopping. */
static bool nap(kube_informer_t *inf, int64_t ms)
{
	int64_t until = kube_now_ns() + ms * 1000000;
	struct timespec ts = { until / 1000000000, until % 1000000000 };
	bool s;

	pthread_mutex_lock(&inf->lock);
	while (!inf->stopping && kube_now_ns() < until)
		pthread_cond_timedwait(&inf->cond, &inf->lock, &ts);
	s = inf->stopping;
	pthread_mutex_unlock(&inf->lock);
	return !s;
}

static void resync(kube_informer_t *inf)
{
	kube_obj_list_t l = { 0 };

	kube_informer_list(inf, NULL, &l);
	for (size_t i = 0; i < l.n; i++)
		notify_update(inf, l.items[i], l.items[i]);
	kube_obj_list_clear(&l);
}

static void *informer_main(void *arg)
{
	kube_informer_t *inf = arg;
	int64_t backoff = BACKOFF_MIN_MS;
	int64_t next_resync = inf->resync_ms ? kube_now_ns() + inf->resync_ms * 1000000 : 0;
	bool need_list = true;
	unsigned seed = (unsigned)kube_now_ns();

	while (!stopping(inf)) {
		kube_client_list_opts_t lo = {
			.label_selector = inf->label_selector,
			.field_selector = inf->field_selector,
			.cancel = inf->cancel,
		};
		watch_ctx_t w = { .inf = inf };
		char *rv;
		int r;

		if (need_list) {
			cJSON *list = NULL;

			lo.limit = inf->page_size;
			r = kube_client_list_all(inf->c, inf->kind, inf->ns, &lo, &list, NULL);
			if (r < 0) {
				klog_v(4, "informer %s: list: %s", inf->kind->resource, strerror(-r));
				if (!nap(inf, backoff))
					break;
				backoff = KUBE_MIN(backoff * 2, BACKOFF_MAX_MS);
				continue;
			}
			replace(inf, list);
			cJSON_Delete(list);
			need_list = false;
			pthread_mutex_lock(&inf->lock);
			inf->synced = true;
			pthread_cond_broadcast(&inf->cond);
			pthread_mutex_unlock(&inf->lock);
		}

		rv = kube_informer_last_rv(inf);
		lo.limit = 0;
		lo.resource_version = rv;
		lo.allow_watch_bookmarks = true;
		lo.timeout_seconds = 300 + (int)(rand_r(&seed) % 300);
		if (next_resync) {
			int64_t left_s = (next_resync - kube_now_ns()) / 1000000000 + 1;

			if (left_s < lo.timeout_seconds)
				lo.timeout_seconds = (int)KUBE_MAX(left_s, 1);
		}
		r = kube_client_watch(inf->c, inf->kind, inf->ns, &lo, on_event, &w, NULL);
		kube_free(rv);
		if (stopping(inf))
			break;
		if (next_resync && kube_now_ns() >= next_resync) {
			resync(inf);
			next_resync = kube_now_ns() + inf->resync_ms * 1000000;
		}
		if (w.gone || r == -ETIME) {
			need_list = true; /* too old: list again at once */
			continue;
		}
		if (w.events > 0)
			backoff = BACKOFF_MIN_MS;
		if (r == 0 && !w.error) {
			backoff = BACKOFF_MIN_MS;
			continue; /* the server ended the watch: resume */
		}
		klog_v(4, "informer %s: watch ended: %s", inf->kind->resource,
		       r < 0 ? strerror(-r) : "error event");
		if (!nap(inf, backoff))
			break;
		backoff = KUBE_MIN(backoff * 2, BACKOFF_MAX_MS);
	}
	return NULL;
}

int kube_informer_start(kube_informer_t *inf)
{
	int r;

	if (inf->started)
		return -EALREADY;
	r = -pthread_create(&inf->thread, NULL, informer_main, inf);
	if (r < 0)
		return r;
	inf->started = true;
	return 0;
}

bool kube_informer_has_synced(kube_informer_t *inf)
{
	bool s;

	pthread_mutex_lock(&inf->lock);
	s = inf->synced;
	pthread_mutex_unlock(&inf->lock);
	return s;
}

bool kube_informer_wait_synced(kube_informer_t *inf, int64_t timeout_ms)
{
	int64_t until = kube_now_ns() + timeout_ms * 1000000;
	struct timespec ts = { until / 1000000000, until % 1000000000 };
	bool s;

	pthread_mutex_lock(&inf->lock);
	while (!inf->synced && !inf->stopping) {
		if (timeout_ms < 0)
			pthread_cond_wait(&inf->cond, &inf->lock);
		else if (pthread_cond_timedwait(&inf->cond, &inf->lock, &ts) != 0 &&
			 kube_now_ns() >= until)
			break;
	}
	s = inf->synced;
	pthread_mutex_unlock(&inf->lock);
	return s;
}

void kube_informer_stop(kube_informer_t *inf)
{
	if (!inf)
		return;
	pthread_mutex_lock(&inf->lock);
	inf->stopping = true;
	pthread_cond_broadcast(&inf->cond);
	pthread_mutex_unlock(&inf->lock);
	kube_client_cancel_fire(inf->cancel);
	if (inf->started && !inf->joined) {
		pthread_join(inf->thread, NULL);
		inf->joined = true;
	}
}

void kube_informer_free(kube_informer_t *inf)
{
	kube_strmap_entry_t *e;

	if (!inf)
		return;
	kube_informer_stop(inf);
	for (e = kube_strmap_first(&inf->cache); e; e = kube_strmap_next(&inf->cache, e))
		kube_obj_unref(e->value);
	kube_strmap_clear(&inf->cache);
	for (size_t i = 0; i < inf->nindexes; i++) {
		index_t *x = &inf->indexes[i];

		for (e = kube_strmap_first(&x->values); e; e = kube_strmap_next(&x->values, e)) {
			kube_strmap_clear(e->value);
			kube_free(e->value);
		}
		kube_strmap_clear(&x->values);
		kube_free(x->name);
	}
	kube_free(inf->indexes);
	kube_free(inf->handlers);
	kube_free(inf->ns);
	kube_free(inf->label_selector);
	kube_free(inf->field_selector);
	kube_free(inf->last_rv);
	kube_client_cancel_free(inf->cancel);
	pthread_rwlock_destroy(&inf->cache_lock);
	pthread_cond_destroy(&inf->cond);
	pthread_mutex_destroy(&inf->lock);
	pthread_mutex_destroy(&inf->hlock);
	kube_free(inf);
}

/* ---- reads ---- */

kube_obj_t *kube_informer_get_key(kube_informer_t *inf, const char *key)
{
	kube_obj_t *o;

	pthread_rwlock_rdlock(&inf->cache_lock);
	o = kube_obj_ref(kube_strmap_get(&inf->cache, key));
	pthread_rwlock_unlock(&inf->cache_lock);
	return o;
}

kube_obj_t *kube_informer_get(kube_informer_t *inf, const char *ns, const char *name)
{
	_cleanup_free_ char *key = ns && *ns ? kube_asprintf("%s/%s", ns, name) : kube_strdup(name);

	return kube_informer_get_key(inf, key);
}

static void list_push(kube_obj_list_t *l, size_t *cap, kube_obj_t *o)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		l->items = kube_realloc(l->items, *cap * sizeof(*l->items));
	}
	l->items[l->n++] = kube_obj_ref(o);
}

/* Objects of one index value, under the read lock. */
static void collect_index(kube_informer_t *inf, const index_t *x, const char *value,
			  kube_obj_list_t *ret)
{
	kube_strmap_t *set = kube_strmap_get(&x->values, value);
	size_t cap = 0;

	if (!set)
		return;
	for (kube_strmap_entry_t *e = kube_strmap_first(set); e; e = kube_strmap_next(set, e)) {
		kube_obj_t *o = kube_strmap_get(&inf->cache, e->key);

		if (o)
			list_push(ret, &cap, o);
	}
}

void kube_informer_list(kube_informer_t *inf, const char *ns, kube_obj_list_t *ret)
{
	size_t cap = 0;

	ret->items = NULL;
	ret->n = 0;
	pthread_rwlock_rdlock(&inf->cache_lock);
	if (ns) {
		collect_index(inf, &inf->indexes[0], ns, ret);
	} else {
		for (kube_strmap_entry_t *e = kube_strmap_first(&inf->cache); e;
		     e = kube_strmap_next(&inf->cache, e))
			list_push(ret, &cap, e->value);
	}
	pthread_rwlock_unlock(&inf->cache_lock);
}

int kube_informer_by_index(kube_informer_t *inf, const char *index, const char *value,
			   kube_obj_list_t *ret)
{
	ret->items = NULL;
	ret->n = 0;
	for (size_t i = 0; i < inf->nindexes; i++) {
		if (strcmp(inf->indexes[i].name, index) != 0)
			continue;
		pthread_rwlock_rdlock(&inf->cache_lock);
		collect_index(inf, &inf->indexes[i], value, ret);
		pthread_rwlock_unlock(&inf->cache_lock);
		return 0;
	}
	return -ENOENT;
}

size_t kube_informer_count(kube_informer_t *inf)
{
	size_t n;

	pthread_rwlock_rdlock(&inf->cache_lock);
	n = inf->cache.count;
	pthread_rwlock_unlock(&inf->cache_lock);
	return n;
}

char *kube_informer_last_rv(kube_informer_t *inf)
{
	char *rv;

	pthread_rwlock_rdlock(&inf->cache_lock);
	rv = kube_strdup(inf->last_rv);
	pthread_rwlock_unlock(&inf->cache_lock);
	return rv;
}

/* ---- factory ---- */

struct kube_informer_factory {
	kube_client_t *c;
	int64_t resync_ms;
	pthread_mutex_t lock;
	kube_informer_t **infs;
	size_t n;
};

kube_informer_factory_t *kube_informer_factory_new(kube_client_t *c, int64_t default_resync_ms)
{
	kube_informer_factory_t *f = kube_calloc(1, sizeof(*f));

	f->c = c;
	f->resync_ms = default_resync_ms;
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

kube_informer_t *kube_informer_factory_get(kube_informer_factory_t *f, const kube_kind_t *kind)
{
	kube_informer_t *inf = NULL;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		if (f->infs[i]->kind == kind) {
			inf = f->infs[i];
			break;
		}
	}
	if (!inf) {
		kube_informer_config_t cfg = { .kind = kind, .resync_ms = f->resync_ms };

		inf = kube_informer_new(f->c, &cfg);
		f->infs = kube_realloc(f->infs, (f->n + 1) * sizeof(*f->infs));
		f->infs[f->n++] = inf;
	}
	pthread_mutex_unlock(&f->lock);
	return inf;
}

int kube_informer_factory_start(kube_informer_factory_t *f)
{
	int r = 0;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n && r == 0; i++)
		if (!f->infs[i]->started)
			r = kube_informer_start(f->infs[i]);
	pthread_mutex_unlock(&f->lock);
	return r;
}

bool kube_informer_factory_wait_synced(kube_informer_factory_t *f, int64_t timeout_ms)
{
	int64_t until = kube_now_ns() + timeout_ms * 1000000;
	kube_informer_t **infs;
	size_t n;
	bool ok = true;

	/* Wait without the lock: controllers may ask for informers meanwhile.
	 * Informers live until the factory is freed. */
	pthread_mutex_lock(&f->lock);
	n = f->n;
	infs = kube_calloc(n + 1, sizeof(*infs));
	if (n)
		memcpy(infs, f->infs, n * sizeof(*infs));
	pthread_mutex_unlock(&f->lock);
	for (size_t i = 0; i < n && ok; i++) {
		int64_t left = timeout_ms < 0 ? -1 : KUBE_MAX((until - kube_now_ns()) / 1000000, 0);

		if (infs[i]->started)
			ok = kube_informer_wait_synced(infs[i], left);
	}
	kube_free(infs);
	return ok;
}

void kube_informer_factory_free(kube_informer_factory_t *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		kube_informer_stop(f->infs[i]);
	for (size_t i = 0; i < f->n; i++)
		kube_informer_free(f->infs[i]);
	kube_free(f->infs);
	pthread_mutex_destroy(&f->lock);
	kube_free(f);
}
