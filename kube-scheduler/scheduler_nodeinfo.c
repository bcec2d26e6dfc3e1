/* scheduler_nodeinfo: pods and nodes as the scheduler sees them (see header). */
#include "scheduler_nodeinfo.h"

#include <stdio.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_quantity.h"
#include "core/kube_time.h"

/* ---- resources ---- */

void scheduler_resources_clear(scheduler_resources_t *r)
{
	for (size_t i = 0; i < r->nscalar; i++)
		kube_free(r->scalar[i].name);
	kube_free(r->scalar);
	memset(r, 0, sizeof(*r));
}

int64_t scheduler_resources_scalar(const scheduler_resources_t *r, const char *name)
{
	for (size_t i = 0; i < r->nscalar; i++)
		if (strcmp(r->scalar[i].name, name) == 0)
			return r->scalar[i].value;
	return 0;
}

void scheduler_resources_scalar_add(scheduler_resources_t *r, const char *name, int64_t v)
{
	for (size_t i = 0; i < r->nscalar; i++)
		if (strcmp(r->scalar[i].name, name) == 0) {
			r->scalar[i].value += v;
			return;
		}
	r->scalar = kube_realloc(r->scalar, (r->nscalar + 1) * sizeof(*r->scalar));
	r->scalar[r->nscalar].name = kube_strdup(name);
	r->scalar[r->nscalar].value = v;
	r->nscalar++;
}

static void scalar_max(scheduler_resources_t *r, const char *name, int64_t v)
{
	for (size_t i = 0; i < r->nscalar; i++)
		if (strcmp(r->scalar[i].name, name) == 0) {
			if (v > r->scalar[i].value)
				r->scalar[i].value = v;
			return;
		}
	scheduler_resources_scalar_add(r, name, v);
}

static bool qty(const cJSON *v, kube_quantity_t *q)
{
	if (cJSON_IsString(v))
		return kube_quantity_parse(v->valuestring, q) == 0;
	if (cJSON_IsNumber(v)) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.0f", v->valuedouble);
		return kube_quantity_parse(buf, q) == 0;
	}
	return false;
}

void scheduler_resources_add_list(scheduler_resources_t *r, const cJSON *list)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, list) {
		kube_quantity_t q;
		if (!it->string || !qty(it, &q))
			continue;
		if (strcmp(it->string, "cpu") == 0)
			r->milli_cpu += kube_quantity_milli_value(&q);
		else if (strcmp(it->string, "memory") == 0)
			r->memory += kube_quantity_value(&q);
		else if (strcmp(it->string, "ephemeral-storage") == 0)
			r->ephemeral_storage += kube_quantity_value(&q);
		else if (strcmp(it->string, "pods") == 0)
			r->pods += kube_quantity_value(&q);
		else if (strcmp(it->string, "storage") != 0)
			scheduler_resources_scalar_add(r, it->string, kube_quantity_value(&q));
	}
}

void scheduler_resources_add(scheduler_resources_t *r, const scheduler_resources_t *b, int sign)
{
	r->milli_cpu += sign * b->milli_cpu;
	r->memory += sign * b->memory;
	r->ephemeral_storage += sign * b->ephemeral_storage;
	r->pods += sign * b->pods;
	for (size_t i = 0; i < b->nscalar; i++)
		scheduler_resources_scalar_add(r, b->scalar[i].name, sign * b->scalar[i].value);
}

static void resources_max(scheduler_resources_t *r, const scheduler_resources_t *b)
{
	r->milli_cpu = KUBE_MAX(r->milli_cpu, b->milli_cpu);
	r->memory = KUBE_MAX(r->memory, b->memory);
	r->ephemeral_storage = KUBE_MAX(r->ephemeral_storage, b->ephemeral_storage);
	for (size_t i = 0; i < b->nscalar; i++)
		scalar_max(r, b->scalar[i].name, b->scalar[i].value);
}

/* One container's requests, with the non-zero defaults when asked. */
static void container_requests(const cJSON *c, bool non_zero, scheduler_resources_t *r)
{
	const cJSON *req = kube_json_get(c, "resources.requests");
	scheduler_resources_add_list(r, req);
	if (non_zero) {
		if (!cJSON_GetObjectItemCaseSensitive(req, "cpu"))
			r->milli_cpu += SCHEDULER_DEFAULT_MILLI_CPU;
		if (!cJSON_GetObjectItemCaseSensitive(req, "memory"))
			r->memory += SCHEDULER_DEFAULT_MEMORY;
	}
}

void scheduler_pod_requests(const cJSON *pod, bool non_zero, scheduler_resources_t *r)
{
	scheduler_resources_t init = { 0 }, sidecars = { 0 };
	const cJSON *c;

	scheduler_resources_clear(r);
	cJSON_ArrayForEach(c, kube_json_get(pod, "spec.containers"))
		container_requests(c, non_zero, r);
	cJSON_ArrayForEach(c, kube_json_get(pod, "spec.initContainers")) {
		scheduler_resources_t one = { 0 };
		container_requests(c, non_zero, &one);
		if (kube_streq(kube_json_get_str(c, "restartPolicy"), "Always")) {
			/* a sidecar runs alongside the containers */
			scheduler_resources_add(r, &one, 1);
			scheduler_resources_add(&sidecars, &one, 1);
			resources_max(&init, &sidecars);
		} else {
			scheduler_resources_add(&one, &sidecars, 1);
			resources_max(&init, &one);
		}
		scheduler_resources_clear(&one);
	}
	resources_max(r, &init);
	scheduler_resources_add_list(r, kube_json_get(pod, "spec.overhead"));
	scheduler_resources_clear(&init);
	scheduler_resources_clear(&sidecars);
}

/* ---- pods ---- */

static const char *str_or_empty(const cJSON *o, const char *path)
{
	const char *s = kube_json_get_str(o, path);
	return s ? s : "";
}

static void pod_ports(scheduler_pod_t *p)
{
	const cJSON *c, *port;
	cJSON_ArrayForEach(c, kube_json_get(p->json, "spec.containers")) {
		cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(c, "ports")) {
			int64_t hp = kube_json_get_int64(port, "hostPort", 0);
			if (hp <= 0)
				continue;
			p->ports = kube_realloc(p->ports, (p->nports + 1) * sizeof(*p->ports));
			scheduler_port_t *sp = &p->ports[p->nports++];
			const char *proto = kube_json_get_str(port, "protocol");
			const char *ip = kube_json_get_str(port, "hostIP");
			kube_strlcpy(sp->protocol, proto && *proto ? proto : "TCP", sizeof(sp->protocol));
			kube_strlcpy(sp->ip, ip && *ip ? ip : "0.0.0.0", sizeof(sp->ip));
			sp->port = (int)hp;
		}
	}
}

static void parse_terms(const cJSON *arr, bool weighted, scheduler_term_t **ret, size_t *ret_n)
{
	const cJSON *it;
	size_t n = 0;
	*ret = NULL;
	*ret_n = 0;
	if (cJSON_GetArraySize(arr) == 0)
		return;
	scheduler_term_t *t = kube_calloc((size_t)cJSON_GetArraySize(arr), sizeof(*t));
	cJSON_ArrayForEach(it, arr) {
		const cJSON *term = weighted ? kube_json_get(it, "podAffinityTerm") : it;
		const cJSON *ls = kube_json_get(term, "labelSelector");
		const cJSON *nss = kube_json_get(term, "namespaceSelector");
		scheduler_term_t *x = &t[n++];
		if (ls && !cJSON_IsNull(ls) && kube_selector_from_json(ls, &x->selector, NULL) < 0)
			x->selector = NULL;
		x->namespaces = kube_json_get(term, "namespaces");
		x->ns_selector = nss && cJSON_IsObject(nss);
		x->all_namespaces = x->ns_selector && cJSON_GetArraySize(nss) == 0;
		x->topology_key = kube_json_get_str(term, "topologyKey");
		if (!x->topology_key)
			x->topology_key = "";
		x->weight = weighted ? (int32_t)kube_json_get_int64(it, "weight", 0) : 1;
	}
	*ret = t;
	*ret_n = n;
}

static void free_terms(scheduler_term_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kube_selector_free(t[i].selector);
	kube_free(t);
}

bool scheduler_term_matches(const scheduler_term_t *t, const scheduler_pod_t *owner,
			    const scheduler_pod_t *q)
{
	if (!t->selector)
		return false;
	if (!t->all_namespaces) {
		bool ok = false;
		const cJSON *ns;
		if (cJSON_GetArraySize(t->namespaces) == 0 && !t->ns_selector)
			ok = strcmp(owner->namespace_, q->namespace_) == 0;
		cJSON_ArrayForEach(ns, t->namespaces)
			if (cJSON_IsString(ns) && strcmp(ns->valuestring, q->namespace_) == 0)
				ok = true;
		if (!ok)
			return false;
	}
	return kube_selector_matches(t->selector, q->labels);
}

scheduler_pod_t *scheduler_pod_new(cJSON *json)
{
	scheduler_pod_t *p = kube_calloc(1, sizeof(*p));
	scheduler_resources_t nz = { 0 };
	const char *ts;

	atomic_init(&p->refs, 1);
	p->json = json;
	p->namespace_ = str_or_empty(json, "metadata.namespace");
	p->name = str_or_empty(json, "metadata.name");
	p->uid = str_or_empty(json, "metadata.uid");
	p->node_name = str_or_empty(json, "spec.nodeName");
	p->labels = kube_json_get(json, "metadata.labels");
	p->tolerations = kube_json_get(json, "spec.tolerations");
	p->node_selector = kube_json_get(json, "spec.nodeSelector");
	p->required_node_affinity = kube_json_get(json,
		"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
	if (cJSON_IsNull(p->required_node_affinity))
		p->required_node_affinity = NULL;
	p->preferred_node_affinity = kube_json_get(json,
		"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution");
	if (cJSON_GetArraySize(p->preferred_node_affinity) == 0)
		p->preferred_node_affinity = NULL;
	p->nominated_node = kube_json_get_str(json, "status.nominatedNodeName");
	p->priority = (int32_t)kube_json_get_int64(json, "spec.priority", 0);
	p->terminating = kube_json_get(json, "metadata.deletionTimestamp") != NULL &&
			 !cJSON_IsNull(kube_json_get(json, "metadata.deletionTimestamp"));
	scheduler_pod_requests(json, false, &p->req);
	scheduler_pod_requests(json, true, &nz);
	p->nonzero_milli_cpu = nz.milli_cpu;
	p->nonzero_memory = nz.memory;
	scheduler_resources_clear(&nz);
	pod_ports(p);
	parse_terms(kube_json_get(json, "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
		    false, &p->req_aff, &p->nreq_aff);
	parse_terms(kube_json_get(json, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
		    false, &p->req_anti, &p->nreq_anti);
	parse_terms(kube_json_get(json, "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution"),
		    true, &p->pref_aff, &p->npref_aff);
	parse_terms(kube_json_get(json, "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"),
		    true, &p->pref_anti, &p->npref_anti);
	ts = kube_json_get_str(json, "status.startTime");
	if (!ts)
		ts = kube_json_get_str(json, "metadata.creationTimestamp");
	if (!ts || kube_time_parse_rfc3339(ts, &p->start_ns) < 0)
		p->start_ns = 0;
	return p;
}

scheduler_pod_t *scheduler_pod_new_shared(cJSON *json, void *owner, void (*release)(void *owner))
{
	scheduler_pod_t *p = scheduler_pod_new(json);
	p->owner = owner;
	p->release = release;
	return p;
}

scheduler_pod_t *scheduler_pod_parse(const char *json)
{
	cJSON *o = kube_json_parse(json, strlen(json));
	return o ? scheduler_pod_new(o) : NULL;
}

scheduler_pod_t *scheduler_pod_ref(scheduler_pod_t *p)
{
	atomic_fetch_add(&p->refs, 1);
	return p;
}

void scheduler_pod_unref(scheduler_pod_t *p)
{
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	scheduler_resources_clear(&p->req);
	kube_free(p->ports);
	kube_selector_free(p->default_selector);
	free_terms(p->req_aff, p->nreq_aff);
	free_terms(p->req_anti, p->nreq_anti);
	free_terms(p->pref_aff, p->npref_aff);
	free_terms(p->pref_anti, p->npref_anti);
	if (p->release)
		p->release(p->owner);
	else
		cJSON_Delete(p->json);
	kube_free(p);
}

void scheduler_pod_key(const scheduler_pod_t *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", p->namespace_, p->name);
}

/* ---- node infos ---- */

scheduler_nodeinfo_t *scheduler_nodeinfo_new(cJSON *node)
{
	scheduler_nodeinfo_t *ni = kube_calloc(1, sizeof(*ni));
	scheduler_nodeinfo_set_node(ni, node);
	return ni;
}

scheduler_nodeinfo_t *scheduler_nodeinfo_parse(const char *json)
{
	cJSON *o = kube_json_parse(json, strlen(json));
	return o ? scheduler_nodeinfo_new(o) : NULL;
}

void scheduler_nodeinfo_free(scheduler_nodeinfo_t *ni)
{
	if (!ni)
		return;
	for (size_t i = 0; i < ni->npods; i++)
		scheduler_pod_unref(ni->pods[i]);
	kube_free(ni->pods);
	scheduler_resources_clear(&ni->allocatable);
	scheduler_resources_clear(&ni->requested);
	scheduler_nodeinfo_set_node(ni, NULL);
	kube_free(ni);
}

void scheduler_nodeinfo_set_node(scheduler_nodeinfo_t *ni, cJSON *node)
{
	scheduler_nodeinfo_set_node_shared(ni, node, NULL, NULL);
}

void scheduler_nodeinfo_set_node_shared(scheduler_nodeinfo_t *ni, cJSON *node, void *owner,
					void (*release)(void *owner))
{
	if (ni->node_release)
		ni->node_release(ni->node_owner);
	else
		cJSON_Delete(ni->node);
	ni->node = node;
	ni->node_owner = owner;
	ni->node_release = release;
	ni->name = node ? str_or_empty(node, "metadata.name") : "";
	ni->labels = node ? kube_json_get(node, "metadata.labels") : NULL;
	ni->taints = node ? kube_json_get(node, "spec.taints") : NULL;
	ni->images = node ? kube_json_get(node, "status.images") : NULL;
	if (cJSON_GetArraySize(ni->images) == 0)
		ni->images = NULL;
	ni->unschedulable = node && kube_json_get_bool(node, "spec.unschedulable", false);
	scheduler_resources_clear(&ni->allocatable);
	if (node)
		scheduler_resources_add_list(&ni->allocatable, kube_json_get(node, "status.allocatable"));
	ni->generation++;
}

static bool has_affinity(const scheduler_pod_t *p)
{
	return p->nreq_aff || p->nreq_anti || p->npref_aff || p->npref_anti;
}

void scheduler_nodeinfo_add_pod(scheduler_nodeinfo_t *ni, scheduler_pod_t *p)
{
	if (ni->npods == ni->cap) {
		ni->cap = ni->cap ? ni->cap * 2 : 8;
		ni->pods = kube_realloc(ni->pods, ni->cap * sizeof(*ni->pods));
	}
	ni->pods[ni->npods++] = scheduler_pod_ref(p);
	scheduler_resources_add(&ni->requested, &p->req, 1);
	ni->nonzero_milli_cpu += p->nonzero_milli_cpu;
	ni->nonzero_memory += p->nonzero_memory;
	if (has_affinity(p))
		ni->pods_with_affinity++;
	if (p->nreq_anti)
		ni->pods_with_required_anti_affinity++;
	ni->generation++;
}

int scheduler_nodeinfo_remove_pod(scheduler_nodeinfo_t *ni, const scheduler_pod_t *p)
{
	for (size_t i = 0; i < ni->npods; i++) {
		scheduler_pod_t *q = ni->pods[i];
		if (q != p && (strcmp(q->uid, p->uid) != 0 || strcmp(q->name, p->name) != 0 ||
			       strcmp(q->namespace_, p->namespace_) != 0))
			continue;
		scheduler_resources_add(&ni->requested, &q->req, -1);
		ni->nonzero_milli_cpu -= q->nonzero_milli_cpu;
		ni->nonzero_memory -= q->nonzero_memory;
		if (has_affinity(q))
			ni->pods_with_affinity--;
		if (q->nreq_anti)
			ni->pods_with_required_anti_affinity--;
		ni->pods[i] = ni->pods[--ni->npods];
		scheduler_pod_unref(q);
		ni->generation++;
		return 0;
	}
	return -ENOENT;
}

scheduler_nodeinfo_t *scheduler_nodeinfo_clone(const scheduler_nodeinfo_t *ni)
{
	scheduler_nodeinfo_t *c = scheduler_nodeinfo_new(kube_json_dup(ni->node));
	for (size_t i = 0; i < ni->npods; i++)
		scheduler_nodeinfo_add_pod(c, ni->pods[i]);
	return c;
}

bool scheduler_nodeinfo_port_free(const scheduler_nodeinfo_t *ni, const scheduler_port_t *want)
{
	bool want_any = strcmp(want->ip, "0.0.0.0") == 0 || strcmp(want->ip, "::") == 0;
	for (size_t i = 0; i < ni->npods; i++) {
		const scheduler_pod_t *p = ni->pods[i];
		for (size_t j = 0; j < p->nports; j++) {
			const scheduler_port_t *u = &p->ports[j];
			if (u->port != want->port || strcmp(u->protocol, want->protocol) != 0)
				continue;
			bool used_any = strcmp(u->ip, "0.0.0.0") == 0 || strcmp(u->ip, "::") == 0;
			if (want_any || used_any || strcmp(u->ip, want->ip) == 0)
				return false;
		}
	}
	return true;
}

const char *scheduler_nodeinfo_label(const scheduler_nodeinfo_t *ni, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ni->labels, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}
