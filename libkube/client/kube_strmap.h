/*
 * kube_strmap: a small hash map from strings to pointers, used by the
 * client machinery (work queue sets, informer caches and indexes).
 * The map owns copies of its keys; values belong to the caller (the map
 * never frees them). Chained buckets, grown at load factor 1.
 * Not thread-safe: the owner locks.
 */
#ifndef KUBE_STRMAP_H
#define KUBE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kube_strmap_entry {
	char *key;
	void *value;
	unsigned hash;
	struct kube_strmap_entry *next;
} kube_strmap_entry_t;

typedef struct kube_strmap {
	kube_strmap_entry_t **buckets;
	size_t nbuckets;
	size_t count;
} kube_strmap_t;

#define KUBE_STRMAP_INIT { NULL, 0, 0 }

/* Free every entry (not the values). */
void kube_strmap_clear(kube_strmap_t *m);
/* The entry for key, or NULL. */
kube_strmap_entry_t *kube_strmap_find(const kube_strmap_t *m, const char *key);
void *kube_strmap_get(const kube_strmap_t *m, const char *key);
bool kube_strmap_has(const kube_strmap_t *m, const char *key);
/* Set key to value; returns the previous value (NULL if none). */
void *kube_strmap_put(kube_strmap_t *m, const char *key, void *value);
/* Remove key; returns its value (NULL if none). *ret_found tells whether it
 * was present (may be NULL). */
void *kube_strmap_remove(kube_strmap_t *m, const char *key, bool *ret_found);

/* Iterate: for (it = kube_strmap_first(m); it; it = kube_strmap_next(m, it)).
 * The map must not change while iterating. */
kube_strmap_entry_t *kube_strmap_first(const kube_strmap_t *m);
kube_strmap_entry_t *kube_strmap_next(const kube_strmap_t *m, const kube_strmap_entry_t *e);

#endif
