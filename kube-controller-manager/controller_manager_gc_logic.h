/*
 * controller_manager_gc_logic: the pure parts of the pod garbage collector
 * ("podgc") and the resource quota controller ("resourcequota").
 *
 * podgc: terminated pods (Succeeded/Failed) beyond
 * --terminated-pod-gc-threshold go, oldest first (0 disables); pods bound
 * to nodes that no longer exist go; unscheduled pods being deleted go.
 *
 * resourcequota: status.used for each key of spec.hard: pods / count/pods
 * (pods not terminal), cpu, memory, ephemeral-storage and their requests.*
 * and limits.* forms (per pod the larger of the containers' sum and any
 * init container, plus overhead), object counts (services, configmaps,
 * secrets, persistentvolumeclaims, replicationcontrollers, resourcequotas,
 * services.loadbalancers, services.nodeports and count/<resource>[.<group>])
 * through a counting callback; pods filtered by the quota's scopes
 * (Terminating, NotTerminating, BestEffort, NotBestEffort).
 */
#ifndef CONTROLLER_MANAGER_GC_LOGIC_H
#define CONTROLLER_MANAGER_GC_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

typedef bool (*controller_manager_podgc_node_fn)(const char *node, void *arg);

/* Indexes into pods of those to delete, in *ret (kube_malloc'd, caller
 * frees), their number returned. */
size_t controller_manager_podgc_plan(const cJSON *const *pods, size_t n, int threshold,
				     controller_manager_podgc_node_fn node_exists, void *arg, size_t **ret);

/* How many objects of resource ("services", "deployments.apps") the
 * quota's namespace holds, or -1 if unknown. */
typedef int64_t (*controller_manager_quota_count_fn)(const char *resource, void *arg);

/* The status for quota given the pods of its namespace: {"hard", "used"}. */
cJSON *controller_manager_resourcequota_status(const cJSON *quota, const cJSON *const *pods, size_t n,
					       controller_manager_quota_count_fn count, void *arg);

#endif
