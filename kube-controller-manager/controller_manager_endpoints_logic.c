/* controller_manager_endpoints_logic: Endpoints and EndpointSlices from a
 * Service and its pods, see the header. */
#include "controller_manager_endpoints_logic.h"

#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"

bool controller_manager_endpoints_selects(const cJSON *svc)
{
	const cJSON *sel = kube_json_get(svc, "spec.selector");
	return cJSON_IsObject(sel) && sel->child;
}

bool controller_manager_endpoints_matches(const cJSON *svc, const cJSON *pod)
{
	const cJSON *sel = kube_json_get(svc, "spec.selector"), *kv;
	const cJSON *labels = kube_json_get(pod, "metadata.labels");
	if (!cJSON_IsObject(sel) || !sel->child)
		return false;
	if (!kube_streq(kube_json_get_str(svc, "metadata.namespace"), kube_json_get_str(pod, "metadata.namespace")))
		return false;
	cJSON_ArrayForEach(kv, sel)
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, kv->string);
		if (!cJSON_IsString(v) || !kube_streq(v->valuestring, cJSON_GetStringValue(kv)))
			return false;
	}
	return true;
}

int controller_manager_endpoints_find_port(const cJSON *pod, const cJSON *svc_port)
{
	const cJSON *tp = cJSON_GetObjectItemCaseSensitive(svc_port, "targetPort");
	const char *proto = kube_json_get_str(svc_port, "protocol");
	if (!proto)
		proto = "TCP";
	if (cJSON_IsNumber(tp))
		return tp->valueint > 0 ? tp->valueint : -1;
	if (!cJSON_IsString(tp)) {
		int p = (int)kube_json_get_int64(svc_port, "port", -1);
		return p > 0 ? p : -1;
	}
	const char *lists[] = { "spec.containers", "spec.initContainers" };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const cJSON *c, *p;
		cJSON_ArrayForEach(c, kube_json_get(pod, lists[l]))
		{
			/* init containers count only as sidecars (restartPolicy Always) */
			if (l == 1 && !kube_streq(kube_json_get_str(c, "restartPolicy"), "Always"))
				continue;
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(c, "ports"))
			{
				const char *pp = kube_json_get_str(p, "protocol");
				if (kube_streq(kube_json_get_str(p, "name"), tp->valuestring) &&
				    kube_streq(pp ? pp : "TCP", proto))
					return (int)kube_json_get_int64(p, "containerPort", -1);
			}
		}
	}
	return -1;
}

static const char *pod_ip(const cJSON *pod)
{
	const char *ip = kube_json_get_str(pod, "status.podIP");
	if (ip && *ip)
		return ip;
	ip = kube_json_get_str(pod, "status.podIPs[0].ip");
	return ip && *ip ? ip : NULL;
}

static bool headless(const cJSON *svc)
{
	return kube_streq(kube_json_get_str(svc, "spec.clusterIP"), "None");
}

/* The ports pod serves for svc, in discovery (slice) or core field order. */
static cJSON *pod_ports(const cJSON *svc, const cJSON *pod, bool slice)
{
	cJSON *ports = cJSON_CreateArray();
	const cJSON *sp;
	cJSON_ArrayForEach(sp, kube_json_get(svc, "spec.ports"))
	{
		int port = controller_manager_endpoints_find_port(pod, sp);
		if (port < 0)
			continue;
		cJSON *e = cJSON_CreateObject();
		const char *name = kube_json_get_str(sp, "name");
		const char *proto = kube_json_get_str(sp, "protocol");
		const char *app = kube_json_get_str(sp, "appProtocol");
		cJSON_AddStringToObject(e, "name", name ? name : "");
		if (slice)
			cJSON_AddStringToObject(e, "protocol", proto ? proto : "TCP");
		cJSON_AddNumberToObject(e, "port", port);
		if (!slice)
			cJSON_AddStringToObject(e, "protocol", proto ? proto : "TCP");
		if (app)
			cJSON_AddStringToObject(e, "appProtocol", app);
		cJSON_AddItemToArray(ports, e);
	}
	return ports;
}

static int port_cmp(const void *a, const void *b)
{
	const cJSON *pa = *(const cJSON *const *)a, *pb = *(const cJSON *const *)b;
	int c = strcmp(kube_json_get_str(pa, "name") ? kube_json_get_str(pa, "name") : "",
		       kube_json_get_str(pb, "name") ? kube_json_get_str(pb, "name") : "");
	if (c)
		return c;
	int64_t x = kube_json_get_int64(pa, "port", 0), y = kube_json_get_int64(pb, "port", 0);
	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(kube_json_get_str(pa, "protocol") ? kube_json_get_str(pa, "protocol") : "",
		      kube_json_get_str(pb, "protocol") ? kube_json_get_str(pb, "protocol") : "");
}

/* Sort an array's items in place with cmp. */
static void sort_array(cJSON *arr, int (*cmp)(const void *, const void *))
{
	int n = cJSON_GetArraySize(arr);
	if (n < 2)
		return;
	cJSON **items = kube_calloc((size_t)n, sizeof(*items));
	for (int i = n - 1; i >= 0; i--)
		items[i] = cJSON_DetachItemFromArray(arr, i);
	qsort(items, (size_t)n, sizeof(*items), cmp);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, items[i]);
	kube_free(items);
}

static int addr_cmp(const void *a, const void *b)
{
	const cJSON *pa = *(const cJSON *const *)a, *pb = *(const cJSON *const *)b;
	const char *ia = kube_json_get_str(pa, "ip"), *ib = kube_json_get_str(pb, "ip");
	if (!ia) /* slice endpoints */
		ia = kube_json_get_str(pa, "addresses[0]"), ib = kube_json_get_str(pb, "addresses[0]");
	int c = strcmp(ia ? ia : "", ib ? ib : "");
	if (c)
		return c;
	return strcmp(kube_json_get_str(pa, "targetRef.uid") ? kube_json_get_str(pa, "targetRef.uid") : "",
		      kube_json_get_str(pb, "targetRef.uid") ? kube_json_get_str(pb, "targetRef.uid") : "");
}

static cJSON *target_ref(const cJSON *pod)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "kind", "Pod");
	const char *f[][2] = { { "namespace", "metadata.namespace" }, { "name", "metadata.name" },
			       { "uid", "metadata.uid" } };
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		const char *v = kube_json_get_str(pod, f[i][1]);
		if (v)
			cJSON_AddStringToObject(r, f[i][0], v);
	}
	return r;
}

static const char *pod_hostname(const cJSON *svc, const cJSON *pod)
{
	const char *h = kube_json_get_str(pod, "spec.hostname");
	if (h && *h && kube_streq(kube_json_get_str(pod, "spec.subdomain"), kube_json_get_str(svc, "metadata.name")) &&
	    kube_streq(kube_json_get_str(pod, "metadata.namespace"), kube_json_get_str(svc, "metadata.namespace")))
		return h;
	return NULL;
}

static cJSON *service_labels(const cJSON *svc, bool slice)
{
	const cJSON *l = kube_json_get(svc, "metadata.labels");
	cJSON *labels = cJSON_IsObject(l) ? kube_json_dup(l) : cJSON_CreateObject();
	const char *drop[] = { "service.kubernetes.io/headless", "kubernetes.io/service-name",
			       "endpointslice.kubernetes.io/managed-by" };
	for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
		cJSON_DeleteItemFromObjectCaseSensitive(labels, drop[i]);
	if (slice) {
		const char *name = kube_json_get_str(svc, "metadata.name");
		cJSON_AddStringToObject(labels, "kubernetes.io/service-name", name ? name : "");
		cJSON_AddStringToObject(labels, "endpointslice.kubernetes.io/managed-by",
					CONTROLLER_MANAGER_ENDPOINTSLICE_MANAGED_BY);
	}
	if (headless(svc))
		cJSON_AddStringToObject(labels, "service.kubernetes.io/headless", "");
	return labels;
}

/* A group of addresses sharing one port set. */
typedef struct group {
	char *key;
	cJSON *ports;
	cJSON *ready, *not_ready; /* Endpoints; or endpoints for slices (ready only) */
} group_t;

typedef struct groups {
	group_t *g;
	size_t n;
} groups_t;

static group_t *group_for(groups_t *gs, cJSON *ports)
{
	sort_array(ports, port_cmp);
	char *key = kube_json_canonical(ports);
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].key, key) == 0) {
			kube_free(key);
			cJSON_Delete(ports);
			return &gs->g[i];
		}
	gs->g = kube_realloc(gs->g, (gs->n + 1) * sizeof(*gs->g));
	group_t *g = &gs->g[gs->n++];
	g->key = key;
	g->ports = ports;
	g->ready = cJSON_CreateArray();
	g->not_ready = cJSON_CreateArray();
	return g;
}

static void groups_free(groups_t *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		kube_free(gs->g[i].key);
		cJSON_Delete(gs->g[i].ports);
		cJSON_Delete(gs->g[i].ready);
		cJSON_Delete(gs->g[i].not_ready);
	}
	kube_free(gs->g);
	gs->g = NULL;
	gs->n = 0;
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const group_t *)a)->key, ((const group_t *)b)->key);
}

cJSON *controller_manager_endpoints_build(const cJSON *svc, const cJSON *const *pods, size_t n)
{
	bool publish = kube_json_get_bool(svc, "spec.publishNotReadyAddresses", false);
	bool no_ports = cJSON_GetArraySize(kube_json_get(svc, "spec.ports")) == 0;
	groups_t gs = { 0 };
	for (size_t i = 0; controller_manager_endpoints_selects(svc) && i < n; i++) {
		const cJSON *pod = pods[i];
		const char *ip = pod_ip(pod);
		if (!ip || controller_manager_podutil_terminal(pod) || !controller_manager_endpoints_matches(svc, pod))
			continue;
		if (!publish && controller_manager_podutil_deleting(pod))
			continue;
		if (no_ports && !headless(svc))
			continue;
		cJSON *ports = pod_ports(svc, pod, false);
		if (!no_ports && cJSON_GetArraySize(ports) == 0) {
			cJSON_Delete(ports);
			continue;
		}
		group_t *g = group_for(&gs, ports);
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "ip", ip);
		const char *h = pod_hostname(svc, pod);
		if (h)
			cJSON_AddStringToObject(a, "hostname", h);
		const char *node = kube_json_get_str(pod, "spec.nodeName");
		if (node && *node)
			cJSON_AddStringToObject(a, "nodeName", node);
		cJSON_AddItemToObject(a, "targetRef", target_ref(pod));
		bool ready = publish || controller_manager_podutil_ready(pod);
		cJSON_AddItemToArray(ready ? g->ready : g->not_ready, a);
	}
	if (gs.n > 1)
		qsort(gs.g, gs.n, sizeof(*gs.g), group_cmp);
	cJSON *ep = cJSON_CreateObject();
	cJSON_AddStringToObject(ep, "apiVersion", "v1");
	cJSON_AddStringToObject(ep, "kind", "Endpoints");
	cJSON *meta = cJSON_AddObjectToObject(ep, "metadata");
	const char *name = kube_json_get_str(svc, "metadata.name");
	const char *ns = kube_json_get_str(svc, "metadata.namespace");
	cJSON_AddStringToObject(meta, "name", name ? name : "");
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	cJSON_AddItemToObject(meta, "labels", service_labels(svc, false));
	cJSON *subsets = cJSON_AddArrayToObject(ep, "subsets");
	for (size_t i = 0; i < gs.n; i++) {
		group_t *g = &gs.g[i];
		cJSON *s = cJSON_CreateObject();
		if (cJSON_GetArraySize(g->ready)) {
			sort_array(g->ready, addr_cmp);
			cJSON_AddItemToObject(s, "addresses", g->ready);
			g->ready = NULL;
		}
		if (cJSON_GetArraySize(g->not_ready)) {
			sort_array(g->not_ready, addr_cmp);
			cJSON_AddItemToObject(s, "notReadyAddresses", g->not_ready);
			g->not_ready = NULL;
		}
		if (cJSON_GetArraySize(g->ports)) {
			cJSON_AddItemToObject(s, "ports", g->ports);
			g->ports = NULL;
		}
		cJSON_AddItemToArray(subsets, s);
	}
	groups_free(&gs);
	return ep;
}

static bool json_same(const cJSON *a, const cJSON *b)
{
	bool ea = !a || cJSON_IsNull(a) || (cJSON_IsArray(a) && !a->child) || (cJSON_IsObject(a) && !a->child);
	bool eb = !b || cJSON_IsNull(b) || (cJSON_IsArray(b) && !b->child) || (cJSON_IsObject(b) && !b->child);
	if (ea || eb)
		return ea && eb;
	return kube_json_equal(a, b);
}

bool controller_manager_endpoints_same(const cJSON *existing, const cJSON *desired)
{
	return json_same(kube_json_get(existing, "subsets"), kube_json_get(desired, "subsets")) &&
	       json_same(kube_json_get(existing, "metadata.labels"), kube_json_get(desired, "metadata.labels"));
}

/* ---- EndpointSlices ---- */

static cJSON *new_slice(const cJSON *svc, const char *addr_type, cJSON *ports, cJSON *endpoints)
{
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "apiVersion", "discovery.k8s.io/v1");
	cJSON_AddStringToObject(s, "kind", "EndpointSlice");
	cJSON *meta = cJSON_AddObjectToObject(s, "metadata");
	const char *name = kube_json_get_str(svc, "metadata.name");
	const char *ns = kube_json_get_str(svc, "metadata.namespace");
	_cleanup_free_ char *gen = kube_asprintf("%s-", name ? name : "");
	cJSON_AddStringToObject(meta, "generateName", gen);
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	cJSON_AddItemToObject(meta, "labels", service_labels(svc, true));
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(svc, "v1", "Service"));
	cJSON_AddStringToObject(s, "addressType", addr_type);
	cJSON_AddItemToObject(s, "endpoints", endpoints);
	if (ports)
		cJSON_AddItemToObject(s, "ports", ports);
	return s;
}

static char *ports_key(const cJSON *ports)
{
	cJSON *p = ports ? kube_json_dup(ports) : cJSON_CreateArray();
	if (!cJSON_IsArray(p)) {
		cJSON_Delete(p);
		p = cJSON_CreateArray();
	}
	sort_array(p, port_cmp);
	char *k = kube_json_canonical(p);
	cJSON_Delete(p);
	return k;
}

void controller_manager_endpointslice_plan_clear(controller_manager_endpointslice_plan_t *p)
{
	cJSON_Delete(p->create);
	cJSON_Delete(p->update);
	cJSON_Delete(p->remove);
	memset(p, 0, sizeof(*p));
}

void controller_manager_endpointslice_plan(const cJSON *svc, const cJSON *const *pods, size_t n_pods,
					   const cJSON *const *existing, size_t n_existing,
					   controller_manager_endpoints_zone_fn zone, void *zone_arg,
					   controller_manager_endpointslice_plan_t *p)
{
	p->create = cJSON_CreateArray();
	p->update = cJSON_CreateArray();
	p->remove = cJSON_CreateArray();
	bool publish = kube_json_get_bool(svc, "spec.publishNotReadyAddresses", false);
	bool no_ports = cJSON_GetArraySize(kube_json_get(svc, "spec.ports")) == 0;
	groups_t gs = { 0 };
	for (size_t i = 0; controller_manager_endpoints_selects(svc) && i < n_pods; i++) {
		const cJSON *pod = pods[i];
		const char *ip = pod_ip(pod);
		if (!ip || controller_manager_podutil_terminal(pod) || !controller_manager_endpoints_matches(svc, pod))
			continue;
		if (no_ports && !headless(svc))
			continue;
		cJSON *ports = pod_ports(svc, pod, true);
		if (!no_ports && cJSON_GetArraySize(ports) == 0) {
			cJSON_Delete(ports);
			continue;
		}
		group_t *g = group_for(&gs, ports);
		bool term = controller_manager_podutil_deleting(pod);
		bool ready = controller_manager_podutil_ready(pod);
		cJSON *e = cJSON_CreateObject();
		cJSON *addrs = cJSON_AddArrayToObject(e, "addresses");
		cJSON_AddItemToArray(addrs, cJSON_CreateString(ip));
		cJSON *c = cJSON_AddObjectToObject(e, "conditions");
		cJSON_AddBoolToObject(c, "ready", publish || (ready && !term));
		cJSON_AddBoolToObject(c, "serving", publish || ready);
		cJSON_AddBoolToObject(c, "terminating", term);
		const char *h = pod_hostname(svc, pod);
		if (h)
			cJSON_AddStringToObject(e, "hostname", h);
		cJSON_AddItemToObject(e, "targetRef", target_ref(pod));
		const char *node = kube_json_get_str(pod, "spec.nodeName");
		if (node && *node) {
			cJSON_AddStringToObject(e, "nodeName", node);
			const char *z = zone ? zone(node, zone_arg) : NULL;
			if (z)
				cJSON_AddStringToObject(e, "zone", z);
		}
		cJSON_AddItemToArray(g->ready, e);
	}
	if (gs.n > 1)
		qsort(gs.g, gs.n, sizeof(*gs.g), group_cmp);

	/* the desired slices: per port set, chunks of at most MAX endpoints */
	cJSON *desired = cJSON_CreateArray();
	for (size_t i = 0; i < gs.n; i++) {
		sort_array(gs.g[i].ready, addr_cmp);
		int total = cJSON_GetArraySize(gs.g[i].ready);
		for (int off = 0; off < total; off += CONTROLLER_MANAGER_ENDPOINTSLICE_MAX) {
			cJSON *eps = cJSON_CreateArray();
			for (int k = off; k < total && k < off + CONTROLLER_MANAGER_ENDPOINTSLICE_MAX; k++)
				cJSON_AddItemToArray(eps, kube_json_dup(cJSON_GetArrayItem(gs.g[i].ready, k)));
			cJSON *ports = cJSON_GetArraySize(gs.g[i].ports) ? kube_json_dup(gs.g[i].ports) : NULL;
			cJSON_AddItemToArray(desired, new_slice(svc, "IPv4", ports, eps));
		}
	}
	groups_free(&gs);
	if (!cJSON_GetArraySize(desired)) /* upstream's placeholder slice */
		cJSON_AddItemToArray(desired, new_slice(svc, "IPv4", NULL, cJSON_CreateArray()));

	bool *used = kube_calloc(n_existing + 1, sizeof(bool));
	cJSON *d;
	cJSON_ArrayForEach(d, desired)
	{
		char *dk = ports_key(kube_json_get(d, "ports"));
		const cJSON *match = NULL;
		size_t mi = 0;
		for (size_t i = 0; i < n_existing && !match; i++) {
			if (used[i] || !kube_streq(kube_json_get_str(existing[i], "addressType"), "IPv4"))
				continue;
			char *ek = ports_key(kube_json_get(existing[i], "ports"));
			if (strcmp(ek, dk) == 0) {
				match = existing[i];
				mi = i;
			}
			kube_free(ek);
		}
		kube_free(dk);
		if (!match) {
			cJSON_AddItemToArray(p->create, kube_json_dup(d));
			continue;
		}
		used[mi] = true;
		if (json_same(kube_json_get(match, "endpoints"), kube_json_get(d, "endpoints")) &&
		    json_same(kube_json_get(match, "metadata.labels"), kube_json_get(d, "metadata.labels")))
			continue;
		cJSON *u = kube_json_dup(match);
		kube_json_set(u, "endpoints", kube_json_dup(kube_json_get(d, "endpoints")));
		kube_json_set(u, "metadata.labels", kube_json_dup(kube_json_get(d, "metadata.labels")));
		cJSON_AddItemToArray(p->update, u);
	}
	for (size_t i = 0; i < n_existing; i++) {
		const char *name = kube_json_get_str(existing[i], "metadata.name");
		if (!used[i] && name)
			cJSON_AddItemToArray(p->remove, cJSON_CreateString(name));
	}
	kube_free(used);
	cJSON_Delete(desired);
}
