/*
 * apiserver_claims: ClusterIPs and NodePorts stay unique when several API
 * servers share one etcd. Before handing out an address, a server claims
 * it in the store with create-if-absent, as upstream's IP allocator does
 * with IPAddress objects (<prefix>/ipaddresses/<ip>; node ports under
 * <prefix>/servicenodeports/<port>). A claim stands while its Service
 * exists with that address, or for CLAIM_GRACE_S after it was made (the
 * Service is being created, or another server's cache has not seen it
 * yet); a claim that no longer stands is taken over with a compare-and-
 * swap, so deleted Services need no release step. Only with
 * --etcd-servers: the embedded store has one API server. Loop thread
 * (the store calls block briefly).
 */
#include "apiserver.h"

#include "api/kube_json.h"
#include "core/kube_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLAIM_GRACE_S 60

static char *claim_value(const char *what, const char *id, const char *ns, const char *name)
{
	int64_t now = kube_wall_ns() / 1000000;

	if (strcmp(what, "ipaddresses") == 0)
		return kube_asprintf("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IPAddress\","
				     "\"metadata\":{\"name\":\"%s\",\"labels\":{\"ipaddress.kubernetes.io/ip-family\":\"IPv4\","
				     "\"ipaddress.kubernetes.io/managed-by\":\"ipallocator.k8s.io\"},"
				     "\"annotations\":{\"kube-c.io/claimed-ms\":\"%lld\"}},"
				     "\"spec\":{\"parentRef\":{\"group\":\"\",\"resource\":\"services\","
				     "\"namespace\":\"%s\",\"name\":\"%s\"}}}",
				     id, (long long)now, ns, name);
	return kube_asprintf("{\"kind\":\"ServiceNodePort\",\"metadata\":{\"name\":\"%s\","
			     "\"annotations\":{\"kube-c.io/claimed-ms\":\"%lld\"}},"
			     "\"spec\":{\"parentRef\":{\"group\":\"\",\"resource\":\"services\","
			     "\"namespace\":\"%s\",\"name\":\"%s\"}}}",
			     id, (long long)now, ns, name);
}

/* Whether the Service a claim names still holds the address. */
static bool service_holds(apiserver_t *s, const char *what, const char *id, const char *ns,
			  const char *name)
{
	apiserver_cache_t *c = apiserver_cache_for(s, kube_kinds_lookup("", "v1", "services"));
	apiserver_obj_t *o = c && ns && name ? apiserver_cache_get(c, ns, name) : NULL;
	cJSON *t = o ? apiserver_obj_tree(o) : NULL;
	bool holds = false;

	if (t && strcmp(what, "ipaddresses") == 0) {
		holds = kube_streq(kube_json_get_str(t, "spec.clusterIP"), id);
	} else if (t) {
		const cJSON *ports = kube_json_get(t, "spec.ports");
		for (const cJSON *p = ports ? ports->child : NULL; p && !holds; p = p->next)
			holds = kube_json_get_int64(p, "nodePort", 0) == atoll(id);
	}
	cJSON_Delete(t);
	return holds;
}

int apiserver_claim(apiserver_t *s, const char *what, const char *id, const char *ns,
		    const char *name)
{
	char *key, *val;
	bool ok = false;
	int err = -EEXIST;

	if (!s->opts->etcd_servers || !s->opts->etcd_servers[0])
		return 0;
	key = kube_asprintf("%s/%s/%s", s->prefix, what, id);
	val = claim_value(what, id, ns ? ns : "", name ? name : "");
	for (int attempt = 0; attempt < 3 && !ok; attempt++) {
		kube_kv_t kv = { 0 };
		cJSON *o;
		int r = kube_store_create(s->store, key, val, strlen(val), NULL);

		if (r == 0) {
			ok = true;
			break;
		}
		if (r != -EEXIST) {
			err = r;
			break;
		}
		r = kube_store_get(s->store, key, &kv);
		if (r < 0) {
			if (r != -ENOENT) {
				err = r;
				break;
			}
			continue; /* released meanwhile: create again */
		}
		o = kube_json_parse(kv.value, kv.value_len);
		if (o) {
			const char *cns = kube_json_get_str(o, "spec.parentRef.namespace");
			const char *cname = kube_json_get_str(o, "spec.parentRef.name");
			const cJSON *ann = kube_json_get(o, "metadata.annotations");
			const cJSON *at = ann ? cJSON_GetObjectItemCaseSensitive(ann, "kube-c.io/claimed-ms") : NULL;
			int64_t age_ms = kube_wall_ns() / 1000000 -
					 (cJSON_IsString(at) ? strtoll(at->valuestring, NULL, 10) : 0);
			bool mine = kube_streq(cns, ns) && kube_streq(cname, name);
			bool stands = !mine && (age_ms < CLAIM_GRACE_S * 1000 ||
						service_holds(s, what, id, cns, cname));

			/* a stale claim (or our own Service's, re-created) is taken over */
			if (!stands)
				ok = kube_store_update(s->store, key, val, strlen(val), kv.mod_rev, NULL,
						       NULL) == 0;
			cJSON_Delete(o);
			kube_kv_clear(&kv);
			if (stands)
				break;
		} else {
			kube_kv_clear(&kv);
			break;
		}
	}
	if (!ok)
		klog_v(4, "claim %s: taken", key);
	kube_free(key);
	kube_free(val);
	return ok ? 0 : err;
}
