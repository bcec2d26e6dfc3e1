/*
 * kubectl_discovery: what the server serves (legacy discovery: /api, /apis,
 * each group/version's APIResourceList) and resolution of the names users
 * type ("po", "pods", "pod", "Pod", "deployments.apps", "deploy.v1.apps",
 * categories such as "all") to resources, as upstream's RESTMapper and
 * category expander do.
 *
 * Documents are cached on disk as upstream lays them out under
 * <cache-dir>/discovery/<host_port>/ (servergroups.json and
 * <group>/<version>/serverresources.json; valid 6 hours); a name that does
 * not resolve from a cached copy refreshes it once.
 *
 * Ownership: the discovery owns every kube_kind_t it returns; they stay
 * valid until kubectl_discovery_free(). Not thread-safe.
 */
#ifndef KUBECTL_DISCOVERY_H
#define KUBECTL_DISCOVERY_H

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "client/kube_client.h"

typedef struct kubectl_resource {
	kube_kind_t k;		/* strings owned by the discovery */
	bool preferred;		/* in the group's preferred version */
	int order;		/* discovery order */
} kubectl_resource_t;

typedef struct kubectl_discovery {
	kubectl_resource_t *res;
	size_t nres;
	cJSON *groups;		/* APIGroupList incl. the legacy "" group first */
	char **strings;		/* storage behind res[].k */
	size_t nstrings, capstrings;
	char *cache_dir;	/* <cache>/discovery/<host_port>, or NULL */
	bool from_cache;
} kubectl_discovery_t;

/* Load from cache_root (may be NULL: no cache) or the server. 0, or a
 * negative errno with the failing call's status in *ret_status. */
int kubectl_discovery_load(kube_client_t *c, const char *cache_root,
			   kubectl_discovery_t **ret, kube_client_status_t *ret_status);
/* Fetch again from the server (dropping the cache). */
int kubectl_discovery_refresh(kubectl_discovery_t *d, kube_client_t *c,
			      kube_client_status_t *ret_status);
void kubectl_discovery_free(kubectl_discovery_t *d);

/* Build a discovery from documents: groups is an APIGroupList (the "" core
 * group first) and lists the APIResourceLists in any order. Takes no
 * ownership. For tests and the cache. */
kubectl_discovery_t *kubectl_discovery_from_docs(const cJSON *groups, cJSON *const *lists,
						 size_t nlists);

/* Resolve one name (no commas). NULL when nothing matches. */
const kube_kind_t *kubectl_discovery_resolve(const kubectl_discovery_t *d, const char *name);
/* The resource serving apiVersion ("apps/v1", "v1") and kind. NULL if none. */
const kube_kind_t *kubectl_discovery_by_kind(const kubectl_discovery_t *d, const char *api_version,
					     const char *kind);
/* Expand a category ("all") to its resources in discovery order; returns
 * the count written to ret (up to max). 0 if name is no category. */
size_t kubectl_discovery_category(const kubectl_discovery_t *d, const char *name,
				  const kube_kind_t **ret, size_t max);

/* The cache directory upstream uses for a server URL:
 * "<root>/discovery/127.0.0.1_6443". kube_malloc'd. */
char *kubectl_discovery_cache_path(const char *root, const char *server);

/* "deployment.apps" / "pod": the kind lower-cased with its group, as
 * -o name and multi-type tables print it. */
void kubectl_kind_prefix(const kube_kind_t *k, kube_buf_t *out);

#endif
