/* scheduler_score: upstream's default Score plugins (see header). */
#include "scheduler_score.h"

#include <math.h>
#include <string.h>

#include "api/kube_json.h"

#define LABEL_HOSTNAME "kubernetes.io/hostname"

static int64_t least(int64_t req, int64_t alloc)
{
	if (alloc == 0 || req > alloc)
		return 0;
	return (alloc - req) * SCHEDULER_MAX_NODE_SCORE / alloc;
}

int64_t scheduler_score_least_allocated(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni)
{
	int64_t cpu = least(ni->nonzero_milli_cpu + p->nonzero_milli_cpu, ni->allocatable.milli_cpu);
	int64_t mem = least(ni->nonzero_memory + p->nonzero_memory, ni->allocatable.memory);
	return (cpu + mem) / 2;
}

int64_t scheduler_score_balanced(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni)
{
	double f[2];
	int64_t req[2] = { ni->requested.milli_cpu + p->req.milli_cpu, ni->requested.memory + p->req.memory };
	int64_t alloc[2] = { ni->allocatable.milli_cpu, ni->allocatable.memory };
	size_t n = 0;

	/* a best-effort pod is skipped (every node alike) */
	if (p->req.milli_cpu == 0 && p->req.memory == 0 && p->req.ephemeral_storage == 0 && !p->req.nscalar)
		return 0;
	for (int i = 0; i < 2; i++) {
		if (alloc[i] == 0)
			continue;
		double x = (double)req[i] / (double)alloc[i];
		f[n++] = x > 1 ? 1 : x;
	}
	double std = n == 2 ? fabs((f[0] - f[1]) / 2) : 0;
	return (int64_t)((1 - std) * SCHEDULER_MAX_NODE_SCORE);
}

int64_t scheduler_score_node_affinity(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni)
{
	const cJSON *t;
	int64_t s = 0;
	cJSON_ArrayForEach(t, p->preferred_node_affinity) {
		int64_t w = kube_json_get_int64(t, "weight", 0);
		if (w && scheduler_node_selector_term_matches(kube_json_get(t, "preference"), ni))
			s += w;
	}
	return s;
}

int64_t scheduler_score_taints(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni)
{
	const cJSON *taint, *tol;
	const cJSON *tols = p->tolerations;
	int64_t n = 0;

	cJSON_ArrayForEach(taint, ni->taints) {
		if (!kube_streq(kube_json_get_str(taint, "effect"), "PreferNoSchedule"))
			continue;
		bool ok = false;
		cJSON_ArrayForEach(tol, tols) {
			const char *e = kube_json_get_str(tol, "effect");
			if ((!e || !*e || strcmp(e, "PreferNoSchedule") == 0) &&
			    scheduler_toleration_tolerates(tol, taint)) {
				ok = true;
				break;
			}
		}
		if (!ok)
			n++;
	}
	return n;
}

void scheduler_normalize(int64_t *s, size_t n, bool reverse)
{
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] > max)
			max = s[i];
	if (max == 0) {
		if (reverse)
			for (size_t i = 0; i < n; i++)
				s[i] = SCHEDULER_MAX_NODE_SCORE;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t x = SCHEDULER_MAX_NODE_SCORE * s[i] / max;
		s[i] = reverse ? SCHEDULER_MAX_NODE_SCORE - x : x;
	}
}

/* ---- PodTopologySpread ---- */

static int64_t count_matching(const scheduler_nodeinfo_t *ni, const kube_selector_t *sel, const char *ns)
{
	int64_t n = 0;
	if (!sel)
		return 0;
	for (size_t i = 0; i < ni->npods; i++) {
		const scheduler_pod_t *q = ni->pods[i];
		if (!q->terminating && strcmp(q->namespace_, ns) == 0 && kube_selector_matches(sel, q->labels))
			n++;
	}
	return n;
}

void scheduler_score_spread(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			    scheduler_nodeinfo_t *const *feasible, size_t n, int64_t *out)
{
	scheduler_spread_t *c;
	size_t nc;
	bool defaulted, *ignored;
	size_t nignored = 0;
	const cJSON *tol = p->tolerations;

	scheduler_spread_parse(p, false, &c, &nc, &defaulted);
	if (!nc) {
		memset(out, 0, n * sizeof(*out));
		return;
	}
	ignored = kube_calloc(n ? n : 1, sizeof(*ignored));
	double *weight = kube_calloc(nc, sizeof(*weight));
	size_t *size = kube_calloc(nc, sizeof(*size));
	for (size_t j = 0; j < n; j++) {
		/* system defaults do not require every key (upstream's requireAllTopologies) */
		if (!defaulted && !scheduler_spread_node_has_keys(c, nc, feasible[j])) {
			ignored[j] = true;
			nignored++;
			continue;
		}
		for (size_t i = 0; i < nc; i++) {
			if (strcmp(c[i].key, LABEL_HOSTNAME) == 0)
				continue;
			bool found;
			const char *v = scheduler_nodeinfo_label(feasible[j], c[i].key);
			if (!v)
				v = "";
			scheduler_tpmap_get(&c[i].counts, c[i].key, v, &found);
			if (!found) {
				scheduler_tpmap_add(&c[i].counts, c[i].key, v, 0);
				size[i]++;
			}
		}
	}
	for (size_t i = 0; i < nc; i++) {
		if (strcmp(c[i].key, LABEL_HOSTNAME) == 0)
			size[i] = n - nignored;
		weight[i] = log((double)size[i] + 2);
	}
	/* counts over all nodes, for the domains the feasible nodes span */
	for (size_t j = 0; j < nall; j++) {
		const scheduler_nodeinfo_t *ni = all[j];
		if (!ni->node || (!defaulted && !scheduler_spread_node_has_keys(c, nc, ni)))
			continue;
		for (size_t i = 0; i < nc; i++) {
			if (strcmp(c[i].key, LABEL_HOSTNAME) == 0)
				continue;
			if (c[i].honor_affinity && !scheduler_node_affinity_matches(p, ni))
				continue;
			if (c[i].honor_taints && scheduler_untolerated_taint(tol, ni))
				continue;
			bool found;
			const char *v = scheduler_nodeinfo_label(ni, c[i].key);
			if (!v)
				v = "";
			scheduler_tpmap_get(&c[i].counts, c[i].key, v, &found);
			if (found)
				scheduler_tpmap_add(&c[i].counts, c[i].key, v,
						    count_matching(ni, c[i].selector, p->namespace_));
		}
	}
	int64_t min = INT64_MAX, max = 0;
	for (size_t j = 0; j < n; j++) {
		if (ignored[j])
			continue;
		double s = 0;
		for (size_t i = 0; i < nc; i++) {
			const char *v = scheduler_nodeinfo_label(feasible[j], c[i].key);
			if (!v)
				continue; /* only with the system defaults */
			int64_t cnt = strcmp(c[i].key, LABEL_HOSTNAME) == 0
					      ? count_matching(feasible[j], c[i].selector, p->namespace_)
					      : scheduler_tpmap_get(&c[i].counts, c[i].key, v, NULL);
			s += (double)cnt * weight[i] + (double)(c[i].max_skew - 1);
		}
		out[j] = (int64_t)llround(s);
		if (out[j] < min)
			min = out[j];
		if (out[j] > max)
			max = out[j];
	}
	for (size_t j = 0; j < n; j++) {
		if (ignored[j])
			out[j] = 0;
		else if (max == 0)
			out[j] = SCHEDULER_MAX_NODE_SCORE;
		else
			out[j] = SCHEDULER_MAX_NODE_SCORE * (max + min - out[j]) / max;
	}
	kube_free(ignored);
	kube_free(weight);
	kube_free(size);
	scheduler_spread_free(c, nc);
}

/* ---- InterPodAffinity ---- */

static void add_terms(scheduler_tpmap_t *m, const scheduler_term_t *t, size_t n, const scheduler_pod_t *owner,
		      const scheduler_pod_t *other, const scheduler_nodeinfo_t *ni, int64_t sign, int32_t fixed)
{
	for (size_t i = 0; i < n; i++) {
		int64_t w = fixed ? fixed : t[i].weight;
		if (!w)
			continue;
		const char *v = scheduler_nodeinfo_label(ni, t[i].topology_key);
		if (v && scheduler_term_matches(&t[i], owner, other))
			scheduler_tpmap_add(m, t[i].topology_key, v, sign * w);
	}
}

void scheduler_score_interpod(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			      scheduler_nodeinfo_t *const *feasible, size_t n, int32_t hard_weight, int64_t *out)
{
	scheduler_tpmap_t m = { 0 };
	bool own = p->npref_aff || p->npref_anti;

	memset(out, 0, n * sizeof(*out));
	for (size_t j = 0; j < nall; j++) {
		const scheduler_nodeinfo_t *ni = all[j];
		if (!ni->node || (!own && !ni->pods_with_affinity))
			continue;
		for (size_t k = 0; k < ni->npods; k++) {
			const scheduler_pod_t *q = ni->pods[k];
			add_terms(&m, p->pref_aff, p->npref_aff, p, q, ni, 1, 0);
			add_terms(&m, p->pref_anti, p->npref_anti, p, q, ni, -1, 0);
			if (hard_weight > 0)
				add_terms(&m, q->req_aff, q->nreq_aff, q, p, ni, 1, hard_weight);
			add_terms(&m, q->pref_aff, q->npref_aff, q, p, ni, 1, 0);
			add_terms(&m, q->pref_anti, q->npref_anti, q, p, ni, -1, 0);
		}
	}
	if (!m.n)
		return;
	int64_t min = INT64_MAX, max = INT64_MIN;
	for (size_t j = 0; j < n; j++) {
		const cJSON *l;
		int64_t s = 0;
		cJSON_ArrayForEach(l, feasible[j]->labels)
			if (cJSON_IsString(l))
				s += scheduler_tpmap_get(&m, l->string, l->valuestring, NULL);
		out[j] = s;
		if (s < min)
			min = s;
		if (s > max)
			max = s;
	}
	for (size_t j = 0; j < n; j++)
		out[j] = max - min > 0 ? (int64_t)((double)SCHEDULER_MAX_NODE_SCORE *
						   ((double)(out[j] - min) / (double)(max - min)))
				       : 0;
	scheduler_tpmap_clear(&m);
}

/* ---- ImageLocality ---- */

#define MB (1024LL * 1024)

/* upstream's normalizedImageName: a name without tag or digest gets ":latest" */
static char *normalized_image(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *last = slash ? slash + 1 : name;
	if (strchr(last, ':') || strchr(name, '@'))
		return kube_strdup(name);
	return kube_asprintf("%s:latest", name);
}

/* size of image on the node, or -1 */
static int64_t image_on_node(const scheduler_nodeinfo_t *ni, const char *image)
{
	const cJSON *img, *nm;
	cJSON_ArrayForEach(img, ni->images)
		cJSON_ArrayForEach(nm, cJSON_GetObjectItemCaseSensitive(img, "names")) {
			if (!cJSON_IsString(nm))
				continue;
			char *x = normalized_image(nm->valuestring);
			bool eq = strcmp(x, image) == 0;
			kube_free(x);
			if (eq)
				return kube_json_get_int64(img, "sizeBytes", 0);
		}
	return -1;
}

void scheduler_score_images(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			    scheduler_nodeinfo_t *const *feasible, size_t n, int64_t *out)
{
	const char *lists[] = { "spec.initContainers", "spec.containers" };
	int64_t ncont = 0;
	const cJSON *c;
	bool any = false;

	memset(out, 0, n * sizeof(*out));
	for (size_t j = 0; j < nall && !any; j++)
		any = all[j]->images != NULL;
	if (!any)
		return;
	int64_t *sum = kube_calloc(n ? n : 1, sizeof(*sum));
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
		cJSON_ArrayForEach(c, kube_json_get(p->json, lists[l])) {
			const char *image = kube_json_get_str(c, "image");
			ncont++;
			if (!image || !*image)
				continue;
			char *norm = normalized_image(image);
			size_t have = 0;
			for (size_t j = 0; j < nall; j++)
				if (all[j]->node && image_on_node(all[j], norm) >= 0)
					have++;
			for (size_t j = 0; j < n && have; j++) {
				int64_t size = image_on_node(feasible[j], norm);
				if (size > 0)
					sum[j] += (int64_t)((double)size * (double)have / (double)nall);
			}
			kube_free(norm);
		}
	int64_t min = 23 * MB, max = 1000 * MB * (ncont ? ncont : 1);
	for (size_t j = 0; j < n; j++) {
		int64_t s = sum[j] < min ? min : sum[j] > max ? max : sum[j];
		out[j] = SCHEDULER_MAX_NODE_SCORE * (s - min) / (max - min);
	}
	kube_free(sum);
}

/* ---- the sum ---- */

void scheduler_score_nodes(const scheduler_pod_t *p, scheduler_nodeinfo_t *const *all, size_t nall,
			   scheduler_nodeinfo_t *const *feasible, size_t n, int64_t *total)
{
	int64_t *a = kube_calloc(n ? n : 1, sizeof(*a));
	int64_t *t = kube_calloc(n ? n : 1, sizeof(*t));
	bool node_aff = p->preferred_node_affinity != NULL;

	for (size_t j = 0; j < n; j++) {
		total[j] = SCHEDULER_WEIGHT_RESOURCES_FIT * scheduler_score_least_allocated(p, feasible[j]) +
			   SCHEDULER_WEIGHT_BALANCED * scheduler_score_balanced(p, feasible[j]);
		a[j] = node_aff ? scheduler_score_node_affinity(p, feasible[j]) : 0;
		t[j] = scheduler_score_taints(p, feasible[j]);
	}
	scheduler_normalize(a, n, false);
	scheduler_normalize(t, n, true);
	for (size_t j = 0; j < n; j++)
		total[j] += SCHEDULER_WEIGHT_NODE_AFFINITY * a[j] + SCHEDULER_WEIGHT_TAINT_TOLERATION * t[j];
	scheduler_score_spread(p, all, nall, feasible, n, a);
	for (size_t j = 0; j < n; j++)
		total[j] += SCHEDULER_WEIGHT_SPREAD * a[j];
	scheduler_score_interpod(p, all, nall, feasible, n, 1, a);
	for (size_t j = 0; j < n; j++)
		total[j] += SCHEDULER_WEIGHT_INTERPOD * a[j];
	scheduler_score_images(p, all, nall, feasible, n, a);
	for (size_t j = 0; j < n; j++)
		total[j] += SCHEDULER_WEIGHT_IMAGE_LOCALITY * a[j];
	kube_free(a);
	kube_free(t);
}
