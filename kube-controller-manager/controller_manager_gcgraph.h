/*
 * controller_manager_gcgraph: the pure decisions of the garbage collector,
 * as upstream's garbagecollector.attemptToDeleteItem makes them. Given a
 * dependent's ownerReferences and the state of each owner, decide whether
 * the dependent stays, loses the references to absent or
 * foreground-deleting owners, or is deleted (and with which propagation
 * policy); also the finalizer rules of owners being deleted in the
 * foreground (blocked while a dependent with blockOwnerDeletion remains)
 * and with the orphan finalizer.
 *
 * No I/O. Thread-safe.
 */
#ifndef CONTROLLER_MANAGER_GCGRAPH_H
#define CONTROLLER_MANAGER_GCGRAPH_H

#include <stdbool.h>

#include <cJSON.h>

#define CM_FINALIZER_FOREGROUND "foregroundDeletion"
#define CM_FINALIZER_ORPHAN "orphan"

typedef enum controller_manager_gc_owner {
	CM_GC_OWNER_SOLID,	/* exists with that uid, not deleting in the foreground */
	CM_GC_OWNER_DANGLING,	/* absent, or present with another uid */
	CM_GC_OWNER_WAITING,	/* exists and is being deleted with foregroundDeletion */
} controller_manager_gc_owner_t;

/* The state of the owner one ownerReference names. */
typedef controller_manager_gc_owner_t (*controller_manager_gc_lookup_fn)(const cJSON *ref, void *arg);

typedef enum controller_manager_gc_action {
	CM_GC_KEEP,		/* nothing to do */
	CM_GC_REMOVE_REFS,	/* has solid owners: drop refs to dangling/waiting ones */
	CM_GC_UNBLOCK_DELETE,	/* owners waiting on us and we have dependents:
				 * unblock our refs to them, delete in the foreground */
	CM_GC_DELETE,		/* no solid owner left: delete with *ret_policy */
} controller_manager_gc_action_t;

/* Decide for item. has_dependents: some object names item as owner.
 * *ret_policy (for CM_GC_DELETE): "Orphan" when item has the orphan
 * finalizer, "Foreground" with foregroundDeletion, else "Background".
 * *ret_patch (CM_GC_REMOVE_REFS, CM_GC_UNBLOCK_DELETE): the JSON merge
 * patch to apply to item, kube_malloc'd; NULL otherwise. */
controller_manager_gc_action_t controller_manager_gc_decide(const cJSON *item, bool has_dependents,
							    controller_manager_gc_lookup_fn lookup,
							    void *arg, const char **ret_policy,
							    char **ret_patch);

/* Whether dependent blocks the foreground deletion of owner_uid (a ref to
 * it with blockOwnerDeletion true). */
bool controller_manager_gc_blocks(const cJSON *dependent, const char *owner_uid);
/* Whether obj is deleting with finalizer `fin` pending. */
bool controller_manager_gc_deleting_with(const cJSON *obj, const char *fin);
/* The merge patch removing finalizer fin from obj (with its resourceVersion
 * as precondition), kube_malloc'd. */
char *controller_manager_gc_remove_finalizer_patch(const cJSON *obj, const char *fin);

#endif
