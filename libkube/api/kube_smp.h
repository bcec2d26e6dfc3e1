/*
 * kube_smp: strategic merge patch (application/strategic-merge-patch+json),
 * driven by the schema's merge keys and strategies (kube_schema). Objects
 * merge key by key (null deletes); lists with a merge key merge element by
 * element (containers by name, container ports by containerPort, ...);
 * primitive lists with strategy "merge" (finalizers) are unions; every other
 * list is replaced. Directives: `$patch: replace|merge|delete` (in objects
 * and list elements), `$retainKeys`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>`. Without a schema (m NULL, or below a
 * field the schema does not describe) it behaves as a JSON merge patch with
 * the directives still honoured. Pure; thread-safe.
 */
#ifndef KUBE_SMP_H
#define KUBE_SMP_H

#include <cJSON.h>

#include "api/kube_protobuf.h"

/* The patched copy of doc (caller cJSON_Delete()s), or NULL with *ret_err
 * (caller kube_free()s) when the patch is not an object or a directive is
 * malformed. */
cJSON *kube_smp_apply(const kube_protobuf_message_t *m, const cJSON *doc, const cJSON *patch, char **ret_err);

#endif
