/*
 * scheduler_queue: upstream's PriorityQueue. Pods waiting to be scheduled
 * sit in one of three sub-queues:
 *  - active: ordered by priority (highest first), then by the time they
 *    were queued (upstream's PrioritySort);
 *  - backoff: pods that failed, until their backoff (1 s doubling per
 *    attempt up to 10 s) expires, then moved to active;
 *  - unschedulable: pods that failed and wait for a cluster event (node
 *    added or changed, a pod deleted, ...) that may make them fit; a move
 *    sends them to active (or backoff while still backing off). Pods left
 *    there longer than max_unschedulable_ns (5 min) are moved anyway.
 * A popped pod is "in flight" until done() or unschedulable(); a failure
 * that happens while a move request was issued after the pod was popped
 * goes to backoff rather than unschedulable, as upstream's
 * moveRequestCycle does, so no event is lost.
 *
 * The queue holds a reference on each pod. Time comes from now() (settable
 * for tests). Thread-safe: informer handlers add, update and delete while
 * the scheduling loop pops.
 */
#ifndef SCHEDULER_QUEUE_H
#define SCHEDULER_QUEUE_H

#include "scheduler_nodeinfo.h"

#define SCHEDULER_BACKOFF_INITIAL_NS 1000000000LL
#define SCHEDULER_BACKOFF_MAX_NS 10000000000LL

typedef struct scheduler_queue scheduler_queue_t;

typedef struct scheduler_qitem {
	scheduler_pod_t *pod;		/* a reference; scheduler_qitem_clear drops it */
	int attempts;			/* including this one */
	int64_t cycle;			/* the scheduling cycle of this pop */
	int64_t queued_ns;		/* when it entered the queue (latency metric) */
} scheduler_qitem_t;

void scheduler_qitem_clear(scheduler_qitem_t *it);

/* now: clock (NULL: kube_now_ns); max_unschedulable_ns 0: 5 minutes. */
scheduler_queue_t *scheduler_queue_new(int64_t (*now)(void), int64_t max_unschedulable_ns);
void scheduler_queue_free(scheduler_queue_t *q);

/* A new unscheduled pod: to active (replacing a queued copy). */
void scheduler_queue_add(scheduler_queue_t *q, scheduler_pod_t *pod);
/* The pod changed: the queued copy is replaced; an unschedulable pod is
 * moved to active/backoff (its spec may now fit). A pod not queued is added. */
void scheduler_queue_update(scheduler_queue_t *q, scheduler_pod_t *pod);
/* Replace the queued copy of the pod without moving it (a status-only
 * change, e.g. status.nominatedNodeName). No-op when it is not queued. */
void scheduler_queue_refresh(scheduler_queue_t *q, scheduler_pod_t *pod);
/* The pod is gone (or bound elsewhere): drop it. */
void scheduler_queue_delete(scheduler_queue_t *q, const char *ns, const char *name);

/*
 * Pop the highest-priority active pod, flushing expired backoffs first.
 * Waits up to timeout_ms (< 0: forever) for one. Returns 0 with *ret set,
 * -ETIMEDOUT, or -ESHUTDOWN after scheduler_queue_close().
 */
int scheduler_queue_pop(scheduler_queue_t *q, int64_t timeout_ms, scheduler_qitem_t *ret);
/* The popped pod was bound (or dropped): forget it. */
void scheduler_queue_done(scheduler_queue_t *q, const scheduler_qitem_t *it);
/* The popped pod did not fit: to unschedulable (or backoff when a move
 * request came meanwhile). error true: an error, always to backoff. */
void scheduler_queue_unschedulable(scheduler_queue_t *q, const scheduler_qitem_t *it, bool error);
/* A cluster event that may help: move every unschedulable pod to active
 * (or backoff while backing off). only_affinity: move just the pods with
 * required pod affinity (an assigned pod was added). Returns pods moved. */
size_t scheduler_queue_move_all(scheduler_queue_t *q, bool only_affinity);
/* Move expired backoffs and long-unschedulable pods (pop does it too). */
void scheduler_queue_flush(scheduler_queue_t *q);
/* Backoff of a pod after `attempts` failures (1s, 2s, 4s, 8s, 10s, ...). */
int64_t scheduler_queue_backoff_ns(int attempts);

void scheduler_queue_lengths(scheduler_queue_t *q, size_t *active, size_t *backoff, size_t *unschedulable);
/* Wake pop() waiters; later pops return -ESHUTDOWN. */
void scheduler_queue_close(scheduler_queue_t *q);

#endif
