/*
 * scheduler_preempt: upstream's DefaultPreemption PostFilter, by
 * PriorityClass priority. For a pod that fits nowhere it dry-runs every
 * node the filters rejected with a resolvable status (Unschedulable):
 * remove all lower-priority pods, check that the pod then fits, and
 * reprieve the most important of them (highest priority, earliest start)
 * one by one while it still fits; the rest are the victims. Among the
 * candidates it picks upstream's way: lowest highest-victim priority, then
 * lowest sum of priorities, then fewest victims, then the latest start
 * time of the highest-priority victims, then the first. The caller sets
 * status.nominatedNodeName and deletes the victims.
 *
 * PodDisruptionBudgets count as upstream: victims whose eviction would
 * take a matching budget's status.disruptionsAllowed below zero are
 * "violating"; they are reprieved first, and the candidate with the fewest
 * violations wins before any other criterion. Functions are pure over the
 * node infos (which are not modified); callers serialise.
 */
#ifndef SCHEDULER_PREEMPT_H
#define SCHEDULER_PREEMPT_H

#include "scheduler_filter.h"
#include "scheduler_nodeinfo.h"

#define SCHEDULER_PREEMPT_NOT_HELPFUL "Preemption is not helpful for scheduling"
#define SCHEDULER_PREEMPT_NO_VICTIMS "No preemption victims found for incoming pod"

typedef struct scheduler_preempt_result {
	const scheduler_nodeinfo_t *node;	/* the nominated node (borrowed), NULL when none */
	scheduler_pod_t **victims;		/* references held */
	size_t nvictims;
	size_t pdb_violations;
	/* when no node: "preemption: 0/3 nodes are available: ..." or
	 * "preemption: not eligible due to ..."; kube_malloc'd */
	char *message;
} scheduler_preempt_result_t;

void scheduler_preempt_result_clear(scheduler_preempt_result_t *r);

/* Whether pod may preempt (preemptionPolicy, terminating victims on its
 * nominated node); on false *ret_msg is upstream's static reason. */
bool scheduler_preempt_eligible(const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes, size_t n,
				const char **ret_msg);

/* Dry-run one node: victims into *ret (references), or the status why
 * not (code and reasons in st). Returns SCHEDULER_SUCCESS when the pod fits
 * after evicting the victims. */
/* PodDisruptionBudget objects (borrowed) for preemption. */
typedef struct scheduler_pdbs {
	const cJSON *const *items;
	size_t n;
} scheduler_pdbs_t;

scheduler_code_t scheduler_preempt_node(const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes, size_t n,
					size_t idx, const scheduler_pdbs_t *pdbs, scheduler_pod_t ***ret,
					size_t *ret_n, size_t *ret_violations, scheduler_status_t *st);

/*
 * Run preemption. codes[i] is the filter verdict for nodes[i] from the
 * failed attempt. Returns 0 with ret->node and victims set, or -ENOENT with
 * ret->message set.
 */
int scheduler_preempt(const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes, size_t n,
		      const scheduler_code_t *codes, const scheduler_pdbs_t *pdbs,
		      scheduler_preempt_result_t *ret);

#endif
