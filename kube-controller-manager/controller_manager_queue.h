/*
 * controller_manager_queue: the worker loop of the job, cronjob,
 * endpoints, endpointslice, node lifecycle, daemonset, statefulset, podgc,
 * nodeipam and resourcequota controllers: a kube_workqueue plus n threads
 * that wait for the informer caches to sync, then call sync(key). A sync
 * returns < 0 to retry the key rate-limited, 0 when done, or > 0 to look at
 * the key again after that many milliseconds (schedules, deadlines, grace
 * periods).
 *
 * Threading: add/add_after/add_obj are thread-safe (informer handlers call
 * them); start and stop are called by the controller's start/stop.
 */
#ifndef CONTROLLER_MANAGER_QUEUE_H
#define CONTROLLER_MANAGER_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/kube_informer.h"
#include "client/kube_workqueue.h"
#include "controller_manager.h"

typedef int64_t (*controller_manager_queue_sync_fn)(void *arg, const char *key);

typedef struct controller_manager_queue controller_manager_queue_t;

/* Make the queue and start n workers calling fn(arg, key). */
controller_manager_queue_t *controller_manager_queue_start(controller_manager_ctx_t *ctx, const char *name,
							   int n, controller_manager_queue_sync_fn fn,
							   void *arg);
/* Shut down, join the workers, free. Accepts NULL. */
void controller_manager_queue_stop(controller_manager_queue_t *q);

void controller_manager_queue_add(controller_manager_queue_t *q, const char *key);
void controller_manager_queue_add_after(controller_manager_queue_t *q, const char *key, int64_t ms);
/* Queue obj's key ("ns/name" or "name"). */
void controller_manager_queue_add_obj(controller_manager_queue_t *q, const kube_obj_t *obj);
/* Queue the key of obj's controller ownerReference if its kind is kind
 * ("ns/<owner name>"). */
void controller_manager_queue_add_owner(controller_manager_queue_t *q, const kube_obj_t *obj,
					const char *kind);

/* Wait (up to timeout_ms) until the informer's cache shows each of the n
 * names in namespace ns (present: true) or shows them gone or being
 * deleted (present: false), so a sync does not act twice on a stale cache.
 * Returns true when it does. */
bool controller_manager_queue_wait_cache(kube_informer_t *inf, const char *ns, char *const *names,
					 size_t n, bool present, int64_t timeout_ms);

/* After a write: wait (up to timeout_ms) until the informer's copy of
 * ns/name is no longer at old_rv (the version the write started from) or
 * is gone, so the next sync does not start from the stale copy (watch
 * events arrive in order, so any newer version includes the write). */
void controller_manager_queue_wait_rv(kube_informer_t *inf, const char *ns, const char *name, const char *old_rv,
				      int64_t timeout_ms);

#endif
