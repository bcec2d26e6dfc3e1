/*
 * controller_manager_replicaset: the ReplicaSet controller and, with the
 * same code, the ReplicationController controller (upstream's
 * pkg/controller/replicaset serves both). For each set it claims the
 * matching pods (adopting orphans, releasing pods that stopped matching),
 * creates or deletes pods to reach spec.replicas (creations in slow-start
 * batches of 1, 2, 4, ... up to 500 a sync; deletions in upstream's
 * ActivePods order), and writes status (replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas with minReadySeconds,
 * observedGeneration, the ReplicaFailure condition).
 *
 * The state belongs to the controller; see controller_manager.h.
 */
#ifndef CONTROLLER_MANAGER_REPLICASET_H
#define CONTROLLER_MANAGER_REPLICASET_H

#include "controller_manager.h"

typedef struct controller_manager_rs_kind {
	const char *group, *resource;	/* "apps" "replicasets" / "" "replicationcontrollers" */
	const char *api_version, *kind;
	const char *component;		/* event source */
	bool map_selector;		/* RC: spec.selector is a plain map */
} controller_manager_rs_kind_t;

int controller_manager_replicaset_start_kind(controller_manager_ctx_t *ctx,
					     const controller_manager_rs_kind_t *k, int workers,
					     void **ret_state);
void controller_manager_replicaset_stop(void *state);

extern const controller_manager_controller_t controller_manager_replicaset_controller;
extern const controller_manager_controller_t controller_manager_replicationcontroller_controller;

#endif
