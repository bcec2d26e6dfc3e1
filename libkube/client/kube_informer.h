/*
 * kube_informer: client-go's shared informer in C. It lists a resource,
 * then watches it from the list's resourceVersion, keeping a local cache of
 * the objects indexed by namespace/name, by namespace, and by any custom
 * index (a function giving index values for an object, e.g. spec.nodeName).
 *
 * Handlers (add, update, delete) are called in event order from the
 * informer's own thread, one at a time. On a re-list (a 410 Gone/Expired
 * watch, or the stream dropping for longer than the watch can resume) the
 * cache is replaced and handlers see the differences only: adds, updates
 * and deletes (with final_state_unknown set, as client-go's
 * DeletedFinalStateUnknown). Every resync period, update is called for
 * every cached object with old == new. Watches use allowWatchBookmarks and
 * a random server timeout of 5-10 minutes, as client-go's reflector does;
 * on a dropped connection the informer re-watches from the last seen
 * resourceVersion with backoff (800 ms doubling to 30 s).
 *
 * Objects: the cache holds each object as an immutable, reference-counted
 * kube_obj_t. Handlers get borrowed pointers valid during the call; take a
 * reference (kube_obj_ref) to keep one. Never modify obj->json: duplicate
 * it (cJSON_Duplicate) to build an update.
 *
 * Threading: reading the cache (get, list, by_index) is thread-safe and
 * never blocks on the network. Handlers must not block for long: they
 * usually enqueue a key on a kube_workqueue.
 */
#ifndef KUBE_INFORMER_H
#define KUBE_INFORMER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "client/kube_client.h"

/* An immutable cached object. name/namespace_/uid/resource_version point
 * into json (namespace_ "" for cluster-scoped). */
typedef struct kube_obj {
	atomic_int refs;
	cJSON *json;
	const char *namespace_;
	const char *name;
	const char *uid;
	const char *resource_version;
} kube_obj_t;

/* Wrap json (taken over) as a new object with one reference. */
kube_obj_t *kube_obj_new(cJSON *json);
kube_obj_t *kube_obj_ref(kube_obj_t *o);
/* Drop a reference; the last one frees. Accepts NULL. */
void kube_obj_unref(kube_obj_t *o);
KUBE_DEFINE_CLEANUP(kube_obj_t, kube_obj_unref);
/* "ns/name", or "name" for cluster-scoped objects (client-go's
 * MetaNamespaceKeyFunc); kube_malloc'd. */
char *kube_obj_key(const kube_obj_t *o);
/* Split a key into namespace ("" when none) and name, kube_malloc'd. */
void kube_obj_split_key(const char *key, char **ret_ns, char **ret_name);

/* A list of object references (owned: kube_obj_list_clear unrefs them). */
typedef struct kube_obj_list {
	kube_obj_t **items;
	size_t n;
} kube_obj_list_t;
void kube_obj_list_clear(kube_obj_list_t *l);

typedef struct kube_informer kube_informer_t;

typedef struct kube_informer_handlers {
	void (*on_add)(kube_obj_t *obj, void *arg);
	void (*on_update)(kube_obj_t *old_obj, kube_obj_t *new_obj, void *arg);
	void (*on_delete)(kube_obj_t *obj, bool final_state_unknown, void *arg);
	void *arg;
} kube_informer_handlers_t;

/* An index function: call emit once per index value of obj (none, one or
 * several). */
typedef void (*kube_informer_index_fn)(const kube_obj_t *obj,
				       void (*emit)(const char *value, void *ctx), void *ctx);

typedef struct kube_informer_config {
	const kube_kind_t *kind;
	const char *namespace_;		/* NULL: all namespaces */
	const char *label_selector;	/* NULL: all */
	const char *field_selector;	/* e.g. "spec.nodeName=node-1" */
	int64_t resync_ms;		/* 0: no resync */
	int64_t page_size;		/* LIST limit; default 500, as client-go */
} kube_informer_config_t;

/* Make an informer (not started). The client must outlive it. */
kube_informer_t *kube_informer_new(kube_client_t *c, const kube_informer_config_t *cfg);
/* Add a handler set (several allowed; added to a running informer, the
 * set first sees every cached object as an add, as client-go does) and,
 * before start, named indexes (-EBUSY after start). */
void kube_informer_add_handlers(kube_informer_t *inf, const kube_informer_handlers_t *h);
int kube_informer_add_index(kube_informer_t *inf, const char *name, kube_informer_index_fn fn);
/* Start the informer's thread. Returns 0 or a negative errno. */
int kube_informer_start(kube_informer_t *inf);
/* Whether the first LIST has been delivered to the handlers. */
bool kube_informer_has_synced(kube_informer_t *inf);
/* Wait for has_synced; timeout_ms < 0 waits forever. Returns true once synced. */
bool kube_informer_wait_synced(kube_informer_t *inf, int64_t timeout_ms);
/* Stop the thread (cancels the watch) and wait for it. Idempotent. */
void kube_informer_stop(kube_informer_t *inf);
/* Stop and free. Accepts NULL. */
void kube_informer_free(kube_informer_t *inf);

/* Cache reads. get returns a new reference (caller unrefs) or NULL. */
kube_obj_t *kube_informer_get(kube_informer_t *inf, const char *ns, const char *name);
kube_obj_t *kube_informer_get_key(kube_informer_t *inf, const char *key);
/* Every object (ns NULL) or those of one namespace, as new references. */
void kube_informer_list(kube_informer_t *inf, const char *ns, kube_obj_list_t *ret);
/* Objects whose index `index` has value `value`. -ENOENT: no such index. */
int kube_informer_by_index(kube_informer_t *inf, const char *index, const char *value,
			   kube_obj_list_t *ret);
size_t kube_informer_count(kube_informer_t *inf);
/* The resourceVersion last seen (list or watch event or bookmark). */
char *kube_informer_last_rv(kube_informer_t *inf);

/* Shared informers, one per (kind, namespace, selectors), as client-go's
 * SharedInformerFactory: programs with several controllers ask the factory
 * so a resource is listed and watched once. */
typedef struct kube_informer_factory kube_informer_factory_t;
kube_informer_factory_t *kube_informer_factory_new(kube_client_t *c, int64_t default_resync_ms);
/* Get or make the informer for kind over all namespaces (not started). */
kube_informer_t *kube_informer_factory_get(kube_informer_factory_t *f, const kube_kind_t *kind);
/* Start every informer made so far that is not started. */
int kube_informer_factory_start(kube_informer_factory_t *f);
bool kube_informer_factory_wait_synced(kube_informer_factory_t *f, int64_t timeout_ms);
/* Stop and free every informer, then the factory. Accepts NULL. */
void kube_informer_factory_free(kube_informer_factory_t *f);

#endif
