/*
 * scheduler_score: the Score extension point of upstream's default profile:
 * NodeResourcesFit (LeastAllocated over cpu and memory), the
 * NodeResourcesBalancedAllocation, NodeAffinity (preferred terms),
 * TaintToleration (PreferNoSchedule), PodTopologySpread (ScheduleAnyway)
 * InterPodAffinity (preferred terms, plus existing pods' terms) and
 * ImageLocality, each normalised to 0-100 as upstream does, then summed
 * with upstream's default weights. PodTopologySpread applies upstream's
 * system-default constraints when the pod has none and the caller set its
 * default_selector (see scheduler_spread_parse).
 *
 * Functions are pure over the node infos; callers serialise.
 */
#ifndef SCHEDULER_SCORE_H
#define SCHEDULER_SCORE_H

#include "scheduler_filter.h"
#include "scheduler_nodeinfo.h"

#define SCHEDULER_MAX_NODE_SCORE 100

/* Upstream's default plugin weights (v1.32 getDefaultPlugins). */
#define SCHEDULER_WEIGHT_TAINT_TOLERATION 3
#define SCHEDULER_WEIGHT_NODE_AFFINITY 2
#define SCHEDULER_WEIGHT_RESOURCES_FIT 1
#define SCHEDULER_WEIGHT_SPREAD 2
#define SCHEDULER_WEIGHT_INTERPOD 2
#define SCHEDULER_WEIGHT_BALANCED 1
#define SCHEDULER_WEIGHT_IMAGE_LOCALITY 1

/* Already 0-100. */
int64_t scheduler_score_least_allocated(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni);
int64_t scheduler_score_balanced(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni);
/* Raw scores, normalised with scheduler_normalize(). */
int64_t scheduler_score_node_affinity(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni);
int64_t scheduler_score_taints(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni);
/* Upstream's helper.DefaultNormalizeScore(100, reverse). */
void scheduler_normalize(int64_t *scores, size_t n, bool reverse);

/* ImageLocality for the feasible nodes into out (0-100): the sizes of the
 * pod's images already on a node, scaled by how many of all nodes have
 * them, between 23 MB and 1000 MB per container. */
void scheduler_score_images(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			    scheduler_nodeinfo_t *const *feasible, size_t n, int64_t *out);

/* PodTopologySpread for the feasible nodes: normalised scores into out
 * (all nodes are used for the counts). */
void scheduler_score_spread(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			    scheduler_nodeinfo_t *const *feasible, size_t n, int64_t *out);
/* InterPodAffinity for the feasible nodes, normalised into out.
 * hard_weight: --hard-pod-affinity-symmetric-weight (default 1). */
void scheduler_score_interpod(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			      scheduler_nodeinfo_t *const *feasible, size_t n, int32_t hard_weight,
			      int64_t *out);

/* The weighted sum of every plugin for each feasible node into total. */
void scheduler_score_nodes(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			   scheduler_nodeinfo_t *const *feasible, size_t n, int64_t *total);

#endif
