/*
 * controller_manager_pods: pure pod and ownership logic shared by the
 * ReplicaSet, ReplicationController and deployment controllers, as
 * upstream's pkg/controller (controller_utils.go, controller_ref_manager.go)
 * does it: active/ready/available pods, the ActivePodsWithRanks order used
 * to pick which pods to delete on scale-down, the claim decision
 * (adopt/release/ignore) for a pod against a controller, and building
 * controller ownerReferences.
 *
 * Pods are JSON objects borrowed from the caller. No I/O. Thread-safe.
 */
#ifndef CONTROLLER_MANAGER_PODS_H
#define CONTROLLER_MANAGER_PODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "api/kube_selector.h"

/* Not Succeeded/Failed and no deletionTimestamp (FilterActivePods). */
bool controller_manager_pod_active(const cJSON *pod);
/* The Ready condition is True. */
bool controller_manager_pod_ready(const cJSON *pod);
/* When the Ready condition last turned True (0: unknown). */
int64_t controller_manager_pod_ready_since(const cJSON *pod);
/* Ready for at least min_ready_seconds at time now (IsPodAvailable). */
bool controller_manager_pod_available(const cJSON *pod, int64_t min_ready_seconds, int64_t now_ns);
/* metadata.creationTimestamp in ns (0 when absent). */
int64_t controller_manager_obj_created(const cJSON *obj);

/* Sort pods (borrowed pointers) so that the ones to delete first come
 * first (ActivePodsWithRanks with LogarithmicScaleDown; the rank is the
 * number of pods in the same set on the same node). */
void controller_manager_pods_rank_for_deletion(const cJSON **pods, size_t n, int64_t now_ns);

/* The ReplicaSet diff (manageReplicas): with n active pods and want
 * replicas, the number of pods to create (> 0, at most burst) or minus the
 * number to delete (< 0, at most burst); when deleting, pods is reordered
 * so the ones to delete come first. */
int64_t controller_manager_pods_diff(const cJSON **pods, size_t n, int64_t want, int64_t burst,
				     int64_t now_ns);
/* slowStartBatch: the size of the next creation batch after one of
 * `prev` (0 for the first), with `left` still to create: 1, 2, 4, ... */
int64_t controller_manager_pods_next_batch(int64_t prev, int64_t left);

/* The controller ownerReference of obj (controller: true), or NULL. */
const cJSON *controller_manager_controller_ref(const cJSON *obj);

typedef enum controller_manager_claim {
	CM_CLAIM_IGNORE,	/* owned by another controller, or not ours to take */
	CM_CLAIM_OWNED,		/* ours and matching */
	CM_CLAIM_ADOPT,		/* an orphan that matches: add our controllerRef */
	CM_CLAIM_RELEASE,	/* ours but no longer matching: remove our ref */
} controller_manager_claim_t;

/* ClaimObject: decide for obj against a controller with uid owner_uid and
 * selector sel; owner_deleting: the controller has a deletionTimestamp. */
controller_manager_claim_t controller_manager_claim(const cJSON *obj, const char *owner_uid,
						    const kube_selector_t *sel, bool owner_deleting);

/* A controller ownerReference to owner (apiVersion, kind given):
 * controller and blockOwnerDeletion true. Caller cJSON_Delete()s. */
cJSON *controller_manager_owner_ref(const cJSON *owner, const char *api_version, const char *kind);

/* The merge patch adopting obj (ownerReferences with ours added, and
 * metadata.uid as precondition), or releasing it (ours removed). kube_malloc'd. */
char *controller_manager_adopt_patch(const cJSON *obj, const cJSON *owner_ref);
char *controller_manager_release_patch(const cJSON *obj, const char *owner_uid);

#endif
