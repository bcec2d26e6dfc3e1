/* kube_events: the asynchronous event recorder with client-go's
 * EventCorrelator (see header): the aggregator (more than 10 distinct
 * messages of the same source, object, type and reason within 10 minutes
 * become one "(combined from similar events): ..." event), a spam filter
 * per source and involved object (burst 25, one token per 5 minutes) and
 * count aggregation of identical events (PATCH count, lastTimestamp and
 * message). */
#include "client/kube_events.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "client/kube_strmap.h"
#include "core/kube_log.h"
#include "core/kube_time.h"

#define QUEUE_MAX 1000
#define CACHE_MAX 4096
#define SPAM_BURST 25
#define SPAM_QPS (1.0 / 300.0)
#define AGG_MAX_EVENTS 10
#define AGG_INTERVAL_NS (600 * 1000000000LL)

typedef struct pending {
	cJSON *event;	 /* the Event to create (count 1) */
	char *key;	 /* identical-event key */
	char *spam_key;	 /* source + involved object */
	char *agg_key;	 /* spam key + type + reason (messages differ) */
	struct pending *next;
} pending_t;

/* What we know of an Event already written. */
typedef struct seen {
	char *name;
	char *namespace_;
	int64_t count;
	char *first_timestamp;
} seen_t;

typedef struct spam {
	double tokens;
	int64_t last_ns;
} spam_t;

/* The distinct messages seen for one aggregate key. */
typedef struct agg {
	kube_strmap_t messages;
	int64_t last_ns;
} agg_t;

struct kube_events {
	kube_client_t *c;
	char *component, *host;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	pending_t *head, *tail;
	size_t queued;
	bool busy; /* the thread is writing one */
	bool stopping;
	atomic_uint_fast64_t dropped;
	kube_client_cancel_t *cancel;

	/* thread-only state */
	kube_strmap_t seen;  /* key -> seen_t * */
	kube_strmap_t spam;  /* spam key -> spam_t * */
	kube_strmap_t aggs;  /* aggregate key -> agg_t * */
};

static void pending_free(pending_t *p)
{
	if (!p)
		return;
	cJSON_Delete(p->event);
	kube_free(p->key);
	kube_free(p->spam_key);
	kube_free(p->agg_key);
	kube_free(p);
}

static void seen_free(seen_t *s)
{
	if (!s)
		return;
	kube_free(s->name);
	kube_free(s->namespace_);
	kube_free(s->first_timestamp);
	kube_free(s);
}

static void agg_free(agg_t *a)
{
	if (!a)
		return;
	kube_strmap_clear(&a->messages);
	kube_free(a);
}

enum { CACHE_SEEN, CACHE_SPAM, CACHE_AGG };

static void cache_clear(kube_strmap_t *m, int what)
{
	for (kube_strmap_entry_t *e = kube_strmap_first(m); e; e = kube_strmap_next(m, e)) {
		if (what == CACHE_SEEN)
			seen_free(e->value);
		else if (what == CACHE_AGG)
			agg_free(e->value);
		else
			kube_free(e->value);
	}
	kube_strmap_clear(m);
}

/* client-go's EventAggregator: past AGG_MAX_EVENTS distinct messages for
 * one aggregate key within the interval, the event becomes the combined
 * one, identified by the aggregate key. */
static void aggregate(kube_events_t *e, pending_t *p)
{
	agg_t *a = kube_strmap_get(&e->aggs, p->agg_key);
	const char *msg = kube_json_get_str(p->event, "message");
	int64_t now = kube_now_ns();
	char *combined;

	if (a && now - a->last_ns > AGG_INTERVAL_NS) {
		agg_free(kube_strmap_remove(&e->aggs, p->agg_key, NULL));
		a = NULL;
	}
	if (!a) {
		if (e->aggs.count >= CACHE_MAX)
			cache_clear(&e->aggs, CACHE_AGG);
		a = kube_calloc(1, sizeof(*a));
		kube_strmap_put(&e->aggs, p->agg_key, a);
	}
	a->last_ns = now;
	kube_strmap_put(&a->messages, msg ? msg : "", NULL);
	if (a->messages.count < AGG_MAX_EVENTS)
		return;
	/* keep the set bounded, as client-go pops one */
	kube_strmap_remove(&a->messages, msg ? msg : "", NULL);
	combined = kube_asprintf("(combined from similar events): %s", msg ? msg : "");
	kube_json_set_str(p->event, "message", combined);
	kube_free(combined);
	kube_free(p->key);
	p->key = kube_strdup(p->agg_key);
}

/* One raw call; answers the HTTP code (or a negative errno) and the object. */
static int call(kube_events_t *e, const char *method, const char *path, const char *ctype,
		const char *body, cJSON **ret_obj)
{
	kube_client_raw_t req = {
		.method = method,
		.path = path,
		.content_type = ctype,
		.body = body,
		.cancel = e->cancel,
	};
	char *out = NULL;
	size_t len = 0;
	int code = 0, r;

	r = kube_client_raw(e->c, &req, &code, &out, &len);
	if (r < 0)
		return r;
	if (ret_obj)
		*ret_obj = kube_json_parse(out, len);
	kube_free(out);
	return code;
}

static bool spam_allow(kube_events_t *e, const char *key)
{
	spam_t *s = kube_strmap_get(&e->spam, key);
	int64_t now = kube_now_ns();

	if (!s) {
		if (e->spam.count >= CACHE_MAX)
			cache_clear(&e->spam, CACHE_SPAM);
		s = kube_malloc(sizeof(*s));
		s->tokens = SPAM_BURST;
		s->last_ns = now;
		kube_strmap_put(&e->spam, key, s);
	}
	s->tokens += (double)(now - s->last_ns) / 1e9 * SPAM_QPS;
	if (s->tokens > SPAM_BURST)
		s->tokens = SPAM_BURST;
	s->last_ns = now;
	if (s->tokens < 1)
		return false;
	s->tokens -= 1;
	return true;
}

static int create_event(kube_events_t *e, pending_t *p, int64_t count)
{
	const char *ns = kube_json_get_str(p->event, "metadata.namespace");
	_cleanup_free_ char *path = kube_asprintf("/api/v1/namespaces/%s/events", ns);
	_cleanup_free_ char *body = NULL;
	cJSON *got = NULL;
	seen_t *s;
	int code;

	kube_json_set_int64(p->event, "count", count);
	body = kube_json_compact(p->event);
	code = call(e, "POST", path, NULL, body, &got);
	if (code != 201 && code != 200) {
		cJSON_Delete(got);
		return code < 0 ? code : -EIO;
	}
	if (e->seen.count >= CACHE_MAX)
		cache_clear(&e->seen, CACHE_SEEN);
	s = kube_calloc(1, sizeof(*s));
	s->name = kube_strdup(kube_json_get_str(got, "metadata.name") ?
				      kube_json_get_str(got, "metadata.name") :
				      kube_json_get_str(p->event, "metadata.name"));
	s->namespace_ = kube_strdup(ns);
	s->count = count;
	s->first_timestamp = kube_strdup(kube_json_get_str(p->event, "firstTimestamp"));
	seen_free(kube_strmap_put(&e->seen, p->key, s));
	cJSON_Delete(got);
	return 0;
}

static void write_one(kube_events_t *e, pending_t *p)
{
	seen_t *s;

	aggregate(e, p);
	if (!spam_allow(e, p->spam_key)) {
		klog_v(4, "events: spam filter drops an event for %s", p->spam_key);
		return;
	}
	s = kube_strmap_get(&e->seen, p->key);
	if (s) {
		_cleanup_free_ char *path = kube_asprintf("/api/v1/namespaces/%s/events/%s",
							  s->namespace_, s->name);
		_cleanup_free_ char *patch = NULL;
		cJSON *pj = cJSON_CreateObject();
		int64_t count = s->count + 1;
		int code;

		cJSON_AddNumberToObject(pj, "count", (double)count);
		cJSON_AddStringToObject(pj, "lastTimestamp",
					kube_json_get_str(p->event, "lastTimestamp"));
		cJSON_AddStringToObject(pj, "message", kube_json_get_str(p->event, "message"));
		patch = kube_json_compact(pj);
		cJSON_Delete(pj);
		code = call(e, "PATCH", path, "application/strategic-merge-patch+json", patch, NULL);
		if (code == 200) {
			s->count = count;
			return;
		}
		seen_free(kube_strmap_remove(&e->seen, p->key, NULL));
		if (code != 404)
			return;
		/* Deleted meanwhile (TTL): create it again, as client-go does. */
		create_event(e, p, 1);
		return;
	}
	create_event(e, p, 1);
}

static void *events_main(void *arg)
{
	kube_events_t *e = arg;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		pending_t *p;

		while (!e->head && !e->stopping)
			pthread_cond_wait(&e->cond, &e->lock);
		if (!e->head)
			break;
		p = e->head;
		e->head = p->next;
		if (!e->head)
			e->tail = NULL;
		e->queued--;
		e->busy = true;
		pthread_mutex_unlock(&e->lock);
		if (!kube_client_cancel_fired(e->cancel))
			write_one(e, p);
		pending_free(p);
		pthread_mutex_lock(&e->lock);
		e->busy = false;
		pthread_cond_broadcast(&e->cond);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

kube_events_t *kube_events_new(kube_client_t *c, const char *component, const char *host)
{
	kube_events_t *e = kube_calloc(1, sizeof(*e));
	pthread_condattr_t ca;

	e->c = c;
	e->component = kube_strdup(component ? component : "");
	e->host = host && *host ? kube_strdup(host) : NULL;
	e->cancel = kube_client_cancel_new();
	pthread_mutex_init(&e->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&e->thread, NULL, events_main, e) != 0)
		klog_fatal("events: cannot start the recorder thread");
	return e;
}

int kube_events_flush(kube_events_t *e, int64_t timeout_ms)
{
	int64_t until = kube_now_ns() + timeout_ms * 1000000;
	struct timespec ts = { until / 1000000000, until % 1000000000 };
	int r = 0;

	pthread_mutex_lock(&e->lock);
	while (e->head || e->busy) {
		if (pthread_cond_timedwait(&e->cond, &e->lock, &ts) != 0 && kube_now_ns() >= until) {
			r = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&e->lock);
	return r;
}

uint64_t kube_events_dropped(kube_events_t *e)
{
	return atomic_load(&e->dropped);
}

void kube_events_free(kube_events_t *e)
{
	if (!e)
		return;
	kube_events_flush(e, 5000);
	pthread_mutex_lock(&e->lock);
	e->stopping = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	kube_client_cancel_fire(e->cancel);
	pthread_join(e->thread, NULL);
	while (e->head) {
		pending_t *p = e->head;

		e->head = p->next;
		pending_free(p);
	}
	cache_clear(&e->seen, CACHE_SEEN);
	cache_clear(&e->spam, CACHE_SPAM);
	cache_clear(&e->aggs, CACHE_AGG);
	kube_client_cancel_free(e->cancel);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	kube_free(e->component);
	kube_free(e->host);
	kube_free(e);
}

static void add_str(cJSON *o, const char *name, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, name, v);
}

static void record(kube_events_t *e, const cJSON *obj, const char *api_version, const char *kind,
		   const char *type, const char *reason, const char *fmt, va_list ap)
{
	_cleanup_free_ char *message = kube_vasprintf(fmt, ap);
	const char *name = kube_json_get_str(obj, "metadata.name");
	const char *ns = kube_json_get_str(obj, "metadata.namespace");
	const char *uid = kube_json_get_str(obj, "metadata.uid");
	const char *rv = kube_json_get_str(obj, "metadata.resourceVersion");
	int64_t now = kube_wall_ns();
	char ts[64];
	cJSON *ev, *io, *src;
	pending_t *p;
	kube_buf_t key = KUBE_BUF_INIT;

	if (!e || !name)
		return;
	if (!kind)
		kind = kube_json_get_str(obj, "kind");
	if (!api_version)
		api_version = kube_json_get_str(obj, "apiVersion");
	if (!type || (strcmp(type, "Normal") != 0 && strcmp(type, "Warning") != 0)) {
		klog_v(4, "events: unsupported event type '%s'", type ? type : "");
		return;
	}
	kube_time_format_rfc3339(now, ts, sizeof(ts));

	ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "apiVersion", "v1");
	cJSON_AddStringToObject(ev, "kind", "Event");
	{
		cJSON *md = cJSON_AddObjectToObject(ev, "metadata");
		_cleanup_free_ char *evname = kube_asprintf("%s.%llx", name,
							    (unsigned long long)now);

		cJSON_AddStringToObject(md, "name", evname);
		cJSON_AddStringToObject(md, "namespace", ns && *ns ? ns : "default");
	}
	io = cJSON_AddObjectToObject(ev, "involvedObject");
	add_str(io, "kind", kind);
	add_str(io, "namespace", ns);
	add_str(io, "name", name);
	add_str(io, "uid", uid);
	add_str(io, "apiVersion", api_version);
	add_str(io, "resourceVersion", rv);
	cJSON_AddStringToObject(ev, "reason", reason ? reason : "");
	cJSON_AddStringToObject(ev, "message", message);
	src = cJSON_AddObjectToObject(ev, "source");
	add_str(src, "component", e->component);
	add_str(src, "host", e->host);
	cJSON_AddStringToObject(ev, "firstTimestamp", ts);
	cJSON_AddStringToObject(ev, "lastTimestamp", ts);
	cJSON_AddNumberToObject(ev, "count", 1);
	cJSON_AddStringToObject(ev, "type", type);
	cJSON_AddNullToObject(ev, "eventTime");
	cJSON_AddStringToObject(ev, "reportingComponent", e->component);
	cJSON_AddStringToObject(ev, "reportingInstance", e->host ? e->host : "");

	p = kube_calloc(1, sizeof(*p));
	p->event = ev;
	/* client-go's getEventKey / getSpamKey */
	kube_buf_printf(&key, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", e->component,
			e->host ? e->host : "", kind ? kind : "", ns ? ns : "", name,
			uid ? uid : "", api_version ? api_version : "", type);
	p->spam_key = kube_strdup(kube_buf_str(&key));
	kube_buf_printf(&key, "\x1f%s", reason ? reason : "");
	p->agg_key = kube_strdup(kube_buf_str(&key));
	kube_buf_printf(&key, "\x1f%s", message);
	p->key = kube_buf_steal(&key);

	pthread_mutex_lock(&e->lock);
	if (e->queued >= QUEUE_MAX || e->stopping) {
		pthread_mutex_unlock(&e->lock);
		atomic_fetch_add(&e->dropped, 1);
		pending_free(p);
		return;
	}
	if (e->tail)
		e->tail->next = p;
	else
		e->head = p;
	e->tail = p;
	e->queued++;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

void kube_events_eventf(kube_events_t *e, const cJSON *obj, const char *type, const char *reason,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(e, obj, NULL, NULL, type, reason, fmt, ap);
	va_end(ap);
}

void kube_events_eventf_kind(kube_events_t *e, const cJSON *obj, const char *api_version,
			     const char *kind, const char *type, const char *reason,
			     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(e, obj, api_version, kind, type, reason, fmt, ap);
	va_end(ap);
}
