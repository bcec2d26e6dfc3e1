/*
 * kube_fieldset: the field sets of server-side apply, in upstream's
 * FieldsV1 JSON form ({"f:spec":{"f:replicas":{}}}, list elements by merge
 * key as "k:{\"name\":\"web\"}", set members as "v:\"x\""), computed from an
 * applied configuration with the schema's merge keys (kube_schema). Also
 * the two set operations apply needs: the conflicts between a new applied
 * set and another manager's set (fields both own whose value the apply
 * would change), and pruning the fields a manager stopped applying. Pure
 * functions over caller-owned JSON; thread-safe.
 */
#ifndef KUBE_FIELDSET_H
#define KUBE_FIELDSET_H

#include <cJSON.h>

#include "api/kube_protobuf.h"

/* The FieldsV1 set of an applied configuration of the kind m describes (m
 * NULL: lists are atomic). apiVersion, kind, metadata.name and
 * metadata.namespace are not part of it. Caller cJSON_Delete()s. */
cJSON *kube_fieldset_of(const kube_protobuf_message_t *m, const cJSON *config);

/* Fields in both applied (the new set of config) and other whose value in
 * live differs from config's: appended to *paths as ".spec.replicas",
 * ".spec.template.spec.containers[name=\"web\"].image" (caller frees with
 * kube_fieldset_paths_free). When take is set they are removed from other
 * (a forced apply takes them over). Returns the number appended. */
size_t kube_fieldset_conflicts(const cJSON *applied, cJSON *other, const cJSON *config, const cJSON *live,
			       bool take, char ***paths, size_t *npaths);
void kube_fieldset_paths_free(char **paths, size_t n);

/* Remove from obj the fields in old but not in applied that none of the
 * others (n_others sets, entries may be NULL) owns. */
void kube_fieldset_prune(cJSON *obj, const cJSON *old, const cJSON *applied, const cJSON *const *others,
			 size_t n_others);

/* Whether a set is empty (no fields, or only "."). */
bool kube_fieldset_empty(const cJSON *set);

#endif
