/* scheduler_preempt: DefaultPreemption (see header). */
#include "scheduler_preempt.h"

#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"

void scheduler_preempt_result_clear(scheduler_preempt_result_t *r)
{
	for (size_t i = 0; i < r->nvictims; i++)
		scheduler_pod_unref(r->victims[i]);
	kube_free(r->victims);
	kube_free(r->message);
	memset(r, 0, sizeof(*r));
}

bool scheduler_preempt_eligible(const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes, size_t n,
				const char **ret_msg)
{
	if (kube_streq(kube_json_get_str(pod->json, "spec.preemptionPolicy"), "Never")) {
		*ret_msg = "not eligible due to preemptionPolicy=Never.";
		return false;
	}
	const char *nom = pod->nominated_node;
	if (nom && *nom) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(nodes[i]->name, nom) != 0)
				continue;
			for (size_t k = 0; k < nodes[i]->npods; k++)
				if (nodes[i]->pods[k]->terminating && nodes[i]->pods[k]->priority < pod->priority) {
					*ret_msg = "not eligible due to a terminating pod on the nominated node.";
					return false;
				}
		}
	}
	return true;
}

/* Whether the cluster-wide plugins matter for this pod (else the node-local
 * filters decide, and a prefilter over the original nodes will do). */
static bool needs_cluster(const scheduler_prefilter_t *pf)
{
	return pf->nspread || pf->pod->nreq_aff || pf->pod->nreq_anti || pf->existing_anti.n;
}

static scheduler_code_t fits(const scheduler_pod_t *pod, scheduler_nodeinfo_t **view, size_t n, size_t idx,
			     const scheduler_prefilter_t *local, scheduler_status_t *st)
{
	scheduler_code_t c;
	if (local)
		return scheduler_filter_node(local, view[idx], st);
	scheduler_prefilter_t pf;
	scheduler_prefilter_init(&pf, pod, view, n);
	c = scheduler_filter_node(&pf, view[idx], st);
	scheduler_prefilter_clear(&pf);
	return c;
}

/* upstream's MoreImportantPod */
static int more_important(const void *a, const void *b)
{
	const scheduler_pod_t *x = *(scheduler_pod_t *const *)a, *y = *(scheduler_pod_t *const *)b;
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return 0;
}

/* upstream's filterPodsWithPDBViolation over pods (most important first):
 * violating[i] tells whether evicting pods[i] breaks a budget */
static void pdb_violations(scheduler_pod_t *const *pods, size_t np, const scheduler_pdbs_t *pdbs, bool *violating)
{
	size_t n = pdbs ? pdbs->n : 0;
	int64_t *allowed = kube_calloc(n ? n : 1, sizeof(*allowed));
	kube_selector_t **sel = kube_calloc(n ? n : 1, sizeof(*sel));

	for (size_t i = 0; i < n; i++) {
		allowed[i] = kube_json_get_int64(pdbs->items[i], "status.disruptionsAllowed", 0);
		if (kube_selector_from_json(kube_json_get(pdbs->items[i], "spec.selector"), &sel[i], NULL) < 0)
			sel[i] = NULL;
	}
	for (size_t k = 0; k < np; k++) {
		const scheduler_pod_t *p = pods[k];
		violating[k] = false;
		if (cJSON_GetArraySize(p->labels) == 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			const cJSON *pdb = pdbs->items[i];
			if (!kube_streq(kube_json_get_str(pdb, "metadata.namespace"), p->namespace_) || !sel[i] ||
			    kube_selector_empty(sel[i]) || !kube_selector_matches(sel[i], p->labels))
				continue;
			if (cJSON_GetObjectItemCaseSensitive(kube_json_get(pdb, "status.disruptedPods"), p->name))
				continue;
			if (--allowed[i] < 0)
				violating[k] = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		kube_selector_free(sel[i]);
	kube_free(sel);
	kube_free(allowed);
}

scheduler_code_t scheduler_preempt_node(const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes, size_t n,
					size_t idx, const scheduler_pdbs_t *pdbs, scheduler_pod_t ***ret,
					size_t *ret_n, size_t *ret_violations, scheduler_status_t *st)
{
	size_t nviol = 0;
	scheduler_nodeinfo_t *clone = scheduler_nodeinfo_clone(nodes[idx]);
	scheduler_nodeinfo_t **view = kube_memdup(nodes, n * sizeof(*nodes));
	scheduler_pod_t **potential = NULL, **victims = NULL;
	size_t np = 0, nv = 0;
	scheduler_prefilter_t local;
	bool use_local;
	scheduler_code_t c;

	view[idx] = clone;
	scheduler_prefilter_init(&local, pod, nodes, n);
	use_local = !needs_cluster(&local);

	for (size_t k = 0; k < nodes[idx]->npods; k++) {
		scheduler_pod_t *q = nodes[idx]->pods[k];
		if (q->priority < pod->priority) {
			potential = kube_realloc(potential, (np + 1) * sizeof(*potential));
			potential[np++] = scheduler_pod_ref(q);
			scheduler_nodeinfo_remove_pod(clone, q);
		}
	}
	if (!np) {
		c = scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "DefaultPreemption", "%s",
					 SCHEDULER_PREEMPT_NO_VICTIMS);
		goto out;
	}
	c = fits(pod, view, n, idx, use_local ? &local : NULL, st);
	if (c != SCHEDULER_SUCCESS)
		goto out;
	qsort(potential, np, sizeof(*potential), more_important);
	bool *violating = kube_calloc(np, sizeof(*violating));
	pdb_violations(potential, np, pdbs, violating);
	/* reprieve the violating victims first, then the others */
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < np; k++) {
			scheduler_status_t tmp = { 0 };
			if (violating[k] != (pass == 0))
				continue;
			scheduler_nodeinfo_add_pod(clone, potential[k]);
			if (fits(pod, view, n, idx, use_local ? &local : NULL, &tmp) != SCHEDULER_SUCCESS) {
				scheduler_nodeinfo_remove_pod(clone, potential[k]);
				victims = kube_realloc(victims, (nv + 1) * sizeof(*victims));
				victims[nv++] = scheduler_pod_ref(potential[k]);
				if (violating[k])
					nviol++;
			}
			scheduler_status_clear(&tmp);
		}
	kube_free(violating);
	*ret = victims;
	*ret_n = nv;
	if (ret_violations)
		*ret_violations = nviol;
	victims = NULL;
out:
	for (size_t k = 0; k < np; k++)
		scheduler_pod_unref(potential[k]);
	kube_free(potential);
	kube_free(victims);
	scheduler_prefilter_clear(&local);
	kube_free(view);
	scheduler_nodeinfo_free(clone);
	return c;
}

typedef struct cand {
	size_t idx;
	scheduler_pod_t **victims;
	size_t n;
	size_t violations;
	int32_t highest;
	int64_t sum;
	int64_t earliest_of_highest;
} cand_t;

static void cand_stats(cand_t *c)
{
	c->highest = INT32_MIN;
	c->sum = 0;
	c->earliest_of_highest = INT64_MAX;
	for (size_t i = 0; i < c->n; i++) {
		const scheduler_pod_t *v = c->victims[i];
		/* upstream adds MaxInt32+1 to each so that more victims never sum lower */
		c->sum += (int64_t)v->priority + INT32_MAX + 1;
		if (v->priority > c->highest)
			c->highest = v->priority;
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->victims[i]->priority == c->highest && c->victims[i]->start_ns < c->earliest_of_highest)
			c->earliest_of_highest = c->victims[i]->start_ns;
}

/* <0 when a is the better candidate */
static int cand_cmp(const cand_t *a, const cand_t *b)
{
	if (a->violations != b->violations)
		return a->violations < b->violations ? -1 : 1;
	if (a->highest != b->highest)
		return a->highest < b->highest ? -1 : 1;
	if (a->sum != b->sum)
		return a->sum < b->sum ? -1 : 1;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	if (a->earliest_of_highest != b->earliest_of_highest)
		return a->earliest_of_highest > b->earliest_of_highest ? -1 : 1;
	return 0;
}

int scheduler_preempt(const scheduler_pod_t *pod, scheduler_nodeinfo_t *const *nodes, size_t n,
		      const scheduler_code_t *codes, const scheduler_pdbs_t *pdbs,
		      scheduler_preempt_result_t *ret)
{
	const char *why;
	scheduler_diagnosis_t d = { .nnodes = n };
	cand_t best = { .idx = SIZE_MAX };

	memset(ret, 0, sizeof(*ret));
	if (!scheduler_preempt_eligible(pod, nodes, n, &why)) {
		ret->message = kube_asprintf("preemption: %s", why);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		scheduler_status_t st = { 0 };
		cand_t c = { .idx = i };
		if (codes[i] != SCHEDULER_UNSCHEDULABLE) {
			scheduler_status_add(&st, SCHEDULER_UNRESOLVABLE, "DefaultPreemption", "%s",
					     SCHEDULER_PREEMPT_NOT_HELPFUL);
			scheduler_diagnosis_add(&d, &st);
			scheduler_status_clear(&st);
			continue;
		}
		if (scheduler_preempt_node(pod, nodes, n, i, pdbs, &c.victims, &c.n, &c.violations, &st) !=
		    SCHEDULER_SUCCESS) {
			scheduler_diagnosis_add(&d, &st);
			scheduler_status_clear(&st);
			continue;
		}
		cand_stats(&c);
		if (best.idx == SIZE_MAX || cand_cmp(&c, &best) < 0) {
			for (size_t k = 0; k < best.n; k++)
				scheduler_pod_unref(best.victims[k]);
			kube_free(best.victims);
			best = c;
		} else {
			for (size_t k = 0; k < c.n; k++)
				scheduler_pod_unref(c.victims[k]);
			kube_free(c.victims);
		}
	}
	if (best.idx == SIZE_MAX) {
		char *fe = scheduler_fit_error(&d, NULL);
		ret->message = kube_asprintf("preemption: %s", fe);
		kube_free(fe);
		scheduler_diagnosis_clear(&d);
		return -ENOENT;
	}
	scheduler_diagnosis_clear(&d);
	ret->node = nodes[best.idx];
	ret->victims = best.victims;
	ret->nvictims = best.n;
	ret->pdb_violations = best.violations;
	return 0;
}
