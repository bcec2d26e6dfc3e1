/*
 * controller_manager_nodelifecycle_logic: the node lifecycle controller's
 * decisions as pure functions. Health: the controller notes, on its own
 * clock, when it last saw a node's Ready heartbeat (lastHeartbeatTime) or
 * its kube-node-lease Lease renewTime change; a node not heard from for
 * the grace period (--node-monitor-grace-period, 40 s; the startup grace
 * period for nodes that never posted Ready) gets its Ready,
 * MemoryPressure, DiskPressure and PIDPressure conditions set Unknown
 * (reason NodeStatusUnknown, "Kubelet stopped posting node status.").
 * Taints: node.kubernetes.io/not-ready or unreachable with NoExecute
 * (timeAdded) for a Ready condition False or Unknown, plus the NoSchedule
 * condition taints (not-ready, unreachable, memory-, disk-, pid-pressure,
 * network-unavailable, unschedulable), removed once the node recovers.
 * Eviction (the NoExecute taint manager): a pod on a node with NoExecute
 * taints goes when one is not tolerated, or after the smallest matching
 * tolerationSeconds from the taint's timeAdded. Times are Unix seconds on
 * the controller's clock.
 */
#ifndef CONTROLLER_MANAGER_NODELIFECYCLE_LOGIC_H
#define CONTROLLER_MANAGER_NODELIFECYCLE_LOGIC_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#define CONTROLLER_MANAGER_TAINT_NOT_READY "node.kubernetes.io/not-ready"
#define CONTROLLER_MANAGER_TAINT_UNREACHABLE "node.kubernetes.io/unreachable"

/* What the controller remembers of one node. */
typedef struct controller_manager_nodelc_health {
	char *heartbeat;	/* last seen Ready lastHeartbeatTime */
	char *lease_renew;	/* last seen Lease spec.renewTime */
	int64_t probe;		/* when either last changed (our clock) */
} controller_manager_nodelc_health_t;

void controller_manager_nodelc_health_clear(controller_manager_nodelc_health_t *h);
/* Note node's heartbeat and its lease (may be NULL) at now. */
void controller_manager_nodelc_observe(controller_manager_nodelc_health_t *h, const cJSON *node,
				       const cJSON *lease, int64_t now);

typedef struct controller_manager_nodelc_plan {
	cJSON *status;	/* new status (conditions set Unknown), or NULL */
	cJSON *taints;	/* new spec.taints (maybe empty), or NULL when unchanged */
	bool became_unknown;
	int64_t recheck_after; /* seconds until the node would go stale; -1 none */
} controller_manager_nodelc_plan_t;

void controller_manager_nodelc_plan(const cJSON *node, const controller_manager_nodelc_health_t *h,
				    int64_t now, int64_t grace, int64_t startup_grace,
				    controller_manager_nodelc_plan_t *ret);
void controller_manager_nodelc_plan_clear(controller_manager_nodelc_plan_t *p);

/* When pod must be evicted given the node's taints: -1 never (no NoExecute
 * taint, or all tolerated forever), else the time (<= now: at once). */
int64_t controller_manager_nodelc_eviction_time(const cJSON *pod, const cJSON *taints, int64_t now);

/* Zones (upstream's zone states): nodes are grouped by their
 * topology.kubernetes.io/region and zone labels. A zone with no Ready node
 * is fully disrupted; one with more than 2 not-ready nodes making at least
 * --unhealthy-zone-threshold of it is partially disrupted. NoExecute
 * taints are added at --node-eviction-rate per zone (normal or fully
 * disrupted zones), at --secondary-node-eviction-rate in partially
 * disrupted zones larger than --large-cluster-size-threshold (else not at
 * all), and never while every zone is fully disrupted (the controller then
 * assumes its own connectivity is at fault and lifts them). */
typedef enum controller_manager_nodelc_zone_state {
	CONTROLLER_MANAGER_ZONE_NORMAL,
	CONTROLLER_MANAGER_ZONE_PARTIAL,
	CONTROLLER_MANAGER_ZONE_FULL,
} controller_manager_nodelc_zone_state_t;

/* "region:\0:zone" as upstream's GetZoneKey ("" without labels); kube_malloc'd. */
char *controller_manager_nodelc_zone_key(const cJSON *node);
controller_manager_nodelc_zone_state_t controller_manager_nodelc_zone_state(int ready, int not_ready,
									    double unhealthy_threshold);
/* The NoExecute tainting rate (per second) for a zone. */
double controller_manager_nodelc_zone_rate(controller_manager_nodelc_zone_state_t st, int zone_size,
					   double rate, double secondary_rate, int large_cluster_threshold);
/* Drop from taints (a planned spec.taints) the NoExecute not-ready /
 * unreachable taints that old_taints lacks (not allowed to add now), or
 * every such taint when remove_all. Returns whether taints then equals
 * old_taints (nothing left to write). */
bool controller_manager_nodelc_hold_noexecute(cJSON *taints, const cJSON *old_taints, bool remove_all);
/* Whether taints (a planned spec.taints) adds a NoExecute not-ready or
 * unreachable taint that old_taints lacks. */
bool controller_manager_nodelc_adds_noexecute(const cJSON *taints, const cJSON *old_taints);

#endif
