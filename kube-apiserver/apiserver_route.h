/*
 * apiserver_route: turns a request path into what it addresses, as
 * upstream's RequestInfoFactory does: the discovery documents, or a
 * resource (group, version, namespace, resource, name, subresource),
 * including the legacy /watch/ paths, and the verb from the method.
 * A route owns its strings.
 */
#ifndef APISERVER_ROUTE_H
#define APISERVER_ROUTE_H

#include "core/kube_core.h"

typedef enum {
	APISERVER_ROUTE_OTHER = 0,	/* not an API path (/healthz, /version, ...) */
	APISERVER_ROUTE_API,		/* /api */
	APISERVER_ROUTE_APIS,		/* /apis */
	APISERVER_ROUTE_GROUP,		/* /apis/<group> */
	APISERVER_ROUTE_GROUP_VERSION,	/* /api/v1, /apis/<group>/<version> */
	APISERVER_ROUTE_RESOURCE,
} apiserver_route_kind_t;

typedef struct apiserver_route {
	apiserver_route_kind_t kind;
	char *group;	/* "" for core */
	char *version;
	char *namespace; /* NULL when not in the path */
	char *resource;
	char *name;
	char *subresource;
	bool watch_path; /* /api/v1/watch/... */
} apiserver_route_t;

/* Parse a decoded path (a trailing slash is ignored). -ENOENT when the path
 * is under /api or /apis but has no valid shape. */
int apiserver_route_parse(const char *path, apiserver_route_t *ret);
void apiserver_route_clear(apiserver_route_t *r);
/* The Kubernetes verb for a method on this route: get, list, watch, create,
 * update, patch, delete, deletecollection; NULL when not allowed. */
const char *apiserver_route_verb(const apiserver_route_t *r, const char *method, bool watch_param);

#endif
