/* scheduler_filter: upstream's default Filter plugins (see header). */
#include "scheduler_filter.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"

/* ---- status ---- */

void scheduler_status_clear(scheduler_status_t *st)
{
	for (size_t i = 0; i < st->nreasons; i++)
		kube_free(st->reasons[i]);
	memset(st, 0, sizeof(*st));
}

scheduler_code_t scheduler_status_add(scheduler_status_t *st, scheduler_code_t code,
				      const char *plugin, const char *fmt, ...)
{
	va_list ap;
	if (code > st->code)
		st->code = code;
	st->plugin = plugin;
	if (st->nreasons < SCHEDULER_MAX_REASONS) {
		va_start(ap, fmt);
		st->reasons[st->nreasons++] = kube_vasprintf(fmt, ap);
		va_end(ap);
	}
	return st->code;
}

/* ---- taints and tolerations ---- */

bool scheduler_toleration_tolerates(const cJSON *tol, const cJSON *taint)
{
	const char *te = kube_json_get_str(tol, "effect"), *ke = kube_json_get_str(taint, "effect");
	const char *tk = kube_json_get_str(tol, "key"), *kk = kube_json_get_str(taint, "key");
	const char *op = kube_json_get_str(tol, "operator");
	const char *tv = kube_json_get_str(tol, "value"), *kv = kube_json_get_str(taint, "value");

	if (te && *te && !kube_streq(te, ke))
		return false;
	if (tk && *tk && !kube_streq(tk, kk))
		return false;
	if (!op || !*op || strcmp(op, "Equal") == 0)
		return strcmp(tv ? tv : "", kv ? kv : "") == 0;
	return strcmp(op, "Exists") == 0;
}

bool scheduler_tolerations_tolerate(const cJSON *tolerations, const cJSON *taint)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, tolerations)
		if (scheduler_toleration_tolerates(t, taint))
			return true;
	return false;
}

const cJSON *scheduler_untolerated_taint(const cJSON *tolerations, const scheduler_nodeinfo_t *ni)
{
	const cJSON *taint;
	cJSON_ArrayForEach(taint, ni->taints) {
		const char *e = kube_json_get_str(taint, "effect");
		if (!kube_streq(e, "NoSchedule") && !kube_streq(e, "NoExecute"))
			continue;
		if (!scheduler_tolerations_tolerate(tolerations, taint))
			return taint;
	}
	return NULL;
}

/* ---- node selectors ---- */

static bool in_values(const cJSON *values, const char *v)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, values)
		if (cJSON_IsString(it) && strcmp(it->valuestring, v) == 0)
			return true;
	return false;
}

static bool parse_i64(const char *s, long long *ret)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	*ret = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* One NodeSelectorRequirement against a value (NULL = absent). */
static bool requirement_matches(const cJSON *req, const char *value)
{
	const char *op = kube_json_get_str(req, "operator");
	const cJSON *values = kube_json_get(req, "values");
	long long a, b;

	if (!op)
		return false;
	if (strcmp(op, "In") == 0)
		return value && in_values(values, value);
	if (strcmp(op, "NotIn") == 0)
		return !value || !in_values(values, value);
	if (strcmp(op, "Exists") == 0)
		return value != NULL;
	if (strcmp(op, "DoesNotExist") == 0)
		return value == NULL;
	if (strcmp(op, "Gt") == 0 || strcmp(op, "Lt") == 0) {
		if (!value || cJSON_GetArraySize(values) != 1)
			return false;
		const cJSON *v0 = cJSON_GetArrayItem(values, 0);
		if (!cJSON_IsString(v0) || !parse_i64(value, &a) || !parse_i64(v0->valuestring, &b))
			return false;
		return op[0] == 'G' ? a > b : a < b;
	}
	return false;
}

bool scheduler_node_selector_term_matches(const cJSON *term, const scheduler_nodeinfo_t *ni)
{
	const cJSON *exprs = kube_json_get(term, "matchExpressions");
	const cJSON *fields = kube_json_get(term, "matchFields");
	const cJSON *r;

	if (cJSON_GetArraySize(exprs) == 0 && cJSON_GetArraySize(fields) == 0)
		return false;
	cJSON_ArrayForEach(r, exprs) {
		const char *key = kube_json_get_str(r, "key");
		if (!key || !requirement_matches(r, scheduler_nodeinfo_label(ni, key)))
			return false;
	}
	cJSON_ArrayForEach(r, fields) {
		const char *key = kube_json_get_str(r, "key");
		if (!kube_streq(key, "metadata.name") || !requirement_matches(r, ni->name))
			return false;
	}
	return true;
}

bool scheduler_node_affinity_matches(const scheduler_pod_t *pod, const scheduler_nodeinfo_t *ni)
{
	const cJSON *sel = pod->node_selector, *it;
	cJSON_ArrayForEach(it, sel) {
		const char *v = scheduler_nodeinfo_label(ni, it->string);
		if (!cJSON_IsString(it) || !v || strcmp(v, it->valuestring) != 0)
			return false;
	}
	const cJSON *req = pod->required_node_affinity;
	if (!req)
		return true;
	cJSON_ArrayForEach(it, kube_json_get(req, "nodeSelectorTerms"))
		if (scheduler_node_selector_term_matches(it, ni))
			return true;
	return false;
}

/* ---- simple filters ---- */

scheduler_code_t scheduler_filter_unschedulable(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
						scheduler_status_t *st)
{
	if (!ni->unschedulable)
		return SCHEDULER_SUCCESS;
	cJSON *taint = cJSON_CreateObject();
	cJSON_AddStringToObject(taint, "key", "node.kubernetes.io/unschedulable");
	cJSON_AddStringToObject(taint, "effect", "NoSchedule");
	bool ok = scheduler_tolerations_tolerate(p->tolerations, taint);
	cJSON_Delete(taint);
	if (ok)
		return SCHEDULER_SUCCESS;
	return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "NodeUnschedulable", "%s",
				    SCHEDULER_ERR_UNSCHEDULABLE);
}

scheduler_code_t scheduler_filter_node_name(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					    scheduler_status_t *st)
{
	if (!*p->node_name || strcmp(p->node_name, ni->name) == 0)
		return SCHEDULER_SUCCESS;
	return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "NodeName", "%s", SCHEDULER_ERR_NODE_NAME);
}

scheduler_code_t scheduler_filter_taints(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					 scheduler_status_t *st)
{
	const cJSON *t = scheduler_untolerated_taint(p->tolerations, ni);
	if (!t)
		return SCHEDULER_SUCCESS;
	const char *k = kube_json_get_str(t, "key"), *v = kube_json_get_str(t, "value");
	return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "TaintToleration",
				    "node(s) had untolerated taint {%s: %s}", k ? k : "", v ? v : "");
}

scheduler_code_t scheduler_filter_node_affinity(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
						scheduler_status_t *st)
{
	if (scheduler_node_affinity_matches(p, ni))
		return SCHEDULER_SUCCESS;
	return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "NodeAffinity", "%s",
				    SCHEDULER_ERR_NODE_AFFINITY);
}

scheduler_code_t scheduler_filter_ports(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					scheduler_status_t *st)
{
	for (size_t i = 0; i < p->nports; i++)
		if (!scheduler_nodeinfo_port_free(ni, &p->ports[i]))
			return scheduler_status_add(st, SCHEDULER_UNSCHEDULABLE, "NodePorts", "%s",
						    SCHEDULER_ERR_NODE_PORTS);
	return SCHEDULER_SUCCESS;
}

static void insufficient(scheduler_status_t *st, const char *name, int64_t want, int64_t alloc,
			 int64_t used)
{
	if (want <= 0 || want <= alloc - used)
		return;
	scheduler_status_add(st, want > alloc ? SCHEDULER_UNRESOLVABLE : SCHEDULER_UNSCHEDULABLE,
			     "NodeResourcesFit", "Insufficient %s", name);
}

scheduler_code_t scheduler_filter_resources(const scheduler_pod_t *p, const scheduler_nodeinfo_t *ni,
					    scheduler_status_t *st)
{
	const scheduler_resources_t *r = &p->req, *a = &ni->allocatable, *u = &ni->requested;

	if ((int64_t)ni->npods + 1 > a->pods)
		scheduler_status_add(st, SCHEDULER_UNSCHEDULABLE, "NodeResourcesFit", "%s",
				     SCHEDULER_ERR_TOO_MANY_PODS);
	insufficient(st, "cpu", r->milli_cpu, a->milli_cpu, u->milli_cpu);
	insufficient(st, "memory", r->memory, a->memory, u->memory);
	insufficient(st, "ephemeral-storage", r->ephemeral_storage, a->ephemeral_storage,
		     u->ephemeral_storage);
	for (size_t i = 0; i < r->nscalar; i++)
		insufficient(st, r->scalar[i].name, r->scalar[i].value,
			     scheduler_resources_scalar(a, r->scalar[i].name),
			     scheduler_resources_scalar(u, r->scalar[i].name));
	return st->code;
}

/* ---- PodTopologySpread ---- */

static kube_selector_t *spread_selector(const scheduler_pod_t *pod, const cJSON *c)
{
	const cJSON *ls = kube_json_get(c, "labelSelector");
	const cJSON *keys = kube_json_get(c, "matchLabelKeys"), *k;
	kube_selector_t *sel = NULL;

	if (!ls || cJSON_IsNull(ls))
		return NULL;
	_cleanup_json_ cJSON *merged = kube_json_dup(ls);
	cJSON_ArrayForEach(k, keys) {
		const cJSON *v = cJSON_IsString(k) ? cJSON_GetObjectItemCaseSensitive(pod->labels, k->valuestring)
						   : NULL;
		if (!cJSON_IsString(v))
			continue;
		cJSON *exprs = cJSON_GetObjectItemCaseSensitive(merged, "matchExpressions");
		if (!cJSON_IsArray(exprs)) {
			cJSON_DeleteItemFromObjectCaseSensitive(merged, "matchExpressions");
			exprs = cJSON_AddArrayToObject(merged, "matchExpressions");
		}
		cJSON *req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "key", k->valuestring);
		cJSON_AddStringToObject(req, "operator", "In");
		cJSON *vals = cJSON_AddArrayToObject(req, "values");
		cJSON_AddItemToArray(vals, cJSON_CreateString(v->valuestring));
		cJSON_AddItemToArray(exprs, req);
	}
	if (kube_selector_from_json(merged, &sel, NULL) < 0)
		return NULL;
	return sel;
}

void scheduler_spread_parse(const scheduler_pod_t *pod, bool hard, scheduler_spread_t **ret, size_t *ret_n,
			    bool *ret_defaulted)
{
	const cJSON *arr = kube_json_get(pod->json, "spec.topologySpreadConstraints"), *c;
	scheduler_spread_t *out = NULL;
	size_t n = 0;

	if (ret_defaulted)
		*ret_defaulted = false;
	if (!hard && cJSON_GetArraySize(arr) == 0 && pod->default_selector &&
	    !kube_selector_empty(pod->default_selector)) {
		static const struct {
			const char *key;
			int32_t skew;
		} defs[] = { { "kubernetes.io/hostname", 3 }, { "topology.kubernetes.io/zone", 5 } };
		out = kube_calloc(ARRAY_SIZE(defs), sizeof(*out));
		for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
			out[i].key = defs[i].key;
			out[i].max_skew = defs[i].skew;
			out[i].min_domains = 1;
			out[i].honor_affinity = true;
			out[i].selector = pod->default_selector;
			out[i].borrowed = true;
			out[i].self_match = kube_selector_matches(pod->default_selector, pod->labels);
		}
		*ret = out;
		*ret_n = ARRAY_SIZE(defs);
		if (ret_defaulted)
			*ret_defaulted = true;
		return;
	}

	cJSON_ArrayForEach(c, arr) {
		const char *when = kube_json_get_str(c, "whenUnsatisfiable");
		if (kube_streq(when, "DoNotSchedule") != hard)
			continue;
		out = kube_realloc(out, (n + 1) * sizeof(*out));
		scheduler_spread_t *s = &out[n++];
		memset(s, 0, sizeof(*s));
		s->hard = hard;
		s->max_skew = (int32_t)kube_json_get_int64(c, "maxSkew", 1);
		s->min_domains = (int32_t)kube_json_get_int64(c, "minDomains", 1);
		s->key = kube_json_get_str(c, "topologyKey");
		if (!s->key)
			s->key = "";
		s->honor_affinity = !kube_streq(kube_json_get_str(c, "nodeAffinityPolicy"), "Ignore");
		s->honor_taints = kube_streq(kube_json_get_str(c, "nodeTaintsPolicy"), "Honor");
		s->selector = spread_selector(pod, c);
		s->self_match = s->selector && kube_selector_matches(s->selector, pod->labels);
	}
	*ret = out;
	*ret_n = n;
}

void scheduler_spread_free(scheduler_spread_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!c[i].borrowed)
			kube_selector_free(c[i].selector);
		scheduler_tpmap_clear(&c[i].counts);
	}
	kube_free(c);
}

bool scheduler_spread_node_has_keys(const scheduler_spread_t *c, size_t n, const scheduler_nodeinfo_t *ni)
{
	for (size_t i = 0; i < n; i++)
		if (!scheduler_nodeinfo_label(ni, c[i].key))
			return false;
	return true;
}

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

void scheduler_spread_count(const scheduler_pod_t *pod, scheduler_spread_t *c, size_t n,
			    scheduler_nodeinfo_t *const *nodes, size_t nnodes)
{
	const cJSON *tol = pod->tolerations;
	for (size_t j = 0; j < nnodes; j++) {
		const scheduler_nodeinfo_t *ni = nodes[j];
		if (!ni->node || !scheduler_spread_node_has_keys(c, n, ni))
			continue;
		int aff = -1; /* computed lazily */
		for (size_t i = 0; i < n; i++) {
			if (c[i].honor_affinity) {
				if (aff < 0)
					aff = scheduler_node_affinity_matches(pod, ni);
				if (!aff)
					continue;
			}
			if (c[i].honor_taints && scheduler_untolerated_taint(tol, ni))
				continue;
			scheduler_tpmap_add(&c[i].counts, c[i].key, scheduler_nodeinfo_label(ni, c[i].key),
					    count_matching(ni, c[i].selector, pod->namespace_));
		}
	}
	for (size_t i = 0; i < n; i++) {
		int64_t min = INT32_MAX;
		const scheduler_tpmap_t *m = &c[i].counts;
		for (size_t k = 0; k < m->cap; k++)
			if (m->slots[k].used && m->slots[k].value < min)
				min = m->slots[k].value;
		c[i].ndomains = m->n;
		if ((int64_t)m->n < c[i].min_domains)
			min = 0;
		c[i].min_match = min;
	}
}

scheduler_code_t scheduler_filter_spread(const scheduler_prefilter_t *pf, const scheduler_nodeinfo_t *ni,
					 scheduler_status_t *st)
{
	for (size_t i = 0; i < pf->nspread; i++) {
		const scheduler_spread_t *c = &pf->spread[i];
		const char *v = scheduler_nodeinfo_label(ni, c->key);
		if (!v)
			return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "PodTopologySpread", "%s",
						    SCHEDULER_ERR_SPREAD_LABEL);
		int64_t match = scheduler_tpmap_get(&c->counts, c->key, v, NULL);
		int64_t skew = match + (c->self_match ? 1 : 0) - c->min_match;
		if (skew > c->max_skew)
			return scheduler_status_add(st, SCHEDULER_UNSCHEDULABLE, "PodTopologySpread", "%s",
						    SCHEDULER_ERR_SPREAD);
	}
	return SCHEDULER_SUCCESS;
}

/* ---- InterPodAffinity ---- */

void scheduler_prefilter_init(scheduler_prefilter_t *pf, const scheduler_pod_t *pod,
			      scheduler_nodeinfo_t *const *nodes, size_t n)
{
	memset(pf, 0, sizeof(*pf));
	pf->pod = pod;
	scheduler_spread_parse(pod, true, &pf->spread, &pf->nspread, NULL);
	if (pf->nspread)
		scheduler_spread_count(pod, pf->spread, pf->nspread, nodes, n);

	pf->self_affinity = pod->nreq_aff > 0;
	for (size_t i = 0; i < pod->nreq_aff; i++)
		if (!scheduler_term_matches(&pod->req_aff[i], pod, pod))
			pf->self_affinity = false;

	for (size_t j = 0; j < n; j++) {
		const scheduler_nodeinfo_t *ni = nodes[j];
		if (!ni->node)
			continue;
		if (ni->pods_with_required_anti_affinity) {
			for (size_t k = 0; k < ni->npods; k++) {
				const scheduler_pod_t *q = ni->pods[k];
				for (size_t t = 0; t < q->nreq_anti; t++) {
					const char *v = scheduler_nodeinfo_label(ni, q->req_anti[t].topology_key);
					if (v && scheduler_term_matches(&q->req_anti[t], q, pod))
						scheduler_tpmap_add(&pf->existing_anti, q->req_anti[t].topology_key, v, 1);
				}
			}
		}
		if (!pod->nreq_aff && !pod->nreq_anti)
			continue;
		for (size_t k = 0; k < ni->npods; k++) {
			const scheduler_pod_t *q = ni->pods[k];
			bool all = pod->nreq_aff > 0;
			for (size_t t = 0; t < pod->nreq_aff && all; t++)
				all = scheduler_term_matches(&pod->req_aff[t], pod, q);
			for (size_t t = 0; all && t < pod->nreq_aff; t++) {
				const char *v = scheduler_nodeinfo_label(ni, pod->req_aff[t].topology_key);
				if (v)
					scheduler_tpmap_add(&pf->affinity, pod->req_aff[t].topology_key, v, 1);
			}
			for (size_t t = 0; t < pod->nreq_anti; t++) {
				const char *v = scheduler_nodeinfo_label(ni, pod->req_anti[t].topology_key);
				if (v && scheduler_term_matches(&pod->req_anti[t], pod, q))
					scheduler_tpmap_add(&pf->anti, pod->req_anti[t].topology_key, v, 1);
			}
		}
	}
}

void scheduler_prefilter_clear(scheduler_prefilter_t *pf)
{
	scheduler_spread_free(pf->spread, pf->nspread);
	scheduler_tpmap_clear(&pf->existing_anti);
	scheduler_tpmap_clear(&pf->affinity);
	scheduler_tpmap_clear(&pf->anti);
	memset(pf, 0, sizeof(*pf));
}

scheduler_code_t scheduler_filter_interpod(const scheduler_prefilter_t *pf, const scheduler_nodeinfo_t *ni,
					   scheduler_status_t *st)
{
	const scheduler_pod_t *pod = pf->pod;
	const cJSON *l;

	if (pf->existing_anti.n) {
		cJSON_ArrayForEach(l, ni->labels) {
			if (cJSON_IsString(l) && scheduler_tpmap_get(&pf->existing_anti, l->string, l->valuestring, NULL) > 0)
				return scheduler_status_add(st, SCHEDULER_UNSCHEDULABLE, "InterPodAffinity", "%s",
							    SCHEDULER_ERR_EXISTING_ANTI_AFFINITY);
		}
	}
	for (size_t t = 0; t < pod->nreq_anti && pf->anti.n; t++) {
		const char *v = scheduler_nodeinfo_label(ni, pod->req_anti[t].topology_key);
		if (v && scheduler_tpmap_get(&pf->anti, pod->req_anti[t].topology_key, v, NULL) > 0)
			return scheduler_status_add(st, SCHEDULER_UNSCHEDULABLE, "InterPodAffinity", "%s",
						    SCHEDULER_ERR_ANTI_AFFINITY);
	}
	if (pod->nreq_aff) {
		bool pods_exist = true, ok = true;
		for (size_t t = 0; t < pod->nreq_aff; t++) {
			const char *v = scheduler_nodeinfo_label(ni, pod->req_aff[t].topology_key);
			if (!v) {
				ok = false;
				break;
			}
			if (scheduler_tpmap_get(&pf->affinity, pod->req_aff[t].topology_key, v, NULL) <= 0)
				pods_exist = false;
		}
		if (ok && !pods_exist)
			ok = pf->affinity.n == 0 && pf->self_affinity;
		if (!ok)
			return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "InterPodAffinity", "%s",
						    SCHEDULER_ERR_AFFINITY);
	}
	return SCHEDULER_SUCCESS;
}

/* ---- all of them ---- */

scheduler_code_t scheduler_filter_node(const scheduler_prefilter_t *pf, const scheduler_nodeinfo_t *ni,
				       scheduler_status_t *st)
{
	const scheduler_pod_t *p = pf->pod;
	scheduler_code_t c;

	if (!ni->node)
		return scheduler_status_add(st, SCHEDULER_UNRESOLVABLE, "", "node not found");
	if ((c = scheduler_filter_unschedulable(p, ni, st)) ||
	    (c = scheduler_filter_node_name(p, ni, st)) ||
	    (c = scheduler_filter_taints(p, ni, st)) ||
	    (c = scheduler_filter_node_affinity(p, ni, st)) ||
	    (c = scheduler_filter_ports(p, ni, st)) ||
	    (c = scheduler_filter_resources(p, ni, st)) ||
	    (c = scheduler_filter_spread(pf, ni, st)) ||
	    (c = scheduler_filter_interpod(pf, ni, st)))
		return c;
	return SCHEDULER_SUCCESS;
}

/* ---- diagnosis ---- */

void scheduler_diagnosis_add(scheduler_diagnosis_t *d, const scheduler_status_t *st)
{
	for (size_t i = 0; i < st->nreasons; i++)
		scheduler_tpmap_add(&d->reasons, st->reasons[i], "", 1);
}

void scheduler_diagnosis_clear(scheduler_diagnosis_t *d)
{
	scheduler_tpmap_clear(&d->reasons);
	memset(d, 0, sizeof(*d));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *scheduler_fit_error(const scheduler_diagnosis_t *d, const char *post_filter)
{
	kube_buf_t b = { 0 };
	char **items = kube_calloc(d->reasons.n + 1, sizeof(*items));
	size_t n = 0;

	kube_buf_printf(&b, "0/%zu nodes are available:", d->nnodes);
	for (size_t i = 0; i < d->reasons.cap; i++)
		if (d->reasons.slots[i].used)
			items[n++] = kube_asprintf("%lld %s", (long long)d->reasons.slots[i].value,
						   d->reasons.slots[i].key);
	qsort(items, n, sizeof(*items), cmp_str);
	for (size_t i = 0; i < n; i++) {
		kube_buf_printf(&b, "%s%s", i ? ", " : " ", items[i]);
		kube_free(items[i]);
	}
	kube_free(items);
	if (n)
		kube_buf_puts(&b, ".");
	if (post_filter && *post_filter) {
		size_t len = strlen(post_filter);
		if (post_filter[len - 1] == '.')
			len--;
		kube_buf_printf(&b, " %.*s.", (int)len, post_filter);
	}
	return kube_buf_steal(&b);
}
