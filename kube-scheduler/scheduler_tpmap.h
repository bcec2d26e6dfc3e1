/*
 * scheduler_tpmap: a small hash map from a topology pair (key, value) to a
 * count, as upstream's topologyToMatchedTermCount and the spread counters.
 * Keys are copied; values are int64. Used per scheduling cycle by the
 * inter-pod affinity and topology spread plugins. Not thread-safe.
 */
#ifndef SCHEDULER_TPMAP_H
#define SCHEDULER_TPMAP_H

#include "core/kube_core.h"

typedef struct scheduler_tpmap_entry {
	char *key;	/* "key\0value" */
	size_t klen;
	int64_t value;
	bool used;
} scheduler_tpmap_entry_t;

typedef struct scheduler_tpmap {
	scheduler_tpmap_entry_t *slots;
	size_t cap, n;
} scheduler_tpmap_t;

void scheduler_tpmap_clear(scheduler_tpmap_t *m);
/* Add delta to (key, value), creating it at 0. */
void scheduler_tpmap_add(scheduler_tpmap_t *m, const char *key, const char *value, int64_t delta);
/* The count of (key, value); found (may be NULL) tells whether it exists. */
int64_t scheduler_tpmap_get(const scheduler_tpmap_t *m, const char *key, const char *value, bool *found);
/* Iterate: for (size_t i = 0; i < m->cap; i++) if (m->slots[i].used) ... */

#endif
