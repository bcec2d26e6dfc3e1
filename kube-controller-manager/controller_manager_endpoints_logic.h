/*
 * controller_manager_endpoints_logic: what the endpoints and endpointslice
 * controllers compute from a Service and the pods of its namespace, as pure
 * functions. Pods matching spec.selector that have an IP and are not
 * terminal become addresses: ready ones (or all with
 * publishNotReadyAddresses) in addresses, the rest in notReadyAddresses;
 * each service port resolves its targetPort per pod (a named targetPort is
 * looked up in the pod's container ports with the same protocol; pods
 * without it are left out of that port). Headless services without ports
 * get address-only subsets. Addresses sharing the same port set form one
 * subset (upstream's RepackSubsets), sorted.
 *
 * EndpointSlices: one per port set and at most 100 endpoints, addressType
 * IPv4 (or IPv6), with the kubernetes.io/service-name and
 * endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
 * labels, endpoints carrying ready/serving/terminating conditions, nodeName,
 * zone, hostname and targetRef.
 */
#ifndef CONTROLLER_MANAGER_ENDPOINTS_LOGIC_H
#define CONTROLLER_MANAGER_ENDPOINTS_LOGIC_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#define CONTROLLER_MANAGER_ENDPOINTSLICE_MANAGED_BY "endpointslice-controller.k8s.io"
#define CONTROLLER_MANAGER_ENDPOINTSLICE_MAX 100

/* The port number pod serves svc_port's targetPort on, or -1. */
int controller_manager_endpoints_find_port(const cJSON *pod, const cJSON *svc_port);
/* Whether the Service selects pods (has a non-empty spec.selector). */
bool controller_manager_endpoints_selects(const cJSON *svc);
/* Whether pod's labels match svc's selector. */
bool controller_manager_endpoints_matches(const cJSON *svc, const cJSON *pod);

/* The desired Endpoints object for svc (name, namespace, labels, subsets). */
cJSON *controller_manager_endpoints_build(const cJSON *svc, const cJSON *const *pods, size_t n);
/* Whether existing already holds desired's subsets and labels. */
bool controller_manager_endpoints_same(const cJSON *existing, const cJSON *desired);

/* Zone of a node, or NULL (for EndpointSlice endpoints' zone). */
typedef const char *(*controller_manager_endpoints_zone_fn)(const char *node, void *arg);

/* Reconcile svc's EndpointSlices: given the existing ones, the slices to
 * create (new objects with generateName), to update (existing objects with
 * new contents, names kept) and the names to delete. Arrays are owned by
 * the caller (cJSON_Delete the three). */
typedef struct controller_manager_endpointslice_plan {
	cJSON *create;	/* array of objects */
	cJSON *update;	/* array of objects */
	cJSON *remove;	/* array of names */
} controller_manager_endpointslice_plan_t;
void controller_manager_endpointslice_plan(const cJSON *svc, const cJSON *const *pods, size_t n_pods,
					   const cJSON *const *existing, size_t n_existing,
					   controller_manager_endpoints_zone_fn zone, void *zone_arg,
					   controller_manager_endpointslice_plan_t *ret);
void controller_manager_endpointslice_plan_clear(controller_manager_endpointslice_plan_t *p);

#endif
