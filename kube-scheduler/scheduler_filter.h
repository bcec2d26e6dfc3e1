/*
 * scheduler_filter: the Filter extension point of upstream's default
 * profile, as pure functions over scheduler_nodeinfo_t: NodeUnschedulable,
 * NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
 * PodTopologySpread (DoNotSchedule) and InterPodAffinity (required terms),
 * run in upstream's order, stopping at the first plugin that rejects a
 * node. Each rejection carries upstream's status code and reason strings,
 * and scheduler_fit_error() builds upstream's FitError message
 * ("0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had ...").
 *
 * A scheduler_prefilter_t is the per-pod cycle state (upstream's PreFilter):
 * the topology-spread and inter-pod affinity counts over every node, made
 * once per scheduling attempt and then used for each node. It borrows the
 * pod and the node infos; keep them unchanged while it lives.
 *
 * Threading: none; callers serialise.
 */
#ifndef SCHEDULER_FILTER_H
#define SCHEDULER_FILTER_H

#include "scheduler_nodeinfo.h"
#include "scheduler_tpmap.h"

typedef enum scheduler_code {
	SCHEDULER_SUCCESS = 0,
	SCHEDULER_UNSCHEDULABLE,	/* preemption may help */
	SCHEDULER_UNRESOLVABLE,		/* UnschedulableAndUnresolvable */
} scheduler_code_t;

#define SCHEDULER_MAX_REASONS 8

/* A plugin's verdict on one node; reasons are owned (kube_malloc'd). */
typedef struct scheduler_status {
	scheduler_code_t code;
	const char *plugin;	/* static string */
	char *reasons[SCHEDULER_MAX_REASONS];
	size_t nreasons;
} scheduler_status_t;

void scheduler_status_clear(scheduler_status_t *st);
/* Set code and plugin and append one reason. Returns code. */
scheduler_code_t scheduler_status_add(scheduler_status_t *st, scheduler_code_t code,
				      const char *plugin, const char *fmt, ...) KUBE_PRINTF(4, 5);

/* Upstream's reason strings. */
#define SCHEDULER_ERR_UNSCHEDULABLE "node(s) were unschedulable"
#define SCHEDULER_ERR_NODE_NAME "node(s) didn't match the requested node name"
#define SCHEDULER_ERR_NODE_AFFINITY "node(s) didn't match Pod's node affinity/selector"
#define SCHEDULER_ERR_NODE_PORTS "node(s) didn't have free ports for the requested pod ports"
#define SCHEDULER_ERR_TOO_MANY_PODS "Too many pods"
#define SCHEDULER_ERR_SPREAD "node(s) didn't match pod topology spread constraints"
#define SCHEDULER_ERR_SPREAD_LABEL "node(s) didn't match pod topology spread constraints (missing required label)"
#define SCHEDULER_ERR_AFFINITY "node(s) didn't match pod affinity rules"
#define SCHEDULER_ERR_ANTI_AFFINITY "node(s) didn't match pod anti-affinity rules"
#define SCHEDULER_ERR_EXISTING_ANTI_AFFINITY "node(s) didn't satisfy existing pods anti-affinity rules"

/* ---- helpers shared with scoring ---- */

/* Whether toleration tolerates taint (both JSON objects), as upstream's
 * Toleration.ToleratesTaint. */
bool scheduler_toleration_tolerates(const cJSON *toleration, const cJSON *taint);
/* Whether some toleration in the array tolerates taint. */
bool scheduler_tolerations_tolerate(const cJSON *tolerations, const cJSON *taint);
/* The first NoSchedule/NoExecute taint of the node not tolerated, or NULL. */
const cJSON *scheduler_untolerated_taint(const cJSON *tolerations, const scheduler_nodeinfo_t *ni);
/* One NodeSelectorTerm (matchExpressions and matchFields, ANDed; an empty
 * term matches nothing) against a node. */
bool scheduler_node_selector_term_matches(const cJSON *term, const scheduler_nodeinfo_t *ni);
/* The pod's nodeSelector and required node affinity against the node. */
bool scheduler_node_affinity_matches(const scheduler_pod_t *pod, const scheduler_nodeinfo_t *ni);

/* A topology spread constraint of the pod being scheduled. */
typedef struct scheduler_spread {
	int32_t max_skew, min_domains;
	const char *key;		/* borrowed from the pod */
	kube_selector_t *selector;	/* owned unless borrowed; NULL matches nothing */
	bool borrowed;			/* selector is the pod's default_selector */
	bool hard;			/* whenUnsatisfiable: DoNotSchedule */
	bool honor_affinity, honor_taints;
	bool self_match;		/* the selector matches the pod itself */
	scheduler_tpmap_t counts;	/* (key, domain) -> matching pods */
	int64_t min_match;
	size_t ndomains;
} scheduler_spread_t;

/* Parse the pod's constraints with whenUnsatisfiable = hard ? DoNotSchedule
 * : ScheduleAnyway, matchLabelKeys merged into the selector. A pod with no
 * constraints at all and a default_selector gets upstream's system
 * defaults for scoring: hostname maxSkew 3 and zone maxSkew 5,
 * ScheduleAnyway (*ret_defaulted is then true; it may be NULL). */
void scheduler_spread_parse(const scheduler_pod_t *pod, bool hard, scheduler_spread_t **ret,
			    size_t *ret_n, bool *ret_defaulted);
/* Count matching pods per domain over the eligible nodes (those passing the
 * policies and having every constraint's key). */
void scheduler_spread_count(const scheduler_pod_t *pod, scheduler_spread_t *c, size_t n,
			    scheduler_nodeinfo_t *const *nodes, size_t nnodes);
/* Whether the node has every constraint's topology key. */
bool scheduler_spread_node_has_keys(const scheduler_spread_t *c, size_t n,
				    const scheduler_nodeinfo_t *ni);
void scheduler_spread_free(scheduler_spread_t *c, size_t n);

/* ---- PreFilter state and the filters ---- */

typedef struct scheduler_prefilter {
	const scheduler_pod_t *pod;
	scheduler_spread_t *spread;	/* DoNotSchedule constraints */
	size_t nspread;
	/* InterPodAffinity */
	scheduler_tpmap_t existing_anti;	/* existing pods' anti terms matching pod */
	scheduler_tpmap_t affinity;		/* pod's affinity terms, matching pods */
	scheduler_tpmap_t anti;			/* pod's anti terms, matching pods */
	bool self_affinity;		/* the pod matches all its own affinity terms */
} scheduler_prefilter_t;

/* Build the cycle state for pod over all nodes. */
void scheduler_prefilter_init(scheduler_prefilter_t *pf, const scheduler_pod_t *pod,
			      scheduler_nodeinfo_t *const *nodes, size_t n);
void scheduler_prefilter_clear(scheduler_prefilter_t *pf);

/* Individual filters: SCHEDULER_SUCCESS, or the code with st filled. */
scheduler_code_t scheduler_filter_unschedulable(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
						scheduler_status_t *st);
scheduler_code_t scheduler_filter_node_name(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					    scheduler_status_t *st);
scheduler_code_t scheduler_filter_taints(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					 scheduler_status_t *st);
scheduler_code_t scheduler_filter_node_affinity(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
						scheduler_status_t *st);
scheduler_code_t scheduler_filter_ports(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					scheduler_status_t *st);
scheduler_code_t scheduler_filter_resources(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					    scheduler_status_t *st);
scheduler_code_t scheduler_filter_spread(const scheduler_prefilter_t *pf, const scheduler_nodeinfo_t *ni,
					 scheduler_status_t *st);
scheduler_code_t scheduler_filter_interpod(const scheduler_prefilter_t *pf, const scheduler_nodeinfo_t *ni,
					   scheduler_status_t *st);

/* Every filter in upstream's order; stops at the first rejection. */
scheduler_code_t scheduler_filter_node(const scheduler_prefilter_t *pf, const scheduler_nodeinfo_t *ni,
				       scheduler_status_t *st);

/* ---- diagnosis ---- */

/* A histogram of reasons over the rejected nodes. */
typedef struct scheduler_diagnosis {
	scheduler_tpmap_t reasons;	/* (reason, "") -> nodes */
	size_t nnodes;			/* nodes considered */
} scheduler_diagnosis_t;

void scheduler_diagnosis_add(scheduler_diagnosis_t *d, const scheduler_status_t *st);
void scheduler_diagnosis_clear(scheduler_diagnosis_t *d);
/* Upstream's FitError.Error(): "0/<n> nodes are available: <sorted
 * "count reason" list>." followed by " <post_filter>." when post_filter is
 * non-empty (a trailing '.' in it is not doubled). kube_malloc'd. */
char *scheduler_fit_error(const scheduler_diagnosis_t *d, const char *post_filter);

#endif
