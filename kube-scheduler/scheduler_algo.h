/*
 * scheduler_algo: one scheduling attempt for one pod over a snapshot of
 * the nodes, as upstream's schedulePod: PreFilter, Filter (up to
 * upstream's adaptive numFeasibleNodesToFind, starting where the last
 * attempt stopped), Score and selectHost (highest total, ties broken at
 * random). Nominated pods of equal or higher priority are counted on their
 * nominated node while filtering (upstream's
 * RunFilterPluginsWithNominatedPods). On failure the per-node verdicts and
 * the diagnosis are kept for preemption and the FitError message.
 *
 * Threading: a scheduler_algo_t belongs to one scheduling loop.
 */
#ifndef SCHEDULER_ALGO_H
#define SCHEDULER_ALGO_H

#include "scheduler_filter.h"
#include "scheduler_nodeinfo.h"

typedef struct scheduler_algo {
	size_t next_start;		/* upstream's nextStartNodeIndex */
	unsigned int seed;		/* tie-breaking */
	int percentage;			/* percentageOfNodesToScore; 0 = adaptive */
	int32_t hard_weight;		/* hardPodAffinitySymmetricWeight */
} scheduler_algo_t;

typedef struct scheduler_result {
	scheduler_nodeinfo_t *node;	/* chosen (borrowed), NULL on failure */
	size_t evaluated, feasible;
	scheduler_code_t *codes;	/* on failure: verdict per node index (owned) */
	scheduler_diagnosis_t diag;	/* on failure */
} scheduler_result_t;

void scheduler_result_clear(scheduler_result_t *r);

/* Upstream's numFeasibleNodesToFind. */
size_t scheduler_algo_num_to_find(const scheduler_algo_t *a, size_t nall);

/*
 * Schedule pod over nodes. nominated (may be NULL, n_nominated entries) are
 * pods with status.nominatedNodeName set, waiting for preemption to finish.
 * Returns 0 with ret->node set; -ENODEV when there are no nodes ("no nodes
 * available to schedule pods"); -ENOSPC when no node fits (ret->codes and
 * ret->diag filled).
 */
int scheduler_algo_schedule(scheduler_algo_t *a, const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes,
			    size_t n, scheduler_pod_t *const *nominated, size_t n_nominated,
			    scheduler_result_t *ret);

#endif
