/*
 * scheduler_nodeinfo: the scheduler's view of pods and nodes, as upstream's
 * framework.PodInfo and framework.NodeInfo.
 *
 * A scheduler_pod_t wraps one pod object (the cJSON tree, owned) with what
 * the filters and scores need precomputed: its requests (upstream's
 * PodRequests: max(sum of containers, each init container, sidecars
 * included) + overhead), the same with the non-zero defaults (100m cpu,
 * 200Mi memory) used for scoring, its host ports and its priority. Pods are
 * reference-counted: a node info holds a reference on each pod on it.
 *
 * A scheduler_nodeinfo_t holds one node object (owned) and the pods on it
 * (bound and assumed), with the sums of their requests and the host ports
 * in use. Add and remove keep the sums exact.
 *
 * Threading: none; the scheduler cache serialises access. Pod reference
 * counts are atomic, so a pod may be shared with another thread read-only.
 */
#ifndef SCHEDULER_NODEINFO_H
#define SCHEDULER_NODEINFO_H

#include <stdatomic.h>

#include <cJSON.h>

#include "api/kube_selector.h"
#include "core/kube_core.h"

#define SCHEDULER_DEFAULT_MILLI_CPU 100			/* upstream DefaultMilliCPURequest */
#define SCHEDULER_DEFAULT_MEMORY (200LL * 1024 * 1024)	/* DefaultMemoryRequest */

/* One extended ("scalar") resource: nvidia.com/gpu, hugepages-2Mi, ... */
typedef struct scheduler_scalar {
	char *name;
	int64_t value;
} scheduler_scalar_t;

typedef struct scheduler_resources {
	int64_t milli_cpu;
	int64_t memory;
	int64_t ephemeral_storage;
	int64_t pods;		/* allocatable pod count (node side only) */
	scheduler_scalar_t *scalar;
	size_t nscalar;
} scheduler_resources_t;

void scheduler_resources_clear(scheduler_resources_t *r);
/* Value of the scalar resource name, 0 when absent. */
int64_t scheduler_resources_scalar(const scheduler_resources_t *r, const char *name);
/* Add v (may be negative) to the scalar resource name. */
void scheduler_resources_scalar_add(scheduler_resources_t *r, const char *name, int64_t v);
/* Parse a ResourceList object ({"cpu":"1","memory":"1Gi",...}) into r
 * (added to what r holds). Unparsable quantities are skipped. */
void scheduler_resources_add_list(scheduler_resources_t *r, const cJSON *list);
/* r += sign * b */
void scheduler_resources_add(scheduler_resources_t *r, const scheduler_resources_t *b, int sign);

typedef struct scheduler_port {
	char protocol[8];	/* "TCP", "UDP", "SCTP" */
	char ip[48];		/* "0.0.0.0" when unset */
	int port;
} scheduler_port_t;

/* A PodAffinityTerm (weight set for the preferred ones). */
typedef struct scheduler_term {
	kube_selector_t *selector;	/* NULL: matches nothing (a null labelSelector) */
	const cJSON *namespaces;	/* borrowed; array or NULL */
	bool all_namespaces;		/* namespaceSelector: {} */
	bool ns_selector;		/* some namespaceSelector given */
	const char *topology_key;	/* borrowed */
	int32_t weight;
} scheduler_term_t;

typedef struct scheduler_pod scheduler_pod_t;
/* Whether term (of pod owner) selects pod q: namespaces and labelSelector. */
bool scheduler_term_matches(const scheduler_term_t *t, const scheduler_pod_t *owner,
			    const scheduler_pod_t *q);

struct scheduler_pod {
	atomic_int refs;
	cJSON *json;		/* owned, or borrowed from owner */
	void *owner;		/* with release: keeps a shared json alive */
	void (*release)(void *owner);
	const char *namespace_, *name, *uid, *node_name; /* into json; "" when absent */
	const cJSON *labels;	/* metadata.labels or NULL */
	/* borrowed from json, NULL when absent */
	const cJSON *tolerations, *node_selector;
	const cJSON *required_node_affinity;	/* nodeAffinity.requiredDuring... (an object) */
	const cJSON *preferred_node_affinity;	/* nodeAffinity.preferredDuring... (an array) */
	const char *nominated_node;		/* status.nominatedNodeName or NULL */
	int32_t priority;	/* spec.priority, 0 when unset */
	bool terminating;	/* metadata.deletionTimestamp set */
	scheduler_resources_t req;	/* requests */
	int64_t nonzero_milli_cpu, nonzero_memory;	/* with the non-zero defaults */
	scheduler_port_t *ports;	/* host ports (hostPort > 0) */
	size_t nports;
	/* spec.affinity.pod(Anti)Affinity terms, parsed */
	scheduler_term_t *req_aff, *req_anti, *pref_aff, *pref_anti;
	size_t nreq_aff, nreq_anti, npref_aff, npref_anti;
	int64_t start_ns;	/* status.startTime (or creationTimestamp), wall ns */
	/* upstream's DefaultSelector (the pod's Services, ReplicaSet,
	 * StatefulSet or ReplicationController), set by the caller for the
	 * system-default spread constraints; owned, NULL when none */
	kube_selector_t *default_selector;
};

/* Wrap a pod object (taken over) with one reference. */
scheduler_pod_t *scheduler_pod_new(cJSON *json);
/* Wrap a pod object that stays owned by owner (an informer's immutable
 * cached object, say): release(owner) is called when the pod is freed.
 * The json must not change meanwhile. */
scheduler_pod_t *scheduler_pod_new_shared(cJSON *json, void *owner, void (*release)(void *owner));
/* Parse JSON text into a new pod (tests); NULL on invalid JSON. */
scheduler_pod_t *scheduler_pod_parse(const char *json);
scheduler_pod_t *scheduler_pod_ref(scheduler_pod_t *p);
/* Drop a reference; the last frees. Accepts NULL. */
void scheduler_pod_unref(scheduler_pod_t *p);
KUBE_DEFINE_CLEANUP(scheduler_pod_t, scheduler_pod_unref)
/* "ns/name" into buf. */
void scheduler_pod_key(const scheduler_pod_t *p, char *buf, size_t size);
/* Compute requests as upstream's PodRequests into r (r cleared first);
 * non_zero applies the 100m / 200Mi defaults to containers lacking them. */
void scheduler_pod_requests(const cJSON *pod, bool non_zero, scheduler_resources_t *r);

typedef struct scheduler_nodeinfo {
	cJSON *node;		/* owned, or borrowed from node_owner */
	void *node_owner;
	void (*node_release)(void *owner);
	const char *name;	/* into node */
	const cJSON *labels;	/* node's metadata.labels or NULL */
	const cJSON *taints;	/* spec.taints or NULL */
	const cJSON *images;	/* status.images or NULL */
	bool unschedulable;	/* spec.unschedulable */
	scheduler_resources_t allocatable;
	scheduler_resources_t requested;
	int64_t nonzero_milli_cpu, nonzero_memory;
	scheduler_pod_t **pods;	/* references held */
	size_t npods, cap;
	size_t pods_with_affinity;	/* pods with any (anti-)affinity */
	size_t pods_with_required_anti_affinity;
	uint64_t generation;	/* bumped on every change */
} scheduler_nodeinfo_t;

/* A node info for node (taken over; NULL for a node not seen yet, only
 * pods known). */
scheduler_nodeinfo_t *scheduler_nodeinfo_new(cJSON *node);
/* Parse JSON text into a new node info (tests). */
scheduler_nodeinfo_t *scheduler_nodeinfo_parse(const char *json);
void scheduler_nodeinfo_free(scheduler_nodeinfo_t *ni);
KUBE_DEFINE_CLEANUP(scheduler_nodeinfo_t, scheduler_nodeinfo_free)
/* Replace the node object (taken over; may be NULL). */
void scheduler_nodeinfo_set_node(scheduler_nodeinfo_t *ni, cJSON *node);
/* Replace the node object with one owner keeps (release(owner) when done
 * with it); the json must not change meanwhile. */
void scheduler_nodeinfo_set_node_shared(scheduler_nodeinfo_t *ni, cJSON *node, void *owner,
					void (*release)(void *owner));
/* Add a pod (takes a reference). */
void scheduler_nodeinfo_add_pod(scheduler_nodeinfo_t *ni, scheduler_pod_t *p);
/* Remove the pod with p's uid (drops the reference). 0 or -ENOENT. */
int scheduler_nodeinfo_remove_pod(scheduler_nodeinfo_t *ni, const scheduler_pod_t *p);
/* A copy sharing the node object (duplicated) and pod references. */
scheduler_nodeinfo_t *scheduler_nodeinfo_clone(const scheduler_nodeinfo_t *ni);
/* Whether a port is free on the node (upstream's HostPortInfo.CheckConflict). */
bool scheduler_nodeinfo_port_free(const scheduler_nodeinfo_t *ni, const scheduler_port_t *port);
/* Node label value, or NULL. */
const char *scheduler_nodeinfo_label(const scheduler_nodeinfo_t *ni, const char *key);

#endif
