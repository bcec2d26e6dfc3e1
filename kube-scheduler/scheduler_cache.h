/*
 * scheduler_cache: upstream's scheduler cache. It holds a node info per
 * node (from the node informer) with the pods bound to it (from the pod
 * informer) and the pods the scheduler has assumed onto it before the
 * binding is confirmed, so that two pods never overbook a node.
 *
 * Life of an assumed pod: assume() adds it to its node at once; when the
 * informer reports the pod bound, add_pod() confirms it (moving it if it
 * landed elsewhere); when binding fails, forget() takes it off again.
 * A node removed while pods remain on it stays as a node-less info until
 * they go. It also tracks the pods nominated to nodes by preemption.
 *
 * Threading: every function takes the cache's lock. The scheduling loop
 * holds it around a whole attempt with lock()/unlock() and reads nodes[]
 * (node infos with a node object, in no particular order) meanwhile;
 * functions named *_locked expect the lock held.
 */
#ifndef SCHEDULER_CACHE_H
#define SCHEDULER_CACHE_H

#include <pthread.h>

#include "client/kube_strmap.h"
#include "scheduler_nodeinfo.h"

typedef struct scheduler_cache {
	pthread_mutex_t lock;
	kube_strmap_t infos;		/* node name -> scheduler_nodeinfo_t* */
	kube_strmap_t pods;		/* "ns/name" -> pod state (bound or assumed) */
	kube_strmap_t nominated;	/* "ns/name" -> scheduler_pod_t* (reference) */
	scheduler_nodeinfo_t **nodes;	/* infos with a node, rebuilt when dirty */
	size_t nnodes;
	bool dirty;
	scheduler_pod_t **nom;		/* nominated pods as an array (snapshot) */
	size_t nnom;
	bool nom_dirty;
} scheduler_cache_t;

scheduler_cache_t *scheduler_cache_new(void);
void scheduler_cache_free(scheduler_cache_t *c);

void scheduler_cache_lock(scheduler_cache_t *c);
void scheduler_cache_unlock(scheduler_cache_t *c);
/* The node infos with a node object (lock held; valid until unlock). */
scheduler_nodeinfo_t *const *scheduler_cache_nodes_locked(scheduler_cache_t *c, size_t *ret_n);
/* The nominated pods (lock held). */
scheduler_pod_t *const *scheduler_cache_nominated_locked(scheduler_cache_t *c, size_t *ret_n);

/* Nodes (node JSON taken over, or kept by owner until release(owner)). */
void scheduler_cache_set_node(scheduler_cache_t *c, cJSON *node);
void scheduler_cache_set_node_shared(scheduler_cache_t *c, cJSON *node, void *owner,
				     void (*release)(void *owner));
void scheduler_cache_remove_node(scheduler_cache_t *c, const char *name);

/* Bound pods from the informer (spec.nodeName set); takes a reference.
 * Confirms an assumed pod. */
void scheduler_cache_add_pod(scheduler_cache_t *c, scheduler_pod_t *pod);
void scheduler_cache_remove_pod(scheduler_cache_t *c, const char *ns, const char *name);
/* Assume pod onto node (takes a reference); -EEXIST when already there. */
int scheduler_cache_assume_locked(scheduler_cache_t *c, scheduler_pod_t *pod, const char *node);
/* Undo an assume (binding failed); no-op when the pod was confirmed meanwhile. */
void scheduler_cache_forget(scheduler_cache_t *c, const char *ns, const char *name);
/* Whether the pod is assumed or bound in the cache. */
bool scheduler_cache_has_pod(scheduler_cache_t *c, const char *ns, const char *name);

/* Nominated pods (a reference is taken); NULL node clears. */
void scheduler_cache_nominate(scheduler_cache_t *c, scheduler_pod_t *pod, const char *node);

/* Counts (for tests and metrics). */
size_t scheduler_cache_node_count(scheduler_cache_t *c);
size_t scheduler_cache_pod_count(scheduler_cache_t *c);

#endif
