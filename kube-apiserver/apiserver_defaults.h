/*
 * apiserver_defaults: upstream's SetDefaults for built-in kinds, applied in
 * place to an object held as a cJSON tree (called on create and on update
 * of the main resource, before validation). Covers Pod and every pod
 * template (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 * ReplicationController, PodTemplate), the workload specs, Service,
 * Namespace, Secret and PriorityClass, plus the DefaultTolerationSeconds
 * admission plugin and the pod's initial status (phase, qosClass).
 * Pure: no I/O, no globals; safe from any thread on distinct objects.
 */
#ifndef APISERVER_DEFAULTS_H
#define APISERVER_DEFAULTS_H

#include <cJSON.h>

#include "api/kube_kinds.h"

/* Apply defaults to obj (an object of kind k) in place. Fields already set
 * are kept. Jobs read metadata.uid (set it before calling) for the
 * controller-uid selector and labels. NULL k or non-object obj: no-op. */
void apiserver_defaults_apply(const kube_kind_t *k, cJSON *obj);

/* The pod QoS class upstream computes from a pod spec ("BestEffort",
 * "Burstable" or "Guaranteed"); static string. */
const char *apiserver_defaults_pod_qos(const cJSON *pod_spec);

#endif
