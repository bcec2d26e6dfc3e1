/*
 * apiserver_fields: the field labels each resource supports in field
 * selectors (upstream's per-kind GetAttrs / field label conversion
 * functions) and their values read from an object. Static data; pure
 * and thread-safe.
 */
#ifndef APISERVER_FIELDS_H
#define APISERVER_FIELDS_H

#include <stdbool.h>

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "api/kube_selector.h"

/* Whether field ("metadata.name", "spec.nodeName", ...) may be used in a
 * field selector for kind k. */
bool apiserver_fields_supported(const kube_kind_t *k, const char *field);

/* The value of field in obj as a selector compares it: a kube_malloc'd
 * string the caller kube_free()s; "" when the field is absent; NULL when
 * the field is not supported for k. Booleans are "true"/"false", numbers
 * decimal. */
char *apiserver_fields_value(const kube_kind_t *k, const cJSON *obj, const char *field);

/* Whether obj matches the field selector fs (its fields checked with
 * apiserver_fields_supported() before). */
bool apiserver_fields_match(const kube_kind_t *k, const kube_fieldsel_t *fs, const cJSON *obj);

#endif
