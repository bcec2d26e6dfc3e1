/*
 * kube_store_impl: the backend vtable behind kube_store.h. Private to
 * libkube/storage: each backend file fills one kube_store_ops_t and
 * kube_store.c dispatches to it.
 */
#ifndef KUBE_STORE_IMPL_H
#define KUBE_STORE_IMPL_H

#include "storage/kube_store.h"

typedef struct kube_store_ops {
	const char *name;
	int (*open)(const kube_store_config_t *cfg, void **ret_impl);
	void (*free)(void *impl);
	int (*get)(void *impl, const char *key, kube_kv_t *ret);
	int (*list)(void *impl, const char *prefix, const char *start_key, size_t limit,
		    int64_t rev, kube_kv_list_t *ret);
	int (*count)(void *impl, const char *prefix, int64_t *ret);
	int (*create)(void *impl, const char *key, const char *value, size_t len,
		      int64_t *ret_rev);
	int (*update)(void *impl, const char *key, const char *value, size_t len,
		      int64_t expected, int64_t *ret_rev, kube_kv_t *ret_current);
	int (*delete)(void *impl, const char *key, int64_t expected, int64_t *ret_rev,
		      kube_kv_t *ret_prev);
	int64_t (*current_rev)(void *impl);
	int64_t (*compacted_rev)(void *impl);
	int (*compact)(void *impl, int64_t rev);
	int (*health)(void *impl);
	int (*watch)(void *impl, const char *prefix, int64_t from_rev, kube_store_watch_fn fn,
		     void *arg, kube_store_watch_t **ret);
	void (*watch_cancel)(kube_store_watch_t *w);
} kube_store_ops_t;

extern const kube_store_ops_t kube_store_sqlite_ops;
extern const kube_store_ops_t kube_store_etcd_ops;

#endif
