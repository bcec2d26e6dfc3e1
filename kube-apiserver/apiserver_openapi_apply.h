/*
 * apiserver_openapi_apply: server-side apply (PATCH with
 * application/apply-patch+yaml) over the schema. The applied configuration
 * is merged onto the live object by merge keys (kube_smp); the applying
 * manager's field set (kube_fieldset) is recorded in metadata.managedFields
 * as an "Apply" entry; fields another manager owns and the apply would
 * change are a 409 Conflict with FieldManagerConflict causes, unless forced
 * (the forced manager takes them over); fields the manager applied before
 * and no longer applies are removed unless another manager owns them.
 * Update operations are not tracked in managedFields yet.
 */
#ifndef APISERVER_OPENAPI_APPLY_H
#define APISERVER_OPENAPI_APPLY_H

#include "apiserver.h"

/* The object to store for an apply of config by manager onto cur (NULL:
 * the object does not exist and will be created from config), or NULL with
 * *ret_st (409 Conflict, 400). Pure; thread-safe. */
cJSON *apiserver_apply(const kube_kind_t *k, const cJSON *cur, const cJSON *config, const char *manager,
		       bool force, const char *name, kube_status_t **ret_st);

#endif
