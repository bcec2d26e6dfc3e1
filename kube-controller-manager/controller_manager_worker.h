/*
 * controller_manager_worker: what every controller of this program runs
 * on: a pool of worker threads draining a kube_workqueue (each waits for
 * the informer caches to sync first, then calls sync(key); a failed sync
 * is re-queued rate-limited, a good one forgotten), and upstream's
 * ControllerExpectations (creations and deletions a controller has asked
 * for and not yet seen in its cache, so it does not act twice on a
 * stale cache; they expire after 5 minutes as upstream).
 *
 * Threading: everything here is thread-safe.
 */
#ifndef CONTROLLER_MANAGER_WORKER_H
#define CONTROLLER_MANAGER_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "client/kube_informer.h"
#include "client/kube_workqueue.h"
#include "controller_manager.h"

/* 0: done; < 0: failed, retry with backoff. */
typedef int (*controller_manager_sync_fn)(void *arg, const char *key);

typedef struct controller_manager_workers controller_manager_workers_t;

/* Start n threads on q. q is borrowed. */
controller_manager_workers_t *controller_manager_workers_start(controller_manager_ctx_t *ctx,
							       kube_workqueue_t *q, int n,
							       const char *name,
							       controller_manager_sync_fn fn, void *arg);
/* Shut q down and join the threads. Accepts NULL. */
void controller_manager_workers_stop(controller_manager_workers_t *w);

/* Queue obj's key ("ns/name"). */
void controller_manager_enqueue(kube_workqueue_t *q, const kube_obj_t *obj);

typedef struct controller_manager_expect controller_manager_expect_t;
controller_manager_expect_t *controller_manager_expect_new(void);
void controller_manager_expect_free(controller_manager_expect_t *e);
/* Record that key asked for adds creations and dels deletions. */
void controller_manager_expect_set(controller_manager_expect_t *e, const char *key, int adds, int dels);
/* An asked-for creation (or deletion, or a creation that failed) was seen. */
void controller_manager_expect_add_seen(controller_manager_expect_t *e, const char *key);
void controller_manager_expect_del_seen(controller_manager_expect_t *e, const char *key);
/* Nothing pending (or the record expired, or none exists). */
bool controller_manager_expect_satisfied(controller_manager_expect_t *e, const char *key);
void controller_manager_expect_forget(controller_manager_expect_t *e, const char *key);

#endif
