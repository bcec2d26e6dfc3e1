/*
 * apiserver: the state one kube-apiserver process shares between its
 * modules. The event loop thread owns the HTTP servers, the watch caches
 * and the allocators; worker threads run blocking store calls and hand
 * their results back to the loop with kube_loop_post(). Only the store and
 * the worker queue are touched from more than one thread.
 */
#ifndef APISERVER_H
#define APISERVER_H

#include <cJSON.h>
#include <pthread.h>

#include "api/kube_kinds.h"
#include "api/kube_selector.h"
#include "api/kube_status.h"
#include "apiserver_options.h"
#include "net/kube_http.h"
#include "storage/kube_store.h"

struct event_base;
struct event;

typedef struct apiserver_cache apiserver_cache_t;
typedef struct apiserver apiserver_t;

/* A cached object: its JSON bytes, serialized once (with its
 * resourceVersion), plus the few parsed fields that selectors and
 * admission read. No parsed tree is kept (a cJSON tree is several times the
 * wire size): apiserver_obj_tree() parses on demand. Reference-counted;
 * loop thread. */
typedef struct apiserver_obj {
	int refs;
	char *key;
	char *ns;   /* "" for cluster-scoped */
	char *name;
	char **labels; /* metadata.labels as k0,v0,k1,v1,...,NULL; NULL when none */
	char **fields; /* field-selector values computed so far: f0,v0,...,NULL */
	bool terminating; /* metadata.deletionTimestamp set or status.phase Terminating */
	char *json; /* compact JSON, no newline */
	size_t len;
	int64_t rev;
} apiserver_obj_t;

typedef struct apiserver_metric {
	char *verb, *resource;
	int code;
	uint64_t count;
	double sum;
	uint64_t buckets[12];
} apiserver_metric_t;

struct apiserver {
	apiserver_options_t *opts;
	struct event_base *base;
	kube_store_t *store;
	char *prefix; /* --etcd-prefix without a trailing slash */
	kube_http_server_t *http_insecure, *http_secure;
	kube_tls_config_t *tls;
	int insecure_port, secure_port;
	char advertise[64];

	/* watch caches, one per storage segment */
	apiserver_cache_t **caches;
	size_t ncaches;
	int64_t cache_rev; /* last store revision applied to the caches */
	kube_store_watch_t *store_watch;
	struct fresh_waiter *fresh;

	/* workers */
	pthread_t *workers;
	int nworkers;
	pthread_mutex_t work_lock;
	pthread_cond_t work_cond;
	struct work *work_head, *work_tail;
	bool work_stop;

	/* allocations in flight (loop thread) */
	struct alloc_hold *holds;

	/* metrics (loop thread) */
	apiserver_metric_t *metrics;
	size_t nmetrics;
	size_t watchers;

	bool ready;
	bool shutting_down;
	struct event *sig_term, *sig_int, *event_sweep;
	struct apiserver_endpoints *endpoints; /* apiserver_endpoints.c */
	int64_t started_ns;
};

/* ---- objects ---- */
apiserver_obj_t *apiserver_obj_new(const char *key, cJSON *obj, int64_t rev);
void apiserver_obj_ref(apiserver_obj_t *o);
void apiserver_obj_unref(apiserver_obj_t *o);
/* The object parsed into a new tree (caller cJSON_Delete()s it); NULL only
 * if the bytes do not parse. */
cJSON *apiserver_obj_tree(const apiserver_obj_t *o);
/* Whether the object's labels match sel (NULL sel matches). */
bool apiserver_obj_labels_match(const apiserver_obj_t *o, const kube_selector_t *sel);
/* The value of a field label of kind k ("" when absent), computed once per
 * object and kept; NULL when the kind does not support the field. */
const char *apiserver_obj_field(apiserver_obj_t *o, const kube_kind_t *k, const char *field);

/* ---- keys ---- */
/* "<prefix>/<storage>/<ns>/<name>" or "<prefix>/<storage>/<name>". */
char *apiserver_key(const apiserver_t *s, const kube_kind_t *k, const char *ns, const char *name);
/* "<prefix>/<storage>/" [+ "<ns>/"] */
char *apiserver_key_prefix(const apiserver_t *s, const kube_kind_t *k, const char *ns);

/* ---- work (apiserver_work.c) ---- */
typedef void (*apiserver_work_fn)(void *arg);
int apiserver_work_start(apiserver_t *s, int nworkers);
void apiserver_work_stop(apiserver_t *s);
/* Run fn(arg) on a worker thread; it finishes by kube_loop_post()ing back. */
void apiserver_work_submit(apiserver_t *s, apiserver_work_fn fn, void *arg);

/* ---- caches (apiserver_cache.c) ---- */
int apiserver_cache_start(apiserver_t *s);
void apiserver_cache_stop(apiserver_t *s);
apiserver_cache_t *apiserver_cache_for(apiserver_t *s, const kube_kind_t *k);
/* Run fn(arg) on the loop once the caches have caught up with the store's
 * current revision (consistent reads). */
void apiserver_cache_when_fresh(apiserver_t *s, void (*fn)(void *arg), void *arg);
/* Lookup; borrowed, valid until control returns to the loop. */
apiserver_obj_t *apiserver_cache_get(apiserver_cache_t *c, const char *ns, const char *name);
/* Objects of a namespace ("" or NULL = all), in key order; borrowed array. */
apiserver_obj_t **apiserver_cache_items(apiserver_cache_t *c, size_t *ret_n);
size_t apiserver_cache_count(apiserver_cache_t *c);
/* Serve a WATCH on the loop thread (the request is finished by the watch). */
void apiserver_cache_watch(apiserver_t *s, apiserver_cache_t *c, const kube_kind_t *k,
			   kube_http_req_t *req, const char *ns, const char *name);
int64_t apiserver_cache_oldest_rev(apiserver_cache_t *c);

/* ---- REST (apiserver_rest.c) ---- */
void apiserver_rest_handle(apiserver_t *s, kube_http_req_t *req, const char *path);
/* Answer with a Status and free it. */
void apiserver_respond_status(apiserver_t *s, kube_http_req_t *req, kube_status_t *st);
void apiserver_respond_json(apiserver_t *s, kube_http_req_t *req, int code, kube_buf_t *body);
/* Record a finished request for /metrics. */
void apiserver_metrics_observe(apiserver_t *s, const char *verb, const char *resource, int code,
			       int64_t start_ns);
/* The ClusterIP/NodePort allocators (apiserver_alloc.c), loop thread. */
int apiserver_alloc_service(apiserver_t *s, cJSON *svc, const cJSON *old, kube_status_t *st);
void apiserver_alloc_release_pending(apiserver_t *s, const char *ns, const char *name);
void apiserver_alloc_clear(apiserver_t *s);
/* Claim a ClusterIP ("ipaddresses", "10.0.0.7") or NodePort
 * ("servicenodeports", "30123") for Service ns/name across API servers
 * sharing etcd (apiserver_claims.c). 0 claimed (always, on the embedded
 * store), -EEXIST held by another Service, or a store error. */
int apiserver_claim(apiserver_t *s, const char *what, const char *id, const char *ns,
		    const char *name);

/* The kubernetes Service's endpoints from API server leases
 * (apiserver_endpoints.c): start on the loop thread once workers run; stop
 * after the workers stopped (removes this server's lease). */
typedef struct apiserver_endpoints apiserver_endpoints_t;
void apiserver_endpoints_start(apiserver_t *s);
void apiserver_endpoints_stop(apiserver_t *s);

/* ---- bootstrap (apiserver_server.c) ---- */
int apiserver_bootstrap(apiserver_t *s);

/* Helpers shared by modules. */
void apiserver_set_rv(cJSON *obj, int64_t rev);
void apiserver_now_rfc3339(char *buf, size_t size);
/* A random (v4) UID for metadata.uid; size at least 37. */
void apiserver_new_uid(char *out, size_t size);

#endif
