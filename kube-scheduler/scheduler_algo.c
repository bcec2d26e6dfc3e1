/* scheduler_algo: one scheduling attempt (see header). */
#include "scheduler_algo.h"

#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "scheduler_score.h"

void scheduler_result_clear(scheduler_result_t *r)
{
	kube_free(r->codes);
	scheduler_diagnosis_clear(&r->diag);
	memset(r, 0, sizeof(*r));
}

size_t scheduler_algo_num_to_find(const scheduler_algo_t *a, size_t nall)
{
	const size_t min_feasible = 100;
	long pct = a->percentage;

	if (nall < min_feasible || pct >= 100)
		return nall;
	if (pct <= 0) {
		pct = 50 - (long)nall / 125;
		if (pct < 5)
			pct = 5;
	}
	size_t num = nall * (size_t)pct / 100;
	return num < min_feasible ? min_feasible : num;
}

static const char *nominated_node(const scheduler_pod_t *p)
{
	return p->nominated_node;
}

/* Filter with the nominated pods of >= priority added, as upstream does
 * (the pod must fit both with and without them). */
static scheduler_code_t filter_with_nominated(const scheduler_prefilter_t *pf, scheduler_nodeinfo_t *ni,
					      scheduler_pod_t *const *nominated, size_t nn, scheduler_status_t *st)
{
	scheduler_nodeinfo_t *clone = NULL;
	const scheduler_pod_t *pod = pf->pod;

	for (size_t i = 0; i < nn; i++) {
		const scheduler_pod_t *q = nominated[i];
		if (q->priority < pod->priority || strcmp(q->uid, pod->uid) == 0 ||
		    !kube_streq(nominated_node(q), ni->name))
			continue;
		if (!clone)
			clone = scheduler_nodeinfo_clone(ni);
		scheduler_nodeinfo_add_pod(clone, nominated[i]);
	}
	if (clone) {
		scheduler_code_t c = scheduler_filter_node(pf, clone, st);
		scheduler_nodeinfo_free(clone);
		if (c != SCHEDULER_SUCCESS)
			return c;
	}
	return scheduler_filter_node(pf, ni, st);
}

int scheduler_algo_schedule(scheduler_algo_t *a, const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes,
			    size_t n, scheduler_pod_t *const *nominated, size_t n_nominated,
			    scheduler_result_t *ret)
{
	scheduler_prefilter_t pf;
	size_t want, nf = 0, i;
	scheduler_nodeinfo_t **feasible;
	scheduler_code_t *codes;

	memset(ret, 0, sizeof(*ret));
	if (!n)
		return -ENODEV;
	want = scheduler_algo_num_to_find(a, n);
	feasible = kube_malloc(n * sizeof(*feasible));
	codes = kube_calloc(n, sizeof(*codes));
	ret->diag.nnodes = n;
	scheduler_prefilter_init(&pf, pod, nodes, n);
	size_t start = a->next_start % n;
	for (i = 0; i < n && nf < want; i++) {
		size_t idx = (start + i) % n;
		scheduler_status_t st = { 0 };
		codes[idx] = filter_with_nominated(&pf, nodes[idx], nominated, n_nominated, &st);
		if (codes[idx] == SCHEDULER_SUCCESS)
			feasible[nf++] = nodes[idx];
		else
			scheduler_diagnosis_add(&ret->diag, &st);
		scheduler_status_clear(&st);
	}
	ret->evaluated = i;
	a->next_start = (start + i) % n;
	scheduler_prefilter_clear(&pf);
	ret->feasible = nf;
	if (!nf) {
		kube_free(feasible);
		ret->codes = codes;
		return -ENOSPC;
	}
	kube_free(codes);
	scheduler_diagnosis_clear(&ret->diag);
	if (nf == 1) {
		ret->node = feasible[0];
		kube_free(feasible);
		return 0;
	}
	int64_t *total = kube_calloc(nf, sizeof(*total));
	scheduler_score_nodes(pod, nodes, n, feasible, nf, total);
	size_t best = 0, ties = 1;
	for (i = 1; i < nf; i++) {
		if (total[i] > total[best]) {
			best = i;
			ties = 1;
		} else if (total[i] == total[best] && (size_t)rand_r(&a->seed) % ++ties == 0) {
			best = i;
		}
	}
	ret->node = feasible[best];
	kube_free(total);
	kube_free(feasible);
	return 0;
}
