/*
 * controller_manager_daemonset_logic: the DaemonSet controller's decisions
 * as pure functions. A node should run the daemon pod when the template's
 * nodeName (if any), nodeSelector and required node affinity match it and
 * every NoSchedule/NoExecute taint is tolerated, counting the tolerations
 * the controller adds to every daemon pod (not-ready and unreachable
 * NoExecute; disk-, memory-, pid-pressure and unschedulable NoSchedule;
 * network-unavailable for hostNetwork). An existing pod may stay while only
 * NoSchedule taints are untolerated. Pods carry the template hash in
 * controller-revision-hash; RollingUpdate replaces old pods within
 * maxUnavailable, or with maxSurge starts the new pod next to the old one
 * and removes the old one once the new one is available; OnDelete replaces
 * pods only when they are deleted. Status counts follow
 * upstream (desired, current, misscheduled, ready, available, unavailable,
 * updated).
 */
#ifndef CONTROLLER_MANAGER_DAEMONSET_LOGIC_H
#define CONTROLLER_MANAGER_DAEMONSET_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* Whether node labels/fields satisfy a NodeSelector (nodeSelectorTerms). */
bool controller_manager_daemonset_node_selector_matches(const cJSON *node_selector, const cJSON *node);
/* Whether ds's pod should run on node; *ret_continue: whether an existing
 * pod may keep running there. */
bool controller_manager_daemonset_should_run(const cJSON *ds, const cJSON *node, bool *ret_continue);
/* The template hash (controller-revision-hash), kube_malloc'd. */
char *controller_manager_daemonset_hash(const cJSON *template_, int64_t collision_count);
/* A daemon pod for node (generateName "<ds>-", affinity pinning it to
 * node via matchFields metadata.name, default tolerations, labels
 * controller-revision-hash and pod-template-generation). */
cJSON *controller_manager_daemonset_pod(const cJSON *ds, const char *node, const char *hash);

typedef struct controller_manager_daemonset_plan {
	char **create_on;	/* node names to create a pod on */
	size_t n_create;
	char **deletes;		/* pod names */
	size_t n_deletes;
	cJSON *status;		/* new status or NULL */
} controller_manager_daemonset_plan_t;

void controller_manager_daemonset_plan(const cJSON *ds, const cJSON *const *nodes, size_t n_nodes,
				       const cJSON *const *pods, size_t n_pods, const char *hash,
				       int64_t now, controller_manager_daemonset_plan_t *ret);
void controller_manager_daemonset_plan_clear(controller_manager_daemonset_plan_t *p);

/* maxUnavailable (int or "N%" of total, rounded up as upstream); def when absent. */
int64_t controller_manager_daemonset_scaled(const cJSON *v, int64_t total, bool round_up, int64_t def);

#endif
