/*
 * apiserver_fields: the field labels each resource supports in field
 * selectors (upstream's per-resource GetAttrs), and their values for an
 * object. Pure functions; thread-safe.
 */
#ifndef APISERVER_FIELDS_H
#define APISERVER_FIELDS_H

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "api/kube_selector.h"

bool apiserver_fields_supported(const kube_kind_t *k, const char *field);
/* The field's value as a new string ("" when absent); NULL when unsupported. */
char *apiserver_fields_value(const kube_kind_t *k, const cJSON *obj, const char *field);
/* Whether obj matches the field selector (fields checked supported before). */
bool apiserver_fields_match(const kube_kind_t *k, const kube_fieldsel_t *fs, const cJSON *obj);

#endif
