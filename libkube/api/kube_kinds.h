/*
 * kube_kinds: the registry of every resource this project serves: group,
 * version, kind, plural and singular names, scope, short names, categories,
 * verbs, subresources and the etcd key segment upstream stores it under.
 * The data is static and read-only (thread-safe); it also renders the
 * legacy discovery documents (/api, /apis, /api/v1, /apis/<g>/<v>) so the
 * API server serves bytes and kubectl resolves names the same way.
 */
#ifndef KUBE_KINDS_H
#define KUBE_KINDS_H

#include "core/kube_buf.h"

typedef struct kube_subresource {
	const char *name;    /* "status", "scale", "binding", ... */
	const char *group;   /* of the subresource's kind ("" = same as parent) */
	const char *version;
	const char *kind;
	const char *verbs;   /* space separated */
} kube_subresource_t;

typedef struct kube_kind {
	const char *group;   /* "" for core */
	const char *version;
	const char *resource; /* plural, e.g. "deployments" */
	const char *singular;
	const char *kind;
	bool namespaced;
	const char *short_names; /* space separated, "" for none */
	const char *categories;	 /* space separated */
	const char *verbs;	 /* space separated */
	const char *storage;	 /* key segment under the prefix, e.g. "services/specs" */
	const kube_subresource_t *subresources; /* terminated by a NULL name */
} kube_kind_t;

/* Every served group/version in discovery order ("v1" first). */
typedef struct kube_group_version {
	const char *group;
	const char *version;
} kube_group_version_t;

const kube_kind_t *kube_kinds_all(size_t *ret_count);
const kube_group_version_t *kube_kinds_group_versions(size_t *ret_count);
bool kube_kinds_group_version_served(const char *group, const char *version);
const kube_kind_t *kube_kinds_lookup(const char *group, const char *version, const char *resource);
const kube_kind_t *kube_kinds_by_kind(const char *group, const char *kind);
const kube_subresource_t *kube_kinds_subresource(const kube_kind_t *k, const char *name);
/* "apps/v1" or "v1". */
void kube_kinds_api_version(const kube_kind_t *k, kube_buf_t *out);
/* "deployments.apps" or "pods": the name upstream uses in messages. */
void kube_kinds_qualified_resource(const kube_kind_t *k, kube_buf_t *out);
/* "Deployment.apps" or "Pod": the kind as 422 messages name it. */
void kube_kinds_qualified_kind(const kube_kind_t *k, kube_buf_t *out);
bool kube_kinds_has_verb(const kube_kind_t *k, const char *verb);

/* Discovery documents. server_address is "host:port" for /api. */
void kube_kinds_render_api_versions(kube_buf_t *out, const char *server_address);
void kube_kinds_render_api_groups(kube_buf_t *out);
/* The APIGroup document for /apis/<group>; -ENOENT if not served. */
int kube_kinds_render_api_group(kube_buf_t *out, const char *group);
/* The APIResourceList for a group/version; -ENOENT if not served. */
int kube_kinds_render_resource_list(kube_buf_t *out, const char *group, const char *version);

#endif
