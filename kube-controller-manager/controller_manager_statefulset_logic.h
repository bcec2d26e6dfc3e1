/*
 * controller_manager_statefulset_logic: the StatefulSet controller's
 * decisions as pure functions. Pods are named "<set>-<ordinal>" (from
 * spec.ordinals.start), with hostname = name, subdomain = serviceName, and
 * the labels controller-revision-hash (the revision name),
 * statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index.
 * OrderedReady creates one pod at a time in ordinal order, each waiting for
 * the ones below to be Running and Ready, and removes surplus pods from
 * the highest ordinal down, one at a time; Parallel does both at once.
 * RollingUpdate replaces pods of the old revision from the highest ordinal
 * down to spec.updateStrategy.rollingUpdate.partition, one at a time once
 * the set is healthy; OnDelete only recreates deleted pods. Failed pods
 * are deleted and recreated. Status: replicas, readyReplicas,
 * availableReplicas, currentReplicas, updatedReplicas, currentRevision,
 * updateRevision, observedGeneration.
 */
#ifndef CONTROLLER_MANAGER_STATEFULSET_LOGIC_H
#define CONTROLLER_MANAGER_STATEFULSET_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

typedef struct controller_manager_statefulset_plan {
	int64_t *create;	/* ordinals to create */
	size_t n_create;
	char **deletes;		/* pod names */
	size_t n_deletes;
	cJSON *status;		/* new status or NULL */
} controller_manager_statefulset_plan_t;

/* update_rev: the revision name of the current template ("<set>-<hash>"). */
void controller_manager_statefulset_plan(const cJSON *sts, const cJSON *const *pods, size_t n_pods,
					 const char *update_rev, int64_t now,
					 controller_manager_statefulset_plan_t *ret);
void controller_manager_statefulset_plan_clear(controller_manager_statefulset_plan_t *p);
/* The pod for ordinal at revision rev. */
cJSON *controller_manager_statefulset_pod(const cJSON *sts, int64_t ordinal, const char *rev);
/* The PersistentVolumeClaims pod ordinal needs, one per
 * spec.volumeClaimTemplates entry, named "<claim>-<set>-<ordinal>" with the
 * set's selector labels (an array; the pod from _pod refers to them). */
cJSON *controller_manager_statefulset_claims(const cJSON *sts, int64_t ordinal);
/* The ordinal of a pod named "<set>-<n>", or -1. */
int64_t controller_manager_statefulset_ordinal(const char *set, const char *pod_name);

#endif
