/*
 * apiserver_cache: one watch cache per storage segment, fed by a single
 * store watch on the whole prefix. Each object is kept serialized once,
 * with its resourceVersion, and each event is serialized once per variant
 * and written to every watcher by reference. Loop thread only, except
 * store_event(), which queues events from the store's thread.
 */
#include "apiserver.h"
#include "apiserver_fields.h"
#include "apiserver_table.h"

#include "api/kube_json.h"
#include "api/kube_selector.h"
#include "core/kube_log.h"

#include <event2/event.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <time.h>

#define SLOW_WATCHER_BYTES (16u << 20)
#define START_PAGE 2000 /* objects per store read at start */
#define RING_MAX_BYTES ((size_t)64 << 20) /* per resource */
#define BOOKMARK_INTERVAL_S 60

enum { EV_ADDED = 0, EV_MODIFIED, EV_DELETED };
static const char *const ev_names[] = { "ADDED", "MODIFIED", "DELETED" };

typedef struct ring_event {
	int64_t rev;
	int type;
	apiserver_obj_t *obj;  /* the object as the event reports it */
	apiserver_obj_t *prev; /* previous state, NULL for ADDED */
} ring_event_t;

typedef struct watcher {
	apiserver_t *s;
	apiserver_cache_t *c;
	const kube_kind_t *k;
	kube_http_req_t *req;
	char *ns, *name;
	kube_selector_t *lsel;
	kube_fieldsel_t *fsel;
	bool bookmarks;
	bool as_table;	   /* events carry one-row Tables */
	bool sent_columns; /* the first Table carried the column definitions */
	struct event *timeout, *bookmark;
	struct watcher *prev, *next;
} watcher_t;

struct apiserver_cache {
	const kube_kind_t *kind;
	char *prefix; /* "<prefix>/<storage>/" */
	apiserver_obj_t **items; /* sorted by key */
	size_t n, cap;
	ring_event_t *ring;
	size_t ring_cap, ring_start, ring_len;
	size_t ring_bytes; /* sum of the ring's event objects' lengths */
	int64_t ring_base_rev; /* every event after this revision is in the ring */
	watcher_t *watchers;
};

typedef struct fresh_waiter {
	int64_t target;
	void (*fn)(void *arg);
	void *arg;
	apiserver_t *s;
	struct event *timer; /* gives up waiting after FRESH_WAIT_MS */
	struct fresh_waiter *next;
} fresh_waiter_t;

/* A request waits this long at most for the cache to reach the store's
 * revision (the store may have gone away right after a write), then goes
 * on: the store itself answers, or fails with a Status. */
#define FRESH_WAIT_MS 3000

/* Events queued by the store thread for the loop. */
typedef struct queued_event {
	kube_store_event_t ev;
	int err;
	struct queued_event *next;
} queued_event_t;

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static queued_event_t *queue_head, *queue_tail;
static bool queue_scheduled;

/* ---- objects ---- */

apiserver_obj_t *apiserver_obj_new(const char *key, cJSON *obj, int64_t rev)
{
	apiserver_obj_t *o = kube_calloc(1, sizeof(*o));
	const char *ns = kube_json_get_str(obj, "metadata.namespace");
	const char *name = kube_json_get_str(obj, "metadata.name");
	const cJSON *labels = kube_json_get(obj, "metadata.labels");
	kube_buf_t b = KUBE_BUF_INIT;

	o->refs = 1;
	o->key = kube_strdup(key);
	o->ns = kube_strdup(ns ? ns : "");
	o->name = kube_strdup(name ? name : "");
	if (cJSON_IsObject(labels) && labels->child) {
		size_t n = 0, i = 0;
		for (const cJSON *l = labels->child; l; l = l->next)
			n++;
		o->labels = kube_calloc(2 * n + 1, sizeof(char *));
		for (const cJSON *l = labels->child; l; l = l->next) {
			if (!l->string || !cJSON_IsString(l))
				continue;
			o->labels[i++] = kube_strdup(l->string);
			o->labels[i++] = kube_strdup(l->valuestring);
		}
	}
	o->terminating = kube_json_get(obj, "metadata.deletionTimestamp") != NULL ||
			 kube_streq(kube_json_get_str(obj, "status.phase"), "Terminating");
	apiserver_set_rv(obj, rev);
	kube_json_compact_buf(&b, obj);
	cJSON_Delete(obj);
	o->len = b.len;
	o->json = kube_buf_steal(&b);
	o->rev = rev;
	return o;
}

void apiserver_obj_ref(apiserver_obj_t *o)
{
	o->refs++;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		kube_free(v[i]);
	kube_free(v);
}

void apiserver_obj_unref(apiserver_obj_t *o)
{
	if (!o || --o->refs > 0)
		return;
	kube_free(o->key);
	kube_free(o->ns);
	kube_free(o->name);
	strv_free(o->labels);
	strv_free(o->fields);
	kube_free(o->json);
	kube_free(o);
}

cJSON *apiserver_obj_tree(const apiserver_obj_t *o)
{
	return kube_json_parse(o->json, o->len);
}

static const char *label_get(const char *key, void *userdata)
{
	const apiserver_obj_t *o = userdata;

	for (size_t i = 0; o->labels && o->labels[i]; i += 2)
		if (strcmp(o->labels[i], key) == 0)
			return o->labels[i + 1];
	return NULL;
}

bool apiserver_obj_labels_match(const apiserver_obj_t *o, const kube_selector_t *sel)
{
	return !sel || kube_selector_matches_fn(sel, label_get, (void *)o);
}

const char *apiserver_obj_field(apiserver_obj_t *o, const kube_kind_t *k, const char *field)
{
	size_t n = 0;
	cJSON *tree;
	char *v;

	if (strcmp(field, "metadata.name") == 0)
		return o->name;
	if (strcmp(field, "metadata.namespace") == 0)
		return o->ns;
	for (; o->fields && o->fields[n]; n += 2)
		if (strcmp(o->fields[n], field) == 0)
			return o->fields[n + 1];
	if (!apiserver_fields_supported(k, field))
		return NULL;
	tree = apiserver_obj_tree(o);
	v = apiserver_fields_value(k, tree, field);
	cJSON_Delete(tree);
	if (!v)
		return NULL;
	o->fields = kube_realloc(o->fields, (n + 3) * sizeof(char *));
	o->fields[n] = kube_strdup(field);
	o->fields[n + 1] = v;
	o->fields[n + 2] = NULL;
	return v;
}

static apiserver_obj_t *obj_from_value(const char *key, const char *value, size_t len, int64_t rev)
{
	cJSON *obj = kube_json_parse(value, len);

	if (!obj)
		return NULL;
	return apiserver_obj_new(key, obj, rev);
}

/* ---- the sorted item array ---- */

static size_t find_pos(apiserver_cache_t *c, const char *key, bool *found)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(c->items[mid]->key, key);
		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Put o in place of the object with its key; returns the old one (a ref). */
static apiserver_obj_t *items_put(apiserver_cache_t *c, apiserver_obj_t *o)
{
	bool found;
	size_t pos = find_pos(c, o->key, &found);
	apiserver_obj_t *old;

	apiserver_obj_ref(o);
	if (found) {
		old = c->items[pos];
		c->items[pos] = o;
		return old;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->items = kube_realloc(c->items, c->cap * sizeof(*c->items));
	}
	memmove(&c->items[pos + 1], &c->items[pos], (c->n - pos) * sizeof(*c->items));
	c->items[pos] = o;
	c->n++;
	return NULL;
}

static apiserver_obj_t *items_remove(apiserver_cache_t *c, const char *key)
{
	bool found;
	size_t pos = find_pos(c, key, &found);
	apiserver_obj_t *old;

	if (!found)
		return NULL;
	old = c->items[pos];
	memmove(&c->items[pos], &c->items[pos + 1], (c->n - pos - 1) * sizeof(*c->items));
	c->n--;
	return old;
}

apiserver_obj_t *apiserver_cache_get(apiserver_cache_t *c, const char *ns, const char *name)
{
	char *key = kube_asprintf("%s%s%s%s", c->prefix, ns && *ns ? ns : "", ns && *ns ? "/" : "", name);
	bool found;
	size_t pos = find_pos(c, key, &found);

	kube_free(key);
	return found ? c->items[pos] : NULL;
}

apiserver_obj_t **apiserver_cache_items(apiserver_cache_t *c, size_t *ret_n)
{
	*ret_n = c->n;
	return c->items;
}

size_t apiserver_cache_count(apiserver_cache_t *c)
{
	return c->n;
}

int64_t apiserver_cache_oldest_rev(apiserver_cache_t *c)
{
	return c->ring_base_rev;
}

/* ---- lookup ---- */

static apiserver_cache_t *cache_for_key(apiserver_t *s, const char *key)
{
	for (size_t i = 0; i < s->ncaches; i++)
		if (kube_startswith(key, s->caches[i]->prefix))
			return s->caches[i];
	return NULL;
}

apiserver_cache_t *apiserver_cache_for(apiserver_t *s, const kube_kind_t *k)
{
	for (size_t i = 0; i < s->ncaches; i++)
		if (strcmp(s->caches[i]->kind->storage, k->storage) == 0)
			return s->caches[i];
	return NULL;
}

/* ---- watchers ---- */

typedef struct rcbuf {
	int refs;
	size_t len;
	char data[];
} rcbuf_t;

static void rcbuf_release(void *arg)
{
	rcbuf_t *b = arg;

	if (--b->refs == 0)
		kube_free(b);
}

static rcbuf_t *event_line(int type, const apiserver_obj_t *o)
{
	static const char pre[] = "{\"type\":\"";
	size_t tl = strlen(ev_names[type]);
	size_t len = sizeof(pre) - 1 + tl + strlen("\",\"object\":") + o->len + 2;
	rcbuf_t *b = kube_malloc(sizeof(*b) + len + 1);
	int n = snprintf(b->data, len + 1, "%s%s\",\"object\":%.*s}\n", pre, ev_names[type],
			 (int)o->len, o->json);

	b->refs = 1;
	b->len = (size_t)n;
	return b;
}

typedef struct field_ctx {
	const kube_kind_t *k;
	apiserver_obj_t *o;
} field_ctx_t;

static const char *field_get(const char *field, void *userdata)
{
	field_ctx_t *fc = userdata;

	return apiserver_obj_field(fc->o, fc->k, field);
}

static bool watcher_matches(const watcher_t *w, apiserver_obj_t *o)
{
	if (w->ns && strcmp(w->ns, o->ns) != 0)
		return false;
	if (w->name && strcmp(w->name, o->name) != 0)
		return false;
	if (w->lsel && !apiserver_obj_labels_match(o, w->lsel))
		return false;
	if (!w->fsel)
		return true;
	field_ctx_t fc = { .k = w->k, .o = o };
	return kube_fieldsel_matches(w->fsel, field_get, &fc);
}

static void watcher_end(watcher_t *w)
{
	apiserver_cache_t *c = w->c;

	if (w->prev)
		w->prev->next = w->next;
	else
		c->watchers = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->s->watchers--;
	if (w->timeout)
		event_free(w->timeout);
	if (w->bookmark)
		event_free(w->bookmark);
	kube_selector_free(w->lsel);
	kube_fieldsel_free(w->fsel);
	kube_free(w->ns);
	kube_free(w->name);
	kube_http_req_on_close(w->req, NULL, NULL);
	kube_http_stream_end(w->req);
	kube_free(w);
}

/* Returns false when the watcher was ended (and freed). */
static bool watcher_send(watcher_t *w, rcbuf_t *b)
{
	b->refs++;
	if (kube_http_stream_write_ref(w->req, b->data, b->len, rcbuf_release, b) < 0 ||
	    kube_http_stream_pending(w->req) > SLOW_WATCHER_BYTES) {
		if (kube_http_stream_pending(w->req) > SLOW_WATCHER_BYTES)
			klog_v(2, "watch: closing a slow watcher of %s", w->c->kind->resource);
		watcher_end(w);
		return false;
	}
	return true;
}

static void send_raw(watcher_t *w, const char *s)
{
	kube_http_stream_write(w->req, s, strlen(s));
}

static void send_bookmark(watcher_t *w, int64_t rev, bool initial_end)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_printf(&b, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":\"",
			w->k->kind);
	kube_kinds_api_version(w->k, &b);
	kube_buf_printf(&b, "\",\"metadata\":{\"resourceVersion\":\"%lld\"%s}}}\n", (long long)rev,
			initial_end ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "");
	send_raw(w, b.data);
	kube_buf_clear(&b);
}

/* A Table watcher gets its own line per event: one row, and the column
 * definitions only in the first. */
static bool send_table(watcher_t *w, int type, const apiserver_obj_t *o)
{
	kube_buf_t b = KUBE_BUF_INIT;
	cJSON *objs[1] = { apiserver_obj_tree(o) };
	char rv[32];

	if (!objs[0])
		return true;

	snprintf(rv, sizeof(rv), "%lld", (long long)o->rev);
	kube_buf_printf(&b, "{\"type\":\"%s\",\"object\":", ev_names[type]);
	apiserver_table_render(&b, w->k, objs, 1, 1, rv, NULL, !w->sent_columns, kube_wall_ns());
	cJSON_Delete(objs[0]);
	kube_buf_puts(&b, "}\n");
	w->sent_columns = true;
	if (kube_http_stream_write(w->req, b.data, b.len) < 0 ||
	    kube_http_stream_pending(w->req) > SLOW_WATCHER_BYTES) {
		kube_buf_clear(&b);
		watcher_end(w);
		return false;
	}
	kube_buf_clear(&b);
	return true;
}

/* Deliver one ring event to w, with the type its filters make of it.
 * Returns false when the watcher was ended. */
static bool deliver(watcher_t *w, const ring_event_t *ev, rcbuf_t **lines)
{
	bool now = watcher_matches(w, ev->obj);
	bool before = ev->prev && watcher_matches(w, ev->prev);
	int type = ev->type;

	if (type == EV_MODIFIED) {
		if (!now && !before)
			return true;
		type = now && before ? EV_MODIFIED : now ? EV_ADDED : EV_DELETED;
	} else if (!now) {
		return true;
	}
	if (w->as_table)
		return send_table(w, type, ev->obj);
	if (!lines[type])
		lines[type] = event_line(type, ev->obj);
	return watcher_send(w, lines[type]);
}

static void on_watch_close(kube_http_req_t *req, void *arg)
{
	watcher_end(arg);
}

static void on_watch_timeout(evutil_socket_t fd, short what, void *arg)
{
	watcher_end(arg);
}

static void on_bookmark(evutil_socket_t fd, short what, void *arg)
{
	watcher_t *w = arg;

	send_bookmark(w, w->s->cache_rev, false);
}

static bool param_true(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "1") == 0);
}

static void watch_fail(kube_http_req_t *req, kube_status_t *st, bool streaming)
{
	kube_buf_t b = KUBE_BUF_INIT;

	if (!streaming) {
		kube_status_render(st, &b);
		kube_http_respond_buf(req, st->code, "application/json", &b);
	} else {
		kube_buf_puts(&b, "{\"type\":\"ERROR\",\"object\":");
		kube_status_render(st, &b);
		kube_buf_puts(&b, "}\n");
		kube_http_stream_write(req, b.data, b.len);
		kube_http_stream_end(req);
		kube_buf_clear(&b);
	}
	kube_status_free(st);
}

void apiserver_cache_watch(apiserver_t *s, apiserver_cache_t *c, const kube_kind_t *k,
			   kube_http_req_t *req, const char *ns, const char *name)
{
	const char *ls = kube_http_req_query_param(req, "labelSelector");
	const char *fs = kube_http_req_query_param(req, "fieldSelector");
	const char *rvs = kube_http_req_query_param(req, "resourceVersion");
	const char *to = kube_http_req_query_param(req, "timeoutSeconds");
	const char *sie = kube_http_req_query_param(req, "sendInitialEvents");
	kube_selector_t *lsel = NULL;
	kube_fieldsel_t *fsel = NULL;
	char *err = NULL;
	int64_t rv = 0;
	watcher_t *w;
	struct timeval tv;
	long timeout_s;
	bool initial;

	if (ls && *ls && kube_selector_parse(ls, &lsel, &err) < 0) {
		watch_fail(req, kube_status_bad_request("unable to parse requirement: %s", err ? err : ls), false);
		kube_free(err);
		return;
	}
	if (fs && *fs) {
		if (kube_fieldsel_parse(fs, &fsel, &err) < 0) {
			kube_selector_free(lsel);
			watch_fail(req, kube_status_bad_request("%s", err ? err : "invalid field selector"), false);
			kube_free(err);
			return;
		}
		for (size_t i = 0; i < fsel->n; i++) {
			if (!apiserver_fields_supported(k, fsel->terms[i].field)) {
				watch_fail(req, kube_status_bad_request("field label not supported: %s",
									fsel->terms[i].field), false);
				kube_selector_free(lsel);
				kube_fieldsel_free(fsel);
				return;
			}
		}
	}
	if (rvs && *rvs) {
		char *end;
		rv = strtoll(rvs, &end, 10);
		if (*end || rv < 0) {
			kube_selector_free(lsel);
			kube_fieldsel_free(fsel);
			watch_fail(req, kube_status_bad_request("invalid resource version: %s", rvs), false);
			return;
		}
	}
	initial = rv == 0;
	if (sie)
		initial = param_true(sie);

	w = kube_calloc(1, sizeof(*w));
	w->s = s;
	w->c = c;
	w->k = k;
	w->req = req;
	w->ns = ns && *ns ? kube_strdup(ns) : NULL;
	w->name = name ? kube_strdup(name) : NULL;
	w->lsel = lsel;
	w->fsel = fsel;
	w->bookmarks = param_true(kube_http_req_query_param(req, "allowWatchBookmarks"));
	{
		const char *accept = kube_http_req_header(req, "Accept");
		w->as_table = accept && strstr(accept, "as=Table") != NULL;
	}

	kube_http_stream_start(req, 200, w->as_table ? "application/json;as=Table;v=v1;g=meta.k8s.io"
						     : "application/json");
	if (rv > 0 && rv < c->ring_base_rev) {
		kube_free(w->ns);
		kube_free(w->name);
		kube_selector_free(lsel);
		kube_fieldsel_free(fsel);
		kube_free(w);
		watch_fail(req, kube_status_gone(rv, c->ring_base_rev), true);
		return;
	}

	w->next = c->watchers;
	if (c->watchers)
		c->watchers->prev = w;
	c->watchers = w;
	s->watchers++;
	kube_http_req_on_close(req, on_watch_close, w);

	if (initial && rv == 0) {
		for (size_t i = 0; i < c->n; i++) {
			ring_event_t ev = { .rev = c->items[i]->rev, .type = EV_ADDED, .obj = c->items[i] };
			rcbuf_t *lines[3] = { NULL };
			if (!watcher_matches(w, ev.obj))
				continue;
			bool alive;
			if (w->as_table) {
				if (!send_table(w, EV_ADDED, ev.obj))
					return;
				continue;
			}
			lines[EV_ADDED] = event_line(EV_ADDED, ev.obj);
			alive = watcher_send(w, lines[EV_ADDED]);
			rcbuf_release(lines[EV_ADDED]);
			if (!alive)
				return;
		}
		rv = s->cache_rev;
		if (param_true(sie) && w->bookmarks)
			send_bookmark(w, rv, true);
	} else if (rv == 0) {
		rv = s->cache_rev;
	} else {
		/* Replay the ring after rv. */
		for (size_t i = 0; i < c->ring_len; i++) {
			ring_event_t *ev = &c->ring[(c->ring_start + i) % c->ring_cap];
			rcbuf_t *lines[3] = { NULL };
			bool alive;
			if (ev->rev <= rv)
				continue;
			alive = deliver(w, ev, lines);
			for (int t = 0; t < 3; t++)
				if (lines[t])
					rcbuf_release(lines[t]);
			if (!alive)
				return;
		}
	}

	timeout_s = to && *to ? strtol(to, NULL, 10) : 0;
	if (timeout_s <= 0) {
		long min = (long)s->opts->min_request_timeout_s;
		timeout_s = min + (min > 0 ? random() % min : 0);
	}
	tv.tv_sec = timeout_s;
	tv.tv_usec = 0;
	w->timeout = evtimer_new(s->base, on_watch_timeout, w);
	evtimer_add(w->timeout, &tv);
	if (w->bookmarks) {
		struct timeval bt = { BOOKMARK_INTERVAL_S, 0 };
		w->bookmark = event_new(s->base, -1, EV_PERSIST, on_bookmark, w);
		evtimer_add(w->bookmark, &bt);
	}
}

/* ---- applying store events ---- */

static void ring_push(apiserver_t *s, apiserver_cache_t *c, int64_t rev, int type,
		      apiserver_obj_t *obj, apiserver_obj_t *prev)
{
	ring_event_t *ev;

	/* Evict the oldest events when the ring is full or holds more than
	 * RING_MAX_BYTES of objects only it keeps alive (large objects would
	 * otherwise pin ring_cap copies). */
	while (c->ring_len == c->ring_cap ||
	       (c->ring_len > 0 && c->ring_bytes + obj->len > RING_MAX_BYTES)) {
		ring_event_t *old = &c->ring[c->ring_start];
		c->ring_base_rev = old->rev;
		c->ring_bytes -= old->obj->len;
		apiserver_obj_unref(old->obj);
		apiserver_obj_unref(old->prev);
		c->ring_start = (c->ring_start + 1) % c->ring_cap;
		c->ring_len--;
	}
	c->ring_bytes += obj->len;
	ev = &c->ring[(c->ring_start + c->ring_len) % c->ring_cap];
	c->ring_len++;
	ev->rev = rev;
	ev->type = type;
	ev->obj = obj;
	ev->prev = prev;
	apiserver_obj_ref(obj);
	if (prev)
		apiserver_obj_ref(prev);

	rcbuf_t *lines[3] = { NULL };
	for (watcher_t *w = c->watchers, *next; w; w = next) {
		next = w->next;
		deliver(w, ev, lines);
	}
	for (int t = 0; t < 3; t++)
		if (lines[t])
			rcbuf_release(lines[t]);
}

static void run_fresh(apiserver_t *s)
{
	fresh_waiter_t **pp = &s->fresh, *f;

	while ((f = *pp)) {
		if (f->target <= s->cache_rev) {
			*pp = f->next;
			event_free(f->timer);
			f->fn(f->arg);
			kube_free(f);
		} else {
			pp = &f->next;
		}
	}
}

static void apply_event(apiserver_t *s, const kube_store_event_t *ev)
{
	apiserver_cache_t *c = ev->kv.key ? cache_for_key(s, ev->kv.key) : NULL;
	int64_t rev = ev->kv.mod_rev;

	if (rev > s->cache_rev)
		s->cache_rev = rev;
	if (!c || ev->type == KUBE_STORE_EVENT_PROGRESS)
		return;
	if (ev->type == KUBE_STORE_EVENT_PUT) {
		apiserver_obj_t *o = obj_from_value(ev->kv.key, ev->kv.value, ev->kv.value_len, rev);
		apiserver_obj_t *old;

		if (!o)
			return;
		old = items_put(c, o);
		ring_push(s, c, rev, old ? EV_MODIFIED : EV_ADDED, o, old);
		apiserver_obj_unref(old);
		apiserver_obj_unref(o);
	} else {
		apiserver_obj_t *old = items_remove(c, ev->kv.key);
		apiserver_obj_t *del;

		if (!old)
			return;
		/* DELETED reports the last state with the deletion's revision. */
		cJSON *last = apiserver_obj_tree(old);
		if (!last) {
			apiserver_obj_unref(old);
			return;
		}
		del = apiserver_obj_new(old->key, last, rev);
		ring_push(s, c, rev, EV_DELETED, del, old);
		apiserver_obj_unref(del);
		apiserver_obj_unref(old);
	}
}

static void relist(apiserver_t *s);

static void drain_queue(void *arg)
{
	apiserver_t *s = arg;
	queued_event_t *q;
	bool relist_needed = false;

	pthread_mutex_lock(&queue_lock);
	q = queue_head;
	queue_head = queue_tail = NULL;
	queue_scheduled = false;
	pthread_mutex_unlock(&queue_lock);
	while (q) {
		queued_event_t *next = q->next;
		if (q->err) {
			klog_error("watch on the store ended: %s; re-listing", strerror(-q->err));
			relist_needed = true;
		} else if (!relist_needed) {
			apply_event(s, &q->ev);
		}
		kube_kv_clear(&q->ev.kv);
		kube_kv_clear(&q->ev.prev);
		kube_free(q);
		q = next;
	}
	if (relist_needed)
		relist(s);
	else
		run_fresh(s);
}

/* Store thread: copy the event and queue it for the loop, in order. */
static void store_event(const kube_store_event_t *ev, int err, void *arg)
{
	apiserver_t *s = arg;
	queued_event_t *q = kube_calloc(1, sizeof(*q));
	bool schedule;

	q->err = err;
	if (ev) {
		q->ev.type = ev->type;
		kube_kv_copy(&q->ev.kv, &ev->kv);
	}
	pthread_mutex_lock(&queue_lock);
	if (queue_tail)
		queue_tail->next = q;
	else
		queue_head = q;
	queue_tail = q;
	schedule = !queue_scheduled;
	queue_scheduled = true;
	pthread_mutex_unlock(&queue_lock);
	if (schedule)
		kube_loop_post(s->base, drain_queue, s);
}

static void fresh_timeout(evutil_socket_t fd, short what, void *arg)
{
	fresh_waiter_t *f = arg, **pp;

	(void)fd;
	(void)what;
	for (pp = &f->s->fresh; *pp && *pp != f; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = f->next;
	klog_v(2, "cache not at revision %lld after %d ms; going on", (long long)f->target,
	       FRESH_WAIT_MS);
	event_free(f->timer);
	f->fn(f->arg);
	kube_free(f);
}

void apiserver_cache_when_fresh(apiserver_t *s, void (*fn)(void *arg), void *arg)
{
	int64_t target = kube_store_current_rev(s->store);
	fresh_waiter_t *f;

	if (target <= s->cache_rev) {
		fn(arg);
		return;
	}
	struct timeval tv = { FRESH_WAIT_MS / 1000, (FRESH_WAIT_MS % 1000) * 1000 };

	f = kube_malloc(sizeof(*f));
	f->target = target;
	f->fn = fn;
	f->arg = arg;
	f->s = s;
	f->timer = evtimer_new(s->base, fresh_timeout, f);
	evtimer_add(f->timer, &tv);
	f->next = s->fresh;
	s->fresh = f;
}

/* ---- history at start ----
 *
 * A restarted server still serves watches that resume from a revision
 * written before the restart: the rings are filled from the store's
 * revision log for the last HISTORY_REVS revisions (or back to the
 * compaction point) before the first client is served. */

#define HISTORY_REVS 1000
#define HISTORY_WAIT_MS 2000

typedef struct history {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int64_t until;
	bool done;
	bool reached; /* every event through `until` arrived */
	queued_event_t *head, *tail;
} history_t;

static void history_event(const kube_store_event_t *ev, int err, void *arg)
{
	history_t *h = arg;

	pthread_mutex_lock(&h->lock);
	if (!h->done && ev && ev->type != KUBE_STORE_EVENT_PROGRESS && ev->kv.mod_rev <= h->until) {
		queued_event_t *q = kube_calloc(1, sizeof(*q));
		q->ev.type = ev->type;
		kube_kv_copy(&q->ev.kv, &ev->kv);
		q->ev.has_prev = ev->has_prev;
		if (ev->has_prev)
			kube_kv_copy(&q->ev.prev, &ev->prev);
		if (h->tail)
			h->tail->next = q;
		else
			h->head = q;
		h->tail = q;
	}
	if (!h->done && ev && (ev->type == KUBE_STORE_EVENT_PROGRESS ? ev->kv.mod_rev >= h->until
								      : ev->kv.mod_rev == h->until))
		h->reached = true;
	if (err < 0 || (ev && ev->kv.mod_rev >= h->until)) {
		h->done = true;
		pthread_cond_signal(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
}

/* Push one past event into its ring (no watchers exist yet). */
static void history_push(apiserver_t *s, const kube_store_event_t *ev)
{
	apiserver_cache_t *c = cache_for_key(s, ev->kv.key);
	int64_t rev = ev->kv.mod_rev;
	apiserver_obj_t *o, *prev = NULL;

	if (!c)
		return;
	o = obj_from_value(ev->kv.key, ev->kv.value, ev->kv.value_len, rev);
	if (!o)
		return;
	if (ev->has_prev && ev->prev.value)
		prev = obj_from_value(ev->prev.key ? ev->prev.key : ev->kv.key, ev->prev.value,
				      ev->prev.value_len, ev->prev.mod_rev);
	if (ev->type == KUBE_STORE_EVENT_DELETE)
		ring_push(s, c, rev, EV_DELETED, o, prev);
	else
		ring_push(s, c, rev, prev ? EV_MODIFIED : EV_ADDED, o, prev);
	apiserver_obj_unref(prev);
	apiserver_obj_unref(o);
}

static void prime_history(apiserver_t *s, const char *prefix, int64_t until)
{
	int64_t from = until - HISTORY_REVS, compacted = kube_store_compacted_rev(s->store);
	history_t h = { .until = until };
	kube_store_watch_t *w = NULL;
	struct timespec ts;
	bool complete;

	if (from < compacted)
		from = compacted;
	/* The store reads from_rev 0 as "from now": start after revision 1. */
	if (from < 1)
		from = 1;
	if (from >= until)
		return;
	pthread_mutex_init(&h.lock, NULL);
	pthread_cond_init(&h.cond, NULL);
	if (kube_store_watch(s->store, prefix, from, history_event, &h, &w) < 0) {
		pthread_cond_destroy(&h.cond);
		pthread_mutex_destroy(&h.lock);
		return;
	}
	/* `until` may be a write outside the prefix (etcd's compact_rev_key):
	 * asking for the current revision makes the watch report progress. */
	kube_store_current_rev(s->store);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HISTORY_WAIT_MS / 1000;
	pthread_mutex_lock(&h.lock);
	while (!h.done)
		if (pthread_cond_timedwait(&h.cond, &h.lock, &ts) != 0)
			break;
	complete = h.reached;
	h.done = true;
	pthread_mutex_unlock(&h.lock);
	kube_store_watch_cancel(w);

	for (queued_event_t *q = h.head, *next; q; q = next) {
		next = q->next;
		if (complete)
			history_push(s, &q->ev);
		kube_kv_clear(&q->ev.kv);
		kube_kv_clear(&q->ev.prev);
		kube_free(q);
	}
	if (complete) {
		/* A ring that evicted nothing holds every event after `from`; one
		 * that evicted moved its base to the last evicted revision. */
		for (size_t i = 0; i < s->ncaches; i++)
			if (s->caches[i]->ring_base_rev == until)
				s->caches[i]->ring_base_rev = from;
		klog_v(2, "watch caches hold the revisions after %lld", (long long)from);
	}
	pthread_cond_destroy(&h.cond);
	pthread_mutex_destroy(&h.lock);
}

/* ---- start and stop ---- */

/* Page through the store at one revision into the (empty) caches, so the
 * whole data set is never held twice (store rows and cache objects). */
static int load_all(apiserver_t *s, const char *all)
{
	kube_kv_list_t l = { 0 };
	char *start = NULL;
	int64_t rev = 0;
	int r;

	for (;;) {
		r = kube_store_list(s->store, all, start, START_PAGE, rev, &l);
		kube_free(start);
		start = NULL;
		if (r < 0)
			return r;
		rev = l.rev;
		for (size_t i = 0; i < l.count; i++) {
			apiserver_cache_t *c = cache_for_key(s, l.items[i].key);
			apiserver_obj_t *o;

			if (!c)
				continue;
			o = obj_from_value(l.items[i].key, l.items[i].value, l.items[i].value_len,
					   l.items[i].mod_rev);
			if (!o)
				continue;
			apiserver_obj_unref(items_put(c, o));
			apiserver_obj_unref(o);
		}
		/* the smallest key after the last one: keys hold no \x01 */
		if (l.more && l.count)
			start = kube_asprintf("%s\x01", l.items[l.count - 1].key);
		kube_kv_list_clear(&l);
		if (!start)
			break;
	}
	s->cache_rev = rev;
	return 0;
}

/* Drop every cached object and event, and end every watcher. */
static void caches_reset(apiserver_t *s)
{
	for (size_t i = 0; i < s->ncaches; i++) {
		apiserver_cache_t *c = s->caches[i];

		while (c->watchers)
			watcher_end(c->watchers);
		for (size_t j = 0; j < c->n; j++)
			apiserver_obj_unref(c->items[j]);
		c->n = 0;
		for (size_t j = 0; j < c->ring_len; j++) {
			ring_event_t *ev = &c->ring[(c->ring_start + j) % c->ring_cap];
			apiserver_obj_unref(ev->obj);
			apiserver_obj_unref(ev->prev);
		}
		c->ring_start = c->ring_len = 0;
		c->ring_bytes = 0;
	}
}

static void relist_cb(evutil_socket_t fd, short what, void *arg);

/* The store watch ended (e.g. its revision was compacted while etcd was
 * away): re-list everything and watch again from the list's revision, as
 * upstream's reflector does. Watchers are ended; they come back with
 * their resourceVersion and get 410 Gone, so clients re-list too. Retried
 * every second while the store does not answer. */
static void relist(apiserver_t *s)
{
	char *all = kube_asprintf("%s/", s->prefix);
	int r;

	kube_store_watch_cancel(s->store_watch);
	s->store_watch = NULL;
	caches_reset(s);
	r = load_all(s, all);
	if (r == 0) {
		for (size_t i = 0; i < s->ncaches; i++)
			s->caches[i]->ring_base_rev = s->cache_rev;
		r = kube_store_watch(s->store, all, s->cache_rev, store_event, s, &s->store_watch);
	}
	kube_free(all);
	if (r < 0) {
		struct timeval tv = { 1, 0 };

		klog_error("re-listing the store failed: %s; retrying", strerror(-r));
		caches_reset(s);
		event_base_once(s->base, -1, EV_TIMEOUT, relist_cb, s, &tv);
		return;
	}
	klog_info("watch caches re-listed at revision %lld", (long long)s->cache_rev);
	run_fresh(s);
}

static void relist_cb(evutil_socket_t fd, short what, void *arg)
{
	relist(arg);
}

int apiserver_cache_start(apiserver_t *s)
{
	size_t nk;
	const kube_kind_t *kinds = kube_kinds_all(&nk);
	char *all;
	int r;

	s->caches = kube_calloc(nk, sizeof(*s->caches));
	for (size_t i = 0; i < nk; i++) {
		apiserver_cache_t *c;

		if (apiserver_cache_for(s, &kinds[i]))
			continue;
		c = kube_calloc(1, sizeof(*c));
		c->kind = &kinds[i];
		c->prefix = kube_asprintf("%s/%s/", s->prefix, kinds[i].storage);
		c->ring_cap = (size_t)(s->opts->watch_cache_size > 0 ? s->opts->watch_cache_size : 100);
		c->ring = kube_calloc(c->ring_cap, sizeof(*c->ring));
		s->caches[s->ncaches++] = c;
	}

	all = kube_asprintf("%s/", s->prefix);
	r = load_all(s, all);
	if (r < 0) {
		kube_free(all);
		return r;
	}
	for (size_t i = 0; i < s->ncaches; i++)
		s->caches[i]->ring_base_rev = s->cache_rev;
	malloc_trim(0); /* give the start-up garbage back */
	prime_history(s, all, s->cache_rev);
	r = kube_store_watch(s->store, all, s->cache_rev, store_event, s, &s->store_watch);
	kube_free(all);
	return r;
}

void apiserver_cache_stop(apiserver_t *s)
{
	kube_store_watch_cancel(s->store_watch);
	s->store_watch = NULL;
	for (size_t i = 0; i < s->ncaches; i++) {
		apiserver_cache_t *c = s->caches[i];

		while (c->watchers)
			watcher_end(c->watchers);
		for (size_t j = 0; j < c->n; j++)
			apiserver_obj_unref(c->items[j]);
		for (size_t j = 0; j < c->ring_len; j++) {
			ring_event_t *ev = &c->ring[(c->ring_start + j) % c->ring_cap];
			apiserver_obj_unref(ev->obj);
			apiserver_obj_unref(ev->prev);
		}
		kube_free(c->ring);
		kube_free(c->items);
		kube_free(c->prefix);
		kube_free(c);
	}
	KUBE_FREE(s->caches);
	s->ncaches = 0;
	while (s->fresh) {
		fresh_waiter_t *f = s->fresh;
		s->fresh = f->next;
		event_free(f->timer);
		kube_free(f);
	}
}
