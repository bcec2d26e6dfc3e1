/*
 * apiserver_alloc: ClusterIP and NodePort allocation for Services. The
 * services in the watch cache are the record of what is taken, so
 * allocations survive restarts; addresses handed out but not yet seen in
 * the cache are held here until they are. Loop thread only.
 */
#include "apiserver.h"

#include "api/kube_json.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

typedef struct alloc_hold {
	char *ns, *name;
	uint32_t ip;	/* host order; 0 = none */
	int ports[8];
	int nports;
	struct alloc_hold *next;
} alloc_hold_t;

static bool parse_v4(const char *s, uint32_t *ret)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return false;
	*ret = ntohl(a.s_addr);
	return true;
}

static void range_of(const apiserver_t *s, uint32_t *base, uint32_t *size)
{
	const kube_cidr_t *c = &s->opts->service_cluster_ip_range;
	uint32_t net;

	memcpy(&net, c->ip.addr, 4);
	*base = ntohl(net);
	*size = c->prefix >= 32 ? 1 : (uint32_t)1 << (32 - c->prefix);
}

/* Drop holds for services the cache now shows. */
static void prune_holds(apiserver_t *s, apiserver_cache_t *c)
{
	alloc_hold_t **pp = &s->holds, *h;

	while ((h = *pp)) {
		if (apiserver_cache_get(c, h->ns, h->name)) {
			*pp = h->next;
			kube_free(h->ns);
			kube_free(h->name);
			kube_free(h);
		} else {
			pp = &h->next;
		}
	}
}

void apiserver_alloc_release_pending(apiserver_t *s, const char *ns, const char *name)
{
	alloc_hold_t **pp = &s->holds, *h;

	while ((h = *pp)) {
		if (kube_streq(h->ns, ns) && kube_streq(h->name, name)) {
			*pp = h->next;
			kube_free(h->ns);
			kube_free(h->name);
			kube_free(h);
		} else {
			pp = &h->next;
		}
	}
}

static bool ip_taken(apiserver_t *s, apiserver_cache_t *c, uint32_t ip)
{
	size_t n;
	apiserver_obj_t **items = apiserver_cache_items(c, &n);

	for (alloc_hold_t *h = s->holds; h; h = h->next)
		if (h->ip == ip)
			return true;
	for (size_t i = 0; i < n; i++) {
		cJSON *t = apiserver_obj_tree(items[i]);
		uint32_t v;
		bool taken = t && parse_v4(kube_json_get_str(t, "spec.clusterIP"), &v) && v == ip;
		cJSON_Delete(t);
		if (taken)
			return true;
	}
	return false;
}

static bool port_taken(apiserver_t *s, apiserver_cache_t *c, int port)
{
	size_t n;
	apiserver_obj_t **items = apiserver_cache_items(c, &n);

	for (alloc_hold_t *h = s->holds; h; h = h->next)
		for (int i = 0; i < h->nports; i++)
			if (h->ports[i] == port)
				return true;
	for (size_t i = 0; i < n; i++) {
		cJSON *t = apiserver_obj_tree(items[i]);
		const cJSON *ports = t ? kube_json_get(t, "spec.ports") : NULL;
		bool taken = false;
		for (const cJSON *p = ports ? ports->child : NULL; p && !taken; p = p->next)
			taken = kube_json_get_int64(p, "nodePort", 0) == port;
		cJSON_Delete(t);
		if (taken)
			return true;
	}
	return false;
}

int apiserver_alloc_service(apiserver_t *s, cJSON *svc, const cJSON *old, kube_status_t *st)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "services");
	apiserver_cache_t *c = apiserver_cache_for(s, k);
	const char *type = kube_json_get_str(svc, "spec.type");
	const char *want = kube_json_get_str(svc, "spec.clusterIP");
	uint32_t base, size, ip = 0;
	char buf[INET_ADDRSTRLEN], rng[64];
	alloc_hold_t *h;
	struct in_addr a;

	const char *sns = kube_json_get_str(svc, "metadata.namespace");
	const char *sname = kube_json_get_str(svc, "metadata.name");
	char id[INET_ADDRSTRLEN];
	int cr = 0;

	if (!c)
		return -ENOENT;
	prune_holds(s, c);
	range_of(s, &base, &size);
	kube_format_ip(&s->opts->service_cluster_ip_range.ip, buf, sizeof(buf));
	snprintf(rng, sizeof(rng), "%s/%d", buf, s->opts->service_cluster_ip_range.prefix);
	h = kube_calloc(1, sizeof(*h));

	if (kube_streq(type, "ExternalName")) {
		/* no cluster IP */
	} else if (want && strcmp(want, "None") == 0) {
		/* headless */
	} else if (want && *want) {
		if (!parse_v4(want, &ip) || ip <= base || ip >= base + size - 1) {
			kube_status_add_cause(st, "FieldValueInvalid", "spec.clusterIPs",
					      "Invalid value: [\"%s\"]: failed to allocate IP %s: provided IP is not in the valid range. The range of valid IPs is %s",
					      want, want, rng);
		} else if (ip_taken(s, c, ip) ||
			   (cr = apiserver_claim(s, "ipaddresses", want, sns, sname)) == -EEXIST) {
			kube_status_add_cause(st, "FieldValueInvalid", "spec.clusterIPs",
					      "Invalid value: [\"%s\"]: failed to allocate IP %s: provided IP is already allocated",
					      want, want);
		} else if (cr < 0) {
			kube_status_add_cause(st, "FieldValueInvalid", "spec.clusterIPs",
					      "Invalid value: [\"%s\"]: failed to allocate IP %s: %s", want, want,
					      strerror(-cr));
		}
	} else {
		/* Upstream reserves the first address for the kubernetes service; it is
		 * only given out when asked for. */
		for (uint32_t i = 2; i < size - 1 && cr == 0; i++) {
			if (!ip_taken(s, c, base + i)) {
				a.s_addr = htonl(base + i);
				inet_ntop(AF_INET, &a, id, sizeof(id));
				cr = apiserver_claim(s, "ipaddresses", id, sns, sname);
				if (cr == -EEXIST) {
					cr = 0;
					continue;
				}
				if (cr == 0)
					ip = base + i;
				break;
			}
		}
		if (cr < 0)
			kube_status_add_cause(st, "FieldValueInvalid", "spec.clusterIPs",
					      "Invalid value: []: failed to allocate a serviceIP: %s", strerror(-cr));
		else if (!ip)
			kube_status_add_cause(st, "FieldValueInvalid", "spec.clusterIPs",
					      "Invalid value: []: failed to allocate a serviceIP: range is full");
	}
	if (st->ncauses == 0 && ip) {
		a.s_addr = htonl(ip);
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
		kube_json_set_str(svc, "spec.clusterIP", buf);
		cJSON *ips = cJSON_CreateArray();
		cJSON_AddItemToArray(ips, cJSON_CreateString(buf));
		kube_json_set(svc, "spec.clusterIPs", ips);
		h->ip = ip;
	} else if (want && strcmp(want, "None") == 0) {
		cJSON *ips = cJSON_CreateArray();
		cJSON_AddItemToArray(ips, cJSON_CreateString("None"));
		kube_json_set(svc, "spec.clusterIPs", ips);
	}

	if (kube_streq(type, "NodePort") || kube_streq(type, "LoadBalancer")) {
		const cJSON *ports = kube_json_get(svc, "spec.ports");
		int pbase = s->opts->service_node_port_range.base;
		int psize = s->opts->service_node_port_range.size;
		int idx = 0;

		for (cJSON *p = ports ? ports->child : NULL; p && st->ncauses == 0; p = p->next, idx++) {
			int64_t np = kube_json_get_int64(p, "nodePort", 0);
			char field[64];

			snprintf(field, sizeof(field), "spec.ports[%d].nodePort", idx);
			if (np) {
				if (np < pbase || np >= pbase + psize)
					kube_status_add_cause(st, "FieldValueInvalid", field,
							      "Invalid value: %lld: provided port is not in the valid range. The range of valid ports is %d-%d",
							      (long long)np, pbase, pbase + psize - 1);
				else if (port_taken(s, c, (int)np) ||
					 (snprintf(id, sizeof(id), "%lld", (long long)np),
					  apiserver_claim(s, "servicenodeports", id, sns, sname)) != 0)
					kube_status_add_cause(st, "FieldValueInvalid", field,
							      "Invalid value: %lld: provided port is already allocated",
							      (long long)np);
			} else {
				/* Start at a random offset, then walk the whole range once. */
				unsigned start = (unsigned)kube_now_ns();
				for (int i = 0; i < psize; i++) {
					int cand = pbase + (int)((start + (unsigned)i) % (unsigned)psize);
					if (!port_taken(s, c, cand)) {
						snprintf(id, sizeof(id), "%d", cand);
						cr = apiserver_claim(s, "servicenodeports", id, sns, sname);
						if (cr == -EEXIST)
							continue;
						if (cr == 0)
							np = cand;
						break;
					}
				}
				if (!np)
					kube_status_add_cause(st, "FieldValueInvalid", field,
							      "Invalid value: 0: failed to allocate a nodePort: range is full");
				else
					kube_json_set_int64(p, "nodePort", np);
			}
			if (np && h->nports < (int)ARRAY_SIZE(h->ports))
				h->ports[h->nports++] = (int)np;
		}
	}
	if (st->ncauses || (!h->ip && !h->nports)) {
		kube_free(h);
		return st->ncauses ? -EINVAL : 0;
	}
	h->ns = kube_strdup(kube_json_get_str(svc, "metadata.namespace") ? kube_json_get_str(svc, "metadata.namespace") : "");
	h->name = kube_strdup(kube_json_get_str(svc, "metadata.name") ? kube_json_get_str(svc, "metadata.name") : "");
	h->next = s->holds;
	s->holds = h;
	(void)old;
	return 0;
}

void apiserver_alloc_clear(apiserver_t *s)
{
	while (s->holds) {
		alloc_hold_t *h = s->holds;
		s->holds = h->next;
		kube_free(h->ns);
		kube_free(h->name);
		kube_free(h);
	}
}
